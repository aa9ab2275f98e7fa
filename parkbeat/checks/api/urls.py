from rest_framework.routers import SimpleRouter

from parkbeat.checks.api import views

router = SimpleRouter()
router.register("background-checks", views.BackgroundCheckViewSet, basename="background-check")
urlpatterns = router.urls

from rest_framework.routers import SimpleRouter

from parkbeat.incidents.api import views

router = SimpleRouter()
router.register("incidents", views.IncidentViewSet, basename="incident")
urlpatterns = router.urls

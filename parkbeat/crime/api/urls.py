from rest_framework.routers import SimpleRouter

from parkbeat.crime.api import views

router = SimpleRouter()
router.register("crime/leads", views.LeadViewSet, basename="crime-lead")
router.register("crime/cases", views.CaseViewSet, basename="crime-case")
urlpatterns = router.urls

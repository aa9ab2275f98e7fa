from rest_framework.routers import SimpleRouter

from parkbeat.disputes.api import views

router = SimpleRouter()
router.register("disputes", views.DisputeViewSet, basename="dispute")
router.register("mediation-sessions", views.SessionViewSet, basename="mediation-session")
router.register("agreements", views.AgreementViewSet, basename="agreement")
router.register("obligations", views.ObligationViewSet, basename="obligation")
urlpatterns = router.urls

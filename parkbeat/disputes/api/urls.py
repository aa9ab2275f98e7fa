from django.urls import path
from rest_framework.routers import SimpleRouter

from parkbeat.disputes.api import ledger, views

router = SimpleRouter()
router.register("disputes", views.DisputeViewSet, basename="dispute")
router.register("mediation-sessions", views.SessionViewSet, basename="mediation-session")
router.register("agreements", views.AgreementViewSet, basename="agreement")
router.register("obligations", views.ObligationViewSet, basename="obligation")
# Before the router, whose disputes/<pk>/ would otherwise take disputes/ledger-import/.
urlpatterns = [
    path("disputes/ledger-import/", ledger.LedgerImportAPIView.as_view(), name="dispute-ledger-import"),
    path("disputes/ledger-template/", ledger.LedgerTemplateAPIView.as_view(), name="dispute-ledger-template"),
    *router.urls,
]

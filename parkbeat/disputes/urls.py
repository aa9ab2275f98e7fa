from django.urls import path

from parkbeat.disputes import views, views_ledger, views_lists, views_print

app_name = "disputes"
urlpatterns = [
    path("", views.DisputeListView.as_view(), name="dispute_list"),
    path("new/", views.DisputeCreateView.as_view(), name="dispute_create"),
    path("sessions/", views_lists.SessionListView.as_view(), name="session_list"),
    path("agreements/", views_lists.AgreementListView.as_view(), name="agreement_list"),
    path("figures/", views.DisputeFiguresView.as_view(), name="dispute_figures"),
    path("ledger/import/", views_ledger.LedgerImportView.as_view(), name="ledger_import"),
    path("ledger/import/template/", views_ledger.LedgerTemplateView.as_view(), name="ledger_template"),
    path("<int:pk>/", views.DisputeDetailView.as_view(), name="dispute_detail"),
    path("<int:pk>/edit/", views.DisputeUpdateView.as_view(), name="dispute_update"),
    path("<int:pk>/level/", views.DisputeLevelView.as_view(), name="dispute_level"),
    path("<int:pk>/status/", views.DisputeTransitionView.as_view(), name="dispute_transition"),
    path("<int:pk>/route/", views.DisputeRouteView.as_view(), name="dispute_route"),
    path("<int:pk>/parties/new/", views.PartyCreateView.as_view(), name="party_create"),
    path("<int:pk>/parties/<int:party_pk>/edit/", views.PartyUpdateView.as_view(), name="party_update"),
    path("<int:pk>/parties/<int:party_pk>/remove/", views.PartyRemoveView.as_view(), name="party_remove"),
    path("<int:pk>/sessions/new/", views.SessionCreateView.as_view(), name="session_create"),
    path("<int:pk>/agreements/new/", views.AgreementCreateView.as_view(), name="agreement_create"),
    path("<int:pk>/agreements/<int:agreement_pk>/print/", views_print.AgreementPrintView.as_view(),
         name="agreement_print"),
    path("<int:pk>/agreements/<int:agreement_pk>/pdf/", views_print.AgreementPdfView.as_view(), name="agreement_pdf"),
    path("<int:pk>/obligations/<int:obligation_pk>/pay/", views.PaymentCreateView.as_view(), name="payment_create"),
]

from django.urls import path

from parkbeat.incidents import views, views_print

app_name = "incidents"
urlpatterns = [
    path("", views.IncidentListView.as_view(), name="incident_list"),
    path("figures/", views.IncidentListFiguresView.as_view(), name="incident_list_figures"),
    path("new/", views.IncidentCreateView.as_view(), name="incident_create"),
    path("report/", views.QuickReportView.as_view(), name="quick_report"),
    path("report/<int:pk>/done/", views.QuickReportDoneView.as_view(), name="quick_report_done"),
    path("<int:pk>/", views.IncidentDetailView.as_view(), name="incident_detail"),
    path("<int:pk>/print/", views_print.IncidentPrintView.as_view(), name="incident_print"),
    path("<int:pk>/pdf/", views_print.IncidentPdfView.as_view(), name="incident_pdf"),
    path("<int:pk>/action/", views.IncidentActionView.as_view(), name="incident_action"),
]

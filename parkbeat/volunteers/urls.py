from django.urls import path

from parkbeat.volunteers import service_views, views

app_name = "volunteers"
urlpatterns = [
    path("", views.VolunteerListView.as_view(), name="volunteer_list"),
    path("mine/", views.MyVolunteerView.as_view(), name="my_volunteer"),
    path("mine/service/", service_views.MyServiceView.as_view(), name="my_service"),
    path("<int:pk>/service/", service_views.VolunteerServiceView.as_view(), name="volunteer_service"),
    path("rankings/", service_views.RankingView.as_view(), name="ranking"),
    path("rankings/print/", service_views.RankingPrintView.as_view(), name="ranking_print"),
    path("rankings/pdf/", service_views.RankingPdfView.as_view(), name="ranking_pdf"),
    path("rankings/export/", service_views.RankingExportView.as_view(), name="ranking_export"),
    path("<int:pk>/", views.VolunteerDetailView.as_view(), name="volunteer_detail"),
    path("<int:pk>/edit/", views.VolunteerUpdateView.as_view(), name="volunteer_update"),
    path("<int:pk>/vet/", views.VetView.as_view(), name="volunteer_vet"),
    path("<int:pk>/status/", views.StatusView.as_view(), name="volunteer_status"),
    path("<int:pk>/trainings/new/", views.TrainingCreateView.as_view(), name="training_create"),
    path("<int:pk>/support/new/", views.SupportCreateView.as_view(), name="support_create"),
    path("teams/", views.TeamListView.as_view(), name="team_list"),
    path("teams/new/", views.TeamCreateView.as_view(), name="team_create"),
    path("teams/<int:pk>/", views.TeamDetailView.as_view(), name="team_detail"),
    path("teams/<int:pk>/edit/", views.TeamUpdateView.as_view(), name="team_update"),
    path("teams/<int:pk>/captain/", views.CaptainView.as_view(), name="team_captain"),
    path("teams/<int:pk>/nominate/", views.NominateView.as_view(), name="nominate"),
]

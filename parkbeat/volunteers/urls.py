from django.urls import path

from parkbeat.volunteers import views

app_name = "volunteers"
urlpatterns = [
    path("", views.VolunteerListView.as_view(), name="volunteer_list"),
    path("mine/", views.MyVolunteerView.as_view(), name="my_volunteer"),
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

from django.urls import path

from parkbeat.checks import views

app_name = "checks"
urlpatterns = [
    path("", views.CheckListView.as_view(), name="check_list"),
    path("new/", views.CheckRequestView.as_view(), name="check_request"),
    path("figures/", views.CheckFiguresView.as_view(), name="check_figures"),
    path("reads/", views.CheckReadLogView.as_view(), name="read_log"),
    path("<int:pk>/", views.CheckDetailView.as_view(), name="check_detail"),
    path("<int:pk>/answer/", views.CheckAnswerView.as_view(), name="check_answer"),
]

from django.urls import path

from parkbeat.crime import views

app_name = "crime"
urlpatterns = [
    path("leads/", views.LeadListView.as_view(), name="lead_list"),
    path("leads/new/", views.LeadCreateView.as_view(), name="lead_create"),
    path("leads/<int:pk>/", views.LeadDetailView.as_view(), name="lead_detail"),
    path("leads/<int:pk>/observe/", views.LeadObserveView.as_view(), name="lead_observe"),
    path("leads/<int:pk>/close/", views.LeadCloseView.as_view(), name="lead_close"),
    path("leads/<int:pk>/agency/", views.LeadAgencyView.as_view(), name="lead_agency"),
    path("cases/", views.CaseListView.as_view(), name="case_list"),
    path("cases/new/", views.CaseCreateView.as_view(), name="case_create"),
    path("cases/<int:pk>/", views.CaseDetailView.as_view(), name="case_detail"),
    path("cases/<int:pk>/edit/", views.CaseEditView.as_view(), name="case_edit"),
    path("cases/<int:pk>/key-time/", views.CaseKeyTimeView.as_view(), name="case_key_time"),
    path("cases/<int:pk>/suspects/", views.CaseSuspectView.as_view(), name="case_suspect"),
    path("cases/<int:pk>/note/", views.CaseNoteView.as_view(), name="case_note"),
    path("cases/<int:pk>/status/", views.CaseTransitionView.as_view(), name="case_transition"),
]

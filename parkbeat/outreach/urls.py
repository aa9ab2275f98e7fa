from django.urls import path

from parkbeat.outreach import views

app_name = "outreach"
urlpatterns = [
    path("", views.LectureListView.as_view(), name="lecture_list"),
    path("new/", views.LectureCreateView.as_view(), name="lecture_create"),
    path("<int:pk>/", views.LectureDetailView.as_view(), name="lecture_detail"),
    path("<int:pk>/edit/", views.LectureUpdateView.as_view(), name="lecture_update"),
    path("<int:pk>/transition/", views.LectureTransitionView.as_view(), name="lecture_transition"),
    path("<int:pk>/attendance/", views.LectureAttendanceView.as_view(), name="lecture_attendance"),
    path("campaigns/", views.CampaignListView.as_view(), name="campaign_list"),
    path("campaigns/new/", views.CampaignCreateView.as_view(), name="campaign_create"),
    path("campaigns/<int:pk>/", views.CampaignDetailView.as_view(), name="campaign_detail"),
    path("campaigns/<int:pk>/edit/", views.CampaignUpdateView.as_view(), name="campaign_update"),
    path("coverage/", views.CoverageListView.as_view(), name="coverage"),
    path("coverage/map/", views.CoverageMapView.as_view(), name="coverage_map"),
    path("rules/", views.AdoptionListView.as_view(), name="adoption_list"),
    path("rules/new/", views.RuleCreateView.as_view(), name="rule_create"),
    path("rules/adopt/", views.AdoptionCreateView.as_view(), name="adoption_create"),
    path("rules/adoptions/<int:pk>/end/", views.AdoptionEndView.as_view(), name="adoption_end"),
]

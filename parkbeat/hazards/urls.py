from django.urls import path

from parkbeat.hazards import views

app_name = "hazards"
urlpatterns = [
    path("", views.HazardListView.as_view(), name="hazard_list"),
    path("new/", views.HazardCreateView.as_view(), name="hazard_create"),
    path("mine/", views.MyHazardsView.as_view(), name="my_hazards"),
    path("<int:pk>/", views.HazardDetailView.as_view(), name="hazard_detail"),
    path("<int:pk>/evidence/", views.HazardEvidenceView.as_view(), name="hazard_evidence"),
    path("<int:pk>/review/", views.HazardReviewView.as_view(), name="hazard_review"),
    path("<int:pk>/follow-up/", views.HazardFollowUpView.as_view(), name="hazard_follow_up"),
    path("<int:pk>/refer/", views.HazardReferView.as_view(), name="hazard_refer"),
]

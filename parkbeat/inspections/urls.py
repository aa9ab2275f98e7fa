from django.urls import path

from parkbeat.inspections import views

app_name = "inspections"
urlpatterns = [
    path("", views.InspectionListView.as_view(), name="inspection_list"),
    path("new/", views.InspectionPlanView.as_view(), name="inspection_plan"),
    path("compliance/", views.ComplianceBoardView.as_view(), name="compliance"),
    path("checklists/", views.ChecklistListView.as_view(), name="checklist_list"),
    path("checklists/<int:pk>/", views.ChecklistDetailView.as_view(), name="checklist_detail"),
    path("<int:pk>/", views.InspectionDetailView.as_view(), name="inspection_detail"),
    path("<int:pk>/record/", views.InspectionRecordView.as_view(), name="inspection_record"),
    path("<int:pk>/cancel/", views.InspectionCancelView.as_view(), name="inspection_cancel"),
]

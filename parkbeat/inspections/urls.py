from django.urls import path

from parkbeat.inspections import views

app_name = "inspections"
urlpatterns = [
    path("", views.InspectionListView.as_view(), name="inspection_list"),
    path("new/", views.InspectionPlanView.as_view(), name="inspection_plan"),
    path("calendar/", views.InspectionCalendarView.as_view(), name="calendar"),
    path("compliance/", views.ComplianceBoardView.as_view(), name="compliance"),
    path("checklists/", views.ChecklistListView.as_view(), name="checklist_list"),
    path("checklists/new/", views.ChecklistCreateView.as_view(), name="checklist_create"),
    path("checklists/<int:pk>/", views.ChecklistDetailView.as_view(), name="checklist_detail"),
    path("checklists/<int:pk>/edit/", views.ChecklistUpdateView.as_view(), name="checklist_update"),
    path("checklists/<int:pk>/revise/", views.ChecklistReviseView.as_view(), name="checklist_revise"),
    path("checklists/<int:pk>/versions/<int:number>/edit/", views.ChecklistVersionEditView.as_view(),
         name="checklist_version_edit"),
    path("key-dates/", views.KeyDateListView.as_view(), name="keydate_list"),
    path("key-dates/new/", views.KeyDateCreateView.as_view(), name="keydate_create"),
    path("key-dates/<int:pk>/", views.KeyDateDetailView.as_view(), name="keydate_detail"),
    path("key-dates/<int:pk>/edit/", views.KeyDateUpdateView.as_view(), name="keydate_update"),
    path("key-dates/<int:pk>/remove/", views.KeyDateDeleteView.as_view(), name="keydate_delete"),
    path("campaigns/", views.CampaignListView.as_view(), name="campaign_list"),
    path("campaigns/new/", views.CampaignCreateView.as_view(), name="campaign_create"),
    path("campaigns/<int:pk>/", views.CampaignDetailView.as_view(), name="campaign_detail"),
    path("campaigns/<int:pk>/edit/", views.CampaignUpdateView.as_view(), name="campaign_update"),
    path("<int:pk>/", views.InspectionDetailView.as_view(), name="inspection_detail"),
    path("<int:pk>/edit/", views.InspectionUpdateView.as_view(), name="inspection_update"),
    path("<int:pk>/record/", views.InspectionRecordView.as_view(), name="inspection_record"),
    path("<int:pk>/cancel/", views.InspectionCancelView.as_view(), name="inspection_cancel"),
]

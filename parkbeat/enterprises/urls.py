from django.urls import path

from parkbeat.enterprises import urls_io, views, visit_plan_views

app_name = "enterprises"
urlpatterns = [
    path("", views.EnterpriseListView.as_view(), name="enterprise_list"),
    path("new/", views.EnterpriseCreateView.as_view(), name="enterprise_create"),
    path("<int:pk>/", views.EnterpriseDetailView.as_view(), name="enterprise_detail"),
    path("<int:pk>/edit/", views.EnterpriseUpdateView.as_view(), name="enterprise_update"),
    path("<int:pk>/designate/", views.DesignateView.as_view(), name="enterprise_designate"),
    path("<int:pk>/undesignate/", views.UndesignateView.as_view(), name="enterprise_undesignate"),
    path("<int:pk>/liaisons/new/", views.LiaisonCreateView.as_view(), name="liaison_create"),
    path("<int:pk>/liaisons/<int:liaison_pk>/edit/", views.LiaisonUpdateView.as_view(), name="liaison_update"),
    path("<int:pk>/visits/new/", views.VisitCreateView.as_view(), name="visit_create"),
    path("<int:pk>/demands/new/", views.DemandCreateView.as_view(), name="demand_create"),
    path("visits/", views.VisitListView.as_view(), name="visit_list"),
    path("visits/due/", visit_plan_views.VisitPlanView.as_view(), name="visit_plan"),
    path("visits/<int:pk>/", views.VisitDetailView.as_view(), name="visit_detail"),
    path("visits/<int:pk>/edit/", views.VisitUpdateView.as_view(), name="visit_update"),
    path("demands/", views.DemandListView.as_view(), name="demand_list"),
    path("demands/<int:pk>/", views.DemandDetailView.as_view(), name="demand_detail"),
    path("demands/<int:pk>/edit/", views.DemandUpdateView.as_view(), name="demand_update"),
    path("demands/<int:pk>/action/", views.DemandActionView.as_view(), name="demand_action"),
    path("demands/<int:pk>/assign/", views.DemandAssignView.as_view(), name="demand_assign"),
    *urls_io.urlpatterns,
]

from django.urls import path

from parkbeat.patrols import coverage_views, views

app_name = "patrols"
urlpatterns = [
    path("", views.FieldHomeView.as_view(), name="field_home"),
    path("checkpoints/", views.CheckpointListView.as_view(), name="checkpoint_list"),
    path("checkpoints/new/", views.CheckpointCreateView.as_view(), name="checkpoint_create"),
    path("checkpoints/sheet/", views.CheckpointSheetView.as_view(), name="checkpoint_sheet"),
    path("checkpoints/<int:pk>/", views.CheckpointDetailView.as_view(), name="checkpoint_detail"),
    path("checkpoints/<int:pk>/edit/", views.CheckpointUpdateView.as_view(), name="checkpoint_update"),
    path("checkpoints/<int:pk>/code/", views.CheckpointCodeView.as_view(), name="checkpoint_code"),
    path("routes/", views.RouteListView.as_view(), name="route_list"),
    path("routes/new/", views.RouteCreateView.as_view(), name="route_create"),
    path("routes/<int:pk>/", views.RouteDetailView.as_view(), name="route_detail"),
    path("routes/<int:pk>/edit/", views.RouteUpdateView.as_view(), name="route_update"),
    path("plans/", views.PlanListView.as_view(), name="plan_list"),
    path("plans/new/", views.PlanCreateView.as_view(), name="plan_create"),
    path("plans/<int:pk>/", views.PlanDetailView.as_view(), name="plan_detail"),
    path("plans/<int:pk>/edit/", views.PlanUpdateView.as_view(), name="plan_update"),
    path("runs/", views.RunListView.as_view(), name="run_list"),
    path("runs/start/", views.RunStartView.as_view(), name="run_start"),
    path("runs/<int:pk>/", views.RunDetailView.as_view(), name="run_detail"),
    path("runs/<int:pk>/field/", views.RunFieldView.as_view(), name="run_field"),
    path("runs/<int:pk>/scan/", views.RunScanView.as_view(), name="run_scan"),
    path("runs/<int:pk>/finding/", views.RunFindingView.as_view(), name="run_finding"),
    path("runs/<int:pk>/join/", views.RunJoinView.as_view(), name="run_join"),
    path("runs/<int:pk>/finish/", views.RunFinishView.as_view(), name="run_finish"),
    path("coverage/", coverage_views.CoverageView.as_view(), name="coverage"),
    path("map/", coverage_views.CoverageMapView.as_view(), name="map"),
    path("map/live/", coverage_views.CoverageLiveView.as_view(), name="map_live"),
]

from django.urls import path
from rest_framework.routers import SimpleRouter

from parkbeat.patrols.api import coverage, views

router = SimpleRouter()
router.register("patrol-checkpoints", views.CheckpointViewSet, basename="patrol-checkpoint")
router.register("patrol-routes", views.RouteViewSet, basename="patrol-route")
router.register("patrol-plans", views.PlanViewSet, basename="patrol-plan")
router.register("patrol-runs", views.RunViewSet, basename="patrol-run")
urlpatterns = router.urls + [
    path("patrol-coverage/", coverage.PatrolCoverageView.as_view(), name="patrol-coverage"),
]

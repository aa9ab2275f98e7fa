from django.urls import path
from rest_framework.routers import SimpleRouter

from parkbeat.volunteers.api import views

router = SimpleRouter()
router.register("volunteers", views.VolunteerViewSet, basename="volunteer")
router.register("volunteer-teams", views.VolunteerTeamViewSet, basename="volunteer-team")
router.register("volunteer-trainings", views.TrainingViewSet, basename="volunteer-training")
router.register("volunteer-support", views.SupportRecordViewSet, basename="volunteer-support")
urlpatterns = router.urls + [
    path("volunteer-rankings/", views.VolunteerRankingView.as_view(), name="volunteer-ranking"),
]

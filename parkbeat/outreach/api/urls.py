from rest_framework.routers import SimpleRouter

from parkbeat.outreach.api import views

router = SimpleRouter()
router.register("outreach/campaigns", views.CampaignViewSet, basename="outreach-campaign")
router.register("outreach/lectures", views.LectureViewSet, basename="outreach-lecture")
router.register("outreach/coverage", views.CoverageViewSet, basename="outreach-coverage")
router.register("outreach/rules", views.RuleViewSet, basename="outreach-rule")
router.register("outreach/adoptions", views.AdoptionViewSet, basename="outreach-adoption")
urlpatterns = router.urls

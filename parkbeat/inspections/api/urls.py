from rest_framework.routers import SimpleRouter

from parkbeat.inspections.api import views

router = SimpleRouter()
router.register("checklists", views.ChecklistViewSet, basename="checklist")
router.register("checklist-versions", views.ChecklistVersionViewSet, basename="checklist-version")
router.register("inspections", views.InspectionViewSet, basename="inspection")
router.register("key-dates", views.KeyDateViewSet, basename="key-date")
router.register("campaigns", views.CampaignViewSet, basename="campaign")
urlpatterns = router.urls

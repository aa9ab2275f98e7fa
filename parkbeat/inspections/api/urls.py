from rest_framework.routers import SimpleRouter

from parkbeat.inspections.api import views

router = SimpleRouter()
router.register("checklists", views.ChecklistViewSet, basename="checklist")
router.register("checklist-versions", views.ChecklistVersionViewSet, basename="checklist-version")
router.register("inspections", views.InspectionViewSet, basename="inspection")
urlpatterns = router.urls

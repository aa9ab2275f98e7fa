from rest_framework.routers import SimpleRouter

from parkbeat.enterprises.api import views
from parkbeat.enterprises.api.visit_plan import VisitPlanViewSet

router = SimpleRouter()
router.register("enterprises", views.EnterpriseViewSet, basename="enterprise")
router.register("liaisons", views.LiaisonViewSet, basename="liaison")
router.register("visits-due", VisitPlanViewSet, basename="visit-due")
router.register("visits", views.VisitViewSet, basename="visit")
router.register("demands", views.DemandViewSet, basename="demand")
urlpatterns = router.urls

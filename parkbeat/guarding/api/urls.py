from rest_framework.routers import SimpleRouter

from parkbeat.guarding.api import views

router = SimpleRouter()
router.register("guarded-assets", views.AssetViewSet, basename="guarded-asset")
router.register("guard-segments", views.SegmentViewSet, basename="guard-segment")
router.register("guard-shifts", views.ShiftViewSet, basename="guard-shift")
router.register("guard-fixed-points", views.FixedPointViewSet, basename="guard-fixed-point")
urlpatterns = router.urls

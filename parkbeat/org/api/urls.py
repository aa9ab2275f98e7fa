from django.urls import path
from rest_framework.routers import SimpleRouter

from parkbeat.org.api import views

router = SimpleRouter()
router.register("parks", views.ParkViewSet, basename="park")
router.register("duty-shifts", views.DutyShiftViewSet, basename="dutyshift")
urlpatterns = [
    path("auth/token/", views.TokenView.as_view(), name="auth_token"),
    path("auth/token/revoke/", views.TokenRevokeView.as_view(), name="auth_token_revoke"),
    *router.urls,
]

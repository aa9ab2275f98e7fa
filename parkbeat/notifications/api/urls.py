from rest_framework.routers import SimpleRouter

from parkbeat.notifications.api import views

router = SimpleRouter()
router.register("notifications", views.NotificationViewSet, basename="notification")
urlpatterns = router.urls

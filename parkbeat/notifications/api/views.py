"""The caller's own inbox: another user's notification is a 404, like any row outside one's scope."""
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from parkbeat.core import lean
from parkbeat.core.api import ScopedViewSetMixin
from parkbeat.notifications import selectors, services
from parkbeat.notifications.api.serializers import NotificationSerializer, ReadAllSerializer, UnreadCountSerializer
from parkbeat.notifications.filters import NotificationFilterSet
from parkbeat.notifications.models import Notification


# The list reads columns (core.lean); these two by the serializer's own methods.
lean.declare(NotificationSerializer, is_read=lean.method("read_at"), about=lean.method("content_type_id"))


class NotificationViewSet(lean.LeanListMixin, ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                          viewsets.GenericViewSet):
    """Notifications of the caller, newest first; `?unread=true` for the unread ones, `?kind=` by kind."""

    queryset = Notification.objects.all()
    serializer_class = NotificationSerializer
    filterset_class = NotificationFilterSet

    @extend_schema(request=None, responses=NotificationSerializer)
    @action(detail=True, methods=["post"])
    def read(self, request, pk=None):
        notification = services.notification_read(user=request.user, notification=self.get_object())
        return Response(NotificationSerializer(notification).data)

    @extend_schema(request=None, responses=ReadAllSerializer)
    @action(detail=False, methods=["post"], url_path="read-all", filterset_class=None, pagination_class=None)
    def read_all(self, request):
        return Response({"marked": services.notification_read_all(user=request.user)})

    @extend_schema(responses=UnreadCountSerializer)
    @action(detail=False, methods=["get"], url_path="unread-count", filterset_class=None, pagination_class=None)
    def unread_count(self, request):
        return Response({"unread": selectors.unread_count(request.user)})

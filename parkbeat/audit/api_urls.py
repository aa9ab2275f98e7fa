from rest_framework import viewsets
from rest_framework.routers import SimpleRouter

from parkbeat.audit.filters import AuditEventFilterSet
from parkbeat.audit.models import AuditEvent
from parkbeat.core import lean
from parkbeat.core.api_permissions import require_perm
from parkbeat.core.serializers import ModelSerializer


class AuditEventSerializer(ModelSerializer):
    class Meta:
        model = AuditEvent
        fields = ["id", "at", "actor_username", "actor_roles", "ip", "request_id", "verb", "outcome",
                  "object_type", "object_id", "object_repr", "changes", "note", "hash"]


class AuditEventViewSet(lean.LeanListMixin, viewsets.ReadOnlyModelViewSet):
    """The audit trail, for the audit administrator only."""

    queryset = AuditEvent.objects.all()
    serializer_class = AuditEventSerializer
    permission_classes = [require_perm("audit.view")]
    filterset_class = AuditEventFilterSet


router = SimpleRouter()
router.register("audit-events", AuditEventViewSet, basename="auditevent")
urlpatterns = router.urls

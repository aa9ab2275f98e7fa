"""Reading an attachment always goes through its parent's scope: outside it, or under the wrong parent, is a 404."""
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.http import Http404

from parkbeat.core.models import ScopedQuerySet
from parkbeat.files.models import Attachment


def parent_get(*, user, parent_type, parent_pk):
    """The record `app_label.model` #parent_pk if it is a scoped model and `user` may see it, else 404."""
    try:
        model = apps.get_model(parent_type)
    except (LookupError, ValueError):
        raise Http404 from None
    queryset = model._default_manager.all()
    if not isinstance(queryset, ScopedQuerySet):  # only scoped records carry attachments
        raise Http404
    try:
        return queryset.visible_to(user).get(pk=parent_pk)
    except (model.DoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404 from None


def attachment_get(*, user, parent_type, parent_pk, pk):
    """The attachment #pk of that parent (B3: an id belonging to another record is a 404 here)."""
    parent = parent_get(user=user, parent_type=parent_type, parent_pk=parent_pk)
    try:
        return Attachment.objects.get(pk=pk, content_type=ContentType.objects.get_for_model(parent),
                                      object_id=parent.pk)
    except (Attachment.DoesNotExist, ValueError, OverflowError):
        raise Http404 from None

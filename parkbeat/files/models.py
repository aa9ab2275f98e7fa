"""Attachments: files hung on any record, stored under a random name outside every public URL."""
from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from parkbeat.core.models import ChoiceLabels


class AttachmentQuerySet(models.QuerySet):
    def for_object(self, obj):
        """The attachments of `obj` (check that the user may see `obj` first: attachments have no scope of their own)."""
        return self.filter(content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk)


class Attachment(ChoiceLabels):
    """One uploaded file of a record; reachable only through its parent, which decides who may see it."""

    class Kind(models.TextChoices):
        IMAGE = "image", _("Image")
        PDF = "pdf", _("PDF document")
        XLSX = "xlsx", _("Spreadsheet")

    content_type = models.ForeignKey(ContentType, models.PROTECT, related_name="+")
    object_id = models.PositiveBigIntegerField()
    parent = GenericForeignKey("content_type", "object_id")
    original_name = models.CharField(_("file name"), max_length=150)
    stored_name = models.CharField(max_length=80, unique=True, editable=False)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    mime_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size"))
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+",
                                    verbose_name=_("uploaded by"))
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    objects = AttachmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["content_type", "object_id"])]

    def __str__(self):
        return self.original_name

    @property
    def parent_type(self):
        """`app_label.model` of the parent, as used in download URLs."""
        return f"{self.content_type.app_label}.{self.content_type.model}"

    def get_absolute_url(self):
        return reverse("files:attachment_download", args=[self.parent_type, self.object_id, self.pk])

    @property
    def path(self):
        return settings.PRIVATE_MEDIA_ROOT / self.stored_name

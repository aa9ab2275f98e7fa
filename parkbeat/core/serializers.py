"""Serializer pieces shared by every app: versions for optimistic locking, masked personal fields,
per-role write whitelists."""
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, serializers

from parkbeat.core.personal import mask_mobile
from parkbeat.core.scoping import access_for


class StrictFieldsMixin:
    """A key the serializer does not accept (unknown, or read-only here) is refused with 400 naming it,
    never silently dropped: a client that sends `closed_at` to an action without one learns so at once."""

    def to_internal_value(self, data):
        if hasattr(data, "keys"):
            accepted = {name for name, field in self.fields.items() if not field.read_only}
            refused = sorted(set(data.keys()) - accepted)
            if refused:
                raise serializers.ValidationError({
                    "detail": _("These fields are not accepted here: %(fields)s.") % {"fields": ", ".join(refused)},
                    **{name: [_("This field is not accepted here.")] for name in refused},
                })
        return super().to_internal_value(data)


class StrictSerializer(StrictFieldsMixin, serializers.Serializer):
    """A request body of plain fields (an action's): every key it does not declare is refused."""


class BlankAsNullChoiceField(serializers.ChoiceField):
    """A choice a model stores as "" for "none yet" (blank=True): answered as null and declared nullable, so
    an enum never carries an empty string (issue 17). "" and null are both accepted on input and stored as ""."""

    def __init__(self, *, blank_as_null=False, **kwargs):
        self.blank_as_null = kwargs.pop("allow_blank", False) or blank_as_null
        if self.blank_as_null:
            kwargs["allow_null"] = True
        super().__init__(**kwargs)
        if self.blank_as_null and "" in self.choices:  # a model's explicit ("", "none") choice: that is null here
            self.choices = {key: label for key, label in self.choices.items() if key != ""}

    def run_validation(self, data=serializers.empty):
        if self.blank_as_null and (data is None or data == ""):
            return ""
        return super().run_validation(data)

    def to_representation(self, value):
        if self.blank_as_null and value in ("", None):
            return None
        return super().to_representation(value)


class ModelSerializer(serializers.ModelSerializer):
    """The API's model serializer: blank choices read as null (BlankAsNullChoiceField)."""

    serializer_choice_field = BlankAsNullChoiceField

    def build_standard_field(self, field_name, model_field):
        field_class, kwargs = super().build_standard_field(field_name, model_field)
        if field_class is BlankAsNullChoiceField and model_field.blank:
            kwargs["blank_as_null"] = True  # kept when the field is read-only (DRF then drops allow_blank)
        return field_class, kwargs


class StrictModelSerializer(StrictFieldsMixin, ModelSerializer):
    """A model's request body: unknown and read-only keys are refused."""


class VersionedSerializer(StrictModelSerializer):
    """`version` is read on every response and required on every update: a stale one gets 409."""

    version = serializers.IntegerField(required=False, min_value=1,
                                       help_text=_("The version you loaded; required when updating."))

    def validate(self, attrs):
        if self.instance is not None and "version" not in attrs:
            raise serializers.ValidationError({"version": _("Send the version you loaded (field “version”).")})
        return attrs


class MaskedMobileField(serializers.CharField):
    """Writes the full number, reads it masked (138****5678)."""

    def to_representation(self, value):
        return mask_mobile(value)


class ScopedPrimaryKeyField(serializers.PrimaryKeyRelatedField):
    """A foreign key that accepts only objects the requesting user can see (else: does not exist)."""

    def get_queryset(self):
        request = self.context.get("request")
        return super().get_queryset().visible_to(request.user if request else None)


class SameParentPrimaryKeyField(serializers.PrimaryKeyRelatedField):
    """A record that must belong to the parent the same body names (`parent_field`, matched by `lookup`):
    any other id answers "does not exist", exactly as an id that exists nowhere, so a body cannot probe
    which ids are another case's."""

    def __init__(self, *, parent_field, lookup, **kwargs):
        self.parent_field, self.lookup = parent_field, lookup
        super().__init__(**kwargs)

    def get_queryset(self):
        data = getattr(self.root, "initial_data", None) or {}
        try:
            parent = int(data.get(self.parent_field))
        except (TypeError, ValueError):
            return super().get_queryset().none()
        return super().get_queryset().filter(**{self.lookup: parent})


class RoleWritableFieldsMixin:
    """What each role may write through the API (SECURITY B4), declared on the serializer's Meta.

    `role_writable_fields = {role: {field, ...}}`: the fields a holder of that role may send.
    `create_only_fields = {...}`: set on create, never changed afterwards (resending the same value is fine).
    A writable field the user's roles may not set is a 400 naming it; a user with none of the listed
    roles writes nothing (403). Read-only and unknown keys are refused (StrictFieldsMixin, on the serializer
    this mixes into); `version` is always accepted, since it is the lock and not data.
    """

    always_writable = frozenset({"version"})

    def allowed_fields(self):
        request = self.context.get("request")
        by_role = self.Meta.role_writable_fields
        roles = access_for(request.user).roles & set(by_role) if request is not None else set()
        if not roles:
            raise exceptions.PermissionDenied(_("You are not allowed to do this here."))
        allowed = set(self.always_writable)
        for role in roles:
            allowed |= set(by_role[role])
        return allowed

    def to_internal_value(self, data):
        if hasattr(data, "keys"):
            writable = {name for name, field in self.fields.items() if not field.read_only}
            refused = sorted((set(data.keys()) & writable) - self.allowed_fields())
            if refused:
                raise serializers.ValidationError({
                    "detail": _("You may not set these fields: %(fields)s.") % {"fields": ", ".join(refused)},
                    **{name: [_("You may not set this field.")] for name in refused},
                })
        attrs = super().to_internal_value(data)
        if self.instance is not None:
            moved = [name for name in getattr(self.Meta, "create_only_fields", ())
                     if name in attrs and attrs[name] != getattr(self.instance, name)]
            if moved:
                raise serializers.ValidationError({name: [_("This cannot be changed once created.")] for name in moved})
        return attrs

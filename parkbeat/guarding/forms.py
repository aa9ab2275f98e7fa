from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from parkbeat.core.forms import BootstrapFormMixin, DateTimeInput, VersionedModelForm
from parkbeat.core.permissions import LEADER, OFFICER
from parkbeat.core.widgets import PickerSelectMultiple
from parkbeat.guarding import geo
from parkbeat.guarding.models import FixedPoint, GuardedAsset, GuardShift
from parkbeat.guarding.services import check_location, shift_people
from parkbeat.org.models import Park, User

PLANNERS = (LEADER, OFFICER)
MAX_GEOJSON_BYTES = 2 * 1024 * 1024


class AssetForm(VersionedModelForm):
    """The line comes as a .geojson file, or pasted / drawn as GeoJSON text (the file wins when both come)."""

    geometry_text = forms.CharField(
        label=_("Line (GeoJSON)"), required=False, widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_('A LineString of [longitude, latitude] points (WGS-84), e.g. '
                    '{"type": "LineString", "coordinates": [[113.1, 27.8], [113.11, 27.8]]}'))
    geometry_file = forms.FileField(label=_("or a .geojson file"), required=False)

    class Meta:
        model = GuardedAsset
        fields = ["park", "name", "kind", "starts_at", "ends_at", "status", "description"]
        widgets = {"starts_at": DateTimeInput(), "ends_at": DateTimeInput()}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            del self.fields["park"]
            self.fields["geometry_text"].initial = geo_text(self.instance.geometry)
        else:
            self.fields["park"].queryset = Park.objects.visible_to(user, roles=PLANNERS).only("id", "name")
            del self.fields["status"]
        for name in ("starts_at", "ends_at"):
            self.fields[name].input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]

    def clean(self):
        data = super().clean()
        upload = data.get("geometry_file")
        if upload:
            if upload.size > MAX_GEOJSON_BYTES:
                raise ValidationError({"geometry_file": _("The file is larger than 2 MB.")})
            text = upload.read()
            field = "geometry_file"
        else:
            text, field = data.get("geometry_text") or "", "geometry_text"
        if not str(text).strip():
            raise ValidationError({"geometry_text": _("Draw or paste the line, or upload it as a .geojson file.")})
        try:
            data["geometry"] = geo.parse_line(text, field=field)
        except ValidationError as exc:
            raise ValidationError({field: exc.message_dict[field]}) from None
        return data

    def field_data(self):
        values = super().field_data()
        values["geometry"] = self.cleaned_data["geometry"]
        return values


def geo_text(geometry):
    import json

    return json.dumps(geometry, ensure_ascii=False) if geometry else ""


class SplitForm(BootstrapFormMixin, forms.Form):
    """Either every N metres, or one line per segment: "from-to" metres and optionally the enterprise beside it."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    every_m = forms.IntegerField(label=_("Every so many metres"), required=False, min_value=1)
    pieces = forms.CharField(label=_("Or explicit segments"), required=False, widget=forms.Textarea(attrs={"rows": 5}),
                             help_text=_("One segment a line: from-to metres, then the enterprise beside it, e.g. "
                                         "“0-800 株洲新马机械有限公司”."))

    def __init__(self, *args, asset, **kwargs):
        super().__init__(*args, **kwargs)
        self.asset = asset

    def clean(self):
        from parkbeat.enterprises.models import Enterprise

        data = super().clean()
        text = (data.get("pieces") or "").strip()
        if data.get("every_m") and text:
            raise ValidationError(_("Fill in one of the two: every so many metres, or explicit segments."))
        if not data.get("every_m") and not text:
            raise ValidationError(_("Fill in one of the two: every so many metres, or explicit segments."))
        if text:
            rows = []
            names = {e.name: e for e in Enterprise.objects.filter(park_id=self.asset.park_id)
                     .only("id", "name", "park_id")}
            for number, line in enumerate(text.splitlines(), start=1):
                line = line.strip()
                if not line:
                    continue
                span, _sep, name = line.partition(" ")
                start, _dash, end = span.partition("-")
                try:
                    start, end = int(start), int(end)
                except ValueError:
                    raise ValidationError({"pieces": _("Line %(n)s: begin with from-to metres, e.g. 0-800.") % {
                        "n": number}}) from None
                name = name.strip()
                if name and name not in names:
                    raise ValidationError({"pieces": _("Line %(n)s: no enterprise called %(name)s in this park.") % {
                        "n": number, "name": name}})
                rows.append({"from_m": start, "to_m": end, "enterprise": names.get(name) if name else None})
            data["rows"] = rows
        return data


class AssignForm(BootstrapFormMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    team = forms.ModelChoiceField(queryset=None, required=False, label=_("Volunteer team"))
    release_conflicting = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, segment, **kwargs):
        from parkbeat.volunteers.models import VolunteerTeam

        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = VolunteerTeam.objects.filter(park_id=segment.park_id).order_by("name")


def park_people(park, team=None):
    """Who may be put on a shift in `park` (on a segment of `team`: of that team) (services.shift_people), by
    name."""
    from parkbeat.org.models import RoleAssignment

    ids = RoleAssignment.objects.filter(shift_people(park, team)).values("user_id")
    return User.objects.filter(pk__in=ids, is_active=True).order_by("full_name", "username")


class ShiftForm(VersionedModelForm):
    people = forms.ModelMultipleChoiceField(
        queryset=User.objects.none(), label=_("People on the shift"),
        widget=PickerSelectMultiple(placeholder=_("Type a name")),
        error_messages={"invalid_choice": _("Choose volunteers of the segment's team or the police of the park "
                                            "(%(value)s is neither).")})

    class Meta:
        model = GuardShift
        fields = ["starts_at", "ends_at", "note"]
        widgets = {"starts_at": DateTimeInput(), "ends_at": DateTimeInput()}

    def __init__(self, *args, segment, **kwargs):
        super().__init__(*args, **kwargs)
        people = park_people(segment.park, segment.team)
        if self.instance.pk:
            on_it = [row.user_id for row in self.instance.roster.all()]
            self.fields["people"].initial = on_it
            # whoever is already on it stays choosable (the segment may have changed teams since)
            people = User.objects.filter(Q(pk__in=people.values("pk")) | Q(pk__in=on_it)).order_by(
                "full_name", "username")
        self.fields["people"].queryset = people
        if segment.team is not None:
            self.fields["people"].help_text = _("Volunteers of %(team)s and the police of the park.") % {
                "team": segment.team.name}
        for name in ("starts_at", "ends_at"):
            self.fields[name].input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]


class FixedPointForm(VersionedModelForm):
    class Meta:
        model = FixedPoint
        fields = ["name", "lon", "lat", "officer", "night_start", "night_end"]
        widgets = {"night_start": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
                   "night_end": forms.TimeInput(attrs={"type": "time"}, format="%H:%M")}

    def __init__(self, *args, asset, **kwargs):
        from parkbeat.core.permissions import POLICE

        super().__init__(*args, **kwargs)
        police = park_people(asset.park).filter(role_assignments__role__in=sorted(POLICE)).distinct()
        self.fields["officer"].queryset = police

    def clean(self):
        data = super().clean()
        try:
            check_location(data.get("lon"), data.get("lat"))
        except ValidationError as exc:  # on the field, not the whole form (the model's constraint would be)
            for field, errors in exc.message_dict.items():
                self.add_error(field, errors)
        return data


class VersionForm(forms.Form):
    version = forms.IntegerField(min_value=1)

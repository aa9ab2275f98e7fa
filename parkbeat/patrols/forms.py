from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from parkbeat.core.forms import BootstrapFormMixin, DateTimeInput, VersionedModelForm
from parkbeat.core.permissions import LEADER, OFFICER, POLICE
from parkbeat.incidents.forms import MultipleImageField
from parkbeat.incidents.models import Incident
from parkbeat.org.models import Park, User
from parkbeat.patrols.models import WEEKDAY_CHOICES, Checkpoint, Mode, PatrolPlan, Route

STOP_SLOTS = 12  # stops offered on the page (the API takes up to MAX_STOPS)
TEAM_SLOTS = 3
PLANNERS = (LEADER, OFFICER)


class CheckpointForm(VersionedModelForm):
    class Meta:
        model = Checkpoint
        fields = ["park", "name", "kind", "lon", "lat", "description"]
        help_texts = {"lon": _("WGS-84, e.g. 113.123456"), "lat": _("WGS-84, e.g. 27.812345")}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            del self.fields["park"]  # a checkpoint stays in its park: retire it and create another
        else:
            self.fields["park"].queryset = Park.objects.visible_to(user, roles=PLANNERS)


class RouteForm(VersionedModelForm):
    """The route's stops as ordered pickers over the park's active checkpoints (an empty one is skipped)."""

    class Meta:
        model = Route
        fields = ["name", "description", "is_active"]

    def __init__(self, *args, park, **kwargs):
        super().__init__(*args, **kwargs)
        self.park = park
        choices = Checkpoint.objects.filter(park=park, is_active=True).order_by("name")
        current = [s.checkpoint for s in self.instance.stops.select_related("checkpoint").order_by("position")] \
            if self.instance.pk else []
        for i in range(1, STOP_SLOTS + 1):
            field = forms.ModelChoiceField(queryset=choices, required=False, label=_("Stop %(n)s") % {"n": i})
            self.fields[f"stop_{i}"] = field
            if i <= len(current):
                field.initial = current[i - 1].pk
        for i in range(1, STOP_SLOTS + 1):
            self.fields[f"stop_{i}"].widget.attrs["class"] = "form-select"
            self.fields[f"stop_{i}"].empty_label = _("Choose…")

    def checkpoints(self):
        return [self.cleaned_data[f"stop_{i}"] for i in range(1, STOP_SLOTS + 1) if self.cleaned_data.get(f"stop_{i}")]


class WeekdaysWidget(forms.CheckboxSelectMultiple):
    """Checkboxes in a row, labelled above like any other field (includes/form_fields.html treats a widget of
    input type "checkbox" as one checkbox with its label beside it)."""

    input_type = "weekdays"

    def create_option(self, *args, **kwargs):
        option = super().create_option(*args, **kwargs)
        option["type"] = "checkbox"
        return option


class PlanForm(VersionedModelForm):
    weekdays = forms.TypedMultipleChoiceField(choices=WEEKDAY_CHOICES, coerce=int, label=_("Weekdays"),
                                              widget=WeekdaysWidget, required=False)

    class Meta:
        model = PatrolPlan
        fields = ["route", "name", "mode", "weekdays", "start_time", "end_time", "overnight", "is_night",
                  "officers_required", "auxiliaries_required", "officer", "is_active"]
        widgets = {"start_time": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
                   "end_time": forms.TimeInput(attrs={"type": "time"}, format="%H:%M")}
        help_texts = {"overnight": _("Tick when the window ends the next morning (e.g. 22:00–06:00)."),
                      "start_time": _("Asia/Shanghai")}

    def __init__(self, *args, user, **kwargs):
        from parkbeat.volunteers.models import VolunteerTeam

        super().__init__(*args, **kwargs)
        self.fields["weekdays"].widget.attrs["class"] = "form-check-input me-1"
        if self.instance.pk:
            del self.fields["route"]
            park_ids = [self.instance.park_id]
            current = list(self.instance.teams.all())
        else:
            self.fields["route"].queryset = Route.objects.visible_to(user, roles=PLANNERS).filter(is_active=True)
            park_ids = list(Park.objects.visible_to(user, roles=PLANNERS).values_list("id", flat=True))
            current = []
        self.fields["officer"].queryset = User.objects.filter(
            is_active=True, role_assignments__role="park_officer", role_assignments__park_id__in=park_ids).distinct()
        teams = VolunteerTeam.objects.filter(park_id__in=park_ids).order_by("park_id", "name")
        for i in range(1, TEAM_SLOTS + 1):
            team = forms.ModelChoiceField(queryset=teams, required=False, label=_("Volunteer team %(n)s") % {"n": i},
                                          empty_label=_("Choose…"), widget=forms.Select(attrs={"class": "form-select"}))
            count = forms.IntegerField(required=False, min_value=1, max_value=50, label=_("Number of volunteers"),
                                       widget=forms.NumberInput(attrs={"class": "form-control"}))
            if i <= len(current):
                team.initial, count.initial = current[i - 1].team_id, current[i - 1].volunteers
            self.fields[f"team_{i}"], self.fields[f"count_{i}"] = team, count

    def teams(self):
        picked = []
        for i in range(1, TEAM_SLOTS + 1):
            team = self.cleaned_data.get(f"team_{i}")
            if team is not None:
                picked.append((team, self.cleaned_data.get(f"count_{i}") or 1))
        return picked

    def field_data(self):
        data = super().field_data()
        data["weekdays"] = list(self.cleaned_data.get("weekdays") or [])
        return data


class RunStartForm(BootstrapFormMixin, forms.Form):
    plan = forms.ModelChoiceField(queryset=PatrolPlan.objects.none(), required=False, label=_("Patrol plan"))
    route = forms.ModelChoiceField(queryset=Route.objects.none(), required=False, label=_("Route (no plan)"))
    mode = forms.ChoiceField(choices=Mode.choices, required=False, label=_("Mode (no plan)"))
    participants = forms.ModelMultipleChoiceField(queryset=User.objects.none(), required=False,
                                                  label=_("Other participants"),
                                                  widget=forms.SelectMultiple(attrs={"size": 6}))
    started_at = forms.DateTimeField(required=False, label=_("Started at (if not now)"), widget=DateTimeInput())
    late_reason = forms.CharField(required=False, max_length=200, label=_("Why entered only now"))

    def __init__(self, *args, user, plans, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["plan"].queryset = plans
        if user is not None and _is_police(user):
            self.fields["route"].queryset = Route.objects.visible_to(user, roles=POLICE).filter(is_active=True)
            parks = Park.objects.visible_to(user, roles=POLICE).values("id")
            self.fields["participants"].queryset = User.objects.filter(
                Q(role_assignments__role__in=["park_officer", "auxiliary"], role_assignments__park_id__in=parks)
                | Q(role_assignments__role="volunteer", role_assignments__team__park_id__in=parks),
                is_active=True).exclude(pk=user.pk).distinct().order_by("full_name", "username")
        else:
            for name in ("route", "mode", "participants"):
                del self.fields[name]


def _is_police(user):
    from parkbeat.core.permissions import has_role

    return has_role(user, *POLICE)


class ScanForm(BootstrapFormMixin, forms.Form):
    code = forms.CharField(max_length=400, label=_("Checkpoint code"),
                           widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters",
                                                         "placeholder": "XXXX-XXXX"}))
    at = forms.DateTimeField(required=False, widget=forms.HiddenInput)
    lon = forms.DecimalField(required=False, max_digits=9, decimal_places=6, widget=forms.HiddenInput)
    lat = forms.DecimalField(required=False, max_digits=9, decimal_places=6, widget=forms.HiddenInput)
    client_key = forms.CharField(required=False, max_length=100, widget=forms.HiddenInput)


class FindingForm(BootstrapFormMixin, forms.Form):
    kind = forms.ChoiceField(choices=Incident.Kind.choices, label=_("Type"))
    checkpoint = forms.ModelChoiceField(queryset=Checkpoint.objects.none(), required=False, label=_("At which checkpoint"))
    description = forms.CharField(max_length=2000, label=_("What did you see?"),
                                  widget=forms.Textarea(attrs={"rows": 3}))
    photos = MultipleImageField(label=_("Photos"), required=False)

    def __init__(self, *args, run, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["checkpoint"].queryset = Checkpoint.objects.filter(stops__route=run.route).order_by("stops__position")


class VersionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)


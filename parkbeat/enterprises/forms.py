from django import forms
from django.utils.translation import gettext_lazy as _

from parkbeat.core.forms import BootstrapFormMixin, DateTimeInput, VersionedModelForm
from parkbeat.enterprises.models import Demand, Enterprise, Liaison, Visit
from parkbeat.org.models import Park, User


class EnterpriseForm(VersionedModelForm):
    class Meta:
        model = Enterprise
        fields = ["name", "credit_code", "park", "address", "industry", "headcount", "lon", "lat",
                  "is_key", "key_reason", "risk_category", "status"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["park"].queryset = Park.objects.visible_to(user, roles=("station_leader", "park_officer",
                                                                             "auxiliary"))


class LiaisonForm(VersionedModelForm):
    class Meta:
        model = Liaison
        fields = ["kind", "name", "title", "mobile"]


class VisitForm(VersionedModelForm):
    demand_category = forms.ChoiceField(label=_("Demand raised (optional)"), required=False,
                                        choices=[("", _("— none —")), *Demand.Category.choices])
    demand_content = forms.CharField(label=_("Demand content"), required=False,
                                     widget=forms.Textarea(attrs={"rows": 2}))

    class Meta:
        model = Visit
        fields = ["visited_at", "met_with", "companions", "findings"]
        widgets = {"visited_at": DateTimeInput(), "findings": forms.Textarea(attrs={"rows": 3})}

    def clean(self):
        cleaned = super().clean()
        if bool(cleaned.get("demand_category")) != bool((cleaned.get("demand_content") or "").strip()):
            raise forms.ValidationError(_("For a demand, give both its category and its content."))
        return cleaned

    def demands(self):
        if self.cleaned_data.get("demand_category"):
            return [{"category": self.cleaned_data["demand_category"],
                     "content": self.cleaned_data["demand_content"].strip()}]
        return []


class DemandForm(VersionedModelForm):
    class Meta:
        model = Demand
        fields = ["category", "content", "due_at"]
        widgets = {"due_at": DateTimeInput(), "content": forms.Textarea(attrs={"rows": 3})}
        help_texts = {"due_at": _("Leave empty for the default of 7 days.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["due_at"].required = False


class DemandActionForm(BootstrapFormMixin, forms.Form):
    action = forms.ChoiceField(choices=[("start", "start"), ("answer", "answer"), ("close", "close"),
                                        ("reopen", "reopen")])
    version = forms.IntegerField(widget=forms.HiddenInput)
    answer = forms.CharField(label=_("Answer"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    note = forms.CharField(label=_("Note"), required=False, max_length=500)


class DemandAssignForm(BootstrapFormMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    assignee = forms.ModelChoiceField(label=_("Assignee"), queryset=User.objects.none())

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = candidates

"""Forms of the organisation pages: the duty roster, accounts and role assignments. Services do the writes."""
from django import forms
from django.contrib.auth.password_validation import password_validators_help_text_html, validate_password
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from parkbeat.core.forms import BootstrapFormMixin, DateTimeInput
from parkbeat.core.personal import validate_mobile
from parkbeat.org.models import ROLE_SCOPE, Agency, OrgUnit, Park, Role, RoleAssignment, User

PLACE_COLUMNS = ("unit", "park", "agency", "enterprise", "team")


# ------------------------------------------------------------------ duty roster
class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.full_name} ({obj.username})" if obj.full_name else obj.username


class DutyShiftForm(BootstrapFormMixin, forms.Form):
    park = forms.ModelChoiceField(label=_("Park"), queryset=Park.objects.none())
    user = PersonChoiceField(label=_("Person on duty"), queryset=User.objects.none())
    role = forms.ChoiceField(label=_("Role"), choices=[(Role.PARK_OFFICER.value, Role.PARK_OFFICER.label),
                                                       (Role.AUXILIARY.value, Role.AUXILIARY.label)])
    starts_at = forms.DateTimeField(label=_("Starts at"), widget=DateTimeInput())
    ends_at = forms.DateTimeField(label=_("Ends at"), widget=DateTimeInput())
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def __init__(self, *args, parks, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["park"].queryset = parks
        self.fields["user"].queryset = candidates

    def clean(self):
        cleaned = super().clean()
        starts_at, ends_at = cleaned.get("starts_at"), cleaned.get("ends_at")
        if starts_at and ends_at and ends_at <= starts_at:
            self.add_error("ends_at", _("A shift must end after it starts."))
        return cleaned


# ------------------------------------------------------------------ accounts (system administrator)
class PasswordPairMixin(forms.Form):
    """Two password fields checked against each other and Django's password validators."""

    password1 = forms.CharField(label=_("Password"), strip=False,
                                widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))
    password2 = forms.CharField(label=_("Password again"), strip=False,
                                widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["password1"].help_text = password_validators_help_text_html()

    def password_user(self):
        raise NotImplementedError

    def clean(self):
        cleaned = super().clean()
        password1, password2 = cleaned.get("password1"), cleaned.get("password2")
        if password1 and password2:
            if password1 != password2:
                self.add_error("password2", _("The two passwords differ."))
            else:
                try:
                    validate_password(password1, self.password_user())
                except ValidationError as exc:
                    self.add_error("password1", exc)
        return cleaned


class UserCreateForm(BootstrapFormMixin, PasswordPairMixin):
    username = forms.CharField(label=_("Username"), max_length=150, validators=[UnicodeUsernameValidator()],
                               widget=forms.TextInput(attrs={"autocomplete": "off"}))
    full_name = forms.CharField(label=_("Full name"), max_length=50, required=False)
    mobile = forms.CharField(label=_("Mobile"), max_length=11, required=False, validators=[validate_mobile])
    field_order = ["username", "full_name", "password1", "password2", "mobile"]

    def clean_username(self):
        # The service refuses it too; checking here shows it together with the other errors.
        username = self.cleaned_data["username"]
        if User.objects.filter(username__iexact=username).exists():
            raise ValidationError(_("A user with that username already exists."))
        return username

    def password_user(self):
        data = self.cleaned_data
        return User(username=data.get("username", ""), full_name=data.get("full_name", ""),
                    mobile=data.get("mobile", ""))

    def service_data(self):
        data = self.cleaned_data
        return {"username": data["username"], "full_name": data["full_name"], "mobile": data["mobile"],
                "password": data["password1"]}


class UserPasswordForm(BootstrapFormMixin, PasswordPairMixin):
    def __init__(self, *args, account, **kwargs):
        super().__init__(*args, **kwargs)
        self.account = account

    def password_user(self):
        return self.account


class UserActiveForm(forms.Form):
    active = forms.BooleanField(required=False)


# ------------------------------------------------------------------ role assignments (security administrator)
class PlaceChoiceField(forms.ModelChoiceField):
    """Places named with their station, since park and team names repeat across stations."""

    def label_from_instance(self, obj):
        if isinstance(obj, OrgUnit):
            return f"{'— ' * (obj.path.count('/') - 2)}{obj.name}"
        station = getattr(obj, "station", None) or getattr(getattr(obj, "park", None), "station", None)
        return f"{station.name} · {obj}" if station else str(obj)


class RoleAssignForm(BootstrapFormMixin, forms.Form):
    """A person, a role and exactly the one place column that role takes (ROLE_SCOPE)."""

    username = forms.CharField(label=_("Username"), max_length=150)
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    unit = PlaceChoiceField(label=_("Organisation unit"), required=False, queryset=OrgUnit.objects.order_by("path"))
    park = PlaceChoiceField(label=_("Park"), required=False,
                            queryset=Park.objects.select_related("station").order_by("station__path", "name"))
    agency = PlaceChoiceField(label=_("Partner agency"), required=False,
                              queryset=Agency.objects.select_related("station").order_by("station__path", "name"))
    enterprise = forms.CharField(label=_("Enterprise (credit code)"), max_length=18, required=False,
                                 help_text=_("The unified social credit code of the liaison's enterprise."))
    team = PlaceChoiceField(label=_("Volunteer team"), required=False, queryset=None)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from parkbeat.volunteers.models import VolunteerTeam

        self.fields["team"].queryset = VolunteerTeam.objects.select_related("park__station").order_by(
            "park__station__path", "park__name", "name")

    def clean_username(self):
        username = self.cleaned_data["username"].strip()
        user = User.objects.filter(username__iexact=username).first()
        if user is None:
            raise ValidationError(_("No account has this username."))
        return user

    def clean_enterprise(self):
        from parkbeat.enterprises.models import Enterprise

        code = self.cleaned_data["enterprise"].strip().upper()
        if not code:
            return None
        enterprise = Enterprise.objects.filter(credit_code=code).first()
        if enterprise is None:
            raise ValidationError(_("No enterprise has this credit code."))
        return enterprise

    def clean(self):
        cleaned = super().clean()
        role = cleaned.get("role")
        if not role:
            return cleaned
        needed = ROLE_SCOPE[Role(role)]
        for column in PLACE_COLUMNS:
            if column in self.errors:
                continue
            label = RoleAssignment._meta.get_field(column).verbose_name
            filled = cleaned.get(column) is not None
            if column == needed and not filled:
                self.add_error(column, _("This role needs a %(place)s.") % {"place": label})
            elif column != needed and filled:
                self.add_error(column, _("This role does not take a %(place)s.") % {"place": label})
        return cleaned

    def service_data(self):
        data = self.cleaned_data
        return {"user": data["username"], "role": data["role"], **{c: data.get(c) for c in PLACE_COLUMNS}}


# ------------------------------------------------------------------ parks and other prevention areas
class ParkForm(BootstrapFormMixin, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    kind = forms.ChoiceField(label=_("Kind of area"), choices=Park.Kind.choices,
                             help_text=_("An industrial park, or another prevention area of the station outside any "
                                         "park (e.g. a campus's surroundings, 护校安园): it works everywhere a park "
                                         "does — patrols, cases and leads, incidents."))
    address = forms.CharField(label=_("Address"), max_length=200, required=False)
    description = forms.CharField(label=_("Description"), max_length=2000, required=False,
                                  widget=forms.Textarea(attrs={"rows": 3}))

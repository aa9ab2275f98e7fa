import os

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from parkbeat.core import demo


DJANGO_BLANK = "---------"


class BootstrapFormMixin:
    """Gives every widget its Bootstrap class, so templates render fields without per-field markup, and an
    empty choice reads 请选择 instead of Django's placeholder dashes."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, forms.ModelChoiceField):
                if field.empty_label == DJANGO_BLANK:
                    field.empty_label = _("Choose…")
            elif isinstance(field, forms.ChoiceField):
                choices = list(field.choices)
                if choices and choices[0] == ("", DJANGO_BLANK):
                    field.choices = [("", _("Choose…")), *choices[1:]]
            widget = field.widget
            if isinstance(widget, (forms.CheckboxInput,)):
                css = "form-check-input"
            elif isinstance(widget, (forms.Select, forms.SelectMultiple)):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()


class LoginForm(AuthenticationForm):
    username = forms.CharField(label=_("Username"), max_length=150,
                               widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}))

    @cached_property
    def demo_accounts(self):
        """In demo mode, the demo accounts the login page lists (core.demo collects each app's); else none."""
        return demo.account_listing() if settings.DEMO_MODE else []

    @property
    def demo_password(self):
        """The demo password when it is the documented default; one set in the environment is never shown
        (as seed_demo does)."""
        return "" if "PARKBEAT_DEMO_PASSWORD" in os.environ else settings.DEMO_PASSWORD


class VersionedModelForm(BootstrapFormMixin, forms.ModelForm):
    """Carries the version the user loaded, so a stale save is refused instead of overwriting."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version

    def clean(self):
        cleaned = super().clean()
        # Part D (F2): an edit without the version it was loaded at could overwrite someone else's save.
        if self.instance.pk and cleaned.get("version") is None:
            raise forms.ValidationError(_("This form is missing the version you loaded. Reload the page and try again."))
        return cleaned

    def field_data(self):
        """The cleaned values of the model fields, for a service call."""
        return {name: self.cleaned_data[name] for name in self._meta.fields if name in self.cleaned_data}


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class FilterForm(BootstrapFormMixin, forms.Form):
    """The form class of the page filtersets: small Bootstrap inputs, "All" as the empty choice, date pickers."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.NullBooleanSelect):
                widget.choices = [("unknown", _("All")), ("true", _("Yes")), ("false", _("No"))]
            elif getattr(field, "empty_label", None) is not None:
                field.empty_label = _("All")
                if not isinstance(field, forms.ModelChoiceField):  # re-wrap so the new label is used
                    field.choices = [choice for choice in field.choices if choice[0] != ""]
            if type(widget) is forms.DateInput:
                widget.input_type = "date"
            small = "form-select-sm" if isinstance(widget, forms.Select) else "form-control-sm"
            widget.attrs["class"] = f"{widget.attrs['class']} {small}"

    def clean(self):
        """A date range (`<x>_from`, `<x>_to`) that ends before it starts is an error, not an empty list."""
        data = super().clean()
        for name in self.fields:
            if name.endswith("_from") and f"{name[:-5]}_to" in self.fields:
                start, end = data.get(name), data.get(f"{name[:-5]}_to")
                if start and end and start > end:
                    self.add_error(f"{name[:-5]}_to", _("The end date lies before the start date."))
        return data


class SpreadsheetImportForm(forms.Form):
    """The upload form of every spreadsheet import; `file_label` names what the file holds."""

    file_label = None  # e.g. "Roster file (.xlsx)"
    file = forms.FileField(widget=forms.FileInput(attrs={"accept": ".xlsx", "class": "form-control"}))
    import_good_rows = forms.BooleanField(
        label=_("Import the good rows even if other rows have errors"), required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].label = self.file_label

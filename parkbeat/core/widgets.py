"""Pickers: a related object is chosen by typing its name, never its internal id.

`PickerSelect` / `PickerSelectMultiple` render a plain <select> (the form still posts without
JavaScript) with `data-picker*` attributes that `static/parkbeat/pickers.js` reads to enhance it with
the vendored Tom Select:

- with `source` (an API list route name such as "enterprise-list", or a path) the options load while
  the user types, from `<source>?<search_param>=<text>&page_size=<page_size>`, showing `label_field` and
  storing `value_field`; only the selected value(s) are rendered, with their names, so a long table is
  never put into the page and a choice is never shown as its id;
- without `source` the rendered choices themselves become searchable (long static lists, small
  querysets such as a station's mediators).

The scope stays the field's business: a ModelChoiceField over the user's visible rows refuses anything
else as an invalid choice, and the API behind `source` is scoped the same way.
"""
from django import forms
from django.core.exceptions import ValidationError
from django.forms.models import ModelChoiceIterator
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _


class PickerMixin:
    def __init__(self, attrs=None, choices=(), *, source=None, search_param="q", label_field="name",
                 value_field="id", detail_field=None, page_size=20, placeholder=None):
        super().__init__(attrs, choices)
        self.source = source
        self.search_param = search_param
        self.label_field = label_field
        self.value_field = value_field
        self.detail_field = detail_field  # a second, muted line in the drop-down (e.g. "park_name")
        self.page_size = page_size
        self.placeholder = placeholder

    def source_url(self):
        if not self.source or "/" in self.source:
            return self.source
        try:
            return reverse(self.source)
        except NoReverseMatch:
            return self.source

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        data = {"data-picker": "remote" if self.source else "static", "data-picker-no-results": _("No matches"),
                "data-picker-loading": _("Searching…"), "data-picker-clear": _("Clear"),
                "data-picker-remove": _("Remove")}
        if self.source:
            data.update({"data-picker-url": self.source_url(), "data-picker-search": self.search_param,
                         "data-picker-label": self.label_field, "data-picker-value": self.value_field,
                         "data-picker-page-size": str(self.page_size)})
            if self.detail_field:
                data["data-picker-detail"] = self.detail_field
        if self.placeholder:
            data["data-picker-placeholder"] = str(self.placeholder)
        context["widget"]["attrs"].update(data)
        return context

    def optgroups(self, name, value, attrs=None):
        """With a remote source only the empty choice and the selected ones are rendered."""
        if not self.source:
            return super().optgroups(name, value, attrs)
        every = self.choices
        self.choices = list(self.selected_choices(every, value))
        try:
            return super().optgroups(name, value, attrs)
        finally:
            self.choices = every

    def selected_choices(self, choices, value):
        wanted = {str(v) for v in value if v not in (None, "")}
        if isinstance(choices, ModelChoiceIterator):
            field = choices.field
            if field.empty_label is not None and not self.allow_multiple_selected:
                yield ("", field.empty_label)
            if not wanted:
                return
            key = field.to_field_name or "pk"
            try:  # a value that is no id at all (?enterprise=abc) selects nothing; the field reports it
                rows = list(choices.queryset.filter(**{f"{key}__in": wanted}))
            except (ValueError, TypeError, ValidationError, OverflowError):
                return
            for obj in rows:
                yield choices.choice(obj)
            return
        for option_value, label in choices:
            if isinstance(label, (list, tuple)):  # an option group
                yield from self.selected_choices(label, value)
            elif option_value in (None, "") or str(option_value) in wanted:
                yield (option_value, label)


class PickerSelect(PickerMixin, forms.Select):
    """One related object, chosen by name (see the module docstring)."""


class PickerSelectMultiple(PickerMixin, forms.SelectMultiple):
    """Several related objects, chosen by name, each removable."""


class ObjectChoiceField(forms.ModelChoiceField):
    """The field behind a picker: its id is checked to be a database-sized whole number before the
    lookup, so ?enterprise=1e30 is an invalid choice (a form error), not an overflow (a 500). Its message
    does not say whether the record exists elsewhere."""

    default_error_messages = {
        "invalid_choice": _("Choose one from the list: this one does not exist or is not among those you can see."),
    }

    def to_python(self, value):
        if value not in self.empty_values and self.to_field_name is None:
            text = str(value).strip()
            if not text.isdigit() or not 1 <= int(text) <= 2**63 - 1:
                raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)

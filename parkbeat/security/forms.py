from django import forms
from django.utils.translation import gettext_lazy as _

from parkbeat.core.forms import BootstrapFormMixin


def _password(label, autocomplete, **attrs):
    return forms.CharField(label=label, strip=False,
                           widget=forms.PasswordInput(attrs={"autocomplete": autocomplete, **attrs}))


class PasswordChangeForm(BootstrapFormMixin, forms.Form):
    """The current password, then the new one twice; the rules are checked by `services.password_change`."""

    old_password = _password(_("Current password"), "current-password", autofocus=True)
    new_password1 = _password(_("New password"), "new-password")
    new_password2 = _password(_("New password again"), "new-password")

    def __init__(self, user, *args, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_old_password(self):
        password = self.cleaned_data["old_password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("The current password is wrong."), code="password_incorrect")
        return password

    def clean(self):
        data = super().clean()
        if data.get("new_password1") and data.get("new_password1") != data.get("new_password2"):
            self.add_error("new_password2", _("The two passwords differ."))
        return data


class CodeForm(BootstrapFormMixin, forms.Form):
    code = forms.CharField(label=_("One-time code"), max_length=20, widget=forms.TextInput(
        attrs={"autocomplete": "one-time-code", "autofocus": True, "spellcheck": "false"}))

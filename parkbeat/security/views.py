"""Security settings pages: change password, set up the authenticator app, verify the second factor.

These pages stay reachable while the gate in `security.middleware` holds a person back.
"""
import base64
from urllib.parse import urlencode

import segno
from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.generic import FormView, TemplateView, View
from django_otp import user_has_device
from django_otp.plugins.otp_static.models import StaticToken

from parkbeat.security import services
from parkbeat.security.forms import CodeForm, PasswordChangeForm
from parkbeat.security.lockout import lockout_response


def _next_url(request):
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return reverse("home")


class SecurityHomeView(LoginRequiredMixin, TemplateView):
    template_name = "security/home.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        return super().get_context_data(
            has_device=user_has_device(user, confirmed=True),
            required=services.second_factor_required(user),
            recovery_left=StaticToken.objects.filter(device__user=user).count(),
            expired=services.password_expired(user),
            **kwargs)


class PasswordChangeView(LoginRequiredMixin, FormView):
    """Change one's own password; the other sessions and API tokens end, this session goes on."""

    template_name = "security/password_change.html"
    form_class = PasswordChangeForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_context_data(self, **kwargs):
        return super().get_context_data(min_length=settings.PARKBEAT_PASSWORD_MIN_LENGTH, **kwargs)

    def form_valid(self, form):
        user, old_key = self.request.user, self.request.session.session_key
        try:
            services.password_change(actor=user, password=form.cleaned_data["new_password1"], keep_session_key=old_key)
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error("new_password1", message)
            return self.form_invalid(form)
        update_session_auth_hash(self.request, user)  # gives this session a new key
        services.session_rekeyed(old_key=old_key, new_key=self.request.session.session_key)
        messages.success(self.request, _("Your password has been changed; your other sessions have ended."))
        return redirect("security:home")


class TotpSetupView(LoginRequiredMixin, FormView):
    """Scan the QR code (drawn here as inline SVG, nothing leaves the server), confirm with one code,
    and see ten recovery codes once.
    """

    template_name = "security/totp_setup.html"
    form_class = CodeForm

    def dispatch(self, request, *args, **kwargs):
        user = request.user
        if user.is_authenticated and user_has_device(user, confirmed=True) and not user.is_verified():
            return redirect(f"{reverse('security:otp_verify')}?{urlencode({'next': reverse('security:totp_setup')})}")
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        device = services.totp_device_pending(user=self.request.user)
        # segno's markup holds only fixed attributes and path data: no text from the URL reaches it.
        qr = segno.make(device.config_url, error="m").svg_inline(scale=5, light="white")
        return super().get_context_data(
            qr_svg=mark_safe(qr),  # nosec B308 B703
            secret=base64.b32encode(device.bin_key).decode(), device=device, next=_next_url(self.request), **kwargs)

    def form_valid(self, form):
        device = services.totp_device_pending(user=self.request.user)
        try:
            codes = services.totp_device_confirm(request=self.request, user=self.request.user, device=device,
                                                 code=form.cleaned_data["code"])
        except ValidationError as exc:
            form.add_error("code", exc.messages[0])
            return self.form_invalid(form)
        return render(self.request, "security/recovery_codes.html",
                      {"codes": codes, "next": _next_url(self.request), "first_time": True})


class OtpVerifyView(LoginRequiredMixin, FormView):
    """After the password: a code from the authenticator app or one recovery code."""

    template_name = "security/otp_verify.html"
    form_class = CodeForm

    def dispatch(self, request, *args, **kwargs):
        user = request.user
        if user.is_authenticated and user.is_verified():
            return redirect(_next_url(request))
        if user.is_authenticated and not user_has_device(user, confirmed=True):
            return redirect(f"{reverse('security:totp_setup')}?{urlencode({'next': _next_url(request)})}")
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(next=_next_url(self.request), **kwargs)

    def form_valid(self, form):
        request = self.request
        if not AxesProxyHandler.is_allowed(request, {"username": request.user.get_username()}):
            return lockout_response(request)
        device = services.second_factor_check(request=request, user=request.user, code=form.cleaned_data["code"])
        if device is None:
            form.add_error("code", _("The code is wrong or has already been used."))
            return self.form_invalid(form)
        services.second_factor_verified(request=request, device=device)
        return redirect(_next_url(request))


class RecoveryCodesView(LoginRequiredMixin, View):
    """POST: ten new recovery codes replace the old ones (only from a session that passed the second factor)."""

    def post(self, request):
        if not (user_has_device(request.user, confirmed=True) and request.user.is_verified()):
            return redirect("security:home")
        codes = services.recovery_codes_renew(actor=request.user)
        return render(request, "security/recovery_codes.html", {"codes": codes, "next": reverse("security:home")})

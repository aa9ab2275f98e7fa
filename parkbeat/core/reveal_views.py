"""The reveal endpoint (POST /api/v1/reveal/) and its page action (POST /reveal/): thin shells over core.reveal."""
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from parkbeat.core.serializers import StrictSerializer
from parkbeat.core.reveal import REASON_MAX, REVEALABLE, RevealRateLimited, mark_revealed, reveal


class RevealRequestSerializer(StrictSerializer):
    model = serializers.ChoiceField(choices=sorted({label for label, _field in REVEALABLE}),
                                    help_text=gettext_lazy("Model label, e.g. enterprises.Liaison."))
    id = serializers.IntegerField(min_value=1, max_value=2**62)
    field = serializers.ChoiceField(choices=sorted({field for _label, field in REVEALABLE}))
    reason = serializers.CharField(max_length=REASON_MAX,
                                   help_text=gettext_lazy("Why you need the full value (at least 4 characters); "
                                                          "recorded on the audit trail."))


class RevealResponseSerializer(serializers.Serializer):
    model = serializers.CharField()
    id = serializers.IntegerField()
    field = serializers.CharField()
    value = serializers.CharField()


class RevealAPIView(APIView):
    """The full value of one masked field, for an allowed role within its scope; each call is audited."""

    @extend_schema(request=RevealRequestSerializer, responses={200: RevealResponseSerializer, 429: OpenApiResponse(
        description="More reveals this hour than PARKBEAT_REVEAL_RATE_PER_HOUR allows")})
    def post(self, request):
        data = RevealRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        try:
            value = reveal(actor=request.user, model_label=d["model"], pk=d["id"], field=d["field"],
                           reason=d["reason"])
        except RevealRateLimited as exc:
            raise exceptions.Throttled(detail=str(exc)) from None
        return mark_revealed(Response({"model": d["model"], "id": d["id"], "field": d["field"], "value": value}))


class RevealView(LoginRequiredMixin, View):
    """The page action: with HTMX the value replaces the masked one in place; without, a one-off page shows it."""

    def post(self, request):
        form = request.POST
        back = form.get("next", "")
        if not url_has_allowed_host_and_scheme(back, {request.get_host()}, require_https=request.is_secure()):
            back = "/"
        try:
            pk = int(form.get("id", ""))
            value = reveal(actor=request.user, model_label=form.get("model", ""), pk=pk,
                           field=form.get("field", ""), reason=form.get("reason", ""))
        except (ValueError, ValidationError, RevealRateLimited) as exc:
            message = (" ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
                       if isinstance(exc, RevealRateLimited) else _("Invalid request."))
            if getattr(request, "htmx", False):
                return render(request, "core/partials/reveal_error.html", {"message": message})
            messages.error(request, message)
            return redirect(back)
        template = "core/partials/revealed.html" if getattr(request, "htmx", False) else "core/revealed.html"
        return mark_revealed(render(request, template, {"value": value, "back": back}))

"""API plumbing shared by every app: bearer tokens, pagination, readable errors, scoped viewsets."""
import logging
import sys

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django import db
from django.http import Http404, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.defaults import page_not_found
from django.views.defaults import server_error as django_server_error
from rest_framework import exceptions, status, viewsets
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView, set_rollback
from rest_framework.views import exception_handler as drf_exception_handler

from parkbeat.core.middleware import current_request
from parkbeat.core.parsers import body_too_large_error
from parkbeat.core.services import ConflictError
from parkbeat.core.timeouts import time_limit_exceeded

logger = logging.getLogger("parkbeat.api")


def database_unavailable(exc):
    """Whether `exc` says the database cannot be reached right now (restarting, failed over, out of
    connections): the caller should retry, so the answer is 503 with Retry-After, not 500."""
    return isinstance(exc, (db.OperationalError, db.InterfaceError))


def unavailable_response(response_class, exc=None):
    """503 with `detail`. A statement stopped by the request time limit (core.timeouts) says so and carries
    no Retry-After: the same request would most likely be stopped again."""
    if exc is not None and time_limit_exceeded(exc):
        return response_class({"detail": _("This request took too long and was stopped; narrow it down (a shorter "
                                           "period, more filters) or try again later.")}, status=503)
    response = response_class({"detail": _("The database is not available right now; try again in a few seconds.")},
                              status=503)
    response["Retry-After"] = "5"
    return response


def server_error_body():
    """What an API caller gets for an error of ours: JSON with `detail` and the request id to quote."""
    ctx = current_request()
    return {"detail": _("An internal error occurred; it has been logged. Quote the request id when you report it."),
            "request_id": ctx.request_id if ctx else ""}


def exception_handler(exc, context):
    """Every error is JSON with a `detail` a person can read; model validation errors become 400."""
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"detail": " ".join(exc.messages)}
        if "__all__" in detail:
            detail["detail"] = " ".join(detail.pop("__all__"))
        exc = exceptions.ValidationError(detail)
    elif isinstance(exc, ConflictError):
        return Response({"detail": str(exc)}, status=status.HTTP_409_CONFLICT)
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound(_("Not found."))
    elif isinstance(exc, RequestDataTooBig):
        exc = body_too_large_error()  # a form or multipart body over the limit (JSON stops in the parser)
    elif isinstance(exc, OverflowError):  # a number too large for the database (SQLite), e.g. ?enterprise=1e30
        exc = exceptions.ValidationError({"detail": _("A number in the request is out of range.")})
    response = drf_exception_handler(exc, context)
    if response is None and database_unavailable(exc):
        logger.warning("database unavailable in %s: %s", context.get("view").__class__.__name__, exc)
        set_rollback()
        return unavailable_response(Response, exc)
    if response is None:  # not an API exception: a bug of ours, answered as JSON and logged with its traceback
        logger.exception("unhandled error in %s", context.get("view").__class__.__name__, exc_info=exc)
        set_rollback()
        return Response(server_error_body(), status=status.HTTP_500_INTERNAL_SERVER_ERROR)
    if response is not None and isinstance(response.data, dict) and "detail" not in response.data:
        field, first = next(iter(response.data.items()), ("", ""))
        if isinstance(first, list) and first:
            first = first[0]
        message = str(first) if not isinstance(first, dict) else _("Invalid input.")
        response.data["detail"] = message if field in ("non_field_errors", "") else f"{field}: {message}"
    elif response is not None and isinstance(response.data, list):
        response.data = {"detail": " ".join(str(x) for x in response.data)}
    return response


def not_found(request, exception=None):
    """The project's 404: JSON with `detail` under /api/ (as every other API error), the page elsewhere.

    Reached when no route matches at all, e.g. /api/v1/demands/-1/ where the id is not a number.
    """
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": _("Not found.")}, status=404)
    return page_not_found(request, exception)


def server_error(request):
    """The project's 500: JSON under /api/ (an error outside any API view, e.g. in a middleware), the page
    elsewhere. A database that cannot be reached (the exception being handled) answers 503 instead."""
    exc = sys.exc_info()[1]
    if database_unavailable(exc):
        if request.path.startswith("/api/"):
            return unavailable_response(JsonResponse, exc)
        timed_out = time_limit_exceeded(exc)
        response = render(request, "503.html", {"timed_out": timed_out}, status=503)
        if not timed_out:
            response["Retry-After"] = "5"
        return response
    if request.path.startswith("/api/"):
        return JsonResponse(server_error_body(), status=500)
    return django_server_error(request)


class ScopedViewSetMixin:
    """Every API queryset goes through `visible_to(request.user)`: 404 outside the user's scope."""

    def get_queryset(self):
        return super().get_queryset().visible_to(self.request.user)


class ScopedReadOnlyViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    pass


class OnlyDetailRequiredMixin:
    """For an import's 400 body: always `detail`; the summary fields only when the file was read (not when
    the request itself was invalid, say with no file), so none of them is required."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            field.required = name == "detail"


class SpreadsheetImportAPIView(APIView):
    """POST an .xlsx to an import service: 200 with its summary, 400 with the summary and `detail` when
    nothing was imported. A subclass declares `request_serializer` and `row_error_lists` (the summary's
    lists of RowError), implements `run_import`, and documents `post` with extend_schema."""

    parser_classes = [MultiPartParser]  # a file: multipart only
    request_serializer = None
    row_error_lists = ("errors",)

    def run_import(self, *, user, fileobj, import_good_rows):
        raise NotImplementedError

    def post(self, request):
        body = self.request_serializer(data=request.data)
        body.is_valid(raise_exception=True)
        summary = self.run_import(user=request.user, fileobj=body.validated_data["file"],
                                  import_good_rows=body.validated_data["import_good_rows"])
        data = {**summary, **{key: [e._asdict() for e in summary[key]] for key in self.row_error_lists}}
        if not summary["imported"]:
            data["detail"] = _("Nothing was imported: %(count)s problems were found.") % {
                "count": summary["error_count"]}
            return Response(data, status=status.HTTP_400_BAD_REQUEST)
        return Response(data)

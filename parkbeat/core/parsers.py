"""The one JSON parser of the API: every request body is read here, bounded in size and depth.

A body nested thousands deep, a lone surrogate ("\\ud800") or a body larger than the upload limit is refused
with 400 and a readable `detail` before any serializer sees it, so no field can fail on it later with a
RecursionError or UnicodeEncodeError (SECURITY.md part F).
"""
import orjson
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from rest_framework import exceptions, parsers

MAX_DEPTH = 32  # a ParkBeat body nests three levels (an agreement's instalments); 32 leaves room for clients


def too_deep(value, limit=MAX_DEPTH):
    """Whether `value` nests deeper than `limit` lists/objects (iteratively: no recursion to exhaust)."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            children = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children if isinstance(child, (dict, list)))
    return False


def body_too_large_error():
    return exceptions.ParseError(_("The request body is larger than %(size)s.")
                                 % {"size": filesizeformat(settings.DATA_UPLOAD_MAX_MEMORY_SIZE)})


class JSONParser(parsers.JSONParser):
    """orjson, which refuses invalid UTF-8 and lone surrogates and stops at its own depth limit, plus
    ParkBeat's limits: at most DATA_UPLOAD_MAX_MEMORY_SIZE bytes and MAX_DEPTH levels."""

    def parse(self, stream, media_type=None, parser_context=None):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        body = stream.read(limit + 1) if stream is not None else b""
        if len(body) > limit:
            raise body_too_large_error()
        if not body.strip():
            raise exceptions.ParseError(_("The request body is empty; send a JSON object."))
        try:
            data = orjson.loads(body)
        except orjson.JSONDecodeError as exc:
            if "depth" in exc.msg:
                raise self.too_deep_error() from None
            raise exceptions.ParseError(
                _("The request body is not valid JSON (UTF-8, no lone surrogates) at line %(line)s, column "
                  "%(column)s: %(error)s") % {"line": exc.lineno, "column": exc.colno, "error": exc.msg}) from None
        if not isinstance(data, dict):
            raise exceptions.ParseError(_("The request body must be a JSON object ({...})."))
        if too_deep(data):
            raise self.too_deep_error()
        return data

    @staticmethod
    def too_deep_error():
        return exceptions.ParseError(_("The request body nests deeper than %(depth)s levels.") % {"depth": MAX_DEPTH})


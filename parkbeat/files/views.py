"""The download: only through the parent the user may see, always as an attachment, never sniffed or cached."""
from urllib.parse import quote

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.views.decorators.http import require_GET

from parkbeat.files.selectors import attachment_get
from parkbeat.files import services


def content_disposition(name):
    """`attachment` with an ASCII fallback and the real name as RFC 5987 filename*."""
    fallback = "".join(c if c.isascii() and c.isprintable() and c not in '"\\;' else "_" for c in name)
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"


def attachment_response(attachment, *, user):
    """The download, audited (files.services.attachment_download) before it is handed over."""
    response = HttpResponse(services.attachment_download(actor=user, attachment=attachment).getvalue(),
                            content_type=attachment.mime_type)
    response["Content-Disposition"] = content_disposition(attachment.original_name)
    response["Content-Length"] = str(attachment.size)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@login_required
@require_GET
def attachment_download(request, parent_type, parent_pk, pk):
    attachment = attachment_get(user=request.user, parent_type=parent_type, parent_pk=parent_pk, pk=pk)
    return attachment_response(attachment, user=request.user)

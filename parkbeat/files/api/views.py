from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.views import APIView

from parkbeat.files.selectors import attachment_get
from parkbeat.files.views import attachment_response


class AttachmentDownloadView(APIView):
    """The file of an attachment, checked against its parent record (404 outside the user's scope)."""

    @extend_schema(responses={(200, "*/*"): OpenApiResponse(OpenApiTypes.BINARY)})
    def get(self, request, parent_type, parent_pk, pk):
        attachment = attachment_get(user=request.user, parent_type=parent_type, parent_pk=parent_pk, pk=pk)
        return attachment_response(attachment, user=request.user)

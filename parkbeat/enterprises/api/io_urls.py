"""Roster import/export API routes, relative to /api/v1/. Include before the enterprise router,
whose `enterprises/<pk>/` route would otherwise take `enterprises/import/`."""
from django.urls import path

from parkbeat.enterprises.api import io

urlpatterns = [
    path("enterprises/import/", io.EnterpriseImportAPIView.as_view(), name="enterprise-import"),
    path("enterprises/import-template/", io.EnterpriseImportTemplateAPIView.as_view(),
         name="enterprise-import-template"),
    path("enterprises/export/", io.EnterpriseExportAPIView.as_view(), name="enterprise-export"),
]

"""Roster import/export pages; included under /enterprises/ in the `enterprises` namespace."""
from django.urls import path

from parkbeat.enterprises import views_io

urlpatterns = [
    path("import/", views_io.enterprise_import, name="enterprise_import"),
    path("import/template/", views_io.enterprise_import_template, name="enterprise_import_template"),
    path("export/", views_io.enterprise_export, name="enterprise_export"),
]

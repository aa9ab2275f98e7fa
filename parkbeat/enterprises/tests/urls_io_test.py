"""The root URLs with the roster import/export routes added the way the lead will include them."""
from django.urls import include, path

from parkbeat import urls as root
from parkbeat.core import api_urls
from parkbeat.enterprises import urls as enterprise_urls
from parkbeat.enterprises import urls_io
from parkbeat.enterprises.api import io_urls

_replaced = ("enterprises/", "api/v1/")
urlpatterns = [
    *[p for p in root.urlpatterns if str(p.pattern) not in _replaced],
    path("enterprises/", include(([*urls_io.urlpatterns, *enterprise_urls.urlpatterns], "enterprises"))),
    path("api/v1/", include([*io_urls.urlpatterns, *api_urls.urlpatterns])),
]

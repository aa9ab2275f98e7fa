import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _english(settings):
    """The messages asserted here are the English msgids (the interface itself is Chinese); the second factor is on,
    as in production, so every answer here passes it (or is refused)."""
    settings.LANGUAGE_CODE = "en"
    settings.PARKBEAT_REQUIRE_2FA = True
    with translation.override("en"):
        yield

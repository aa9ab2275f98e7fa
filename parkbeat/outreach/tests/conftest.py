import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _english(settings):
    """The messages asserted here are the English msgids (the interface itself is Chinese)."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield

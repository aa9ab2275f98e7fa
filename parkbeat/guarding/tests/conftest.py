import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _english():
    """The messages asserted here are the English msgids (the interface itself is Chinese)."""
    with translation.override("en"):
        yield

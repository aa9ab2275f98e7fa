import pytest


@pytest.fixture(autouse=True)
def _english(english):
    """The messages asserted in this folder are the English msgids (the root conftest's `english`)."""

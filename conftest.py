"""Root fixtures: one user per role over a two-station world, and API clients logged in as each."""
import pytest
from django.utils import translation
from rest_framework.test import APIClient

from parkbeat.testing import World

pytest_plugins = ["parkbeat.core.tests.scanner", "parkbeat.core.tests.contract"]  # contract: issue 17


# Fault tests kill processes, the two-server test starts servers: each runs only when its marker is asked
# for by name (`-m faults`, `-m multiserver`), as .ci/run does in steps of their own.
ON_REQUEST_ONLY = ("faults", "multiserver")


def pytest_collection_modifyitems(config, items):
    """Leave out the tests of the ON_REQUEST_ONLY markers the -m expression does not name."""
    asked = config.getoption("markexpr") or ""
    skipped = [marker for marker in ON_REQUEST_ONLY if marker not in asked]
    if not skipped:
        return
    kept = [item for item in items if not any(item.get_closest_marker(marker) for marker in skipped)]
    if len(kept) < len(items):
        config.hook.pytest_deselected(items=[item for item in items if item not in kept])
        items[:] = kept


@pytest.fixture(autouse=True)
def _settings(settings, tmp_path):
    # A request leaves its language active in the thread (LocaleMiddleware never deactivates): each test
    # starts from the default (Chinese), whatever the one before it asked for.
    translation.deactivate()
    settings.HUEY = {**settings.HUEY, "immediate": True}
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"  # attachments (part D): never into var/
    settings.BACKUP_SIGNING_KEY_FILE = tmp_path / "backup_signing_key"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # The second factor is required in production; tests that exercise it turn it back on.
    settings.PARKBEAT_REQUIRE_2FA = False
    settings.STORAGES = {**settings.STORAGES,
                         "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}


@pytest.fixture
def english():
    """Messages in English for tests that assert the msgids (the interface itself is Chinese); an app's
    tests/conftest.py makes it autouse for a whole folder of service tests."""
    with translation.override("en"):
        yield


@pytest.fixture
def english_pages(client, settings):
    """Pages in English (the language cookie) for page tests that assert the msgids."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


@pytest.fixture
def demo_clock():
    """The clock at the demo tests' fixed "now" (org.tests.test_seed_demo.NOW), ticking: the demo dates its
    records from that now, and the services check each time against the clock (a patrol run 12 days before
    NOW is "more than 30 days ago" once the real date passes NOW + 18 days)."""
    from datetime import timedelta

    import time_machine

    from parkbeat.org.tests.test_seed_demo import NOW

    with time_machine.travel(NOW + timedelta(minutes=1), tick=True):
        yield NOW


@pytest.fixture
def world(db):
    return World()


@pytest.fixture
def station_leader(world):
    return world.leader


@pytest.fixture
def park_officer(world):
    return world.officer


@pytest.fixture
def enterprise_liaison(world):
    return world.liaison


@pytest.fixture
def volunteer(world):
    return world.volunteer


@pytest.fixture
def api_as():
    """api_as(user) -> an APIClient authenticated as `user` (session-less force_authenticate)."""

    def make(user):
        client = APIClient()
        if user is not None:
            client.force_authenticate(user)
        return client

    return make


@pytest.fixture
def page_as(client):
    """page_as(user) -> Django test client logged in as `user`."""

    def make(user):
        client.force_login(user)
        return client

    return make

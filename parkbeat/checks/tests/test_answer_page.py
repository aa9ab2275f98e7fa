"""The answer form on the check page: an answer without an outcome is told so on the outcome field (naming it), the
advice typed and any outcome chosen are kept after an error, and the answer shows its time as the request does."""
import re

from parkbeat.checks.models import BackgroundCheck
from parkbeat.checks.tests import helpers as h


def test_a_missing_outcome_is_shown_on_the_field(world, client):
    check = h.request(world)
    client = h.verified_client(client, world.officer)
    answer = client.post(f"/checks/{check.pk}/answer/", {"advice": "建议岗前再谈一次。", "version": 1})
    html = answer.content.decode()
    assert answer.status_code == 200
    assert 'id="check-outcome-error"' in html and "Choose the outcome of the check." in html
    assert "建议岗前再谈一次。" in html  # the advice typed is kept
    assert BackgroundCheck.objects.get(pk=check.pk).status == "requested"


def test_the_chosen_outcome_is_kept_after_an_error(world, client):
    check = h.request(world)
    client = h.verified_client(client, world.officer)
    answer = client.post(f"/checks/{check.pk}/answer/", {"outcome": "not_recommended", "advice": "x" * 5000,
                                                         "version": 1})
    html = answer.content.decode()
    assert answer.status_code == 200 and 'id="check-advice-error"' in html
    checked = re.search(r'<input[^>]*value="not_recommended"[^>]*>', html).group(0)
    assert "checked" in checked


def test_the_answer_shows_its_time(world, client):
    check = h.answer(world, h.request(world))
    check.refresh_from_db()
    html = h.verified_client(client, world.officer).get(f"/checks/{check.pk}/").content.decode()
    from django.utils import timezone

    assert timezone.localtime(check.answered_at).strftime("%Y-%m-%d %H:%M") in html

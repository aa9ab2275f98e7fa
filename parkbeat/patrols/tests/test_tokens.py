"""QR tokens: forged, expired, foreign (another checkpoint or park), replaced and retired codes are refused."""
import pytest
import time_machine
from datetime import timedelta
from django.core.exceptions import ValidationError
from django.core import signing
from django.utils import timezone

from parkbeat.patrols import services, tokens
from parkbeat.patrols.models import CheckIn
from parkbeat.patrols.tests.helpers import all_week_plan, checkpoints, code, route


def _refusal(callable_):
    with pytest.raises(ValidationError) as exc:
        callable_()
    return exc.value.error_dict["code"][0].code


def test_a_token_names_its_checkpoint_and_is_not_guessable(world):
    a, b, c = checkpoints(world)

    token = code(a)

    assert token.startswith("PB1:") and len(token) > 40
    assert tokens.match_checkpoint(token, [a, b, c]) == a
    assert code(a) != code(b)
    assert tokens.short_code(a) != tokens.short_code(b)
    assert tokens.match_checkpoint(tokens.short_code(b).lower().replace("-", " "), [a, b, c]) == b


def test_a_forged_token_is_refused(world):
    a, b, c = checkpoints(world)
    payload = {"c": b.pk, "v": b.token_version, "s": b.token_secret}
    forged = "PB1:" + signing.dumps(payload, salt="another.salt", compress=True)
    altered = code(a)[:-3] + ("AAA" if not code(a).endswith("AAA") else "BBB")

    assert _refusal(lambda: tokens.match_checkpoint(forged, [a, b, c])) == "forged"
    assert _refusal(lambda: tokens.match_checkpoint(altered, [a, b, c])) == "forged"
    assert _refusal(lambda: tokens.read_token("https://example.com/qr")) == "not_ours"
    assert _refusal(lambda: tokens.match_checkpoint("https://example.com/qr", [a, b, c])) == "invalid"


def test_an_expired_token_is_refused(world, settings):
    settings.PATROL_QR_MAX_AGE_DAYS = 30
    a, b, c = checkpoints(world)
    with time_machine.travel(timezone.now() - timedelta(days=31)):
        old = code(a)

    assert _refusal(lambda: tokens.match_checkpoint(old, [a, b, c])) == "expired"


def test_a_token_of_another_park_or_off_the_route_is_refused(world):
    mine = checkpoints(world)
    theirs = checkpoints(world, park=world.other_park)

    assert _refusal(lambda: tokens.match_checkpoint(code(theirs[0]), mine)) == "foreign"
    assert _refusal(lambda: tokens.match_checkpoint(code(mine[2]), mine[:2])) == "foreign"


def test_a_token_for_another_checkpoint_than_the_one_named_is_refused(world):
    plan = all_week_plan(world)
    run = services.run_start(actor=world.officer, plan=plan)
    a, b, _c = plan.route.ordered_checkpoints()

    with pytest.raises(ValidationError) as exc:
        services.checkin_record(actor=world.officer, run=run, code=code(a), checkpoint=b)

    assert "another checkpoint" in exc.value.messages[0]
    assert not CheckIn.objects.exists()


def test_reissuing_or_retiring_refuses_the_old_codes(world):
    a, b, c = checkpoints(world)
    old_a, old_short_b, old_b = code(a), tokens.short_code(b), code(b)

    services.checkpoint_reissue(actor=world.officer, checkpoint=a)
    services.checkpoint_retire(actor=world.officer, checkpoint=b)
    a.refresh_from_db()
    b.refresh_from_db()

    assert _refusal(lambda: tokens.match_checkpoint(old_a, [a, b, c])) == "replaced"
    assert tokens.match_checkpoint(code(a), [a, b, c]) == a
    assert _refusal(lambda: tokens.match_checkpoint(old_b, [a, b, c])) == "retired"
    assert _refusal(lambda: tokens.match_checkpoint(code(b), [a, b, c])) == "retired"
    assert _refusal(lambda: tokens.match_checkpoint(old_short_b, [a, b, c])) == "unknown"


def test_a_route_refuses_checkpoints_of_another_park_and_retired_ones(world):
    mine = checkpoints(world)
    theirs = checkpoints(world, park=world.other_park)

    with pytest.raises(ValidationError) as exc:
        services.route_create(actor=world.officer, park=world.park, name="越界", checkpoints=[mine[0], theirs[0]])
    assert "another park" in exc.value.messages[0]
    services.checkpoint_retire(actor=world.officer, checkpoint=mine[1])
    mine[1].refresh_from_db()
    with pytest.raises(ValidationError):
        route(world, points=mine)

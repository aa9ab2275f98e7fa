"""The dispute figures page: ISO dates in its date inputs both ways, the period it shows stated, only the park
changed keeps the period, figures labelled as a station reads them, amounts in 元."""
import re
from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import time_machine
from django.urls import reverse
from django.utils import timezone

from parkbeat.disputes import services
from parkbeat.disputes.tests.factories import open_dispute

SHANGHAI = ZoneInfo("Asia/Shanghai")
DECEMBER = datetime(2026, 12, 2, 20, 0, tzinfo=SHANGHAI)
URL = reverse("disputes:dispute_figures")


def value_of(html, name):
    match = re.search(rf'<input type="date" name="{name}" value="([^"]*)"', html)
    return match and match.group(1)


def test_the_default_period_fills_the_inputs_in_iso_and_is_stated(world, page_as):
    with time_machine.travel(DECEMBER, tick=False):
        html = page_as(world.leader).get(URL).content.decode()

    assert (value_of(html, "start"), value_of(html, "end")) == ("2025-12-03", "2026-12-02")
    assert "2025/12/03" not in html
    period = html.split('id="figures-period"')[1][:300]
    assert "2025-12-03" in period and "2026-12-02" in period


def test_the_round_trip_of_dates_shows_the_figures_of_that_period(world, page_as):
    with time_machine.travel(DECEMBER, tick=False):
        inside = open_dispute(world, actor=world.leader, began_at=datetime(2026, 7, 5, 9, tzinfo=SHANGHAI))
        open_dispute(world, actor=world.leader, began_at=datetime(2026, 10, 5, 9, tzinfo=SHANGHAI))  # after it
        services.agreement_record(actor=world.leader, dispute=inside, terms="一次付清", total_amount=Decimal("12000"),
                                  signed_on=datetime(2026, 7, 9).date(), expected_version=inside.version)
        response = page_as(world.leader).get(URL, {"start": "2026-07-01", "end": "2026-09-30"})
    html = response.content.decode()

    assert (value_of(html, "start"), value_of(html, "end")) == ("2026-07-01", "2026-09-30")
    assert response.context["figures"]["opened"]["total"] == 1
    assert response.context["figures"]["period"] == {"start": "2026-07-01", "end": "2026-09-30", "park": None}
    period = html.split('id="figures-period"')[1][:300]
    assert "2026-07-01" in period and "2026-09-30" in period
    assert '<td class="text-end" id="fig-agreed">12,000.00 元</td>' in html


def test_changing_only_the_park_keeps_the_period_and_names_the_park(world, page_as):
    with time_machine.travel(DECEMBER, tick=False):
        open_dispute(world, actor=world.leader, began_at=DECEMBER - timedelta(days=3))
        response = page_as(world.leader).get(URL, {"park": world.park2.pk})
    html = response.content.decode()

    assert response.context["form"].is_valid()
    assert (value_of(html, "start"), value_of(html, "end")) == ("2025-12-03", "2026-12-02")
    assert response.context["figures"]["opened"]["total"] == 0
    assert world.park2.name in html.split('id="figures-period"')[1][:300]


def test_bad_dates_are_shown_as_errors_not_figures(world, page_as):
    response = page_as(world.leader).get(URL, {"start": "2026-09-30", "end": "2026-07-01"})
    assert response.status_code == 200
    assert "figures" not in response.context and response.context["form"].errors


def test_figures_are_labelled_as_a_station_reads_them(world, page_as):
    with time_machine.travel(DECEMBER, tick=False):
        dispute = open_dispute(world, actor=world.leader, began_at=DECEMBER - timedelta(days=3))
        services.dispute_transition(actor=world.leader, dispute=dispute, to="settled", note="双方和解",
                                    expected_version=1)
        html = page_as(world.leader).get(URL).content.decode()

    assert "中位数" in html
    assert re.search(r'<abbr title="[^"]+">90%分位</abbr>', html)
    assert "样本 1 起" in html and "(n=" not in html
    assert "0.00 元" in html
    assert not timezone.is_naive(DECEMBER)

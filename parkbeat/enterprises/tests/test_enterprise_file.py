"""The enterprise page shows the enterprise's incidents and disputes beside its visits and demands (issue 10):
declared by those apps (`<app>/enterprise_file.py`), each scoped to the viewer."""
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from parkbeat.disputes.tests.factories import open_dispute, routed_dispute
from parkbeat.enterprises.panels import file_panels
from parkbeat.incidents import services as inc
from parkbeat.incidents.tests.helpers import report


def page(client, enterprise):
    return client.get(reverse("enterprises:enterprise_detail", args=[enterprise.pk]))


def panel(html, key):
    """The text of one panel (id="file-<key>"), or None when the page has none."""
    match = re.search(rf'<div class="card mb-3 file-panel" id="file-{key}">(.*?)</div>\s*</div>\s*(?:<div class="col|</div>)',
                      html, re.S)
    return match.group(1) if match else None


def test_the_panels_are_declared_by_the_later_apps():
    assert [p.key for p in file_panels()] == ["incidents", "disputes", "inspections", "hazards", "checks", "crime",
                                                 "outreach"]


def test_the_officer_sees_the_enterprises_incidents_and_disputes(world, page_as):
    mine = report(world, enterprise=world.enterprise)
    closed = report(world, enterprise=world.enterprise, description="已处理的警情")
    inc.incident_transition(actor=world.officer, incident=closed, to="cancelled", note="误报")
    elsewhere = report(world, enterprise=world.enterprise2, description="别家的警情")
    dispute = open_dispute(world, amount_in_dispute=Decimal("128000"))
    other_dispute = open_dispute(world, enterprise=world.enterprise2, title="别家的纠纷")

    response = page(page_as(world.officer), world.enterprise)

    html = response.content.decode()
    incidents, disputes = panel(html, "incidents"), panel(html, "disputes")
    assert response.status_code == 200
    assert mine.number in incidents and closed.number in incidents and elsewhere.number not in incidents
    assert "badge-incident-reported" in incidents and "badge-incident-cancelled" in incidents
    url = reverse("incidents:incident_list")
    assert f'href="{url}?enterprise={world.enterprise.pk}"' in incidents
    assert f'href="{url}?enterprise={world.enterprise.pk}&amp;open=true">1 ' in incidents
    assert dispute.number in disputes and other_dispute.number not in disputes
    assert "128,000.00 元" in disputes
    assert f'href="{reverse("disputes:dispute_list")}?enterprise={world.enterprise.pk}"' in disputes
    assert html.index('id="file-incidents"') < html.index('id="file-demands"')


def test_the_counts_open_the_list_filtered_to_the_same_rows(world, page_as):
    report(world, enterprise=world.enterprise)
    report(world, enterprise=world.enterprise)
    report(world, enterprise=world.enterprise2)
    client = page_as(world.officer)

    listing = client.get(reverse("incidents:incident_list"), {"enterprise": world.enterprise.pk, "open": "true"})

    assert listing.status_code == 200
    assert listing.context["paginator"].count == 2
    assert "2 " in panel(page(client, world.enterprise).content.decode(), "incidents")


def test_an_enterprise_without_cases_says_so(world, page_as):
    html = page(page_as(world.officer), world.enterprise2).content.decode()

    assert "该企业暂无警情记录。" in panel(html, "incidents")
    assert "该企业暂无矛盾纠纷记录。" in panel(html, "disputes")


def test_the_liaison_sees_their_enterprises_cases_and_no_other_enterprise(world, page_as):
    ours = report(world, enterprise=world.enterprise)
    dispute = open_dispute(world)
    client = page_as(world.liaison)

    html = page(client, world.enterprise).content.decode()

    assert ours.number in panel(html, "incidents")
    assert dispute.number in panel(html, "disputes")
    assert page(client, world.enterprise2).status_code == 404
    assert page(client, world.other_enterprise).status_code == 404


def test_agency_staff_see_only_the_incidents_their_agency_joined(world, page_as):
    joined = report(world, enterprise=world.enterprise)
    inc.incident_add_agency(actor=world.officer, incident=joined, agency=world.agency, note="请消防到场")
    not_joined = report(world, enterprise=world.enterprise)

    html = page(page_as(world.agency_staff), world.enterprise).content.decode()

    incidents = panel(html, "incidents")
    assert joined.number in incidents and not_joined.number not in incidents


def test_the_mediator_sees_the_cases_routed_to_her_centre_and_no_incident_panel(world, page_as):
    routed = routed_dispute(world)
    unrouted = open_dispute(world, title="未分派的纠纷")

    html = page(page_as(world.mediator), world.enterprise).content.decode()

    disputes = panel(html, "disputes")
    assert routed.number in disputes and unrouted.number not in disputes
    assert panel(html, "incidents") is None  # a mediator does not work incidents


@pytest.mark.parametrize("name", ["other_officer", "officer2"])
def test_police_of_another_park_get_404(world, page_as, name):
    report(world, enterprise=world.enterprise)

    assert page(page_as(getattr(world, name)), world.enterprise).status_code == 404

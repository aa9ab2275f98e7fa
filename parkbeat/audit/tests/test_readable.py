"""The audit trail read as people read it (issue 10, readable records): names instead of ids, Chinese field
labels, choice labels, before → after, personal data masked, a fixed number of queries per page, and an
export that keeps the raw values beside the readable ones."""
import csv
import io
import re
from datetime import datetime
from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from parkbeat.audit.models import AuditEvent
from parkbeat.audit.services import record
from parkbeat.audit.tests.test_pages import rows
from parkbeat.core.roles import Role
from parkbeat.disputes.models import Dispute
from parkbeat.disputes.tests.factories import open_dispute
from parkbeat.enterprises import services as ent
from parkbeat.enterprises.models import Enterprise, Liaison
from parkbeat.incidents import services as inc
from parkbeat.incidents.models import Incident
from parkbeat.incidents.tests.helpers import report
from parkbeat.org.models import User
from parkbeat.testing import EnterpriseFactory, UserFactory


def label(model, field):
    with translation.override("zh-hans"):
        return str(model._meta.get_field(field).verbose_name)


def detail(client, event):
    return client.get(reverse("audit:event_detail", args=[event.pk])).content.decode()


def change_cells(html):
    """[(label, before, after)] of the detail page's changes table."""
    body = re.search(r'id="audit-changes".*?<tbody>(.*?)</tbody>', html, re.S).group(1)
    cells = []
    for row in re.findall(r"<tr>(.*?)</tr>", body, re.S):
        texts = [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
        cells.append((texts[0], texts[1], texts[2].removeprefix("→").strip()))
    return cells


def last_event(**filters):
    return AuditEvent.objects.filter(**filters).order_by("-id").first()


def test_related_ids_read_as_names_and_choices_as_labels(world, page_as):
    enterprise = world.enterprise
    ent.enterprise_update(actor=world.leader, enterprise=enterprise, expected_version=enterprise.version,
                          data={"park": world.park2, "status": Enterprise.Status.MOVED})
    event = last_event(object_type="enterprises.Enterprise", verb="update")
    client = page_as(world.auditor)

    cells = dict((name, (before, after)) for name, before, after in change_cells(detail(client, event)))
    [row] = rows(client.get(reverse("audit:event_list"), {"object_type": "enterprises.Enterprise", "verb": "update"}))

    assert cells[label(Enterprise, "park")] == ("新马工业园", "栗雨工业园")
    with translation.override("zh-hans"):
        assert cells[label(Enterprise, "status")] == (str(Enterprise.Status.ACTIVE.label),
                                                     str(Enterprise.Status.MOVED.label))
    assert f">{world.park2.pk}<" not in row and f"→ {world.park2.pk}" not in row
    assert "新马工业园 → 栗雨工业园" in row
    assert world.leader.full_name in row and "株洲新马机械有限公司" in row
    assert "企业" in row  # the object type by its Chinese name, not enterprises.Enterprise
    assert "enterprises.Enterprise" not in row


def test_a_case_reads_as_its_number_and_people_by_name(world, page_as):
    incident = report(world)
    first_holder = incident.holder
    inc.incident_handover(actor=world.officer, incident=incident, to_user=world.leader, note="交所领导")
    dispute = open_dispute(world, amount_in_dispute=Decimal("12000"))
    client = page_as(world.auditor)

    handover = last_event(object_type="incidents.Incident", verb="update")
    incident_rows = rows(client.get(reverse("audit:event_list"), {"object_type": "incidents.Incident"}))
    dispute_page = detail(client, last_event(object_type="disputes.Dispute", verb="create"))

    assert all(incident.number in r for r in incident_rows)
    assert handover is not None
    holder = dict((n, (b, a)) for n, b, a in change_cells(detail(client, handover))).get(label(Incident, "holder"))
    assert holder == (first_holder.full_name, world.leader.full_name)
    assert dispute.number in dispute_page
    assert "12,000.00 元" in dispute_page
    cells = dict((n, (b, a)) for n, b, a in change_cells(dispute_page))
    with translation.override("zh-hans"):
        assert cells[label(Dispute, "category")][1] == str(Dispute.Category.LABOUR_WAGE.label)


def test_times_in_the_changes_read_in_asia_shanghai_to_the_second(world, page_as):
    record(actor=world.officer, verb="update", obj=report(world),
           before={"accepted_at": None}, after={"accepted_at": "2025-03-31T17:30:05+00:00"})
    client = page_as(world.auditor)

    [name, before, after] = change_cells(detail(client, last_event(object_type="incidents.Incident")))[0]

    assert (name, before, after) == (label(Incident, "accepted_at"), "—", "2025-04-01 01:30:05")


def test_personal_data_stays_masked_on_the_pages(world, page_as):
    liaison = ent.liaison_create(actor=world.officer, enterprise=world.enterprise, kind="security_head",
                                 name="王保卫", mobile="13812345678")
    ent.liaison_update(actor=world.officer, liaison=liaison, data={"mobile": "13987654321"},
                       expected_version=liaison.version)
    # Even a value written unmasked by mistake, and a note that quotes a number, show masked.
    record(actor=world.officer, verb="update", obj=liaison, before={"mobile": "13700001111"},
           after={"mobile": "13700002222"}, note="回电 13612345678，身份证 430211199001011234")
    client = page_as(world.auditor)

    listing = client.get(reverse("audit:event_list"), {"object_type": "enterprises.Liaison"}).content.decode()
    pages = listing + "".join(detail(client, e) for e in AuditEvent.objects.filter(object_type="enterprises.Liaison"))

    for number in ("13812345678", "13987654321", "13700001111", "13700002222", "13612345678", "430211199001011234"):
        assert number not in pages
    assert "138****5678" in pages and "139****4321" in pages and "136****5678" in pages
    assert "王保卫" in pages
    assert label(Liaison, "mobile") in pages


def test_a_deleted_object_keeps_the_name_it_had(world, page_as):
    user = UserFactory(username="gone", full_name="离职人员")
    event = record(actor=world.sysadmin, verb="update", obj=user, before={"is_active": True},
                   after={"is_active": False})
    User.objects.filter(pk=user.pk).delete()

    page = detail(page_as(world.auditor), event)

    assert "离职人员" in page


def test_events_without_a_person_are_the_systems(world, page_as):
    record(actor=None, verb="update", object_type="org.Park", object_repr="新马工业园", note="夜间任务")

    [row] = rows(page_as(world.auditor).get(reverse("audit:event_list"), {"object_type": "org.Park"}))

    assert "系统" in row


def test_filters_offer_people_by_name_and_object_types_by_label(world, page_as):
    ent.enterprise_update(actor=world.officer, enterprise=world.enterprise, data={"headcount": 120},
                          expected_version=1)
    client = page_as(world.auditor)

    page = client.get(reverse("audit:event_list")).content.decode()
    mine = rows(client.get(reverse("audit:event_list"), {"actor": world.officer.pk}))

    assert f'<option value="{world.officer.pk}">{world.officer.full_name}（t_officer）</option>' in page
    assert '<option value="enterprises.Enterprise">企业</option>' in page
    assert 'type="date"' in page
    assert mine and all(world.officer.full_name in r for r in mine)


def test_the_list_reads_in_a_fixed_number_of_queries(world, client):
    client.force_login(world.auditor)

    def add(n):
        for i in range(n):
            enterprise = EnterpriseFactory(park=world.park)
            ent.enterprise_update(actor=world.leader, enterprise=enterprise, expected_version=enterprise.version,
                                  data={"park": world.park2, "headcount": 10 + i})
            person = UserFactory()
            record(actor=world.sysadmin, verb="update", obj=person, before={"is_active": True},
                   after={"is_active": False})
            report(world)

    def count():
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(reverse("audit:event_list"))
        assert response.status_code == 200
        return len(ctx.captured_queries)

    add(2)
    few = count()
    add(20)
    many = count()

    assert AuditEvent.objects.count() > 50
    assert many == few, f"{few} queries with a few events, {many} with a full page"


def test_the_export_keeps_raw_values_beside_readable_ones(world, page_as):
    ent.enterprise_update(actor=world.leader, enterprise=world.enterprise, expected_version=world.enterprise.version,
                          data={"park": world.park2})
    client = page_as(world.auditor)

    response = client.get(reverse("audit:event_export"), {"object_type": "enterprises.Enterprise", "verb": "update"})
    text = response.content.decode("utf-8")[1:]
    [row] = list(csv.DictReader(io.StringIO(text)))

    with translation.override("zh-hans"):
        park = label(Enterprise, "park")
        assert row["object_id"] == str(world.enterprise.pk)
        assert row["changes"] == f'{{"park": [{world.park.pk}, {world.park2.pk}]}}'
        assert row["actor_username"] == "t_leader"
        assert row["at"].endswith("+08:00") and row["at_utc"].endswith("Z")
        assert datetime.fromisoformat(row["at"]) == datetime.fromisoformat(row["at_utc"])
        assert row["对象"] == "株洲新马机械有限公司"
        assert row["对象类型"] == "企业"
        assert row["用户"] == world.leader.full_name
        assert row["变更内容"] == f"{park}：新马工业园 → 栗雨工业园"
        assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", row["时间"])


def test_the_detail_page_names_the_actors_roles_and_leaves_the_viewers_own(world, page_as):
    ent.enterprise_update(actor=world.leader, enterprise=world.enterprise, expected_version=world.enterprise.version,
                          data={"headcount": 150})
    html = detail(page_as(world.auditor), last_event(object_type="enterprises.Enterprise"))

    with translation.override("zh-hans"):
        leader, auditor = str(Role.STATION_LEADER.label), str(Role.AUDITOR.label)
    assert f'<dd class="col-8">{leader}</dd>' in html
    assert auditor in html  # the header still names the viewer's own role


def test_a_creation_lists_values_and_leaves_bookkeeping_out_of_the_list(world, page_as):
    ent.liaison_create(actor=world.officer, enterprise=world.enterprise, kind="security_head", name="王保卫",
                       mobile="13812345678")

    [row] = rows(page_as(world.auditor).get(reverse("audit:event_list"), {"object_type": "enterprises.Liaison"}))

    assert f"{label(Liaison, 'name')}：</span>王保卫" in row
    assert label(Liaison, "version") not in row


def test_the_list_sorts_pages_and_reports_invalid_filters(world, page_as):
    for n in range(30):
        record(actor=None, verb="update", object_type="org.Park", object_repr="新马工业园", note=f"第{n}条")
    client = page_as(world.auditor)

    oldest_first = rows(client.get(reverse("audit:event_list"), {"object_type": "org.Park", "sort": "at"}))
    small_pages = rows(client.get(reverse("audit:event_list"), {"object_type": "org.Park", "page_size": 25}))
    invalid = client.get(reverse("audit:event_list"), {"date_from": "2025-13-45"})

    assert "第0条" in oldest_first[0] and "第29条" in oldest_first[-1]
    assert len(small_pages) == 25 and "第29条" in small_pages[0]
    assert invalid.status_code == 200
    assert 'id="filter-errors"' in invalid.content.decode()

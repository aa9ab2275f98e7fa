"""An account that lost its case roles (or became an administrator) no longer opens the cases it once
reported, handled or took part in (SECURITY B5): the owner and participant paths count only while the
user holds a case role."""
from datetime import timedelta

import pytest
from django.utils import timezone

from parkbeat.core.roles import Role
from parkbeat.core.scoping import forget_access
from parkbeat.disputes import services
from parkbeat.disputes.models import Dispute
from parkbeat.disputes.tests.factories import open_dispute
from parkbeat.incidents.models import Incident
from parkbeat.incidents.tests.helpers import report
from parkbeat.org.models import RoleAssignment
from parkbeat.testing import UserFactory, assign

pytestmark = pytest.mark.django_db


def become_auditor(user):
    RoleAssignment.objects.filter(user=user).delete()
    assign(user, Role.AUDITOR)
    forget_access(user)


def test_a_mediator_named_in_a_session_loses_the_case_with_the_role(world, page_as, api_as):
    lent = assign(UserFactory(username="t_lent_mediator"), Role.MEDIATOR,
                  park=world.park2)
    dispute = open_dispute(world)
    services.session_record(actor=world.officer, dispute=dispute, started_at=timezone.now() - timedelta(hours=1),
                            duration_minutes=30, place="调解室", outcome="adjourned", mediators=[lent])
    assert Dispute.objects.visible_to(lent).filter(pk=dispute.pk).exists()

    become_auditor(lent)

    assert not Dispute.objects.visible_to(lent).filter(pk=dispute.pk).exists()
    assert page_as(lent).get(f"/disputes/{dispute.pk}/").status_code == 404
    assert api_as(lent).get(f"/api/v1/disputes/{dispute.pk}/").status_code == 404


def test_an_officer_who_became_an_administrator_no_longer_opens_what_he_reported_or_handled(world, page_as):
    incident = report(world)
    dispute = open_dispute(world)
    assert Incident.objects.visible_to(world.officer).filter(pk=incident.pk).exists()

    become_auditor(world.officer)

    assert not Incident.objects.visible_to(world.officer).filter(pk=incident.pk).exists()
    assert not Dispute.objects.visible_to(world.officer).filter(pk=dispute.pk).exists()
    assert page_as(world.officer).get(f"/incidents/{incident.pk}/").status_code == 404


def test_an_inbox_stays_its_owners_whatever_the_roles(world):
    from parkbeat.notifications.models import Notification

    note = Notification.objects.create(recipient=world.officer, kind="incident_dispatched", title="x")
    become_auditor(world.officer)

    assert Notification.objects.visible_to(world.officer).filter(pk=note.pk).exists()

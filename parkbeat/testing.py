"""Test helpers shared by every app: factories for the organisation and registry, and a scoped world.

At the project level, beside settings and urls, because it knows every app; core stays below them.
"""
import itertools

import factory
from django.utils import timezone
from stdnum.cn import uscc

from parkbeat.enterprises.models import Demand, Enterprise, Liaison, Visit
from parkbeat.org.models import Agency, MediationCentre, OrgUnit, Park, Role, RoleAssignment, User
from parkbeat.volunteers.models import Volunteer, VolunteerTeam

_codes = itertools.count(1)


def credit_code(n=None):
    """A valid unified social credit code, different for every call."""
    n = next(_codes) if n is None else n
    body = f"91430211MA{n:07d}"
    return body + uscc.calc_check_digit(body)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"测试用户{n}")
    password = factory.django.Password("Correct-Horse-9")
    password_changed_at = factory.LazyFunction(timezone.now)  # a fresh password: not expired (SECURITY A3)


class OrgUnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OrgUnit

    name = factory.Sequence(lambda n: f"派出所{n}")
    kind = OrgUnit.Kind.STATION


class ParkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Park

    station = factory.SubFactory(OrgUnitFactory)
    name = factory.Sequence(lambda n: f"园区{n}")
    code = factory.Sequence(lambda n: f"park-{n}")


class EnterpriseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enterprise

    name = factory.Sequence(lambda n: f"测试企业{n}有限公司")
    credit_code = factory.LazyFunction(credit_code)
    park = factory.SubFactory(ParkFactory)
    headcount = 100


class LiaisonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Liaison

    enterprise = factory.SubFactory(EnterpriseFactory)
    kind = Liaison.Kind.SECURITY_HEAD
    name = factory.Sequence(lambda n: f"联络员{n}")
    mobile = factory.Sequence(lambda n: f"139{n:08d}")


class VisitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Visit

    enterprise = factory.SubFactory(EnterpriseFactory)
    visitor = factory.SubFactory(UserFactory)
    findings = "生产秩序正常"


class DemandFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Demand

    enterprise = factory.SubFactory(EnterpriseFactory)
    raised_by = factory.SubFactory(UserFactory)
    category = Demand.Category.SECURITY
    content = "希望加强夜间巡逻"
    due_at = factory.LazyFunction(lambda: timezone.now() + timezone.timedelta(days=7))


class VolunteerTeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = VolunteerTeam

    park = factory.SubFactory(ParkFactory)
    name = factory.Sequence(lambda n: f"义警队{n}")


class VolunteerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Volunteer

    team = factory.SubFactory(VolunteerTeamFactory)
    name = factory.Sequence(lambda n: f"义警{n}")
    resident_id = "11010519491231002X"
    mobile = "13800138000"


def assign(user, role, **place):
    RoleAssignment.objects.create(user=user, role=role, **place)
    user.__dict__.pop("_parkbeat_access", None)
    return user


class World:
    """Two stations, each with a park and an enterprise, and one user per role in station A / park A.

    Tests assert that every A-user sees A's records and never B's (`other_*`).
    """

    def __init__(self):
        self.city = OrgUnit.objects.create(name="株洲市公安局", kind=OrgUnit.Kind.CITY)
        self.branch = OrgUnit.objects.create(name="天元分局", kind=OrgUnit.Kind.BRANCH, parent=self.city)
        self.station = OrgUnit.objects.create(name="马家河派出所", kind=OrgUnit.Kind.STATION, parent=self.branch)
        self.other_station = OrgUnit.objects.create(name="群丰派出所", kind=OrgUnit.Kind.STATION, parent=self.branch)
        self.park = ParkFactory(station=self.station, name="新马工业园", code="xinma")
        self.park2 = ParkFactory(station=self.station, name="栗雨工业园", code="liyu")
        self.other_park = ParkFactory(station=self.other_station, name="群丰园区", code="qunfeng")
        self.enterprise = EnterpriseFactory(park=self.park, name="株洲新马机械有限公司")
        self.enterprise2 = EnterpriseFactory(park=self.park, name="株洲新马电子有限公司")
        self.park2_enterprise = EnterpriseFactory(park=self.park2, name="栗雨新材料有限公司")
        self.other_enterprise = EnterpriseFactory(park=self.other_park, name="群丰食品有限公司")
        MediationCentre.objects.create(park=self.park, name="新马园区调解中心")
        self.agency = Agency.objects.create(name="天元区消防救援大队", kind=Agency.Kind.FIRE, station=self.station)
        self.agency.parks.add(self.park)
        self.team = VolunteerTeamFactory(park=self.park, enterprise=self.enterprise, name="新马机械义警队")

        self.leader = assign(UserFactory(username="t_leader"), Role.STATION_LEADER, unit=self.station)
        self.officer = assign(UserFactory(username="t_officer"), Role.PARK_OFFICER, park=self.park)
        self.officer2 = assign(UserFactory(username="t_officer2"), Role.PARK_OFFICER, park=self.park2)
        self.other_officer = assign(UserFactory(username="t_other_officer"), Role.PARK_OFFICER, park=self.other_park)
        self.auxiliary = assign(UserFactory(username="t_auxiliary"), Role.AUXILIARY, park=self.park)
        self.mediator = assign(UserFactory(username="t_mediator"), Role.MEDIATOR, park=self.park)
        self.agency_staff = assign(UserFactory(username="t_agency"), Role.AGENCY_STAFF, agency=self.agency)
        self.liaison = assign(UserFactory(username="t_liaison"), Role.LIAISON, enterprise=self.enterprise)
        self.volunteer = assign(UserFactory(username="t_volunteer"), Role.VOLUNTEER, team=self.team)
        self.sysadmin = assign(UserFactory(username="t_sysadmin"), Role.SYSTEM_ADMIN)
        self.secadmin = assign(UserFactory(username="t_secadmin"), Role.SECURITY_ADMIN)
        self.auditor = assign(UserFactory(username="t_auditor"), Role.AUDITOR)
        self.nobody = UserFactory(username="t_nobody")

    def role_users(self):
        return {name: getattr(self, name) for name in (
            "leader", "officer", "auxiliary", "mediator", "agency_staff", "liaison", "volunteer",
            "sysadmin", "secadmin", "auditor", "nobody")}

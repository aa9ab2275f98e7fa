"""The lean enterprise list gives exactly what the DRF serializer gives, row for row."""
from decimal import Decimal

from parkbeat.testing import EnterpriseFactory
from parkbeat.enterprises.api.serializers import EnterpriseSerializer
from parkbeat.enterprises.models import Enterprise


def test_lean_list_rows_equal_the_serializer_output(world, api_as):
    EnterpriseFactory(park=world.park, lon=Decimal("113.08"), lat=Decimal("27.830001"), is_key=True,
                      key_reason="危化品仓储", risk_category="hazmat",
                      production_hours={"mon": [["08:00", "12:00"]]})
    client = api_as(world.officer)

    listed = client.get("/api/v1/enterprises/", {"page_size": 500}).json()["results"]

    expected = EnterpriseSerializer(Enterprise.objects.filter(park=world.park).order_by("name", "id"), many=True,
                                    context={"request": None}).data
    assert listed == [dict(row) for row in expected]
    assert len(listed) == 3

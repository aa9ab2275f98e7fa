"""What each benchmarked account sees, chosen once before the load: run inside `manage.py shell`.

    manage.py shell -c "import bench.targets as t; t.main(['leader', 'cityleader'])"

Prints one line `BENCH-JSON {...}`: per username, the busiest filter of each list within the user's scope
(the park/industry pair with the most enterprises, the most frequent incident and dispute status), a park
and an enterprise of it to report incidents in, and the table sizes. Missing accounts map to null.
"""
import json

from django.db.models import Count


def _busiest(qs, *fields):
    row = qs.values(*fields).annotate(n=Count("id")).order_by("-n", *fields).first()
    return row and {**{f: row[f] for f in fields}, "matching": row["n"]}


def for_user(user):
    from parkbeat.disputes.models import Dispute
    from parkbeat.enterprises.models import Enterprise
    from parkbeat.incidents.models import Incident
    from parkbeat.org.models import Park

    enterprises = _busiest(Enterprise.objects.visible_to(user), "park_id", "industry")
    park = Park.objects.visible_to(user).order_by("id").values_list("id", flat=True).first()
    enterprise = (Enterprise.objects.visible_to(user).filter(park_id=park).order_by("id")
                  .values_list("id", flat=True).first()) if park else None
    return {"id": user.pk, "enterprises": enterprises,
            "incidents": _busiest(Incident.objects.visible_to(user), "status"),
            "disputes": _busiest(Dispute.objects.visible_to(user), "status"),
            "report_park": park, "report_enterprise": enterprise}


def main(usernames):
    from parkbeat.disputes.models import Dispute
    from parkbeat.enterprises.models import Enterprise
    from parkbeat.incidents.models import Incident
    from parkbeat.org.models import Park, User

    users = {u.username: u for u in User.objects.filter(username__in=usernames)}
    out = {"users": {name: for_user(users[name]) if name in users else None for name in usernames},
           "park_ids": list(Park.objects.order_by("id").values_list("id", flat=True)[:150]),
           "rows": {"parks": Park.objects.count(), "enterprises": Enterprise.objects.count(),
                    "incidents": Incident.objects.count(), "disputes": Dispute.objects.count()}}
    print("BENCH-JSON " + json.dumps(out), flush=True)

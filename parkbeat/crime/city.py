"""Crime's share of a city-scale build (`seed_demo --stations N`, `parkbeat.org.city`).

Found by `org.city.area_modules` and written through org's `Writer` (executemany on SQLite, COPY on PostgreSQL,
never the ORM for writing), from its own generator (`{seed}:city:crime`), for every park but the demo station's
(which has its own demo cases):
- cases in proportion to the park's active enterprises (about one a year per `ENTERPRISES_PER_CASE`), reported
  over the year, occurred hours before, at an enterprise picked by headcount, of every type (theft the most),
  with a loss in yuan and items; key times as the services record them: the suspect identified (most within
  48 hours, some later), arrested after that, property recovered (now and then across regions) with a value not
  above the loss; solved once a suspect is arrested and recovered (older cases closed after); each step a
  CaseEvent at its time, by the park's officer; suspects (one or two, name only: the resident ID stays empty);
- leads in proportion to the cases, from a patrol finding-like source (patrol, liaison, agency), worked with two
  to four observations over days, then closed with a reason or still open (recent ones).
Audit events as the services write them (create, key-time updates, transitions). The same rows for the same
options."""
import random

from parkbeat.core.demo import person_name
from parkbeat.org.city import commit

ENTERPRISES_PER_CASE = 60  # a case a year per this many active enterprises
LEADS_PER_CASE = 0.5
HOUR = 3600
KINDS = (("theft", 30), ("internal_theft", 15), ("embezzlement", 10), ("fraud", 10), ("telecom_fraud", 15),
         ("illegal_business", 5), ("damage", 10), ("other", 5))
TITLES = {"theft": "车间物资被盗案", "internal_theft": "员工盗窃仓库物资案", "embezzlement": "员工职务侵占案",
          "fraud": "合同诈骗案", "telecom_fraud": "财务人员遭电信诈骗案", "illegal_business": "非法经营案",
          "damage": "厂区设备被损毁案", "other": "其他涉企案件"}
ITEMS = ("铜线 2 卷", "数控模板 6 套", "成品电机 20 台", "笔记本电脑 3 台", "货款", "原材料一批", "")
OBSERVATIONS = ("走访周边商户了解情况", "调取监控核查", "与联动单位联合检查", "蹲守核实")


def seed(city, writer, trail, sizes, seed, log):
    from parkbeat.crime.models import Case, CaseEvent, Lead, LeadObservation, Suspect

    w = writer
    tables = {model: w.table(model) for model in (Lead, LeadObservation, Case, CaseEvent, Suspect)}
    cases, leads = seed_crime(city, w, trail, random.Random(f"{seed}:city:crime"), tables)
    commit(w)
    log(f"crime: {cases} cases, {leads} leads")


def seed_crime(city, w, trail, rng, tables):
    from parkbeat.crime.models import Case, CaseEvent, Lead, LeadObservation, Suspect

    t_lead, t_obs, t_case, t_event, t_suspect = (tables[m] for m in (Lead, LeadObservation, Case, CaseEvent,
                                                                        Suspect))
    demo_station = 0  # City.stations[0] is the demo station: its cases are the crime demo's
    kinds, weights = zip(*KINDS)
    n_cases = n_leads = 0
    span = city.now_t - city.start_t

    def event(case_id, kind, t, actor, note=""):
        w.add(t_event, {"case_id": case_id, "kind": kind, "at": w.ts(t), "recorded_at": w.ts(t),
                        "recorded_by_id": actor, "entered_late": False, "late_reason": "", "note": note})

    for park in city.parks:
        if park.station == demo_station or not park.enterprises:
            continue
        officer = park.officer
        count = max(1, round(len(park.enterprises) * (span / (365 * 86400)) / ENTERPRISES_PER_CASE))
        for _ in range(count):
            enterprise = park.enterprises[rng.randrange(len(park.enterprises))]
            kind = rng.choices(kinds, weights)[0]
            reported = city.start_t + rng.randrange(span - 2 * HOUR)
            occurred = reported - rng.randint(1, 48) * HOUR
            loss = rng.choice((0, 1200, 5800, 12000, 36000, 86000, 150000)) if kind != "illegal_business" else 0
            age = city.now_t - reported
            identified = reported + (rng.randint(2, 47) if rng.random() < 0.7 else rng.randint(49, 400)) * HOUR
            identified = identified if identified < city.now_t - HOUR and rng.random() < 0.8 else None
            arrested = identified + rng.randint(6, 120) * HOUR if identified else None
            arrested = arrested if arrested and arrested < city.now_t - HOUR else None
            recovered = arrested + rng.randint(12, 240) * HOUR if arrested and loss else None
            recovered = recovered if recovered and recovered < city.now_t - HOUR else None
            recovered_yuan = (loss if rng.random() < 0.6 else loss * rng.randint(2, 9) // 10) if recovered else 0
            cross_region = bool(recovered) and rng.random() < 0.25
            solved_t = max(t for t in (arrested, recovered or 0)) + 24 * HOUR if arrested else None
            solved_t = solved_t if solved_t and solved_t < city.now_t - HOUR else None
            closed_t = solved_t + 20 * 86400 if solved_t and age > 90 * 86400 else None
            closed_t = closed_t if closed_t and closed_t < city.now_t - HOUR else None
            status = "closed" if closed_t else "solved" if solved_t else "open"
            version = 1 + sum(t is not None for t in (identified, arrested, recovered, solved_t, closed_t))
            title = TITLES[kind]
            case_id = w.add(t_case, {
                "created_at": w.ts(reported), "updated_at": w.ts(closed_t or solved_t or recovered or reported),
                "version": version, "kind": kind, "park_id": park.pk, "area": "", "enterprise_id": enterprise[0],
                "title": title, "description": f"{enterprise[1]}报案：{title}", "occurred_at": w.ts(occurred),
                "reported_at": w.ts(reported), "recorded_at": w.ts(reported), "recorded_by_id": officer,
                "entered_late": False, "late_reason": "", "loss_yuan": loss,
                "loss_items": "" if kind in ("telecom_fraud", "fraud", "illegal_business") else rng.choice(ITEMS),
                "cross_region": cross_region, "suspect_identified_at": w.ts(identified) if identified else None,
                "arrested_at": w.ts(arrested) if arrested else None,
                "recovered_at": w.ts(recovered) if recovered else None, "recovered_yuan": recovered_yuan,
                "status": status, "solved_at": w.ts(solved_t) if solved_t else None,
                "closed_reason": "结案" if closed_t else "", "incident_id": None, "lead_id": None})
            event(case_id, "reported", reported, officer, title)
            trail.event(reported, officer, "create", "crime.Case", case_id, title)
            for kind_, t in (("identified", identified), ("arrested", arrested), ("recovered", recovered),
                             ("solved", solved_t), ("closed", closed_t)):
                if t is not None:
                    event(case_id, kind_, t, officer, "结案" if kind_ == "closed" else "")
                    trail.event(t, officer, "transition" if kind_ in ("solved", "closed") else "update",
                                "crime.Case", case_id, title)
            if identified:
                for _s in range(rng.choice((1, 1, 2))):
                    w.add(t_suspect, {"case_id": case_id, "name": person_name(rng), "resident_id": "",
                                      "note": "", "added_by_id": officer, "added_at": w.ts(identified)})
            n_cases += 1
        for _ in range(round(count * LEADS_PER_CASE)):
            received = city.start_t + rng.randrange(span - 10 * 86400) if span > 10 * 86400 else city.start_t
            source = rng.choice(("patrol", "patrol", "liaison", "agency"))
            observed = [received + (d + 1) * 86400 + rng.randint(8, 18) * HOUR for d in range(rng.randint(2, 4))]
            observed = [t for t in observed if t < city.now_t - HOUR]
            closed = observed[-1] + 86400 if observed and city.now_t - received > 30 * 86400 else None
            closed = closed if closed and closed < city.now_t - HOUR else None
            agency = park.agencies.get("tobacco") or park.agencies.get("street_governance")
            description = "巡逻发现园区周边流动摊贩销售来源不明商品" if source == "patrol" else "企业反映疑似内部人员倒卖物资"
            lead_id = w.add(t_lead, {
                "created_at": w.ts(received), "updated_at": w.ts(closed or received), "version": 2 if closed else 1,
                "park_id": park.pk, "area": "", "enterprise_id": None, "source": source, "finding_id": None,
                "incident_id": None, "description": description, "agency_id": agency, "received_at": w.ts(received),
                "recorded_at": w.ts(received), "recorded_by_id": officer, "entered_late": False, "late_reason": "",
                "status": "closed" if closed else "open", "closed_reason": "经核查未发现违法行为" if closed else "",
                "closed_at": w.ts(closed) if closed else None})
            trail.event(received, officer, "create", "crime.Lead", lead_id, description[:30])
            for t in observed:
                obs_id = w.add(t_obs, {"lead_id": lead_id, "at": w.ts(t), "recorded_at": w.ts(t),
                                       "recorded_by_id": officer, "entered_late": False, "late_reason": "",
                                       "note": rng.choice(OBSERVATIONS)})
                trail.event(t, officer, "create", "crime.LeadObservation", obs_id, str(lead_id))
            if closed:
                trail.event(closed, officer, "transition", "crime.Lead", lead_id, description[:30])
            n_leads += 1
    return n_cases, n_leads

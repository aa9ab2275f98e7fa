"""Shared test helpers: a lead in park A worked with the world's agency, a theft case at the world's enterprise."""
from datetime import timedelta

from django.utils import timezone

from parkbeat.crime import services


def lead(w, actor=None, **kw):
    kw.setdefault("park", w.park)
    kw.setdefault("source", "patrol")
    kw.setdefault("description", "校门口小卖部向学生出售来源不明的香烟")
    kw.setdefault("area", "新马中学周边（护校安园）")
    return services.lead_create(actor=actor or w.officer, **kw)


def case(w, actor=None, hours_ago=30, **kw):
    now = timezone.now()
    kw.setdefault("enterprise", w.enterprise)
    kw.setdefault("kind", "theft")
    kw.setdefault("title", "数控模板被盗")
    kw.setdefault("description", "车间内 12 套数控模板夜间被盗")
    kw.setdefault("occurred_at", now - timedelta(hours=hours_ago + 6))
    kw.setdefault("reported_at", now - timedelta(hours=hours_ago))
    kw.setdefault("loss_yuan", "86000")
    kw.setdefault("loss_items", "数控模板 12 套")
    return services.case_create(actor=actor or w.officer, **kw)

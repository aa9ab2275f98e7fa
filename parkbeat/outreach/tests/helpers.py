"""Shared test helpers: an enterprise with a working week (and a Friday night shift), lectures in each state,
slots inside and outside production hours, uploads."""
import io
from datetime import datetime, time, timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from parkbeat.enterprises.models import Enterprise
from parkbeat.outreach import services
from parkbeat.outreach.models import Lecture
from parkbeat.outreach.timetable import SHANGHAI

WEEK = {day: [["08:00", "12:00"], ["13:00", "17:30"]] for day in ("mon", "tue", "wed", "thu", "fri")}
WEEK["fri"] = WEEK["fri"] + [["22:00", "06:00"]]


def png(name="书面同意.png"):
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "white").save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def pdf(name="宣传材料.pdf"):
    return SimpleUploadedFile(name, b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n", content_type="application/pdf")


def with_hours(enterprise, hours=None):
    Enterprise.objects.filter(pk=enterprise.pk).update(production_hours=WEEK if hours is None else hours)
    enterprise.refresh_from_db()
    return enterprise


def next_weekday(weekday, hour, minute=0, weeks=1):
    """Aware Asia/Shanghai: the given weekday (0 = Monday) at least `weeks` weeks from today, at hh:mm."""
    today = timezone.localdate()
    day = today + timedelta(days=(weekday - today.weekday()) % 7 + 7 * weeks)
    return datetime.combine(day, time(hour, minute), SHANGHAI)


def inside(hours=1):
    """Next week's Tuesday 09:00 (production)."""
    start = next_weekday(1, 9)
    return start, start + timedelta(hours=hours)


def outside(hours=1, hour=18):
    """Next week's Tuesday 18:00 (after production)."""
    start = next_weekday(1, hour)
    return start, start + timedelta(hours=hours)


def planned(w, enterprise=None, actor=None, when=None, **kw):
    enterprise = with_hours(enterprise or w.enterprise)
    starts_at, ends_at = when or outside()
    return services.lecture_schedule(actor=actor or w.officer, enterprise=enterprise, topic=kw.pop("topic", "防范电信网络诈骗"),
                                     starts_at=starts_at, ends_at=ends_at, theme=kw.pop("theme", "anti_fraud"), **kw)


def past(w, enterprise=None, days=3, hour=18, **kw):
    """A planned lecture that started `days` ago (moved into the past as if time had passed)."""
    lecture = planned(w, enterprise=enterprise, **kw)
    start = datetime.combine(timezone.localdate() - timedelta(days=days), time(hour), SHANGHAI)
    Lecture.objects.filter(pk=lecture.pk).update(starts_at=start, ends_at=start + timedelta(hours=1))
    lecture.refresh_from_db()
    return lecture


def held(w, attendance=None, **kw):
    lecture = past(w, **kw)
    services.lecture_transition(actor=kw.get("actor") or w.officer, lecture=lecture, to="held",
                                expected_version=lecture.version)
    lecture.refresh_from_db()
    if attendance is not None:
        services.lecture_record_attendance(actor=kw.get("actor") or w.officer, lecture=lecture, attendance=attendance,
                                           expected_version=lecture.version)
        lecture.refresh_from_db()
    return lecture

"""Chinese typography of the catalogue (issue 10): full-width punctuation beside Chinese, one form of address
(您, never 你), no placeholder dashes in messages.

Placeholders (%(name)s, {name}), HTML tags and URLs are taken out before looking, so "%(count)s 家" or
"<code>" never count as half-width punctuation. A table cell's "—" for an empty value lives in templates,
not in the catalogue, and is not checked here.
"""
import ast
import re
from pathlib import Path

PO_FILE = Path(__file__).resolve().parents[2] / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
CJK = r"[\u3400-\u9fff\u3000-\u303f\uff00-\uffef]"
NOT_TEXT = re.compile(r"%\(\w+\)[sdfi]|%[sd]|\{[^{}]*\}|<[^<>]*>|&\w+;|https?://\S+")
HALF_WIDTH = re.compile(rf"(?<={CJK})[,:;()!?]|[,:;()!?](?={CJK})")
PLACEHOLDER_DASH = re.compile(r"^\s*[-—–]+\s*$|-{3,}|(?<!—)—(?!—)")
# (msgid, why) of the few entries where a half-width sign beside Chinese is right; keep it short.
ALLOWED = {}


def entries():
    """(msgid, [msgstr, ...]) of every translated entry of the catalogue, the header left out; a fuzzy guess is
    not used by gettext (test_translations asks for it to be checked) and is left out too."""
    found = []
    for block in PO_FILE.read_text(encoding="utf-8").split("\n\n"):
        msgid, msgstrs, current = [], [], None
        if any(line.startswith("#,") and "fuzzy" in line for line in block.splitlines()):
            continue
        for line in block.strip().splitlines():
            if line.startswith("#"):
                continue
            if line.startswith("msgid "):
                current = msgid
            elif line.startswith(("msgid_plural", "msgctxt")):
                current = None
            elif line.startswith("msgstr"):
                current = []
                msgstrs.append(current)
            if current is not None and '"' in line:
                current.append(ast.literal_eval(line[line.index('"'):].strip()))
        text = "".join(msgid)
        if text:
            found.append((text, ["".join(parts) for parts in msgstrs]))
    return found


def problems(check):
    return [f"{msgid!r} → {msgstr!r}" for msgid, msgstrs in entries() for msgstr in msgstrs
            if msgstr and msgid not in ALLOWED and check(msgstr)]


def test_the_catalogue_is_read():
    assert len(entries()) > 500


def test_no_half_width_punctuation_beside_chinese():
    found = problems(lambda text: HALF_WIDTH.search(NOT_TEXT.sub("\0", text)))
    assert not found, "use ，：；（）！？ beside Chinese:\n" + "\n".join(found)


def test_the_user_is_addressed_as_nin():
    found = problems(lambda text: "你" in text)
    assert not found, "address the user as 您:\n" + "\n".join(found)


def test_no_placeholder_dashes_in_messages():
    found = problems(lambda text: PLACEHOLDER_DASH.search(NOT_TEXT.sub("\0", text)))
    assert not found, "no \"—\" or \"---------\" in messages (a Chinese dash is ——):\n" + "\n".join(found)


def test_the_checks_catch_what_they_are_for():
    assert HALF_WIDTH.search("已保存,请刷新") and HALF_WIDTH.search("(必填)项") and HALF_WIDTH.search("原因:")
    assert not HALF_WIDTH.search(NOT_TEXT.sub("\0", "共 %(count)s 家企业，（%(share)s）"))
    assert not HALF_WIDTH.search("09:30 至 10:00") and not HALF_WIDTH.search("Excel (.xlsx)")
    assert PLACEHOLDER_DASH.search("---------") and PLACEHOLDER_DASH.search("—") and PLACEHOLDER_DASH.search("园区 — 企业")
    assert not PLACEHOLDER_DASH.search("园区警务平台——登录")


# Every title a notification kind is sent with, by the services (their msgids) and the demo data: each reads
# "<the kind's label>：…", so the inbox, its filter and the messages say one thing per kind.
TITLES = {
    "incident_dispatched": ("New incident %(number)s: %(kind)s", "Incident %(number)s handed to you"),
    "incident_escalated": ("Incident %(number)s awaits your acceptance", "Incident %(number)s moved on to %(user)s"),
    "incident_update": ("Incident %(number)s: %(status)s", "Your agency was brought into incident %(number)s"),
    "dispute_routed": ("Dispute routed to you: %(title)s",),
    "dispute_reopened": ("Instalment missed: %(title)s",),
    "obligation_due": ("Instalment %(n)s due on %(due)s: %(title)s",),
    "demand_overdue": ("Demand overdue: %(enterprise)s",),
    "volunteer_vetted": ("Volunteer nomination approved: %(name)s", "Volunteer nomination rejected: %(name)s"),
    "volunteer_support_due": ("%(kind)s of volunteer %(name)s expires on %(date)s",),
    "patrol_missed": ("Patrol %(plan)s missed %(count)s checkpoint(s)",),
    "guarding_gap": ("Guarding gap: %(segment)s of %(asset)s from %(start)s",
                     "Guarding gap: %(person)s declined %(segment)s of %(asset)s from %(start)s",
                     "Guarding gap: %(person)s released from %(segment)s of %(asset)s from %(start)s",
                     "Guarding gap: places reopened on %(segment)s of %(asset)s for %(team)s (shifts: %(n)s)"),
    "guard_shift_soon": ("Guard shift soon: %(segment)s of %(asset)s from %(start)s",),
    "hazard_due": ("Hazard due: %(enterprise)s by %(deadline)s",),
    "hazard_overdue": ("Hazard overdue: %(enterprise)s", "Hazard overdue: %(enterprise)s, %(days)s days past the deadline"),
    "inspection_due": ("Inspection due: %(n)s key enterprises this quarter",
                       "Inspection due: %(n)s key enterprises before %(name)s",
                       "Inspection due: %(theme)s ends %(end)s, %(n)s enterprises not done"),
    "visit_due": ("Visit due: %(n)s enterprises not visited",),
}


def test_one_wording_per_notification_kind():
    from django.utils import translation

    from parkbeat.notifications.models import Notification

    with translation.override("zh-hans"):
        for kind, msgids in TITLES.items():
            label = str(Notification.Kind(kind).label)
            for msgid in msgids:
                assert translation.gettext(msgid).startswith(f"{label}："), (kind, msgid, translation.gettext(msgid))


def test_the_demo_notifications_read_as_the_real_ones(db):
    from django.utils import timezone, translation

    from parkbeat.core import demo
    from parkbeat.notifications.models import Notification

    demo.seed(enterprises=60, now=timezone.now())
    with translation.override("zh-hans"):
        wrong = [(n.kind, n.title) for n in Notification.objects.all()
                 if not n.title.startswith(f"{Notification.Kind(n.kind).label}：")]
    assert Notification.objects.exists() and not wrong, wrong


def test_an_empty_choice_reads_choose_not_dashes():
    from django import forms
    from django.utils import translation

    from parkbeat.core.forms import BootstrapFormMixin
    from parkbeat.org.models import Park

    class Form(BootstrapFormMixin, forms.Form):
        park = forms.ModelChoiceField(queryset=Park.objects.none(), required=False)
        size = forms.TypedChoiceField(choices=[("", "---------"), ("1", "1")], required=False)
        chosen = forms.ChoiceField(choices=[("", "全部"), ("1", "1")], required=False)

    with translation.override("zh-hans"):
        html = str(Form())
    assert "---------" not in html and html.count("请选择") == 2 and "全部" in html

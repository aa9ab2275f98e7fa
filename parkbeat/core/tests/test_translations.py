"""The Simplified Chinese catalogue is complete and used: Chinese is the interface's first language.

When `makemessages` brings in new msgids, the catalogue test fails until they are translated
(and the fuzzy guesses msgmerge makes are checked), so no English slips into the Chinese interface.
"""
import gettext
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

PO_FILE = Path(__file__).resolve().parents[2] / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
MSGFMT = shutil.which("msgfmt")
needs_msgfmt = pytest.mark.skipif(MSGFMT is None, reason="msgfmt (GNU gettext) is not installed; "
                                                          "install the gettext package to check the catalogue")


def msgfmt_statistics():
    """(translated, fuzzy, untranslated, stderr) as reported by `msgfmt --check-format --statistics`."""
    result = subprocess.run([MSGFMT, "--check-format", "--statistics", "-o", "/dev/null", str(PO_FILE)],
                            capture_output=True, text=True, env={"LC_ALL": "C", "LANG": "C", "PATH": "/usr/bin:/bin"},
                            timeout=60)
    assert result.returncode == 0, f"msgfmt rejected {PO_FILE}:\n{result.stderr}"
    counts = {}
    for kind in ("translated", "fuzzy", "untranslated"):
        match = re.search(rf"(\d+) {kind} message", result.stderr)
        counts[kind] = int(match.group(1)) if match else 0
    return counts["translated"], counts["fuzzy"], counts["untranslated"], result.stderr


def entries_needing_work():
    """msgids (with their source references) that are fuzzy or have an empty msgstr: for the failure message."""
    problems = []
    for block in PO_FILE.read_text(encoding="utf-8").split("\n\n"):
        lines = block.strip().splitlines()
        refs = " ".join(line[3:] for line in lines if line.startswith("#: "))
        fuzzy = any(line.startswith("#,") and "fuzzy" in line for line in lines)
        msgid, msgstrs, current = [], [], None
        for line in lines:
            if line.startswith("#"):
                continue
            if line.startswith("msgid "):
                current = msgid
            elif line.startswith(("msgid_plural", "msgctxt")):
                current = None
            elif line.startswith("msgstr"):
                current = []
                msgstrs.append(current)
            if current is not None:
                current.append(line[line.index('"'):].strip()[1:-1])
        text = "".join(msgid)
        if not text:  # the header
            continue
        if fuzzy or any(not "".join(s) for s in msgstrs):
            problems.append(f"{'fuzzy' if fuzzy else 'empty'}: {text!r} ({refs})")
    return problems


def test_catalogue_exists():
    assert PO_FILE.exists(), f"missing {PO_FILE}"
    assert PO_FILE.with_suffix(".mo").exists(), "run: manage.py compilemessages -l zh_Hans"


def test_header_is_valid():
    head = PO_FILE.read_text(encoding="utf-8").split("\n\n", 1)[0]
    assert "#, fuzzy" not in head, "a fuzzy header makes msgfmt ignore the catalogue"
    assert '"Language: zh_Hans\\n"' in head
    assert "Plural-Forms: nplurals=1; plural=0;" in head
    assert "charset=UTF-8" in head


@needs_msgfmt
def test_every_message_is_translated():
    translated, fuzzy, untranslated, report = msgfmt_statistics()
    assert translated > 0, report
    assert fuzzy == 0 and untranslated == 0, (
        f"{report.strip()}\nTranslate these in {PO_FILE}, drop their fuzzy flags, then compilemessages:\n"
        + "\n".join(entries_needing_work()))


@needs_msgfmt
def test_compiled_catalogue_is_current(tmp_path):
    """The shipped .mo says what the .po says: compilemessages was run after the last edit."""
    fresh = tmp_path / "django.mo"
    subprocess.run([MSGFMT, "-o", str(fresh), str(PO_FILE)], check=True, capture_output=True, timeout=60)
    with open(fresh, "rb") as f_fresh, open(PO_FILE.with_suffix(".mo"), "rb") as f_shipped:
        expected = gettext.GNUTranslations(f_fresh)._catalog
        shipped = gettext.GNUTranslations(f_shipped)._catalog
    stale = sorted(str(k) for k in expected.keys() | shipped.keys() if expected.get(k) != shipped.get(k) and k != "")
    assert not stale, "django.mo is stale, run: manage.py compilemessages -l zh_Hans\n" + "\n".join(stale[:20])


def test_catalogue_is_loaded():
    with translation.override("zh-hans"):
        assert translation.gettext("Log out") == "退出登录"
        assert translation.pgettext("key enterprise badge", "Key") == "重点"
        assert translation.ngettext("%(counter)s enterprise on the map.", "%(counter)s enterprises on the map.",
                                    3) % {"counter": 3} == "地图上共 3 家企业。"


@pytest.mark.django_db
def test_login_page_is_chinese_by_default(client):
    assert settings.LANGUAGE_CODE == "zh-hans"
    response = client.get(reverse("login"))
    assert response.status_code == 200
    page = response.content.decode()
    assert '<html lang="zh-hans">' in page
    for label in ("用户名", "密码", "登录"):
        assert label in page, label
    assert "Username" not in page and "Password" not in page


@pytest.mark.django_db
def test_login_page_in_english_with_language_cookie(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get(reverse("login"))
    assert response.status_code == 200
    page = response.content.decode()
    assert '<html lang="en">' in page
    for label in ("Username", "Password", "Log in"):
        assert label in page, label
    assert "用户名" not in page

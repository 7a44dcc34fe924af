"""The cockpit speaks Simplified Chinese first, English on request.

Templates carry Chinese msgids; kaifang/locale/en holds the English catalog. The .mo is compiled by
scripts/compilemessages.py (polib, no GNU gettext needed) and kept in the tree, so it must match the .po.
"""

from __future__ import annotations

import re
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.utils import translation

ROOT = Path(__file__).resolve().parents[1]
TEMPLATES = sorted((ROOT / "kaifang").glob("**/templates/**/*.html"))
PO = ROOT / "kaifang" / "locale" / "en" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")

TRANSLATE = re.compile(r"""{%\s*trans(?:late)?\s+(?:"([^"]*)"|'([^']*)')(?:\s+context\s+(?:"([^"]*)"|'([^']*)'))?""")
BLOCK = re.compile(r"{%\s*blocktrans(?:late)?\b(.*?)%}(.*?){%\s*endblocktrans(?:late)?\s*%}", re.S)
ANY_TAG = re.compile(r"{%\s*(?:trans|translate|blocktrans|blocktranslate)\s")
CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]+")
# Shown as-is on purpose: the language switch names the other language in that language.
NOT_TRANSLATED = {"中文"}


def block_msgid(options: str, body: str) -> tuple[str | None, str]:
    """The msgid Django looks up for a {% blocktranslate %} body: {{ x }} becomes %(x)s, % becomes %%."""
    assert "count" not in options.split() and "{% plural" not in body, "plural blocktranslate: extend this test"
    context = re.search(r"""context\s+(?:"([^"]*)"|'([^']*)')""", options)
    parts = re.split(r"{{\s*(\w+)\s*}}", body)
    msgid = "".join(f"%({p})s" if i % 2 else p.replace("%", "%%") for i, p in enumerate(parts))
    if "trimmed" in options.split():
        msgid = translation.trim_whitespace(msgid)
    return (context.group(1) or context.group(2)) if context else None, msgid


def template_msgids() -> dict[tuple[str | None, str], str]:
    """(msgctxt, msgid) → the first template that uses it."""
    found: dict[tuple[str | None, str], str] = {}
    for path in TEMPLATES:
        text = path.read_text(encoding="utf-8")
        for m in TRANSLATE.finditer(text):
            msgid = m.group(1) if m.group(1) is not None else m.group(2)
            msgid = msgid.replace("%", "%%")  # Django doubles % in {% translate %} literals before the lookup
            context = m.group(3) if m.group(3) is not None else m.group(4)
            found.setdefault((context, msgid), path.name)
        for m in BLOCK.finditer(text):
            found.setdefault(block_msgid(m.group(1), m.group(2)), path.name)
    return found


def catalog() -> polib.POFile:
    return polib.pofile(str(PO))


def test_the_extractor_sees_every_translation_tag() -> None:
    # A tag the regexes cannot read (a variable, an odd quote) would otherwise be skipped silently.
    for path in TEMPLATES:
        text = path.read_text(encoding="utf-8")
        tags = len(ANY_TAG.findall(text))
        read = len(TRANSLATE.findall(text)) + len(BLOCK.findall(text))
        assert tags == read, f"{path.name}: {tags} translation tags, {read} understood"
    assert len(template_msgids()) > 50


def test_no_chinese_text_outside_translation_tags() -> None:
    for path in TEMPLATES:
        text = BLOCK.sub("", path.read_text(encoding="utf-8"))
        text = re.sub(r"{%.*?%}|{{.*?}}|{#.*?#}", "", text, flags=re.S)
        stray = set(CJK.findall(text)) - NOT_TRANSLATED
        assert not stray, f"{path.name}: untranslated {sorted(stray)}"


def test_every_template_msgid_has_an_english_translation() -> None:
    po = catalog()
    translated = {(e.msgctxt, e.msgid): e.msgstr for e in po if not e.obsolete and "fuzzy" not in e.flags}
    missing = [
        f"{where}: {msgid!r}" for (ctx, msgid), where in template_msgids().items() if not translated.get((ctx, msgid))
    ]
    assert not missing, "no English for:\n" + "\n".join(missing)


def test_placeholders_survive_translation() -> None:
    placeholder = re.compile(r"%\((\w+)\)[sd]")
    for e in catalog():
        if "%(" in e.msgid:
            assert "python-format" in e.flags, e.msgid
            assert sorted(placeholder.findall(e.msgid)) == sorted(placeholder.findall(e.msgstr)), e.msgid


def test_a_percent_sign_in_a_translate_tag_is_translated() -> None:
    """Django looks {% translate "低于 99% 的天数" %} up as "低于 99%% 的天数" and restores the % afterwards."""
    from django.template import Context, Template

    with translation.override("en"):
        template = Template('{% load i18n %}{% translate "低于 99% 的天数" %}|{% translate "5%–95% 区间" %}')
        text = template.render(Context())
    assert text == "Days below 99%|5–95% interval"


def test_english_catalog_header() -> None:
    po = catalog()
    assert po.metadata["Language"] == "en"
    assert "charset=UTF-8" in po.metadata["Content-Type"]
    assert "Plural-Forms" in po.metadata


def compiled(mo: polib.MOFile) -> tuple[set[tuple[object, ...]], dict[str, str]]:
    messages: set[tuple[object, ...]] = {
        (e.msgctxt, e.msgid, e.msgid_plural, e.msgstr, tuple(sorted(e.msgstr_plural.items()))) for e in mo
    }
    return messages, dict(mo.metadata)


def test_mo_is_up_to_date_with_po(tmp_path: Path) -> None:
    assert MO.exists(), f"{MO} missing: run .venv/bin/python scripts/compilemessages.py"
    fresh = tmp_path / "django.mo"
    catalog().save_as_mofile(str(fresh))
    assert compiled(polib.mofile(str(MO))) == compiled(polib.mofile(str(fresh))), (
        f"{MO} is stale: run .venv/bin/python scripts/compilemessages.py"
    )


@pytest.fixture
def leader(client, platform):  # type: ignore[no-untyped-def]
    assert client.login(username="leader", password="pw-leader")
    yield client
    translation.deactivate()  # the locale middleware activates per request; don't leak it into other tests


def test_cockpit_in_english_when_the_user_chose_english(leader) -> None:  # type: ignore[no-untyped-def]
    leader.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = leader.get("/w/bazhong/").content.decode()
    assert "Cockpit overview" in html
    assert "驾驶舱总览" not in html
    assert '<html lang="en">' in html


def test_cockpit_in_chinese_by_default_even_for_an_english_browser(leader) -> None:  # type: ignore[no-untyped-def]
    html = leader.get("/w/bazhong/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert "驾驶舱总览" in html
    assert "Cockpit overview" not in html
    assert '<html lang="zh-hans">' in html


def test_language_switch_sets_the_cookie(leader) -> None:  # type: ignore[no-untyped-def]
    r = leader.post("/i18n/setlang/", {"language": "en", "next": "/w/bazhong/"})
    assert r.status_code == 302
    assert r.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    assert "Cockpit overview" in leader.get("/w/bazhong/").content.decode()
    leader.post("/i18n/setlang/", {"language": "zh-hans", "next": "/w/bazhong/"})
    assert "驾驶舱总览" in leader.get("/w/bazhong/").content.decode()

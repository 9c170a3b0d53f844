"""The shipped catalogues are complete and compiled."""

import re
from pathlib import Path

import pytest
from django.utils import translation
from django.utils.translation import gettext

import govopen_wagtail

LOCALE = Path(govopen_wagtail.__file__).parent / "locale"


def entries(po: Path):
    text = po.read_text(encoding="utf-8")
    for block in text.split("\n\n"):
        if "#, fuzzy" in block:
            yield "FUZZY", block
        msgid = "".join(re.findall(r'"(.*)"', block.split("msgstr")[0].split("msgid", 1)[-1])) if "msgid" in block else ""
        msgstr = "".join(re.findall(r'"(.*)"', block.split("msgstr", 1)[-1])) if "msgstr" in block else ""
        if msgid:
            yield msgid, msgstr


@pytest.mark.parametrize("lang", ["zh_Hans", "en"])
def test_catalogue_exists_and_is_compiled(lang):
    po = LOCALE / lang / "LC_MESSAGES" / "django.po"
    mo = po.with_suffix(".mo")
    assert po.exists() and mo.exists()
    assert mo.stat().st_size > 0


def test_every_string_has_a_chinese_translation():
    untranslated = [msgid for msgid, msgstr in entries(LOCALE / "zh_Hans" / "LC_MESSAGES" / "django.po") if not msgstr]
    assert untranslated == []


def test_compiled_catalogue_is_used():
    with translation.override("zh-hans"):
        assert gettext("Disclosure guide") == "政府信息公开指南"
        assert gettext("How to apply for information") == "依申请公开的办理程序"
    with translation.override("en"):
        assert gettext("Disclosure guide") == "Disclosure guide"

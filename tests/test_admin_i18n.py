"""Every admin screen of the plugin, rendered in Chinese, shows none of the
plugin's own English strings (an untranslated verbose name, list column,
filter or message would)."""

from __future__ import annotations

import datetime as dt
import re
from html import unescape
from pathlib import Path

import pytest
from django.urls import reverse

from tests.factories import make_catalog, make_consultation, make_consultation_index, make_document, make_library

pytestmark = pytest.mark.django_db
PO = Path(__file__).resolve().parent.parent / "govopen_wagtail/locale/en/LC_MESSAGES/django.po"


def plugin_english() -> set[str]:
    """The plugin's own English labels of two words or more (single words
    such as "PDF" or "Word" stay the same in Chinese)."""
    text = PO.read_text(encoding="utf-8")
    ids = set()
    for raw in re.findall(r'^msgid "(.+)"$', text, re.M):
        if "%" in raw or "{" in raw or "<" in raw:
            continue
        if len(raw.split()) >= 2 and re.fullmatch(r"[A-Za-z][A-Za-z ,'’\-()]+", raw):
            ids.add(raw)
    return ids


def wagtail_english() -> set[str]:
    """Wagtail's and Django's own strings: not ours to translate."""
    import django
    import wagtail

    found = set()
    for root in (Path(wagtail.__file__).parent, Path(django.__file__).parent):
        for po in root.glob("**/locale/en/LC_MESSAGES/django*.po"):
            found.update(re.findall(r'^msgid "(.+)"$', po.read_text(encoding="utf-8"), re.M))
    return found


def visible_text(html: str) -> str:
    html = re.sub(r"<(script|style|template)\b.*?</\1>", " ", html, flags=re.S)
    return unescape(re.sub(r"<[^>]+>", " ", html))


@pytest.fixture
def content(platform):
    library = make_library(platform.active)
    make_document(library, "泉教规〔2022〕3号", written=dt.date(2022, 3, 20))
    consultation = make_consultation(make_consultation_index(platform.index))
    from govopen_wagtail.services import comments as service
    from tests.factories import comment_input

    service.submit_comment(consultation.pk, comment_input("意见", contact_email="a@example.invalid", notify=True))
    make_catalog(platform.index)
    from govopen_wagtail.services import applications
    from tests.factories import application_input, make_application_page

    office = make_application_page(platform.index)
    application = applications.submit_application(
        office, application_input(channel="post", received_on=dt.date(2026, 9, 28)))[0]
    applications.request_correction(application, on=dt.date(2026, 9, 29), due=dt.date(2026, 10, 16), items="x")
    platform.application = application
    from govopen_wagtail.models import AnnualReportPage
    from tests.factories import publish

    platform.report = publish(platform.reports, AnnualReportPage(title="2025年报", year=2025))
    return platform


#: English that is right in a Chinese interface too.
ALLOWED = {"PDF", "Word", "SHA", "CSV", "XLSX", "ID", "URL", "Excel", "Wagtail", "admin"}

ADMIN_NAMES = [
    "consultationcomment", "commentgroup", "notification", "catalogcategory", "validityevent", "issuer",
    "subjectcategory", "holidayoverride", "holidayyear", "indexnumberrecord", "informationapplication",
    "requestabledocument", "lettertemplate",
]


def test_no_plugin_english_in_the_chinese_admin(admin_client, content):
    english = plugin_english()
    assert len(english) > 50
    theirs = wagtail_english()
    urls = [reverse("wagtailadmin_home"), reverse("govopen_document_compliance"), reverse("govopen_health"),
            reverse("govopen_catalog_import")]
    for name in ADMIN_NAMES:
        urls.append(reverse(f"govopen_wagtail_{name}_modeladmin_index"))
    for name in ("consultationcomment", "validityevent", "issuer", "holidayoverride", "informationapplication",
                 "lettertemplate", "requestabledocument"):
        urls.append(reverse(f"govopen_wagtail_{name}_modeladmin_create"))
    urls.append(reverse("govopen_wagtail_informationapplication_modeladmin_inspect",
                        args=[content.application.pk]))
    urls += [reverse("wagtailadmin_pages:edit", args=[content.report.pk]),
             reverse("govopen_annual_report_generate", args=[content.report.pk])]
    found = {}
    for url in urls:
        response = admin_client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans")
        assert response.status_code == 200, url
        text = visible_text(response.content.decode())
        leaks = sorted(s for s in english if re.search(r"(?<![A-Za-z])" + re.escape(s) + r"(?![A-Za-z])", text))
        # Column headings, labels and filter titles in plain English (e.g. a
        # field label Django made from a property name) are leaks too.
        html = response.content.decode()
        for tag in re.findall(r"<(?:th|label|h2|h3)\b[^>]*>(.*?)</(?:th|label|h2|h3)>", html, re.S):
            words = visible_text(tag).strip()
            if re.fullmatch(r"[A-Za-z][A-Za-z ]{2,}", words) and words not in ALLOWED | theirs:
                leaks.append(words)
        if leaks:
            found[url] = leaks
    assert found == {}

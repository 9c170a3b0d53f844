"""Property-based: no public URL, parameter or form answers 5xx, whatever is sent.

Every public page type of the plugin, every routed sub-page, every GET
parameter any of them reads, and the public forms (comment, verification),
with values drawn from what breaks naive parsing: non-ASCII digits (², ١),
huge and negative numbers, years 0 and 99999, NUL and control characters,
unbalanced quotes, query syntax, emoji, very long strings. Run on SQLite and
PostgreSQL in CI (the two fail differently: SQLite on integer overflow,
PostgreSQL on NUL bytes).
"""

from __future__ import annotations

import datetime as dt
import os
from urllib.parse import quote

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings, strategies as st

from govopen_wagtail.models import DisclosureSearchPage
from tests.factories import (
    make_catalog,
    make_consultation,
    make_consultation_index,
    make_document,
    make_library,
    publish,
)

pytestmark = pytest.mark.django_db
EXAMPLES = int(os.environ.get("GOVOPEN_FUZZ_EXAMPLES", "60"))

NASTY = [
    "", "0", "-1", "²", "١٢", "１２", "9" * 25, str(2**63), str(2**64), "1e9", "0x10", "NaN", "∞",
    "0000", "99999", "2024", "1948", "2200", "2024-02-30", "0001-01-01", "9999-12-31", "2024-13-01",
    "\x00", "%00", "a\x00b", "\u200b", "\ufeff", "'", '"', "\"unbalanced", "a AND b", "title:x", "*",
    "🙂" * 50, "泉教办〔2018〕85号", "[2018]85", "<script>", "x" * 3000, "../../etc/passwd", "in_force",
    "all", "repealed", "date", "number", "docx", "pdf", "csv", "xlsx",
]
values = st.one_of(st.sampled_from(NASTY), st.text(max_size=40), st.integers(-(2**70), 2**70).map(str))

PARAMS = ["page", "year", "category", "issuer", "validity", "q", "sort", "as_of", "kind", "format", "section",
          "document"]
params = st.dictionaries(st.sampled_from(PARAMS), values, max_size=5)
segments = st.one_of(st.sampled_from(NASTY[:20]), st.integers(0, 2**70).map(str), st.text(
    alphabet=st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=20))


@pytest.fixture
def public_site(platform):
    library = make_library(platform.active)
    doc = make_document(library, "泉教办〔2018〕85号", written=dt.date(2018, 6, 28))
    index = make_consultation_index(platform.index)
    consultation = make_consultation(index)
    catalog = make_catalog(platform.index)
    search = publish(platform.index, DisclosureSearchPage(title="检索", slug="search"))
    from tests.factories import make_application_page

    office = make_application_page(platform.index)
    pages = [platform.index, platform.guide, platform.rules, platform.active, library, doc, index, consultation,
             catalog, search, office]
    subpages = {
        library: ["register/", "register/csv/", "register/xlsx/", "collection/", "feed/", "feed/atom/",
                  "feed/validity/", "api/", f"api/{doc.pk}/", "verify/"],
        doc: ["files/pdf/", "files/docx/"],
        consultation: ["feedback/", "receipt/YJ20260101-ABCDEF/"],
        catalog: ["table/", "export/csv/"],
        platform.guide: ["print/"],
        office: ["list/", "status/", "status/letter/1/pdf/"],
    }
    return {"pages": pages, "subpages": subpages, "library": library, "doc": doc, "consultation": consultation,
            "office": office}


def _ok(response, url):
    assert response.status_code < 500, f"{response.status_code} for {url}"
    if not getattr(response, "streaming", False):
        assert b"Traceback" not in response.content[:20000]


def _urls(site):
    for page in site["pages"]:
        yield page.url
    for page, routes in site["subpages"].items():
        for route in routes:
            yield page.url + route


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                         HealthCheck.too_slow])
@given(data=st.data())
def test_no_public_url_answers_5xx_for_any_parameter(public_site, data):
    client = Client(raise_request_exception=False)
    for url in _urls(public_site):
        query = data.draw(params, label=url)
        response = client.get(url, query)
        _ok(response, url)


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                         HealthCheck.too_slow])
@given(segment=segments)
def test_no_routed_path_answers_5xx(public_site, segment):
    client = Client(raise_request_exception=False)
    piece = quote(segment, safe="")
    library, doc, consultation = public_site["library"], public_site["doc"], public_site["consultation"]
    for url in (library.url + f"api/{piece}/", doc.url + f"files/v/{piece}/", doc.url + f"files/{piece}/",
                consultation.url + f"receipt/{piece}/", library.url + f"register/{piece}/",
                public_site["office"].url + f"status/letter/{piece}/pdf/",
                public_site["office"].url + f"status/letter/1/{piece}/",
                public_site["pages"][8].url + f"export/{piece}/"):
        _ok(client.get(url), url)


form_values = st.one_of(st.sampled_from(NASTY), st.text(max_size=200))


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                         HealthCheck.too_slow])
@given(data=st.dictionaries(
    st.sampled_from(["body", "display_name", "commenter_category", "contact_email", "contact_phone", "notify",
                     "section", "token", "captcha_0", "captcha_1", "website"]),
    form_values, max_size=8))
def test_the_comment_form_never_answers_5xx(public_site, data):
    client = Client(raise_request_exception=False)
    page = public_site["consultation"]
    response = client.post(page.url + "comment/", data)
    _ok(response, "comment form")
    assert response.status_code in (200, 302, 400, 403, 429)


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                         HealthCheck.too_slow])
@given(sha=form_values, content=st.binary(max_size=2000), name=st.text(max_size=80))
def test_the_verification_form_never_answers_5xx(public_site, sha, content, name):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = Client(raise_request_exception=False)
    url = public_site["library"].url + "verify/"
    _ok(client.post(url, {"sha256": sha}), url)
    # A name that is only a path ("/") cannot even be built by the test client.
    upload = SimpleUploadedFile(os.path.basename(name.replace("\x00", "")) or "f", content)
    _ok(client.post(url, {"file": upload}), url)


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                         HealthCheck.too_slow])
@given(data=st.dictionaries(
    st.sampled_from(["applicant_type", "name", "id_type", "id_number", "contact_phone", "contact_email",
                     "postal_address", "postcode", "description", "document_number", "purpose", "delivery",
                     "requestable", "confirm", "token", "captcha_0", "captcha_1", "website"]),
    form_values, max_size=10),
    lookup=st.dictionaries(st.sampled_from(["receipt_number", "code"]), form_values, max_size=2))
def test_the_application_forms_never_answer_5xx(public_site, data, lookup):
    client = Client(raise_request_exception=False)
    office = public_site["office"]
    response = client.post(office.url + "apply/", data)
    _ok(response, "application form")
    assert response.status_code in (200, 400, 403, 429)
    response = client.post(office.url + "status/", lookup)
    _ok(response, "status look-up")
    assert response.status_code in (200, 400, 429)

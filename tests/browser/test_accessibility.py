"""axe-core on every public page type, on a phone, in the light and the dark
colour scheme: no serious or critical violation (contrast included)."""

import pytest

from govopen_wagtail.models import (
    CatalogPage,
    ConsultationComment,
    ConsultationPage,
    DisclosureGuidePage,
    DisclosureItemPage,
    DisclosureRulesPage,
    DisclosureSearchPage,
    InterpretationPage,
    NormativeDocumentIndexPage,
    NormativeDocumentPage,
)

from .conftest import PHONE


def path(page) -> str:
    # Two sites: page.url is absolute; the live server answers for the default one.
    return page.get_url_parts()[2]


def public_paths():
    from wagtail.models import Site

    root = Site.objects.get(is_default_site=True).root_page
    library = NormativeDocumentIndexPage.objects.live().descendant_of(root).first()
    consultation = ConsultationPage.objects.live().descendant_of(root).filter(feedback_date__isnull=False).first()
    open_consultation = ConsultationPage.objects.live().descendant_of(root).filter(feedback_date__isnull=True).last()
    catalog = CatalogPage.objects.live().descendant_of(root).first()
    comment = ConsultationComment.objects.filter(status="published", consultation__path__startswith=root.path).first()
    guide = DisclosureGuidePage.objects.live().descendant_of(root).first()
    paths = {
        "platform": "/xxgk/",
        "guide": path(guide),
        "guide-print": path(guide) + "print/",
        "rules": path(DisclosureRulesPage.objects.live().descendant_of(root).first()),
        "library": path(library),
        "document": path(NormativeDocumentPage.objects.live().descendant_of(root).filter(document_number="泉教规〔2019〕1号").first()),
        "register": path(library) + "register/",
        "verify": path(library) + "verify/",
        "interpretation": path(InterpretationPage.objects.live().descendant_of(root).first()),
        "consultations": path(open_consultation.get_parent()),
        "consultation": path(open_consultation),
        "feedback": path(consultation) + "feedback/",
        "receipt": path(comment.consultation) + f"receipt/{comment.receipt_number}/",
        "catalog": path(catalog),
        "catalog-table": path(catalog) + "table/",
        "item": path(DisclosureItemPage.objects.live().descendant_of(root).first()),
        "search": path(DisclosureSearchPage.objects.live().descendant_of(root).first()) + "?q=控辍保学",
        "applications": "/xxgk/ysqgk/",
        "applications-list": "/xxgk/ysqgk/list/",
        "applications-status": "/xxgk/ysqgk/status/",
        "annual-report": "/xxgk/nb/nb2025/",
    }
    return paths


@pytest.mark.parametrize("base", ["demo/base.html", "govopen_wagtail/standalone_base.html"])
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_every_public_page_type_passes_axe(demo, browser, axe, settings, scheme, base):
    # In the example site's layout and in the plugin's own standalone one.
    settings.GOVOPEN_BASE_TEMPLATE = base
    context = browser.new_context(locale="zh-CN", color_scheme=scheme, **PHONE)
    page = context.new_page()
    problems = {}
    try:
        for name, address in public_paths().items():
            page.goto(demo.url + address)
            found = axe(page)
            if found:
                problems[name] = found
    finally:
        context.close()
    assert problems == {}


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_database_unavailable_page_passes_axe(browser, axe, scheme):
    from django.db import OperationalError
    from django.test import RequestFactory

    from govopen_wagtail.middleware import DatabaseUnavailableMiddleware

    request = RequestFactory().post("/xxgk/yjzj/comment/", {"body": "我的意见"})
    response = DatabaseUnavailableMiddleware(lambda r: None).process_exception(request, OperationalError("down"))
    context = browser.new_context(locale="zh-CN", color_scheme=scheme, **PHONE)
    page = context.new_page()
    try:
        page.set_content(response.content.decode())
        assert axe(page) == []
    finally:
        context.close()

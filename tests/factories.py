"""Builders for test content. Pages are published through revisions, as the
admin does, so index numbers and revisions behave as in real use."""

from __future__ import annotations

import datetime as dt
import itertools
from types import SimpleNamespace

from django.utils import timezone
from wagtail.models import Page, Site

from demo.models import HomePage
from govopen_wagtail.models import (
    DisclosureColumnPage,
    DisclosureGuidePage,
    DisclosureIndexPage,
    DisclosureItemPage,
    DisclosureRulesPage,
    OrganisationProfile,
)

BUREAU_CODE = "11350500003598370M"
SCHOOL_CODE = "12350500MB0318276Y"
_slugs = itertools.count(1)


def slug(prefix: str = "p") -> str:
    return f"{prefix}{next(_slugs)}"


def make_site(hostname: str = "localhost", port: int = 80, *, default: bool = True,
              credit_code: str = BUREAU_CODE, **profile) -> Site:
    # Transactional tests (live server, concurrency) run after a flush that
    # removed the root page Wagtail's migrations made: recreate it then.
    from demo.management.commands.load_demo import ensure_root

    root = ensure_root()
    home = root.add_child(instance=HomePage(title=f"Home {hostname}", slug=slug("home")))
    if default:
        Site.objects.filter(is_default_site=True).delete()
    site = Site.objects.create(hostname=hostname, port=port, root_page=home, is_default_site=default)
    OrganisationProfile.objects.update_or_create(
        site=site, defaults={"name": profile.pop("name", "测试教育局"), "credit_code": credit_code, **profile}
    )
    return site


def publish(parent: Page, page: Page, published_at: dt.datetime | None = None) -> Page:
    page.live = False
    if published_at is not None:
        page.first_published_at = published_at
    if not page.slug:
        page.slug = slug()
    parent.add_child(instance=page)
    page.save_revision().publish()
    page.refresh_from_db()
    return page


def draft(parent: Page, page: Page) -> Page:
    page.live = False
    if not page.slug:
        page.slug = slug()
    parent.add_child(instance=page)
    page.save_revision()
    return page


def make_item(column: Page, title: str = "信息", when: dt.datetime | None = None, **fields) -> DisclosureItemPage:
    return publish(column, DisclosureItemPage(title=title, **fields), when)


def make_platform(site: Site, items: int = 1) -> SimpleNamespace:
    index = publish(site.root_page, DisclosureIndexPage(title="政府信息公开"))
    guide = publish(index, DisclosureGuidePage(title="政府信息公开指南", last_reviewed=timezone.localdate()))
    rules = publish(index, DisclosureRulesPage(title="政府信息公开制度"))
    active = publish(index, DisclosureColumnPage(title="法定主动公开内容", column="active"))
    reports = publish(index, DisclosureColumnPage(title="政府信息公开年报", column="reports"))
    made = [
        make_item(active, f"信息{i}", timezone.now() - dt.timedelta(days=i)) for i in range(items)
    ]
    return SimpleNamespace(
        site=site, index=index, guide=guide, rules=rules, active=active, reports=reports, items=made
    )


def count_queries(func) -> int:
    """How many queries ``func()`` runs. Read at once: the test client's next
    request resets Django's query log, which ``captured_queries`` slices."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        func()
    return len(ctx.captured_queries)


def make_library(parent: Page, title: str = "规范性文件") -> Page:
    from govopen_wagtail.models import NormativeDocumentIndexPage

    return publish(parent, NormativeDocumentIndexPage(title=title))


def issuer(name: str = "泉州市教育局", code: str = "泉教"):
    from govopen_wagtail.models import Issuer

    return Issuer.objects.get_or_create(name=name, defaults={"code": code})[0]


def make_document(library: Page, number: str, *, written: dt.date, published: dt.date | None = None,
                  effective: dt.date | None = None, title: str | None = None, effects=(), issuers=None,
                  live: bool = True, **fields):
    """A normative document; ``effects`` is a list of (target, kind) pairs."""
    from govopen_wagtail.models import DocumentEffect, NormativeDocumentPage

    page = NormativeDocumentPage(
        title=title or f"文件 {number}",
        document_number=number,
        written_date=written,
        published_date=published or written,
        effective_date=effective or published or written,
        **{"body": "<p>正文</p>", **fields},
    )
    page.effects = [DocumentEffect(target=t, kind=k) for t, k in effects]
    # Parental relations are written when the page (and its revision) is saved.
    page.issuers = issuers if issuers is not None else [issuer()]
    when = timezone.make_aware(dt.datetime.combine(page.published_date, dt.time(10)))
    made = publish(library, page, when) if live else draft(library, page)
    return NormativeDocumentPage.objects.get(pk=made.pk)


def draft_sections(*headings: str) -> list:
    """StreamField data for a draft with the given section headings."""
    return [
        ("section", {"heading": heading, "text": f"<p>{heading}的内容。</p>"}) for heading in headings
    ]


def make_consultation_index(parent: Page, title: str = "征求意见"):
    from govopen_wagtail.models import ConsultationIndexPage

    return publish(parent, ConsultationIndexPage(title=title))


def make_consultation(index: Page, *, opens: dt.datetime | None = None, days: float = 30,
                      closes: dt.datetime | None = None, title: str = "关于某方案（征求意见稿）",
                      sections=("第一条", "第二条", "第三条"), live: bool = True, **fields):
    """A consultation opened ``opens`` (default: a day ago) for ``days`` days."""
    from govopen_wagtail.models import ConsultationPage

    opens = opens or timezone.now() - dt.timedelta(days=1)
    closes = closes or opens + dt.timedelta(days=days)
    page = ConsultationPage(
        title=title,
        summary="征求意见稿摘要",
        draft=draft_sections(*sections),
        responsible_unit="泉州市教育局政策法规科",
        opens_at=opens,
        closes_at=closes,
        **fields,
    )
    made = publish(index, page) if live else draft(index, page)
    return ConsultationPage.objects.get(pk=made.pk)


def comment_input(body: str = "建议将课后服务时间延长至18:00。", **fields):
    from govopen_wagtail.services.comments import CommentInput

    return CommentInput(body=body, **fields)


SAMPLE_CATALOG = None


def sample_catalog_bytes() -> bytes:
    from govopen_wagtail.management.commands.govopen_import_catalog import SAMPLE

    return SAMPLE.read_bytes()


def make_catalog(parent: Page, title: str = "法定主动公开内容", imported: bool = True):
    """A catalog page, with the shipped sample catalog imported."""
    from govopen_wagtail.models import CatalogPage
    from govopen_wagtail.services.catalog_io import import_catalog

    catalog = publish(parent, CatalogPage(title=title))
    if imported:
        report = import_catalog(catalog, "sample.csv", sample_catalog_bytes())
        assert report.ok, report.errors
    return catalog


def category(catalog, code: str):
    return catalog.categories.get(code=code)


def make_application_page(index: Page, title: str = "依申请公开", **fields):
    from govopen_wagtail.models import ApplicationPage

    fields.setdefault("receipt_prefix", "泉教依申")
    fields.setdefault("reply_prefix", "泉教依复")
    fields.setdefault("postal_address", "泉州市丰泽区东海街道")
    return publish(index, ApplicationPage(title=title, **fields))


VALID_ID = "11010519491231002X"


def application_input(**fields):
    from govopen_wagtail.services.applications import ApplicationInput

    values = dict(
        applicant_type="natural", name="张三", id_type="id_card", id_number=VALID_ID,
        contact_phone="13800000000", contact_email="zhang@example.invalid",
        description="2026年秋季学期义务教育招生工作方案", delivery="email",
    )
    values.update(fields)
    return ApplicationInput(**values)


def make_message_page(parent: Page, title: str = "网民留言", **fields):
    from govopen_wagtail.models import MessagePage

    fields.setdefault("receipt_prefix", "泉教留言")
    fields.setdefault("handler_email", "office@example.invalid")
    return publish(parent, MessagePage(title=title, **fields))


def message_input(**fields):
    from govopen_wagtail.services.messages import MessageInput

    values = dict(kind="consult", subject="课后服务时间", body="请问课后服务几点结束？",
                  contact_email="writer@example.invalid", consent_publish=True)
    values.update(fields)
    return MessageInput(**values)


def send_message(page, token: str | None = None, **fields):
    """A message as if sent from the public form: (message, query code)."""
    import secrets

    from govopen_wagtail.services.messages import submit_message

    message, code, _created = submit_message(page, message_input(**fields), token=token or secrets.token_hex(8))
    return message, code


def make_work_plan(parent: Page, year: int = 2026, title: str = "2026年政务公开工作要点", **fields):
    from govopen_wagtail.models import WorkPlanPage

    return publish(parent, WorkPlanPage(title=title, year=year, **fields))

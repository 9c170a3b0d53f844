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
    root = Page.get_first_root_node()
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

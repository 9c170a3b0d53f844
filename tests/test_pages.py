import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings
from django.utils import timezone, translation

from govopen_wagtail.models import (
    DisclosureColumnPage,
    DisclosureGuidePage,
    DisclosureIndexPage,
    DisclosureItemPage,
    DisclosureRulesPage,
    OrganisationProfile,
)
from tests.factories import count_queries, draft, make_item, make_platform, publish
from tests.testapp.models import AnnualReportListPage, NoticePage

pytestmark = pytest.mark.django_db


def get(client, page, lang="zh-hans", suffix=""):
    return client.get(page.url + suffix, HTTP_ACCEPT_LANGUAGE=lang)


def test_index_shows_the_four_standard_columns_in_order_then_applications(client, platform):
    response = get(client, platform.index)
    assert response.status_code == 200
    html = response.content.decode()
    positions = [html.index(label) for label in ("政府信息公开指南", "政府信息公开制度", "法定主动公开内容", "政府信息公开年报", "依申请公开")]
    assert positions == sorted(positions)
    assert f'href="{platform.guide.url}#application"' in html
    assert f'href="{platform.active.url}"' in html


def test_missing_columns_are_shown_as_not_yet_available(client, site):
    index = publish(site.root_page, DisclosureIndexPage(title="政府信息公开"))
    publish(index, DisclosureGuidePage(title="指南"))
    html = get(client, index).content.decode()
    assert html.count("暂未开设") == 3  # rules, active, annual reports; applications uses the guide


def test_application_entry_prefers_the_chosen_page(client, platform):
    target = publish(platform.index, DisclosureColumnPage(title="依申请公开", column="other"))
    platform.index.application_page = target
    platform.index.save_revision().publish()
    html = get(client, platform.index).content.decode()
    assert f'href="{target.url}"' in html


def test_recent_items_are_live_information_newest_first(client, platform):
    now = timezone.now()
    old = make_item(platform.active, "较早的信息", now - dt.timedelta(days=30))
    new = make_item(platform.active, "最新的信息", now)
    draft(platform.active, DisclosureItemPage(title="未发布的草稿"))
    recent = list(platform.index.recent_items())
    assert recent[0].pk == new.pk
    assert old.pk in [p.pk for p in recent]
    html = get(client, platform.index).content.decode()
    assert "未发布的草稿" not in html
    assert html.index("最新的信息") < html.index("较早的信息")
    # Column pages are containers, not information.
    assert platform.active.pk not in [p.pk for p in recent]


def test_index_page_query_count_does_not_grow_with_items(client, site):
    platform = make_platform(site, items=2)
    get(client, platform.index)  # warm caches (site root paths)
    small = count_queries(lambda: get(client, platform.index))
    for i in range(15):
        make_item(platform.active, f"more {i}")
    get(client, platform.index)
    assert count_queries(lambda: get(client, platform.index)) == small


def test_kept_index_follows_publishing_and_the_kind_of_organisation(client, site, settings):
    from django.core.cache import cache

    platform = make_platform(site, items=1)
    html = get(client, platform.index).content.decode()
    assert "法定主动公开内容" in html and "最新发布的一条" not in html
    cache.clear()
    cold = count_queries(lambda: get(client, platform.index))
    assert count_queries(lambda: get(client, platform.index)) < cold  # columns and items kept, not read
    make_item(platform.active, "最新发布的一条")
    assert "最新发布的一条" in get(client, platform.index).content.decode()
    profile = OrganisationProfile.for_site(site)
    profile.kind = "institution"
    profile.save()
    html = get(client, platform.index).content.decode()
    label = 'class="govopen-column-label">{}</span>'
    assert label.format("信息公开指南") in html and label.format("政府信息公开指南") not in html  # a school's


def test_the_profile_is_kept_under_the_stamp_and_an_edit_shows_at_once(client, site):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    platform = make_platform(site, items=1)
    profile = OrganisationProfile.for_site(site)
    profile.office_name = "第一个办公室名称"
    profile.save()
    assert "第一个办公室名称" in get(client, platform.guide).content.decode()
    with CaptureQueriesContext(connection) as queries:
        assert "第一个办公室名称" in get(client, platform.guide).content.decode()
    read = f'"{OrganisationProfile._meta.db_table}"."id"'  # its row (the stamp reads only the newest edit)
    assert not [q for q in queries.captured_queries if read in q["sql"]]
    profile = OrganisationProfile.objects.get(site=site)
    profile.office_name = "改过的办公室名称"
    profile.save()  # an edit in the settings screen: the stamp follows it
    html = get(client, platform.guide).content.decode()
    assert "改过的办公室名称" in html and "第一个办公室名称" not in html
    # Outside a GET (a POST, a command) the profile is read as Wagtail reads it.
    with CaptureQueriesContext(connection) as queries:
        assert OrganisationProfile.for_site(site).office_name == "改过的办公室名称"
    assert [q for q in queries.captured_queries if read in q["sql"]]


def test_column_listing_query_count_does_not_grow_with_items(client, platform):
    get(client, platform.active)
    small = count_queries(lambda: get(client, platform.active))
    for i in range(25):
        make_item(platform.active, f"more {i}")
    get(client, platform.active)
    assert count_queries(lambda: get(client, platform.active)) == small
    assert "第 1 页，共 2 页" in get(client, platform.active).content.decode()


def test_guide_has_every_article_12_section_with_defaults(client, platform):
    html = get(client, platform.guide).content.decode()
    for heading in ("信息分类与编排体系", "主动公开信息的获取方式", "政府信息公开工作机构", "依申请公开的办理程序", "收费", "监督和救济"):
        assert heading in html
    assert "20个工作日内" in html  # default procedure text (条例 art. 33)
    assert "国办函〔2020〕109号" in html
    assert platform.guide.index_number in html


def test_guide_defaults_follow_the_editors_language():
    with translation.override("en"):
        assert "within 20 working days" in DisclosureGuidePage().application_procedure
    with translation.override("zh-hans"):
        assert "20个工作日内" in DisclosureGuidePage().application_procedure


def test_guide_contacts_default_from_the_profile_and_can_be_overridden(client, platform):
    OrganisationProfile.objects.filter(site=platform.site).update(
        office_name="局办公室", address="泉州市丰泽区", office_hours="工作日", phone="0595-22180000",
        fax="0595-22180001", email="gk@example.cn",
    )
    guide = DisclosureGuidePage.objects.get(pk=platform.guide.pk)
    assert guide.get_office().office_name == "局办公室"
    assert guide.get_office().missing() == []
    guide.phone = "0595-11111111"
    guide.save_revision().publish()
    html = get(client, guide).content.decode()
    assert "0595-11111111" in html
    assert "0595-22180000" not in html
    assert "泉州市丰泽区" in html


def test_missing_contacts_are_listed(platform):
    office = platform.guide.get_office()
    missing = office.missing()
    assert "办公地址" in missing
    assert "互联网联系方式（电子邮箱或网址）" in missing


def test_guide_review_is_overdue_after_a_year(platform):
    guide = platform.guide
    today = dt.date(2026, 11, 24)
    guide.last_reviewed = dt.date(2026, 1, 1)
    assert guide.review_overdue(today) is False
    guide.last_reviewed = dt.date(2025, 11, 1)
    assert guide.review_overdue(today) is True
    guide.last_reviewed = None
    assert guide.review_overdue(today) is True


def test_guide_print_view(client, platform):
    response = get(client, platform.guide, suffix="print/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "依申请公开的办理程序" in html
    assert 'name="robots" content="noindex"' in html
    assert "govopen-breadcrumb" not in html


def test_guide_renders_in_english(client, platform):
    html = get(client, platform.guide, lang="en").content.decode()
    assert "How to apply for information" in html
    assert "Printable version" in html


def test_only_one_guide_per_platform(platform):
    assert DisclosureGuidePage.can_create_at(platform.index) is False
    assert DisclosureRulesPage.can_create_at(platform.index) is True


def test_index_restricts_its_children(platform):
    allowed = set(DisclosureIndexPage.clean_subpage_models())
    assert DisclosureItemPage not in allowed
    assert NoticePage not in allowed
    assert DisclosureItemPage.can_create_at(platform.active) is True
    assert DisclosureItemPage.can_create_at(platform.index) is False


@override_settings(GOVOPEN_EXTRA_INDEX_SUBPAGE_TYPES=["govopen_testapp.AnnualReportListPage"])
def test_sites_can_add_their_own_column_types(client, site):
    assert AnnualReportListPage in DisclosureIndexPage.clean_subpage_models()
    index = publish(site.root_page, DisclosureIndexPage(title="政府信息公开"))
    reports = publish(index, AnnualReportListPage(title="年报专栏"))
    columns = {c["key"]: c["page"] for c in index.columns()}
    assert columns["reports"].pk == reports.pk


def test_rules_page_normalises_its_document_number(platform):
    page = DisclosureRulesPage(title="制度", slug="r", document_number="泉教办[2019]012号")
    platform.index.add_child(instance=page)
    page.full_clean()
    assert page.document_number == "泉教办〔2019〕12号"


def test_rules_page_refuses_an_unreadable_document_number(platform):
    page = DisclosureRulesPage(title="制度", slug="r2", document_number="泉教办2019年12号")
    with pytest.raises(ValidationError) as caught:
        platform.index.add_child(instance=page)
    messages = caught.value.message_dict["document_number"]
    assert len(messages) == 1
    assert "括号中的年份" in messages[0]


def test_rules_page_shows_its_metadata(client, platform):
    page = publish(platform.rules, DisclosureRulesPage(title="保密审查制度", document_number="泉教办〔2019〕12号",
                                                      effective_date=dt.date(2019, 6, 1)))
    html = get(client, page).content.decode()
    assert "泉教办〔2019〕12号" in html and "2019-06-01" in html and page.index_number in html
    assert "保密审查制度" in get(client, platform.rules).content.decode()


def test_profile_refuses_a_bad_credit_code(site):
    profile = OrganisationProfile.for_site(site)
    profile.credit_code = "11350500003598370X"
    with pytest.raises(ValidationError) as caught:
        profile.full_clean()
    assert "校验码应为“M”" in caught.value.message_dict["credit_code"][0]


@pytest.mark.parametrize("field, value", [("postal_code", "36200"), ("phone", "call me"), ("email", "nope")])
def test_profile_refuses_malformed_contacts(site, field, value):
    profile = OrganisationProfile.for_site(site)
    setattr(profile, field, value)
    with pytest.raises(ValidationError) as caught:
        profile.full_clean()
    assert field in caught.value.message_dict


def test_item_publication_deadline_uses_working_days(platform):
    item = make_item(
        platform.active, "春节前形成的信息", timezone.make_aware(dt.datetime(2026, 3, 13, 9)),
        formed_date=dt.date(2026, 2, 6),
    )
    assert item.publication_deadline().date == dt.date(2026, 3, 12)
    assert item.published_late() is True
    on_time = make_item(
        platform.active, "按时", timezone.make_aware(dt.datetime(2026, 3, 12, 17)), formed_date=dt.date(2026, 2, 6)
    )
    assert on_time.published_late() is False
    assert make_item(platform.active, "无形成日期").published_late() is None


def test_item_refuses_a_future_formed_date(platform):
    item = DisclosureItemPage(title="x", slug="future", formed_date=timezone.localdate() + dt.timedelta(days=1))
    with pytest.raises(ValidationError) as caught:
        platform.active.add_child(instance=item)  # Page.save() runs full_clean()
    assert caught.value.message_dict["formed_date"] == ["形成日期不能晚于今天。"]


def test_item_page_shows_the_article_12_elements(client, platform):
    item = make_item(platform.active, "部门预算", summary="2026年部门预算", issuing_unit="计划财务科",
                     generated_date=dt.date(2026, 2, 10))
    html = get(client, item).content.decode()
    for text in ("索引号", item.index_number, "生成日期", "2026-02-10", "计划财务科", "2026年部门预算"):
        assert text in html


@override_settings(GOVOPEN_BASE_TEMPLATE="site_base.html")
def test_pages_extend_the_configured_base_template(client, platform):
    html = get(client, platform.guide).content.decode()
    assert "<!-- test site base -->" in html
    assert "依申请公开的办理程序" in html


def test_print_link_stays_on_the_current_site_when_there_are_several(client, platform):
    from tests.factories import SCHOOL_CODE, make_site

    make_site("school.localhost", 8000, default=False, credit_code=SCHOOL_CODE)
    assert platform.guide.url.startswith("http://")  # .url turns absolute with two sites
    html = get(client, platform.guide).content.decode()
    assert f'href="{platform.guide.relative_url(platform.site)}print/"' in html


def test_kept_breadcrumb_follows_a_renamed_ancestor(client, platform, monkeypatch):
    from wagtail.models import Page

    item = platform.items[0]
    html = get(client, item).content.decode()
    crumb = html[html.index('class="govopen-breadcrumb"'):html.index("</nav>", html.index('class="govopen-breadcrumb"'))]
    assert f'href="{platform.active.url}">法定主动公开内容</a>' in crumb and "信息0" in crumb
    with monkeypatch.context() as patched:
        patched.setattr(Page, "get_ancestors", lambda *a, **k: pytest.fail("ancestors read again"))
        assert crumb in get(client, item).content.decode()  # kept
    platform.active.title = "主动公开目录"
    platform.active.save_revision().publish()
    html = get(client, item).content.decode()
    assert f'href="{platform.active.url}">主动公开目录</a>' in html and "法定主动公开内容</a>" not in html
    english = get(client, item, lang="en").content.decode()
    assert 'aria-label="Breadcrumb"' in english  # kept per language

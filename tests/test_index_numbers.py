import datetime as dt

import pytest
from django.test import override_settings
from django.utils import timezone

from govopen_wagtail.models import DisclosureItemPage, IndexNumberRecord, OrganisationProfile
from tests.factories import SCHOOL_CODE, draft, make_item, make_platform, make_site, publish

pytestmark = pytest.mark.django_db


def at(year, month=6, day=1):
    return timezone.make_aware(dt.datetime(year, month, day, 10))


def test_assigned_on_first_publish_with_credit_code_year_and_serial(platform):
    item = make_item(platform.active, "关于印发实施方案的通知", at(2018))
    assert item.index_number == "11350500003598370M/2018-00001"
    record = IndexNumberRecord.objects.get(number=item.index_number)
    assert record.page_id == item.pk
    assert record.site == platform.site
    assert record.title == "关于印发实施方案的通知"


def test_serials_count_per_year(platform):
    first = make_item(platform.active, "a", at(2019))
    second = make_item(platform.active, "b", at(2019))
    assert first.index_number.endswith("/2019-00001")
    assert second.index_number.endswith("/2019-00002")


def test_drafts_have_no_number(platform):
    page = draft(platform.active, DisclosureItemPage(title="草稿"))
    page.refresh_from_db()
    assert page.index_number == ""


def test_number_survives_republishing_and_publishing_an_old_revision(platform):
    item = draft(platform.active, DisclosureItemPage(title="v1"))
    old_revision = item.latest_revision
    item.save_revision().publish()
    item.refresh_from_db()
    number = item.index_number
    assert number

    item.title = "v2"
    item.save_revision().publish()
    old_revision.publish()  # a revision saved before the number existed
    item.refresh_from_db()
    assert item.title == "v1"
    assert item.index_number == number
    assert IndexNumberRecord.objects.filter(page=item).count() == 1


def test_unpublish_and_republish_keeps_the_number(platform):
    item = platform.items[0]
    number = item.index_number
    item.unpublish()
    item.refresh_from_db()
    item.save_revision().publish()
    item.refresh_from_db()
    assert item.index_number == number


def test_copies_get_their_own_number(platform):
    item = platform.items[0]
    copy = item.copy(update_attrs={"slug": "copy", "title": "副本"}, keep_live=False)
    assert copy.specific.index_number == ""
    copy.save_revision().publish()
    copy.refresh_from_db()
    assert copy.specific.index_number not in ("", item.index_number)


def test_numbers_of_deleted_pages_are_never_reused(platform):
    item = make_item(platform.active, "将被删除", at(2020))
    number = item.index_number
    item.delete()
    assert IndexNumberRecord.objects.filter(number=number, page__isnull=True).exists()
    newer = make_item(platform.active, "新信息", at(2020))
    assert newer.index_number != number
    assert newer.index_number.endswith("/2020-00002")


def test_each_site_counts_separately_with_its_own_prefix(platform):
    school = make_site("school.localhost", 8000, default=False, credit_code=SCHOOL_CODE)
    school_platform = make_platform(school, items=0)
    bureau_item = make_item(platform.active, "局", at(2021))
    school_item = make_item(school_platform.active, "校", at(2021))
    assert bureau_item.index_number == "11350500003598370M/2021-00001"
    assert school_item.index_number == "12350500MB0318276Y/2021-00001"


def test_fallback_prefix_without_a_credit_code(site):
    OrganisationProfile.objects.filter(site=site).update(credit_code="")
    platform = make_platform(site, items=0)
    item = make_item(platform.active, "x", at(2022))
    assert item.index_number == f"SITE{site.pk}/2022-00001"


@override_settings(GOVOPEN_INDEX_NUMBER_FORMAT="{year}-{serial:04d}")
def test_custom_format_and_collisions_are_skipped(platform):
    IndexNumberRecord.objects.create(site=platform.site, number="2023-0001", year=2023, serial=1)
    from govopen_wagtail.models import IndexNumberCounter

    IndexNumberCounter.objects.filter(site=platform.site, year=2023).delete()
    item = make_item(platform.active, "y", at(2023))
    assert item.index_number == "2023-0002"


def test_every_page_type_that_is_information_is_numbered(platform):
    from tests.testapp.models import NoticePage

    notice = publish(platform.index, NoticePage(title="公告"), at(2024))
    assert notice.index_number.endswith("/2024-00001")
    assert platform.guide.index_number
    assert platform.rules.index_number

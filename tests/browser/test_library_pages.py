"""The policy library on a phone: filter, open, follow the repeal."""

from tests.browser.test_public_pages import fits_the_screen

LIBRARY = "/xxgk/fdzdgknr/gfxwj/"


def test_filter_open_and_follow_a_repeal(demo, phone, shot):
    phone.goto(demo.url + LIBRARY)
    assert phone.locator("h1").inner_text() == "规范性文件"
    in_force = phone.locator(".govopen-documents > li").count()
    assert in_force == 12  # 15 documents: one repealed, one expired, one not yet in effect
    assert fits_the_screen(phone)
    shot(phone, "library-phone")

    phone.select_option("#f-validity", "repealed")
    phone.get_by_role("button", name="筛选").click()
    assert "validity=repealed" in phone.url
    assert phone.locator(".govopen-documents > li").count() == 1
    phone.get_by_role("link", name="泉州市校外培训机构管理暂行办法").click()

    assert phone.locator(".govopen-validity").first.inner_text() == "已废止"
    notice = phone.locator(".govopen-notice-repealed")
    assert "泉教规〔2022〕3号" in notice.inner_text()
    timeline = phone.locator(".govopen-timeline").inner_text()
    assert "2022-04-01" in timeline and "废止" in timeline
    assert fits_the_screen(phone)
    shot(phone, "document-repealed-phone")

    notice.get_by_role("link").click()
    assert phone.locator("h1").inner_text() == "泉州市校外培训机构监督管理办法"
    assert phone.get_by_role("link", name="《泉州市校外培训机构监督管理办法》政策解读").is_visible()
    shot(phone, "document-successor-phone")


def test_more_filters_fold_away_on_a_phone(demo, phone):
    phone.goto(demo.url + LIBRARY)
    assert not phone.locator("#f-year").is_visible()
    phone.get_by_text("更多筛选").click()
    phone.select_option("#f-year", "2019")
    phone.get_by_role("button", name="筛选").click()
    assert "year=2019" in phone.url
    assert phone.locator("#f-year").is_visible()  # stays open while in use
    assert phone.locator(".govopen-documents > li").count() == 2


def test_point_in_time_view(demo, phone):
    phone.goto(demo.url + "/xxgk/fdzdgknr/gfxwj/wj-2020-2/?as_of=2021-06-01")
    assert phone.locator(".govopen-validity").first.inner_text() == "有效"
    assert phone.locator(".govopen-notice-repealed").count() == 0

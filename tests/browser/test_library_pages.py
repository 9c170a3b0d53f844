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
    with phone.expect_navigation():
        phone.get_by_role("button", name="筛选").click()
    assert "validity=repealed" in phone.url
    assert phone.locator(".govopen-documents > li").count() == 1
    with phone.expect_navigation():
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
    with phone.expect_navigation():
        phone.get_by_role("button", name="筛选").click()
    assert "year=2019" in phone.url
    assert phone.locator("#f-year").is_visible()  # stays open while in use
    assert phone.locator(".govopen-documents > li").count() == 2


def test_point_in_time_view(demo, phone):
    phone.goto(demo.url + "/xxgk/fdzdgknr/gfxwj/wj-2020-2/?as_of=2021-06-01")
    assert phone.locator(".govopen-validity").first.inner_text() == "有效"
    assert phone.locator(".govopen-notice-repealed").count() == 0


def test_download_pdf_and_verify_it(demo, phone, shot, tmp_path):
    phone.goto(demo.url + "/xxgk/fdzdgknr/gfxwj/wj-2022-3/")
    shown_hash = phone.locator(".govopen-files li").nth(1).locator("code")
    with phone.expect_download() as info:
        phone.get_by_role("link", name="PDF 版本").click()
    pdf = tmp_path / "download.pdf"
    info.value.save_as(pdf)
    assert pdf.read_bytes().startswith(b"%PDF-")
    phone.reload()  # the page now shows the hash of the version just generated
    import hashlib

    digest = hashlib.sha256(pdf.read_bytes()).hexdigest()
    assert shown_hash.inner_text() == digest

    with phone.expect_navigation():
        phone.get_by_role("link", name="核验您持有的文件是否为发布版本").click()
    phone.set_input_files("#v-file", str(pdf))
    with phone.expect_navigation():
        phone.get_by_role("button", name="核验").click()
    result = phone.locator(".govopen-result").inner_text()
    assert "此文件由本文件库发布" in result and "泉教规〔2022〕3号" in result and "最新版本" in result
    assert fits_the_screen(phone)
    shot(phone, "verify-phone")

    tampered = tmp_path / "tampered.pdf"
    tampered.write_bytes(pdf.read_bytes() + b"%")
    phone.set_input_files("#v-file", str(tampered))
    with phone.expect_navigation():
        phone.get_by_role("button", name="核验").click()
    assert "没有匹配的发布文件" in phone.locator(".govopen-result").inner_text()


def test_register_on_a_phone(demo, phone, shot):
    phone.goto(demo.url + LIBRARY + "register/")
    assert phone.locator(".govopen-table tbody tr").count() == 12
    assert fits_the_screen(phone)  # the wide table scrolls inside its own box
    shot(phone, "register-phone")

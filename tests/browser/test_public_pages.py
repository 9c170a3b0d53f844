"""What a member of the public sees, on a phone first."""


def fits_the_screen(page) -> bool:
    """Nothing sticks out sideways: neither the page nor any form control."""
    return page.evaluate(
        """() => document.documentElement.scrollWidth <= window.innerWidth &&
        [...document.querySelectorAll('input, select, button, table')].every(
            el => el.closest('.govopen-table-wrap') || el.getBoundingClientRect().right <= window.innerWidth + 0.5)"""
    )


def test_platform_on_a_phone(demo, phone, shot):
    phone.goto(demo.url + "/xxgk/")
    assert phone.locator("h1").inner_text() == "政府信息公开"
    labels = phone.locator(".govopen-column-label").all_inner_texts()
    assert labels == ["政府信息公开指南", "政府信息公开制度", "法定主动公开内容", "政府信息公开年报", "依申请公开", "意见征集", "信息检索",
                      "网民留言"]
    assert phone.locator(".govopen-recent li").count() >= 5
    assert fits_the_screen(phone)
    # Tap targets are at least 44px high.
    heights = phone.locator(".govopen-column-card a").evaluate_all("els => els.map(e => e.getBoundingClientRect().height)")
    assert min(heights) >= 44
    shot(phone, "platform-phone")


def test_guide_on_a_phone(demo, phone, shot):
    phone.goto(demo.url + "/xxgk/zn/")
    assert "泉州市教育局政府信息公开指南" in phone.locator("h1").inner_text()
    with phone.expect_navigation():
        phone.get_by_role("link", name="依申请公开的办理程序").click()
    assert phone.url.endswith("#application")
    assert phone.locator("#application").is_visible()
    office = phone.locator(".govopen-contact").inner_text()
    for text in ("泉州市教育局办公室", "362000", "0595-22180000", "0595-22180001", "gk@qzedu.example.cn"):
        assert text in office
    assert fits_the_screen(phone)
    shot(phone, "guide-phone")


def test_applications_entry_leads_to_the_application_page(demo, phone):
    # Without an application page it leads to the guide's section (tests/test_pages.py).
    phone.goto(demo.url + "/xxgk/")
    with phone.expect_navigation():
        phone.get_by_role("link", name="依申请公开").click()
    assert phone.url.endswith("/xxgk/ysqgk/")
    assert phone.locator("form button[type=submit]").first.is_visible()


def test_item_page_on_a_phone(demo, phone, shot):
    phone.goto(demo.url + "/xxgk/fdzdgknr/lm02/xx0201/")
    meta = phone.locator(".govopen-meta").inner_text()
    assert "11350500003598370M/2021-" in meta
    assert "2021-12-15" in meta
    assert fits_the_screen(phone)
    shot(phone, "item-phone")


def test_works_without_javascript(demo, browser):
    context = browser.new_context(java_script_enabled=False, locale="zh-CN", viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto(demo.url + "/xxgk/")
    with page.expect_navigation():
        page.get_by_role("link", name="政府信息公开指南").click()
    assert page.url.endswith("/xxgk/zn/")
    # Language switching is a plain GET form (no token, so pages stay cacheable).
    page.select_option("#site-lang-select", "en")
    with page.expect_navigation():
        page.get_by_role("button", name="切换").click()
    assert "How to apply for information" in page.content()
    context.close()


def test_english_interface(demo, desktop, shot):
    desktop.goto(demo.url + "/xxgk/")
    desktop.select_option("#site-lang-select", "en")
    with desktop.expect_navigation():
        desktop.get_by_role("button", name="切换").click()
    labels = desktop.locator(".govopen-column-label").all_inner_texts()
    assert labels[:4] == ["Disclosure guide", "Disclosure rules", "Statutory active disclosure", "Annual reports"]
    shot(desktop, "platform-desktop-en")


def test_skip_link_is_the_first_tab_stop(demo, desktop):
    desktop.goto(demo.url + "/xxgk/zn/")
    desktop.keyboard.press("Tab")
    assert desktop.evaluate("document.activeElement.textContent.trim()") == "跳到正文"


def test_print_view_and_print_styles(demo, desktop, shot):
    desktop.goto(demo.url + "/xxgk/zn/")
    desktop.emulate_media(media="print")
    assert not desktop.locator(".govopen-toc").is_visible()
    desktop.emulate_media(media="screen")
    with desktop.expect_navigation():
        desktop.get_by_role("link", name="打印版").click()
    assert desktop.url.endswith("/xxgk/zn/print/")
    assert desktop.locator(".govopen-print-issuer").inner_text() == "泉州市教育局"
    shot(desktop, "guide-print")


def test_school_site_has_its_own_column(demo, phone, shot):
    port = demo.url.rsplit(":", 1)[1]
    phone.goto(f"http://school.localhost:{port}/xxgk/")
    assert phone.locator("h1").inner_text() == "信息公开"
    phone.get_by_role("link", name="信息公开指南", exact=True).click()  # a school's words, not 政府…
    contact = phone.locator(".govopen-contact").inner_text()
    assert "学校办公室" in contact and "0595-22990000" in contact
    assert "泉州市教育局" not in contact
    shot(phone, "school-guide-phone")

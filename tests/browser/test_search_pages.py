"""The search's "done when" on a phone: the four queries find the right page
first, and a facet narrows the results."""

import pytest

from .test_public_pages import fits_the_screen


@pytest.mark.parametrize(
    "query,first",
    [
        ("实施方案", "关于印发《泉州市教育局2018年政务公开工作实施方案》的通知"),
        ("政务", "关于印发《泉州市教育局2018年政务公开工作实施方案》的通知"),
        ("控辍保学", "控辍保学"),
        ("泉教办〔2018〕85号", "关于印发《泉州市教育局2018年政务公开工作实施方案》的通知"),
    ],
)
def test_demo_queries_find_the_right_page_first(demo, phone, query, first):
    phone.goto(demo.url + "/xxgk/search/")
    phone.fill("input[name=q]", query)
    with phone.expect_navigation():
        phone.get_by_role("button", name="检索").click()
    top = phone.locator(".govopen-search-results > li").first
    assert first in top.locator("a").first.inner_text()
    assert fits_the_screen(phone)


def test_facets_narrow_and_the_page_works_on_a_phone(demo, phone, shot):
    phone.goto(demo.url + "/xxgk/search/?q=" + "控辍保学")
    before = phone.locator(".govopen-search-results > li").count()
    shot(phone, "search-phone")
    # Results first on a phone, facets after them; folded facets show a marker.
    first_result = phone.locator(".govopen-search-results > li").first.bounding_box()
    facets = phone.locator(".govopen-facets").bounding_box()
    assert first_result["y"] < facets["y"] and first_result["y"] < 844
    marker = phone.locator(".govopen-facets summary").first.evaluate(
        "el => getComputedStyle(el, '::before').content")
    assert "▸" in marker
    phone.locator(".govopen-facets summary").first.click()
    with phone.expect_navigation():
        phone.locator(".govopen-facets details").first.get_by_role("link", name="规范性文件").click()
    after = phone.locator(".govopen-search-results > li").count()
    assert 0 < after < before
    assert all("规范性文件" in t for t in phone.locator(".govopen-search-results .govopen-document-meta").all_inner_texts())
    assert fits_the_screen(phone)
    with phone.expect_navigation():
        phone.locator(".govopen-search-results > li a").first.click()
    assert "控辍保学" in phone.locator("h1").inner_text()

"""The public library and document pages."""

import datetime as dt
import re

import pytest

from govopen_wagtail.models import InterpretationPage, SubjectCategory
from tests.factories import count_queries, issuer, make_document, make_library, publish

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture
def library(platform):
    lib = make_library(platform.active)
    edu = SubjectCategory.objects.get(name="科技、教育")
    fin = SubjectCategory.objects.get(name="财政、金融、审计")
    bureau, finance = issuer(), issuer("泉州市财政局", "泉财")
    lib.docs = {
        "fees": make_document(lib, "泉教规〔2019〕1号", written=D(2019, 3, 8), title="民办学校收费管理办法",
                              category=fin, issuers=[bureau, finance]),
        "interim": make_document(lib, "泉教规〔2020〕2号", written=D(2020, 5, 6), title="校外培训机构管理暂行办法",
                                 category=edu),
        "nine": make_document(lib, "泉教规〔2020〕9号", written=D(2020, 9, 1), title="学籍管理细则", category=edu),
    }
    lib.docs["new"] = make_document(
        lib, "泉教规〔2022〕3号", written=D(2022, 3, 20), effective=D(2022, 4, 1), title="校外培训机构监督管理办法",
        category=edu, effects=[(lib.docs["interim"], "repealed")],
    )
    return lib


def titles(response):
    return [d.title for d in response.context["documents"]]


def test_default_listing_shows_documents_in_force_newest_first(client, library):
    response = client.get(library.url)
    assert response.status_code == 200
    assert titles(response) == ["校外培训机构监督管理办法", "学籍管理细则", "民办学校收费管理办法"]
    html = response.content.decode()
    assert "共 3 件" in html and "有效" in html


@pytest.mark.parametrize(
    "query, expected",
    [
        ("validity=all", ["校外培训机构监督管理办法", "学籍管理细则", "校外培训机构管理暂行办法", "民办学校收费管理办法"]),
        ("validity=repealed", ["校外培训机构管理暂行办法"]),
        ("validity=all&year=2020", ["学籍管理细则", "校外培训机构管理暂行办法"]),
        ("validity=all&q=培训", ["校外培训机构监督管理办法", "校外培训机构管理暂行办法"]),
        ("validity=all&q=泉教规[2020]9号", ["学籍管理细则"]),
        ("validity=all&q=2020〕2", ["校外培训机构管理暂行办法"]),
        ("validity=all&sort=number", ["民办学校收费管理办法", "校外培训机构管理暂行办法", "学籍管理细则", "校外培训机构监督管理办法"]),
        ("as_of=2021-06-01", ["学籍管理细则", "校外培训机构管理暂行办法", "民办学校收费管理办法"]),
    ],
)
def test_filters(client, library, query, expected):
    assert titles(client.get(f"{library.url}?{query}")) == expected


def test_issuer_and_category_filters(client, library):
    finance = issuer("泉州市财政局")
    fin = SubjectCategory.objects.get(name="财政、金融、审计")
    assert titles(client.get(f"{library.url}?issuer={finance.pk}")) == ["民办学校收费管理办法"]
    assert titles(client.get(f"{library.url}?category={fin.pk}")) == ["民办学校收费管理办法"]
    html = client.get(library.url).content.decode()
    assert "泉州市财政局" in html and "财政、金融、审计" in html


@pytest.mark.parametrize(
    "query", ["validity=nonsense", "year=abc", "issuer=1;DROP", "category=-1", "sort=evil", "as_of=2021-13-45",
              "year=99999999999999999999", "q=" + "长" * 500, "page=9999", "page=abc", "q=%00", "q=a%00b",
              "as_of=2021-01-01%00", "issuer=%EF%BC%91", "q=%F0%9F%98%80%22%27%3C"],
)
def test_bad_parameters_give_a_normal_page(client, library, query):
    response = client.get(f"{library.url}?{query}")
    assert response.status_code == 200


def test_control_characters_are_dropped_from_the_keyword(client, library):
    assert [d.title for d in client.get(f"{library.url}?validity=all&q=%00学籍%00").context["documents"]] == ["学籍管理细则"]


def test_register_paginates_and_keeps_the_date(client, library, monkeypatch):
    from govopen_wagtail.views import library as views

    monkeypatch.setattr(views, "REGISTER_PAGE_SIZE", 1)
    html = client.get(library.url + "register/?as_of=2021-01-01").content.decode()
    assert "第 1 页，共 3 页" in html and 'href="?as_of=2021-01-01&amp;page=2"' in html


def test_ignored_filters_are_reported(client, library):
    html = client.get(f"{library.url}?validity=nonsense&year=abc").content.decode()
    assert "部分筛选条件无法识别" in html


def test_filtered_urls_are_stable_and_paginate(client, library):
    for n in range(25):
        make_document(library, f"泉教规〔2021〕{n + 10}号", written=D(2021, 1, 1) + dt.timedelta(days=n))
    first = client.get(f"{library.url}?year=2021")
    assert len(first.context["documents"]) == 20
    html = first.content.decode()
    assert 'href="?year=2021&amp;page=2"' in html  # the filter survives paging
    second = client.get(f"{library.url}?year=2021&page=2")
    assert len(second.context["documents"]) == 5


def test_listing_query_count_does_not_grow(client, library):
    client.get(library.url)
    small = count_queries(lambda: client.get(library.url + "?validity=all"))
    for n in range(30):
        make_document(library, f"泉教规〔2023〕{n + 1}号", written=D(2023, 1, 2))
    client.get(library.url)
    assert count_queries(lambda: client.get(library.url + "?validity=all")) == small


def test_document_page_query_count_does_not_grow_with_history(client, library):
    from django.core.cache import cache

    doc = library.docs["fees"]
    client.get(doc.url)

    def counts() -> tuple[int, int]:
        # Rendered afresh (nothing kept), then as kept under the change stamp.
        cache.clear()
        return count_queries(lambda: client.get(doc.url)), count_queries(lambda: client.get(doc.url))

    small = counts()
    for n in range(5):
        make_document(library, f"泉教规〔2024〕{n + 1}号", written=D(2024, 1, 2 + n), effects=[(doc, "amended")])
        publish(library, InterpretationPage(title=f"解读{n}", document=doc, body="<p>解读</p>"))
    assert counts() == small
    assert small[1] < small[0]


def test_repealed_document_names_its_successor_and_both_link(client, library):
    old, new = library.docs["interim"], library.docs["new"]
    html = client.get(old.url).content.decode()
    assert "已废止" in html
    assert "已于 2022-04-01 被" in html and f'href="{new.url}"' in html and "泉教规〔2022〕3号" in html
    new_html = client.get(new.url).content.decode()
    assert "本文件修改或废止的文件" in new_html and f'href="{old.url}"' in new_html


def test_document_page_as_of_a_past_date(client, library):
    old = library.docs["interim"]
    html = client.get(old.url + "?as_of=2021-01-01").content.decode()
    assert "截至 2021-01-01" in html
    assert "已于 2022-04-01" not in html
    assert '<span class="govopen-validity govopen-validity-in_force">有效</span>' in html


def test_document_page_with_a_bad_date_says_so(client, library):
    html = client.get(library.docs["fees"].url + "?as_of=2021-02-30").content.decode()
    assert "网址中的日期无效" in html


def test_document_page_shows_metadata_timeline_and_interpretations(client, library):
    doc = library.docs["fees"]
    publish(library, InterpretationPage(title="收费管理办法解读", document=doc, form="graphic", body="<p>图解</p>"))
    html = client.get(doc.url).content.decode()
    for text in ("泉教规〔2019〕1号", "泉州市教育局、泉州市财政局", "成文日期", "2019-03-08", "财政、金融、审计",
                 doc.index_number, "效力沿革", "收费管理办法解读", "图解"):
        assert text in html


def test_interpretation_links_back(client, library):
    doc = library.docs["fees"]
    page = publish(library, InterpretationPage(title="解读", document=doc, body="<p>解读</p>", author="基础教育科"))
    html = client.get(page.url).content.decode()
    assert f'href="{doc.url}"' in html and "基础教育科" in html and page.index_number in html


def test_interpretation_needs_a_document(library):
    from django.core.exceptions import ValidationError

    page = InterpretationPage(title="孤立的解读", body="<p>x</p>")
    with pytest.raises(ValidationError) as caught:
        library.add_child(instance=page)
    assert caught.value.message_dict["document"] == ["此字段不能为空。"]


def test_english_labels(client, library):
    html = client.get(library.docs["interim"].url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Validity history" in html and ">Repealed<" in html


class TestListingCache:
    """The cached listing never shows a stale answer."""

    def numbers(self, client, library, query=""):
        return [d.document_number for d in client.get(library.url + query).context["documents"]]

    def test_a_hit_costs_fewer_queries(self, client, library):
        miss = count_queries(lambda: client.get(library.url))
        hit = count_queries(lambda: client.get(library.url))
        assert hit < miss

    def test_publishing_shows_at_once(self, client, library):
        before = self.numbers(client, library)
        make_document(library, "泉教规〔2025〕8号", written=D(2025, 1, 1))
        assert self.numbers(client, library) == ["泉教规〔2025〕8号", *before]

    def test_recording_an_event_shows_at_once(self, client, library):
        from govopen_wagtail.models import ValidityEvent

        assert "泉教规〔2020〕9号" in self.numbers(client, library)
        ValidityEvent.objects.create(document=library.docs["nine"], kind="repealed", effective_date=D(2024, 1, 1),
                                     acting_number="闽教规〔2024〕1号")
        assert "泉教规〔2020〕9号" not in self.numbers(client, library)

    def test_unpublishing_and_restricting_hide_at_once(self, client, library):
        from wagtail.models import PageViewRestriction

        assert "泉教规〔2019〕1号" in self.numbers(client, library)
        library.docs["fees"].unpublish()
        assert "泉教规〔2019〕1号" not in self.numbers(client, library)
        PageViewRestriction.objects.create(page=library.docs["nine"], restriction_type="login")
        assert "泉教规〔2020〕9号" not in self.numbers(client, library)

    def test_editing_a_title_shows_at_once(self, client, library):
        client.get(library.url)
        doc = library.docs["nine"]
        doc.title = "学籍管理细则（修订）"
        doc.minor_change = True
        doc.save_revision().publish()
        assert "学籍管理细则（修订）" in [d.title for d in client.get(library.url).context["documents"]]


def test_cached_fragments_keep_each_address_apart(client, library):
    for n in range(25):
        make_document(library, f"泉教规〔2021〕{n + 10}号", written=D(2021, 1, 1) + dt.timedelta(days=n))
    plain = client.get(f"{library.url}?year=2021").content.decode()
    tagged = client.get(f"{library.url}?year=2021&from=wechat").content.decode()
    assert 'href="?year=2021&amp;page=2"' in plain
    assert 'href="?year=2021&amp;from=wechat&amp;page=2"' in tagged
    english = client.get(f"{library.url}?year=2021", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "documents, validity as of" in english


def test_strict_in_force_can_be_chosen_apart_from_the_binding_default(client, library):
    """The filter offered two options with the value in_force; now the default
    (binding: in force or amended) and strict 有效 are distinct."""
    html = client.get(library.url).content.decode()
    values = re.findall(r'<option value="([^"]*)"', html.split('id="f-validity"')[1].split("</select>")[0])
    assert len(values) == len(set(values))
    assert values[0] == "binding" and "in_force" in values

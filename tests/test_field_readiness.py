"""Defects found by a new user and an integrator (issue 11), each with a test
that failed before its fix."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from django.urls import reverse
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text

from govopen_wagtail.models import DisclosureSearchPage, InterpretationPage, NormativeDocumentPage
from tests.factories import (
    SCHOOL_CODE,
    make_document,
    make_library,
    make_platform,
    make_site,
    publish,
)

pytestmark = pytest.mark.django_db
HOST = "jyj.example.cn"  # where the site answers; its Site record says localhost


@pytest.fixture
def library(platform):
    library = make_library(platform.active)
    make_document(library, "泉教规〔2022〕3号", written=dt.date(2022, 3, 20), title="校外培训机构监督管理办法")
    return library


def test_register_csv_and_api_link_to_the_host_the_visitor_used(client, library):
    page = client.get(library.url + "register/", HTTP_HOST=HOST).content.decode()
    assert f"http://{HOST}/" in page and "http://localhost/" not in page
    csv_text = b"".join(client.get(library.url + "register/csv/", HTTP_HOST=HOST).streaming_content
                        if False else [client.get(library.url + "register/csv/", HTTP_HOST=HOST).content]).decode("utf-8-sig")
    assert f"http://{HOST}/" in csv_text and "http://localhost/" not in csv_text
    api = json.loads(client.get(library.url + "api/", HTTP_HOST=HOST).content)
    assert api["results"][0]["url"].startswith(f"http://{HOST}/")


def test_guide_print_view_names_the_host_the_visitor_used(client, platform):
    html = client.get(platform.guide.url + "print/", HTTP_HOST=HOST).content.decode()
    assert f"http://{HOST}{platform.guide.url}" in html


def test_postal_address_is_not_labelled_as_a_web_address(client, platform):
    from govopen_wagtail.models import OrganisationProfile

    OrganisationProfile.objects.filter(site=platform.site).update(address="泉州市丰泽区东海大街1号")
    html = client.get(platform.guide.url).content.decode()
    label = html.split("泉州市丰泽区东海大街1号")[0].rsplit("<dt>", 1)[1]
    assert "地址" in label and "网址" not in label


def test_interpretation_shows_its_publication_date(client, library):
    doc = NormativeDocumentPage.objects.get()
    interpretation = publish(library, InterpretationPage(title="解读", document=doc, body="<p>解读</p>"))
    html = client.get(interpretation.url).content.decode()
    published = interpretation.first_published_at.astimezone(dt.timezone(dt.timedelta(hours=8))).date()
    assert "发布日期" in html and published.isoformat() in html


def test_search_covers_the_current_site_only(client, platform):
    from django.core.management import call_command

    school = make_site("school.localhost", default=False, credit_code=SCHOOL_CODE, name="学校")
    school_platform = make_platform(school)
    search = publish(platform.index, DisclosureSearchPage(title="检索", slug="search"))
    call_command("govopen_search_reindex", "--quiet")
    response = client.get(search.url, {"q": "政府信息公开指南"})
    found = [hit["hit"].page_id for hit in response.context["hits"]]
    assert found == [platform.guide.pk]
    assert school_platform.guide.pk not in found


def test_a_bureau_search_can_be_opened_to_its_schools(client, platform, settings):
    from django.core.management import call_command

    school = make_site("school.localhost", default=False, credit_code=SCHOOL_CODE, name="学校")
    make_platform(school)
    search = publish(platform.index, DisclosureSearchPage(title="检索", slug="search"))
    call_command("govopen_search_reindex", "--quiet")
    settings.GOVOPEN_SEARCH_ALL_SITES = ["localhost"]
    response = client.get(search.url, {"q": "政府信息公开指南"})
    assert response.context["results"].total == 2


def test_phone_field_brings_up_the_number_pad(client, platform):
    from tests.factories import make_consultation, make_consultation_index

    page = make_consultation(make_consultation_index(platform.index))
    html = client.get(page.url).content.decode()
    phone = html.split('name="contact_phone"')[0].rsplit("<input", 1)[1] + html.split('name="contact_phone"')[1][:120]
    assert 'type="tel"' in phone


def test_bulk_moderation_has_no_default_action(admin_client, platform):
    from govopen_wagtail.services import comments as service
    from tests.factories import comment_input, make_consultation, make_consultation_index

    page = make_consultation(make_consultation_index(platform.index))
    service.submit_comment(page.pk, comment_input("意见。"))
    html = admin_client.get(reverse("govopen_wagtail_consultationcomment_modeladmin_index")).content.decode()
    select = html.split('id="govopen-bulk-action"')[1].split("</select>")[0]
    assert select.index('value=""') < select.index('value="publish"')
    assert 'value="publish" selected' not in select


def test_empty_bulk_action_is_explained(admin_client):
    response = admin_client.post(reverse("govopen_comment_moderate"), {"ids": ["1"], "action": ""}, follow=True)
    assert "请选择" in response.content.decode()


def test_catalog_import_counts_rows_not_problems(admin_client, platform):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.factories import make_catalog

    catalog = make_catalog(platform.index, imported=False)
    data = "事项编码,上级编码,事项名称,公开时限,公开对象\n01,99,,看情况,外星人\n".encode()
    response = admin_client.post(reverse("govopen_catalog_import"), {
        "catalog": catalog.pk, "file": SimpleUploadedFile("c.csv", data, "text/csv")})
    html = response.content.decode()
    assert "1 行有问题" in html and "2 行有问题" not in html


def test_issuing_bodies_are_checkboxes(admin_client, library):
    doc = NormativeDocumentPage.objects.get()
    html = admin_client.get(reverse("wagtailadmin_pages:edit", args=[doc.pk])).content.decode()
    assert 'type="checkbox" name="issuers"' in html
    assert '<select name="issuers"' not in html


def test_publishing_twice_asks_no_change_note(library):
    """A double click: the second "publish" sends what is already live."""
    doc = NormativeDocumentPage.objects.get()
    form_class = NormativeDocumentPage.get_edit_handler().get_form_class()
    data = {
        "title": doc.title, "slug": doc.slug, "document_number": doc.document_number,
        "issuers": [i.pk for i in doc.issuers.all()], "written_date": doc.written_date.isoformat(),
        "published_date": doc.published_date.isoformat(), "effective_date": doc.effective_date.isoformat(),
        "body": rich_text(doc.body), "summary": doc.summary, "no_consultation_reason": doc.no_consultation_reason,
        "comments": inline_formset([]), "attachments": inline_formset([]), "effects": inline_formset([]),
        "action-publish": "publish",
    }
    issuers = [str(pk) for pk in data.pop("issuers")]
    current = doc.get_latest_revision_as_object()

    def post(values):
        form_data = nested_form_data(values)
        form_data["issuers"] = issuers
        return form_class(form_data, instance=current, parent_page=library, for_user=None)

    form = post(data)
    form.is_valid()
    assert "change_note" not in form.errors, form.changed_data
    data["title"] = "改了标题"
    form = post(data)
    form.is_valid()
    assert "change_note" in form.errors


def test_strict_validity_filter_in_the_api(client, library):
    data = json.loads(client.get(library.url + "api/", {"validity": "in_force"}).content)
    assert data["count"] == 1


def test_breadcrumbs_can_be_left_to_the_site(client, platform, settings):
    assert 'class="govopen-breadcrumb' in client.get(platform.guide.url).content.decode()
    settings.GOVOPEN_BREADCRUMBS = False
    assert 'class="govopen-breadcrumb' not in client.get(platform.guide.url).content.decode()


def test_captcha_has_a_text_alternative_and_a_new_picture_without_javascript(client, platform):
    from govopen_wagtail.models import ConsultationComment
    from tests.comment_helpers import comment_url, form_fields
    from tests.factories import make_consultation, make_consultation_index

    page = make_consultation(make_consultation_index(platform.index))
    html = client.get(page.url).content.decode()
    image = html.split('class="captcha"')[1].split(">")[0]
    assert "验证" in image  # a translated alt text, not "captcha"
    assert 'name="new_captcha"' in html
    fields = form_fields(html)
    response = client.post(comment_url(page), {"body": "我写了一半的意见。", "commenter_category": "individual",
                                               "section": "", **fields, "captcha_1": "", "new_captcha": "1"})
    new_html = response.content.decode()
    assert response.status_code == 200
    assert "我写了一半的意见。" in new_html  # kept
    assert form_fields(new_html)["captcha_0"] != fields["captcha_0"]  # a new picture
    assert 'role="alert"' not in new_html.split('id="comment-form"')[1]  # no error shown
    assert ConsultationComment.objects.count() == 0


def test_a_failed_comment_brings_the_reader_to_the_form(client, platform):
    from tests.factories import make_consultation, make_consultation_index

    page = make_consultation(make_consultation_index(platform.index))
    html = client.get(page.url).content.decode()
    assert "comment/#comment-form\"" in html


def test_chinese_titles_get_short_readable_addresses(platform):
    library = make_library(platform.active)
    title = "关于印发泉州市教育局2018年政务公开工作实施方案的通知"
    day = dt.date(2018, 6, 28)

    def add(number):
        doc = NormativeDocumentPage(title=title, slug=title, document_number=number, written_date=day,
                                    published_date=day, effective_date=day, body="<p>正文</p>")
        doc.issuers = []
        library.add_child(instance=doc)
        return doc

    assert add("泉教办〔2018〕85号").slug == "doc-2018-85"
    assert add("泉政办〔2018〕85号").slug == "doc-2018-85-2"
    from govopen_wagtail.models import DisclosureItemPage

    item = DisclosureItemPage(title="二〇二六年秋季收费项目和标准", slug="二〇二六年秋季收费项目和标准")
    platform.active.add_child(instance=item)
    assert item.slug.startswith("item-") and item.slug.isascii() and len(item.slug) < 20
    # An ASCII slug chosen by the editor is kept.
    kept = DisclosureItemPage(title="收费", slug="fees-2026")
    platform.active.add_child(instance=kept)
    assert kept.slug == "fees-2026"


def test_register_keeps_numbers_and_dates_whole(client, library):
    html = client.get(library.url + "register/").content.decode()
    assert '<td class="govopen-token">泉教规〔2022〕3号</td>' in html
    css = (Path(__file__).resolve().parent.parent / "govopen_wagtail/static/govopen_wagtail/css/govopen.css").read_text()
    assert ".govopen-token { white-space: nowrap; }" in css


"""The editor's privacy check when publishing: a page showing personal data
is saved as a draft with a warning; publishing again publishes as it is."""

from __future__ import annotations

import pytest
from django.urls import reverse
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text

from govopen_wagtail.admin.publish_check import submitted_texts
from tests.factories import make_item

pytestmark = pytest.mark.django_db

VALID_ID = "11010519491231002X"


@pytest.fixture
def notice(platform):
    return make_item(platform.active, "公示", body="<p>没有个人信息</p>")


def post_edit(client, page, body, **extra):
    data = nested_form_data({"title": page.title, "slug": page.slug, "body": rich_text(f"<p>{body}</p>"),
                             "generated_date": page.generated_date.isoformat(),
                             "comments": inline_formset([]), "attachments": inline_formset([]),
                             "action-publish": "publish", **extra})
    return client.post(reverse("wagtailadmin_pages:edit", args=[page.pk]), data, follow=True)


def test_personal_data_turns_publish_into_a_draft_then_publishes_on_the_second_click(admin_client, notice):
    response = post_edit(admin_client, notice, f"学生身份证号{VALID_ID}")
    text = response.content.decode()
    assert "11" + "*" * 16 in text and VALID_ID not in text.split("<textarea")[0]
    notice.refresh_from_db()
    assert notice.body == "<p>没有个人信息</p>"  # live content unchanged
    assert notice.has_unpublished_changes
    assert VALID_ID in notice.get_latest_revision_as_object().body  # nothing typed is lost

    post_edit(admin_client, notice, f"学生身份证号{VALID_ID}")
    notice.refresh_from_db()
    assert VALID_ID in notice.body and not notice.has_unpublished_changes


def test_clean_text_and_low_confidence_publish_at_once(admin_client, notice):
    post_edit(admin_client, notice, "咨询电话0595-22345678")  # a landline: low confidence
    notice.refresh_from_db()
    assert "咨询电话0595-22345678" in notice.body and not notice.has_unpublished_changes


def test_the_check_can_be_turned_off(admin_client, notice, settings):
    settings.GOVOPEN_PRIVACY_PUBLISH_CHECK = False
    post_edit(admin_client, notice, f"身份证号{VALID_ID}")
    notice.refresh_from_db()
    assert VALID_ID in notice.body


def test_a_changed_finding_is_shown_again(admin_client, notice):
    post_edit(admin_client, notice, f"身份证号{VALID_ID}")
    post_edit(admin_client, notice, "手机13800138000")  # something else: a new warning
    notice.refresh_from_db()
    assert notice.body == "<p>没有个人信息</p>"


def test_submitted_texts_reads_draftail_and_streamfield_json():
    from django.http import QueryDict

    post = QueryDict(mutable=True)
    post["body"] = '{"blocks":[{"key":"a","text":"身份证号%s","type":"unstyled"}],"entityMap":{}}' % VALID_ID
    post["list-0-value"] = '{"data": [["姓名", "手机"], ["张三", "13800138000"]]}'
    post["csrfmiddlewaretoken"] = "x" * 64
    texts = submitted_texts(post)
    assert f"身份证号{VALID_ID}" in texts and "13800138000" in texts and "x" * 64 not in texts

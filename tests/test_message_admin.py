"""The office's side of public messages: the list with its due dates, the
case page and its actions, units, the dashboard, the spreadsheet of figures,
and site isolation (a school's staff never see or touch a bureau's message)."""

from __future__ import annotations

import datetime as dt
import io
from unittest import mock

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from govopen_wagtail.calendar import DISCLOSURE_TIME_ZONE
from govopen_wagtail.models import OfficeUnit, PublicMessage
from govopen_wagtail.services import messages as service
from govopen_wagtail.services.site_groups import create_site_groups
from tests.factories import SCHOOL_CODE, count_queries, make_message_page, make_platform, make_site, send_message

pytestmark = pytest.mark.django_db
INDEX = "govopen_wagtail_publicmessage_modeladmin_index"


def case_url(message):
    return reverse("govopen_wagtail_publicmessage_modeladmin_inspect", args=[message.pk])


def denied(response) -> bool:
    if response.status_code in (403, 404):
        return True
    return response.status_code == 302 and response["Location"] == reverse("wagtailadmin_home")


@pytest.fixture
def world(db):
    bureau_site = make_site("localhost", name="泉州市教育局")
    school_site = make_site("school.localhost", default=False, credit_code=SCHOOL_CODE, name="泉州市实验学校")
    bureau_page = make_message_page(make_platform(bureau_site).index)
    school_page = make_message_page(make_platform(school_site).index, receipt_prefix="实验留言")
    when = dt.datetime(2026, 9, 30, 10, tzinfo=DISCLOSURE_TIME_ZONE)
    with mock.patch("django.utils.timezone.now", return_value=when):
        bureau_message = send_message(bureau_page, subject="局里的留言", body="局机关的问题")[0]
        school_message = send_message(school_page, subject="学校的留言", body="学校食堂的问题", kind="complaint")[0]
    bureau_unit = OfficeUnit.objects.create(site=bureau_site, name="基础教育科")
    school_unit = OfficeUnit.objects.create(site=school_site, name="总务处", email="zongwu@example.invalid")
    teacher = get_user_model().objects.create_user("teacher", "t@example.invalid", "pw")
    teacher.groups.add(create_site_groups(school_site).editors)
    return dict(bureau_page=bureau_page, school_page=school_page, bureau_message=bureau_message,
                school_message=school_message, bureau_unit=bureau_unit, school_unit=school_unit, teacher=teacher)


def test_school_staff_see_and_handle_only_the_school_messages(client, world):
    client.force_login(world["teacher"])
    listing = client.get(reverse(INDEX)).content.decode()
    assert world["school_message"].receipt_number in listing
    assert world["bureau_message"].receipt_number not in listing
    assert denied(client.get(case_url(world["bureau_message"])))
    assert denied(client.post(case_url(world["bureau_message"]), {"action": "reply", "reply-text": "x"}))
    world["bureau_message"].refresh_from_db()
    assert world["bureau_message"].reply == ""
    export = b"".join(client.get(reverse(INDEX) + "?export=csv").streaming_content).decode()
    assert world["bureau_message"].receipt_number not in export and world["school_message"].receipt_number in export
    history = reverse("govopen_wagtail_publicmessage_modeladmin_history", args=[world["bureau_message"].pk])
    assert denied(client.get(history))
    units = client.get(reverse("govopen_wagtail_officeunit_modeladmin_index")).content.decode()
    assert "总务处" in units and "基础教育科" not in units


def test_case_page_explains_the_due_date_and_forwards_to_own_units_only(client, world):
    client.force_login(world["teacher"])
    message = world["school_message"]
    page = client.get(case_url(message)).content.decode()
    assert "2026-10-10" in page and "2026-09-30" in page  # due, and how it was counted
    assert f'value="{world["school_unit"].pk}"' in page and f'value="{world["bureau_unit"].pk}"' not in page
    refused = client.post(case_url(message), {"action": "forward", "forward-unit": world["bureau_unit"].pk})
    assert refused.status_code == 400
    message.refresh_from_db()
    assert message.state == "received"
    with mock.patch("govopen_wagtail.services.messages.local_now",
                    return_value=dt.datetime(2026, 9, 30, 11, tzinfo=DISCLOSURE_TIME_ZONE)):
        done = client.post(case_url(message), {"action": "forward", "forward-unit": world["school_unit"].pk,
                                                "forward-note": "请核实"})
    assert done.status_code == 302
    message.refresh_from_db()
    assert message.state == "forwarded" and message.unit == world["school_unit"]
    assert message.unit_due == dt.date(2026, 10, 9)
    assert message.routing.get().by == world["teacher"]
    client.post(case_url(message), {"action": "reply", "reply-text": "已督促食堂整改。"})
    message.refresh_from_db()
    assert message.state == "answered" and message.replied_by == "总务处"
    assert message.history.filter(history_user=world["teacher"]).exists()


def test_bad_action_input_is_refused_with_the_form_kept(client, world):
    client.force_login(world["teacher"])
    message = world["school_message"]
    response = client.post(case_url(message), {"action": "reply", "reply-text": ""})
    assert response.status_code == 400 and "答复" in response.content.decode()
    assert client.post(case_url(message), {"action": "nonsense"}).status_code == 404
    response = client.post(case_url(message), {"action": "approve"})  # nothing drafted
    assert response.status_code == 400
    assert PublicMessage.objects.get(pk=message.pk).state == "received"


def test_messages_cannot_be_created_or_edited_in_the_admin(client, world):
    client.force_login(world["teacher"])
    assert denied(client.get(reverse("govopen_wagtail_publicmessage_modeladmin_create")))
    edit = reverse("govopen_wagtail_publicmessage_modeladmin_edit", args=[world["school_message"].pk])
    assert denied(client.get(edit))


def test_list_filters_and_query_count_stay_flat(client, world):
    client.force_login(world["teacher"])
    url = reverse(INDEX) + "?due=overdue"
    with mock.patch("govopen_wagtail.services.messages.local_now",
                    return_value=dt.datetime(2026, 10, 12, 9, tzinfo=DISCLOSURE_TIME_ZONE)):
        assert world["school_message"].receipt_number in client.get(url).content.decode()
        client.get(reverse(INDEX))
        few = count_queries(lambda: client.get(reverse(INDEX)))
        for _ in range(12):
            send_message(world["school_page"])
        assert count_queries(lambda: client.get(reverse(INDEX))) == few
    assert world["school_message"].receipt_number not in client.get(reverse(INDEX) + "?due=on_time").content.decode()


def test_dashboard_counts_overdue_due_today_held_and_by_unit(client, world):
    client.force_login(world["teacher"])
    service.forward(world["school_message"], world["school_unit"], None, today=dt.date(2026, 9, 30))
    with mock.patch("govopen_wagtail.services.messages.local_now",
                    return_value=dt.datetime(2026, 10, 12, 9, tzinfo=DISCLOSURE_TIME_ZONE)):
        html = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "1 条留言已超期" in html or "1 public message is overdue" in html
    assert "总务处" in html
    # The bureau's message is not the school's business.
    assert "局里的留言" not in html


def test_statistics_spreadsheet_counts_own_messages(client, world):
    from openpyxl import load_workbook

    service.draft_reply(world["school_message"], None, text="答复",
                        now=dt.datetime(2026, 10, 9, 10, tzinfo=DISCLOSURE_TIME_ZONE))
    client.force_login(world["teacher"])
    assert reverse("govopen_message_statistics") in client.get(reverse(INDEX)).content.decode()
    response = client.get(reverse("govopen_message_statistics") + "?year=2026")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    months = list(book.worksheets[0].iter_rows(values_only=True))
    september = next(r for r in months if r[0] == "2026-09")
    assert september[1:5] == (1, 1, 1, 100.0)  # the bureau's message is not counted
    assert [r[0] for r in book.worksheets[1].iter_rows(values_only=True)][1:] == ["投诉"]
    assert client.get(reverse("govopen_message_statistics") + "?year=2999").status_code == 404
    client.logout()
    assert "/login/" in client.get(reverse("govopen_message_statistics"))["Location"]
    nobody = get_user_model().objects.create_user("nobody", "n@example.invalid", "pw")
    from django.contrib.auth.models import Permission

    nobody.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(nobody)
    assert denied(client.get(reverse("govopen_message_statistics")))

"""The office's side of applications: offline entry, the case page and its
actions, letters, the list (masked, flat query count) and site isolation:
a school's handler never sees or touches a bureau's case, and editors who
are not handlers see no applications at all."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from govopen_wagtail.models import (
    ApplicationFile,
    InformationApplication,
    LetterTemplate,
    RequestableDocument,
    RequestableListRelease,
)
from govopen_wagtail.services import applications as service
from govopen_wagtail.services.letters import make_letter
from govopen_wagtail.services.site_groups import create_site_groups
from tests.factories import (
    SCHOOL_CODE,
    VALID_ID,
    application_input,
    count_queries,
    make_application_page,
    make_platform,
    make_site,
)

pytestmark = pytest.mark.django_db
App = InformationApplication
INDEX = "govopen_wagtail_informationapplication_modeladmin_index"


def case_url(application):
    return reverse("govopen_wagtail_informationapplication_modeladmin_inspect", args=[application.pk])


@pytest.fixture
def world(db):
    bureau_site = make_site("localhost", name="泉州市教育局")
    school_site = make_site("school.localhost", default=False, credit_code=SCHOOL_CODE, name="泉州市实验学校")
    bureau_page = make_application_page(make_platform(bureau_site).index)
    school_page = make_application_page(make_platform(school_site).index, receipt_prefix="泉实依申")
    bureau_app = service.submit_application(
        bureau_page, application_input(name="王五", channel="post", received_on=dt.date(2026, 9, 28)))[0]
    school_app = service.submit_application(school_page, application_input(name="赵六"))[0]
    groups = create_site_groups(school_site)
    User = get_user_model()
    handler = User.objects.create_user("handler", "h@example.invalid", "pw")
    handler.groups.add(groups.handlers)
    editor = User.objects.create_user("teacher", "t@example.invalid", "pw")
    editor.groups.add(groups.editors)
    letter = make_letter(bureau_app, "reply")
    kept = ApplicationFile.objects.create(application=bureau_app, kind="identity", name="id.png",
                                          content_kind="png", size=3, sha256="0" * 64, content=b"abc")
    return dict(bureau_page=bureau_page, school_page=school_page, bureau_app=bureau_app, school_app=school_app,
                handler=handler, editor=editor, letter=letter, file=kept, groups=groups)


def select_values(html: str, name: str) -> set[str]:
    """The option values of the <select name=...> fields called *name*: ids
    are small numbers that also appear in unrelated inputs elsewhere."""
    values = set()
    for block in re.findall(rf'<select name="{name}"[^>]*>(.*?)</select>', html, re.S):
        values.update(re.findall(r'<option value="([^"]*)"', block))
    return values


def denied(response) -> bool:
    if response.status_code in (403, 404):
        return True
    return response.status_code == 302 and response["Location"] == reverse("wagtailadmin_home")


def test_school_handler_sees_only_the_school_cases(client, world):
    client.force_login(world["handler"])
    listing = client.get(reverse(INDEX)).content.decode()
    assert world["school_app"].receipt_number in listing
    assert world["bureau_app"].receipt_number not in listing
    assert "赵*" in listing and "赵六" not in listing  # masked in the list
    case = client.get(case_url(world["school_app"])).content.decode()
    handlers = select_values(case, "assign-handler")
    assert str(world["handler"].pk) in handlers  # the school's own handlers
    assert str(world["editor"].pk) not in handlers  # an editor is not a handler
    assert denied(client.get(case_url(world["bureau_app"])))
    assert denied(client.post(case_url(world["bureau_app"]), {"action": "note", "note-kind": "note",
                                                              "note-text": "x"}))
    assert not world["bureau_app"].notes.exists()
    assert denied(client.get(reverse("govopen_application_letter", args=[world["letter"].pk, "pdf"])))
    assert denied(client.get(reverse("govopen_application_file", args=[world["file"].pk])))
    export = b"".join(client.get(reverse(INDEX) + "?export=csv").streaming_content).decode()
    assert world["bureau_app"].receipt_number not in export and "赵六" not in export and VALID_ID not in export
    history = reverse("govopen_wagtail_informationapplication_modeladmin_history", args=[world["bureau_app"].pk])
    assert denied(client.get(history))


def test_offline_entry_offers_only_own_pages(client, world):
    client.force_login(world["handler"])
    url = reverse("govopen_wagtail_informationapplication_modeladmin_create")
    form = client.get(url).content.decode()
    pages = select_values(form, "page")
    assert str(world["school_page"].pk) in pages and str(world["bureau_page"].pk) not in pages
    data = {"page": world["bureau_page"].pk, "channel": "post", "received_on": "2026-11-02",
            "applicant_type": "natural", "name": "钱七", "id_type": "id_card", "id_number": VALID_ID,
            "description": "招生计划", "delivery": "pickup", "contact_phone": ""}
    response = client.post(url, data)
    assert response.status_code == 200 and not App.objects.filter(name="钱七").exists()
    data["page"] = world["school_page"].pk
    response = client.post(url, data, follow=True)
    created = App.objects.get(name="钱七")
    assert created.channel == "post" and created.received_on == dt.date(2026, 11, 2)
    assert created.entered_by == world["handler"]
    assert re.search(r"[A-Z0-9]{4}-[A-Z0-9]{4}", response.content.decode())
    assert created.entered_late()  # entered on 2026-12-02 or later, a month after receipt


def test_editors_who_are_not_handlers_see_no_applications(client, world):
    client.force_login(world["editor"])
    assert denied(client.get(reverse(INDEX)))
    assert denied(client.get(case_url(world["school_app"])))
    assert denied(client.get(reverse("govopen_application_file", args=[world["file"].pk])))


def test_case_actions_end_to_end_with_letters(client, world):
    admin = get_user_model().objects.create_superuser("root", "r@example.invalid", "pw")
    client.force_login(admin)
    application = world["bureau_app"]
    url = case_url(application)
    page = client.get(url).content.decode()
    assert "2026-10-30" in page and "2026-10-10" in page  # due date and the make-up day, explained
    handlers = select_values(page, "assign-handler")
    assert handlers and str(world["handler"].pk) not in handlers  # the school's handler cannot take a bureau case
    assert f'value="{admin.pk}"' in page

    def act(action, **fields):
        data = {"action": action, **{f"{action}-{k}": v for k, v in fields.items()}}
        return client.post(url, data)

    assert act("correction", on="2026-09-30", due="2026-10-20", items="请写明文件名称").status_code == 302
    refused = act("correction", on="2026-09-30", due="2026-10-20", items="again")
    assert refused.status_code in (302, 400)  # the action is no longer offered, and the rule refuses it
    application.refresh_from_db()
    assert application.state == "correction" and application.correction_items == "请写明文件名称"
    bad = act("corrected", on="2026-09-29")
    assert bad.status_code == 400 and "2026-09-30" in bad.content.decode()
    assert act("corrected", on="2026-10-12").status_code == 302
    assert act("pause", kind="third_party", party="某某公司", on="2026-10-14", note="").status_code == 302
    assert "2026-11-04" in client.get(url).content.decode()  # the opinion is due 15 working days later
    assert act("end_pause", on="2026-10-20", note="不同意公开").status_code == 302
    response = act("reply", outcome="partial", reason="涉及第三方商业秘密的部分不予公开", on="2026-11-05", fee="")
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.state == "replied" and application.reply_number.startswith("泉教依复〔2026〕")
    page = client.get(url).content.decode()
    assert "第三十七条" in page  # the reply letter's form is filled in
    response = client.post(url, {"action": "letter", "letter-kind": "reply", "letter-text": "王五：\n答复\n单位\n日期",
                                 "letter-sent_on": "2026-11-05"})
    assert response.status_code == 302
    letter = application.letters.filter(kind="reply", sent_on=dt.date(2026, 11, 5)).get()
    assert letter.text.startswith("王五：")
    download = client.get(reverse("govopen_application_letter", args=[letter.pk, "docx"]))
    assert download.status_code == 200 and "no-store" in download["Cache-Control"]
    history = client.get(url).content.decode()
    assert "root" in history and "replied" in history


def test_case_list_query_count_is_flat(client, world):
    admin = get_user_model().objects.create_superuser("root", "r@example.invalid", "pw")
    client.force_login(admin)
    page = world["bureau_page"]
    url = reverse(INDEX)
    client.get(url)
    few = count_queries(lambda: client.get(url))
    for i in range(12):
        application = service.submit_application(page, application_input(name=f"申请人{i}"))[0]
        service.start_pause(application, kind="fee", on=application.received_on)
    many = count_queries(lambda: client.get(url))
    assert many == few


def test_requestable_list_is_published_per_quarter_by_handlers(client, world):
    client.force_login(world["handler"])
    RequestableDocument.objects.create(page=world["school_page"], name="学校收费明细", added_on=dt.date(2026, 1, 1))
    response = client.post(reverse("govopen_requestable_publish"), {"page": world["bureau_page"].pk})
    assert response.status_code == 404 and not RequestableListRelease.objects.exists()
    client.post(reverse("govopen_requestable_publish"), {"page": world["school_page"].pk})
    release = RequestableListRelease.objects.get()
    assert release.page_id == world["school_page"].pk and release.entries == 1
    assert release.published_on == timezone.localdate()


def test_letter_templates_are_per_site(client, world):
    client.force_login(world["handler"])
    url = reverse("govopen_wagtail_lettertemplate_modeladmin_create")
    form = client.get(url).content.decode()
    sites = select_values(form, "site")
    assert str(world["school_page"].get_site().pk) in sites and str(world["bureau_page"].get_site().pk) not in sites
    response = client.post(url, {"site": world["school_page"].get_site().pk, "kind": "reply", "title": "答复书",
                                 "body": "{applicant}：{unknown}"})
    assert response.status_code == 200 and not LetterTemplate.objects.exists()


def test_requestable_list_import_is_all_or_nothing(client, world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(world["handler"])
    url = reverse("govopen_requestable_import")
    bad = "名称,文号,日期,发布单位\n校舍检查通报,泉教安[2025]12号,2025-11-20,安全科\n,,2025-13-01,\n"
    response = client.post(url, {"page": world["school_page"].pk,
                                 "file": SimpleUploadedFile("list.csv", bad.encode("utf-8"))})
    assert response.status_code == 200 and response.context["row_errors"][0][0] == 3
    assert not RequestableDocument.objects.exists()
    good = "名称,文号,日期,发布单位\n校舍检查通报,泉教安[2025]12号,2025年11月20日,安全科\n预算执行情况,,2026/3/1,财务科\n"
    response = client.post(url, {"page": world["school_page"].pk,
                                 "file": SimpleUploadedFile("list.csv", good.encode("gb18030"))})
    assert response.status_code == 302
    entry = RequestableDocument.objects.get(name="校舍检查通报")
    assert entry.document_number == "泉教安〔2025〕12号" and entry.date == dt.date(2025, 11, 20)
    client.post(url, {"page": world["school_page"].pk, "file": SimpleUploadedFile("list.csv", good.encode())})
    assert RequestableDocument.objects.count() == 2  # the same rows update, not duplicate
    response = client.post(url, {"page": world["bureau_page"].pk, "file": SimpleUploadedFile("l.csv", good.encode())})
    assert response.status_code == 200 and "page" in response.context["form"].errors


def test_a_page_with_applications_is_not_deleted(client, world):
    admin = get_user_model().objects.create_superuser("root", "r@example.invalid", "pw")
    client.force_login(admin)
    page = world["bureau_page"]
    response = client.post(reverse("wagtailadmin_pages:delete", args=[page.pk]), follow=True)
    assert type(page).objects.filter(pk=page.pk).exists()
    assert "1" in response.content.decode() and App.objects.filter(page=page).count() == 1


def test_a_handler_who_is_not_a_superuser_acts_on_own_cases(client, world):
    # The case page checked a permission named "change" that no user holds:
    # only superusers could act.
    client.force_login(world["handler"])
    url = case_url(world["school_app"])
    response = client.post(url, {"action": "note", "note-kind": "note", "note-text": "已电话联系申请人"})
    assert response.status_code == 302
    assert world["school_app"].notes.get().text == "已电话联系申请人"

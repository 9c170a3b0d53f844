"""Site isolation: a school's staff, on the same install as the bureau, can
neither see nor change the bureau's records, through every admin view,
export, report and form; and what the public sees is only what is public.

The school editor is set up as a real install would set one up
(``govopen_site_groups``): page permissions on the school's tree only, the
model permissions a school needs, a per-site grant for its profile.
"""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text

from govopen_wagtail import permissions
from govopen_wagtail.models import (
    CatalogCategory,
    CommentGroup,
    ConsultationComment,
    DocumentEffect,
    IndexNumberRecord,
    InterpretationPage,
    Notification,
    NormativeDocumentPage,
    OrganisationProfile,
    ValidityEvent,
)
from govopen_wagtail.services import comments as comment_service
from govopen_wagtail.services.site_groups import create_site_groups
from tests.factories import (
    SCHOOL_CODE,
    comment_input,
    make_catalog,
    make_consultation,
    make_consultation_index,
    make_document,
    make_library,
    make_platform,
    make_site,
)

pytestmark = pytest.mark.django_db

BUREAU_EMAIL = "bureau-secret@example.invalid"
BUREAU_PHONE = "13800000001"
SCHOOL_EMAIL = "school-parent@example.invalid"


def _comment(consultation, email, phone="", status=None, body="建议延长课后服务时间至十八点。"):
    comment, _created = comment_service.submit_comment(
        consultation.pk,
        comment_input(body=body, contact_email=email, contact_phone=phone, notify=True, display_name="张三"),
    )
    if status:
        ConsultationComment.objects.filter(pk=comment.pk).update(status=status)
        comment.refresh_from_db()
    return comment


def _build(site, label: str, email: str, phone: str = ""):
    platform = make_platform(site)
    library = make_library(platform.index)
    document = make_document(library, f"{label}〔2024〕1号", written=dt.date(2024, 3, 1), title=f"{label}文件")
    consultations = make_consultation_index(platform.index)
    consultation = make_consultation(consultations, title=f"{label}征求意见稿")
    draft_consultation = make_consultation(consultations, title=f"{label}草稿征求意见")
    comment = _comment(consultation, email, phone)
    hidden = _comment(draft_consultation, "draft-" + email, phone)
    draft_consultation.unpublish()  # back to draft: its comments are staff data still
    catalog = make_catalog(platform.index, title=f"{label}目录", imported=False)
    entry = CatalogCategory.objects.create(catalog=catalog, code="01", name=f"{label}事项", time_limit="20个工作日")
    Notification.objects.create(page=consultation, comment=comment, kind="published", recipient=email,
                                subject=f"{label}通知", body="x", status=Notification.Status.FAILED)
    return dict(platform=platform, library=library, document=document, consultation=consultation,
                draft=draft_consultation, comment=comment, hidden=hidden, catalog=catalog, entry=entry)


@pytest.fixture
def world(db):
    bureau_site = make_site("localhost", credit_code="11350500003598370M", name="泉州市教育局")
    school_site = make_site("school.localhost", default=False, credit_code=SCHOOL_CODE, name="泉州市实验学校")
    bureau = _build(bureau_site, "泉教办", BUREAU_EMAIL, BUREAU_PHONE)
    school = _build(school_site, "泉实校", SCHOOL_EMAIL)
    groups = create_site_groups(school_site)
    user = get_user_model().objects.create_user("teacher", "teacher@example.invalid", "pw")
    user.groups.add(groups.editors)
    moderator = get_user_model().objects.create_user("moderator", "m@example.invalid", "pw")
    moderator.groups.add(groups.moderators)
    return dict(bureau_site=bureau_site, school_site=school_site, bureau=bureau, school=school,
                user=user, moderator=moderator)


@pytest.fixture
def teacher(client, world):
    client.force_login(world["user"])
    return client


def denied(response) -> bool:
    """Refused: 403/404, or the Wagtail admin's "permission denied" redirect home."""
    if response.status_code in (403, 404):
        return True
    return response.status_code == 302 and response["Location"] == reverse("wagtailadmin_home")


def _index(model_name):
    return reverse(f"govopen_wagtail_{model_name}_modeladmin_index")


def _action(model_name, action, pk):
    return reverse(f"govopen_wagtail_{model_name}_modeladmin_{action}", args=[pk])


# The helper itself ---------------------------------------------------------------


def test_scope_of_a_school_editor_is_the_school_tree(world):
    scope = permissions.scope_for(world["user"])
    assert scope.paths == (world["school_site"].root_page.path,)
    assert permissions.user_can_act_on(world["user"], world["school"]["comment"])
    assert not permissions.user_can_act_on(world["user"], world["bureau"]["comment"])
    assert list(permissions.sites_for_user(world["user"])) == [world["school_site"]]


def test_moderators_get_their_site_through_a_site_permission(world):
    scope = permissions.scope_for(world["moderator"])
    assert scope.covers_path(world["school"]["consultation"].path)
    assert not scope.covers_path(world["bureau"]["consultation"].path)


def test_superusers_and_strangers(world):
    admin = get_user_model().objects.create_superuser("root", "r@example.invalid", "pw")
    stranger = get_user_model().objects.create_user("nobody", "n@example.invalid", "pw")
    assert permissions.filter_for_user(ConsultationComment.objects.all(), admin).count() == 4
    assert permissions.filter_for_user(ConsultationComment.objects.all(), stranger).count() == 0


# Comments, groups, notifications ----------------------------------------------------


def test_comment_queue_lists_only_the_own_site(teacher, world):
    html = teacher.get(_index("consultationcomment")).content.decode()
    assert world["school"]["comment"].receipt_number in html
    assert world["bureau"]["comment"].receipt_number not in html
    assert world["bureau"]["hidden"].receipt_number not in html
    # The consultation filter offers the school's consultations only.
    assert "泉实校征求意见稿" in html
    assert "泉教办征求意见稿" not in html and "泉教办草稿征求意见" not in html


@pytest.mark.parametrize("export", ["csv", "xlsx"])
def test_comment_export_carries_no_other_site_contacts(teacher, world, export):
    response = teacher.get(_index("consultationcomment") + f"?export={export}")
    assert response.status_code == 200
    data = b"".join(response.streaming_content) if response.streaming else response.content
    if export == "xlsx":
        from openpyxl import load_workbook

        sheet = load_workbook(io.BytesIO(data)).active
        data = "\n".join(str(c.value) for row in sheet.iter_rows() for c in row).encode()
    text = data.decode("utf-8", "replace")
    assert SCHOOL_EMAIL in text
    for marker in (BUREAU_EMAIL, "draft-" + BUREAU_EMAIL, BUREAU_PHONE):
        assert marker not in text


@pytest.mark.parametrize("action", ["inspect", "history"])
def test_other_site_comment_cannot_be_inspected(teacher, world, action):
    own = teacher.get(_action("consultationcomment", action, world["school"]["comment"].pk))
    other = teacher.get(_action("consultationcomment", action, world["bureau"]["comment"].pk))
    assert own.status_code == 200
    assert denied(other)
    assert BUREAU_EMAIL.encode() not in other.content


def test_history_view_checks_permission_at_all(client, world):
    # A user with admin access but no comment permission at all.
    user = get_user_model().objects.create_user("clerk", "c@example.invalid", "pw")
    from django.contrib.auth.models import Permission

    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(user)
    response = client.get(_action("consultationcomment", "history", world["school"]["comment"].pk))
    assert response.status_code in (302, 403, 404)


def test_moderation_cannot_touch_another_site(teacher, world):
    bureau_comment, school_comment = world["bureau"]["comment"], world["school"]["comment"]
    response = teacher.post(
        reverse("govopen_comment_moderate"),
        {"ids": [bureau_comment.pk, school_comment.pk], "action": "publish"},
    )
    assert response.status_code == 302
    bureau_comment.refresh_from_db()
    school_comment.refresh_from_db()
    assert bureau_comment.status == ConsultationComment.Status.PENDING
    assert school_comment.status == ConsultationComment.Status.PUBLISHED


def test_staff_entry_cannot_target_another_sites_consultation(teacher, world):
    before = ConsultationComment.objects.count()
    response = teacher.post(
        reverse("govopen_wagtail_consultationcomment_modeladmin_create"),
        {"consultation": world["bureau"]["consultation"].pk, "channel": "email",
         "received_at": timezone.now().strftime("%Y-%m-%d %H:%M"), "body": "信件意见", "display_name": "",
         "commenter_category": "individual", "status": "pending"},
    )
    assert response.status_code == 200  # the form again, with the error
    assert ConsultationComment.objects.count() == before
    form = teacher.get(reverse("govopen_wagtail_consultationcomment_modeladmin_create")).content.decode()
    assert "泉教办征求意见稿" not in form and "泉实校征求意见稿" in form


def test_comment_groups_of_another_site_stay_out_of_reach(teacher, world):
    bureau_group = CommentGroup.objects.get(consultation=world["bureau"]["consultation"])
    school_group = CommentGroup.objects.get(consultation=world["school"]["consultation"])
    html = teacher.get(_index("commentgroup")).content.decode()
    assert "泉教办征求意见稿" not in html
    assert teacher.get(_action("commentgroup", "edit", school_group.pk)).status_code == 200
    assert denied(teacher.get(_action("commentgroup", "edit", bureau_group.pk)))
    response = teacher.post(_action("commentgroup", "edit", bureau_group.pk),
                            {"disposition": "adopted", "summary": "改", "reason": ""})
    assert denied(response)
    bureau_group.refresh_from_db()
    assert bureau_group.disposition == CommentGroup.Disposition.UNDECIDED


def test_notifications_are_listed_per_site(teacher, world):
    html = teacher.get(_index("notification")).content.decode()
    assert SCHOOL_EMAIL in html and BUREAU_EMAIL not in html
    bureau_note = Notification.objects.get(recipient=BUREAU_EMAIL)
    assert denied(teacher.get(_action("notification", "inspect", bureau_note.pk)))
    teacher.post(reverse("govopen_notifications_retry"))
    bureau_note.refresh_from_db()
    assert bureau_note.status == Notification.Status.FAILED  # untouched


# The validity ledger, the catalog, index numbers, the profile ------------------------


def test_validity_event_cannot_be_recorded_on_another_sites_document(teacher, world):
    url = reverse("govopen_wagtail_validityevent_modeladmin_create")
    assert teacher.get(url).status_code == 200
    response = teacher.post(url, {"document": world["bureau"]["document"].pk, "kind": "repealed",
                                  "effective_date": "2025-01-01", "reason": "废止"})
    assert response.status_code == 200
    assert not ValidityEvent.objects.filter(document=world["bureau"]["document"]).exists()
    # Nor by naming another site's document as the acting one.
    response = teacher.post(url, {"document": world["school"]["document"].pk, "kind": "repealed",
                                  "acting_document": world["bureau"]["document"].pk,
                                  "effective_date": "2025-01-01", "reason": "废止"})
    assert not ValidityEvent.objects.filter(document=world["school"]["document"]).exists()


def test_cross_site_validity_event_refused_by_the_model(world):
    from django.core.exceptions import ValidationError

    event = ValidityEvent(document=world["school"]["document"], kind="repealed",
                          acting_document=world["bureau"]["document"], effective_date=dt.date(2025, 1, 1))
    with pytest.raises(ValidationError) as info:
        event.full_clean()
    assert "acting_document" in info.value.message_dict


def test_catalog_entries_are_per_site(teacher, world):
    html = teacher.get(_index("catalogcategory")).content.decode()
    assert "泉实校事项" in html and "泉教办事项" not in html and "泉教办目录" not in html
    assert denied(teacher.get(_action("catalogcategory", "edit", world["bureau"]["entry"].pk)))
    assert teacher.get(_action("catalogcategory", "edit", world["school"]["entry"].pk)).status_code == 200


def test_catalog_import_only_into_own_catalogs(teacher, world):
    url = reverse("govopen_catalog_import")
    assert "泉教办目录" not in teacher.get(url).content.decode()
    from django.core.files.uploadedfile import SimpleUploadedFile

    csv_bytes = "事项编码,事项名称,公开时限\n99,外站事项,20个工作日\n".encode()
    response = teacher.post(url, {"catalog": world["bureau"]["catalog"].pk,
                                  "file": SimpleUploadedFile("c.csv", csv_bytes, "text/csv")})
    assert response.status_code == 200
    assert not CatalogCategory.objects.filter(catalog=world["bureau"]["catalog"], code="99").exists()


def test_index_number_ledger_is_per_site(teacher, world):
    bureau_numbers = IndexNumberRecord.objects.filter(site=world["bureau_site"])
    school_numbers = IndexNumberRecord.objects.filter(site=world["school_site"])
    assert bureau_numbers.exists() and school_numbers.exists()
    html = teacher.get(_index("indexnumberrecord")).content.decode()
    assert school_numbers.first().number in html
    assert not any(r.number in html for r in bureau_numbers)
    assert denied(teacher.get(_action("indexnumberrecord", "inspect", bureau_numbers.first().pk)))


def test_profile_of_another_site_cannot_be_edited(teacher, world):
    def url(site):
        return reverse("wagtailsettings:edit", args=["govopen_wagtail", "organisationprofile", site.pk])

    assert teacher.get(url(world["school_site"])).status_code == 200
    response = teacher.post(url(world["bureau_site"]), {"name": "被改名", "credit_code": SCHOOL_CODE})
    assert response.status_code in (302, 403)
    assert OrganisationProfile.objects.get(site=world["bureau_site"]).name == "泉州市教育局"


def test_profile_permission_granted_globally_still_stops_at_the_site(client, world):
    # The attacker: the plain model permission, which Wagtail reads
    # as "every site".
    from django.contrib.auth.models import Permission

    user = world["user"]
    user.user_permissions.add(Permission.objects.get(codename="change_organisationprofile"))
    client.force_login(get_user_model().objects.get(pk=user.pk))
    bureau_url = reverse("wagtailsettings:edit", args=["govopen_wagtail", "organisationprofile",
                                                       world["bureau_site"].pk])
    response = client.post(bureau_url, {"name": "被改名", "credit_code": SCHOOL_CODE})
    assert response.status_code in (302, 403)
    assert OrganisationProfile.objects.get(site=world["bureau_site"]).name == "泉州市教育局"


# Reports and the dashboard ------------------------------------------------------------


def test_reports_and_dashboard_cover_the_own_site_only(teacher, world):
    compliance = teacher.get(reverse("govopen_document_compliance")).content.decode()
    assert "泉实校文件" in compliance and "泉教办文件" not in compliance
    health = teacher.get(reverse("govopen_health")).content.decode()
    assert "泉实校事项" in health and "泉教办事项" not in health
    dashboard = teacher.get(reverse("wagtailadmin_home")).content.decode()
    # One pending comment is the school's (the draft consultation's is too);
    # the bureau's two pending ones are not counted.
    assert "2 条征求意见待审核" in dashboard or "2 consultation comments" in dashboard


# Page forms: links stay inside the site --------------------------------------------------


def _form(model, data, *, instance, parent, user):
    form_class = model.get_edit_handler().get_form_class()
    return form_class(nested_form_data(data), instance=instance, parent_page=parent, for_user=user)


def test_a_school_document_cannot_repeal_a_bureau_document(world):
    school, bureau = world["school"], world["bureau"]
    data = {
        "title": "泉实校新文件", "slug": "new-doc", "document_number": "泉实校〔2025〕1号",
        "issuers": [], "written_date": "2025-01-02", "published_date": "2025-01-03",
        "effective_date": "2025-01-03", "body": rich_text("正文"), "no_consultation_reason": "内部管理",
        "comments": inline_formset([]), "attachments": inline_formset([]),
        "effects": inline_formset([{"target": bureau["document"].pk, "kind": "repealed", "note": ""}]),
    }
    form = _form(NormativeDocumentPage, data, instance=NormativeDocumentPage(), parent=school["library"],
                 user=world["user"])
    assert not form.is_valid()
    assert "另一个网站" in str(form.formsets["effects"].errors) or "another website" in str(
        form.formsets["effects"].errors)


def test_apply_effects_never_crosses_sites(world):
    school, bureau = world["school"], world["bureau"]
    document = school["document"]
    DocumentEffect.objects.create(page=document, target=bureau["document"], kind="repealed")
    assert document.apply_effects() == []
    assert not ValidityEvent.objects.filter(document=bureau["document"]).exists()


def test_an_interpretation_cannot_explain_another_sites_document(world):
    data = {"title": "解读", "slug": "jd", "document": world["bureau"]["document"].pk, "form": "text",
            "body": rich_text("解读正文"), "comments": inline_formset([])}
    form = _form(InterpretationPage, data, instance=InterpretationPage(), parent=world["school"]["library"],
                 user=world["user"])
    assert not form.is_valid() and "document" in form.errors
    data["document"] = world["school"]["document"].pk
    form = _form(InterpretationPage, data, instance=InterpretationPage(), parent=world["school"]["library"],
                 user=world["user"])
    assert form.is_valid(), form.errors


def test_an_item_is_filed_only_in_its_own_sites_catalog(world):
    from govopen_wagtail.models import DisclosureItemPage

    parent = world["school"]["platform"].active
    data = {"title": "学校信息", "slug": "xx", "summary": "", "generated_date": "2025-01-02",
            "catalog_category": world["bureau"]["entry"].pk, "body": rich_text("x"),
            "comments": inline_formset([]), "attachments": inline_formset([])}
    form = _form(DisclosureItemPage, data, instance=DisclosureItemPage(), parent=parent, user=world["user"])
    assert "catalog_category" in form.fields
    choices = list(form.fields["catalog_category"].queryset)
    assert world["school"]["entry"] in choices and world["bureau"]["entry"] not in choices
    assert not form.is_valid() and "catalog_category" in form.errors


def test_a_catalog_entry_cannot_take_another_sites_page_as_source(world):
    from django.core.exceptions import ValidationError

    entry = world["school"]["entry"]
    entry.source_page = world["bureau"]["library"]
    with pytest.raises(ValidationError) as info:
        entry.full_clean()
    assert "source_page" in info.value.message_dict


# A new school joins ---------------------------------------------------------------


def test_a_new_school_joins_with_its_own_groups(client, world):
    third = make_site("school2.localhost", default=False, name="第二实验学校", credit_code=SCHOOL_CODE)
    out = io.StringIO()
    call_command("govopen_site_groups", "school2.localhost", stdout=out)
    assert "第二实验学校" in out.getvalue()
    user = get_user_model().objects.create_user("teacher2", "t2@example.invalid", "pw")
    from django.contrib.auth.models import Group

    editors = Group.objects.filter(name__startswith="第二实验学校", page_permissions__isnull=False).distinct().get()
    user.groups.add(editors)
    client.force_login(user)
    html = client.get(_index("consultationcomment")).content.decode()
    assert world["school"]["comment"].receipt_number not in html
    assert world["bureau"]["comment"].receipt_number not in html
    assert permissions.scope_for(user).paths == (third.root_page.path,)


# Choosers ---------------------------------------------------------------------------


def test_page_chooser_offers_no_drafts_of_another_site(teacher, world):
    bureau_consultations = world["bureau"]["draft"].get_parent()
    url = reverse("wagtailadmin_choose_page_child", args=[bureau_consultations.pk])
    html = teacher.get(url).json()["html"]
    assert "泉教办征求意见稿" in html  # public anyway
    assert "泉教办草稿征求意见" not in html
    own = teacher.get(reverse("wagtailadmin_choose_page_child", args=[world["school"]["draft"].get_parent().pk]))
    assert "泉实校草稿征求意见" in own.json()["html"]


def test_page_chooser_search_offers_no_drafts_of_another_site(teacher, world):
    response = teacher.get(reverse("wagtailadmin_choose_page_search"), {"q": "草稿"})
    assert response.status_code == 200
    assert "泉教办草稿征求意见" not in response.content.decode()


def test_history_of_install_wide_records_needs_their_permission(client, world):
    from django.contrib.auth.models import Permission

    from govopen_wagtail.models import HolidayOverride

    holiday = HolidayOverride.objects.create(date=dt.date(2027, 1, 1), name="元旦", is_working_day=False)
    clerk = get_user_model().objects.create_user("clerk2", "c2@example.invalid", "pw")
    clerk.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(clerk)
    assert denied(client.get(_action("holidayoverride", "history", holiday.pk)))

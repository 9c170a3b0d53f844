"""Normative documents: numbers, dates, validity from events, point in time."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from govopen_wagtail.models import (
    DocumentChangeNote,
    DocumentEffect,
    NormativeDocumentPage,
    SubjectCategory,
    Validity,
    ValidityEvent,
)
from tests.factories import make_document, make_library

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture
def library(platform):
    return make_library(platform.active)


def docs_in_force(on):
    return set(NormativeDocumentPage.objects.in_force(on).values_list("document_number", flat=True))


def test_the_22_subject_categories_are_seeded():
    assert SubjectCategory.objects.count() == 22
    assert SubjectCategory.objects.first().name == "国务院组织机构"
    assert SubjectCategory.objects.filter(name="科技、教育").exists()


def test_number_is_normalised_and_split_for_sorting(library):
    doc = make_document(library, "泉教规[2019]01号", written=D(2019, 3, 1))
    assert doc.document_number == "泉教规〔2019〕1号"
    assert (doc.number_issuer, doc.number_year, doc.number_serial) == ("泉教规", 2019, 1)


def test_duplicate_numbers_are_refused_in_any_written_form(library):
    make_document(library, "泉教规〔2019〕1号", written=D(2019, 3, 1))
    with pytest.raises(ValidationError) as caught:
        make_document(library, "泉教规【2019】第001号", written=D(2019, 3, 1))
    assert "已有文件使用文号 泉教规〔2019〕1号" in caught.value.message_dict["document_number"][0]


def test_unreadable_number_is_refused(library):
    with pytest.raises(ValidationError) as caught:
        make_document(library, "泉教规2019年1号", written=D(2019, 3, 1))
    assert "document_number" in caught.value.message_dict


@pytest.mark.parametrize(
    "fields, field",
    [
        ({"written": D(2020, 5, 1), "published": D(2020, 4, 30)}, "published_date"),
        ({"written": D(2020, 5, 1), "published": D(2020, 5, 2), "effective": D(2020, 4, 1)}, "effective_date"),
        ({"written": D(2020, 5, 1), "validity_end": D(2020, 4, 1)}, "validity_end"),
    ],
)
def test_dates_out_of_order_are_refused(library, fields, field):
    with pytest.raises(ValidationError) as caught:
        make_document(library, "泉教规〔2020〕9号", **fields)
    assert field in caught.value.message_dict


def test_a_new_document_with_a_validity_period_already_over_is_refused(library):
    with pytest.raises(ValidationError) as caught:
        make_document(library, "泉教规〔2020〕10号", written=D(2020, 1, 1), validity_end=D(2021, 1, 1))
    assert "已经届满" in caught.value.message_dict["validity_end"][0]


def test_validity_is_derived_from_dates(library):
    today = timezone.localdate()
    doc = make_document(
        library, "泉教规〔2026〕1号", written=today - dt.timedelta(days=10),
        effective=today + dt.timedelta(days=20), validity_end=today + dt.timedelta(days=400),
    )
    assert doc.validity_on(today) == Validity.NOT_YET_EFFECTIVE
    assert doc.validity_on(today + dt.timedelta(days=20)) == Validity.IN_FORCE
    assert doc.validity_on(today + dt.timedelta(days=400)) == Validity.IN_FORCE  # last day
    # Expires the day after the period ends, with no job having to run.
    assert doc.validity_on(today + dt.timedelta(days=401)) == Validity.EXPIRED


def test_repeal_from_the_new_document_updates_the_old_one_in_the_same_save(library):
    old = make_document(library, "泉教规〔2020〕2号", written=D(2020, 5, 10), title="校外培训机构管理暂行办法")
    new = make_document(
        library, "泉教规〔2022〕3号", written=D(2022, 3, 20), effective=D(2022, 4, 1),
        effects=[(old, "repealed")], title="校外培训机构监督管理办法",
    )
    event = ValidityEvent.objects.get(document=old)
    assert (event.kind, event.effective_date, event.acting_document_id) == ("repealed", D(2022, 4, 1), new.pk)
    assert old.validity_on(D(2022, 3, 31)) == Validity.IN_FORCE
    assert old.validity_on(D(2022, 4, 1)) == Validity.REPEALED
    # The repealed document stays published.
    old.refresh_from_db()
    assert old.live is True
    # Republishing does not record the repeal twice.
    new.save_revision().publish()
    assert ValidityEvent.objects.filter(document=old).count() == 1


def test_amended_documents_stay_in_force(library):
    old = make_document(library, "泉教规〔2019〕1号", written=D(2019, 3, 1))
    make_document(library, "泉教规〔2022〕2号", written=D(2022, 2, 1), effective=D(2022, 3, 1), effects=[(old, "amended")])
    assert old.validity_on(D(2022, 3, 1)) == Validity.AMENDED
    assert "泉教规〔2019〕1号" in docs_in_force(D(2022, 6, 1))


def test_point_in_time_register(library):
    a = make_document(library, "泉教规〔2019〕1号", written=D(2019, 3, 1))
    make_document(library, "泉教规〔2020〕2号", written=D(2020, 5, 10), validity_end=timezone.localdate() + dt.timedelta(days=30)) if False else None
    b = make_document(library, "泉教规〔2020〕5号", written=D(2020, 9, 1))
    make_document(library, "泉教规〔2022〕3号", written=D(2022, 3, 20), effective=D(2022, 4, 1), effects=[(b, "repealed")])
    assert docs_in_force(D(2019, 1, 1)) == set()
    assert docs_in_force(D(2020, 12, 31)) == {"泉教规〔2019〕1号", "泉教规〔2020〕5号"}
    assert docs_in_force(D(2022, 4, 1)) == {"泉教规〔2019〕1号", "泉教规〔2022〕3号"}
    assert a.pk


def test_staff_recorded_expiry_extension_and_external_repeal(library, django_user_model):
    user = django_user_model.objects.create_user("clerk")
    doc = make_document(library, "泉教规〔2020〕6号", written=D(2020, 9, 1), validity_end=timezone.localdate() + dt.timedelta(days=3650))
    # An extension moves the end of validity.
    doc2 = make_document(library, "泉教规〔2021〕1号", written=D(2021, 1, 1))
    NormativeDocumentPage.objects.filter(pk=doc2.pk).update(validity_end=D(2023, 12, 31))
    doc2.refresh_from_db()
    assert doc2.validity_on(D(2024, 1, 1)) == Validity.EXPIRED
    ext = ValidityEvent(document=doc2, kind="extended", effective_date=D(2023, 12, 1), new_end_date=D(2025, 12, 31), recorded_by=user)
    ext.full_clean()
    ext.save()
    assert doc2.validity_on(D(2024, 1, 1)) == Validity.IN_FORCE
    assert doc2.validity_on(D(2026, 1, 1)) == Validity.EXPIRED
    # Repealed by another body's document that is not in this library.
    ev = ValidityEvent(document=doc, kind="repealed", effective_date=D(2024, 5, 1), acting_number="闽教规[2024]3号")
    ev.full_clean()
    ev.save()
    assert ev.acting_number == "闽教规〔2024〕3号"
    assert doc.validity_on(D(2024, 5, 1)) == Validity.REPEALED
    assert ev.history.first().history_type == "+"


def test_repeal_after_expiry_keeps_the_document_expired(library):
    doc = make_document(library, "泉教规〔2021〕2号", written=D(2021, 1, 1))
    NormativeDocumentPage.objects.filter(pk=doc.pk).update(validity_end=D(2022, 12, 31))
    ValidityEvent.objects.create(document=doc, kind="repealed", effective_date=D(2023, 6, 1), acting_number="泉教规〔2023〕9号")
    assert doc.validity_on(D(2023, 7, 1)) == Validity.EXPIRED


def test_ledger_is_append_only(library):
    doc = make_document(library, "泉教规〔2021〕3号", written=D(2021, 1, 1))
    event = ValidityEvent.objects.create(document=doc, kind="expired", effective_date=D(2024, 1, 1))
    event.reason = "改写历史"
    with pytest.raises(ValidationError):
        event.save()


@pytest.mark.parametrize(
    "kind, fields, field",
    [
        ("extended", {}, "new_end_date"),
        ("repealed", {"effective_date": D(2018, 1, 1)}, "effective_date"),
        ("repealed", {"acting_number": "乱写的文号"}, "acting_number"),
    ],
)
def test_bad_ledger_entries_are_refused(library, kind, fields, field):
    doc = make_document(library, "泉教规〔2021〕4号", written=D(2021, 1, 1))
    event = ValidityEvent(document=doc, kind=kind, effective_date=fields.pop("effective_date", D(2024, 1, 1)), **fields)
    with pytest.raises(ValidationError) as caught:
        event.full_clean()
    assert field in caught.value.message_dict


def test_amending_a_later_document_is_refused(library):
    later = make_document(library, "泉教规〔2023〕1号", written=D(2023, 2, 1))
    with pytest.raises(ValidationError) as caught:
        make_document(library, "泉教规〔2022〕1号", written=D(2022, 1, 1), effects=[(later, "amended")])
    assert "泉教规〔2023〕1号" in caught.value.messages[0]


def test_repeal_cycles_are_refused(library):
    a = make_document(library, "泉教规〔2022〕5号", written=D(2022, 6, 1))
    b = make_document(library, "泉教规〔2022〕6号", written=D(2022, 6, 1), effects=[(a, "repealed")])
    a.effects = [DocumentEffect(target=b, kind="repealed")]
    with pytest.raises(ValidationError) as caught:
        a.full_clean()
    assert "泉教规〔2022〕6号" in caught.value.messages[0]


def test_a_document_cannot_repeal_itself(library):
    a = make_document(library, "泉教规〔2022〕7号", written=D(2022, 6, 1))
    a.effects = [DocumentEffect(target=a, kind="repealed")]
    with pytest.raises(ValidationError):
        a.full_clean()


def test_timeline_shows_dates_and_events_up_to_the_day(library):
    old = make_document(library, "泉教规〔2020〕2号", written=D(2020, 5, 1), published=D(2020, 5, 10), effective=D(2020, 6, 1))
    make_document(library, "泉教规〔2022〕3号", written=D(2022, 3, 20), effective=D(2022, 4, 1), effects=[(old, "repealed")])
    labels = [(e["date"], e["label"]) for e in old.timeline(D(2023, 1, 1))]
    assert labels == [
        (D(2020, 5, 1), "成文"), (D(2020, 5, 10), "发布"), (D(2020, 6, 1), "施行"), (D(2022, 4, 1), "废止"),
    ]
    assert [e["label"] for e in old.timeline(D(2021, 1, 1))] == ["成文", "发布", "施行"]


def test_expiring_within_the_warning_window(library):
    today = timezone.localdate()
    soon = make_document(library, "泉教规〔2026〕4号", written=today - dt.timedelta(days=30), validity_end=today + dt.timedelta(days=60))
    make_document(library, "泉教规〔2026〕5号", written=today - dt.timedelta(days=30), validity_end=today + dt.timedelta(days=400))
    assert list(NormativeDocumentPage.objects.expiring_within(183).values_list("pk", flat=True)) == [soon.pk]


def test_interpretation_deadline_counts_working_days(library):
    doc = make_document(library, "泉教规〔2026〕6号", written=D(2026, 2, 10), published=D(2026, 2, 13))
    # Friday 13 Feb 2026 + 3 working days: Sat 14 (make-up day), then 24, 25 after Spring Festival.
    assert doc.interpretation_deadline().date == D(2026, 2, 25)


def test_change_notes_are_required_to_republish_and_kept(admin_client_for, library):
    from django.urls import reverse
    from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text

    client, _user = admin_client_for()
    doc = make_document(library, "泉教规〔2024〕2号", written=D(2024, 3, 1))
    url = reverse("wagtailadmin_pages:edit", args=[doc.pk])

    def post(**changes):
        data = {
            "title": "近视综合防控实施方案", "slug": doc.slug, "document_number": doc.document_number,
            "issuers": [str(i.pk) for i in doc.issuers.all()], "written_date": "2024-03-01",
            "published_date": "2024-03-01", "effective_date": "2024-03-01", "body": rich_text("<p>正文</p>"),
            "effects": inline_formset([]), "attachments": inline_formset([]), "change_note": "",
            "action-publish": "publish",
        }
        data.update(changes)
        if not data.get("minor_change"):
            data.pop("minor_change", None)
        issuers = data.pop("issuers")
        flat = nested_form_data(data)
        flat["issuers"] = issuers  # multi-valued: nested_form_data would flatten it
        return client.post(url, flat)

    response = post()
    assert response.status_code == 200
    assert "请说明修改内容" in response.content.decode()

    response = post(change_note="第三条增加了近视防控措施。")
    assert response.status_code == 302, response.context["form"].errors
    note = DocumentChangeNote.objects.get(document=doc)
    assert note.note == "第三条增加了近视防控措施。" and not note.minor
    # The next edit starts with an empty note.
    assert client.get(url).context["form"]["change_note"].value() in ("", None)

    assert post(minor_change="on", title="再次修改").status_code == 302
    assert DocumentChangeNote.objects.filter(document=doc).count() == 1


def test_a_repeal_that_takes_effect_later_is_announced_now(client, platform):
    import datetime as dt

    from django.utils import timezone

    from tests.factories import make_document, make_library

    library = make_library(platform.active)
    old = make_document(library, "泉教规〔2020〕2号", written=dt.date(2020, 5, 6), title="旧办法")
    later = timezone.localdate() + dt.timedelta(days=30)
    make_document(library, "泉教规〔2026〕9号", written=timezone.localdate(), effective=later,
                  title="新办法", effects=[(old, "repealed")])
    html = client.get(old.url).content.decode()
    assert old.validity_on() == "in_force"  # still in force today
    assert later.isoformat() in html and "新办法" in html
    notice = html.split("govopen-notice-coming")[1].split("</p>")[0]
    assert "废止" in notice
    timeline = html.split('id="govopen-timeline"')[1]
    assert later.isoformat() in timeline


def test_a_document_page_is_kept_rendered_until_what_it_shows_changes(client, platform):
    from django.core.cache import cache

    from govopen_wagtail.models import Validity
    from tests.factories import count_queries, make_document, make_library

    library = make_library(platform.active)
    old = make_document(library, "泉教规〔2020〕3号", written=D(2020, 5, 6), title="旧办法")
    client.get(old.url)
    cache.clear()
    cold = count_queries(lambda: client.get(old.url))
    warm = count_queries(lambda: client.get(old.url))
    # The metadata, files, ledger, interpretations and history are not read again.
    assert warm <= cold - 5, (cold, warm)

    today = timezone.localdate()
    make_document(library, "泉教规〔2026〕10号", written=today - dt.timedelta(days=3), effective=today,
                  title="新办法", effects=[(old, "repealed")])
    html = client.get(old.url).content.decode()
    assert str(Validity.REPEALED.label) in html and "新办法" in html
    # Another date is rendered for that date, not taken from today's.
    earlier = client.get(old.url + "?as_of=2021-01-01").content.decode()
    assert "新办法" not in earlier.split('id="govopen-timeline"')[1]
    assert str(Validity.IN_FORCE.label) in earlier
    # A bad date's notice stays on that answer only.
    assert "网址中的日期无效" in client.get(old.url + "?as_of=2021-13-45").content.decode()
    assert "网址中的日期无效" not in client.get(old.url).content.decode()
    # A published edit shows at once.
    old = old.specific_class.objects.get(pk=old.pk)
    old.title = "旧办法（修订本）"
    old.save_revision().publish()
    assert "旧办法（修订本）" in client.get(old.url).content.decode()

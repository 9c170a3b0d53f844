import pytest
from django.core.management import call_command
from wagtail.models import Site

from govopen_wagtail.models import (
    DisclosureGuidePage,
    DisclosureIndexPage,
    DisclosureItemPage,
    NormativeDocumentPage,
    OrganisationProfile,
)

pytestmark = pytest.mark.django_db


def test_demo_builds_a_bureau_and_a_school(client):
    call_command("load_demo", verbosity=0)
    assert Site.objects.count() == 3
    bureau = Site.objects.get(is_default_site=True)
    school = Site.objects.get(hostname="school.localhost")
    assert OrganisationProfile.for_site(bureau).name == "泉州市教育局"
    assert DisclosureIndexPage.objects.live().count() == 3

    guide = DisclosureGuidePage.objects.live().descendant_of(bureau.root_page).get()
    html = client.get(guide.url).content.decode()
    assert "泉州市教育局办公室" in html and "0595-22180000" in html
    assert guide.get_office().missing() == []

    items = DisclosureItemPage.objects.live().descendant_of(bureau.root_page)
    assert items.count() >= 6
    assert all(i.index_number.startswith("11350500003598370M/") for i in items)
    plan = NormativeDocumentPage.objects.get(document_number="泉教办〔2018〕85号")
    assert plan.index_number == "11350500003598370M/2018-00001"
    assert plan.validity_on() == "expired"
    assert NormativeDocumentPage.objects.live().count() == 15
    joint = NormativeDocumentPage.objects.get(document_number="泉教规〔2019〕1号")
    assert joint.issuers.count() == 3  # issued jointly
    assert set(NormativeDocumentPage.objects.with_validity().values_list("validity", flat=True)) == {
        "in_force", "amended", "repealed", "expired", "not_yet_effective"
    }

    school_index = DisclosureIndexPage.objects.live().descendant_of(school.root_page).get()
    response = client.get("/xxgk/", HTTP_HOST="school.localhost:8000")
    assert response.status_code == 200
    assert school_index.title in response.content.decode()


def test_demo_is_idempotent_and_can_be_reset():
    call_command("load_demo", verbosity=0)
    count = DisclosureItemPage.objects.count()
    call_command("load_demo", verbosity=0)
    assert DisclosureItemPage.objects.count() == count
    call_command("load_demo", "--reset", verbosity=0)
    assert DisclosureItemPage.objects.count() == count
    assert Site.objects.count() == 3


def test_demo_home_page_title_is_not_doubled(client):
    call_command("load_demo", verbosity=0)
    html = client.get("/").content.decode()
    title = html.split("<title>")[1].split("</title>")[0]
    assert title.count("泉州市教育局") == 1


def test_demo_school_cites_only_rules_that_apply_to_schools(client):
    call_command("load_demo", verbosity=0)
    html = client.get("/xxgk/", HTTP_HOST="school.localhost:8000").content.decode()
    assert "教办〔2010〕15号" in html
    assert "《中小学校信息公开》" not in html and "高等学校信息公开办法" not in html


def test_demo_school_teacher_sees_only_the_school(client):
    from django.contrib.auth import get_user_model
    from django.urls import reverse

    from govopen_wagtail.models import ConsultationComment

    call_command("load_demo", verbosity=0)
    client.force_login(get_user_model().objects.get(username="teacher"))
    html = client.get(reverse("govopen_wagtail_consultationcomment_modeladmin_index")).content.decode()
    assert ConsultationComment.objects.exists()
    assert not any(c.receipt_number in html for c in ConsultationComment.objects.all())  # all the bureau's


def test_a_schools_columns_use_the_words_for_schools(client):
    call_command("load_demo", verbosity=0)
    school = client.get("/xxgk/", HTTP_HOST="school.localhost:8000").content.decode()
    assert "信息公开指南" in school and "政府信息公开指南" not in school
    assert "政府信息公开年报" not in school
    bureau = client.get("/xxgk/").content.decode()
    assert "政府信息公开指南" in bureau and "政府信息公开年报" in bureau


def test_demo_annual_reports(client):
    call_command("load_demo", verbosity=0)
    from govopen_wagtail import annual_report
    from govopen_wagtail.models import AnnualReportPage

    report = AnnualReportPage.objects.get(slug="nb2025")
    assert report.live and report.cross_check_problems() == []
    html = client.get(report.get_url_parts()[2]).content.decode()
    assert "详见报告表格" not in html and "六、其他需要报告的事项" in html and "本年新收" in html
    assert report.interpretation is not None
    assert report.title in client.get(report.interpretation.get_url_parts()[2]).content.decode()
    from django.utils import timezone

    year = timezone.localdate().year
    draft = AnnualReportPage.objects.get(slug=f"nb{year}").get_latest_revision_as_object()
    assert not AnnualReportPage.objects.get(slug=f"nb{year}").live
    values = draft.values()
    # Generated from the demo's applications: every one received in 2026 is counted.
    from govopen_wagtail.models import InformationApplication

    received = InformationApplication.objects.filter(received_on__year=year, page__path__startswith=report.path[:8])
    assert values[annual_report.t3("new", "total")] == received.count() >= 1
    assert draft.cross_check_problems() == []


def test_demo_privacy_screening_finds_the_planted_data_and_holds_the_review(client):
    from govopen_wagtail.models import PrivacyFinding, PrivacyReviewTask
    from govopen_wagtail.services import privacy_audit, privacy_review

    call_command("load_demo", verbosity=0)
    school = Site.objects.get(hostname="school.localhost")
    open_findings = PrivacyFinding.objects.open().filter(site=school)
    where = {(f.document.filename.rsplit(".", 1)[-1] if f.document_id else "page", f.kind)
             for f in open_findings.select_related("document")}
    # In the page, the Word file and the Excel file, as planted.
    assert {("page", "id_number"), ("docx", "address"), ("docx", "mobile"), ("xlsx", "id_number"),
            ("xlsx", "address")} <= where
    # Last spring's exposed list was found, replaced and screened clean.
    spring = PrivacyFinding.objects.filter(source_label="2026年春季学期受助学生名单（原件）")
    assert spring.exists() and set(spring.values_list("status", flat=True)) == {"fixed"}
    # The bureau's pages hold nothing; a re-run finds nothing new.
    assert not PrivacyFinding.objects.exclude(site=school).exists()
    assert privacy_audit.audit().new == 0
    # The page waiting in the school's review cannot be approved as it is.
    waiting = DisclosureItemPage.objects.get(slug="shxs2026")
    state = waiting.current_workflow_task_state
    assert isinstance(state.task.specific, PrivacyReviewTask)
    assert [i.kind for i in privacy_review.review_task_state(state.pk).blocking] == ["id_number"]


def test_demo_messages_cover_every_state_and_count_on_time(client):
    from govopen_wagtail.models import MessagePage, PublicConcern, PublicMessage
    from govopen_wagtail.services import messages as service

    call_command("load_demo", verbosity=0)
    page = MessagePage.objects.get()
    messages = PublicMessage.objects.filter(page=page)
    today = service.local_now().date()
    assert messages.published().count() == 2
    assert messages.overdue(today).filter(state="forwarded").exists()
    assert messages.filter(state="forwarded").count() == 2
    error = messages.get(kind="error")
    assert error.about_page is not None and error.due_on > error.received_on
    assert messages.filter(state="held").count() == 1
    late = messages.get(subject="建议增加学校体育场地开放时间")
    assert late.on_time is False and not late.published
    assert PublicConcern.objects.on_time().count() == 1 and PublicConcern.objects.open().count() == 1
    # The public side: the published answers, masked, and the figures.
    listing = client.get(page.url + "answered/").content.decode()
    assert "学校课后服务收费问题" in listing and "校车接送时间过早" not in listing
    complaint = messages.get(subject="学校课后服务收费问题")
    detail = client.get(page.url + f"answered/{complaint.pk}/").content.decode()
    assert "13905951234" not in detail
    assert client.get(page.url + "statistics/").status_code == 200
    # A document page of the bureau carries the link to report an error.
    document = error.about_page.specific
    assert f"/xxgk/liuyan/?about={document.pk}" in client.get(document.url).content.decode()
    before = messages.count()
    call_command("load_demo", reset=True, verbosity=0)
    assert PublicMessage.objects.count() == before == 7


def test_demo_work_plan_is_imported_from_word_with_progress_per_quarter(client):
    from govopen_wagtail.models import TaskProgress, WorkPlanPage
    from govopen_wagtail.services import plans

    call_command("load_demo", verbosity=0)
    plan = WorkPlanPage.objects.get()
    assert plan.tasks.count() == 12 and plan.document.document_number == "泉教办〔2018〕85号"
    current = plans.period_of(plans.today())
    accepted = TaskProgress.objects.filter(task__page=plan).accepted()
    assert accepted.filter(site=None).count() == 12 * (current.number - 1)
    assert TaskProgress.objects.filter(task__page=plan).waiting().count() == 1
    school_report = TaskProgress.objects.get(site__hostname="school.localhost")
    assert school_report.task.site_assignments.get().site.hostname == "school.localhost"
    html = client.get(plan.url).content.decode()
    assert "行政审核审批科" in html
    if current.number > 1:
        progress = client.get(plan.url + f"progress/{current.year}/{current.number - 1}/").content.decode()
        assert "已完成" in progress
    call_command("load_demo", reset=True, verbosity=0)
    assert WorkPlanPage.objects.count() == 1
    # The bureau oversees the school: the demo superuser sees it ranked.
    from django.contrib.auth import get_user_model

    from govopen_wagtail.services import oversight

    admin = get_user_model().objects.get(username="admin")
    schools = list(oversight.subordinate_sites(admin))
    assert [s.hostname for s in schools] == ["school.localhost", "school2.localhost"]
    ranked = {s.name: s for s in oversight.score_sites(schools)}
    assert set(ranked) == {"泉州市实验学校", "泉州市第二实验小学"}
    # The first school exposes ID numbers; the second's guide is overdue for review.
    first = {i.key: i for i in ranked["泉州市实验学校"].indicators}
    second = {i.key: i for i in ranked["泉州市第二实验小学"].indicators}
    assert first["privacy"].value == 0 and second["privacy"].value == 1
    assert "2024-03-01" in second["guide"].reason and second["guide"].value < first["guide"].value


def _demo_database(tmp_path, monkeypatch, url):
    """The demo settings' default database as they read it with DATABASE_URL set to ``url`` (or unset)."""
    import runpy
    from pathlib import Path

    if url:
        monkeypatch.setenv("DATABASE_URL", url.format(tmp=tmp_path))
    else:
        monkeypatch.delenv("DATABASE_URL", raising=False)
    settings_file = Path(__file__).resolve().parent.parent / "example_site" / "example_site" / "settings.py"
    return runpy.run_path(str(settings_file))["DATABASES"]["default"]


@pytest.mark.parametrize("url", [None, "sqlite:///{tmp}/demo.sqlite3"])
def test_demo_serves_sqlite_with_write_ahead_logging(tmp_path, monkeypatch, url):
    """Several workers on one SQLite file: readers never wait for a captcha's write."""
    from django.db.utils import ConnectionHandler

    database = dict(_demo_database(tmp_path, monkeypatch, url), NAME=str(tmp_path / "demo.sqlite3"))
    connections = ConnectionHandler({"default": database})
    try:
        with connections["default"].cursor() as cursor:
            cursor.execute("PRAGMA journal_mode")
            assert cursor.fetchone()[0] == "wal"
            cursor.execute("PRAGMA synchronous")
            assert cursor.fetchone()[0] == 1  # NORMAL
            cursor.execute("PRAGMA busy_timeout")
            assert cursor.fetchone()[0] == 5000
    finally:
        connections.close_all()


@pytest.mark.parametrize("url", [None, "sqlite:///{tmp}/demo.sqlite3", "postgres://root@127.0.0.1:5432/demo"])
def test_demo_keeps_database_connections_between_requests(tmp_path, monkeypatch, url):
    """Opening a PostgreSQL connection per request cost more than a cached page."""
    database = _demo_database(tmp_path, monkeypatch, url)
    assert database["CONN_MAX_AGE"] == 60 and database["CONN_HEALTH_CHECKS"] is True

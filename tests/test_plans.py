"""Work plans: time limits and units read as the plans write them, the four
seed plans imported from Word (tables with merged cells and repeated
headers, and prose), Excel/CSV, all-or-nothing with each problem's place,
the import view's site isolation, and the public page."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from govopen_wagtail import plan_rules
from govopen_wagtail.models import OfficeUnit, PlanTask, TaskProgress
from govopen_wagtail.services.catalog_io import ImportFailed
from govopen_wagtail.services.plan_io import import_plan, read_plan
from govopen_wagtail.services.site_groups import create_site_groups
from tests import seed_plans
from tests.factories import SCHOOL_CODE, count_queries, make_platform, make_site, make_work_plan

D = dt.date
pytestmark = pytest.mark.django_db


# Time limits and units -------------------------------------------------------------


@pytest.mark.parametrize("text, due, recurrence, continuous", [
    ("年底前", D(2026, 12, 31), "", False),
    ("10月底前", D(2026, 10, 31), "", False),
    ("9月底前", D(2026, 9, 30), "", False),
    ("11月底前", D(2026, 11, 30), "", False),
    ("11月15日前", D(2026, 11, 15), "", False),
    ("2020年9月底前", D(2020, 9, 30), "", False),
    ("2月底前", D(2026, 2, 28), "", False),
    ("十月底前", D(2026, 10, 31), "", False),
    ("上半年", D(2026, 6, 30), "", False),
    ("第三季度", D(2026, 9, 30), "", False),
    ("持续推进", None, "", True),
    ("长期坚持", None, "", True),
    ("每季度", None, "quarterly", False),
    ("按月", None, "monthly", False),
    ("", None, "", False),
])
def test_time_limits_as_the_plans_write_them(text, due, recurrence, continuous):
    limit = plan_rules.parse_time_limit(text, 2026)
    assert (limit.due, limit.recurrence, limit.continuous) == (due, recurrence, continuous)


@pytest.mark.parametrize("text", ["下周", "13月底前", "2月30日前", "尽快吧", "12月32日前"])
def test_an_unreadable_time_limit_is_refused_with_an_example(text):
    with pytest.raises(plan_rules.TimeLimitError) as caught:
        plan_rules.parse_time_limit(text, 2026)
    assert text in caught.value.message and "年底前" in caught.value.message


@pytest.mark.parametrize("text, expected", [
    ("办公室、计财科；县区教育局", [("办公室", True), ("计财科", False), ("县区教育局", False)]),
    ("政策法规科牵头、各有关科室按职责分工负责；县区教育局",
     [("政策法规科", True), ("各有关科室", False), ("县区教育局", False)]),
    ("计财科\n校产办\n体育运动服务中心", [("计财科", True), ("校产办", False), ("体育运动服务中心", False)]),
    ("办公室牵头各科室", [("办公室", True), ("各科室", False)]),
    ("政策法规科，县、区教育局", [("政策法规科", True), ("县区教育局", False)]),
    ("中教科、基教科配合，职成科牵头", [("中教科", False), ("基教科", False), ("职成科", True)]),
    ("办公室、中教科，各县（市、区）教育局", [("办公室", True), ("中教科", False), ("各县（市、区）教育局", False)]),
    ("计划财务科、重大决策制定牵头科室", [("计划财务科", True), ("重大决策制定牵头科室", False)]),
    ("办公室、办公室", [("办公室", True)]),
])
def test_units_are_split_with_the_lead_kept(text, expected):
    assert [(u.name, u.lead) for u in plan_rules.split_units(text)] == expected


def test_prose_tasks_end_in_their_responsibility_nested_brackets_included():
    text = ("深入推进财政预决算信息公开（责任科室：办公室、计财科）。做好招生考试信息公开"
            "（责任科室：中教科，各县（市、区）教育局）。其余工作另行部署。")
    assert plan_rules.split_responsibility(text) == [
        ("深入推进财政预决算信息公开", "办公室、计财科"),
        ("做好招生考试信息公开", "中教科，各县（市、区）教育局"),
        ("其余工作另行部署。", ""),
    ]


# The four seeds -------------------------------------------------------------------


@pytest.fixture
def plan(platform):
    return make_work_plan(platform.rules)


def test_seed_000_table_with_numbers_and_time_limits(plan):
    data, source = seed_plans.plan_000()
    report = import_plan(plan, "2020年政务公开工作任务分解表.docx", data, create_units=True)
    assert report.ok, report.errors
    tasks = list(plan.tasks.prefetch_related("assignments__unit"))
    assert len(tasks) == len(source) == 39
    assert [t.number for t in tasks] == [str(n) for n in range(1, 40)]
    for task, row in zip(tasks, source):
        expected = [(u.name, u.lead) for u in plan_rules.split_units(row["units"])]
        assert [(a.unit.name, a.lead) for a in task.assignments.all()] == expected
        assert task.time_limit_text == row["limit"]
    first = tasks[0]
    assert first.section.startswith("一、围绕贯彻落实") and first.group == "（一）加强权力配置信息公开"
    assert [(a.unit.name, a.lead) for a in first.assignments.all()] == [("政策法规科", True), ("县区教育局", False)]
    assert first.due_on == D(2026, 12, 31) and tasks[1].due_on == D(2026, 10, 31)
    assert tasks[2].continuous and tasks[2].due_on is None
    assert sum(t.time_limit_text == "持续推进" for t in tasks) == sum(t.continuous for t in tasks)


def test_seed_001_line_breaks_in_unit_cells_and_no_time_limits(plan):
    data, source = seed_plans.plan_001()
    report = import_plan(plan, "001.docx", data, create_units=True)
    assert report.ok, report.errors
    tasks = list(plan.tasks.all())
    assert len(tasks) == len(source) == 29
    second = tasks[1]
    assert [a.unit.name for a in second.assignments.all()] == ["计财科", "校产办", "体育运动服务中心"]
    assert all(t.due_on is None and not t.continuous for t in tasks)
    assert tasks[0].group == "1．聚焦中心工作加强\n信息公开"


def test_seed_002_table_after_prose_with_two_level_work_content(plan):
    data, source = seed_plans.plan_002()
    report = import_plan(plan, "002.docx", data, create_units=True)
    assert report.ok, report.errors
    tasks = list(plan.tasks.all())
    assert len(tasks) == len(source) == 16
    assert [t.group for t in tasks] == [row["item"] for row in source]
    assert tasks[0].section == "一、组织推进" and tasks[0].group == "组织领导"
    assert "2.及时对政务公开机构人员进行备案" in tasks[0].requirements


def test_seed_004_prose_with_a_responsibility_after_each_task(plan):
    data, source = seed_plans.plan_004()
    report = import_plan(plan, "004.docx", data, create_units=True)
    assert report.ok, report.errors
    tasks = list(plan.tasks.all())
    assert len(tasks) == len(source) == 12
    assert tasks[0].requirements.endswith("以公开促进依法行政和政策落地见效")
    counties = [t for t in tasks if any(a.unit.name.startswith("各县（市、区）") for a in t.assignments.all())]
    assert counties and counties[0].assignments.first().unit.name == "办公室"
    assert OfficeUnit.objects.filter(name="行政审核审批科").count() == 1


# Bad input -------------------------------------------------------------------------


def xlsx(rows) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_excel_import_is_all_or_nothing_with_each_problem_placed(plan, site):
    OfficeUnit.objects.create(site=site, name="办公室")
    bad = xlsx([["工作任务", "具体要求", "责任单位", "时限要求"],
                ["一、组织保障", None, None, None],
                ["1", "调整政务公开领导小组", "办公室", "年底前"],
                ["2", "编制公开目录", "", "9月底前"],
                ["3", "开展培训", "办公室", "下周"]])
    report = import_plan(plan, "plan.xlsx", bad)
    assert not report.ok and not plan.tasks.exists()
    places = [place for place, _m in report.errors]
    assert places == ["工作表第 4 行", "工作表第 5 行"]
    good = xlsx([["工作任务", "具体要求", "责任单位", "时限要求"],
                 ["1", "调整政务公开领导小组", "办公室", "年底前"],
                 ["2", "开展培训", "办公室、组织人事科", "每季度"]])
    unknown = import_plan(plan, "plan.xlsx", good)
    assert not unknown.ok and "组织人事科" in unknown.errors[0][1] and not plan.tasks.exists()
    report = import_plan(plan, "plan.xlsx", good, create_units=True)
    assert report.ok and report.units_created == ["组织人事科"] and plan.tasks.count() == 2


def test_csv_in_gbk_imports_and_a_second_import_replaces(plan):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerows([["工作内容", "工作要求", "责任科室"], ["依申请公开", "规范答复", "办公室"]])
    report = import_plan(plan, "plan.csv", out.getvalue().encode("gb18030"), create_units=True)
    assert report.ok and plan.tasks.get().requirements == "规范答复"
    data, _source = seed_plans.plan_002()
    report = import_plan(plan, "002.docx", data, create_units=True)
    assert report.updated == 1 and plan.tasks.count() == 16


def test_files_that_cannot_be_plans_are_refused(plan):
    from docx import Document

    empty = io.BytesIO()
    document = Document()
    document.add_paragraph("本文件没有任务表。")
    document.save(empty)
    for name, data, words in [
        ("plan.docx", empty.getvalue(), "任务表"),
        ("plan.docx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64, "加密"),
        ("plan.docm", empty.getvalue(), "宏"),
        ("plan.docx", b"PK\x03\x04 broken", "Word"),
        ("plan.docx", b"", "空"),
    ]:
        with pytest.raises(ImportFailed) as caught:
            read_plan(name, data)
        assert words in str(caught.value.message), (name, caught.value.message)


# Admin and public page ---------------------------------------------------------------


def test_import_view_offers_only_own_plans_and_refuses_others(client):
    bureau = make_platform(make_site("localhost", name="泉州市教育局"))
    school = make_platform(make_site("school.localhost", default=False, credit_code=SCHOOL_CODE))
    bureau_plan = make_work_plan(bureau.rules, title="局工作要点")
    school_plan = make_work_plan(school.rules, title="学校工作要点")
    teacher = get_user_model().objects.create_user("teacher", "t@example.invalid", "pw")
    teacher.groups.add(create_site_groups(school.site).editors)
    client.force_login(teacher)
    url = reverse("govopen_plan_import")
    form = client.get(url).content.decode()
    assert "学校工作要点" in form and "局工作要点" not in form
    data, _source = seed_plans.plan_002()
    refused = client.post(url, {"page": bureau_plan.pk, "file": SimpleUploadedFile("p.docx", data),
                                "create_units": "on"})
    assert refused.status_code == 200 and not bureau_plan.tasks.exists()
    done = client.post(url, {"page": school_plan.pk, "file": SimpleUploadedFile("p.docx", data),
                             "create_units": "on"})
    assert done.status_code == 302 and school_plan.tasks.count() == 16
    assert set(OfficeUnit.objects.values_list("site", flat=True)) == {school.site.pk}
    nobody = get_user_model().objects.create_user("nobody", "n@example.invalid", "pw")
    client.force_login(nobody)
    assert client.get(url).status_code in (302, 403)


def test_public_plan_page_shows_the_tasks_with_flat_queries(client, plan):
    data, _source = seed_plans.plan_002()
    import_plan(plan, "002.docx", data, create_units=True)
    html = client.get(plan.url).content.decode()
    assert "一、组织推进" in html and "组织领导" in html and "办公室（牵头）" in html
    few = count_queries(lambda: client.get(plan.url))
    data, _source = seed_plans.plan_000()
    import_plan(plan, "000.docx", data, create_units=True)
    assert count_queries(lambda: client.get(plan.url)) == few
    assert PlanTask.objects.filter(page=plan).count() == 39


# Progress ---------------------------------------------------------------------------


@pytest.fixture
def running(platform, django_user_model):
    """A plan of seed 002 with its units, a unit member and an office user."""
    plan = make_work_plan(platform.rules, year=2026)
    data, _source = seed_plans.plan_002()
    import_plan(plan, "002.docx", data, create_units=True)
    office_unit = OfficeUnit.objects.get(name="办公室")
    member = django_user_model.objects.create_user("clerk", "c@example.invalid", "pw")
    office_unit.members.add(member)
    # A unit's staff member: reports on the unit's tasks, does not review.
    from django.contrib.auth.models import Group, Permission

    reporters = Group.objects.create(name="科室填报")
    reporters.permissions.set(Permission.objects.filter(codename__in=[
        "access_admin", "view_plantask", "add_taskprogress", "view_taskprogress"]))
    from wagtail.models import GroupPagePermission

    GroupPagePermission.objects.create(group=reporters, page=platform.site.root_page,
                                       permission=Permission.objects.get(codename="change_page"))
    member.groups.add(reporters)
    chief = django_user_model.objects.create_superuser("chief", "chief@example.invalid", "pw")
    return plan, office_unit, member, chief


def at(day):
    from unittest import mock

    from govopen_wagtail.calendar import DISCLOSURE_TIME_ZONE

    return mock.patch("govopen_wagtail.services.plans.today", return_value=day), dt.datetime(
        day.year, day.month, day.day, 10, tzinfo=DISCLOSURE_TIME_ZONE)


def test_a_unit_reports_on_its_own_tasks_only_and_the_office_accepts(running):
    from govopen_wagtail.services import plans as service

    plan, office_unit, member, chief = running
    mine = plan.tasks.filter(assignments__unit=office_unit).first()
    other = plan.tasks.exclude(assignments__unit=office_unit).first()
    patch, _when = at(D(2026, 5, 10))
    with patch:
        with pytest.raises(service.PlanError):
            service.report(other, office_unit, member, status="done", text="完成")
        outsider = OfficeUnit.objects.exclude(pk=office_unit.pk).filter(tasks__task=other).first()
        with pytest.raises(service.PlanError):
            service.report(other, outsider, member, status="done", text="完成")  # not on its staff
        with pytest.raises(service.PlanError):
            service.report(mine, office_unit, member, status="done", text="完成", evidence="见网站")
        progress = service.report(mine, office_unit, member, status="done", text="已建立制度",
                                  evidence="https://example.invalid/xxgk/zd/\n/xxgk/")
    assert progress.period_start == D(2026, 4, 1)  # the second quarter
    with pytest.raises(service.PlanError):
        service.accept(progress, member)  # not the office
    q2 = service.period(2026, 2)
    assert service.progress_rows(plan, q2)[0].reports == []  # not accepted yet: not public
    service.accept(progress, chief)
    row = next(r for r in service.progress_rows(plan, q2) if r.task == mine)
    assert row.status == "done" and row.reports == [progress]
    assert service.progress_rows(plan, service.period(2026, 1))[0].reports == []  # reported in Q2


def test_overdue_tasks_stand_out_and_the_year_summary(running):
    from govopen_wagtail.services import plans as service

    plan, office_unit, member, chief = running
    first, second = list(plan.tasks.filter(assignments__unit=office_unit)[:2])
    PlanTask.objects.filter(pk=first.pk).update(due_on=D(2026, 6, 30), time_limit_text="上半年")
    PlanTask.objects.filter(pk=second.pk).update(due_on=D(2026, 6, 30), time_limit_text="上半年")
    patch, _when = at(D(2026, 8, 1))
    with patch:
        done = service.report(second, office_unit, member, status="done", text="完成")
        going = service.report(first, office_unit, member, status="in_progress", text="推进中")
    for item in (done, going):
        service.accept(item, chief)
    rows = {r.task.pk: r for r in service.progress_rows(plan, service.period(2026, 3), on=D(2026, 8, 1))}
    assert rows[first.pk].overdue and not rows[second.pk].overdue
    summary = service.year_summary(plan)
    assert second.pk in [r.task.pk for r in summary.completed]
    assert first.pk in [r.task.pk for r in summary.carried_over]
    assert len(summary.completed) + len(summary.carried_over) + len(summary.not_done) == plan.tasks.count()


def test_public_progress_page_and_word_export(client, running):
    from docx import Document

    from govopen_wagtail.services import plans as service

    plan, office_unit, member, chief = running
    task = plan.tasks.filter(assignments__unit=office_unit).first()
    patch, _when = at(D(2026, 2, 10))
    with patch:
        report = service.report(task, office_unit, member, status="done", text="第一季度已建立制度",
                                evidence="/xxgk/zd/")
        service.accept(report, chief)
        waiting = service.report(task, office_unit, member, status="done", text="尚未审核的内容")
        page = client.get(plan.url + "progress/2026/1/")
        assert page.status_code == 200
        html = page.content.decode()
        assert "第一季度已建立制度" in html and "尚未审核的内容" not in html and 'href="/xxgk/zd/"' in html
        assert client.get(plan.url + "progress/2026/4/").status_code == 404  # not yet
        assert client.get(plan.url + "progress/2026/9/").status_code == 404
        word = client.get(plan.url + "progress/2026/1/word/")
        assert word.status_code == 200
        table = Document(io.BytesIO(word.content)).tables[0]
        assert any("第一季度已建立制度" in row.cells[5].text for row in table.rows)
    assert waiting.accepted_at is None


def test_progress_view_lets_units_report_and_the_office_review_within_their_site(client, running):
    plan, office_unit, member, chief = running
    other_site = make_platform(make_site("school.localhost", default=False, credit_code=SCHOOL_CODE))
    foreign = make_work_plan(other_site.rules, title="学校工作要点")
    client.force_login(member)
    url = reverse("govopen_plan_progress", args=[plan.pk])
    html = client.get(url).content.decode()
    assert f'name="t{plan.tasks.filter(assignments__unit=office_unit).first().pk}-text"' in html
    assert f'name="t{plan.tasks.exclude(assignments__unit=office_unit).first().pk}-text"' not in html
    assert client.get(reverse("govopen_plan_progress", args=[foreign.pk])).status_code == 404
    task = plan.tasks.filter(assignments__unit=office_unit).first()
    other = plan.tasks.exclude(assignments__unit=office_unit).first()
    prefix = f"t{task.pk}"
    bad = client.post(url, {"action": "report", "task": task.pk, f"{prefix}-unit": office_unit.pk,
                            f"{prefix}-status": "done", f"{prefix}-text": "完成", f"{prefix}-evidence": "见网站"})
    assert bad.status_code == 400 and "完成" in bad.content.decode()
    good = client.post(url, {"action": "report", "task": task.pk, f"{prefix}-unit": office_unit.pk,
                             f"{prefix}-status": "done", f"{prefix}-text": "完成"})
    assert good.status_code == 302
    refused = client.post(url, {"action": "report", "task": other.pk, f"t{other.pk}-unit": office_unit.pk,
                                f"t{other.pk}-status": "done", f"t{other.pk}-text": "x"})
    assert refused.status_code == 302 and refused["Location"] == reverse("wagtailadmin_home")
    report = TaskProgress.objects.get()
    assert client.post(url, {"action": "accept", "progress": report.pk}).status_code == 400  # not the office
    client.force_login(chief)
    assert "完成" in client.get(url).content.decode()
    client.post(url, {"action": "return", "progress": report.pk, "reason": "请补充佐证"})
    report.refresh_from_db()
    assert report.returned_reason == "请补充佐证" and report.accepted_at is None
    client.post(url, {"action": "accept", "progress": report.pk})
    report.refresh_from_db()
    assert report.accepted_at is not None and report.accepted_by == chief


# Tasks assigned down to schools ------------------------------------------------------


@pytest.fixture
def bureau_and_school(django_user_model):
    from govopen_wagtail.models import OrganisationProfile

    bureau = make_platform(make_site("localhost", name="泉州市教育局"))
    school = make_platform(make_site("school.localhost", default=False, credit_code=SCHOOL_CODE,
                                     name="泉州市实验学校"))
    stranger = make_platform(make_site("far.localhost", default=False, name="外地学校"))
    OrganisationProfile.objects.filter(site=school.site).update(supervisor=bureau.site)
    plan = make_work_plan(bureau.rules)
    data, _source = seed_plans.plan_002()
    import_plan(plan, "002.docx", data, create_units=True)
    chief = django_user_model.objects.create_superuser("chief", "chief@example.invalid", "pw")
    teacher = django_user_model.objects.create_user("teacher", "t@example.invalid", "pw")
    teacher.groups.add(create_site_groups(school.site).editors)
    return plan, bureau, school, stranger, chief, teacher


def test_a_task_is_assigned_down_and_the_school_reports_on_it(client, bureau_and_school):
    from govopen_wagtail.services import plans as service

    plan, bureau, school, stranger, chief, teacher = bureau_and_school
    task = plan.tasks.first()
    with pytest.raises(service.PlanError):
        service.assign_down(task, [stranger.site], chief)  # not supervised by the bureau
    with pytest.raises(service.PlanError):
        service.assign_down(task, [school.site], teacher)  # not the bureau's office
    assert service.assign_down(task, [school.site], chief) == 1
    other = plan.tasks.last()
    with pytest.raises(service.PlanError):
        service.report_for_site(other, school.site, teacher, status="done", text="完成")  # not assigned
    # The teacher sees the task in the admin, not the bureau's plan, and reports.
    client.force_login(teacher)
    page = client.get(reverse("govopen_plan_assigned")).content.decode()
    assert task.requirements[:20] in page and other.requirements[:20] not in page
    assert client.get(reverse("govopen_plan_progress", args=[plan.pk])).status_code == 404
    from govopen_wagtail.models import PlanTaskSite

    assignment = PlanTaskSite.objects.get()
    url = reverse("govopen_plan_assigned")
    bad = client.post(url, {"assignment": assignment.pk, f"a{assignment.pk}-status": "done",
                            f"a{assignment.pk}-text": ""})
    assert bad.status_code == 400 and not TaskProgress.objects.exists()
    done = client.post(url, {"assignment": assignment.pk, f"a{assignment.pk}-status": "done",
                             f"a{assignment.pk}-text": "学校已建立政务公开工作制度。"})
    assert done.status_code == 302
    report = TaskProgress.objects.get()
    assert report.site == school.site and report.unit is None and report.reporter_name == "泉州市实验学校"
    # Only the bureau's office accepts it (the teacher reviews at the school, not at the bureau).
    with pytest.raises(service.PlanError):
        service.accept(report, teacher)
    service.accept(report, chief)
    rows = service.progress_rows(plan, service.period_of(service.today()))
    assert report in next(r for r in rows if r.task == task).reports
    # Another school's staff see nothing of it.
    far_teacher = get_user_model().objects.create_user("far", "f@example.invalid", "pw")
    far_teacher.groups.add(create_site_groups(stranger.site).editors)
    client.force_login(far_teacher)
    assert task.requirements[:20] not in client.get(url).content.decode()
    assert client.post(url, {"assignment": assignment.pk, f"a{assignment.pk}-status": "done",
                             f"a{assignment.pk}-text": "x"}).status_code == 404


def test_the_office_assigns_from_the_progress_page(client, bureau_and_school):
    from govopen_wagtail.models import PlanTaskSite

    plan, bureau, school, stranger, chief, teacher = bureau_and_school
    task = plan.tasks.first()
    client.force_login(chief)
    url = reverse("govopen_plan_progress", args=[plan.pk])
    assert "school.localhost" in client.get(url).content.decode()
    assert client.post(url, {"action": "assign", "task": task.pk, "sites": [stranger.site.pk]}).status_code == 400
    assert client.post(url, {"action": "assign", "task": task.pk, "sites": [school.site.pk]}).status_code == 302
    assert list(PlanTaskSite.objects.values_list("task", "site")) == [(task.pk, school.site.pk)]
    client.post(url, {"action": "assign", "task": task.pk})  # none chosen: the assignment is withdrawn
    assert not PlanTaskSite.objects.exists()


def test_a_unit_the_plan_calls_otherwise_is_mapped_to_the_sites_unit(plan, site):
    from govopen_wagtail.services.plan_io import parse_unit_map

    OfficeUnit.objects.create(site=site, name="计划财务科")
    OfficeUnit.objects.create(site=site, name="办公室")
    rows = xlsx([["工作任务", "具体要求", "责任单位", "时限要求"],
                 ["1", "预决算公开", "计财科牵头、计划财务科、办公室", "年底前"]])
    assert not import_plan(plan, "p.xlsx", rows).ok  # 计财科 unknown
    mapping, bad = parse_unit_map("计财科=计划财务科\n不是映射\n")
    assert mapping == {"计财科": "计划财务科"} and bad == ["不是映射"]
    wrong = import_plan(plan, "p.xlsx", rows, unit_map={"计财科": "财务处"})
    assert not wrong.ok and "财务处" in wrong.errors[0][1]
    report = import_plan(plan, "p.xlsx", rows, unit_map=mapping)
    assert report.ok and not report.units_created
    task = plan.tasks.get()
    assert [(a.unit.name, a.lead) for a in task.assignments.all()] == [("计划财务科", True), ("办公室", False)]


def test_the_annual_report_draws_on_the_year_summary(plan, platform):
    from govopen_wagtail.models import AnnualReportPage
    from tests.factories import publish

    data, _source = seed_plans.plan_002()
    import_plan(plan, "002.docx", data, create_units=True)
    report = publish(platform.reports, AnnualReportPage(title="2026年报", year=2026))
    summary = report.plan_summary()
    assert summary["plan"] == plan and summary["not_done"] == 16 and summary["completed"] == 0

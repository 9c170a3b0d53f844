"""Reading a work plan from the files bureaus have: a Word file with the task
table (merged cells, line breaks inside cells, the header row repeated on
each page), a Word file written in prose where each task ends in
“（责任科室：…）”, or an Excel/CSV task table.

:func:`read_plan` gives :class:`PlanRow` s with their place in the file;
:func:`check_plan` reads every time limit and unit list and lists every
problem with its place. Nothing here saves anything: the caller saves only
a plan without problems (all or nothing).
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from .. import plan_rules
from .catalog_io import ImportFailed, read_table

MAX_ROWS = 2000
HEADERS = {
    "task": ("工作任务", "工作内容", "重点任务", "主要任务", "任务", "项目"),
    "requirements": ("具体要求", "工作要求", "具体内容", "工作措施", "主要内容", "任务内容", "要求"),
    "units": ("责任单位", "责任科室", "责任部门", "责任处室", "牵头单位", "责任主体"),
    "time_limit": ("时限要求", "完成时限", "时间要求", "完成时间", "时限"),
}
_SECTION_RE = re.compile(r"^[一二三四五六七八九十]+[、．.]")
_GROUP_RE = re.compile(r"^[（(][一二三四五六七八九十]+[）)]|^\d+\s*[．.、](?!\d)\s*\S")
_NUMBER_RE = re.compile(r"^\d+[．.、]?$")


@dataclass
class PlanRow:
    place: str
    section: str = ""
    group: str = ""
    number: str = ""
    requirements: str = ""
    units: str = ""
    time_limit: str = ""


@dataclass
class CheckedTask:
    row: PlanRow
    limit: plan_rules.TimeLimit
    units: list[plan_rules.UnitRef]


@dataclass
class PlanCheck:
    tasks: list[CheckedTask] = field(default_factory=list)
    errors: list[tuple[str, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return bool(self.tasks) and not self.errors


def _clean(text: str) -> str:
    lines = [re.sub(r"[ \t\u3000]+", " ", line).strip() for line in (text or "").replace("\r", "\n").split("\n")]
    return "\n".join(line for line in lines if line)


def _header_columns(cells: list[str]) -> dict[str, list[int]]:
    """Which columns hold what, if ``cells`` is a header row."""
    found: dict[str, list[int]] = {}
    for i, text in enumerate(cells):
        compact = re.sub(r"\s", "", text)
        for key, names in HEADERS.items():
            if compact in names:
                found.setdefault(key, []).append(i)
                break
    return found if "requirements" in found and "units" in found else {}


def _rows_from_grid(grid: list[list[str]], place: str) -> list[PlanRow]:
    """Plan rows from a table as a grid of cell texts (a merged cell repeats
    its text in every grid position it covers, as python-docx gives it and
    as :func:`_xlsx_grid` fills it)."""
    columns: dict[str, list[int]] = {}
    header: list[str] = []
    rows: list[PlanRow] = []
    section = group = ""
    previous: list[str] = []
    for n, cells in enumerate(grid, start=1):
        cells = [_clean(c) for c in cells]
        if not columns:
            columns = _header_columns(cells)
            header = cells
            continue
        if cells == header or not any(cells):
            continue  # the header repeated on a new page; an empty row
        distinct = [c for i, c in enumerate(cells) if c and (i == 0 or c != cells[i - 1])]
        if len(distinct) == 1 and _SECTION_RE.match(distinct[0]) and len(set(cells)) <= 2:
            section, group = distinct[0], ""
            previous = cells
            continue
        number = ""
        for i in columns.get("task", []):
            text = cells[i] if i < len(cells) else ""
            if not text or (previous and i < len(previous) and previous[i] == text and not _NUMBER_RE.match(text)):
                continue  # a merged cell continued from the row above
            if _SECTION_RE.match(text) and not _GROUP_RE.match(text):
                section, group = text, ""
            elif _NUMBER_RE.match(text):
                number = text.rstrip("．.、")
            else:
                group = text

        def cell(key: str) -> str:
            return "\n".join(dict.fromkeys(cells[i] for i in columns.get(key, []) if i < len(cells) and cells[i]))

        requirements = cell("requirements")
        previous = cells
        if not requirements and not cell("units"):
            continue  # a heading row
        rows.append(PlanRow(place=_("%(place)s, row %(n)d") % {"place": place, "n": n}, section=section,
                            group=group, number=number, requirements=requirements, units=cell("units"),
                            time_limit=cell("time_limit")))
    return rows


def _docx(data: bytes):
    from docx import Document

    try:
        return Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise ImportFailed(_("The file is not a readable Word (.docx) document.")) from exc


def _docx_rows(document) -> list[PlanRow]:
    rows: list[PlanRow] = []
    for t, table in enumerate(document.tables, start=1):
        grid = [[cell.text for cell in row.cells] for row in table.rows]
        rows += _rows_from_grid(grid, _("table %(n)d") % {"n": t})
    return rows


def _prose_rows(document) -> list[PlanRow]:
    rows: list[PlanRow] = []
    section = group = ""
    for n, paragraph in enumerate(document.paragraphs, start=1):
        text = _clean(paragraph.text).replace("\n", "")
        if not text:
            continue
        pairs = plan_rules.split_responsibility(text)
        if not any(units for _task, units in pairs):
            if _SECTION_RE.match(text) and len(text) <= 60:
                section, group = text, ""
            elif re.match(r"^[（(][一二三四五六七八九十]+[）)]", text) and len(text) <= 60:
                group = text
            continue
        lead = re.match(r"^(\d+)\s*[．.、]\s*([^。；;]{2,40}?)[。；;]", text)
        if lead:
            group = f"{lead.group(1)}．{lead.group(2)}"
        for task, units in pairs:
            if not units:
                continue
            if lead and task.startswith(lead.group(0)):
                task = task[len(lead.group(0)):].strip()
            rows.append(PlanRow(place=_("paragraph %(n)d") % {"n": n}, section=section, group=group,
                                requirements=task.strip("。；; "), units=units))
    return rows


def read_plan(name: str, data: bytes) -> list[PlanRow]:
    """The plan's task rows, from a .docx (a task table, or prose with
    “（责任科室：…）”), an .xlsx or a .csv file."""
    if not data:
        raise ImportFailed(_("The file is empty."))
    lower = name.lower()
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise ImportFailed(_("The file is encrypted or in the old .doc/.xls format. Save it as .docx or .xlsx "
                             "without a password and try again."))
    if lower.endswith((".docm", ".xlsm")):
        raise ImportFailed(_("Files with macros are not accepted. Save the plan as .docx or .xlsx."))
    if lower.endswith(".docx"):
        document = _docx(data)
        if any(n.endswith("vbaProject.bin") for n in zipfile.ZipFile(io.BytesIO(data)).namelist()):
            raise ImportFailed(_("Files with macros are not accepted. Save the plan as .docx or .xlsx."))
        rows = _docx_rows(document) or _prose_rows(document)
        if not rows:
            raise ImportFailed(_("No task table was found in the Word file: a table needs a header row with "
                                 "具体要求 (or 工作要求) and 责任单位 (or 责任科室), and a plan in prose needs "
                                 "“（责任科室：…）” after each task."))
    else:
        grid = read_table(name, data)
        if len(grid) > MAX_ROWS:
            raise ImportFailed(_("The file has more than %(n)d rows.") % {"n": MAX_ROWS})
        # A merged cell of Excel reads as empty below its first row: carry the task column down.
        rows = _rows_from_grid(grid, _("sheet"))
        if not rows:
            raise ImportFailed(_("No task table was found: the first row must name the columns, with 具体要求 "
                                 "(or 工作要求) and 责任单位 (or 责任科室)."))
    if len(rows) > MAX_ROWS:
        raise ImportFailed(_("The plan has more than %(n)d tasks.") % {"n": MAX_ROWS})
    return rows


def check_plan(rows: list[PlanRow], year: int) -> PlanCheck:
    """Read every time limit and unit list; every problem with its place."""
    result = PlanCheck()
    for row in rows:
        problems = []
        try:
            limit = plan_rules.parse_time_limit(row.time_limit, year)
        except plan_rules.TimeLimitError as exc:
            problems.append(exc.message)
            limit = plan_rules.TimeLimit(row.time_limit)
        units = plan_rules.split_units(row.units)
        if not units:
            problems.append(_("No responsible unit is given."))
        if len(row.requirements) > 5000:
            problems.append(_("The requirements are longer than 5000 characters."))
        for unit in units:
            if len(unit.name) > 100:
                problems.append(_("The unit name “%(name)s…” is longer than 100 characters.") % {"name": unit.name[:20]})
        if problems:
            result.errors += [(row.place, p) for p in problems]
        else:
            result.tasks.append(CheckedTask(row, limit, units))
    if not rows:
        result.errors.append(("—", _("The plan has no tasks.")))
    return result


@dataclass
class PlanImportReport:
    created: int = 0
    updated: int = 0
    units_created: list[str] = field(default_factory=list)
    errors: list[tuple[str, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def parse_unit_map(text: str) -> tuple[dict[str, str], list[str]]:
    """``计财科=计划财务科`` lines (one name as the plan writes it, one as the
    site's unit is called) → a mapping, and the lines that are not such."""
    mapping, bad = {}, []
    for line in (text or "").splitlines():
        if not line.strip():
            continue
        written, sep, unit = line.replace("＝", "=").partition("=")
        if not sep or not written.strip() or not unit.strip():
            bad.append(line.strip())
            continue
        mapping[written.strip()] = unit.strip()
    return mapping, bad


def import_plan(page, name: str, data: bytes, *, create_units: bool = False,
                unit_map: dict[str, str] | None = None) -> PlanImportReport:
    """Replace ``page``'s tasks with those of the file, all or nothing.
    Units are the site's office units; a name in ``unit_map`` stands for the
    unit it maps to; one the site does not have yet is a problem unless
    ``create_units``."""
    from django.db import transaction

    from ..models import OfficeUnit, PlanTask, PlanTaskUnit

    report = PlanImportReport()
    checked = check_plan(read_plan(name, data), page.year)
    report.errors = list(checked.errors)
    site = page.get_site()
    known = {u.name: u for u in OfficeUnit.objects.filter(site=site)}
    for written, unit in (unit_map or {}).items():
        if unit not in known:
            report.errors.append(("—", _("“%(written)s” is mapped to “%(unit)s”, which is not one of this site's "
                                         "office units.") % {"written": written, "unit": unit}))
        else:
            known.setdefault(written, known[unit])
    missing: dict[str, str] = {}
    for task in checked.tasks:
        for unit in task.units:
            if unit.name not in known:
                missing.setdefault(unit.name, task.row.place)
    if missing and not create_units:
        report.errors += [(place, _("The unit “%(name)s” is not one of this site's office units. Add it under "
                                    "Office units, map it to one (e.g. 计财科=计划财务科), or tick “create the "
                                    "units that do not exist yet”.")
                           % {"name": unit}) for unit, place in missing.items()]
    if report.errors:
        return report
    with transaction.atomic():
        for unit in missing:
            known[unit] = OfficeUnit.objects.create(site=site, name=unit)
            report.units_created.append(unit)
        report.updated = page.tasks.count()
        page.tasks.all().delete()
        for order, task in enumerate(checked.tasks, start=1):
            row = task.row
            made = PlanTask.objects.create(
                page=page, sort_order=order, section=row.section[:255], group=row.group[:255],
                number=row.number[:10], requirements=row.requirements, units_text=row.units[:500],
                time_limit_text=row.time_limit[:100], due_on=task.limit.due, recurrence=task.limit.recurrence,
                continuous=task.limit.continuous, source=row.place[:100],
            )
            # Two names the plan writes may map to one unit: keep it once, leading if either leads.
            units: dict[int, PlanTaskUnit] = {}
            for u in task.units:
                unit = known[u.name]
                if unit.pk in units:
                    units[unit.pk].lead = units[unit.pk].lead or u.lead
                else:
                    units[unit.pk] = PlanTaskUnit(task=made, unit=unit, lead=u.lead)
            PlanTaskUnit.objects.bulk_create(list(units.values()))
        report.created = len(checked.tasks)
    return report

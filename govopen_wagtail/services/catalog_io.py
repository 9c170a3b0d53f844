"""Import and export a catalog as CSV or XLSX, in the columns of a
基层政务公开标准目录.

An import is all or nothing: every row is checked first and, if any row is
wrong, nothing is saved and each problem is reported with its row number.
CSV files may be UTF-8 (with or without BOM), UTF-16 (Excel's “Unicode
text”) or GBK/GB18030 (Excel's default “CSV” on Chinese Windows). Formulas are
never evaluated: a cell holding one is refused, and exported cells are
escaped so a spreadsheet never runs them.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext, gettext_lazy as _

from .. import catalog_rules
from ..models.catalog import CatalogCategory, CatalogPage
from .catalog import load_categories
from .exports import Column, to_csv, to_xlsx

COLUMNS = [
    Column("code", "事项编码"),
    Column("parent", "上级编码"),
    Column("name", "事项名称"),
    Column("content_elements", "公开内容（要素）"),
    Column("legal_basis", "公开依据"),
    Column("time_limit", "公开时限"),
    Column("responsible_unit", "公开主体"),
    Column("channels", "公开渠道和载体"),
    Column("audience", "公开对象"),
    Column("mode", "公开方式"),
]
_HEADER_ALIASES = {c.label: c.key for c in COLUMNS} | {c.key: c.key for c in COLUMNS} | {
    "编码": "code", "上级事项编码": "parent", "名称": "name", "公开事项": "name", "公开内容": "content_elements",
    "公开要素": "content_elements", "公开依据": "legal_basis", "时限": "time_limit", "公开主体": "responsible_unit",
    "责任科室": "responsible_unit", "公开渠道": "channels", "公开对象": "audience", "公开方式": "mode",
}
AUDIENCE = {"全社会": "public", "public": "public", "特定群众": "specific", "specific": "specific", "": "public"}
MODE = {"主动": "active", "主动公开": "active", "active": "active", "依申请": "application",
        "依申请公开": "application", "application": "application", "": "active"}
_CODE = re.compile(r"^[0-9A-Za-z][0-9A-Za-z.\-_]{0,39}$")
LIMITS = {"name": 200, "time_limit": 200, "responsible_unit": 200, "channels": 300}
MAX_ROWS = 5000


class ImportFailed(Exception):
    """The file as a whole cannot be read (encoding, format, headers)."""

    def __init__(self, message) -> None:
        super().__init__(str(message))
        self.message = message


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def _decode_csv(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ImportFailed(_("The file is neither UTF-8 nor GBK text. Save it from Excel as “CSV UTF-8” or as .xlsx."))


def read_table(name: str, data: bytes) -> list[list[str]]:
    """Rows of strings; formulas come back as ``=…`` (refused by the checks)."""
    if not data:
        raise ImportFailed(_("The file is empty."))
    if data[:4] == b"PK\x03\x04" or name.lower().endswith(".xlsx"):
        from openpyxl import load_workbook

        try:
            workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
        except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
            raise ImportFailed(_("The file is not a readable .xlsx workbook.")) from exc
        sheet = workbook.worksheets[0]
        rows = [["" if v is None else str(v) for v in row] for row in sheet.iter_rows(values_only=True)]
        workbook.close()
        return rows
    if b"\x00" in data and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ImportFailed(_("The file is not a text (CSV) file or an .xlsx workbook."))
    text = _decode_csv(data)
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",\t;")
    except csv.Error:
        dialect = csv.excel
    return [row for row in csv.reader(io.StringIO(text), dialect)]


def _header_map(header: list[str]) -> dict[str, int]:
    mapping = {}
    for i, label in enumerate(header):
        key = _HEADER_ALIASES.get(re.sub(r"\s+", "", label.strip().lstrip("\ufeff")))
        if key and key not in mapping:
            mapping[key] = i
    missing = [c.label for c in COLUMNS if c.key in ("code", "name") and c.key not in mapping]
    if missing:
        raise ImportFailed(
            _("The first row must name the columns; missing: %(columns)s.") % {"columns": "、".join(missing)}
        )
    return mapping


def check_rows(catalog: CatalogPage, rows: list[list[str]]) -> tuple[list[dict], list[tuple[int, str]]]:
    """Parse and check every row; returns (records, errors)."""
    if not rows:
        raise ImportFailed(_("The file is empty."))
    mapping = _header_map(rows[0])
    if len(rows) - 1 > MAX_ROWS:
        raise ImportFailed(_("The file has more than %(max)d rows.") % {"max": MAX_ROWS})
    existing = set(catalog.categories.values_list("code", flat=True))
    records, errors, seen = [], [], {}
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        record = {key: (row[i].strip() if i < len(row) else "") for key, i in mapping.items()}
        problems = []
        formulas = [key for key, value in record.items() if value.startswith("=")]
        if formulas:
            problems.append(gettext("a cell holds a formula (%(columns)s); enter the value itself")
                            % {"columns": "、".join(c.label for c in COLUMNS if c.key in formulas)})
        code = record.get("code", "")
        if not code:
            problems.append(gettext("the code is empty"))
        elif not _CODE.match(code):
            problems.append(gettext("the code “%(code)s” may contain only letters, digits, “.”, “-” and “_”") % {"code": code})
        elif code in seen:
            problems.append(gettext("the code %(code)s is used again (first in row %(row)d)") % {"code": code, "row": seen[code]})
        if not record.get("name"):
            problems.append(gettext("the name is empty"))
        for key, limit in LIMITS.items():
            if len(record.get(key, "")) > limit:
                problems.append(gettext("“%(column)s” is longer than %(limit)d characters")
                                % {"column": next(c.label for c in COLUMNS if c.key == key), "limit": limit})
        limit_text = record.get("time_limit") or "信息形成或变更之日起20个工作日内"
        try:
            record["parsed_limit"] = catalog_rules.parse_time_limit(limit_text)
            record["time_limit"] = limit_text
        except catalog_rules.TimeLimitError as exc:
            problems.append(str(exc.message))
        for key, values, label in (("audience", AUDIENCE, "公开对象"), ("mode", MODE, "公开方式")):
            value = record.get(key, "")
            if value not in values:
                problems.append(gettext("“%(column)s” must be one of %(choices)s, not “%(value)s”")
                                % {"column": label, "choices": "、".join(v for v in values if v and not v.isascii()),
                                   "value": value})
            else:
                record[key] = values[value]
        if code and code not in seen:
            seen[code] = number
        record["row"] = number
        if problems:
            errors.append((number, "；".join(problems)))
        records.append(record)
    codes = set(seen) | existing
    parents = {r["code"]: r.get("parent", "") for r in records}
    for record in records:
        parent = record.get("parent", "")
        if not parent:
            continue
        if parent == record["code"]:
            errors.append((record["row"], gettext("an entry cannot be its own parent")))
        elif parent not in codes:
            errors.append((record["row"], gettext("the parent code %(code)s is not in the file or the catalog")
                           % {"code": parent}))
        else:
            node, steps = parent, 0
            while node in parents and parents[node] and steps <= len(parents):
                node, steps = parents[node], steps + 1
                if node == record["code"]:
                    errors.append((record["row"], gettext("the parent codes form a loop")))
                    break
    if not records and not errors:
        raise ImportFailed(_("The file has no rows below the header."))
    return records, sorted(errors)


def import_catalog(catalog: CatalogPage, name: str, data: bytes) -> ImportReport:
    """Create or update entries by code; nothing is saved if any row is wrong."""
    records, errors = check_rows(catalog, read_table(name, data))
    report = ImportReport(errors=errors)
    if errors:
        return report
    with transaction.atomic():
        by_code = {c.code: c for c in catalog.categories.select_for_update()}
        start = max((c.sort_order for c in by_code.values()), default=0)
        for offset, record in enumerate(records, start=1):
            category = by_code.get(record["code"])
            if category is None:
                category = CatalogCategory(catalog=catalog, code=record["code"], sort_order=start + offset)
                report.created += 1
            else:
                report.updated += 1
            for key in ("name", "content_elements", "legal_basis", "time_limit", "responsible_unit", "channels",
                        "audience", "mode"):
                if key in record:
                    setattr(category, key, record[key])
            category.set_limit(record["parsed_limit"])
            category.parent = None if not record.get("parent") else category.parent
            category.save()
            by_code[category.code] = category
        for record in records:
            if record.get("parent"):
                category = by_code[record["code"]]
                category.parent = by_code[record["parent"]]
                category.save(update_fields=["parent"])
    return report


def export_rows(catalog: CatalogPage) -> list[dict]:
    return [
        {
            "code": c.code,
            "parent": c.parent.code if c.parent_id else "",
            "name": c.name,
            "content_elements": c.content_elements,
            "legal_basis": c.legal_basis,
            "time_limit": c.time_limit,
            "responsible_unit": c.responsible_unit,
            "channels": c.channels,
            "audience": "全社会" if c.audience == "public" else "特定群众",
            "mode": "主动" if c.mode == "active" else "依申请",
        }
        for c in load_categories_with_parents(catalog)
    ]


def load_categories_with_parents(catalog: CatalogPage) -> list[CatalogCategory]:
    categories = load_categories(catalog)
    by_id = {c.pk: c for c in categories}
    for category in categories:
        category.parent = by_id.get(category.parent_id)
    return categories


def export_catalog(catalog: CatalogPage, kind: str) -> tuple[bytes, str]:
    rows = export_rows(catalog)
    if kind == "xlsx":
        return to_xlsx(rows, COLUMNS, "目录"), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return to_csv(rows, COLUMNS), "text/csv; charset=utf-8"

"""Import the list of documents available on application (依申请公开目录)
from CSV or XLSX: columns 名称, 文号, 日期, 发布单位.

All or nothing, like the catalog import: every row is checked first; if any
is wrong nothing is saved and each problem is reported with its row number.
A row whose name and 文号 match an entry already listed updates it.
"""

from __future__ import annotations

import datetime as dt
import re

from django.db import transaction
from django.utils.translation import gettext, gettext_lazy as _

from .. import docnumber
from ..models.applications import ApplicationPage, RequestableDocument, local_today
from .catalog_io import ImportFailed, ImportReport, read_table

__all__ = ["ImportFailed", "ImportReport", "import_requestable", "HEADERS"]

HEADERS = {
    "名称": "name", "文件名称": "name", "信息名称": "name", "name": "name",
    "文号": "document_number", "发文字号": "document_number", "document_number": "document_number",
    "日期": "date", "成文日期": "date", "发布日期": "date", "date": "date",
    "发布单位": "issuing_unit", "发文单位": "issuing_unit", "责任单位": "issuing_unit", "issuing_unit": "issuing_unit",
}
MAX_ROWS = 5000
_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:\s+00:00(?::00)?)?$")


def _parse_date(text: str) -> dt.date:
    match = _DATE.match(text.strip())
    if not match:
        raise ValueError
    return dt.date(*(int(g) for g in match.groups()))


def import_requestable(page: ApplicationPage, name: str, data: bytes) -> ImportReport:
    rows = read_table(name, data)
    if not rows:
        raise ImportFailed(_("The file is empty."))
    mapping = {}
    for i, label in enumerate(rows[0]):
        key = HEADERS.get(re.sub(r"\s+", "", label.strip().lstrip("\ufeff")))
        if key and key not in mapping:
            mapping[key] = i
    if "name" not in mapping:
        raise ImportFailed(_("The first row must name the columns; missing: %(columns)s.") % {"columns": "名称"})
    if len(rows) - 1 > MAX_ROWS:
        raise ImportFailed(_("The file has more than %(max)d rows.") % {"max": MAX_ROWS})
    records, errors = [], []
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        record = {key: (row[i].strip() if i < len(row) else "") for key, i in mapping.items()}
        problems = []
        if any(value.startswith("=") for value in record.values()):
            problems.append(gettext("a cell holds a formula; enter the value itself"))
        if not record.get("name"):
            problems.append(gettext("the name is empty"))
        elif len(record["name"]) > 255:
            problems.append(gettext("the name is longer than 255 characters"))
        if record.get("document_number"):
            try:
                record["document_number"] = docnumber.normalise(record["document_number"])
            except docnumber.DocumentNumberError as exc:
                problems.append(str(exc.message))
        if record.get("date"):
            try:
                record["date"] = _parse_date(record["date"])
            except ValueError:
                problems.append(gettext("the date “%(value)s” is not a date like 2026-03-01")
                                % {"value": record["date"]})
        else:
            record["date"] = None
        if len(record.get("issuing_unit", "")) > 100:
            problems.append(gettext("the issuing unit is longer than 100 characters"))
        if problems:
            errors.append((number, "；".join(problems)))
        records.append(record)
    report = ImportReport(errors=errors)
    if errors:
        return report
    if not records:
        raise ImportFailed(_("The file has no rows below the header."))
    today = local_today()
    with transaction.atomic():
        for record in records:
            entry = RequestableDocument.objects.filter(
                page=page, name=record["name"], document_number=record.get("document_number", ""),
                removed_on__isnull=True,
            ).first()
            if entry is None:
                entry = RequestableDocument(page=page, name=record["name"],
                                            document_number=record.get("document_number", ""), added_on=today)
                report.created += 1
            else:
                report.updated += 1
            entry.date = record["date"]
            entry.issuing_unit = record.get("issuing_unit", "")
            entry.save()
    return report

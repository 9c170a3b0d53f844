"""The annual report's tables (国办公开办函〔2021〕30号) and their cross-checks.

Plain data and functions: the shape of tables 二, 三 and 四, the cell keys
used to store, override and link their figures, and the checks a report
must pass before it is published. The figures themselves are computed from
the records by :mod:`govopen_wagtail.services.annual_report`.

A report's figures are a flat mapping ``{"t3.new.natural": 3, ...}``: one key
per cell, so a figure can be overridden, explained, linked and compared
year on year by its key.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _, gettext_lazy

from . import application_rules as rules

__all__ = [
    "Problem", "T3_COLUMNS", "T3_ROWS", "T4_ROWS", "T4_COLUMNS", "T2_CELLS", "all_cells", "cell_label",
    "check", "t3", "t4",
]

#: Table 三's columns: the applicant types, then 总计.
T3_COLUMNS: tuple[tuple[str, str], ...] = (*rules.APPLICANT_COLUMNS, ("total", gettext_lazy("Total (总计)")))
APPLICANT_KEYS = tuple(c for c, _l in rules.APPLICANT_COLUMNS)

#: Table 三's rows, in order: (key, numbering, label).
T3_ROWS: tuple[tuple[str, str, str], ...] = (
    ("new", "一", gettext_lazy("New this year (本年新收政府信息公开申请数量)")),
    ("carried_in", "二", gettext_lazy("Carried over from last year (上年结转政府信息公开申请数量)")),
    *[(o.code, (next(g.numeral for g in rules.OUTCOME_GROUPS if g.code == o.group) if o.number <= 1 else "")
       + (str(o.number) if o.number else ""), o.label) for o in rules.OUTCOMES],
    ("total", "（七）", gettext_lazy("Total results (总计)")),
    ("carried_out", "四", gettext_lazy("Carried over to next year (结转下年度继续办理)")),
)
RESULT_ROWS = tuple(o.code for o in rules.OUTCOMES)

T4_ROWS: tuple[tuple[str, str], ...] = (
    ("review", gettext_lazy("Administrative review (行政复议)")),
    ("direct", gettext_lazy("Lawsuit without review (未经复议直接起诉)")),
    ("after_review", gettext_lazy("Lawsuit after review (复议后起诉)")),
)
T4_COLUMNS: tuple[tuple[str, str], ...] = (*rules.REVIEW_RESULTS, ("total", gettext_lazy("Total (总计)")))

#: Table 二's cells: (key, label, unit). Documents come from the library;
#: the rest is entered by staff (a school leaves it empty).
T2_CELLS: tuple[tuple[str, str], ...] = (
    ("t2.rules.issued", gettext_lazy("Regulations issued this year (规章 本年制发件数)")),
    ("t2.rules.repealed", gettext_lazy("Regulations repealed this year (规章 本年废止件数)")),
    ("t2.rules.in_force", gettext_lazy("Regulations in force (规章 现行有效件数)")),
    ("t2.normative.issued", gettext_lazy("Normative documents issued this year (行政规范性文件 本年制发件数)")),
    ("t2.normative.repealed", gettext_lazy("Normative documents repealed this year (行政规范性文件 本年废止件数)")),
    ("t2.normative.in_force", gettext_lazy("Normative documents in force (行政规范性文件 现行有效件数)")),
    ("t2.licensing", gettext_lazy("Administrative licensing decisions (行政许可 本年处理决定数量)")),
    ("t2.penalty", gettext_lazy("Administrative penalty decisions (行政处罚 本年处理决定数量)")),
    ("t2.enforcement", gettext_lazy("Administrative enforcement decisions (行政强制 本年处理决定数量)")),
    ("t2.fees", gettext_lazy("Administrative fees collected, 10,000 yuan (行政事业性收费 本年收费金额 万元)")),
)
MONEY_CELLS = frozenset({"t2.fees"})


def t3(row: str, column: str) -> str:
    return f"t3.{row}.{column}"


def t4(row: str, column: str) -> str:
    return f"t4.{row}.{column}"


def all_cells() -> list[str]:
    cells = [key for key, _l in T2_CELLS]
    cells += [t3(r, c) for r, _n, _l in T3_ROWS for c, _cl in T3_COLUMNS]
    cells += [t4(r, c) for r, _l in T4_ROWS for c, _cl in T4_COLUMNS]
    return cells


def cell_label(key: str) -> str:
    """A cell's name for messages: table, row and column."""
    parts = key.split(".")
    if parts[0] == "t2":
        return str(dict(T2_CELLS).get(key, key))
    if parts[0] == "t3" and len(parts) == 3:
        row = next((f"{n} {label}" for k, n, label in T3_ROWS if k == parts[1]), parts[1])
        column = dict(T3_COLUMNS).get(parts[2], parts[2])
        return _("Table 3, %(row)s, %(column)s") % {"row": row, "column": column}
    if parts[0] == "t4" and len(parts) == 3:
        return _("Table 4, %(row)s, %(column)s") % {
            "row": dict(T4_ROWS).get(parts[1], parts[1]), "column": dict(T4_COLUMNS).get(parts[2], parts[2])}
    return key


@dataclass(frozen=True)
class Problem:
    cells: tuple[str, ...]
    message: str


def _number(value) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


def check(figures: dict, previous: dict | None = None, documents_note: str = "") -> list[Problem]:
    """Every cross-check of the national format; an empty list when all pass.

    ``previous`` is last year's published figures (for 上年结转 and 现行有效);
    ``documents_note`` explains documents that expired or came into effect,
    which change 现行有效 without being issued or repealed.
    """
    problems: list[Problem] = []
    for key in all_cells():
        value = figures.get(key)
        if value is None or value == "":
            continue
        number = _number(value)
        if number is None:
            problems.append(Problem((key,), _("%(cell)s is not a number.") % {"cell": cell_label(key)}))
        elif number < 0:
            problems.append(Problem((key,), _("%(cell)s is negative.") % {"cell": cell_label(key)}))
        elif key not in MONEY_CELLS and number != number.to_integral_value():
            problems.append(Problem((key,), _("%(cell)s must be a whole number.") % {"cell": cell_label(key)}))
    if problems:
        return problems

    def n(key: str) -> Decimal:
        return _number(figures.get(key)) or Decimal(0)

    columns = [c for c, _l in T3_COLUMNS]
    for column in columns:
        left = n(t3("new", column)) + n(t3("carried_in", column))
        right = n(t3("total", column)) + n(t3("carried_out", column))
        if left != right:
            problems.append(Problem(
                (t3("new", column), t3("carried_in", column), t3("total", column), t3("carried_out", column)),
                _("%(column)s: new (%(new)s) + carried over from last year (%(cin)s) must equal total results "
                  "(%(total)s) + carried over to next year (%(cout)s).")
                % {"column": dict(T3_COLUMNS)[column], "new": n(t3("new", column)),
                   "cin": n(t3("carried_in", column)), "total": n(t3("total", column)),
                   "cout": n(t3("carried_out", column))},
            ))
        results = sum((n(t3(row, column)) for row in RESULT_ROWS), Decimal(0))
        if results != n(t3("total", column)):
            problems.append(Problem(
                (t3("total", column),),
                _("%(column)s: the total (%(total)s) must be the sum of the six result groups (%(sum)s).")
                % {"column": dict(T3_COLUMNS)[column], "total": n(t3("total", column)), "sum": results},
            ))
    for row, _num, label in T3_ROWS:
        parts = sum((n(t3(row, c)) for c in APPLICANT_KEYS), Decimal(0))
        if parts != n(t3(row, "total")):
            problems.append(Problem(
                (t3(row, "total"),),
                _("%(row)s: the total column (%(total)s) must be the sum of the applicant columns (%(sum)s).")
                % {"row": label, "total": n(t3(row, "total")), "sum": parts},
            ))
    for row, label in T4_ROWS:
        parts = sum((n(t4(row, c)) for c, _l in rules.REVIEW_RESULTS), Decimal(0))
        if parts != n(t4(row, "total")):
            problems.append(Problem(
                (t4(row, "total"),),
                _("%(row)s: the total (%(total)s) must be the sum of the results (%(sum)s).")
                % {"row": label, "total": n(t4(row, "total")), "sum": parts},
            ))
    if previous:
        for column in columns:
            before = _number(previous.get(t3("carried_out", column)))
            if before is not None and before != n(t3("carried_in", column)):
                problems.append(Problem(
                    (t3("carried_in", column),),
                    _("%(column)s: carried over from last year (%(now)s) must equal last year's “carried over to "
                      "next year” (%(before)s).")
                    % {"column": dict(T3_COLUMNS)[column], "now": n(t3("carried_in", column)), "before": before},
                ))
        for kind in ("rules", "normative"):
            before = _number(previous.get(f"t2.{kind}.in_force"))
            if before is None or figures.get(f"t2.{kind}.in_force") in (None, ""):
                continue
            expected = before + n(f"t2.{kind}.issued") - n(f"t2.{kind}.repealed")
            actual = n(f"t2.{kind}.in_force")
            if expected != actual and not (kind == "normative" and documents_note):
                problems.append(Problem(
                    (f"t2.{kind}.in_force",),
                    _("%(cell)s (%(actual)s) should be last year's %(before)s + issued %(issued)s − repealed "
                      "%(repealed)s = %(expected)s; explain the difference (documents expired or not yet in "
                      "effect) or correct the figure.")
                    % {"cell": cell_label(f"t2.{kind}.in_force"), "actual": actual, "before": before,
                       "issued": n(f"t2.{kind}.issued"), "repealed": n(f"t2.{kind}.repealed"), "expected": expected},
                ))
    return problems

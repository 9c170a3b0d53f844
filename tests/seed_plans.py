"""Word files made from the four seed work plans, as bureaus have them.

The seeds (``tests/data/seeds``) are text exports of Word documents: a task
table flattened cell by cell (each cell on a line starting with a tab, a
line break inside a cell continuing on the next line, rows separated by
blank lines), or a plan written in prose. These helpers read that export
back into rows and write the .docx the bureau would have: the table with its
header row (repeated on each page), sections merged across the table, the
task groups merged down their rows, and line breaks inside cells; or the
prose as paragraphs.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

SEEDS = Path(__file__).resolve().parent / "data" / "seeds"
SECTION = re.compile(r"^[一二三四五六七八九十]+[、．.]")


def seed_text(prefix: str) -> str:
    return next(SEEDS.glob(f"{prefix}_*.txt")).read_text(encoding="utf-8")


def txt_rows(text: str) -> list[list[str]]:
    """The table of a text export, as rows of cell texts."""
    rows: list[list[str]] = []
    row: list[str] = []
    for line in text.split("\n"):
        if not line.strip():
            if line.strip(" ") == "" and "\t" not in line:
                if row:
                    rows.append(row)
                row = []
                continue
            row.append("")  # an empty cell
            continue
        if line.lstrip(" ").startswith("\t") or not row:
            row.append(line.strip())
        else:
            row[-1] += "\n" + line.strip()
    if row:
        rows.append(row)
    return [[c.strip() for c in r] for r in rows if any(c.strip() for c in r)]


def _merge_down(table, column: int, start: int, end: int) -> None:
    if end > start:
        table.cell(start, column).merge(table.cell(end, column))


def _set(cell, text: str) -> None:
    # A line break inside a cell is a paragraph of its own in Word.
    cell.text = ""
    lines = text.split("\n")
    cell.paragraphs[0].text = lines[0]
    for line in lines[1:]:
        cell.add_paragraph(line)


def table_docx(header: list[str], header_span: dict[int, int], rows: list[dict], columns: int,
               group_column: int | None, preamble: list[str] = (), repeat_header_every: int = 12) -> bytes:
    """A .docx with the task table: ``rows`` are {"section": text} or
    {"cells": [...], "group": text}; groups are merged down their rows."""
    from docx import Document

    document = Document()
    for paragraph in preamble:
        document.add_paragraph(paragraph)
    table = document.add_table(rows=0, cols=columns)

    def add_header():
        cells = table.add_row().cells
        col = 0
        for text in header:
            span = header_span.get(col, 1)
            _set(cells[col], text)
            if span > 1:
                cells[col].merge(cells[col + span - 1])
            col += span

    add_header()
    group_start = None
    current_group = None
    for n, row in enumerate(rows):
        if n and n % repeat_header_every == 0:
            _merge_down(table, group_column, group_start, len(table.rows) - 1) if group_start is not None else None
            add_header()  # the header repeated as on a new page
            group_start, current_group = None, None
        if "section" in row:
            if group_start is not None:
                _merge_down(table, group_column, group_start, len(table.rows) - 1)
            group_start, current_group = None, None
            cells = table.add_row().cells
            _set(cells[0], row["section"])
            cells[0].merge(cells[-1])
            continue
        cells = table.add_row().cells
        index = len(table.rows) - 1
        if group_column is not None:
            if row.get("group") and row["group"] != current_group:
                if group_start is not None:
                    _merge_down(table, group_column, group_start, index - 1)
                current_group, group_start = row["group"], index
                _set(cells[group_column], row["group"])
            elif not row.get("group"):
                if group_start is not None:
                    _merge_down(table, group_column, group_start, index - 1)
                group_start, current_group = None, None
        for column, text in row["cells"]:
            _set(cells[column], text)
        for column in row.get("merge_up", ()):
            table.cell(index - 1, column).merge(table.cell(index, column))
    if group_start is not None:
        _merge_down(table, group_column, group_start, len(table.rows) - 1)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def plan_000() -> tuple[bytes, list[dict]]:
    """Seed 000: 工作任务 (group and number) · 具体要求 · 责任单位 · 时限要求; 39 tasks."""
    rows, tasks = [], []
    for cells in txt_rows(seed_text("000"))[1:]:
        numbered = [i for i, c in enumerate(cells) if re.fullmatch(r"\d+", c)]
        for c in cells[: numbered[0] if numbered else len(cells)]:
            if SECTION.match(c):
                rows.append({"section": c})
        if not numbered:
            continue
        i = numbered[0]
        group = next((c for c in cells[:i] if c.startswith("（")), None)
        number, req, units, limit = (cells[i:] + ["", "", "", ""])[:4]
        if group:
            rows.append({"group": group, "cells": []})
            rows.pop()
        rows.append({"group": group or (rows[-1].get("group") if rows and "cells" in rows[-1] else None),
                     "cells": [(1, number), (2, req), (3, units), (4, limit)]})
        tasks.append({"number": number, "units": units, "limit": limit})
    return table_docx(["工作任务", "具  体  要  求", "责任单位", "时限要求"], {0: 2}, rows, 5, 0), tasks


def plan_001() -> tuple[bytes, list[dict]]:
    """Seed 001: 工作任务 · 具体要求 · 责任单位, no time limits; units on several lines."""
    rows, tasks = [], []
    group = None
    for cells in txt_rows(seed_text("001"))[1:]:
        if len(cells) == 1:
            if SECTION.match(cells[0]):
                rows.append({"section": cells[0]})
                group = None
            else:
                group = cells[0]
            continue
        if len(cells) >= 3:
            group = cells[0] or group
            req, units = cells[1], cells[2]
        else:
            req, units = cells[0], cells[1]
        if units:
            rows.append({"group": group, "cells": [(1, req), (2, units)]})
        else:  # the unit cell is merged with the one above in the Word file
            rows.append({"group": group, "cells": [(1, req)], "merge_up": [2]})
            units = tasks[-1]["units"]
        tasks.append({"units": units})
    return table_docx(["工作任务", "具体要求", "责任单位"], {}, rows, 3, 0), tasks


def plan_002() -> tuple[bytes, list[dict]]:
    """Seed 002: the preamble in prose, then 工作内容 (part and item) · 工作要求 · 责任科室."""
    text = seed_text("002")
    preamble, _sep, table = text.partition("基层政务公开提升行动工作任务分解表\n")
    rows, tasks = [], []
    section = None
    for cells in txt_rows(table)[1:]:
        if SECTION.match(cells[0]) and len(cells) == 4:
            section, item, req, units = cells
        elif cells[0] == "" and len(cells) == 4:
            _empty, item, req, units = cells
        elif len(cells) == 3 and SECTION.match(cells[0]):
            section, item, req, units = cells[0], "", cells[1], cells[2]
        elif len(cells) == 3:
            item, req, units = cells
        else:
            continue
        if section and (not rows or rows[-1].get("part") != section):
            rows.append({"section": section, "part": section})
        rows.append({"group": item, "cells": [(2, req), (3, units)], "part": section})
        tasks.append({"units": units, "item": item})
    paragraphs = [p.strip() for p in preamble.split("\n") if p.strip()]
    return table_docx(["工作内容", "工作要求", "责任科室"], {0: 2}, rows, 4, 1, preamble=paragraphs), tasks


def plan_004() -> tuple[bytes, list[dict]]:
    """Seed 004: a plan in prose, each task ending in “（责任科室：…）”."""
    from demo.management.commands.load_demo import prose_docx

    text = seed_text("004")
    return prose_docx(text), [{} for _ in re.findall(r"（责任科室：", text)]

"""Screen attachments for personal data: PDF, Word, Excel, CSV and plain text.

Files are read with pypdf, python-docx and openpyxl, page by page, paragraph
by paragraph and row by row, so a large spreadsheet is streamed rather than
loaded (openpyxl's read-only mode). A file that cannot be read (a scanned PDF
without a text layer, an encrypted or damaged file, a format not read here)
is reported as *not checkable*: never as clean.

Plain Python, no Django: locations are small dicts (``{"page": 3}``,
``{"sheet": "名单", "cell": "C5"}``) that the admin renders in the editor's
language.
"""

from __future__ import annotations

import codecs
import csv
import io
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import BinaryIO

from . import privacy

__all__ = ["CHECKABLE_EXTENSIONS", "FileResult", "NotCheckable", "screen_file", "cell_name"]

CHECKABLE_EXTENSIONS = (".pdf", ".docx", ".xlsx", ".xlsm", ".csv", ".txt")


class NotCheckable(Exception):
    """The file's text cannot be read; ``reason`` is one of ``no_text``,
    ``encrypted``, ``damaged`` or ``format``."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail


@dataclass
class FileResult:
    #: (location, finding) pairs; a finding is a :class:`privacy.Finding` or
    #: a :class:`privacy.TableFinding`.
    findings: list[tuple[dict, object]] = field(default_factory=list)
    #: None when every part was read; else why not (see :class:`NotCheckable`).
    not_checkable: str | None = None
    #: Parts that had no text (pages of a partly scanned PDF).
    unread: list[dict] = field(default_factory=list)

    @property
    def clean(self) -> bool:
        return not self.findings and self.not_checkable is None and not self.unread


def cell_name(row: int, column: int) -> str:
    """Zero-based row and column as a spreadsheet cell name (0, 2 → "C1")."""
    letters = ""
    column += 1
    while column:
        column, rest = divmod(column - 1, 26)
        letters = chr(65 + rest) + letters
    return f"{letters}{row + 1}"


def _screen_text(result: FileResult, location: dict, text: str, allow: tuple[str, ...]) -> None:
    for f in privacy.screen(text, allow):
        result.findings.append((location, f))


def _screen_rows(
    result: FileResult, where: dict, rows: Iterable, allow: tuple[str, ...], spreadsheet: bool
) -> None:
    for item in privacy.screen_table(rows, allow):
        if isinstance(item, privacy.TableFinding):
            loc = {**where, "column": cell_name(0, item.column)[:-1] if spreadsheet else item.column + 1}
            result.findings.append((loc, item))
        else:
            r, c, f = item
            loc = {**where, "cell": cell_name(r, c)} if spreadsheet else {**where, "row": r + 1, "column": c + 1}
            result.findings.append((loc, f))


def _pdf(fileobj: BinaryIO, result: FileResult, allow: tuple[str, ...]) -> None:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(fileobj)
        if reader.is_encrypted and not reader.decrypt(""):
            raise NotCheckable("encrypted")
        pages = list(reader.pages)
    except NotCheckable:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as exc:
        raise NotCheckable("damaged", str(exc)) from exc
    read = 0
    for number, page in enumerate(pages, start=1):
        try:
            text = page.extract_text() or ""
        except Exception as exc:  # pypdf raises many kinds on odd pages
            result.unread.append({"page": number, "error": type(exc).__name__})
            continue
        if len(text.strip()) < 5:
            # A page of images without text is a scanned page; a blank page is not.
            if _has_images(page):
                result.unread.append({"page": number})
            continue
        read += 1
        _screen_text(result, {"page": number}, text, allow)
    if not read:
        result.unread = []
        raise NotCheckable("no_text")


def _has_images(page) -> bool:
    try:
        return bool(page.images)
    except Exception:  # unreadable resources: count it as a scan, never as clean
        return True


def _docx(fileobj: BinaryIO, result: FileResult, allow: tuple[str, ...]) -> None:
    import zipfile

    import docx

    try:
        document = docx.Document(fileobj)
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        # An encrypted Word file is an OLE container, not a zip.
        raise NotCheckable("encrypted" if _is_ole(fileobj) else "damaged", str(exc)) from exc
    for number, paragraph in enumerate(document.paragraphs, start=1):
        if paragraph.text.strip():
            _screen_text(result, {"paragraph": number}, paragraph.text, allow)
    for number, table in enumerate(document.tables, start=1):
        _screen_rows(result, {"table": number}, _docx_rows(table), allow, spreadsheet=False)


def _docx_rows(table) -> Iterator[list[str]]:
    for row in table.rows:
        cells, last = [], None
        for cell in row.cells:
            # A merged cell comes back once per grid column it spans.
            cells.append("" if cell._tc is last else cell.text)
            last = cell._tc
        yield cells


def _is_ole(fileobj: BinaryIO) -> bool:
    fileobj.seek(0)
    return fileobj.read(8) == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def _xlsx(fileobj: BinaryIO, result: FileResult, allow: tuple[str, ...]) -> None:
    import zipfile

    from openpyxl import load_workbook

    try:
        workbook = load_workbook(fileobj, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise NotCheckable("encrypted" if _is_ole(fileobj) else "damaged", str(exc)) from exc
    try:
        for sheet in workbook.worksheets:
            rows = sheet.iter_rows(min_row=1, min_col=1, values_only=True)
            _screen_rows(result, {"sheet": sheet.title}, rows, allow, spreadsheet=True)
    finally:
        workbook.close()


def _text_stream(fileobj: BinaryIO) -> io.TextIOWrapper:
    head = fileobj.read(65536)
    fileobj.seek(0)
    encoding = "utf-8-sig"
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
    except UnicodeDecodeError:
        encoding = "gb18030"  # what Excel on a Chinese Windows saves
    return io.TextIOWrapper(fileobj, encoding=encoding, errors="replace", newline="")


def _csv(fileobj: BinaryIO, result: FileResult, allow: tuple[str, ...]) -> None:
    stream = _text_stream(fileobj)
    try:
        _screen_rows(result, {}, csv.reader(stream), allow, spreadsheet=True)
    except csv.Error as exc:
        raise NotCheckable("damaged", str(exc)) from exc
    finally:
        stream.detach()


def _txt(fileobj: BinaryIO, result: FileResult, allow: tuple[str, ...]) -> None:
    stream = _text_stream(fileobj)
    try:
        for number, line in enumerate(stream, start=1):
            if line.strip():
                _screen_text(result, {"line": number}, line, allow)
    finally:
        stream.detach()


_READERS = {
    ".pdf": _pdf, ".docx": _docx, ".xlsx": _xlsx, ".xlsm": _xlsx, ".csv": _csv, ".txt": _txt,
}


def screen_file(fileobj: BinaryIO, name: str, allow: Iterable[str] = ()) -> FileResult:
    """Screen one file; ``name`` gives its format by extension."""
    result = FileResult()
    reader = _READERS.get(os.path.splitext(name or "")[1].lower())
    if reader is None:
        result.not_checkable = "format"
        return result
    try:
        reader(fileobj, result, tuple(allow))
    except NotCheckable as exc:
        result.not_checkable = exc.reason
    return result

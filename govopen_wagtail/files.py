"""Check that a file is what its name says, and not something to refuse.

Plain functions on bytes: no Django models, no storage. Used for files an
editor attaches to a published document and for files the public uploads to
the verification page.

Refused: content that does not match the extension (a ``.pdf`` that is a zip),
macro-enabled Office files (``.docm``/``.xlsm``/``.pptm``, or any OOXML file
carrying ``vbaProject.bin``), legacy binary Office files (``.doc``/``.xls``,
which can carry macros that cannot be checked without extra tools), and
anything over the size limit.
"""

from __future__ import annotations

import hashlib
import io
import zipfile
from dataclasses import dataclass
from pathlib import PurePath

from django.utils.translation import gettext as _

__all__ = ["FileRejected", "CheckedFile", "check_file", "ATTACHMENT_KINDS", "sha256_of"]

ATTACHMENT_KINDS = frozenset({"pdf", "docx", "xlsx", "pptx", "ofd", "png", "jpg", "zip"})
_EXTENSIONS = {
    "pdf": "pdf", "docx": "docx", "xlsx": "xlsx", "pptx": "pptx", "ofd": "ofd",
    "png": "png", "jpg": "jpg", "jpeg": "jpg", "zip": "zip",
}
_MACRO_EXTENSIONS = {"docm", "dotm", "xlsm", "xltm", "xlam", "pptm", "potm", "ppsm"}
_LEGACY_OFFICE = {"doc", "dot", "xls", "xlt", "ppt", "pps"}
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


class FileRejected(ValueError):
    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.message = message
        self.code = code


@dataclass(frozen=True)
class CheckedFile:
    name: str
    kind: str
    size: int


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _sniff(data: bytes) -> str | None:
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpg"
    if data.startswith(_OLE_MAGIC):
        return "ole"
    if data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                names = set(archive.namelist())
                if any(n.lower().endswith("vbaproject.bin") for n in names):
                    return "macro"
                content_types = ""
                if "[Content_Types].xml" in names:
                    content_types = archive.read("[Content_Types].xml").decode("utf-8", "replace")
        except (zipfile.BadZipFile, OSError, ValueError):
            return None
        if "macroEnabled" in content_types:
            return "macro"
        if "word/document.xml" in names:
            return "docx"
        if "xl/workbook.xml" in names:
            return "xlsx"
        if "ppt/presentation.xml" in names:
            return "pptx"
        if "OFD.xml" in names:
            return "ofd"
        return "zip"
    return None


def check_file(name: str, data: bytes, *, allowed: frozenset[str] | set[str], max_bytes: int) -> CheckedFile:
    """Return what ``data`` is, or raise :class:`FileRejected` saying why not."""
    size = len(data)
    if size == 0:
        raise FileRejected(_("The file “%(name)s” is empty.") % {"name": name}, "empty")
    if size > max_bytes:
        raise FileRejected(
            _("The file “%(name)s” is %(size).1f MB; the limit is %(limit).0f MB.")
            % {"name": name, "size": size / 1048576, "limit": max_bytes / 1048576},
            "too_large",
        )
    extension = PurePath(name).suffix.lower().lstrip(".")
    if extension in _MACRO_EXTENSIONS:
        raise FileRejected(
            _("“%(name)s” is a macro-enabled Office file; save it as .docx, .xlsx or .pptx without macros.")
            % {"name": name},
            "macro",
        )
    if extension in _LEGACY_OFFICE:
        raise FileRejected(
            _("“%(name)s” is an old binary Office file, which may hide macros; save it as .docx or .xlsx.")
            % {"name": name},
            "legacy_office",
        )
    declared = _EXTENSIONS.get(extension)
    if declared is None or declared not in allowed:
        raise FileRejected(
            _("“%(name)s”: files of this type are not accepted here (accepted: %(kinds)s).")
            % {"name": name, "kinds": ", ".join(sorted(allowed))},
            "type",
        )
    actual = _sniff(data)
    if actual == "macro":
        raise FileRejected(
            _("“%(name)s” contains macros; save it again without macros.") % {"name": name}, "macro"
        )
    if actual != declared:
        raise FileRejected(
            _("“%(name)s” is named .%(extension)s but its content is not a %(kind)s file.")
            % {"name": name, "extension": extension, "kind": declared.upper()},
            "mismatch",
        )
    return CheckedFile(name=name, kind=actual, size=size)


def stored_file_problems(checks) -> list[tuple[str, str]]:
    """Check Wagtail documents already chosen on a page.

    ``checks`` is an iterable of ``(field, document or None, allowed kinds)``;
    returns ``(field, message)`` for each file that would be refused.
    """
    from .conf import govopen_settings

    limit = govopen_settings.MAX_UPLOAD_MB * 1024 * 1024
    problems = []
    for field, document, allowed in checks:
        if document is None:
            continue
        try:
            with document.open_file() as handle:
                data = handle.read(limit + 1)
            check_file(document.filename, data, allowed=frozenset(allowed), max_bytes=limit)
        except FileRejected as exc:
            problems.append((field, exc.message))
        except OSError:
            problems.append((field, _("The file “%(name)s” cannot be read.") % {"name": document.filename}))
    return problems

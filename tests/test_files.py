"""File checks: content must match the name; no macros; size limits."""

import io
import zipfile

import pytest

from govopen_wagtail.files import ATTACHMENT_KINDS, FileRejected, check_file

MB = 1024 * 1024


def ooxml(main: str, extra: dict | None = None, content_types: str = "<Types/>") -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("[Content_Types].xml", content_types)
        z.writestr(main, "<x/>")
        for name, data in (extra or {}).items():
            z.writestr(name, data)
    return out.getvalue()


DOCX = ooxml("word/document.xml")
PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n"


@pytest.mark.parametrize(
    "name, data, kind",
    [("办法.pdf", PDF, "pdf"), ("办法.DOCX", DOCX, "docx"), ("表.xlsx", ooxml("xl/workbook.xml"), "xlsx"),
     ("图.png", b"\x89PNG\r\n\x1a\n....", "png"), ("图.jpeg", b"\xff\xd8\xff\xe0....", "jpg")],
)
def test_accepted_files(name, data, kind):
    assert check_file(name, data, allowed=ATTACHMENT_KINDS, max_bytes=MB).kind == kind


@pytest.mark.parametrize(
    "name, data, code",
    [
        ("空.pdf", b"", "empty"),
        ("伪装.pdf", DOCX, "mismatch"),
        ("伪装.docx", PDF, "mismatch"),
        ("伪装.docx", b"MZ\x90\x00 not a zip", "mismatch"),
        ("宏.docm", DOCX, "macro"),
        ("宏.docx", ooxml("word/document.xml", {"word/vbaProject.bin": "x"}), "macro"),
        ("宏.xlsx", ooxml("xl/workbook.xml", content_types="application/vnd.ms-excel.sheet.macroEnabled.main+xml"), "macro"),
        ("旧.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1....", "legacy_office"),
        ("程序.exe", b"MZ....", "type"),
        ("无扩展名", PDF, "type"),
    ],
)
def test_refused_files(name, data, code):
    with pytest.raises(FileRejected) as caught:
        check_file(name, data, allowed=ATTACHMENT_KINDS, max_bytes=MB)
    assert caught.value.code == code
    assert caught.value.message


def test_oversize_files_are_refused_with_the_limit():
    with pytest.raises(FileRejected) as caught:
        check_file("大.pdf", PDF + b"0" * (2 * MB), allowed={"pdf"}, max_bytes=MB)
    assert caught.value.code == "too_large"
    assert "1 MB" in caught.value.message


def test_kind_must_be_allowed_for_the_slot():
    with pytest.raises(FileRejected) as caught:
        check_file("办法.pdf", PDF, allowed={"docx"}, max_bytes=MB)
    assert caught.value.code == "type"

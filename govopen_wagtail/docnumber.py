"""Document numbers (发文字号) per GB/T 9704-2012 §7.2.5.

A document number is 机关代字 + 〔year〕 + serial + 号, e.g. ``泉教办〔2018〕85号``:
the year in full inside 六角括号 〔〕 (U+3014/U+3015), the serial without 第 and
without leading zeros.

Imported data is rarely that tidy. :func:`parse` accepts the usual variants
(``[2018]``, ``(2018)``, ``（2018）``, ``【2018】``, ``﹝2018﹞``, full-width
digits, ``第085号``, stray spaces, a missing 号), returns the normalised number
*and* the list of what it changed, so an import can tell the editor, and
raises :class:`DocumentNumberError` with a clear reason for what it cannot read.

Sorting uses (issuer, year, serial) numerically: 〔2018〕9号 before 〔2018〕85号.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

__all__ = [
    "Change",
    "DocumentNumber",
    "DocumentNumberError",
    "ParsedNumber",
    "format_number",
    "is_valid",
    "normalise",
    "parse",
    "sort_key",
]

OPEN, CLOSE = "〔", "〕"
# Bracket pairs seen in real data, mapped to 〔〕.
_BRACKETS = {
    "[": "]", "(": ")", "（": "）", "【": "】", "﹝": "﹞", "［": "］",
    "〖": "〗", "{": "}", "｛": "｝", "〘": "〙", "《": "》", "<": ">", "〈": "〉",
}
_OPENERS = set(_BRACKETS) | {OPEN}
_CLOSERS = set(_BRACKETS.values()) | {CLOSE}
_FULLWIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")
_WHITESPACE = re.compile(r"[\s\u3000\u00a0\u200b]+")
_SHAPE = re.compile(
    r"^(?P<issuer>.+?)〔(?P<year>\d+)〕(?P<di>第?)(?P<serial>\d+)(?P<hao>号?)$"
)
MIN_YEAR, MAX_YEAR = 1949, 2100
MAX_LENGTH = 100


@dataclass(frozen=True)
class Change:
    code: str
    message: str


class DocumentNumberError(ValueError):
    """Raised when a document number cannot be read; ``code`` names why."""

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.message = message
        self.code = code


@dataclass(frozen=True, order=True)
class DocumentNumber:
    """A parsed document number; ordering is (issuer, year, serial)."""

    issuer: str
    year: int
    serial: int

    def __str__(self) -> str:
        return format_number(self.issuer, self.year, self.serial)

    @property
    def sort_key(self) -> tuple[str, int, int]:
        return (self.issuer, self.year, self.serial)


@dataclass(frozen=True)
class ParsedNumber:
    number: DocumentNumber
    original: str
    changes: tuple[Change, ...] = field(default_factory=tuple)

    @property
    def changed(self) -> bool:
        return bool(self.changes)

    def __str__(self) -> str:
        return str(self.number)


def format_number(issuer: str, year: int, serial: int) -> str:
    return f"{issuer}{OPEN}{year}{CLOSE}{serial}号"


def parse(text: str) -> ParsedNumber:
    """Parse and normalise ``text``; raise :class:`DocumentNumberError`."""
    if not isinstance(text, str):
        raise DocumentNumberError(_("A document number must be text."), "type")
    original = text
    changes: list[Change] = []

    if not text.strip():
        raise DocumentNumberError(_("The document number is empty."), "empty")
    if len(text) > MAX_LENGTH:
        raise DocumentNumberError(
            _("The document number is longer than %(max)d characters.") % {"max": MAX_LENGTH},
            "too_long",
        )

    stripped = _WHITESPACE.sub("", text)
    if stripped != text:
        changes.append(Change("whitespace", _("Removed spaces.")))
    text = stripped

    digits = text.translate(_FULLWIDTH_DIGITS)
    if digits != text:
        changes.append(Change("fullwidth_digits", _("Changed full-width digits to ordinary digits.")))
    text = digits

    text = _normalise_brackets(text, changes)

    match = _SHAPE.match(text)
    if not match:
        raise DocumentNumberError(_describe_failure(text), "unreadable")

    issuer = match["issuer"]
    if re.search(r"\d", issuer) or any(c in _OPENERS | _CLOSERS for c in issuer):
        raise DocumentNumberError(
            _("The issuer code “%(issuer)s” may not contain digits or brackets.")
            % {"issuer": issuer},
            "issuer",
        )

    year_text = match["year"]
    if len(year_text) != 4:
        raise DocumentNumberError(
            _("The year “%(year)s” must be written in full with four digits, e.g. 〔2018〕.")
            % {"year": year_text},
            "year_digits",
        )
    year = int(year_text)
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise DocumentNumberError(
            _("The year %(year)d is outside %(min)d–%(max)d.")
            % {"year": year, "min": MIN_YEAR, "max": MAX_YEAR},
            "year_range",
        )

    if match["di"]:
        changes.append(Change("di_prefix", _("Removed “第” before the serial number.")))
    serial_text = match["serial"]
    serial = int(serial_text)
    if serial == 0:
        raise DocumentNumberError(_("The serial number must be 1 or more."), "serial_zero")
    if serial_text != str(serial):
        changes.append(Change("leading_zero", _("Removed leading zeros from the serial number.")))
    if not match["hao"]:
        changes.append(Change("missing_hao", _("Added “号” after the serial number.")))

    return ParsedNumber(DocumentNumber(issuer, year, serial), original, tuple(changes))


def _normalise_brackets(text: str, changes: list[Change]) -> str:
    # Only the first bracket pair around a year is the year; an issuer code
    # never contains brackets, so any opener is taken as the year's.
    opener_at = next((i for i, c in enumerate(text) if c in _OPENERS), None)
    if opener_at is None:
        return text
    closer_at = next((i for i in range(opener_at + 1, len(text)) if text[i] in _CLOSERS), None)
    if closer_at is None:
        return text
    if text[opener_at] == OPEN and text[closer_at] == CLOSE:
        return text
    changes.append(
        Change(
            "brackets",
            _("Changed “%(open)s%(close)s” around the year to “〔〕”.")
            % {"open": text[opener_at], "close": text[closer_at]},
        )
    )
    return text[:opener_at] + OPEN + text[opener_at + 1 : closer_at] + CLOSE + text[closer_at + 1 :]


def _describe_failure(text: str) -> str:
    if not any(c in _OPENERS for c in text):
        return _(
            "“%(text)s” has no year in brackets; a document number looks like 泉教办〔2018〕85号."
        ) % {"text": text}
    if not re.search(r"〕第?\d", text):
        return _("“%(text)s” has no serial number after the year.") % {"text": text}
    if text.startswith(OPEN):
        return _("“%(text)s” has no issuer code before the year.") % {"text": text}
    return _("“%(text)s” is not a document number like 泉教办〔2018〕85号.") % {"text": text}


def normalise(text: str) -> str:
    """The canonical form of ``text``; raises :class:`DocumentNumberError`."""
    return str(parse(text).number)


def is_valid(text: str) -> bool:
    try:
        parse(text)
    except DocumentNumberError:
        return False
    return True


def sort_key(text: str) -> tuple[str, int, int]:
    """Sort key for a document number; unreadable ones sort last by text."""
    try:
        return parse(text).number.sort_key
    except DocumentNumberError:
        return ("\uffff" + text, 0, 0)

"""Find and mask personal data in free text (comments, applications, pages).

Detectors look for the personal data that most often turns up in what the
public writes: 18-digit resident identity numbers (only with a correct GB
11643 check character, so order numbers and the like are left alone), mainland
mobile numbers, landline numbers written with an area code, and e-mail
addresses. Full-width digits and letters are recognised as well.

The module is plain Python so that it can screen any text: public comments
today, whole pages and attachments in a site-wide screening later.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from .identifiers import id_card_check_character

__all__ = [
    "Finding", "DETECTORS", "find", "mask", "mask_identifier", "mask_name", "contains_personal_data",
    "id_check_character",
]

_FULLWIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}
_FULLWIDTH[0x3000] = 0x20  # ideographic space


_ID_RE = re.compile(r"(?<![0-9A-Za-z])(\d{17}[\dXx])(?![0-9A-Za-z])")
_MOBILE_RE = re.compile(
    r"(?<![\d+])(?:(?:\+|00)?86[\s-]?)?(1[3-9]\d(?:[\s-]?\d{4}){2})(?!\d)"
)
_LANDLINE_RE = re.compile(r"(?<!\d)(?:\(0\d{2,3}\)|（0\d{2,3}）|0\d{2,3}-)\s?\d{7,8}(?:-\d{1,5})?(?!\d)")
_EMAIL_RE = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")


@dataclass(frozen=True)
class Finding:
    """One piece of personal data: its kind and where it is in the text."""

    kind: str
    start: int
    end: int
    value: str


id_check_character = id_card_check_character


def _id_numbers(text: str) -> Iterable[tuple[int, int]]:
    for m in _ID_RE.finditer(text):
        number = m.group(1).upper()
        if id_check_character(number[:17]) == number[17]:
            yield m.start(1), m.end(1)


def _regex(pattern: re.Pattern, group: int = 0) -> Callable[[str], Iterable[tuple[int, int]]]:
    def detect(text: str) -> Iterable[tuple[int, int]]:
        for m in pattern.finditer(text):
            yield m.start(group), m.end(group)

    return detect


#: kind → detector(text) yielding (start, end). Order matters: earlier kinds
#: win where findings overlap (an ID number contains mobile-like digits).
DETECTORS: dict[str, Callable[[str], Iterable[tuple[int, int]]]] = {
    "id_number": _id_numbers,
    "email": _regex(_EMAIL_RE),
    "mobile": _regex(_MOBILE_RE, 1),
    "landline": _regex(_LANDLINE_RE),
}


def find(text: str, kinds: Iterable[str] | None = None) -> list[Finding]:
    """Every piece of personal data in ``text``, in order, without overlaps."""
    if not text:
        return []
    # Same length as the original, so positions map back one to one.
    folded = text.translate(_FULLWIDTH)
    taken: list[Finding] = []
    for kind in kinds or DETECTORS:
        for start, end in DETECTORS[kind](folded):
            if any(start < f.end and f.start < end for f in taken):
                continue
            taken.append(Finding(kind, start, end, text[start:end]))
    return sorted(taken, key=lambda f: f.start)


def contains_personal_data(text: str) -> bool:
    return bool(find(text))


def _mask_value(kind: str, value: str) -> str:
    if kind == "email":
        local, _, domain = value.partition("@")
        return local[:1] + "***@" + domain
    digits = [i for i, ch in enumerate(value) if ch.isalnum()]
    keep_head, keep_tail = {"id_number": (2, 0), "mobile": (3, 2), "landline": (0, 2)}.get(kind, (0, 0))
    hidden = set(digits[keep_head : len(digits) - keep_tail])
    return "".join("*" if i in hidden else ch for i, ch in enumerate(value))


def mask(text: str, kinds: Iterable[str] | None = None) -> str:
    """``text`` with every piece of personal data masked by asterisks."""
    findings = find(text, kinds)
    if not findings:
        return text
    out, last = [], 0
    for f in findings:
        out.append(text[last : f.start])
        out.append(_mask_value(f.kind, f.value))
        last = f.end
    out.append(text[last:])
    return "".join(out)


def mask_name(name: str) -> str:
    """A person's or organisation's name for lists: “张三” → “张*”,
    “泉州市某某科技有限公司” → “泉州*******公司”."""
    name = (name or "").strip()
    if len(name) <= 1:
        return name
    if len(name) <= 3:
        return name[0] + "*" * (len(name) - 1)
    if len(name) <= 6:
        return name[0] + "*" * (len(name) - 2) + name[-1]
    return name[:2] + "*" * (len(name) - 4) + name[-2:]


def mask_identifier(value: str) -> str:
    """An identity document or credit code: first two and last two characters."""
    value = (value or "").strip()
    if len(value) <= 4:
        return "*" * len(value)
    return value[:2] + "*" * (len(value) - 4) + value[-2:]

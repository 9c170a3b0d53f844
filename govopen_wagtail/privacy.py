"""Find and mask personal data in free text and in tables.

Detectors look for the personal data that turns up in what schools and bureaus
publish and in what the public writes:

* resident identity numbers: 18 digits with a correct GB 11643 check character
  (high confidence); 18 digits whose area and date of birth are real but whose
  check character is wrong (a mistyped number is still somebody's number: low
  confidence); the old 15-digit format (high beside a word such as 身份证, low
  otherwise);
* mainland mobile numbers; landline numbers written with an area code, with
  extensions (low confidence: most landlines on a government page are an
  office's, and the office's own numbers can be allowed);
* e-mail addresses (an office's address under ``.gov.cn`` is not personal);
* bank card numbers (16–19 digits passing the Luhn check);
* passport and 港澳/台湾通行证 numbers (high beside a word that names them);
* detailed home addresses: a road, village or estate followed by a building,
  unit or room (…路12号3栋502室, …村5组18号);
* in tables, columns headed 身份证号, 家庭住址, 联系电话, 学籍号 … (a list that
  names people is lawful; a list that also gives their IDs is not).

Names of people are never guessed from running text. Organisation details (a
统一社会信用代码, a document or index number, a postcode, amounts, dates) are
not personal data and are left alone.

The module is plain Python: it screens public comments today and whole pages
and attachments in the site-wide screening (:mod:`govopen_wagtail.services.privacy_audit`).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field

from .identifiers import id_card_check_character

__all__ = [
    "Finding", "TableFinding", "DETECTORS", "HIGH", "LOW", "KINDS",
    "find", "screen", "screen_table", "mask", "mask_value", "mask_identifier", "mask_name",
    "contains_personal_data", "id_check_character", "column_kind",
]

HIGH = "high"
LOW = "low"

#: Every kind a finding can have (the admin translates them).
KINDS = (
    "id_number", "email", "mobile", "landline", "bank_card", "passport", "travel_permit",
    "address", "student_number", "birth_date", "column",
)

_FULLWIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}
_FULLWIDTH[0x3000] = 0x20  # ideographic space

# GB/T 2260 first two digits: provinces, Taiwan, Hong Kong, Macao (and 83,
# residence permits for people from Taiwan).
_ID_AREAS = frozenset(
    "11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 "
    "50 51 52 53 54 61 62 63 64 65 71 81 82 83".split()
)

_ID_RE = re.compile(r"(?<![0-9A-Za-z])(\d{17}[\dXx])(?![0-9A-Za-z])")
_ID15_RE = re.compile(r"(?<![0-9A-Za-z])(\d{15})(?![0-9A-Za-z])")
_MOBILE_RE = re.compile(
    r"(?<![\d+])(?:(?:\+|00)?86[\s-]?)?(1[3-9]\d(?:[\s-]?\d{4}){2})(?!\d)"
)
_LANDLINE_RE = re.compile(
    r"(?<!\d)(?:\(0\d{2,3}\)|（0\d{2,3}）|0\d{2,3}-)\s?\d{7,8}(?:(?:-|转|分机)\d{1,5})?(?!\d)"
)
_EMAIL_RE = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
_CARD_RE = re.compile(r"(?<![0-9A-Za-z])([3-6]\d{3}(?:[ -]?\d{4}){2}[ -]?\d{4,7})(?![0-9A-Za-z])")
_PASSPORT_RE = re.compile(r"(?<![0-9A-Za-z])([EG]\d{8}|E[A-HJ-NP-Z]\d{7})(?![0-9A-Za-z])")
_PERMIT_RE = re.compile(r"(?<![0-9A-Za-z])([CL]\d{8}|C[A-HJ-NP-Z]\d{7})(?![0-9A-Za-z])")

_NUM = r"[0-9一二三四五六七八九十零〇]+"
# The part of an address that only a home has: building + unit + room, a room
# number, or a village group with a house number.
_UNIT = re.compile(
    rf"{_NUM}\s*(?:号楼|栋|幢|座)(?:\s*{_NUM}\s*单元)?\s*\d{{2,4}}\s*(?:室|房|号)?"
    rf"|{_NUM}\s*单元\s*\d{{2,4}}\s*(?:室|房|号)?"
    r"|\d{2,4}\s*(?:室|房)(?![\u4e00-\u9fff])"
    rf"|{_NUM}\s*(?:组|队)\s*\d+\s*号"
)
# What comes before it: place names, roads, estates and house numbers.
_ADDRESS_LEAD = re.compile(r"[\u4e00-\u9fff0-9\-（）()]{0,40}$")
_ROAD = re.compile(r"省|市|县|区|镇|乡|村|街道|路|街|巷|弄|里|小区|花园|公寓|苑|新村|社区|\d+号")

# An address with one of these in it is an office's, a school's or a shop's.
_ORGANISATION_PLACE = re.compile(
    r"局|厅|委员会|政府|学校|学院|大学|中学|小学|幼儿园|中心|办公楼|大厦|医院|公司|银行|馆|所"
)

_CONTEXT_WORDS = {
    "id_number": ("身份证", "证件", "公民身份"),
    "passport": ("护照", "证件"),
    "travel_permit": ("通行证", "证件"),
}

_WORTH_A_LOOK = re.compile(r"@|\d[^\d]{0,40}\d|\d\d")

_ORGANISATION_EMAIL = re.compile(r"\.(?:gov|edu)\.cn$|\.gov$", re.I)


@dataclass(frozen=True)
class Finding:
    """One piece of personal data: its kind and where it is in the text."""

    kind: str
    start: int
    end: int
    value: str
    confidence: str = HIGH

    @property
    def masked(self) -> str:
        """The value as the report shows it: enough to find it, not to read it."""
        return mask_value(self.kind, self.value)


@dataclass(frozen=True)
class TableFinding:
    """A column of personal data in a table (its header names what it holds)."""

    kind: str
    column: int
    header: str
    confidence: str
    filled: int = 0
    names_people: bool = False
    findings: tuple = field(default=())

    @property
    def masked(self) -> str:
        return self.header


id_check_character = id_card_check_character


def _real_date(year: int, month: int, day: int) -> bool:
    try:
        born = dt.date(year, month, day)
    except ValueError:
        return False
    return dt.date(1900, 1, 1) <= born <= dt.date.today()


def _near(text: str, start: int, words: Iterable[str], reach: int = 16) -> bool:
    before = text[max(0, start - reach) : start]
    return any(w in before for w in words)


Detected = Iterable[tuple[int, int, str]]


def _id_numbers(text: str) -> Detected:
    for m in _ID_RE.finditer(text):
        number = m.group(1).upper()
        checks = id_check_character(number[:17]) == number[17]
        real = number[:2] in _ID_AREAS and _real_date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
        if checks or real:
            yield m.start(1), m.end(1), HIGH if checks and real else LOW
    for m in _ID15_RE.finditer(text):
        number = m.group(1)
        if number[:2] in _ID_AREAS and _real_date(1900 + int(number[6:8]), int(number[8:10]), int(number[10:12])):
            yield m.start(1), m.end(1), HIGH if _near(text, m.start(1), _CONTEXT_WORDS["id_number"]) else LOW


def _luhn(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def _bank_cards(text: str) -> Detected:
    for m in _CARD_RE.finditer(text):
        digits = re.sub(r"\D", "", m.group(1))
        if 16 <= len(digits) <= 19 and _luhn(digits):
            yield m.start(1), m.end(1), HIGH


def _with_context(pattern: re.Pattern, kind: str) -> Callable[[str], Detected]:
    def detect(text: str) -> Detected:
        for m in pattern.finditer(text):
            yield m.start(1), m.end(1), HIGH if _near(text, m.start(1), _CONTEXT_WORDS[kind]) else LOW

    return detect


def _addresses(text: str) -> Detected:
    for m in _UNIT.finditer(text):
        window = max(0, m.start() - 40)
        lead = _ADDRESS_LEAD.search(text, window, m.start())
        start = lead.start() if lead else m.start()
        # Leading words are not part of the address (“家住泉州市…”).
        for marker in ("住址", "地址", "住所", "家住", "住在", "居住在", "现住", "住"):
            cut = text.rfind(marker, start, m.start())
            if cut >= 0:
                start = cut + len(marker)
                break
        if not _ROAD.search(text[start : m.start()]) or _ORGANISATION_PLACE.search(text[start : m.end()]):
            continue
        high = bool(re.search(r"室|房|单元|组|队", m.group(0))) or "号楼" in m.group(0)
        yield start, m.end(), HIGH if high else LOW


def _regex(pattern: re.Pattern, group: int = 0, confidence: str = HIGH) -> Callable[[str], Detected]:
    def detect(text: str) -> Detected:
        for m in pattern.finditer(text):
            yield m.start(group), m.end(group), confidence

    return detect


#: kind → detector(text) yielding (start, end, confidence). Order matters:
#: earlier kinds win where findings overlap (an ID number contains
#: mobile-like digits; a card number is not also an ID).
DETECTORS: dict[str, Callable[[str], Detected]] = {
    "id_number": _id_numbers,
    "bank_card": _bank_cards,
    "email": _regex(_EMAIL_RE),
    "mobile": _regex(_MOBILE_RE, 1),
    "landline": _regex(_LANDLINE_RE, confidence=LOW),
    "passport": _with_context(_PASSPORT_RE, "passport"),
    "travel_permit": _with_context(_PERMIT_RE, "travel_permit"),
    "address": _addresses,
}


def find(text: str, kinds: Iterable[str] | None = None) -> list[Finding]:
    """Every piece of personal data in ``text``, in order, without overlaps."""
    if not text:
        return []
    # Same length as the original, so positions map back one to one.
    folded = text.translate(_FULLWIDTH)
    # Every detector needs an @ or at least two digits, and a number alone is
    # personal only from 11 digits on: most table cells stop here.
    if not _WORTH_A_LOOK.search(folded) or (folded.isdigit() and len(folded) < 11):
        return []
    taken: list[Finding] = []
    for kind in kinds or DETECTORS:
        for start, end, confidence in DETECTORS[kind](folded):
            if any(start < f.end and f.start < end for f in taken):
                continue
            taken.append(Finding(kind, start, end, text[start:end], confidence))
    return sorted(taken, key=lambda f: f.start)


def _digits(value: str) -> str:
    return re.sub(r"\D", "", value.translate(_FULLWIDTH))


def screen(text: str, allow: Iterable[str] = ()) -> list[Finding]:
    """Findings in published text, without what belongs to an organisation.

    ``allow`` holds the office's own published numbers and addresses (any
    formatting): a finding whose digits or text match one is not reported,
    nor is an e-mail address of a government or education domain.
    """
    allowed_digits = {d for d in (_digits(a) for a in allow) if len(d) >= 5}
    allowed_text = {a.strip() for a in allow if a and a.strip()}
    kept = []
    for f in find(text):
        if f.kind == "email" and _ORGANISATION_EMAIL.search(f.value.split("@")[-1]):
            continue
        digits = _digits(f.value)
        if f.kind in ("landline", "mobile") and any(
            digits.endswith(a) or a.endswith(digits) for a in allowed_digits
        ):
            continue
        if f.kind == "address" and any(f.value in a or a in f.value for a in allowed_text):
            continue
        kept.append(f)
    return kept


# Column headers that name personal data. Matched against the header with
# spaces, brackets and colons removed.
_COLUMNS: tuple[tuple[str, re.Pattern], ...] = (
    ("id_number", re.compile(r"身份证|证件号|公民身份号码|身份号码")),
    ("address", re.compile(r"住址|家庭地址|居住地|家庭住|通讯地址|联系地址|户籍地址")),
    ("mobile", re.compile(r"电话|手机|联系方式|联系号码")),
    ("student_number", re.compile(r"学籍号|学号|考生号|准考证号")),
    ("bank_card", re.compile(r"银行卡|银行账号|卡号|账号")),
    ("birth_date", re.compile(r"出生日期|出生年月|生日")),
    ("passport", re.compile(r"护照")),
)
_NAME_COLUMN = re.compile(r"^(?:学生|学员|幼儿|家长|监护人|申请人|获奖者|受助人|教师|人员)?姓名$")


def column_kind(header: str) -> str | None:
    """The kind of personal data a column with this header holds, if any."""
    h = re.sub(r"[\s()（）:：*]", "", str(header or ""))
    if not h or len(h) > 20:
        return None
    for kind, pattern in _COLUMNS:
        if pattern.search(h):
            return kind
    return None


def screen_table(rows: Iterable[Sequence[object]], allow: Iterable[str] = (), header_rows: int = 5) -> Iterator:
    """Screen a table row by row (streamed: rows may come from a large sheet).

    Yields ``(row_index, column_index, Finding)`` for personal data in cells
    and, once the table is read, a :class:`TableFinding` per column whose
    header names personal data. The header is the first row among the first
    ``header_rows`` that has such a column (or a 姓名 column).
    """
    allow = tuple(allow)
    header: dict[int, tuple[str, str]] = {}
    names_column = False
    filled: dict[int, int] = {}
    for r, row in enumerate(rows):
        cells = ["" if v is None else str(v) for v in row]
        if not header and r < header_rows:
            found = {c: (column_kind(v), v.strip()) for c, v in enumerate(cells) if column_kind(v)}
            has_names = any(_NAME_COLUMN.match(re.sub(r"\s", "", v)) for v in cells)
            if found or has_names:
                header = {c: (k, h) for c, (k, h) in found.items()}
                names_column = has_names
                if not header:
                    header = {-1: ("", "")}  # a names table: keep looking for nothing more
                continue
        for c, value in enumerate(cells):
            if not value.strip():
                continue
            if c in header:
                filled[c] = filled.get(c, 0) + 1
            for f in screen(value, allow):
                yield r, c, f
    for c, (kind, text) in sorted(header.items()):
        if c < 0:
            continue
        count = filled.get(c, 0)
        confidence = HIGH if count and (names_column or kind in ("id_number", "address", "bank_card")) else LOW
        if count or names_column:
            yield TableFinding(kind, c, text, confidence, count, names_column)


def contains_personal_data(text: str) -> bool:
    return bool(find(text))


def mask_value(kind: str, value: str) -> str:
    """One finding's value masked as lists and reports show it."""
    if kind == "email":
        local, _, domain = value.partition("@")
        return local[:1] + "***@" + domain
    if kind == "address":
        # Keep the place, hide every number in it.
        return re.sub(r"[0-9０-９一二三四五六七八九十零〇]", "*", value)
    digits = [i for i, ch in enumerate(value) if ch.isalnum()]
    keep_head, keep_tail = {
        "id_number": (2, 0), "mobile": (3, 2), "landline": (0, 2), "bank_card": (0, 4),
        "passport": (1, 0), "travel_permit": (1, 0),
    }.get(kind, (0, 0))
    hidden = set(digits[keep_head : len(digits) - keep_tail])
    return "".join("*" if i in hidden else ch for i, ch in enumerate(value))


_mask_value = mask_value


def mask(text: str, kinds: Iterable[str] | None = None) -> str:
    """``text`` with every piece of personal data masked by asterisks."""
    findings = find(text, kinds)
    if not findings:
        return text
    out, last = [], 0
    for f in findings:
        out.append(text[last : f.start])
        out.append(mask_value(f.kind, f.value))
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

"""Strict parsing of numbers and dates from URLs and forms.

Every integer, year, date and id a public view reads from a request goes
through here: ASCII digits only (``str.isdigit`` accepts ``²`` and Arabic-Indic
digits that ``int`` then rejects or reads), bounded length, range-checked.
Anything else is ``None`` and the caller treats it as "not given".
"""

from __future__ import annotations

import datetime as dt
import re

_DIGITS = re.compile(r"[0-9]{1,19}")
_DATE = re.compile(r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})")

#: Largest id accepted from a request: fits a signed 64-bit column and
#: SQLite's integers.
MAX_ID = 2**63 - 1
#: Years a public filter may name.
MIN_YEAR, MAX_YEAR = 1949, 2199


def parse_int(value, *, minimum: int | None = None, maximum: int | None = None) -> int | None:
    """``value`` as an int when it is plain ASCII digits within the bounds."""
    if value is None:
        return None
    text = str(value).strip()
    if not _DIGITS.fullmatch(text):
        return None
    number = int(text)
    if minimum is not None and number < minimum:
        return None
    if maximum is not None and number > maximum:
        return None
    return number


def parse_id(value) -> int | None:
    """A primary key from a request: 1 … 2⁶³−1."""
    return parse_int(value, minimum=1, maximum=MAX_ID)


def parse_year(value) -> int | None:
    return parse_int(value, minimum=MIN_YEAR, maximum=MAX_YEAR)


def parse_date(value) -> dt.date | None:
    """``YYYY-MM-DD`` within the public year range, else None."""
    match = _DATE.fullmatch(str(value or "").strip())
    if not match:
        return None
    year, month, day = (int(g) for g in match.groups())
    if not MIN_YEAR <= year <= MAX_YEAR:
        return None
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None

"""Identifiers: 统一社会信用代码 (GB 32100-2015) and index numbers (索引号).

Plain functions; nothing here touches the database. Allocation of index
numbers (the counter and the never-reuse ledger) lives in
:mod:`govopen_wagtail.models.identifiers`.
"""

from __future__ import annotations

import string
from dataclasses import dataclass

from django.utils.translation import gettext as _

__all__ = [
    "CREDIT_CODE_ALPHABET",
    "CreditCodeError",
    "IndexNumberFormatError",
    "IdNumberError",
    "id_card_check_character",
    "validate_id_card",
    "credit_code_check_character",
    "format_index_number",
    "validate_credit_code",
    "validate_index_number_format",
]

# GB 32100-2015: digits and capitals without I, O, S, V, Z.
CREDIT_CODE_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_CREDIT_CODE_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
INDEX_NUMBER_PLACEHOLDERS = frozenset({"credit_code", "year", "serial", "site_id"})


class CreditCodeError(ValueError):
    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.message = message
        self.code = code


class IndexNumberFormatError(ValueError):
    pass


def credit_code_check_character(first17: str) -> str:
    """The 18th character of a credit code whose first 17 are ``first17``."""
    total = sum(
        CREDIT_CODE_ALPHABET.index(c) * w for c, w in zip(first17, _CREDIT_CODE_WEIGHTS)
    )
    return CREDIT_CODE_ALPHABET[(31 - total % 31) % 31]


def validate_credit_code(value: str) -> str:
    """Return the code upper-cased and stripped; raise :class:`CreditCodeError`."""
    code = (value or "").strip().upper()
    if len(code) != 18:
        raise CreditCodeError(
            _("A unified social credit code has 18 characters; this one has %(n)d.")
            % {"n": len(code)},
            "length",
        )
    bad = sorted({c for c in code if c not in CREDIT_CODE_ALPHABET})
    if bad:
        raise CreditCodeError(
            _("A unified social credit code cannot contain “%(chars)s” (I, O, S, V and Z are not used).")
            % {"chars": "".join(bad)},
            "characters",
        )
    expected = credit_code_check_character(code[:17])
    if code[17] != expected:
        raise CreditCodeError(
            _("The check character should be “%(expected)s”, not “%(given)s”: please check the code for a typing error.")
            % {"expected": expected, "given": code[17]},
            "check",
        )
    return code


@dataclass(frozen=True)
class IndexNumberParts:
    credit_code: str
    year: int
    serial: int
    site_id: int


def validate_index_number_format(fmt: str) -> None:
    """Raise :class:`IndexNumberFormatError` unless ``fmt`` is usable."""
    if not isinstance(fmt, str) or not fmt:
        raise IndexNumberFormatError("the format must be a non-empty string")
    try:
        fields = [name for _, name, _, _ in string.Formatter().parse(fmt) if name is not None]
    except ValueError as exc:
        raise IndexNumberFormatError(f"the format cannot be parsed: {exc}") from exc
    unknown = set(fields) - INDEX_NUMBER_PLACEHOLDERS
    if unknown:
        raise IndexNumberFormatError(
            "unknown placeholder(s) " + ", ".join("{%s}" % f for f in sorted(unknown))
        )
    if "serial" not in fields:
        raise IndexNumberFormatError("the format must contain {serial} so numbers are unique")
    try:
        format_index_number(fmt, IndexNumberParts("X" * 18, 2026, 1, 1))
    except (ValueError, TypeError, KeyError) as exc:
        raise IndexNumberFormatError(f"the format cannot be applied: {exc}") from exc


def format_index_number(fmt: str, parts: IndexNumberParts) -> str:
    return fmt.format(
        credit_code=parts.credit_code, year=parts.year, serial=parts.serial, site_id=parts.site_id
    )


class IdNumberError(ValueError):
    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.message = message
        self.code = code


_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


def id_card_check_character(first17: str) -> str:
    """GB 11643-1999: the 18th character of a resident identity card number."""
    return _ID_CHECK[sum(int(d) * w for d, w in zip(first17, _ID_WEIGHTS)) % 11]


def validate_id_card(value: str) -> str:
    """Return the number stripped and upper-cased; raise :class:`IdNumberError`."""
    import datetime as dt

    number = (value or "").strip().replace(" ", "").upper()
    if len(number) != 18:
        raise IdNumberError(
            _("A resident identity card number has 18 characters; this one has %(n)d.") % {"n": len(number)},
            "length",
        )
    if not number[:17].isascii() or not number[:17].isdigit() or number[17] not in "0123456789X":
        raise IdNumberError(
            _("An identity card number is 17 digits and a last digit or X."), "characters"
        )
    try:
        dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise IdNumberError(_("The date of birth in this identity card number does not exist."), "birth") from None
    expected = id_card_check_character(number[:17])
    if number[17] != expected:
        raise IdNumberError(
            _("The last character should be “%(expected)s”, not “%(given)s”: please check the number for a typing error.")
            % {"expected": expected, "given": number[17]},
            "check",
        )
    return number

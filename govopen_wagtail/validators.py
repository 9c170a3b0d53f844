"""Django validators wrapping the domain modules, for model and form fields."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from . import docnumber
from .identifiers import CreditCodeError, validate_credit_code


def credit_code_validator(value: str) -> None:
    try:
        validate_credit_code(value)
    except CreditCodeError as exc:
        raise ValidationError(exc.message, code=f"credit_code_{exc.code}") from exc


def document_number_validator(value: str) -> None:
    try:
        docnumber.parse(value)
    except docnumber.DocumentNumberError as exc:
        raise ValidationError(exc.message, code=f"document_number_{exc.code}") from exc


postal_code_validator = RegexValidator(
    r"^\d{6}$", _("A postal code has six digits, e.g. 362000."), code="postal_code"
)

# Chinese office numbers are written many ways: 0595-22180000, (0595)22180000,
# 0595-22180000转8001, or several numbers separated by 、 or ;.
phone_validator = RegexValidator(
    r"^[0-9+()（）\-－ 、,，;；/转]{5,60}$",
    _("Enter a phone number using digits, spaces, brackets, “-” or “转”, e.g. 0595-22180000."),
    code="phone",
)

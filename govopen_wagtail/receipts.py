"""Receipt numbers and query codes, shared by applications and messages.

A citizen follows a case without an account: a receipt number
(``PREFIX〔YEAR〕N号``) and an eight-character query code from an alphabet
without look-alikes (no 0/O, 1/I/L). The code of an online submission is
derived from its signed form token, so the same form sent twice shows the
same code without the code ever being stored; only its hash is kept.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets

from django.conf import settings

CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 8


def format_code(code: str) -> str:
    """``K7QMP3XR`` → ``K7QM-P3XR``, as the receipt shows it."""
    return f"{code[:4]}-{code[4:]}"


def normalise_code(value: str) -> str:
    """What a person typed (spaces, dashes, small letters) as stored."""
    return re.sub(r"[\s\-－—]", "", value or "").upper()


def code_for_token(purpose: str, token: str) -> str:
    """The query code of the submission whose form token is ``token``."""
    digest = hmac.new(settings.SECRET_KEY.encode(), f"{purpose}:{token}".encode(), hashlib.sha256).digest()
    return "".join(CODE_ALPHABET[b % len(CODE_ALPHABET)] for b in digest[:CODE_LENGTH])


def random_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def find_by_receipt(queryset, receipt_number: str, code: str):
    """The record of ``queryset`` whose receipt number and query code both
    match, or None. The work is the same whichever part was wrong, so
    timing does not tell whether a number exists."""
    number = re.sub(r"\s", "", receipt_number or "")[:60]
    candidate = queryset.filter(receipt_number=number).first()
    model = queryset.model
    if candidate is None or not candidate.code_matches(normalise_code(code)):
        model.hash_code(normalise_code(code))
        return None
    return candidate

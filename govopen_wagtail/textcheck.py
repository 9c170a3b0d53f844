"""Checks and fingerprints for plain text written by the public.

* :func:`text_problems` says why a text cannot be accepted (empty, too long,
  binary junk, markup, an unbroken run of characters), each with a code and a
  translated message, so forms show a clear error and nothing is half-saved.
* :class:`WordList` finds sensitive words however they are spaced or written
  (full-width letters, spaces or punctuation inside a word).
* :func:`fingerprint` and :func:`minhash_bands` let identical and
  near-identical texts (campaigns) be grouped: the first exactly, the second
  by the Jaccard similarity of character bigrams, found through MinHash
  values that a database index can look up.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

# Real markup only: a tag opens with "<" directly followed by a name (or "/",
# "!", "?"), as browsers parse it; "a < b 且 b > c" is ordinary text (output is
# escaped anyway, this only keeps pasted HTML out of comments).
_MARKUP_RE = re.compile(
    r"<(?:/?[A-Za-z][A-Za-z0-9:-]*(?:\s[^<>]*)?/?|!--.*?--|![A-Za-z][^<>]*|\?[A-Za-z][^<>]*)>"
    r"|&(?:#\d+|#x[0-9A-Fa-f]+|[A-Za-z]{2,8});|javascript\s*:",
    re.IGNORECASE | re.DOTALL,
)
# Newline and tab are text; every other control character is not.
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff\ufffd]")
_BREAKS = re.compile(r"[\s\u3000]")


@dataclass(frozen=True)
class TextProblem:
    code: str
    message: str


def normalise_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def longest_unbroken_run(text: str) -> int:
    """Length of the longest run without a space or punctuation mark."""
    longest = current = 0
    for ch in text:
        if _BREAKS.match(ch) or unicodedata.category(ch)[0] in "PZ":
            current = 0
        else:
            current += 1
            longest = max(longest, current)
    return longest


def text_problems(
    text: str, *, max_chars: int, max_unbroken: int, required: bool = True
) -> list[TextProblem]:
    """Why ``text`` cannot be accepted as plain text; empty if it can."""
    problems: list[TextProblem] = []
    stripped = text.strip()
    if not stripped:
        if required:
            problems.append(TextProblem("empty", _("Please write something: the text is empty.")))
        return problems
    if _CONTROL_RE.search(text):
        problems.append(
            TextProblem(
                "binary",
                _("The text contains characters that are not text (control or binary characters). "
                  "Please type or paste plain text."),
            )
        )
    if len(stripped) > max_chars:
        problems.append(
            TextProblem(
                "too_long",
                _("The text is %(length)d characters long; the limit is %(limit)d.")
                % {"length": len(stripped), "limit": max_chars},
            )
        )
    if _MARKUP_RE.search(text):
        problems.append(
            TextProblem(
                "markup",
                _("HTML, scripts and character codes are not accepted. Please write plain text."),
            )
        )
    run = longest_unbroken_run(text)
    if run > max_unbroken:
        problems.append(
            TextProblem(
                "unbroken",
                _("The text has %(length)d characters without a space or punctuation mark; "
                  "the limit is %(limit)d. Please break it up.")
                % {"length": run, "limit": max_unbroken},
            )
        )
    return problems


class _Dropped(dict):
    """``str.translate`` table deleting spaces, punctuation, symbols and
    control characters, filled in as characters are met (asking Unicode's
    category per character of every text was most of a comment's grouping)."""

    LIMIT = 65536  # distinct characters remembered; rarer ones are asked each time

    def __missing__(self, codepoint: int) -> int | None:
        kept = None if unicodedata.category(chr(codepoint))[0] in "PZSC" else codepoint
        if len(self) < self.LIMIT:
            self[codepoint] = kept
        return kept


_DROPPED = _Dropped()


def fold(text: str) -> str:
    """Lower-cased NFKC text without spaces, punctuation or symbols: what a
    word list and the campaign grouping compare."""
    return unicodedata.normalize("NFKC", text).casefold().translate(_DROPPED)


class WordList:
    """Sensitive words, matched on folded text (so ``敏 感`` finds ``敏感``)."""

    def __init__(self, words: Iterable[str]) -> None:
        self.words = sorted({w.strip() for w in words if w and w.strip()})
        self._folded = [(w, fold(w)) for w in self.words]

    def matches(self, text: str) -> list[str]:
        folded = fold(text)
        return [word for word, f in self._folded if f and f in folded]

    def __bool__(self) -> bool:
        return bool(self.words)


def fingerprint(text: str) -> str:
    """Identical after folding ⇔ same fingerprint."""
    return hashlib.sha256(fold(text).encode()).hexdigest()[:40]


def shingles(text: str) -> set[str]:
    """Character bigrams of the folded text (the whole text if shorter)."""
    folded = fold(text)
    if len(folded) < 3:
        return {folded} if folded else set()
    return {folded[i : i + 2] for i in range(len(folded) - 1)}


def jaccard(a: set[str], b: set[str]) -> float:
    if not a and not b:
        return 1.0
    # |a ∪ b| from the sizes: no union set built (it runs for up to 200
    # candidates inside every comment's transaction).
    shared = len(a & b)
    return shared / (len(a) + len(b) - shared)


_BAND_SEEDS = (b"govopen-0", b"govopen-1", b"govopen-2", b"govopen-3", b"govopen-4", b"govopen-5")


def minhash_bands(grams: set[str], count: int = 4) -> list[int]:
    """``count`` MinHash values (31 bits each) of a set of shingles.

    Two texts share each value with probability equal to their Jaccard
    similarity, so near-identical texts (similarity 0.7: 99% for four
    values) share at least one: an index on the values finds candidates,
    and :func:`jaccard` on the candidates decides.
    """
    values = []
    for seed in _BAND_SEEDS[:count]:
        values.append(
            min(
                (int.from_bytes(hashlib.blake2b(g.encode(), digest_size=4, key=seed).digest(), "big") >> 1
                 for g in grams),
                default=0,
            )
        )
    return values

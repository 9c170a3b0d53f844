"""Chinese word segmentation (jieba) for indexing and querying.

Index time uses jieba's search mode, which emits a long word and the words
inside it (政务公开 → 政务, 公开, 政务公开), so a query for any of them
finds the text; query time uses the precise mode, so a query's words must
all be present. A user dictionary adds the domain's words (规范性文件,
依申请公开, 控辍保学, 校外培训 …); sites add their own with
``GOVOPEN_SEARCH_USER_DICTIONARY``.
"""

from __future__ import annotations

import logging
import re
import threading
import unicodedata
from pathlib import Path

USER_DICTIONARY = Path(__file__).resolve().parent.parent / "data" / "search_userdict.txt"
MAX_QUERY_TERMS = 12

_lock = threading.Lock()
_tokenizer = None
_WORD = re.compile(r"[^\W_]", re.UNICODE)  # a letter or digit: "_" alone is no word


def tokenizer():
    """jieba's tokenizer with the user dictionaries, loaded once per process."""
    global _tokenizer
    if _tokenizer is None:
        with _lock:
            if _tokenizer is None:
                import jieba

                from ..conf import govopen_settings

                jieba.setLogLevel(logging.WARNING)
                made = jieba.Tokenizer()
                made.load_userdict(str(USER_DICTIONARY))
                extra = govopen_settings.SEARCH_USER_DICTIONARY
                if extra:
                    made.load_userdict(str(extra))
                _tokenizer = made
    return _tokenizer


def normalise(text: str) -> str:
    return unicodedata.normalize("NFKC", text or "").casefold()


def _keep(word: str) -> bool:
    return bool(word.strip()) and bool(_WORD.search(word))


def index_words(text: str) -> list[str]:
    """Every word of ``text`` for the index (search mode, with sub-words).

    jieba's search mode adds the 2- and 3-character words inside a longer
    word; the longer dictionary words inside one (校外培训 in 校外培训机构)
    are added here, so a query for either finds it.
    """
    made = tokenizer()
    words = [w.strip() for w in made.cut_for_search(normalise(text)) if _keep(w)]
    extra = []
    for word in words:
        for size in range(4, len(word)):
            for start in range(len(word) - size + 1):
                inner = word[start : start + size]
                if made.FREQ.get(inner):
                    extra.append(inner)
    return words + extra


def index_string(text: str) -> str:
    """Space-separated words with a space at each end, for ``contains`` lookups."""
    return " " + " ".join(index_words(text)) + " "


def query_words(text: str) -> list[str]:
    """The words of a query (precise mode), without duplicates, at most 12."""
    words: list[str] = []
    for word in tokenizer().cut(normalise(text)):
        word = word.strip()
        if _keep(word) and word not in words:
            words.append(word)
    return words[:MAX_QUERY_TERMS]

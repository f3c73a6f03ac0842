"""Text folding for case- and accent-insensitive search that works the same on every database."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_WORD = re.compile(r"\w+")


@lru_cache(maxsize=65_536)
def fold(text: str) -> str:
    """Lower case, accents removed: "Ána María" -> "ana maria". Cached: imports fold the same
    company names and titles again and again."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def words(text: str) -> list[str]:
    """The folded words of a text, in order."""
    return _WORD.findall(fold(text))


def search_key(text: str) -> str:
    """Every word after a space, so that `LIKE '% word%'` is a word-prefix match."""
    return " " + " ".join(words(text)) + " "


def like_escape(term: str) -> str:
    """Escape LIKE wildcards in user input (used with ESCAPE '\\')."""
    return term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")

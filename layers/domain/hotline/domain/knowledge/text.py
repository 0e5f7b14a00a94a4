"""Chinese text as the search index compares it: one script, one width, and the query's pieces.

Articles and queries are folded alike — full-width letters and digits to ASCII, traditional to simplified
characters with OpenCC's `t2s` tables (opencc-python-reimplemented) — so `垃圾分類` finds `垃圾分类` and `ＥＴＣ`
finds `ETC`. Chinese punctuation stays as written: snippets show the folded text.
"""

import re
from functools import lru_cache
from typing import Any

SEPARATOR = re.compile(r"[\W_]+")
"""Anything but letters and digits splits a query: punctuation, spaces, symbols."""
TRIGRAM = 3
HALF_WIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F) if chr(code - 0xFEE0).isalnum()}


@lru_cache(maxsize=1)
def _to_simplified() -> Any:
    from opencc import OpenCC  # loads its tables (~20 ms): on first use, not at every cold start

    return OpenCC("t2s")


def fold(text: str) -> str:
    return str(_to_simplified().convert(text.translate(HALF_WIDTH)))


def segments(query: str) -> list[str]:
    """The query's runs of letters and digits, folded: `垃圾分類，怎麼投放` → `垃圾分类`, `怎么投放`."""
    return [segment for segment in SEPARATOR.split(fold(query)) if segment]


def trigrams(parts: list[str]) -> list[str]:
    """Every three-character window of the parts long enough to have one, each once, in order."""
    found = [part[i : i + TRIGRAM] for part in parts for i in range(len(part) - TRIGRAM + 1)]
    return list(dict.fromkeys(found))

"""Vietnamese text helpers shared by search and matching."""

from __future__ import annotations

import re
import unicodedata

_WORD = re.compile(r"[0-9a-z]+")


def fold(text: str) -> str:
    """Lower-case and strip Vietnamese diacritics: ``"Cấp đổi Giấy phép"`` → ``"cap doi giay phep"``.

    ``đ``/``Đ`` is a separate letter, not an accented ``d``, so NFD alone leaves it: map it by hand.
    """
    text = text.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn").lower()


def words(text: str) -> list[str]:
    """Folded word tokens of a text (letters and digits)."""
    return _WORD.findall(fold(text))

"""Text helpers shared by search and imports: Unicode NFC, and folding for diacritics-insensitive matching."""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")
_NON_WORD = re.compile(r"[^0-9a-z]+")


def nfc(text: str) -> str:
    """All stored text is NFC: the same Vietnamese word typed on two keyboards must compare equal."""
    return unicodedata.normalize("NFC", text or "")


def clean_text(text: str) -> str:
    """NFC, trimmed, inner runs of white space collapsed (exports often carry stray spaces and breaks)."""
    return _SPACES.sub(" ", nfc(text)).strip()


def fold(text: str) -> str:
    """Lower-case ASCII words without diacritics: "Đăng ký khai sinh" → "dang ky khai sinh".

    Used on both sides of a search, so "dang ky khai sinh" finds "Đăng ký khai sinh".
    """
    text = unicodedata.normalize("NFD", (text or "").replace("đ", "d").replace("Đ", "D"))
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    return _NON_WORD.sub(" ", text).strip()

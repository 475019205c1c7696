"""Hide addresses and numbers wherever a person may read them who does not need them (logs, admin lists)."""

from __future__ import annotations

import re

EMAIL_RE = re.compile(r"[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)+")
LONG_NUMBER_RE = re.compile(r"\+?\d[\d .\-]{7,}\d")


def mask_email(value: str) -> str:
    """nguyenvanan@gmail.com → ng***@gmail.com"""
    local, _, domain = value.partition("@")
    if not domain:
        return "***"
    return f"{local[:2]}***@{domain}"


def mask_phone(value: str) -> str:
    """0912345678 → 091****678"""
    digits = re.sub(r"\D", "", value)
    if len(digits) < 7:
        return "***"
    return f"{digits[:3]}****{digits[-3:]}"


def mask_recipient(value: str) -> str:
    return mask_email(value) if "@" in value else mask_phone(value)


def scrub(text: str, *secrets: str) -> str:
    """An error text safe to store and show: the given values, any e-mail address and any long number
    (phone, ID number) replaced by a mask."""
    for secret in secrets:
        if secret:
            text = text.replace(secret, mask_recipient(secret))
    text = EMAIL_RE.sub(lambda m: mask_email(m.group(0)), text)
    return LONG_NUMBER_RE.sub(lambda m: mask_phone(m.group(0)), text)

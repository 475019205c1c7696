"""Small real files for tests: a PDF that opens, PNG and JPEG images that decode.

The file policy (core/files.py) opens every PDF and decodes every image, so byte strings that only start
with the right signature are refused like any damaged file. These are made once per test session.
"""

from __future__ import annotations

import io
from functools import cache

from PIL import Image
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas


def pdf_bytes(*lines: str, pages: int = 1) -> bytes:
    """A real A4 PDF with ``lines`` of (ASCII) text on each page; deterministic (no creation date)."""
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4, invariant=1)
    for page in range(pages):
        y = 800
        for line in lines or (f"motcua test page {page + 1}",):
            pdf.drawString(72, y, line)
            y -= 18
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def image_bytes(kind: str = "PNG", size: tuple[int, int] = (40, 30), colour: str = "white") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, format=kind)
    return buffer.getvalue()


@cache
def _pdf() -> bytes:
    return pdf_bytes("motcua test document")


PDF = _pdf()
PNG = image_bytes("PNG")
JPEG = image_bytes("JPEG")

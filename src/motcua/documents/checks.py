"""``motcua check --deploy``: warn when OCR is switched on but cannot run on this machine."""

from __future__ import annotations

from django.conf import settings
from django.core import checks


@checks.register(deploy=True)
def ocr_engine_installed(app_configs, **kwargs):
    """Without Tesseract every attached scan would fail OCR six times and stay failed: say so before, once."""
    if not settings.MOTCUA_OCR_ENABLED:
        return []
    from motcua.documents.ocr import engine_problem, languages

    problem = engine_problem(tuple(languages()))
    if problem is None:
        return []
    return [
        checks.Warning(
            f"Nhận dạng chữ (OCR) đang bật nhưng không chạy được: {problem}",
            hint="Cài tesseract-ocr, tesseract-ocr-vie và ghostscript, hoặc đặt MOTCUA_OCR_ENABLED=0.",
            id="documents.W001",
        )
    ]

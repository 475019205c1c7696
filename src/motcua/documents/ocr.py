"""Make one stored document searchable: OCR with OCRmyPDF and Tesseract (Vietnamese + English), then its text.

- The stored file is read and never changed: the attached original is the dossier's record of what was received.
  The OCR'd copy is a *second* file, stored content-addressed like every document (``core.files.store``).
- A photo or scan given as JPEG/PNG is wrapped in a PDF page first (img2pdf: no re-encoding, so no quality lost).
- A PDF whose every page already carries text (a result produced by software, an e-form) is not OCR'd: its text
  is read as it is, and no copy is made. Otherwise OCRmyPDF runs with ``skip_text``: pages that have text keep
  it, the others get an invisible text layer under the image. A signed PDF is only read (OCR would break the
  signature of the copy, and signed results are produced with their text anyway).
- The text of the result is read back with pdfium (a dependency of OCRmyPDF) and normalised to NFC.

``process`` records the outcome on the ``DocumentText`` row: done, no text (an image without words: a note for
the officer, not an error), or failed with a retry time from ``queue.BACKOFF``.
"""

from __future__ import annotations

import hashlib
import io
import logging
import re
import shutil
import subprocess
import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

from django.conf import settings
from django.utils import timezone

from motcua.core import files
from motcua.core.text import fold, nfc
from motcua.documents import queue
from motcua.documents.models import DocumentText, TextStatus

logger = logging.getLogger("motcua.documents")

A4_INCHES = (8.27, 11.69)
MIN_CHARACTERS = 3  # fewer letters and digits than this in a whole document is noise, not text
NO_TEXT_NOTE = "Không tìm thấy chữ đọc được (ảnh không có chữ, hoặc bản quét quá mờ)."
ORIGINAL_HAS_TEXT_NOTE = "Tệp gốc đã có sẵn chữ, không cần nhận dạng."
SIGNED_NOTE = "Tệp đã ký số: chỉ đọc chữ có sẵn, không tạo bản nhận dạng (để giữ nguyên chữ ký)."
REUSED_NOTE = "Dùng lại kết quả nhận dạng của cùng tệp ở hồ sơ trước."
_BLANK_LINES = re.compile(r"\n{3,}")
_TRAILING_SPACES = re.compile(r"[ \t]+\n")


class PermanentError(Exception):
    """Trying again cannot help (a file the OCR engine cannot read at all): failed at once, no retry."""


@dataclass(frozen=True)
class Outcome:
    text: str
    pages: int
    searchable: bytes | None  # the OCR'd PDF; None when the original already carries its text
    note: str = ""


# --- the engine -----------------------------------------------------------------------------------------------


def languages() -> list[str]:
    return [code for code in settings.MOTCUA_OCR_LANGUAGES.replace(",", "+").split("+") if code.strip()]


@cache
def engine_problem(wanted: tuple[str, ...] = ("vie", "eng")) -> str | None:
    """Why OCR cannot run on this machine (Tesseract, a language's data or the page-orientation data missing)."""
    tesseract = shutil.which("tesseract")
    if tesseract is None:
        return "Tesseract chưa được cài (gói Debian tesseract-ocr)."
    try:
        listed = subprocess.run(  # noqa: S603 - a fixed command, no user input
            [tesseract, "--list-langs"], capture_output=True, text=True, timeout=30, check=False
        )
    except (OSError, subprocess.SubprocessError) as exc:
        return f"Không chạy được Tesseract ({type(exc).__name__})."
    have = {line.strip() for line in (listed.stdout + "\n" + listed.stderr).splitlines()}
    missing = [code for code in (*wanted, "osd") if code not in have]  # osd: rotate_pages
    if missing:
        return "Tesseract thiếu dữ liệu ngôn ngữ " + ", ".join(missing) + " (gói Debian tesseract-ocr-<mã>)."
    return None


def image_to_pdf(content: bytes) -> bytes:
    """One PDF page for a JPEG/PNG, without re-encoding when img2pdf can embed the image as it is.

    A scan without a resolution in its metadata (phone photos, many scanners) is laid out to fit an A4 page
    instead of img2pdf's 96 dpi, which would make a 300 dpi A4 scan a one-metre page."""
    import img2pdf
    from PIL import Image

    with Image.open(io.BytesIO(content)) as image:
        width, height = image.size
        dpi = image.info.get("dpi") or (0, 0)
        mode = image.mode
    try:
        x_dpi, y_dpi = float(dpi[0] or 0), float(dpi[1] or 0)
    except (TypeError, ValueError, IndexError):
        x_dpi = y_dpi = 0.0
    if x_dpi < 72 or y_dpi < 72:
        fit = max(min(width, height) / A4_INCHES[0], max(width, height) / A4_INCHES[1])
        x_dpi = y_dpi = max(72.0, round(fit))
    layout = img2pdf.get_fixed_dpi_layout_fun((x_dpi, y_dpi))
    try:
        return img2pdf.convert(content, layout_fun=layout, rotation=img2pdf.Rotation.ifvalid)
    except Exception:  # noqa: BLE001 - alpha channel, palette with transparency, 16-bit…: flatten and retry
        logger.debug("img2pdf could not embed the %s image as it is; flattening it", mode)
    with Image.open(io.BytesIO(content)) as image:
        flat = image.convert("RGBA") if image.mode in ("P", "LA", "PA") else image
        if flat.mode == "RGBA":
            background = Image.new("RGB", flat.size, "white")
            background.paste(flat, mask=flat.getchannel("A"))
            flat = background
        elif flat.mode not in ("RGB", "L", "1"):
            flat = flat.convert("RGB")
        buffer = io.BytesIO()
        flat.save(buffer, format="PNG")
    return img2pdf.convert(buffer.getvalue(), layout_fun=layout)


def page_texts(pdf: bytes) -> list[str]:
    """The text layer of each page (pdfium), NFC, tidy line ends."""
    import pypdfium2

    document = pypdfium2.PdfDocument(pdf)
    try:
        texts = []
        for page in document:
            textpage = page.get_textpage()
            try:
                raw = textpage.get_text_range()
            finally:
                textpage.close()
                page.close()
            texts.append(_tidy(raw))
        return texts
    finally:
        document.close()


def _tidy(text: str) -> str:
    text = nfc(text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", ""))
    text = _TRAILING_SPACES.sub("\n", text)
    return _BLANK_LINES.sub("\n\n", text).strip()


def has_text(text: str) -> bool:
    return len(fold(text).replace(" ", "")) >= MIN_CHARACTERS


def recognise(
    content: bytes,
    *,
    signed: bool = False,
    languages: Iterable[str] = ("vie", "eng"),
    jobs: int = 1,
    max_pages: int = 100,
    page_timeout: float = 180,
) -> Outcome:
    """OCR ``content`` (PDF, JPEG or PNG bytes) and return its text, page count and the searchable copy."""
    import ocrmypdf
    from ocrmypdf import exceptions as ocr_errors

    content_type = files.sniff(content)
    if content_type in (files.JPEG, files.PNG):
        try:
            pdf = image_to_pdf(content)
        except Exception as exc:  # noqa: BLE001 - the file policy decoded it; if img2pdf cannot, retrying won't help
            raise PermanentError(f"Không chuyển được ảnh sang PDF ({type(exc).__name__}).") from exc
    elif content_type == files.PDF:
        pdf = content
    else:
        raise PermanentError("Tệp không phải PDF, JPEG hay PNG.")
    before = page_texts(pdf)
    pages = len(before)
    note = ""
    if signed or (pages and all(has_text(text) for text in before)):
        text = "\n\n".join(t for t in before if t)
        if signed:
            note = SIGNED_NOTE
        return Outcome(text=text, pages=pages, searchable=None, note=note or ORIGINAL_HAS_TEXT_NOTE)
    if pages > max_pages:
        note = f"Chỉ nhận dạng {max_pages} trang đầu (tệp có {pages} trang)."
    output = io.BytesIO()
    try:
        ocrmypdf.ocr(
            io.BytesIO(pdf),
            output,
            language=list(languages),
            output_type="pdf",  # not PDF/A: no Ghostscript pass, and the copy is for reading, not for the archive
            skip_text=True,
            rotate_pages=True,  # a page scanned upside down or sideways comes out upright (Tesseract's OSD)
            jobs=max(1, jobs),
            tesseract_timeout=page_timeout,
            pages=f"1-{max_pages}" if pages > max_pages else None,
            progress_bar=False,
        )
    except ocr_errors.DigitalSignatureError:
        return recognise(content, signed=True)
    except (
        ocr_errors.EncryptedPdfError,
        ocr_errors.InputFileError,
        ocr_errors.UnsupportedImageFormatError,
        ocr_errors.DpiError,
    ) as exc:
        raise PermanentError(f"{type(exc).__name__}: {_first_line(exc)}") from exc
    searchable = output.getvalue()
    after = page_texts(searchable)
    return Outcome(text="\n\n".join(t for t in after if t), pages=len(after), searchable=searchable, note=note)


def _first_line(exc: BaseException) -> str:
    lines = str(exc).strip().splitlines()
    return lines[0][:200] if lines else ""


def short_error(exc: BaseException) -> str:
    """The exception's type and the first line of its message, cut short: enough to act on, never the text."""
    if isinstance(exc, PermanentError):
        return str(exc)[:300]
    message = _first_line(exc)
    return (f"{type(exc).__name__}: {message}" if message else type(exc).__name__)[:300]


# --- one row --------------------------------------------------------------------------------------------------


def process(row: DocumentText) -> DocumentText:
    """OCR the row's document (already claimed: see ``queue.claim``) and record the outcome on the row."""
    document = row.document
    started = time.monotonic()
    try:
        if not document.available:
            raise PermanentError("Tệp không còn trong kho lưu trữ (đã hủy theo thời hạn lưu trữ).")
        if _reuse_earlier(row):
            return row
        content = files.read(document.file.name)
        outcome = recognise(
            content,
            signed=document.signed,
            languages=languages(),
            jobs=settings.MOTCUA_OCR_JOBS,
            max_pages=settings.MOTCUA_OCR_MAX_PAGES,
            page_timeout=settings.MOTCUA_OCR_PAGE_TIMEOUT,
        )
        found = has_text(outcome.text)
        stored = _store(outcome.searchable, outcome.pages) if found else ("", "")
    except Exception as exc:  # any failure is recorded on the row, never raised into the worker
        _failed(row, exc, time.monotonic() - started)
        return row
    row.seconds = round(time.monotonic() - started, 2)
    row.language = "+".join(languages())
    row.pages = outcome.pages
    row.last_error = ""
    row.started_at = row.next_attempt_at = None
    row.status, row.note = (TextStatus.DONE, outcome.note) if found else (TextStatus.NO_TEXT, NO_TEXT_NOTE)
    row.set_text(outcome.text if found else "")
    row.searchable_file, row.searchable_sha256 = stored
    row.save()
    logger.info("documents: OCR %s document=%s pages=%d seconds=%.1f", row.status, document.pk, row.pages, row.seconds)
    return row


def _store(pdf: bytes | None, pages: int) -> tuple[str, str]:
    if pdf is None:
        return "", ""
    sha256 = hashlib.sha256(pdf).hexdigest()
    checked = files.CheckedFile(
        content=pdf, content_type=files.PDF, sha256=sha256, size=len(pdf), original_name="", pages=pages
    )
    return files.store(checked), sha256


def _reuse_earlier(row: DocumentText) -> bool:
    """A copy taken from the applicant's store holds the same bytes as its source: reuse the source's OCR."""
    source_id = row.document.reused_from_id
    if not source_id:
        return False
    source = DocumentText.objects.filter(
        document_id=source_id, status__in=(TextStatus.DONE, TextStatus.NO_TEXT)
    ).first()
    if source is None or source.document_id == row.document_id:
        return False
    for name in ("status", "text", "folded", "searchable_file", "searchable_sha256", "pages", "language"):
        setattr(row, name, getattr(source, name))
    row.note, row.seconds, row.last_error = REUSED_NOTE, 0, ""
    row.started_at = row.next_attempt_at = None
    row.save()
    return True


def _failed(row: DocumentText, exc: BaseException, seconds: float) -> None:
    row.status = TextStatus.FAILED
    row.last_error = short_error(exc)
    row.seconds = round(seconds, 2)
    row.started_at = None
    row.next_attempt_at = None if isinstance(exc, PermanentError) else queue.retry_at(row.attempts)
    row.note = ""
    row.save(update_fields=["status", "last_error", "seconds", "started_at", "next_attempt_at", "note", "updated_at"])
    logger.warning(
        "documents: OCR failed document=%s attempt=%d retry=%s error=%s",
        row.document_id,
        row.attempts,
        row.next_attempt_at.isoformat() if row.next_attempt_at else "no",
        type(exc).__name__,
    )


# --- several rows ---------------------------------------------------------------------------------------------


def run(document_ids: Iterable[int], *, force: bool = False) -> Counter[str]:
    """Process these documents' rows that are due (or any not held by another worker, with ``force``).

    Returns the count per outcome (done / no_text / failed / pending / skipped); failures that will be retried
    get a deferred task for their retry time."""
    outcome: Counter[str] = Counter()
    retries: dict = {}
    rows = DocumentText.objects.filter(document_id__in=list(document_ids)).select_related("document").order_by("pk")
    for row in rows:
        if not queue.claim(row, force=force):
            outcome["skipped"] += 1
            continue
        process(row)
        outcome[row.status] += 1
        if row.status == TextStatus.FAILED and row.next_attempt_at is not None:
            retries.setdefault(row.next_attempt_at, []).append(row.document_id)
    for run_after, ids in retries.items():
        queue.schedule(ids, run_after=run_after)
    return outcome


def run_due(limit: int | None = None) -> Counter[str]:
    """Everything due now (pending, and failed whose retry time has come): ``motcua ocr --pending``."""
    ids = list(queue.due(timezone.now()).values_list("document_id", flat=True)[:limit])
    return run(ids) if ids else Counter()

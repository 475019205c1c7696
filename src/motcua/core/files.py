"""What a stored document file must be, and where it is kept: one policy for every upload.

Every file that enters motcua — a component scanned at the counter, an upload in the portal or the API,
an e-result — passes ``check`` before anything is written:

- its type is read from its **bytes** (PDF, JPEG, PNG), never from its name, and a name that claims
  another type (``giay-khai-sinh.pdf`` holding a PNG, ``anh.jpg`` holding an executable) is refused;
- a **size limit per type** (``MOTCUA_MAX_PDF_MB``, ``MOTCUA_MAX_IMAGE_MB``): a scanned PDF of many
  pages is larger than one photograph;
- a PDF must open (not corrupt) and must not be **encrypted** — an officer could not read, OCR or
  archive it; an image must decode;
- an optional **virus scan** (ClamAV's ``clamd`` by ``MOTCUA_CLAMD``, INSTREAM protocol); when one is
  configured and cannot answer, the file is refused (fail closed), never accepted unscanned.

``store`` keeps the bytes under a name made of their SHA-256 (``documents/ab/cd/<sha256>.pdf``) in
Django's default storage — a local folder, or any S3-compatible object store configured through
django-storages (docs/configuration.md). A content-addressed name cannot be overwritten with other
content, so an attached file is immutable by construction, and the same scan reused in ten dossiers is
kept once. The original file name is kept on the row that refers to it.

This module sits in ``core`` because the lowest layer that writes files (``dossiers/actions.py``) and
the upper ones (documents, portal, payments) all need the same answer; it imports no app.
"""

from __future__ import annotations

import hashlib
import io
import logging
import os
import socket
import struct
from dataclasses import dataclass
from pathlib import PurePosixPath
from urllib.parse import urlsplit

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

logger = logging.getLogger(__name__)

PDF = "application/pdf"
JPEG = "image/jpeg"
PNG = "image/png"

SIGNATURES = {b"%PDF-": PDF, b"\xff\xd8\xff": JPEG, b"\x89PNG\r\n\x1a\n": PNG}
# ".jfif" is what Chrome and Edge on Windows name a JPEG saved from a web page.
EXTENSIONS = {".pdf": PDF, ".jpg": JPEG, ".jpeg": JPEG, ".jpe": JPEG, ".jfif": JPEG, ".png": PNG}
SUFFIX = {PDF: ".pdf", JPEG: ".jpg", PNG: ".png"}
LABEL = {PDF: "PDF", JPEG: "JPEG", PNG: "PNG"}
# Names scanners and phones give without a meaningful extension are accepted; any other extension is
# a claim about the content (.docx, .exe, .zip…) that the bytes contradict.
NEUTRAL_EXTENSIONS = {"", ".tmp", ".bin", ".dat", ".scan"}
# A PDF ends with "%%EOF" (readers look for it in the last 1024 bytes, ISO 32000-1 §7.5.5): an upload cut
# off by a dropped connection lacks it, even when qpdf can rebuild enough of the file to open it.
PDF_TAIL = 1024


class FileRejected(ValueError):
    """The file cannot be accepted; ``message`` says why in Vietnamese, naming the file."""

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.message = message
        self.code = code


@dataclass(frozen=True)
class CheckedFile:
    content: bytes
    content_type: str
    sha256: str
    size: int
    original_name: str
    pages: int  # PDF pages; 1 for an image

    @property
    def suffix(self) -> str:
        return SUFFIX[self.content_type]


def sniff(content: bytes) -> str | None:
    """The type by the first bytes, not by the file name: a renamed .exe is not a PDF."""
    for signature, content_type in SIGNATURES.items():
        if content.startswith(signature):
            return content_type
    return None


def limit_bytes(content_type: str | None) -> int:
    """The size limit for this type (the largest limit when the type is not known yet)."""
    pdf = settings.MOTCUA_MAX_PDF_MB * 1024 * 1024
    image = settings.MOTCUA_MAX_IMAGE_MB * 1024 * 1024
    if content_type == PDF:
        return pdf
    if content_type in (JPEG, PNG):
        return image
    return max(pdf, image)


def limits_text() -> str:
    """The limits as shown next to every upload field and in every "too large" message."""
    return f"PDF tối đa {settings.MOTCUA_MAX_PDF_MB} MB, ảnh JPEG/PNG tối đa {settings.MOTCUA_MAX_IMAGE_MB} MB"


def clean_name(name: str) -> str:
    """The original name as shown back to people: no folders (a browser may send a path), at most 255 chars."""
    base = PurePosixPath((name or "").replace("\\", "/")).name.strip()
    return base[-255:] if base else ""


def check(content: bytes, file_name: str = "", *, allowed: tuple[str, ...] = (PDF, JPEG, PNG)) -> CheckedFile:
    """Accept the file or raise ``FileRejected`` with a message an officer or a citizen can act on."""
    name = clean_name(file_name)
    label = f"“{name}”" if name else "đính kèm"
    if not content:
        raise FileRejected(f"Tệp {label} rỗng.", "empty")
    content_type = sniff(content)
    if content_type is None or content_type not in allowed:
        names = [LABEL[t] for t in allowed]
        kinds = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " hoặc " + names[-1]
        raise FileRejected(f"Tệp {label} không phải {kinds} (kiểm tra theo nội dung tệp).", "type")
    extension = os.path.splitext(name)[1].lower()
    claimed = EXTENSIONS.get(extension)
    if (claimed and claimed != content_type) or (not claimed and extension not in NEUTRAL_EXTENSIONS):
        raise FileRejected(
            f"Tệp {label} có đuôi “{extension}” nhưng nội dung là {LABEL[content_type]}: "
            f"hãy đổi tên tệp cho đúng (…{SUFFIX[content_type]}) rồi gửi lại.",
            "name_mismatch",
        )
    limit = limit_bytes(content_type)
    if len(content) > limit:
        raise FileRejected(f"Tệp {label} nặng {megabytes(len(content))}, quá giới hạn ({limits_text()}).", "size")
    pages = _check_pdf(content, label) if content_type == PDF else _check_image(content, label)
    scan_for_viruses(content, label)
    return CheckedFile(
        content=content,
        content_type=content_type,
        sha256=hashlib.sha256(content).hexdigest(),
        size=len(content),
        original_name=name,
        pages=pages,
    )


def megabytes(size: int) -> str:
    """A size as Vietnamese readers write it: "3,2 MB"."""
    return f"{size / 1024 / 1024:.1f} MB".replace(".", ",")


def _encrypted(label: str) -> FileRejected:
    return FileRejected(
        f"Tệp {label} được đặt mật khẩu: cán bộ không mở, nhận dạng chữ và lưu trữ được. "
        "Hãy gửi bản không đặt mật khẩu.",
        "encrypted",
    )


def _check_pdf(content: bytes, label: str) -> int:
    import pikepdf

    if b"%%EOF" not in content[-PDF_TAIL:]:
        raise FileRejected(
            f"Tệp {label} bị hỏng hoặc chưa tải lên hết (thiếu phần cuối tệp PDF). Hãy gửi lại tệp.", "corrupt"
        )
    try:
        with pikepdf.open(io.BytesIO(content)) as pdf:
            pages = len(pdf.pages)
            # Only an owner password (restrictions, no password to open) still encrypts every stream: OCR
            # tools refuse such a file and a PDF/A archive copy may not be encrypted, so it is refused too.
            encrypted = pdf.is_encrypted
    except pikepdf.PasswordError:
        raise _encrypted(label) from None
    except Exception:  # noqa: BLE001 - qpdf raises several kinds on damaged files
        raise FileRejected(f"Tệp {label} bị hỏng, không mở được như một tệp PDF.", "corrupt") from None
    if encrypted:
        raise _encrypted(label)
    if pages == 0:
        raise FileRejected(f"Tệp {label} không có trang nào.", "corrupt")
    return pages


def _check_image(content: bytes, label: str) -> int:
    from PIL import Image

    corrupt = FileRejected(f"Ảnh {label} bị hỏng, không mở được.", "corrupt")
    limit = Image.MAX_IMAGE_PIXELS
    too_many_pixels = FileRejected(
        f"Ảnh {label} có quá nhiều điểm ảnh (tối đa {(limit or 0) // 1_000_000} triệu điểm ảnh): "
        "hãy chụp hoặc quét ở độ phân giải thấp hơn.",
        "size",
    )
    try:
        with Image.open(io.BytesIO(content)) as image:
            width, height = image.size
            image.verify()
    except Image.DecompressionBombError:  # more than twice the limit: Pillow refuses to open it at all
        raise too_many_pixels from None
    except Exception:  # noqa: BLE001 - Pillow raises several kinds on damaged files
        raise corrupt from None
    # A few kilobytes of PNG can claim 20 000 × 20 000 pixels; decoding it would take gigabytes of memory.
    if limit and width * height > limit:
        raise too_many_pixels
    try:
        with Image.open(io.BytesIO(content)) as image:
            # verify() does not decode the pixels: a truncated scan fails only here. A JPEG is decoded at
            # 1/8 scale: every byte is still read (a cut-off file still fails) with 1/64 of the memory.
            image.draft("RGB", (max(1, width // 8), max(1, height // 8)))
            image.load()
    except Exception:  # noqa: BLE001 - Pillow raises several kinds on damaged files
        raise corrupt from None
    return 1


# --- virus scan (optional) ------------------------------------------------------------------------


class ScannerUnavailable(RuntimeError):
    pass


CLAMD_PORT = 3310


def _clamd_address() -> str | tuple[str, int] | None:
    """``MOTCUA_CLAMD`` as a unix socket path or a (host, port): "tcp://clamav", "tcp://[::1]:3310",
    "unix:///run/clamav/clamd.ctl" or a bare path."""
    value = settings.MOTCUA_CLAMD
    if not value:
        return None
    if value.startswith("tcp://"):
        parts = urlsplit(value)
        try:
            port = parts.port or CLAMD_PORT
        except ValueError:
            raise ScannerUnavailable(f"MOTCUA_CLAMD không đúng: {value}") from None
        return parts.hostname or "127.0.0.1", port
    return value.removeprefix("unix://")


def _clamd_connect(address: str | tuple[str, int], timeout: float) -> socket.socket:
    if isinstance(address, tuple):
        return socket.create_connection(address, timeout=timeout)  # IPv4, IPv6 or a host name
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        sock.settimeout(timeout)
        sock.connect(address)
    except OSError:
        sock.close()
        raise
    return sock


def clamd_scan(content: bytes) -> str | None:
    """Send the bytes to clamd (INSTREAM); the signature name when infected, None when clean."""
    address = _clamd_address()
    if address is None:
        return None
    try:
        with _clamd_connect(address, settings.MOTCUA_CLAMD_TIMEOUT) as sock:
            sock.sendall(b"zINSTREAM\0")
            view = memoryview(content)
            for start in range(0, len(content), 1 << 16):
                chunk = view[start : start + (1 << 16)]
                sock.sendall(struct.pack("!L", len(chunk)) + chunk)
            sock.sendall(struct.pack("!L", 0))
            reply = b""
            while not reply.endswith(b"\0"):
                data = sock.recv(4096)
                if not data:
                    break
                reply += data
    except OSError as exc:
        raise ScannerUnavailable(str(exc)) from exc
    answer = reply.rstrip(b"\0").decode("utf-8", "replace")  # "stream: OK" / "stream: Eicar-Signature FOUND"
    if answer.endswith(" FOUND"):
        return answer.removeprefix("stream: ").removesuffix(" FOUND").strip()
    if answer.endswith("OK"):
        return None
    # e.g. "INSTREAM size limit exceeded. ERROR": clamd's StreamMaxLength is below MOTCUA_MAX_PDF_MB.
    raise ScannerUnavailable(answer or "no answer")


def scan_for_viruses(content: bytes, label: str = "đính kèm") -> None:
    """Refuse an infected file, and refuse any file while a configured scanner cannot answer (fail closed)."""
    try:
        found = clamd_scan(content)
    except ScannerUnavailable as exc:
        # The person sees "try again later"; the operator needs the reason (socket down, size limit…).
        logger.warning("ClamAV (%s) did not scan a %d-byte file: %s", settings.MOTCUA_CLAMD, len(content), exc)
        raise FileRejected(
            f"Chưa kiểm tra được virus cho tệp {label} (máy quét đang không trả lời). Hãy thử lại sau ít phút.",
            "scanner_unavailable",
        ) from None
    if found:
        raise FileRejected(f"Tệp {label} chứa mã độc ({found}) và đã bị từ chối.", "virus")


# --- storage --------------------------------------------------------------------------------------


def storage_name(sha256: str, content_type: str) -> str:
    """The content address; two levels of 256 folders keep any one local directory small."""
    return f"documents/{sha256[:2]}/{sha256[2:4]}/{sha256}{SUFFIX[content_type]}"


def store(checked: CheckedFile) -> str:
    """Write the bytes once under their content address; return the storage name."""
    name = storage_name(checked.sha256, checked.content_type)
    if not default_storage.exists(name):
        saved = default_storage.save(name, ContentFile(checked.content))
        if saved != name:  # written meanwhile by a twin request: same bytes, keep one
            default_storage.delete(saved)
    return name


def read(name: str) -> bytes:
    """The stored bytes of ``name`` (a local file or an S3 object, whichever the default storage is)."""
    with default_storage.open(name, "rb") as handle:
        return handle.read()

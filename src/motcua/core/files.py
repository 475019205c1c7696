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
import os
import socket
import struct
from dataclasses import dataclass
from pathlib import PurePosixPath

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

PDF = "application/pdf"
JPEG = "image/jpeg"
PNG = "image/png"

SIGNATURES = {b"%PDF-": PDF, b"\xff\xd8\xff": JPEG, b"\x89PNG\r\n\x1a\n": PNG}
EXTENSIONS = {".pdf": PDF, ".jpg": JPEG, ".jpeg": JPEG, ".jpe": JPEG, ".png": PNG}
SUFFIX = {PDF: ".pdf", JPEG: ".jpg", PNG: ".png"}
LABEL = {PDF: "PDF", JPEG: "JPEG", PNG: "PNG"}
# Names scanners and phones give without a meaningful extension are accepted; any other extension is
# a claim about the content (.docx, .exe, .zip…) that the bytes contradict.
NEUTRAL_EXTENSIONS = {"", ".tmp", ".bin", ".dat", ".scan"}


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
        raise FileRejected(
            f"Tệp {label} nặng {len(content) / 1024 / 1024:.1f} MB, quá giới hạn ({limits_text()}).", "size"
        )
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


def _check_pdf(content: bytes, label: str) -> int:
    import pikepdf

    try:
        with pikepdf.open(io.BytesIO(content)) as pdf:
            pages = len(pdf.pages)
    except pikepdf.PasswordError:
        raise FileRejected(
            f"Tệp {label} được đặt mật khẩu: cán bộ không mở, nhận dạng chữ và lưu trữ được. "
            "Hãy gửi bản không đặt mật khẩu.",
            "encrypted",
        ) from None
    except Exception:  # noqa: BLE001 - qpdf raises several kinds on damaged files
        raise FileRejected(f"Tệp {label} bị hỏng, không mở được như một tệp PDF.", "corrupt") from None
    if pages == 0:
        raise FileRejected(f"Tệp {label} không có trang nào.", "corrupt")
    return pages


def _check_image(content: bytes, label: str) -> int:
    from PIL import Image

    try:
        with Image.open(io.BytesIO(content)) as image:
            image.verify()
        with Image.open(io.BytesIO(content)) as image:
            image.load()  # verify() does not decode the pixels: a truncated scan fails only here
    except Exception:  # noqa: BLE001 - Pillow raises several kinds on damaged files
        raise FileRejected(f"Ảnh {label} bị hỏng, không mở được.", "corrupt") from None
    return 1


# --- virus scan (optional) ------------------------------------------------------------------------


class ScannerUnavailable(RuntimeError):
    pass


def _clamd_address() -> tuple[int, str | tuple[str, int]] | None:
    value = settings.MOTCUA_CLAMD
    if not value:
        return None
    if value.startswith("tcp://"):
        host, _, port = value[len("tcp://") :].rpartition(":")
        return socket.AF_INET, (host or "127.0.0.1", int(port or 3310))
    return socket.AF_UNIX, value.removeprefix("unix://")


def clamd_scan(content: bytes) -> str | None:
    """Send the bytes to clamd (INSTREAM); the signature name when infected, None when clean."""
    address = _clamd_address()
    if address is None:
        return None
    family, target = address
    try:
        with socket.socket(family, socket.SOCK_STREAM) as sock:
            sock.settimeout(settings.MOTCUA_CLAMD_TIMEOUT)
            sock.connect(target)
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
    raise ScannerUnavailable(answer or "no answer")


def scan_for_viruses(content: bytes, label: str = "đính kèm") -> None:
    try:
        found = clamd_scan(content)
    except ScannerUnavailable:
        raise FileRejected(
            f"Chưa kiểm tra được virus cho tệp {label} (máy quét đang không trả lời). Hãy thử lại sau ít phút.",
            "scanner_unavailable",
        ) from None
    if found:
        raise FileRejected(f"Tệp {label} chứa mã độc ({found}) và đã bị từ chối.", "virus")


# --- storage --------------------------------------------------------------------------------------


def storage_name(sha256: str, content_type: str) -> str:
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
    with default_storage.open(name, "rb") as handle:
        return handle.read()

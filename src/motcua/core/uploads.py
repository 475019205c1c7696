"""Stop an oversized upload while it streams in, and say so on the page.

Django reads a multipart body into temporary files (``FILE_UPLOAD_HANDLERS``) before any view runs: a
500 MB "scan" would be written to disk in full, and read back, only for ``core/files.check`` to refuse it.
``LimitedUploadHandler`` sits first in the chain and watches each file as it arrives:

- a file that grows past the largest per-type limit (``files.limit_bytes(None)``) is cut off there: the
  handlers after it stop receiving its bytes and its partial temporary file is closed (deleted) at once;
- when the request announces more than ``MOTCUA_MAX_REQUEST_MB`` in all (Content-Length), or its files
  add up to more than that, the files beyond the cap are not kept either.

The request itself goes on: the rest of the body is read and discarded (``SkipFile``-like, not
``StopUpload``, which would also drop every form field sent after the file, and with
``connection_reset`` leave the browser showing a reset connection instead of a page). A refused file is
not silently missing: it appears in ``request.FILES`` as a ``RefusedUpload`` carrying the Vietnamese
message, so the form that expected it reports "Tệp … quá lớn (…)" next to the field and keeps everything
else that was typed. ``refusal(upload)`` is the one check views and forms use.

A reverse proxy should still cap the body (nginx ``client_max_body_size``) a little above
``MOTCUA_MAX_REQUEST_MB``: this handler protects disk and memory, not bandwidth.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler

from motcua.core import files

DEFAULT_MAX_REQUEST_MB = 120


def max_request_bytes() -> int:
    """The cap on one request, never below one file of the largest type plus the form fields Django allows
    (``DATA_UPLOAD_MAX_MEMORY_SIZE``): a single file within its limit is never refused for the request."""
    cap = getattr(settings, "MOTCUA_MAX_REQUEST_MB", DEFAULT_MAX_REQUEST_MB) * 1024 * 1024
    fields = settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 0
    return max(cap, files.limit_bytes(None) + fields + 1024 * 1024)


def too_large_message(name: str) -> str:
    return f"Tệp “{name}” quá lớn ({files.limits_text()})"


def request_too_large_message(name: str, total: int) -> str:
    return (
        f"Tệp “{name}” chưa được nhận vì cả lần gửi quá lớn ({_mb(total)}; "
        f"mỗi lần gửi tối đa {_mb(max_request_bytes())}: hãy gửi bớt tệp, phần còn lại gửi lần sau)"
    )


def _mb(size: int) -> str:
    return f"{size / 1024 / 1024:.1f}".replace(".", ",").removesuffix(",0") + " MB"


class RefusedUpload(UploadedFile):
    """Stands in ``request.FILES`` for a file the handler did not keep: its name, the size that arrived,
    and ``refusal``, the message. It has no content; reading it raises ``FileRejected`` rather than hand
    empty bytes to code that forgot to call ``refusal()`` (an empty file stored is worse than an error)."""

    def __init__(self, name: str, content_type: str, size: int, refusal: str) -> None:
        super().__init__(io.BytesIO(), name=name, content_type=content_type, size=size, charset=None)
        self.refusal = refusal

    def read(self, *args: Any, **kwargs: Any) -> bytes:
        raise files.FileRejected(f"{self.refusal}.", "size")

    def chunks(self, chunk_size: int | None = None) -> Iterator[bytes]:
        raise files.FileRejected(f"{self.refusal}.", "size")

    def multiple_chunks(self, chunk_size: int | None = None) -> bool:
        return False


def refusal(upload: UploadedFile) -> str:
    """Why this upload cannot be kept because of its size ("" when it can go on to ``files.check``).

    Without a trailing full stop, so a caller can add its own ending ("…, chưa được lưu.")."""
    message = getattr(upload, "refusal", "")
    if message:
        return message
    if upload.size is not None and upload.size > files.limit_bytes(None):
        return too_large_message(upload.name or "")
    return ""


class LimitedUploadHandler(FileUploadHandler):
    """First in ``FILE_UPLOAD_HANDLERS``: passes each file's chunks on to Django's memory/temporary-file
    handlers until the file or the request is over its limit, then swallows the rest of that file."""

    def handle_raw_input(
        self, input_data: Any, META: dict[str, Any], content_length: int, boundary: bytes, encoding: str | None = None
    ) -> None:
        self.cap = max_request_bytes()
        self.file_limit = files.limit_bytes(None)
        self.announced = content_length or 0
        self.kept = 0  # bytes of the files passed on so far
        # Content-Length counts the whole body; over the cap, no file is kept, so none is written to disk.
        self.request_too_large = self.announced > self.cap
        return None

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        self.received = 0
        self.refused = ""

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        self.received += len(raw_data)
        if not self.refused:
            if self.request_too_large or self.kept + self.received > self.cap:
                self.refused = "request"
            elif self.received > self.file_limit:
                self.refused = "file"
            if self.refused:
                self._discard_partial_file()
        return None if self.refused else raw_data

    def file_complete(self, file_size: int) -> UploadedFile | None:
        if not self.refused:
            self.kept += self.received
            return None  # the next handler returns the real file
        name = self.file_name or ""
        if self.received > self.file_limit:
            message = too_large_message(name)
        else:
            message = request_too_large_message(name, max(self.announced, self.kept + self.received))
        return RefusedUpload(name, self.content_type or "", self.received, message)

    def _discard_partial_file(self) -> None:
        """Close what the later handlers wrote of this file (a closed temporary upload file is deleted).

        Django's own parser does the same when a handler raises ``SkipFile`` (``MultiPartParser._close_files``:
        upload handlers keep the file being received as ``.file``)."""
        for handler in self.request.upload_handlers if self.request is not None else ():
            if handler is not self and getattr(handler, "file", None) is not None:
                handler.file.close()

"""Scanning at the counter: several scanned pages become ONE PDF component, and a scanner's output folder
is matched to dossiers by file name.

A component received on paper is scanned page by page (a flatbed gives one JPEG/PNG per page, a document
feeder often one PDF). The dossier keeps one file per component — what the officer, the specialist and
the archive open is "the birth certificate", not "page 2 of 3 of the birth certificate" — so the pages
are merged here, in the order given:

- every page first goes through the one file policy (``core.files.check``: type by bytes, size per type,
  not corrupt, not encrypted, virus scan when configured), so a damaged page is refused *by its name*
  before anything is merged or stored;
- images are wrapped by img2pdf without re-encoding (a JPEG stays the JPEG the scanner produced, a PNG
  stays lossless); img2pdf refuses an alpha channel, so those (and any other image it cannot wrap) are
  flattened on white with Pillow first; an EXIF rotation is followed when it is a valid one;
- PDF pages are appended with pikepdf; a single PDF is passed through byte for byte (it may be signed).

Scanner folders: many scanners save into a folder with a name pattern. The counter names the files
``<dossier code>_<n>.jpg`` (n = the component's position in the dossier's list, as shown on the batch
screen) or ``<code>_<n>_<page>.jpg`` for several pages; ``group_scanner_files`` groups them and
``import_scans`` digitises each component through ``dossiers.actions.digitise`` — the one write path —
reporting per file what happened without letting one bad file stop the others. The batch screen of the
back office and the ``scan_import`` command both use it.
"""

from __future__ import annotations

import io
import os
import re
from collections.abc import Callable, Iterable, Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field

from django.conf import settings

from motcua.core import files
from motcua.core.text import fold

MAX_PAGES = 200  # pages of one component; settings.MOTCUA_MAX_SCAN_PAGES overrides


def max_pages() -> int:
    return int(getattr(settings, "MOTCUA_MAX_SCAN_PAGES", MAX_PAGES))


def file_stem(name: str) -> str:
    """An ASCII file-name stem for a component ("Tờ khai đăng ký khai sinh" → "to-khai-dang-ky-khai-sinh"):
    a name every operating system and every download dialog accepts."""
    return "-".join(fold(name).split())[:120]


def merge_pages(pages: Sequence[tuple[str, bytes]], *, name: str = "") -> tuple[bytes, str]:
    """One PDF from the scanned ``pages`` (``(file name, bytes)``, JPEG/PNG images and/or PDFs, in order).

    Returns the bytes and a file name: the PDF's own name for a single PDF (passed through unchanged),
    ``<component>.pdf`` otherwise (``name`` is the component's name; the first page's name without it).
    Raises ``core.files.FileRejected`` with a Vietnamese message naming the file at fault."""
    if not pages:
        raise files.FileRejected("Chưa chọn trang nào để số hóa.", "empty")
    limit = max_pages()
    if len(pages) > limit:
        raise files.FileRejected(
            f"Đã chọn {len(pages)} tệp; mỗi thành phần hồ sơ ghép tối đa {limit} trang. "
            "Hãy tách thành nhiều thành phần hoặc quét thành tệp PDF nhiều trang.",
            "too_many_pages",
        )
    checked = [files.check(content, page_name) for page_name, content in pages]
    total = sum(page.pages for page in checked)
    if total > limit:
        raise files.FileRejected(
            f"Các tệp đã chọn có tổng cộng {total} trang; mỗi thành phần hồ sơ tối đa {limit} trang.",
            "too_many_pages",
        )
    stem = file_stem(name) or file_stem(os.path.splitext(checked[0].original_name)[0]) or "ban-quet"
    merged_name = f"{stem}.pdf"
    if len(checked) == 1 and checked[0].content_type == files.PDF:
        return checked[0].content, checked[0].original_name or merged_name
    content = _merge(checked)
    if len(content) > files.limit_bytes(files.PDF):
        raise files.FileRejected(
            f"Các trang ghép lại thành tệp PDF nặng {len(content) / 1024 / 1024:.1f} MB, quá giới hạn "
            f"({files.limits_text()}). Hãy quét với độ phân giải thấp hơn (200–300 dpi) hoặc ảnh JPEG.",
            "size",
        )
    return content, merged_name


def _merge(checked: Sequence[files.CheckedFile]) -> bytes:
    """Consecutive images become one img2pdf PDF; PDFs are appended as they are, all in the given order."""
    runs: list[bytes] = []
    images: list[files.CheckedFile] = []
    for page in checked:
        if page.content_type == files.PDF:
            if images:
                runs.append(_images_to_pdf(images))
                images = []
            runs.append(page.content)
        else:
            images.append(page)
    if images:
        runs.append(_images_to_pdf(images))
    if len(runs) == 1:
        return runs[0]
    import pikepdf

    output = io.BytesIO()
    with ExitStack() as stack:
        merged = stack.enter_context(pikepdf.new())
        for run in runs:
            try:
                source = stack.enter_context(pikepdf.open(io.BytesIO(run)))
                merged.pages.extend(source.pages)
            except Exception:  # noqa: BLE001 - qpdf raises several kinds on damaged files
                raise files.FileRejected(
                    "Không ghép được các trang PDF đã chọn (tệp PDF bị hỏng).", "corrupt"
                ) from None
        merged.save(output)
    return output.getvalue()


def _images_to_pdf(images: Sequence[files.CheckedFile]) -> bytes:
    """img2pdf wraps JPEG and PNG data as they are; pages it cannot wrap (alpha channel, unusual modes) are
    flattened first, and if img2pdf still refuses one, every page is."""
    import img2pdf

    prepared = [_flatten(image) if _has_alpha(image) else image.content for image in images]
    for attempt in range(2):
        try:
            return img2pdf.convert(prepared, rotation=img2pdf.Rotation.ifvalid)
        except Exception:  # noqa: BLE001 - odd colour spaces, bit depths, EXIF: flatten every page, try again
            if attempt:
                raise files.FileRejected("Không ghép được các ảnh đã chọn thành tệp PDF.", "corrupt") from None
            prepared = [_flatten(image) for image in images]
    raise AssertionError("unreachable")


def _has_alpha(image: files.CheckedFile) -> bool:
    """Transparency img2pdf refuses; read from the header only (the pixels are not decoded)."""
    from PIL import Image

    with Image.open(io.BytesIO(image.content)) as opened:
        return opened.mode in ("RGBA", "LA", "PA", "La", "RGBa") or "transparency" in opened.info


def _flatten(image: files.CheckedFile) -> bytes:
    """A PNG img2pdf accepts: transparency painted on white (paper), EXIF rotation applied, 8-bit RGB or grey."""
    from PIL import Image, ImageOps

    label = f"“{image.original_name}”" if image.original_name else "đính kèm"
    try:
        with Image.open(io.BytesIO(image.content)) as opened:
            picture = ImageOps.exif_transpose(opened)
            if picture.mode in ("RGBA", "LA", "PA") or (picture.mode == "P" and "transparency" in picture.info):
                rgba = picture.convert("RGBA")
                background = Image.new("RGB", rgba.size, "white")
                background.paste(rgba, mask=rgba.getchannel("A"))
                picture = background
            elif picture.mode not in ("RGB", "L", "1"):
                picture = picture.convert("RGB")
            buffer = io.BytesIO()
            dpi = opened.info.get("dpi")  # kept, so the page has the size of the paper
            picture.save(buffer, format="PNG", **({"dpi": dpi} if dpi else {}))
    except Exception:  # noqa: BLE001 - Pillow raises several kinds on unusual files
        raise files.FileRejected(f"Ảnh {label} không chuyển được sang PDF.", "corrupt") from None
    return buffer.getvalue()


# --- scanner folders --------------------------------------------------------------------------------

SCANNER_NAME = re.compile(
    r"^(?P<code>[^_\s/\\]+)_(?P<position>\d{1,3})(?:_(?P<page>\d{1,4}))?\.(?:pdf|jpe?g|png)$", re.IGNORECASE
)
NAME_PATTERN_HINT = "<mã hồ sơ>_<số thứ tự thành phần>.jpg (hoặc .png, .pdf), nhiều trang: <mã hồ sơ>_<số>_<trang>.jpg"


@dataclass
class ScanGroup:
    """The files of one component: a dossier code, the component's position (1-based) and its pages."""

    code: str
    position: int
    names: list[str] = field(default_factory=list)


def group_scanner_files(names: Iterable[str]) -> tuple[list[ScanGroup], list[str]]:
    """Group scanner file names by ``(dossier code, component position)``, pages in order; and the names
    that do not follow the pattern. ``X_2.jpg`` is page 0 of component 2, ``X_2_1.jpg`` page 1, so a
    scanner that numbers from the second page (``X_2.jpg``, ``X_2_1.jpg``…) keeps its order too."""
    from motcua.dossiers.codes import normalize_code

    groups: dict[tuple[str, int], list[tuple[int, str]]] = {}
    unmatched = []
    for name in names:
        base = files.clean_name(name)
        match = SCANNER_NAME.match(base)
        if match is None or int(match["position"]) < 1:
            unmatched.append(name)
            continue
        key = (normalize_code(match["code"]), int(match["position"]))
        groups.setdefault(key, []).append((int(match["page"] or 0), name))
    result = [
        ScanGroup(code, position, [name for _page, name in sorted(pages, key=lambda p: (p[0], files.clean_name(p[1])))])
        for (code, position), pages in sorted(groups.items())
    ]
    return result, unmatched


# Outcome of one file (values are stable: the CLI prints them, the batch screen styles them).
ATTACHED = "attached"
READY = "ready"
UNKNOWN = "unknown"
ALREADY = "already"
BAD_FILE = "bad_file"
REFUSED = "refused"
OUTCOME_LABELS = {
    ATTACHED: "Đã gắn vào hồ sơ",
    READY: "Sẽ gắn (chạy thử)",
    UNKNOWN: "Không nhận ra",
    ALREADY: "Đã số hóa từ trước",
    BAD_FILE: "Tệp lỗi",
    REFUSED: "Không gắn được",
}
SUCCESSES = frozenset({ATTACHED, READY})


@dataclass(frozen=True)
class FileOutcome:
    name: str
    status: str
    message: str
    code: str = ""
    component: str = ""

    @property
    def label(self) -> str:
        return OUTCOME_LABELS[self.status]

    @property
    def ok(self) -> bool:
        return self.status in SUCCESSES

    def as_dict(self) -> dict[str, str]:
        return {
            "name": self.name,
            "status": self.status,
            "message": self.message,
            "code": self.code,
            "component": self.component,
        }


def import_scans(
    names: Sequence[str],
    read: Callable[[str], bytes],
    *,
    actor,
    units,
    dry_run: bool = False,
) -> list[FileOutcome]:
    """Digitise the components named by scanner files; one outcome per file, in the order given.

    ``read(name)`` gives a file's bytes (an upload, or a file of a server folder). Only dossiers received
    at one of ``units`` are found (an officer's file names cannot reach another unit's dossiers; the write
    path checks the permission again). Each component is its own action: one bad file fails its component
    only. ``dry_run`` checks and merges everything but attaches nothing. A name given twice (the same file
    picked from two folders) counts once."""
    from motcua.dossiers import actions, workflow
    from motcua.dossiers.models import Dossier
    from motcua.organizations.scoping import has_unit_perm

    outcomes: dict[str, FileOutcome] = {}
    groups, unmatched = group_scanner_files(list(dict.fromkeys(names)))
    for name in unmatched:
        outcomes[name] = FileOutcome(name, UNKNOWN, f"Tên tệp không đúng dạng {NAME_PATTERN_HINT}.")
    codes = {group.code for group in groups}
    dossiers = {
        d.code: d
        for d in Dossier.objects.filter(code__in=codes, receiving_unit__in=units).select_related("receiving_unit")
    }
    allowed = workflow.TRANSITIONS["digitise"].sources
    for group in groups:

        def record(status: str, message: str, component: str = "", group: ScanGroup = group) -> None:
            for name in group.names:
                outcomes[name] = FileOutcome(name, status, message, group.code, component)

        dossier = dossiers.get(group.code)
        if dossier is None:
            record(UNKNOWN, f"Không có hồ sơ mã {group.code} tiếp nhận tại đơn vị của bạn.")
            continue
        components = list(dossier.documents.filter(result=False).order_by("id"))
        if group.position > len(components):
            record(
                UNKNOWN,
                f"Hồ sơ {group.code} chỉ có {len(components)} thành phần, không có thành phần thứ {group.position}.",
            )
            continue
        row = components[group.position - 1]
        if row.digitised:
            record(ALREADY, f"“{row.name}” đã có bản điện tử; tệp đã gắn vào hồ sơ không thay thế được.", row.name)
            continue
        try:
            pages = [(files.clean_name(name), read(name)) for name in group.names]
            content, file_name = merge_pages(pages, name=row.name)
        except files.FileRejected as exc:
            record(BAD_FILE, exc.message, row.name)
            continue
        except OSError as exc:
            record(BAD_FILE, f"Không đọc được tệp: {exc.strerror or exc}.", row.name)
            continue
        page_count = _pdf_pages(content)
        if dry_run:
            if dossier.status not in allowed or not has_unit_perm(actor, workflow.RECEIVE, dossier.receiving_unit):
                record(REFUSED, "Không số hóa được hồ sơ này (tình trạng hồ sơ hoặc quyền của bạn).", row.name)
            else:
                record(READY, f"Sẽ gắn vào “{row.name}” ({page_count} trang).", row.name)
            continue
        document = actions.SubmittedDocument(
            row.required_document_id, name=row.name, file_name=file_name, content=content
        )
        try:
            actions.digitise(dossier, actor=actor, document=document, document_id=row.pk)
        except actions.ActionError as exc:
            row.refresh_from_db(fields=["sha256"])  # digitised meanwhile by someone else: say so
            record(ALREADY if row.digitised else REFUSED, exc.message, row.name)
            continue
        record(ATTACHED, f"Đã gắn vào “{row.name}” ({page_count} trang).", row.name)
    return [outcomes[name] for name in names]


def _pdf_pages(content: bytes) -> int:
    import pikepdf

    with pikepdf.open(io.BytesIO(content)) as pdf:
        return len(pdf.pages)

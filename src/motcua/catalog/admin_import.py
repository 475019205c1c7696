"""The admin page "Nhập danh mục thủ tục": upload a JSON, a motcua workbook or the portal's list.

Catalogue officers are not command-line users, so the same importers the ``motcua catalog import``
command runs are offered here as a form. The page shows the whole report — counts and every error
line with its row or procedure — because an officer fixes the file from that list. A bad file is a
normal outcome, never a server error: whatever the importers cannot read becomes a message on the page.
"""

from __future__ import annotations

import logging
import tempfile
from pathlib import Path

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.views.decorators import staff_member_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse

from motcua.catalog.exchange import ImportRejected, ImportReport
from motcua.catalog.models import Procedure
from motcua.catalog.xlsx_format import detect_format, import_file

logger = logging.getLogger(__name__)

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
FORMAT_CHOICES = [
    ("auto", "Tự nhận dạng (theo tên tệp và nội dung)"),
    ("portal-xlsx", "Danh sách thủ tục tải từ Cổng Dịch vụ công quốc gia (.xlsx)"),
    ("xlsx", "Bảng tính danh mục motcua (.xlsx: sheet Thủ tục, Phiên bản, …)"),
    ("json", "Định dạng trao đổi JSON của motcua (.json)"),
]


class CatalogImportForm(forms.Form):
    file = forms.FileField(label="Tệp cần nhập")
    format = forms.ChoiceField(label="Định dạng", choices=FORMAT_CHOICES, initial="auto")
    partial = forms.BooleanField(
        label="Nhập một phần",
        required=False,
        help_text="Nhập các thủ tục hợp lệ và bỏ qua các thủ tục có lỗi. Nếu không chọn, chỉ cần một lỗi là "
        "không có gì được ghi.",
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(f"Tệp quá lớn (tối đa {MAX_UPLOAD_BYTES // (1024 * 1024)} MB).")
        if Path(upload.name).suffix.lower() not in (".json", ".xlsx", ".xlsm"):
            raise forms.ValidationError("Chỉ nhận tệp .json hoặc .xlsx.")
        return upload


def _run(upload, fmt: str, partial: bool, actor) -> tuple[ImportReport, bool]:
    """Import the uploaded file; returns (report, rejected-as-a-whole)."""
    suffix = Path(upload.name).suffix.lower()
    with tempfile.TemporaryDirectory(prefix="motcua-import-") as folder:
        # keep the officer's file name: the audit events record it as the source
        path = Path(folder) / (Path(upload.name).name or f"upload{suffix}")
        with path.open("wb") as handle:
            for chunk in upload.chunks():
                handle.write(chunk)
        if fmt == "auto":
            detected = detect_format(path)
            if detected is None:
                report = ImportReport()
                report.errors.append(
                    "Không nhận ra định dạng của tệp: hãy chọn định dạng (danh sách của Cổng Dịch vụ công quốc gia, "
                    "bảng tính motcua hoặc JSON)."
                )
                return report, True
            fmt = detected
        try:
            return import_file(path, fmt, partial=partial, actor=actor), False
        except ImportRejected as exc:
            return exc.report, True
        except Exception:  # a file no importer foresaw must still not become a 500 for the officer
            logger.exception("Catalogue import of %s (%s) failed unexpectedly", upload.name, fmt)
            report = ImportReport()
            report.errors.append("Tệp không đọc được (lỗi không lường trước). Hãy kiểm tra tệp và định dạng đã chọn.")
            return report, True


@staff_member_required
def catalog_import_view(request: HttpRequest) -> HttpResponse:
    """GET shows the form; POST imports and shows the form again with the report."""
    if not request.user.has_perm("catalog.add_procedure"):
        raise PermissionDenied
    report: ImportReport | None = None
    rejected = False
    if request.method == "POST":
        form = CatalogImportForm(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            report, rejected = _run(data["file"], data["format"], data["partial"], request.user)
            if rejected:
                messages.error(request, "Không nhập được: tệp có lỗi, chưa có dữ liệu nào được ghi.")
            elif report.rejected or report.errors:
                messages.warning(
                    request,
                    f"Đã nhập một phần: {report.summary()}. Các thủ tục bị từ chối chưa được nhập.",
                )
            else:
                messages.success(request, f"Đã nhập: {report.summary()}.")
    else:
        form = CatalogImportForm()
    context = {
        **admin.site.each_context(request),
        "title": "Nhập danh mục thủ tục",
        "opts": Procedure._meta,
        "form": form,
        "report": report,
        "rejected": rejected,
    }
    return TemplateResponse(request, "admin/catalog/import.html", context)

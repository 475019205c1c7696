"""Public verification of e-results at ``/xac-thuc-ket-qua/``: is this PDF the agency's signed result?

Upload a PDF (checked by its bytes, size-limited): the answer says whether it carries a digital
signature, whether the signature still covers the whole file (one changed byte: "modified after
signing"), who signed it with which certificate validity, and which dossier's result it is — looked up
by the file's SHA-256 among result documents. ``/xac-thuc-ket-qua/<sha256>/`` (what a QR code on an
e-result points to) answers the same lookup by hash. Only the dossier code, procedure and issuing
unit are shown: nothing about the applicant. Both share the tracking page's rate (``public_lookup``).
"""

from __future__ import annotations

import hashlib
import re
from typing import Any

from django import forms
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from motcua.core import files, pdfsign
from motcua.dossiers.models import DossierDocument
from motcua.portal.tracking import lookup_refusal

TEMPLATE = "portal/verify_result.html"
SHA256_RE = re.compile(r"^[0-9a-f]{64}$")
CODE_RE = re.compile(r"^[A-Z2-9]{12}$")
NOT_FOUND = "Không tìm thấy văn bản kết quả này trong hệ thống."


class VerifyResultForm(forms.Form):
    file = forms.FileField(
        label="Tệp văn bản kết quả (PDF)",
        help_text=f"Tệp PDF đã tải về từ Cổng dịch vụ công, tối đa {settings.MOTCUA_MAX_PDF_MB} MB.",
        error_messages={"required": "Chọn tệp PDF cần xác thực."},
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"}),
    )

    def clean_file(self) -> bytes:
        upload = self.cleaned_data["file"]
        if upload.size > files.limit_bytes(files.PDF):
            raise forms.ValidationError(f"Tệp quá lớn: tối đa {settings.MOTCUA_MAX_PDF_MB} MB.")
        data = upload.read()
        if files.sniff(data) != files.PDF:
            raise forms.ValidationError("Tệp không phải PDF: chỉ xác thực được văn bản kết quả dạng PDF.")
        return data


def _throttled(request: HttpRequest) -> str:
    return lookup_refusal(request)  # one public rate for every page that looks things up


def _document(sha256: str) -> DossierDocument | None:
    return (
        DossierDocument.objects.filter(result=True, sha256=sha256)
        .select_related("dossier__procedure", "dossier__handling_unit", "dossier__receiving_unit")
        .order_by("id")
        .first()
    )


def _match(document: DossierDocument | None) -> dict[str, Any] | None:
    """What may be said publicly about a result document: no applicant data."""
    if document is None:
        return None
    dossier = document.dossier
    unit = dossier.handling_unit or dossier.receiving_unit
    return {
        "code": dossier.code,
        "procedure": dossier.procedure.name,
        "unit": unit.name if unit else "",
        "name": document.name,
        "signed": document.signed,
        "issued_at": timezone.localtime(dossier.finished_at) if dossier.finished_at else None,
    }


def check_pdf(data: bytes) -> dict[str, Any]:
    """The verdict on an uploaded PDF: ``verdict`` (ok, modified, unsigned, unknown_signer, unreadable),
    a Vietnamese ``message``, the signature details and the matching dossier (if any)."""
    report = pdfsign.inspect_pdf(data)
    document = _document(hashlib.sha256(data).hexdigest())
    answer: dict[str, Any] = {"report": report, "match": _match(document)}
    if report.state == pdfsign.UNREADABLE:
        return answer | {"verdict": "unreadable", "message": "Không đọc được tệp PDF: tệp bị hỏng."}
    if report.state == pdfsign.MODIFIED:
        return answer | {"verdict": "modified", "message": "Văn bản đã bị sửa đổi sau khi ký."}
    if report.state == pdfsign.UNSIGNED:
        return answer | {"verdict": "unsigned", "message": "Không có chữ ký số."}
    known = (
        document is not None and document.certificate_sha256 == report.certificate_sha256
    ) or DossierDocument.objects.filter(result=True, signed=True, certificate_sha256=report.certificate_sha256).exists()
    if not known:
        message = (
            f"Chữ ký số của “{report.organisation}” còn nguyên vẹn, nhưng chứng thư số này không phải của cơ quan "
            "nào đã ký văn bản kết quả trên hệ thống."
        )
        return answer | {"verdict": "unknown_signer", "message": message}
    message = f"Văn bản có chữ ký số hợp lệ của {report.organisation}."
    if document is None:
        message += " " + NOT_FOUND
    return answer | {"verdict": "ok", "message": message}


@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return render(request, TEMPLATE, {"form": VerifyResultForm()})
    if error := _throttled(request):
        return render(request, TEMPLATE, {"form": VerifyResultForm(), "error": error}, status=429)
    form = VerifyResultForm(request.POST, request.FILES)
    if not form.is_valid():
        return render(request, TEMPLATE, {"form": form}, status=400)
    return render(request, TEMPLATE, {"form": VerifyResultForm(), "answer": check_pdf(form.cleaned_data["file"])})


@require_http_methods(["GET"])
def by_code(request: HttpRequest, code: str) -> HttpResponse:
    """The page the QR stamped on an e-result opens: what was issued, with the SHA-256 of the signed file,
    and the form to check the file one holds against it."""
    if error := _throttled(request):
        return render(request, TEMPLATE, {"form": VerifyResultForm(), "error": error}, status=429)
    code = code.strip().upper()
    document = (
        DossierDocument.objects.filter(result=True, verification_code=code)
        .select_related("dossier__procedure", "dossier__handling_unit", "dossier__receiving_unit")
        .first()
        if CODE_RE.match(code)
        else None
    )
    if document is None:
        return render(request, TEMPLATE, {"form": VerifyResultForm(), "hash_missing": NOT_FOUND}, status=404)
    context = {"form": VerifyResultForm(), "by_hash": _match(document), "sha256": document.sha256, "by_code": True}
    return render(request, TEMPLATE, context)


@require_http_methods(["GET"])
def by_hash(request: HttpRequest, sha256: str) -> HttpResponse:
    if error := _throttled(request):
        return render(request, TEMPLATE, {"form": VerifyResultForm(), "error": error}, status=429)
    sha256 = sha256.lower()
    match = _match(_document(sha256)) if SHA256_RE.match(sha256) else None
    if match is None:
        return render(request, TEMPLATE, {"form": VerifyResultForm(), "hash_missing": NOT_FOUND}, status=404)
    return render(request, TEMPLATE, {"form": VerifyResultForm(), "by_hash": match, "sha256": sha256})

"""Public dossier tracking at ``/tra-cuu/?ma=<code>`` (Circular 01/2018 Art. 16).

By code alone: status, procedure, receiving unit and due date — nothing that identifies a person.
With the lookup secret printed on the receipt (``&secret=``), or signed in as the account that
submitted it: the full history in plain sentences, why the due date is what it is, fees (with online
payment when the payments app offers it), receipts and the result when it is delivered online.

The page shares the public API's rules: the same code forms (``candidate_codes``), the same
per-client rate (``public_lookup`` in REST_FRAMEWORK's throttle rates, one counter for page and API)
and the same refusal message. A wrong secret is answered like no secret and logged without the code
typed or anything personal.
"""

from __future__ import annotations

import logging
import re
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import unquote

from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET
from rest_framework.throttling import ScopedRateThrottle

from motcua.api.dossiers.views import LookupThrottled, candidate_codes
from motcua.dossiers import deadlines
from motcua.dossiers.access import followed_dossier, is_owner, secret_matches
from motcua.dossiers.codes import normalize_code
from motcua.dossiers.models import DocumentOrigin, Dossier, DossierEvent, DossierRating, RatingLevel, Status
from motcua.payments import service as payments
from motcua.portal.rating import rate_url

logger = logging.getLogger(__name__)

# What the QR code on forms 01–05 encodes (dossiers/forms/pdf.py qr_payload); pasted or scanned
# into the search box, it finds the dossier.
# Forms printed before 2026-11-23 carried "MaHoSo=…;MaTTHC=…;MauSo=…"; newer ones the tracking URL.
QR_PAYLOAD_RE = re.compile(r"(?:MaHoSo=|[?&]ma=)([^;&#\s]+)", re.IGNORECASE)


class _Scope:
    throttle_scope = "public_lookup"


def lookup_refusal(request: HttpRequest) -> str:
    """Count one lookup against the public rate; "" while within it, else the public API's refusal message.

    Every form that checks a dossier code with its lookup secret (tracking, adding a counter dossier to an
    account) spends from this one per-client counter, so guessing secrets on one page does not get a fresh
    allowance on another."""
    throttle = ScopedRateThrottle()
    if throttle.allow_request(request, _Scope()):
        return ""
    return str(LookupThrottled(throttle.wait()).detail)


def typed_code(raw: str) -> str:
    match = QR_PAYLOAD_RE.search(raw or "")
    return unquote(match.group(1) if match else raw or "").strip()[:80]


def _amount(event: DossierEvent) -> str:
    raw = (event.payload or {}).get("amount")
    try:
        value = int(Decimal(str(raw)))
    except (InvalidOperation, ValueError, TypeError):
        return ""
    return f" {value:,} đồng".replace(",", ".") if value > 0 else ""


def _rating(event: DossierEvent) -> str:
    level = (event.payload or {}).get("level")
    label = RatingLevel(level).label if level in RatingLevel.values else ""
    channel = (event.payload or {}).get("channel")
    where = {"portal": " trên Cổng dịch vụ công", "kiosk": " tại quầy", "paper": " qua phiếu giấy"}.get(channel, "")
    return f"{where}: “{label}”" if label else where


def _who(event: DossierEvent) -> str:
    return event.unit.name if event.unit_id else "Cơ quan giải quyết"


SENTENCES = {
    "submit_online": lambda e: f"Bạn đã nộp hồ sơ trực tuyến đến {_who(e)}.",
    "receive": lambda e: f"{_who(e)} đã tiếp nhận hồ sơ; thời hạn giải quyết bắt đầu được tính.",
    "refuse_intake": lambda e: f"{_who(e)} không tiếp nhận hồ sơ.",
    "forward": lambda e: "Hồ sơ đã được chuyển đến cơ quan giải quyết.",
    "complete_step": lambda e: f"Đã xong bước “{(e.payload or {}).get('step_action') or 'xử lý'}”.",
    "request_supplement": lambda e: "Cơ quan giải quyết đề nghị bạn bổ sung, hoàn thiện hồ sơ.",
    "receive_supplement": lambda e: "Đã nhận hồ sơ bổ sung của bạn.",
    "request_financial": lambda e: "Cơ quan giải quyết đề nghị bạn thực hiện nghĩa vụ tài chính.",
    "record_payment": lambda e: "Đã ghi nhận bạn thực hiện nghĩa vụ tài chính.",
    "collect_fee": lambda e: f"Bạn đã nộp phí, lệ phí{_amount(e)} tại Bộ phận Một cửa; biên lai được cấp.",
    "pay_online": lambda e: f"Bạn đã nộp phí, lệ phí{_amount(e)} trực tuyến; biên lai điện tử được cấp.",
    "pay_obligation_online": lambda e: (
        f"Bạn đã nộp trực tuyến khoản nghĩa vụ tài chính{_amount(e)}; hồ sơ được tiếp tục giải quyết."
    ),
    "apologize": lambda e: "Cơ quan giải quyết xin lỗi vì chậm trễ và hẹn lại ngày trả kết quả.",
    "approve": lambda e: "Hồ sơ đã được giải quyết xong.",
    "refuse": lambda e: "Cơ quan giải quyết từ chối giải quyết hồ sơ.",
    "notify_early_return": lambda e: "Bạn đã được báo kết quả có sớm.",
    "return_result": lambda e: "Đã trả kết quả cho bạn.",
    "withdraw": lambda e: "Hồ sơ đã được rút theo yêu cầu của bạn.",
    "stop": lambda e: "Cơ quan giải quyết dừng xử lý hồ sơ.",
    "rate": lambda e: f"Đã ghi nhận đánh giá mức độ hài lòng{_rating(e)}. Cảm ơn bạn.",
    "digitise": lambda e: f"Đã số hóa giấy tờ “{(e.payload or {}).get('document') or 'thành phần hồ sơ'}”.",
    "purge_documents": lambda e: "Tệp giấy tờ đã hết thời hạn lưu trữ và được hủy; thông tin hồ sơ vẫn được giữ.",
    "link_account": lambda e: "Hồ sơ đã được thêm vào tài khoản của bạn trên Cổng dịch vụ công.",
}
# Reasons the citizen is entitled to read (what to supplement, why refused) are shown with these.
REASONED = {"refuse_intake", "request_supplement", "request_financial", "apologize", "refuse", "stop", "withdraw"}


def timeline(dossier: Dossier) -> list[dict[str, Any]]:
    rows = []
    for event in DossierEvent.objects.filter(dossier=dossier).select_related("unit").order_by("at", "id"):
        sentence = SENTENCES.get(event.action)
        text = sentence(event) if sentence else "Hồ sơ được cập nhật."
        rows.append(
            {
                "at": timezone.localtime(event.at),
                "text": text,
                "reason": event.reason if event.action in REASONED else "",
            }
        )
    return rows


def _receipts(dossier: Dossier) -> list[dict[str, Any]]:
    return [
        {
            "label": f"Biên lai số {receipt.number:07d}, ký hiệu {receipt.series}",
            "total": receipt.total,
            "issued_at": timezone.localtime(receipt.issued_at),
            "pdf": reverse("payments:receipt-pdf", kwargs={"token": receipt.token}),
            "xml": reverse("payments:receipt-xml", kwargs={"token": receipt.token}),
        }
        for receipt in dossier.receipts.order_by("issued_at", "id")
    ]


def _result_files(dossier: Dossier) -> list[dict[str, Any]]:
    return [
        {
            "name": document.name,
            "size": document.size,
            "url": reverse("citizen:result-file", kwargs={"code": dossier.code, "pk": document.pk})
            + f"?secret={dossier.lookup_secret}",
        }
        for document in dossier.documents.filter(result=True).exclude(file="").order_by("id")
    ]


@require_GET
def result_file(request: HttpRequest, code: str, pk: int) -> FileResponse:
    """The e-result, for the owner or whoever holds the lookup secret, once the result is ready and the
    applicant chose to receive it online. Anything else: 404, nothing said about the dossier."""
    found = followed_dossier(request.user, code, request.GET.get("secret", ""))
    dossier = found[0] if found else None
    if dossier is None or not dossier.e_result_downloadable:
        raise Http404("Không tìm thấy văn bản kết quả.")
    document = dossier.documents.filter(pk=pk, result=True).exclude(file="").first()
    if document is None:
        raise Http404("Không tìm thấy văn bản kết quả.")
    return FileResponse(
        document.file.open("rb"),
        as_attachment=True,
        filename=document.file.name.rsplit("/", 1)[-1],
        content_type=document.content_type or "application/octet-stream",
    )


# Where the electronic copy of each component came from, in the citizen's words.
ORIGIN_LABELS = {
    DocumentOrigin.STORE: "Lấy từ kho dữ liệu",
    DocumentOrigin.REUSE: "Lấy từ kho dữ liệu",
    DocumentOrigin.UPLOAD: "Tải lên",
    DocumentOrigin.SCAN: "Số hóa tại quầy",
}


def _components(dossier: Dossier) -> list[dict[str, str]]:
    """The submitted components with where their electronic copy came from (paper only: no copy)."""
    return [
        {"name": document.name, "origin": ORIGIN_LABELS.get(document.origin, "Bản giấy")}
        for document in dossier.documents.filter(result=False).only("name", "origin").order_by("id")
    ]


def _full_details(dossier: Dossier) -> dict[str, Any]:
    outstanding = payments.outstanding(dossier)
    try:
        payments.check_payable(dossier)
    except payments.CannotPay:
        pay_url = ""
    else:
        pay_url = f"{reverse('payments:start', kwargs={'code': dossier.code})}?secret={dossier.lookup_secret}"
    result_ready, e_result = dossier.result_ready, dossier.e_result_downloadable
    return {
        "timeline": timeline(dossier),
        "components": _components(dossier),
        "due_explanation": deadlines.explain_due(dossier) if dossier.due_at else [],
        "outstanding": outstanding,
        "pay_url": pay_url,
        "receipts": _receipts(dossier),
        "e_result": e_result,
        "result_files": _result_files(dossier) if e_result else [],
        "result_ready": result_ready,
        "rating": DossierRating.objects.filter(dossier=dossier).first(),
    }


@require_GET
def track(request: HttpRequest) -> HttpResponse:
    raw = request.GET.get("ma", "")
    context: dict[str, Any] = {"ma": typed_code(raw)}
    if not raw.strip():
        return render(request, "portal/track.html", context)
    refusal = lookup_refusal(request)
    if refusal:
        context["error"] = refusal
        return render(request, "portal/track.html", context, status=429)
    codes = candidate_codes(context["ma"])
    if not codes:
        context["error"] = "Mã hồ sơ không đúng định dạng (ví dụ 000.01.41.H57-260309-0001)."
        return render(request, "portal/track.html", context, status=400)
    dossier = (
        Dossier.objects.filter(code__in=codes)
        .select_related("procedure", "procedure_version", "receiving_unit__office_hours", "handling_unit")
        .first()
    )
    if dossier is None:
        context["error"] = "Không tìm thấy hồ sơ có mã này. Hãy kiểm tra lại mã trên Giấy tiếp nhận."
        return render(request, "portal/track.html", context, status=404)
    given = normalize_code(request.GET.get("secret", ""))[:32]
    right_secret = secret_matches(dossier, given)
    owner = is_owner(request.user, dossier)
    if given and not right_secret:
        logger.warning("tracking: wrong lookup secret for dossier id=%s", dossier.pk)
        context["secret_error"] = "Mã tra cứu không đúng: chỉ hiển thị tình trạng chung của hồ sơ."  # noqa: S105
    context.update(
        {
            "dossier": dossier,
            "status_label": Status(dossier.status).label,
            "due_at": dossier.effective_due_at,
            "full": right_secret or owner,
            "secret": dossier.lookup_secret if (right_secret or owner) else "",
        }
    )
    if context["full"]:
        context.update(_full_details(dossier))
        context["rate_url"] = rate_url(dossier, "" if owner else dossier.lookup_secret)
    return render(request, "portal/track.html", context)

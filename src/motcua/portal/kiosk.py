"""The rating kiosk: a tablet at the one-stop counter, no login, big buttons, no JavaScript.

Screens: the dossier code (typed, or the QR payload ``MaHoSo=…;…`` scanned into the box) → five levels →
the Decree 61 aspects (optional) → thank you, which returns to the start by itself (meta refresh).

Dossier codes are guessable, so the kiosk is opened only through ``/diem-danh-gia/<token>/`` with the
device token an administrator created (``portal.Kiosk``); a wrong or inactive token is a 404. Only
dossiers received by the kiosk's unit or a unit below it, in status 9 or 10, can be rated there; a
dossier elsewhere is answered exactly like an unknown code, and wrong codes are counted per kiosk and
refused past ``MOTCUA_KIOSK_WRONG_CODES`` in ``MOTCUA_KIOSK_WRONG_CODE_MINUTES``. The screens show the
code and the procedure, never the applicant. Between screens the choice travels in a signed ticket
(kiosk, dossier, level; valid ``TICKET_SECONDS``), so nothing is kept on the shared device. Only the
thank-you screen refreshes by itself: the input screens give the citizen all the time needed (WCAG 2.2.1)
and have "Hủy, quay lại"; a screen left open is useless once its ticket expires.
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from motcua.api.dossiers.views import candidate_codes
from motcua.dossiers import actions
from motcua.dossiers.models import ASPECTS, Dossier, DossierRating, RatingLevel
from motcua.portal.models import Kiosk
from motcua.portal.rating import RATABLE
from motcua.portal.tracking import typed_code

logger = logging.getLogger(__name__)

SALT = "motcua.portal.kiosk"
TICKET_SECONDS = 10 * 60
THANKS_SECONDS = 8  # the thank-you screen returns to the start after this
LEVELS = [(value, label) for value, label in RatingLevel.choices]  # 5 (best) first

NOT_FOUND = "Không tìm thấy hồ sơ có mã này tại đơn vị. Hãy kiểm tra mã trên Giấy tiếp nhận, hoặc hỏi cán bộ."
MALFORMED = "Mã hồ sơ chưa đúng dạng (ví dụ 000.01.41.H57-260309-0001). Hãy nhập lại."
NOT_READY = "Hồ sơ này chưa có kết quả: chỉ đánh giá được sau khi bạn nhận kết quả."
ALREADY = "Hồ sơ này đã được đánh giá. Cảm ơn bạn!"
EXPIRED = "Phiên đánh giá đã hết thời gian. Xin mời nhập lại mã hồ sơ."
LOCKED = (
    "Thiết bị tạm dừng nhận mã vì có nhiều mã nhập sai. Xin vui lòng thử lại sau ít phút, "
    "hoặc đề nghị cán bộ Bộ phận Một cửa hỗ trợ."
)


def _kiosk(token: str) -> Kiosk:
    kiosk = Kiosk.objects.select_related("unit").filter(token=token, active=True).first()
    if kiosk is None:
        raise Http404("Không có thiết bị này.")
    return kiosk


def _wrong_key(kiosk: Kiosk) -> str:
    return f"motcua:kiosk:{kiosk.pk}:wrong"


def _locked(kiosk: Kiosk) -> bool:
    return cache.get(_wrong_key(kiosk), 0) >= settings.MOTCUA_KIOSK_WRONG_CODES


def _count_wrong(kiosk: Kiosk) -> None:
    key = _wrong_key(kiosk)
    if cache.add(key, 1, timeout=settings.MOTCUA_KIOSK_WRONG_CODE_MINUTES * 60):
        return
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=settings.MOTCUA_KIOSK_WRONG_CODE_MINUTES * 60)
        return
    if count == settings.MOTCUA_KIOSK_WRONG_CODES:
        logger.warning("kiosk id=%s: too many wrong dossier codes, paused", kiosk.pk)


def _ticket(kiosk: Kiosk, dossier: Dossier, level: int | None = None) -> str:
    return signing.dumps({"k": kiosk.pk, "d": dossier.pk, "l": level}, salt=SALT, compress=True)


def _read_ticket(kiosk: Kiosk, raw: str) -> tuple[Dossier, int | None] | None:
    try:
        data = signing.loads(raw or "", salt=SALT, max_age=TICKET_SECONDS)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or data.get("k") != kiosk.pk:
        return None
    dossier = Dossier.objects.select_related("procedure").filter(pk=data.get("d")).first()
    if dossier is None:
        return None
    level = data.get("l")
    return dossier, level if level in RatingLevel.values else None


def _screen(request: HttpRequest, kiosk: Kiosk, template: str, status: int = 200, **context: Any) -> HttpResponse:
    context.update({"kiosk": kiosk, "token": kiosk.token})
    response = render(request, f"portal/kiosk/{template}", context, status=status)
    response["X-Robots-Tag"] = "noindex"
    return response


def _start(request: HttpRequest, kiosk: Kiosk, *, error: str = "", status: int = 200, ma: str = "") -> HttpResponse:
    return _screen(request, kiosk, "start.html", status=status, error=error, ma=ma)


@never_cache
@require_http_methods(["GET", "POST"])
def start(request: HttpRequest, token: str) -> HttpResponse:
    kiosk = _kiosk(token)
    if request.method == "GET":
        return _start(request, kiosk)
    if _locked(kiosk):
        return _start(request, kiosk, error=LOCKED, status=429)
    ma = typed_code(request.POST.get("ma", ""))
    codes = candidate_codes(ma)
    if not codes:
        _count_wrong(kiosk)
        return _start(request, kiosk, error=MALFORMED, status=400, ma=ma)
    dossier = (
        Dossier.objects.select_related("procedure")
        .filter(code__in=codes, receiving_unit__path__startswith=kiosk.unit.path)
        .first()
    )
    if dossier is None:
        _count_wrong(kiosk)
        return _start(request, kiosk, error=NOT_FOUND, status=404, ma=ma)
    if DossierRating.objects.filter(dossier=dossier).exists():
        return _start(request, kiosk, error=ALREADY, status=409)
    if dossier.status not in RATABLE:
        return _start(request, kiosk, error=NOT_READY, status=409)
    return _screen(request, kiosk, "level.html", dossier=dossier, ticket=_ticket(kiosk, dossier), levels=LEVELS)


@never_cache
@require_POST
def choose_level(request: HttpRequest, token: str) -> HttpResponse:
    kiosk = _kiosk(token)
    found = _read_ticket(kiosk, request.POST.get("ticket", ""))
    if found is None:
        return _start(request, kiosk, error=EXPIRED, status=400)
    dossier, _ = found
    try:
        level = int(request.POST.get("level", ""))
    except ValueError:
        level = 0
    if level not in RatingLevel.values:
        return _screen(
            request,
            kiosk,
            "level.html",
            status=400,
            dossier=dossier,
            ticket=_ticket(kiosk, dossier),
            levels=LEVELS,
            error="Xin chọn một trong năm mức.",
        )
    return _screen(
        request,
        kiosk,
        "aspects.html",
        dossier=dossier,
        ticket=_ticket(kiosk, dossier, level),
        level_label=RatingLevel(level).label,
        aspects=list(ASPECTS.items()),
        levels=LEVELS,
    )


@never_cache
@require_POST
def submit(request: HttpRequest, token: str) -> HttpResponse:
    kiosk = _kiosk(token)
    found = _read_ticket(kiosk, request.POST.get("ticket", ""))
    if found is None or found[1] is None:
        return _start(request, kiosk, error=EXPIRED, status=400)
    dossier, level = found
    aspects: dict[str, int] = {}
    if "skip" not in request.POST:
        for key in ASPECTS:
            value = request.POST.get(f"aspect_{key}", "")
            if value.isdigit() and int(value) in RatingLevel.values:
                aspects[key] = int(value)
    try:
        actions.rate(dossier, level=level, channel="kiosk", aspects=aspects)
    except actions.Conflict:
        return _start(request, kiosk, error=ALREADY, status=409)
    except actions.InvalidAction:
        return _start(request, kiosk, error=EXPIRED, status=400)
    return redirect("citizen:kiosk-thanks", token=kiosk.token)


@never_cache
@require_GET
def thanks(request: HttpRequest, token: str) -> HttpResponse:
    kiosk = _kiosk(token)
    return _screen(request, kiosk, "thanks.html", thanks_seconds=THANKS_SECONDS)

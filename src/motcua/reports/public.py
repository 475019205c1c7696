"""The public transparency page (công khai) at ``/cong-khai/``: how a unit handled dossiers in a month, quarter or year.

Anyone may read it, so it shows counts and rates only: received, resolved, resolved early or on time (with the
rate), resolved late with and without a letter of apology, still in progress and overdue, the satisfaction rate and
the online rate — for the chosen unit and for each unit directly under it. No applicant, no dossier code, no list
and no link to a dossier: nothing on it identifies a person.

Why these figures and not others: they are what a citizen can hold an office to (Decree 61 Art. 28–32 asks for the
evaluation results to be public; the late-with-apology count is the promise of Art. 21) and they are the same
numbers as the back-office statistics (``reports.statistics.compute``, handling-unit perspective, the one the
national scorecard uses): the page never computes a figure of its own.

Why a cache and no rate limit: the page is read by many and changes slowly; the figures of a (unit, period) are
kept ``CACHE_SECONDS`` in Django's cache, so a burst of readers costs one computation (two queries on the fact
table) every few minutes, and there is nothing to throttle. Only the figures are cached, never the rendered page
(the header shows who is signed in).

Mounted from ``motcua/urls.py`` with ``include("motcua.reports.public")`` (namespace ``transparency``).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from motcua.organizations.models import Unit, UnitKind
from motcua.reports.exports import fmt_int, fmt_rate
from motcua.reports.statistics import compute
from motcua.reports.views import QUARTERS, parse_period

CACHE_SECONDS = 300
PUBLIC_KINDS = (
    UnitKind.PROVINCE_COMMITTEE,
    UnitKind.DEPARTMENT,
    UnitKind.DISTRICT_COMMITTEE,
    UnitKind.COMMUNE_COMMITTEE,
)
FIGURES = (
    "received",
    "resolved",
    "early",
    "on_time",
    "late",
    "on_time_rate",
    "late_apologised",
    "late_unapologised",
    "in_progress",
    "in_progress_overdue",
    "ratings",
    "satisfaction_rate",
    "online",
    "online_rate",
)
PERIOD_KINDS = [("thang", "Tháng"), ("quy", "Quý"), ("nam", "Năm")]


def public_units() -> list[Unit]:
    """The agencies a citizen deals with (people's committees and departments), in tree order: internal divisions
    and service centres are counted inside their agency."""
    return list(Unit.objects.filter(active=True, kind__in=PUBLIC_KINDS).order_by("path"))


def figures(unit: Unit, start, end) -> dict[str, Any]:
    """The public figures of ``unit`` and of each unit directly under it: plain numbers, safe to cache."""
    stats = compute(unit, start, end, group_by="unit")

    def pick(fig) -> dict[str, Any]:
        return {name: fig.value(name) for name in FIGURES}

    return {
        "total": pick(stats.total),
        "rows": [{"key": fig.key, "label": fig.label, **pick(fig)} for fig in stats.rows],
        "computed_at": timezone.now(),
    }


def cached_figures(unit: Unit, start, end) -> dict[str, Any]:
    key = f"motcua:cong-khai:{unit.pk}:{start:%Y%m%d}:{end:%Y%m%d}"
    return cache.get_or_set(key, lambda: figures(unit, start, end), CACHE_SECONDS)


def _cards(total: dict[str, Any]) -> list[dict[str, Any]]:
    on_time = total["early"] + total["on_time"]
    return [
        {
            "id": "received",
            "label": "Hồ sơ tiếp nhận mới",
            "value": total["received"],
            "text": fmt_int(total["received"]),
        },
        {
            "id": "resolved",
            "label": "Hồ sơ đã giải quyết",
            "value": total["resolved"],
            "text": fmt_int(total["resolved"]),
        },
        {
            "id": "on_time",
            "label": "Giải quyết trước hạn, đúng hạn",
            "value": on_time,
            "text": fmt_int(on_time),
            "note": f"Tỷ lệ {fmt_rate(total['on_time_rate'])} số hồ sơ đã giải quyết",
            "rate": total["on_time_rate"],
        },
        {
            "id": "late_apologised",
            "label": "Quá hạn, có văn bản xin lỗi",
            "value": total["late_apologised"],
            "text": fmt_int(total["late_apologised"]),
        },
        {
            "id": "late_unapologised",
            "label": "Quá hạn, không có văn bản xin lỗi",
            "value": total["late_unapologised"],
            "text": fmt_int(total["late_unapologised"]),
        },
        {
            "id": "in_progress_overdue",
            "label": "Đang giải quyết, đã quá hạn",
            "value": total["in_progress_overdue"],
            "text": fmt_int(total["in_progress_overdue"]),
            "note": f"Trên {fmt_int(total['in_progress'])} hồ sơ đang giải quyết cuối kỳ",
        },
        {
            "id": "satisfaction_rate",
            "label": "Tỷ lệ hài lòng",
            "value": total["satisfaction_rate"],
            "text": fmt_rate(total["satisfaction_rate"]) if total["ratings"] else "Chưa có đánh giá",
            "is_text": not total["ratings"],
            "note": f"{fmt_int(total['ratings'])} lượt đánh giá của người dân",
        },
        {
            "id": "online_rate",
            "label": "Tỷ lệ nộp hồ sơ trực tuyến",
            "value": total["online_rate"],
            "text": fmt_rate(total["online_rate"]),
            "note": f"{fmt_int(total['online'])} hồ sơ trực tuyến",
        },
    ]


def _row(row: dict[str, Any], url: str | None) -> dict[str, Any]:
    return {
        "label": row["label"],
        "url": url,
        "received": fmt_int(row["received"]),
        "resolved": fmt_int(row["resolved"]),
        "on_time_rate": fmt_rate(row["on_time_rate"]),
        "late_apologised": fmt_int(row["late_apologised"]),
        "late_unapologised": fmt_int(row["late_unapologised"]),
        "in_progress_overdue": fmt_int(row["in_progress_overdue"]),
        "satisfaction_rate": fmt_rate(row["satisfaction_rate"]),
        "online_rate": fmt_rate(row["online_rate"]),
    }


@require_GET
def transparency(request: HttpRequest) -> HttpResponse:
    """The figures of one unit (by default the province) for a month, quarter or year (by default this month)."""
    units = public_units()
    if not units:
        raise Http404("Chưa có đơn vị nào.")
    by_pk = {unit.pk: unit for unit in units}
    raw = request.GET.get("unit", "").strip()
    if raw:
        unit = by_pk.get(int(raw)) if raw.isdigit() else None
        if unit is None:
            raise Http404("Không có đơn vị này.")
    else:
        unit = min(units, key=lambda u: (u.path.count("/"), u.path))
    today = timezone.localdate()
    period, errors = parse_period(request.GET, today, kinds=("thang", "quy", "nam"))
    data = cached_figures(unit, period.start, period.end)
    here = reverse("transparency:page")
    same_period = {"ky": period.kind, "thang": period.month, "quy": period.quarter, "nam": period.year}
    rows = []
    for row in data["rows"]:
        child = by_pk.get(int(row["key"])) if row["key"].isdigit() else None
        url = None
        if child is not None and child.pk != unit.pk:
            url = f"{here}?{urlencode({'unit': child.pk, **same_period})}"
        rows.append(_row(row, url))
    top = min(u.path.count("/") for u in units)
    computed_at: datetime = data["computed_at"]
    return render(
        request,
        "reports/public.html",
        {
            "unit": unit,
            "unit_options": [(u.pk, "\u00a0\u00a0\u00a0" * (u.path.count("/") - top) + u.name) for u in units],
            "period": period,
            "period_errors": errors,
            "period_kinds": PERIOD_KINDS,
            "months": list(range(1, 13)),
            "quarters": QUARTERS,
            "years": list(range(today.year - 5, today.year + 1)),
            "cards": _cards(data["total"]),
            "rows": rows,
            "computed_at": timezone.localtime(computed_at),
            "future": period.end > today,
            "today": today,
        },
    )


app_name = "transparency"
urlpatterns = [path("", transparency, name="page")]

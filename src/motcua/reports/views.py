"""Back-office report pages at ``/can-bo/bao-cao/``: statistics with charts, the list of dossiers behind any number,
the Decision 766 scorecard, the Circular 01/2018 evaluation and the alerts.

Who sees what: an officer picks among the units in which a role gives ``dossiers.view_dossier``
(``organizations.scoping.units_visible_to``), the highest one by default; asking for another unit is a 403, an
unknown one a 404 — the rule of the reports API (``api/reports.py``), so the page and the API agree. A unit's
figures cover its whole subtree, as everywhere in ``reports``.

Why every count is a link: leaders are judged on these numbers and must be able to check them. Each count on the
statistics page links to ``/can-bo/bao-cao/ho-so/`` with the unit, period, grouping, row key and measure, which
lists exactly the dossiers ``statistics.dossiers_behind`` says the number counts (tests check the lengths match).
Rates and averages are not links: they are quotients of the counts beside them. The list shows codes, procedures,
units and dates — no applicant's name, ID number or phone — and links a code to the dossier desk only when the
officer may open that dossier.

The pages only read. Files: ``?format=xlsx`` or ``?format=pdf`` on the statistics and scorecard pages returns the
same figures from ``reports.exports``.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.db.models.functions import Length
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from motcua.backoffice.views import officer_required
from motcua.catalog.models import Field, Procedure
from motcua.dossiers.access import VIEW_DOSSIER, visible_dossiers
from motcua.organizations.models import Unit
from motcua.organizations.scoping import units_visible_to
from motcua.reports import charts, circular01, exports, rules, statistics
from motcua.reports.exports import SECTIONS, Section, fmt_int, fmt_rate, period_label
from motcua.reports.rules_models import RulePeriod, VolumeRule
from motcua.reports.scorecard import Scorecard, by_children, scorecard

PAGE_SIZE = 25
MAX_DAYS = 366 * 5  # as the reports API: a longer range is more likely a typo than a report
DATE_FORMAT = "%d/%m/%Y"
PERIOD_KINDS = {"thang": "Tháng", "quy": "Quý", "nam": "Năm", "khoang": "Khoảng thời gian"}
GROUP_CHOICES = [
    ("unit", "Đơn vị trực thuộc"),
    ("field", "Lĩnh vực"),
    ("procedure", "Thủ tục"),
    ("channel", "Kênh tiếp nhận"),
    ("month", "Tháng"),
    ("", "Không nhóm (chỉ dòng tổng)"),
]
PERSPECTIVE_CHOICES = [("handling", "Cơ quan giải quyết"), ("receiving", "Nơi tiếp nhận hồ sơ")]
QUARTERS = [(1, "I"), (2, "II"), (3, "III"), (4, "IV")]
MARKS = {"early": "trước hạn", "on_time": "đúng hạn", "late": "quá hạn"}


# --- the period ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    """A report period of local dates, inclusive, and the choice it came from (for the form)."""

    kind: str
    start: date
    end: date
    year: int
    month: int
    quarter: int

    @property
    def label(self) -> str:
        return period_label(self.start, self.end)

    @property
    def query(self) -> dict[str, str]:
        """The period as ``tu``/``den`` (what every link carries: one canonical form)."""
        return {"tu": self.start.strftime(DATE_FORMAT), "den": self.end.strftime(DATE_FORMAT)}


def month_period(year: int, month: int) -> tuple[date, date]:
    return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])


def quarter_period(year: int, quarter: int) -> tuple[date, date]:
    first = 3 * quarter - 2
    return date(year, first, 1), month_period(year, first + 2)[1]


def _number(raw: str | None, default: int, low: int, high: int, what: str, errors: list[str]) -> int:
    if raw in (None, ""):
        return default
    try:
        value = int(str(raw).strip())
    except ValueError:
        value = low - 1
    if not low <= value <= high:
        errors.append(f"{what} không hợp lệ.")
        return default
    return value


def _day(raw: str | None, default: date, what: str, errors: list[str]) -> date:
    if not raw or not raw.strip():
        return default
    try:
        return datetime.strptime(raw.strip(), DATE_FORMAT).date()
    except ValueError:
        errors.append(f"{what} không đúng dạng ngày/tháng/năm (ví dụ 01/07/2025).")
        return default


def parse_period(
    params: QueryDict | dict[str, str], today: date, *, kinds: tuple[str, ...] = tuple(PERIOD_KINDS)
) -> tuple[Period, list[str]]:
    """The period asked for: ``ky`` = thang (``thang``, ``nam``), quy (``quy``, ``nam``), nam (``nam``) or khoang
    (``tu``, ``den`` as dd/mm/yyyy; also when only ``tu``/``den`` are given, as in every link). By default this
    month. Errors come back in Vietnamese, with the default period in place of the wrong one."""
    errors: list[str] = []
    kind = params.get("ky") or (
        "khoang" if ("khoang" in kinds and (params.get("tu") or params.get("den"))) else "thang"
    )
    if kind not in kinds:
        errors.append("Kỳ báo cáo không hợp lệ.")
        kind = "thang"
    year = _number(params.get("nam"), today.year, 2000, 2100, "Năm", errors)
    month = _number(params.get("thang"), today.month, 1, 12, "Tháng", errors)
    quarter = _number(params.get("quy"), (today.month + 2) // 3, 1, 4, "Quý", errors)
    if kind == "thang":
        start, end = month_period(year, month)
    elif kind == "quy":
        start, end = quarter_period(year, quarter)
    elif kind == "nam":
        start, end = date(year, 1, 1), date(year, 12, 31)
    else:
        start = _day(params.get("tu"), today.replace(day=1), "Từ ngày", errors)
        end = _day(params.get("den"), today, "Đến ngày", errors)
        if start > end:
            errors.append("Từ ngày phải trước hoặc bằng đến ngày.")
        elif (end - start).days >= MAX_DAYS:
            errors.append(f"Mỗi báo cáo tối đa {MAX_DAYS} ngày.")
    if errors:
        start, end = month_period(today.year, today.month)
        errors.append(f"Đang hiển thị {period_label(start, end).lower()}.")
        return Period("thang", start, end, today.year, today.month, (today.month + 2) // 3), errors
    # the form's month, quarter and year fields show those of the period's first day
    return Period(kind, start, end, start.year, start.month, (start.month + 2) // 3), []


def quick_periods(today: date) -> list[tuple[str, dict[str, str]]]:
    """Links to the usual periods: this and last month, quarter, year."""
    last_month = today.replace(day=1) - timedelta(days=1)
    quarter = (today.month + 2) // 3
    last_quarter_year, last_quarter = (today.year, quarter - 1) if quarter > 1 else (today.year - 1, 4)
    return [
        ("Tháng này", {"ky": "thang", "thang": str(today.month), "nam": str(today.year)}),
        ("Tháng trước", {"ky": "thang", "thang": str(last_month.month), "nam": str(last_month.year)}),
        ("Quý này", {"ky": "quy", "quy": str(quarter), "nam": str(today.year)}),
        ("Quý trước", {"ky": "quy", "quy": str(last_quarter), "nam": str(last_quarter_year)}),
        ("Năm nay", {"ky": "nam", "nam": str(today.year)}),
        ("Năm trước", {"ky": "nam", "nam": str(today.year - 1)}),
    ]


# --- the unit -----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Scope:
    """The unit shown and the units the officer may pick."""

    unit: Unit
    options: list[tuple[int, str]]
    visible_ids: frozenset[int]


def visible_units(user) -> QuerySet[Unit]:
    return units_visible_to(user, VIEW_DOSSIER)


def scope_of(request: HttpRequest) -> Scope:
    """The unit asked for (``unit`` = its id) if the officer may view it: 404 unknown, 403 someone else's; by
    default the highest unit the officer may view."""
    units = list(visible_units(request.user).annotate(depth=Length("path")).order_by("path"))
    if not units:
        raise PermissionDenied("Bạn không có quyền xem hồ sơ của đơn vị nào nên không xem được báo cáo.")
    visible = frozenset(u.pk for u in units)
    raw = request.GET.get("unit", "").strip()
    if raw:
        if not raw.isdigit():
            raise Http404("Không có đơn vị này.")
        unit = Unit.objects.filter(pk=int(raw)).first()
        if unit is None:
            raise Http404("Không có đơn vị này.")
        if unit.pk not in visible:
            raise PermissionDenied("Bạn không có quyền xem số liệu của đơn vị này.")
    else:
        unit = min(units, key=lambda u: (u.path.count("/"), u.path))
    top = min(u.path.count("/") for u in units)
    options = [(u.pk, "\u00a0\u00a0\u00a0" * (u.path.count("/") - top) + u.name) for u in units]
    return Scope(unit, options, visible)


# --- shared page context --------------------------------------------------------------------------------------------


def _filters(request: HttpRequest, scope: Scope, period: Period, errors: list[str]) -> dict[str, Any]:
    today = timezone.localdate()
    return {
        "unit": scope.unit,
        "unit_options": scope.options,
        "period": period,
        "period_errors": errors,
        "period_kinds": list(PERIOD_KINDS.items()),
        "months": list(range(1, 13)),
        "quarters": QUARTERS,
        "quick_periods": [(label, urlencode({"unit": scope.unit.pk, **q})) for label, q in quick_periods(today)],
        "nav_query": urlencode({"unit": scope.unit.pk, **period.query}),
    }


def _download(kind: str, fmt: str, unit: Unit, start: date, end: date, content: bytes) -> HttpResponse:
    response = HttpResponse(content, content_type=exports.MIME[fmt])
    response["Content-Disposition"] = exports.content_disposition(
        kind, unit.agency_code or str(unit.pk), start, end, fmt
    )
    return response


def _format(request: HttpRequest) -> str:
    fmt = request.GET.get("format", "")
    if fmt and fmt not in exports.MIME:
        raise Http404("Không có định dạng tệp này (chỉ xlsx, pdf).")
    return fmt


def _choice(request: HttpRequest, name: str, allowed: list[str], default: str, what: str, errors: list[str]) -> str:
    value = request.GET.get(name, default)
    if value not in allowed:
        errors.append(f"{what} không hợp lệ; đang dùng mặc định.")
        return default
    return value


# --- statistics ---------------------------------------------------------------------------------------------------


def _table(stats: statistics.Statistics, section: Section, base: dict[str, Any], scope: Scope) -> dict[str, Any]:
    """One section of the report as rows of cells, each count with the address of its dossiers."""
    drill = reverse("backoffice:reports:dossiers")
    here = reverse("backoffice:reports:statistics")
    rows = []
    for figures in exports.table_rows(stats):
        total = figures is stats.total
        # the total row counts without a grouping; ``nhom`` only brings the list's back link to this table
        where = {"nhom": stats.group_by or ""} if total else {"group_by": stats.group_by, "key": figures.key}
        cells = []
        for column in section.columns:
            value = figures.value(column.name)
            url = None
            if column.linked and (total or figures.key):
                url = f"{drill}?{urlencode({**base, **where, 'measure': column.name})}"
            cells.append(
                {"text": exports.fmt_value(figures, column), "url": url, "zero": value == 0, "kind": column.kind}
            )
        unit_url = None
        if stats.group_by == "unit" and not total and figures.key.isdigit():
            pk = int(figures.key)
            if pk != stats.unit.pk and pk in scope.visible_ids:
                unit_url = f"{here}?{urlencode({**base, 'unit': pk, 'group_by': 'unit'})}"
        rows.append({"label": exports.row_label(stats, figures), "total": total, "unit_url": unit_url, "cells": cells})
    return {"section": section, "rows": rows}


def _months(unit: Unit, period: Period, perspective: str, stats: statistics.Statistics) -> list[charts.MonthPoint]:
    monthly = stats if stats.group_by == "month" else None
    if monthly is None:
        monthly = statistics.compute(unit, period.start, period.end, group_by="month", perspective=perspective)
    points = []
    for figures in monthly.rows:
        year, month = figures.key.split("-")
        points.append(charts.MonthPoint(figures.label, f"{int(month)}/{year}", figures.received, figures.resolved))
    return points


@never_cache
@require_GET
@officer_required
def statistics_view(request: HttpRequest) -> HttpResponse:
    """The statistics of a unit's subtree for a period, grouped, as tables (every count linked) and two charts."""
    scope = scope_of(request)
    period, errors = parse_period(request.GET, timezone.localdate())
    group_by = _choice(request, "group_by", [g for g, _ in GROUP_CHOICES], "unit", "Cách nhóm", errors)
    perspective = _choice(request, "perspective", list(statistics.PERSPECTIVES), "handling", "Cách tính", errors)
    fmt = _format(request)
    stats = statistics.compute(scope.unit, period.start, period.end, group_by=group_by or None, perspective=perspective)
    if fmt:
        content = exports.statistics_xlsx(stats) if fmt == "xlsx" else exports.statistics_pdf(stats)
        return _download("thong-ke", fmt, scope.unit, period.start, period.end, content)
    base = {"unit": scope.unit.pk, **period.query, "perspective": perspective}
    bar_rows = [
        charts.BarRow(exports.row_label(stats, f), f.early, f.on_time, f.late) for f in (stats.rows or [stats.total])
    ]
    if not stats.group_by:
        bar_rows = [charts.BarRow(scope.unit.name, stats.total.early, stats.total.on_time, stats.total.late)]
    several_months = (period.end.year, period.end.month) != (period.start.year, period.start.month)
    month_chart = None
    if several_months:
        month_chart = charts.month_lines(
            _months(scope.unit, period, perspective, stats),
            title=f"Tiếp nhận mới và đã giải quyết theo tháng — {scope.unit.name}, {period.label}",
        )
    group_label = dict(GROUP_CHOICES).get(group_by, "")
    context = {
        **_filters(request, scope, period, errors),
        "stats": stats,
        "group_by": group_by,
        "group_label": group_label,
        "group_choices": GROUP_CHOICES,
        "perspective": perspective,
        "perspective_choices": PERSPECTIVE_CHOICES,
        "tables": [_table(stats, section, base, scope) for section in SECTIONS],
        "bar_chart": charts.stacked_bars(
            bar_rows, title=f"Hồ sơ đã giải quyết trước hạn, đúng hạn, quá hạn — {scope.unit.name}, {period.label}"
        ),
        "month_chart": month_chart,
        "xlsx_query": urlencode({**base, "group_by": group_by, "format": "xlsx"}),
        "pdf_query": urlencode({**base, "group_by": group_by, "format": "pdf"}),
        "measures": statistics.MEASURES,
        "rates": statistics.RATES,
    }
    return render(request, "reports/statistics.html", context)


# --- the dossiers behind a number ------------------------------------------------------------------------------------


def _key_label(group_by: str | None, key: str, unit: Unit) -> str:
    """The row a drill-down comes from, in words; 404 for a key that cannot be a row of that grouping."""
    if not group_by:
        return ""
    if group_by == "month":
        try:
            year, month = (int(part) for part in key.split("-"))
            date(year, month, 1)
        except ValueError as exc:
            raise Http404("Tháng không hợp lệ.") from exc
        return f"Tháng {month}/{year}"
    if group_by == "channel":
        if key not in statistics.CHANNEL_LABELS:
            raise Http404("Không có kênh này.")
        return statistics.CHANNEL_LABELS[key]
    if not key.isdigit():
        raise Http404("Không có nhóm này.")
    model: Any = {"unit": Unit, "field": Field, "procedure": Procedure}[group_by]
    found = model.objects.filter(pk=int(key)).first()
    if found is None:
        raise Http404("Không có nhóm này.")
    if group_by == "unit":
        if not found.path.startswith(unit.path):
            raise Http404("Đơn vị này không trực thuộc đơn vị đang xem.")
        return found.name + (" (trực tiếp giải quyết)" if found.pk == unit.pk else "")
    if group_by == "procedure":
        return f"{found.code} — {found.name}"
    return found.name


@never_cache
@require_GET
@officer_required
def dossiers_view(request: HttpRequest) -> HttpResponse:
    """The dossiers one number counts: ``statistics.dossiers_behind`` for the unit, period, grouping, key and
    measure of the link, paginated."""
    scope = scope_of(request)
    period, errors = parse_period(request.GET, timezone.localdate())
    measure = request.GET.get("measure", "")
    if measure not in statistics.MEASURES:
        raise Http404("Không có chỉ tiêu này.")
    group_by = request.GET.get("group_by") or None
    if group_by is not None and group_by not in statistics.GROUPINGS:
        raise Http404("Không có cách nhóm này.")
    perspective = request.GET.get("perspective") or "handling"
    if perspective not in statistics.PERSPECTIVES:
        raise Http404("Không có cách tính này.")
    key = request.GET.get("key", "") if group_by else ""
    if group_by and not key:
        raise Http404("Thiếu nhóm.")
    key_label = _key_label(group_by, key, scope.unit)
    dossiers = statistics.dossiers_behind(
        scope.unit, period.start, period.end, measure, group_by=group_by, key=key, perspective=perspective
    ).select_related("procedure", "receiving_unit", "handling_unit")
    page = Paginator(dossiers, PAGE_SIZE).get_page(request.GET.get("page"))
    items = list(page)
    openable = set(visible_dossiers(request.user).filter(pk__in=[d.pk for d in items]).values_list("pk", flat=True))
    rows = [
        {
            "dossier": d,
            "openable": d.pk in openable,
            "due": getattr(d, "effective_due", None) or d.due_at,
            "mark": MARKS.get(d.finish_mark, ""),
        }
        for d in items
    ]
    page_grouping = request.GET.get("nhom", group_by or "")
    if page_grouping not in statistics.GROUPINGS:
        page_grouping = ""
    back = {"unit": scope.unit.pk, **period.query, "perspective": perspective, "group_by": page_grouping}
    return render(
        request,
        "reports/dossiers.html",
        {
            **_filters(request, scope, period, errors),
            "measure": measure,
            "measure_label": statistics.MEASURES[measure],
            "key_label": key_label,
            "perspective_label": dict(PERSPECTIVE_CHOICES)[perspective],
            "page": page,
            "rows": rows,
            "back_query": urlencode(back),
        },
    )


# --- the Decision 766 scorecard --------------------------------------------------------------------------------------


def _indicator_row(indicator) -> dict[str, Any]:
    if indicator.value is not None:
        shown = f"{fmt_rate(indicator.value, '')} {indicator.value_label}"
    elif indicator.rate is not None:
        shown = fmt_rate(indicator.rate)
    else:
        shown = "–" if indicator.available else ""
    return {
        "indicator": indicator,
        "numerator": "" if indicator.numerator is None else fmt_int(indicator.numerator),
        "denominator": "" if indicator.denominator is None else fmt_int(indicator.denominator),
        "shown": shown,
        "points": "" if indicator.points is None else fmt_rate(indicator.points, ""),
        "max_points": fmt_rate(indicator.max_points, "") if indicator.scored else "–",
    }


def _child_row(card: Scorecard, base: dict[str, Any], scope: Scope) -> dict[str, Any]:
    url = None
    if card.unit.pk in scope.visible_ids:
        url = f"{reverse('backoffice:reports:scorecard')}?{urlencode({**base, 'unit': card.unit.pk})}"
    return {
        "unit": card.unit,
        "url": url,
        "points": fmt_rate(card.points, ""),
        "max_with_data": fmt_rate(card.max_with_data, ""),
        "groups": [fmt_rate(g.points, "") for g in card.groups],
    }


@never_cache
@require_GET
@officer_required
def scorecard_view(request: HttpRequest) -> HttpResponse:
    """The Decision 766 scorecard of a unit and period, each indicator with its working; the direct children's
    totals below, each linking to its own scorecard."""
    scope = scope_of(request)
    period, errors = parse_period(request.GET, timezone.localdate())
    fmt = _format(request)
    card = scorecard(scope.unit, period.start, period.end)
    if fmt:
        content = exports.scorecard_xlsx(card) if fmt == "xlsx" else exports.scorecard_pdf(card)
        return _download("bang-diem-766", fmt, scope.unit, period.start, period.end, content)
    base = {"unit": scope.unit.pk, **period.query}
    children = by_children(scope.unit, period.start, period.end)
    groups = [
        {
            "group": group,
            "points": fmt_rate(group.points, ""),
            "max_points": fmt_rate(group.max_points, ""),
            "max_with_data": fmt_rate(group.max_with_data, ""),
            "rows": [_indicator_row(i) for i in group.indicators],
        }
        for group in card.groups
    ]
    return render(
        request,
        "reports/scorecard.html",
        {
            **_filters(request, scope, period, errors),
            "card": card,
            "groups": groups,
            "points": fmt_rate(card.points, ""),
            "max_with_data": fmt_rate(card.max_with_data, ""),
            "children": [_child_row(child, base, scope) for child in children],
            "xlsx_query": urlencode({**base, "format": "xlsx"}),
            "pdf_query": urlencode({**base, "format": "pdf"}),
        },
    )


# --- Circular 01/2018 ----------------------------------------------------------------------------------------------


@never_cache
@require_GET
@officer_required
def circular01_view(request: HttpRequest) -> HttpResponse:
    """The nine-index evaluation of Circular 01/2018 for a unit and a quarter (by default the current one)."""
    scope = scope_of(request)
    today = timezone.localdate()
    params = {"ky": "quy", "nam": request.GET.get("nam", ""), "quy": request.GET.get("quy", "")}
    period, errors = parse_period(params, today, kinds=("quy",))
    if errors:  # parse_period falls back to a month: the evaluation is per quarter, so the current one
        quarter = (today.month + 2) // 3
        period = Period("quy", *quarter_period(today.year, quarter), today.year, today.month, quarter)
    evaluation = circular01.evaluate(scope.unit, period.start.year, (period.start.month + 2) // 3)
    rows = [
        {
            "index": index,
            "score": "" if index.score is None else fmt_rate(index.score, ""),
            "dossiers": "" if index.dossiers is None else fmt_int(index.dossiers),
        }
        for index in evaluation.indices
    ]
    return render(
        request,
        "reports/circular01.html",
        {
            **_filters(request, scope, period, errors),
            "evaluation": evaluation,
            "rows": rows,
            "total": fmt_rate(evaluation.total, ""),
            "max_points": fmt_rate(evaluation.max_points, ""),
        },
    )


# --- alerts ---------------------------------------------------------------------------------------------------------


@never_cache
@require_GET
@officer_required
def alerts_view(request: HttpRequest) -> HttpResponse:
    """Dossiers due soon and overdue now per child unit; units below each active minimum-volume rule over the
    rule's last complete period (``reports.rules``)."""
    scope = scope_of(request)
    today = timezone.localdate()
    due = rules.due_soon_and_overdue(scope.unit)
    checked = []
    here = reverse("backoffice:reports:statistics")
    for rule in VolumeRule.objects.filter(active=True).select_related("procedure", "field", "unit").order_by("name"):
        start, end = rules.last_complete_period(rule.period, today)
        short = rules.shortfalls(rule, start, end, within=scope.unit)
        group_by = "procedure" if rule.procedure_id else "field" if rule.field_id else "unit"
        items = []
        for s in short:
            url = None
            if s.unit.pk in scope.visible_ids:
                query = {
                    "unit": s.unit.pk,
                    "tu": start.strftime(DATE_FORMAT),
                    "den": end.strftime(DATE_FORMAT),
                    "group_by": group_by,
                    "perspective": rule.perspective,
                }
                url = f"{here}?{urlencode(query)}"
            items.append({"unit": s.unit, "count": fmt_int(s.count), "minimum": fmt_int(s.minimum), "url": url})
        checked.append(
            {
                "rule": rule,
                "period_label": RulePeriod(rule.period).label,
                "period": period_label(start, end),
                "shortfalls": items,
            }
        )
    period, errors = parse_period(request.GET, today)
    return render(
        request,
        "reports/alerts.html",
        {
            **_filters(request, scope, period, errors),
            "now": timezone.localtime(),
            "due": due,
            "due_soon": sum(r.due_soon for r in due),
            "overdue": sum(r.overdue for r in due),
            "rules": checked,
        },
    )

"""Statistics for a unit's subtree and a period, grouped by unit, field, procedure, channel or month.

Every number is a sum of fact counters (``DailyFact``; whole months from ``MonthlyFact``, see ``periods.py``);
docs/reports.md gives each formula:

- **carried over** = received before the period − closed before it (closed: result issued, withdrawn, stopped);
- **received** in the period; **total** = carried over + received;
- **resolved** = early + on time + late (result issued in the period); **withdrawn**, **stopped**;
- **in progress** at the end of the period = total − resolved − withdrawn − stopped; of those **overdue** =
  Σ became_overdue − Σ overdue_closed up to the end of the period (the backlog past its due moment at the end
  of the last day), and **in time** = in progress − overdue;
- rates in percent (2 decimals, ``None`` when nothing to divide by): on time = (early + on time) ÷ resolved,
  late = late ÷ resolved, online = received online ÷ received, full-process online, online payment = paid
  online ÷ fee-bearing, digitisation (components ÷ received, e-result ÷ resolved, reused and from the
  citizen's store ÷ received), satisfaction = rated 4–5 ÷ rated; average processing time = working days ÷
  resolved.

``perspective`` says which unit a dossier belongs to: its handling (lead) agency — the default, as the
national scorecard counts — or its receiving one-stop section. Grouping by unit gives one row per direct
child of the chosen unit (each its whole subtree) and one for the unit itself when it handles dossiers.

``dossiers_behind`` answers "which dossiers are these?" for any number: the same conditions as a query on the
dossier table, for the drill-down from a dashboard cell to the list.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import date, datetime, time, timedelta

from django.db.models import Exists, F, OuterRef, Q, QuerySet, Sum
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import timezone

from motcua.catalog.models import Field, Procedure
from motcua.dossiers.models import Dossier, DossierEvent, DossierRating, ResultKind, Status
from motcua.organizations.models import Unit
from motcua.reports import periods
from motcua.reports.models import MonthlyFact

GROUPINGS = ("unit", "field", "procedure", "channel", "month")
PERSPECTIVES = ("handling", "receiving")
PAID = ("pay_online", "pay_obligation_online")
CHANNEL_LABELS = {"counter": "Trực tiếp", "post": "Dịch vụ bưu chính", "online": "Trực tuyến"}

MEASURES: dict[str, str] = {
    "carried_over": "Kỳ trước chuyển qua",
    "received": "Tiếp nhận mới trong kỳ",
    "total": "Tổng số phải giải quyết",
    "resolved": "Đã giải quyết",
    "early": "Giải quyết trước hạn",
    "on_time": "Giải quyết đúng hạn",
    "late": "Giải quyết quá hạn",
    "refused": "Từ chối giải quyết (có văn bản trả lời)",
    "withdrawn": "Công dân rút hồ sơ",
    "stopped": "Dừng xử lý",
    "not_received": "Không tiếp nhận (hướng dẫn bổ sung, từ chối)",
    "in_progress": "Đang giải quyết",
    "in_progress_in_time": "Đang giải quyết, còn hạn",
    "in_progress_overdue": "Đang giải quyết, quá hạn",
    "late_apologised": "Quá hạn, có văn bản xin lỗi",
    "late_unapologised": "Quá hạn, không có văn bản xin lỗi",
    "supplement_requested": "Yêu cầu bổ sung",
    "apologised": "Văn bản xin lỗi, hẹn lại",
    "returned": "Đã trả kết quả",
    "online": "Tiếp nhận trực tuyến",
    "full_online": "Trực tuyến toàn trình",
    "fee_bearing": "Có phí, lệ phí",
    "paid_online": "Thanh toán trực tuyến",
    "input_digitised": "Thành phần hồ sơ đã số hóa",
    "e_result": "Có kết quả điện tử",
    "fully_digitised": "Số hóa đầy đủ (thành phần và kết quả)",
    "reused": "Tái sử dụng dữ liệu số hóa",
    "from_store": "Lấy từ kho dữ liệu của công dân",
    "ratings": "Lượt đánh giá",
    "satisfied": "Hài lòng, rất hài lòng",
    "processing_days": "Tổng số ngày làm việc giải quyết",
}
RATES: dict[str, str] = {
    "on_time_rate": "Tỷ lệ giải quyết trước và đúng hạn (%)",
    "late_rate": "Tỷ lệ giải quyết quá hạn (%)",
    "average_processing_days": "Thời gian giải quyết bình quân (ngày làm việc)",
    "online_rate": "Tỷ lệ tiếp nhận trực tuyến (%)",
    "full_online_rate": "Tỷ lệ trực tuyến toàn trình (%)",
    "paid_online_rate": "Tỷ lệ thanh toán trực tuyến (%)",
    "input_digitised_rate": "Tỷ lệ số hóa thành phần hồ sơ (%)",
    "e_result_rate": "Tỷ lệ kết quả điện tử (%)",
    "reused_rate": "Tỷ lệ tái sử dụng dữ liệu số hóa (%)",
    "from_store_rate": "Tỷ lệ lấy từ kho dữ liệu của công dân (%)",
    "satisfaction_rate": "Tỷ lệ hài lòng (%)",
}

# fact counters summed as they are
_SUMMED = (
    "received",
    "full_online",
    "fee_bearing",
    "paid_online",
    "input_digitised",
    "reused",
    "from_store",
    "not_received",
    "refused",
    "late_apologised",
    "e_result",
    "fully_digitised",
    "processing_days",
    "withdrawn",
    "stopped",
    "returned",
    "supplement_requested",
    "apologised",
)
_RENAMED = {"early": "resolved_early", "on_time": "resolved_on_time", "late": "resolved_late"}
_RATINGS = tuple(f"rating_{n}" for n in range(1, 6))


def _pct(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 2) if whole else None


@dataclass
class Figures:
    key: str = ""
    label: str = ""
    carried_over: int = 0
    received: int = 0
    resolved: int = 0
    early: int = 0
    on_time: int = 0
    late: int = 0
    refused: int = 0
    withdrawn: int = 0
    stopped: int = 0
    not_received: int = 0
    in_progress: int = 0
    in_progress_overdue: int = 0
    late_apologised: int = 0
    supplement_requested: int = 0
    apologised: int = 0
    returned: int = 0
    online: int = 0
    full_online: int = 0
    fee_bearing: int = 0
    paid_online: int = 0
    input_digitised: int = 0
    e_result: int = 0
    fully_digitised: int = 0
    reused: int = 0
    from_store: int = 0
    ratings: int = 0
    satisfied: int = 0
    processing_days: int = 0
    ratings_by_level: dict[int, int] = field(default_factory=dict)

    # derived counts
    @property
    def total(self) -> int:
        return self.carried_over + self.received

    @property
    def in_progress_in_time(self) -> int:
        return self.in_progress - self.in_progress_overdue

    @property
    def late_unapologised(self) -> int:
        return self.late - self.late_apologised

    # rates
    @property
    def on_time_rate(self) -> float | None:
        return _pct(self.early + self.on_time, self.resolved)

    @property
    def late_rate(self) -> float | None:
        return _pct(self.late, self.resolved)

    @property
    def average_processing_days(self) -> float | None:
        return round(self.processing_days / self.resolved, 2) if self.resolved else None

    @property
    def online_rate(self) -> float | None:
        return _pct(self.online, self.received)

    @property
    def full_online_rate(self) -> float | None:
        return _pct(self.full_online, self.received)

    @property
    def paid_online_rate(self) -> float | None:
        return _pct(self.paid_online, self.fee_bearing)

    @property
    def input_digitised_rate(self) -> float | None:
        return _pct(self.input_digitised, self.received)

    @property
    def e_result_rate(self) -> float | None:
        return _pct(self.e_result, self.resolved)

    @property
    def reused_rate(self) -> float | None:
        return _pct(self.reused, self.received)

    @property
    def from_store_rate(self) -> float | None:
        return _pct(self.from_store, self.received)

    @property
    def satisfaction_rate(self) -> float | None:
        return _pct(self.satisfied, self.ratings)

    def value(self, name: str) -> int | float | None:
        return getattr(self, name)

    def as_dict(self) -> dict[str, object]:
        data: dict[str, object] = {"key": self.key, "label": self.label}
        data |= {name: self.value(name) for name in MEASURES}
        data |= {name: self.value(name) for name in RATES}
        data["ratings_by_level"] = {str(k): v for k, v in sorted(self.ratings_by_level.items())}
        return data


_COUNT_FIELDS = [f.name for f in fields(Figures) if f.name not in ("key", "label", "ratings_by_level")]


def _add(target: Figures, other: Figures) -> None:
    for name in _COUNT_FIELDS:
        setattr(target, name, getattr(target, name) + getattr(other, name))
    for level, n in other.ratings_by_level.items():
        target.ratings_by_level[level] = target.ratings_by_level.get(level, 0) + n


@dataclass
class Statistics:
    unit: Unit
    start: date
    end: date
    group_by: str | None
    perspective: str
    rows: list[Figures]
    total: Figures


# --- the period and the units ---------------------------------------------------------------------


def day_bounds(start: date, end: date) -> tuple[datetime, datetime]:
    """[start 00:00, end + 1 day 00:00) in Vietnamese local time."""
    zone = timezone.get_current_timezone()
    return (
        timezone.make_aware(datetime.combine(start, time.min), zone),
        timezone.make_aware(datetime.combine(end + timedelta(days=1), time.min), zone),
    )


def _subtree(unit: Unit) -> dict[int, str]:
    return dict(Unit.objects.subtree_of(unit).values_list("pk", "path"))


def _child_of(root: Unit, paths: dict[int, str]) -> dict[int, int]:
    """Each unit of the subtree → the direct child of ``root`` it lies under (``root`` itself for its own)."""
    prefix = len(root.path)
    mapping = {}
    for pk, path in paths.items():
        rest = [part for part in path[prefix:].split("/") if part]
        mapping[pk] = int(rest[0]) if rest else root.pk
    return mapping


def _unit_column(perspective: str) -> str:
    if perspective not in PERSPECTIVES:
        raise ValueError(f"perspective must be one of {PERSPECTIVES}")
    return f"{perspective}_unit_id"


def _group_column(group_by: str | None, unit_column: str):
    return {
        None: None,
        "unit": unit_column,
        "field": "procedure__field_id",
        "procedure": "procedure_id",
        "channel": "channel",
        "month": TruncMonth("day"),
    }[group_by]


def _sums(queryset) -> dict[str, object]:
    """Sum expressions named ``n_<figure>`` (annotations may not reuse the names of the counters they sum)."""
    annotations: dict[str, object] = {f"n_{name}": Sum(name) for name in (*_SUMMED, *_RATINGS)}
    annotations |= {f"n_{name}": Sum(column) for name, column in _RENAMED.items()}
    annotations["n_online"] = Sum("received", filter=Q(channel="online"))
    annotations["n_became_overdue"] = Sum("became_overdue")
    annotations["n_overdue_closed"] = Sum("overdue_closed")
    return annotations


def _strip(row: dict[str, object]) -> dict[str, object]:
    return {name[2:] if name.startswith("n_") else name: value for name, value in row.items()}


def _figures_from(row: dict[str, object]) -> Figures:
    fig = Figures()
    for name in (*_SUMMED, *_RENAMED, "online"):
        setattr(fig, name, int(row.get(name) or 0))
    fig.resolved = fig.early + fig.on_time + fig.late
    for n, name in enumerate(_RATINGS, start=1):
        count = int(row.get(name) or 0)
        if count:
            fig.ratings_by_level[n] = count
    fig.ratings = sum(fig.ratings_by_level.values())
    fig.satisfied = fig.ratings_by_level.get(4, 0) + fig.ratings_by_level.get(5, 0)
    return fig


def _closed(row: dict[str, object]) -> int:
    names = ("resolved_early", "resolved_on_time", "resolved_late", "withdrawn", "stopped")
    renamed = {"resolved_early": "early", "resolved_on_time": "on_time", "resolved_late": "late"}
    return sum(int(row.get(renamed.get(n, n)) or 0) for n in names)


def _backlog(row: dict[str, object]) -> tuple[int, int]:
    """(open, overdue) contributed by a block of days: received − closed, became − stopped being overdue."""
    opened = int(row.get("received") or 0) - _closed(row)
    overdue = int(row.get("became_overdue") or 0) - int(row.get("overdue_closed") or 0)
    return opened, overdue


# --- compute -----------------------------------------------------------------------------------------


def compute(
    unit: Unit,
    start: date,
    end: date,
    *,
    group_by: str | None = None,
    perspective: str = "handling",
) -> Statistics:
    """The figures of ``unit``'s subtree for the local dates ``start``–``end`` (inclusive). Two queries on the
    fact tables per piece of the period (``periods.py``), as many for everything before it (what was carried
    over), and one for the names."""
    if group_by not in (None, *GROUPINGS):
        raise ValueError(f"group_by must be one of {GROUPINGS}")
    if start > end:
        raise ValueError("start after end")
    unit_column = _unit_column(perspective)
    paths = _subtree(unit)
    in_subtree = {f"{unit_column}__in": list(paths)}
    column = _group_column(group_by, unit_column)
    to_key = _key_function(group_by, unit, paths)

    def grouped(querysets: list[QuerySet], column=column) -> dict[str, dict[str, object]]:
        """The sums of every piece of the period (``periods.querysets``), added up per group."""
        out: dict[str, dict[str, object]] = {}
        for queryset in querysets:
            if column is None:
                values = [queryset.aggregate(**_sums(queryset))]
            else:
                expression = F(column) if isinstance(column, str) else column
                if group_by == "month" and queryset.model is MonthlyFact:
                    expression = F("day")  # already the month's first day
                values = queryset.values(group=expression).annotate(**_sums(queryset))
            for row in values:
                row = _strip(row)
                key = "" if column is None else to_key(row.pop("group"))
                target = out.setdefault(key, {})
                for name, n in row.items():
                    target[name] = int(target.get(name) or 0) + int(n or 0)
        return out

    within = grouped(periods.querysets(start, end, **in_subtree))
    earlier = periods.querysets(None, start - timedelta(days=1), **in_subtree)
    before = grouped(earlier) if group_by != "month" else {}
    carried_total = (0, 0)
    if group_by == "month":  # the backlog carried into the first month, then month by month
        carried_total = _backlog(grouped(earlier, column=None).get("", {}))
    rows: list[Figures] = []
    open_before, overdue_before = carried_total
    keys = set(within) | set(before)
    if group_by == "month":  # every month of the period has its row, even an empty one
        keys |= _months(start, end)
    for key in _ordered_keys(group_by, keys):
        fig = _figures_from(within.get(key, {}))
        if group_by == "month":
            carried, overdue_carried = open_before, overdue_before
        else:
            carried, overdue_carried = _backlog(before.get(key, {}))
        opened, overdue = _backlog(within.get(key, {}))
        fig.carried_over = carried
        fig.in_progress = carried + opened
        fig.in_progress_overdue = overdue_carried + overdue
        if group_by == "month":
            open_before, overdue_before = fig.in_progress, fig.in_progress_overdue
        fig.key = key
        rows.append(fig)
    _label(rows, group_by, unit)
    total = Figures(key="", label="Tổng cộng")
    for fig in rows:
        _add(total, fig)
    if group_by == "month" and rows:  # backlogs are stocks, not flows: the total's are those of the last month
        total.carried_over = rows[0].carried_over
        total.in_progress, total.in_progress_overdue = rows[-1].in_progress, rows[-1].in_progress_overdue
    elif group_by == "month":
        total.carried_over = total.in_progress = carried_total[0]
        total.in_progress_overdue = carried_total[1]
    if group_by not in (None, "month"):
        rows = [fig for fig in rows if fig.total or fig.resolved or fig.not_received or fig.ratings]
    return Statistics(unit, start, end, group_by, perspective, rows, total)


def _months(start: date, end: date) -> set[str]:
    months, day = set(), start.replace(day=1)
    while day <= end:
        months.add(day.strftime("%Y-%m"))
        day = (day + timedelta(days=32)).replace(day=1)
    return months


def _key_function(group_by: str | None, root: Unit, paths: dict[int, str]):
    if group_by == "unit":
        children = _child_of(root, paths)
        return lambda value: str(children[value])
    if group_by == "month":
        return lambda value: (value.date() if isinstance(value, datetime) else value).strftime("%Y-%m")
    return lambda value: "" if value is None else str(value)


def _ordered_keys(group_by: str | None, keys: set[str]) -> list[str]:
    if group_by in ("month", "channel", None):
        return sorted(keys)
    return sorted(keys, key=lambda k: (len(k), k))


def _label(rows: list[Figures], group_by: str | None, root: Unit) -> None:
    if group_by == "unit":
        names = dict(Unit.objects.filter(pk__in=[int(f.key) for f in rows]).values_list("pk", "name"))
        for fig in rows:
            pk = int(fig.key)
            fig.label = names.get(pk, "") + (" (trực tiếp giải quyết)" if pk == root.pk else "")
        rows.sort(key=lambda f: (f.key != str(root.pk), f.label))
    elif group_by == "field":
        names = dict(Field.objects.filter(pk__in=[int(f.key) for f in rows if f.key]).values_list("pk", "name"))
        for fig in rows:
            fig.label = names.get(int(fig.key), "") if fig.key else "Chưa phân lĩnh vực"
        rows.sort(key=lambda f: f.label)
    elif group_by == "procedure":
        found = Procedure.objects.filter(pk__in=[int(f.key) for f in rows]).values_list("pk", "code", "name")
        names = {pk: (code, name) for pk, code, name in found}
        for fig in rows:
            code, name = names.get(int(fig.key), ("", ""))
            fig.label = f"{code} — {name}"
        rows.sort(key=lambda f: f.label)
    elif group_by == "channel":
        for fig in rows:
            fig.label = CHANNEL_LABELS.get(fig.key, fig.key)
    elif group_by == "month":
        for fig in rows:
            year, month = fig.key.split("-")
            fig.label = f"Tháng {int(month)}/{year}"


# --- drill-down ----------------------------------------------------------------------------------------


def dossiers_behind(
    unit: Unit,
    start: date,
    end: date,
    measure: str,
    *,
    group_by: str | None = None,
    key: str = "",
    perspective: str = "handling",
) -> QuerySet[Dossier]:
    """The dossiers one number counts (same conditions as the facts, as a query on the dossier table)."""
    if measure not in MEASURES:
        raise ValueError(f"unknown measure {measure!r}")
    unit_column = _unit_column(perspective)
    if group_by == "month" and key:
        year, month = (int(part) for part in key.split("-"))
        month_start = date(year, month, 1)
        next_month = (month_start + timedelta(days=32)).replace(day=1)
        start, end = max(start, month_start), min(end, next_month - timedelta(days=1))
    low, high = day_bounds(start, end)
    queryset = Dossier.objects.filter(**{f"{unit_column}__in": Unit.objects.subtree_of(unit).values("pk")})
    if group_by == "unit" and key:
        child = Unit.objects.get(pk=int(key))
        scope = Unit.objects.filter(pk=child.pk) if child.pk == unit.pk else Unit.objects.subtree_of(child)
        queryset = queryset.filter(**{f"{unit_column}__in": scope.values("pk")})
    elif group_by == "field" and key:
        queryset = queryset.filter(procedure__field_id=int(key))
    elif group_by == "procedure" and key:
        queryset = queryset.filter(procedure_id=int(key))
    elif group_by == "channel" and key:
        queryset = queryset.filter(channel=key)
    queryset = queryset.annotate(effective_due=Coalesce("rescheduled_due_at", "due_at"))
    return queryset.filter(_condition(measure, low, high)).order_by("-received_at", "-pk")


def _closed_by(moment: datetime) -> Q:
    return (
        Q(finished_at__lt=moment, received_at__isnull=False) & ~Q(result_kind="")
        | Q(status=Status.WITHDRAWN, withdrawn_at__lt=moment, received_at__isnull=False)
        | Q(status=Status.STOPPED, stopped_at__lt=moment)
    )


def _open_at(moment: datetime) -> Q:
    return Q(received_at__lt=moment) & ~_closed_by(moment)


def _overdue_at(moment: datetime) -> Q:
    return _open_at(moment) & Q(effective_due__lt=moment)


def _condition(measure: str, low: datetime, high: datetime) -> Q:
    received = Q(received_at__gte=low, received_at__lt=high)
    resolved = Q(finished_at__gte=low, finished_at__lt=high, received_at__isnull=False) & ~Q(result_kind="")
    in_period = {
        "received": received,
        "online": received & Q(channel="online"),
        "full_online": received & Q(full_online=True),
        "fee_bearing": received & Q(fees_due__gt=0),
        "paid_online": received
        & Exists(
            DossierEvent.objects.filter(dossier=OuterRef("pk"), action__in=("pay_online", "pay_obligation_online"))
        ),
        "input_digitised": received & Q(input_digitised=True),
        "reused": received & Q(reused_components__gt=0),
        "from_store": received & Q(from_citizen_store=True),
        "resolved": resolved,
        "early": resolved & Q(finish_mark="early"),
        "on_time": resolved & (Q(finish_mark="on_time") | Q(finish_mark="")),
        "late": resolved & Q(finish_mark="late"),
        "refused": resolved & Q(result_kind=ResultKind.REFUSAL),
        "late_apologised": resolved & Q(finish_mark="late", apology_count__gt=0),
        "late_unapologised": resolved & Q(finish_mark="late", apology_count=0),
        "e_result": resolved & Q(result_digitised=True),
        "fully_digitised": resolved & Q(result_digitised=True, input_digitised=True),
        "processing_days": resolved,
        "withdrawn": Q(
            status=Status.WITHDRAWN, withdrawn_at__gte=low, withdrawn_at__lt=high, received_at__isnull=False
        ),
        "stopped": Q(status=Status.STOPPED, stopped_at__gte=low, stopped_at__lt=high),
        "not_received": Q(status=Status.NOT_RECEIVED, refused_at__gte=low, refused_at__lt=high),
        "returned": Q(returned_at__gte=low, returned_at__lt=high),
        "supplement_requested": Q(supplement_requested_at__gte=low, supplement_requested_at__lt=high),
        "apologised": Exists(
            DossierEvent.objects.filter(dossier=OuterRef("pk"), action="apologize", at__gte=low, at__lt=high)
        ),
        "ratings": Exists(DossierRating.objects.filter(dossier=OuterRef("pk"), at__gte=low, at__lt=high)),
        "satisfied": Exists(
            DossierRating.objects.filter(dossier=OuterRef("pk"), at__gte=low, at__lt=high, level__gte=4)
        ),
        "carried_over": _open_at(low),
        "total": _open_at(low) | received,
        "in_progress": _open_at(high),
        "in_progress_overdue": _overdue_at(high),
        "in_progress_in_time": _open_at(high) & (Q(effective_due__isnull=True) | Q(effective_due__gte=high)),
    }
    return in_period[measure]

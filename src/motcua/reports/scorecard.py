"""The Decision 766/QĐ-TTg scorecard (Bộ chỉ số phục vụ người dân, doanh nghiệp; regulations.md §3.1–3.2).

``scorecard(unit, start, end)`` scores a unit and its whole subtree for the local dates ``start``–``end``
(inclusive); ``by_children(unit, start, end)`` scores each direct child (the province → department / commune
table). Every indicator carries its numerator, denominator, rate, the points rule and a Vietnamese sentence
saying how motcua computed it (its "working"), so a leader can check each number and drill down to the
dossiers behind it (``reports.statistics.dossiers_behind``).

Why the scorecard never invents a number: the national system scores some indicators from data motcua does
not hold (publication on the national procedure database, synchronisation to the national portal, the
population database, e-certified copies). Those are listed with ``available=False`` and no points, and the
total shows both the points obtained and the maximum of the indicators that have data; a reader never mistakes
"motcua does not know" for "the unit scored zero". An indicator whose denominator is 0 in the period (nothing
to measure, e.g. no fee-bearing dossier) has no rate and no points either ("Không phát sinh").

Where the figures come from (docs/reports.md, "Bảng điểm Quyết định 766", has every formula):

* the fact tables (``reports.models.DailyFact`` and its monthly roll-up, ``reports/periods.py``), summed over
  the period and the handling units of the subtree — the same sums as
  ``reports.statistics.compute(unit, start, end).total``: few queries whatever the number of dossiers;
* the catalogue (the procedure versions in force at the end of the period) for 1.3, 3.1 and the eligibility
  of procedures for full-process online service (3.x);
* the feedback app for 5.1–5.3 (``feedback.figures.figures_5_2`` for 5.2).

Group numbers follow the indicator ids of §3.2: group 3 = online service and payment (3.x), group 4 =
digitisation (4.x); both have 22 points.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, Sum

from motcua.catalog.models import OnlineLevel, ProcedureUnit, ProcedureVersion, RequiredDocument, VersionStatus
from motcua.dossiers.models import Dossier
from motcua.feedback.figures import figures_5_2
from motcua.feedback.models import Feedback, Vote
from motcua.feedback.models import Status as FeedbackStatus
from motcua.organizations.models import Unit
from motcua.reports import periods
from motcua.reports.models import DailyFact
from motcua.workcalendar.rules import TZ

CENT = Decimal("0.01")
HUNDRED = Decimal(100)
NO_DATA = "Không có dữ liệu"
NOT_ARISING = "Không phát sinh"
DISPLAY_ONLY = "Chỉ theo dõi, không tính điểm"
IN_FORCE = (VersionStatus.PUBLISHED, VersionStatus.RETIRED)

# The fact counters the scorecard reads (per handling unit).
FACT_SUMS = (
    "received",
    "full_online",
    "fee_bearing",
    "paid_online",
    "reused",
    "from_store",
    "resolved_early",
    "resolved_on_time",
    "resolved_late",
    "e_result",
    "fully_digitised",
    "processing_days",
    "withdrawn",
    "stopped",
    "rating_1",
    "rating_2",
    "rating_3",
    "rating_4",
    "rating_5",
)


def percent(numerator: int, denominator: int) -> Decimal | None:
    """numerator ÷ denominator as a percentage with 2 decimals (half up), None when there is nothing to divide."""
    if not denominator:
        return None
    return (Decimal(numerator) * HUNDRED / Decimal(denominator)).quantize(CENT, ROUND_HALF_UP)


def points_for(max_points: Decimal, rate: Decimal | None, threshold: Decimal | None) -> Decimal | None:
    """§3.2: ``max × min(1, rate ÷ threshold)`` where the indicator has a threshold, else ``max × rate``.

    Computed from the rate as displayed (2 decimals) so that anyone can redo the sum from the screen."""
    if rate is None:
        return None
    ratio = min(Decimal(1), rate / threshold) if threshold else rate / HUNDRED
    return (max_points * max(ratio, Decimal(0))).quantize(CENT, ROUND_HALF_UP)


def _d(value: int | str) -> Decimal:
    return Decimal(value)


@dataclass(frozen=True)
class Indicator:
    """One indicator of §3.2 as computed for a unit and period."""

    id: str
    name: str
    group: int
    max_points: Decimal  # 0: shown for information, not part of the 100 points
    rule: str  # the points rule in words
    threshold: Decimal | None  # rate (percent) giving full points; None: points proportional to the rate
    available: bool  # False: motcua has no data for it
    numerator: int | None = None
    denominator: int | None = None
    numerator_label: str = ""
    denominator_label: str = ""
    rate: Decimal | None = None  # percent, 2 decimals; None when the denominator is 0
    value: Decimal | None = None  # a figure that is not a percentage (2.2: average working days)
    value_label: str = ""
    points: Decimal | None = None
    source: str = ""  # how motcua computed it, or why it cannot

    @property
    def scored(self) -> bool:
        """Part of the 100 points (display-only indicators have no maximum)."""
        return self.max_points > 0

    @property
    def counted(self) -> bool:
        """Its points are in the total (scored, with data, and something to measure in the period)."""
        return self.scored and self.points is not None

    @property
    def status(self) -> str:
        if not self.available:
            return NO_DATA
        if not self.scored:
            return DISPLAY_ONLY
        if self.points is None:
            return NOT_ARISING
        return ""

    def points_for(self, rate: Decimal | None) -> Decimal | None:
        """The points this indicator gives for ``rate`` (the threshold rule as a function)."""
        return points_for(self.max_points, rate, self.threshold) if self.scored else None

    def as_dict(self) -> dict[str, Any]:
        def num(value: Decimal | None) -> float | None:
            return None if value is None else float(value)

        return {
            "id": self.id,
            "name": self.name,
            "group": self.group,
            "available": self.available,
            "status": self.status,
            "numerator": self.numerator,
            "numerator_label": self.numerator_label,
            "denominator": self.denominator,
            "denominator_label": self.denominator_label,
            "rate": num(self.rate),
            "value": num(self.value),
            "value_label": self.value_label,
            "threshold": num(self.threshold),
            "rule": self.rule,
            "points": num(self.points),
            "max_points": num(self.max_points),
            "source": self.source,
        }


@dataclass
class Group:
    number: int
    name: str
    max_points: Decimal
    indicators: list[Indicator]

    @property
    def points(self) -> Decimal:
        """Điểm đạt được: the points of the indicators that could be computed."""
        return sum((i.points for i in self.indicators if i.points is not None and i.scored), Decimal("0.00"))

    @property
    def max_with_data(self) -> Decimal:
        """Điểm tối đa của các chỉ số có dữ liệu (and something to measure in the period)."""
        return sum((i.max_points for i in self.indicators if i.counted), Decimal(0))

    @property
    def max_without_data(self) -> Decimal:
        return sum((i.max_points for i in self.indicators if i.scored and not i.available), Decimal(0))

    @property
    def max_not_arising(self) -> Decimal:
        return sum((i.max_points for i in self.indicators if i.scored and i.available and not i.counted), Decimal(0))

    def as_dict(self) -> dict[str, Any]:
        return {
            "number": self.number,
            "name": self.name,
            "max_points": float(self.max_points),
            "points": float(self.points),
            "max_with_data": float(self.max_with_data),
            "max_without_data": float(self.max_without_data),
            "max_not_arising": float(self.max_not_arising),
            "indicators": [i.as_dict() for i in self.indicators],
        }


@dataclass
class Scorecard:
    unit: Unit
    start: date
    end: date
    groups: list[Group]
    max_points: Decimal = Decimal(100)

    @property
    def indicators(self) -> list[Indicator]:
        return [i for g in self.groups for i in g.indicators]

    def indicator(self, id: str) -> Indicator:
        return next(i for i in self.indicators if i.id == id)

    @property
    def points(self) -> Decimal:
        """Điểm đạt được (out of 100; the indicators without data give nothing)."""
        return sum((g.points for g in self.groups), Decimal("0.00"))

    @property
    def max_with_data(self) -> Decimal:
        return sum((g.max_with_data for g in self.groups), Decimal(0))

    @property
    def max_without_data(self) -> Decimal:
        return sum((g.max_without_data for g in self.groups), Decimal(0))

    @property
    def max_not_arising(self) -> Decimal:
        return sum((g.max_not_arising for g in self.groups), Decimal(0))

    @property
    def summary(self) -> str:
        return (
            f"Điểm đạt được {self.points} trên {self.max_with_data} điểm tối đa của các chỉ số có dữ liệu "
            f"(thang điểm {self.max_points}; {self.max_without_data} điểm thuộc chỉ số không có dữ liệu, "
            f"{self.max_not_arising} điểm thuộc chỉ số không phát sinh trong kỳ)."
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "unit": {"id": self.unit.pk, "name": self.unit.name, "agency_code": self.unit.agency_code},
            "from": self.start.isoformat(),
            "to": self.end.isoformat(),
            "points": float(self.points),
            "max_points": float(self.max_points),
            "max_with_data": float(self.max_with_data),
            "max_without_data": float(self.max_without_data),
            "max_not_arising": float(self.max_not_arising),
            "summary": self.summary,
            "groups": [g.as_dict() for g in self.groups],
        }


GROUPS = {
    1: ("Công khai, minh bạch", _d(18)),
    2: ("Tiến độ, kết quả giải quyết", _d(20)),
    3: ("Cung cấp dịch vụ trực tuyến và thanh toán trực tuyến", _d(22)),
    4: ("Số hóa hồ sơ, kết quả giải quyết", _d(22)),
    5: ("Mức độ hài lòng", _d(18)),
}


# --- what the scorecard reads, per unit, so that one set of queries serves a unit and each of its children ---


@dataclass
class Inputs:
    """The raw figures of one unit (the handling unit of the dossiers, the responsible unit of feedback,
    the unit a procedure is assigned to). Sums of Inputs are the figures of a subtree."""

    facts: Counter = field(default_factory=Counter)
    eligible_received: int = 0  # received, of procedures offered full-process online on the day of receipt
    eligible_full_online: int = 0
    fee_procedures: set[int] = field(default_factory=set)  # procedures with a fee-bearing dossier received
    paid_procedures: set[int] = field(default_factory=set)  # … and with a dossier paid online
    procedures: set[int] = field(default_factory=set)  # procedures the unit receives or handles (catalogue)
    feedback_received: int = 0
    feedback_disliked: int = 0
    complained_dossiers: int = 0

    def add(self, other: Inputs) -> None:
        self.facts.update(other.facts)
        self.eligible_received += other.eligible_received
        self.eligible_full_online += other.eligible_full_online
        self.fee_procedures |= other.fee_procedures
        self.paid_procedures |= other.paid_procedures
        self.procedures |= other.procedures
        self.feedback_received += other.feedback_received
        self.feedback_disliked += other.feedback_disliked
        self.complained_dossiers += other.complained_dossiers


def bounds(start: date, end: date) -> tuple[datetime, datetime]:
    """The local-time moments [start 00:00, end + 1 day 00:00) of a period of local dates."""
    return (
        datetime.combine(start, time.min, tzinfo=TZ),
        datetime.combine(end + timedelta(days=1), time.min, tzinfo=TZ),
    )


def fact_sums(unit: Unit, start: date, end: date, names: Iterable[str] = FACT_SUMS, **extra: Any) -> Counter:
    """Counters summed over ``unit``'s subtree (by handling unit) and the period: one query per piece of the
    period (``periods.py``: whole months from the monthly roll-up, the other days from the daily table)."""
    names = list(names)
    total: Counter = Counter({name: 0 for name in names})
    for facts in periods.querysets(start, end, handling_unit__path__startswith=unit.path, **extra):
        rows = facts.aggregate(**{name: Sum(name) for name in names})
        total.update({name: n or 0 for name, n in rows.items()})
    return total


def _full_online_windows(
    procedure_ids: Iterable[int], start: date, end: date
) -> dict[int, list[tuple[date, date, bool]]]:
    """For each procedure, the versions in force during the period as (from, to, offered full-process online)."""
    windows: dict[int, list[tuple[date, date, bool]]] = defaultdict(list)
    versions = (
        ProcedureVersion.objects.filter(procedure_id__in=list(procedure_ids), status__in=IN_FORCE)
        .filter(Q(valid_from__isnull=True) | Q(valid_from__lte=end))
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=start))
        .values_list("procedure_id", "valid_from", "valid_to", "online_level")
    )
    for procedure_id, valid_from, valid_to, level in versions:
        windows[procedure_id].append((valid_from or start, valid_to or end, level == OnlineLevel.FULL))
    return windows


def _collect(unit: Unit, start: date, end: date) -> dict[int, Inputs]:
    """The inputs of every unit of the subtree with something to count, in a handful of set-based queries."""
    found: dict[int, Inputs] = defaultdict(Inputs)
    pieces = periods.querysets(start, end, handling_unit__path__startswith=unit.path)

    # 1. the counters per handling unit
    for facts in pieces:
        per_unit = facts.values("handling_unit_id").annotate(
            **{f"sum_{name}": Sum(name) for name in FACT_SUMS},
            sum_received_online=Sum("received", filter=Q(channel="online")),
        )
        for row in per_unit:
            counters = found[row.pop("handling_unit_id")].facts
            counters.update({name.removeprefix("sum_"): n for name, n in row.items() if n})

    # 2. per procedure: eligibility for full-process online (3.x) and online payment per procedure (3.5b)
    sums: dict[tuple[int, int], Counter] = defaultdict(Counter)
    for facts in pieces:
        for row in facts.values("handling_unit_id", "procedure_id").annotate(
            n_received=Sum("received"),
            n_full_online=Sum("full_online"),
            n_fee_bearing=Sum("fee_bearing"),
            n_paid_online=Sum("paid_online"),
        ):
            key = (row.pop("handling_unit_id"), row.pop("procedure_id"))
            sums[key].update({name: n or 0 for name, n in row.items()})
    per_procedure = [
        {"handling_unit_id": u, "procedure_id": p, **counts} for (u, p), counts in sums.items() if counts["n_received"]
    ]
    windows = _full_online_windows({row["procedure_id"] for row in per_procedure}, start, end)
    mixed = set()  # procedures whose online level changed during the period: counted day by day
    for row in per_procedure:
        inputs, procedure = found[row["handling_unit_id"]], row["procedure_id"]
        if row["n_fee_bearing"]:
            inputs.fee_procedures.add(procedure)
        if row["n_paid_online"]:
            inputs.paid_procedures.add(procedure)
        flags = {full for _f, _t, full in windows.get(procedure, [])}
        if flags == {True}:
            inputs.eligible_received += row["n_received"]
            inputs.eligible_full_online += row["n_full_online"]
        elif len(flags) > 1:
            mixed.add(procedure)
    if mixed:
        per_day = (  # by day: the daily table over the whole period
            DailyFact.objects.filter(day__gte=start, day__lte=end, handling_unit__path__startswith=unit.path)
            .filter(procedure_id__in=mixed)
            .values("handling_unit_id", "procedure_id", "day")
            .annotate(n_received=Sum("received"), n_full_online=Sum("full_online"))
        )
        for row in per_day:
            if any(f <= row["day"] <= t and full for f, t, full in windows[row["procedure_id"]]):
                inputs = found[row["handling_unit_id"]]
                inputs.eligible_received += row["n_received"] or 0
                inputs.eligible_full_online += row["n_full_online"] or 0

    # 3. the catalogue: which procedures each unit receives or handles
    for unit_id, procedure_id in ProcedureUnit.objects.filter(unit__path__startswith=unit.path).values_list(
        "unit_id", "procedure_id"
    ):
        found[unit_id].procedures.add(procedure_id)

    # 4. feedback: received in the period (5.1), answers judged "not useful" by most voters (5.3)
    lo, hi = bounds(start, end)
    in_subtree = Feedback.objects.filter(unit__path__startswith=unit.path)
    for unit_id, n in (
        in_subtree.filter(submitted_at__gte=lo, submitted_at__lt=hi)
        .values("unit_id")
        .annotate(n=Count("pk"))
        .values_list("unit_id", "n")
    ):
        found[unit_id].feedback_received += n
    disliked = (
        in_subtree.filter(answered_at__gte=lo, answered_at__lt=hi)
        .annotate(
            useful=Count("votes", filter=Q(votes__value=Vote.USEFUL)),
            not_useful=Count("votes", filter=Q(votes__value=Vote.NOT_USEFUL)),
        )
        .filter(not_useful__gt=0)
        .values_list("unit_id", "useful", "not_useful")
    )
    for unit_id, useful, not_useful in disliked:
        found[unit_id].feedback_disliked += int(not_useful > useful)

    # 5. dossiers complained about (feedback naming the dossier, submitted in the period and not rejected),
    # unless already counted as rated dissatisfied in the period (5.4 counts each dossier once)
    complaint_codes = Feedback.objects.filter(submitted_at__gte=lo, submitted_at__lt=hi).exclude(dossier_code="")
    complaint_codes = complaint_codes.exclude(status=FeedbackStatus.REJECTED).values("dossier_code")
    complained = (
        Dossier.objects.filter(code__in=complaint_codes, handling_unit__path__startswith=unit.path)
        .exclude(rating__level__lte=2, rating__at__gte=lo, rating__at__lt=hi)
        .values("handling_unit_id")
        .annotate(n=Count("pk"))
        .values_list("handling_unit_id", "n")
    )
    for unit_id, n in complained:
        found[unit_id].complained_dossiers += n
    return found


def _catalogue(procedure_ids: set[int], on: date) -> dict[int, dict[str, Any]]:
    """The version of each procedure in force on ``on``, with what 1.3 and 3.1 look at."""
    versions = (
        ProcedureVersion.objects.filter(procedure_id__in=list(procedure_ids), status__in=IN_FORCE)
        .filter(Q(valid_from__isnull=True) | Q(valid_from__lte=on))
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=on))
        .annotate(has_documents=Exists(RequiredDocument.objects.filter(version_id=OuterRef("pk"))))
        .order_by("procedure_id", "-valid_from", "-number")
        .values(
            "procedure_id",
            "online_level",
            "channels",
            "steps_description",
            "time_limit_value",
            "time_limit_unit",
            "has_documents",
            "procedure__name",
            "procedure__subjects",
            "procedure__implementing_agencies",
        )
    )
    found: dict[int, dict[str, Any]] = {}
    for version in versions:
        found.setdefault(version["procedure_id"], version)
    return found


# Decree 63/2010 Art. 8.2 as listed in regulations.md §3.2 (1.3): the parts a published procedure must show.
PARTS = {
    "tên thủ tục": lambda v: bool((v["procedure__name"] or "").strip()),
    "trình tự thực hiện": lambda v: bool((v["steps_description"] or "").strip()),
    "cách thức thực hiện": lambda v: bool(v["channels"]),
    "thành phần hồ sơ": lambda v: bool(v["has_documents"]),
    "thời hạn giải quyết": lambda v: v["time_limit_value"] is not None or v["time_limit_unit"] == "same_day",
    "đối tượng thực hiện": lambda v: bool(v["procedure__subjects"]),
    "cơ quan thực hiện": lambda v: bool(v["procedure__implementing_agencies"]),
}


def complete(version: dict[str, Any]) -> bool:
    return all(check(version) for check in PARTS.values())


# --- the indicators ------------------------------------------------------------------------------------------


def _pc(rate: Decimal | None) -> str:
    return "–" if rate is None else f"{rate}%"


def _period(start: date, end: date) -> str:
    return f"từ {start:%d/%m/%Y} đến {end:%d/%m/%Y}"


def _no_data(id: str, name: str, group: int, max_points: int, why: str) -> Indicator:
    return Indicator(
        id=id,
        name=name,
        group=group,
        max_points=_d(max_points),
        rule="",
        threshold=None,
        available=False,
        source=f"{NO_DATA}: {why}",
    )


def _ratio(
    id: str,
    name: str,
    group: int,
    max_points: int,
    numerator: int,
    denominator: int,
    numerator_label: str,
    denominator_label: str,
    source: str,
    *,
    threshold: int | None = None,
    display_only: bool = False,
) -> Indicator:
    maximum = Decimal(0) if display_only else _d(max_points)
    limit = None if threshold is None else _d(threshold)
    rate = percent(numerator, denominator)
    if display_only:
        rule = f"Chỉ theo dõi; đạt yêu cầu khi tỷ lệ ≥ {threshold}%." if threshold else "Chỉ theo dõi."
    elif limit is not None:
        rule = f"{max_points} × min(1, tỷ lệ ÷ {threshold}%): tỷ lệ ≥ {threshold}% đạt tối đa {max_points} điểm."
    else:
        rule = f"{max_points} × tỷ lệ."
    return Indicator(
        id=id,
        name=name,
        group=group,
        max_points=maximum,
        rule=rule,
        threshold=limit,
        available=True,
        numerator=numerator,
        denominator=denominator,
        numerator_label=numerator_label,
        denominator_label=denominator_label,
        rate=rate,
        points=None if display_only else points_for(maximum, rate, limit),
        source=source,
    )


def _group1(inputs: Inputs, catalogue: dict[int, dict[str, Any]], start: date, end: date) -> list[Indicator]:
    incomplete = Counter(part for v in catalogue.values() for part, check in PARTS.items() if not check(v))
    n_complete = sum(1 for v in catalogue.values() if complete(v))
    missing = "; ".join(f"{n} thiếu {part}" for part, n in incomplete.most_common()) or "không thủ tục nào thiếu"
    return [
        _no_data(
            "1.1",
            "TTHC được công bố đúng hạn",
            1,
            6,
            "chỉ số so ngày quyết định công bố với ngày có hiệu lực của văn bản quy định TTHC; danh mục của motcua "
            "không lưu ngày có hiệu lực của căn cứ pháp lý và việc công bố do cơ quan có thẩm quyền thực hiện.",
        ),
        _no_data(
            "1.2",
            "TTHC được cập nhật, công khai đúng hạn trên Cơ sở dữ liệu quốc gia về TTHC",
            1,
            4,
            "motcua không kết nối Cơ sở dữ liệu quốc gia về TTHC nên không biết thời điểm công khai trên đó.",
        ),
        _ratio(
            "1.3",
            "TTHC được công khai đầy đủ các bộ phận cấu thành",
            1,
            2,
            n_complete,
            len(catalogue),
            "TTHC công khai đủ bộ phận cấu thành",
            "TTHC đang công khai của đơn vị",
            f"Phiên bản có hiệu lực ngày {end:%d/%m/%Y} của {len(catalogue)} TTHC mà đơn vị (và cấp dưới) tiếp nhận "
            f"hoặc giải quyết; đủ khi có đủ {len(PARTS)} bộ phận: {', '.join(PARTS)} (Nghị định 63/2010 Điều 8.2). "
            f"{missing.capitalize()}.",
        ),
        _no_data(
            "1.4",
            "Hồ sơ được đồng bộ lên Cổng Dịch vụ công quốc gia",
            1,
            6,
            "motcua chưa đồng bộ hồ sơ lên Cổng Dịch vụ công quốc gia nên không có số hồ sơ đã đồng bộ.",
        ),
    ]


def _group2(inputs: Inputs, start: date, end: date) -> list[Indicator]:
    f = inputs.facts
    resolved = f["resolved_early"] + f["resolved_on_time"] + f["resolved_late"]
    on_time = f["resolved_early"] + f["resolved_on_time"]
    average = (Decimal(f["processing_days"]) / resolved).quantize(CENT, ROUND_HALF_UP) if resolved else None
    return [
        _ratio(
            "2.1",
            "Hồ sơ được giải quyết trước hạn, đúng hạn",
            2,
            20,
            on_time,
            resolved,
            "hồ sơ giải quyết trước hạn và đúng hạn",
            "hồ sơ đã giải quyết (có kết quả)",
            f"{f['resolved_early']} hồ sơ trước hạn + {f['resolved_on_time']} đúng hạn trên {resolved} hồ sơ có kết "
            f"quả {_period(start, end)} ({f['resolved_late']} quá hạn), so với hạn trả đang có hiệu lực khi ký kết "
            f"quả (kể cả hạn hẹn lại bằng phiếu xin lỗi); thời gian chờ bổ sung không tính. Hồ sơ rút "
            f"({f['withdrawn']}) và dừng xử lý ({f['stopped']}) không tính vào cả tử số và mẫu số.",
        ),
        Indicator(
            id="2.2",
            name="Thời gian giải quyết trung bình",
            group=2,
            max_points=Decimal(0),
            rule="Chỉ theo dõi.",
            threshold=None,
            available=True,
            numerator=f["processing_days"],
            denominator=resolved,
            numerator_label="tổng số ngày làm việc giải quyết",
            denominator_label="hồ sơ đã giải quyết",
            value=average,
            value_label="ngày làm việc",
            source=f"{f['processing_days']} ngày làm việc (từ tiếp nhận đến khi có kết quả, trừ thời gian chờ bổ "
            f"sung) cộng trên {resolved} hồ sơ có kết quả {_period(start, end)}.",
        ),
    ]


def _group3(inputs: Inputs, catalogue: dict[int, dict[str, Any]], start: date, end: date) -> list[Indicator]:
    f = inputs.facts
    online = sum(1 for v in catalogue.values() if v["online_level"] in (OnlineLevel.FULL, OnlineLevel.PARTIAL))
    return [
        _ratio(
            "3.x",
            "Hồ sơ trực tuyến toàn trình trên hồ sơ của TTHC đủ điều kiện trực tuyến toàn trình",
            3,
            12,
            inputs.eligible_full_online,
            inputs.eligible_received,
            "hồ sơ nộp trực tuyến toàn trình",
            "hồ sơ tiếp nhận của TTHC cung cấp trực tuyến toàn trình",
            f"{inputs.eligible_full_online} hồ sơ nộp trực tuyến toàn trình trên {inputs.eligible_received} hồ sơ "
            f"tiếp nhận {_period(start, end)} của các TTHC mà phiên bản có hiệu lực ngày tiếp nhận là “toàn trình”.",
        ),
        _ratio(
            "3.1",
            "TTHC cung cấp dịch vụ công trực tuyến (toàn trình hoặc một phần)",
            3,
            0,
            online,
            len(catalogue),
            "TTHC có dịch vụ công trực tuyến",
            "TTHC thuộc thẩm quyền của đơn vị",
            f"{online} trên {len(catalogue)} TTHC mà đơn vị (và cấp dưới) tiếp nhận hoặc giải quyết có mức độ trực "
            f"tuyến toàn trình hoặc một phần trong phiên bản có hiệu lực ngày {end:%d/%m/%Y}.",
            threshold=80,
            display_only=True,
        ),
        _ratio(
            "3.3",
            "Tỷ lệ hồ sơ tiếp nhận trực tuyến",
            3,
            0,
            f["received_online"],
            f["received"],
            "hồ sơ nộp trực tuyến",
            "hồ sơ tiếp nhận",
            f"{f['received_online']} hồ sơ kênh trực tuyến trên {f['received']} hồ sơ tiếp nhận {_period(start, end)}"
            f". Không nhân với tỷ lệ đồng bộ lên Cổng DVCQG (motcua không đồng bộ) và không kiểm tra điều kiện “có kết "
            f"quả điện tử khi kết quả là giấy”.",
            threshold=50,
            display_only=True,
        ),
        _no_data(
            "3.5",
            "TTHC có thu phí, lệ phí được tích hợp thanh toán trực tuyến trên Cổng DVCQG",
            3,
            2,
            "việc tích hợp thanh toán của từng TTHC trên Nền tảng thanh toán của Cổng DVCQG không được ghi trong "
            "motcua.",
        ),
        _ratio(
            "3.5b",
            "TTHC có phát sinh giao dịch thanh toán trực tuyến",
            3,
            2,
            len(inputs.paid_procedures & inputs.fee_procedures),
            len(inputs.fee_procedures),
            "TTHC có ít nhất một hồ sơ thanh toán trực tuyến",
            "TTHC có hồ sơ phải nộp phí, lệ phí",
            f"{len(inputs.paid_procedures & inputs.fee_procedures)} trên {len(inputs.fee_procedures)} TTHC có hồ sơ "
            f"phải nộp phí, lệ phí tiếp nhận {_period(start, end)} có ít nhất một hồ sơ thanh toán qua cổng thanh "
            f"toán trực tuyến.",
        ),
        _ratio(
            "3.6",
            "Hồ sơ thanh toán trực tuyến",
            3,
            6,
            min(f["paid_online"], f["fee_bearing"]),
            f["fee_bearing"],
            "hồ sơ thanh toán trực tuyến",
            "hồ sơ phải nộp phí, lệ phí (khác 0)",
            f"{f['paid_online']} hồ sơ có khoản thanh toán qua cổng thanh toán trực tuyến trên {f['fee_bearing']} hồ "
            f"sơ phải nộp phí, lệ phí tiếp nhận {_period(start, end)}.",
        ),
    ]


def _group4(inputs: Inputs, start: date, end: date) -> list[Indicator]:
    f = inputs.facts
    resolved = f["resolved_early"] + f["resolved_on_time"] + f["resolved_late"]
    return [
        _ratio(
            "4.1",
            "Hồ sơ có kết quả điện tử",
            4,
            6,
            f["e_result"],
            resolved,
            "hồ sơ có kết quả lưu dạng điện tử",
            "hồ sơ đã giải quyết",
            f"{f['e_result']} hồ sơ có văn bản kết quả điện tử trên {resolved} hồ sơ có kết quả {_period(start, end)}."
            f" Mẫu số là mọi hồ sơ đã giải quyết (kể cả văn bản từ chối), không chỉ TTHC có kết quả là giấy tờ: "
            f"danh mục chưa đánh dấu loại kết quả.",
        ),
        _ratio(
            "4.2",
            "Hồ sơ được số hóa (thành phần hồ sơ và kết quả)",
            4,
            4,
            f["fully_digitised"],
            resolved,
            "hồ sơ số hóa đủ thành phần và kết quả",
            "hồ sơ đã giải quyết",
            f"{f['fully_digitised']} hồ sơ có mọi thành phần đã số hóa và kết quả điện tử trên {resolved} hồ sơ có "
            f"kết quả {_period(start, end)}.",
            threshold=80,
        ),
        _no_data(
            "4.x",
            "Cung cấp dịch vụ chứng thực bản sao điện tử từ bản chính",
            4,
            2,
            "motcua không có nghiệp vụ chứng thực bản sao điện tử từ bản chính.",
        ),
        _ratio(
            "4.3",
            "Tái sử dụng dữ liệu đã số hóa",
            4,
            2,
            f["reused"],
            f["received"],
            "hồ sơ có thành phần tái sử dụng",
            "hồ sơ tiếp nhận",
            f"{f['reused']} hồ sơ có ít nhất một thành phần lấy từ dữ liệu đã số hóa trước đó trên {f['received']} "
            f"hồ sơ tiếp nhận {_period(start, end)}.",
            threshold=80,
        ),
        _ratio(
            "4.4",
            "Hồ sơ kết nối với kho dữ liệu điện tử của tổ chức, cá nhân",
            4,
            4,
            f["from_store"],
            f["received"],
            "hồ sơ có thành phần lấy từ kho dữ liệu của công dân",
            "hồ sơ tiếp nhận",
            f"{f['from_store']} hồ sơ có thành phần người nộp lấy từ kho dữ liệu của mình trên {f['received']} hồ sơ "
            f"tiếp nhận {_period(start, end)}. Kho là kho dữ liệu của công dân trên cổng motcua, không phải Kho "
            f"trên Cổng DVCQG; kết quả đẩy vào kho không được tính thêm.",
        ),
        _no_data(
            "4.5a",
            "TTHC kết nối, khai thác Cơ sở dữ liệu quốc gia về dân cư",
            4,
            2,
            "motcua không kết nối Cơ sở dữ liệu quốc gia về dân cư.",
        ),
        _no_data(
            "4.5b",
            "Hồ sơ sử dụng tài khoản định danh điện tử VNeID hoặc dữ liệu dân cư",
            4,
            2,
            "motcua ghi tài khoản nộp hồ sơ nhưng không ghi tài khoản đó có được xác thực qua VNeID hay không "
            "(đăng nhập OpenID Connect có thể là VNeID hoặc hệ thống của tỉnh).",
        ),
    ]


def _group5(unit: Unit, inputs: Inputs, start: date, end: date) -> list[Indicator]:
    f = inputs.facts
    fb = figures_5_2(unit, start, end)
    overdue = fb.total - fb.on_time
    satisfied_feedback = max(fb.total - inputs.feedback_disliked - overdue, 0)
    resolved = f["resolved_early"] + f["resolved_on_time"] + f["resolved_late"]
    dissatisfied = f["rating_1"] + f["rating_2"] + inputs.complained_dossiers
    late_rate = percent(f["resolved_late"], resolved)
    unhappy_rate = percent(dissatisfied, resolved)
    rate_5_4 = None
    if late_rate is not None and unhappy_rate is not None:
        rate_5_4 = max(HUNDRED - late_rate - unhappy_rate, Decimal(0))
    ratings = sum(f[f"rating_{level}"] for level in range(1, 6))
    return [
        Indicator(
            id="5.1",
            name="Phản ánh, kiến nghị được phân loại theo nội dung",
            group=5,
            max_points=Decimal(0),
            rule="Chỉ phân loại, không tính điểm.",
            threshold=None,
            available=True,
            numerator=inputs.feedback_received,
            numerator_label="phản ánh, kiến nghị tiếp nhận",
            source=f"{inputs.feedback_received} phản ánh, kiến nghị gửi đến đơn vị (và cấp dưới) {_period(start, end)}"
            f"; phân loại theo loại và lĩnh vực ở trang phản ánh, kiến nghị.",
        ),
        Indicator(
            id="5.2",
            name="Phản ánh, kiến nghị được xử lý đúng hạn",
            group=5,
            max_points=_d(6),
            rule="6 × tỷ lệ.",
            threshold=None,
            available=True,
            numerator=fb.on_time,
            denominator=fb.total,
            numerator_label="phản ánh, kiến nghị xử lý đúng hạn mọi bước",
            denominator_label="phản ánh, kiến nghị đã kết thúc hoặc đã quá hạn trả lời",
            rate=fb.rate,
            points=fb.points,
            source=f"{fb.on_time} trên {fb.total} phản ánh, kiến nghị đã từ chối hoặc trả lời {_period(start, end)} "
            f"(cộng {fb.answer.overdue_open} đang quá hạn trả lời) đúng hạn mọi bước: từ chối ≤ 2, đề nghị bổ sung "
            f"≤ 5, trả lời ≤ 15, công khai ≤ 2 ngày làm việc.",
        ),
        Indicator(
            id="5.3",
            name="Mức độ hài lòng về tiếp nhận, xử lý phản ánh, kiến nghị",
            group=5,
            max_points=_d(6),
            rule="6 × tỷ lệ.",
            threshold=None,
            available=True,
            numerator=satisfied_feedback,
            denominator=fb.total,
            numerator_label="phản ánh, kiến nghị không quá hạn, không bị đánh giá “Chưa hữu ích”",
            denominator_label="phản ánh, kiến nghị đã kết thúc hoặc đã quá hạn trả lời",
            rate=percent(satisfied_feedback, fb.total),
            points=points_for(_d(6), percent(satisfied_feedback, fb.total), None),
            source=f"({fb.total} − {inputs.feedback_disliked} bị đánh giá “Chưa hữu ích” − {overdue} quá hạn) ÷ "
            f"{fb.total}. Bị đánh giá “Chưa hữu ích”: phản ánh được trả lời {_period(start, end)} mà trả lời công "
            f"khai có nhiều lượt “Chưa hữu ích” hơn “Hữu ích”; motcua không nhận diện phản ánh lặp lại nên không trừ "
            f"mục đó.",
        ),
        Indicator(
            id="5.4",
            name="Mức độ hài lòng trong tiếp nhận, giải quyết TTHC",
            group=5,
            max_points=_d(6),
            rule="100% − (tỷ lệ hồ sơ quá hạn + tỷ lệ hồ sơ không hài lòng); 6 × min(1, tỷ lệ ÷ 90%): tỷ lệ ≥ 90% "
            "đạt tối đa 6 điểm.",
            threshold=_d(90),
            available=True,
            numerator=f["resolved_late"] + dissatisfied,
            denominator=resolved,
            numerator_label="hồ sơ quá hạn và hồ sơ bị đánh giá không hài lòng, bị phản ánh",
            denominator_label="hồ sơ đã giải quyết",
            rate=rate_5_4,
            points=points_for(_d(6), rate_5_4, _d(90)),
            source=f"100% − ({f['resolved_late']} hồ sơ quá hạn ÷ {resolved} = {_pc(late_rate)} "
            f"+ {dissatisfied} hồ sơ không hài lòng ÷ {resolved} = {_pc(unhappy_rate)})"
            f"; không hài lòng = {f['rating_1'] + f['rating_2']} đánh giá “Không hài lòng”/“Rất không hài lòng” "
            f"(trong {ratings} lượt đánh giá) và {inputs.complained_dossiers} hồ sơ khác bị phản ánh, kiến nghị "
            f"{_period(start, end)}.",
        ),
    ]


def _build(unit: Unit, inputs: Inputs, catalogue: dict[int, dict[str, Any]], start: date, end: date) -> Scorecard:
    """``catalogue``: the versions in force at ``end`` of (at least) the procedures of ``inputs``."""
    mine = {procedure: catalogue[procedure] for procedure in inputs.procedures if procedure in catalogue}
    indicators = {
        1: _group1(inputs, mine, start, end),
        2: _group2(inputs, start, end),
        3: _group3(inputs, mine, start, end),
        4: _group4(inputs, start, end),
        5: _group5(unit, inputs, start, end),
    }
    groups = [Group(n, name, maximum, indicators[n]) for n, (name, maximum) in GROUPS.items()]
    return Scorecard(unit=unit, start=start, end=end, groups=groups)


def scorecard(unit: Unit, start: date, end: date) -> Scorecard:
    """The scorecard of ``unit`` and its whole subtree for the local dates ``start``–``end`` inclusive."""
    total = Inputs()
    for inputs in _collect(unit, start, end).values():
        total.add(inputs)
    return _build(unit, total, _catalogue(total.procedures, end), start, end)


def by_children(unit: Unit, start: date, end: date) -> list[Scorecard]:
    """The scorecard of each direct child of ``unit`` (each with its own subtree), from one collection pass.

    Dossiers handled by ``unit`` itself belong to no child: they are in ``scorecard(unit, …)`` only."""
    children = list(unit.children.order_by("path"))
    by_path = {child.path: child.pk for child in children}
    owner: dict[int, int] = {}
    for unit_id, path in Unit.objects.filter(path__startswith=unit.path).values_list("pk", "path"):
        rest = path[len(unit.path) :].split("/", 1)[0]
        child_path = f"{unit.path}{rest}/"
        if rest and child_path in by_path:
            owner[unit_id] = by_path[child_path]
    sums: dict[int, Inputs] = defaultdict(Inputs)
    for unit_id, inputs in _collect(unit, start, end).items():
        if unit_id in owner:
            sums[owner[unit_id]].add(inputs)
    catalogue = _catalogue(set().union(*(inputs.procedures for inputs in sums.values())), end)
    return [_build(child, sums[child.pk], catalogue, start, end) for child in children]

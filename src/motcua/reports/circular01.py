"""The nine-index evaluation of Circular 01/2018/TT-VPCP Arts. 13–15, per agency and quarter (regulations.md §3.3).

``evaluate(unit, year, quarter)`` scores ``unit`` with its whole subtree. Each index gives 0, 1 or 2 points:

* per dossier (indices 1, 2, 3, 4, 7): every dossier of the agency with a result in the quarter scores 0/1/2 and
  the index score is Σ points ÷ number of dossiers, to 1 decimal;
* per agency (indices 5, 8, 9): one 0/1/2 for the agency in the quarter;
* index 6 (publication of the procedures, posted at the office and electronically) is scored both ways by the
  Circular, but motcua does not know what is posted at the office: it is excluded and said so.

The total is the sum of the index scores that could be computed, rated with the official bands (≥ 15 xuất sắc,
12–< 15 tốt, 9–< 12 khá, 6–< 9 trung bình, < 6 yếu). Indices without data are excluded, as the Circular says,
and listed: the bands assume nine indices, so the evaluation shows the maximum still attainable beside the total.

Every figure is aggregated in the database (a quarter of a province can be 500,000 dossiers): one query over
the dossiers for indices 1, 3, 4 and 7, one over the process steps for index 2, small catalogue and fact-table
queries for 5 and 9, the feedback figures of indicator 5.2 for 8. docs/reports.md ("Đánh giá theo Thông tư
01/2018") gives each rule and proxy.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet
from django.db.models.functions import TruncDate

from motcua.catalog.models import ProcedureUnit, ProcedureVersion, StepHandler
from motcua.dossiers.models import Dossier, DossierRating, DossierStep, StepState
from motcua.feedback.figures import figures_5_2
from motcua.feedback.models import Feedback
from motcua.feedback.models import Status as FeedbackStatus
from motcua.organizations.models import Unit, UnitKind
from motcua.reports.scorecard import IN_FORCE, bounds, fact_sums, percent

TENTH = Decimal("0.1")
NO_DATA = "Không có dữ liệu"
NOT_ARISING = "Không phát sinh"

BANDS = ((Decimal(15), "Xuất sắc"), (Decimal(12), "Tốt"), (Decimal(9), "Khá"), (Decimal(6), "Trung bình"))


def rating_for(total: Decimal) -> str:
    """The official band of an agency's total (Circular 01/2018 Art. 15)."""
    return next((label for floor, label in BANDS if total >= floor), "Yếu")


def quarter_dates(year: int, quarter: int) -> tuple[date, date]:
    if quarter not in (1, 2, 3, 4):
        raise ValueError("Quý phải là 1, 2, 3 hoặc 4.")
    first = 3 * quarter - 2
    return date(year, first, 1), date(year, first + 2, calendar.monthrange(year, first + 2)[1])


def average(points: int, dossiers: int) -> Decimal | None:
    """Σ points ÷ dossiers to one decimal (half up), None when no dossier was evaluated."""
    if not dossiers:
        return None
    return (Decimal(points) / Decimal(dossiers)).quantize(TENTH, ROUND_HALF_UP)


@dataclass(frozen=True)
class IndexScore:
    number: int
    name: str
    per_dossier: bool  # scored per dossier (averaged) or once for the agency
    rule: str
    available: bool
    score: Decimal | None = None  # 0–2, one decimal; None: no data, or nothing to evaluate
    dossiers: int | None = None  # per-dossier indices: the number of dossiers evaluated
    scoring_2: int | None = None  # … how many scored 2, 1 and 0
    scoring_1: int | None = None
    scoring_0: int | None = None
    source: str = ""

    @property
    def points(self) -> int | None:
        """Σ of the dossiers' points (per-dossier indices)."""
        if self.scoring_2 is None or self.scoring_1 is None:
            return None
        return 2 * self.scoring_2 + self.scoring_1

    @property
    def counted(self) -> bool:
        return self.available and self.score is not None

    @property
    def status(self) -> str:
        if not self.available:
            return NO_DATA
        return "" if self.score is not None else NOT_ARISING

    def as_dict(self) -> dict[str, Any]:
        return {
            "number": self.number,
            "name": self.name,
            "per_dossier": self.per_dossier,
            "available": self.available,
            "status": self.status,
            "score": None if self.score is None else float(self.score),
            "dossiers": self.dossiers,
            "points": self.points,
            "scoring_2": self.scoring_2,
            "scoring_1": self.scoring_1,
            "scoring_0": self.scoring_0,
            "rule": self.rule,
            "source": self.source,
        }


@dataclass
class Evaluation:
    unit: Unit
    year: int
    quarter: int
    start: date
    end: date
    indices: list[IndexScore]

    def index(self, number: int) -> IndexScore:
        return next(i for i in self.indices if i.number == number)

    @property
    def total(self) -> Decimal:
        return sum((i.score for i in self.indices if i.available and i.score is not None), Decimal("0.0"))

    @property
    def max_points(self) -> Decimal:
        """2 points per index that could be computed (18 when all nine could)."""
        return Decimal(2 * sum(1 for i in self.indices if i.counted))

    @property
    def excluded(self) -> list[int]:
        return [i.number for i in self.indices if not i.counted]

    @property
    def rating(self) -> str:
        return rating_for(self.total)

    @property
    def summary(self) -> str:
        excluded = ", ".join(str(n) for n in self.excluded) or "không"
        return (
            f"Tổng {self.total} điểm trên tối đa {self.max_points} điểm của các chỉ số tính được: xếp loại "
            f"“{self.rating}”. Chỉ số không tính (không có dữ liệu hoặc không phát sinh): {excluded}."
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "unit": {"id": self.unit.pk, "name": self.unit.name, "agency_code": self.unit.agency_code},
            "year": self.year,
            "quarter": self.quarter,
            "from": self.start.isoformat(),
            "to": self.end.isoformat(),
            "total": float(self.total),
            "max_points": float(self.max_points),
            "rating": self.rating,
            "excluded": self.excluded,
            "summary": self.summary,
            "indices": [i.as_dict() for i in self.indices],
        }


def _per_dossier(
    number: int, name: str, rule: str, n: int, two: int, one: int, source: str, *, available: bool = True
) -> IndexScore:
    return IndexScore(
        number=number,
        name=name,
        per_dossier=True,
        rule=rule,
        available=available,
        score=average(2 * two + one, n),
        dossiers=n,
        scoring_2=two,
        scoring_1=one,
        scoring_0=n - two - one,
        source=source,
    )


def _per_agency(number: int, name: str, rule: str, score: int | None, source: str) -> IndexScore:
    return IndexScore(
        number=number,
        name=name,
        per_dossier=False,
        rule=rule,
        available=True,
        score=None if score is None else Decimal(score).quantize(TENTH),
        source=source,
    )


def _dossier_indices(unit: Unit, start: date, end: date) -> list[IndexScore]:
    """Indices 1, 3, 4 and 7 in one aggregate over the agency's dossiers with a result in the quarter."""
    lo, hi = bounds(start, end)
    complaint = Feedback.objects.filter(dossier_code=OuterRef("code")).exclude(status=FeedbackStatus.REJECTED)
    bad_attitude = DossierRating.objects.filter(dossier_id=OuterRef("pk"), aspects__attitude__lte=2)
    early, on_time = Q(finish_mark="early"), Q(finish_mark__in=("on_time", ""))
    clean = Q(complained=False, bad_attitude=False)
    figures = (
        Dossier.objects.filter(
            handling_unit__path__startswith=unit.path,
            finished_at__gte=lo,
            finished_at__lt=hi,
            received_at__isnull=False,
        )
        .exclude(result_kind="")
        .annotate(complained=Exists(complaint), bad_attitude=Exists(bad_attitude))
        .aggregate(
            n=Count("pk"),
            early=Count("pk", filter=early),
            on_time=Count("pk", filter=on_time),
            no_supplement=Count("pk", filter=Q(supplement_count=0)),
            one_supplement=Count("pk", filter=Q(supplement_count=1)),
            early_clean=Count("pk", filter=early & clean),
            on_time_clean=Count("pk", filter=on_time & clean),
            with_complaint=Count("pk", filter=~clean),
        )
    )
    n = figures["n"]
    period = f"có kết quả từ {start:%d/%m/%Y} đến {end:%d/%m/%Y}"
    return [
        _per_dossier(
            1,
            "Tổng thời gian giải quyết so với thời gian quy định",
            "Trước hạn: 2 điểm; đúng hạn: 1 điểm; quá hạn: 0 điểm.",
            n,
            figures["early"],
            figures["on_time"],
            f"{figures['early']} hồ sơ trước hạn, {figures['on_time']} đúng hạn, "
            f"{n - figures['early'] - figures['on_time']} quá hạn trong {n} hồ sơ {period} (dấu trước/đúng/quá hạn "
            f"ghi khi ký kết quả).",
        ),
        _per_dossier(
            3,
            "Số lần phải liên hệ với nơi tiếp nhận hồ sơ để hoàn thiện hồ sơ",
            "Không phải liên hệ: 2 điểm; 1 lần: 1 điểm; trên 1 lần: 0 điểm.",
            n,
            figures["no_supplement"],
            figures["one_supplement"],
            f"Mỗi lần yêu cầu bổ sung là một lần liên hệ: {figures['no_supplement']} hồ sơ không phải bổ sung, "
            f"{figures['one_supplement']} bổ sung một lần (Nghị định 61/2018 chỉ cho yêu cầu bổ sung một lần) trong "
            f"{n} hồ sơ {period}. Lần được hướng dẫn hoàn thiện trước khi tiếp nhận (phiếu 02) không gắn được với "
            f"hồ sơ sau đó nên không tính.",
        ),
        _per_dossier(
            4,
            "Số cơ quan, đơn vị phải liên hệ để hoàn thiện hồ sơ",
            "Không phải liên hệ cơ quan nào: 2 điểm; chỉ Bộ phận Một cửa: 1 điểm; thêm cơ quan khác: 0 điểm.",
            n,
            figures["no_supplement"],
            figures["one_supplement"],
            f"Ước lượng: hồ sơ không phải bổ sung thì không phải liên hệ cơ quan nào ({figures['no_supplement']}); "
            f"hồ sơ bổ sung chỉ liên hệ Bộ phận Một cửa vì motcua chỉ nhận hồ sơ bổ sung tại đó "
            f"({figures['one_supplement']}); việc người nộp phải tự liên hệ cơ quan khác không được ghi nên mức "
            f"0 điểm không phát hiện được.",
        ),
        _per_dossier(
            7,
            "Tinh thần, thái độ phục vụ của công chức",
            "Trước hạn và không bị phản ánh: 2 điểm; đúng hạn và không bị phản ánh: 1 điểm; có phản ánh hoặc quá "
            "hạn: 0 điểm.",
            n,
            figures["early_clean"],
            figures["on_time_clean"],
            f"{figures['early_clean']} hồ sơ trước hạn và {figures['on_time_clean']} đúng hạn không bị phản ánh "
            f"trong {n} hồ sơ {period}; {figures['with_complaint']} hồ sơ bị phản ánh (phản ánh, kiến nghị ghi mã hồ "
            f"sơ và không bị từ chối tiếp nhận, hoặc người nộp đánh giá “thái độ” ở mức không hài lòng). motcua "
            f"không biết phản ánh có đúng hay không nên mọi phản ánh đã tiếp nhận đều tính.",
        ),
    ]


def _steps_index(unit: Unit, start: date, end: date) -> IndexScore:
    """Index 2: each step done by the agency's units, against that step's own due moment (DossierStep.due_at).

    A dossier scores the worst of the agency's steps in it: 2 when every step ended on a day before its due day,
    0 when any step ended after its due moment, 1 otherwise (the early / on-time / late rule of
    ``workcalendar.deadlines.classify_finished``, on local dates)."""
    lo, hi = bounds(start, end)
    steps = (
        DossierStep.objects.filter(
            unit__path__startswith=unit.path,
            state=StepState.DONE,
            due_at__isnull=False,
            finished_at__isnull=False,
            finished_at__lte=F("dossier__finished_at"),
            dossier__finished_at__gte=lo,
            dossier__finished_at__lt=hi,
        )
        .exclude(dossier__result_kind="")
        .annotate(finished_day=TruncDate("finished_at"), due_day=TruncDate("due_at"))
    )
    figures = steps.aggregate(
        n=Count("dossier_id", distinct=True),
        steps=Count("pk"),
        not_early=Count("dossier_id", distinct=True, filter=Q(finished_day__gte=F("due_day"))),
        late=Count("dossier_id", distinct=True, filter=Q(finished_at__gt=F("due_at"))),
    )
    n, late = figures["n"], figures["late"]
    two, one = n - figures["not_early"], figures["not_early"] - late
    return _per_dossier(
        2,
        "Thời gian thực hiện của từng cơ quan, đơn vị tham gia giải quyết",
        "Mọi bước của cơ quan trước hạn: 2 điểm; đúng hạn: 1 điểm; có bước quá hạn: 0 điểm.",
        n,
        two,
        one,
        f"{figures['steps']} bước xử lý do đơn vị (và cấp dưới) thực hiện trong {n} hồ sơ có kết quả từ "
        f"{start:%d/%m/%Y} đến {end:%d/%m/%Y}, so với hạn của từng bước; hồ sơ lấy điểm của bước kém nhất: {two} "
        f"hồ sơ mọi bước trước hạn, {one} đúng hạn, {late} có bước quá hạn. Bước trả kết quả (sau khi ký) không "
        f"tính vì phụ thuộc ngày người nộp đến nhận.",
    )


def _threshold_for(unit: Unit) -> tuple[int, str]:
    """Index 5's share of procedures done entirely at the One-stop Section, by the agency's level."""
    ids = [int(p) for p in unit.path.strip("/").split("/") if p]
    kinds = dict(Unit.objects.filter(pk__in=ids).values_list("pk", "kind"))
    for pk in reversed(ids):  # from the unit up to the root: the nearest level decides
        kind = kinds.get(pk)
        if kind in (UnitKind.COMMUNE_COMMITTEE, UnitKind.COMMUNE_CENTER):
            return 100, "cấp xã"
        if kind == UnitKind.DISTRICT_COMMITTEE:
            return 50, "cấp huyện"
        if kind in (UnitKind.DEPARTMENT, UnitKind.PROVINCE_COMMITTEE, UnitKind.PROVINCIAL_CENTER):
            return 20, "cấp tỉnh"
    return 20, "cấp tỉnh"
    return 20, "cấp tỉnh"


def _versions_in_force(procedures: QuerySet, on: date) -> QuerySet[ProcedureVersion]:
    return (
        ProcedureVersion.objects.filter(procedure_id__in=procedures, status__in=IN_FORCE)
        .filter(Q(valid_from__isnull=True) | Q(valid_from__lte=on))
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=on))
    )


def _one_stop_index(unit: Unit, end: date) -> IndexScore:
    handled = ProcedureUnit.objects.filter(unit__path__startswith=unit.path, handles=True).values("procedure_id")
    versions = (
        _versions_in_force(handled, end)
        .annotate(
            n_steps=Count("steps"),
            at_counter=Count("steps", filter=Q(steps__handler=StepHandler.RECEIVING_UNIT)),
            received_at_counter=Exists(
                ProcedureUnit.objects.filter(procedure_id=OuterRef("procedure_id"), receives=True)
            ),
        )
        .order_by("procedure_id", "-valid_from", "-number")
        .values_list("procedure_id", "n_steps", "at_counter", "received_at_counter")
    )
    by_procedure: dict[int, tuple[int, int, bool]] = {}
    for procedure_id, n_steps, at_counter, received in versions:
        by_procedure.setdefault(procedure_id, (n_steps, at_counter, received))
    total = len(by_procedure)
    whole = sum(1 for n_steps, at_counter, _r in by_procedure.values() if n_steps and n_steps == at_counter)
    received = sum(1 for *_s, r in by_procedure.values() if r)
    threshold, level = _threshold_for(unit)
    share = percent(whole, total)
    if share is None:
        score = None
    elif share >= threshold:
        score = 2
    else:
        score = 1 if received == total else 0
    return _per_agency(
        5,
        "Giải quyết TTHC tại Bộ phận Một cửa",
        "Tỷ lệ TTHC giải quyết toàn bộ tại Bộ phận Một cửa ≥ 20% (cấp tỉnh), ≥ 50% (cấp huyện), 100% (cấp xã): "
        "2 điểm; 100% TTHC tiếp nhận và trả kết quả tại Bộ phận Một cửa: 1 điểm; còn lại: 0 điểm.",
        score,
        f"{whole} trên {total} TTHC đơn vị giải quyết có mọi bước của quy trình nội bộ do Bộ phận Một cửa thực hiện "
        f"({share if share is not None else '–'}%, ngưỡng {level} {threshold}%); {received} trên {total} TTHC có "
        f"nơi tiếp nhận là Bộ phận Một cửa (phiên bản có hiệu lực ngày {end:%d/%m/%Y}).",
    )


def _feedback_index(unit: Unit, start: date, end: date) -> IndexScore:
    fb = figures_5_2(unit, start, end)
    rate = fb.rate
    if fb.total == 0 or rate == 100:
        score = 2
    elif rate is not None and rate >= 90:
        score = 1
    else:
        score = 0
    return _per_agency(
        8,
        "Tiếp nhận, xử lý phản ánh, kiến nghị",
        "Không có phản ánh, hoặc 100% xử lý đúng hạn: 2 điểm; ≥ 90% đúng hạn: 1 điểm; còn lại: 0 điểm.",
        score,
        f"{fb.on_time} trên {fb.total} phản ánh, kiến nghị kết thúc trong quý (hoặc đang quá hạn trả lời) được xử "
        f"lý đúng hạn mọi bước (như chỉ số 5.2 của Quyết định 766).",
    )


def _online_index(unit: Unit, start: date, end: date) -> IndexScore:
    lo, hi = bounds(start, end)
    assigned = ProcedureUnit.objects.filter(unit__path__startswith=unit.path).values("procedure_id")
    levels = dict(
        _versions_in_force(assigned, end)
        .order_by("procedure_id", "valid_from", "number")
        .values_list("procedure_id", "online_level")
    )
    online_procedures = sum(1 for level in levels.values() if level in ("full", "partial"))
    sums = fact_sums(unit, start, end, ("received",))
    online = fact_sums(unit, start, end, ("received", "resolved_late"), channel="online")
    overdue_open = (
        Dossier.objects.filter(
            handling_unit__path__startswith=unit.path,
            channel="online",
            received_at__lt=hi,
            due_at__isnull=False,
        )
        .filter(Q(finished_at__isnull=True) | Q(finished_at__gte=hi))
        .filter(Q(withdrawn_at__isnull=True) | Q(withdrawn_at__gte=hi))
        .filter(Q(stopped_at__isnull=True) | Q(stopped_at__gte=hi))
        .filter(Q(rescheduled_due_at__lt=hi) | Q(rescheduled_due_at__isnull=True, due_at__lt=hi))
        .count()
    )
    procedure_share = percent(online_procedures, len(levels))
    dossier_share = percent(online["received"], sums["received"])
    spotless = online["resolved_late"] == 0 and overdue_open == 0
    if dossier_share is None or procedure_share is None:
        score = None
    elif procedure_share >= 20 and dossier_share >= 30 and spotless:
        score = 2
    elif dossier_share >= 15 and spotless:
        score = 1
    else:
        score = 0
    return _per_agency(
        9,
        "Cung cấp dịch vụ công trực tuyến",
        "≥ 20% TTHC có dịch vụ trực tuyến mức 3–4, ≥ 30% hồ sơ trực tuyến và không hồ sơ trực tuyến nào quá hạn: 2 "
        "điểm; ≥ 15% hồ sơ trực tuyến và không hồ sơ trực tuyến nào quá hạn hoặc chưa giải quyết quá hạn: 1 điểm; "
        "còn lại: 0 điểm.",
        score,
        f"{online_procedures} trên {len(levels)} TTHC có dịch vụ trực tuyến toàn trình hoặc một phần (coi như mức "
        f"3–4); {online['received']} trên {sums['received']} hồ sơ tiếp nhận trong quý là trực tuyến "
        f"({dossier_share if dossier_share is not None else '–'}%); {online['resolved_late']} hồ sơ trực tuyến giải "
        f"quyết quá hạn và {overdue_open} hồ sơ trực tuyến chưa có kết quả đã quá hạn cuối quý.",
    )


def evaluate(unit: Unit, year: int, quarter: int) -> Evaluation:
    """The Circular 01/2018 evaluation of ``unit`` (with its subtree) for a quarter."""
    start, end = quarter_dates(year, quarter)
    one, three, four, seven = _dossier_indices(unit, start, end)
    indices = [
        one,
        _steps_index(unit, start, end),
        three,
        four,
        _one_stop_index(unit, end),
        IndexScore(
            number=6,
            name="Công khai TTHC (niêm yết tại trụ sở và công khai điện tử)",
            per_dossier=False,
            rule="Niêm yết và công khai điện tử: 2 điểm; một trong hai: 1 điểm; không: 0 điểm.",
            available=False,
            source=f"{NO_DATA}: motcua công khai điện tử mọi TTHC đang có hiệu lực trên cổng, nhưng không biết việc "
            f"niêm yết tại trụ sở nên không chấm được 1 hay 2 điểm.",
        ),
        seven,
        _feedback_index(unit, start, end),
        _online_index(unit, start, end),
    ]
    return Evaluation(unit=unit, year=year, quarter=quarter, start=start, end=end, indices=indices)

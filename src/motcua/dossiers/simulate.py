"""A deterministic simulator of a province's one-stop activity, for demos, load tests and benchmarks.

Why through the real actions: a generated dossier is only useful if it is indistinguishable from a real
one — codes drawn from the same sequences, due dates from the same calendar, marks, supplements and
apologies checked by the same rules, steps in the same queues. So nothing here writes a dossier row:
the simulator only *plans* (who does what, when) and then replays every planned event through
``actions.py`` with its past moment (``at=``).

Planning first, replay second: every dossier's timeline is generated up front with the pure calendar
functions (``motcua.workcalendar``), then all events of all dossiers are replayed sorted by time, so the
per-unit-day code sequences follow arrival order and no action ever runs with a moment after "now"
(events that would fall after the end of the window, or in the future, are simply not replayed: those
dossiers stay open, as real ones do on the last day). The same seed gives the same plan, hence the same
codes and events on the same starting database.

Realism, in brief: arrivals on working days with a morning peak (online submissions any day, evenings
included), a configurable online share, a popularity skew where copy certification, birth and death
registration dominate, step durations drawn around each step's allotted time under deadline pressure
(95–99 % on time), ~4 % supplements, ~1 % apologies with a new appointment, a few withdrawals, stops
and refusals, and results handed over at the counter, by post or online — with the early-return notice
Decree 61 requires when the applicant gets the result before the appointment day.
"""

from __future__ import annotations

import math
import random
import time
from bisect import bisect_left
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from itertools import accumulate
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from motcua.catalog.models import Procedure, ProcedureVersion, ProcessStep, StepHandler, VersionStatus
from motcua.dossiers import actions
from motcua.dossiers.history_import import analyze_due, refresh_planner_statistics, replayed, replaying
from motcua.dossiers.models import Dossier, DossierEvent, DossierStep, Status
from motcua.organizations.models import Role, RoleAssignment, Unit
from motcua.workcalendar.calendar import WorkCalendar
from motcua.workcalendar.deadlines import add_working_time, due_at, effective_receipt
from motcua.workcalendar.rules import TZ, LimitUnit, OfficeHours, Supplement, SupplementPolicy, TimeLimit
from motcua.workcalendar.service import calendar_for, office_hours_for, policy_on

RECEIVER, SPECIALIST, LEADER = "receiving_officer", "specialist", "agency_leader"
PROCESSING_ROLES = {"specialist", "division_head", "agency_leader"}  # roles granting process_dossier
SUPPLEMENT_WINDOW = TimeLimit(3, LimitUnit.WORKING_DAYS)

# Popularity by what the procedure is (first match wins): certification, birth and death dominate.
POPULARITY: tuple[tuple[str, float], ...] = (
    ("lưu động", 0.3),
    ("yếu tố nước ngoài", 0.4),
    ("đăng ký lại", 0.5),
    ("chứng thực bản sao", 30.0),
    ("chứng thực chữ ký", 10.0),
    ("chứng thực", 2.0),
    ("bản sao từ sổ gốc", 4.0),
    ("khai sinh", 18.0),
    ("khai tử", 7.0),
    ("tình trạng hôn nhân", 8.0),
    ("kết hôn", 5.0),
    ("tạm trú", 5.0),
    ("thường trú", 4.0),
    ("nhận cha, mẹ, con", 1.5),
    ("thay đổi, cải chính", 2.0),
)
# Bigger wards receive more: Thuận Hóa and Phú Xuân (city centre) over A Lưới (mountains).
UNIT_WEIGHT = {"41": 1.6, "42": 1.4, "43": 1.0, "44": 0.8, "45": 0.4}
WEEKDAY_WEIGHT = (1.25, 1.1, 1.0, 1.0, 0.95, 0.9, 0.9)  # Monday peak; make-up weekend days are quieter

SURNAMES = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Phan", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Tôn")
MIDDLE = ("Văn", "Thị", "Đức", "Minh", "Ngọc", "Thanh", "Hữu", "Quang", "Thu", "Xuân", "Bảo", "Phước")
GIVEN = ("An", "Bình", "Chi", "Dũng", "Hà", "Hải", "Hương", "Khoa", "Lan", "Linh", "Long", "Mai", "Nam", "Phúc")
GIVEN += ("Quân", "Sơn", "Tâm", "Thảo", "Trang", "Trung", "Tuấn", "Vy", "Yến", "Hiền", "Nhân", "Lộc")
STREETS = ("Lê Lợi", "Trần Hưng Đạo", "Hùng Vương", "Nguyễn Huệ", "Điện Biên Phủ", "Bà Triệu", "Phan Đình Phùng")


@dataclass(frozen=True)
class SimConfig:
    dossiers: int = 1000
    seed: int = 1
    start: date = date(2025, 7, 1)
    days: int = 120
    online_share: float = 0.45  # of all dossiers; only procedures that accept online submissions get them
    post_share: float = 0.03
    supplement_rate: float = 0.04
    late_rate: float = 0.03  # dossiers that overrun their due date; some of them apologise first
    apology_rate: float = 0.01
    withdraw_rate: float = 0.005
    stop_rate: float = 0.002
    refusal_rate: float = 0.005  # refused after review: a written answer is a result
    intake_refusal_rate: float = 0.015  # incomplete: not received (guidance, form 02)
    repeat_applicant_rate: float = 0.15
    batch: int = 500  # events per transaction: one commit per batch instead of one per event


@dataclass
class Planned:
    """One event of a simulated dossier: replayed by ``_run`` through the matching action."""

    at: datetime
    index: int
    seq: int
    action: str
    actor: tuple[str, str] | None  # (unit agency code, role code); None = the applicant online
    kwargs: dict[str, Any] = field(default_factory=dict)
    plan_step: int | None = None


@dataclass
class SimDossier:
    index: int
    procedure_code: str
    version: ProcedureVersion
    receiving: Unit
    handling: Unit
    channel: str
    applicant: actions.ApplicantData
    result_delivery: str
    delivery_address: str
    events: list[Planned] = field(default_factory=list)
    pk: int | None = None
    steps: dict[int, int] = field(default_factory=dict)  # plan step id -> dossier step id
    failed: str = ""


@dataclass
class SimReport:
    config: SimConfig
    dossiers: int
    events: int
    failures: list[str]
    by_status: dict[str, int]
    finished: int
    on_time: int
    online: int
    supplements: int
    apologies: int
    withdrawals: int
    stops: int
    refusals: int
    seconds: float
    loaded_demo: bool = False
    users_created: int = 0

    @property
    def on_time_share(self) -> float:
        return self.on_time / self.finished if self.finished else 0.0

    @property
    def online_share(self) -> float:
        return self.online / self.dossiers if self.dossiers else 0.0

    def lines(self) -> list[str]:
        rate = self.dossiers / self.seconds if self.seconds else 0.0
        out = [
            f"Mô phỏng {self.dossiers} hồ sơ, {self.events} sự kiện (seed {self.config.seed}, từ "
            f"{self.config.start:%d/%m/%Y}, {self.config.days} ngày), mọi thay đổi qua actions.py.",
            "Theo trạng thái:",
        ]
        out += [f"  {label:<42} {count:>8}" for label, count in self.by_status.items()]
        out += [
            f"Đúng hạn: {self.on_time_share:.1%} ({self.on_time}/{self.finished} hồ sơ đã giải quyết)",
            f"Nộp trực tuyến: {self.online_share:.1%}",
            f"Yêu cầu bổ sung: {self.supplements}; xin lỗi, hẹn lại: {self.apologies}; rút: {self.withdrawals}; "
            f"dừng xử lý: {self.stops}; từ chối giải quyết: {self.refusals}",
            f"Thời gian: {self.seconds:.1f} s — {rate:.0f} hồ sơ/s, "
            f"{self.events / max(self.seconds, 1e-9):.0f} sự kiện/s",
        ]
        if self.failures:
            out.append(f"Sự kiện bị từ chối (hồ sơ bỏ dở): {len(self.failures)}")
            out += [f"  {f}" for f in self.failures[:10]]
        return out


# --- set-up ---------------------------------------------------------------------------------------


def ensure_demo() -> bool:
    """Load the demo province and catalogue into an empty database; True if something was loaded."""
    from motcua.catalog.demo import load_demo_catalog
    from motcua.organizations.demo import load_demo

    loaded = False
    with transaction.atomic():
        if not Unit.objects.exists():
            load_demo()
            loaded = True
        if not Procedure.objects.exists():
            load_demo_catalog()
            loaded = True
    if not Procedure.objects.filter(unit_links__receives=True).exists():
        raise RuntimeError("Cơ sở dữ liệu chưa có thủ tục nào có đơn vị tiếp nhận: không mô phỏng được.")
    return loaded


def sim_username(unit_code: str, role: str) -> str:
    return f"sim.{unit_code}.{role}"


def ensure_users(keys: set[tuple[str, str]]) -> tuple[dict[tuple[str, str], Any], int]:
    """One simulator account per (unit, role) the plans need; created without a usable password."""
    User = get_user_model()
    roles = {r.code: r for r in Role.objects.all()}
    units = {u.agency_code: u for u in Unit.objects.filter(agency_code__in={k[0] for k in keys})}
    existing = {u.username: u for u in User.objects.filter(username__in=[sim_username(*k) for k in keys])}
    created = 0
    users = {}
    for unit_code, role in sorted(keys):
        name = sim_username(unit_code, role)
        user = existing.get(name)
        if user is None:
            user = User.objects.create_user(
                name, password=None, full_name=f"{roles[role].name} (mô phỏng) — {units[unit_code].name}"
            )
            created += 1
        RoleAssignment.objects.get_or_create(user=user, role=roles[role], unit=units[unit_code])
        users[(unit_code, role)] = User.objects.get(pk=user.pk)  # fresh object: permission caches start empty
    return users, created


# --- planning -------------------------------------------------------------------------------------


class _Weighted:
    """``random.choices`` with precomputed cumulative weights (called tens of thousands of times)."""

    def __init__(self, items: list[Any], weights: list[float]):
        self.items = items
        self.cum = list(accumulate(weights))

    def pick(self, rng: random.Random) -> Any:
        return self.items[bisect_left(self.cum, rng.random() * self.cum[-1])]


def _popularity(procedure: Procedure) -> float:
    name = procedure.name.casefold()
    for keyword, weight in POPULARITY:
        if keyword in name:
            return weight
    return 1.0 if "commune" in (procedure.levels or []) else 0.4


@dataclass
class _ProcedureInfo:
    procedure: Procedure
    versions: list[ProcedureVersion]
    receiving: _Weighted
    online: bool
    post: bool
    organization: bool


class Planner:
    """Generates every dossier's timeline from the seed, with the pure calendar functions only."""

    def __init__(self, config: SimConfig, *, now: datetime | None = None):
        self.config = config
        self.rng = random.Random(config.seed)
        self.window_start = datetime.combine(config.start, datetime.min.time(), tzinfo=TZ)
        window_end = self.window_start + timedelta(days=config.days)
        self.cutoff = min(window_end, (now or timezone.now()) - timedelta(minutes=2))
        self.calendars: dict[bool, WorkCalendar] = {}
        self.hours: dict[int, OfficeHours] = {}
        self.handling: dict[tuple[int, int], Unit | None] = {}
        self.documents: dict[int, list[actions.SubmittedDocument]] = {}
        self.plans: dict[int, list[list[ProcessStep]]] = {}
        self.people: list[actions.ApplicantData] = []
        self._load_catalogue()

    # catalogue ----------------------------------------------------------------------------------

    def _load_catalogue(self) -> None:
        infos, weights = [], []
        for procedure in Procedure.objects.order_by("code").prefetch_related("unit_links__unit"):
            versions = sorted(
                procedure.versions.filter(status=VersionStatus.PUBLISHED),
                key=lambda v: (v.valid_from or date.min, v.number),
                reverse=True,
            )
            links = sorted(
                (link for link in procedure.unit_links.all() if link.receives and link.unit.agency_code),
                key=lambda link: link.unit.agency_code,
            )
            if not versions or not links:
                continue
            unit_weights = [UNIT_WEIGHT.get(link.unit.agency_code.split(".")[2], 1.0) for link in links]
            channels = set(versions[0].channels)
            infos.append(
                _ProcedureInfo(
                    procedure=procedure,
                    versions=versions,
                    receiving=_Weighted([link.unit for link in links], unit_weights),
                    online="online" in channels,
                    post="post" in channels,
                    organization=bool(procedure.subjects) and "citizen" not in procedure.subjects,
                )
            )
            weights.append(_popularity(procedure))
        if not infos:
            raise RuntimeError("Không có thủ tục nào đã công bố có đơn vị tiếp nhận.")
        self.procedures = _Weighted(infos, weights)
        capable = sum(w for info, w in zip(infos, weights, strict=True) if info.online) / sum(weights)
        self.p_online = min(0.97, self.config.online_share / capable) if capable else 0.0

    def _version_on(self, info: _ProcedureInfo, day: date) -> ProcedureVersion | None:
        for version in info.versions:
            if (version.valid_from is None or version.valid_from <= day) and (
                version.valid_to is None or version.valid_to >= day
            ):
                return version
        return None

    def _plan_of(self, version: ProcedureVersion) -> list[list[ProcessStep]]:
        if version.pk not in self.plans:
            stages: dict[int, list[ProcessStep]] = {}
            for step in version.steps.select_related("unit", "role").order_by("stage", "id"):
                stages.setdefault(step.stage, []).append(step)
            self.plans[version.pk] = [stages[k] for k in sorted(stages)]
            self.documents[version.pk] = [
                actions.SubmittedDocument(line.pk) for line in version.documents.all() if line.required
            ]
        return self.plans[version.pk]

    def _handling_unit(self, version: ProcedureVersion, receiving: Unit) -> Unit:
        """The unit ``actions`` would pick; where the officer must choose (several handlers), a random one."""
        key = (version.pk, receiving.pk)
        if key not in self.handling:
            try:
                self.handling[key] = actions._handling_unit_for(version, receiving, None)
            except actions.ActionError:
                self.handling[key] = None
        if self.handling[key] is not None:
            return self.handling[key]
        handlers = sorted(
            (link.unit for link in version.procedure.unit_links.all() if link.handles), key=lambda u: u.agency_code
        )
        return handlers[self.rng.randrange(len(handlers))]

    def calendar(self, day: date) -> tuple[WorkCalendar, str]:
        policy = policy_on(day)
        counts = bool(policy.makeup_saturdays_count)
        if counts not in self.calendars:
            self.calendars[counts] = calendar_for(makeup_counts=counts)
        return self.calendars[counts], str(policy.supplement_policy or SupplementPolicy.RESTART)

    def hours_of(self, unit: Unit) -> OfficeHours:
        if unit.pk not in self.hours:
            self.hours[unit.pk] = office_hours_for(unit.office_hours)
        return self.hours[unit.pk]

    # people -------------------------------------------------------------------------------------

    def _applicant(self, organization: bool) -> actions.ApplicantData:
        rng = self.rng
        if self.people and rng.random() < self.config.repeat_applicant_rate:
            return self.people[rng.randrange(len(self.people))]
        street = f"{rng.randint(1, 250)} {rng.choice(STREETS)}, thành phố Huế"
        if organization:
            person = actions.ApplicantData(
                full_name=f"Công ty TNHH {rng.choice(GIVEN)} {rng.choice(GIVEN)} Huế",
                kind="organization",
                tax_code=f"33{rng.randrange(10**8):08d}",
                phone=f"0234{rng.randrange(10**7):07d}",
                address=street,
            )
        else:
            born = date(1950, 1, 1) + timedelta(days=rng.randrange(365 * 55))
            female = rng.random() < 0.5
            century = (0 if born.year < 2000 else 2) + (1 if female else 0)
            middle = "Thị" if female and rng.random() < 0.6 else rng.choice(MIDDLE)
            person = actions.ApplicantData(
                full_name=f"{rng.choice(SURNAMES)} {middle} {rng.choice(GIVEN)}",
                id_number=f"046{century}{born:%y}{rng.randrange(10**6):06d}",
                date_of_birth=born,
                phone=f"09{rng.randrange(10**8):08d}",
                address=street,
            )
        self.people.append(person)
        return person

    # time ---------------------------------------------------------------------------------------

    def _arrival(self, online: bool) -> datetime:
        rng = self.rng
        if online:
            day = self._online_days.pick(rng)
            if rng.random() < 0.55:
                hour = rng.triangular(6.5, 17.5, 9.5)
            else:
                hour = rng.triangular(17.0, 23.9, 20.5)
            return datetime.combine(day, datetime.min.time(), tzinfo=TZ) + timedelta(hours=hour)
        day = self._working_days.pick(rng)
        (m_open, m_close), (a_open, a_close) = self._default_hours.intervals[0], self._default_hours.intervals[-1]
        if rng.random() < 0.66:
            start, end = _hours(m_open), _hours(m_close)
            hour = rng.triangular(start, end - 0.05, start + 0.3 * (end - start))
        else:
            start, end = _hours(a_open), _hours(a_close)
            hour = rng.triangular(start, end - 0.05, start + 0.3 * (end - start))
        return datetime.combine(day, datetime.min.time(), tzinfo=TZ) + timedelta(hours=hour)

    def _prepare_days(self) -> None:
        cal, _ = self.calendar(self.config.start)
        self._default_hours = office_hours_for(None)
        days = [self.config.start + timedelta(days=i) for i in range(self.config.days)]
        days = [d for d in days if datetime.combine(d, datetime.min.time(), tzinfo=TZ) < self.cutoff]
        if not days:
            raise RuntimeError("Khoảng thời gian mô phỏng nằm hoàn toàn ở tương lai.")
        working = [d for d in days if cal.is_working_day(d)]
        if not working:
            raise RuntimeError("Khoảng thời gian mô phỏng không có ngày làm việc nào.")
        self._working_days = _Weighted(working, [WEEKDAY_WEIGHT[d.weekday()] for d in working])
        self._online_days = _Weighted(days, [WEEKDAY_WEIGHT[d.weekday()] if d.weekday() < 5 else 0.6 for d in days])

    # the plan -----------------------------------------------------------------------------------

    def plan(self) -> list[SimDossier]:
        self._prepare_days()
        drafts = []
        for _ in range(self.config.dossiers):
            info = self.procedures.pick(self.rng)
            channel_roll = self.rng.random()
            if info.online and channel_roll < self.p_online:
                channel = "online"
            elif info.post and channel_roll > 1 - self.config.post_share:
                channel = "post"
            else:
                channel = "counter"
            arrival = self._arrival(channel == "online")
            if arrival >= self.cutoff:
                arrival = self.cutoff - timedelta(minutes=self.rng.randint(5, 600))
            drafts.append((arrival, info, channel, self.rng.random()))
        drafts.sort(key=lambda d: (d[0], d[3]))
        dossiers = []
        for index, (arrival, info, channel, _) in enumerate(drafts):
            version = self._version_on(info, timezone.localtime(arrival).date())
            if version is None:
                continue
            receiving = info.receiving.pick(self.rng)
            handling = self._handling_unit(version, receiving)
            delivery = self._delivery(channel)
            applicant = self._applicant(info.organization)
            dossier = SimDossier(
                index=index,
                procedure_code=info.procedure.code,
                version=version,
                receiving=receiving,
                handling=handling,
                channel=channel,
                applicant=applicant,
                result_delivery=delivery,
                delivery_address=applicant.address if delivery == "post" else "",
            )
            _Timeline(self, dossier, arrival).build()
            dossier.events = [e for e in dossier.events if e.at <= self.cutoff]
            dossiers.append(dossier)
        return dossiers

    def _delivery(self, channel: str) -> str:
        roll = self.rng.random()
        if channel == "online":
            return "online" if roll < 0.6 else ("post" if roll < 0.7 else "counter")
        if channel == "post":
            return "post"
        return "post" if roll < 0.08 else "counter"


def _hours(t) -> float:
    return t.hour + t.minute / 60


class _Timeline:
    """The events of one dossier, from arrival to the result handed over (or an earlier end)."""

    def __init__(self, planner: Planner, dossier: SimDossier, arrival: datetime):
        self.p = planner
        self.rng = planner.rng
        self.config = planner.config
        self.d = dossier
        self.arrival = arrival
        self.cal, self.policy = planner.calendar(timezone.localtime(arrival).date())
        self.hours = planner.hours_of(dossier.receiving)
        limit = dossier.version.time_limit()
        self.limit = limit
        hourly = limit is not None and limit.unit in (LimitUnit.WORKING_HOURS, LimitUnit.SAME_DAY)
        day_length = sum(_hours(b) - _hours(a) for a, b in self.hours.intervals)
        self.unit_hours = 1.0 if hourly else day_length
        self.seq = 0
        self._rescheduled: datetime | None = None

    def add(self, at: datetime, action: str, actor, plan_step: int | None = None, **kwargs: Any) -> None:
        self.d.events.append(Planned(at, self.d.index, self.seq, action, actor, kwargs, plan_step))
        self.seq += 1

    def work(self, start: datetime, hours: float) -> datetime:
        return add_working_time(self.cal, start, timedelta(hours=max(hours, 0.0)), self.hours)

    def due(self, received: datetime, supplement: Supplement | None = None) -> datetime | None:
        if self.limit is None:
            return None
        return due_at(
            self.cal,
            received,
            self.limit,
            hours=self.hours,
            policy=SupplementPolicy(self.policy),
            supplements=[supplement] if supplement else [],
        )

    def receiver(self) -> tuple[str, str]:
        return (self.d.receiving.agency_code, RECEIVER)

    def leader(self) -> tuple[str, str]:
        return (self.d.handling.agency_code, LEADER)

    def step_actor(self, step: ProcessStep) -> tuple[str, str]:
        unit = {
            StepHandler.RECEIVING_UNIT: self.d.receiving,
            StepHandler.COMPETENT_UNIT: self.d.handling,
            StepHandler.SPECIFIC_UNIT: step.unit,
            StepHandler.EXTERNAL_AGENCY: step.unit,
        }[step.handler] or self.d.handling
        role = step.role.code if step.role_id and step.role.code in PROCESSING_ROLES else SPECIALIST
        return (unit.agency_code, role)

    def duration(self, step: ProcessStep) -> float:
        """Working hours a step takes: around its allotted time, most finish well inside it."""
        factor = min(1.6, self.rng.lognormvariate(math.log(0.5), 0.35))
        return float(step.allotted) * self.unit_hours * factor

    def build(self) -> None:
        d, rng, c = self.d, self.rng, self.config
        receiver = self.receiver()
        if d.channel == "online":
            self.add(self.arrival, "submit_online", None)
            opened = effective_receipt(self.cal, self.arrival, self.hours)
            received = self.work(opened, rng.uniform(0.1, 3.0))
            if rng.random() < c.intake_refusal_rate * 1.5:
                self.add(received, "refuse_intake", receiver, reason="Thành phần hồ sơ chưa hợp lệ", kind="guidance")
                return
            self.add(received, "receive", receiver)
        else:
            received = self.arrival
            if rng.random() < c.intake_refusal_rate:
                self.add(received, "refuse_at_counter", receiver, reason="Thiếu giấy tờ theo quy định")
                return
            self.add(received, "receive_at_counter", receiver)
        forwarded = self.work(received, rng.uniform(0.05, 0.75))
        self.add(forwarded, "forward", receiver)
        self.processing(received, forwarded)

    def processing(self, received: datetime, forwarded: datetime) -> None:
        d, rng, c = self.d, self.rng, self.config
        stages = self.p._plan_of(d.version)
        # Mirror ``actions.forward``: the receiving step of stage 1 is what the one-stop section just did.
        first_active = 0
        if stages and all(s.handler == StepHandler.RECEIVING_UNIT and s.stage == 1 for s in stages[0]):
            first_active = 1
        return_stage = (
            len(stages) - 1
            if len(stages) > 1 and all(s.handler == StepHandler.RECEIVING_UNIT for s in stages[-1])
            else None
        )
        last = return_stage if return_stage is not None else len(stages)
        leader_stage = next(
            (
                i
                for i in range(last - 1, first_active - 1, -1)
                if any(s.role_id and s.role.code == LEADER for s in stages[i])
            ),
            None,
        )
        worked = stages[first_active : leader_stage if leader_stage is not None else last]
        # (step, start offset, duration) in working hours after forwarding
        chain: list[tuple[ProcessStep, float, float]] = []
        offset = 0.0
        for stage in worked:
            ends = []
            for step in stage:
                length = self.duration(step)
                chain.append((step, offset, length))
                ends.append(offset + length)
            offset = max(ends)
        sign_hours = (
            max(self.duration(s) for s in stages[leader_stage]) if leader_stage is not None else rng.uniform(0.2, 1.0)
        )
        approve_offset = offset + sign_hours

        due = self.due(received)
        fate = rng.random()
        supplement = fate < c.supplement_rate and chain
        late = not supplement and c.supplement_rate <= fate < c.supplement_rate + c.late_rate
        if due is not None and not supplement:
            available = _hours_between(self, forwarded, due)
            if late:
                target = available + rng.uniform(0.2, 2.5) * self.unit_hours_day()
            elif approve_offset > available * 0.97:
                target = max(available * rng.uniform(0.6, 0.95), 0.05)  # deadline pressure: the work gets done
            else:
                target = approve_offset
            scale = target / approve_offset if approve_offset else 1.0
            chain = [(s, o * scale, n * scale) for s, o, n in chain]
            approve_offset = target

        # The stories that end early: withdrawn by the applicant, stopped by the agency.
        end_roll = rng.random()
        cut = None
        if end_roll < c.withdraw_rate:
            cut = ("withdraw", self.receiver(), "Người nộp có đơn đề nghị rút hồ sơ")
        elif end_roll < c.withdraw_rate + c.stop_rate:
            cut = ("stop", self.leader(), "Hồ sơ thuộc trường hợp phải dừng xử lý theo quy định")
        cut_offset = approve_offset * rng.uniform(0.1, 0.9)

        moment = self._moment_fn(forwarded)
        supplement_at = None
        if supplement:
            step, start, length = chain[0]
            limit = due_at(self.cal, received, SUPPLEMENT_WINDOW, hours=self.hours)
            request_offset = start + length * rng.uniform(0.05, 0.6)
            request = moment(request_offset)
            if request > limit - timedelta(minutes=30):
                request = max(forwarded + timedelta(minutes=5), limit - timedelta(hours=1))
                request_offset = _hours_between(self, forwarded, request)
            self.add(
                request,
                "request_supplement",
                (d.handling.agency_code, SPECIALIST),
                reason="Giấy tờ chưa rõ, đề nghị bổ sung bản rõ nét",
                documents=["Bản chụp rõ nét giấy tờ đã nộp"],
            )
            if rng.random() < 0.1:
                return  # the applicant never came back with the supplement
            back = self.work(request, rng.uniform(0.5, 5.0) * self.unit_hours_day())
            self.add(back, "receive_supplement", self.receiver(), documents=["Bản chụp rõ nét giấy tờ đã nộp"])
            supplement_at = (request_offset, back)
            due = self.due(received, Supplement(request, back))
            moment = self._moment_fn(forwarded, supplement_at)

        for step, start, length in chain:
            at = moment(start + length)
            if cut and start + length > cut_offset:
                break
            self.add(at, "complete_step", self.step_actor(step), plan_step=step.pk, note="Đã xử lý")
        if cut:
            self.add(moment(cut_offset), cut[0], cut[1], reason=cut[2])
            return

        approved = moment(approve_offset)
        if late and due is not None and rng.random() < c.apology_rate / max(c.late_rate, 1e-9):
            self._apologize(forwarded, approved, due)
            due = self._rescheduled or due
        if rng.random() < c.refusal_rate:
            self.add(approved, "refuse", self.leader(), reason="Hồ sơ không đủ điều kiện theo quy định")
        else:
            self.add(approved, "approve", self.leader(), result_note="Đã giải quyết")
        self._return(approved, due)

    def unit_hours_day(self) -> float:
        return sum(_hours(b) - _hours(a) for a, b in self.hours.intervals)

    def _moment_fn(self, forwarded: datetime, supplement_at: tuple[float, datetime] | None = None):
        def moment(offset: float) -> datetime:
            if supplement_at is not None and offset > supplement_at[0]:
                return self.work(supplement_at[1], offset - supplement_at[0])
            return self.work(forwarded, offset)

        return moment

    def _apologize(self, forwarded: datetime, approved: datetime, due: datetime) -> None:
        """Form 04, at least one working day before the due day; the new date covers the late finish."""
        latest = self.cal.previous_working_day(timezone.localtime(due).date())
        asked = datetime.combine(latest, datetime.min.time(), tzinfo=TZ) + timedelta(hours=self.rng.uniform(8, 10))
        asked = max(asked, forwarded + timedelta(minutes=10))
        if effective_receipt(self.cal, asked, self.hours).date() > latest or asked >= approved:
            return
        new_day = self.cal.working_day_on_or_after(timezone.localtime(approved).date())
        if self.rng.random() < 0.5:
            new_day = self.cal.next_working_day(new_day)
        if datetime.combine(new_day, self.hours.closing, tzinfo=TZ) <= due:
            new_day = self.cal.next_working_day(timezone.localtime(due).date())
        self.add(asked, "apologize", self.leader(), reason="Cần xác minh thêm thông tin", new_due_date=new_day)
        self._rescheduled = datetime.combine(new_day, self.hours.closing, tzinfo=TZ)

    def _return(self, approved: datetime, due: datetime | None) -> None:
        rng, d = self.rng, self.d
        receiver = self.receiver()
        if d.result_delivery == "online":
            returned = self.work(approved, rng.uniform(0.1, 1.0))
        elif d.result_delivery == "post":
            returned = self.work(approved, rng.uniform(1.0, 8.0))
        else:
            roll = rng.random()
            if due is None or roll < 0.30 or due <= approved:
                returned = self.work(approved, rng.uniform(0.3, 4.0))
                if due is not None and due <= approved and roll >= 0.30:
                    returned = self.work(approved, rng.uniform(0.5, 3.0) * self.unit_hours_day())
            elif roll < 0.85:  # on the appointment day
                day = timezone.localtime(due).date()
                opening = datetime.combine(day, self.hours.opening, tzinfo=TZ)
                returned = max(self.work(opening, rng.uniform(0.0, 7.0)), self.work(approved, 0.2))
            else:  # comes days later
                returned = self.work(due, rng.uniform(1.0, 8.0) * self.unit_hours_day())
        delivery = {"delivery": d.result_delivery}
        if d.result_delivery == "post":
            delivery["postal_tracking"] = f"EB{rng.randrange(10**9):09d}VN"
        if due is not None and timezone.localtime(returned).date() < timezone.localtime(due).date():
            notified = min(approved + timedelta(minutes=rng.randint(2, 30)), returned - timedelta(minutes=1))
            self.add(max(notified, approved + timedelta(seconds=30)), "notify_early_return", receiver, channel="sms")
            returned = max(returned, approved + timedelta(minutes=1))
        self.add(max(returned, approved + timedelta(minutes=1)), "return_result", receiver, **delivery)


def _hours_between(timeline: _Timeline, start: datetime, end: datetime) -> float:
    from motcua.workcalendar.deadlines import working_time_between

    return working_time_between(timeline.cal, start, end, timeline.hours).total_seconds() / 3600


# --- replay ---------------------------------------------------------------------------------------


def _intake(d: SimDossier, planner: Planner) -> actions.Intake:
    planner._plan_of(d.version)
    return actions.Intake(
        procedure_code=d.procedure_code,
        receiving_unit=d.receiving,
        applicant=d.applicant,
        channel=d.channel,
        documents=list(planner.documents[d.version.pk]),
        handling_unit=d.handling,
        result_delivery=d.result_delivery,
        delivery_address=d.delivery_address,
    )


def _remember_steps(d: SimDossier) -> None:
    d.steps = dict(DossierStep.objects.filter(dossier_id=d.pk).values_list("plan_step_id", "id"))


def _run(event: Planned, d: SimDossier, users: dict, planner: Planner) -> None:
    actor = users[event.actor] if event.actor else None
    kwargs = dict(event.kwargs)
    if event.action == "submit_online":
        d.pk = actions.submit_online(_intake(d, planner), at=event.at).pk
    elif event.action == "receive_at_counter":
        d.pk = actions.receive_at_counter(_intake(d, planner), actor=actor, at=event.at).pk
        _remember_steps(d)
    elif event.action == "refuse_at_counter":
        intake = _intake(d, planner)
        intake.documents = intake.documents[:-1]
        d.pk = actions.refuse_at_counter(intake, actor=actor, at=event.at, reason=kwargs["reason"]).pk
    else:
        if event.plan_step is not None:
            kwargs["step_id"] = d.steps[event.plan_step]
        if "documents" in kwargs and event.action == "receive_supplement":
            kwargs["documents"] = [actions.SubmittedDocument(None, name=n) for n in kwargs["documents"]]
        actions.ACTIONS[event.action](d.pk, actor=actor, at=event.at, **kwargs)
        if event.action == "receive":
            _remember_steps(d)


def simulate(config: SimConfig, *, progress=None) -> SimReport:
    """Plan, then replay every event through ``actions.py`` in time order; return the figures."""
    started = time.perf_counter()
    loaded = ensure_demo()
    planner = Planner(config)
    dossiers = planner.plan()
    keys = {e.actor for d in dossiers for e in d.events if e.actor}
    users, created = ensure_users(keys)
    events = sorted((e for d in dossiers for e in d.events), key=lambda e: (e.at, e.index, e.seq))
    by_index = {d.index: d for d in dossiers}
    failures: list[str] = []
    with replaying():
        for begin in range(0, len(events), config.batch):
            with transaction.atomic():
                for n, event in enumerate(events[begin : begin + config.batch], start=begin + 1):
                    if analyze_due(n):  # the plans follow the replayed rows (history_import)
                        refresh_planner_statistics()
                    d = by_index[event.index]
                    if d.failed:
                        continue
                    try:
                        _run(event, d, users, planner)
                    except actions.ActionError as exc:
                        d.failed = f"{event.action} {timezone.localtime(event.at):%d/%m/%Y %H:%M}: {exc.message}"
                        failures.append(f"hồ sơ #{d.index} ({d.procedure_code}) — {d.failed}")
            touched = {by_index[e.index].pk for e in events[begin : begin + config.batch]} - {None}
            replayed.send(sender=Dossier, dossier_ids=sorted(touched))
            if progress is not None:
                progress(min(begin + config.batch, len(events)), len(events))
    report = _report(config, dossiers, len(events), failures, time.perf_counter() - started)
    report.loaded_demo, report.users_created = loaded, created
    return report


def _report(config: SimConfig, dossiers: list[SimDossier], events: int, failures: list[str], seconds: float):
    pks = [d.pk for d in dossiers if d.pk]
    qs = Dossier.objects.filter(pk__in=pks)
    statuses = Counter(qs.values_list("status", flat=True))
    by_status = {Status(s).label: statuses[s] for s in sorted(statuses)}
    marks = Counter(
        DossierEvent.objects.filter(dossier_id__in=pks, action__in=["approve", "refuse"]).values_list(
            "payload__mark", flat=True
        )
    )
    actions_count = Counter(DossierEvent.objects.filter(dossier_id__in=pks).values_list("action", flat=True))
    finished = sum(n for m, n in marks.items() if m)
    return SimReport(
        config=config,
        dossiers=len(pks),
        events=events,
        failures=failures,
        by_status=by_status,
        finished=finished,
        on_time=marks["early"] + marks["on_time"],
        online=qs.filter(channel="online").count(),
        supplements=actions_count["request_supplement"],
        apologies=actions_count["apologize"],
        withdrawals=actions_count["withdraw"],
        stops=actions_count["stop"],
        refusals=actions_count["refuse"],
        seconds=seconds,
    )


__all__ = ["Planner", "SimConfig", "SimReport", "ensure_demo", "simulate"]

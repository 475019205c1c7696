"""Work queues: which dossiers wait for this officer, per role, counted for the home dashboard.

One module answers "what is on my desk?" so the back-office pages, the API and the benchmark all ask
the same indexed questions (``dossier_queue_idx``: handling unit, status, due; ``dossier_counter_idx``:
receiving unit, status, due). Scope comes from ``organizations.scoping``: an officer only ever sees
dossiers of units where one of their roles grants the queue's permission.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone

from motcua.dossiers.models import Dossier, DossierStep, Status, StepState
from motcua.dossiers.workflow import PROCESS, RECEIVE, SIGN
from motcua.organizations.scoping import units_visible_to

DUE_SOON = timedelta(days=1)


@dataclass(frozen=True)
class Queue:
    key: str
    label: str
    permission: str


QUEUES: tuple[Queue, ...] = (
    Queue("to_receive", "Chờ tiếp nhận (nộp trực tuyến)", RECEIVE),
    Queue("to_forward", "Đã tiếp nhận, chờ chuyển cơ quan giải quyết", RECEIVE),
    Queue("to_process", "Đang xử lý tại đơn vị", PROCESS),
    Queue("due_soon", "Sắp đến hạn", PROCESS),
    Queue("overdue", "Quá hạn", PROCESS),
    Queue("supplement", "Chờ bổ sung", RECEIVE),
    Queue("to_sign", "Chờ phê duyệt, ký", SIGN),
    Queue("to_return", "Chờ trả kết quả", RECEIVE),
)
QUEUE_BY_KEY = {q.key: q for q in QUEUES}


def _unit_ids(user, permission: str) -> list[int]:
    return list(units_visible_to(user, permission).values_list("pk", flat=True))


def _in_progress(units: list[int]) -> Q:
    """Dossiers being processed that are this officer's: handled by one of the units, or with an active step there.

    Written as two separately indexable halves joined by OR, so PostgreSQL combines two index scans (BitmapOr)
    instead of walking the whole table in due order: the agency's own dossiers come from ``dossier_queue_idx``
    (handling unit, status, due), the inter-agency ones — an active step in this unit while another agency
    leads — are looked up first in the small partial index ``dossierstep_active_unit_idx`` and passed as
    primary keys. A correlated EXISTS in the OR made the planner filter row by row: over 1,000,000 dossiers
    that took about a second (benchmarks/RESULTS.md, work queue).
    """
    processing = Q(status__in=[Status.PROCESSING, Status.FINANCIAL])
    elsewhere = list(
        DossierStep.objects.filter(state=StepState.ACTIVE, unit_id__in=units)
        .exclude(dossier__handling_unit_id__in=units)
        .filter(dossier__status__in=[Status.PROCESSING, Status.FINANCIAL])
        .order_by()
        .values_list("dossier_id", flat=True)
        .distinct()
    )
    mine = processing & Q(handling_unit_id__in=units)
    return (mine | (processing & Q(pk__in=elsewhere))) if elsewhere else mine


def queue(user, key: str, *, now: datetime | None = None) -> QuerySet[Dossier]:
    """The dossiers of queue ``key`` for ``user``, most urgent first."""
    spec = QUEUE_BY_KEY[key]
    now = now or timezone.now()
    units = _unit_ids(user, spec.permission)
    base = Dossier.objects.select_related("procedure", "receiving_unit", "handling_unit", "applicant")
    # Most urgent first by the *effective* due moment (a rescheduled date replaces the original). Being an
    # expression, it also keeps PostgreSQL off the plain ``due_at`` index for ``LIMIT 50``: walking that index
    # in order while filtering by unit meant reading most of a million-row table (RESULTS.md, work queue).
    due = Coalesce("rescheduled_due_at", "due_at").asc(nulls_last=True)
    if key == "to_receive":
        return base.filter(receiving_unit_id__in=units, status=Status.NEW).order_by("submitted_at")
    if key == "to_forward":
        return base.filter(receiving_unit_id__in=units, status=Status.RECEIVED).order_by("received_at")
    if key == "supplement":
        return base.filter(receiving_unit_id__in=units, status=Status.SUPPLEMENT).order_by("supplement_requested_at")
    if key == "to_return":
        return base.filter(receiving_unit_id__in=units, status=Status.DONE).order_by("finished_at")
    if key == "to_process":
        return base.filter(_in_progress(units)).order_by(due)
    if key == "due_soon":
        return base.filter(_in_progress(units), due_at__gte=now, due_at__lte=now + DUE_SOON).order_by(due)
    if key == "overdue":
        late = Q(rescheduled_due_at__lt=now) | Q(rescheduled_due_at__isnull=True, due_at__lt=now)
        return base.filter(_in_progress(units)).filter(late).order_by(due)
    if key == "to_sign":
        # The leader's desk: ``awaiting_signature`` is kept by actions.py whenever a stage starts (the running step
        # is the leader's, or no processing work is left), so the queue is one partial-index read.
        return base.filter(handling_unit_id__in=units, status=Status.PROCESSING, awaiting_signature=True).order_by(due)
    raise KeyError(key)


def available(user) -> list[Queue]:
    """The queues the user has a role for, without counting them (tabs, menus): one query per permission."""
    granted: dict[str, bool] = {}
    for spec in QUEUES:
        if spec.permission not in granted:
            granted[spec.permission] = bool(_unit_ids(user, spec.permission))
    return [spec for spec in QUEUES if granted[spec.permission]]


def counts(user, *, now: datetime | None = None) -> dict[str, int]:
    """Queue sizes for the dashboard (only the queues the user has a role for)."""
    result = {}
    for spec in QUEUES:
        if _unit_ids(user, spec.permission):
            result[spec.key] = queue(user, spec.key, now=now).count()
    return result

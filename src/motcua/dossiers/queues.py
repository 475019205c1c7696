"""Work queues: which dossiers wait for this officer, per role, counted for the home dashboard.

One module answers "what is on my desk?" so the back-office pages, the API and the benchmark all ask
the same indexed questions (``dossier_queue_idx``: handling unit, status, due; ``dossier_counter_idx``:
receiving unit, status, due). Scope comes from ``organizations.scoping``: an officer only ever sees
dossiers of units where one of their roles grants the queue's permission.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from motcua.catalog.models import StepHandler
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


def queue(user, key: str, *, now: datetime | None = None) -> QuerySet[Dossier]:
    """The dossiers of queue ``key`` for ``user``, most urgent first."""
    spec = QUEUE_BY_KEY[key]
    now = now or timezone.now()
    units = _unit_ids(user, spec.permission)
    base = Dossier.objects.select_related("procedure", "receiving_unit", "handling_unit", "applicant")
    due = "due_at"
    if key == "to_receive":
        return base.filter(receiving_unit_id__in=units, status=Status.NEW).order_by("submitted_at")
    if key == "to_forward":
        return base.filter(receiving_unit_id__in=units, status=Status.RECEIVED).order_by("received_at")
    if key == "supplement":
        return base.filter(receiving_unit_id__in=units, status=Status.SUPPLEMENT).order_by("supplement_requested_at")
    if key == "to_return":
        return base.filter(receiving_unit_id__in=units, status=Status.DONE).order_by("finished_at")
    active_here = DossierStep.objects.filter(dossier=OuterRef("pk"), state=StepState.ACTIVE, unit_id__in=units)
    in_progress = Q(status__in=[Status.PROCESSING, Status.FINANCIAL]) & (
        Q(handling_unit_id__in=units) | Q(Exists(active_here))
    )
    if key == "to_process":
        return base.filter(in_progress).order_by(due)
    if key == "due_soon":
        return base.filter(in_progress, due_at__gte=now, due_at__lte=now + DUE_SOON).order_by(due)
    if key == "overdue":
        late = Q(rescheduled_due_at__lt=now) | Q(rescheduled_due_at__isnull=True, due_at__lt=now)
        return base.filter(in_progress).filter(late).order_by(due)
    if key == "to_sign":
        # The leader's desk: the active step is the leader's (by role), or it is the agency's last step
        # before the result goes back to the one-stop section.
        leader_step = DossierStep.objects.filter(
            dossier=OuterRef("pk"), state=StepState.ACTIVE, plan_step__role__code="agency_leader"
        )
        work_left = DossierStep.objects.filter(dossier=OuterRef("pk"), state=StepState.PENDING).exclude(
            plan_step__handler=StepHandler.RECEIVING_UNIT
        )
        return (
            base.filter(handling_unit_id__in=units, status=Status.PROCESSING)
            .filter(Q(Exists(leader_step)) | ~Q(Exists(work_left)))
            .order_by(due)
        )
    raise KeyError(key)


def counts(user, *, now: datetime | None = None) -> dict[str, int]:
    """Queue sizes for the dashboard (only the queues the user has a role for)."""
    result = {}
    for spec in QUEUES:
        if _unit_ids(user, spec.permission):
            result[spec.key] = queue(user, spec.key, now=now).count()
    return result

"""The ONE write path for dossiers.

Every change — from the counter page, the back office, the API, the online portal or a historical
import — is a function here. Each opens a transaction, locks the dossier row, checks the move against
``workflow.TRANSITIONS`` and the actor's permission in the right unit, applies the change, appends a
``DossierEvent`` and, on commit, sends ``dossier_changed`` for notifications, reports and integrations.

Two officers acting on the same dossier at once: the row lock serialises them; the second one is
checked against the state the first left (and against ``expected_revision`` when a page sends the
revision it showed), so it gets a clear conflict message and nothing is half-done.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.dispatch import Signal
from django.utils import timezone

from motcua.catalog import snapshot
from motcua.catalog.models import Procedure, ProcedureVersion, ProcessStep, RequiredDocument, StepHandler
from motcua.core import files, pdfsign
from motcua.core.actions import ActionError as ActionError  # re-exported: callers catch actions.ActionError
from motcua.core.actions import Conflict, InvalidAction, NotPermitted, moment
from motcua.dossiers import deadlines, workflow
from motcua.dossiers.codes import DOSSIER_CODE_RE, next_code, normalize_code
from motcua.dossiers.forms import stamp
from motcua.dossiers.models import (
    Applicant,
    ApplicantKind,
    DocumentOrigin,
    Dossier,
    DossierChannel,
    DossierDocument,
    DossierEvent,
    DossierSequence,
    DossierStep,
    ResultDelivery,
    ResultKind,
    Status,
    StepState,
)
from motcua.organizations.models import Unit
from motcua.organizations.scoping import has_unit_perm
from motcua.workcalendar.deadlines import add_working_time, check_reschedule, classify_finished, working_time_between
from motcua.workcalendar.errors import CalendarError
from motcua.workcalendar.service import calendar_on

dossier_changed = Signal()  # sent on commit with dossier_id, event_id, action


# --- the common frame -----------------------------------------------------------------------------


def _now(at: datetime | None) -> datetime:
    return moment(at)


def _scope_unit(dossier: Dossier, transition: workflow.Transition, step: DossierStep | None) -> Unit:
    if transition.scope == "receiving":
        return dossier.receiving_unit
    if transition.scope == "step" and step is not None and step.unit_id:
        return step.unit
    return dossier.handling_unit


def _require(actor, transition: workflow.Transition, unit: Unit) -> None:
    if transition.permission is None:
        return
    if actor is None or not has_unit_perm(actor, transition.permission, unit):
        raise NotPermitted(f"Bạn không có quyền “{transition.label.lower()}” tại đơn vị “{unit.name}”.")


def _event(
    dossier: Dossier, action: str, actor, at: datetime, from_status, *, unit=None, step=None, reason="", **payload: Any
) -> DossierEvent:
    event = DossierEvent.objects.create(
        dossier=dossier,
        at=at,
        action=action,
        actor=actor if getattr(actor, "pk", None) else None,
        from_status=from_status,
        to_status=dossier.status,
        unit=unit,
        step=step,
        reason=reason,
        payload=_jsonable(payload),
    )
    transaction.on_commit(
        lambda: dossier_changed.send(sender=Dossier, dossier_id=dossier.pk, event_id=event.pk, action=action)
    )
    return event


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _act(
    dossier: Dossier | str | int,
    action: str,
    actor,
    *,
    at: datetime | None = None,
    expected_revision: int | None = None,
    step_id: int | None = None,
    apply: Callable[[Dossier, datetime, DossierStep | None], dict[str, Any]],
) -> Dossier:
    """Lock, check, apply, record. ``apply`` mutates the locked dossier and returns the event payload."""
    moment = _now(at)
    with transaction.atomic():
        locked = _lock(dossier)
        if expected_revision is not None and locked.revision != expected_revision:
            raise Conflict(
                "Hồ sơ vừa được cán bộ khác cập nhật. Hãy tải lại trang để xem tình trạng mới nhất; "
                "thao tác của bạn chưa được thực hiện."
            )
        try:
            transition = workflow.check(action, locked.status)
        except workflow.TransitionNotAllowed as exc:
            raise Conflict(str(exc)) from None
        step = _active_step(locked, actor, step_id, transition) if transition.scope == "step" else None
        _require(actor, transition, _scope_unit(locked, transition, step))
        before = locked.status
        if transition.target is not None:
            locked.status = transition.target
        payload = apply(locked, moment, step)
        reason = payload.pop("reason", "")
        locked.revision += 1
        locked.save()
        _event(
            locked,
            action,
            actor,
            moment,
            before,
            unit=_scope_unit(locked, transition, step),
            step=step,
            reason=reason,
            **payload,
        )
    return locked


def _lock(dossier: Dossier | str | int) -> Dossier:
    queryset = Dossier.objects.select_for_update(of=("self",)).select_related(
        "procedure_version", "receiving_unit__office_hours", "handling_unit"
    )
    try:
        if isinstance(dossier, Dossier):
            return queryset.get(pk=dossier.pk)
        if isinstance(dossier, int):
            return queryset.get(pk=dossier)
        return queryset.get(code=dossier)
    except Dossier.DoesNotExist:
        raise InvalidAction("Không tìm thấy hồ sơ.") from None


def _active_step(dossier: Dossier, actor, step_id: int | None, transition) -> DossierStep:
    active = list(dossier.steps.filter(state=StepState.ACTIVE).select_related("unit"))
    if step_id is not None:
        active = [s for s in active if s.pk == step_id]
        if not active:
            raise Conflict("Bước này không còn đang xử lý (có thể đã được cán bộ khác hoàn thành).")
    if not active:
        raise Conflict("Hồ sơ không có bước nào đang xử lý.")
    if len(active) > 1 and step_id is None:
        mine = [s for s in active if has_unit_perm(actor, transition.permission, s.unit or dossier.handling_unit)]
        if len(mine) != 1:
            raise InvalidAction("Có nhiều bước đang xử lý song song: hãy chọn bước cần hoàn thành.")
        return mine[0]
    return active[0]


# --- intake ---------------------------------------------------------------------------------------


@dataclass
class ApplicantData:
    full_name: str
    kind: str = ApplicantKind.INDIVIDUAL
    id_number: str = ""
    date_of_birth: date | None = None
    tax_code: str = ""
    phone: str = ""
    email: str = ""
    address: str = ""


@dataclass
class SubmittedDocument:
    """One component: on paper only, with its electronic copy (``content``), or taken from the applicant's
    store (``reuse_of``: the id of a document of an earlier dossier, see ``access.store_documents``)."""

    required_document_id: int | None
    name: str = ""
    copy_type: str = ""
    count: int = 1
    file_name: str = ""
    content: bytes | None = None
    reuse_of: int | None = None
    checked: files.CheckedFile | None = field(default=None, repr=False, compare=False)  # set by _check_files


@dataclass
class Intake:
    """Everything an officer (or the portal) gives to create a dossier."""

    procedure_code: str
    receiving_unit: Unit
    applicant: ApplicantData
    channel: str = DossierChannel.COUNTER
    documents: list[SubmittedDocument] = field(default_factory=list)
    handling_unit: Unit | None = None
    submitter: dict[str, str] = field(default_factory=dict)
    result_delivery: str = ResultDelivery.COUNTER
    delivery_address: str = ""
    sets: int = 1
    account: Any = None  # the citizen's portal account, for an online submission
    full_online: bool | None = None  # online submissions: every step online (None: from the procedure level)
    code: str = ""  # only a historical import passes one: the legacy code is kept instead of drawing a new one


def _find_or_update_applicant(data: ApplicantData, *, verified: bool = True) -> Applicant:
    """Re-use the applicant known by ID number (or tax code); two counters may meet the same new person at once.

    ``verified``: an officer checked the identity papers (counter, post), so what was typed may replace
    what is stored. An online submission only declares the number: it fills what is blank and changes
    nothing else — otherwise anyone could type a neighbour's ID number and redirect the notifications of
    the neighbour's dossiers to their own phone (the submitting account's contacts are on the dossier)."""
    key = {"id_number": data.id_number} if data.kind == ApplicantKind.INDIVIDUAL else {"tax_code": data.tax_code}
    has_key = any(key.values())
    applicant = Applicant.objects.select_for_update().filter(**key).first() if has_key else None
    applicant = applicant or Applicant(kind=data.kind)
    _fill_applicant(applicant, data, overwrite=verified or applicant.pk is None)
    if applicant.pk is not None or not has_key:
        applicant.save()
        return applicant
    try:
        with transaction.atomic():
            applicant.save()
    except IntegrityError:  # created meanwhile by a concurrent intake: update that one
        applicant = Applicant.objects.select_for_update().get(**key)
        _fill_applicant(applicant, data, overwrite=verified)
        applicant.save()
    return applicant


def _fill_applicant(applicant: Applicant, data: ApplicantData, *, overwrite: bool = True) -> None:
    for name in ("full_name", "id_number", "date_of_birth", "tax_code", "phone", "email", "address"):
        value = getattr(data, name)
        if value not in (None, "") and (overwrite or getattr(applicant, name) in (None, "")):
            setattr(applicant, name, value)
    try:
        applicant.full_clean(exclude=["commune"], validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        raise InvalidAction("Thông tin chủ hồ sơ chưa đúng.", errors=exc.message_dict) from None
    if data.date_of_birth and data.date_of_birth > timezone.localdate():
        raise InvalidAction("Ngày sinh ở tương lai.", errors={"date_of_birth": ["Ngày sinh ở tương lai."]})


def _snapshot_for(code: str, on: date) -> snapshot.VersionSnapshot:
    key = snapshot.current_version_key(code, on)
    if key is None:
        if not Procedure.objects.filter(code=code).exists():
            raise InvalidAction(f"Không có thủ tục mã {code}.")
        raise InvalidAction(f"Thủ tục {code} không có phiên bản đang có hiệu lực ngày {on:%d/%m/%Y}.")
    return snapshot.snapshot(key)


def _handling_unit_for(version: ProcedureVersion, receiving: Unit, chosen: Unit | None) -> Unit:
    links = version.procedure.unit_links.filter(handles=True).select_related("unit")
    handlers = {link.unit_id: link.unit for link in links}
    if chosen is not None:
        if handlers and chosen.pk not in handlers:
            raise InvalidAction(f"“{chosen.name}” không giải quyết thủ tục này.")
        return chosen
    if receiving.pk in handlers:
        return receiving
    if receiving.parent_id in handlers:
        return handlers[receiving.parent_id]
    if len(handlers) == 1:
        return next(iter(handlers.values()))
    # Commune procedures: the committee of the commune the receiving center belongs to.
    same_area = [u for u in handlers.values() if receiving.area_id and u.area_id == receiving.area_id]
    if len(same_area) == 1:
        return same_area[0]
    if not handlers:
        return receiving.parent or receiving
    raise InvalidAction("Thủ tục có nhiều cơ quan giải quyết: hãy chọn cơ quan giải quyết.")


sniff_content_type = files.sniff  # re-exported: the forms check an upload's first bytes before the action


def _check_files(documents: Iterable[SubmittedDocument], field_name: str = "documents") -> list[SubmittedDocument]:
    """Each electronic copy through the one file policy (type by bytes, size per type, not corrupt or
    encrypted, virus scan when configured): all are checked before any is stored, so a bad third file
    leaves nothing behind."""
    checked = []
    for document in documents:
        if document.content is not None and document.checked is None:
            try:
                document = replace(document, checked=files.check(document.content, document.file_name))
            except files.FileRejected as exc:
                raise InvalidAction(exc.message, errors={field_name: [exc.message]}) from None
        checked.append(document)
    return checked


def _check_documents(lines: dict[int, RequiredDocument], documents: list[SubmittedDocument]) -> list[str]:
    """Missing required components (by name); the files themselves are checked by ``_check_files``."""
    given = {d.required_document_id for d in documents if d.required_document_id}
    unknown = given - set(lines)
    if unknown:
        raise InvalidAction("Giấy tờ không thuộc danh mục thành phần hồ sơ của thủ tục này.")
    return [line.name for pk, line in lines.items() if line.required and pk not in given]


def _reused_sources(
    documents: Iterable[SubmittedDocument], *, applicant_id: int | None, account_id: int | None, online: bool
) -> dict[int, DossierDocument]:
    """The earlier documents named by ``reuse_of``, each checked to be in the applicant's store (one query).

    Online, the store is the submitting account's own dossiers (an account's ID number is declared, not
    proven, so matching by it would hand a neighbour's scans to whoever typed the number); at the counter
    the officer has checked the identity papers, so it is every dossier of the same applicant."""
    from motcua.dossiers.access import store_documents

    wanted = {d.reuse_of for d in documents if d.reuse_of}
    if not wanted:
        return {}
    if online:
        store = store_documents(account_id=account_id) if account_id else DossierDocument.objects.none()
    else:
        store = store_documents(applicant_id=applicant_id)
    found = {row.pk: row for row in store.filter(pk__in=wanted)}
    if set(found) != wanted:
        message = "Giấy tờ chọn từ kho dữ liệu không còn hoặc không thuộc kho của chủ hồ sơ này."
        raise InvalidAction(message, errors={"documents": [message]})
    return found


def _digitisation_flags(dossier: Dossier, rows: Iterable[DossierDocument]) -> None:
    """The dossier's digitisation flags from all its document rows (for the reports, kept after purges)."""
    inputs = [row for row in rows if not row.result]
    results = [row for row in rows if row.result]
    dossier.input_digitised = bool(inputs) and all(row.digitised for row in inputs)
    dossier.result_digitised = any(row.digitised for row in results)
    dossier.reused_components = sum(1 for row in inputs if row.reused_from_id)
    dossier.from_citizen_store = any(row.origin == DocumentOrigin.STORE for row in inputs)


def _refresh_digitisation(dossier: Dossier) -> None:
    _digitisation_flags(
        dossier,
        DossierDocument.objects.filter(dossier=dossier).only("result", "sha256", "reused_from_id", "origin"),
    )


def _create(
    intake: Intake, actor, moment: datetime, status_action: str, *, start_clock: bool = False
) -> tuple[Dossier, list[str]]:
    """Create the dossier (and, for a counter receipt, start its clock) with as few round trips as possible:
    intake is the hottest write path of a provincial deployment."""
    day = timezone.localtime(moment).date()
    snap = _snapshot_for(intake.procedure_code, day)
    version = snap.version
    transition = workflow.check(status_action, None)
    _require(actor, transition, intake.receiving_unit)
    if intake.channel not in DossierChannel.values:
        raise InvalidAction(f"Kênh nộp “{intake.channel}” không hợp lệ.")
    if intake.channel not in version.channels:
        raise InvalidAction(f"Thủ tục này không nhận hồ sơ qua kênh “{DossierChannel(intake.channel).label}”.")
    lines = snap.documents
    missing = _check_documents(lines, intake.documents)
    documents = _check_files(intake.documents)
    if missing and start_clock:
        raise InvalidAction(
            "Hồ sơ chưa đủ thành phần, chưa tiếp nhận được: "
            + "; ".join(missing)
            + ". Hãy lập Phiếu hướng dẫn bổ sung (mẫu 02).",
            errors={"documents": missing},
        )
    handling = _handling_unit_for(version, intake.receiving_unit, intake.handling_unit)
    applicant = _find_or_update_applicant(intake.applicant, verified=intake.channel != DossierChannel.ONLINE)
    sources = _reused_sources(
        documents,
        applicant_id=applicant.pk,
        account_id=getattr(intake.account, "pk", None),
        online=intake.channel == DossierChannel.ONLINE,
    )
    calendar, policy = calendar_on(day)
    fees = sum(
        (amount for _fee, amount in snapshot.fee_amounts(snap, intake.channel, intake.receiving_unit)), Decimal(0)
    )
    dossier = Dossier(
        code=_adopt_code(intake.code, intake.receiving_unit) if intake.code else next_code(intake.receiving_unit, day),
        procedure_version=version,
        procedure=version.procedure,
        receiving_unit=intake.receiving_unit,
        handling_unit=handling,
        channel=intake.channel,
        status=transition.target,
        applicant=applicant,
        submitter=intake.submitter,
        result_delivery=intake.result_delivery,
        delivery_address=intake.delivery_address,
        sets=intake.sets,
        fees_due=fees,
        submitted_at=moment,
        supplement_policy=policy.supplement_policy,
        makeup_counts=policy.makeup_saturdays_count,
        account=intake.account if getattr(intake.account, "pk", None) else None,
        full_online=intake.channel == DossierChannel.ONLINE
        and version.online_level == "full"
        and (intake.full_online is None or intake.full_online),
        revision=1,
    )
    deadlines.use_calendar(dossier, calendar)
    if start_clock:
        _start_clock(dossier, moment)
    rows = [_document_row(dossier, lines, document, moment=moment, sources=sources) for document in documents]
    _digitisation_flags(dossier, rows)
    dossier.save(force_insert=True)
    DossierDocument.objects.bulk_create(rows)
    if start_clock:
        _instantiate_steps(dossier, snap.steps)
    return dossier, missing


def _adopt_code(code: str, unit: Unit) -> str:
    """Keep a legacy code (historical import): well-formed, unused, and the unit-day sequence moved past it,
    so a dossier received natively later on the same unit and day never draws the same number."""
    value = normalize_code(code)
    match = DOSSIER_CODE_RE.match(value)
    day = None
    if match is not None:
        try:
            day = datetime.strptime(match["day"], "%y%m%d").date()
        except ValueError:
            day = None
    if match is None or day is None:
        raise InvalidAction(f"Mã hồ sơ “{code}” không đúng dạng <mã định danh đơn vị>-<YYMMDD>-<số thứ tự>.")
    if Dossier.objects.filter(code=value).exists():
        raise InvalidAction(f"Mã hồ sơ “{value}” đã có trong hệ thống.")
    if match["unit"] == unit.agency_code:
        sequence, _ = DossierSequence.objects.select_for_update().get_or_create(unit=unit, day=day)
        if sequence.last < int(match["seq"]):
            sequence.last = int(match["seq"])
            sequence.save(update_fields=["last"])
    return value


def _document_row(
    dossier: Dossier,
    lines: dict[int, RequiredDocument],
    document: SubmittedDocument,
    supplement: bool = False,
    result: bool = False,
    *,
    moment: datetime | None = None,
    sources: dict[int, DossierDocument] | None = None,
) -> DossierDocument:
    """The row for one component or result, its file (checked by ``_check_files``) already stored; not saved.

    Where the electronic copy came from follows from the channel: typed-in files of an online submission were
    uploaded by the citizen, files given at a counter were scanned by the officer; a copy taken from the store
    points at the document it came from and shares its stored file (the same bytes are kept once)."""
    line = lines.get(document.required_document_id) if document.required_document_id else None
    source = (sources or {}).get(document.reuse_of) if document.reuse_of else None
    row = DossierDocument(
        dossier=dossier,
        required_document=line,
        name=document.name or (line.name if line else "") or (source.name if source else ""),
        copy_type=document.copy_type or (line.copy_type if line else ""),
        count=document.count,
        supplement=supplement,
        result=result,
    )
    online = dossier.channel == DossierChannel.ONLINE
    if source is not None:
        row.file.name = source.file.name
        row.sha256, row.size, row.content_type = source.sha256, source.size, source.content_type
        row.original_name, row.pages = source.original_name, source.pages
        row.reused_from = source
        row.origin = DocumentOrigin.STORE if online else DocumentOrigin.REUSE
        row.digitised_at = moment or timezone.now()
    elif document.content is not None:
        checked = document.checked or files.check(document.content, document.file_name)
        row.file.name = files.store(checked)
        row.sha256, row.size, row.content_type = checked.sha256, checked.size, checked.content_type
        row.original_name, row.pages = checked.original_name, checked.pages
        row.origin = DocumentOrigin.ISSUED if result else (DocumentOrigin.UPLOAD if online else DocumentOrigin.SCAN)
        row.digitised_at = moment or timezone.now()
    return row


def _start_clock(dossier: Dossier, moment: datetime) -> None:
    dossier.received_at = moment
    dossier.clock_start = moment
    dossier.due_at = deadlines.dossier_due(dossier)
    dossier.original_due_at = dossier.due_at


def _instantiate_steps(dossier: Dossier, plan_steps: Iterable[ProcessStep] | None = None) -> None:
    """The dossier's own copy of the process plan; ``plan_steps`` from the catalogue snapshot saves a query."""
    if plan_steps is None:
        plan_steps = dossier.procedure_version.steps.order_by("stage", "id")
    units = {
        StepHandler.RECEIVING_UNIT: dossier.receiving_unit,
        StepHandler.COMPETENT_UNIT: dossier.handling_unit,
    }
    DossierStep.objects.bulk_create(
        [
            DossierStep(
                dossier=dossier,
                plan_step=plan,
                stage=plan.stage,
                action=plan.action,
                unit=units.get(plan.handler, plan.unit),
                external_agency=plan.external_agency,
                inter_agency=plan.inter_agency,
                allotted=plan.allotted,
            )
            for plan in plan_steps
        ]
    )


def _activate_stage(dossier: Dossier, moment: datetime) -> list[DossierStep]:
    """Start every pending step of the lowest pending stage (parallel branches start together)."""
    pending = dossier.steps.filter(state=StepState.PENDING).order_by("stage")
    first = pending.first()
    if first is None:
        _mark_signing(dossier)
        return []
    started = []
    for step in pending.filter(stage=first.stage):
        step.state = StepState.ACTIVE
        step.started_at = moment
        step.due_at = deadlines.step_due(dossier, moment, step.allotted)
        step.save(update_fields=["state", "started_at", "due_at"])
        started.append(step)
    _mark_signing(dossier)
    return started


def _mark_signing(dossier: Dossier) -> None:
    """Keep the leader's queue a plain indexed filter: the dossier waits for a signature when the running step is
    the leader's (by role in the plan), or when no processing work is left before the result goes back."""
    # One look-up by dossier, states compared here: a dossier has a handful of steps.
    steps = dossier.steps.values_list("state", "plan_step__handler", "plan_step__role__code")
    leader = work_left = False
    for state, handler, role in steps:
        leader = leader or (state == StepState.ACTIVE and role == "agency_leader")
        work_left = work_left or (state == StepState.PENDING and handler != StepHandler.RECEIVING_UNIT)
    dossier.awaiting_signature = leader or not work_left


def receive_at_counter(intake: Intake, *, actor, at: datetime | None = None) -> Dossier:
    """Counter intake of a complete dossier: create, receive (status 2), due date computed (form 01)."""
    moment = _now(at)
    with transaction.atomic():
        dossier, _missing = _create(intake, actor, moment, "receive", start_clock=True)
        _event(
            dossier,
            "receive",
            actor,
            moment,
            None,
            unit=dossier.receiving_unit,
            due_at=dossier.due_at,
            channel=dossier.channel,
        )
    return dossier


def refuse_at_counter(
    intake: Intake,
    *,
    actor,
    reason: str,
    kind: str = "guidance",
    at: datetime | None = None,
    missing_documents: Iterable[str] = (),
) -> Dossier:
    """Incomplete (form 02: guidance, no clock runs) or refused (form 03) at the counter; recorded, status 3."""
    moment = _now(at)
    if not reason.strip():
        raise InvalidAction("Ghi rõ lý do (nội dung cần bổ sung hoặc lý do từ chối).", errors={"reason": ["Bắt buộc."]})
    if kind not in ("guidance", "refusal"):
        raise InvalidAction("Loại phiếu phải là hướng dẫn bổ sung hoặc từ chối.")
    with transaction.atomic():
        dossier, missing = _create(intake, actor, moment, "refuse_intake")
        dossier.refused_at = moment
        dossier.save(update_fields=["refused_at"])
        _event(
            dossier,
            "refuse_intake",
            actor,
            moment,
            None,
            unit=dossier.receiving_unit,
            reason=reason.strip(),
            kind=kind,
            missing=sorted(set(missing) | set(missing_documents)),
        )
    return dossier


def submit_online(intake: Intake, *, actor=None, at: datetime | None = None) -> Dossier:
    """An online submission lands in the receiving unit's queue as status 1; no clock runs until receipt."""
    moment = _now(at)
    intake.channel = DossierChannel.ONLINE
    with transaction.atomic():
        dossier, missing = _create(intake, None, moment, "submit_online")
        if missing:
            raise InvalidAction(
                "Hồ sơ trực tuyến thiếu thành phần: " + "; ".join(missing) + ".", errors={"documents": missing}
            )
        _event(dossier, "submit_online", actor, moment, None, unit=dossier.receiving_unit)
    return dossier


def receive(dossier, *, actor, at=None, expected_revision=None) -> Dossier:
    """Receive an online submission (1 → 2): the clock starts now."""

    def apply(d: Dossier, moment: datetime, _step) -> dict[str, Any]:
        _start_clock(d, moment)
        _instantiate_steps(d)
        return {"due_at": d.due_at}

    return _act(dossier, "receive", actor, at=at, expected_revision=expected_revision, apply=apply)


def refuse_intake(dossier, *, actor, reason: str, kind: str = "guidance", at=None, expected_revision=None) -> Dossier:
    """Do not receive an online submission (1 → 3): incomplete (guidance) or outside competence (refusal)."""
    if not reason.strip():
        raise InvalidAction("Ghi rõ lý do.", errors={"reason": ["Bắt buộc."]})

    def apply(d: Dossier, moment: datetime, _step) -> dict[str, Any]:
        d.refused_at = moment
        return {"reason": reason.strip(), "kind": kind}

    return _act(dossier, "refuse_intake", actor, at=at, expected_revision=expected_revision, apply=apply)


# --- processing -----------------------------------------------------------------------------------


def forward(dossier, *, actor, at=None, expected_revision=None) -> Dossier:
    """Hand the received dossier to the handling agency (2 → 4); the first stage of the plan starts."""

    def apply(d: Dossier, moment: datetime, _step) -> dict[str, Any]:
        started = _activate_stage(d, moment)
        # The receiving step of the plan is what the one-stop section just did.
        first = [s for s in started if s.unit_id == d.receiving_unit_id and s.stage == 1]
        for step in first:
            _finish_step(d, step, moment)
        if first and not d.steps.filter(state=StepState.ACTIVE).exists():
            _activate_stage(d, moment)
        return {"to_unit": d.handling_unit.name}

    return _act(dossier, "forward", actor, at=at, expected_revision=expected_revision, apply=apply)


def _finish_step(d: Dossier, step: DossierStep, moment: datetime, note: str = "", actor=None) -> str:
    step.state = StepState.DONE
    step.finished_at = moment
    step.note = note
    if actor is not None and getattr(actor, "pk", None):
        step.assignee = actor
    step.save(update_fields=["state", "finished_at", "note", "assignee"])
    return classify_finished(deadlines.calendar_of(d), moment, step.due_at) if step.due_at else ""


def complete_step(
    dossier, *, actor, step_id: int | None = None, note: str = "", at=None, expected_revision=None
) -> Dossier:
    """Finish the actor's active step and hand over; when a stage is done the next one starts (form 05)."""

    def apply(d: Dossier, moment: datetime, step: DossierStep) -> dict[str, Any]:
        mark = _finish_step(d, step, moment, note, actor)
        started = []
        if not d.steps.filter(state=StepState.ACTIVE).exists():
            started = _activate_stage(d, moment)
        return {
            "step_action": step.action,
            "stage": step.stage,
            "agency": step.agency_name,
            "mark": mark,
            "next": [s.action for s in started],
            "reason": note,
        }

    return _act(
        dossier, "complete_step", actor, at=at, expected_revision=expected_revision, step_id=step_id, apply=apply
    )


def request_supplement(
    dossier, *, actor, reason: str, documents: Iterable[str] = (), at=None, expected_revision=None
) -> Dossier:
    """Ask once, within 3 working days of receipt, with reasons (form 02); the clock stops (status 5)."""
    items = [d.strip() for d in documents if d.strip()]
    if not reason.strip():
        raise InvalidAction("Ghi rõ lý do yêu cầu bổ sung.", errors={"reason": ["Bắt buộc."]})

    def apply(d: Dossier, moment: datetime, _step) -> dict[str, Any]:
        if d.supplement_count >= 1:
            raise Conflict(
                "Hồ sơ đã được yêu cầu bổ sung một lần; theo Nghị định 61/2018 chỉ được yêu cầu bổ sung một lần."
            )
        limit = deadlines.supplement_deadline(d)
        if moment > limit:
            raise Conflict(
                f"Đã quá thời hạn yêu cầu bổ sung (3 ngày làm việc kể từ ngày tiếp nhận, hết "
                f"{timezone.localtime(limit):%H:%M %d/%m/%Y})."
            )
        d.supplement_count += 1
        d.supplement_requested_at = moment
        d.due_at = None  # unknown until the supplement arrives
        return {"reason": reason.strip(), "documents": items}

    return _act(dossier, "request_supplement", actor, at=at, expected_revision=expected_revision, apply=apply)


def receive_supplement(
    dossier, *, actor, documents: Iterable[SubmittedDocument] = (), at=None, expected_revision=None
) -> Dossier:
    """The complete supplement arrives (5 → 4): the limit restarts or resumes per the policy kept at receipt."""
    given = _check_files(documents)

    def apply(d: Dossier, moment: datetime, _step) -> dict[str, Any]:
        lines = {line.pk: line for line in d.procedure_version.documents.all()}
        _check_documents(lines, given)
        sources = _reused_sources(given, applicant_id=d.applicant_id, account_id=d.account_id, online=False)
        for document in given:
            _document_row(d, lines, document, supplement=True, moment=moment, sources=sources).save()
        _refresh_digitisation(d)
        d.supplement_received_at = moment
        if d.supplement_policy == "restart":
            d.clock_start = moment
        d.due_at = deadlines.dossier_due(d)
        d.original_due_at = d.due_at
        _shift_active_steps(d, moment)
        return {"due_at": d.due_at, "policy": d.supplement_policy}

    return _act(dossier, "receive_supplement", actor, at=at, expected_revision=expected_revision, apply=apply)


def _shift_active_steps(d: Dossier, moment: datetime) -> None:
    """Steps that were running when the supplement was asked for get their own deadline moved the same way:
    restarted from the arrival of the supplement (Decree 61) or extended by the working time waited (pause)."""
    for step in d.steps.filter(state=StepState.ACTIVE):
        if d.supplement_policy == "restart" or step.due_at is None:
            step.due_at = deadlines.step_due(d, moment, step.allotted)
        else:
            waited = working_time_between(
                deadlines.calendar_of(d), d.supplement_requested_at, moment, deadlines.hours_of(d)
            )
            step.due_at = add_working_time(deadlines.calendar_of(d), step.due_at, waited, deadlines.hours_of(d))
        step.save(update_fields=["due_at"])


def request_financial(dossier, *, actor, amount: Decimal, reason: str = "", at=None, expected_revision=None):
    if amount is None or Decimal(amount) < 0:
        raise InvalidAction("Số tiền phải không âm.", errors={"amount": ["Số tiền phải không âm."]})

    def apply(d: Dossier, moment: datetime, _step) -> dict[str, Any]:
        d.fees_due = Decimal(d.fees_due) + Decimal(amount)
        return {"amount": Decimal(amount), "reason": reason}

    return _act(dossier, "request_financial", actor, at=at, expected_revision=expected_revision, apply=apply)


def record_payment(dossier, *, actor, amount: Decimal, reference: str = "", at=None, expected_revision=None):
    """The financial obligation (status 6) met at the counter: back to processing."""
    if amount is None or Decimal(amount) <= 0:
        raise InvalidAction("Số tiền đã nộp phải lớn hơn 0.", errors={"amount": ["Phải lớn hơn 0."]})

    def apply(d: Dossier, moment: datetime, _step) -> dict[str, Any]:
        paid = _check_payment(d, amount)
        d.fees_paid = Decimal(d.fees_paid) + paid
        return {"amount": paid, "reference": reference, "method": "counter"}

    return _act(dossier, "record_payment", actor, at=at, expected_revision=expected_revision, apply=apply)


def _check_payment(dossier: Dossier, amount) -> Decimal:
    if amount is None or Decimal(amount) <= 0:
        raise InvalidAction("Số tiền đã nộp phải lớn hơn 0.", errors={"amount": ["Phải lớn hơn 0."]})
    outstanding = dossier.outstanding
    if Decimal(amount) > outstanding:
        message = f"Số tiền nộp lớn hơn số còn phải nộp ({int(outstanding):,} đồng).".replace(",", ".")
        raise InvalidAction(message, errors={"amount": [message]})
    return Decimal(amount)


def collect_fee(dossier, *, actor, amount: Decimal, reference: str = "", at=None, expected_revision=None):
    """Fees and charges paid in cash or by card at the one-stop section (the status does not change)."""

    def apply(d: Dossier, moment: datetime, _step) -> dict[str, Any]:
        paid = _check_payment(d, amount)
        d.fees_paid = Decimal(d.fees_paid) + paid
        return {"amount": paid, "reference": reference, "method": "counter"}

    return _act(dossier, "collect_fee", actor, at=at, expected_revision=expected_revision, apply=apply)


def record_online_payment(dossier, *, amount: Decimal, provider: str, reference: str, at=None) -> Dossier:
    """A payment confirmed by a gateway (signature and amount already verified by the payments app).

    No officer acts, so no permission applies; a financial obligation (status 6) is then met and the
    dossier goes back to processing, otherwise the status does not change."""
    if not provider or not reference:
        raise InvalidAction("Thiếu cổng thanh toán hoặc mã giao dịch.")

    def apply(d: Dossier, moment: datetime, _step) -> dict[str, Any]:
        paid = _check_payment(d, amount)
        d.fees_paid = Decimal(d.fees_paid) + paid
        return {"amount": paid, "reference": reference, "provider": provider, "method": "online"}

    with transaction.atomic():
        current = _lock(dossier)  # the row lock is held while the action is chosen and applied
        action = "pay_obligation_online" if current.status == Status.FINANCIAL else "pay_online"
        return _act(current.pk, action, None, at=at, apply=apply)


def rate(
    dossier,
    *,
    level: int,
    channel: str,
    aspects: dict[str, int] | None = None,
    comment: str = "",
    account=None,
    actor=None,
    at=None,
) -> Dossier:
    """The applicant's rating, once per dossier, after the result (status 9 or 10).

    No permission applies: the portal checked the owner or the lookup secret, the kiosk its device token.
    The event carries the level and the channel (what the reports count), not the free-text comment."""
    from motcua.dossiers.models import ASPECTS, DossierRating, RatingChannel, RatingLevel

    errors: dict[str, list[str]] = {}
    if level not in RatingLevel.values:
        errors["level"] = ["Chọn một mức độ hài lòng."]
    if channel not in RatingChannel.values:
        errors["channel"] = ["Kênh đánh giá không hợp lệ."]
    aspects = {k: v for k, v in (aspects or {}).items() if v not in (None, "")}
    for key, value in aspects.items():
        if key not in ASPECTS or value not in RatingLevel.values:
            errors.setdefault("aspects", []).append(f"Tiêu chí “{key}” không hợp lệ.")
    if len(comment) > 2000:
        errors["comment"] = ["Ý kiến tối đa 2.000 ký tự."]
    if errors:
        raise InvalidAction("Phiếu đánh giá chưa hợp lệ.", errors=errors)

    def apply(d: Dossier, moment: datetime, _step) -> dict[str, Any]:
        if DossierRating.objects.filter(dossier=d).exists():
            raise Conflict("Hồ sơ này đã được đánh giá; mỗi hồ sơ chỉ đánh giá một lần.")
        DossierRating.objects.create(
            dossier=d,
            level=level,
            aspects=aspects,
            comment=comment.strip(),
            channel=channel,
            account=account if getattr(account, "pk", None) else None,
            at=moment,
        )
        return {"level": level, "channel": channel, "aspects": aspects}

    return _act(dossier, "rate", actor, at=at, apply=apply)


def apologize(dossier, *, actor, reason: str, new_due_date: date, at=None, expected_revision=None) -> Dossier:
    """Apology and new appointment (form 04): once, at least one working day before the due date."""
    if not reason.strip():
        raise InvalidAction("Ghi rõ lý do chậm trễ.", errors={"reason": ["Bắt buộc."]})

    def apply(d: Dossier, moment: datetime, _step) -> dict[str, Any]:
        if d.apology_count >= 1:
            raise Conflict("Hồ sơ đã được hẹn lại một lần; chỉ được hẹn lại ngày trả kết quả một lần.")
        current = d.effective_due_at
        if current is None:
            raise Conflict("Hồ sơ chưa có hạn giải quyết.")
        try:
            check_reschedule(deadlines.calendar_of(d), moment, current, deadlines.hours_of(d))
        except CalendarError as exc:
            raise Conflict(str(exc)) from None
        try:
            new_due = deadlines.close_of_day(d, new_due_date)
        except ValueError as exc:
            raise InvalidAction(str(exc), errors={"new_due_date": [str(exc)]}) from None
        if new_due <= current:
            raise InvalidAction("Ngày hẹn mới phải sau hạn trả hiện tại.", errors={"new_due_date": ["Phải sau hạn."]})
        d.apology_count += 1
        d.rescheduled_due_at = new_due
        return {"reason": reason.strip(), "old_due_at": current, "new_due_at": new_due, "notify_applicant": True}

    return _act(dossier, "apologize", actor, at=at, expected_revision=expected_revision, apply=apply)


def _close_processing(d: Dossier, moment: datetime) -> None:
    """A signed result ends the processing steps; the one-stop section's return step starts."""
    d.steps.filter(state=StepState.ACTIVE).update(state=StepState.DONE, finished_at=moment)
    d.steps.filter(state=StepState.PENDING).exclude(plan_step__handler=StepHandler.RECEIVING_UNIT).update(
        state=StepState.SKIPPED, finished_at=moment
    )
    _activate_stage(d, moment)


def _check_results(documents: Iterable[SubmittedDocument]) -> list[SubmittedDocument]:
    """Result documents are files (the e-result), each through the file policy."""
    documents = list(documents or [])
    if any(document.content is None for document in documents):
        raise InvalidAction("Văn bản kết quả điện tử phải kèm tệp.", errors={"result_documents": ["Thiếu tệp."]})
    return _check_files(documents, "result_documents")


def _sign_result(
    d: Dossier, document: SubmittedDocument, signer: pdfsign.Signer | None
) -> tuple[SubmittedDocument, str]:
    """A PDF result signed (PAdES) with the key of the handling unit or its nearest ancestor, found through
    ``core.pdfsign.signer_for`` (payments registers the lookup: dossiers does not import payments).
    Returns the document to store and the certificate's fingerprint ("" when not signed: images, or no
    key configured)."""
    if signer is None or sniff_content_type(document.content or b"") != "application/pdf":
        return document, ""
    try:
        signed = pdfsign.sign_pdf(
            document.content,
            signer.keys,
            reason=f"Văn bản kết quả giải quyết hồ sơ {d.code}",
            location=signer.organisation,
            field_name="ChuKyCoQuan",
        )
    except Exception as exc:  # noqa: BLE001 - pyHanko raises many kinds on a malformed PDF
        label = document.file_name or document.name
        raise InvalidAction(
            f"Không ký số được tệp “{label}”: tệp PDF bị hỏng hoặc không đúng cấu trúc.",
            errors={"result_documents": [f"{label}: không ký số được."]},
        ) from exc
    return replace(document, content=signed, checked=None), signer.keys.certificate_sha256


def _stamp_result(document: SubmittedDocument) -> tuple[SubmittedDocument, str]:
    """A PDF result gets the QR of its verification page top-left (before signing); images are kept as given."""
    if document.checked is None or document.checked.content_type != files.PDF:
        return document, ""
    code = stamp.new_verification_code()
    try:
        stamped = stamp.stamp_qr(document.content or b"", stamp.verification_url(code))
    except Exception as exc:  # noqa: BLE001 - qpdf raises several kinds on unusual PDFs
        label = document.file_name or document.name
        raise InvalidAction(
            f"Không gắn được mã QR xác thực vào tệp “{label}”: cấu trúc PDF không xử lý được.",
            errors={"result_documents": [f"{label}: không gắn được mã QR."]},
        ) from exc
    return replace(document, content=stamped, checked=None), code


def _attach_results(d: Dossier, documents: list[SubmittedDocument], moment: datetime) -> list[str]:
    signer = pdfsign.signer_for(d.handling_unit or d.receiving_unit) if documents else None
    stamped = [_stamp_result(document) for document in documents]
    # all stamped and signed before any file is stored: a bad third file leaves nothing behind
    signed = [(*_sign_result(d, document, signer), code) for document, code in stamped]
    rows = []
    for document, fingerprint, code in signed:
        row = _document_row(d, {}, document, result=True, moment=moment)
        row.signed, row.certificate_sha256, row.verification_code = bool(fingerprint), fingerprint, code
        rows.append(row)
    DossierDocument.objects.bulk_create(rows)
    if rows:
        d.result_digitised = True
    return [row.name for row in rows]


def _finish_mark(d: Dossier, moment: datetime) -> str:
    """Early / on time / late against the (rescheduled) due moment; dossiers without a time limit are on time."""
    if d.effective_due_at is None:
        return "on_time"
    return classify_finished(deadlines.calendar_of(d), moment, d.effective_due_at)


def approve(
    dossier,
    *,
    actor,
    result_note: str = "",
    result_documents: Iterable[SubmittedDocument] = (),
    at=None,
    expected_revision=None,
) -> Dossier:
    """The leader signs the result (4 → 9), with the e-result files when the result is produced electronically."""
    results = _check_results(result_documents)

    def apply(d: Dossier, moment: datetime, _step) -> dict[str, Any]:
        _close_processing(d, moment)
        d.finished_at = moment
        d.result_kind = ResultKind.GRANTED
        d.result_note = result_note
        d.finish_mark = mark = _finish_mark(d, moment)
        return {"mark": mark, "result_documents": _attach_results(d, results, moment)}

    return _act(dossier, "approve", actor, at=at, expected_revision=expected_revision, apply=apply)


def refuse(dossier, *, actor, reason: str, at=None, expected_revision=None) -> Dossier:
    """Refusal after review is a result: a written answer with reasons, within the time limit (4 → 9)."""
    if not reason.strip():
        raise InvalidAction("Ghi rõ lý do từ chối.", errors={"reason": ["Bắt buộc."]})

    def apply(d: Dossier, moment: datetime, _step) -> dict[str, Any]:
        _close_processing(d, moment)
        d.finished_at = moment
        d.refused_at = moment
        d.result_kind = ResultKind.REFUSAL
        d.result_note = reason.strip()
        d.finish_mark = mark = _finish_mark(d, moment)
        return {"reason": reason.strip(), "mark": mark}

    return _act(dossier, "refuse", actor, at=at, expected_revision=expected_revision, apply=apply)


def notify_early_return(dossier, *, actor, channel: str = "sms", at=None, expected_revision=None) -> Dossier:
    """Decree 61 Art. 20: returning before the appointment requires telling the applicant beforehand."""

    def apply(d: Dossier, moment: datetime, _step) -> dict[str, Any]:
        d.early_return_notified_at = moment
        return {"channel": channel, "notify_applicant": True}

    return _act(dossier, "notify_early_return", actor, at=at, expected_revision=expected_revision, apply=apply)


def return_result(
    dossier, *, actor, delivery: str | None = None, postal_tracking: str = "", at=None, expected_revision=None
) -> Dossier:
    """Hand the result over (9 → 10) at the counter, by post (with tracking number) or online."""

    def apply(d: Dossier, moment: datetime, _step) -> dict[str, Any]:
        how = delivery or d.result_delivery
        if how not in ResultDelivery.values:
            raise InvalidAction(f"Hình thức trả kết quả “{how}” không hợp lệ.")
        if how == ResultDelivery.POST and not postal_tracking.strip():
            raise InvalidAction("Trả qua bưu chính phải có mã vận đơn.", errors={"postal_tracking": ["Bắt buộc."]})
        due = d.effective_due_at
        if (
            due is not None
            and timezone.localtime(moment).date() < timezone.localtime(due).date()
            and (d.early_return_notified_at is None)
        ):
            raise Conflict(
                "Trả kết quả trước ngày hẹn phải thông báo trước cho người nộp (thao tác “Thông báo trả "
                "kết quả trước hạn”)."
            )
        d.returned_at = moment
        d.postal_tracking = postal_tracking.strip()
        d.steps.filter(state=StepState.ACTIVE).update(state=StepState.DONE, finished_at=moment)
        d.steps.filter(state=StepState.PENDING).update(state=StepState.SKIPPED, finished_at=moment)
        return {"delivery": how, "postal_tracking": d.postal_tracking}

    return _act(dossier, "return_result", actor, at=at, expected_revision=expected_revision, apply=apply)


def withdraw(dossier, *, actor, reason: str, at=None, expected_revision=None) -> Dossier:
    if not reason.strip():
        raise InvalidAction("Ghi rõ lý do (đơn đề nghị rút hồ sơ).", errors={"reason": ["Bắt buộc."]})

    def apply(d: Dossier, moment: datetime, _step) -> dict[str, Any]:
        d.withdrawn_at = moment
        d.steps.filter(state=StepState.ACTIVE).update(state=StepState.SKIPPED, finished_at=moment)
        return {"reason": reason.strip()}

    return _act(dossier, "withdraw", actor, at=at, expected_revision=expected_revision, apply=apply)


def stop(dossier, *, actor, reason: str, at=None, expected_revision=None) -> Dossier:
    if not reason.strip():
        raise InvalidAction("Ghi rõ lý do dừng xử lý.", errors={"reason": ["Bắt buộc."]})

    def apply(d: Dossier, moment: datetime, _step) -> dict[str, Any]:
        d.stopped_at = moment
        d.steps.filter(state=StepState.ACTIVE).update(state=StepState.SKIPPED, finished_at=moment)
        return {"reason": reason.strip()}

    return _act(dossier, "stop", actor, at=at, expected_revision=expected_revision, apply=apply)


ACTIONS: dict[str, Callable[..., Dossier]] = {
    "receive": receive,
    "refuse_intake": refuse_intake,
    "forward": forward,
    "complete_step": complete_step,
    "request_supplement": request_supplement,
    "receive_supplement": receive_supplement,
    "request_financial": request_financial,
    "record_payment": record_payment,
    "collect_fee": collect_fee,
    "apologize": apologize,
    "approve": approve,
    "refuse": refuse,
    "notify_early_return": notify_early_return,
    "return_result": return_result,
    "withdraw": withdraw,
    "stop": stop,
}


# --- digitisation and the citizen's store -------------------------------------------------------------


def digitise(
    dossier,
    *,
    actor,
    document: SubmittedDocument,
    document_id: int | None = None,
    at=None,
    expected_revision=None,
) -> Dossier:
    """Attach the electronic copy of a component received on paper: scanned (``document.content``) or taken
    from the applicant's store (``document.reuse_of``). ``document_id`` names the paper-only row to fill;
    without it a new component row is added (a line the officer had not listed). A row that already has a
    file keeps it: attached files are never replaced (the dossier's record of what was received)."""
    if document.content is None and not document.reuse_of:
        raise InvalidAction("Chọn tệp đã quét hoặc giấy tờ trong kho dữ liệu.", errors={"file": ["Bắt buộc."]})
    (given,) = _check_files([document], "file")

    def apply(d: Dossier, moment: datetime, _step) -> dict[str, Any]:
        lines = {line.pk: line for line in d.procedure_version.documents.all()}
        sources = _reused_sources([given], applicant_id=d.applicant_id, account_id=None, online=False)
        if document_id is not None:
            row = DossierDocument.objects.select_for_update().filter(dossier=d, pk=document_id, result=False).first()
            if row is None:
                raise InvalidAction("Không có thành phần hồ sơ này trong hồ sơ.")
            if row.digitised:
                raise Conflict(f"“{row.name}” đã có bản điện tử; tệp đã gắn vào hồ sơ không thay thế được.")
            filled = _document_row(d, lines, replace(given, name=row.name), moment=moment, sources=sources)
            for name in ("file", "sha256", "size", "content_type", "original_name", "pages", "origin", "digitised_at"):
                setattr(row, name, getattr(filled, name))
            row.reused_from = filled.reused_from
            row.save()
        else:
            _check_documents(lines, [given])
            row = _document_row(d, lines, given, moment=moment, sources=sources)
            row.save()
        _refresh_digitisation(d)
        return {"document": row.name, "document_id": row.pk, "origin": row.origin, "pages": row.pages}

    return _act(dossier, "digitise", actor, at=at, expected_revision=expected_revision, apply=apply)


def link_account(dossier, *, account, at=None) -> Dossier:
    """Add a dossier received at a counter or by post to the citizen's portal account ("my dossiers" and the
    document store). The portal checked the lookup secret printed on the receipt (form 01) first: holding the
    receipt is what proves the dossier is theirs. A dossier already in another account stays there."""
    if not getattr(account, "pk", None):
        raise NotPermitted("Hãy đăng nhập tài khoản công dân.")

    def apply(d: Dossier, moment: datetime, _step) -> dict[str, Any]:
        if d.account_id not in (None, account.pk):
            raise Conflict("Hồ sơ này đã thuộc một tài khoản khác.")
        d.account = account
        return {}

    return _act(dossier, "link_account", account, at=at, apply=apply)


def purge_documents(dossier, *, document_ids: Iterable[int], reason: str, at=None) -> Dossier:
    """End of retention (documents/retention.py): the files of these documents are let go; the rows stay with
    their hash, size, pages and origin, so the dossier's digitisation flags and every count built on them are
    unchanged. Only closed dossiers (returned, withdrawn, stopped, not received). The caller deletes the stored
    objects after the commit, when no other document still refers to the same bytes."""
    wanted = set(document_ids)

    def apply(d: Dossier, moment: datetime, _step) -> dict[str, Any]:
        held = DossierDocument.objects.select_for_update().filter(dossier=d, pk__in=wanted, purged_at=None)
        rows = list(held.exclude(file=""))
        for row in rows:
            row.purged_at = moment
            row.file.name = ""
        DossierDocument.objects.bulk_update(rows, ["purged_at", "file"])
        return {"documents": len(rows), "results": sum(1 for row in rows if row.result), "reason": reason}

    return _act(dossier, "purge_documents", None, at=at, apply=apply)

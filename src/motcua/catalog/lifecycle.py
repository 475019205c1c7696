"""The life of a procedure version: validate, publish, retire, duplicate — each one audited.

All catalogue state changes go through these functions (the admin, imports and the API call them), so
the rules — a plan must add up to the legal limit, a published version is frozen, publishing a new
version retires the previous one — hold whichever door a change comes through.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from motcua.catalog.models import (
    CatalogEvent,
    Channel,
    OnlineLevel,
    ProcedureVersion,
    StepHandler,
    VersionStatus,
)
from motcua.workcalendar.rules import LimitUnit


class LifecycleError(Exception):
    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems


def plan_length(version: ProcedureVersion) -> Decimal:
    """Length of the process plan: sum over stages of the longest (parallel) step in each stage."""
    longest: dict[int, Decimal] = {}
    for step in version.steps.all():
        longest[step.stage] = max(longest.get(step.stage, Decimal(0)), step.allotted)
    return sum(longest.values(), Decimal(0))


def validation_problems(version: ProcedureVersion) -> list[str]:
    """Everything that stops ``version`` from being published, in Vietnamese; empty when it is ready."""
    problems: list[str] = []
    unit = version.time_limit_unit
    if unit != LimitUnit.SAME_DAY and not version.time_limit_value:
        problems.append("Chưa có thời hạn giải quyết.")
    if not version.channels:
        problems.append("Chưa chọn cách thức thực hiện (trực tiếp, bưu chính, trực tuyến).")
    bad_channels = [c for c in version.channels if c not in Channel.values]
    if bad_channels:
        problems.append(f"Cách thức thực hiện không hợp lệ: {', '.join(map(str, bad_channels))}.")
    online = Channel.ONLINE in version.channels
    if online and version.online_level == OnlineLevel.NONE:
        problems.append("Có nộp trực tuyến nhưng mức độ trực tuyến là “không cung cấp”.")
    if not online and version.online_level != OnlineLevel.NONE:
        problems.append("Mức độ trực tuyến là toàn trình/một phần nhưng cách thức thực hiện không có “trực tuyến”.")
    if not version.documents.exists():
        problems.append("Chưa có thành phần hồ sơ.")
    for fee in version.fees.all():
        if fee.amount < 0:
            problems.append(f"Mức thu “{fee}” âm.")
        if fee.channel and fee.channel not in version.channels:
            problems.append(
                f"Khoản thu cho hình thức “{fee.get_channel_display()}” không có trong cách thức thực hiện."
            )
    steps = list(version.steps.all())
    if not steps:
        problems.append("Chưa có quy trình xử lý (các bước và thời gian của từng bước).")
    else:
        for step in steps:
            if step.handler == StepHandler.SPECIFIC_UNIT and not step.unit_id:
                problems.append(f"Bước {step.stage} “{step.action}” chưa chọn đơn vị thực hiện.")
            if step.handler == StepHandler.EXTERNAL_AGENCY and not (step.external_agency or step.unit_id):
                problems.append(f"Bước {step.stage} “{step.action}” chưa ghi cơ quan phối hợp.")
        if unit in (LimitUnit.WORKING_DAYS, LimitUnit.WORKING_HOURS, LimitUnit.CALENDAR_DAYS) and (
            version.time_limit_value
        ):
            total = plan_length(version)
            if total != Decimal(version.time_limit_value):
                problems.append(
                    f"Tổng thời gian các bước ({_num(total)} {version.get_time_limit_unit_display()}, tính bước "
                    f"song song theo bước dài nhất) khác thời hạn giải quyết ({version.time_limit_value} "
                    f"{version.get_time_limit_unit_display()})."
                )
    if version.valid_from and version.valid_to and version.valid_to < version.valid_from:
        problems.append("Ngày hết hiệu lực trước ngày có hiệu lực.")
    return problems


def _num(value: Decimal) -> str:
    return f"{value.normalize():f}".replace(".", ",")


def log(version: ProcedureVersion, action: str, actor=None, **detail: object) -> CatalogEvent:
    return CatalogEvent.objects.create(
        procedure=version.procedure,
        version=version,
        action=action,
        actor=actor if getattr(actor, "pk", None) else None,
        detail=detail,
    )


@transaction.atomic
def publish(
    version: ProcedureVersion, *, decision_number: str, decision_date: date, valid_from: date | None = None, actor=None
) -> ProcedureVersion:
    """Publish a draft; the previously published version ends the day before this one starts."""
    version = ProcedureVersion.objects.select_for_update().get(pk=version.pk)
    if version.status != VersionStatus.DRAFT:
        raise LifecycleError([f"Chỉ công bố được phiên bản dự thảo (phiên bản này: {version.get_status_display()})."])
    problems = validation_problems(version)
    if not decision_number.strip():
        problems.append("Thiếu số quyết định công bố.")
    if problems:
        raise LifecycleError(problems)
    start = valid_from or decision_date
    previous = list(
        ProcedureVersion.objects.select_for_update()
        .filter(procedure_id=version.procedure_id, status=VersionStatus.PUBLISHED)
        .exclude(pk=version.pk)
    )
    for old in previous:
        old.status = VersionStatus.RETIRED
        old.valid_to = max(start - timedelta(days=1), old.valid_from or start - timedelta(days=1))
        old._allow_lifecycle_change = True
        old.save(update_fields=["status", "valid_to", "updated_at"])
        log(old, "retired", actor, replaced_by=version.number)
    version.status = VersionStatus.PUBLISHED
    version.decision_number = decision_number.strip()
    version.decision_date = decision_date
    version.valid_from = start
    version.published_at = timezone.now()
    version.save()
    log(version, "published", actor, decision_number=version.decision_number, valid_from=start.isoformat())
    return version


@transaction.atomic
def retire(version: ProcedureVersion, *, on: date | None = None, actor=None) -> ProcedureVersion:
    version = ProcedureVersion.objects.select_for_update().get(pk=version.pk)
    if version.status != VersionStatus.PUBLISHED:
        raise LifecycleError(["Chỉ bãi bỏ được phiên bản đang công bố."])
    version.status = VersionStatus.RETIRED
    version.valid_to = on or timezone.localdate()
    version._allow_lifecycle_change = True
    version.save(update_fields=["status", "valid_to", "updated_at"])
    log(version, "retired", actor)
    return version


@transaction.atomic
def duplicate(version: ProcedureVersion, *, actor=None) -> ProcedureVersion:
    """A new draft with the same content (documents, fees, steps), to change what a decree changed."""
    source = ProcedureVersion.objects.get(pk=version.pk)
    documents = list(source.documents.all())
    fees = list(source.fees.all())
    steps = list(source.steps.all())
    copy = ProcedureVersion.objects.get(pk=source.pk)
    copy.pk = None
    copy.id = None
    copy.number = None
    copy.status = VersionStatus.DRAFT
    copy.valid_from = copy.valid_to = copy.decision_date = copy.published_at = None
    copy.decision_number = ""
    copy._state.adding = True
    copy.save()
    for rows in (documents, fees, steps):
        for row in rows:
            row.pk = None
            row.id = None
            row.version = copy
            row._state.adding = True
            row.save()
    log(copy, "duplicated", actor, from_version=source.number)
    return copy

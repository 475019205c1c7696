"""The ONE write path for feedback (phản ánh, kiến nghị).

Same discipline as ``dossiers/actions.py``: each function opens a transaction, locks the feedback row,
checks the move against ``workflow.TRANSITIONS`` and the actor's permission in the responsible unit
(``organizations.scoping``), applies the change, appends a ``FeedbackEvent`` and, on commit, sends
``feedback_changed``. Messages to the submitter are queued in the same transaction (the outbox sends
them after commit), so a refused action never notifies anyone.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.dispatch import Signal
from django.urls import reverse
from django.utils import timezone

from motcua.core import sequences
from motcua.core.actions import ActionError as ActionError  # re-exported: callers catch actions.ActionError
from motcua.core.actions import Conflict, InvalidAction, NotPermitted, moment
from motcua.feedback import deadlines, workflow
from motcua.feedback.models import Feedback, FeedbackEvent, FeedbackSequence, FeedbackVote, Kind, Status, Vote
from motcua.notifications.outbox import base_context, enqueue
from motcua.organizations.models import Unit
from motcua.organizations.scoping import has_unit_perm
from motcua.workcalendar.errors import CalendarError

feedback_changed = Signal()  # sent on commit with feedback_id, event_id, action

CODE_RE = re.compile(r"^PA-\d{6}-\d{4,6}$")


# --- codes ---------------------------------------------------------------------------------------


def next_code(day) -> str:
    """``PA-<YYMMDD>-<NNNN>``, gapless per day: the counter row is upserted (and so locked) inside the
    submitting transaction; a rolled-back submission gives its number back."""
    number = sequences.draw(FeedbackSequence, day=day)
    return f"PA-{day:%y%m%d}-{number:04d}"


def normalize_code(value: str) -> str:
    return re.sub(r"\s+", "", value or "").upper()[:20]


# --- the common frame ----------------------------------------------------------------------------


def _now(at: datetime | None) -> datetime:
    return moment(at)


def _lock(feedback: Feedback | str | int) -> Feedback:
    queryset = Feedback.objects.select_for_update(of=("self",)).select_related("unit__office_hours")
    try:
        if isinstance(feedback, Feedback):
            return queryset.get(pk=feedback.pk)
        if isinstance(feedback, int):
            return queryset.get(pk=feedback)
        return queryset.get(code=normalize_code(feedback))
    except Feedback.DoesNotExist:
        raise InvalidAction("Không tìm thấy phản ánh, kiến nghị.") from None


def _event(feedback: Feedback, action: str, actor, at: datetime, from_status: str, reason: str = "", **payload):
    event = FeedbackEvent.objects.create(
        feedback=feedback,
        at=at,
        action=action,
        actor=actor if getattr(actor, "pk", None) else None,
        from_status=from_status,
        to_status=feedback.status,
        unit=feedback.unit,
        reason=reason,
        payload={k: (v.isoformat() if isinstance(v, datetime) else v) for k, v in payload.items()},
    )
    transaction.on_commit(
        lambda: feedback_changed.send(sender=Feedback, feedback_id=feedback.pk, event_id=event.pk, action=action)
    )
    return event


def _act(
    feedback: Feedback | str | int,
    action: str,
    actor,
    *,
    at: datetime | None,
    expected_revision: int | None,
    apply: Callable[[Feedback, datetime], dict[str, Any]],
    check_actor: Callable[[Feedback], None] | None = None,
) -> Feedback:
    moment = _now(at)
    with transaction.atomic():
        locked = _lock(feedback)
        if expected_revision is not None and locked.revision != expected_revision:
            raise Conflict(
                "Phản ánh vừa được cán bộ khác cập nhật. Hãy tải lại trang; thao tác của bạn chưa được thực hiện."
            )
        try:
            transition = workflow.check(action, locked.status)
        except workflow.TransitionNotAllowed as exc:
            raise Conflict(str(exc)) from None
        if transition.permission is not None and not has_unit_perm(actor, transition.permission, locked.unit):
            raise NotPermitted(f"Bạn không có quyền “{transition.label.lower()}” tại đơn vị “{locked.unit.name}”.")
        if check_actor is not None:
            check_actor(locked)
        before = locked.status
        locked.status = transition.target
        payload = apply(locked, moment)
        reason = payload.pop("reason", "")
        notify = payload.pop("notify", None)
        locked.revision += 1
        locked.save()
        _event(locked, action, actor, moment, before, reason, **payload)
        if notify:
            _notify(locked, notify, reason=reason)
    return locked


def _required(value: str, field: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise InvalidAction(message, errors={field: [message]})
    return value


def _when(moment: datetime | None) -> str:
    return f"{timezone.localtime(moment):%H:%M %d/%m/%Y}" if moment else ""


def tracking_url(feedback: Feedback) -> str:
    return base_context()["site_url"] + reverse("feedback:track") + f"?ma={feedback.code}"


def _notify(feedback: Feedback, template_code: str, *, reason: str = "") -> None:
    enqueue(
        template_code,
        email=feedback.email,
        phone=feedback.phone,
        context={
            "code": feedback.code,
            "name": feedback.name,
            "subject": feedback.subject,
            "reason": reason,
            "answer": feedback.answer,
            "signer": feedback.answer_signer,
            "unit": feedback.unit.name,
            "tracking_url": tracking_url(feedback),
        },
    )


# --- submission ----------------------------------------------------------------------------------


@dataclass
class Submission:
    kind: str
    subject: str
    content: str
    name: str
    unit: Unit
    email: str = ""
    phone: str = ""
    address: str = ""
    procedure: Any = None
    dossier_code: str = ""
    wants_public: bool = True


def submit(data: Submission, *, account=None, at: datetime | None = None) -> Feedback:
    """Record a new feedback: it is received at once (an electronic submission needs no counter), so
    the 5.2 clock starts now."""
    errors: dict[str, list[str]] = {}
    for field in ("subject", "content", "name"):
        if not (getattr(data, field) or "").strip():
            errors[field] = ["Trường này là bắt buộc."]
    if not (data.email or "").strip() and not (data.phone or "").strip():
        errors["email"] = ["Cần ít nhất thư điện tử hoặc số điện thoại để nhận trả lời."]
    if data.kind not in Kind.values:
        errors["kind"] = ["Loại không hợp lệ."]
    if data.unit is None or not data.unit.active:
        errors["unit"] = ["Đơn vị không hợp lệ."]
    if errors:
        raise InvalidAction("Thông tin gửi chưa đầy đủ.", errors=errors)
    moment = _now(at)
    feedback = Feedback(
        kind=data.kind,
        subject=data.subject.strip(),
        content=data.content.strip(),
        name=data.name.strip(),
        email=(data.email or "").strip(),
        phone=(data.phone or "").strip(),
        address=(data.address or "").strip(),
        procedure=data.procedure,
        field=getattr(data.procedure, "field", None),
        dossier_code=(data.dossier_code or "").strip().upper(),
        wants_public=data.wants_public,
        account=account if getattr(account, "pk", None) else None,
        unit=data.unit,
        status=Status.RECEIVED,
        submitted_at=moment,
        received_at=moment,
    )
    try:
        deadlines.set_receipt_dues(feedback)
    except CalendarError as exc:
        raise InvalidAction(f"Chưa có lịch làm việc để tính thời hạn: {exc}") from None
    with transaction.atomic():
        feedback.code = next_code(timezone.localtime(moment).date())
        try:
            with transaction.atomic():
                feedback.save()
        except IntegrityError:
            raise Conflict("Không cấp được mã phản ánh; xin gửi lại.") from None
        _event(feedback, "submit", account, moment, "", due=feedback.answer_due_at)
        _notify(feedback, "feedback_received")
    return feedback


def secret_matches(feedback: Feedback, given: str) -> bool:
    given = normalize_code(given)[:32]
    return bool(given) and secrets.compare_digest(given.encode(), feedback.lookup_secret.upper().encode())


# --- the officers' actions -----------------------------------------------------------------------


def reject(feedback, actor, *, reason: str, at=None, expected_revision=None) -> Feedback:
    """Not a feedback on administrative regulations (or already answered, anonymous, abusive…)."""
    reason = _required(reason, "reason", "Hãy ghi lý do từ chối.")

    def apply(fb: Feedback, now: datetime) -> dict[str, Any]:
        fb.rejected_at = now
        fb.reject_reason = reason
        return {"reason": reason, "due": fb.reject_due_at, "notify": "feedback_rejected"}

    return _act(feedback, "reject", actor, at=at, expected_revision=expected_revision, apply=apply)


def request_info(feedback, actor, *, what: str, at=None, expected_revision=None) -> Feedback:
    """Ask the submitter to complete the feedback; the clock restarts when the information arrives."""
    what = _required(what, "what", "Hãy ghi rõ thông tin cần bổ sung.")

    def apply(fb: Feedback, now: datetime) -> dict[str, Any]:
        fb.info_requested_at = now
        fb.info_request = what
        fb.info_requests += 1
        late = fb.info_due_at is not None and now > fb.info_due_at
        fb.info_requests_late += int(late)
        return {"reason": what, "due": fb.info_due_at, "late": late, "notify": "feedback_info_requested"}

    return _act(feedback, "request_info", actor, at=at, expected_revision=expected_revision, apply=apply)


def supply_info(feedback, *, text: str, secret: str = "", account=None, at=None) -> Feedback:
    """The submitter adds what was asked (with the lookup secret, or signed in as the submitting
    account). Counts as a new receipt: the three limits restart from now."""
    text = _required(text, "text", "Hãy nhập thông tin bổ sung.")

    def check(fb: Feedback) -> None:
        owner = getattr(account, "pk", None) is not None and fb.account_id == account.pk
        if not owner and not secret_matches(fb, secret):
            raise NotPermitted("Mã tra cứu không đúng.")

    def apply(fb: Feedback, now: datetime) -> dict[str, Any]:
        fb.content = f"{fb.content}\n\n[Bổ sung {_when(now)}]\n{text}"
        fb.received_at = now
        try:
            deadlines.set_receipt_dues(fb)
        except CalendarError as exc:
            raise InvalidAction(f"Chưa có lịch làm việc để tính thời hạn: {exc}") from None
        return {"reason": text, "due": fb.answer_due_at}

    return _act(feedback, "supply_info", account, at=at, expected_revision=None, apply=apply, check_actor=check)


def classify(
    feedback,
    actor,
    *,
    kind: str | None = None,
    field=None,
    unit: Unit | None = None,
    note: str = "",
    at=None,
    expected_revision=None,
) -> Feedback:
    """Set kind and field (indicator 5.1) and, if needed, route to the responsible unit. Routing keeps
    the due moments: the limits run from receipt, whoever handles it."""
    if kind is not None and kind not in Kind.values:
        raise InvalidAction("Loại không hợp lệ.", errors={"kind": ["Loại không hợp lệ."]})
    if unit is not None and (not isinstance(unit, Unit) or not Unit.objects.filter(pk=unit.pk, active=True).exists()):
        raise InvalidAction("Đơn vị không tồn tại.", errors={"unit": ["Đơn vị không tồn tại hoặc đã ngừng hoạt động."]})

    def apply(fb: Feedback, now: datetime) -> dict[str, Any]:
        payload: dict[str, Any] = {"reason": (note or "").strip()}
        if kind is not None and kind != fb.kind:
            payload["kind"] = [fb.kind, kind]
            fb.kind = kind
        if field is not None and field.pk != fb.field_id:
            payload["field"] = [fb.field_id, field.pk]
            fb.field = field
        if unit is not None and unit.pk != fb.unit_id:
            payload["routed"] = [fb.unit_id, unit.pk]
            payload["from_unit"] = fb.unit.name
            fb.unit = unit
        if fb.classified_at is None:
            fb.classified_at = now
        return payload

    return _act(feedback, "classify", actor, at=at, expected_revision=expected_revision, apply=apply)


def answer(
    feedback, actor, *, text: str, signer: str, at=None, expected_revision=None, wants_public: bool | None = None
) -> Feedback:
    """The official answer, signed by ``signer`` (name and position); the publication limit starts."""
    text = _required(text, "text", "Hãy nhập nội dung trả lời.")
    signer = _required(signer, "signer", "Hãy ghi người ký (họ tên, chức vụ).")

    def apply(fb: Feedback, now: datetime) -> dict[str, Any]:
        fb.answer = text
        fb.answer_signer = signer
        fb.answered_by = actor
        fb.answered_at = now
        if wants_public is not None:
            fb.wants_public = wants_public
        fb.publish_due_at = deadlines.due_after(fb.unit, now, deadlines.PUBLISH) if fb.wants_public else None
        return {"due": fb.answer_due_at, "late": now > fb.answer_due_at, "notify": "feedback_answered"}

    return _act(feedback, "answer", actor, at=at, expected_revision=expected_revision, apply=apply)


def personal_data_in(feedback: Feedback, *texts: str) -> list[str]:
    """Which of the submitter's own data (name, phone, e-mail, address) appear in ``texts``."""
    haystack = " ".join(texts).casefold()
    digits = re.sub(r"\D", "", " ".join(texts))
    found = []
    for label, value in (("họ tên", feedback.name), ("thư điện tử", feedback.email), ("địa chỉ", feedback.address)):
        if value and len(value.strip()) >= 4 and value.strip().casefold() in haystack:
            found.append(label)
    phone = re.sub(r"\D", "", feedback.phone or "")
    if len(phone) >= 6 and (phone in digits or phone.lstrip("0") in digits):
        found.append("số điện thoại")
    return found


def publish(
    feedback,
    actor,
    *,
    title: str,
    question: str,
    answer_text: str,
    no_personal_data: bool,
    at=None,
    expected_revision=None,
) -> Feedback:
    """Publish the officer-edited copy of title, question and answer, without the submitter's personal data."""
    title = _required(title, "title", "Hãy nhập tiêu đề công khai.")
    question = _required(question, "question", "Hãy nhập nội dung phản ánh để công khai.")
    answer_text = _required(answer_text, "answer_text", "Hãy nhập nội dung trả lời để công khai.")
    if not no_personal_data:
        message = "Hãy xác nhận nội dung công khai không có thông tin cá nhân."
        raise InvalidAction(message, errors={"no_personal_data": [message]})

    def apply(fb: Feedback, now: datetime) -> dict[str, Any]:
        if not fb.wants_public:
            raise Conflict("Người gửi không đồng ý công khai phản ánh này.")
        found = personal_data_in(fb, title, question, answer_text)
        if found:
            message = f"Nội dung công khai còn thông tin cá nhân của người gửi ({', '.join(found)}); hãy xóa đi."
            raise InvalidAction(message, errors={"question": [message]})
        fb.public_title = title
        fb.public_question = question
        fb.public_answer = answer_text
        fb.published_at = now
        fb.published_by = actor
        return {"due": fb.publish_due_at, "late": fb.publish_due_at is not None and now > fb.publish_due_at}

    return _act(feedback, "publish", actor, at=at, expected_revision=expected_revision, apply=apply)


# --- votes ---------------------------------------------------------------------------------------


def vote(feedback: Feedback, *, voter: str, value: int) -> FeedbackVote:
    """One opinion per visitor on a published answer; voting again replaces the earlier opinion."""
    if value not in Vote.values:
        raise InvalidAction("Đánh giá không hợp lệ.")
    if not voter:
        raise InvalidAction("Không xác định được người đánh giá.")
    with transaction.atomic():
        locked = _lock(feedback)
        if locked.status != Status.PUBLISHED:
            raise Conflict("Chỉ đánh giá được trả lời đã công khai.")
        row, _created = FeedbackVote.objects.update_or_create(
            feedback=locked, voter=voter[:80], defaults={"value": value, "at": timezone.now()}
        )
    return row

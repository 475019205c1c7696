"""Back-office pages for feedback, under ``/can-bo/phan-anh/``: the queue of the officer's units and the
desk where each allowed action has its form. Pages validate and call ``feedback.actions``; refusals come
back as 400 (input), 403 (another unit's feedback) or 409 (someone acted first)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from motcua.backoffice.desk import open_mark
from motcua.backoffice.views import officer_required
from motcua.feedback import actions, workflow
from motcua.feedback.forms import ACTION_FORMS, DANGER_ACTIONS, QueueFilterForm
from motcua.feedback.models import OPEN_STATUSES, Feedback, Status
from motcua.organizations.scoping import has_unit_perm, units_visible_to
from motcua.workcalendar.service import calendar_for

VIEW = "feedback.view_feedback"
PAGE_SIZE = 25


def visible_feedback(user):
    return Feedback.objects.filter(unit__in=units_visible_to(user, VIEW))


def _in_scope(user, code: str) -> Feedback:
    feedback = get_object_or_404(
        Feedback.objects.select_related("unit", "field", "procedure", "answered_by", "published_by"),
        code=actions.normalize_code(code),
    )
    if not has_unit_perm(user, VIEW, feedback.unit):
        raise PermissionDenied("Phản ánh này không thuộc phạm vi đơn vị của bạn.")
    return feedback


@never_cache
@require_GET
@officer_required
def queue(request: HttpRequest) -> HttpResponse:
    if not units_visible_to(request.user, VIEW).exists():
        raise PermissionDenied("Bạn không có vai trò xử lý phản ánh, kiến nghị.")
    form = QueueFilterForm(request.GET or None)
    rows = visible_feedback(request.user).select_related("unit")
    status = "open"
    text = ""
    if form.is_bound and form.is_valid():
        status = form.cleaned_data["status"]
        text = form.cleaned_data["q"].strip()
    if status == "open":
        rows = rows.filter(status__in=OPEN_STATUSES)
    elif status:
        rows = rows.filter(status=status)
    if text:
        rows = rows.filter(Q(code__icontains=text) | Q(subject__icontains=text))
    page = Paginator(rows.order_by("answer_due_at", "id"), PAGE_SIZE).get_page(request.GET.get("page"))
    calendar = calendar_for()
    now = timezone.now()
    items = [{"feedback": fb, "due": fb.next_due(), "mark": open_mark(calendar, fb.next_due(), now)} for fb in page]
    return render(request, "feedback/staff/queue.html", {"form": form, "page": page, "items": items})


def _offers(user, feedback: Feedback, bound: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    offers = []
    for transition in workflow.available(feedback.status):
        if transition.action == "publish" and not feedback.wants_public:
            continue
        if not has_unit_perm(user, transition.permission, feedback.unit):
            continue
        form = (bound or {}).get(transition.action) or ACTION_FORMS[transition.action](
            initial=_initial(transition.action, feedback), prefix=transition.action
        )
        offers.append(
            {
                "action": transition.action,
                "label": transition.label,
                "form": form,
                "danger": transition.action in DANGER_ACTIONS,
            }
        )
    return offers


def _initial(action: str, feedback: Feedback) -> dict[str, Any]:
    if action == "classify":
        return {"kind": feedback.kind, "field": feedback.field_id, "unit": feedback.unit_id}
    if action == "publish":
        return {"title": feedback.subject, "question": feedback.content, "answer_text": feedback.answer}
    return {}


def _desk(request, feedback: Feedback, *, bound=None, alert: str = "", status: int = 200) -> HttpResponse:
    calendar = calendar_for()
    now = timezone.now()
    due = feedback.next_due()
    return render(
        request,
        "feedback/staff/desk.html",
        {
            "feedback": feedback,
            "status_label": Status(feedback.status).label,
            "mark": open_mark(calendar, due, now),
            "events": feedback.events.select_related("actor", "unit").order_by("at", "id"),
            "offers": _offers(request.user, feedback, bound),
            "alert": alert,
        },
        status=status,
    )


@never_cache
@require_GET
@officer_required
def desk(request: HttpRequest, code: str) -> HttpResponse:
    return _desk(request, _in_scope(request.user, code))


@require_POST
@officer_required
def act(request: HttpRequest, code: str, action: str) -> HttpResponse:
    feedback = _in_scope(request.user, code)
    form_class = ACTION_FORMS.get(action)
    if form_class is None:
        raise Http404("Không có thao tác này.")
    form = form_class(request.POST, prefix=action)
    try:
        revision = int(request.POST.get("expected_revision", ""))
    except ValueError:
        revision = None
    if not form.is_valid():
        return _desk(request, feedback, bound={action: form}, status=400)
    data = form.cleaned_data
    calls = {
        "reject": lambda: actions.reject(feedback, request.user, reason=data["reason"], expected_revision=revision),
        "request_info": lambda: actions.request_info(
            feedback, request.user, what=data["what"], expected_revision=revision
        ),
        "classify": lambda: actions.classify(
            feedback,
            request.user,
            kind=data["kind"],
            field=data["field"],
            unit=data["unit"],
            note=data["note"],
            expected_revision=revision,
        ),
        "answer": lambda: actions.answer(
            feedback, request.user, text=data["text"], signer=data["signer"], expected_revision=revision
        ),
        "publish": lambda: actions.publish(
            feedback,
            request.user,
            title=data["title"],
            question=data["question"],
            answer_text=data["answer_text"],
            no_personal_data=data["no_personal_data"],
            expected_revision=revision,
        ),
    }
    try:
        done = calls[action]()
    except actions.NotPermitted as exc:
        raise PermissionDenied(exc.message) from None
    except actions.ActionError as exc:
        for name, errors in exc.errors.items():
            for error in errors:
                form.add_error(name if name in form.fields else None, error)
        feedback.refresh_from_db()
        return _desk(request, feedback, bound={action: form}, alert=exc.message, status=exc.status)
    messages.success(request, f"Đã thực hiện “{workflow.TRANSITIONS[action].label}” cho {done.code}.")
    if not has_unit_perm(request.user, VIEW, done.unit):
        return redirect("backoffice:feedback:queue")  # routed out of the officer's units
    return redirect("backoffice:feedback:desk", code=done.code)

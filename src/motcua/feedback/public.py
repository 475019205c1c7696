"""Public pages: submit a feedback, track it by code and lookup secret, read published answers, vote.

Work without JavaScript. Personal data (name, contact, address) is shown only on the tracking page to
whoever holds the lookup secret or the submitting account; the list and answer pages show only the copy
an officer published. Submissions and votes are rate limited per client (``feedback_submit`` and
``feedback_vote`` in REST_FRAMEWORK's throttle rates); tracking shares ``public_lookup`` with the
dossier tracking page. No CAPTCHA: a hidden honeypot field and the rate limit instead.
"""

from __future__ import annotations

import logging
import uuid
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST
from rest_framework.throttling import ScopedRateThrottle

from motcua.catalog.models import Field
from motcua.dossiers.models import Dossier
from motcua.feedback import actions
from motcua.feedback.forms import AnswerFilterForm, SubmitForm, SupplyForm
from motcua.feedback.models import Feedback, FeedbackEvent, FeedbackVote, Status, Vote
from motcua.organizations.models import Unit

logger = logging.getLogger(__name__)

VOTER_COOKIE = "motcua_voter"
VOTER_SALT = "motcua.feedback.voter"
VOTER_MAX_AGE = 3 * 365 * 24 * 3600
PAGE_SIZE = 20

SENTENCES = {
    "submit": "Đã tiếp nhận phản ánh, kiến nghị.",
    "reject": "Cơ quan không tiếp nhận xử lý phản ánh, kiến nghị.",
    "request_info": "Cơ quan đề nghị bổ sung thông tin.",
    "supply_info": "Đã nhận thông tin bổ sung; thời hạn xử lý được tính lại.",
    "classify": "Phản ánh, kiến nghị đã được phân loại, chuyển đơn vị có thẩm quyền xử lý.",
    "answer": "Cơ quan đã trả lời.",
    "publish": "Nội dung trả lời đã được công khai.",
}
REASONED = {"reject", "request_info"}


class _Scope:
    def __init__(self, scope: str) -> None:
        self.throttle_scope = scope


def throttled(request: HttpRequest, scope: str) -> float | None:
    """None if the request may go on; otherwise seconds to wait."""
    throttle = ScopedRateThrottle()
    if throttle.allow_request(request, _Scope(scope)):
        return None
    return throttle.wait() or 60


def _wait_text(wait: float) -> str:
    minutes = max(1, round(wait / 60))
    return f"Bạn đã gửi quá nhiều lần. Xin thử lại sau khoảng {minutes} phút."


def default_unit(dossier_code: str) -> Unit | None:
    """Where a feedback goes when the submitter did not choose: the unit handling the related dossier,
    otherwise the top of the tree (the provincial office forwards it)."""
    if dossier_code:
        dossier = Dossier.objects.filter(code=dossier_code.strip().upper()).select_related("handling_unit").first()
        if dossier is not None and dossier.handling_unit.active:
            return dossier.handling_unit
    return Unit.objects.filter(parent__isnull=True, active=True).order_by("path").first()


def _initial_for(user) -> dict[str, Any]:
    if not getattr(user, "is_authenticated", False) or not hasattr(user, "citizen_profile"):
        return {}
    profile = user.citizen_profile
    return {
        "name": user.get_full_name(),
        "email": user.email,
        "phone": getattr(user, "phone", "") or "",
        "address": profile.address,
    }


@require_http_methods(["GET", "POST"])
def submit(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        return render(request, "feedback/submit.html", {"form": SubmitForm(initial=_initial_for(request.user))})
    wait = throttled(request, "feedback_submit")
    if wait is not None:
        form = SubmitForm(request.POST)
        return render(request, "feedback/submit.html", {"form": form, "error": _wait_text(wait)}, status=429)
    form = SubmitForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        unit = data["unit"] or default_unit(data["dossier_code"])
        citizen = request.user if getattr(request.user, "is_authenticated", False) else None
        try:
            feedback = actions.submit(
                actions.Submission(
                    kind=data["kind"],
                    subject=data["subject"],
                    content=data["content"],
                    name=data["name"],
                    email=data["email"],
                    phone=data["phone"],
                    address=data["address"],
                    procedure=data["procedure_code"],
                    dossier_code=data["dossier_code"],
                    wants_public=data["wants_public"],
                    unit=unit,
                ),
                account=citizen,
            )
        except actions.ActionError as exc:
            for name, errors in exc.errors.items():
                for error in errors:
                    form.add_error(name if name in form.fields else None, error)
            if not exc.errors:
                form.add_error(None, exc.message)
        else:
            messages.success(
                request,
                f"Đã gửi phản ánh, kiến nghị. Mã: {feedback.code}; mã tra cứu: {feedback.lookup_secret}. "
                "Hãy ghi lại hai mã này để theo dõi kết quả.",
            )
            return redirect(f"{reverse('feedback:track')}?ma={feedback.code}&secret={feedback.lookup_secret}")
    return render(request, "feedback/submit.html", {"form": form}, status=400)


def _timeline(feedback: Feedback) -> list[dict[str, Any]]:
    return [
        {
            "at": timezone.localtime(event.at),
            "text": SENTENCES.get(event.action, "Phản ánh được cập nhật."),
            "reason": event.reason if event.action in REASONED else "",
        }
        for event in FeedbackEvent.objects.filter(feedback=feedback).order_by("at", "id")
    ]


@require_http_methods(["GET", "POST"])
def track(request: HttpRequest) -> HttpResponse:
    """By code and lookup secret (or as the submitting account): status, history, the answer, and the
    form to add information when asked. Wrong secret and unknown code get the same answer."""
    source = request.POST if request.method == "POST" else request.GET
    code = actions.normalize_code(source.get("ma", ""))
    given = source.get("secret", "")
    context: dict[str, Any] = {"ma": code, "secret": given.strip()[:32]}
    if not code:
        return render(request, "feedback/track.html", context)
    wait = throttled(request, "public_lookup")
    if wait is not None:
        context["error"] = _wait_text(wait)
        return render(request, "feedback/track.html", context, status=429)
    feedback = Feedback.objects.filter(code=code).select_related("unit").first()
    owner = (
        feedback is not None
        and getattr(request.user, "is_authenticated", False)
        and feedback.account_id == request.user.pk
    )
    if feedback is None or not (owner or actions.secret_matches(feedback, given)):
        if feedback is not None and given:
            logger.warning("feedback tracking: wrong lookup secret for feedback id=%s", feedback.pk)
        context["error"] = "Không tìm thấy phản ánh với mã và mã tra cứu này. Hãy kiểm tra lại."
        return render(request, "feedback/track.html", context, status=404)
    supply_form = SupplyForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST" and supply_form.is_valid():
        try:
            feedback = actions.supply_info(
                feedback,
                text=supply_form.cleaned_data["text"],
                secret=given,
                account=request.user if owner else None,
            )
        except actions.ActionError as exc:
            supply_form.add_error(None, exc.message)
            status = exc.status
        else:
            messages.success(request, "Đã nhận thông tin bổ sung. Thời hạn xử lý được tính lại từ bây giờ.")
            return redirect(f"{reverse('feedback:track')}?ma={feedback.code}&secret={feedback.lookup_secret}")
    elif request.method == "POST":
        status = 400
    context.update(
        {
            "feedback": feedback,
            "status_label": Status(feedback.status).label,
            "timeline": _timeline(feedback),
            "supply_form": supply_form if feedback.status == Status.MORE_INFO else None,
            "secret": feedback.lookup_secret,
        }
    )
    return render(request, "feedback/track.html", context, status=status)


def _published():
    return Feedback.objects.filter(status=Status.PUBLISHED)


def answers(request: HttpRequest) -> HttpResponse:
    """The published answers, newest first, with search and filters by field and by unit."""
    published = _published()
    fields = Field.objects.filter(pk__in=published.values("field")).order_by("name")
    units = Unit.objects.filter(pk__in=published.values("unit")).order_by("path")
    form = AnswerFilterForm(request.GET or None, fields=fields, units=units)
    rows = published.select_related("unit", "field").only(
        "code", "public_title", "public_question", "published_at", "unit__name", "field__name", "kind"
    )
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        for token in (data.get("q") or "").split()[:8]:
            rows = rows.filter(
                Q(public_title__icontains=token)
                | Q(public_question__icontains=token)
                | Q(public_answer__icontains=token)
            )
        if data.get("field"):
            rows = rows.filter(field=data["field"])
        if data.get("unit"):
            rows = rows.filter(unit__path__startswith=data["unit"].path)
    page = Paginator(rows.order_by("-published_at", "-id"), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "feedback/answers.html", {"form": form, "page": page})


def voter_of(request: HttpRequest) -> tuple[str, str | None]:
    """The visitor's voting identity, and a new cookie value to set if an anonymous visitor has none."""
    if getattr(request.user, "is_authenticated", False):
        return f"u{request.user.pk}", None
    value = request.get_signed_cookie(VOTER_COOKIE, default="", salt=VOTER_SALT)
    if value:
        return f"c{value}", None
    value = uuid.uuid4().hex
    return f"c{value}", value


def _counts(feedback: Feedback) -> dict[str, int]:
    tally = FeedbackVote.objects.filter(feedback=feedback).aggregate(
        useful=Count("pk", filter=Q(value=Vote.USEFUL)), not_useful=Count("pk", filter=Q(value=Vote.NOT_USEFUL))
    )
    return {"useful": tally["useful"], "not_useful": tally["not_useful"]}


def answer_detail(request: HttpRequest, code: str) -> HttpResponse:
    feedback = get_object_or_404(_published().select_related("unit", "field"), code=actions.normalize_code(code))
    voter, _new = voter_of(request)
    mine = FeedbackVote.objects.filter(feedback=feedback, voter=voter).values_list("value", flat=True).first()
    return render(
        request,
        "feedback/answer_detail.html",
        {"feedback": feedback, "counts": _counts(feedback), "mine": mine},
    )


@require_POST
def vote(request: HttpRequest, code: str) -> HttpResponse:
    feedback = get_object_or_404(_published(), code=actions.normalize_code(code))
    url = reverse("feedback:answer", args=[feedback.code])
    wait = throttled(request, "feedback_vote")
    if wait is not None:
        messages.error(request, _wait_text(wait))
        return redirect(url)
    try:
        value = int(request.POST.get("value", ""))
    except ValueError:
        value = 0
    voter, new_cookie = voter_of(request)
    try:
        actions.vote(feedback, voter=voter, value=value)
    except actions.ActionError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "Cảm ơn bạn đã đánh giá câu trả lời.")
    response = redirect(f"{url}#danh-gia")
    if new_cookie:
        response.set_signed_cookie(
            VOTER_COOKIE,
            new_cookie,
            salt=VOTER_SALT,
            max_age=VOTER_MAX_AGE,
            httponly=True,
            samesite="Lax",
            secure=request.is_secure(),
        )
    return response

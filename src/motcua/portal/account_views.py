"""Citizen accounts: sign-up with a verification code, login by phone or email, profile, "my dossiers".

Citizens are ``User`` rows with a ``CitizenProfile`` and no role: the back office answers them 403 and
the admin (``is_staff`` off) never lets them in.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth import get_user_model, login
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods

from motcua.accounts.backends import username_for
from motcua.accounts.lockout import locked_until
from motcua.accounts.views import LoginView
from motcua.dossiers.models import Dossier, Status
from motcua.portal import oidc, verification
from motcua.portal.forms import CitizenLoginForm, ProfileForm, SignUpForm, VerifyForm
from motcua.portal.models import CitizenProfile, SubmissionDraft

BACKEND = "motcua.accounts.backends.LockoutModelBackend"
PENDING = "citizen_pending_verification"


def citizen_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Signed in with a citizen account; anonymous visitors go to the citizen login page."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), resolve_url("citizen:login"))
        if not hasattr(request.user, "citizen_profile"):
            raise PermissionDenied("Trang này dành cho tài khoản công dân, tổ chức trên Cổng dịch vụ công.")
        return view(request, *args, **kwargs)

    return wrapper


def _safe_next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        return target
    return ""


def mask_email(value: str) -> str:
    name, _, domain = value.partition("@")
    return f"{name[:1]}***@{domain}" if domain else ""


def mask_phone(value: str) -> str:
    return f"{value[:3]}*****{value[-2:]}" if len(value) >= 6 else ""


@require_http_methods(["GET", "POST"])
def sign_up(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("citizen:my-dossiers")
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with transaction.atomic():
            _drop_unverified(data["phone"], data["email"])
            user = get_user_model().objects.create_user(
                username=f"cd-{uuid.uuid4().hex[:16]}",
                password=data["password1"],
                email=data["email"],
                phone=data["phone"],
                full_name=data["full_name"],
                is_active=False,
            )
            CitizenProfile.objects.create(
                user=user,
                kind=data["kind"],
                id_number=data["id_number"],
                organization_name=data["organization_name"],
                tax_code=data["tax_code"],
            )
            verification.issue(user)
        request.session[PENDING] = user.pk
        target = resolve_url("citizen:verify")
        next_url = _safe_next(request)
        return redirect(f"{target}?next={next_url}" if next_url else target)
    return render(request, "portal/account/sign_up.html", {"form": form.described(), "next": _safe_next(request)})


def _drop_unverified(phone: str, email: str) -> None:
    """A sign-up never verified leaves its phone and email free for a new attempt."""
    condition = Q()
    if phone:
        condition |= Q(phone=phone)
    if email:
        condition |= Q(email__iexact=email)
    if condition:
        get_user_model().objects.filter(condition, is_active=False, citizen_profile__verified_at=None).delete()


@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    user = get_user_model().objects.filter(pk=request.session.get(PENDING), is_active=False).first()
    if user is None:
        messages.info(request, "Không có tài khoản nào đang chờ xác minh. Hãy đăng nhập hoặc đăng ký.")
        return redirect("citizen:login")
    form = VerifyForm(request.POST or None)
    if request.method == "POST" and "resend" in request.POST:
        wait = verification.seconds_before_resend(user)
        if wait:
            messages.warning(request, f"Vui lòng chờ {wait} giây rồi yêu cầu mã mới.")
        else:
            verification.issue(user)
            messages.success(request, "Đã gửi mã xác minh mới. Mã cũ không còn dùng được.")
        return redirect(request.get_full_path())
    if request.method == "POST" and form.is_valid():
        try:
            verification.check(user, form.cleaned_data["code"])
        except verification.CodeError as exc:
            form.add_error("code", exc.message)
        else:
            with transaction.atomic():
                user.is_active = True
                user.save(update_fields=["is_active"])
                CitizenProfile.objects.filter(user=user).update(verified_at=timezone.now())
            del request.session[PENDING]
            login(request, user, backend=BACKEND)
            messages.success(request, "Tài khoản đã được xác minh. Chào mừng bạn đến Cổng dịch vụ công.")
            return redirect(_safe_next(request) or "citizen:profile")
    context = {
        "form": form.described(),
        "sent_to": [v for v in (mask_email(user.email), mask_phone(user.phone)) if v],
        "minutes": verification.CODE_MINUTES,
        "next": _safe_next(request),
    }
    return render(request, "portal/account/verify.html", context)


class CitizenLoginView(LoginView):
    """Login by phone, email (or an officer's username): the same backend and lockout as the staff page."""

    template_name = "portal/account/login.html"
    authentication_form = CitizenLoginForm

    def form_invalid(self, form):
        pending = self._unverified(form)
        if pending is not None:
            self.request.session[PENDING] = pending.pk
            if not verification.seconds_before_resend(pending):
                verification.issue(pending)
            messages.info(self.request, "Tài khoản chưa được xác minh: hãy nhập mã xác minh vừa được gửi cho bạn.")
            return redirect("citizen:verify")
        return super().form_invalid(form)

    def _unverified(self, form):
        """An unverified sign-up whose password was typed right is sent to finish verification."""
        identifier = form.cleaned_data.get("username") or ""
        password = self.request.POST.get("password") or ""
        if not identifier or not password or locked_until(identifier):
            return None
        user = (
            get_user_model()
            .objects.filter(username=username_for(identifier), is_active=False, citizen_profile__verified_at=None)
            .first()
        )
        return user if user is not None and user.check_password(password) else None

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["oidc"] = oidc.config()
        return context


@citizen_required
@require_http_methods(["GET", "POST"])
def profile(request: HttpRequest) -> HttpResponse:
    citizen = request.user.citizen_profile
    initial = {
        "full_name": request.user.full_name,
        "id_number": citizen.id_number,
        "date_of_birth": citizen.date_of_birth,
        "address": citizen.address,
        "commune_code": citizen.commune.code if citizen.commune_id else "",
        "organization_name": citizen.organization_name,
        "tax_code": citizen.tax_code,
    }
    form = ProfileForm(request.POST or None, initial=initial, profile=citizen)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        request.user.full_name = data["full_name"]
        request.user.save(update_fields=["full_name"])
        for name in ("id_number", "date_of_birth", "address", "organization_name", "tax_code"):
            if name in form.fields:
                setattr(citizen, name, data[name])
        citizen.commune = data["commune_code"]
        citizen.save()
        messages.success(request, "Đã lưu thông tin cá nhân.")
        return redirect("citizen:profile")
    return render(request, "portal/account/profile.html", {"form": form.described(), "citizen": citizen})


@citizen_required
def my_dossiers(request: HttpRequest) -> HttpResponse:
    dossiers = (
        Dossier.objects.filter(account=request.user)
        .select_related("procedure", "receiving_unit")
        .only(
            "code",
            "status",
            "submitted_at",
            "due_at",
            "rescheduled_due_at",
            "procedure__code",
            "procedure__name",
            "receiving_unit__name",
        )
        .order_by("-submitted_at", "-id")[:200]
    )
    drafts = SubmissionDraft.objects.filter(account=request.user).select_related("procedure")
    context = {"dossiers": dossiers, "drafts": drafts, "statuses": Status}
    return render(request, "portal/account/my_dossiers.html", context)

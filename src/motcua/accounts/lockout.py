"""Account lockout after repeated failed logins.

After ``MOTCUA_LOCKOUT_ATTEMPTS`` failures within ``MOTCUA_LOCKOUT_MINUTES`` minutes, a username is
locked for that many minutes, whatever password is typed — the right one included — so that a
guessing script learns nothing. A successful login clears the record.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone

from motcua.accounts.models import LoginFailure


def _key(username: str) -> str:
    return (username or "").strip().casefold()


def _window() -> timedelta:
    return timedelta(minutes=settings.MOTCUA_LOCKOUT_MINUTES)


def locked_until(username: str, now: datetime | None = None) -> datetime | None:
    """When the lock on ``username`` ends, or None if it is not locked."""
    now = now or timezone.now()
    recent = list(
        LoginFailure.objects.filter(username=_key(username), at__gte=now - _window())
        .order_by("-at")
        .values_list("at", flat=True)[: settings.MOTCUA_LOCKOUT_ATTEMPTS]
    )
    if len(recent) < settings.MOTCUA_LOCKOUT_ATTEMPTS:
        return None
    return recent[0] + _window()


def record_failure(username: str, ip_address: str | None) -> None:
    LoginFailure.objects.create(username=_key(username), ip_address=ip_address or None)


def clear_failures(username: str) -> None:
    LoginFailure.objects.filter(username=_key(username)).delete()


def lockout_message(until: datetime) -> str:
    minutes = max(1, int((until - timezone.now()).total_seconds() // 60) + 1)
    return (
        "Tài khoản tạm thời bị khóa do đăng nhập sai quá nhiều lần. "
        f"Vui lòng thử lại sau khoảng {minutes} phút hoặc liên hệ quản trị hệ thống."
    )

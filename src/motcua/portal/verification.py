"""Six-digit verification codes for new citizen accounts.

Only a hash of the code is stored. A code is valid for ``CODE_MINUTES`` minutes and allows
``MAX_ATTEMPTS`` wrong tries; after that, or once expired, the citizen asks for a new one, which
replaces every earlier code. A new code may be asked for at most once every ``RESEND_SECONDS``.
The code travels through the notifications outbox (template ``account_verification``).
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.contrib.auth.hashers import check_password, make_password
from django.db import transaction
from django.utils import timezone

from motcua.notifications import outbox
from motcua.portal.models import VerificationCode

CODE_MINUTES = 10
MAX_ATTEMPTS = 5
RESEND_SECONDS = 60
TEMPLATE_CODE = "account_verification"

logger = logging.getLogger(__name__)


class CodeError(Exception):
    """Why a typed code is refused, in words for the citizen; ``code`` tells tests and views which case."""

    def __init__(self, message: str, code: str):
        super().__init__(message)
        self.message = message
        self.code = code


@dataclass
class Issued:
    plain: str
    record: VerificationCode


def issue(user) -> Issued:
    """A new code for ``user`` (earlier unused codes stop working), queued for sending."""
    plain = f"{secrets.randbelow(10**6):06d}"
    now = timezone.now()
    with transaction.atomic():
        VerificationCode.objects.filter(user=user, used_at=None, replaced=False).update(replaced=True)
        record = VerificationCode.objects.create(
            user=user, code_hash=make_password(plain), expires_at=now + timedelta(minutes=CODE_MINUTES)
        )
        send(user, plain)
    return Issued(plain, record)


def seconds_before_resend(user) -> int:
    last = VerificationCode.objects.filter(user=user).order_by("-created_at").first()
    if last is None:
        return 0
    wait = RESEND_SECONDS - (timezone.now() - last.created_at).total_seconds()
    return max(0, int(wait) + (1 if wait > int(wait) else 0))


def send(user, plain: str) -> None:
    """Queue the code in the outbox, to the account's email address and phone (whichever it has)."""
    # The default template reads ``verification_code``/``valid_minutes``; ``code``/``minutes`` are kept too.
    context = {"code": plain, "minutes": CODE_MINUTES, "verification_code": plain, "valid_minutes": CODE_MINUTES}
    sent = outbox.enqueue(TEMPLATE_CODE, email=user.email or "", phone=user.phone or "", context=context)
    if not sent:
        logger.warning("verification code for account %s not queued: no channel is switched on", user.pk)


def check(user, typed: str) -> None:
    """Accept ``typed`` for ``user`` (marks the code used) or raise :class:`CodeError` with the reason."""
    typed = "".join(ch for ch in (typed or "") if ch.isdigit())
    now = timezone.now()
    with transaction.atomic():
        record = (
            VerificationCode.objects.select_for_update()
            .filter(user=user, used_at=None, replaced=False)
            .order_by("-created_at", "-id")
            .first()
        )
        if record is None:
            raise CodeError("Chưa có mã xác minh còn hiệu lực. Hãy bấm “Gửi mã mới”.", "none")
        if record.failed_attempts >= MAX_ATTEMPTS:
            raise CodeError(
                f"Bạn đã nhập sai {MAX_ATTEMPTS} lần, mã này không dùng được nữa. Hãy bấm “Gửi mã mới”.", "exhausted"
            )
        if record.expires_at <= now:
            raise CodeError(
                f"Mã xác minh đã hết hạn (mã chỉ có hiệu lực {CODE_MINUTES} phút). Hãy bấm “Gửi mã mới”.", "expired"
            )
        if len(typed) == 6 and check_password(typed, record.code_hash):
            record.used_at = now
            record.save(update_fields=["used_at"])
            return
        # A wrong try is counted and committed before the refusal is raised.
        record.failed_attempts += 1
        record.save(update_fields=["failed_attempts"])
    left = MAX_ATTEMPTS - record.failed_attempts
    if left <= 0:
        message = f"Mã xác minh không đúng. Bạn đã nhập sai {MAX_ATTEMPTS} lần; hãy bấm “Gửi mã mới”."
        raise CodeError(message, "exhausted")
    raise CodeError(f"Mã xác minh không đúng. Bạn còn {left} lần thử.", "wrong")

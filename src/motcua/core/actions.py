"""What every write path (``dossiers.actions``, ``feedback.actions``) shares: the refusals it raises, each with
the HTTP status the API answers with and a Vietnamese message (plus per-field errors for forms), and the
check of a caller-given moment (historical imports pass past ones; nothing may be dated in the future)."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils import timezone


class ActionError(Exception):
    """A refused action; ``status`` is the HTTP status the API answers with."""

    status = 400
    code = "invalid"

    def __init__(self, message: str, *, errors: dict[str, list[str]] | None = None):
        super().__init__(message)
        self.message = message
        self.errors = errors or {}


class InvalidAction(ActionError):
    status = 400
    code = "invalid"


class NotPermitted(ActionError):
    status = 403
    code = "permission_denied"


class Conflict(ActionError):
    status = 409
    code = "conflict"


def moment(at: datetime | None) -> datetime:
    """``at`` checked (aware, not in the future beyond a minute of clock skew), or now."""
    now = timezone.now()
    if at is None:
        return now
    if timezone.is_naive(at):
        raise InvalidAction("Thời điểm phải có múi giờ.")
    if at > now + timedelta(minutes=1):
        raise InvalidAction(f"Thời điểm {timezone.localtime(at):%H:%M %d/%m/%Y} ở tương lai.")
    return at

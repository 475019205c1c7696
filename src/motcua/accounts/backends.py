"""Authentication backend that refuses any login while the username is locked out.

Citizens sign in with their phone number or email address instead of a username: the backend finds
the one account holding it and checks the password as for a username, under the same lockout rules
(the lock is kept on what was typed, normalised, so ``0912 345 678`` and ``+84912345678`` are one key).
"""

from __future__ import annotations

import re

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied

from motcua.accounts.lockout import locked_until

_PHONE_RE = re.compile(r"^0\d{9,10}$")


def normalize_login(identifier: str) -> str:
    """The canonical form of a login name: emails lower-cased, phones as ``0xxxxxxxxx``, usernames as typed."""
    value = (identifier or "").strip()
    if "@" in value:
        return value.casefold()
    phone = re.sub(r"[\s.\-()]", "", value)
    if phone.startswith("+84"):
        phone = "0" + phone[3:]
    elif phone.startswith("84") and len(phone) in (11, 12):
        phone = "0" + phone[2:]
    return phone if _PHONE_RE.match(phone) else value


def username_for(identifier: str) -> str:
    """The username of the single account whose email or phone is ``identifier``; else ``identifier`` itself."""
    value = normalize_login(identifier)
    users = get_user_model()._default_manager
    if "@" in value:
        matches = list(users.filter(email__iexact=value).values_list("username", flat=True)[:2])
    elif _PHONE_RE.match(value):
        matches = list(users.filter(phone=value).values_list("username", flat=True)[:2])
    else:
        return identifier
    return matches[0] if len(matches) == 1 else identifier


class LockoutModelBackend(ModelBackend):
    """ModelBackend + lockout, so the admin login and the API are protected like the login page."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None:
            username = kwargs.get("username")
        if username and locked_until(username):
            # PermissionDenied stops Django trying other backends and fires user_login_failed.
            raise PermissionDenied("locked")
        if username:
            username = username_for(username)
        return super().authenticate(request, username=username, password=password, **kwargs)

    def _get_group_permissions(self, user_obj):
        """Groups the user is in, plus the groups of admin-granting roles the user holds.

        Unit-scoped permissions are answered by ``organizations.scoping``; only roles flagged
        ``grants_admin`` (system administrators) carry their permissions into the Django admin.
        """
        from django.contrib.auth.models import Permission
        from django.db.models import Q

        return Permission.objects.filter(
            Q(group__user=user_obj)
            | Q(
                group__role__grants_admin=True,
                group__role__assignments__user=user_obj,
                group__role__assignments__active=True,
            )
        ).distinct()

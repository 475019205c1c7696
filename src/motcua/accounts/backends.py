"""Authentication backend that refuses any login while the username is locked out."""

from __future__ import annotations

from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied

from motcua.accounts.lockout import locked_until


class LockoutModelBackend(ModelBackend):
    """ModelBackend + lockout, so the admin login and the API are protected like the login page."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None:
            username = kwargs.get("username")
        if username and locked_until(username):
            # PermissionDenied stops Django trying other backends and fires user_login_failed.
            raise PermissionDenied("locked")
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

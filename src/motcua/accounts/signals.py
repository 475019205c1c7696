"""Record failed logins and clear them on success, wherever the login happened."""

from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.dispatch import receiver

from motcua.accounts.lockout import clear_failures, locked_until, record_failure


def _client_ip(request) -> str | None:
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR")


@receiver(user_login_failed, dispatch_uid="motcua.accounts.failed")
def on_login_failed(sender, credentials, request=None, **kwargs) -> None:
    username = credentials.get("username")
    # Attempts during a lock are not counted, so a lock always ends on time and an attacker
    # cannot keep a real officer locked out indefinitely by hammering the form.
    if username and not locked_until(username):
        record_failure(username, _client_ip(request))


@receiver(user_logged_in, dispatch_uid="motcua.accounts.ok")
def on_logged_in(sender, request, user, **kwargs) -> None:
    clear_failures(user.get_username())

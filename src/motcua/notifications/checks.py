from __future__ import annotations

from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured


@checks.register()
def providers_configured(app_configs, **kwargs):
    """A misspelt provider name should stop ``migrate``/``runserver``, not the first message."""
    from motcua.notifications.providers import provider_for

    errors = []
    for channel in ("email", "sms"):
        try:
            provider_for(channel)
        except ImproperlyConfigured as exc:
            errors.append(checks.Error(str(exc), id="notifications.E001"))
    if (settings.MOTCUA_NOTIFY_SMS_PROVIDER or "").strip().lower() == "http" and not settings.MOTCUA_SMS_HTTP_URL:
        errors.append(checks.Error("MOTCUA_NOTIFY_SMS_PROVIDER=http cần MOTCUA_SMS_HTTP_URL.", id="notifications.E002"))
    return errors

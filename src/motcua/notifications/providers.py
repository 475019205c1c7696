"""Delivery providers, one registry for every channel.

A provider turns one ``Message`` into one delivery and returns the provider's id for it. It raises
``DeliveryError`` with a text safe to store (no address, no number): the outbox then retries later, or
gives up at once when ``permanent`` is set (an address the server refuses will not get better).

Adding a provider: subclass ``Provider``, decorate with ``@register("name")``, and select it with
``MOTCUA_NOTIFY_EMAIL_PROVIDER`` or ``MOTCUA_NOTIFY_SMS_PROVIDER`` (docs/notifications.md).
"""

from __future__ import annotations

import json
import logging
import smtplib
import urllib.error
import urllib.request
import uuid
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.mail import EmailMessage, get_connection
from django.core.mail.message import make_msgid

from motcua.notifications.masking import mask_phone

if TYPE_CHECKING:
    from motcua.notifications.models import Message

logger = logging.getLogger("motcua.notifications")


class DeliveryError(Exception):
    """A failed delivery; the text is stored on the message and shown in the admin, so no personal data."""

    def __init__(self, text: str, *, permanent: bool = False):
        super().__init__(text)
        self.permanent = permanent


class Provider:
    name = ""
    channel = ""

    def send(self, message: Message) -> str:
        raise NotImplementedError


REGISTRY: dict[str, type[Provider]] = {}


def register(name: str):
    def decorate(cls: type[Provider]) -> type[Provider]:
        cls.name = name
        REGISTRY[name] = cls
        return cls

    return decorate


DISABLED = {"", "none", "off"}


def provider_for(channel: str) -> Provider | None:
    """The configured provider of a channel, or None when the channel is switched off."""
    setting = "MOTCUA_NOTIFY_EMAIL_PROVIDER" if channel == "email" else "MOTCUA_NOTIFY_SMS_PROVIDER"
    name = (getattr(settings, setting, "") or "").strip().lower()
    if name in DISABLED:
        return None
    try:
        cls = REGISTRY[name]
    except KeyError:
        raise ImproperlyConfigured(f"{setting}={name!r}: không có nhà cung cấp này ({', '.join(REGISTRY)}).") from None
    if cls.channel != channel:
        raise ImproperlyConfigured(f"{setting}={name!r} không gửi được kênh {channel}.")
    return cls()


@register("smtp")
class SmtpEmail(Provider):
    """E-mail through Django's e-mail backend (EMAIL_URL): SMTP in production, console or locmem when trying."""

    channel = "email"

    def send(self, message: Message) -> str:
        msgid = make_msgid(domain=_domain(settings.MOTCUA_NOTIFY_FROM))
        email = EmailMessage(
            subject=message.subject,
            body=message.body,
            from_email=settings.MOTCUA_NOTIFY_FROM,
            to=[message.recipient],
            headers={"Message-ID": msgid, "Auto-Submitted": "auto-generated"},
            connection=get_connection(fail_silently=False),
        )
        try:
            email.send()
        except smtplib.SMTPRecipientsRefused as exc:
            codes = sorted({code for code, _text in exc.recipients.values()})
            raise DeliveryError(
                f"Máy chủ thư từ chối địa chỉ người nhận (mã {', '.join(map(str, codes))}).",
                permanent=all(500 <= code < 600 for code in codes),
            ) from None
        except smtplib.SMTPResponseException as exc:
            raise DeliveryError(f"Máy chủ thư trả lỗi {exc.smtp_code}.", permanent=False) from None
        except (smtplib.SMTPException, OSError) as exc:  # refused, timed out, TLS, DNS
            raise DeliveryError(f"Không kết nối được máy chủ thư ({type(exc).__name__}).") from None
        return msgid.strip("<>")


def _domain(address: str) -> str:
    return address.rpartition("@")[2].strip("> ") or "localhost"


@register("log")
class LogSms(Provider):
    """No SMS gateway: writes one log line (template and masked number) so the flow can be tried."""

    channel = "sms"

    def send(self, message: Message) -> str:
        logger.info(
            "SMS (log provider) message=%s template=%s to=%s chars=%d",
            message.pk,
            message.template_code,
            mask_phone(message.recipient),
            len(message.body),
        )
        return f"log-{uuid.uuid4().hex[:12]}"


@register("http")
class HttpSms(Provider):
    """A template for an SMS gateway with a JSON API (adapt ``payload`` and ``message_id`` to the vendor).

    POSTs ``{"to", "text", "reference"}`` to MOTCUA_SMS_HTTP_URL with ``Authorization: Bearer
    MOTCUA_SMS_HTTP_TOKEN``; a 2xx answer is a success and its JSON ``id`` (or ``message_id``) is kept.
    4xx other than 408/429 is permanent (the request itself is wrong); everything else is retried."""

    channel = "sms"

    def payload(self, message: Message) -> dict:
        return {"to": message.recipient, "text": message.body, "reference": str(message.pk)}

    def message_id(self, answer: dict) -> str:
        return str(answer.get("id") or answer.get("message_id") or "")

    def send(self, message: Message) -> str:
        url = settings.MOTCUA_SMS_HTTP_URL
        if not url:
            raise DeliveryError("Chưa cấu hình MOTCUA_SMS_HTTP_URL.")
        if not url.startswith(("https://", "http://")):
            raise DeliveryError("MOTCUA_SMS_HTTP_URL phải bắt đầu bằng https:// hoặc http://.", permanent=True)
        request = urllib.request.Request(  # noqa: S310 (scheme checked above)
            url,
            data=json.dumps(self.payload(message), ensure_ascii=False).encode(),
            method="POST",
            headers={"Content-Type": "application/json; charset=utf-8", "Accept": "application/json"},
        )
        if settings.MOTCUA_SMS_HTTP_TOKEN:
            request.add_header("Authorization", f"Bearer {settings.MOTCUA_SMS_HTTP_TOKEN}")
        try:
            with urllib.request.urlopen(request, timeout=settings.MOTCUA_SMS_HTTP_TIMEOUT) as response:  # noqa: S310
                raw = response.read()
        except urllib.error.HTTPError as exc:
            permanent = 400 <= exc.code < 500 and exc.code not in (408, 429)
            raise DeliveryError(f"Cổng SMS trả lỗi HTTP {exc.code}.", permanent=permanent) from None
        except OSError as exc:  # URLError, timeouts, refused connections
            raise DeliveryError(f"Không kết nối được cổng SMS ({type(exc).__name__}).") from None
        try:
            answer = json.loads(raw or b"{}")
        except ValueError:
            answer = {}
        return self.message_id(answer if isinstance(answer, dict) else {})

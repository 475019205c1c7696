"""The payment-provider registry: one plugin per gateway, enabled by ``MOTCUA_PAYMENT_PROVIDERS``.

A plugin is a ``PaymentProvider`` subclass registered with ``@register``; see docs/payments.md."""

from __future__ import annotations

from django.conf import settings

from motcua.payments.providers.base import Callback, CallbackRejected, PaymentProvider

_registry: dict[str, type[PaymentProvider]] = {}


def register(cls: type[PaymentProvider]) -> type[PaymentProvider]:
    if cls.code in _registry and _registry[cls.code] is not cls:
        raise ValueError(f"payment provider {cls.code!r} is already registered")
    _registry[cls.code] = cls
    return cls


def _load() -> None:
    from motcua.payments.providers import sandbox  # noqa: F401 - registers itself


def enabled() -> list[PaymentProvider]:
    _load()
    return [_registry[code]() for code in getattr(settings, "MOTCUA_PAYMENT_PROVIDERS", []) if code in _registry]


def get(code: str) -> PaymentProvider | None:
    """An enabled provider by code, or None (a disabled gateway's callbacks are refused too)."""
    for provider in enabled():
        if provider.code == code:
            return provider
    return None


__all__ = ["Callback", "CallbackRejected", "PaymentProvider", "enabled", "get", "register"]

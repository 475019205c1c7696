"""The sandbox gateway's secret is refused in production like the default SECRET_KEY."""

from __future__ import annotations

from tests.test_settings import GOOD_KEY, load, values


def test_production_does_not_enable_the_sandbox_by_default():
    assert values({"SECRET_KEY": GOOD_KEY}, "MOTCUA_PAYMENT_PROVIDERS")["MOTCUA_PAYMENT_PROVIDERS"] == []


def test_production_refuses_the_sandbox_with_the_default_secret():
    result = load({"SECRET_KEY": GOOD_KEY, "MOTCUA_PAYMENT_PROVIDERS": "sandbox"}, "DEBUG")
    assert result.returncode != 0 and "MOTCUA_PAYMENT_SANDBOX_SECRET is not set" in result.stderr
    ok = {"SECRET_KEY": GOOD_KEY, "MOTCUA_PAYMENT_PROVIDERS": "sandbox", "MOTCUA_PAYMENT_SANDBOX_SECRET": "s" * 40}
    assert values(ok, "MOTCUA_PAYMENT_PROVIDERS")["MOTCUA_PAYMENT_PROVIDERS"] == ["sandbox"]


def test_debug_mode_enables_the_sandbox_for_trying_it():
    assert values({"MOTCUA_DEBUG": "1"}, "MOTCUA_PAYMENT_PROVIDERS")["MOTCUA_PAYMENT_PROVIDERS"] == ["sandbox"]

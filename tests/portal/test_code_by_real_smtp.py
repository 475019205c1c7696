"""The verification code reaches the citizen through the outbox and a real SMTP server (aiosmtpd)."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model

from tests.notifications.conftest import committed, immediate_tasks, smtp_server, smtp_settings  # noqa: F401
from tests.portal.conftest import sign_up

pytestmark = pytest.mark.django_db


def test_the_code_sent_by_smtp_activates_the_account(client, smtp_server, immediate_tasks, committed):  # noqa: F811
    with committed():
        sign_up(client, phone="")
    [mail] = smtp_server.inbox.messages
    assert mail["to"] == ["binh@example.org"]
    code = re.search(r"\b(\d{6})\b", mail["message"].get_body(("plain",)).get_content()).group(1)
    assert client.post("/cong-dan/xac-minh/", {"code": code}).status_code == 302
    assert get_user_model().objects.get(email="binh@example.org").is_active

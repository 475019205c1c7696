"""Real servers for the providers (an SMTP server by aiosmtpd, an HTTP SMS gateway by http.server), the
immediate task backend, and a dossier-flow helper that runs the on-commit reactions of each action."""

from __future__ import annotations

import json
import socket
import threading
from contextlib import contextmanager
from datetime import date
from email import message_from_bytes, policy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import time_machine
from aiosmtpd.controller import Controller

from motcua.dossiers.actions import ApplicantData
from tests.dossiers.conftest import birth, birth_intake, hue, staff, unit, vn  # noqa: F401 (fixtures)

APPLICANT_EMAIL = "nguyenvanan.test@example.vn"
APPLICANT_PHONE = "0912345678"
APPLICANT_ID = "046090001234"


def applicant(**changes) -> ApplicantData:
    values = dict(
        full_name="Nguyễn Văn An",
        id_number=APPLICANT_ID,
        phone=APPLICANT_PHONE,
        email=APPLICANT_EMAIL,
        date_of_birth=date(1990, 5, 1),
        address="12 Lê Lợi, phường Thuận Hóa",
    )
    values.update(changes)
    return ApplicantData(**values)


def intake(birth, **changes):  # noqa: F811 (the fixture's value is passed in)
    changes.setdefault("applicant", applicant())
    return birth_intake(birth, **changes)


def at(*args):
    return time_machine.travel(vn(*args), tick=False)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Inbox:
    """What the SMTP server received, parsed."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's hook name)
        parsed = message_from_bytes(envelope.original_content or envelope.content, policy=policy.default)
        self.messages.append({"to": list(envelope.rcpt_tos), "message": parsed})
        return "250 OK"


class SmtpServer:
    def __init__(self, port: int):
        self.port = port
        self.inbox = Inbox()
        self.controller = None

    def start(self):
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self):
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


@pytest.fixture
def smtp_settings(settings):
    """The e-mail backend pointed at a local port; the server itself is started by ``smtp_server``."""
    port = free_port()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 5
    settings.MOTCUA_NOTIFY_FROM = "motcua@hue.example.vn"
    settings.MOTCUA_NOTIFY_EMAIL_PROVIDER = "smtp"
    settings.MOTCUA_SITE_URL = "https://dichvucong.hue.example.vn"
    server = SmtpServer(port)
    yield server
    server.stop()


@pytest.fixture
def smtp_server(smtp_settings):
    smtp_settings.start()
    return smtp_settings


@pytest.fixture
def immediate_tasks(settings):
    """django-tasks' own way to test: the immediate backend runs each task as it is enqueued."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


class Gateway(BaseHTTPRequestHandler):
    def do_POST(self):  # noqa: N802
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.server.received.append({"path": self.path, "headers": dict(self.headers), "json": json.loads(body)})
        status = self.server.answers.pop(0) if self.server.answers else 200
        answer = json.dumps({"id": f"gw-{len(self.server.received)}"}).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def log_message(self, *args):  # keep test output clean
        pass


@pytest.fixture
def sms_gateway(settings):
    server = ThreadingHTTPServer(("127.0.0.1", 0), Gateway)
    server.received = []
    server.answers = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.MOTCUA_NOTIFY_SMS_PROVIDER = "http"
    settings.MOTCUA_SMS_HTTP_URL = f"http://127.0.0.1:{server.server_address[1]}/api/sms"
    settings.MOTCUA_SMS_HTTP_TOKEN = "gateway-token-123"
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """``with committed():`` runs what the block registers on commit (the dossier_changed signal, then the
    outbox's task), as a real commit would; the test database transaction itself is never committed."""

    @contextmanager
    def run():
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            yield callbacks
        with django_capture_on_commit_callbacks(execute=True):
            run_event_tasks()

    return run


def run_event_tasks() -> int:
    """Do what ``motcua db_worker`` does with the queued ``notify_dossier_event`` tasks (the dossier action
    only queues them); delivery tasks stay queued unless a test switches to the immediate backend."""
    from django_tasks_db.models import DBTaskResult

    done = 0
    for row in DBTaskResult.objects.ready().filter(task_path__endswith="notify_dossier_event").order_by("enqueued_at"):
        row.claim("test-worker")
        row.set_successful(row.task.call(*row.args_kwargs["args"], **row.args_kwargs["kwargs"]))
        done += 1
    return done

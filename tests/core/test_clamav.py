"""The virus scan against a real ClamAV daemon (Debian's clamav-daemon), started by the test.

There is no network, so freshclam cannot fetch the official database; the daemon loads only a signature
database written here: one extended (.ndb) body signature matching the EICAR anti-virus test string
anywhere in a file (docs.clamav.net, "Extended signature format": ``Name:TargetType:Offset:HexSignature``).
That is enough to prove the wiring — INSTREAM over a unix socket and over TCP, a hit refused, a daemon
gone refused (fail closed) — which is what motcua owns; detection quality is ClamAV's.

With this one-signature database clamd starts in well under a second and uses about 16 MB of memory.
"""

from __future__ import annotations

import logging
import os
import shutil
import socket
import subprocess
import time
from pathlib import Path

import pytest
import time_machine

from motcua.core import files
from motcua.dossiers import actions
from motcua.dossiers.actions import SubmittedDocument
from motcua.dossiers.models import Dossier
from tests.dossiers.conftest import birth, birth_intake, hue, staff, vn  # noqa: F401 (fixtures used below)
from tests.sample_files import JPEG, PDF, PNG

CLAMD = shutil.which("clamd", path="/usr/sbin:/usr/local/sbin:/usr/bin:/usr/local/bin")
# The EICAR test file: harmless, and by agreement detected by every anti-virus product. Written from two
# halves so this source file itself is not flagged by a scanner on a developer's machine.
EICAR = b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$" + b"EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"
SIGNATURE = "Motcua.Test.EICAR"
FOUND = f"{SIGNATURE}.UNOFFICIAL"  # clamd's name for a signature outside the official databases
STREAM_MAX = 2 * 1024 * 1024


class Clamd:
    """One clamd process with its own folder, socket, database and log; stopped at teardown."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.socket_path = folder / "clamd.sock"
        self.log = folder / "clamd.log"
        self.port = _free_port()
        database = folder / "db"
        database.mkdir()
        (database / "motcua-test.ndb").write_text(f"{SIGNATURE}:0:*:{EICAR.hex()}\n")
        self.config = folder / "clamd.conf"
        self.config.write_text(
            "\n".join(
                [
                    "Foreground yes",
                    f"LocalSocket {self.socket_path}",
                    f"TCPSocket {self.port}",
                    "TCPAddr 127.0.0.1",
                    f"DatabaseDirectory {database}",
                    f"TemporaryDirectory {folder}",
                    f"LogFile {self.log}",
                    f"StreamMaxLength {STREAM_MAX // (1024 * 1024)}M",
                    "Bytecode no",
                    "",
                ]
            )
        )
        self.process: subprocess.Popen | None = None

    def start(self, timeout: float = 60) -> Clamd:
        output = (self.folder / "clamd.out").open("wb")
        self.process = subprocess.Popen([CLAMD, "-c", str(self.config)], stdout=output, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"clamd exited with {self.process.returncode}:\n{self.diagnostics()}")
            if self.ping():
                return self
            time.sleep(0.05)
        self.stop()
        pytest.fail(f"clamd did not answer PING within {timeout} s:\n{self.diagnostics()}")

    def ping(self) -> bool:
        try:
            with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
                sock.settimeout(1)
                sock.connect(str(self.socket_path))
                sock.sendall(b"zPING\0")
                return sock.recv(16) == b"PONG\0"
        except OSError:
            return False

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)

    def diagnostics(self) -> str:
        return "\n".join(p.read_text(errors="replace") for p in (self.folder / "clamd.out", self.log) if p.exists())


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _require_clamd() -> None:
    if CLAMD is None:
        reason = "clamd is not installed (Debian package clamav-daemon)"
        if os.environ.get("MOTCUA_REQUIRE_OCR") == "1":
            pytest.fail(f"{reason}, and MOTCUA_REQUIRE_OCR=1 says this machine must run the scanner tests")
        pytest.skip(f"{reason}; install it to run the virus-scan tests")


def _start(tmp_path_factory) -> Clamd:
    _require_clamd()
    # A short folder name: a unix socket path may not exceed 107 bytes.
    return Clamd(tmp_path_factory.mktemp("clamd")).start()


@pytest.fixture(scope="module")
def clamd(tmp_path_factory):
    daemon = _start(tmp_path_factory)
    yield daemon
    daemon.stop()


@pytest.fixture
def scanning(settings, clamd):
    """Uploads are scanned by the module's clamd, through its unix socket."""
    settings.MOTCUA_CLAMD = str(clamd.socket_path)
    settings.MOTCUA_CLAMD_TIMEOUT = 10
    settings.MEDIA_ROOT = clamd.folder / "media"
    return clamd


def infected_pdf() -> bytes:
    """A real PDF that opens, with the EICAR string appended after %%EOF (as a trailing payload would be)."""
    return PDF + EICAR + b"\n%%EOF\n"


@pytest.mark.parametrize("content, name", [(PDF, "to-khai.pdf"), (PNG, "anh.png"), (JPEG, "anh.jpg")])
def test_a_clean_file_is_accepted_after_the_scan(scanning, content, name):
    assert files.clamd_scan(content) is None
    assert files.check(content, name).size == len(content)


def test_a_file_carrying_the_eicar_string_is_refused_as_malware(scanning):
    content = infected_pdf()
    assert files.sniff(content) == files.PDF  # it passes the type checks; the scan comes last
    with pytest.raises(files.FileRejected) as info:
        files.check(content, "giay-chung-sinh.pdf")
    assert info.value.code == "virus"
    assert info.value.message == f"Tệp “giay-chung-sinh.pdf” chứa mã độc ({FOUND}) và đã bị từ chối."


def test_the_scanner_is_reached_over_tcp_too(settings, scanning):
    settings.MOTCUA_CLAMD = f"tcp://127.0.0.1:{scanning.port}"
    assert files.clamd_scan(PDF) is None
    assert files.clamd_scan(infected_pdf()) == FOUND
    settings.MOTCUA_CLAMD = f"tcp://localhost:{scanning.port}"  # a host name is resolved
    assert files.clamd_scan(infected_pdf()) == FOUND


def test_an_infected_scan_at_the_counter_creates_no_dossier(scanning, birth, staff):  # noqa: F811
    intake = birth_intake(birth)
    line = intake.documents[0].required_document_id
    intake.documents[0] = SubmittedDocument(line, file_name="to-khai.pdf", content=infected_pdf())
    with (
        time_machine.travel(vn(2026, 3, 9, 9, 0), tick=True),
        pytest.raises(actions.InvalidAction, match="chứa mã độc"),
    ):
        actions.receive_at_counter(intake, actor=staff["counter"])
    assert not Dossier.objects.exists()
    assert not (scanning.folder / "media" / "documents").exists()


def test_a_file_larger_than_the_scanner_accepts_is_refused_not_waved_through(scanning, caplog):
    head, tail = PDF.rsplit(b"%%EOF", 1)
    big = head + b"%" + b"x" * (STREAM_MAX + 1024) + b"\n%%EOF" + tail  # within motcua's limit, over clamd's
    with caplog.at_level(logging.WARNING, logger="motcua.core.files"), pytest.raises(files.FileRejected) as info:
        files.check(big, "ho-so-day.pdf")
    assert info.value.code == "scanner_unavailable"
    assert "size limit exceeded" in caplog.text  # the operator learns to raise StreamMaxLength


def test_when_the_scanner_stops_answering_uploads_are_refused(settings, tmp_path_factory):
    daemon = _start(tmp_path_factory)
    try:
        settings.MOTCUA_CLAMD = str(daemon.socket_path)
        settings.MOTCUA_CLAMD_TIMEOUT = 5
        assert files.check(PDF, "to-khai.pdf").content_type == files.PDF
    finally:
        daemon.stop()
    with pytest.raises(files.FileRejected) as info:
        files.check(PDF, "to-khai.pdf")
    assert info.value.code == "scanner_unavailable"
    assert info.value.message == (
        "Chưa kiểm tra được virus cho tệp “to-khai.pdf” (máy quét đang không trả lời). Hãy thử lại sau ít phút."
    )


def test_a_mistyped_scanner_address_refuses_uploads_instead_of_crashing(settings):
    settings.MOTCUA_CLAMD = "tcp://127.0.0.1:not-a-port"
    with pytest.raises(files.FileRejected) as info:
        files.check(PDF, "to-khai.pdf")
    assert info.value.code == "scanner_unavailable"


def test_no_scanner_configured_means_no_scan(settings):
    settings.MOTCUA_CLAMD = ""
    assert files.clamd_scan(infected_pdf()) is None

"""OCR of attached documents: a real scan of Vietnamese text through the real engine (OCRmyPDF + Tesseract), the
queue's statements on the hot path, no-text images, failures with retries, and ``motcua ocr``.

Tests that run Tesseract are skipped when it (or its Vietnamese data, or a font to draw the test page) is
missing — unless MOTCUA_REQUIRE_OCR=1 (CI), where that is a failure."""

from __future__ import annotations

import io
import os
from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from PIL import Image, ImageDraw, ImageFont

from motcua.documents import ocr, queue
from motcua.documents.models import DocumentText, TextStatus
from motcua.dossiers import actions
from motcua.dossiers.actions import SubmittedDocument
from tests.dossiers import conftest as dossier_fixtures
from tests.dossiers.conftest import PDF, birth_intake, vn

# The dossier suite's fixtures (the Huế demo province, the birth procedure, the officers), re-used here.
hue = dossier_fixtures.hue
birth = dossier_fixtures.birth
staff = dossier_fixtures.staff

# Serif faces like the Times New Roman of official papers; Tesseract reads them reliably at 300 dpi.
FONTS = [
    Path("/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf"),
    Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),
    Path("/usr/share/fonts/dejavu/DejaVuSerif.ttf"),
]
BIRTH_CERTIFICATE = [
    "Ủy ban nhân dân phường Thuận Hóa",
    "Giấy khai sinh",
    "Họ và tên: Nguyễn Thị Hương",
    "Nơi sinh: Bệnh viện Trung ương Huế",
]


def _font_path() -> Path | None:
    return next((path for path in FONTS if path.exists()), None)


def _ocr_missing() -> str | None:
    problem = ocr.engine_problem(("vie", "eng"))
    if problem is None and _font_path() is None:
        problem = "no font with Vietnamese glyphs to draw the test page (Debian fonts-dejavu-core)"
    return problem


@pytest.fixture
def ocr_engine():
    """Skip without Tesseract + Vietnamese (fail instead when MOTCUA_REQUIRE_OCR=1, as in CI)."""
    problem = _ocr_missing()
    if problem:
        if os.environ.get("MOTCUA_REQUIRE_OCR") == "1":
            pytest.fail(f"OCR cannot run but MOTCUA_REQUIRE_OCR=1: {problem}")
        pytest.skip(f"OCR cannot run here: {problem}")


@pytest.fixture
def media(settings, tmp_path):
    """Stored files go to a temporary folder, never to the project's var/."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def immediate_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def scan(lines: list[str] | None = None, *, size: int = 40) -> bytes:
    """A 300 dpi PNG "scan": black text in a ~40 px serif face on white (blank without lines)."""
    image = Image.new("L", (2000, 200 + 100 * max(len(lines or []), 4)), 255)
    if lines:
        font = ImageFont.truetype(str(_font_path()), size)
        draw = ImageDraw.Draw(image)
        for number, line in enumerate(lines):
            draw.text((120, 120 + number * 100), line, font=font, fill=0)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", dpi=(300, 300))
    return buffer.getvalue()


def receive_with(birth, staff, content: bytes, file_name: str = "gks.png", capture=None):
    """Nguyễn Văn An's birth registration received at Thuận Hóa's counter with ``content`` as its first component,
    the on-commit reactions run as after a real commit (the receiver, then the task when it is immediate)."""
    intake = birth_intake(birth)
    first = intake.documents[0]
    intake.documents[0] = SubmittedDocument(first.required_document_id, count=1, file_name=file_name, content=content)
    with capture(execute=True):
        dossier = actions.receive_at_counter(intake, actor=staff["counter"])
    return dossier, dossier.documents.exclude(file="").get()


@pytest.fixture
def monday():
    with time_machine.travel(vn(2026, 3, 9, 9, 0), tick=True):
        yield


# --- the real engine ------------------------------------------------------------------------------------------


def test_a_scanned_page_of_vietnamese_becomes_text_with_its_diacritics_and_a_searchable_copy(
    ocr_engine, media, immediate_tasks, monday, birth, staff, client, django_capture_on_commit_callbacks
):
    png = scan(BIRTH_CERTIFICATE)
    dossier, document = receive_with(birth, staff, png, capture=django_capture_on_commit_callbacks)

    text = DocumentText.objects.get(document=document)
    assert text.status == TextStatus.DONE, text.last_error
    for line in ("Giấy khai sinh", "Nguyễn Thị Hương", "Ủy ban nhân dân phường Thuận Hóa"):
        assert line in text.text
    assert " giay khai sinh " in text.folded and " nguyen thi huong " in text.folded
    assert (text.pages, text.attempts, text.language, text.last_error) == (1, 1, "vie+eng", "")
    assert text.seconds > 0 and text.next_attempt_at is None and text.started_at is None

    # The original scan is untouched; the searchable copy is another stored PDF carrying the text.
    assert default_storage.open(document.file.name).read() == png
    assert text.searchable_file.endswith(f"{text.searchable_sha256}.pdf") and text.searchable_file != document.file.name
    copy = default_storage.open(text.searchable_file).read()
    assert copy.startswith(b"%PDF-") and "Nguyễn Thị Hương" in "\n".join(ocr.page_texts(copy))

    client.force_login(staff["counter"])
    desk = client.get(f"/can-bo/ho-so/{dossier.code}/").content.decode()
    assert "Đã nhận dạng chữ (1 trang)" in desk
    download = client.get(f"/can-bo/ho-so/{dossier.code}/giay-to/{document.pk}/ocr/")
    assert download.status_code == 200 and b"".join(download.streaming_content) == copy
    assert 'filename="gks-tim-kiem.pdf"' in download["Content-Disposition"]

    for query in ("khai sinh", "nguyen thi huong", "Nguyễn Thị Hương"):
        page = client.get("/can-bo/tim-trong-giay-to/", {"q": query}).content.decode()
        assert f'href="/can-bo/ho-so/{dossier.code}/"' in page, query
    page = client.get("/can-bo/tim-trong-giay-to/", {"q": "nguyen thi huong"}).content.decode()
    assert "<mark>Nguyễn</mark> <mark>Thị</mark> <mark>Hương</mark>" in page

    client.force_login(staff["counter_other"])  # Phú Vang's counter: another ward's dossier
    page = client.get("/can-bo/tim-trong-giay-to/", {"q": "khai sinh"}).content.decode()
    assert dossier.code not in page and "Không có giấy tờ nào có đủ các từ này" in page


def test_an_image_without_text_is_recorded_as_having_none_with_a_note_not_as_an_error(
    ocr_engine, media, immediate_tasks, monday, birth, staff, client, django_capture_on_commit_callbacks
):
    dossier, document = receive_with(birth, staff, scan(), capture=django_capture_on_commit_callbacks)
    text = DocumentText.objects.get(document=document)
    assert (text.status, text.text, text.folded, text.searchable_file) == (TextStatus.NO_TEXT, "", "", "")
    assert text.note == ocr.NO_TEXT_NOTE and text.last_error == "" and text.next_attempt_at is None
    client.force_login(staff["counter"])
    assert "Không có chữ" in client.get(f"/can-bo/ho-so/{dossier.code}/").content.decode()


def test_a_failure_is_kept_with_a_retry_time_and_motcua_ocr_pending_retries_it_when_due(
    ocr_engine, media, monday, birth, staff, client, django_capture_on_commit_callbacks
):
    from django_tasks_db.models import DBTaskResult

    png = scan(BIRTH_CERTIFICATE)
    dossier, document = receive_with(birth, staff, png, capture=django_capture_on_commit_callbacks)
    queued = DBTaskResult.objects.get(task_path="motcua.documents.tasks.ocr_documents")
    assert queued.args_kwargs == {"args": [[document.pk]], "kwargs": {}}, "ids only in the queue"
    assert DocumentText.objects.get(document=document).status == TextStatus.PENDING

    default_storage.delete(document.file.name)  # the store lost the file (an outage of the object store, say)
    assert dict(ocr.run([document.pk])) == {"failed": 1}  # what the worker does with the queued task
    text = DocumentText.objects.get(document=document)
    assert (text.status, text.attempts) == (TextStatus.FAILED, 1)
    assert text.last_error.startswith("FileNotFoundError")
    assert timedelta(seconds=50) < text.next_attempt_at - timezone.now() <= timedelta(minutes=1)
    assert DBTaskResult.objects.filter(run_after=text.next_attempt_at).exists(), "a deferred task for the retry"
    client.force_login(staff["counter"])
    retry = timezone.localtime(text.next_attempt_at).strftime("%H:%M %d/%m/%Y")
    assert f"Nhận dạng lỗi, sẽ thử lại lúc {retry}" in client.get(f"/can-bo/ho-so/{dossier.code}/").content.decode()

    default_storage.save(document.file.name, ContentFile(png))  # the store is back
    out = io.StringIO()
    call_command("ocr", "--pending", stdout=out)  # not yet due: nothing to do
    assert out.getvalue().startswith("Đã xử lý 0 giấy tờ")
    with time_machine.travel(timezone.now() + timedelta(minutes=2), tick=True):
        out = io.StringIO()
        call_command("ocr", "--pending", stdout=out)
    assert out.getvalue().startswith("Đã xử lý 1 giấy tờ: 1 đã nhận dạng, 0 không có chữ, 0 lỗi")
    text.refresh_from_db()
    assert (text.status, text.attempts, text.last_error, text.next_attempt_at) == (TextStatus.DONE, 2, "", None)
    assert "Nguyễn Thị Hương" in text.text


def test_motcua_ocr_document_redoes_one_document_and_backfill_queues_files_attached_before(
    ocr_engine, media, monday, birth, staff, settings, django_capture_on_commit_callbacks
):
    settings.MOTCUA_OCR_ENABLED = False  # as before OCR was installed: no row is created on receipt
    _dossier, document = receive_with(birth, staff, scan(BIRTH_CERTIFICATE), capture=django_capture_on_commit_callbacks)
    assert not DocumentText.objects.exists()

    out = io.StringIO()
    call_command("ocr", "--backfill", stdout=out)
    assert out.getvalue().startswith("Đã xử lý 1 giấy tờ: 1 đã nhận dạng")
    out = io.StringIO()
    call_command("ocr", "--document", str(document.pk), stdout=out)  # done already: done again, on demand
    assert out.getvalue().startswith("Đã xử lý 1 giấy tờ: 1 đã nhận dạng")
    assert DocumentText.objects.get(document=document).attempts == 2


def test_a_pdf_longer_than_the_limit_is_recognised_on_its_first_pages_with_a_note(ocr_engine):
    import img2pdf

    pages = [scan([f"Trang số {n}: Giấy khai sinh"]) for n in (1, 2, 3)]
    outcome = ocr.recognise(img2pdf.convert(pages), max_pages=2)
    assert outcome.pages == 3 and outcome.note == "Chỉ nhận dạng 2 trang đầu (tệp có 3 trang)."
    assert "Trang số 1" in outcome.text and "Trang số 2" in outcome.text and "Trang số 3" not in outcome.text


# --- without the engine ---------------------------------------------------------------------------------------


def test_the_receiver_costs_one_statement_and_one_enqueue_on_the_intake_path(
    media, monday, birth, staff, django_capture_on_commit_callbacks
):
    intake = birth_intake(birth)
    first = intake.documents[0]
    intake.documents[0] = SubmittedDocument(first.required_document_id, count=1, file_name="to-khai.pdf", content=PDF)
    with django_capture_on_commit_callbacks() as callbacks:
        dossier = actions.receive_at_counter(intake, actor=staff["counter"])
    with CaptureQueriesContext(connection) as queries:
        for callback in callbacks:
            callback()
    statements = [
        q["sql"] for q in queries.captured_queries if not q["sql"].upper().startswith(("SAVEPOINT", "RELEASE"))
    ]
    ocr_statements = [sql for sql in statements if "documents_documenttext" in sql or "ocr_documents" in sql]
    assert len(ocr_statements) == 2, "the pending rows in one statement, then the task"
    assert ocr_statements[0].startswith('INSERT INTO "documents_documenttext"') and " SELECT " in ocr_statements[0]
    assert ocr_statements[1].startswith("INSERT INTO") and "motcua.documents.tasks.ocr_documents" in ocr_statements[1]
    document = dossier.documents.exclude(file="").get()
    assert DocumentText.objects.get().document == document
    assert queue.queue_dossier(dossier.pk) == [], "a second event of the same dossier creates nothing twice"


def test_an_event_that_attaches_no_file_queues_nothing(media, monday, birth, staff, django_capture_on_commit_callbacks):
    from django_tasks_db.models import DBTaskResult

    with django_capture_on_commit_callbacks(execute=True):
        actions.receive_at_counter(birth_intake(birth), actor=staff["counter"])  # paper only
    assert not DocumentText.objects.exists()
    assert not DBTaskResult.objects.filter(task_path__endswith="ocr_documents").exists()


def test_a_pdf_that_already_carries_its_text_is_read_not_ocr_d(
    media, immediate_tasks, monday, birth, staff, django_capture_on_commit_callbacks
):
    _dossier, document = receive_with(birth, staff, PDF, "to-khai.pdf", capture=django_capture_on_commit_callbacks)
    text = DocumentText.objects.get(document=document)
    assert (text.status, text.text, text.searchable_file) == (TextStatus.DONE, "motcua test document", "")
    assert text.note == ocr.ORIGINAL_HAS_TEXT_NOTE


def test_failures_back_off_then_stay_failed_and_the_admin_starts_them_again(
    media, monday, birth, staff, admin_client, django_capture_on_commit_callbacks
):
    _dossier, document = receive_with(birth, staff, PDF, "to-khai.pdf", capture=django_capture_on_commit_callbacks)
    default_storage.delete(document.file.name)
    text = DocumentText.objects.get(document=document)
    waits = []
    for _attempt in range(queue.MAX_ATTEMPTS):
        DocumentText.objects.filter(pk=text.pk).update(next_attempt_at=timezone.now())
        ocr.run([document.pk])
        text.refresh_from_db()
        waits.append(
            round((text.next_attempt_at - timezone.now()).total_seconds() / 60) if text.next_attempt_at else None
        )
    assert waits == [1, 5, 30, 120, 720, None] and text.status == TextStatus.FAILED and text.attempts == 6
    assert ocr.run_due() == {}, "given up: no longer due"

    listing = admin_client.get("/quan-tri/documents/documenttext/").content.decode()
    assert "FileNotFoundError" in listing and _dossier.code in listing
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            "/quan-tri/documents/documenttext/", {"action": "rerun", "_selected_action": [text.pk]}
        )
    assert response.status_code == 302
    text.refresh_from_db()
    assert (text.status, text.attempts, text.last_error) == (TextStatus.PENDING, 0, "")


def test_a_copy_taken_from_the_applicants_store_reuses_the_earlier_result_without_reading_the_file(
    media, immediate_tasks, monday, birth, staff, django_capture_on_commit_callbacks
):
    _first, source = receive_with(birth, staff, PDF, "to-khai.pdf", capture=django_capture_on_commit_callbacks)
    intake = birth_intake(birth)
    intake.documents[0] = SubmittedDocument(intake.documents[0].required_document_id, reuse_of=source.pk)
    with django_capture_on_commit_callbacks(execute=True):
        second = actions.receive_at_counter(intake, actor=staff["counter"])
    copy = second.documents.exclude(file="").get()
    assert copy.reused_from == source and copy.file.name == source.file.name
    text = DocumentText.objects.get(document=copy)
    assert (text.status, text.text, text.note, text.seconds) == (
        TextStatus.DONE,
        "motcua test document",
        ocr.REUSED_NOTE,
        0,
    )

"""Issue 7, "done means", the whole way through the real pages:

At the counter an officer scans three components, they become one searchable PDF each, the result is issued as a
signed PDF, the citizen sees both in the document store and reuses one in a new online submission; the
dashboard's digitisation rates move accordingly.

One story, one test: the counter's intake form with page images of Vietnamese text, the real OCR engine
(Tesseract ``vie``), the leader's desk with a result PDF signed with the unit's key and stamped with its
verification QR, the citizen's account, store and online submission, and the officers' dashboards."""

from __future__ import annotations

import io
import re
import unicodedata
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

import pypdfium2
import pytest
import time_machine
import zxingcpp
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image, ImageDraw, ImageFont
from pypdf import PdfReader

from motcua.core import pdfsign
from motcua.documents.models import DocumentText, TextStatus
from motcua.dossiers.digitisation import digitisation_by_unit
from motcua.dossiers.models import DocumentOrigin, Dossier, DossierChannel, Status
from motcua.organizations.models import Unit
from tests import sample_files
from tests.backoffice.conftest import intake_data
from tests.documents.test_ocr import immediate_tasks, media, ocr_engine  # noqa: F401 (fixtures)
from tests.dossiers.conftest import birth, hue, staff, unit, vn  # noqa: F401 (fixtures)
from tests.portal.conftest import CITIZEN_PASSWORD, sent_code, sign_up
from tests.portal.test_result_signing import issuer, result_pdf  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db

PERIOD = {"tu": "01/03/2026", "den": "31/03/2026"}
STORE = "/cong-dan/kho-du-lieu/"
TO_KHAI, CHUNG_SINH, UY_QUYEN = "Tờ khai đăng ký khai sinh", "Giấy chứng sinh", "Văn bản ủy quyền"
FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf")

# What is on the paper the applicant hands over: component → pages → lines.
PAPERS = {
    TO_KHAI: [
        ["Tờ khai đăng ký khai sinh", "Người yêu cầu: Nguyễn Văn An", "Quan hệ với người được khai sinh: cha"],
        ["Nơi sinh: Bệnh viện Trung ương Huế", "Quê quán: phường Thuận Hóa"],
    ],
    CHUNG_SINH: [["Giấy chứng sinh", "Họ và tên mẹ: Trần Thị Bình", "Sinh con lúc: 08 giờ 15 phút"]],
    UY_QUYEN: [["Văn bản ủy quyền", "Người được ủy quyền: Lê Văn Cường", "Nội dung: nộp hồ sơ khai sinh"]],
}
PAGE_TWO_WORDS = "benh vien trung uong"  # folded, from page 2 of the declaration


def at(*moment: int):
    return time_machine.travel(vn(*moment), tick=False)


def page_image(lines: list[str]) -> bytes:
    """A 300 dpi "scan" of one page: black Vietnamese text in DejaVu Serif (48 px, ~12 pt) on white paper."""
    image = Image.new("L", (2000, 200 + 100 * max(len(lines), 4)), 255)
    font = ImageFont.truetype(str(FONT), 48)
    draw = ImageDraw.Draw(image)
    for number, line in enumerate(lines):
        draw.text((120, 120 + number * 100), line, font=font, fill=0)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", dpi=(300, 300))
    return buffer.getvalue()


def stored(name: str) -> bytes:
    with default_storage.open(name) as handle:
        return handle.read()


def pypdf_text(pdf: bytes) -> str:
    return unicodedata.normalize("NFC", "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages))


def figures(unit_code: str) -> tuple[int, ...]:
    """The unit's digitisation figures for March 2026 as the dashboard computes them (zeros: no row)."""
    rows = digitisation_by_unit(Unit.objects.filter(agency_code=unit_code), date(2026, 3, 1), date(2026, 3, 31))
    if not rows:
        return (0, 0, 0, 0, 0, 0, 0)
    (row,) = rows
    return (
        row.received,
        row.input_digitised,
        row.reused,
        row.from_store,
        row.resolved,
        row.e_result,
        row.fully_digitised,
    )


def dashboard_row(client: Client, unit_code: str) -> list[str] | None:
    """The cells of the unit's row in the dashboard's digitisation table (id="digitisation-rates")."""
    html = client.get("/can-bo/", PERIOD).content.decode()
    if 'id="digitisation-rates"' not in html:
        assert "Không có hồ sơ tiếp nhận hoặc giải quyết trong khoảng thời gian này" in html
        return None
    table = html.split('id="digitisation-rates"', 1)[1].split("</table>", 1)[0]
    name = re.escape(unit(unit_code).name)
    row = re.search(rf'<th scope="row">{name}</th>(.*?)</tr>', table, re.S)
    return re.findall(r"<td>(.*?)</td>", row.group(1), re.S) if row else None


def desk_action(client: Client, dossier: Dossier, action: str, data: dict | None = None):
    dossier.refresh_from_db()
    response = client.post(
        f"/can-bo/ho-so/{dossier.code}/thao-tac/{action}/", {"expected_revision": dossier.revision, **(data or {})}
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    dossier.refresh_from_db()
    return response


def qr_payloads(pdf: bytes) -> list[str]:
    image = pypdfium2.PdfDocument(pdf)[0].render(scale=3).to_pil()
    return [barcode.text for barcode in zxingcpp.read_barcodes(image)]


def test_three_scanned_components_become_searchable_the_signed_result_and_a_scan_reach_the_citizens_store_and_reuse(
    ocr_engine,  # noqa: F811
    media,  # noqa: F811
    immediate_tasks,  # noqa: F811
    birth,  # noqa: F811
    staff,  # noqa: F811
    issuer,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    cache.clear()  # a fresh lookup-rate counter for the citizen's store
    counter, leader, citizen = Client(), Client(), Client()
    counter.force_login(staff["counter"])
    leader.force_login(staff["leader"])
    receiving, handling = "000.01.41.H57", "000.00.41.H57"  # Thuận Hóa's one-stop centre and its ward committee
    lines = {line.name: line for line in birth.documents.all()}

    # --- 1. The dashboards before: nothing received or resolved in March ----------------------------------------
    with at(2026, 3, 9, 8, 0):
        assert dashboard_row(counter, receiving) is None
        assert dashboard_row(leader, handling) is None
    assert figures(receiving) == figures(handling) == (0, 0, 0, 0, 0, 0, 0)

    # --- 2. At the counter: three components scanned, page images merged into one PDF each --------------------
    data = intake_data(birth, submitter_name="Lê Văn Cường", submitter_relation="người được ủy quyền")
    data[f"doc_{lines[UY_QUYEN].pk}_received"] = "on"
    for name, pages in PAPERS.items():
        data[f"doc_{lines[name].pk}_files"] = [
            SimpleUploadedFile(f"{name}-trang-{n}.png", page_image(text), content_type="image/png")
            for n, text in enumerate(pages, start=1)
        ]
    with at(2026, 3, 9, 9, 0), django_capture_on_commit_callbacks(execute=True):  # OCR runs on commit
        response = counter.post(f"/can-bo/tiep-nhan/{birth.procedure.code}/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    counter_dossier = Dossier.objects.get()
    assert response["Location"] == f"/can-bo/ho-so/{counter_dossier.code}/?vua-lap=1"
    components = {row.name: row for row in counter_dossier.documents.all()}
    assert sorted(components) == sorted(PAPERS)
    for name, row in components.items():
        assert row.origin == DocumentOrigin.SCAN and row.content_type == "application/pdf", name
        original = stored(row.file.name)
        assert original.startswith(b"%PDF-") and len(PdfReader(io.BytesIO(original)).pages) == len(PAPERS[name])
        assert row.pages == len(PAPERS[name])
    assert [components[name].pages for name in PAPERS] == [2, 1, 1]
    assert counter_dossier.input_digitised and counter_dossier.status == Status.RECEIVED

    with at(2026, 3, 9, 9, 5):
        assert dashboard_row(counter, receiving) == ["1", "1 (100,0%)", "0 (0,0%)", "0 (0,0%)", "0", "0", "0"]
    assert figures(receiving) == (1, 1, 0, 0, 0, 0, 0)

    # --- 3. OCR: each component has a searchable PDF whose text layer keeps the diacritics -----------------------
    for name, row in components.items():
        text = DocumentText.objects.get(document=row)
        assert text.status == TextStatus.DONE, (name, text.last_error)
        assert text.pages == len(PAPERS[name])
        assert text.searchable_file and text.searchable_file != row.file.name
        assert default_storage.exists(text.searchable_file)
        layer = pypdf_text(stored(text.searchable_file))
        assert name in layer and name in text.text  # the title, read with its diacritics ("Tờ", "Giấy", "ủy")
    layer = pypdf_text(stored(DocumentText.objects.get(document=components[TO_KHAI]).searchable_file))
    assert "Bệnh viện Trung ương Huế" in layer, "page 2 of the declaration"

    with at(2026, 3, 9, 9, 10):
        found = counter.get("/can-bo/tim-trong-giay-to/", {"q": PAGE_TWO_WORDS}).content.decode()
    assert f'href="/can-bo/ho-so/{counter_dossier.code}/"' in found
    assert "<mark>Bệnh</mark> <mark>viện</mark> <mark>Trung</mark> <mark>ương</mark>" in found

    # --- 4. Forwarded, approved on the desk with a result PDF: signed, QR-stamped, verifiable -------------------
    with at(2026, 3, 9, 9, 30):
        desk_action(counter, counter_dossier, "forward")
    with at(2026, 3, 10, 9, 0):
        desk_action(
            leader,
            counter_dossier,
            "approve",
            {
                "approve-result_note": "Giấy khai sinh số 12/2026",
                "approve-result_files": [
                    SimpleUploadedFile("giay-khai-sinh.pdf", result_pdf(), content_type="application/pdf")
                ],
            },
        )
    assert counter_dossier.status == Status.DONE and counter_dossier.result_digitised
    result = counter_dossier.documents.get(result=True)
    issued = stored(result.file.name)
    assert result.signed and pdfsign.inspect_pdf(issued).state == pdfsign.INTACT
    (qr,) = qr_payloads(issued)
    assert urlsplit(qr).path == f"/xac-thuc-ket-qua/ma/{result.verification_code}/"
    verification = Client().get(urlsplit(qr).path)
    assert verification.status_code == 200
    assert f"Văn bản khớp với hồ sơ mã {counter_dossier.code}" in verification.content.decode()

    # Resolved dossiers count at the handling unit (the ward committee), on its leader's dashboard; the
    # one-stop centre's row keeps its intake figures.
    with at(2026, 3, 10, 9, 5):
        assert dashboard_row(leader, handling) == ["0", "0", "0", "0", "1", "1 (100,0%)", "1 (100,0%)"]
        assert dashboard_row(counter, receiving) == ["1", "1 (100,0%)", "0 (0,0%)", "0 (0,0%)", "0", "0", "0"]
    assert figures(handling) == (0, 0, 0, 0, 1, 1, 1)

    # Returned at the counter before the appointment (12/03), after telling the applicant.
    with at(2026, 3, 10, 10, 0):
        desk_action(counter, counter_dossier, "notify_early_return", {"notify_early_return-channel": "sms"})
        desk_action(counter, counter_dossier, "return_result", {"return_result-delivery": "counter"})
    assert counter_dossier.status == Status.RETURNED

    # --- 5. The citizen: an account, the counter dossier added with the receipt's lookup secret ---------------
    with at(2026, 3, 10, 14, 0):
        receipt = counter.get(f"/can-bo/ho-so/{counter_dossier.code}/mau/01.pdf")
        secret = re.search(r"Mã tra cứu hồ sơ:\s*(\S+)", pypdf_text(receipt.content)).group(1)
        assert secret == counter_dossier.lookup_secret
        signed_up = sign_up(
            citizen, full_name="Nguyễn Văn An", id_number="046090001234", email="an.citizen@example.org"
        )
        assert signed_up.status_code == 302, signed_up.content.decode()[:3000]
        verified = citizen.post("/cong-dan/xac-minh/", {"code": sent_code("an.citizen@example.org")})
        assert verified.status_code == 302, verified.content.decode()[:3000]
        account = get_user_model().objects.get(email="an.citizen@example.org")
        assert "Kho dữ liệu của bạn chưa có giấy tờ nào." in citizen.get(STORE).content.decode()

        linked = citizen.post(STORE, {"link-ma": counter_dossier.code, "link-secret": secret})
        assert linked.status_code == 302 and linked["Location"] == STORE
        page = citizen.get(STORE).content.decode()
        download = citizen.get(f"{STORE}{components[CHUNG_SINH].pk}/tai-ve/")
        result_download = citizen.get(f"{STORE}{result.pk}/tai-ve/")
    counter_dossier.refresh_from_db()
    assert counter_dossier.account == account
    assert f"Đã thêm hồ sơ {counter_dossier.code} vào tài khoản của bạn." in page
    results_part = page.split('id="results-title"')[1].split('id="inputs-title"')[0]
    inputs_part = page.split('id="inputs-title"')[1]
    assert "giay-khai-sinh.pdf" in results_part and "đã ký số" in results_part
    assert f'href="/xac-thuc-ket-qua/{result.sha256}/"' in results_part
    for name, row in components.items():
        assert f"<h3>{name}</h3>" in inputs_part and f'href="{STORE}{row.pk}/tai-ve/"' in inputs_part
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == stored(components[CHUNG_SINH].file.name)
    assert result_download.status_code == 200 and b"".join(result_download.streaming_content) == issued

    # --- 6. A new online submission: the birth certificate taken from the store, the declaration uploaded ---------
    source = components[CHUNG_SINH]
    with at(2026, 3, 11, 9, 0):
        # Yesterday's session has ended (8 hours): the citizen signs in again.
        signed_in = citizen.post(
            "/cong-dan/dang-nhap/", {"username": "an.citizen@example.org", "password": CITIZEN_PASSWORD}
        )
        assert signed_in.status_code == 302 and signed_in["Location"] == "/cong-dan/ho-so-cua-toi/"
        opened = citizen.get(f"/nop-ho-so/{birth.procedure.code}/")
        assert opened.status_code == 302
        draft_url = opened["Location"]
        form = citizen.get(draft_url).content.decode()
        choices = form.split(f'name="store-{lines[CHUNG_SINH].pk}"')[1].split("</select>")[0]
        assert f'value="{source.pk}"' in choices
        continued = citizen.post(
            draft_url,
            {
                "full_name": "Nguyễn Văn An",
                "id_number": "046090001234",
                "date_of_birth": "01/05/1990",
                "phone": "0912345678",
                "email": "an.citizen@example.org",
                "address": "12 Lê Lợi, phường Thuận Hóa",
                "receiving_unit": str(unit(receiving).pk),
                "result_delivery": "online",
                "delivery_address": "",
                "continue": "1",
                f"store-{lines[CHUNG_SINH].pk}": str(source.pk),
                f"doc-{lines[TO_KHAI].pk}": SimpleUploadedFile("to-khai-moi.pdf", sample_files.PDF),
            },
        )
        assert continued.status_code == 302, continued.content.decode()[:3000]
        assert continued["Location"].endswith("/xem-lai/")
        review = citizen.get(continued["Location"]).content.decode()
        assert f"Lấy từ kho dữ liệu: {CHUNG_SINH} (hồ sơ {counter_dossier.code})" in review
        submitted = citizen.post(continued["Location"])
    online = Dossier.objects.get(channel=DossierChannel.ONLINE)
    assert submitted["Location"] == f"/nop-ho-so/da-nop/{online.code}/"
    assert online.account == account and online.status == Status.NEW
    reused = online.documents.get(name=CHUNG_SINH)
    assert reused.origin == DocumentOrigin.STORE and reused.reused_from == source and reused.sha256 == source.sha256
    assert online.documents.get(name=TO_KHAI).origin == DocumentOrigin.UPLOAD
    assert online.from_citizen_store and online.reused_components == 1

    # Not yet received: the figures count dossiers received in the period, so nothing moved.
    assert figures(receiving) == (1, 1, 0, 0, 0, 0, 0)

    # --- 7. The counter officer receives it: the store and reuse figures move -----------------------------------
    with at(2026, 3, 11, 9, 30):
        desk_action(counter, online, "receive")
    assert online.status == Status.RECEIVED
    assert figures(receiving) == (2, 2, 1, 1, 0, 0, 0)
    with at(2026, 3, 11, 9, 35):
        assert dashboard_row(counter, receiving) == [
            "2",
            "2 (100,0%)",
            "1 (50,0%)",
            "1 (50,0%)",
            "0",
            "0",
            "0",
        ]

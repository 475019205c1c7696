"""The dossier desk: only allowed actions, actions through the write path, conflicts, scoped downloads."""

from __future__ import annotations

import re
from datetime import date

import pytest

from motcua.dossiers import actions
from motcua.dossiers.models import DossierDocument, Status
from tests.backoffice.conftest import MONDAY_9, at
from tests.dossiers.conftest import PDF, birth_intake


def action_urls(page: str) -> set[str]:
    return set(re.findall(r'action="/can-bo/ho-so/[^/]+/thao-tac/([a-z_]+)/"', page))


def test_desk_shows_everything_and_only_the_actions_allowed_to_this_officer(client, received, staff):
    client.force_login(staff["counter"])
    with at(2026, 3, 9, 10, 0):
        page = client.get(f"/can-bo/ho-so/{received.code}/").content.decode()
    assert received.code in page and "Thủ tục đăng ký khai sinh" in page and "Nguyễn Văn An" in page
    assert "Trung tâm Phục vụ hành chính công phường Thuận Hóa" in page
    assert "Ủy ban nhân dân phường Thuận Hóa" in page
    assert "17:00 12/03/2026" in page and "Trong hạn" in page
    assert "Cách tính hạn trả kết quả" in page and "Tiếp nhận hồ sơ lúc 09:00 09/03/2026" in page
    assert "Tờ khai đăng ký khai sinh" in page and "Thẩm định hồ sơ" in page
    assert "Lịch sử xử lý" in page and "Tiếp nhận hồ sơ" in page
    assert f'name="expected_revision" value="{received.revision}"' in page
    assert action_urls(page) == {"forward", "withdraw"}
    assert "mau/01.pdf" in page and "mau/05.pdf" in page

    client.force_login(staff["specialist"])
    assert action_urls(client.get(f"/can-bo/ho-so/{received.code}/").content.decode()) == set()
    client.force_login(staff["leader"])
    assert action_urls(client.get(f"/can-bo/ho-so/{received.code}/").content.decode()) == {"stop"}


def test_posting_an_action_goes_through_the_write_path(client, received, staff):
    client.force_login(staff["counter"])
    with at(2026, 3, 9, 9, 30):
        response = client.post(
            f"/can-bo/ho-so/{received.code}/thao-tac/forward/", {"expected_revision": received.revision}
        )
    assert response.status_code == 302 and response["Location"] == f"/can-bo/ho-so/{received.code}/"
    received.refresh_from_db()
    assert received.status == Status.PROCESSING
    assert received.events.last().actor == staff["counter"]
    assert "Đã thực hiện: Chuyển cơ quan giải quyết." in client.get(response["Location"]).content.decode()


def test_a_stale_revision_shows_the_conflict_and_changes_nothing(client, processing, staff):
    client.force_login(staff["specialist"])
    stale = processing.revision - 1
    before = (processing.status, processing.revision, processing.events.count())
    with at(2026, 3, 9, 10, 0):
        response = client.post(
            f"/can-bo/ho-so/{processing.code}/thao-tac/request_supplement/",
            {
                "expected_revision": stale,
                "request_supplement-reason": "Giấy chứng sinh bị mờ",
                "request_supplement-documents": "Giấy chứng sinh (bản rõ)",
            },
        )
    page = response.content.decode()
    assert response.status_code == 409
    assert "Hồ sơ vừa được cán bộ khác cập nhật" in page
    assert "Giấy chứng sinh bị mờ" in page, "what the officer typed is still there"
    assert f'name="expected_revision" value="{processing.revision}"' in page, "the form now carries the current state"
    processing.refresh_from_db()
    assert (processing.status, processing.revision, processing.events.count()) == before


def test_a_specialist_cannot_approve(client, processing, staff):
    client.force_login(staff["specialist"])
    page = client.get(f"/can-bo/ho-so/{processing.code}/").content.decode()
    assert "approve" not in action_urls(page)
    with at(2026, 3, 9, 10, 0):
        response = client.post(
            f"/can-bo/ho-so/{processing.code}/thao-tac/approve/", {"expected_revision": processing.revision}
        )
    assert response.status_code == 403
    assert "Bạn không có quyền “phê duyệt, ký kết quả”" in response.content.decode()
    processing.refresh_from_db()
    assert processing.status == Status.PROCESSING


def test_parallel_steps_offer_a_choice_and_invalid_input_stays_on_the_field(client, processing, staff):
    client.force_login(staff["specialist"])
    page = client.get(f"/can-bo/ho-so/{processing.code}/").content.decode()
    assert action_urls(page) == {"complete_step", "request_supplement", "request_financial"}
    assert '<select name="complete_step-step_id"' in page
    with at(2026, 3, 9, 10, 0):
        response = client.post(
            f"/can-bo/ho-so/{processing.code}/thao-tac/request_supplement/",
            {"expected_revision": processing.revision, "request_supplement-reason": ""},
        )
    assert response.status_code == 400
    assert 'id="id_request_supplement-reason_error"' in response.content.decode()
    step = processing.steps.get(action="Thẩm định hồ sơ")
    with at(2026, 3, 9, 10, 0):
        done = client.post(
            f"/can-bo/ho-so/{processing.code}/thao-tac/complete_step/",
            {
                "expected_revision": processing.revision,
                "complete_step-step_id": step.pk,
                "complete_step-note": "Hồ sơ hợp lệ",
            },
        )
    assert done.status_code == 302
    step.refresh_from_db()
    assert step.state == "done" and step.note == "Hồ sơ hợp lệ"


def test_uploaded_files_are_served_only_to_staff_in_scope(client, birth, staff):
    documents = [
        actions.SubmittedDocument(line.pk, file_name="scan.pdf", content=PDF)
        for line in birth.documents.filter(required=True)
    ]
    with at(*MONDAY_9):
        dossier = actions.receive_at_counter(birth_intake(birth, documents=documents), actor=staff["counter"])
    document = DossierDocument.objects.filter(dossier=dossier).exclude(file="").first()
    url = f"/can-bo/ho-so/{dossier.code}/giay-to/{document.pk}/"
    anonymous = client.get(url)
    assert anonymous.status_code == 302 and "/tai-khoan/dang-nhap/" in anonymous["Location"]
    assert client.get("/media/" + document.file.name).status_code == 404
    assert client.get("/" + document.file.name).status_code == 404
    client.force_login(staff["counter_other"])
    assert client.get(url).status_code == 403
    client.force_login(staff["counter"])
    response = client.get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf" and "attachment" in response["Content-Disposition"]
    assert "no-store" in response["Cache-Control"]


def test_find_by_code_opens_the_desk_only_in_scope(client, received, staff):
    client.force_login(staff["counter"])
    assert client.get("/can-bo/ho-so/", {"ma": received.code.lower()})["Location"] == f"/can-bo/ho-so/{received.code}/"
    client.force_login(staff["counter_other"])
    assert client.get("/can-bo/ho-so/", {"ma": received.code})["Location"] == "/can-bo/"


def test_form_pdf_links_answer(client, received, staff):
    client.force_login(staff["counter"])
    assert client.get(f"/can-bo/ho-so/{received.code}/mau/04.pdf").status_code == 404, "no apology yet"
    response = client.get(f"/can-bo/ho-so/{received.code}/mau/01.pdf")
    try:
        import motcua.dossiers.forms  # noqa: F401
    except ImportError:
        assert response.status_code == 503
        return
    assert response.status_code == 200 and response.content.startswith(b"%PDF")


def test_register_form_and_output(client, received, staff):
    client.force_login(staff["counter"])
    page = client.get("/can-bo/so-theo-doi/").content.decode()
    assert 'name="from"' in page and 'name="to"' in page and "mẫu 06" in page
    bad = client.get(
        "/can-bo/so-theo-doi/",
        {"unit": received.receiving_unit_id, "from": "10/03/2026", "to": "01/03/2026", "format": "pdf"},
    )
    assert bad.status_code == 400 and "Ngày kết thúc phải sau ngày bắt đầu" in bad.content.decode()
    other = client.get(
        "/can-bo/so-theo-doi/",
        {
            "unit": staff["counter_other"].role_assignments.get().unit_id,
            "from": "01/03/2026",
            "to": "31/03/2026",
            "format": "pdf",
        },
    )
    assert other.status_code == 400 and "không thuộc phạm vi" in other.content.decode()
    try:
        import motcua.dossiers.forms.register  # noqa: F401
    except ImportError:
        pytest.skip("motcua.dossiers.forms.register is not installed yet")
    params = {"unit": received.receiving_unit_id, "from": "01/03/2026", "to": "31/03/2026"}
    assert client.get("/can-bo/so-theo-doi/", {**params, "format": "pdf"}).content.startswith(b"%PDF")
    assert client.get("/can-bo/so-theo-doi/", {**params, "format": "xlsx"}).content.startswith(b"PK")


def test_a_second_supplement_request_or_apology_is_not_offered(client, processing, staff):
    """Bug: after the one supplement request and the one apology Decree 61 allows, the desk still showed
    both buttons, and pressing them only produced a conflict."""
    client.force_login(staff["leader"])
    assert {"request_supplement", "apologize"} <= action_urls(
        client.get(f"/can-bo/ho-so/{processing.code}/").content.decode()
    )
    with at(2026, 3, 10, 9, 0):
        dossier = actions.request_supplement(processing, actor=staff["leader"], reason="Giấy chứng sinh mờ")
        dossier = actions.receive_supplement(dossier, actor=staff["counter"], documents=[])
        dossier = actions.apologize(
            dossier, actor=staff["leader"], reason="Chờ xác minh", new_due_date=date(2026, 3, 17)
        )
    with at(2026, 3, 10, 10, 0):
        page = client.get(f"/can-bo/ho-so/{dossier.code}/").content.decode()
    offered = action_urls(page)
    assert "approve" in offered, "the dossier is still being processed"
    assert "request_supplement" not in offered and "apologize" not in offered
    api = client.get(f"/api/v1/dossiers/{dossier.code}/").json()["allowed_actions"]
    assert not {"request_supplement", "apologize"} & {a["action"] for a in api}, "the API offers the same"


def test_the_timeline_names_the_early_return_notice_channel_in_vietnamese(client, processing, staff):
    """Bug: the timeline showed the notice's raw channel code ("Qua: sms") instead of its label."""
    with at(2026, 3, 10, 9, 0):
        dossier = actions.approve(processing, actor=staff["leader"])
    client.force_login(staff["counter"])
    with at(2026, 3, 10, 10, 0):
        response = client.post(
            f"/can-bo/ho-so/{dossier.code}/thao-tac/notify_early_return/",
            {"expected_revision": dossier.revision, "notify_early_return-channel": "sms"},
        )
        assert response.status_code == 302
        page = client.get(response["Location"]).content.decode()
    timeline = page[page.index("Lịch sử xử lý") :]
    timeline = timeline[: timeline.index("</table>")]
    assert re.search(r"Qua:</span> Tin nhắn</td>", timeline)
    assert "sms" not in timeline

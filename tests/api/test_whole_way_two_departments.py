"""Done means (dossier lifecycle), through the private API only: the provincial procedure 1.009999 from the
counter of the city service center through the Justice department's appraisal and the Construction
department's inter-agency opinion, a supplement and an apology, to the returned result; then every form
(01, 02, 04, 05; 03 from a second dossier refused after review) and the register 06, read back.

Calendar (2026): Mon 09/03 … Fri 20/03 working days; office hours 07:30–11:30, 13:30–17:00. Received
Mon 09/03 → due Mon 16/03; the supplement (asked Tue 10/03, received Wed 11/03) restarts the 5 days →
Wed 18/03; the apology (Tue 17/03) moves it to Fri 20/03; approved Thu 19/03, so the counter must
announce the early return before handing the result over.
"""

from __future__ import annotations

from io import BytesIO

from openpyxl import load_workbook

from motcua.dossiers.models import Status
from tests.api.conftest import at
from tests.dossiers.whole_way import (
    APOLOGY_REASON,
    CENTER,
    NAMES,
    SUPPLEMENT_DOCUMENT,
    SUPPLEMENT_REASON,
    control_sheet,
    flat,
    in_order,
)

URL = "/api/v1/dossiers/"


def act(client, code: str, action: str, **body):
    return client.post(f"{URL}{code}/actions/{action}/", body, format="json")


def ok(response) -> dict:
    assert response.status_code == 200, response.json()
    return response.json()


def intake_body(provincial, **changes) -> dict:
    body = {
        "procedure_code": "1.009999",
        "receiving_unit": "000.00.01.H57",
        "applicant": {
            "kind": "organization",
            "full_name": "Công ty TNHH Sông Hương",
            "tax_code": "3300123456",
            "phone": "02343822123",
            "address": "5 Hùng Vương, phường Phú Hội, Huế",
        },
        "documents": [{"required_document_id": provincial.documents.get().pk, "count": 1}],
    }
    body.update(changes)
    return body


def test_a_dossier_the_whole_way_through_two_departments_by_api(provincial, staff, clients):
    for key, name in NAMES.items():
        staff[key].full_name = name
        staff[key].save(update_fields=["full_name"])
    counter, justice, construction, leader = (clients[key] for key in NAMES)

    with at(2026, 3, 9, 8, 30):
        response = counter.post(URL, intake_body(provincial), format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    code = body["code"]
    assert code == "000.00.01.H57-260309-0001"
    assert body["status"] == Status.RECEIVED and body["due_at"] == "2026-03-16T17:00:00+07:00"
    assert body["handling_unit"]["agency_code"] == "000.00.10.H57"

    with at(2026, 3, 9, 9, 0):
        body = ok(act(counter, code, "forward"))
    assert body["status"] == Status.PROCESSING
    steps = {s["stage"]: s for s in body["steps"]}
    assert [steps[n]["state"] for n in range(1, 6)] == ["done", "active", "pending", "pending", "pending"]
    assert steps[2]["unit"]["agency_code"] == "000.01.10.H57" and steps[2]["due_at"] == "2026-03-11T09:00:00+07:00"

    with at(2026, 3, 10, 9, 0):
        body = ok(act(leader, code, "request_supplement", reason=SUPPLEMENT_REASON, documents=[SUPPLEMENT_DOCUMENT]))
    assert body["status"] == Status.SUPPLEMENT and body["due_at"] is None

    with at(2026, 3, 11, 9, 0):
        body = ok(act(counter, code, "receive_supplement", documents=[{"name": SUPPLEMENT_DOCUMENT}]))
    assert body["status"] == Status.PROCESSING
    assert body["due_at"] == "2026-03-18T17:00:00+07:00", "5 working days again from the supplement: Thu 12 … Wed 18"
    assert {s["stage"]: s["due_at"] for s in body["steps"]}[2] == "2026-03-13T09:00:00+07:00"

    with at(2026, 3, 12, 10, 0):
        refused = act(construction, code, "complete_step")
        assert refused.status_code == 403, "Construction may not close the Justice division's step"
        body = ok(act(justice, code, "complete_step", note="Hồ sơ hợp lệ, đề nghị lấy ý kiến Sở Xây dựng"))
    steps = {s["stage"]: s for s in body["steps"]}
    assert steps[2]["state"] == "done" and steps[2]["mark"] == "early"
    assert (
        steps[3]["state"] == "active"
        and steps[3]["inter_agency"]
        and steps[3]["unit"]["agency_code"] == ("000.00.13.H57")
    )

    with at(2026, 3, 16, 15, 0):
        body = ok(act(construction, code, "complete_step", note="Thống nhất"))
    steps = {s["stage"]: s for s in body["steps"]}
    assert steps[3]["mark"] == "late", "1.5 days from Thu 12/03 10:00 ended on Fri 13/03"
    assert steps[4]["state"] == "active" and steps[4]["action"] == "Lãnh đạo Sở Tư pháp ký"

    with at(2026, 3, 17, 9, 0):
        body = ok(act(leader, code, "apologize", reason=APOLOGY_REASON, new_due_date="2026-03-20"))
    assert body["due_at"] == "2026-03-20T17:00:00+07:00" and body["original_due_at"] == "2026-03-18T17:00:00+07:00"
    assert body["apology_count"] == 1

    with at(2026, 3, 19, 10, 0):
        body = ok(act(leader, code, "approve", result_note="Văn bản số 125/STP-HCTP"))
    assert body["status"] == Status.DONE and body["finished_at"] == "2026-03-19T10:00:00+07:00"

    with at(2026, 3, 19, 14, 0):
        early = act(counter, code, "return_result")
        assert early.status_code == 409 and "thông báo trước" in early.json()["detail"]
        ok(act(counter, code, "notify_early_return", channel="sms"))
        body = ok(act(counter, code, "return_result"))
    assert body["status"] == Status.RETURNED and body["returned_at"] == "2026-03-19T14:00:00+07:00"
    assert body["allowed_actions"] == []
    assert [s["state"] for s in body["steps"]] == ["done"] * 5

    events = counter.get(f"{URL}{code}/events/").json()
    assert [(e["at"], e["action"], e["actor"]["username"], e["unit"]["agency_code"]) for e in events] == [
        ("2026-03-09T08:30:00+07:00", "receive", "tn.tinh", "000.00.01.H57"),
        ("2026-03-09T09:00:00+07:00", "forward", "tn.tinh", "000.00.01.H57"),
        ("2026-03-10T09:00:00+07:00", "request_supplement", "ld.tuphap", "000.00.10.H57"),
        ("2026-03-11T09:00:00+07:00", "receive_supplement", "tn.tinh", "000.00.01.H57"),
        ("2026-03-12T10:00:00+07:00", "complete_step", "cv.tuphap", "000.01.10.H57"),
        ("2026-03-16T15:00:00+07:00", "complete_step", "cv.xaydung", "000.00.13.H57"),
        ("2026-03-17T09:00:00+07:00", "apologize", "ld.tuphap", "000.00.10.H57"),
        ("2026-03-19T10:00:00+07:00", "approve", "ld.tuphap", "000.00.10.H57"),
        ("2026-03-19T14:00:00+07:00", "notify_early_return", "tn.tinh", "000.00.01.H57"),
        ("2026-03-19T14:00:00+07:00", "return_result", "tn.tinh", "000.00.01.H57"),
    ]
    assert [e["to_status"] for e in events] == [2, 4, 5, 4, 4, 4, 4, 9, 9, 10]
    assert events[2]["reason"] == SUPPLEMENT_REASON and events[2]["payload"]["documents"] == [SUPPLEMENT_DOCUMENT]
    assert [e["payload"]["mark"] for e in events if e["action"] == "complete_step"] == ["early", "late"]
    assert events[7]["payload"]["mark"] == "early", "approved a day before the new appointment"

    # A second dossier, refused after review: it is the one with a form 03.
    with at(2026, 3, 9, 10, 0):
        applicant = {
            **intake_body(provincial)["applicant"],
            "full_name": "Công ty CP Hương Giang",
            "tax_code": "3301234567",
        }
        refused_code = counter.post(URL, intake_body(provincial, applicant=applicant), format="json").json()["code"]
        ok(act(counter, refused_code, "forward"))
    with at(2026, 3, 10, 14, 0):
        refusal = ok(act(leader, refused_code, "refuse", reason="Dự án không thuộc địa bàn thành phố Huế"))
    assert refusal["status"] == Status.DONE and refusal["result_kind"] == "refusal"

    def form(dossier_code: str, number: str) -> str:
        response = counter.get(f"{URL}{dossier_code}/forms/{number}.pdf")
        assert response.status_code == 200, response.content[:300]
        assert response["Content-Type"] == "application/pdf"
        return flat(response.content)

    receipt = form(code, "01")
    in_order(
        receipt,
        "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ",
        f"Mã hồ sơ: {code}",
        f"{CENTER} tiếp nhận hồ sơ của",
        "Tổ chức: Công ty TNHH Sông Hương",
        "Thủ tục liên thông thử nghiệm (mã thủ tục 1.009999)",
        "Đơn đề nghị Bản chính 01",
        f"{SUPPLEMENT_DOCUMENT} (nộp bổ sung)",
        "5 ngày làm việc",
        "Thời gian nhận hồ sơ: 08:30, ngày 09 tháng 03 năm 2026",
        "Thời gian trả kết quả giải quyết hồ sơ: 17:00, ngày 20 tháng 03 năm 2026",
        "hẹn ban đầu: 17:00, ngày 18 tháng 03 năm 2026",
        "Quyển số: 2026, Số thứ tự: 01",
        NAMES["city_counter"],
    )

    supplement = form(code, "02")
    in_order(
        supplement,
        "SỞ TƯ PHÁP",
        "Huế, ngày 10 tháng 03 năm 2026",
        "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ",
        f"Mã hồ sơ: {code}",
        "Công ty TNHH Sông Hương",
        "Ngày tiếp nhận hồ sơ: 08:30, ngày 09 tháng 03 năm 2026",
        SUPPLEMENT_DOCUMENT,
        f"Lý do: {SUPPLEMENT_REASON}",
        NAMES["justice_leader"],
    )

    refusal_text = form(refused_code, "03")
    in_order(
        refusal_text,
        "PHIẾU TỪ CHỐI GIẢI QUYẾT HỒ SƠ",
        f"Mã hồ sơ: {refused_code}",
        "Công ty CP Hương Giang",
        "Dự án không thuộc địa bàn thành phố Huế",
    )
    assert counter.get(f"{URL}{code}/forms/03.pdf").status_code == 409, "the granted dossier has no refusal"

    apology = form(code, "04")
    in_order(
        apology,
        "SỞ TƯ PHÁP",
        "Huế, ngày 17 tháng 03 năm 2026",
        "PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ",
        "Kính gửi: Tổ chức Công ty TNHH Sông Hương",
        f"mã hồ sơ {code}",
        "Thời gian hẹn trả kết quả giải quyết hồ sơ: 17:00, ngày 18 tháng 03 năm 2026",
        f"Lý do: {APOLOGY_REASON}",
        "vào thời gian: 17:00, ngày 20 tháng 03 năm 2026",
        NAMES["justice_leader"],
    )

    control = form(code, "05")
    in_order(control, *control_sheet(code))

    assert counter.get(f"{URL}{code}/forms/06.pdf").status_code == 404, "form 06 is the unit's register, not a paper"
    register_url = "/api/v1/units/000.00.01.H57/register"
    response = counter.get(f"{register_url}.pdf?from=2026-03-01&to=2026-03-31")
    assert response.status_code == 200
    in_order(
        flat(response.content),
        "SỔ THEO DÕI HỒ SƠ",
        "Từ ngày 01/03/2026 đến ngày 31/03/2026",
        f"01 {code} Thủ tục liên thông thử nghiệm 01 Công ty TNHH Sông Hương",
        "Sở Tư pháp 08:30 09/03/2026 17:00 20/03/2026 09:00 09/03/2026 10:00 19/03/2026 14:00 19/03/2026",
        "Hẹn lại (Phiếu 04)",
        "Giải quyết trước hạn",
        f"02 {refused_code}",
        "Từ chối giải quyết",
    )
    response = counter.get(f"{register_url}.xlsx?from=2026-03-01&to=2026-03-31")
    assert response.status_code == 200
    rows = [row for row in load_workbook(BytesIO(response.content)).active.iter_rows(values_only=True)]
    header = rows.index(next(r for r in rows if r[0] == "STT"))
    by_code = {row[1]: dict(zip(rows[header], row, strict=True)) for row in rows[header + 1 :]}
    assert list(by_code) == [code, refused_code]
    row = by_code[code]
    dossier = ok(counter.get(f"{URL}{code}/"))
    local = "%Y-%m-%dT%H:%M:%S+07:00"
    assert row["STT"] == 1 and row["Cơ quan chủ trì giải quyết"] == "Sở Tư pháp"
    assert row["Ngày nhận hồ sơ"].strftime(local) == dossier["received_at"] == events[0]["at"]
    assert row["Ngày hẹn trả kết quả"].strftime(local) == dossier["due_at"] == "2026-03-20T17:00:00+07:00"
    assert row["Ngày chuyển hồ sơ đến cơ quan giải quyết"].strftime(local) == events[1]["at"]
    assert row["Ngày nhận kết quả từ cơ quan giải quyết"].strftime(local) == dossier["finished_at"] == events[7]["at"]
    assert row["Ngày trả kết quả cho cá nhân, tổ chức"].strftime(local) == dossier["returned_at"] == events[-1]["at"]
    assert "hẹn ban đầu 17:00 ngày 18/03/2026" in row["Ghi chú"]
    assert "Yêu cầu bổ sung 09:00 ngày 10/03/2026" in row["Ghi chú"] and "Giải quyết trước hạn" in row["Ghi chú"]
    refused_row = by_code[refused_code]
    assert refused_row["Ngày trả kết quả cho cá nhân, tổ chức"] is None
    assert "Từ chối giải quyết" in refused_row["Ghi chú"]

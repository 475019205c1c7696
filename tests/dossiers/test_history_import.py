"""Historical import: a CSV replayed through the actions gives exactly what driving the actions gives."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from django.core.management import CommandError, call_command

from motcua.dossiers import actions
from motcua.dossiers.history_import import COLUMNS, ImportFailed, import_history, parse_timestamp
from motcua.dossiers.models import Dossier, DossierSequence, Status
from tests.dossiers.conftest import birth_intake, unit, vn

COUNTER, SPECIALIST, LEADER = "tn.thuanhoa", "cv.thuanhoa", "ld.thuanhoa"
APPLICANT = {"applicant_name": "Nguyễn Văn An", "applicant_id_number": "046090001234", "applicant_phone": "0912345678"}


def csv_text(rows: list[dict[str, str]], columns=COLUMNS) -> io.StringIO:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(columns))
    writer.writeheader()
    for row in rows:
        writer.writerow(row)
    out.seek(0)
    return out


def creating(code: str, timestamp: str, event: str = "receive", actor: str = COUNTER, **extra) -> dict[str, str]:
    return {
        "dossier_code": code,
        "procedure_code": "1.001193",
        "receiving_unit_code": "000.01.41.H57",
        "channel": "counter",
        "event": event,
        "timestamp": timestamp,
        "actor": actor,
        "documents": "all",
        **APPLICANT,
        **extra,
    }


def ev(code: str, event: str, timestamp: str, actor: str, **extra) -> dict[str, str]:
    return {"dossier_code": code, "event": event, "timestamp": timestamp, "actor": actor, **extra}


def full_story(code: str) -> list[dict[str, str]]:
    """The lifecycle test's dossier: supplement (restart), parallel steps, apology, early return."""
    return [
        creating(code, "2026-03-09 09:00"),
        ev(code, "forward", "2026-03-09T09:30:00+07:00", COUNTER),
        ev(
            code,
            "request_supplement",
            "2026-03-10 08:00",
            SPECIALIST,
            reason="Giấy chứng sinh mờ",
            documents="Giấy chứng sinh (bản rõ)",
        ),
        ev(code, "receive_supplement", "11/03/2026 10:00", COUNTER, documents="Giấy chứng sinh (bản rõ)"),
        ev(code, "complete_step", "2026-03-11 14:00", SPECIALIST, step="Thẩm định hồ sơ", note="Hồ sơ hợp lệ"),
        ev(code, "complete_step", "2026-03-11 14:05", SPECIALIST, step="Xác minh thông tin cư trú"),
        ev(code, "apologize", "2026-03-13 16:00", LEADER, reason="Chờ xác minh bổ sung", new_due_date="18/03/2026"),
        ev(code, "approve", "2026-03-16 09:00", LEADER, result_note="Giấy khai sinh số 123"),
        ev(code, "notify_early_return", "2026-03-16 10:05", COUNTER),
        ev(code, "return_result", "2026-03-16T18:00:00-07:00", COUNTER),  # = 17/03 08:00 in Vietnam
    ]


def drive_directly(birth, staff) -> Dossier:
    d = actions.receive_at_counter(birth_intake(birth), actor=staff["counter"], at=vn(2026, 3, 9, 9, 0))
    d = actions.forward(d, actor=staff["counter"], at=vn(2026, 3, 9, 9, 30))
    d = actions.request_supplement(
        d,
        actor=staff["specialist"],
        reason="Giấy chứng sinh mờ",
        documents=["Giấy chứng sinh (bản rõ)"],
        at=vn(2026, 3, 10, 8, 0),
    )
    d = actions.receive_supplement(
        d,
        actor=staff["counter"],
        documents=[actions.SubmittedDocument(None, name="Giấy chứng sinh (bản rõ)")],
        at=vn(2026, 3, 11, 10, 0),
    )
    appraisal = d.steps.get(action="Thẩm định hồ sơ")
    d = actions.complete_step(
        d, actor=staff["specialist"], step_id=appraisal.pk, note="Hồ sơ hợp lệ", at=vn(2026, 3, 11, 14, 0)
    )
    police = d.steps.get(action="Xác minh thông tin cư trú")
    d = actions.complete_step(d, actor=staff["specialist"], step_id=police.pk, at=vn(2026, 3, 11, 14, 5))
    d = actions.apologize(
        d,
        actor=staff["leader"],
        reason="Chờ xác minh bổ sung",
        new_due_date=date(2026, 3, 18),
        at=vn(2026, 3, 13, 16, 0),
    )
    d = actions.approve(d, actor=staff["leader"], result_note="Giấy khai sinh số 123", at=vn(2026, 3, 16, 9, 0))
    d = actions.notify_early_return(d, actor=staff["counter"], at=vn(2026, 3, 16, 10, 5))
    return actions.return_result(d, actor=staff["counter"], at=vn(2026, 3, 17, 8, 0))


DOSSIER_FIELDS = (
    "status",
    "channel",
    "received_at",
    "clock_start",
    "due_at",
    "original_due_at",
    "rescheduled_due_at",
    "finished_at",
    "returned_at",
    "supplement_requested_at",
    "supplement_received_at",
    "supplement_count",
    "apology_count",
    "early_return_notified_at",
    "result_kind",
    "result_note",
    "revision",
    "handling_unit_id",
    "procedure_version_id",
    "applicant_id",
    "fees_due",
)


def snapshot(d: Dossier) -> dict:
    d.refresh_from_db()
    events = [
        (e.action, e.at, e.from_status, e.to_status, e.actor_id, e.unit_id, e.step.action if e.step else None, e.reason)
        for e in d.events.select_related("step")
    ]
    payloads = [e.payload for e in d.events.all()]
    steps = [(s.stage, s.action, s.state, s.started_at, s.due_at, s.finished_at, s.unit_id) for s in d.steps.all()]
    documents = sorted((doc.name, doc.required_document_id, doc.supplement) for doc in d.documents.all())
    return {
        "dossier": {f: getattr(d, f) for f in DOSSIER_FIELDS},
        "events": events,
        "payloads": payloads,
        "steps": steps,
        "documents": documents,
    }


def test_a_replayed_csv_gives_the_same_dossier_events_and_due_dates_as_the_actions(birth, staff):
    native = drive_directly(birth, staff)
    report = import_history(csv_text(full_story("000.01.41.H57-260309-0005")))
    imported = Dossier.objects.get(code="000.01.41.H57-260309-0005")
    assert report.events == 10 and report.created == [imported.code]
    assert snapshot(imported) == snapshot(native)
    assert imported.status == Status.RETURNED
    assert imported.due_at == vn(2026, 3, 16, 17, 0), "restarted from the supplement: Thu, Fri, Mon"
    assert imported.rescheduled_due_at == vn(2026, 3, 18, 17, 0)
    assert imported.events.get(action="approve").payload["mark"] == "early"


def test_the_legacy_code_is_kept_and_the_sequence_moves_past_it(birth, staff):
    rows = [
        creating("000.01.41.H57-260309-0007", "2026-03-09 08:00"),
        creating("000.22.41.H57-250101-0003", "2026-03-09 08:05"),  # an old unit's code: kept, no sequence of ours
    ]
    rows[1]["applicant_id_number"] = "046190005678"
    import_history(csv_text(rows))
    assert set(Dossier.objects.values_list("code", flat=True)) == {
        "000.01.41.H57-260309-0007",
        "000.22.41.H57-250101-0003",
    }
    assert DossierSequence.objects.get(unit=unit("000.01.41.H57"), day=date(2026, 3, 9)).last == 7
    native = actions.receive_at_counter(birth_intake(birth), actor=staff["counter"], at=vn(2026, 3, 9, 10, 0))
    assert native.code == "000.01.41.H57-260309-0008"
    # A lower legacy number never moves the sequence back.
    import_history(csv_text([creating("000.01.41.H57-260309-0002", "2026-03-09 08:30")]))
    assert DossierSequence.objects.get(unit=unit("000.01.41.H57"), day=date(2026, 3, 9)).last == 8


def test_an_action_error_names_the_row_and_rolls_the_whole_file_back(birth, staff):
    code, other = "000.01.41.H57-260309-0001", "000.01.41.H57-260309-0002"
    rows = [
        creating(other, "2026-03-09 08:00"),  # row 2: fine on its own
        creating(code, "2026-03-09 09:00"),  # row 3
        ev(code, "forward", "2026-03-09 09:30", COUNTER),  # row 4
        ev(code, "request_supplement", "2026-03-10 08:00", SPECIALIST, reason="Thiếu giấy chứng sinh"),  # row 5
        ev(code, "approve", "2026-03-10 09:00", LEADER),  # row 6: still waiting for the supplement
    ]
    with pytest.raises(ImportFailed) as failed:
        import_history(csv_text(rows))
    assert failed.value.errors == [
        "Dòng 6: Không thể “phê duyệt, ký kết quả” khi hồ sơ đang ở trạng thái “Yêu cầu bổ sung giấy tờ”."
    ]
    assert not Dossier.objects.exists(), "all or nothing: the good dossier of row 2 is not kept either"
    assert not DossierSequence.objects.exists()


def test_a_permission_refusal_and_invalid_applicant_data_are_reported_with_their_row(birth, staff):
    code = "000.01.41.H57-260309-0001"
    rows = [creating(code, "2026-03-09 09:00"), ev(code, "forward", "2026-03-09 09:30", SPECIALIST)]
    with pytest.raises(ImportFailed) as failed:
        import_history(csv_text(rows))
    assert failed.value.errors == [
        "Dòng 3: Bạn không có quyền “chuyển cơ quan giải quyết” tại đơn vị "
        "“Trung tâm Phục vụ hành chính công phường Thuận Hóa”."
    ]
    bad = creating(code, "2026-03-09 09:00", applicant_id_number="12345")
    with pytest.raises(ImportFailed) as failed:
        import_history(csv_text([bad]))
    assert failed.value.errors[0].startswith("Dòng 2: Thông tin chủ hồ sơ chưa đúng. (id_number: ")


def test_unknown_actor_unit_and_procedure_are_all_listed_before_anything_runs(birth, staff):
    rows = [
        creating("000.01.41.H57-260309-0001", "2026-03-09 09:00", actor="nguoi.cu"),
        creating("000.01.41.H57-260309-0002", "2026-03-09 09:05", receiving_unit_code="000.09.99.H57"),
        creating("000.01.41.H57-260309-0003", "2026-03-09 09:10", procedure_code="9.999999"),
        ev("000.01.41.H57-260309-0009", "forward", "2026-03-09 09:30", COUNTER),
    ]
    with pytest.raises(ImportFailed) as failed:
        import_history(csv_text(rows))
    assert failed.value.errors == [
        "Dòng 2: Không có cán bộ (đang hoạt động) có tên đăng nhập “nguoi.cu”; "
        "tạo tài khoản trước hoặc dùng --as-user.",
        "Dòng 3: Không có đơn vị mã định danh “000.09.99.H57” (cột receiving_unit_code).",
        "Dòng 4: Không có thủ tục mã 9.999999.",
        "Dòng 5: Hồ sơ 000.01.41.H57-260309-0009 chưa có trong hệ thống: sự kiện đầu tiên (sớm nhất) của hồ sơ "
        "phải là receive, submit_online, refuse_intake, không phải forward.",
    ]
    assert not Dossier.objects.exists()


def test_as_user_stands_in_for_unknown_or_empty_actors_but_needs_the_role(birth, staff):
    code = "000.01.41.H57-260309-0001"
    rows = [creating(code, "2026-03-09 09:00", actor="nguoi.cu"), ev(code, "forward", "2026-03-09 09:30", "")]
    import_history(csv_text(rows), as_user=COUNTER)
    d = Dossier.objects.get(code=code)
    assert d.status == Status.PROCESSING
    assert {e.actor.username for e in d.events.all()} == {COUNTER}
    later = [ev(code, "complete_step", "2026-03-09 10:00", "nguoi.cu", step="Thẩm định hồ sơ")]
    with pytest.raises(ImportFailed, match="Dòng 2: Bạn không có quyền"):
        import_history(csv_text(later), as_user=COUNTER)


@pytest.mark.parametrize(
    ("timestamp", "message"),
    [
        ("2026-13-01 08:00", "Dòng 2: Thời điểm “2026-13-01 08:00” không đúng định dạng"),
        ("hôm qua", "Dòng 2: Thời điểm “hôm qua” không đúng định dạng"),
        ("", "Dòng 2: Thiếu thời điểm (cột timestamp)."),
        ("2099-01-05 08:00", "Dòng 2: Thời điểm 08:00 05/01/2099 ở tương lai."),
    ],
)
def test_malformed_and_future_timestamps_are_refused(birth, staff, timestamp, message):
    with pytest.raises(ImportFailed) as failed:
        import_history(csv_text([creating("000.01.41.H57-260309-0001", timestamp)]))
    assert failed.value.errors[0].startswith(message)
    assert not Dossier.objects.exists()


def test_timestamps_with_offset_or_in_local_time_mean_the_same_moment():
    expected = vn(2025, 7, 7, 8, 15)
    for text in ("2025-07-07T08:15:00+07:00", "2025-07-07T01:15:00Z", "2025-07-07 08:15", "07/07/2025 08:15"):
        assert parse_timestamp(text) == expected


def test_structure_errors_header_codes_events_and_values(birth, staff):
    with pytest.raises(ImportFailed) as failed:
        import_history(csv_text([], columns=["dossier_code", "event", "timestamp", "actor", "ghi_chu"]))
    assert failed.value.errors == [
        "Dòng 1: thiếu cột procedure_code, receiving_unit_code, channel.",
        "Dòng 1: cột không xác định ghi_chu (xem docs/dossier-history-import.md).",
    ]
    rows = [
        creating("HS-001", "2026-03-09 09:00"),
        creating("000.01.41.H57-260309-0001", "2026-03-09 09:00", event="tiep_nhan"),
        creating("000.01.41.H57-260309-0002", "2026-03-09 09:00", channel="fax"),
        ev("000.01.41.H57-260309-0002", "apologize", "2026-03-10 09:00", LEADER, reason="x", new_due_date="mai"),
        ev("000.01.41.H57-260309-0002", "withdraw", "2026-03-10 10:00", COUNTER),
    ]
    with pytest.raises(ImportFailed) as failed:
        import_history(csv_text(rows))
    errors = failed.value.errors
    assert errors[0] == "Dòng 2: Mã hồ sơ “HS-001” không đúng dạng <mã đơn vị>-<YYMMDD>-<số thứ tự>."
    assert errors[1].startswith("Dòng 3: Sự kiện “tiep_nhan” không xác định")
    assert errors[2] == "Dòng 4: Kênh nộp (cột channel) “fax” phải là counter, post, online."
    assert errors[3].startswith("Dòng 5: Ngày “mai” ở cột new_due_date không đúng định dạng")
    assert errors[4] == "Dòng 6: Sự kiện withdraw phải có lý do (cột reason)."


def test_a_file_imported_twice_is_refused_and_a_later_file_may_continue_a_dossier(birth, staff):
    code = "000.01.41.H57-260309-0001"
    first = [creating(code, "2026-03-09 09:00"), ev(code, "forward", "2026-03-09 09:30", COUNTER)]
    import_history(csv_text(first))
    with pytest.raises(ImportFailed) as failed:
        import_history(csv_text(first))
    assert failed.value.errors[0].startswith(f"Dòng 2: Hồ sơ {code} đã có sự kiện lúc 09:30 09/03/2026")
    import_history(csv_text([ev(code, "complete_step", "2026-03-10 08:00", SPECIALIST, step="Thẩm định hồ sơ")]))
    assert Dossier.objects.get(code=code).events.count() == 3


def test_online_submission_then_receipt_and_a_counter_refusal(birth, staff):
    online, refused = "000.01.41.H57-260307-0001", "000.01.41.H57-260309-0002"
    rows = [
        creating(online, "07/03/2026 21:40", event="submit_online", actor="", channel="online"),
        ev(online, "receive", "09/03/2026 08:05", COUNTER),
        creating(
            refused,
            "2026-03-09 08:30",
            event="refuse_intake",
            documents="Tờ khai đăng ký khai sinh",
            reason="Thiếu giấy chứng sinh",
            applicant_id_number="046190005678",
        ),
    ]
    import_history(csv_text(rows))
    d = Dossier.objects.get(code=online)
    assert d.status == Status.RECEIVED and d.submitted_at == vn(2026, 3, 7, 21, 40)
    assert d.due_at == vn(2026, 3, 12, 17, 0), "the clock starts at receipt, not at the Saturday-night submission"
    r = Dossier.objects.get(code=refused)
    assert r.status == Status.NOT_RECEIVED
    assert r.events.get().payload["missing"] == ["Giấy chứng sinh"]


def test_the_command_prints_row_errors_and_fails_or_reports_what_it_imported(birth, staff, tmp_path):
    code = "000.01.41.H57-260309-0001"
    bad = tmp_path / "bad.csv"
    bad.write_text(
        csv_text([creating(code, "2026-03-09 09:00"), ev(code, "approve", "2026-03-09 10:00", LEADER)]).read()
    )
    err = io.StringIO()
    with pytest.raises(CommandError, match="chưa có dữ liệu nào được ghi"):
        call_command("dossiers", "import", str(bad), stderr=err)
    assert "Dòng 3: Không thể “phê duyệt, ký kết quả” khi hồ sơ đang ở trạng thái “Được tiếp nhận”." in err.getvalue()

    good = tmp_path / "good.csv"
    good.write_text("\ufeff" + csv_text(full_story(code)).read(), encoding="utf-8")
    out = io.StringIO()
    call_command("dossiers", "import", str(good), "--dry-run", stdout=out)
    assert "Chạy thử: 10 sự kiện của 1 hồ sơ" in out.getvalue() and not Dossier.objects.exists()
    call_command("dossiers", "import", str(good), stdout=out)
    assert "Đã nhập 10 sự kiện của 1 hồ sơ (1 hồ sơ mới, 0 hồ sơ đã có)" in out.getvalue()
    assert Dossier.objects.get(code=code).status == Status.RETURNED


def test_a_replay_refreshes_the_planner_statistics_early_then_every_3000_events():
    from motcua.dossiers.history_import import analyze_due

    due = [n for n in range(0, 9001) if analyze_due(n)]
    assert due == [100, 3000, 6000, 9000]

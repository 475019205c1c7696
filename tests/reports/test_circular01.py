"""The Circular 01/2018 nine-index evaluation on a small exact quarter played through the real actions: the
per-dossier averages, the per-agency points, the excluded index 6, the total and its official band."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
import time_machine

from motcua.catalog import lifecycle
from motcua.catalog.models import (
    Field,
    Procedure,
    ProcedureUnit,
    ProcedureVersion,
    ProcessStep,
    RequiredDocument,
    StepHandler,
)
from motcua.dossiers import actions
from motcua.dossiers.models import Dossier
from motcua.feedback import actions as feedback_actions
from motcua.feedback.models import Kind
from motcua.reports import facts
from motcua.reports.circular01 import NO_DATA, average, evaluate, quarter_dates, rating_for
from tests.dossiers.conftest import birth, birth_intake, hue, officer, staff, unit, vn  # noqa: F401


def at(*args: int):
    return time_machine.travel(vn(*args), tick=False)


def D(value: str) -> Decimal:
    return Decimal(value)


def counts(evaluation, number: int) -> tuple:
    i = evaluation.index(number)
    return i.dossiers, i.scoring_2, i.scoring_1, i.scoring_0, i.score


@pytest.fixture
def certify(birth):  # noqa: F811
    """A procedure done entirely at the One-stop Section of phường Thuận Hóa, in whole working days (1 + 2 + 1)."""
    procedure = Procedure.objects.create(
        code="2.000815", name="Chứng thực bản sao từ bản chính", field=Field.objects.create(name="Chứng thực")
    )
    version = ProcedureVersion.objects.create(
        procedure=procedure, time_limit_value=4, channels=["counter"], online_level="none"
    )
    RequiredDocument.objects.create(version=version, position=1, name="Bản chính giấy tờ")
    for stage, action, allotted in ((1, "Tiếp nhận", 1), (2, "Chứng thực", 2), (3, "Trả kết quả", 1)):
        ProcessStep.objects.create(
            version=version, stage=stage, action=action, handler=StepHandler.RECEIVING_UNIT, allotted=Decimal(allotted)
        )
    ProcedureUnit.objects.create(procedure=procedure, unit=unit("000.01.41.H57"), receives=True)
    ProcedureUnit.objects.create(procedure=procedure, unit=unit("000.00.41.H57"), receives=False, handles=True)
    return lifecycle.publish(version, decision_number="3/QĐ-UBND", decision_date=date(2025, 7, 1))


def counter_dossier(staff, intake, counter: str = "counter"):  # noqa: F811
    with at(2026, 3, 9, 9, 0):
        d = actions.receive_at_counter(intake, actor=staff[counter])
        return actions.forward(d, actor=staff[counter])


def approve(staff, d, *moment: int, leader: str = "leader"):  # noqa: F811
    with at(*moment):
        return actions.approve(d, actor=staff[leader])


def feedback(staff, submitted: tuple[int, ...], answered: tuple[int, ...], dossier_code: str = ""):  # noqa: F811
    with at(*submitted):
        fb = feedback_actions.submit(
            feedback_actions.Submission(
                kind=Kind.REPORT,
                subject="Phản ánh",
                content="Nội dung phản ánh.",
                name="Nguyễn Văn An",
                phone="0912345678",
                unit=unit("000.00.41.H57"),
                dossier_code=dossier_code,
                wants_public=False,
            )
        )
    with at(*answered):
        fb = feedback_actions.classify(fb, staff["specialist"])
        return feedback_actions.answer(fb, staff["specialist"], text="Đã xem xét.", signer="Lê Văn Ký, Chủ tịch")


@pytest.fixture
def quarter(birth, certify, staff):  # noqa: F811
    """Q1 2026. Phường Thuận Hóa (all received Monday 09/03 09:00):

    P  chứng thực, approved Tuesday 10/03: early; each of its steps ended a day before its due day.
    Q  chứng thực, a supplement asked on 09/03 and brought on 10/03, approved 11/03: early, one contact.
    R  khai sinh, approved Friday 13/03: late (due Thursday 12/03 17:00), its appraisal step late.
    S  khai sinh, approved on the due day 12/03: on time, but complained about in a feedback (answered on time).
    T  khai sinh, approved 10/03: early, but the applicant rated the officers' attitude "very dissatisfied".
    U  khai sinh submitted online, approved 10/03: early.
    V  khai sinh submitted online, still open at the end of the quarter: overdue.
    W  khai sinh, withdrawn.
    Plus a feedback received 02/03 and answered late (31/03).
    Xã Phú Vang: X (online) and Y (counter), both approved early on 10/03; no feedback.
    """
    staff["leader_phuvang"] = officer("ld.phuvang", "agency_leader", "000.00.44.H57")
    cert = dict(procedure_code="2.000815", documents=[actions.SubmittedDocument(certify.documents.get().pk)])
    p = approve(staff, counter_dossier(staff, birth_intake(birth, **cert)), 2026, 3, 10, 9, 0)
    q = counter_dossier(staff, birth_intake(birth, **cert))
    with at(2026, 3, 9, 10, 0):
        q = actions.request_supplement(q, actor=staff["specialist"], reason="Thiếu bản chính.")
    with at(2026, 3, 10, 9, 0):
        q = actions.receive_supplement(q, actor=staff["counter"])
    q = approve(staff, q, 2026, 3, 11, 9, 0)
    r = approve(staff, counter_dossier(staff, birth_intake(birth)), 2026, 3, 13, 9, 0)
    s = approve(staff, counter_dossier(staff, birth_intake(birth)), 2026, 3, 12, 9, 0)
    t = approve(staff, counter_dossier(staff, birth_intake(birth)), 2026, 3, 10, 9, 0)
    with at(2026, 3, 10, 10, 0):
        actions.rate(t, level=2, channel="kiosk", aspects={"attitude": 1, "time": 5})
    online = {}
    for name in ("U", "V"):
        with at(2026, 3, 9, 8, 0):
            d = actions.submit_online(birth_intake(birth))
        with at(2026, 3, 9, 9, 0):
            d = actions.receive(d, actor=staff["counter"])
            online[name] = actions.forward(d, actor=staff["counter"])
    u = approve(staff, online["U"], 2026, 3, 10, 9, 0)
    w = counter_dossier(staff, birth_intake(birth))
    with at(2026, 3, 10, 9, 0):
        actions.withdraw(w, actor=staff["counter"], reason="Người nộp xin rút.")
    feedback(staff, (2026, 3, 16, 9, 0), (2026, 3, 17, 9, 0), dossier_code=s.code)
    feedback(staff, (2026, 3, 2, 9, 0), (2026, 3, 31, 9, 0))
    phu_vang = dict(receiving_unit=unit("000.01.44.H57"))
    with at(2026, 3, 9, 8, 0):
        x = actions.submit_online(birth_intake(birth, **phu_vang))
    with at(2026, 3, 9, 9, 0):
        x = actions.receive(x, actor=staff["counter_other"])
        x = actions.forward(x, actor=staff["counter_other"])
    approve(staff, x, 2026, 3, 10, 9, 0, leader="leader_phuvang")
    y = counter_dossier(staff, birth_intake(birth, **phu_vang), counter="counter_other")
    approve(staff, y, 2026, 3, 10, 9, 0, leader="leader_phuvang")
    facts.refresh(Dossier.objects.values_list("pk", flat=True))
    return {"P": p, "Q": q, "R": r, "S": s, "T": t, "U": u, "V": online["V"], "W": w}


def test_per_dossier_indices_average_the_points_of_each_dossier_with_a_result_in_the_quarter(quarter):
    q1 = evaluate(unit("000.00.41.H57"), 2026, 1)
    # 1: P, Q, T, U early; S on time; R late → (4 × 2 + 1) ÷ 6 = 1.5 (V open and W withdrawn are not evaluated)
    assert counts(q1, 1) == (6, 4, 1, 1, D("1.5"))
    # 3 and 4: only Q was asked for a supplement → (5 × 2 + 1) ÷ 6 = 1.8
    assert counts(q1, 3) == (6, 5, 1, 0, D("1.8"))
    assert counts(q1, 4) == (6, 5, 1, 0, D("1.8"))
    # 7: P, Q, U early without complaint; S on time but complained about; T early but attitude rated 1; R late
    assert counts(q1, 7) == (6, 3, 0, 3, D("1.0"))


def test_index_2_scores_each_dossier_by_the_worst_of_the_agency_s_steps_against_their_own_due(quarter):
    q1 = evaluate(unit("000.00.41.H57"), 2026, 1)
    # P and Q: whole-day steps ended a day before their due day → 2 (Q's running step got its due moved by the
    # supplement); T and U: their half-day steps ended on their due day → 1; R and S: the appraisal, due 10/03
    # 14:45, ended only when the leader signed on 13/03 and 12/03 → 0. (4 + 2) ÷ 6 = 1.0.
    assert counts(q1, 2) == (6, 2, 2, 2, D("1.0"))
    assert "hồ sơ lấy điểm của bước kém nhất" in q1.index(2).source


def test_per_agency_indices_score_the_agency_once(quarter):
    q1 = evaluate(unit("000.00.41.H57"), 2026, 1)
    # 5: a commune must do 100% of its procedures entirely at the One-stop Section: 1 of 2, but both are received
    # there → 1. The province (20%) → 2.
    assert q1.index(5).score == D("1.0")
    assert evaluate(unit("000.00.00.H57"), 2026, 1).index(5).score == D("2.0")
    # 8: one of the two feedback answers was late → 50% → 0
    assert q1.index(8).score == D("0.0")
    # 9: 2 of 8 dossiers online (25%), half the procedures offered online, but V is overdue at the end of the
    # quarter → 0
    assert q1.index(9).score == D("0.0")
    assert "1 hồ sơ trực tuyến chưa có kết quả đã quá hạn" in q1.index(9).source
    phu_vang = evaluate(unit("000.00.44.H57"), 2026, 1)
    # Phú Vang: no feedback → 2; 1 of 2 dossiers online, none late, its one procedure offered online → 2
    assert (phu_vang.index(8).score, phu_vang.index(9).score) == (D("2.0"), D("2.0"))


def test_index_6_has_no_data_and_the_total_and_band_count_only_the_computed_indices(quarter):
    q1 = evaluate(unit("000.00.41.H57"), 2026, 1)
    six = q1.index(6)
    assert (six.available, six.score, six.status) == (False, None, NO_DATA)
    assert q1.excluded == [6] and q1.max_points == 16
    # 1.5 + 1.0 + 1.8 + 1.8 + 1 (5) + 1.0 + 0 (8) + 0 (9) = 8.1 → trung bình
    assert q1.total == D("8.1") and q1.rating == "Trung bình"
    assert q1.as_dict()["total"] == 8.1 and "Trung bình" in q1.summary


def test_a_quarter_without_dossiers_has_nothing_to_average(quarter):
    q2 = evaluate(unit("000.00.41.H57"), 2026, 2)
    for number in (1, 2, 3, 4, 7):
        assert q2.index(number).dossiers == 0 and q2.index(number).score is None
    assert q2.index(9).score is None  # nothing received: no online share to judge


def test_the_official_bands_and_the_rounding():
    assert [rating_for(D(x)) for x in ("15", "14.9", "12", "9", "6", "5.9")] == [
        "Xuất sắc",
        "Tốt",
        "Tốt",
        "Khá",
        "Trung bình",
        "Yếu",
    ]
    assert average(9, 6) == D("1.5") and average(11, 6) == D("1.8") and average(0, 0) is None
    assert quarter_dates(2026, 1) == (date(2026, 1, 1), date(2026, 3, 31))
    assert quarter_dates(2024, 4) == (date(2024, 10, 1), date(2024, 12, 31))

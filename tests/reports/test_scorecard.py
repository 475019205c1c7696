"""The Decision 766 scorecard on small exact scenarios played through the real actions (time frozen), then the
fact refresh: every computed indicator's numerator, denominator, rate and points; the indicators motcua has no
data for carry no points; the total is the sum of the points that could be computed; children roll up."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
import time_machine

from motcua.catalog import lifecycle
from motcua.catalog.models import Field, Procedure, ProcedureUnit, ProcedureVersion, ProcessStep, RequiredDocument
from motcua.dossiers import actions
from motcua.dossiers.models import Dossier
from motcua.feedback import actions as feedback_actions
from motcua.feedback.models import Kind, Vote
from motcua.reports import facts
from motcua.reports.scorecard import NO_DATA, NOT_ARISING, Scorecard, by_children, points_for, scorecard
from tests.dossiers.conftest import PDF, birth, birth_intake, hue, officer, staff, unit, vn  # noqa: F401

MARCH = (date(2026, 3, 1), date(2026, 3, 31))
NO_DATA_IDS = {"1.1", "1.2", "1.4", "3.5", "4.x", "4.5a", "4.5b"}


def at(*args: int):
    return time_machine.travel(vn(*args), tick=False)


def D(value: str) -> Decimal:
    return Decimal(value)


def figures(card: Scorecard, id: str) -> tuple:
    i = card.indicator(id)
    return i.numerator, i.denominator, i.rate, i.points


def resolved(birth, staff, finished: tuple[int, ...], *, counter: str = "counter", leader: str = "leader", **kw):  # noqa: F811
    """Received at the counter on Monday 09/03/2026 09:00 (due Thursday 12/03 17:00), approved at ``finished``."""
    with at(2026, 3, 9, 9, 0):
        d = actions.receive_at_counter(birth_intake(birth, **kw), actor=staff[counter])
        d = actions.forward(d, actor=staff[counter])
    with at(*finished):
        return actions.approve(d, actor=staff[leader])


@pytest.fixture
def complete_procedure(hue):  # noqa: F811
    """A procedure published with every constituent part, counter only, assigned to xã Phú Vang."""
    procedure = Procedure.objects.create(
        code="1.000001",
        name="Thủ tục đầy đủ bộ phận",
        field=Field.objects.create(name="Chứng thực"),
        levels=["commune"],
        subjects=["citizen"],
        implementing_agencies=["Ủy ban nhân dân cấp xã"],
    )
    version = ProcedureVersion.objects.create(
        procedure=procedure,
        time_limit_value=1,
        channels=["counter"],
        online_level="none",
        steps_description="Nộp hồ sơ tại Bộ phận Một cửa; nhận kết quả.",
    )
    RequiredDocument.objects.create(version=version, position=1, name="Đơn đề nghị")
    ProcessStep.objects.create(version=version, stage=1, action="Giải quyết", allotted=Decimal(1))
    ProcedureUnit.objects.create(procedure=procedure, unit=unit("000.00.44.H57"), receives=False, handles=True)
    return lifecycle.publish(version, decision_number="2/QĐ-UBND", decision_date=date(2025, 7, 1))


@pytest.fixture
def march(birth, staff, complete_procedure):  # noqa: F811
    """March 2026 in two communes.

    Phường Thuận Hóa (received at its center, handled by its committee):
      A early (10/03) with digitised components and an e-result, rated 5;
      B on the due day (12/03), rated 2 (dissatisfied);
      C late (13/03), complained about in a feedback whose published answer was voted "not useful";
      D submitted online (full process), a 50,000 đ financial obligation paid online, early (10/03);
      E withdrawn (10/03).
    Xã Phú Vang: F late (13/03).
    """
    staff["leader_phuvang"] = officer("ld.phuvang", "agency_leader", "000.00.44.H57")
    intake = birth_intake(birth)
    intake.documents[0].content, intake.documents[0].file_name = PDF, "to-khai.pdf"
    intake.documents[1].content, intake.documents[1].file_name = PDF, "giay-chung-sinh.pdf"
    with at(2026, 3, 9, 9, 0):
        a = actions.receive_at_counter(intake, actor=staff["counter"])
        a = actions.forward(a, actor=staff["counter"])
    with at(2026, 3, 10, 9, 0):
        result = actions.SubmittedDocument(None, "Giấy khai sinh", file_name="gks.pdf", content=PDF)
        a = actions.approve(a, actor=staff["leader"], result_documents=[result])
        actions.rate(a, level=5, channel="kiosk")
    b = resolved(birth, staff, (2026, 3, 12, 9, 0))
    with at(2026, 3, 12, 10, 0):
        actions.rate(b, level=2, channel="kiosk")
    c = resolved(birth, staff, (2026, 3, 13, 9, 0))
    with at(2026, 3, 9, 8, 0):
        d = actions.submit_online(birth_intake(birth))
    with at(2026, 3, 9, 9, 0):
        d = actions.receive(d, actor=staff["counter"])
        d = actions.forward(d, actor=staff["counter"])
        d = actions.request_financial(d, actor=staff["specialist"], amount=Decimal(50000))
        d = actions.record_online_payment(d, amount=Decimal(50000), provider="sandbox", reference="T1")
    with at(2026, 3, 10, 9, 0):
        d = actions.approve(d, actor=staff["leader"])
    with at(2026, 3, 9, 9, 0):
        e = actions.receive_at_counter(birth_intake(birth), actor=staff["counter"])
    with at(2026, 3, 10, 9, 0):
        e = actions.withdraw(e, actor=staff["counter"], reason="Người nộp xin rút.")
    f = resolved(
        birth,
        staff,
        (2026, 3, 13, 9, 0),
        counter="counter_other",
        leader="leader_phuvang",
        receiving_unit=unit("000.01.44.H57"),
    )
    with at(2026, 3, 16, 9, 0):
        submission = feedback_actions.Submission(
            kind=Kind.REPORT,
            subject="Giải quyết chậm",
            content="Hồ sơ khai sinh của tôi bị trễ hẹn.",
            name="Nguyễn Văn An",
            phone="0912345678",
            unit=unit("000.00.41.H57"),
            dossier_code=c.code,
        )
        fb = feedback_actions.submit(submission)
    with at(2026, 3, 17, 9, 0):
        fb = feedback_actions.classify(fb, staff["specialist"])
        fb = feedback_actions.answer(fb, staff["specialist"], text="Đơn vị xin lỗi ông.", signer="Lê Văn Ký, Chủ tịch")
        fb = feedback_actions.publish(
            fb,
            staff["leader"],
            title="Hồ sơ khai sinh trễ hẹn",
            question="Hồ sơ khai sinh bị trễ hẹn.",
            answer_text="Đơn vị xin lỗi.",
            no_personal_data=True,
        )
        feedback_actions.vote(fb, voter="c1", value=Vote.NOT_USEFUL)
    facts.refresh(Dossier.objects.values_list("pk", flat=True))
    return {"A": a, "B": b, "C": c, "D": d, "E": e, "F": f}


def test_each_indicator_of_the_province_has_its_exact_numerator_denominator_and_points(march):
    card = scorecard(unit("000.00.00.H57"), *MARCH)
    # 1.3: of the two procedures in force on 31/03, only the one published with every part is complete.
    assert figures(card, "1.3") == (1, 2, D("50.00"), D("1.00"))
    # 2.1: A and D early, B on time, C and F late; the withdrawn E is in neither number.
    assert figures(card, "2.1") == (3, 5, D("60.00"), D("12.00"))
    # 2.2: working days 1 (A) + 3 (B) + 4 (C) + 1 (D) + 4 (F) over 5 dossiers; shown, not scored.
    average = card.indicator("2.2")
    assert (average.numerator, average.denominator, average.value, average.points) == (13, 5, D("2.60"), None)
    # 3.x: D is the one full-process online dossier among the six received of a full-process procedure.
    assert figures(card, "3.x") == (1, 6, D("16.67"), D("2.00"))
    assert figures(card, "3.1") == (1, 2, D("50.00"), None)
    assert figures(card, "3.3") == (1, 6, D("16.67"), None)
    # 3.5b / 3.6: D is the only fee-bearing dossier, and it was paid online.
    assert figures(card, "3.5b") == (1, 1, D("100.00"), D("2.00"))
    assert figures(card, "3.6") == (1, 1, D("100.00"), D("6.00"))
    # 4.1 / 4.2: only A has an e-result, and only A is digitised throughout (4.2: full points from 80%).
    assert figures(card, "4.1") == (1, 5, D("20.00"), D("1.20"))
    assert figures(card, "4.2") == (1, 5, D("20.00"), D("1.00"))
    assert figures(card, "4.3") == (0, 6, D("0.00"), D("0.00"))
    assert figures(card, "4.4") == (0, 6, D("0.00"), D("0.00"))
    # 5.1–5.3: the one feedback was answered on time, but its answer was judged "not useful".
    assert card.indicator("5.1").numerator == 1 and card.indicator("5.1").points is None
    assert figures(card, "5.2") == (1, 1, D("100.00"), D("6.00"))
    assert figures(card, "5.3") == (0, 1, D("0.00"), D("0.00"))
    # 5.4: 100 − (2 late ÷ 5 = 40% + (B rated 2, C complained about) 2 ÷ 5 = 40%) = 20% → 6 × 20 / 90.
    assert figures(card, "5.4") == (4, 5, D("20.00"), D("1.33"))


def test_indicators_without_data_have_no_points_and_the_total_counts_only_what_was_computed(march):
    card = scorecard(unit("000.00.00.H57"), *MARCH)
    missing = {i.id for i in card.indicators if not i.available}
    assert missing == NO_DATA_IDS
    for i in card.indicators:
        if not i.available:
            assert (i.points, i.rate, i.numerator, i.status) == (None, None, None, NO_DATA)
            assert i.source.startswith(NO_DATA)
    assert card.points == D("32.53") == sum(i.points for i in card.indicators if i.counted)
    assert card.max_with_data == 76 and card.max_without_data == 24 and card.max_not_arising == 0
    assert card.max_with_data + card.max_without_data == card.max_points == 100
    assert [g.max_points for g in card.groups] == [18, 20, 22, 22, 18]
    assert [g.points for g in card.groups] == [D("1.00"), D("12.00"), D("10.00"), D("2.20"), D("7.33")]
    assert "32.53" in card.summary and "76" in card.summary


def test_the_scorecard_explains_each_number_in_its_working(march):
    card = scorecard(unit("000.00.00.H57"), *MARCH)
    assert card.indicator("2.1").source.startswith("2 hồ sơ trước hạn + 1 đúng hạn trên 5 hồ sơ có kết quả")
    assert "Hồ sơ rút (1)" in card.indicator("2.1").source
    assert "1 thiếu trình tự thực hiện" in card.indicator("1.3").source
    assert card.indicator("4.2").rule.startswith("4 × min(1, tỷ lệ ÷ 80%)")
    data = card.as_dict()
    assert data["points"] == 32.53 and data["groups"][1]["indicators"][0]["numerator"] == 3


def test_a_unit_scorecard_covers_its_subtree_and_the_province_rolls_up_its_children(march):
    rows = {card.unit.agency_code: card for card in by_children(unit("000.00.00.H57"), *MARCH)}
    thuan_hoa, phu_vang = rows["000.00.41.H57"], rows["000.00.44.H57"]
    assert figures(thuan_hoa, "2.1") == (3, 4, D("75.00"), D("15.00"))
    assert figures(phu_vang, "2.1") == (0, 1, D("0.00"), D("0.00"))
    assert figures(thuan_hoa, "1.3") == (0, 1, D("0.00"), D("0.00"))
    assert figures(phu_vang, "1.3") == (1, 2, D("50.00"), D("1.00"))
    assert figures(thuan_hoa, "5.2") == (1, 1, D("100.00"), D("6.00"))
    assert figures(phu_vang, "5.2")[1] == 0 and phu_vang.indicator("5.2").status == NOT_ARISING
    # a child scored alone gives the same card as its row in the province table
    alone = scorecard(unit("000.00.41.H57"), *MARCH)
    assert [figures(alone, i.id) for i in alone.indicators] == [figures(thuan_hoa, i.id) for i in alone.indicators]
    # additive counts roll up: the province is the sum of its children (nothing is handled by the province itself)
    province = scorecard(unit("000.00.00.H57"), *MARCH)
    for id in ("2.1", "3.x", "3.6", "4.1", "4.2", "4.3", "5.4"):
        assert province.indicator(id).numerator == sum(card.indicator(id).numerator for card in rows.values())
        assert province.indicator(id).denominator == sum(card.indicator(id).denominator for card in rows.values())
    # a unit with nothing in the period: every data indicator "không phát sinh", no points, nothing invented
    quiet = rows["000.00.42.H57"]
    assert quiet.points == 0 and quiet.max_with_data == 0
    assert all(
        i.points is None and i.status in (NO_DATA, NOT_ARISING, "Chỉ theo dõi, không tính điểm")
        for i in quiet.indicators
    )


def test_the_points_rule_is_proportional_or_capped_at_the_threshold():
    assert points_for(D(20), D("91.60"), None) == D("18.32")
    assert points_for(D(4), D("60.00"), D(80)) == D("3.00")
    assert points_for(D(4), D("95.00"), D(80)) == D("4.00")
    assert points_for(D(6), None, D(90)) is None


def test_a_year_with_8_4_percent_of_resolved_dossiers_late_scores_91_6_percent_on_time(birth, staff):  # noqa: F811
    """250 dossiers resolved: 21 late (8.4%), 229 early → 2.1 = 91.60% → 18.32 of 20; 5.4 ≥ 90% → 6 of 6."""
    ids = []
    for n in range(250):
        finished = (2026, 3, 13, 9, 0) if n < 21 else (2026, 3, 10, 9, 0)
        ids.append(resolved(birth, staff, finished).pk)
    facts.refresh(ids)
    card = scorecard(unit("000.00.00.H57"), *MARCH)
    assert figures(card, "2.1") == (229, 250, D("91.60"), D("18.32"))
    assert figures(card, "5.4") == (21, 250, D("91.60"), D("6.00"))


def test_full_process_eligibility_follows_the_version_in_force_on_each_day_of_receipt(birth, staff):  # noqa: F811
    """Birth registration is offered full-process online until 10/03/2026, then only partly (new version from
    11/03): of two counter dossiers received on 09/03 and 12/03, only the first counts in 3.x's denominator."""
    with at(2026, 3, 9, 9, 0):
        ids = [actions.receive_at_counter(birth_intake(birth), actor=staff["counter"]).pk]
    draft = lifecycle.duplicate(birth)
    draft.online_level = "partial"
    draft.save()
    partial = lifecycle.publish(draft, decision_number="9/QĐ-BTP", decision_date=date(2026, 3, 11))
    with at(2026, 3, 12, 9, 0):
        ids.append(actions.receive_at_counter(birth_intake(partial), actor=staff["counter"]).pk)
    facts.refresh(ids)
    card = scorecard(unit("000.00.00.H57"), *MARCH)
    assert figures(card, "3.x") == (0, 1, D("0.00"), D("0.00"))
    assert figures(card, "3.1") == (1, 1, D("100.00"), None)  # partly online still counts for 3.1
    assert figures(scorecard(unit("000.00.00.H57"), date(2026, 3, 1), date(2026, 3, 10)), "3.x")[:2] == (0, 1)
    assert figures(scorecard(unit("000.00.00.H57"), date(2026, 3, 11), date(2026, 3, 31)), "3.x")[:2] == (0, 0)

"""Procedure versions: validation before publishing, frozen once published, retire, duplicate, audit."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from motcua.catalog import lifecycle
from motcua.catalog.models import (
    CatalogEvent,
    Fee,
    Field,
    Procedure,
    ProcedureVersion,
    ProcessStep,
    PublishedVersionError,
    RequiredDocument,
    StepHandler,
    VersionStatus,
)

pytestmark = pytest.mark.django_db


def draft(code: str = "1.001193", *, limit: int = 3, stages=((1, "0.5"), (2, "2"), (3, "0.5")), online=True):
    field, _ = Field.objects.get_or_create(name="Hộ tịch")
    procedure, _ = Procedure.objects.get_or_create(
        code=code, defaults={"name": "Thủ tục đăng ký khai sinh", "field": field}
    )
    version = ProcedureVersion.objects.create(
        procedure=procedure,
        time_limit_value=limit,
        channels=["counter", "online"] if online else ["counter"],
        online_level="full" if online else "none",
    )
    RequiredDocument.objects.create(version=version, name="Tờ khai đăng ký khai sinh")
    Fee.objects.create(version=version, name="Lệ phí", amount=Decimal(0))
    for stage, allotted in stages:
        ProcessStep.objects.create(version=version, stage=stage, action=f"Bước {stage}", allotted=Decimal(allotted))
    return version


def test_a_complete_draft_has_no_problems():
    assert lifecycle.validation_problems(draft()) == []


def test_plan_must_add_up_to_the_legal_time_limit():
    version = draft(limit=5)
    problems = lifecycle.validation_problems(version)
    assert any("Tổng thời gian các bước (3 ngày làm việc" in p and "(5 ngày làm việc)" in p for p in problems)


def test_parallel_inter_agency_branches_count_once_by_the_longest():
    version = draft(limit=3, stages=((1, "0.5"), (2, "2"), (2, "1.5"), (3, "0.5")))
    ProcessStep.objects.filter(version=version, stage=2, allotted=Decimal("1.5")).update(
        handler=StepHandler.EXTERNAL_AGENCY, external_agency="Chi cục Thuế", inter_agency=True
    )
    assert lifecycle.plan_length(version) == Decimal(3)
    assert lifecycle.validation_problems(version) == []


@pytest.mark.parametrize(
    "change, message",
    [
        ({"channels": []}, "Chưa chọn cách thức thực hiện"),
        ({"online_level": "none"}, "Có nộp trực tuyến nhưng mức độ trực tuyến"),
        ({"channels": ["counter"]}, "không có “trực tuyến”"),
        ({"time_limit_value": None}, "Chưa có thời hạn giải quyết"),
    ],
)
def test_inconsistent_drafts_are_reported_in_vietnamese(change, message):
    version = draft()
    ProcedureVersion.objects.filter(pk=version.pk).update(**change)
    version.refresh_from_db()
    assert any(message in p for p in lifecycle.validation_problems(version))


def test_step_for_another_agency_needs_its_name():
    version = draft()
    ProcessStep.objects.filter(version=version, stage=2).update(handler=StepHandler.EXTERNAL_AGENCY)
    assert any("chưa ghi cơ quan phối hợp" in p for p in lifecycle.validation_problems(version))


def test_publish_freezes_the_version_and_its_children():
    version = lifecycle.publish(draft(), decision_number="163/QĐ-BTP", decision_date=date(2025, 6, 30))
    assert version.status == VersionStatus.PUBLISHED and version.valid_from == date(2025, 6, 30)
    version.notes = "sửa lén"
    with pytest.raises(PublishedVersionError):
        version.save()
    with pytest.raises(ValidationError):
        RequiredDocument.objects.create(version=version, name="Giấy tờ thêm")
    with pytest.raises(ValidationError):
        version.fees.first().delete()
    assert version.documents.count() == 1


def test_publish_refuses_an_invalid_draft_and_changes_nothing():
    version = draft(limit=9)
    with pytest.raises(lifecycle.LifecycleError) as info:
        lifecycle.publish(version, decision_number="1/QĐ", decision_date=date(2025, 7, 1))
    assert "Tổng thời gian" in info.value.problems[0]
    version.refresh_from_db()
    assert version.status == VersionStatus.DRAFT


def test_publish_requires_the_decision_number():
    with pytest.raises(lifecycle.LifecycleError, match="Thiếu số quyết định"):
        lifecycle.publish(draft(), decision_number=" ", decision_date=date(2025, 7, 1))


def test_new_version_retires_the_previous_one_the_day_before():
    first = lifecycle.publish(draft(), decision_number="1/QĐ", decision_date=date(2025, 7, 1))
    second = lifecycle.duplicate(first)
    assert second.status == VersionStatus.DRAFT and second.number == 2
    assert second.documents.count() == 1 and second.steps.count() == 3 and second.fees.count() == 1
    lifecycle.publish(second, decision_number="2/QĐ", decision_date=date(2026, 3, 1))
    first.refresh_from_db()
    assert (first.status, first.valid_to) == (VersionStatus.RETIRED, date(2026, 2, 28))
    procedure = first.procedure
    assert procedure.current_version(on=date(2026, 1, 15)) is None, "a retired version is no longer in force"
    assert procedure.current_version(on=date(2026, 3, 1)).number == 2


def test_current_version_follows_the_validity_window():
    version = lifecycle.publish(
        draft(), decision_number="1/QĐ", decision_date=date(2025, 6, 20), valid_from=date(2025, 7, 1)
    )
    procedure = version.procedure
    assert procedure.current_version(on=date(2025, 6, 30)) is None
    assert procedure.current_version(on=date(2025, 7, 1)) == version


def test_retire_ends_a_published_version():
    version = lifecycle.publish(draft(), decision_number="1/QĐ", decision_date=date(2025, 7, 1))
    lifecycle.retire(version, on=date(2026, 1, 1))
    version.refresh_from_db()
    assert version.status == VersionStatus.RETIRED and version.valid_to == date(2026, 1, 1)
    with pytest.raises(lifecycle.LifecycleError):
        lifecycle.retire(version)


def test_every_lifecycle_step_is_audited():
    version = lifecycle.publish(draft(), decision_number="1/QĐ", decision_date=date(2025, 7, 1))
    copy = lifecycle.duplicate(version)
    lifecycle.publish(copy, decision_number="2/QĐ", decision_date=date(2026, 1, 1))
    actions = list(CatalogEvent.objects.order_by("id").values_list("action", "version__number"))
    assert actions == [("published", 1), ("duplicated", 2), ("retired", 1), ("published", 2)]


def test_malformed_procedure_code_is_refused():
    field = Field.objects.create(name="Chứng thực")
    with pytest.raises(ValidationError, match="không đúng định dạng"):
        Procedure(code="1.0011", name="x", field=field).full_clean()
    Procedure(code="2.001218.000.00.00.H38", name="Có mã cơ quan", field=field).full_clean()


def test_negative_fee_is_refused():
    version = draft()
    fee = Fee(version=version, amount=Decimal(-1000))
    with pytest.raises(ValidationError, match="không được âm"):
        fee.full_clean()


def test_search_text_folds_diacritics():
    version = draft()
    assert version.procedure.search_text == "1 001193 thu tuc dang ky khai sinh ho tich"

"""A small real set-up for dossier tests: the demo province (Huế), a birth-registration procedure with a
plan that has a parallel inter-agency branch, a provincial procedure that crosses two departments, and
officers holding the roles the workflow needs."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest

from motcua.catalog import lifecycle
from motcua.catalog.models import (
    Fee,
    Field,
    Procedure,
    ProcedureUnit,
    ProcedureVersion,
    ProcessStep,
    RequiredDocument,
    StepHandler,
)
from motcua.dossiers.actions import ApplicantData, Intake, SubmittedDocument
from motcua.organizations.demo import load_demo
from motcua.organizations.models import Role, RoleAssignment, Unit
from motcua.workcalendar.rules import TZ
from tests import sample_files
from tests.factories import UserFactory

PDF = sample_files.PDF


def vn(*args: int) -> datetime:
    return datetime(*args, tzinfo=TZ)


def unit(code: str) -> Unit:
    return Unit.objects.get(agency_code=code)


def officer(username: str, role: str, unit_code: str):
    user = UserFactory(username=username)
    RoleAssignment.objects.create(user=user, role=Role.objects.get(code=role), unit=unit(unit_code))
    return type(user).objects.get(pk=user.pk)


def _plan(version: ProcedureVersion, steps) -> None:
    for stage, action, handler, allotted, extra in steps:
        ProcessStep.objects.create(
            version=version, stage=stage, action=action, handler=handler, allotted=Decimal(allotted), **extra
        )


@pytest.fixture
def hue(db):
    load_demo()


@pytest.fixture
def birth(hue):
    """1.001193 with a 3-working-day limit: receive 0.5 → appraise 1.5 ‖ police check 1.0 → sign 0.5 → return 0.5."""
    field = Field.objects.create(name="Hộ tịch")
    procedure = Procedure.objects.create(
        code="1.001193", name="Thủ tục đăng ký khai sinh", field=field, levels=["commune"]
    )
    version = ProcedureVersion.objects.create(
        procedure=procedure, time_limit_value=3, channels=["counter", "post", "online"], online_level="full"
    )
    RequiredDocument.objects.create(version=version, position=1, name="Tờ khai đăng ký khai sinh")
    RequiredDocument.objects.create(version=version, position=2, name="Giấy chứng sinh")
    RequiredDocument.objects.create(
        version=version, position=3, name="Văn bản ủy quyền", required=False, condition="Khi ủy quyền"
    )
    Fee.objects.create(version=version, name="Lệ phí đăng ký khai sinh", amount=Decimal(0))
    _plan(
        version,
        [
            (1, "Tiếp nhận, kiểm tra hồ sơ", StepHandler.RECEIVING_UNIT, "0.5", {}),
            (2, "Thẩm định hồ sơ", StepHandler.COMPETENT_UNIT, "1.5", {}),
            (
                2,
                "Xác minh thông tin cư trú",
                StepHandler.EXTERNAL_AGENCY,
                "1",
                {"external_agency": "Công an phường", "inter_agency": True},
            ),
            (3, "Lãnh đạo ký Giấy khai sinh", StepHandler.COMPETENT_UNIT, "0.5", {}),
            (4, "Trả kết quả", StepHandler.RECEIVING_UNIT, "0.5", {}),
        ],
    )
    for code in ("000.01.41.H57", "000.01.44.H57"):
        ProcedureUnit.objects.create(procedure=procedure, unit=unit(code), receives=True)
    for code in ("000.00.41.H57", "000.00.44.H57"):
        ProcedureUnit.objects.create(procedure=procedure, unit=unit(code), receives=False, handles=True)
    return lifecycle.publish(version, decision_number="163/QĐ-BTP", decision_date=date(2025, 6, 30))


@pytest.fixture
def provincial(hue):
    """A provincial procedure crossing two departments: Justice leads, Construction gives its opinion."""
    field = Field.objects.create(name="Xây dựng")
    procedure = Procedure.objects.create(
        code="1.009999", name="Thủ tục liên thông thử nghiệm", field=field, levels=["province"]
    )
    version = ProcedureVersion.objects.create(
        procedure=procedure, time_limit_value=5, channels=["counter"], online_level="none"
    )
    RequiredDocument.objects.create(version=version, position=1, name="Đơn đề nghị")
    _plan(
        version,
        [
            (1, "Tiếp nhận hồ sơ", StepHandler.RECEIVING_UNIT, "0.5", {}),
            (2, "Phòng Hành chính tư pháp thẩm định", StepHandler.SPECIFIC_UNIT, "2", {"unit": unit("000.01.10.H57")}),
            (
                3,
                "Sở Xây dựng cho ý kiến",
                StepHandler.SPECIFIC_UNIT,
                "1.5",
                {"unit": unit("000.00.13.H57"), "inter_agency": True},
            ),
            (4, "Lãnh đạo Sở Tư pháp ký", StepHandler.COMPETENT_UNIT, "0.5", {}),
            (5, "Trả kết quả", StepHandler.RECEIVING_UNIT, "0.5", {}),
        ],
    )
    ProcedureUnit.objects.create(procedure=procedure, unit=unit("000.00.01.H57"), receives=True)
    ProcedureUnit.objects.create(procedure=procedure, unit=unit("000.00.10.H57"), receives=False, handles=True)
    return lifecycle.publish(version, decision_number="1/QĐ-UBND", decision_date=date(2025, 6, 30))


@pytest.fixture
def staff(hue):
    """Officers of Thuận Hóa ward (receiving center, committee) and of the provincial departments."""
    return {
        "counter": officer("tn.thuanhoa", "receiving_officer", "000.01.41.H57"),
        "counter_other": officer("tn.phuvang", "receiving_officer", "000.01.44.H57"),
        "specialist": officer("cv.thuanhoa", "specialist", "000.00.41.H57"),
        "leader": officer("ld.thuanhoa", "agency_leader", "000.00.41.H57"),
        "inspector": officer("tt.tinh", "inspector", "000.00.00.H57"),
        "city_counter": officer("tn.tinh", "receiving_officer", "000.00.01.H57"),
        "justice_specialist": officer("cv.tuphap", "specialist", "000.01.10.H57"),
        "construction_specialist": officer("cv.xaydung", "specialist", "000.00.13.H57"),
        "justice_leader": officer("ld.tuphap", "agency_leader", "000.00.10.H57"),
    }


def birth_intake(birth, **changes) -> Intake:
    documents = [SubmittedDocument(line.pk, count=1) for line in birth.documents.filter(required=True)]
    values = dict(
        procedure_code="1.001193",
        receiving_unit=unit("000.01.41.H57"),
        applicant=ApplicantData(
            full_name="Nguyễn Văn An",
            id_number="046090001234",
            phone="0912345678",
            date_of_birth=date(1990, 5, 1),
            address="12 Lê Lợi, phường Thuận Hóa",
        ),
        documents=documents,
    )
    values.update(changes)
    return Intake(**values)

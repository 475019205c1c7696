"""Factories for the procedure catalogue (factory-boy).

A published version refuses edits, documents, fees and steps included. So a published procedure is
built the way an officer builds one: a draft with its children first, then
:func:`motcua.catalog.lifecycle.publish` — see :func:`published_procedure`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from decimal import Decimal
from typing import Any

import factory

from motcua.catalog.lifecycle import publish
from motcua.catalog.models import (
    Channel,
    CopyType,
    Fee,
    Field,
    OnlineLevel,
    Procedure,
    ProcedureVersion,
    ProcessStep,
    RequiredDocument,
)

DECISION_DATE = date(2025, 7, 1)


class FieldFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Field
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Lĩnh vực thử nghiệm {n}")
    code = factory.Sequence(lambda n: f"LV{n:03d}")


class ProcedureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Procedure

    code = factory.Sequence(lambda n: f"9.{n:06d}")
    name = factory.Sequence(lambda n: f"Thủ tục thử nghiệm số {n}")
    field = factory.SubFactory(FieldFactory)
    levels = factory.LazyFunction(lambda: ["commune"])
    issuing_agency = "Bộ Tư pháp"
    implementing_agencies = factory.LazyFunction(lambda: ["Ủy ban nhân dân cấp xã"])
    subjects = factory.LazyFunction(lambda: ["citizen"])


class ProcedureVersionFactory(factory.django.DjangoModelFactory):
    """A draft version: one working day, at the counter only."""

    class Meta:
        model = ProcedureVersion

    procedure = factory.SubFactory(ProcedureFactory)
    time_limit_value = 1
    time_limit_unit = "working_days"
    channels = factory.LazyFunction(lambda: [Channel.COUNTER.value])
    online_level = OnlineLevel.NONE
    steps_description = "Nộp hồ sơ tại Bộ phận Một cửa; nhận kết quả theo giấy hẹn."


class RequiredDocumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RequiredDocument

    version = factory.SubFactory(ProcedureVersionFactory)
    position = factory.Sequence(lambda n: n)
    name = factory.Sequence(lambda n: f"Giấy tờ thử nghiệm {n}")
    copy_type = CopyType.ORIGINAL
    copies = 1


class FeeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Fee

    version = factory.SubFactory(ProcedureVersionFactory)
    channel = ""
    name = "Lệ phí"
    amount = Decimal(0)


class ProcessStepFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProcessStep

    version = factory.SubFactory(ProcedureVersionFactory)
    stage = 1
    action = factory.Sequence(lambda n: f"Bước xử lý {n}")
    allotted = Decimal(1)


def published_procedure(
    *,
    code: str | None = None,
    name: str | None = None,
    field: Field | None = None,
    version: Mapping[str, Any] | None = None,
    documents: Iterable[Mapping[str, Any]] | None = None,
    fees: Iterable[Mapping[str, Any]] = (),
    steps: Iterable[Mapping[str, Any]] | None = None,
    valid_from: date | None = None,
    **procedure_fields: Any,
) -> Procedure:
    """A procedure with one published version in force (from ``valid_from``, 1 July 2025 by default).

    The plan must add up to the time limit for ``publish`` to accept it; by default one step of one day.
    """
    kwargs: dict[str, Any] = dict(procedure_fields)
    if code is not None:
        kwargs["code"] = code
    if name is not None:
        kwargs["name"] = name
    if field is not None:
        kwargs["field"] = field
    procedure = ProcedureFactory(**kwargs)
    draft = ProcedureVersionFactory(procedure=procedure, **dict(version or {}))
    for position, doc in enumerate(documents if documents is not None else [{"name": "Tờ khai theo mẫu"}]):
        RequiredDocumentFactory(version=draft, position=position, **doc)
    for fee in fees:
        FeeFactory(version=draft, **fee)
    for step in steps if steps is not None else [{"stage": 1, "action": "Xem xét, giải quyết", "allotted": 1}]:
        ProcessStepFactory(version=draft, **step)
    publish(draft, decision_number="163/QĐ-BTP", decision_date=DECISION_DATE, valid_from=valid_from)
    return procedure


def birth_registration_catalogue() -> tuple[Procedure, list[Procedure]]:
    """The ranking acceptance case, with real codes and names from the national database.

    "Thủ tục đăng ký khai sinh" (1.001193, fully online) and four longer procedures whose names also
    contain "đăng ký khai sinh" or all of its words; all in the field Hộ tịch.
    """
    ho_tich = FieldFactory(name="Hộ tịch", code="G15-TP01")
    main = published_procedure(
        code="1.001193",
        name="Thủ tục đăng ký khai sinh",
        field=ho_tich,
        version={"channels": ["counter", "post", "online"], "online_level": "full"},
    )
    others = [
        published_procedure(code="2.000528", name="Đăng ký khai sinh có yếu tố nước ngoài", field=ho_tich),
        published_procedure(code="1.003583", name="Đăng ký khai sinh lưu động", field=ho_tich),
        published_procedure(code="1.004884", name="Đăng ký lại khai sinh", field=ho_tich),
        published_procedure(
            code="2.000986",
            name="Liên thông thủ tục hành chính về đăng ký khai sinh, đăng ký thường trú, cấp thẻ bảo hiểm y tế "
            "cho trẻ em dưới 6 tuổi",
            field=ho_tich,
        ),
    ]
    return main, others

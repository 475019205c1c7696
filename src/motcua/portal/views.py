"""Citizen portal: the public catalogue of procedures and one page per procedure.

Both pages are public, need no JavaScript and read only published versions in force today (through
:mod:`motcua.catalog.search`, the same code the public API uses), so what a citizen reads here is
exactly what the counter will ask for.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from itertools import groupby
from urllib.parse import quote

from django.conf import settings
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import get_script_prefix
from django.utils.translation import get_language
from django.views.decorators.http import require_GET

from motcua.catalog.models import (
    Channel,
    Field,
    Level,
    Procedure,
    ProcedureVersion,
    ProcessStep,
    StepHandler,
    Subject,
)
from motcua.catalog.search import (
    LEVEL_CHOICES,
    MAX_QUERY_LENGTH,
    ONLINE_CHOICES,
    ONLINE_SUBMISSION_LEVELS,
    InvalidSearch,
    SearchFilters,
    attach_current_versions,
)
from motcua.workcalendar.rules import LimitUnit

PAGE_SIZE = 20
# Searches offered when nothing matched: the most requested procedures at commune level.
SUGGESTED_SEARCHES = ["khai sinh", "chứng thực", "đăng ký kết hôn", "cư trú", "hộ kinh doanh"]


def level_labels(procedure: Procedure) -> str:
    return ", ".join(Level(value).label for value in procedure.levels if value in Level.values)


def online_submission_url(code: str) -> str:
    """Where "Nộp hồ sơ trực tuyến" leads: ``/nop-ho-so/<code>/`` in the current language's URL space.

    The submission page belongs to the online-filing feature; the link is built by hand so this page
    does not depend on that feature's URL names.
    """
    language = get_language() or settings.LANGUAGE_CODE
    prefix = "" if language == settings.LANGUAGE_CODE else f"{language}/"
    return f"{get_script_prefix()}{prefix}nop-ho-so/{quote(code)}/"


@require_GET
def catalogue(request: HttpRequest) -> HttpResponse:
    """Search form, filters and 20 results per page; invalid filter values are explained, not fatal."""
    errors: dict[str, str] = {}
    try:
        filters = SearchFilters.from_query(request.GET)
    except InvalidSearch as exc:
        errors = exc.errors
        # Keep what was valid, so a mistyped filter in a bookmarked link still shows useful results.
        kept = {
            key: request.GET.get(key, "") for key in ("q", "field", "level", "agency", "online") if key not in errors
        }
        if "q" in errors:
            kept["q"] = request.GET.get("q", "")[:MAX_QUERY_LENGTH]
        filters = SearchFilters.from_query(kept)
    paginator = Paginator(filters.search(), PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    results = attach_current_versions(page.object_list)
    for procedure in results:
        procedure.level_labels = level_labels(procedure)
    context = {
        "filters": filters,
        "errors": errors,
        "page": page,
        "results": results,
        "searched": bool(filters.q or filters.is_filtered),
        "fields": Field.objects.filter(procedures__isnull=False).distinct().order_by("name"),
        "level_choices": LEVEL_CHOICES.items(),
        "online_choices": ONLINE_CHOICES.items(),
        "suggestions": SUGGESTED_SEARCHES,
        "max_query_length": MAX_QUERY_LENGTH,
    }
    return render(request, "portal/catalogue.html", context)


@dataclass
class Stage:
    """One stage of the process plan; several steps in a stage run in parallel."""

    number: int
    steps: list[ProcessStep] = field(default_factory=list)

    @property
    def parallel(self) -> bool:
        return len(self.steps) > 1


def step_actor(step: ProcessStep) -> str:
    """Who does a step, in words a citizen understands."""
    if step.unit_id:
        return step.unit.name
    if step.handler == StepHandler.EXTERNAL_AGENCY and step.external_agency:
        return step.external_agency
    return step.get_handler_display()


def number_label(value: Decimal) -> str:
    """0.50 → "0,5"; 2.00 → "2" (Vietnamese decimal comma)."""
    return f"{value.normalize():f}".replace(".", ",")


def stages_of(version: ProcedureVersion) -> list[Stage]:
    steps = version.steps.select_related("unit", "role").order_by("stage", "id")
    stages = []
    unit_label = version.get_time_limit_unit_display()
    for number, group in groupby(steps, key=lambda step: step.stage):
        stage = Stage(number)
        for step in group:
            step.actor = step_actor(step)
            step.allotted_label = f"{number_label(step.allotted)} {unit_label}"
            stage.steps.append(step)
        stages.append(stage)
    return stages


def legal_basis_rows(version: ProcedureVersion) -> list[dict[str, str]]:
    """The legal documents with their date as dd/mm/yyyy (stored as ISO text in the JSON list)."""
    rows = []
    for item in version.legal_basis or []:
        if not isinstance(item, dict):
            item = {"title": str(item)}
        row = {key: str(item.get(key) or "") for key in ("number", "title", "date")}
        try:
            row["date_label"] = date.fromisoformat(row["date"]).strftime("%d/%m/%Y") if row["date"] else ""
        except ValueError:
            row["date_label"] = row["date"]
        rows.append(row)
    return rows


@require_GET
def procedure_detail(request: HttpRequest, code: str) -> HttpResponse:
    """One procedure as UNCTAD eRegulations lays out a step: where, what, how long, how much, then how.

    Answers a Vietnamese 404 page for an unknown code and for a procedure with no version in force.
    """
    procedure = Procedure.objects.select_related("field").filter(code=code).first()
    version = procedure.current_version() if procedure else None
    if procedure is None or version is None:
        return render(request, "portal/procedure_not_found.html", {"code": code}, status=404)
    units = procedure.unit_links.filter(receives=True, unit__active=True).select_related("unit").order_by("unit__name")
    channel_labels = [Channel(c).label for c in version.channels if c in Channel.values]
    counts_working_time = version.time_limit_unit in (LimitUnit.WORKING_DAYS, LimitUnit.WORKING_HOURS)
    context = {
        "procedure": procedure,
        "version": version,
        "level_labels": level_labels(procedure),
        "subject_labels": ", ".join(Subject(s).label for s in procedure.subjects if s in Subject.values),
        "legal_basis": legal_basis_rows(version),
        "units": [link.unit for link in units],
        "documents": list(version.documents.all()),
        "fees": list(version.fees.all()),
        "stages": stages_of(version),
        "channel_labels": channel_labels,
        "counts_working_time": counts_working_time,
        "online_allowed": version.online_level in ONLINE_SUBMISSION_LEVELS,
        "online_url": online_submission_url(procedure.code),
    }
    return render(request, "portal/procedure_detail.html", context)

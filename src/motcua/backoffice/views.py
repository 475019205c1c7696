"""The officers' pages: dashboard, queues, counter intake, dossier desk, printable forms and the register.

Pages only read, validate input and call ``motcua.dossiers.actions`` — the one write path — and show
its answers (``InvalidAction`` on the fields, ``NotPermitted`` as 403, ``Conflict`` as 409 with the
current state). Every page is scoped by ``organizations.scoping``: an officer of one ward gets a 403
on another ward's dossier, never its data. Uploaded files are streamed from here after that check,
never from a public media URL.
"""

from __future__ import annotations

import mimetypes
import os
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef, Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from motcua.backoffice import desk, paper_rating
from motcua.backoffice.forms import (
    ACTION_FORMS,
    DANGER_ACTIONS,
    FILE_KEPT_HINT,
    IntakeForm,
    ProcedurePickForm,
    QueueFilterForm,
    RegisterForm,
    applicant_initial,
)
from motcua.catalog.models import CopyType, Procedure, ProcedureUnit
from motcua.catalog.search import InvalidSearch, search_procedures
from motcua.core.text import fold
from motcua.dossiers import actions, deadlines, digitisation, workflow
from motcua.dossiers.access import VIEW_DOSSIER
from motcua.dossiers.codes import normalize_code
from motcua.dossiers.models import Applicant, Dossier, DossierDocument, StepState
from motcua.dossiers.queues import QUEUE_BY_KEY, QUEUES, available, counts, queue
from motcua.organizations.scoping import assignments_of, units_visible_to

COPY_LABELS = dict(CopyType.choices)
PAGE_SIZE = 25
RESULTS_LIMIT = 20


def officer_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Signed in *and* holding a role somewhere (or superuser): citizens' accounts get a clear 403."""

    @login_required
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not (request.user.is_superuser or assignments_of(request.user)):
            raise PermissionDenied("Bạn chưa được phân công vai trò tại đơn vị nào. Hãy liên hệ quản trị hệ thống.")
        return view(request, *args, **kwargs)

    wrapper.__name__ = view.__name__
    wrapper.__doc__ = view.__doc__
    return wrapper


def _dossier_in_scope(user, code: str) -> Dossier:
    """The dossier, if the officer may view it; 404 if it does not exist, 403 if it is someone else's."""
    dossier = get_object_or_404(
        Dossier.objects.select_related(
            "procedure", "procedure_version", "receiving_unit__office_hours", "handling_unit", "applicant"
        ),
        code=normalize_code(code),
    )
    if not desk.visible_dossiers(user).filter(pk=dossier.pk).exists():
        raise PermissionDenied("Hồ sơ này không thuộc phạm vi đơn vị của bạn.")
    return dossier


# --- dashboard ---------------------------------------------------------------------------------------


@never_cache
@officer_required
def dashboard(request: HttpRequest) -> HttpResponse:
    """Landing page at ``/can-bo/``: queue sizes as links, the officer's roles and units."""
    sizes = counts(request.user)
    start, end, period_error = _period(request)
    figures = digitisation.digitisation_by_unit(units_visible_to(request.user, VIEW_DOSSIER), start, end)
    cards = [
        {"queue": spec, "count": sizes[spec.key], "url": reverse("backoffice:queue", args=[spec.key])}
        for spec in QUEUES
        if spec.key in sizes
    ]
    return render(
        request,
        "backoffice/dashboard.html",
        {
            "cards": cards,
            "assignments": assignments_of(request.user),
            "can_receive": desk.receiving_units(request.user).exists(),
            "can_register": desk.register_units(request.user).exists(),
            "digitisation": figures,
            "digitisation_total": digitisation.total(figures) if len(figures) > 1 else None,
            "period_start": start,
            "period_end": end,
            "period_error": period_error,
        },
    )


def _period(request: HttpRequest) -> tuple[date, date, str]:
    """The period asked for (``tu``/``den``, dd/mm/yyyy), by default this month so far."""
    today = timezone.localdate()
    start, end = today.replace(day=1), today
    try:
        if request.GET.get("tu"):
            start = datetime.strptime(request.GET["tu"].strip(), "%d/%m/%Y").date()
        if request.GET.get("den"):
            end = datetime.strptime(request.GET["den"].strip(), "%d/%m/%Y").date()
    except ValueError:
        return today.replace(day=1), today, "Ngày không đúng dạng ngày/tháng/năm; đang hiển thị tháng này."
    if start > end:
        return today.replace(day=1), today, "Từ ngày phải trước đến ngày; đang hiển thị tháng này."
    return start, end, ""


@require_GET
@officer_required
def find(request: HttpRequest) -> HttpResponse:
    """Open a dossier by its code (typed or scanned from the receipt's barcode)."""
    code = normalize_code(request.GET.get("ma", ""))
    if code and desk.visible_dossiers(request.user).filter(code=code).exists():
        return redirect("backoffice:desk", code=code)
    messages.error(request, f"Không tìm thấy hồ sơ mã “{code}” trong phạm vi đơn vị của bạn.")
    return redirect("backoffice:dashboard")


# --- queues ------------------------------------------------------------------------------------------


@never_cache
@require_GET
@officer_required
def queue_view(request: HttpRequest, key: str) -> HttpResponse:
    """One work queue with filters and pagination; 403 for a queue the officer has no role for."""
    spec = QUEUE_BY_KEY.get(key)
    if spec is None:
        raise Http404("Không có hàng đợi này.")
    units = units_visible_to(request.user, spec.permission).filter(active=True).order_by("path")
    if not units.exists():
        raise PermissionDenied(f"Bạn không có vai trò xử lý hàng đợi “{spec.label}”.")
    form = QueueFilterForm(request.GET or None, units=units)
    dossiers = queue(request.user, key)
    date_field = "submitted_at" if key == "to_receive" else "received_at"
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        text = (data.get("q") or "").strip()
        if text:
            tokens = fold(text).split()
            by_procedure = Q()
            for token in tokens:
                by_procedure &= Q(procedure__search_text__contains=token)
            dossiers = dossiers.filter(
                Q(code__icontains=normalize_code(text)) | (by_procedure if tokens else Q(pk=None))
            )
        if data.get("unit"):
            dossiers = dossiers.filter(Q(receiving_unit=data["unit"]) | Q(handling_unit=data["unit"]))
        if data.get("received_from"):
            dossiers = dossiers.filter(**{f"{date_field}__date__gte": data["received_from"]})
        if data.get("received_to"):
            dossiers = dossiers.filter(**{f"{date_field}__date__lte": data["received_to"]})
    page = Paginator(dossiers, PAGE_SIZE).get_page(request.GET.get("page"))
    calendars = desk.Calendars()
    now = timezone.now()
    rows = [{"dossier": d, "mark": desk.dossier_mark(d, calendars.of(d), now)} for d in page]
    return render(
        request,
        "backoffice/queue.html",
        {
            "spec": spec,
            "form": form,
            "page": page,
            "rows": rows,
            "date_label": "Ngày nộp" if key == "to_receive" else "Ngày tiếp nhận",
            "queues": available(request.user),
        },
    )


# --- counter intake ----------------------------------------------------------------------------------


def _receiving_units_or_403(user):
    units = desk.receiving_units(user)
    if not units.exists():
        raise PermissionDenied("Bạn không có quyền tiếp nhận hồ sơ tại đơn vị nào.")
    return units


def _received_at_unit(procedures, unit):
    """Keep procedures this unit receives (or that list no receiving unit at all)."""
    links = ProcedureUnit.objects.filter(procedure=OuterRef("pk"), receives=True)
    return procedures.filter(~Exists(links) | Exists(links.filter(unit=unit)))


@never_cache
@require_GET
@officer_required
def intake_pick(request: HttpRequest) -> HttpResponse:
    """Step 1: find the procedure (diacritics-insensitive) and choose the receiving unit."""
    units = _receiving_units_or_403(request.user)
    data = request.GET.copy()
    data.setdefault("unit", str(units.first().pk))
    form = ProcedurePickForm(data, units=units)
    results: list[Procedure] = []
    searched = False
    unit = None
    if form.is_valid():
        unit = form.cleaned_data["unit"]
        q = form.cleaned_data["q"].strip()
        try:
            found = search_procedures(q)
        except InvalidSearch:
            found = Procedure.objects.none()
        searched = bool(q)
        results = list(_received_at_unit(found, unit)[:RESULTS_LIMIT])
    return render(
        request,
        "backoffice/intake_pick.html",
        {"form": form, "results": results, "searched": searched, "unit": unit, "several_units": units.count() > 1},
    )


DECISIONS = {IntakeForm.RECEIVE, IntakeForm.GUIDANCE, IntakeForm.REFUSAL}


def error_summary(form) -> list[tuple[str, str]]:
    """(anchor, message) pairs for the summary at the top: each message links to its field."""
    items = []
    for name in [*form.fields, "__all__"]:  # page order: fields first, the checklist summary last
        errors = form.errors.get(name)
        if not errors:
            continue
        if name == "__all__":
            anchor = "checklist" if form.missing_names else "intake-form"
            items += [(anchor, e) for e in errors]
            continue
        field = form[name]
        anchor = field.auto_id
        if name in ("kind", "channel", "result_delivery"):
            anchor = f"{field.auto_id}_0"
        items += [(anchor, f"{form.summary_label(name)}: {e}") for e in errors]
    return items


@never_cache
@require_http_methods(["GET", "POST"])
@officer_required
def intake_form(request: HttpRequest, code: str) -> HttpResponse:
    """Step 2: the intake form. "Tiếp nhận" receives; the two other buttons record a non-receipt."""
    units = _receiving_units_or_403(request.user)
    procedure = get_object_or_404(Procedure, code=code)
    version = procedure.current_version()
    if version is None:
        raise Http404("Thủ tục này không có phiên bản đang có hiệu lực.")
    handlers = [link.unit for link in procedure.unit_links.filter(handles=True).select_related("unit")]
    status = 200
    lookup = None
    if request.method == "POST":
        decision = request.POST.get("decision", IntakeForm.RECEIVE)
        if decision not in DECISIONS:
            return HttpResponseBadRequest("Thao tác không hợp lệ.")
        form = IntakeForm(
            request.POST, request.FILES, version=version, units=units, handlers=handlers, decision=decision
        )
        if form.is_valid():
            try:
                if decision == IntakeForm.RECEIVE:
                    # No flash message: the desk shows a "just received" panel with the print button instead.
                    dossier = actions.receive_at_counter(form.intake(), actor=request.user)
                else:
                    dossier = actions.refuse_at_counter(
                        form.intake(),
                        actor=request.user,
                        reason=form.cleaned_data["reason"],
                        kind=decision,
                        missing_documents=form.missing_names,
                    )
                return redirect(reverse("backoffice:desk", args=[dossier.code]) + "?vua-lap=1")
            except actions.NotPermitted as exc:
                form.add_error(None, exc.message)
                status = 403
            except actions.ActionError as exc:
                form.add_action_errors(exc.message, exc.errors)
        if status == 200:
            status = 400
    else:
        initial: dict[str, Any] = {}
        unit_pk = request.GET.get("unit", "")
        if unit_pk.isdigit() and units.filter(pk=unit_pk).exists():
            initial["receiving_unit"] = int(unit_pk)
        wanted = "".join(request.GET.get("dinh_danh", "").split())
        if wanted:
            found = Applicant.objects.filter(Q(id_number=wanted) | Q(tax_code=wanted)).first()
            lookup = {"value": wanted, "found": found}
            if found is not None:
                initial.update(applicant_initial(found))
            elif wanted.isdigit() and len(wanted) == 12:
                initial["id_number"] = wanted
        form = IntakeForm(initial=initial, version=version, units=units, handlers=handlers)
    return render(
        request,
        "backoffice/intake_form.html",
        {
            "procedure": procedure,
            "version": version,
            "form": form,
            "lookup": lookup,
            "summary": error_summary(form) if form.is_bound else [],
            "file_kept_hint": FILE_KEPT_HINT,
            "fees": list(version.fees.all()),
            "selected_unit": request.GET.get("unit", "") or request.POST.get("receiving_unit", ""),
        },
        status=status,
    )


# --- dossier desk ------------------------------------------------------------------------------------


def _desk_context(
    request: HttpRequest,
    dossier: Dossier,
    *,
    bound: dict[str, Any] | None = None,
    alert: str = "",
    kept: list[tuple[str, str]] | None = None,
    scan: Any = None,
) -> dict[str, Any]:
    """``scan``: a scan form that failed (``backoffice.scanning``), shown again open with its errors."""
    from motcua.backoffice import scanning  # it imports this module's page helpers

    calendar = deadlines.calendar_of(dossier)
    now = timezone.now()
    events = list(dossier.events.select_related("actor", "unit", "step"))
    steps = []
    for step in dossier.steps.select_related("unit", "assignee"):
        if step.state == StepState.DONE:
            mark = desk.finished_mark(calendar, step.finished_at, step.due_at)
        elif step.state == StepState.ACTIVE:
            mark = desk.open_mark(calendar, step.due_at, now)
        else:
            mark = None
        steps.append({"step": step, "mark": mark, "allotted": _number(step.allotted)})
    offered = []
    bound = bound or {}
    for offer in desk.offers(request.user, dossier):
        form_class = ACTION_FORMS[offer.action]
        form = bound.get(offer.action) or form_class(prefix=offer.action, dossier=dossier, steps=offer.steps)
        if offer.action == "complete_step" and offer.action in bound:
            form.steps = offer.steps
            form.fields["step_id"].choices = [(s.pk, f"{s.stage}. {s.action} — {s.agency_name}") for s in offer.steps]
        offered.append({"offer": offer, "form": form, "danger": offer.action in DANGER_ACTIONS})
    forms = desk.available_forms(dossier, events)
    documents = list(dossier.documents.select_related("text"))  # OCR state per row: _document_text.html
    for document in documents:
        document.copy_label = COPY_LABELS.get(document.copy_type, document.copy_type)
    return {
        "dossier": dossier,
        "version": dossier.procedure_version,
        "applicant": dossier.applicant,
        "status_label": dossier.get_status_display(),
        "mark": desk.dossier_mark(dossier, calendar, now),
        "explanation": deadlines.explain_due(dossier),
        "documents": documents,
        "steps": steps,
        "unit_label": dossier.procedure_version.get_time_limit_unit_display(),
        "timeline": [{"event": e, "label": desk.event_label(e), "details": desk.event_details(e)} for e in events],
        "forms": forms,
        "form_numbers": [n for n, _ in forms],
        "offers": [o for o in offered if not o["danger"]],
        "danger_offers": [o for o in offered if o["danger"]],
        "alert": alert,
        "kept": kept or [],
        "just_created": request.GET.get("vua-lap") == "1",
        "refusal_event": next((e for e in reversed(events) if e.action == "refuse_intake"), None),
        **paper_rating.desk_context(request.user, dossier),
        **scanning.desk_context(request.user, dossier, documents, bound=scan),
    }


def _number(value: Decimal) -> str:
    """0.50 → "0,5", 1.00 → "1": allotted times as officers write them."""
    text = format(Decimal(value), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.replace(".", ",")


@never_cache
@require_GET
@officer_required
def desk_view(request: HttpRequest, code: str) -> HttpResponse:
    """Everything about one dossier, and the actions this officer may take on it now."""
    dossier = _dossier_in_scope(request.user, code)
    return render(request, "backoffice/desk.html", _desk_context(request, dossier))


def _kept_values(form) -> list[tuple[str, str]]:
    """What the officer typed, to show back when the action is no longer offered (nothing lost)."""
    kept = []
    for name, field in form.fields.items():
        value = form.data.get(form.add_prefix(name), "")
        if isinstance(value, str) and value.strip() and name != "step_id":
            kept.append((str(field.label), value.strip()))
    return kept


@require_POST
@officer_required
def action_view(request: HttpRequest, code: str, action: str) -> HttpResponse:
    """Run one action through the write path with the revision the page showed."""
    if action not in ACTION_FORMS or action not in workflow.TRANSITIONS:
        raise Http404("Không có thao tác này.")
    dossier = _dossier_in_scope(request.user, code)
    try:
        expected = int(request.POST.get("expected_revision", ""))
    except ValueError:
        return HttpResponseBadRequest("Thiếu phiên bản hồ sơ (expected_revision).")
    all_steps = list(dossier.steps.select_related("unit")) if action == "complete_step" else []
    form = ACTION_FORMS[action](request.POST, request.FILES, prefix=action, dossier=dossier, steps=all_steps)
    label = workflow.TRANSITIONS[action].label
    status, alert = 400, ""
    if form.is_valid():
        try:
            actions.ACTIONS[action](dossier, actor=request.user, expected_revision=expected, **form.kwargs())
        except actions.Conflict as exc:
            status, alert = 409, exc.message
        except actions.NotPermitted as exc:
            status, alert = 403, exc.message
        except actions.InvalidAction as exc:
            placed = False
            for key, texts in exc.errors.items():
                if key in form.fields:
                    for text in texts:
                        form.add_error(key, text)
                    placed = True
            if not placed:
                form.add_error(None, exc.message)
        else:
            messages.success(request, f"Đã thực hiện: {label}.")
            return redirect("backoffice:desk", code=dossier.code)
    dossier.refresh_from_db()
    context = _desk_context(
        request, dossier, bound={action: form}, alert=alert, kept=_kept_values(form) if alert else None
    )
    context["failed_action"] = action
    context["failed_label"] = label
    return render(request, "backoffice/desk.html", context, status=status)


@never_cache
@require_GET
@officer_required
def document_download(request: HttpRequest, code: str, pk: int) -> FileResponse:
    """An uploaded scan, streamed only to staff in scope (files never sit behind a public URL)."""
    dossier = _dossier_in_scope(request.user, code)
    document = get_object_or_404(DossierDocument, pk=pk, dossier=dossier)
    if not document.file:
        raise Http404("Giấy tờ này không có tệp.")
    name = os.path.basename(document.file.name)
    content_type = document.content_type or mimetypes.guess_type(name)[0] or "application/octet-stream"
    response = FileResponse(document.file.open("rb"), as_attachment=True, filename=name, content_type=content_type)
    response["Cache-Control"] = "private, no-store"
    return response


@never_cache
@require_GET
@officer_required
def form_pdf(request: HttpRequest, code: str, number: str) -> HttpResponse:
    """Forms 01–05 of Circular 01/2018 for this dossier, rendered by ``motcua.dossiers.forms``."""
    dossier = _dossier_in_scope(request.user, code)
    available = [n for n, _ in desk.available_forms(dossier, list(dossier.events.all()))]
    if number not in available:
        raise Http404("Mẫu này không áp dụng cho hồ sơ ở tình trạng hiện tại.")
    try:
        from motcua.dossiers import forms as paper_forms
    except ImportError:
        return render(request, "backoffice/unavailable.html", {"what": "In biểu mẫu"}, status=503)
    not_available = getattr(paper_forms, "FormNotAvailable", ValueError)
    try:
        content = paper_forms.render_form(dossier, number)
    except not_available as exc:
        raise Http404(getattr(exc, "message", str(exc))) from None
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{dossier.code}-mau-{number}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


# --- register (form 06) ------------------------------------------------------------------------------


@never_cache
@require_GET
@officer_required
def register(request: HttpRequest) -> HttpResponse:
    """The intake register of a receiving unit for a period, as PDF (to print and sign) or XLSX."""
    units = desk.register_units(request.user)
    if not units.exists():
        raise PermissionDenied("Bạn không theo dõi bộ phận tiếp nhận nào.")
    today = timezone.localdate()
    bound = "format" in request.GET
    form = RegisterForm(
        request.GET if bound else None,
        units=units,
        initial={"unit": units.first(), "from": date(today.year, today.month, 1), "to": today, "format": "pdf"},
    )
    if bound and form.is_valid():
        unit, start, end = form.cleaned_data["unit"], form.cleaned_data["from"], form.cleaned_data["to"]
        kind = form.cleaned_data["format"]
        try:
            from motcua.dossiers.forms import register as register_module
        except ImportError:
            return render(request, "backoffice/unavailable.html", {"what": "In sổ theo dõi"}, status=503)
        if kind == "xlsx":
            content = register_module.render_register_xlsx(unit, start, end)
            content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        else:
            content = register_module.render_register_pdf(unit, start, end)
            content_type = "application/pdf"
        response = HttpResponse(content, content_type=content_type)
        filename = f"so-theo-doi-{unit.agency_code or unit.pk}-{start:%Y%m%d}-{end:%Y%m%d}.{kind}"
        disposition = "attachment" if kind == "xlsx" else "inline"
        response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
        response["Cache-Control"] = "private, no-store"
        return response
    return render(request, "backoffice/register.html", {"form": form}, status=400 if bound else 200)

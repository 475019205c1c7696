"""Online submission: a draft per procedure, files per document line, a review page, then the write path.

The draft keeps everything the citizen typed and every file accepted, so an error (a file lying about
its type, a missing field) re-displays the page with the message on the field and nothing lost; a
draft left today is resumed tomorrow from "Hồ sơ của tôi". Submitting calls
``dossiers.actions.submit_online`` — the one write path — which creates the dossier in status 1
(Mới đăng ký) in the chosen receiving unit's queue.
"""

from __future__ import annotations

import hashlib
import logging
import uuid
from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.core.files.base import ContentFile
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.formats import date_format
from django.views.decorators.http import require_http_methods

from motcua.catalog.models import Channel, Procedure, ProcedureVersion, RequiredDocument
from motcua.catalog.search import ONLINE_SUBMISSION_LEVELS
from motcua.core import files
from motcua.dossiers import actions
from motcua.dossiers.models import ApplicantKind, Dossier, ResultDelivery
from motcua.organizations.models import Unit
from motcua.portal.account_views import citizen_required
from motcua.portal.forms import SubmissionForm
from motcua.portal.models import DraftFile, SubmissionDraft

logger = logging.getLogger(__name__)

MAX_FILES_PER_LINE = 10
EXTENSIONS = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}


def online_allowed(version: ProcedureVersion | None) -> bool:
    return (
        version is not None
        and Channel.ONLINE in (version.channels or [])
        and version.online_level in ONLINE_SUBMISSION_LEVELS
    )


def receiving_units(procedure: Procedure) -> list[Unit]:
    links = procedure.unit_links.filter(receives=True, unit__active=True).select_related("unit")
    return sorted((link.unit for link in links), key=lambda u: u.name)


def _initial_data(user, units: list[Unit]) -> dict[str, str]:
    citizen = user.citizen_profile
    data = {
        "full_name": user.full_name,
        "id_number": citizen.id_number,
        "date_of_birth": date_format(citizen.date_of_birth, "d/m/Y") if citizen.date_of_birth else "",
        "organization_name": citizen.organization_name,
        "tax_code": citizen.tax_code,
        "phone": user.phone,
        "email": user.email,
        "address": citizen.address,
        "result_delivery": ResultDelivery.ONLINE,
        "receiving_unit": str(units[0].pk) if len(units) == 1 else "",
        "delivery_address": "",
    }
    return data


@citizen_required
def start(request: HttpRequest, code: str) -> HttpResponse:
    """ "Nộp hồ sơ trực tuyến" from a procedure page: resume this procedure's draft or open a new one."""
    procedure = Procedure.objects.filter(code=code).first()
    version = procedure.current_version() if procedure else None
    if procedure is None or version is None:
        return render(request, "portal/procedure_not_found.html", {"code": code}, status=404)
    if not online_allowed(version):
        return render(request, "portal/submit/not_online.html", {"procedure": procedure}, status=403)
    draft = SubmissionDraft.objects.filter(account=request.user, procedure=procedure).first()
    if draft is None:
        draft = SubmissionDraft.objects.create(
            account=request.user,
            procedure=procedure,
            version=version,
            data=_initial_data(request.user, receiving_units(procedure)),
        )
    else:
        messages.info(request, "Bạn đang tiếp tục hồ sơ nháp đã lưu trước đây.")
    return redirect("citizen:draft", pk=draft.pk)


@dataclass
class Line:
    """One line of the document list as the draft page shows it: its files and its errors."""

    document: RequiredDocument
    files: list[DraftFile] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def input_name(self) -> str:
        return f"doc-{self.document.pk}"


def _draft_and_version(request: HttpRequest, pk) -> tuple[SubmissionDraft, ProcedureVersion]:
    draft = get_object_or_404(SubmissionDraft.objects.select_related("procedure"), pk=pk, account=request.user)
    version = draft.procedure.current_version()
    if not online_allowed(version):
        raise Http404("Thủ tục này không còn nhận hồ sơ trực tuyến.")
    if version.pk != draft.version_id:
        # A new version was published: files for lines that no longer exist are dropped, the rest kept.
        stale = draft.files.exclude(required_document__version=version)
        if stale.exists():
            messages.warning(
                request,
                "Thủ tục vừa được cập nhật thành phần hồ sơ: hãy kiểm tra lại các tệp đính kèm.",
            )
            for item in stale:
                item.file.delete(save=False)
            stale.delete()
        draft.version = version
        draft.save(update_fields=["version", "updated_at"])
    return draft, version


def _lines(draft: SubmissionDraft, version: ProcedureVersion) -> list[Line]:
    lines = {doc.pk: Line(doc) for doc in version.documents.all()}
    for item in draft.files.all():
        if item.required_document_id in lines:
            lines[item.required_document_id].files.append(item)
    return list(lines.values())


def _store_uploads(request: HttpRequest, draft: SubmissionDraft, lines: list[Line]) -> None:
    """Keep each uploaded file that is a real PDF, JPEG or PNG within the size limit; explain the others."""
    for line in lines:
        for upload in request.FILES.getlist(line.input_name):
            name = upload.name[:200]
            if len(line.files) >= MAX_FILES_PER_LINE:
                line.errors.append(f"Mỗi giấy tờ tối đa {MAX_FILES_PER_LINE} tệp; tệp “{name}” chưa được lưu.")
                continue
            if upload.size > files.limit_bytes(None):
                line.errors.append(f"Tệp “{name}” quá lớn ({files.limits_text()}), chưa được lưu.")
                continue
            content = upload.read()
            try:
                content_type = files.check(content, name).content_type
            except files.FileRejected as exc:
                line.errors.append(f"{exc.message} Tệp chưa được lưu.")
                continue
            item = DraftFile(
                draft=draft,
                required_document=line.document,
                original_name=name,
                content_type=content_type,
                size=len(content),
                sha256=hashlib.sha256(content).hexdigest(),
            )
            # A random stored name: nothing to guess even if the media folder were ever served directly.
            item.file.save(f"{uuid.uuid4().hex}.{EXTENSIONS[content_type]}", ContentFile(content), save=False)
            item.save()
            line.files.append(item)


def _remove_files(request: HttpRequest, draft: SubmissionDraft) -> None:
    ids = [value for value in request.POST.getlist("remove") if value.isdigit()]
    for item in draft.files.filter(pk__in=ids):
        item.file.delete(save=False)
        item.delete()


def _check_required(lines: list[Line]) -> bool:
    complete = True
    for line in lines:
        if line.document.required and not line.files:
            line.errors.append("Giấy tờ bắt buộc: hãy đính kèm ít nhất một tệp.")
            complete = False
    return complete


def _form(draft: SubmissionDraft, units: list[Unit], data: dict[str, Any] | None = None, **kwargs) -> SubmissionForm:
    kind = draft.account.citizen_profile.kind
    if data is None:
        return SubmissionForm(initial=draft.data, kind=kind, units=units, **kwargs)
    return SubmissionForm(data, kind=kind, units=units, **kwargs)


@citizen_required
@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, pk) -> HttpResponse:
    draft, version = _draft_and_version(request, pk)
    units = receiving_units(draft.procedure)
    if request.method == "POST":
        draft.data = {name: request.POST.get(name, "").strip() for name in SubmissionForm.FIELDS}
        draft.save(update_fields=["data", "updated_at"])
        _remove_files(request, draft)
        lines = _lines(draft, version)
        _store_uploads(request, draft, lines)
        upload_failed = any(line.errors for line in lines)
        form = _form(draft, units, draft.data)
        if "continue" in request.POST:
            valid = form.is_valid()
            complete = _check_required(lines)
            if valid and complete and not upload_failed:
                return redirect("citizen:review", pk=draft.pk)
            messages.error(request, "Hồ sơ chưa hoàn chỉnh: hãy xem các mục được đánh dấu bên dưới.")
        elif not upload_failed:
            messages.success(request, "Đã lưu hồ sơ nháp. Bạn có thể quay lại hoàn thiện sau tại “Hồ sơ của tôi”.")
            return redirect("citizen:draft", pk=draft.pk)
        else:
            form = _form(draft, units)
        status = 400 if upload_failed or form.errors else 200
        return _render_edit(request, draft, version, form, lines, status)
    return _render_edit(request, draft, version, _form(draft, units), _lines(draft, version))


def _render_edit(request, draft, version, form, lines, status=200) -> HttpResponse:
    context = {
        "draft": draft,
        "procedure": draft.procedure,
        "version": version,
        "form": form.described(),
        "lines": lines,
        "file_errors": [line for line in lines if line.errors],
        "limits": files.limits_text(),
    }
    return render(request, "portal/submit/draft.html", context, status=status)


def _intake(draft: SubmissionDraft, form: SubmissionForm, lines: list[Line], user) -> actions.Intake:
    data = form.cleaned_data
    if data["kind"] == ApplicantKind.ORGANIZATION:
        applicant = actions.ApplicantData(
            full_name=data["organization_name"],
            kind=ApplicantKind.ORGANIZATION,
            tax_code=data["tax_code"],
            phone=data["phone"],
            email=data["email"],
            address=data["address"],
        )
        submitter = {"full_name": data["full_name"], "phone": data["phone"], "relation": "Người đại diện"}
    else:
        applicant = actions.ApplicantData(
            full_name=data["full_name"],
            id_number=data["id_number"],
            date_of_birth=data.get("date_of_birth"),
            phone=data["phone"],
            email=data["email"],
            address=data["address"],
        )
        submitter = {}
    documents = []
    for line in lines:
        for item in line.files:
            with item.file.open("rb") as handle:
                content = handle.read()
            documents.append(actions.SubmittedDocument(line.document.pk, file_name=item.original_name, content=content))
    delivery = data["result_delivery"]
    return actions.Intake(
        procedure_code=draft.procedure.code,
        receiving_unit=Unit.objects.get(pk=data["receiving_unit"]),
        applicant=applicant,
        documents=documents,
        submitter=submitter,
        result_delivery=delivery,
        delivery_address=data["delivery_address"] if delivery == ResultDelivery.POST else "",
        account=user,
        # Full process (toàn trình) only when the result, too, comes back online.
        full_online=delivery == ResultDelivery.ONLINE,
    )


@citizen_required
@require_http_methods(["GET", "POST"])
def review(request: HttpRequest, pk) -> HttpResponse:
    draft, version = _draft_and_version(request, pk)
    units = receiving_units(draft.procedure)
    form = _form(draft, units, draft.data)
    lines = _lines(draft, version)
    if not form.is_valid() or not _check_required(lines):
        messages.error(request, "Hồ sơ chưa hoàn chỉnh: hãy xem các mục được đánh dấu.")
        return redirect("citizen:draft", pk=draft.pk)
    if request.method == "POST":
        try:
            dossier = actions.submit_online(_intake(draft, form, lines, request.user), actor=request.user)
        except actions.ActionError as exc:
            messages.error(request, exc.message)
            return redirect("citizen:draft", pk=draft.pk)
        for item in draft.files.all():
            item.file.delete(save=False)
        draft.delete()
        logger.info("online submission %s created from a draft", dossier.code)
        return redirect("citizen:submitted", code=dossier.code)
    unit = next((u for u in units if str(u.pk) == form.cleaned_data["receiving_unit"]), None)
    context = {
        "draft": draft,
        "procedure": draft.procedure,
        "version": version,
        "data": form.cleaned_data,
        "unit": unit,
        "lines": lines,
        "delivery_label": ResultDelivery(form.cleaned_data["result_delivery"]).label,
        "full_online": version.online_level == "full" and form.cleaned_data["result_delivery"] == ResultDelivery.ONLINE,
        "is_organization": form.kind == ApplicantKind.ORGANIZATION,
    }
    return render(request, "portal/submit/review.html", context)


@citizen_required
def submitted(request: HttpRequest, code: str) -> HttpResponse:
    dossier = get_object_or_404(
        Dossier.objects.select_related("procedure", "receiving_unit"), code=code, account=request.user
    )
    return render(request, "portal/submit/submitted.html", {"dossier": dossier})


@citizen_required
@require_http_methods(["POST"])
def discard(request: HttpRequest, pk) -> HttpResponse:
    draft = get_object_or_404(SubmissionDraft, pk=pk, account=request.user)
    for item in draft.files.all():
        item.file.delete(save=False)
    draft.delete()
    messages.success(request, "Đã xóa hồ sơ nháp.")
    return redirect("citizen:my-dossiers")


@citizen_required
def draft_file(request: HttpRequest, pk, file_id: int) -> HttpResponse:
    """The citizen's own uploaded file, to check what was attached."""
    from django.http import FileResponse

    item = get_object_or_404(DraftFile, pk=file_id, draft_id=pk, draft__account=request.user)
    return FileResponse(
        item.file.open("rb"), content_type=item.content_type, as_attachment=True, filename=item.original_name
    )

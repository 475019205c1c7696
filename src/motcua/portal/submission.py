"""Online submission: a draft per procedure, files per document line, a review page, then the write path.

The draft keeps everything the citizen typed and every file accepted, so an error (a file lying about
its type, a missing field) re-displays the page with the message on the field and nothing lost; a
draft left today is resumed tomorrow from "Hồ sơ của tôi". Submitting calls
``dossiers.actions.submit_online`` — the one write path — which creates the dossier in status 1
(Mới đăng ký) in the chosen receiving unit's queue.

A line of the document list may instead be answered with a document of the account's store (kho dữ liệu,
``portal/store.py``): the draft records the choice (``DraftReuse``), never a copy, and the write path checks
again at submission that the document is still in this account's store.
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
from motcua.core import files, uploads
from motcua.dossiers import actions
from motcua.dossiers.access import store_documents
from motcua.dossiers.models import ApplicantKind, Dossier, DossierDocument, ResultDelivery
from motcua.organizations.models import Unit
from motcua.portal import store
from motcua.portal.account_views import citizen_required
from motcua.portal.forms import SubmissionForm
from motcua.portal.models import DraftFile, DraftReuse, SubmissionDraft

logger = logging.getLogger(__name__)

MAX_FILES_PER_LINE = 10
GONE = "Giấy tờ đã chọn từ kho dữ liệu không còn trong kho: hãy chọn giấy tờ khác hoặc tải tệp lên."
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
    """One line of the document list as the draft page shows it: its files or its store document, the store
    documents it may take instead (best matches first), and its errors."""

    document: RequiredDocument
    files: list[DraftFile] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    reuse: DraftReuse | None = None
    choices: store.Choices = field(default_factory=lambda: store.Choices([], []))

    @property
    def input_name(self) -> str:
        return f"doc-{self.document.pk}"

    @property
    def store_input_name(self) -> str:
        return f"store-{self.document.pk}"

    @property
    def given(self) -> bool:
        return bool(self.files or self.reuse)


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
        draft.reuses.exclude(required_document__version=version).delete()
        draft.version = version
        draft.save(update_fields=["version", "updated_at"])
    return draft, version


def _lines(
    draft: SubmissionDraft, version: ProcedureVersion, documents: list[DossierDocument] | None = None
) -> list[Line]:
    """The draft's lines with their files and store choice; with ``documents`` (the account's store, see
    ``store.account_documents``), also what each line may take from the store."""
    lines = {doc.pk: Line(doc) for doc in version.documents.all()}
    for item in draft.files.all():
        if item.required_document_id in lines:
            lines[item.required_document_id].files.append(item)
    for reuse in draft.reuses.select_related("document__dossier"):
        if reuse.required_document_id in lines:
            lines[reuse.required_document_id].reuse = reuse
    if documents:
        for line in lines.values():
            line.choices = store.choices_for(line.document, documents)
    return list(lines.values())


def _offer_chosen(lines: list[Line], live: set[int]) -> None:
    """A chosen document still in the store stays among the line's choices even when the list shows another
    copy of the same file (or it fell past the list's length), so saving again does not drop the choice."""
    for line in lines:
        reuse = line.reuse
        if reuse is None or reuse.document_id not in live:
            continue
        offered = line.choices.suggested + line.choices.others
        if all(document.pk != reuse.document_id for document in offered):
            line.choices.suggested.insert(0, reuse.document)


def _live_choices(account_id: int, lines: list[Line]) -> set[int]:
    """The chosen store documents that are still in the account's store (one query)."""
    chosen = [line.reuse.document_id for line in lines if line.reuse]
    if not chosen:
        return set()
    return set(store_documents(account_id=account_id).filter(pk__in=chosen).values_list("pk", flat=True))


def _choose_from_store(request: HttpRequest, draft: SubmissionDraft, lines: list[Line]) -> None:
    """Record each line's "Lấy từ kho dữ liệu" choice. Only documents of this account's store are accepted
    (a crafted form naming another account's document gets the line's error and records nothing), and a
    line has either uploaded files or one store document, never both."""
    for line in lines:
        if line.store_input_name not in request.POST:
            continue  # the line was not offered the store: nothing changes
        value = request.POST.get(line.store_input_name, "").strip()
        if not value:
            if line.reuse is not None:
                line.reuse.delete()
                line.reuse = None
            continue
        document = None
        if value.isdigit():
            document = (
                store_documents(account_id=request.user.pk).select_related("dossier").filter(pk=int(value)).first()
            )
        if document is None:
            line.errors.append("Giấy tờ đã chọn không có trong kho dữ liệu của bạn; chưa được lưu.")
            continue
        if line.files:
            line.errors.append(
                "Mỗi giấy tờ chỉ nộp theo một cách: hãy xóa các tệp đã tải lên, hoặc chọn “Không lấy từ kho dữ liệu”."
            )
            continue
        if line.reuse is None:
            line.reuse = DraftReuse(draft=draft, required_document=line.document)
        line.reuse.document = document
        line.reuse.save()


def _store_uploads(request: HttpRequest, draft: SubmissionDraft, lines: list[Line]) -> None:
    """Keep each uploaded file that is a real PDF, JPEG or PNG within the size limit; explain the others."""
    for line in lines:
        for upload in request.FILES.getlist(line.input_name):
            name = upload.name[:200]
            if len(line.files) >= MAX_FILES_PER_LINE:
                line.errors.append(f"Mỗi giấy tờ tối đa {MAX_FILES_PER_LINE} tệp; tệp “{name}” chưa được lưu.")
                continue
            if refused := uploads.refusal(upload):  # over its limit, or cut off while streaming in
                line.errors.append(f"{refused}, chưa được lưu.")
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


def _flag_gone(lines: list[Line], live: set[int]) -> bool:
    """Explain each store choice whose document has left the store since it was chosen (purged at the end of
    its retention); False if there is one."""
    kept = True
    for line in lines:
        if line.reuse is not None and line.reuse.document_id not in live:
            line.errors.append(GONE)
            kept = False
    return kept


def _check_required(lines: list[Line], live: set[int] | None = None) -> bool:
    """Every required line has files or a store document; with ``live`` (the chosen store documents still in
    the store), a choice whose document has gone since is an error too."""
    complete = _flag_gone(lines, live) if live is not None else True
    for line in lines:
        if line.document.required and not line.given:
            if line.choices:
                line.errors.append("Giấy tờ bắt buộc: hãy đính kèm ít nhất một tệp hoặc lấy từ kho dữ liệu.")
            else:
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
    documents = store.account_documents(request.user.pk)
    if request.method == "POST":
        draft.data = {name: request.POST.get(name, "").strip() for name in SubmissionForm.FIELDS}
        draft.save(update_fields=["data", "updated_at"])
        _remove_files(request, draft)
        lines = _lines(draft, version, documents)
        _store_uploads(request, draft, lines)
        _choose_from_store(request, draft, lines)
        upload_failed = any(line.errors for line in lines)
        form = _form(draft, units, draft.data)
        live = _live_choices(request.user.pk, lines)
        _offer_chosen(lines, live)
        if "continue" in request.POST:
            valid = form.is_valid()
            complete = _check_required(lines, live)
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
    lines = _lines(draft, version, documents)
    live = _live_choices(request.user.pk, lines)
    _offer_chosen(lines, live)
    _flag_gone(lines, live)
    return _render_edit(request, draft, version, _form(draft, units), lines)


def _render_edit(request, draft, version, form, lines, status=200) -> HttpResponse:
    context = {
        "draft": draft,
        "procedure": draft.procedure,
        "version": version,
        "form": form.described(),
        "lines": lines,
        "file_errors": [line for line in lines if line.errors],
        "has_store": any(line.choices or line.reuse for line in lines),
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
        if line.reuse is not None:
            documents.append(actions.SubmittedDocument(line.document.pk, reuse_of=line.reuse.document_id))
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
    # On the "Nộp hồ sơ" POST the write path checks the store choices itself (and says what has gone).
    live = _live_choices(request.user.pk, lines) if request.method == "GET" else None
    if not form.is_valid() or not _check_required(lines, live):
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

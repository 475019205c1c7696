"""Scanning paper components at the counter: on the dossier desk, and on a batch screen for a stack of paper.

A dossier received on paper keeps paper-only component rows (no file). The receiving officer digitises
them later: pages scanned (merged into one PDF by ``documents.scanning.merge_pages``) or a document taken
from the applicant's store (``dossiers.access.store_documents``: the officer has checked the identity
papers, so the store is every earlier dossier of the same applicant). Every write is
``dossiers.actions.digitise`` — the one write path, which also refuses a document of another applicant
and never replaces a file already attached — so these pages only read the form and show its answers.

Who: officers who may receive at the dossier's receiving unit (the "digitise" transition's permission and
scope). The forms are plain HTML posts (work without JavaScript) that redirect after success; on the desk
an error re-displays the desk with the form open and its message next to the field.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.paginator import Paginator
from django.db.models import Count, Exists, OuterRef, Prefetch, Q
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from motcua.backoffice import desk
from motcua.backoffice.forms import DATE_HINT, SCAN_HINT, MultipleFileField, UploadListField, read_files
from motcua.backoffice.views import _desk_context, _dossier_in_scope, officer_required
from motcua.core import files as file_policy
from motcua.documents import scanning
from motcua.dossiers import actions, workflow
from motcua.dossiers.access import store_documents
from motcua.dossiers.models import DocumentOrigin, Dossier, DossierDocument
from motcua.organizations.models import Unit
from motcua.organizations.scoping import has_unit_perm

DIGITISE = workflow.TRANSITIONS["digitise"]
STORE_LIMIT = 50  # newest documents of the applicant's store offered in the select
BATCH_PAGE_SIZE = 20
BATCH_DAYS = 7  # "received recently": the batch screen's default period
MAX_UPLOAD_FILES = 100  # Django's DATA_UPLOAD_MAX_NUMBER_FILES: a larger folder goes through `scan_import`
REPORT_KEY = "motcua_scan_report"


def may_digitise(user, dossier: Dossier) -> bool:
    """The permission of the "digitise" transition in its scope (the receiving unit)."""
    return has_unit_perm(user, DIGITISE.permission or workflow.RECEIVE, dossier.receiving_unit)


def can_digitise(user, dossier: Dossier) -> bool:
    """Offer the scan forms: permitted, and the dossier is in the system (not refused at the counter)."""
    return dossier.status in DIGITISE.sources and may_digitise(user, dossier)


# --- forms --------------------------------------------------------------------------------------------


class ScanForm(forms.Form):
    """One paper-only component: its scanned pages, or a document of the applicant's store (one of the two).

    ``reuse_of`` is read as a number, not checked against the listed choices: whether the document is in
    this applicant's store is the write path's rule, answered in its words."""

    document_id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    pages = MultipleFileField(label="Các trang đã quét", help_text=SCAN_HINT)
    reuse_of = forms.IntegerField(
        label="Lấy từ kho dữ liệu của chủ hồ sơ",
        required=False,
        widget=forms.Select,
        help_text="Giấy tờ điện tử từ các hồ sơ trước của cùng chủ hồ sơ.",
        error_messages={"invalid": "Chọn một giấy tờ trong danh sách."},
    )

    def __init__(
        self,
        *args: Any,
        store: list[tuple[int, str]] | None = None,
        component: str = "",
        compact: bool = False,
        **kwargs: Any,
    ) -> None:
        """``store``: the select's options (``store_choices``); ``component``: the row's name, which names the
        merged PDF; ``compact``: the batch screen's one-line form (no hint)."""
        super().__init__(*args, **kwargs)
        self.component = component
        self.fields["reuse_of"].widget.choices = [("", "— Không lấy: dùng các trang đã quét —"), *(store or [])]
        if compact:
            self.fields["pages"].help_text = ""
        self.fields["pages"].widget.attrs["accept"] = ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"
        self.merged: tuple[bytes, str] | None = None

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        pages, reuse = data.get("pages") or [], data.get("reuse_of")
        if "pages" in self.errors:
            return data
        if pages and reuse:
            raise ValidationError("Chọn các trang đã quét hoặc một giấy tờ trong kho dữ liệu, không chọn cả hai.")
        if not pages and not reuse:
            self.add_error("pages", "Chọn các trang đã quét (hoặc một giấy tờ trong kho dữ liệu).")
            return data
        if pages:
            try:
                self.merged = scanning.merge_pages(read_files(pages), name=self.component_name())
            except file_policy.FileRejected as exc:
                self.add_error("pages", exc.message)
        return data

    def component_name(self) -> str:
        return self.component

    def document(self, row: DossierDocument | None = None) -> actions.SubmittedDocument:
        if self.merged is not None:
            content, file_name = self.merged
            return actions.SubmittedDocument(
                row.required_document_id if row else None,
                name=row.name if row else "",
                file_name=file_name,
                content=content,
            )
        return actions.SubmittedDocument(
            row.required_document_id if row else None, reuse_of=self.cleaned_data["reuse_of"]
        )

    def place(self, exc: actions.InvalidAction) -> None:
        """The write path's refusal next to the field it concerns (the store's document, or the pages)."""
        self.add_error("reuse_of" if self.cleaned_data.get("reuse_of") else "pages", exc.message)


class ExtraScanForm(ScanForm):
    """A component the officer had not listed at intake, added already digitised."""

    required_document_id = forms.TypedChoiceField(
        label="Thuộc thành phần", coerce=int, required=False, empty_value=None, choices=()
    )
    name = forms.CharField(
        label="Tên giấy tờ",
        required=False,
        max_length=500,
        help_text="Bỏ trống để dùng tên thành phần đã chọn.",
    )

    field_order = ["required_document_id", "name", "pages", "reuse_of"]

    def __init__(self, *args: Any, lines: list[tuple[int, str]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["required_document_id"].choices = [("", "Giấy tờ khác (ngoài danh mục)"), *(lines or [])]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not data.get("required_document_id") and not (data.get("name") or "").strip():
            self.add_error("name", "Nhập tên giấy tờ (hoặc chọn thành phần trong danh mục).")
        return data

    def component_name(self) -> str:
        name = (self.cleaned_data.get("name") or "").strip()
        line = dict(self.fields["required_document_id"].choices).get(self.cleaned_data.get("required_document_id"))
        return name or str(line or "")

    def document(self, row: DossierDocument | None = None) -> actions.SubmittedDocument:
        base = super().document(None)
        base.required_document_id = self.cleaned_data.get("required_document_id")
        base.name = (self.cleaned_data.get("name") or "").strip()
        return base


def store_choices(dossier: Dossier) -> list[tuple[int, str]]:
    """The applicant's store, without this dossier's own rows, newest first, as select options."""
    rows = store_documents(applicant_id=dossier.applicant_id).exclude(dossier=dossier)[:STORE_LIMIT]
    choices = []
    for row in rows:
        pages = f", {row.pages} trang" if row.pages else ""
        kind = "kết quả" if row.result else "thành phần"
        choices.append((row.pk, f"{row.name} — {kind} hồ sơ {row.dossier.code}{pages}"))
    return choices


def _line_choices(dossier: Dossier) -> list[tuple[int, str]]:
    return [(line.pk, line.name) for line in dossier.procedure_version.documents.all()]


def desk_context(
    user, dossier: Dossier, documents: list[DossierDocument], *, bound: ScanForm | None = None
) -> dict[str, Any]:
    """The scan forms of the desk's documents list: one per paper-only input row (``doc.scan_form``) and one
    for an extra component (``scan.extra``); nothing for an officer who may not digitise here."""
    for document in documents:
        document.scan_form = None
    if not can_digitise(user, dossier):
        return {"scan": None}
    store = store_choices(dossier)
    bound_row = bound.data.get("document_id") if bound is not None else None
    for document in documents:
        if document.result or document.digitised:
            continue
        if bound_row and str(bound_row) == str(document.pk):
            document.scan_form = bound
        else:
            document.scan_form = ScanForm(
                initial={"document_id": document.pk}, store=store, auto_id=f"id_scan{document.pk}_%s"
            )
    extra = bound if isinstance(bound, ExtraScanForm) else None
    extra = extra or ExtraScanForm(store=store, lines=_line_choices(dossier), auto_id="id_scanextra_%s")
    return {"scan": {"extra": extra, "store": bool(store)}}


# --- the POST every scan form sends -----------------------------------------------------------------


def _next_url(request: HttpRequest) -> str:
    """Back to the batch screen (with its filters) when the form came from there; otherwise the desk."""
    target = request.POST.get("next", "")
    batch = reverse("backoffice:scan-batch")
    if target.startswith(batch) and url_has_allowed_host_and_scheme(target, {request.get_host()}):
        return target
    return ""


@require_POST
@officer_required
def digitise_view(request: HttpRequest, code: str) -> HttpResponse:
    """Digitise one component (``document_id``) or add a digitised one, then back to where the form was."""
    dossier = _dossier_in_scope(request.user, code)
    if not may_digitise(request.user, dossier):
        raise PermissionDenied(f"Bạn không có quyền số hóa hồ sơ tiếp nhận tại “{dossier.receiving_unit.name}”.")
    try:
        expected = int(request.POST.get("expected_revision", ""))
    except ValueError:
        return HttpResponseBadRequest("Thiếu phiên bản hồ sơ (expected_revision).")
    back = _next_url(request)
    row = None
    raw_id = request.POST.get("document_id", "")
    if raw_id:
        row = DossierDocument.objects.filter(dossier=dossier, pk=raw_id if raw_id.isdigit() else 0).first()
        if row is None:
            return HttpResponseBadRequest("Không có thành phần hồ sơ này trong hồ sơ.")
        form: ScanForm = ScanForm(
            request.POST,
            request.FILES,
            store=store_choices(dossier),
            component=row.name,
            auto_id=f"id_scan{row.pk}_%s",
        )
    else:
        form = ExtraScanForm(
            request.POST,
            request.FILES,
            store=store_choices(dossier),
            lines=_line_choices(dossier),
            auto_id="id_scanextra_%s",
        )
    status, alert = 400, ""
    if form.is_valid():
        try:
            updated = actions.digitise(
                dossier,
                actor=request.user,
                document=form.document(row),
                document_id=row.pk if row else None,
                expected_revision=expected,
            )
        except actions.Conflict as exc:
            status, alert = 409, exc.message
        except actions.NotPermitted as exc:
            status, alert = 403, exc.message
        except actions.InvalidAction as exc:
            form.place(exc)
        else:
            messages.success(request, _success_text(updated, row))
            return redirect(back or reverse("backoffice:desk", args=[dossier.code]))
    if back:  # the batch screen: say what went wrong there (the pages must be chosen again anyway)
        errors = alert or "; ".join(str(e) for field_errors in form.errors.values() for e in field_errors)
        name = row.name if row else "thành phần mới"
        messages.error(request, f"Hồ sơ {dossier.code}, “{name}”: chưa số hóa được. {errors}")
        return redirect(back)
    dossier.refresh_from_db()
    context = _desk_context(request, dossier, alert=alert, scan=form)
    context["failed_action"] = "digitise"
    context["failed_label"] = DIGITISE.label
    return render(request, "backoffice/desk.html", context, status=status)


def _success_text(dossier: Dossier, row: DossierDocument | None) -> str:
    """What was attached, read from the event the action recorded (the name and pages it stored)."""
    event = dossier.events.filter(action="digitise").order_by("-pk").first()
    payload = event.payload if event else {}
    name = payload.get("document") or (row.name if row else "")
    if payload.get("origin") == DocumentOrigin.REUSE:
        text = f"Đã lấy “{name}” từ kho dữ liệu của chủ hồ sơ."
    else:
        text = f"Đã số hóa “{name}” ({payload.get('pages', 0)} trang)."
    if dossier.input_digitised:
        text += " Hồ sơ đã được số hóa đủ thành phần."
    return text


# --- the batch screen -----------------------------------------------------------------------------------


def _date(label: str) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=False,
        widget=forms.DateInput(format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy", "inputmode": "numeric"}),
        error_messages={"invalid": f"Ngày không đúng dạng. {DATE_HINT}"},
    )


class BatchFilterForm(forms.Form):
    unit = forms.ModelChoiceField(
        label="Nơi tiếp nhận", queryset=Unit.objects.none(), required=False, empty_label="Tất cả nơi tiếp nhận của tôi"
    )
    received_from = _date("Tiếp nhận từ ngày")
    received_to = _date("đến ngày")
    missing = forms.BooleanField(label="Chỉ hồ sơ chưa số hóa đủ", required=False)

    def __init__(self, *args: Any, units, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        self.fields["unit"].error_messages["invalid_choice"] = "Bạn không tiếp nhận hồ sơ tại đơn vị này."

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end = data.get("received_from"), data.get("received_to")
        if start and end and start > end:
            self.add_error("received_to", "Ngày kết thúc phải sau ngày bắt đầu.")
        return data


class BatchUploadForm(forms.Form):
    files = UploadListField(
        label="Các tệp từ máy quét",
        help_text=(
            f"Tên tệp dạng {scanning.NAME_PATTERN_HINT}; tối đa {MAX_UPLOAD_FILES} tệp mỗi lần "
            "(thư mục lớn hơn: lệnh motcua scan_import trên máy chủ)."
        ),
    )
    folder = UploadListField(
        label="Hoặc chọn cả thư mục máy quét", help_text="Trình duyệt không hỗ trợ: chọn các tệp ở trên."
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["folder"].widget.attrs.update({"webkitdirectory": "", "directory": ""})

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        uploads = [*(data.get("files") or []), *(data.get("folder") or [])]
        if not uploads:
            self.add_error("files", "Chọn các tệp (hoặc thư mục) máy quét đã lưu.")
        data["uploads"] = uploads
        return data


def _batch_units(request: HttpRequest):
    units = desk.receiving_units(request.user)
    if not units.exists():
        raise PermissionDenied("Bạn không có quyền tiếp nhận hồ sơ tại đơn vị nào.")
    return units


def _paper_only() -> Q:
    return Q(result=False, sha256="")


@never_cache
@require_GET
@officer_required
def batch_view(request: HttpRequest) -> HttpResponse:
    """``/can-bo/so-hoa/``: the recently received dossiers of the officer's counters that still have paper-only
    components, each component with a compact scan form, and the scanner-folder upload."""
    units = _batch_units(request)
    today = timezone.localdate()
    filtered = request.GET.get("loc") == "1"
    initial = {"received_from": today - timedelta(days=BATCH_DAYS - 1), "received_to": today, "missing": True}
    form = BatchFilterForm(request.GET if filtered else None, units=units, initial=initial)
    values: dict[str, Any] = dict(initial, unit=None)
    if filtered and form.is_valid():
        values = form.cleaned_data
    chosen = values.get("unit")
    dossiers = Dossier.objects.filter(
        receiving_unit__in=[chosen] if chosen else units, received_at__isnull=False, status__in=DIGITISE.sources
    )
    if values.get("received_from"):
        dossiers = dossiers.filter(received_at__date__gte=values["received_from"])
    if values.get("received_to"):
        dossiers = dossiers.filter(received_at__date__lte=values["received_to"])
    if values.get("missing"):
        dossiers = dossiers.filter(Exists(DossierDocument.objects.filter(_paper_only(), dossier=OuterRef("pk"))))
    remaining = DossierDocument.objects.filter(_paper_only(), dossier__in=dossiers).count()
    dossiers = (
        dossiers.select_related("procedure", "applicant", "receiving_unit")
        .prefetch_related(Prefetch("documents", DossierDocument.objects.filter(result=False).order_by("id")))
        .order_by("-received_at", "-pk")
    )
    page = Paginator(dossiers, BATCH_PAGE_SIZE).get_page(request.GET.get("page"))
    back = request.get_full_path()
    rows = []
    for dossier in page:
        components = []
        for position, document in enumerate(dossier.documents.all(), start=1):
            form_for_row = None
            if not document.digitised:
                form_for_row = ScanForm(
                    initial={"document_id": document.pk}, compact=True, auto_id=f"id_scan{document.pk}_%s"
                )
            components.append({"position": position, "document": document, "form": form_for_row})
        rows.append({"dossier": dossier, "components": components})
    digitised_today = DossierDocument.objects.filter(
        dossier__receiving_unit__in=units,
        result=False,
        origin__in=(DocumentOrigin.SCAN, DocumentOrigin.REUSE),
        digitised_at__date=today,
    ).aggregate(n=Count("pk"))["n"]
    return render(
        request,
        "backoffice/scan_batch.html",
        {
            "form": form,
            "upload": BatchUploadForm(auto_id="id_upload_%s"),
            "page": page,
            "rows": rows,
            "remaining": remaining,
            "digitised_today": digitised_today,
            "back": back,
            "query": _query_without_page(request),
            "report": _pop_report(request),
            "name_hint": scanning.NAME_PATTERN_HINT,
            "several_units": units.count() > 1,
            "max_files": MAX_UPLOAD_FILES,
        },
        status=400 if filtered and not form.is_valid() else 200,
    )


def _query_without_page(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def _pop_report(request: HttpRequest) -> dict[str, Any] | None:
    report = request.session.pop(REPORT_KEY, None)
    if not report:
        return None
    for item in report["files"]:
        item["label"] = scanning.OUTCOME_LABELS.get(item["status"], item["status"])
        item["ok"] = item["status"] in scanning.SUCCESSES
    return report


@require_POST
@officer_required
def batch_upload(request: HttpRequest) -> HttpResponse:
    """Files saved by a scanner (``<code>_<n>[_<page>].jpg``): grouped, merged and attached, each file reported."""
    units = _batch_units(request)
    form = BatchUploadForm(request.POST, request.FILES)
    back = _next_url(request) or reverse("backoffice:scan-batch")
    if not form.is_valid():
        messages.error(request, "; ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect(back)
    uploads: dict[str, UploadedFile] = {}
    for upload in form.cleaned_data["uploads"]:
        uploads.setdefault(file_policy.clean_name(upload.name or "") or "tep", upload)
    outcomes = scanning.import_scans(list(uploads), lambda name: uploads[name].read(), actor=request.user, units=units)
    attached = sum(1 for outcome in outcomes if outcome.status == scanning.ATTACHED)
    request.session[REPORT_KEY] = {
        "attached": attached,
        "failed": len(outcomes) - attached,
        "files": [outcome.as_dict() for outcome in outcomes],
    }
    return redirect(back + "#ket-qua-tai-len")

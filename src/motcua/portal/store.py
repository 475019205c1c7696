"""The citizen's document store (kho dữ liệu điện tử) at ``/cong-dan/kho-du-lieu/``.

What the account already gave or received electronically, to download again and to reuse in a new online
submission instead of scanning the same paper twice: the components of its dossiers (uploaded, or scanned
at the counter) and the e-results once issued. Which documents these are is a rule of the dossier domain,
``dossiers.access.store_documents(account_id=…)``; this module only shows them.

The store is by account, not by ID number: an account's ID number is declared at sign-up, not proven, so
matching by it would hand a neighbour's scans to whoever typed the number. A dossier received at a counter
joins the account with "Thêm hồ sơ nộp tại quầy": holding the receipt's lookup secret proves it is yours.
That form spends from the same per-client lookup rate as the tracking page, and answers a wrong code and a
wrong secret with one message, so it cannot be used to learn which dossier codes exist.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib import messages
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from motcua.api.dossiers.views import candidate_codes
from motcua.catalog.models import RequiredDocument
from motcua.core.text import fold
from motcua.dossiers import actions
from motcua.dossiers.access import secret_matches, store_documents
from motcua.dossiers.models import Dossier, DossierDocument
from motcua.portal.account_views import citizen_required
from motcua.portal.forms import LinkDossierForm
from motcua.portal.tracking import lookup_refusal, typed_code

logger = logging.getLogger(__name__)

# The page lists at most this many files (newest first): an organisation filing every week stays under 200 KB.
SHOWN = 200
OTHERS_PER_LINE = 20  # store documents offered for a line beyond its best matches
WRONG = "Mã hồ sơ hoặc mã tra cứu không đúng. Hãy kiểm tra lại hai mã in trên Giấy tiếp nhận."
ANOTHER_ACCOUNT = (
    "Hồ sơ này đã thuộc một tài khoản khác. Nếu hồ sơ là của bạn, hãy liên hệ Bộ phận Một cửa nơi nộp hồ sơ."
)
AFTER_LINK = {"my-dossiers": "citizen:my-dossiers", "store": "citizen:store"}


def account_documents(account_id: int, *, limit: int = SHOWN) -> list[DossierDocument]:
    """The account's store, newest first, each file once: a scan reused in a later dossier is the same bytes
    and is listed once (its newest use), so the list and the choices in a draft stay short."""
    rows = store_documents(account_id=account_id).select_related("required_document", "dossier__procedure_version")
    seen: set[tuple[str, bool]] = set()
    kept = []
    for row in rows[: limit * 2]:
        key = (row.sha256, row.result)
        if key in seen:
            continue
        seen.add(key)
        kept.append(row)
        if len(kept) >= limit:
            break
    return kept


def _same_name(line_name: str, candidate: str, *, within: bool = False) -> bool:
    """Folded names equal (case, diacritics and punctuation ignored); ``within``: the candidate may also be
    a whole-word part of the line's name (a result "Giấy khai sinh" for a line "Bản sao Giấy khai sinh")."""
    line, other = fold(line_name), fold(candidate)
    if not line or not other:
        return False
    return line == other or (within and f" {other} " in f" {line} ")


def matches(line: RequiredDocument, document: DossierDocument) -> bool:
    """A store document is suggested first for a line when it was given for a line of the same name, or it is
    a result whose name (or its procedure's result name) is what the line asks for."""
    if not document.result:
        given_for = document.required_document.name if document.required_document_id else document.name
        return _same_name(line.name, given_for)
    names = [document.name] + [
        str(item.get("name", "")) for item in (document.dossier.procedure_version.result_documents or [])
    ]
    return any(_same_name(line.name, name, within=True) for name in names)


@dataclass
class Choices:
    """The store documents offered for one line of a draft: best matches first, then the others."""

    suggested: list[DossierDocument]
    others: list[DossierDocument]

    def __bool__(self) -> bool:
        return bool(self.suggested or self.others)


def choices_for(line: RequiredDocument, documents: Iterable[DossierDocument]) -> Choices:
    """Every matching document, then the newest others: a procedure with fifteen lines and a full store keeps
    its draft page under 200 KB."""
    suggested, others = [], []
    for document in documents:
        (suggested if matches(line, document) else others).append(document)
    return Choices(suggested, others[:OTHERS_PER_LINE])


def _download_name(document: DossierDocument) -> str:
    return document.original_name or document.file.name.rsplit("/", 1)[-1]


@citizen_required
@require_GET
def download(request: HttpRequest, pk: int) -> FileResponse:
    """One file of the account's store, under the name it was given with. Anything not in this account's
    store (another account's, purged, a result not yet issued) is a 404 that says nothing more."""
    document = store_documents(account_id=request.user.pk).filter(pk=pk).first()
    if document is None:
        raise Http404("Không có giấy tờ này trong kho dữ liệu của bạn.")
    try:
        handle = default_storage.open(document.file.name, "rb")
    except OSError:
        logger.warning("store: file of document id=%s is missing from storage", document.pk)
        raise Http404("Không có giấy tờ này trong kho dữ liệu của bạn.") from None
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=_download_name(document),
        content_type=document.content_type or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def _link(request: HttpRequest, form: LinkDossierForm) -> int:
    """Add the counter dossier named on the form to the account; 0 when done (a message says so), otherwise
    the HTTP status to answer with, the reason set on the form."""
    if not form.is_valid():
        return 400
    refusal = lookup_refusal(request)
    if refusal:
        form.add_error(None, refusal)
        return 429
    codes = candidate_codes(typed_code(form.cleaned_data["ma"]))
    if not codes:
        form.add_error("ma", "Mã hồ sơ không đúng định dạng (ví dụ 000.01.41.H57-260309-0001).")
        return 400
    dossier = Dossier.objects.filter(code__in=codes).first()
    if dossier is None or not secret_matches(dossier, form.cleaned_data["secret"]):
        if dossier is not None:
            logger.warning("store: wrong lookup secret for dossier id=%s", dossier.pk)
        form.add_error(None, WRONG)
        return 400
    if dossier.account_id == request.user.pk:
        messages.info(request, f"Hồ sơ {dossier.code} đã có trong tài khoản của bạn.")
        return 0
    if dossier.account_id is not None:
        form.add_error(None, ANOTHER_ACCOUNT)
        return 409
    try:
        actions.link_account(dossier, account=request.user)
    except actions.ActionError as exc:  # added to another account meanwhile, or a status that cannot be added
        form.add_error(None, exc.message)
        return 409
    messages.success(
        request,
        f"Đã thêm hồ sơ {dossier.code} vào tài khoản của bạn. "
        "Giấy tờ đã số hóa của hồ sơ (nếu có) được đưa vào kho dữ liệu.",
    )
    return 0


def _grouped(documents: list[DossierDocument]) -> tuple[list[DossierDocument], list[DossierDocument]]:
    return [d for d in documents if d.result], [d for d in documents if not d.result]


@citizen_required
@require_http_methods(["GET", "POST"])
def store(request: HttpRequest) -> HttpResponse:
    """The store page, and the "Thêm hồ sơ nộp tại quầy" form (also shown on "Hồ sơ của tôi", posting here)."""
    form = LinkDossierForm(request.POST or None, prefix="link")
    status = 200
    if request.method == "POST":
        status = _link(request, form)
        if status == 0:
            return redirect(AFTER_LINK.get(request.POST.get("next", ""), "citizen:store"))
    documents = account_documents(request.user.pk)
    results, inputs = _grouped(documents)
    context = {
        "results": results,
        "inputs": inputs,
        "full": len(documents) >= SHOWN,
        "shown": SHOWN,
        "link_form": form.described(),
    }
    return render(request, "portal/account/store.html", context, status=status)

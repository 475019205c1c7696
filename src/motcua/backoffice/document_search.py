"""Search by words in the dossiers' documents (the text OCR found in them), and the searchable PDF download.

An officer remembers "the birth certificate of Nguyễn Thị Hương" but not the dossier code: every word typed,
folded like the stored text (``core.text.fold``: no diacritics, lower case), must occur as a whole word in a
document's folded text. Only dossiers the officer may view are searched (``dossiers.access.visible_dossiers``),
and a result shows the dossier, its procedure and status, the document and a few words around the first hit —
never the applicant's ID number or phone: the list spans many dossiers, so long digit runs in the excerpt are
masked. On PostgreSQL a trigram index (documents migration 0002) serves the ``LIKE '% word %'`` filters.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass

from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from motcua.backoffice.views import _dossier_in_scope, officer_required
from motcua.core.text import fold
from motcua.documents.models import DocumentText, TextStatus
from motcua.dossiers.access import visible_dossiers
from motcua.dossiers.models import DossierDocument

PAGE_SIZE = 20
MAX_QUERY_LENGTH = 200
MAX_WORDS = 8
MIN_LONGEST_WORD = 3  # a trigram index needs one word of three letters; shorter ones match nearly everything
SNIPPET_BEFORE, SNIPPET_AFTER = 40, 100  # characters around a hit
MAX_FRAGMENTS = 3
_SPACES = re.compile(r"\s+")
# 9+ digits, maybe grouped by spaces or dots: ID numbers (9 or 12), phones (10, +84…); dates have 8 and stay.
_LONG_NUMBER = re.compile(r"\+?\d(?:[ .]?\d){8,}")


def search_words(query: str) -> list[str]:
    """The folded words of a query, each once, at most ``MAX_WORDS``."""
    words: list[str] = []
    for word in fold(query[:MAX_QUERY_LENGTH]).split():
        if word not in words:
            words.append(word)
    return words[:MAX_WORDS]


def matching(user, words: list[str]) -> QuerySet[DocumentText]:
    """Recognised documents of dossiers ``user`` may view whose text has every word; newest documents first."""
    texts = DocumentText.objects.filter(
        status=TextStatus.DONE,
        document__purged_at=None,
        document__dossier__in=visible_dossiers(user).values("pk"),
    )
    for word in words:
        texts = texts.filter(folded__contains=f" {word} ")
    return texts.select_related("document__dossier__procedure").order_by("-document_id")


# --- the excerpt ----------------------------------------------------------------------------------------------


class _FoldTable(dict):
    """``str.translate`` table folding each character to exactly one (``fold`` of it, or a space), built as
    characters are met: the excerpt's positions in the folded copy are positions in the original text."""

    def __missing__(self, code: int) -> str:
        folded = fold(chr(code))
        self[code] = value = folded[0] if folded else " "
        return value


_ALIGNED = _FoldTable()


def _hits(text: str, words: list[str]) -> dict[str, list[tuple[int, int]]]:
    """Where each word occurs in ``text`` as a whole word, diacritics and case ignored."""
    aligned = text.translate(_ALIGNED)
    return {
        word: [m.span() for m in re.finditer(rf"(?<![0-9a-z]){re.escape(word)}(?![0-9a-z])", aligned)] for word in words
    }


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _window(text: str, hit: tuple[int, int]) -> tuple[int, int]:
    """``SNIPPET_BEFORE``/``SNIPPET_AFTER`` characters around a hit, cut at spaces so no word is halved."""
    start, end = max(0, hit[0] - SNIPPET_BEFORE), min(len(text), hit[0] + SNIPPET_AFTER)
    if start > 0:
        space = text.find(" ", start, hit[0])
        start = space + 1 if space != -1 else start
    if end < len(text):
        space = text.rfind(" ", hit[1], end)
        end = space if space != -1 else end
    return start, end


def _mask(text: str) -> str:
    return _LONG_NUMBER.sub(lambda m: re.sub(r"\d", "•", m.group()[:-3]) + m.group()[-3:], text)


def _render(text: str, start: int, end: int, hits: list[tuple[int, int]]) -> str:
    parts, position = [], start
    for hit_start, hit_end in hits:
        if hit_end <= start or hit_start >= end:
            continue
        hit_start, hit_end = max(hit_start, start), min(hit_end, end)
        parts.append(escape(_mask(_SPACES.sub(" ", text[position:hit_start]))))
        parts.append(f"<mark>{escape(_SPACES.sub(' ', text[hit_start:hit_end]))}</mark>")
        position = hit_end
    parts.append(escape(_mask(_SPACES.sub(" ", text[position:end]))))
    return "".join(parts).strip()


def snippet(text: str, words: list[str]) -> SafeString:
    """A few words of ``text`` around the first hit — and around the first hit of each word not seen there, up to
    ``MAX_FRAGMENTS`` pieces — HTML-escaped, the words in ``<mark>``, long numbers masked."""
    by_word = _hits(text, words)
    hits = _merge([span for spans in by_word.values() for span in spans])
    if not hits:
        return mark_safe(escape(_mask(_SPACES.sub(" ", text[:SNIPPET_AFTER]).strip())))  # noqa: S308
    windows: list[tuple[int, int]] = []
    for first in sorted(spans[0] for spans in by_word.values() if spans):
        if len(windows) == MAX_FRAGMENTS:
            break
        if not any(start <= first[0] < end for start, end in windows):
            windows.append(_window(text, first))
    windows = _merge(windows)
    html = " … ".join(_render(text, start, end, hits) for start, end in windows)
    before = "… " if windows[0][0] > 0 else ""
    after = " …" if windows[-1][1] < len(text) else ""
    return mark_safe(before + html + after)  # noqa: S308 - every piece of the text is escaped in _render


# --- the pages ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Result:
    text: DocumentText
    snippet: SafeString

    @property
    def document(self) -> DossierDocument:
        return self.text.document


@never_cache
@require_GET
@officer_required
def search(request: HttpRequest) -> HttpResponse:
    """``/can-bo/tim-trong-giay-to/?q=…``: documents whose recognised text has every word typed."""
    query = request.GET.get("q", "").strip()[:MAX_QUERY_LENGTH]
    words = search_words(query)
    problem = ""
    page = None
    results: list[Result] = []
    if query and not any(len(word) >= MIN_LONGEST_WORD for word in words):
        problem = f"Nhập ít nhất một từ dài từ {MIN_LONGEST_WORD} chữ cái trở lên."
    elif words:
        page = Paginator(matching(request.user, words), PAGE_SIZE).get_page(request.GET.get("page"))
        results = [Result(text, snippet(text.text, words)) for text in page]
    return render(
        request,
        "backoffice/document_search.html",
        {"query": query, "problem": problem, "searched": page is not None, "page": page, "results": results},
    )


@never_cache
@require_GET
@officer_required
def searchable_download(request: HttpRequest, code: str, pk: int) -> FileResponse:
    """The OCR'd copy of a document (text layer under the scan), scoped like the original's download."""
    dossier = _dossier_in_scope(request.user, code)
    document = get_object_or_404(DossierDocument, pk=pk, dossier=dossier)
    text = DocumentText.objects.filter(document=document).first()
    if text is None or not text.searchable_file or not document.available:
        raise Http404("Giấy tờ này chưa có bản PDF tìm kiếm được.")
    stem = os.path.splitext(document.original_name)[0] or f"{dossier.code}-{document.pk}"
    response = FileResponse(
        default_storage.open(text.searchable_file, "rb"),
        as_attachment=True,
        filename=f"{stem}-tim-kiem.pdf",
        content_type="application/pdf",
    )
    response["Cache-Control"] = "private, no-store"
    return response

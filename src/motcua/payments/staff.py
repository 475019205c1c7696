"""The back office's receipt book: receipts of the dossiers an officer may see, by year and series.

Mounted under ``can-bo/bien-lai/`` from the back office's URLs; scoped by ``dossiers.access`` like
every back-office page (an officer of one ward never sees another ward's receipts)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from motcua.dossiers import access
from motcua.organizations.scoping import assignments_of
from motcua.payments.models import Receipt


@never_cache
@require_GET
@login_required
def receipt_book(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not (user.is_superuser or assignments_of(user)):
        raise PermissionDenied("Bạn chưa được phân công vai trò tại đơn vị nào. Hãy liên hệ quản trị hệ thống.")
    try:
        year = int(request.GET.get("nam", "")) if request.GET.get("nam") else timezone.localdate().year
    except ValueError:
        year = timezone.localdate().year
    receipts = Receipt.objects.filter(year=year).select_related("issuer").order_by("issuer", "series", "number")
    if not user.is_superuser:
        receipts = receipts.filter(dossier__in=access.visible_dossiers(user).values("pk"))
    code = (request.GET.get("ho_so") or "").strip().upper()
    if code:
        receipts = receipts.filter(dossier_code=code)
    page = Paginator(receipts, 50).get_page(request.GET.get("trang"))
    return render(request, "payments/receipt_book.html", {"page": page, "year": year, "code": code})

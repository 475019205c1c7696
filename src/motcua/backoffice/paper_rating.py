"""Entering a paper rating form (Decree 61 Art. 30) from the dossier desk.

The officer copies what the applicant ticked on the paper form; ``dossiers.actions.rate`` records it
with channel "paper" and the officer as actor. Only an officer who may receive dossiers in the
receiving unit (``dossiers.receive_dossier``) may enter it, as the form is handed in at that counter.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from motcua.dossiers import actions
from motcua.dossiers.models import Dossier, DossierRating
from motcua.organizations.scoping import has_unit_perm
from motcua.portal.rating import RATABLE, RatingForm

PERMISSION = "dossiers.receive_dossier"
PREFIX = "paper"


def may_enter(user, dossier: Dossier) -> bool:
    return has_unit_perm(user, PERMISSION, dossier.receiving_unit)


def desk_context(user, dossier: Dossier) -> dict[str, Any]:
    """What the desk shows: the rating if there is one, else the form when the officer may enter it."""
    rating = DossierRating.objects.filter(dossier=dossier).first()
    show_form = rating is None and dossier.status in RATABLE and may_enter(user, dossier)
    return {"rating": rating, "paper_rating_form": RatingForm(prefix=PREFIX) if show_form else None}


@require_POST
def enter(request: HttpRequest, code: str) -> HttpResponse:
    from motcua.backoffice.views import _dossier_in_scope  # the desk's scope rule, one place

    dossier = _dossier_in_scope(request.user, code)
    if not may_enter(request.user, dossier):
        raise PermissionDenied("Chỉ cán bộ tiếp nhận của đơn vị nhận hồ sơ được nhập phiếu đánh giá.")
    form = RatingForm(request.POST, prefix=PREFIX)
    if not form.is_valid():
        problems = "; ".join(f"{form.fields[k].label}: {' '.join(v)}" for k, v in form.errors.items())
        messages.error(request, f"Phiếu đánh giá chưa nhập được — {problems}")
        return redirect("backoffice:desk", code=dossier.code)
    try:
        actions.rate(
            dossier,
            level=form.cleaned_data["level"],
            channel="paper",
            aspects=form.aspects(),
            comment=form.cleaned_data["comment"],
            actor=request.user,
        )
    except actions.ActionError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "Đã nhập phiếu đánh giá giấy.")
    return redirect("backoffice:desk", code=dossier.code)

"""Who may see a dossier and which actions an officer is offered on it now.

The back-office pages and the API both ask these questions; the answers are rules of the dossier domain
(the transition table plus unit-scoped permissions), so they live here once. An offered action is one
``actions.py`` will accept: legal from the current status and permitted in the unit the transition's
scope names (receiving unit, handling unit, or the unit of an active step).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, Q, QuerySet

from motcua.dossiers import workflow
from motcua.dossiers.codes import normalize_code
from motcua.dossiers.models import Dossier, DossierDocument, DossierStep, Status, StepState
from motcua.organizations.models import Unit
from motcua.organizations.scoping import has_unit_perm, units_visible_to

VIEW_DOSSIER = "dossiers.view_dossier"


def visible_dossiers(user) -> QuerySet[Dossier]:
    """Dossiers whose receiving or handling unit, or the unit of one of their steps, the officer may view.

    Step units count so that an agency asked for its part of an inter-agency dossier can see and act on it.
    """
    units = units_visible_to(user, VIEW_DOSSIER).values("pk")
    in_step = DossierStep.objects.filter(dossier=OuterRef("pk"), unit_id__in=units)
    return Dossier.objects.filter(Q(receiving_unit_id__in=units) | Q(handling_unit_id__in=units) | Exists(in_step))


# --- the applicant's side: who may follow a dossier without being an officer ---------------------------


def secret_matches(dossier: Dossier, given: str) -> bool:
    """The lookup secret printed on the receipt (form 01), spaces and case ignored, compared in constant time."""
    given = normalize_code(given)[:32]
    return bool(given) and secrets.compare_digest(given.encode(), dossier.lookup_secret.upper().encode())


def store_documents(*, applicant_id: int | None = None, account_id: int | None = None) -> QuerySet[DossierDocument]:
    """The applicant's store (kho dữ liệu điện tử): the electronic copies of components and results of their
    earlier dossiers that may be shown again and reused.

    By ``account_id``: dossiers of that portal account (submitted online, or added with the receipt's lookup
    secret); by ``applicant_id``: every dossier of that applicant, for an officer who has checked the identity
    papers at the counter. Only dossiers actually received (a refused intake kept nothing), only files still
    there (not purged), inputs while the dossier is in the system and results once issued; newest first."""
    if (applicant_id is None) == (account_id is None):
        raise ValueError("store_documents: give exactly one of applicant_id, account_id")
    owner = Q(dossier__account_id=account_id) if account_id is not None else Q(dossier__applicant_id=applicant_id)
    issued = Q(result=False) | Q(dossier__status__in=(Status.DONE, Status.RETURNED))
    return (
        DossierDocument.objects.filter(owner, issued, purged_at=None)
        .exclude(sha256="")
        .exclude(file="")
        .exclude(dossier__received_at=None)
        .select_related("dossier__procedure")
        .order_by("-added_at", "-pk")
    )


def is_owner(user, dossier: Dossier) -> bool:
    """The portal account that submitted the dossier online."""
    return bool(getattr(user, "is_authenticated", False)) and dossier.account_id == user.pk


def followed_dossier(user, code: str, secret: str, queryset: QuerySet[Dossier] | None = None):
    """The dossier ``code`` if ``user`` submitted it or ``secret`` is its lookup secret, with the secret to carry
    on in links ("" for the owner); None otherwise — callers answer 404 and say nothing about the dossier."""
    dossier = (queryset if queryset is not None else Dossier.objects).filter(code=normalize_code(code)).first()
    if dossier is None:
        return None
    if is_owner(user, dossier):
        return dossier, ""
    if secret_matches(dossier, secret):
        return dossier, normalize_code(secret)[:32]
    return None


def can_view(user, dossier: Dossier) -> bool:
    if has_unit_perm(user, VIEW_DOSSIER, dossier.receiving_unit) or has_unit_perm(
        user, VIEW_DOSSIER, dossier.handling_unit
    ):
        return True
    return any(
        has_unit_perm(user, VIEW_DOSSIER, step.unit)
        for step in dossier.steps.exclude(unit=None).select_related("unit")
        if step.unit_id not in (dossier.receiving_unit_id, dossier.handling_unit_id)
    )


@dataclass
class Offer:
    """An action this officer may take on this dossier now, with the active steps it may apply to."""

    transition: workflow.Transition
    steps: list[DossierStep] = field(default_factory=list)

    @property
    def action(self) -> str:
        return self.transition.action

    @property
    def label(self) -> str:
        return self.transition.label


def step_unit(dossier: Dossier, step: DossierStep) -> Unit:
    """The unit whose officers act for a step: its own unit, or the lead agency for an outside agency's step."""
    return step.unit if step.unit_id else dossier.handling_unit


# Actions the status allows but that make no sense for this dossier now (not offered; actions.py refuses them).
_PRECONDITIONS = {
    "collect_fee": lambda d: d.outstanding > 0,
    # Decree 61: a supplement is asked for once, and the return date is rescheduled once.
    "request_supplement": lambda d: d.supplement_count < 1,
    "apologize": lambda d: d.apology_count < 1,
}


def offers(user, dossier: Dossier) -> list[Offer]:
    """The transitions allowed from the current status for which ``user`` holds the permission in scope."""
    result = []
    active_steps: list[DossierStep] | None = None
    for transition in workflow.allowed_actions(dossier.status):
        if transition.permission is None:
            continue
        precondition = _PRECONDITIONS.get(transition.action)
        if precondition is not None and not precondition(dossier):
            continue
        if transition.scope == "step":
            if active_steps is None:
                active_steps = list(dossier.steps.filter(state=StepState.ACTIVE).select_related("unit"))
            mine = [s for s in active_steps if has_unit_perm(user, transition.permission, step_unit(dossier, s))]
            if mine:
                result.append(Offer(transition, mine))
            continue
        unit = dossier.receiving_unit if transition.scope == "receiving" else dossier.handling_unit
        if has_unit_perm(user, transition.permission, unit):
            result.append(Offer(transition))
    return result

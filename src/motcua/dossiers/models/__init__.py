from motcua.dossiers.models.applicant import Applicant, ApplicantKind
from motcua.dossiers.models.dossier import (
    DocumentOrigin,
    Dossier,
    DossierDocument,
    DossierSequence,
    DossierStep,
    StepState,
)
from motcua.dossiers.models.event import DossierEvent
from motcua.dossiers.models.rating import ASPECTS, DossierRating, RatingChannel, RatingLevel
from motcua.dossiers.models.status import (
    FINAL_STATUSES,
    OPEN_STATUSES,
    DossierChannel,
    ResultDelivery,
    ResultKind,
    Status,
)

__all__ = [
    "ASPECTS",
    "DossierRating",
    "RatingChannel",
    "RatingLevel",
    "FINAL_STATUSES",
    "OPEN_STATUSES",
    "Applicant",
    "ApplicantKind",
    "DocumentOrigin",
    "Dossier",
    "DossierChannel",
    "DossierDocument",
    "DossierEvent",
    "DossierSequence",
    "DossierStep",
    "ResultDelivery",
    "ResultKind",
    "Status",
    "StepState",
]

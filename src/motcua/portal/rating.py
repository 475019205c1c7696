"""Rating a dossier's handling on the portal (Decree 61/2018 Art. 28–32), after the result.

Who may rate: the account that submitted the dossier, or whoever holds its lookup secret (the same rule
as tracking and online payment); anyone else gets a 404, as for a dossier that does not exist. The
write is ``dossiers.actions.rate`` (once per dossier, status 9 or 10 only); this module only asks.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from motcua.dossiers import actions, workflow
from motcua.dossiers.access import followed_dossier, is_owner
from motcua.dossiers.models import ASPECTS, Dossier, DossierRating, RatingLevel

RATABLE = workflow.TRANSITIONS["rate"].sources  # the transition table decides when a dossier may be rated
LEVEL_CHOICES = [(str(value), label) for value, label in RatingLevel.choices]  # 5 (best) first
SKIP = ("", "Không đánh giá")


def can_rate(dossier: Dossier) -> bool:
    return dossier.status in RATABLE and not DossierRating.objects.filter(dossier=dossier).exists()


def existing_rating(dossier: Dossier) -> DossierRating | None:
    return DossierRating.objects.filter(dossier=dossier).first()


class RatingForm(forms.Form):
    """The overall level (required) and each Decree 61 Art. 30 aspect (optional) on the same scale."""

    level = forms.TypedChoiceField(
        label="Mức độ hài lòng chung của bạn",
        choices=LEVEL_CHOICES,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": "Chọn một mức độ hài lòng.", "invalid_choice": "Chọn một mức độ hài lòng."},
    )
    comment = forms.CharField(
        label="Ý kiến khác (không bắt buộc)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Tối đa 2.000 ký tự. Ý kiến chỉ cơ quan giải quyết đọc, không công khai.",
        error_messages={"max_length": "Ý kiến tối đa 2.000 ký tự."},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for key, label in ASPECTS.items():
            self.fields[f"aspect_{key}"] = forms.TypedChoiceField(
                label=label,
                choices=[*LEVEL_CHOICES, SKIP],
                coerce=int,
                empty_value=None,
                required=False,
                initial="",
                widget=forms.RadioSelect,
                error_messages={"invalid_choice": "Chọn một mức trong thang đánh giá."},
            )

    def aspect_fields(self) -> list[forms.BoundField]:
        return [self[f"aspect_{key}"] for key in ASPECTS]

    def aspects(self) -> dict[str, int]:
        return {
            key: self.cleaned_data[f"aspect_{key}"]
            for key in ASPECTS
            if self.cleaned_data.get(f"aspect_{key}") is not None
        }

    def place_errors(self, exc: actions.ActionError) -> None:
        """The write path's field errors, tied to this form's fields where they belong."""
        placed = False
        for key, texts in exc.errors.items():
            target = key if key in ("level", "comment") else None
            for text in texts:
                self.add_error(target, text)
            placed = True
        if not placed:
            self.add_error(None, exc.message)


def _dossier_for_rater(request: HttpRequest, code: str) -> tuple[Dossier, str]:
    """The dossier, and the secret to carry on (empty for the signed-in owner)."""
    secret = request.POST.get("secret") or request.GET.get("secret") or ""
    found = followed_dossier(request.user, code, secret, Dossier.objects.select_related("procedure"))
    if found is None:
        raise Http404("Không tìm thấy hồ sơ, hoặc mã tra cứu không đúng.")
    return found


def rate_url(dossier: Dossier, secret: str = "") -> str:
    url = reverse("citizen:rate", kwargs={"code": dossier.code})
    return f"{url}?secret={secret}" if secret else url


@never_cache
@require_http_methods(["GET", "POST"])
def rate(request: HttpRequest, code: str) -> HttpResponse:
    dossier, secret = _dossier_for_rater(request, code)
    track_url = reverse("citizen:track") + f"?ma={dossier.code}" + (f"&secret={secret}" if secret else "")
    context: dict[str, Any] = {"dossier": dossier, "secret": secret, "track_url": track_url}
    rating = existing_rating(dossier)
    if rating is not None:
        return render(request, "portal/rate.html", {**context, "rating": rating})
    if dossier.status not in RATABLE:
        context["not_ready"] = True
        return render(request, "portal/rate.html", context, status=409 if request.method == "POST" else 200)
    form = RatingForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            owner = is_owner(request.user, dossier)
            try:
                actions.rate(
                    dossier,
                    level=form.cleaned_data["level"],
                    channel="portal",
                    aspects=form.aspects(),
                    comment=form.cleaned_data["comment"],
                    account=request.user if owner else None,
                )
            except actions.Conflict:
                return redirect(rate_url(dossier, secret))
            except actions.InvalidAction as exc:
                form.place_errors(exc)
            else:
                return redirect(rate_url(dossier, secret))
    _describe(form)
    return render(request, "portal/rate.html", {**context, "form": form}, status=status)


def _describe(form: RatingForm) -> None:
    """Ties hints and errors to the inputs (``aria-describedby``) for screen readers."""
    errors = getattr(form, "_errors", None) or {}
    for name, field in form.fields.items():
        bound = form[name]
        ids = [f"{bound.auto_id}_helptext"] if field.help_text else []
        if name in errors:
            ids.append(f"{bound.auto_id}_error")
            field.widget.attrs["aria-invalid"] = "true"
        if ids:
            field.widget.attrs["aria-describedby"] = " ".join(ids)

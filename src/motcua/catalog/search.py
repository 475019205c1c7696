"""The one search over the public catalogue, shared by the citizen pages and the public API.

A citizen types "dang ky khai sinh" (no diacritics, as on most phones) and expects "Thủ tục đăng ký
khai sinh" first, not the fourteen longer procedures that also contain those words. So:

* matching is diacritics-insensitive: the query is folded with :func:`motcua.core.text.fold` and every
  folded token must occur in ``Procedure.search_text`` (folded "code name field", kept up to date on save);
* ranking happens in the database (a ``CASE`` over ``code`` and ``name_folded``), so a page of 20 results
  costs one ``COUNT`` and one ``LIMIT 20`` query whatever the catalogue size, on SQLite and PostgreSQL alike;
* only procedures with a published version in force today are listed — exactly what
  :meth:`Procedure.current_version` would return — so the catalogue never shows a procedure a counter
  could not receive.

Invalid filter values raise :class:`InvalidSearch` with one Vietnamese message per parameter; the pages
show them next to the field and the API answers 400 with them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from django.db.models import Case, Exists, IntegerField, OuterRef, Q, QuerySet, Value, When
from django.db.models.functions import Length
from django.utils import timezone

from motcua.catalog.models import Field, OnlineLevel, Procedure, ProcedureVersion, VersionStatus
from motcua.core.text import clean_text, fold

# Levels and online filters a citizen can choose. "district" is kept in the model for history only.
LEVEL_CHOICES: dict[str, str] = {
    "ministry": "Cấp bộ",
    "province": "Cấp tỉnh",
    "commune": "Cấp xã",
}
ONLINE_CHOICES: dict[str, str] = {
    "any": "Có nộp trực tuyến (toàn trình hoặc một phần)",
    OnlineLevel.FULL.value: "Trực tuyến toàn trình",
    OnlineLevel.PARTIAL.value: "Trực tuyến một phần",
    OnlineLevel.NONE.value: "Không cung cấp trực tuyến",
}
ONLINE_LEVELS_FOR_FILTER: dict[str, tuple[str, ...]] = {
    "any": (OnlineLevel.FULL.value, OnlineLevel.PARTIAL.value),
    OnlineLevel.FULL.value: (OnlineLevel.FULL.value,),
    OnlineLevel.PARTIAL.value: (OnlineLevel.PARTIAL.value,),
    OnlineLevel.NONE.value: (OnlineLevel.NONE.value,),
}
# Levels at which a citizen may start a dossier online from the procedure page.
ONLINE_SUBMISSION_LEVELS = frozenset({OnlineLevel.FULL.value, OnlineLevel.PARTIAL.value})

# Most names in the national database start with "Thủ tục …"; citizens never type it.
NAME_PREFIX = "thu tuc "
MAX_QUERY_LENGTH = 200

# Ranks (lower is better), in the order the catalogue promises.
RANK_CODE = 0
RANK_NAME_EQUALS = 1
RANK_NAME_STARTS = 2
RANK_NAME_CONTAINS_PHRASE = 3
RANK_OTHER = 4


class InvalidSearch(ValueError):
    """One or more filter values are not acceptable; ``errors`` maps parameter → Vietnamese message."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(f"{key}: {message}" for key, message in errors.items()))
        self.errors = errors


@dataclass(frozen=True)
class SearchFilters:
    """Validated search parameters, as the pages and the API read them from a query string."""

    q: str = ""
    field: str | None = None
    level: str | None = None
    agency: str | None = None
    online: str | None = None

    @classmethod
    def from_query(cls, data: Mapping[str, str]) -> SearchFilters:
        """Read ``q``, ``field``, ``level``, ``agency`` and ``online``; blank values mean "no filter".

        Raises :class:`InvalidSearch` listing every bad parameter at once (the field is checked against
        the database, the others against their fixed choices).
        """
        values = {key: clean_text(str(data.get(key) or "")) for key in ("q", "field", "level", "agency", "online")}
        errors = validate_filters(**{k: v or None for k, v in values.items() if k != "q"})
        if len(values["q"]) > MAX_QUERY_LENGTH:
            errors["q"] = f"Từ khóa tìm kiếm quá dài (tối đa {MAX_QUERY_LENGTH} ký tự)."
        if errors:
            raise InvalidSearch(errors)
        return cls(
            q=values["q"],
            field=values["field"] or None,
            level=values["level"] or None,
            agency=values["agency"] or None,
            online=values["online"] or None,
        )

    def search(self) -> QuerySet[Procedure]:
        return search_procedures(self.q, field=self.field, level=self.level, agency=self.agency, online=self.online)

    @property
    def folded_query(self) -> str:
        return fold(self.q)

    @property
    def is_filtered(self) -> bool:
        return any((self.field, self.level, self.agency, self.online))


def validate_filters(
    *,
    field: str | int | Field | None = None,
    level: str | None = None,
    agency: str | None = None,
    online: str | None = None,
) -> dict[str, str]:
    """Vietnamese message per invalid filter value (empty when all are fine)."""
    return _check_filters(field=field, level=level, agency=agency, online=online)[0]


def _check_filters(
    *, field: str | int | Field | None, level: str | None, agency: str | None, online: str | None
) -> tuple[dict[str, str], Field | None]:
    """The errors, and the field resolved on the way (so searching does not look it up twice)."""
    errors: dict[str, str] = {}
    resolved = None
    if level and level not in LEVEL_CHOICES:
        errors["level"] = f"Cấp thực hiện “{level}” không hợp lệ. Dùng một trong: {', '.join(LEVEL_CHOICES)}."
    if online and online not in ONLINE_CHOICES:
        errors["online"] = f"Mức độ trực tuyến “{online}” không hợp lệ. Dùng một trong: {', '.join(ONLINE_CHOICES)}."
    if field not in (None, ""):
        resolved = resolve_field(field)
        if resolved is None:
            errors["field"] = f"Không có lĩnh vực với mã hoặc số hiệu “{field}”."
    if agency is not None and len(str(agency)) > MAX_QUERY_LENGTH:
        errors["agency"] = f"Tên cơ quan quá dài (tối đa {MAX_QUERY_LENGTH} ký tự)."
    return errors, resolved


def resolve_field(value: str | int | Field) -> Field | None:
    """A field by instance, code (preferred: codes are stable across databases) or numeric id."""
    if isinstance(value, Field):
        return value
    text = str(value).strip()
    found = Field.objects.filter(code=text).first()
    if found is None and text.isdigit():
        found = Field.objects.filter(pk=int(text)).first()
    return found


def versions_in_force(day: date | None = None) -> QuerySet[ProcedureVersion]:
    """Published versions valid on ``day`` — the same rule as :meth:`Procedure.current_version`."""
    day = day or timezone.localdate()
    return ProcedureVersion.objects.filter(status=VersionStatus.PUBLISHED, valid_from__lte=day).filter(
        Q(valid_to__isnull=True) | Q(valid_to__gte=day)
    )


def search_procedures(
    q: str = "",
    *,
    field: str | int | Field | None = None,
    level: str | None = None,
    agency: str | None = None,
    online: str | None = None,
    day: date | None = None,
) -> QuerySet[Procedure]:
    """Procedures in force on ``day`` (today) matching ``q`` and the filters, best match first.

    ``q`` is folded and split into tokens; each must occur in ``search_text``. Ranking, all in SQL:

    0. the code equals the query ("1.001193");
    1. the folded name, without a leading "thu tuc ", equals the folded query (also without it);
    2. the name (with or without "thu tuc ") starts with the query;
    3. the name contains the query as a phrase;
    4. the rest (all tokens occur somewhere in code, name or field).

    Ties go to the shorter name (the general procedure before its special cases), then the code.
    The result is annotated with ``rank``; with an empty query it is ordered by name.
    Raises :class:`InvalidSearch` for a filter value that is not acceptable.
    """
    errors, resolved_field = _check_filters(field=field, level=level, agency=agency, online=online)
    if errors:
        raise InvalidSearch(errors)
    day = day or timezone.localdate()
    in_force = versions_in_force(day).filter(procedure=OuterRef("pk"))
    if online:
        # ``publish`` retires the previous version, so a procedure has at most one published version in
        # force: filtering the versions in force by online level is filtering by the current one's level,
        # in one semi-join (a correlated "newest version" subquery misleads PostgreSQL's row estimates).
        in_force = in_force.filter(online_level__in=ONLINE_LEVELS_FOR_FILTER[online])
    procedures = Procedure.objects.filter(Exists(in_force)).select_related("field")

    if resolved_field is not None:
        procedures = procedures.filter(field=resolved_field)
    if level:
        # levels is a JSON list such as ["commune"]; its text holds the quoted value on both backends.
        procedures = procedures.filter(levels__icontains=f'"{level}"')
    if agency:
        folded_agency = fold(agency)
        if folded_agency:
            procedures = procedures.filter(agencies_folded__contains=folded_agency)

    folded = fold(q)
    tokens = folded.split()
    if not tokens:
        return procedures.annotate(rank=Value(RANK_OTHER, output_field=IntegerField())).order_by("name_folded", "code")
    for token in dict.fromkeys(tokens):  # each distinct token once
        procedures = procedures.filter(search_text__contains=token)
    phrase = " ".join(tokens)
    core = phrase.removeprefix(NAME_PREFIX)  # "thu tuc dang ky khai sinh" ranks like "dang ky khai sinh"
    code = clean_text(q)
    rank = Case(
        When(Q(code=code) | Q(code=code.upper()), then=Value(RANK_CODE)),
        When(Q(name_folded=core) | Q(name_folded=NAME_PREFIX + core), then=Value(RANK_NAME_EQUALS)),
        When(
            Q(name_folded__startswith=core) | Q(name_folded__startswith=NAME_PREFIX + core),
            then=Value(RANK_NAME_STARTS),
        ),
        When(name_folded__contains=core, then=Value(RANK_NAME_CONTAINS_PHRASE)),
        default=Value(RANK_OTHER),
        output_field=IntegerField(),
    )
    return procedures.annotate(rank=rank, name_length=Length("name")).order_by("rank", "name_length", "code")


def attach_current_versions(procedures: Iterable[Procedure], day: date | None = None) -> list[Procedure]:
    """Set ``procedure.current`` (the version in force, or None) on a page of results in one query.

    The list pages show the time limit and online level of each result; asking each procedure for its
    ``current_version()`` would cost a query per row.
    """
    items = list(procedures)
    best: dict[int, ProcedureVersion] = {}
    versions = (
        versions_in_force(day)
        .filter(procedure_id__in=[p.pk for p in items])
        .only("pk", "procedure_id", "number", "valid_from", "time_limit_value", "time_limit_unit", "online_level")
        .order_by("procedure_id", "-valid_from", "-number")
    )
    for version in versions:
        best.setdefault(version.procedure_id, version)
    for procedure in items:
        procedure.current = best.get(procedure.pk)
    return items

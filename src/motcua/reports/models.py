"""Fact tables: daily counters per (day, receiving unit, handling unit, procedure, channel).

Every figure of the statistics and of the Decision 766 scorecard is a sum of these counters over a set of days
and units (docs/reports.md gives each formula). They are kept up to date from dossier events on commit
(``reports/facts.py``): each dossier's *contribution* — which counters of which day it adds to — is computed
from the dossier and its events, remembered (``FactMemo``), and only the difference with what it contributed
before is applied. ``motcua report rebuild`` recomputes every contribution from scratch and must give the same
table. Counters never read files, so they survive the purge of old documents.
"""

from __future__ import annotations

from django.db import models

# The counters, in the order the docs and exports list them. Each is the number of dossiers for which the
# thing happened on that day (processing_days: the sum of their working days).
COUNTERS = (
    # receipt (day of receipt)
    "received",
    "full_online",
    "fee_bearing",
    "paid_online",
    "input_digitised",
    "reused",
    "from_store",
    # refused at intake (day of refusal; never received)
    "not_received",
    # result issued (day the result was signed: 9)
    "resolved_early",
    "resolved_on_time",
    "resolved_late",
    "refused",
    "late_apologised",
    "e_result",
    "fully_digitised",
    "processing_days",
    # other endings and steps (their day)
    "withdrawn",
    "stopped",
    "returned",
    "supplement_requested",
    "apologised",
    # overdue bookkeeping: +1 on the day the due moment passes (while not closed), +1 "overdue_closed" on the day
    # an overdue dossier closes; their running difference is the overdue backlog at the end of any day
    "became_overdue",
    "overdue_closed",
    # the applicant's rating (day of rating)
    "rating_1",
    "rating_2",
    "rating_3",
    "rating_4",
    "rating_5",
)


class FactCounters(models.Model):
    """The key and the counters shared by the daily table and its monthly roll-up."""

    day = models.DateField("ngày")  # the monthly roll-up keeps the first day of the month here
    receiving_unit = models.ForeignKey(
        "organizations.Unit", on_delete=models.PROTECT, related_name="+", verbose_name="nơi tiếp nhận"
    )
    handling_unit = models.ForeignKey(
        "organizations.Unit", on_delete=models.PROTECT, related_name="+", verbose_name="cơ quan giải quyết"
    )
    procedure = models.ForeignKey("catalog.Procedure", on_delete=models.PROTECT, related_name="+")
    channel = models.CharField("kênh", max_length=10)

    received = models.IntegerField(default=0)
    full_online = models.IntegerField(default=0)
    fee_bearing = models.IntegerField(default=0)
    paid_online = models.IntegerField(default=0)
    input_digitised = models.IntegerField(default=0)
    reused = models.IntegerField(default=0)
    from_store = models.IntegerField(default=0)
    not_received = models.IntegerField(default=0)
    resolved_early = models.IntegerField(default=0)
    resolved_on_time = models.IntegerField(default=0)
    resolved_late = models.IntegerField(default=0)
    refused = models.IntegerField(default=0)
    late_apologised = models.IntegerField(default=0)
    e_result = models.IntegerField(default=0)
    fully_digitised = models.IntegerField(default=0)
    processing_days = models.BigIntegerField(default=0)
    withdrawn = models.IntegerField(default=0)
    stopped = models.IntegerField(default=0)
    returned = models.IntegerField(default=0)
    supplement_requested = models.IntegerField(default=0)
    apologised = models.IntegerField(default=0)
    became_overdue = models.IntegerField(default=0)
    overdue_closed = models.IntegerField(default=0)
    rating_1 = models.IntegerField(default=0)
    rating_2 = models.IntegerField(default=0)
    rating_3 = models.IntegerField(default=0)
    rating_4 = models.IntegerField(default=0)
    rating_5 = models.IntegerField(default=0)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.day} {self.handling_unit_id}/{self.procedure_id}/{self.channel}"


def _key_and_indexes(key: str, prefix: str) -> tuple[list, list]:
    """One row per key (the upsert's conflict target); the readers filter by period, then by unit."""
    return (
        [models.UniqueConstraint(fields=["day", "receiving_unit", "handling_unit", "procedure", "channel"], name=key)],
        [
            models.Index(fields=["day", "handling_unit"], name=f"{prefix}_day_handling_idx"),
            models.Index(fields=["day", "receiving_unit"], name=f"{prefix}_day_receiving_idx"),
        ],
    )


class DailyFact(FactCounters):
    """The counters of one local day."""

    class Meta:
        verbose_name = "số liệu ngày"
        verbose_name_plural = "số liệu ngày"
        constraints, indexes = _key_and_indexes("daily_fact_key", "fact")


class MonthlyFact(FactCounters):
    """The same counters summed over a calendar month (``day`` is its first day), kept by the same statements as
    the daily rows. Why: a report over whole months — a year's scorecard, the monthly statistics — reads 10 to 20
    times fewer rows here than in the daily table (``reports/periods.py`` reads the whole months here and only
    the days of partial months there)."""

    class Meta:
        verbose_name = "số liệu tháng"
        verbose_name_plural = "số liệu tháng"
        constraints, indexes = _key_and_indexes("monthly_fact_key", "mfact")


class FactMemo(models.Model):
    """What one dossier currently adds to the fact table: {"YYYY-MM-DD|ru|hu|proc|channel": {counter: n}}."""

    dossier = models.OneToOneField("dossiers.Dossier", on_delete=models.CASCADE, related_name="+", primary_key=True)
    contribution = models.JSONField(default=dict)

    class Meta:
        verbose_name = "đóng góp số liệu của hồ sơ"
        verbose_name_plural = "đóng góp số liệu của hồ sơ"

    def __str__(self) -> str:
        return f"{self.dossier_id}: {len(self.contribution)} ngày"


from motcua.reports.rules_models import VolumeRule  # noqa: E402, F401 (minimum-volume rules: reports/rules.py)

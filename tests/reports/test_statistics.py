"""Statistics: every number equals the count of the dossiers behind it, for every grouping, on simulated data."""

from __future__ import annotations

from datetime import date

import pytest

from motcua.dossiers.simulate import SimConfig, simulate
from motcua.organizations.models import Unit
from motcua.reports import statistics
from motcua.reports.statistics import MEASURES, compute, dossiers_behind

COUNTED = [m for m in MEASURES if m != "processing_days"]  # a sum of days, not a number of dossiers


@pytest.fixture
def simulated(db):
    report = simulate(SimConfig(dossiers=200, seed=21, start=date(2025, 6, 1), days=75, late_rate=0.08))
    assert report.dossiers > 100
    return Unit.objects.filter(parent=None).get()


def _check(stats, province, start, end, group_by):
    for fig in [*stats.rows, stats.total]:
        key = fig.key if fig is not stats.total else ""
        for measure in COUNTED:
            expected = fig.value(measure)
            behind = dossiers_behind(province, start, end, measure, group_by=group_by if key else None, key=key)
            assert behind.count() == expected, (group_by, fig.label, measure)


def test_every_number_is_the_count_of_the_dossiers_behind_it(simulated):
    province = simulated
    # mid-month: some dossiers carried in, some open at the end; the second period holds a whole month (July,
    # read from the monthly roll-up) between days of June and August (read from the daily table)
    for start, end in ((date(2025, 7, 15), date(2025, 8, 12)), (date(2025, 6, 10), date(2025, 8, 12))):
        for group_by in (None, "unit", "field", "procedure", "channel", "month"):
            stats = compute(province, start, end, group_by=group_by)
            assert stats.total.received > 50 and stats.total.resolved > 20
            assert stats.total.carried_over > 0 or start.month == 6
            _check(stats, province, start, end, group_by)


def test_rows_add_up_to_the_total_and_the_backlog_flows_month_to_month(simulated):
    province = simulated
    start, end = date(2025, 6, 1), date(2025, 8, 31)
    by_month = compute(province, start, end, group_by="month")
    whole = compute(province, start, end)
    assert [f.key for f in by_month.rows] == ["2025-06", "2025-07", "2025-08"]
    for earlier, later in zip(by_month.rows, by_month.rows[1:], strict=False):
        assert later.carried_over == earlier.in_progress
    assert by_month.total.received == whole.total.received and by_month.total.resolved == whole.total.resolved
    assert by_month.total.in_progress == whole.total.in_progress
    assert (
        whole.total.in_progress
        == whole.total.total - whole.total.resolved - whole.total.withdrawn - whole.total.stopped
    )
    by_unit = compute(province, start, end, group_by="unit")
    assert sum(f.received for f in by_unit.rows) == whole.total.received
    assert sum(f.in_progress_overdue for f in by_unit.rows) == whole.total.in_progress_overdue


def test_rates_follow_their_formulas(simulated):
    total = compute(simulated, date(2025, 6, 1), date(2025, 8, 31)).total
    assert total.on_time_rate == round(100 * (total.early + total.on_time) / total.resolved, 2)
    assert total.late_rate == round(100 * total.late / total.resolved, 2)
    assert total.online_rate == round(100 * total.online / total.received, 2)
    assert total.in_progress_in_time + total.in_progress_overdue == total.in_progress
    assert total.late_apologised + total.late_unapologised == total.late


def test_an_empty_period_has_no_rates():
    fig = statistics.Figures()
    assert fig.on_time_rate is None and fig.average_processing_days is None and fig.satisfaction_rate is None


def test_the_scorecard_and_the_volume_rules_read_the_same_sums_from_months_and_days(simulated):
    """A period of a whole month between two part-months: the sums read through ``periods`` (monthly rows for
    July, daily rows for the days of June and August) equal the sums of the daily rows alone."""
    from django.db.models import Sum

    from motcua.reports.models import COUNTERS, DailyFact
    from motcua.reports.rules import counts
    from motcua.reports.rules_models import VolumeRule
    from motcua.reports.scorecard import fact_sums

    province = simulated
    start, end = date(2025, 6, 10), date(2025, 8, 12)
    daily = DailyFact.objects.filter(day__gte=start, day__lte=end).aggregate(**{n: Sum(n) for n in COUNTERS})
    assert daily["received"] > 50
    assert dict(fact_sums(province, start, end, COUNTERS)) == {n: v or 0 for n, v in daily.items()}
    communes = list(Unit.objects.filter(kind="commune_committee"))
    rule = VolumeRule(unit=province, perspective="handling", minimum=1)
    per_unit = counts(rule, start, end, communes)
    for commune in communes:
        expected = DailyFact.objects.filter(
            day__gte=start, day__lte=end, handling_unit__path__startswith=commune.path
        ).aggregate(n=Sum("received"))["n"]
        assert per_unit.get(commune.pk, 0) == (expected or 0)

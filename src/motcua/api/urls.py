from django.urls import include, path
from rest_framework.routers import DefaultRouter

from motcua.api import reports
from motcua.api.views import UnitViewSet

router = DefaultRouter()
router.register("units", UnitViewSet, basename="unit")

# The public catalogue (no login) lives apart from the staff router: api/v1/public/...
# Dossiers (staff, token login and public tracking at public/dossiers/...) come first.
urlpatterns = [
    path("", include("motcua.api.dossiers.urls")),
    path("public/", include("motcua.api.public.urls")),
    path("reports/statistics/", reports.StatisticsView.as_view(), name="report-statistics"),
    path("reports/scorecard/", reports.ScorecardView.as_view(), name="report-scorecard"),
    path("reports/alerts/", reports.AlertsView.as_view(), name="report-alerts"),
    *router.urls,
]

"""Back-office report pages, mounted at ``can-bo/bao-cao/`` (namespace ``backoffice:reports``)."""

from django.urls import path

from motcua.reports import views

app_name = "reports"
urlpatterns = [
    path("", views.statistics_view, name="statistics"),
    path("ho-so/", views.dossiers_view, name="dossiers"),
    path("bang-diem/", views.scorecard_view, name="scorecard"),
    path("thong-tu-01/", views.circular01_view, name="circular01"),
    path("canh-bao/", views.alerts_view, name="alerts"),
]

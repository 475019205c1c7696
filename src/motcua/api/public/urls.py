"""Public API routes, mounted at ``api/v1/public/`` apart from the staff router."""

from django.urls import path

from motcua.api.public import views

app_name = "public-api"
urlpatterns = [
    path("procedures/", views.ProcedureListView.as_view(), name="procedure-list"),
    path("procedures/<str:code>/", views.ProcedureDetailView.as_view(), name="procedure-detail"),
]

"""Public catalogue pages, mounted at ``thu-tuc/`` (inside the language prefix)."""

from django.urls import path

from motcua.portal import views

app_name = "portal"
urlpatterns = [
    path("", views.catalogue, name="catalogue"),
    path("<str:code>/", views.procedure_detail, name="procedure-detail"),
]

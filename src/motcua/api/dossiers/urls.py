"""Routes of the dossier API, mounted at ``api/v1/`` (see ``motcua.api.urls``).

Each action gets its own path (and so its own request schema in OpenAPI); any other name under
``actions/`` answers a 404 problem that lists the actions.
"""

from django.urls import path

from motcua.api.dossiers import digitise, views

urlpatterns = [
    path("auth/token/", views.TokenView.as_view(), name="api-token"),
    path("dossiers/", views.DossierListCreateView.as_view(), name="dossier-list"),
    path("dossiers/<str:code>/", views.DossierDetailView.as_view(), name="dossier-detail"),
    path("dossiers/<str:code>/events/", views.DossierEventsView.as_view(), name="dossier-events"),
    path(
        "dossiers/<str:code>/documents/<int:document_id>/digitise/",
        digitise.DigitiseView.as_view(),
        name="dossier-document-digitise",
    ),
    path("dossiers/<str:code>/documents/digitise/", digitise.NewComponentView.as_view(), name="dossier-add-digitised"),
    *[
        path(f"dossiers/<str:code>/actions/{name}/", view.as_view(), name=f"dossier-action-{name}")
        for name, view in views.ACTION_VIEWS.items()
    ],
    path("dossiers/<str:code>/actions/<str:action>/", views.UnknownActionView.as_view(), name="dossier-action-unknown"),
    path("dossiers/<str:code>/forms/<str:form>.pdf", views.DossierFormView.as_view(), name="dossier-form"),
    path("units/<str:agency_code>/register.pdf", views.RegisterPDFView.as_view(), name="unit-register-pdf"),
    path("units/<str:agency_code>/register.xlsx", views.RegisterXLSXView.as_view(), name="unit-register-xlsx"),
    path("public/dossiers/<str:code>/", views.PublicDossierView.as_view(), name="public-dossier"),
]

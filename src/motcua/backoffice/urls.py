"""Back-office pages, mounted at ``can-bo/`` (inside the language prefix, before ``core``'s staff home)."""

from django.urls import include, path, re_path

from motcua.backoffice import document_search, paper_rating, scanning, views

app_name = "backoffice"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("hang-doi/<slug:key>/", views.queue_view, name="queue"),
    path("tiep-nhan/", views.intake_pick, name="intake"),
    path("tiep-nhan/<str:code>/", views.intake_form, name="intake-form"),
    path("ho-so/", views.find, name="find"),
    path("ho-so/<str:code>/", views.desk_view, name="desk"),
    path("ho-so/<str:code>/thao-tac/<slug:action>/", views.action_view, name="action"),
    path("ho-so/<str:code>/danh-gia-giay/", paper_rating.enter, name="paper-rating"),
    path("ho-so/<str:code>/giay-to/<int:pk>/", views.document_download, name="document"),
    path("ho-so/<str:code>/giay-to/<int:pk>/ocr/", document_search.searchable_download, name="document-searchable"),
    path("ho-so/<str:code>/so-hoa/", scanning.digitise_view, name="digitise"),
    re_path(r"^ho-so/(?P<code>[^/]+)/mau/(?P<number>0[1-5])\.pdf$", views.form_pdf, name="form-pdf"),
    path("so-theo-doi/", views.register, name="register"),
    path("tim-trong-giay-to/", document_search.search, name="document-search"),
    path("so-hoa/", scanning.batch_view, name="scan-batch"),
    path("so-hoa/tai-len/", scanning.batch_upload, name="scan-upload"),
    path("bien-lai/", include("motcua.payments.staff_urls")),
    path("phan-anh/", include("motcua.feedback.staff_urls")),
    path("bao-cao/", include("motcua.reports.urls")),
]

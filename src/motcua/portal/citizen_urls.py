"""Citizen pages, mounted at the site root (inside the language prefix): accounts, online submission,
"my dossiers", the document store (kho dữ liệu), public tracking, e-result verification, rating after the
result and the rating kiosk at the counter.
``/nop-ho-so/<code>/`` is the address the procedure page links to."""

from django.urls import path

from motcua.portal import account_views, kiosk, oidc, rating, result_check, store, submission, tracking

app_name = "citizen"
urlpatterns = [
    path("cong-dan/dang-ky/", account_views.sign_up, name="sign-up"),
    path("cong-dan/xac-minh/", account_views.verify, name="verify"),
    path("cong-dan/dang-nhap/", account_views.CitizenLoginView.as_view(), name="login"),
    path("cong-dan/dang-nhap/dinh-danh/", oidc.start, name="oidc-start"),
    path("cong-dan/dang-nhap/dinh-danh/ket-qua/", oidc.callback, name="oidc-callback"),
    path("cong-dan/tai-khoan/", account_views.profile, name="profile"),
    path("cong-dan/ho-so-cua-toi/", account_views.my_dossiers, name="my-dossiers"),
    path("cong-dan/kho-du-lieu/", store.store, name="store"),
    path("cong-dan/kho-du-lieu/<int:pk>/tai-ve/", store.download, name="store-file"),
    path("nop-ho-so/ban-nhap/<uuid:pk>/", submission.edit, name="draft"),
    path("nop-ho-so/ban-nhap/<uuid:pk>/xem-lai/", submission.review, name="review"),
    path("nop-ho-so/ban-nhap/<uuid:pk>/xoa/", submission.discard, name="discard"),
    path("nop-ho-so/ban-nhap/<uuid:pk>/tep/<int:file_id>/", submission.draft_file, name="draft-file"),
    path("nop-ho-so/da-nop/<str:code>/", submission.submitted, name="submitted"),
    path("nop-ho-so/<str:code>/", submission.start, name="start"),
    path("tra-cuu/", tracking.track, name="track"),
    path("tra-cuu/<str:code>/danh-gia/", rating.rate, name="rate"),
    path("tra-cuu/<str:code>/ket-qua/<int:pk>/", tracking.result_file, name="result-file"),
    path("xac-thuc-ket-qua/", result_check.verify, name="verify-result"),
    path("xac-thuc-ket-qua/ma/<str:code>/", result_check.by_code, name="verify-result-code"),
    path("xac-thuc-ket-qua/<str:sha256>/", result_check.by_hash, name="verify-result-hash"),
    path("diem-danh-gia/<str:token>/", kiosk.start, name="kiosk"),
    path("diem-danh-gia/<str:token>/muc-do/", kiosk.choose_level, name="kiosk-level"),
    path("diem-danh-gia/<str:token>/gui/", kiosk.submit, name="kiosk-submit"),
    path("diem-danh-gia/<str:token>/cam-on/", kiosk.thanks, name="kiosk-thanks"),
]

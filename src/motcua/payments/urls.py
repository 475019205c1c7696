"""Mounted at ``thanh-toan/``: the start page, the gateways' callbacks, the sandbox gateway, receipts."""

from django.urls import path

from motcua.payments import views
from motcua.payments.providers import sandbox

app_name = "payments"
urlpatterns = [
    path("sandbox/cong/", sandbox.gateway, name="sandbox-gateway"),
    path("tra-ve/<slug:provider_code>/", views.gateway_return, name="return"),
    path("thong-bao/<slug:provider_code>/", views.gateway_notify, name="notify"),
    path("ket-qua/<str:order_id>/", views.result, name="result"),
    path("bien-lai/<str:token>.pdf", views.receipt_pdf, name="receipt-pdf"),
    path("bien-lai/<str:token>.xml", views.receipt_xml, name="receipt-xml"),
    path("<str:code>/", views.start, name="start"),
]

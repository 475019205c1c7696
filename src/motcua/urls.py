"""Top-level URL map: citizen-facing pages, staff pages, admin, API and health check."""

from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from motcua.core import views as core_views

admin.site.site_header = "Quản trị hệ thống một cửa điện tử"
admin.site.site_title = "motcua"
admin.site.index_title = "Quản trị"

urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/v1/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/v1/", include("motcua.api.urls")),
]

urlpatterns += i18n_patterns(
    # The staff back office (dashboard at /can-bo/).
    path("can-bo/", include("motcua.backoffice.urls")),
    path("", include("motcua.core.urls")),
    path("tai-khoan/", include("motcua.accounts.urls")),
    path("don-vi/", include("motcua.organizations.urls")),
    path("thu-tuc/", include("motcua.portal.urls")),
    path("thanh-toan/", include("motcua.payments.urls")),
    path("phan-anh-kien-nghi/", include("motcua.feedback.urls")),
    path("cong-khai/", include("motcua.reports.public")),
    # Citizen accounts, online submission, "my dossiers" and public tracking (/cong-dan/, /nop-ho-so/, /tra-cuu/).
    path("", include("motcua.portal.citizen_urls")),
    path("quan-tri/", admin.site.urls),
    prefix_default_language=False,
)

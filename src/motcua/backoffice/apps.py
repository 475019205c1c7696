from django.apps import AppConfig


class BackofficeConfig(AppConfig):
    """The officers' pages (dashboard, queues, counter intake, dossier desk); no models of its own."""

    name = "motcua.backoffice"
    label = "backoffice"
    verbose_name = "Trang làm việc của cán bộ"

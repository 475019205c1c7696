from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "motcua.reports"
    label = "reports"
    verbose_name = "Báo cáo, thống kê"

    def ready(self) -> None:
        from motcua.reports import receivers

        receivers.connect()

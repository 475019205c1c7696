from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "motcua.notifications"
    label = "notifications"
    verbose_name = "Thông báo (thư điện tử, tin nhắn)"

    def ready(self) -> None:
        from motcua.dossiers.actions import dossier_changed
        from motcua.dossiers.models import Dossier
        from motcua.notifications import checks, receivers  # noqa: F401 (checks register themselves)

        dossier_changed.connect(receivers.on_dossier_changed, sender=Dossier, dispatch_uid="notifications.dossier")

from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    """What is done with stored document files after they are attached: OCR and search by words (docs/documents.md)."""

    name = "motcua.documents"
    label = "documents"
    verbose_name = "Giấy tờ điện tử (nhận dạng chữ, tìm kiếm)"

    def ready(self) -> None:
        from motcua.documents import checks, receivers  # noqa: F401 (checks register themselves)
        from motcua.dossiers.actions import dossier_changed
        from motcua.dossiers.models import Dossier

        dossier_changed.connect(receivers.on_dossier_changed, sender=Dossier, dispatch_uid="documents.dossier")

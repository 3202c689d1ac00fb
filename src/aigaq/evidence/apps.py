from django.apps import AppConfig


class EvidenceConfig(AppConfig):
    name = "aigaq.evidence"
    label = "evidence"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from aigaq.cases.erasure import FILE_REMOVERS

        from .services import files_remover

        FILE_REMOVERS.append(files_remover)

from django.apps import AppConfig


class EvidenceConfig(AppConfig):
    name = "aigaq.evidence"
    label = "evidence"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from aigaq.cases import hooks

        from .selectors import evidence_listing
        from .services import files_remover, survivor_files_received

        hooks.on_case_erasing(files_remover)
        hooks.on_case_evidence(evidence_listing)
        hooks.on_survivor_files_received(survivor_files_received)

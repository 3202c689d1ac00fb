from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "aigaq.cases"
    label = "cases"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import hooks
        from .summary import case_summary_refresh

        # The list's copy of the stage and flags follows every change to the case.
        hooks.on_case_changed(case_summary_refresh)

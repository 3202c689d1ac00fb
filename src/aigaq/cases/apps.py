from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "aigaq.cases"
    label = "cases"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from aigaq.accounts import nav

        from . import hooks
        from .office_views import nav_links
        from .summary import case_summary_refresh, cases_summary_refresh

        nav.register(nav_links)
        # The list's copy of the stage and flags follows every change to the case.
        hooks.on_case_changed(case_summary_refresh, many=cases_summary_refresh)

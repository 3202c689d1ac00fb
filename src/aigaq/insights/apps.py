from __future__ import annotations

from django.apps import AppConfig


class InsightsConfig(AppConfig):
    name = "aigaq.insights"
    label = "insights"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from aigaq.accounts.context import NAV_PROVIDERS
        from aigaq.cases.services import CASE_CHANGED_HOOKS

        from .access import nav_links
        from .figures import figures_refresh

        NAV_PROVIDERS.append(nav_links)
        CASE_CHANGED_HOOKS.append(lambda case: figures_refresh(case=case))

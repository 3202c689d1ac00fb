from __future__ import annotations

from django.apps import AppConfig


class InsightsConfig(AppConfig):
    name = "aigaq.insights"
    label = "insights"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from aigaq.accounts import nav
        from aigaq.cases import hooks

        from .access import nav_links
        from .figures import figures_erasing, figures_refresh, figures_refresh_many

        nav.register(nav_links)
        hooks.on_case_changed(figures_refresh, many=figures_refresh_many)
        hooks.on_case_erasing(figures_erasing)

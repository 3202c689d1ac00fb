from __future__ import annotations

from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "aigaq.reports"
    label = "reports"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from aigaq.accounts import nav

        from .staff_views import nav_links

        nav.register(nav_links)

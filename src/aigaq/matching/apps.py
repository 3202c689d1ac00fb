from __future__ import annotations

from django.apps import AppConfig


class MatchingConfig(AppConfig):
    name = "aigaq.matching"
    label = "matching"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from aigaq.accounts.context import NAV_PROVIDERS

        from .views import nav_links

        NAV_PROVIDERS.append(nav_links)

from __future__ import annotations

from django.apps import AppConfig


class AbuseConfig(AppConfig):
    name = "aigaq.abuse"
    label = "abuse"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from aigaq.accounts import nav

        from .views import nav_links

        nav.register(nav_links)

from __future__ import annotations

from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "aigaq.imports"
    label = "imports"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from aigaq.accounts import nav
        from aigaq.worker import periodic

        from .background import INTERVAL, purge_task
        from .views import nav_links

        nav.register(nav_links)
        periodic(purge_task, interval=lambda: INTERVAL)

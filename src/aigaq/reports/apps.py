from __future__ import annotations

from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "aigaq.reports"
    label = "reports"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from aigaq.accounts import nav
        from aigaq.cases import hooks

        from .escrow import on_network_match, on_suspect_changed, on_suspects_changed
        from .staff_views import nav_links

        nav.register(nav_links)
        hooks.on_suspect_changed(on_suspect_changed, many=on_suspects_changed)
        hooks.on_report_network_matched(on_network_match)

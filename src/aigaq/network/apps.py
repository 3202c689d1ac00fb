from __future__ import annotations

from django.apps import AppConfig


class NetworkAppConfig(AppConfig):
    name = "aigaq.network"
    label = "network"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = "network"

    def ready(self) -> None:
        from aigaq.accounts import nav
        from aigaq.cases import hooks
        from aigaq.worker import periodic

        from . import receivers
        from .background import sync_interval, sync_task
        from .reports import provider
        from .views import nav_links

        nav.register(nav_links)
        hooks.on_suspect_changed(receivers.on_suspect_changed, many=receivers.on_suspects_changed)
        hooks.on_consent_changed(receivers.on_consent_changed)
        hooks.on_case_erasing(receivers.on_case_erasing)
        hooks.provide_report_network(provider)
        periodic(sync_task, interval=sync_interval)

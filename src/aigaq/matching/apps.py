from __future__ import annotations

from django.apps import AppConfig


class MatchingConfig(AppConfig):
    name = "aigaq.matching"
    label = "matching"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from aigaq.accounts import nav
        from aigaq.cases import hooks
        from aigaq.worker import periodic

        from . import receivers
        from .refit import refit_interval, refits_task
        from .views import nav_links

        nav.register(nav_links)
        hooks.on_suspect_changed(receivers.on_suspect_changed, many=receivers.on_suspects_changed)
        hooks.on_consent_changed(receivers.on_consent_changed)
        hooks.on_linked_cases(receivers.linked_cases)
        periodic(refits_task, interval=refit_interval)

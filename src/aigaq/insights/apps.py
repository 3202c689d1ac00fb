from __future__ import annotations

from django.apps import AppConfig


class InsightsConfig(AppConfig):
    name = "aigaq.insights"
    label = "insights"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.db.models.signals import pre_delete

        from aigaq.accounts.context import NAV_PROVIDERS
        from aigaq.cases.models import Case
        from aigaq.cases.services import CASE_CHANGED_HOOKS

        from .access import nav_links
        from .figures import figures_erasing, figures_refresh
        from .models import CaseFigures

        NAV_PROVIDERS.append(nav_links)
        CASE_CHANGED_HOOKS.append(lambda case: figures_refresh(case=case))
        # Erasing a case deletes its statistics row by cascade, in `cases.erasure`, which knows
        # nothing of insights; the signal is the one place that sees that deletion (before it, so
        # the row's contributions can still be read).
        pre_delete.connect(
            lambda sender, instance, origin=None, **kwargs: (
                figures_erasing(row=instance) if isinstance(origin, Case) else None
            ),
            sender=CaseFigures,
            weak=False,
            dispatch_uid="insights-figures-erasing",
        )

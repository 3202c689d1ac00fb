"""`aigaq manage insights_rebuild`: rebuild the statistics cache from every case's events."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from aigaq.insights.figures import figures_rebuild_all


class Command(BaseCommand):
    help = "Rebuild the statistics cache (insights CaseFigures) from the cases' events."

    def handle(self, *args: Any, **options: Any) -> None:
        counted = figures_rebuild_all()
        self.stdout.write(f"{counted} cases counted in statistics")

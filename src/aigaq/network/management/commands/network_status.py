"""`aigaq network status`: whether this instance is a member, and what waits for the next sync."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from aigaq.network.selectors import network_status


class Command(BaseCommand):
    help = "Show whether this instance has joined a network, what waits to be sent, and the alerts held."

    def handle(self, *args: Any, **options: Any) -> None:
        status = network_status()
        config = status.config
        if config is None:
            self.stdout.write("joined: no (`aigaq network join HUB_URL INVITATION`)")
        else:
            self.stdout.write(f"joined: yes, member {config.member_id} since {config.joined_at:%Y-%m-%d %H:%M}")
            self.stdout.write(f"as: {config.name}, {config.city} (organisation {config.organisation.code})")
            self.stdout.write(f"hub: {config.hub_url}")
            self.stdout.write(f"key service: {config.keyservice_url}")
            last = f"{config.last_sync_at:%Y-%m-%d %H:%M:%S}" if config.last_sync_at else "never"
            self.stdout.write(f"last sync: {last}")
            if config.last_error:
                at = f" at {config.last_error_at:%Y-%m-%d %H:%M:%S}" if config.last_error_at else ""
                self.stdout.write(f"last error: {config.last_error}{at}")
        self.stdout.write(f"pending uploads: {status.pending_uploads}")
        oldest = f" (oldest queued {status.oldest_delete:%Y-%m-%d %H:%M})" if status.oldest_delete else ""
        self.stdout.write(f"pending deletes: {status.pending_deletes}{oldest}")
        self.stdout.write(f"alerts: {status.alerts} ({status.open_alerts} open)")

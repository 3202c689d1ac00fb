"""The network hub: receives keyed encodings from members, matches them, keeps the alerts.

Its own process and database (docs/network.md)."""

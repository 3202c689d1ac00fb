"""The network key service: holds the OPRF key and evaluates blinded values for members.

Rate-limited; its own process and database (docs/network.md)."""

"""The member side of the network of organisations: consent, sync with the hub, network alerts (docs/network.md)."""

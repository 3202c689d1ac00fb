from django.apps import AppConfig


class PeersConfig(AppConfig):
    """The other parties of the network this process accepts signed requests from (hub, key
    service): their public keys and the nonces already seen, so a request is never taken twice."""

    name = "aigaq.peers"
    label = "peers"
    default_auto_field = "django.db.models.BigAutoField"

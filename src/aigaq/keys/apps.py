from django.apps import AppConfig


class KeysConfig(AppConfig):
    """The key file, the case-key store beside it, sealed fields and key rotation (`aigaq keys`)."""

    name = "aigaq.keys"
    label = "keys"

from django.apps import AppConfig


class KeyserviceConfig(AppConfig):
    """The key service: holds the network's OPRF key and evaluates members' blinded values
    without seeing them, within per-member limits. Its own process, database and audit log."""

    name = "aigaq.keyservice"
    label = "keyservice"
    default_auto_field = "django.db.models.BigAutoField"

from django.apps import AppConfig


class OpsConfig(AppConfig):
    """Operating an instance: serve, check, backup, restore, retention (`aigaq` commands)."""

    name = "aigaq.ops"
    label = "ops"

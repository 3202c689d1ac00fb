from django.apps import AppConfig


class HubConfig(AppConfig):
    """The network hub: members, their keyed encodings, and the alerts between them."""

    name = "aigaq.hub"
    label = "hub"
    default_auto_field = "django.db.models.BigAutoField"

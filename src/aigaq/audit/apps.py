from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "aigaq.audit"
    label = "audit"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from aigaq.accounts.context import NAV_PROVIDERS

        from .nav import audit_link

        NAV_PROVIDERS.append(audit_link)

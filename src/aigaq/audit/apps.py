from django.apps import AppConfig


class AuditConfig(AppConfig):
    """The append-only, hash-chained log every app writes to (log.record) and `aigaq audit verify`
    checks. The coordinators' page that reads it is in accounts (audit_page.py)."""

    name = "aigaq.audit"
    label = "audit"
    default_auto_field = "django.db.models.BigAutoField"

from django.urls import path

from . import audit_page

app_name = "audit"
urlpatterns = [
    path("", audit_page.audit_log, name="log"),
    path("verify/", audit_page.audit_verify, name="verify"),
]

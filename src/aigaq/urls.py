from django.urls import include, path

from aigaq.accounts import views as account_views

urlpatterns = [
    path("", account_views.home, name="home"),
    path("accounts/", include("aigaq.accounts.urls")),
    path("lang/", account_views.set_language, name="set_language"),
    path("cases/", include("aigaq.cases.urls")),
    path("cases/<str:code>/evidence/", include("aigaq.evidence.urls")),
    path("organisation/signing-key/", include("aigaq.evidence.key_urls")),
    path("cases/<str:code>/documents/", include("aigaq.documents.urls")),
    path("documents/templates/", include("aigaq.documents.template_urls")),
    path("audit/", include("aigaq.accounts.audit_urls")),
    path("insights/", include("aigaq.insights.urls")),
    path("matching/", include("aigaq.matching.urls")),
    path("network/", include("aigaq.network.urls")),
    path("imports/", include("aigaq.imports.urls")),
    path("report/", include("aigaq.reports.urls")),
    path("abuse/", include("aigaq.abuse.urls")),
]

# Aigaq's own error pages (translated, with the quick exit): aigaq/errors.py.
handler400 = "aigaq.errors.bad_request"
handler403 = "aigaq.errors.permission_denied"
handler404 = "aigaq.errors.page_not_found"
handler500 = "aigaq.errors.server_error"

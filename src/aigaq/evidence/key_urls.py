from django.urls import path

from . import bundle_views

app_name = "signing_key"
urlpatterns = [
    path("", bundle_views.signing_key_page, name="page"),
    path("public-key.pem", bundle_views.signing_key_pem, name="pem"),
]

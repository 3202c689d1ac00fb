from django.urls import path

from . import template_views

app_name = "document_templates"
urlpatterns = [
    path("", template_views.templates_page, name="list"),
    path("upload/", template_views.template_upload, name="upload"),
    path("<str:key>/<str:lang>/reset/", template_views.template_reset, name="reset"),
    path("<str:key>/<str:lang>/starter/", template_views.template_starter, name="starter"),
]

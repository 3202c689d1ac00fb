from django.urls import path

from . import bundle_views, views

app_name = "evidence"
urlpatterns = [
    path("", views.evidence_page, name="page"),
    path("upload/", views.evidence_upload, name="upload"),
    path("bundle/", bundle_views.bundle_page, name="bundle"),
    path("<str:item>/", views.evidence_download, name="download"),
    path("<str:item>/describe/", views.evidence_describe, name="describe"),
]

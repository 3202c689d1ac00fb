from django.urls import path

from . import views

app_name = "evidence"
urlpatterns = [
    path("", views.evidence_page, name="page"),
    path("upload/", views.evidence_upload, name="upload"),
    path("<str:item>/", views.evidence_download, name="download"),
    path("<str:item>/describe/", views.evidence_describe, name="describe"),
]

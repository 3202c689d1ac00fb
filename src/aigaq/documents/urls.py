from django.urls import path

from . import views

app_name = "documents"
urlpatterns = [
    path("", views.documents_page, name="page"),
    path("make/", views.document_make, name="make"),
    path("<str:document>/<str:fmt>/", views.document_download, name="download"),
]

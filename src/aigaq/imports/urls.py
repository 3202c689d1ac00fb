from django.urls import path

from . import views

app_name = "imports"
urlpatterns = [
    path("", views.start, name="start"),
    path("upload/", views.upload, name="upload"),
    path("template.xlsx", views.template, name="template"),
    path("jobs/<str:code>/", views.job, name="job"),
    path("<str:code>/", views.mapping, name="map"),
    path("<str:code>/errors.xlsx", views.errors, name="errors"),
]

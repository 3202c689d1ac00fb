from django.urls import path

from . import views

app_name = "abuse"
urlpatterns = [
    path("", views.entry_list, name="list"),
    path("new/", views.entry_new, name="new"),
    path("report/", views.report, name="report"),
    path("senders/", views.senders, name="senders"),
    path("figures/", views.figures, name="figures"),
    path("<str:entry>/", views.entry_detail, name="detail"),
    path("<str:entry>/edit/", views.entry_edit, name="edit"),
    path("<str:entry>/delete/", views.entry_delete, name="delete"),
    path("<str:entry>/files/", views.file_upload, name="upload"),
    path("<str:entry>/files/<str:item>/", views.file_download, name="download"),
]

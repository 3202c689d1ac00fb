from django.urls import path

from . import views

app_name = "network"
urlpatterns = [
    path("", views.alerts, name="alerts"),
    path("<str:code>/decide/", views.alert_decide, name="decide"),
    path("<str:code>/contact/", views.contact_request, name="contact_request"),
    path("<str:code>/contact/answer/", views.contact_answer, name="contact_answer"),
]

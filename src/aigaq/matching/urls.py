from django.urls import path

from . import views

app_name = "matching"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("<str:code>/", views.alert_detail, name="alert"),
    path("<str:code>/decide/", views.alert_decide, name="decide"),
    path("<str:code>/claim/", views.alert_claim, name="claim"),
    path("<str:code>/reveal/", views.alert_reveal, name="reveal"),
]

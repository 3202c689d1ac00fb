"""The hub's URLs: the Hub API of docs/network.md, and nothing else."""

from django.urls import path

from . import views

urlpatterns = [
    path("v1/join", views.join),
    path("v1/sync", views.sync),
    path("v1/alerts", views.alerts),
    path("v1/alerts/<str:code>/decision", views.decision),
    path("v1/alerts/<str:code>/contact", views.contact),
    path("v1/alerts/<str:code>/contact/answer", views.contact_answer),
]

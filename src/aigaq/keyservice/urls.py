"""The key service's URLs (its whole ROOT_URLCONF)."""

from django.urls import path

from . import views

urlpatterns = [
    path("v1/identity", views.identity),
    path("v1/members", views.members),
    path("v1/evaluate", views.evaluate),
]

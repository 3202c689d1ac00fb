"""A URL configuration for tests/test_error_pages.py: the project's own, plus a view that fails."""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from aigaq.urls import handler400, handler403, handler404, handler500
from aigaq.urls import urlpatterns as project


def _fails(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("a bug")


urlpatterns = [*project, path("test-fails/", _fails)]
__all__ = ["handler400", "handler403", "handler404", "handler500", "urlpatterns"]

"""Aigaq's own error pages (400, 403, 404, 500 and a refused CSRF check): translated, with the quick
exit, and standalone — error.html does not extend base.html and these views use no context
processors, so a page can still be shown when the database is what failed. Django's defaults are
English-only pages without the quick-exit button."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.template import loader
from django.utils.translation import gettext as _


def _page(status: int, title: str, message: str) -> HttpResponse:
    html = loader.get_template("error.html").render(
        {"status": status, "title": title, "message": message, "quick_exit_url": settings.QUICK_EXIT_URL}
    )
    return HttpResponse(html, status=status)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _page(400, _("Bad request"), _("The request could not be understood."))


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _page(403, _("Access denied"), _("You may not open this page."))


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _page(404, _("Page not found"), _("This page does not exist, or you have no access to it."))


def server_error(request: HttpRequest) -> HttpResponse:
    return _page(
        500,
        _("Something went wrong on the server"),
        _(
            "The server could not finish this request. Try again in a minute; if it happens again, "
            "tell your coordinator."
        ),
    )


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return _page(
        403,
        _("The form was not accepted"),
        _(
            "For your safety the form was not accepted: the page was open too long, or the browser blocks "
            "cookies. Go back, reload the page and send the form again."
        ),
    )

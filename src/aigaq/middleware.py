"""Response headers that every page gets."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from aigaq.lib.text import might_be_unsafe, neutralise

# No inline script or style anywhere; everything is served by the app itself.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
)


class SecurityHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault(
            "Permissions-Policy", "camera=(), microphone=(), geolocation=(), interest-cohort=()"
        )
        response.headers.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        if not request.path.startswith("/static/"):
            # Pages may show personal data: never store them in a browser or proxy cache.
            response.headers["Cache-Control"] = "no-store"
            response.headers.setdefault("Pragma", "no-cache")
        return response


class SameOriginNullOriginMiddleware:
    """Lets same-origin form posts pass Django's origin check under `Referrer-Policy: no-referrer`.

    With no-referrer, Chromium sends `Origin: null` on form posts, even to the same site, and no
    Referer, so Django's CSRF check would refuse every form. `Sec-Fetch-Site` is set by the browser
    itself (scripts cannot forge it); when it says the post comes from this very origin, the
    origin is restored for the check. The CSRF token is still required as before.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.META.get("HTTP_ORIGIN") == "null" and request.META.get("HTTP_SEC_FETCH_SITE") == "same-origin":
            request.META["HTTP_ORIGIN"] = f"{request.scheme}://{request.get_host()}"
        return self.get_response(request)


class InvisibleCharactersMiddleware:
    """Shows every invisible or reordering character of a page as a visible marker ("[U+202E]").

    Forms refuse them (aigaq.formats.text), but text saved before that check, or arriving another
    way (the demo, an import, the network), could still hold a bidirectional override that shows a
    name reversed or hides part of it. Only HTML pages: never a download, so an evidence file
    leaves exactly as it was stored. Pages hold no such character of their own (tested)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            response.streaming
            or not response.get("Content-Type", "").startswith("text/html")
            or response.has_header("Content-Disposition")
        ):
            return response
        charset = response.charset or "utf-8"
        try:
            text = response.content.decode(charset)
        except (UnicodeDecodeError, LookupError):
            return response
        if might_be_unsafe(text):
            response.content = neutralise(text).encode(charset)
            if response.has_header("Content-Length"):
                response["Content-Length"] = str(len(response.content))
        return response

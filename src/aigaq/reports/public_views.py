"""The survivor's pages: no account, no JavaScript needed, no cookie beyond the visit.

The visit's session cookie (deleted when the browser closes) carries the form's CSRF token, the
language she picked on these pages (`?lang=`, never the year-long language cookie of staff
pages) and, for a quarter of an hour after she gives code and PIN, which report she opened.
A sealed report's key is not kept by the server, so for that quarter of an hour the visit holds
it: sealed in the server's session under a random visit key, and the visit key in a second
cookie that also ends with the browser (visit_cookie()). Neither half alone opens her report.
Nothing else is kept in her browser. Wrong code and wrong PIN give the same answer, and every
try spends one of a small number per address (accounts.ratelimit)."""

from __future__ import annotations

import base64
import time
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST

from aigaq.accounts import ratelimit
from aigaq.accounts.models import Organisation
from aigaq.lib import crypto
from aigaq.uploads import MemoryOnlyUploadHandler

from . import services
from .files import MAX_BYTES, MAX_FILES
from .forms import AddForm, ChoiceFields, DeleteForm, ReceiptForm, ReportForm
from .models import Report

LANG_KEY = "report_lang"
OPEN_KEY = "report_open"
RECEIPT_KEY = "report_receipt"
OPEN_SECONDS = 15 * 60


def visit_cookie() -> str:
    """The cookie with the half of the opened report's key that stays in her browser (HttpOnly,
    SameSite=Strict, no expiry: gone when the browser closes, like the session cookie, whose name
    it extends, so it is a __Host- cookie where that one is)."""
    return settings.SESSION_COOKIE_NAME + "-report"

RECEIPT_PER_ADDRESS = ratelimit.Limit("rate:report-receipt", 10, 15 * 60)
SUBMIT_PER_ADDRESS = ratelimit.Limit("rate:report-submit", 5, 60 * 60)

View = Callable[..., HttpResponse]


def public(view: View) -> View:
    """Her pages: the language from `?lang=` (kept for the visit in the session), else the
    browser's; the page is never cached (the security headers middleware)."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        chosen = request.GET.get("lang", "")
        if chosen in dict(settings.LANGUAGES):
            request.session[LANG_KEY] = chosen
        lang = request.session.get(LANG_KEY)
        if lang in dict(settings.LANGUAGES):
            translation.activate(lang)
            request.LANGUAGE_CODE = lang
        return view(request, *args, **kwargs)

    return wrapped


def _page(request: HttpRequest, template: str, context: dict[str, Any], status: int = 200) -> HttpResponse:
    return render(request, template, {"languages": settings.LANGUAGES, **context}, status=status)


@public
def start(request: HttpRequest) -> HttpResponse:
    """/report/: the form of the only organisation here, or the list to choose from."""
    organisations = list(Organisation.objects.order_by("name"))
    if len(organisations) == 1:
        return redirect("reports:form", org=organisations[0].code)
    return _page(request, "reports/start.html", {"organisations": organisations})


# CSRF is checked inside, after the upload handlers are replaced: CsrfViewMiddleware would otherwise
# read the body first with Django's default handlers, which spill large files to a plaintext
# temporary file on disk (as in the evidence locker).
@csrf_exempt
@public
def report_form(request: HttpRequest, org: str) -> HttpResponse:
    handler = MemoryOnlyUploadHandler(request, limit=MAX_BYTES)
    request.upload_handlers = [handler]
    return _report_form(request, org, handler)


@csrf_protect
def _report_form(request: HttpRequest, org: str, handler: MemoryOnlyUploadHandler) -> HttpResponse:
    organisation = Organisation.objects.filter(code=org).first()
    if organisation is None:
        raise Http404("No such organisation")
    if services.quota_reached(organisation):
        return _page(request, "reports/full.html", {"organisation": organisation}, status=503)
    posted = request.method == "POST"
    form = ReportForm(request.POST if posted else None, request.FILES if posted else None, too_big=handler.too_big)
    if not services.network_available(organisation):
        form.without_network()
    if request.method == "POST" and form.is_valid():
        wait = ratelimit.take(SUBMIT_PER_ADDRESS, ratelimit.client_address(request))
        if wait:
            form.add_error(None, _("Too many reports were sent from this connection. Please try again in %(minutes)s "
                                   "minutes: what you wrote is still here.") % {"minutes": (wait + 59) // 60})
        else:
            try:
                _report, code = services.report_submit(organisation=organisation, data=form.to_input(),
                                                       pin=form.cleaned_data["pin"], upload=form.upload())
            except services.QuotaReached:
                return _page(request, "reports/full.html", {"organisation": organisation}, status=503)
            request.session[RECEIPT_KEY] = code
            return redirect("reports:sent")
    status = 400 if request.method == "POST" else 200
    return _page(request, "reports/form.html", {"form": form, "organisation": organisation}, status=status)


@public
def sent(request: HttpRequest) -> HttpResponse:
    """The receipt code, shown once: it is taken out of the session as the page is made."""
    code = request.session.pop(RECEIPT_KEY, None)
    if code is None:
        return redirect("reports:open")
    return _page(request, "reports/sent.html", {"groups": code.split()})


@public
def open_report(request: HttpRequest) -> HttpResponse:
    form = ReceiptForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        wait = ratelimit.take(RECEIPT_PER_ADDRESS, ratelimit.client_address(request))
        if wait:
            form.add_error(None, _("Too many tries. Please wait %(minutes)s minutes and try again.")
                           % {"minutes": (wait + 59) // 60})
            return _page(request, "reports/open.html", {"form": form}, status=429)
        report = services.report_open(code=form.cleaned_data["code"], pin=form.cleaned_data["pin"])
        if report is not None:
            request.session.cycle_key()
            response = redirect("reports:mine")
            _hold(request, response, report)
            return response
        form.add_error(None, _("The receipt code or the PIN is not right."))
    status = 400 if request.method == "POST" else 200
    return _page(request, "reports/open.html", {"form": form}, status=status)


def _visit_aad(report_code: str) -> str:
    return f"report-visit:{report_code}"


def _hold(request: HttpRequest, response: HttpResponse, report: Report) -> None:
    """Her opened report for the visit: its key sealed in the session, the visit key in her browser."""
    visit_key = crypto.new_data_key()
    sealed = crypto.seal(visit_key, report.data_key(), aad=_visit_aad(report.code))
    request.session[OPEN_KEY] = {"code": report.code, "at": time.time(),
                                 "key": base64.b64encode(sealed).decode("ascii")}
    response.set_cookie(visit_cookie(), base64.urlsafe_b64encode(visit_key).decode("ascii"), httponly=True,
                        secure=settings.SESSION_COOKIE_SECURE, samesite="Strict", path="/")


def _visit_key(request: HttpRequest, held: dict[str, Any]) -> bytes | None:
    try:
        visit_key = base64.urlsafe_b64decode(request.COOKIES.get(visit_cookie(), ""))
        return crypto.open_sealed(visit_key, base64.b64decode(str(held.get("key", ""))),
                                  aad=_visit_aad(str(held.get("code", ""))))
    except (ValueError, crypto.CryptoError):
        return None


def _opened(request: HttpRequest) -> Report | None:
    held = request.session.get(OPEN_KEY)
    if not isinstance(held, dict) or time.time() - float(held.get("at", 0)) > OPEN_SECONDS:
        request.session.pop(OPEN_KEY, None)
        return None
    report = Report.objects.filter(code=held.get("code", "")).select_related("organisation").first()
    dek = _visit_key(request, held) if report is not None else None
    if report is None or dek is None:
        request.session.pop(OPEN_KEY, None)
        return None
    report._dek = dek
    held["at"] = time.time()
    request.session[OPEN_KEY] = held
    return report


def survivor_required(view: Callable[[HttpRequest, Report], HttpResponse]) -> View:
    @public
    @wraps(view)
    def wrapped(request: HttpRequest) -> HttpResponse:
        report = _opened(request)
        if report is None:
            messages.info(request, _("Give your receipt code and PIN to open your report."))
            return redirect("reports:open")
        return view(request, report)

    return wrapped


def _choice_form(report: Report, data: Any = None) -> ChoiceFields:
    form = ChoiceFields(data, prefix="choice", initial={
        "choice": report.choice, "network": report.network, "contact_way": report.contact_way or "none",
        "contact_details": report.contact_details, "safe_times": report.safe_times})
    if not (report.network or services.network_available(report.organisation)):
        form.without_network()
    return form


def _mine_page(request: HttpRequest, report: Report, *, add: AddForm | None = None,
               choice: ChoiceFields | None = None, delete: DeleteForm | None = None, status: int = 200) -> HttpResponse:
    return _page(request, "reports/mine.html", {
        "report": report,
        "entries": list(report.messages.all()),
        "files": list(report.files.all()),
        "add_form": add or AddForm(prefix="add"),
        "choice_form": choice or _choice_form(report),
        "delete_form": delete or DeleteForm(prefix="delete"),
    }, status=status)


@survivor_required
def mine(request: HttpRequest, report: Report) -> HttpResponse:
    return _mine_page(request, report)


@csrf_exempt  # checked in _add, after the upload handlers are replaced (see report_form)
@require_POST
@survivor_required
def add(request: HttpRequest, report: Report) -> HttpResponse:
    handler = MemoryOnlyUploadHandler(request, limit=MAX_BYTES)
    request.upload_handlers = [handler]
    return _add(request, report, handler)


@csrf_protect
def _add(request: HttpRequest, report: Report, handler: MemoryOnlyUploadHandler) -> HttpResponse:
    form = AddForm(request.POST, request.FILES, prefix="add", too_big=handler.too_big)
    if not form.is_valid():
        return _mine_page(request, report, add=form, status=400)
    try:
        services.report_add(report=report, text=form.cleaned_data["text"], upload=form.upload())
    except services.TooManyFiles:
        form.add_error("attachment", _("Your report already holds as many files as it can (%(n)s).")
                       % {"n": MAX_FILES})
        return _mine_page(request, report, add=form, status=400)
    messages.success(request, _("Added to your report."))
    return redirect("reports:mine")


@require_POST
@survivor_required
def change_choice(request: HttpRequest, report: Report) -> HttpResponse:
    form = _choice_form(report, request.POST)
    if not form.is_valid():
        return _mine_page(request, report, choice=form, status=400)
    d = form.cleaned_data
    services.report_choice_change(report=report, choice=d["choice"], contact_way=d["contact_way"],
                                  contact_details=d["contact_details"], safe_times=d["safe_times"],
                                  network=bool(d.get("network")))
    messages.success(request, _("Your choices were saved."))
    return redirect("reports:mine")


@require_POST
@survivor_required
def delete(request: HttpRequest, report: Report) -> HttpResponse:
    form = DeleteForm(request.POST, prefix="delete")
    if not form.is_valid():
        return _mine_page(request, report, delete=form, status=400)
    services.report_delete(report=report)
    request.session.flush()
    response = _page(request, "reports/deleted.html", {})
    response.delete_cookie(visit_cookie(), path="/", samesite="Strict")
    return response


@require_POST
@survivor_required
def share(request: HttpRequest, report: Report) -> HttpResponse:
    """Her answer to "another report names the same man: may a coordinator read yours?"."""
    if report.release != Report.Release.ASKED or request.POST.get("answer") not in ("yes", "no"):
        return redirect("reports:mine")
    agree = request.POST["answer"] == "yes"
    services.report_share_answer(report=report, agree=agree)
    messages.success(request, _("Thank you. A coordinator can now read your report.") if agree
                     else _("Your report stays sealed."))
    return redirect("reports:mine")


@require_POST
@public
def leave(request: HttpRequest) -> HttpResponse:
    """Ends the visit: the session, and with it which report was open, is gone."""
    lang = request.session.get(LANG_KEY)
    request.session.flush()
    if lang:
        request.session[LANG_KEY] = lang
    response = redirect("reports:open")
    response.delete_cookie(visit_cookie(), path="/", samesite="Strict")
    return response

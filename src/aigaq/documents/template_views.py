"""A coordinator's own templates: the list of documents with the text each uses, uploading a
.docx with placeholders (checked: unknown placeholders are named and nothing is saved), going back
to the built-in text, and the built-in text as a .docx to start from."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from aigaq.accounts.decorators import coordinator_required
from aigaq.accounts.members import acting_member
from aigaq.formats.paper import to_docx
from aigaq.i18n import active_language

from . import services
from .catalogue import BLOCKS, FIELDS, LANGUAGES, template, templates
from .forms import TemplateUploadForm
from .models import TemplateUpload
from .render import starter
from .uploads import UploadRefused
from .views import CONTENT_TYPES


def _page(request: HttpRequest, form: TemplateUploadForm, status: int = 200) -> HttpResponse:
    member = acting_member(request.user)
    own = {(u.template, u.language): u for u in
           TemplateUpload.objects.filter(organisation_id=member.organisation_id).select_related("uploaded_by")}
    lang_now = active_language()
    rows = [(doc.key, doc.title[lang_now], [(lang, own.get((doc.key, lang))) for lang in LANGUAGES])
            for doc in templates().values()]
    return render(request, "documents/templates.html", {
        "form": form, "rows": rows, "languages": LANGUAGES, "fields": sorted(FIELDS), "blocks": sorted(BLOCKS),
    }, status=status)


@require_GET
@coordinator_required
def templates_page(request: HttpRequest) -> HttpResponse:
    return _page(request, TemplateUploadForm())


@require_POST
@coordinator_required
def template_upload(request: HttpRequest) -> HttpResponse:
    form = TemplateUploadForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.template_upload(actor=request.user, template_key=form.cleaned_data["template"],  # type: ignore[arg-type]
                                     language=form.cleaned_data["language"], data=form.cleaned_data["file"].read())
        except UploadRefused as refused:
            if refused.unknown:
                form.add_error("file", _("Unknown placeholders: %(names)s. Nothing was saved.") % {
                    "names": ", ".join(f"{{{name}}}" for name in refused.unknown)})
            else:
                form.add_error("file", _("This is not a .docx file (or it is larger than 2 MB)."))
        else:
            messages.success(request, _("Your template was saved: new documents use it."))
            return redirect("document_templates:list")
    messages.error(request, _("Nothing was saved: please correct the fields marked below."))
    return _page(request, form, status=400)


@require_POST
@coordinator_required
def template_reset(request: HttpRequest, key: str, lang: str) -> HttpResponse:
    if template(key) is None or lang not in LANGUAGES:
        raise Http404("No such template")
    services.template_upload_remove(actor=request.user, template_key=key, language=lang)  # type: ignore[arg-type]
    messages.success(request, _("New documents use the built-in text again."))
    return redirect("document_templates:list")


@require_GET
@coordinator_required
def template_starter(request: HttpRequest, key: str, lang: str) -> HttpResponse:
    doc = template(key)
    if doc is None or lang not in LANGUAGES:
        raise Http404("No such template")
    response = HttpResponse(to_docx(starter(doc, lang=lang)), content_type=CONTENT_TYPES["docx"])
    response["Content-Disposition"] = f'attachment; filename="aigaq-{key}-{lang}.docx"'
    return response

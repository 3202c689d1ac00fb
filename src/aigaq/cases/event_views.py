"""The pathway: adding a dated step (an event) to the case, from the event type's form on the case page."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import services
from .access import get_case_to_edit
from .forms import EventForm
from .pathway import SPECS
from .views import case_form_invalid, case_saved, records_required


@require_POST
@records_required
def event_add(request: HttpRequest, code: str, event_type: str) -> HttpResponse:
    case = get_case_to_edit(request.user, code)
    spec = SPECS.get(event_type)
    if spec is None or event_type == "incident":
        raise Http404("No such event type")
    incident = getattr(case, "incident", None)
    form = EventForm(spec, request.POST, incident_date=incident.date_from if incident else None)
    if not form.is_valid():
        return case_form_invalid(request, case, form)
    values = dict(form.cleaned_data)
    date = values.pop("date")
    services.pathway_event_add(actor=request.user, case=case, event_type=event_type, date=date,  # type: ignore[arg-type]
                               data=values)
    return case_saved(request, case, _("The event was added to the pathway."))

"""The report of chosen abuse log entries for the police or a platform: each message with its
sender, when it came, what was done, and every attached file's SHA-256, as a PDF and a .docx
(aigaq.formats.paper, the lawyer's documents' engine) in Kazakh, Russian or English."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from aigaq.accounts.models import User
from aigaq.formats.paper import Part, Rendered, to_docx, to_pdf

from .models import AbuseEntry
from .selectors import files_of, sender_groups

FORMATS = ("pdf", "docx")
LANGUAGES = ("kk", "ru", "en")
CONTENT_TYPES = {"pdf": "application/pdf",
                 "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}


def _day(value: dt.date | None) -> str:
    return value.strftime("%d.%m.%Y") if value else ""


def _moment(value: dt.datetime) -> str:
    return timezone.localtime(value).strftime("%d.%m.%Y %H:%M")


def _entry_parts(number: int, entry: AbuseEntry, same: list[int]) -> list[Part]:
    items = [_("Received: %(when)s, on %(platform)s") % {"when": _moment(entry.received_at),
                                                         "platform": entry.get_platform_display()}]
    sender = [v for v in (entry.sender_name, entry.sender_handle, entry.sender_phone) if v]
    items.append(_("Sender: %(sender)s") % {"sender": "; ".join(sender) if sender else _("unknown")})
    items.append(_("Threat level: %(level)s") % {"level": entry.get_threat_level_display()})
    if same:
        items.append(_("Same sender as entries %(numbers)s of this report") % {
            "numbers": ", ".join(str(n) for n in same)})
    for reported_on, outcome, said in (
            (entry.platform_reported_on, entry.platform_outcome, _("Reported to the platform on %(day)s")),
            (entry.police_reported_on, entry.police_outcome, _("Reported to the police on %(day)s"))):
        if reported_on:
            items.append(said % {"day": _day(reported_on)} + (f": {outcome}" if outcome else ""))
        elif outcome:
            items.append(outcome)
    parts = [Part(heading=_("%(number)d. Message of %(day)s") % {"number": number,
                                                                "day": _day(timezone.localdate(entry.received_at))},
                  items=tuple(items)),
             Part(text=_("The message: %(text)s") % {"text": entry.message})]
    files = files_of(entry)
    if files:
        parts.append(Part(text=ngettext("Attached file:", "Attached files:", len(files)), items=tuple(
            _("%(name)s (%(size)d bytes), received %(day)s. SHA-256 as kept: %(sha256)s; as received: %(received)s")
            % {"name": f.filename, "size": f.size, "day": _day(timezone.localdate(f.uploaded_at)),
               "sha256": f.sha256, "received": f.received_sha256}
            + (" " + _("(location and camera details were removed from the photo)") if f.metadata_removed else "")
            for f in files)))
    return parts


def compose(entries: Sequence[AbuseEntry], *, prepared_by: User) -> Rendered:
    """The report's text in the active language."""
    numbers = {e.code: n for n, e in enumerate(entries, start=1)}
    groups = {e.code: [numbers[o.code] for o in group if o.code != e.code]
              for group in sender_groups(list(entries)) for e in group}
    who = prepared_by.get_full_name() or prepared_by.get_username()
    parts = [Part(text=ngettext(
        "This report lists %(count)d message of online abuse, with the files kept of it.",
        "This report lists %(count)d messages of online abuse, with the files kept of them.",
        len(entries)) % {"count": len(entries)}),
        Part(text=_("Each file is kept encrypted as it was received; its SHA-256 identifies it exactly: "
                    "a copy with the same SHA-256 is the same file."))]
    for entry in entries:
        parts += _entry_parts(numbers[entry.code], entry, groups.get(entry.code, []))
    today = _day(timezone.localdate())
    parts.append(Part(text=f"{today}    {who}    ____________________"))
    footer = (_("Prepared with Aigaq on %(day)s by %(who)s.") % {"day": today, "who": who},)
    return Rendered(title=_("Record of online abuse received"), addressee="", parts=tuple(parts), footer=footer)


def render(entries: Sequence[AbuseEntry], *, lang: str, fmt: str, prepared_by: User) -> bytes:
    with translation.override(lang):
        rendered = compose(entries, prepared_by=prepared_by)
        return to_pdf(rendered, lang=lang) if fmt == "pdf" else to_docx(rendered)

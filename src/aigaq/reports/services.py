"""Writes on survivors' reports. Each runs in one transaction with its audit entry; the entries
name the report by its random code, and never hold anything she wrote.

The survivor has no account: her services take the report she opened with code and PIN (the
views keep that in the visit's session only), and the audit records them with no actor."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, fields, replace

from django.conf import settings
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from aigaq.accounts.members import acting_member
from aigaq.accounts.models import Organisation, User
from aigaq.audit.log import record
from aigaq.audit.models import Action
from aigaq.cases import hooks
from aigaq.cases import services as case_services
from aigaq.cases.access import can_edit
from aigaq.cases.inputs import IncidentInput, SurvivorInput, SuspectInput
from aigaq.cases.mention import identifier_lines
from aigaq.cases.models import Case, Suspect
from aigaq.cases.pathway import choice_items
from aigaq.keys.store import (
    blind_index,
    report_key,
    report_key_create,
    report_key_destroy,
    report_key_exists,
    report_key_from_survivor,
    report_key_put,
    report_key_wrap_for_survivor,
    report_keys_destroy,
)
from aigaq.lib.crypto import receipt
from aigaq.linkage.mention import Mention

from . import escrow, files
from .models import Choice, Contact, Report, ReportFile, ReportMessage

RECEIPT_INDEX = "report-receipt"


@dataclass(frozen=True, kw_only=True)
class ReportInput:
    """What she writes on the form."""

    date_from: dt.date | None = None
    date_to: dt.date | None = None
    city: str = ""
    place_type: str = ""
    account: str = ""
    his_name: str = ""
    his_phones: str = ""
    his_handles: str = ""
    his_plates: str = ""
    his_description: str = ""
    contact_way: str = Contact.NONE
    contact_details: str = ""
    safe_times: str = ""
    choice: str = Choice.RECORD
    network: bool = False  # a sealed report: also look for him in the network's other organisations


def _receipt_index(code: str) -> str:
    return blind_index(RECEIPT_INDEX, receipt.normalise_receipt_code(code))


class QuotaReached(Exception):
    """The organisation took as many reports in the last day as it accepts (settings.REPORTS_DAILY_QUOTA)."""


def quota_reached(organisation: Organisation) -> bool:
    since = timezone.now() - dt.timedelta(days=1)
    taken = Report.objects.filter(organisation=organisation, created_at__gte=since).count()
    return taken >= settings.REPORTS_DAILY_QUOTA


def _write(report: Report, data: ReportInput) -> None:
    for f in fields(data):
        value = getattr(data, f.name)
        if f.name in ("date_from", "date_to"):
            value = value.isoformat() if value else ""
        setattr(report, f.name, value)


def _file_add(report: Report, upload: tuple[str, bytes] | None) -> None:
    if upload is None:
        return
    if report.files.count() >= files.MAX_FILES:
        raise TooManyFiles
    name, data = upload
    item = ReportFile(report=report, filename=name, size=len(data))
    files.write(report.data_key(), data, report_code=report.code, file_code=item.code)
    item.save()


class TooManyFiles(Exception):
    """A report holds at most files.MAX_FILES files."""


class AlreadyHandled(ValueError):
    """The report was turned into a case or added to one already."""


def network_available(organisation: Organisation) -> bool:
    """Whether her organisation is in a network, so the (c) choice offers to look for him there too."""
    provider = hooks.report_network()
    return provider is not None and provider.available(organisation_id=organisation.pk)


def _his_mention(report: Report) -> Mention:
    return Mention(id=report.code, full_name=report.his_name.strip() or None,
                   phones=identifier_lines(report.his_phones), handles=identifier_lines(report.his_handles),
                   plates=identifier_lines(report.his_plates))


def _network_refresh(report: Report, *, again: bool = True) -> None:
    """After her report was sent or changed, with what she wrote in hand (never inside a database
    transaction: keying asks the key service): a sealed report she asked be looked for in the
    network has the man's network tokens made (network.reports), any other has its ref withdrawn.
    `again=False` (her visit) keys only a report whose tokens are not held (the key service could
    not be reached when she sent it, or the organisation joined another network since)."""
    provider = hooks.report_network()
    if provider is None:
        return
    if report.choice == Choice.SEALED and report.network:
        if again or not provider.has(report_code=report.code):
            provider.key(report_code=report.code, organisation_id=report.organisation_id,
                         mention=_his_mention(report), year_month=report.date_from[:7])
    else:
        provider.withdraw(report_code=report.code)


def report_submit(
    *, organisation: Organisation, data: ReportInput, pin: str, upload: tuple[str, bytes] | None = None
) -> tuple[Report, str]:
    """Stores her report under a fresh key; returns it and its receipt code (shown to her once)."""
    report, code = _report_submit(organisation=organisation, data=data, pin=pin, upload=upload)
    _network_refresh(report)
    return report, code


@transaction.atomic
def _report_submit(
    *, organisation: Organisation, data: ReportInput, pin: str, upload: tuple[str, bytes] | None = None
) -> tuple[Report, str]:
    if quota_reached(organisation):
        raise QuotaReached
    code = receipt.new_receipt_code()
    report = Report(organisation=organisation, receipt_index=_receipt_index(code),
                    receipt_hash=receipt.receipt_hash(code, pin))
    # The key is stored before the row commits (as for cases): a crash leaves an unused key only.
    report._dek = report_key_create(report.code)
    report_key_wrap_for_survivor(report.code, report._dek, code=code, pin=pin)
    report.key_wrap = Report.KeyWrap.BOTH
    _write(report, data)
    report.save()
    _file_add(report, upload)
    escrow.report_changed(report)
    if report.choice == Choice.SEALED:
        # The matching tokens are made: from now on only her code and PIN open the report.
        _server_wrap_destroy(report)
    record(actor=None, action=Action.REPORT_SUBMITTED, organisation_code=organisation.code, object_code=report.code)
    return report, code


def report_open(*, code: str, pin: str) -> Report | None:
    """The report that code and PIN open, else None, the same for a wrong code as for a wrong PIN
    (a wrong code is checked against a dummy hash, so it takes as long). Both are audited."""
    report = _report_open(code=code, pin=pin)
    if report is not None:
        _network_refresh(report, again=False)
    return report


@transaction.atomic
def _report_open(*, code: str, pin: str) -> Report | None:
    report = Report.objects.filter(receipt_index=_receipt_index(code)).select_related("organisation").first()
    if report is None:
        receipt.receipt_verify_nothing(code, pin)
        record(actor=None, action=Action.REPORT_RECEIPT_FAILED)
        return None
    if not receipt.receipt_verify(report.receipt_hash, code, pin):
        record(actor=None, action=Action.REPORT_RECEIPT_FAILED, organisation_code=report.organisation.code)
        return None
    dek = report_key_from_survivor(report.code, code=code, pin=pin)
    if dek is not None:
        _reconcile_server_wrap(report, dek)
    if dek is None:
        # A report from before survivors' wraps: wrapped for her now, and, if sealed, no longer for the server.
        dek = report_key(report.code)
        report_key_wrap_for_survivor(report.code, dek, code=code, pin=pin)
        report.key_wrap = Report.KeyWrap.BOTH
        report.save(update_fields=["key_wrap"])
        if report.choice == Choice.SEALED and report.release != Report.Release.AGREED:
            _server_wrap_destroy(report)
    report._dek = dek
    record(actor=None, action=Action.REPORT_OPENED, organisation_code=report.organisation.code,
           object_code=report.code)
    return report


def _reconcile_server_wrap(report: Report, dek: bytes) -> None:
    """The key store commits on its own, before the database: a transaction that failed after a
    wrap was destroyed or made again leaves the two disagreeing. Her visit, which holds the key,
    puts the store back in line with the row: a sealed report keeps no server copy, and a report
    the row says staff may read gets its server copy back."""
    on_server = report_key_exists(report.code)
    if report.key_wrap == Report.KeyWrap.SURVIVOR and on_server:
        report_key_destroy(report.code)
    elif report.key_wrap == Report.KeyWrap.BOTH and not on_server:
        report_key_put(report.code, dek)


def _server_wrap_destroy(report: Report) -> None:
    """The server's copy of the report's key goes (her own wrap stays): the report is sealed."""
    report_key_destroy(report.code)
    report.key_wrap = Report.KeyWrap.SURVIVOR
    report.save(update_fields=["key_wrap"])


def _server_wrap_restore(report: Report) -> None:
    """The key her code and PIN unwrapped is wrapped for the server again: staff may read it."""
    if report.key_wrap != Report.KeyWrap.SURVIVOR:
        return
    report_key_put(report.code, report.data_key())
    report.key_wrap = Report.KeyWrap.BOTH
    report.save(update_fields=["key_wrap"])


@transaction.atomic
def report_add(*, report: Report, text: str, upload: tuple[str, bytes] | None = None) -> ReportMessage | None:
    """New facts, a new file, or both. Raises TooManyFiles when the report holds as many as it may."""
    _file_add(report, upload)
    message = None
    if text:
        message = ReportMessage(report=report, from_survivor=True, text=text)
        message.save()
    Report.objects.filter(pk=report.pk).update(updated_at=timezone.now())
    record(actor=None, action=Action.REPORT_ADDED_TO, organisation_code=report.organisation.code,
           object_code=report.code)
    return message


def report_choice_change(
    *, report: Report, choice: str, contact_way: str, contact_details: str, safe_times: str,
    network: bool = False,
) -> Report:
    """Her choices again. Leaving (c), or unticking the network box, withdraws the report's network
    ref (gone from the hub at the next sync); ticking it keys him for the network now."""
    network = network and choice == Choice.SEALED
    was = (report.choice, report.network)
    report = _report_choice_change(report=report, choice=choice, contact_way=contact_way,
                                   contact_details=contact_details, safe_times=safe_times, network=network)
    if (report.choice, report.network) != was:
        _network_refresh(report)
    return report


@transaction.atomic
def _report_choice_change(
    *, report: Report, choice: str, contact_way: str, contact_details: str, safe_times: str, network: bool
) -> Report:
    changed = [name for name, value in (("choice", choice), ("network", network), ("contact_way", contact_way),
                                        ("contact_details", contact_details), ("safe_times", safe_times))
               if getattr(report, name) != value]
    if not changed:
        return report
    sealing = choice == Choice.SEALED and report.choice != Choice.SEALED
    unsealing = choice != Choice.SEALED and report.choice == Choice.SEALED
    if sealing:
        # Sealed again: whatever she agreed to before, staff read it only after a new match and her yes.
        report.release = ""
        report.matched_at = None
    report.choice = choice
    report.network = network
    report.contact_way = contact_way
    report.contact_details = contact_details
    report.safe_times = safe_times
    report.save()
    escrow.report_changed(report)
    if sealing:
        _server_wrap_destroy(report)
    elif unsealing:
        _server_wrap_restore(report)
    record(actor=None, action=Action.REPORT_CHOICE_CHANGED, organisation_code=report.organisation.code,
           object_code=report.code, extra={"fields": changed})
    return report


@transaction.atomic
def report_share_answer(*, report: Report, agree: bool) -> Report:
    """Her answer, once a sealed report was found to name the same man: only "yes" opens it to staff."""
    if report.release != Report.Release.ASKED:
        raise ValueError("she has not been asked")
    report.release = Report.Release.AGREED if agree else Report.Release.REFUSED
    report.save(update_fields=["release", "updated_at"])
    if agree:
        _server_wrap_restore(report)
        provider = hooks.report_network()
        if provider is not None:
            provider.shared(report_code=report.code)
    record(actor=None, action=Action.REPORT_SHARED, organisation_code=report.organisation.code,
           object_code=report.code, extra={"agreed": agree})
    return report


def report_delete(*, report: Report) -> None:
    """Deletes her report: both wraps of its key first, the server's and hers (crypto-shredding;
    from then on nothing she wrote can be read from any copy of the database, even with her code
    and PIN), then its rows. A case made from it, or one it was added to, keeps what it holds."""
    org_code, code = report.organisation.code, report.code
    provider = hooks.report_network()
    if provider is not None:
        provider.withdraw(report_code=code)  # its ref goes from the hub at the next sync
    report_keys_destroy(code)
    files.remove(code)
    with transaction.atomic():
        Report.objects.filter(pk=report.pk).delete()
        record(actor=None, action=Action.REPORT_DELETED, organisation_code=org_code, object_code=code)


# --- Coordinators -------------------------------------------------------------------------------


def _check_coordinator_of(actor: User, report: Report) -> None:
    if acting_member(actor).organisation_id != report.organisation_id:
        raise PermissionError("only the report's organisation handles it")


def _check_readable(report: Report) -> None:
    if not report.readable_by_staff:
        raise PermissionError("a sealed report is not shown to staff")


@transaction.atomic
def report_viewed(*, actor: User, report: Report) -> None:
    _check_coordinator_of(actor, report)
    record(actor=actor, action=Action.REPORT_VIEWED, object_code=report.code)


@transaction.atomic
def report_reply(*, actor: User, report: Report, text: str) -> ReportMessage:
    _check_coordinator_of(actor, report)
    _check_readable(report)
    message = ReportMessage(report=report, from_survivor=False, text=text)
    message.save()
    record(actor=actor, action=Action.REPORT_REPLIED, object_code=report.code)
    return message


@transaction.atomic
def report_mark_spam(*, actor: User, report: Report) -> Report:
    _check_coordinator_of(actor, report)
    report.status = Report.Status.SPAM
    report.save(update_fields=["status", "updated_at"])
    record(actor=actor, action=Action.REPORT_SPAM, object_code=report.code)
    return report


def consents_from_choice(choice: str) -> dict[str, bool]:
    """Her consents in the case, from what she chose: (b) is consent to be contacted and referred;
    nothing she chose says she agrees to matching or statistics, so those stay off until she is asked."""
    return {"consent_services": choice == Choice.CONTACT, "consent_matching": False,
            "consent_statistics": False, "consent_network": False}


def _hand_over(*, actor: User, report: Report, case: Case, status: str) -> int:
    """Her files become the case's evidence ("submitted by the survivor") and the report points to
    the case it became (CASE) or went into (MERGED); returns how many files."""
    attached = [(f.filename, files.read(report.data_key(), report_code=report.code, file_code=f.code))
                for f in report.files.all()]
    hooks.survivor_files_received(actor=actor, case=case, files=attached)
    report.status = status
    report.case_code = case.code
    report.save(update_fields=["status", "case_code", "updated_at"])
    return len(attached)


@transaction.atomic
def report_to_case(
    *, actor: User, report: Report, survivor: SurvivorInput, incident: IncidentInput,
    suspects: Sequence[SuspectInput] = (),
) -> Case:
    """A case from her report (the intake form prefilled from it); the report then points to it."""
    _check_coordinator_of(actor, report)
    _check_readable(report)
    if report.status in (Report.Status.CASE, Report.Status.MERGED):
        raise AlreadyHandled("this report is a case, or in one, already")
    case = case_services.case_create(actor=actor, survivor=survivor, incident=incident, suspects=suspects)
    _hand_over(actor=actor, report=report, case=case, status=Report.Status.CASE)
    record(actor=actor, action=Action.REPORT_TO_CASE, case_code=case.code, object_code=report.code)
    return case


# --- Merging a report into an existing case -----------------------------------------------------


def _lines(*texts: str) -> list[str]:
    return [line.strip() for text in texts for line in text.splitlines() if line.strip()]


def merge_note_text(report: Report) -> str:
    """Her report as a note of the case, in the coordinator's language: what happened, in her
    words, and what she added later. How to reach her is in it only if she chose to be contacted."""
    received = formats.date_format(timezone.localtime(report.created_at), "SHORT_DATE_FORMAT")
    places = dict(choice_items("place_types"))
    when = " – ".join(d for d in (report.date_from, report.date_to) if d)
    parts = [_("From a survivor's own report %(code)s, received on %(date)s.") % {"code": report.short_code,
                                                                               "date": received}]
    for label, value in ((_("When it happened"), when), (_("City or village"), report.city),
                         (_("Place"), places.get(report.place_type, report.place_type))):
        if value:
            parts.append(f"{label}: {value}")
    if report.account:
        parts.append(_("What he did, in her words") + ":\n" + report.account)
    if report.choice == Choice.CONTACT and (report.contact_details or report.safe_times):
        way = dict(Contact.choices).get(report.contact_way, "")
        reach = " ".join(str(v) for v in (way, report.contact_details, report.safe_times) if v)
        parts.append(_("How to reach her safely") + ": " + reach)
    for message in report.messages.filter(from_survivor=True):
        added = formats.date_format(timezone.localtime(message.created_at), "SHORT_DATE_FORMAT")
        parts.append(_("She added on %(date)s") % {"date": added} + ":\n" + message.text)
    return "\n\n".join(parts)


def report_suspect_input(report: Report) -> SuspectInput | None:
    """The man as she described him, as a suspect; None if she gave nothing of him."""
    data = SuspectInput(full_name=report.his_name.strip(), phones=report.his_phones.strip(),
                        handles=report.his_handles.strip(), plates=report.his_plates.strip(),
                        description=report.his_description.strip())
    return data if any((data.full_name, data.phones, data.handles, data.plates, data.description)) else None


def _merged_lines(old: str, new: str) -> str:
    kept = _lines(old)
    return "\n".join(kept + [line for line in _lines(new) if line not in kept])


def _merged_suspect(suspect: Suspect, ours: SuspectInput) -> SuspectInput:
    """His identifiers as the case has them, plus those of her report the case does not have yet."""
    current = SuspectInput.of(suspect)
    names = _lines(current.full_name, current.aliases)
    aliases = current.aliases
    if ours.full_name and ours.full_name not in names:
        aliases = _merged_lines(aliases, ours.full_name) if current.full_name else aliases
    return replace(current, full_name=current.full_name or ours.full_name, aliases=aliases,
                   phones=_merged_lines(current.phones, ours.phones),
                   handles=_merged_lines(current.handles, ours.handles),
                   plates=_merged_lines(current.plates, ours.plates),
                   description=_merged_lines(current.description, ours.description))


NEW_SUSPECT = "new"
NO_SUSPECT = "none"


@transaction.atomic
def report_merge(*, actor: User, report: Report, case: Case, suspect: str = NO_SUSPECT) -> Case:
    """Adds her report to a case the coordinator may write to: its facts as a note, the man's
    identifiers as a new suspect (`suspect="new"`), added to one of the case's suspects (his
    code), or not at all ("none"); her files become the case's evidence, custody starting
    "submitted by the survivor". The report is then marked merged. A sealed report is refused
    until she agreed to share it."""
    _check_coordinator_of(actor, report)
    _check_readable(report)
    if report.status in (Report.Status.CASE, Report.Status.MERGED):
        raise AlreadyHandled("this report is a case, or in one, already")
    if case.organisation_id != report.organisation_id or not can_edit(actor, case):
        raise PermissionError("she may not add to this case")
    target = None
    if suspect not in (NEW_SUSPECT, NO_SUSPECT):
        target = case.suspects.filter(code=suspect).first()
        if target is None:
            raise PermissionError("no such suspect in this case")
    case_services.note_add(actor=actor, case=case, text=merge_note_text(report))
    ours = report_suspect_input(report)
    if ours is not None and suspect == NEW_SUSPECT:
        case_services.suspect_add(actor=actor, case=case, data=ours)
    elif ours is not None and target is not None:
        case_services.suspect_update(actor=actor, suspect=target, data=_merged_suspect(target, ours),
                                     version=target.version)
    attached = _hand_over(actor=actor, report=report, case=case, status=Report.Status.MERGED)
    record(actor=actor, action=Action.REPORT_MERGED, case_code=case.code, object_code=report.code,
           extra={"suspect": "new" if suspect == NEW_SUSPECT else "none" if suspect == NO_SUSPECT else "added to",
                  "files": attached})
    return case

"""Sealed until he does it again: finding that a sealed report (choice c) names the same man as a
case or another report, without anyone reading it.

Each report keeps the blind indexes of the man's identifiers (ReportToken), made exactly as a
case's suspect's (cases.search.suspect_tokens), so "8 (701) 999-12-34" meets "+77019991234" and
"Ерлан" meets "Yerlan". A match is one shared phone, account, plate or IIN, or two shared name
words. It is looked for when a report is sent or changed, and when a case's suspect is added or
changed (cases.hooks.suspect_changed). A match tells the coordinators (the queue) and asks her (her
report's page); the report opens to staff only once she agrees. If she also asked that he be
looked for in the network, the network's hub may find the match in another organisation
(network.reports keys him when she sends it); its alert asks her the same way
(`on_network_match`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.utils import timezone

from aigaq.audit.log import record
from aigaq.audit.models import Action
from aigaq.cases.models import SearchToken, Suspect
from aigaq.cases.search import suspect_tokens

from .models import Choice, Report, ReportToken

STRONG = frozenset({"phone", "handle", "plate", "iin"})


def report_tokens(report: Report) -> list[tuple[str, str]]:
    him = Suspect(full_name=report.his_name, phones=report.his_phones, handles=report.his_handles,
                  plates=report.his_plates)
    return suspect_tokens(him)


def same_man(a: Iterable[tuple[str, str]], b: Iterable[tuple[str, str]]) -> bool:
    shared = set(a) & set(b)
    return any(purpose in STRONG for purpose, _ in shared) or sum(1 for p, _ in shared if p == "name") >= 2


def tokens_refresh(report: Report) -> list[tuple[str, str]]:
    tokens = report_tokens(report)
    ReportToken.objects.filter(report=report).delete()
    ReportToken.objects.bulk_create(ReportToken(report=report, organisation_id=report.organisation_id,
                                                purpose=p, token=t) for p, t in tokens)
    return tokens


def _ask(report: Report, *, network: bool = False) -> None:
    if report.choice != Choice.SEALED or report.release:
        return
    report.release = Report.Release.ASKED
    report.matched_at = timezone.now()
    report.save(update_fields=["release", "matched_at", "updated_at"])
    record(actor=None, action=Action.REPORT_MATCHED, organisation_code=report.organisation.code,
           object_code=report.code, extra={"network": True} if network else None)


def on_network_match(*, report_code: str) -> None:
    """cases.hooks: the network's hub alerted on the report's ref (another organisation's case or
    report names the same man): she is asked, as for a match inside the organisation."""
    report = Report.objects.filter(code=report_code, network=True).select_related("organisation").first()
    if report is not None:
        _ask(report, network=True)


def _sealed_matching(organisation_id: int, tokens: list[tuple[str, str]], *, besides: int = 0) -> list[Report]:
    values = [t for _, t in tokens]
    candidates = (Report.objects.filter(organisation_id=organisation_id, choice=Choice.SEALED, release="",
                                        tokens__token__in=values).exclude(pk=besides).distinct()
                  .select_related("organisation"))
    out = []
    for candidate in candidates:
        theirs = list(ReportToken.objects.filter(report=candidate).values_list("purpose", "token"))
        if same_man(tokens, theirs):
            out.append(candidate)
    return out


def report_changed(report: Report) -> None:
    """After a report was sent or changed: its tokens again, and any match it makes."""
    tokens = tokens_refresh(report)
    if not tokens:
        return
    for other in _sealed_matching(report.organisation_id, tokens, besides=report.pk):
        _ask(other)
    if report.choice == Choice.SEALED and not report.release:
        values = [t for _, t in tokens]
        others = ReportToken.objects.filter(organisation_id=report.organisation_id, token__in=values).exclude(
            report=report).values_list("report_id", flat=True).distinct()
        suspects = SearchToken.objects.filter(organisation_id=report.organisation_id, token__in=values).values_list(
            "suspect_id", flat=True).distinct()
        for other_id in others:
            if same_man(tokens, ReportToken.objects.filter(report_id=other_id).values_list("purpose", "token")):
                _ask(report)
                return
        for suspect_id in suspects:
            if same_man(tokens, SearchToken.objects.filter(suspect_id=suspect_id).values_list("purpose", "token")):
                _ask(report)
                return


def on_suspect_changed(*, suspect: Suspect) -> None:
    """cases.hooks: a case's suspect was added or changed; a sealed report naming him is asked about."""
    tokens = list(SearchToken.objects.filter(suspect=suspect).values_list("purpose", "token"))
    if tokens:
        for report in _sealed_matching(suspect.case.organisation_id, tokens):
            _ask(report)


def on_suspects_changed(*, suspects: Sequence[Suspect]) -> None:
    """on_suspect_changed for many (a bulk write): nothing to ask when none of their organisations
    holds a sealed report still unreleased (one query), else each suspect in turn."""
    orgs = {s.case.organisation_id for s in suspects}
    if Report.objects.filter(organisation_id__in=orgs, choice=Choice.SEALED, release="").exists():
        for suspect in suspects:
            on_suspect_changed(suspect=suspect)

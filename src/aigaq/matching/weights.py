"""The organisations' matching weights (``MatchingModel``): the model a new suspect is scored
with, when a re-fit falls due, and the re-fit itself (run by ``aigaq.matching.refit``, outside
the request)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.db.models import Count, F
from django.db.models.functions import Greatest
from django.utils import timezone

from aigaq.linkage import EncodedMention, Model, Progress, fit_encoded

from .models import MatchAlert, MatchingModel, MatchingRefit, Status, SuspectCount, SuspectEncoding, SuspectNameToken
from .storage import BATCH, name_tokens

# Re-estimate the weights once this many reviews have been made since the last fit: often enough
# that the reviewers' decisions count, rarely enough that the fits stay few. The decision only
# records that a re-fit is due (MatchingRefit); aigaq.matching.refit runs it outside the request.
REESTIMATE_AFTER = 10


def _stored_model(organisation_id: int) -> Model:
    row = MatchingModel.objects.filter(organisation_id=organisation_id).only("model").first()
    return Model.from_json(row.model) if row is not None else Model.default("private")


def scoring_model(
    *, organisation_id: int, new: EncodedMention, candidates: Sequence[EncodedMention] = ()
) -> Model:
    """The stored weights, with the name frequencies the new suspect's names need and the
    candidates' one-word names (a surname with initials met inside a whole name weighs by how
    common that surname is), counted now, so a name grows common as it is recorded, without a
    refit."""
    model = _stored_model(organisation_id)
    fitted_total = max(model.tf_total, 1)
    names = list(dict.fromkeys([*name_tokens(new), *(t for c in candidates for t in c.tokens.get("name1", ()))]))
    model.tf = (
        dict(
            SuspectNameToken.objects.filter(organisation_id=organisation_id, token__in=names)
            .values("token")
            .annotate(n=Count("id"))
            .values_list("token", "n")
        )
        if names
        else {}
    )
    # Frequencies are out of all the organisation's suspects in matching.
    count = SuspectCount.objects.filter(organisation_id=organisation_id).values_list("suspects", flat=True).first()
    model.tf_total = model.n_mentions = max(count or 0, 1)
    # The share of suspects written with a one-word name, as the fit counted it (0: not counted).
    model.tf_one = round(model.tf_one * model.tf_total / fitted_total) if model.tf_one else 0
    return model


def model_decision_count(*, organisation_id: int, decision: str) -> None:
    """Counts a review decision towards the next re-fit, and requests it once REESTIMATE_AFTER
    decisions were made since the last (or at the first decision before any fit). An "unsure"
    counts but requests nothing: it teaches the fit nothing."""
    fitted = MatchingModel.objects.filter(organisation_id=organisation_id)
    fitted.update(decisions_since=F("decisions_since") + 1)
    due = fitted.filter(decisions_since__gte=REESTIMATE_AFTER).exists() or not fitted.exists()
    if due and decision != Status.UNSURE:
        refit_request(organisation_id=organisation_id)


def refit_request(*, organisation_id: int) -> None:
    """Records that the organisation's weights are due a re-fit: one row however often it is
    called (a concurrent caller's insert fails on the unique organisation and finds the row).
    The fit itself, 5–6 s at 100,000 suspects (docs/deploy.md), runs outside any request (aigaq.matching.refit)."""
    MatchingRefit.objects.get_or_create(organisation_id=organisation_id)


def reviewed_labels(*, organisation_id: int) -> dict[tuple[str, str], bool]:
    """The pairs coordinators decided, as the fit's labels: True for the same man."""
    rows = MatchAlert.objects.filter(
        organisation_id=organisation_id, status__in=(Status.CONFIRMED, Status.REJECTED)
    ).values_list("suspect_a_id", "suspect_b_id", "status")
    return {(str(a), str(b)): status == Status.CONFIRMED for a, b, status in rows}


def model_save(*, organisation_id: int, model: Model, labels: int, counted: int | None = None) -> None:
    """Stores the weights. counted: the reviews the fit had seen counted in ``decisions_since``
    when it began; reviews made while it ran stay counted. None: the fit saw them all."""
    model.tf = {}  # name frequencies are counted at scoring time (SuspectNameToken)
    fields: dict[str, Any] = {"model": model.to_json(), "fitted_at": timezone.now(), "labels": labels}
    since = Greatest(F("decisions_since") - counted, 0) if counted is not None else 0
    if not MatchingModel.objects.filter(organisation_id=organisation_id).update(**fields, decisions_since=since):
        MatchingModel.objects.create(organisation_id=organisation_id, **fields)


def _stored_encodings(organisation_id: int) -> list[EncodedMention]:
    rows = SuspectEncoding.objects.filter(organisation_id=organisation_id).order_by("suspect_id")
    texts = rows.values_list("encoded", flat=True).iterator(chunk_size=BATCH)
    return [EncodedMention.from_json(text) for text in texts]


def model_reestimate(*, organisation_id: int, progress: Progress | None = None) -> Model:
    """Refits the organisation's weights from the stored encodings and the reviewed pairs, and
    clears its due re-fit (MatchingRefit) unless enough reviews came in meanwhile to make another
    one due.

    Reading and fitting run outside any transaction: on SQLite every transaction here is
    IMMEDIATE (settings), so one around the fit would hold the write lock for its 5–6 s at
    100,000 suspects, and every other write would wait for it (a review made mid-fit waited
    1.9 s, docs/deploy.md), or fail past the 5 s busy timeout. The new weights replace the old
    in one short transaction; scoring uses the old ones until it commits."""
    fitted = MatchingModel.objects.filter(organisation_id=organisation_id)
    counted = fitted.values_list("decisions_since", flat=True).first() or 0  # before the labels are read
    encoded = _stored_encodings(organisation_id)
    labels = reviewed_labels(organisation_id=organisation_id)
    model = fit_encoded(encoded, labels, progress=progress).model
    with transaction.atomic():
        model_save(organisation_id=organisation_id, model=model, labels=len(labels), counted=counted)
        due = MatchingRefit.objects.filter(organisation_id=organisation_id)
        if fitted.filter(decisions_since__gte=REESTIMATE_AFTER).exists():
            due.update(started_at=None)  # reviews made during the fit: due again, for any worker
        else:
            due.delete()
    return model

"""Posting an edit form the way a browser does: the form as the page filled it, some fields changed."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.test import Client

from aigaq.cases.forms import edit_initial
from aigaq.cases.models import CaseRecord


def as_posted(prefix: str, values: dict[str, Any]) -> dict[str, str]:
    """Form values as a browser posts them: ticked boxes "on", unticked ones and None left out."""
    data: dict[str, str] = {}
    for name, value in values.items():
        if value is None or value is False:
            continue
        if value is True:
            value = "on"
        elif isinstance(value, dt.date):
            value = value.isoformat()
        elif isinstance(value, Decimal):
            value = str(value)
        data[f"{prefix}-{name}"] = str(value)
    return data


def edit_post(client: Client, url: str, prefix: str, record: CaseRecord, **changes: Any) -> Any:
    """Posts the record's edit form filled from the record as it is now, with `changes`."""
    return client.post(url, as_posted(prefix, {**edit_initial(record), **changes}))

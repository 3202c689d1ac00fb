"""Sending a report through the public form, as a survivor's browser does."""

from __future__ import annotations

import re
from typing import Any

from django.test import Client

from aigaq.accounts.models import Organisation
from aigaq.reports.forms import question_terms

ACCOUNT = "Он поджидал меня у подъезда каждый вечер"
HIS_NAME = "Ерлан Қасымов"
HIS_PHONE = "+7 701 999 12 34"
PIN = "482913"


def form_fields(client: Client, org: Organisation) -> dict[str, Any]:
    page = client.get(f"/report/{org.code}/").content.decode()
    token = re.search(r'name="question" value="([^"]+)"', page)
    assert token is not None
    terms = question_terms(token.group(1))
    assert terms is not None
    return {"question": token.group(1), "answer": str(sum(terms))}


def report_post(client: Client, org: Organisation, **overrides: Any) -> Any:
    data = {
        "date_from": "2025-03-01", "city": "Алматы", "place_type": "home", "account": ACCOUNT,
        "his_name": HIS_NAME, "his_phones": HIS_PHONE, "his_handles": "@erlan_k", "his_plates": "123ABC02",
        "his_description": "высокий, шрам на левой руке", "contact_way": "phone", "contact_details": "+7 705 111 22 33",
        "safe_times": "будни 10-13", "choice": "contact", "pin": PIN, "pin_again": PIN,
        **form_fields(client, org),
    }
    data.update(overrides)
    return client.post(f"/report/{org.code}/", data)


def send_report(org: Organisation, **overrides: Any) -> tuple[Client, str]:
    """A survivor's visit that sends a report; returns her browser and the receipt code shown."""
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    response = report_post(client, org, **overrides)
    assert response.status_code == 302, response.content.decode()[:2000]
    page = client.get("/report/sent/").content.decode()
    groups = re.findall(r'class="receipt-group">([^<]+)<', page)
    assert len(groups) == 4
    return client, " ".join(groups)


def open_with(client: Client, code: str, pin: str = PIN) -> Any:
    return client.post("/report/open/", {"code": code, "pin": pin})

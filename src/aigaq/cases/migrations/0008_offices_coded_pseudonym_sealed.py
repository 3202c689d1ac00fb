"""Coded offices on pathway events, and the survivor's pseudonym sealed (issues 12 and 13).

- An event's police unit (`unit`) and court (`court`) were free text in its plaintext facts. Each
  written name is matched onto an entry of reference.offices() (cases.offices.best_match, with the
  case's region first); a match is stored as the entry's code, and a name that matches nothing is
  stored as "other" with the name moved into the event's sealed details (`unit_other`,
  `court_other`), where the coordinator's "Offices to map" page lists it. No name stays in `facts`.
- The pseudonym becomes a sealed field: each existing one is sealed under its case's key.

Events and survivors of an erased case (no key in the key store) cannot be sealed: their names are
dropped, which is what erasure wants anyway. Reversing keeps the codes and leaves the pseudonym
sealed: nothing is put back in clear.
"""

from __future__ import annotations

import json
from typing import Any

from django.db import migrations

import aigaq.keys.sealed

OFFICE_FIELDS = {"unit": "police", "court": "court", "prosecutor": "prosecutor"}


def _aad(table: str, code: str, field: str) -> str:
    return f"{table}:{code}:{field}"


def code_offices_and_seal(apps: Any, schema_editor: Any) -> None:
    from aigaq.cases import offices
    from aigaq.keys.store import KeyDestroyed, case_key
    from aigaq.lib import crypto

    event_model = apps.get_model("cases", "PathwayEvent")
    survivor_model = apps.get_model("cases", "Survivor")
    incident_model = apps.get_model("cases", "Incident")
    case_model = apps.get_model("cases", "Case")
    regions = dict(incident_model.objects.values_list("case_id", "region"))
    keys: dict[int, bytes | None] = {}

    def key_of(case_id: int) -> bytes | None:
        if case_id not in keys:
            try:
                keys[case_id] = case_key(case_model.objects.get(pk=case_id).code)
            except KeyDestroyed:
                keys[case_id] = None
        return keys[case_id]

    event_table = event_model._meta.db_table
    # Read as raw values: a historical model has no data_key(), so its sealed fields stay unread.
    rows = event_model.objects.values_list("pk", "case_id", "code", "facts", "details_sealed")
    for pk, case_id, code, stored_facts, raw in rows.iterator(chunk_size=500):
        facts = dict(stored_facts or {})
        written = {name: facts[name] for name in OFFICE_FIELDS if isinstance(facts.get(name), str) and facts[name]}
        written = {name: value for name, value in written.items() if value != offices.OTHER}
        if not written:
            continue
        others: dict[str, str] = {}
        for name, value in written.items():
            office_code, text = offices.resolve(value, kind=OFFICE_FIELDS[name], region=regions.get(case_id, ""))
            facts[name] = office_code
            if text:
                others[f"{name}_other"] = text
        update: dict[str, Any] = {"facts": facts}
        if others:
            dek = key_of(case_id)
            if dek is None:
                for name in others:
                    facts.pop(name.removesuffix("_other"), None)
            else:
                aad = _aad(event_table, code, "details_sealed")
                details = json.loads(crypto.open_text(dek, str(raw), aad=aad)) if raw else {}
                details.update(others)
                update["details_sealed"] = crypto.seal_text(
                    dek, json.dumps(details, ensure_ascii=False, sort_keys=True), aad=aad
                )
        event_model.objects.filter(pk=pk).update(**update)

    survivor_table = survivor_model._meta.db_table
    for survivor_id, case_id, code, pseudonym in survivor_model.objects.values_list(
        "pk", "case_id", "code", "pseudonym"
    ).iterator(chunk_size=500):
        if not pseudonym:
            continue
        dek = key_of(case_id)
        sealed = (
            crypto.seal_text(dek, str(pseudonym), aad=_aad(survivor_table, code, "pseudonym"))
            if dek is not None else ""
        )
        survivor_model.objects.filter(pk=survivor_id).update(pseudonym=sealed)


class Migration(migrations.Migration):
    dependencies = [("cases", "0007_case_list_summary")]

    operations = [
        migrations.AlterField(
            model_name="survivor",
            name="pseudonym",
            field=aigaq.keys.sealed.SealedTextField(verbose_name="pseudonym"),
        ),
        migrations.RunPython(code_offices_and_seal, migrations.RunPython.noop),
    ]

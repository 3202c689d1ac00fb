"""Deleting an abuse log entry: crypto-shredding (its key destroyed, its rows and files deleted),
audited by its code only, asked again by its number and a fresh re-authentication, and not
brought back by a key-store backup restored later."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import call_command

from aigaq.abuse import services
from aigaq.abuse.models import AbuseEntry, AbuseFile, AbuseRevision, SenderToken
from aigaq.accounts.models import User
from aigaq.audit.log import verify
from aigaq.audit.models import Action, AuditEntry
from aigaq.keys.store import abuse_key_name, case_key_exists

from ..protection.helpers import stepped_up
from .helpers import entry_input, jpeg_with_gps, make_entry


def _entry_with_everything(author: User) -> AbuseEntry:
    entry = make_entry(author, attachments=[("screen.jpg", jpeg_with_gps())])
    services.entry_update(actor=author, entry=entry, data=entry_input(message="corrected"), version=1,
                          reason="typo")
    return entry


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("who", ["alice", "cora"])
def test_deleting_an_entry_destroys_its_key_rows_and_files_and_is_audited_by_code_only(
    who: str, alice: User, cora: User,
) -> None:
    entry = _entry_with_everything(alice)
    folder = services.folder(entry)
    assert any(folder.iterdir()) and case_key_exists(abuse_key_name(entry.code))
    client = stepped_up({"alice": alice, "cora": cora}[who])
    url = f"/abuse/{entry.code}/delete/"
    page = client.get(url)
    assert page.status_code == 200 and "cannot be undone" in page.content.decode()
    wrong = client.post(url, {"confirm": "WRONG123"})
    assert wrong.status_code == 400 and "This is not the number of this entry." in wrong.content.decode()
    assert 'value="WRONG123"' in wrong.content.decode()  # what she typed is kept
    assert AbuseEntry.objects.filter(pk=entry.pk).exists()
    done = client.post(url, {"confirm": entry.short_code.lower()})  # its files go after the commit
    assert done.status_code == 302 and done["Location"] == "/abuse/"
    assert not case_key_exists(abuse_key_name(entry.code))
    assert not AbuseEntry.objects.filter(code=entry.code).exists()
    assert not AbuseFile.objects.exists() and not AbuseRevision.objects.exists() and not SenderToken.objects.exists()
    assert not folder.exists()
    deleted = AuditEntry.objects.get(action=Action.ABUSE_ENTRY_DELETED)
    assert deleted.object_code == entry.code and not deleted.extra
    assert deleted.actor_id == {"alice": alice, "cora": cora}[who].pk
    assert list(verify()) == []


@pytest.mark.django_db
def test_deleting_an_entry_asks_for_a_fresh_re_authentication(alice: User) -> None:
    from ..conftest import client_for

    entry = make_entry(alice)
    response = client_for(alice).post(f"/abuse/{entry.code}/delete/", {"confirm": entry.short_code})
    assert response.status_code in (200, 403) and "step_up_method" in response.content.decode()
    assert AbuseEntry.objects.filter(pk=entry.pk).exists()


@pytest.mark.django_db(transaction=True)
def test_restoring_an_old_key_backup_keeps_a_deleted_entrys_key_destroyed(alice: User, tmp_path: Path) -> None:
    entry, kept = make_entry(alice), make_entry(alice)
    keys_out = tmp_path / "keys.aigaqbak"
    call_command("backup", "--key-store", "-o", str(keys_out))
    services.entry_delete(actor=alice, entry=entry)
    call_command("restore", "--key-store", str(keys_out))
    assert not case_key_exists(abuse_key_name(entry.code))
    assert case_key_exists(abuse_key_name(kept.code))

"""`aigaq network join|sync|status|alerts`, and the sync thread of `aigaq serve`."""

from __future__ import annotations

import json
import logging
import time
from io import StringIO
from typing import Any
from unittest import mock

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command

from aigaq import worker as worker_module
from aigaq.accounts.models import Organisation
from aigaq.audit.models import Action, AuditEntry
from aigaq.cases.models import Case
from aigaq.lib.crypto.signing import public_key_of
from aigaq.network import background
from aigaq.network.models import NetworkConfig, NetworkSuspect
from aigaq.ops import cli

from .conftest import HUB, FakeNetwork, hub_alert


def run(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_join_registers_a_new_key_and_pins_the_key_services(network: FakeNetwork, org: Organisation) -> None:
    out = run("network_join", HUB, "INVITE-1", "--city", "Astana")
    assert "joined the network" in out and "m-astana" in out
    config = NetworkConfig.objects.get()
    assert (config.organisation, config.name, config.city) == (org, org.name, "Astana")
    assert config.member_id == "m-astana" and config.keyservice_url == "http://keys.test"
    assert public_key_of(config.identity().private_key) == network.member_key
    assert config.identity().private_key.hex() not in config.signing_key_sealed, "the key is sealed at rest"
    [join] = network.paths("/v1/join")
    assert join.body == {"invitation": "INVITE-1", "name": org.name, "city": "Astana",
                         "public_key": network.member_key}
    entry = AuditEntry.objects.get(action=Action.NETWORK_JOINED)
    assert entry.organisation_code == org.code and entry.extra == {"member": "m-astana", "rejoined": False}


def test_join_takes_another_name(network: FakeNetwork, org: Organisation) -> None:
    run("network_join", HUB, "INVITE-1", "--name", "Astana crisis centre", "--city", "Astana")
    assert network.paths("/v1/join")[0].body["name"] == "Astana crisis centre"


def test_join_needs_a_city(network: FakeNetwork, org: Organisation) -> None:
    with pytest.raises(CommandError, match="--city"):
        run("network_join", HUB, "INVITE-1")
    assert network.requests == []


def test_join_with_a_bad_invitation_says_so_and_keeps_nothing(network: FakeNetwork, org: Organisation) -> None:
    with pytest.raises(CommandError, match="bad_invitation"):
        run("network_join", HUB, "WRONG", "--city", "Astana")
    assert not NetworkConfig.objects.exists()


def test_join_twice_is_refused(joined: NetworkConfig) -> None:
    with pytest.raises(CommandError, match="already a member"):
        run("network_join", HUB, "INVITE-1", "--city", "Astana")


def test_an_instance_of_several_organisations_names_the_one_that_joins(
    network: FakeNetwork, org: Organisation, other_org: Organisation
) -> None:
    with pytest.raises(CommandError, match="--organisation"):
        run("network_join", HUB, "INVITE-1", "--city", "Oral")
    with pytest.raises(CommandError, match="no organisation"):
        run("network_join", HUB, "INVITE-1", "--city", "Oral", "--organisation", "nosuch")
    run("network_join", HUB, "INVITE-1", "--city", "Oral", "--organisation", other_org.code)
    assert NetworkConfig.objects.get().organisation == other_org


def test_sync_says_what_it_did(joined: NetworkConfig, network: FakeNetwork, consenting_case: Case) -> None:
    assert "1 uploaded" in run("network_sync")


def test_sync_fails_loudly_when_the_hub_is_down(
    joined: NetworkConfig, network: FakeNetwork, consenting_case: Case
) -> None:
    network.down.add(HUB)
    with pytest.raises(CommandError, match="unreachable"):
        run("network_sync")


def test_sync_before_joining_says_how_to_join(network: FakeNetwork, db: Any) -> None:
    with pytest.raises(CommandError, match="network join"):
        run("network_sync")


def test_status_before_and_after_joining(network: FakeNetwork, org: Organisation, consenting_case: Case) -> None:
    assert "joined: no" in run("network_status")
    run("network_join", HUB, "INVITE-1", "--city", "Astana")
    out = run("network_status")
    assert "joined: yes, member m-astana" in out and f"hub: {HUB}" in out
    assert "pending uploads: 1" in out and "last sync: never" in out
    run("network_sync")
    out = run("network_status")
    assert "pending uploads: 0" in out and "last sync: never" not in out and "alerts: 0" in out


def test_alerts_as_json_lines_without_personal_data(
    joined: NetworkConfig, network: FakeNetwork, consenting_case: Case
) -> None:
    run("network_sync")
    ref = NetworkSuspect.objects.get().ref
    network.alerts = [hub_alert(ref), hub_alert(ref, id="alert2", state="closed", closed_reason="withdrawn")]
    run("network_sync")
    lines = run("network_alerts", "--json").splitlines()
    alerts = [json.loads(line) for line in lines]
    assert [a["id"] for a in alerts] == ["alert1", "alert2"]
    assert alerts[0] == {"id": "alert1", "other_member": "Oral crisis centre", "strength": 0.93,
                         "evidence_kinds": ["name", "name_initial"], "chained": False, "state": "open",
                         "my_decision": "",
                         "other_decision": ""}
    assert alerts[1]["state"] == "closed"
    assert "alert1" in run("network_alerts")


def test_alerts_as_json_tell_a_chained_alert_from_a_direct_one(
    joined: NetworkConfig, network: FakeNetwork, consenting_case: Case
) -> None:
    run("network_sync")
    ref = NetworkSuspect.objects.get().ref
    network.alerts = [hub_alert(ref), hub_alert(ref, id="alert2", chained=True, evidence_kinds=[])]
    run("network_sync")
    alerts = {a["id"]: a for a in map(json.loads, run("network_alerts", "--json").splitlines())}
    assert (alerts["alert1"]["chained"], alerts["alert2"]["chained"]) == (False, True)
    assert alerts["alert2"]["evidence_kinds"] == []
    assert "chained" in run("network_alerts").splitlines()[1]


def test_aigaq_network_runs_the_members_commands(network: FakeNetwork, db: Any) -> None:
    with mock.patch("django.core.management.execute_from_command_line") as execute:
        assert cli.main(["network", "alerts", "--json"]) == 0
    execute.assert_called_once_with(["aigaq manage", "network_alerts", "--json"])


def test_the_interval_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AIGAQ_NETWORK_SYNC_SECONDS", raising=False)
    assert background.sync_interval() == 60
    monkeypatch.setenv("AIGAQ_NETWORK_SYNC_SECONDS", "300")
    assert background.sync_interval() == 300
    monkeypatch.setenv("AIGAQ_NETWORK_SYNC_SECONDS", "0")
    assert background.sync_interval() == 0
    for wrong in ("soon", "-5", "1.5"):
        monkeypatch.setenv("AIGAQ_NETWORK_SYNC_SECONDS", wrong)
        with pytest.raises(ImproperlyConfigured):
            background.sync_interval()


def test_failures_back_off_up_to_an_hour_and_honour_retry_after() -> None:
    assert background.next_wait(60, 0) == 60
    assert [background.next_wait(60, n) for n in (1, 2, 3)] == [120, 240, 480]
    assert background.next_wait(60, 20) == 3600
    assert background.next_wait(60, 1, retry_after=900) == 900


def test_the_sync_task_backs_off_while_the_hub_is_down_and_recovers(
    joined: NetworkConfig, network: FakeNetwork, consenting_case: Case, caplog: pytest.LogCaptureFixture
) -> None:
    network.down.add(HUB)
    background._Failures.count = 0
    with caplog.at_level(logging.WARNING):
        assert background.sync_task.call() == 120
        assert background.sync_task.call() == 240
        network.down.clear()
        assert background.sync_task.call() == 60
    assert "network sync stopped: unreachable" in caplog.text
    assert "Жәнібек" not in caplog.text
    assert not NetworkSuspect.objects.get().dirty


def test_the_sync_task_logs_an_unexpected_failure_by_its_type_only(caplog: pytest.LogCaptureFixture) -> None:
    background._Failures.count = 0
    with (
        mock.patch.object(background, "network_sync", side_effect=RuntimeError("Арулым Бекова")),
        caplog.at_level(logging.ERROR),
    ):
        assert background.sync_task.call() == 120
    background._Failures.count = 0
    assert "network sync failed: RuntimeError" in caplog.text and "Арулым" not in caplog.text


def test_the_worker_enqueues_the_sync_and_waits_what_it_asks(
    joined: NetworkConfig, network: FakeNetwork, consenting_case: Case,
) -> None:
    from django_tasks import TaskResultStatus

    background._Failures.count = 0
    network.down.add(HUB)
    later = time.monotonic() + 10**9
    assert background.sync_task.module_path in worker_module.enqueue_due(now=later)
    worker_module.run_ready()
    job = next(j for j in worker_module.periodic_jobs() if j.name == background.sync_task.module_path)
    assert background.sync_task.get_result(job.result_id).status == TaskResultStatus.SUCCESSFUL
    assert not worker_module.enqueue_due(now=later)  # it ran: the next is due in what it asked, 120 s
    assert background.sync_task.module_path not in worker_module.enqueue_due(now=later + 119)
    assert background.sync_task.module_path in worker_module.enqueue_due(now=later + 121)
    background._Failures.count = 0

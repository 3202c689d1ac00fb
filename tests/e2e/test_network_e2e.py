"""The network as `make demo-network` runs it: five real processes on loopback (the key service,
the hub and the Astana, Oral and Almaty members), each with its own data directory and database,
talking only signed HTTP. Nothing is mocked: the test drives the members' own `aigaq` commands,
their web pages in a real Chromium, and the hub's and key service's APIs as any member would.

The demo runs once for the module (one case a member: the story's two and one man who comes back),
and the tests below go through a network's life in order: alerts on both sides, no plaintext at the
hub or the key service, a coordinator confirming in Kazakh, contact requested and accepted, a sync
repeated, the hub going down and a member catching up, consent withdrawn, forged and replayed
requests, and the key service's rate limit."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from django.utils import translation

import aigaq
from aigaq.demo.corpus import MEMBERS, PLANTED, STORY
from aigaq.demo.network import FOREIGN, answers
from aigaq.lib.crypto import oprf
from aigaq.lib.crypto.signing import new_signing_key, public_key_of, sign_request
from aigaq.lib.netproto import Identity, NetworkError, call, encode
from aigaq.network import client

pytestmark = [pytest.mark.e2e, pytest.mark.slow, pytest.mark.xdist_group("network-demo")]

SHOTS = Path("/tmp/aigaq-screens")
PER_HOUR = 3000  # the key service's limit in this test: far above what the demo needs, cheap to exceed


@dataclass
class Net:
    root: Path
    env: dict[str, str]
    urls: dict[str, str]
    process: subprocess.Popen[bytes]
    extra: list[subprocess.Popen[bytes]] = field(default_factory=list)

    def env_of(self, name: str) -> dict[str, str]:
        env = self.env | {"AIGAQ_DATA_DIR": str(self.root / name)}
        if name in MEMBERS:
            env |= {"AIGAQ_DEV": "1", "AIGAQ_NETWORK_SYNC_SECONDS": "0"}
        return env

    def aigaq(self, name: str, *args: str, ok: bool = True) -> subprocess.CompletedProcess[str]:
        done = subprocess.run([sys.executable, "-m", "aigaq.ops.cli", *args], env=self.env_of(name),
                              capture_output=True, text=True, timeout=120, check=False)
        if ok:
            assert done.returncode == 0, f"{name}: aigaq {' '.join(args)}\n{done.stdout}{done.stderr}"
        return done

    def alerts(self, name: str) -> list[dict[str, Any]]:
        out = self.aigaq(name, "network", "alerts", "--json").stdout
        return [json.loads(line) for line in out.splitlines() if line.strip()]

    def sync(self, *names: str) -> None:
        for name in names:
            self.aigaq(name, "network", "sync")

    def shell(self, name: str, code: str) -> str:
        return self.aigaq(name, "manage", "shell", "-c", code).stdout

    def password(self, name: str, username: str) -> str:
        for line in (self.root / name / "demo-accounts.txt").read_text(encoding="utf-8").splitlines():
            words = line.split()
            if len(words) == 3 and words[1] == username:
                return words[2]
        raise AssertionError(f"no {username} in {name}'s demo accounts")


def _free_base() -> int:
    """A port with the next four free as well (the demo takes five in a row)."""
    for _ in range(50):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            base: int = probe.getsockname()[1]
        if base > 65000:
            continue
        try:
            for port in range(base, base + 5):
                with socket.socket() as s:
                    s.bind(("127.0.0.1", port))
            return base
        except OSError:
            continue
    raise AssertionError("no five free ports in a row")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def _answers(url: str) -> bool:
    return answers(int(url.rsplit(":", 1)[1]))


@pytest.fixture(scope="module")
def net(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Net]:
    data = tmp_path_factory.mktemp("demo-network")
    source = str(Path(aigaq.__file__).resolve().parents[1])  # the code under test, wherever it is
    # The suite's own settings (its key file, its database) must not reach the parties.
    env = {k: v for k, v in os.environ.items() if k not in FOREIGN and not k.startswith("PYTEST")}
    env |= {"PYTHONPATH": os.pathsep.join(p for p in (source, env.get("PYTHONPATH", "")) if p),
            "AIGAQ_KEYSERVICE_PER_HOUR": str(PER_HOUR), "HOME": str(data / "home")}
    log = (data / "demo.log").open("wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "aigaq.demo.network", "--cases", "1", "--base-port", str(_free_base()),
         "--sync-seconds", "0"],
        env=env | {"AIGAQ_DATA_DIR": str(data)}, stdout=log, stderr=subprocess.STDOUT)
    net = Net(root=data / "network", env=env, urls={}, process=process)
    try:
        deadline = time.monotonic() + 400
        while "Ctrl+C stops all five." not in (data / "demo.log").read_text(errors="replace"):
            assert process.poll() is None, (data / "demo.log").read_text(errors="replace")
            assert time.monotonic() < deadline, "the network demo did not start in 400 s"
            time.sleep(0.5)
        net.urls = dict(line.split(" ", 1) for line in (net.root / "urls.txt").read_text().splitlines())
        yield net
    finally:
        pids = [int(p.read_text()) for p in net.root.glob("*/serve.pid")]
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
        for extra in net.extra:
            extra.terminate()
            extra.wait(timeout=30)
        log.close()
        # Ctrl+C stops all five: no party outlives the demo.
        assert pids and not [pid for pid in pids if _alive(pid)]


def _between(net: Net, a: str, b: str) -> list[dict[str, Any]]:
    other = MEMBERS[b].name
    return [x for x in net.alerts(a) if x["other_member"] == other]


def test_it_serves_five_parties_and_writes_their_urls(net: Net) -> None:
    assert list(net.urls) == ["keyservice", "hub", "astana", "oral", "almaty"]
    assert all(_answers(url) for url in net.urls.values())
    assert call(net.urls["keyservice"], "GET", "/v1/identity")["oprf_public_key"]


def test_the_astana_and_oral_coordinators_each_have_an_alert_about_the_articles_man(net: Net) -> None:
    astana, oral = _between(net, "astana", "oral"), _between(net, "oral", "astana")
    assert len(astana) == 1 and [a["id"] for a in oral] == [astana[0]["id"]]
    alert = astana[0]
    assert alert["state"] == "open" and alert["strength"] >= 0.5
    # Written in another alphabet and with no phone in Oral: found by his name alone.
    assert "name" in alert["evidence_kinds"] and "phone" not in alert["evidence_kinds"]
    assert set(alert) >= {"id", "other_member", "strength", "evidence_kinds", "state"}


def _needles() -> set[bytes]:
    """Every demo suspect's name (and its words), phones, handles and plates, as a member holds them."""
    suspects = [s for case in STORY.values() for s in case["suspects"]] + [p.suspect for p in PLANTED]
    values: set[str] = set()
    for s in suspects:
        for key in ("full_name", "aliases", "phones", "handles", "plates", "iin"):
            raw = s.get(key) or ""
            for text in ([raw] if isinstance(raw, str) else raw):
                values.add(text)
                if key in ("full_name", "aliases"):
                    # Words of a name; never digit groups, which random tokens contain by chance.
                    values |= {w for w in text.replace(",", " ").split() if len(w) >= 4 and w.isalpha()}
                digits = "".join(ch for ch in text if ch.isdigit())
                if key == "phones" and len(digits) >= 10:
                    values.add(digits[-10:])
    out = set()
    for v in values:
        for form in {v, v.lower(), v.upper(), v.casefold()}:
            if len(form) >= 4:
                out.add(form.encode())
    return out


def test_the_hub_and_key_service_files_hold_no_plaintext_of_any_demo_suspect(net: Net) -> None:
    needles = _needles()
    assert b"ZHANIBEK SEITOV" in needles and "Сейітов".encode() in needles
    files = [p for name in ("hub", "keyservice") for p in (net.root / name).rglob("*") if p.is_file()]
    assert any(p.name == "hub.sqlite3" for p in files) and any(p.name == "keyservice.sqlite3" for p in files)
    found = {(p.name, n.decode()) for p in files for n in needles if n in p.read_bytes()}
    assert not found


def _sign_in(browser: Any, net: Net, name: str) -> Any:
    context = browser.new_context(locale="kk-KZ", viewport={"width": 1000, "height": 900})
    page = context.new_page()
    page.goto(net.urls[name] + "/accounts/login/")
    page.fill("input[name=username]", "coordinator")
    page.fill("input[name=password]", net.password(name, "coordinator"))
    page.click("main button[type=submit]")
    page.wait_for_load_state()
    return page


def kk(text: str) -> str:
    with translation.override("kk"):
        return str(translation.gettext(text))


def _card(page: Any, other: str) -> Any:
    """The alert about another member (one each in this demo), found as she finds it: by its name."""
    card = page.locator("section.network-alert", has_text=MEMBERS[other].name)
    assert card.count() == 1
    return card


def test_a_coordinator_confirms_in_kazakh_and_both_sides_agree_to_talk(browser: Any, net: Net) -> None:
    oral = _sign_in(browser, net, "oral")
    oral.goto(net.urls["oral"] + "/network/")
    assert oral.locator("html").get_attribute("lang") == "kk"
    assert oral.locator("h1").inner_text() == kk("Network alerts")
    card = _card(oral, "astana")
    SHOTS.mkdir(exist_ok=True)
    oral.screenshot(path=str(SHOTS / "network-alert-kk.png"), full_page=True)
    card.get_by_role("button", name=kk("Confirm")).click()
    oral.wait_for_load_state()
    net.sync("astana")
    assert _between(net, "astana", "oral")[0]["other_decision"] == "confirmed"

    astana = _sign_in(browser, net, "astana")
    astana.goto(net.urls["astana"] + "/network/")
    mine = _card(astana, "oral")
    mine.get_by_role("button", name=kk("Confirm")).click()
    astana.wait_for_load_state()
    mine = _card(astana, "oral")
    mine.locator("summary").click()
    mine.locator("textarea[name=message]").fill("Сөйлесейік бе?")
    mine.locator("input[name=contact]").fill("+7 700 000 00 01")
    mine.get_by_role("button", name=kk("Send the request")).click()
    astana.wait_for_load_state()

    net.sync("oral")
    oral.goto(net.urls["oral"] + "/network/")
    card = _card(oral, "astana")
    assert "Сөйлесейік бе?" in card.inner_text()
    card.locator("input[name=contact]").fill("+7 700 000 00 02")
    card.get_by_role("button", name=kk("Accept and share my contact")).click()
    oral.wait_for_load_state()
    net.sync("astana")
    astana.goto(net.urls["astana"] + "/network/")
    assert "+7 700 000 00 02" in _card(astana, "oral").inner_text()
    astana.context.close()
    oral.context.close()


def _hub_counts(net: Net) -> str:
    return net.aigaq("hub", "network", "hub", "status").stdout


def test_a_repeated_sync_creates_nothing_twice(net: Net) -> None:
    before = _hub_counts(net), {m: net.alerts(m) for m in MEMBERS}
    net.sync(*MEMBERS, *MEMBERS)
    assert (_hub_counts(net), {m: net.alerts(m) for m in MEMBERS}) == before


ADD_SUSPECT = """
from aigaq.accounts.models import User
from aigaq.cases import services
from aigaq.cases.inputs import SuspectInput
from aigaq.cases.models import Case
case = Case.objects.get()
services.survivor_consent_update(actor=User.objects.get(username="coordinator"), case=case, services=True,
                                 matching=True, statistics=True, network=True)
services.suspect_add(actor=User.objects.get(username="coordinator"), case=case,
                     data=SuspectInput(full_name="Zhanibek Seitov", phones="+7 701 555 12 34", approx_age=35))
"""


def test_a_member_keeps_its_queue_while_the_hub_is_down_and_catches_up(net: Net) -> None:
    hub_pid = int((net.root / "hub" / "serve.pid").read_text())
    os.kill(hub_pid, signal.SIGTERM)
    deadline = time.monotonic() + 30
    while _answers(net.urls["hub"]):
        assert time.monotonic() < deadline
        time.sleep(0.2)
    net.shell("almaty", ADD_SUSPECT)
    failed = net.aigaq("almaty", "network", "sync", ok=False)
    assert failed.returncode != 0 and "unreachable" in failed.stderr
    assert "pending uploads: 0" not in net.aigaq("almaty", "network", "status").stdout

    port = net.urls["hub"].rsplit(":", 1)[1]
    log = (net.root / "hub" / "restarted.log").open("wb")
    net.extra.append(subprocess.Popen([sys.executable, "-m", "aigaq.ops.cli", "network", "hub", "serve",
                                       "--port", port], env=net.env_of("hub"), stdout=log,
                                      stderr=subprocess.STDOUT))
    deadline = time.monotonic() + 60
    while not _answers(net.urls["hub"]):
        assert time.monotonic() < deadline, "the hub did not start again"
        time.sleep(0.2)
    net.sync("almaty", "astana")
    assert "pending uploads: 0" in net.aigaq("almaty", "network", "status").stdout
    found = _between(net, "astana", "almaty")
    assert [a for a in found if "phone" in a["evidence_kinds"] and a["state"] == "open"]
    before = _hub_counts(net)
    net.sync("almaty", "astana")
    assert _hub_counts(net) == before


WITHDRAW = """
from aigaq.accounts.models import User
from aigaq.cases import services
from aigaq.cases.models import Case
services.survivor_consent_update(actor=User.objects.get(username="coordinator"), case=Case.objects.get(),
                                 services=True, matching=True, statistics=True, network=False)
"""


def test_withdrawn_consent_closes_the_alert_on_both_sides(net: Net) -> None:
    code = _between(net, "oral", "astana")[0]["id"]
    net.shell("oral", WITHDRAW)
    net.sync("oral", "astana")
    for side, other in (("oral", "astana"), ("astana", "oral")):
        alert = next(a for a in _between(net, side, other) if a["id"] == code)
        assert alert["state"] == "closed"
    assert "encodings: " in _hub_counts(net)


def _test_member(net: Net) -> Identity:
    """A member of our own: invited by the hub's operator, joined with a key this test holds."""
    out = net.aigaq("hub", "network", "hub", "invite", "Test").stdout
    key = new_signing_key()
    joined = client.join(hub_url=net.urls["hub"], invitation=out.splitlines()[1].strip(), name="Test",
                         city="Test", public_key=public_key_of(key))
    return Identity(joined.member_id, key)


def _raw(url: str, path: str, body: bytes, headers: dict[str, str]) -> int:
    request = urllib.request.Request(url + path, data=body, method="POST",  # noqa: S310 - loopback http
                                     headers={"Content-Type": "application/json"} | headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:  # noqa: S310 - loopback http
            return int(answer.status)
    except urllib.error.HTTPError as exc:
        return int(exc.code)


def test_the_hub_refuses_a_replayed_or_forged_request(net: Net) -> None:
    member = _test_member(net)
    body = encode({"batch": "5f0e7f7e-4b7a-4c55-9d7e-6c1f1d0b9a11", "deletes": [], "upserts": []})
    headers = sign_request(private_key=member.private_key, sender=member.sender, method="POST", path="/v1/sync",
                           body=body)
    assert _raw(net.urls["hub"], "/v1/sync", body, headers) == 200
    assert _raw(net.urls["hub"], "/v1/sync", body, headers) == 401  # the same request again: a replay
    forged = sign_request(private_key=new_signing_key(), sender=member.sender, method="POST", path="/v1/sync",
                          body=body)
    assert _raw(net.urls["hub"], "/v1/sync", body, forged) == 401
    tampered = sign_request(private_key=member.private_key, sender=member.sender, method="POST",
                            path="/v1/sync", body=body)
    other = encode({"batch": "5f0e7f7e-4b7a-4c55-9d7e-6c1f1d0b9a12", "deletes": [], "upserts": []})
    assert _raw(net.urls["hub"], "/v1/sync", other, tampered) == 401  # signed for another body


def test_the_key_service_refuses_a_member_over_its_hourly_limit(net: Net) -> None:
    member = _test_member(net)
    blinded = oprf.blind([f"name:test {i}".encode() for i in range(2000)])
    client.evaluate(keyservice_url=net.urls["keyservice"], identity=member, messages=blinded.messages)
    more = oprf.blind([f"name:more {i}".encode() for i in range(PER_HOUR - 2000 + 1)])
    with pytest.raises(NetworkError) as refused:
        client.evaluate(keyservice_url=net.urls["keyservice"], identity=member, messages=more.messages)
    assert refused.value.status == 429 and refused.value.retry_after > 0

"""How fast the network's parts are: the OPRF, a member's upload, the hub's matching.

    .venv/bin/python bench/network/perf.py oprf                   # OPRF evaluations per second, one core
    .venv/bin/python bench/network/perf.py upload                 # a member encodes and uploads 10,000 suspects
    .venv/bin/python bench/network/perf.py hub                    # one new suspect against 100,000; full re-match
    .venv/bin/python bench/network/perf.py agree                  # the real hub's alerts = the simulation's

- oprf: `aigaq.lib.crypto.oprf` (voprf, ristretto255, verifiable mode) in one thread: the client's
  blind, the key service's batch evaluate (batches of 700, what 100 suspects need), the client's
  verify + finalize, and `token`; and the key holder evaluating inputs it knows (no blinding, no
  proof: what the hub and key service colluding would run).
- upload: the member's work for N suspects (bench mentions, census names): `network_inputs`, blind,
  the key service's evaluate (in-process, no HTTP, no rate limit), finalize, `token`, then POST
  /v1/sync to the real hub's view through Django's test client, signed by the member's Ed25519
  key, in batches of the member's SUSPECTS_PER_BATCH; the hub stores and matches each batch. Not
  included: the member decrypting its suspects from its database, and the network round trips.
- hub: N refs of three members (census names, tokens as members make them) bulk-loaded into the
  hub's SQLite database, then CHECKS held-out suspects each sent as one upsert through
  `services.sync_apply` (store, match, alerts, audit: the hub's path after the signature check),
  p50/p95; then a full re-match: `matching.rematch` of every ref.
- agree: one bench data set loaded into the hub, fully re-matched; the alerts the real hub opens
  are compared with bench/network/simulate.py's (they must be the same pairs): its direct alerts
  with the simulated pair alerts, its direct and chained alerts together with the pair alerts plus
  the simulated chained clusters' pairs; and scored.

The hub runs on SQLite in a temporary directory (the default database). Results are printed and
written to bench/out/network/perf-<command>.json.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench" / "linkage"))
sys.path.insert(0, str(HERE))

import run  # noqa: E402
import simulate as sim  # noqa: E402

from aigaq.lib.crypto import oprf  # noqa: E402
from aigaq.linkage import Mention  # noqa: E402
from aigaq.linkage import network as net  # noqa: E402

OUT = ROOT / "bench" / "out" / "network"
SUSPECTS_PER_BATCH = 100  # aigaq.network.sync.SUSPECTS_PER_BATCH (the member app is not loaded here)


def _write(name: str, result: dict[str, Any]) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    result = {"load_average": os.getloadavg(), "cpus": os.cpu_count(), **result}
    (OUT / f"perf-{name}.json").write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=1))


def bench_oprf(n: int, batch: int, repeat: int) -> None:
    """Each phase's best of `repeat` runs (the machine is shared: the best is the least disturbed)."""
    holder = oprf.KeyHolder(run.OPRF_SEED)
    inputs = [f"name:value {i}".encode() for i in range(n)]
    batches = [inputs[i:i + batch] for i in range(0, n, batch)]
    best = {"blind": float("inf"), "evaluate": float("inf"), "finalize": float("inf"), "token": float("inf")}
    known = float("inf")  # the key holder evaluating values it knows: no blinding, no proof
    for _ in range(repeat):
        t0 = time.perf_counter()
        blinded = [oprf.blind(b) for b in batches]
        t1 = time.perf_counter()
        evaluated = [holder.evaluate(b.messages) for b in blinded]
        t2 = time.perf_counter()
        outputs = [oprf.finalize(b, e, holder.public_key) for b, e in zip(blinded, evaluated, strict=True)]
        t3 = time.perf_counter()
        tokens = [oprf.token(o, "name") for out in outputs for o in out]
        t4 = time.perf_counter()
        assert len(tokens) == n
        assert outputs[0][0] == holder.evaluate_known(inputs[0]), "the blinded protocol gives the known output"
        for phase, seconds in zip(best, (t1 - t0, t2 - t1, t3 - t2, t4 - t3), strict=True):
            best[phase] = min(best[phase], seconds)
        t5 = time.perf_counter()
        for x in inputs:
            holder.evaluate_known(x)
        known = min(known, time.perf_counter() - t5)
    _write("oprf", {
        "evaluations": n, "batch": batch, "repeat": repeat,
        "client_blind_per_s": round(n / best["blind"]), "server_evaluate_per_s": round(n / best["evaluate"]),
        "client_finalize_per_s": round(n / best["finalize"]), "token_per_s": round(n / best["token"]),
        "client_blind_plus_finalize_per_s": round(n / (best["blind"] + best["finalize"])),
        "round_trip_per_s": round(n / sum(best.values())),
        "key_holder_known_input_per_s": round(n / known),
    })


def _django(data_dir: Path) -> None:
    os.environ["AIGAQ_DATA_DIR"] = str(data_dir)
    os.environ["DJANGO_SETTINGS_MODULE"] = "aigaq.hub.settings"
    os.environ.setdefault("AIGAQ_ALLOWED_HOSTS", "testserver")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


def _mentions(names: str, seed: int, count: int) -> tuple[list[Mention], list[str]]:
    return run.load(run.DataSet(names, seed, count))


def _members(names: Sequence[str]) -> list[Any]:
    from aigaq.hub.models import Member

    return [Member.objects.create(name=name, city=name) for name in names]


def _load(tokens: sim.Tokens, mentions: Sequence[Mention], member_of: Sequence[int],
          members: Sequence[Any]) -> list[Any]:
    """Bulk-loads every mention as a ref of its member; the encodings, in the mentions' order."""
    from django.db import transaction

    from aigaq.hub.models import Encoding, EncodingToken

    with transaction.atomic():
        encodings = Encoding.objects.bulk_create(
            Encoding(member=members[member_of[i]], ref=m.id, version=1, year_month="2025-05", region=tokens.regions[i])
            for i, m in enumerate(mentions))
        EncodingToken.objects.bulk_create(
            (EncodingToken(encoding=e, kind=kind, token=tok)
             for e, toks in zip(encodings, tokens.by_mention, strict=False) for kind, tok in sorted(set(toks))),
            batch_size=5000)
    return encodings


def _rematch_all(encodings: Sequence[Any]) -> tuple[float, int]:
    from django.db import transaction

    from aigaq.hub import matching

    start = time.perf_counter()
    opened = 0
    for i in range(0, len(encodings), 1000):
        with transaction.atomic():
            for e in encodings[i:i + 1000]:
                opened += matching.rematch(e).opened
    return time.perf_counter() - start, opened


def _upsert(ref: str, region: str, toks: Sequence[tuple[str, str]]) -> Any:
    from aigaq.hub.wire import Upsert

    by_kind: dict[str, set[str]] = {}
    for kind, tok in toks:
        by_kind.setdefault(kind, set()).add(tok)
    return Upsert(ref=ref, version=1, year_month="2025-05", region=region,
                  tokens={k: frozenset(v) for k, v in by_kind.items()})


def bench_hub(refs: int, checks: int, names: str, full: bool) -> None:
    mentions, _ = _mentions(names, 5, refs + checks)
    holder = oprf.KeyHolder(run.OPRF_SEED)
    t = time.perf_counter()
    tokens = sim.tokenise(mentions, holder)
    print(f"tokenised {len(mentions)} mentions in {time.perf_counter() - t:.0f} s", file=sys.stderr)
    member_of = [i % 3 for i in range(len(mentions))]
    with tempfile.TemporaryDirectory() as tmp:
        _django(Path(tmp))
        from django.db import connection

        from aigaq.hub import services
        from aigaq.hub.models import Alert, EncodingToken
        from aigaq.hub.wire import SyncRequest

        members = _members(["Astana", "Oral", "Almaty"])
        t = time.perf_counter()
        encodings = _load(tokens, mentions[:refs], member_of[:refs], members)
        load_s = time.perf_counter() - t
        print(f"loaded {refs} refs, {EncodingToken.objects.count()} tokens in {load_s:.0f} s", file=sys.stderr)
        seconds = []
        for i in range(refs, refs + checks):
            request = SyncRequest(batch=uuid.uuid4(), deletes=(),
                                  upserts=(_upsert(mentions[i].id, tokens.regions[i], tokens.by_mention[i]),))
            t = time.perf_counter()
            services.sync_apply(member=members[member_of[i]], request=request)
            seconds.append(time.perf_counter() - t)
        qs = statistics.quantiles(seconds, n=20)
        result: dict[str, Any] = {
            "names": names, "refs": refs, "tokens": EncodingToken.objects.count(), "checks": checks,
            "load_seconds": round(load_s, 1),
            "check_ms_p50": round(statistics.median(seconds) * 1000, 2), "check_ms_p95": round(qs[18] * 1000, 2),
            "check_ms_max": round(max(seconds) * 1000, 2),
            "alerts_opened_by_checks": Alert.objects.count(),
        }
        if full:
            Alert.objects.all().delete()
            full_s, opened = _rematch_all(encodings)
            result |= {"full_rematch_seconds": round(full_s, 1),
                       "full_rematch_ms_per_ref": round(full_s / refs * 1000, 2), "full_rematch_alerts": opened}
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA page_count")
            pages = cursor.fetchone()[0]
            cursor.execute("PRAGMA page_size")
            result["database_mb"] = round(pages * cursor.fetchone()[0] / 1e6, 1)
    _write(f"hub-{names}-{refs}", result)


def _hours(evaluations: int, per_hour: int = 20_000, per_day: int = 100_000) -> float:
    """Hours a member needs for this many evaluations under the key service's default limits
    (aigaq.keyservice.limits): whole days of `per_day`, the rest at `per_hour`."""
    days, rest = divmod(evaluations, per_day)
    return days * 24 + rest / per_hour


def bench_upload(suspects: int, names: str) -> None:
    mentions, _ = _mentions(names, 6, suspects)
    holder = oprf.KeyHolder(run.OPRF_SEED)
    with tempfile.TemporaryDirectory() as tmp:
        _django(Path(tmp))
        from django.test import Client

        from aigaq.hub.models import Alert, Encoding
        from aigaq.lib.crypto.signing import new_signing_key, public_key_of, sign_request
        from aigaq.peers.signed import peer_register

        [member] = _members(["Astana"])
        key = new_signing_key()
        peer_register(name=member.code, public_key=public_key_of(key))
        client = Client()
        evaluations = 0
        phases = {"inputs": 0.0, "blind": 0.0, "evaluate": 0.0, "finalize": 0.0, "hub": 0.0}
        start = time.perf_counter()
        for b in range(0, suspects, SUSPECTS_PER_BATCH):
            t = time.perf_counter()
            batch = mentions[b:b + SUSPECTS_PER_BATCH]
            flat = [(i, kind, f"{kind}:{v}".encode()) for i, m in enumerate(batch)
                    for kind, values in net.network_inputs(m).items() for v in values]
            phases["inputs"] += time.perf_counter() - t
            outputs: list[bytes] = []
            for c in range(0, len(flat), 2000):  # the key service's largest batch
                chunk = [x for _, _, x in flat[c:c + 2000]]
                t = time.perf_counter()
                blinded = oprf.blind(chunk)
                t2 = time.perf_counter()
                answer = holder.evaluate(blinded.messages)
                t3 = time.perf_counter()
                outputs += oprf.finalize(blinded, answer, holder.public_key)
                phases["blind"] += t2 - t
                phases["evaluate"] += t3 - t2
                phases["finalize"] += time.perf_counter() - t3
            evaluations += len(flat)
            t = time.perf_counter()
            toks: list[dict[str, set[str]]] = [{} for _ in batch]
            for (i, kind, _), out in zip(flat, outputs, strict=True):
                toks[i].setdefault(kind, set()).add(oprf.token(out, kind))
            upserts = [{"ref": m.id, "version": 1, "year_month": "2025-05", "region": sim.region_of(m),
                        "tokens": {k: sorted(v) for k, v in tk.items()}} for m, tk in zip(batch, toks, strict=True)]
            body = json.dumps({"batch": str(uuid.uuid4()), "upserts": upserts, "deletes": []}).encode()
            headers = sign_request(private_key=key, sender=member.code, method="POST", path="/v1/sync", body=body)
            response = client.post("/v1/sync", data=body, content_type="application/json", headers=headers)
            assert response.status_code == 200, response.content
            phases["hub"] += time.perf_counter() - t
        wall = time.perf_counter() - start
        assert Encoding.objects.count() == suspects and not Alert.objects.exists()  # one member: no alerts
    _write(f"upload-{suspects}", {
        "suspects": suspects, "names": names, "evaluations": evaluations, "seconds": round(wall, 1),
        "phases_seconds": {k: round(v, 1) for k, v in phases.items()},
        "hours_under_default_limits": round(_hours(evaluations), 1),
    })


def bench_agree(names: str, seed: int, count: int) -> None:
    mentions, persons = _mentions(names, seed, count)
    split = sim.split([m.id for m in mentions], 3, seed)
    member_of = [split[m.id] for m in mentions]
    tokens = sim.tokenise(mentions, oprf.KeyHolder(run.OPRF_SEED))
    pairs = sim.candidates(tokens, member_of)
    simulated = set(sim.alerts(pairs))
    everyone = sim.candidates(tokens, list(range(len(mentions))))
    clusters = sim.constrained_clusters(len(mentions), everyone)
    simulated_all = simulated | sim.cluster_pairs(clusters, member_of)
    with tempfile.TemporaryDirectory() as tmp:
        _django(Path(tmp))
        from aigaq.hub.models import Alert, AlertState

        members = _members(["m0", "m1", "m2"])
        encodings = _load(tokens, mentions, member_of, members)
        seconds, _ = _rematch_all(encodings)
        pos = {m.id: i for i, m in enumerate(mentions)}
        real: dict[bool, set[tuple[int, int]]] = {False: set(), True: set()}
        for a, b, chained in Alert.objects.filter(state=AlertState.OPEN).values_list("ref_a", "ref_b", "chained"):
            real[chained].add((min(pos[a], pos[b]), max(pos[a], pos[b])))
    true = sim.true_cross_pairs(persons, member_of)
    direct = sim.score_pairs(real[False], persons, true)
    both = real[False] | real[True]
    s = sim.score_pairs(both, persons, true)
    _write(f"agree-{names}-{count}-s{seed}", {
        "data": f"{names}-{count}-s{seed}", "hub_alerts": len(real[False]), "simulated_alerts": len(simulated),
        "only_hub": len(real[False] - simulated), "only_simulated": len(simulated - real[False]),
        "hub_chained_alerts": len(real[True]), "hub_alerts_with_chained": len(both),
        "simulated_with_chained": len(simulated_all), "with_chained_only_hub": len(both - simulated_all),
        "with_chained_only_simulated": len(simulated_all - both), "chained_also_direct": len(real[True] & real[False]),
        "precision_direct": round(direct.precision, 4), "recall_direct": round(direct.recall, 4),
        "f1_direct": round(direct.f1, 4),
        "precision": round(s.precision, 4), "recall": round(s.recall, 4), "f1": round(s.f1, 4),
        "full_rematch_seconds": round(seconds, 1),
    })


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = p.add_subparsers(dest="command", required=True)
    o = sub.add_parser("oprf")
    o.add_argument("--n", type=int, default=20_000)
    o.add_argument("--batch", type=int, default=700)
    o.add_argument("--repeat", type=int, default=5)
    u = sub.add_parser("upload")
    u.add_argument("--suspects", type=int, default=10_000)
    u.add_argument("--names", default="census")
    h = sub.add_parser("hub")
    h.add_argument("--refs", type=int, default=100_000)
    h.add_argument("--checks", type=int, default=200)
    h.add_argument("--names", default="census")
    h.add_argument("--no-full", action="store_true", help="skip the full re-match")
    a = sub.add_parser("agree")
    a.add_argument("--names", default="census")
    a.add_argument("--seed", type=int, default=1)
    a.add_argument("--mentions", type=int, default=20_000)
    args = p.parse_args(argv)
    if args.command == "oprf":
        bench_oprf(args.n, args.batch, args.repeat)
    elif args.command == "upload":
        bench_upload(args.suspects, args.names)
    elif args.command == "hub":
        bench_hub(args.refs, args.checks, args.names, not args.no_full)
    else:
        bench_agree(args.names, args.seed, args.mentions)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

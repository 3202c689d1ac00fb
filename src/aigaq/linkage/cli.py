"""Commands ``aigaq link`` and ``aigaq link-eval`` (also ``python -m aigaq.linkage``)."""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from aigaq.lib.crypto.linkage import load_key

from . import link
from .engine import DEFAULT_THRESHOLD, run
from .index import Progress
from .mention import Dropped, InputError, Mention, iter_mentions, parse_mentions
from .model import LinkResult
from .plain import plain_index

EXAMPLE = (
    '{"id": "c17-s1", "full_name": "Жәнібек Сейітов", "phones": ["8 (701) 555-12-34"], '
    '"age_at_incident": 34, "incident_date": "2022-05-01", "city": "Орал"}'
)

LINK_EPILOG = f"""\
MENTIONS is JSON lines, one suspect mention a line. Only "id" (a string) is required; the other
fields are full_name, aliases [list], phones [list], handles [list], plates [list], iins [list],
other_ids [list], birth_date ("YYYY", "YYYY-MM" or "YYYY-MM-DD"), age_at_incident (integer),
incident_date ("YYYY-MM-DD"), sex, city, region, address, description. Example line:

  {EXAMPLE}

CLUSTERS gets one line per input id: {{"id": ..., "cluster": ...}}. PAIRS gets every link at or
above the threshold with its evidence in words. A bad line stops the run (exit status 2) before
anything is written, naming the line, the field and the reason. With --lenient a bad value (an
impossible birth date, an age of 300, a number where a name belongs) is dropped instead, the rest of
its line is used, and stderr says at the end how many values of each field were dropped and on which
lines; a line that is not JSON or has no usable id still stops the run. Unknown fields are ignored
and listed once on stderr.

example:
  aigaq link mentions.jsonl -o clusters.jsonl --pairs pairs.jsonl
  aigaq link mentions.jsonl -o clusters.jsonl --private org.key   (key: 64 hex digits)
  aigaq link export.jsonl -o clusters.jsonl --lenient
"""

LENIENT_HELP = "drop a bad value (and count it on stderr) instead of refusing the whole file"

EVAL_EPILOG = """\
LABELS is JSON lines {"id": ..., "person": ...}: which person each mention really is. Mentions
without a label count as persons of their own. Prints pairwise precision, recall and F1: a pair
of mentions is predicted when both land in one cluster and true when both have one person.

example:
  aigaq link-eval mentions.jsonl labels.jsonl --threshold 0.5
"""


def _progress(stream: IO[str]) -> tuple[Progress, Callable[[], None]]:
    """A tqdm bar per stage on a terminal, otherwise a line per stage and at most every 5 s."""
    if stream.isatty():
        from tqdm import tqdm

        bars: dict[str, Any] = {}

        def bar(stage: str, done: int, total: int) -> None:
            if stage not in bars:
                for other in bars.values():
                    other.close()
                bars[stage] = tqdm(total=total, desc=stage, file=stream, leave=False)
            bars[stage].n = done
            bars[stage].refresh()

        def close() -> None:
            for b in bars.values():
                b.close()

        return bar, close

    last: dict[str, Any] = {"t": 0.0, "stage": ""}

    def line(stage: str, done: int, total: int) -> None:
        now = time.monotonic()
        if stage != last["stage"] or now - last["t"] >= 5.0 or done == total:
            print(f"[aigaq link] {stage}: {done}/{total}", file=stream, flush=True)
            last["t"], last["stage"] = now, stage

    return line, lambda: None


def _read_mentions(path: str, dropped: Dropped | None) -> tuple[list[Mention], set[str]]:
    if path == "-":
        return parse_mentions(sys.stdin, dropped)
    with open(path, encoding="utf-8-sig") as fh:
        return parse_mentions(fh, dropped)


def _count_lines(path: str) -> int | None:
    """Lines in the file, for the progress total only (None for stdin)."""
    if path == "-":
        return None
    lines = 0
    with open(path, "rb") as fh:
        while chunk := fh.read(1 << 22):
            lines += chunk.count(b"\n")
    return lines


def _plain(path: str, threshold: float | None, progress: Progress, pairs: bool, dropped: Dropped | None) -> LinkResult:
    """Plain mode streams the file into the feature columns: no list of a million Mentions."""
    unknown: set[str] = set()
    total = _count_lines(path)
    if path == "-":
        index = plain_index(iter_mentions(sys.stdin, unknown, dropped), progress=progress, total=total)
    else:
        with open(path, encoding="utf-8-sig") as fh:
            index = plain_index(iter_mentions(fh, unknown, dropped), progress=progress, total=total)
    _note_unknown(unknown)
    return run(index, threshold=threshold, progress=progress, must_not_link=(), must_link=(), pairs=pairs)


def _note_unknown(unknown: set[str]) -> None:
    if unknown:
        print(f"note: ignored unknown fields: {', '.join(sorted(unknown))}", file=sys.stderr)


@contextmanager
def _atomic_write(path: str) -> Iterator[IO[str]]:
    """Write to a temporary file beside the target and rename it only when complete."""
    target = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent or Path("."))
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            yield fh
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _load(
    path: str, private: str | None, threshold: float | None, pairs: bool = False, lenient: bool = False
) -> LinkResult | int:
    """Link the file; the scored links and their evidence only when pairs is true (--pairs).

    lenient: drop bad values instead of refusing the file, and say on stderr what was dropped.
    """
    progress, close = _progress(sys.stderr)
    dropped = Dropped() if lenient else None
    try:
        if private is None:
            return _plain(path, threshold, progress, pairs, dropped)
        mentions, unknown = _read_mentions(path, dropped)
        _note_unknown(unknown)
        try:
            key = load_key(private)
        except (OSError, ValueError) as exc:
            print(f"error: key file: {exc}; nothing written", file=sys.stderr)
            return 2
        return link(mentions, threshold=threshold, key=key, progress=progress, pairs=pairs)
    except InputError as exc:
        column = f" ({exc.column})" if exc.column else ""
        hint = "" if lenient or exc.column in (None, "id") else " (--lenient drops such values instead)"
        print(f"error: {path}: line {exc.line_no}{column}: {exc.reason}; nothing written{hint}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"error: cannot read {path}: {exc.strerror}", file=sys.stderr)
        return 2
    except UnicodeDecodeError:
        print(f"error: {path} is not UTF-8 text; nothing written", file=sys.stderr)
        return 2
    finally:
        close()
        if dropped is not None and dropped.total:
            print(f"[aigaq link] {dropped.summary()}", file=sys.stderr)


def _threshold(value: str) -> float:
    t = float(value)
    if not 0.0 <= t <= 1.0:
        raise argparse.ArgumentTypeError("threshold is a probability between 0 and 1")
    return t


def main_link(argv: list[str]) -> int:
    p = argparse.ArgumentParser(
        prog="aigaq link",
        description="Find suspect mentions that refer to the same man and write one cluster per mention.",
        epilog=LINK_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("mentions", metavar="MENTIONS.jsonl", help="input, one JSON object a line ('-' = stdin)")
    p.add_argument("-o", "--output", metavar="CLUSTERS.jsonl", required=True, help="where clusters go")
    p.add_argument("--pairs", metavar="PAIRS.jsonl", help="also write scored links with their evidence")
    p.add_argument("--threshold", type=_threshold, default=None,
                   help=f"minimum match probability for a link (default {DEFAULT_THRESHOLD})")  # fmt: skip
    p.add_argument(
        "--private",
        metavar="KEYFILE",
        help="encode identifiers with this secret key first; linkage sees only encodings",
    )
    p.add_argument("--lenient", action="store_true", help=LENIENT_HELP)
    args = p.parse_args(argv)
    result = _load(args.mentions, args.private, args.threshold, pairs=bool(args.pairs), lenient=args.lenient)
    if isinstance(result, int):
        return result
    with _atomic_write(args.output) as fh:
        for mid, cid in result.clusters.items():
            fh.write(json.dumps({"id": mid, "cluster": cid}, ensure_ascii=False) + "\n")
    if args.pairs:
        with _atomic_write(args.pairs) as fh:
            for pair in result.pairs:
                fh.write(json.dumps(pair.to_dict(), ensure_ascii=False) + "\n")
    n_clusters = len(set(result.clusters.values()))
    print(f"[aigaq link] {len(result.clusters)} mentions, {n_clusters} clusters, {result.links} links",
          file=sys.stderr)  # fmt: skip
    return 0


def pairwise_scores(clusters: dict[str, str], persons: dict[str, str]) -> tuple[float, float, float, int, int, int]:
    """(precision, recall, f1, true positives, predicted pairs, true pairs) over mention pairs."""

    def pairs(counter: Counter[object]) -> int:
        return sum(n * (n - 1) // 2 for n in counter.values())

    ids = list(clusters)
    truth = {i: persons.get(i, "\x00unlabelled:" + i) for i in ids}
    predicted = pairs(Counter(clusters[i] for i in ids))
    true = pairs(Counter(truth[i] for i in ids))
    tp = pairs(Counter((clusters[i], truth[i]) for i in ids))
    precision = tp / predicted if predicted else 1.0
    recall = tp / true if true else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1, tp, predicted, true


def _read_labels(path: str) -> dict[str, str] | str:
    persons: dict[str, str] = {}
    with open(path, encoding="utf-8-sig") as fh:
        for no, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError:
                return f"line {no}: not JSON"
            if not isinstance(obj, dict) or not isinstance(obj.get("id"), str) or "person" not in obj:
                return f'line {no}: expected {{"id": ..., "person": ...}}'
            persons[obj["id"]] = str(obj["person"])
    return persons


def main_link_eval(argv: list[str]) -> int:
    p = argparse.ArgumentParser(
        prog="aigaq link-eval",
        description="Link MENTIONS and print pairwise precision, recall and F1 against LABELS.",
        epilog=EVAL_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("mentions", metavar="MENTIONS.jsonl")
    p.add_argument("labels", metavar="LABELS.jsonl")
    p.add_argument("--threshold", type=_threshold, default=None)
    p.add_argument("--private", metavar="KEYFILE")
    p.add_argument("--lenient", action="store_true", help=LENIENT_HELP)
    p.add_argument("--json", action="store_true", help="print one JSON object instead of text")
    args = p.parse_args(argv)
    try:
        labels = _read_labels(args.labels)
    except OSError as exc:
        print(f"error: cannot read {args.labels}: {exc.strerror}", file=sys.stderr)
        return 2
    if isinstance(labels, str):
        print(f"error: {args.labels}: {labels}", file=sys.stderr)
        return 2
    start = time.perf_counter()
    result = _load(args.mentions, args.private, args.threshold, lenient=args.lenient)
    if isinstance(result, int):
        return result
    seconds = time.perf_counter() - start
    precision, recall, f1, tp, predicted, true = pairwise_scores(result.clusters, labels)
    if args.json:
        print(json.dumps({"precision": precision, "recall": recall, "f1": f1, "true_positive_pairs": tp,
                          "predicted_pairs": predicted, "true_pairs": true, "mentions": len(result.clusters),
                          "seconds": round(seconds, 3)}))  # fmt: skip
    else:
        print(f"mentions   {len(result.clusters)}")
        print(f"pairs      predicted {predicted}, true {true}, both {tp}")
        print(f"precision  {precision:.4f}")
        print(f"recall     {recall:.4f}")
        print(f"f1         {f1:.4f}")
        print(f"seconds    {seconds:.2f}")
    return 0


def main(argv: list[str]) -> int:
    if argv and argv[0] == "link":
        return main_link(argv[1:])
    if argv and argv[0] == "link-eval":
        return main_link_eval(argv[1:])
    print("usage: python -m aigaq.linkage {link,link-eval} ...  (see link --help)", file=sys.stderr)
    return 2

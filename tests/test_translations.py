"""Every string a person sees exists in Kazakh and Russian: nothing untranslated, nothing fuzzy,
and nothing in the code that the catalogues do not yet hold."""

from __future__ import annotations

import gettext
import re
import shutil
import subprocess
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parent.parent / "src" / "aigaq"
LANGS = ("kk", "ru")
KAZAKH_LETTERS = set("әғқңөұүһіӘҒҚҢӨҰҮҺІ")


def catalogue_dirs() -> list[Path]:
    """The project catalogue and every app's own."""
    dirs = [SRC]
    dirs += sorted(p.parent for p in SRC.glob("*/locale") if p.is_dir())
    return dirs


def parse_po(path: Path) -> list[dict[str, object]]:
    """A small .po reader: enough to see ids, translations and flags (gettext's format is stable)."""
    entries: list[dict[str, object]] = []
    current: dict[str, object] = {}
    key = None

    def flush() -> None:
        if "msgid" in current:
            entries.append(dict(current))
        current.clear()

    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            flush()
            key = None
            continue
        if line.startswith("#,"):
            current["flags"] = line[2:].strip()
        elif line.startswith("#~"):
            current["obsolete"] = True
        elif line.startswith("#"):
            continue
        else:
            m = re.match(r'^(msgid|msgid_plural|msgstr(?:\[\d+\])?|msgctxt)\s+"(.*)"$', line)
            if m:
                key = m.group(1)
                current[key] = bytes(m.group(2), "utf-8").decode("unicode_escape").encode("latin-1").decode("utf-8")
            elif line.startswith('"') and key:
                current[key] = str(current[key]) + bytes(line[1:-1], "utf-8").decode(
                    "unicode_escape").encode("latin-1").decode("utf-8")
    flush()
    return [e for e in entries if e.get("msgid") and not e.get("obsolete")]


def po_files() -> list[Path]:
    return [d / "locale" / lang / "LC_MESSAGES" / "django.po" for d in catalogue_dirs() for lang in LANGS]


@pytest.mark.parametrize("po", po_files(), ids=lambda p: str(p.relative_to(SRC)))
def test_every_string_is_translated_and_none_is_fuzzy(po: Path) -> None:
    assert po.exists(), f"{po} is missing: run `make messages` and translate it"
    problems = []
    for entry in parse_po(po):
        if "fuzzy" in str(entry.get("flags", "")):
            problems.append(f"fuzzy: {entry['msgid']!r}")
        translations = [v for k, v in entry.items() if str(k).startswith("msgstr")]
        if not translations or any(not t for t in translations):
            problems.append(f"untranslated: {entry['msgid']!r}")
    assert not problems, "\n".join(problems[:30])


@pytest.mark.parametrize("po", po_files(), ids=lambda p: str(p.relative_to(SRC)))
def test_compiled_catalogue_matches_the_po_file(po: Path) -> None:
    """The server reads the .mo: it must say what the .po says (run compilemessages)."""
    mo = po.with_suffix(".mo")
    assert mo.exists(), f"{mo} is missing: run compilemessages"
    with mo.open("rb") as fh:
        compiled = gettext.GNUTranslations(fh)
    stale = [e["msgid"] for e in parse_po(po)
             if "msgid_plural" not in e and "msgctxt" not in e and compiled.gettext(str(e["msgid"])) != e.get("msgstr")]
    assert not stale, f"{mo} is stale for: {stale[:10]}"


def test_kazakh_translations_use_kazakh_letters() -> None:
    """A Kazakh catalogue written in Russian would pass the other tests; this one would not."""
    for po in [p for p in po_files() if "/kk/" in str(p) and p.exists()]:
        text = "".join(str(e.get("msgstr", "")) for e in parse_po(po))
        if len(text) > 200:
            assert KAZAKH_LETTERS & set(text), f"{po} has no Kazakh letters"


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="gettext tools are not installed")
def test_no_string_in_the_code_is_missing_from_the_catalogues(tmp_path: Path) -> None:
    """Extracts the strings from the code as `make messages` would and checks each is in the .po."""
    missing = []
    for base in catalogue_dirs():
        ids: set[str] = set()
        for po in [base / "locale" / lang / "LC_MESSAGES" / "django.po" for lang in LANGS]:
            if po.exists():
                ids |= {str(e["msgid"]) for e in parse_po(po)}
        pot = tmp_path / (base.name + ".pot")
        sources = _sources(base)
        if not sources:
            continue
        py = [str(s) for s in sources if s.suffix == ".py"]
        html = [s for s in sources if s.suffix == ".html"]
        wanted: set[str] = set()
        if py:
            keywords = ["-k_", "-kgettext", "-kgettext_lazy", "-kgettext_noop", "-kngettext:1,2",
                        "-kngettext_lazy:1,2", "-kpgettext:1c,2", "-kpgettext_lazy:1c,2"]
            subprocess.run(["xgettext", "-L", "Python", "--from-code=UTF-8", *keywords, "-o", str(pot), *py],
                           check=True)
            if pot.exists():
                wanted |= {str(e["msgid"]) for e in parse_po(pot)}
        wanted |= _template_strings(html)
        missing += [f"{base.name}: {m!r}" for m in sorted(wanted - ids)]
    assert not missing, "not in the catalogues (run `make messages`):\n" + "\n".join(missing[:40])


def _sources(base: Path) -> list[Path]:
    files = [p for p in base.rglob("*") if p.suffix in {".py", ".html"} and "migrations" not in p.parts]
    if base == SRC:
        # The project catalogue holds what is outside the apps that have their own.
        app_dirs = [d for d in catalogue_dirs() if d != SRC]
        files = [p for p in files if not any(d in p.parents for d in app_dirs)]
        files = [p for p in files if "linkage" not in p.parts and "reference" not in p.parts]
    return files


TRANS_RE = re.compile(r"""{%\s*(?:translate|trans)\s+(["'])(.+?)\1""")
BLOCK_RE = re.compile(r"{%\s*blocktrans(?:late)?\b(.*?)%}(.*?){%\s*end(?:blocktrans|blocktranslate)\s*%}", re.S)


def _template_strings(files: list[Path]) -> set[str]:
    out: set[str] = set()
    for path in files:
        text = path.read_text(encoding="utf-8")
        out |= {m.group(2) for m in TRANS_RE.finditer(text)}
        for m in BLOCK_RE.finditer(text):
            body = m.group(2)
            singular = re.split(r"{%\s*plural\s*%}", body)[0]
            if "trimmed" in m.group(1):
                singular = " ".join(singular.split())
            out.add(re.sub(r"{{\s*(\w+)\s*}}", r"%(\1)s", singular))
    return out

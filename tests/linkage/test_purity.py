"""aigaq.linkage is a pure library: importing or running it never loads Django."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import aigaq.linkage

PACKAGE = Path(aigaq.linkage.__file__).parent

_PROBE = """
import sys
import aigaq.linkage
from aigaq.linkage import Mention, link
link([Mention(id="a", full_name="Жәнібек Сейітов", city="Орал"),
      Mention(id="b", full_name="ZHANIBEK SEITOV", city="Уральск")], key=b"k" * 32)
link([Mention(id="a", full_name="Нурик", city="Алматы")])
bad = sorted(m for m in sys.modules if m == "django" or m.startswith("django."))
assert not bad, bad
"""


def test_importing_and_running_linkage_never_loads_django() -> None:
    src = str(PACKAGE.parents[1])
    result = subprocess.run(
        [sys.executable, "-c", _PROBE],
        capture_output=True,
        text=True,
        env={"PYTHONPATH": src, "PATH": "/usr/bin:/bin"},
        timeout=60,
    )
    assert result.returncode == 0, result.stderr


def test_no_linkage_module_imports_django_in_its_source() -> None:
    offenders = []
    for path in PACKAGE.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            offenders += [f"{path.name}: {n}" for n in names if n.split(".")[0] == "django"]
        assert "django" not in path.read_text(encoding="utf-8").lower().replace("never imports django", "")
    assert offenders == []

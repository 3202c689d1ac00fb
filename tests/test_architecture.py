"""The layers of docs/architecture.md hold: import-linter's contracts pass on the code, and fail as
soon as a lower layer imports a higher one or one feature app imports another."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")

pytestmark = pytest.mark.skipif(not LINT_IMPORTS.exists(), reason="import-linter is not installed")


def _lint(tree: Path) -> subprocess.CompletedProcess[str]:
    """lint-imports with the project's contracts over the package under `tree`/src."""
    return subprocess.run(
        [str(LINT_IMPORTS), "--config", str(ROOT / "pyproject.toml"), "--no-cache"],
        cwd=tree, env={"PYTHONPATH": str(tree / "src"), "PATH": "/usr/bin:/bin"},
        capture_output=True, text=True, timeout=300, check=False,
    )


def _copy_with(tmp_path: Path, module: str, line: str) -> Path:
    """A copy of the package with `line` appended to one of its modules."""
    shutil.copytree(ROOT / "src" / "aigaq", tmp_path / "src" / "aigaq",
                    ignore=shutil.ignore_patterns("__pycache__", "locale", "static", "templates", "data"))
    target = tmp_path / "src" / "aigaq" / module
    target.write_text(target.read_text(encoding="utf-8") + f"\n{line}\n", encoding="utf-8")
    return tmp_path


def test_the_code_keeps_every_layer_contract() -> None:
    result = _lint(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_cases_importing_a_feature_app_breaks_the_layers(tmp_path: Path) -> None:
    result = _lint(_copy_with(tmp_path, "cases/models.py", "import aigaq.matching.models  # noqa"))
    assert result.returncode != 0
    assert "BROKEN" in result.stdout
    assert "aigaq.cases.models -> aigaq.matching.models" in result.stdout


def test_one_feature_app_importing_another_breaks_the_layers(tmp_path: Path) -> None:
    result = _lint(_copy_with(tmp_path, "insights/metrics.py", "import aigaq.matching.selectors  # noqa"))
    assert result.returncode != 0
    assert "aigaq.insights.metrics -> aigaq.matching.selectors" in result.stdout


def test_layer_one_importing_django_breaks_purity(tmp_path: Path) -> None:
    result = _lint(_copy_with(tmp_path, "linkage/mention.py", "import django.db  # noqa"))
    assert result.returncode != 0
    assert "never import Django BROKEN" in result.stdout

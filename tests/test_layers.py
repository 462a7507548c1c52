"""The layout holds: the import-linter contracts in pyproject.toml (the layers, no
import cycles between packages at any depth, an engine without Flask) are kept."""

from __future__ import annotations

import subprocess
import sys

from tests.serving import ROOT


def test_the_import_contracts_are_kept():
    result = subprocess.run(
        [sys.executable, "-c", "from importlinter.cli import lint_imports_command as c; c()"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Contracts: 3 kept, 0 broken." in result.stdout

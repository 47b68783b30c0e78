"""The house style (pyproject.toml's [tool.ruff]) holds on the whole tree."""

import subprocess
import sys

from sitebuild import ROOT


def test_ruff_finds_nothing():
    result = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--no-cache", "--output-format", "concise", "."],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, f"ruff check . (fix with `ruff check --fix .`):\n{result.stdout}{result.stderr}"

"""The house style (pyproject.toml's [tool.ruff]) holds on the whole tree."""

import subprocess
import sys

import pytest

from sitebuild import ROOT


@pytest.mark.parametrize(
    "command, fix",
    [
        (["check", "--no-cache", "--output-format", "concise", "."], "ruff check --fix ."),
        (["format", "--no-cache", "--check", "."], "ruff format ."),
    ],
    ids=["lint", "format"],
)
def test_ruff_finds_nothing(command, fix):
    result = subprocess.run([sys.executable, "-m", "ruff", *command], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, f"ruff {command[0]} (fix with `{fix}`):\n{result.stdout}{result.stderr}"

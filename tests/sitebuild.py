"""Building the site for the tests (a module of its own: two conftest.py files share a name)."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def build_site(out):
    """`mkdocs build --strict` into `out`; every code block of the book runs here."""
    proc = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    assert proc.returncode == 0, f"mkdocs build --strict failed:\n{proc.stdout}\n{proc.stderr}"
    # markdown-exec reports a failing block as a warning; --strict turns it into a
    # failure, but check the log too so the reason is in the test report.
    assert "WARNING" not in proc.stderr, proc.stderr
    # A figure printed with the builtin print would land here instead of the page.
    assert "<svg" not in proc.stdout, "a figure was printed to the build log, not into its page"
    return out

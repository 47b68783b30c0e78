"""Building the site for the tests (a module of its own: two conftest.py files share a name).

A build runs every code block of the book, so it is the slowest step of the test
run. tests/conftest.py starts the builds a session needs in the background as
soon as the tests are collected, and the tests that need a site wait for it:
meanwhile the library tests run on the other core.
"""

import os
import re
import signal
import subprocess
import sys
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
CHAPTERS = sorted(DOCS.glob("chapters/[0-9][0-9]-*.md"))
# A timing taken while the book was built (chapter 12 prints "2.1x faster (measured)"):
# it differs from one build or run to the next, so comparisons leave it out.
# Any ratio on a line that ends "(measured)" ("2.1x faster (measured)", "3.1x the time of ... (measured)").
MEASURED = re.compile(r"\d+(?:\.\d+)?x\b[^\n(]*\(measured\)")


def without_measurements(text):
    return MEASURED.sub("<measured>", text)


class Build:
    """`mkdocs build --strict` into `out`, started now, finished by `result()`."""

    def __init__(self, out, env=None):
        self.out = Path(out)
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(self.out)],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, "NO_MKDOCS_2_WARNING": "1", **(env or {})},
            # A group of its own, so stop() ends the build's worker processes too.
            start_new_session=True,
        )
        self._done = None
        self._lock = threading.Lock()  # one reader of the build's pipes, whichever thread asks

    def wait(self):
        """(return code, stdout, stderr) once the build has ended."""
        with self._lock:
            if self._done is None:
                stdout, stderr = self.proc.communicate()
                self._done = (self.proc.returncode, stdout, stderr)
            return self._done

    def result(self):
        """The built site's folder; fails the test if the build did not pass."""
        check_build(*self.wait())
        return self.out

    def stop(self):
        """End the build if it still runs; its folder is the caller's to keep or remove."""
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        self.wait()


def check_build(code, stdout, stderr):
    """Fails the test if a build did not pass, with its log."""
    assert code == 0, f"mkdocs build --strict failed:\n{stdout}\n{stderr}"
    # markdown-exec reports a failing block as a warning; --strict turns it into a
    # failure, but check the log too so the reason is in the test report.
    assert "WARNING" not in stderr, stderr
    # A figure printed with the builtin print would land here instead of the page.
    assert "<svg" not in stdout, "a figure was printed to the build log, not into its page"

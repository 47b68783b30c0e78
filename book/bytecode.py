"""Bytecode for the page's Python (a stage of book.live_site).

Pyodide's ``python_stdlib.zip`` holds the standard library as source only, and
Python cannot write bytecode back into a zip: every time a page starts Python,
the 150 or so modules Python and the book's runner import to start (asyncio,
inspect, typing, zipfile...) are compiled from source, in WebAssembly. That is
two thirds of Python's start (``python bench/python_start.py``).

The site's copy of the zip is Pyodide's with, beside the source of each of those
modules, its bytecode: compiled at build time by Pyodide's own Python, in Node
(``book/bytecode.mjs``), so it is the bytecode that Python reads, as unchecked
hash-based ``.pyc`` files (PEP 552: no timestamps, the same bytes on every
build). The sources stay, for tracebacks and ``inspect``. A module imported
later (by a reader's edit) is compiled from its source, as before.

It takes Node a few seconds, so the zip is kept in ``node_modules/.cache``,
keyed by everything it is made from, and made once for builds that run at the
same time.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from mkdocs.exceptions import PluginError

HERE = Path(__file__).resolve().parent
SCRIPT = HERE / "bytecode.mjs"


def stdlib_with_bytecode(node_modules, archives, modules):
    """The path of Pyodide's standard library zip with bytecode for what importing
    `modules` loads, with the zips `archives` (bytes: the runner, the wheels) in site-packages."""
    node_modules = Path(node_modules)
    stdlib = node_modules / "pyodide" / "python_stdlib.zip"
    key = hashlib.sha256()
    for part in (SCRIPT, Path(__file__), stdlib, node_modules / "pyodide" / "package.json"):
        key.update(part.read_bytes())
    for archive in archives:
        key.update(hashlib.sha256(archive).digest())
    key.update("\0".join(modules).encode())
    cache = node_modules / ".cache" / "gradbook"
    cache.mkdir(parents=True, exist_ok=True)
    made = cache / f"python_stdlib-{key.hexdigest()[:20]}.zip"
    with open(cache / "lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # a build running beside this one makes it, this one waits
        if not made.is_file():
            _make(node_modules, made, archives, modules)
    return made


def _make(node_modules, made, archives, modules):
    node = shutil.which("node")
    if node is None:
        raise PluginError(
            "gradbook live pages: Node.js is not on PATH; the build needs it to compile the page's "
            "Python standard library (bash .ci/serve and bash .ci/test install it)."
        )
    with tempfile.TemporaryDirectory() as tmp:
        paths = []
        for i, archive in enumerate(archives):
            paths.append(Path(tmp) / f"{i}.zip")
            paths[-1].write_bytes(archive)
        part = made.with_suffix(".part")
        run = subprocess.run(
            [node, str(SCRIPT), str(node_modules), str(part), *map(str, paths), "--", *modules],
            capture_output=True,
            text=True,
            env={**os.environ, "NODE_OPTIONS": ""},
        )
        if run.returncode != 0 or not part.is_file():
            raise PluginError(
                f"gradbook live pages: compiling Pyodide's standard library failed "
                f"(node {SCRIPT.name}, exit {run.returncode}):\n{run.stderr[-3000:]}"
            )
        part.rename(made)  # whole, or not there at all

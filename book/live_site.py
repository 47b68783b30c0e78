"""Live pages, where a reader edits a chapter's blocks and runs them in the browser (a stage of book.plugin).

* Each built block of a chapter is wrapped in ``<div class="gb-live">`` with
  what the page's script needs (book.formatter.wrap, with book.live's verdict).
* Chapter pages load one small script, ``live/live.js``; it fetches Python
  (Pyodide) and Graphviz (WebAssembly) only when the reader presses Run.
* After the build, the files the page needs are copied into ``site/live/``:
  ``book/live/*`` and, from ``node_modules`` (``npm ci``), Pyodide's
  interpreter and standard library (with bytecode for what Python imports to
  start, book.bytecode) and the Graphviz ES module. Nothing loads from outside
  the site.
"""

from __future__ import annotations

import html
import json
import shutil
from pathlib import Path

from mkdocs.exceptions import PluginError

from book.bytecode import stdlib_with_bytecode
from book.live import RUNNER_PACKAGES, publish, runner_archive
from book.sessions import ROOT

LIVE = ROOT / "book" / "live"
NODE_MODULES = ROOT / "node_modules"
# What the page needs from node_modules, and where it goes under site/live/.
VENDORED = {
    "pyodide/pyodide.mjs": "pyodide/pyodide.mjs",
    "pyodide/pyodide.asm.mjs": "pyodide/pyodide.asm.mjs",
    "pyodide/pyodide.asm.wasm": "pyodide/pyodide.asm.wasm",
    "pyodide/python_stdlib.zip": "pyodide/python_stdlib.zip",
    "pyodide/pyodide-lock.json": "pyodide/pyodide-lock.json",
    "@hpcc-js/wasm-graphviz/dist/index.js": "graphviz/index.js",
}


def check_vendored(node_modules=NODE_MODULES):
    missing = [src for src in VENDORED if not (node_modules / src).is_file()]
    if missing:
        raise PluginError(
            f"gradbook live pages: {', '.join(missing)} missing from {node_modules}. "
            "Run `npm ci` in the repository (bash .ci/serve and bash .ci/test do it)."
        )


def page_assets(html_text, page_url, wrapped, runnable, wheels):
    """A chapter's HTML with the live page's stylesheet and, if a block can run, its script."""
    if not wrapped:
        return html_text
    base = "../" * page_url.count("/")
    html_text += f'\n<link rel="stylesheet" href="{base}live/live.css">\n'
    if runnable:
        urls = json.dumps([f"{base}wheels/{name}" for name in wheels])
        # A module script runs after the page is parsed; it downloads nothing more until Run.
        html_text += f'<script type="module" src="{base}live/live.js" data-gb-wheels="{html.escape(urls)}"></script>\n'
    return html_text


def _copy(src, dst):
    # `mkdocs serve` rebuilds often: leave the 14 MB of Pyodide alone when unchanged.
    if dst.is_file() and dst.stat().st_size == src.stat().st_size and dst.stat().st_mtime >= src.stat().st_mtime:
        return
    dst.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(src, dst)


def copy_assets(site_dir, wheels, wheel_data):
    """The live pages' files into the site, after its wheels (`wheels`: their names under
    wheels/, `wheel_data`: their bytes)."""
    out = Path(site_dir) / "live"
    stdlib = stdlib_with_bytecode(NODE_MODULES, [runner_archive(), *wheel_data], RUNNER_PACKAGES)
    for src, dst in VENDORED.items():
        _copy(stdlib if src == "pyodide/python_stdlib.zip" else NODE_MODULES / src, out / dst)
    for f in sorted(LIVE.iterdir()):
        if f.is_file():
            _copy(f, out / f.name)
    # The runner the page runs blocks with, and the sizes its progress counts.
    downloads = [f"live/{d}" for d in VENDORED.values() if d != "pyodide/pyodide.mjs"]
    publish(out, downloads + [f"wheels/{n}" for n in wheels])

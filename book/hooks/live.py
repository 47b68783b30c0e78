"""MkDocs hook: live pages, where a reader edits a chapter's blocks and runs them in the browser.

* Each built block of a chapter is wrapped in ``<div class="gb-live">`` with
  what the page's script needs: its session, its place in the session, the code
  the reader sees (hidden build-only lines are left out: they never run in the
  browser) and whether its output is HTML. A block whose session needs a module
  the browser lacks (book/live.py decides) gets a visible note instead.
* Chapter pages load one small script, ``live/live.js``; it fetches Python
  (Pyodide) and Graphviz (WebAssembly) only when the reader presses Run.
* After the build, the files the page needs are copied into ``site/live/``:
  ``book/live/*`` and, from ``node_modules`` (``npm ci``), Pyodide's
  interpreter and standard library and the Graphviz ES module. Nothing loads
  from outside the site.

Listed after ``run_blocks.py`` in mkdocs.yml: it wraps that hook's formatter.
"""

import html
import json
import shutil
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # the repository root, where `book` lives

import markdown_exec  # noqa: E402

from book import exercises  # noqa: E402
from book.blocks import BUILD_LANGUAGES, python_blocks  # noqa: E402
from book.build import STATE  # noqa: E402
from book.live import live_blocks  # noqa: E402
from book.wheel import gradbook_wheel, installed_wheel  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
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
CHAPTER_PREFIX = "chapters/"


class _Page:
    def __init__(self, path):
        self.blocks = python_blocks(path)
        self.live = live_blocks(self.blocks)
        self.wrapped = 0  # blocks of the page wrapped so far
        self.runnable = 0


_page = None
_wheels = []


def on_config(config):
    global _wheels
    missing = [src for src in VENDORED if not (NODE_MODULES / src).is_file()]
    if missing:
        raise SystemExit(
            f"gradbook live pages: {', '.join(missing)} missing from {NODE_MODULES}. "
            "Run `npm ci` in the repository (bash .ci/serve and bash .ci/test do it)."
        )
    _wheels = [gradbook_wheel()[0], installed_wheel("graphviz")[0]]
    inner = markdown_exec.formatters["python"]  # run_blocks.py's, registered in its on_config
    inner = getattr(inner, "_gradbook_inner", inner)  # `mkdocs serve`: never wrap twice
    for language in BUILD_LANGUAGES:
        wrapped = _wrapper(inner)
        wrapped._gradbook_inner = inner
        markdown_exec.formatters[language] = wrapped
    return config


def on_page_markdown(markdown, page, config, files):
    global _page
    is_chapter = page.file.src_uri.startswith(CHAPTER_PREFIX)
    _page = _Page(Path(page.file.abs_src_path)) if is_chapter else None
    return exercises.page_markdown(markdown) if is_chapter else markdown


def _wrapper(inner):
    def format_python(code, md, **options):
        STATE.block = None
        out = inner(code=code, md=md, **options)
        page, block = _page, STATE.block  # the block run_blocks.py matched this fence to
        if page is None or block is None:
            return out  # not a chapter, or run_blocks.py has already reported this fence
        page.wrapped += 1
        return _wrap(out, page.live[block.fence_line], page)

    return format_python


def _wrap(out, live, page):
    attrs = " ".join(
        f'data-gb-{k}="{html.escape(str(v).lower() if isinstance(v, bool) else str(v))}"'
        for k, v in live.data().items()
    )
    if live.runnable:
        page.runnable += 1
        return f'<div class="gb-live" {attrs}>\n{out}\n</div>'
    note = f'<p class="gb-live-note">{html.escape(live.note())}</p>'
    # The note goes right under the code, above the block's output.
    end = out.find("</code></pre></div>")
    at = end + len("</code></pre></div>") if end >= 0 else len(out)
    return f'<div class="gb-live gb-live-off">\n{out[:at]}\n{note}\n{out[at:]}\n</div>'


def on_page_content(html_text, page, config, files):
    global _page
    live, _page = _page, None
    if live is None or not live.wrapped:
        return html_text
    base = "../" * page.url.count("/")
    html_text += f'\n<link rel="stylesheet" href="{base}live/live.css">\n'
    if live.runnable:
        wheels = json.dumps([f"{base}wheels/{name}" for name in _wheels])
        # A module script runs after the page is parsed; it downloads nothing more until Run.
        html_text += (
            f'<script type="module" src="{base}live/live.js" data-gb-wheels="{html.escape(wheels)}"></script>\n'
        )
        html_text += exercises.page_assets(html_text, base)
    return html_text


def _copy(src, dst):
    # `mkdocs serve` rebuilds often: leave the 14 MB of Pyodide alone when unchanged.
    if dst.is_file() and dst.stat().st_size == src.stat().st_size and dst.stat().st_mtime >= src.stat().st_mtime:
        return
    dst.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(src, dst)


def on_post_build(config):
    out = Path(config["site_dir"]) / "live"
    for src, dst in VENDORED.items():
        _copy(NODE_MODULES / src, out / dst)
    for f in sorted(LIVE.iterdir()):
        if f.is_file():
            _copy(f, out / f.name)

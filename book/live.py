"""Which blocks of a chapter can run in the reader's browser, and what the page needs to run them.

The live pages run Python in the browser with Pyodide: the interpreter and its
standard library, plus the two wheels the site publishes (gradbook, built from
src/, and the pure-Python `graphviz` package). Nothing else can be installed
there offline, so a block runs in the page only when the code of its session up
to and including it (as the reader sees it: hidden build-only lines never run
in the browser) imports nothing else. That is decided here, statically, with
`ast`: a block that needs numpy or matplotlib gets a note instead of a Run
button, rather than failing when pressed.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass

from book.blocks import imports, session_chain

# What the browser has besides the standard library.
BROWSER_PACKAGES = frozenset({"gradbook", "graphviz"})
# Standard modules that Pyodide's Python lacks or cannot use (no terminal, no
# windows, no processes).
NOT_IN_BROWSER = frozenset(
    {
        "tkinter",
        "turtle",
        "turtledemo",
        "curses",
        "readline",
        "multiprocessing",
        "subprocess",
        "venv",
        "ensurepip",
        "idlelib",
    }
)


def _available(module):
    top = module.split(".")[0]
    if top in BROWSER_PACKAGES:
        return True
    return top in sys.stdlib_module_names and top not in NOT_IN_BROWSER


def missing_module(code):
    """The first module `code` needs that the browser does not have, or None."""
    try:
        mods = imports(code)
    except SyntaxError:
        return None  # the build would have failed on it; the browser will say where
    return next((m.split(".")[0] for m in mods if not _available(m)), None)


@dataclass(frozen=True)
class LiveBlock:
    """A built block of a chapter, as the live page sees it."""

    session: str | None
    index: int  # its place in its session's chain (0 for a block without a session)
    code: str  # what the reader sees and what runs in the browser
    html: bool  # its output is HTML (a figure block)
    needs: str | None  # a module the browser lacks, which its session needs up to it
    needs_here: bool  # whether this block itself imports `needs` (else an earlier block does)
    session_id: str | int = ""  # book.blocks.Block.session_id: the page groups its blocks by it

    @property
    def runnable(self):
        return self.needs is None

    def data(self):
        """The attributes the page's script reads."""
        return {"session": self.session_id, "index": self.index, "code": self.code, "html": self.html}

    def note(self):
        """The line shown under a block that cannot run in the page."""
        where = "" if self.needs_here else " (an earlier block of this page imports it)"
        return f"This block needs {self.needs}{where}: it runs in a local install or in the chapter's notebook."


def live_blocks(blocks):
    """{fence_line: LiveBlock} for the built blocks of a page (book.blocks.python_blocks)."""
    out = {}
    for block in blocks:
        if not block.built:
            continue
        chain = session_chain(blocks, block.session) if block.session else [block]
        index = chain.index(block)
        needs = needs_here = None
        for earlier in chain[: index + 1]:
            needs = missing_module(earlier.shown_code)
            if needs:
                needs_here = earlier is block
                break
        out[block.fence_line] = LiveBlock(
            block.session, index, block.shown_code, block.html, needs, bool(needs_here), block.session_id
        )
    return out


# The modules the page runs its blocks with (book/live/worker.js imports
# book.pagerun): the build's own runner, not a copy of it.
RUNNER_MODULES = ("__init__.py", "sessions.py", "output.py", "figures.py", "pagerun.py")
# What the page imports once Python has started: the runner, and through it the wheels' packages.
RUNNER_PACKAGES = ("book.pagerun", "gradbook", "graphviz")


def runner_archive():
    """The zip the page unpacks into Pyodide's site-packages: the package `book`, runner modules only."""
    import io
    import zipfile
    from pathlib import Path

    here = Path(__file__).resolve().parent
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name in RUNNER_MODULES:
            # A fixed date: the same bytes on every build.
            info = zipfile.ZipInfo(f"book/{name}", date_time=(2020, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, (here / name).read_bytes())
    return buf.getvalue()


def publish(live_dir, downloads):
    """Write what the page's first Run needs besides the vendored files into `live_dir`
    (site/live/): runner.zip, and manifest.json, the size in bytes of every file the
    first Run downloads (`downloads`: paths under the site's root), for its progress."""
    import json
    from pathlib import Path

    live_dir = Path(live_dir)
    (live_dir / "runner.zip").write_bytes(runner_archive())
    site = live_dir.parent
    sizes = {path: (site / path).stat().st_size for path in ["live/runner.zip", *downloads]}
    (live_dir / "manifest.json").write_text(json.dumps({"runner": "runner.zip", "sizes": sizes}, indent=1) + "\n")
    return sizes

"""State of the book's build that outlives one build: `mkdocs serve` rebuilds in one process.

MkDocs loads the hooks afresh for every rebuild; this module is imported once,
so the cache of block results lives here.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field

from book.figures import BookHost
from book.sessions import Runner, library_fingerprint


@dataclass
class BuildState:
    serving: bool = False
    runner: Runner = field(default_factory=Runner)
    library: str = ""
    # (page src path, fence line) -> Output, for the notebooks and the live pages.
    results: dict = field(default_factory=dict)
    # The block the Python formatter has just matched a fence to (book/hooks/live.py reads it).
    block: object = None
    # Work running ahead in worker processes during a full build (book.prerun.Ahead).
    ahead: object = None


STATE = BuildState()


def start_build():
    """Called before each build: pick up a changed gradbook, and route show() to the page."""
    library = library_fingerprint()
    if STATE.library and library != STATE.library:
        # The blocks import gradbook; a rebuild after an edit to it must run the new code.
        for name in [n for n in sys.modules if n == "gradbook" or n.startswith("gradbook.")]:
            del sys.modules[name]
    STATE.library = library
    if STATE.serving and STATE.runner.cache is None:
        STATE.runner.cache = {}
    STATE.results = {}
    import gradbook.display

    gradbook.display.set_host(BookHost(STATE.runner))

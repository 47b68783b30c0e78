"""markdown-exec's Python formatter for the book: run each block as the tests do, wrap it for the live page.

markdown-exec still renders each block (its options, `source="above"`,
`result="text"`, `html="1"`), but the code runs through the book's own runner,
registered as markdown-exec's formatter for Python (its public
`markdown_exec.formatters`). So the build reads a block with book.blocks, as
the tests do; a figure goes into the block's output through book.figures; and
`mkdocs serve` re-runs only the sessions an edit can affect (results are cached
by the library's source and the session's code up to each block). A full build
runs the sessions ahead, in worker processes (book.prerun), and takes each
block's outcome from there.

On a chapter page, each built block is then wrapped in ``<div class="gb-live">``
with what the page's script needs (book.live decides what can run in the browser).
"""

from __future__ import annotations

import html
import sys
from dataclasses import dataclass, field
from pathlib import Path

from markdown_exec import ExecutionError, base_format, code_block

from book.blocks import python_blocks, session_chain
from book.figures import BookHost
from book.live import live_blocks
from book.prerun import session_key
from book.sessions import ROOT, Runner, error_text, library_fingerprint


def relative(path):
    path = Path(path)
    return str(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)


class PageBlocks:
    """The blocks of the page being rendered, and how many of each session markdown-exec has asked for."""

    def __init__(self, path, chapter):
        self.path = Path(path)
        self.rel = relative(path)
        self.blocks = python_blocks(self.path)
        self.live = live_blocks(self.blocks) if chapter else None
        self.calls = {}
        self.wrapped = 0
        self.runnable = 0


@dataclass
class BlockRunner:
    """Runs the book's blocks for the build; one per plugin, kept across `mkdocs serve` rebuilds."""

    runner: Runner = field(default_factory=Runner)
    library: str = ""
    results: dict = field(default_factory=dict)  # (page's rel path, fence line) -> Output
    # page's rel path -> {fence line: None, or the error text the page shows}: what each block did
    outcomes: dict = field(default_factory=dict)
    page: PageBlocks | None = None
    ahead: object = None  # book.prerun.Ahead during a full build

    def start_build(self, serving):
        """Before each build: pick up a changed gradbook, and route show() to the page."""
        library = library_fingerprint()
        if self.library and library != self.library:
            # The blocks import gradbook; a rebuild after an edit to it must run the new code.
            for name in [n for n in sys.modules if n == "gradbook" or n.startswith("gradbook.")]:
                del sys.modules[name]
        self.library = library
        if serving and self.runner.cache is None:
            self.runner.cache = {}
        self.results = {}
        self.outcomes = {}
        import gradbook.display

        gradbook.display.set_host(BookHost(self.runner))

    def start_page(self, path, chapter):
        self.page = PageBlocks(path, chapter)
        self.runner.forget()  # a page's sessions are its own; the cache keeps their results
        return self.page

    def end_page(self):
        page, self.page = self.page, None
        self.runner.forget()
        return page

    def format(self, code, md, **options):
        """markdown-exec's formatter for Python."""
        page = self.page
        ran = []
        run = lambda *args, **kwargs: self._run(page, ran, *args, **kwargs)
        out = base_format(language="python", run=run, code=code, md=md, **options)
        if page is None or page.live is None or not ran:
            return out  # not a chapter, or the fence was already reported
        page.wrapped += 1
        return wrap(out, page.live[ran[0].fence_line], page)

    def _run(self, page, ran, code, returncode=None, session=None, id=None, **extra):  # noqa: A002 - markdown-exec's
        if page is None:
            raise ExecutionError(code_block("text", "a Python block outside a page of the book"))
        n = page.calls[session] = page.calls.get(session, 0) + 1
        if session:
            chain, index = session_chain(page.blocks, session), n - 1
        else:  # blocks without a session run alone, each in a namespace of its own
            alone = [b for b in page.blocks if b.built and b.session is None]
            chain, index = alone[n - 1 : n], 0
        if index >= len(chain) or chain[index].code.rstrip("\n") != code.rstrip("\n"):
            raise ExecutionError(
                code_block(
                    "text",
                    f"{page.rel}: markdown-exec runs a block (session {session!r}, number {n}) that the tests do not"
                    " collect as the same block; is it indented under an admonition or a tab? Move it out.",
                )
            )
        block = chain[index]
        ran.append(block)
        key = session_key(page.rel, block)
        outcomes = self.outcomes.setdefault(page.rel, {})
        done = self.ahead.outcome(key, chain, index) if self.ahead is not None else None
        if done is None:
            try:
                out = self.runner.run(key, chain, index, page.rel, self.library)
            except Exception as error:
                outcomes[block.fence_line] = error_text(error, page.rel)
                raise ExecutionError(code_block("python", outcomes[block.fence_line], **extra)) from error
        elif done.error is not None:
            outcomes[block.fence_line] = done.error
            raise ExecutionError(code_block("python", done.error, **extra))
        else:
            out = done.output
        outcomes[block.fence_line] = None
        self.results[(page.rel, block.fence_line)] = out
        return out.page_html() if block.html else out.text  # printed text is escaped in an HTML block


def wrap(out, live, page):
    """A built block in its live-page wrapper: runnable, or with a note saying why not."""
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

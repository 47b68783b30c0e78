"""pytest plugin: the book's blocks run as tests through book.sessions, as at build time.

pytest-markdown-docs collects every Python fence of the Markdown files as one
test. For the chapters (files under docs/) this plugin replaces its runner with
book.sessions' model: one namespace per (page, session), blocks once and in
page order, earlier blocks replayed first when a block runs alone. A block the
build would treat differently fails with the reason and the fix.

pytest-markdown-docs offers two public hooks (globals, the markdown-it parser),
and neither can keep a namespace from one test to the next; a runner can. The
runner registry lives in its private module ``_runners``, reached through
book.upstream (tested there), with an exact pin of pytest-markdown-docs in
pyproject.toml.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from book.blocks import python_blocks, session_chain
from book.figures import BookHost
from book.sessions import ROOT, Runner
from book.upstream import markdown_docs_runner_base

DefaultRunner, register_runner = markdown_docs_runner_base()

DOCS = ROOT / "docs"
RUNNER = Runner(skips=(pytest.skip.Exception,))
_blocks = {}


class BuildOutcomes:
    """When the test session also builds the site, the blocks the build runs run there once:
    their tests read what each did from the build (book.plugin writes it), instead of running
    them a second time. tests/conftest.py sets `wait` to a function that waits for the build and
    returns {page's path relative to the repository: {fence line: None or the error text}}."""

    wait = None


OUTCOMES = BuildOutcomes()


def _from_build(path, block):
    """The build's outcome of `block`: the test passes, or fails with the error the page shows."""
    outcomes = OUTCOMES.wait()
    rel = str(path.relative_to(ROOT))
    if str(block.fence_line) not in outcomes.get(rel, {}):
        pytest.fail(f"the site's build did not run the block at line {block.fence_line + 1} of {rel}", pytrace=False)
    error = outcomes[rel][str(block.fence_line)]
    if error is not None:
        pytest.fail(f"in the site's build:\n{error}", pytrace=False)


@register_runner(default=True)
class BookRunner(DefaultRunner):
    def runtest(self, test, args, *, asyncio_runner=None):
        path = Path(test.source_path).resolve()
        if not path.is_relative_to(DOCS):  # README.md: each block on its own, as the plugin does
            return super().runtest(test, args, asyncio_runner=asyncio_runner)
        if path not in _blocks:
            _blocks[path] = python_blocks(path)
        block = next(b for b in _blocks[path] if b.start_line == test.start_line)
        problem = block.problem()
        if problem:
            pytest.fail(problem, pytrace=False)
        if block.built and OUTCOMES.wait is not None:
            return _from_build(path, block)
        chain = session_chain(_blocks[path], block.session) if block.session else [block]
        key = (str(path), block.session_id)
        import gradbook.display

        # Figures go into the block's output, as at build time, only while a book block runs.
        previous = gradbook.display.set_host(BookHost(RUNNER))
        try:
            RUNNER.run(key, chain, chain.index(block), str(test.source_path))
        finally:
            gradbook.display.set_host(previous)

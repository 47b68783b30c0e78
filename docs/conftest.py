"""Run the book's code blocks as tests, with the same state model as the site build.

At build time markdown-exec runs every ```python exec="on" session="NAME"``` block
of a page once, in order, in one namespace per session. pytest-markdown-docs
collects the same blocks as tests, one test per block, each in a fresh namespace.
To make the two agree without echoing test flags into the page, this file
replaces pytest-markdown-docs' default runner with one that keeps a namespace per
(page, session):

* run in page order (the normal test run), each block executes once, in the
  namespace left by the block before it: the same work as the build, linear in
  the length of a chapter;
* run alone (``pytest "docs/chapters/03-manual-backprop.md::[CodeFence#5][line:80]"``), the
  earlier blocks of its session are executed first, so any block can be rerun by
  itself.

A failure in an earlier block is reported against that block; a block that
depends on it reports which one failed.

The convention a chapter follows is written in docs/contributing.md.
"""

import contextlib
import io
from pathlib import Path

import pytest
from blocks import fences  # docs/hooks/blocks.py; pytest's pythonpath has docs/hooks
from pytest_markdown_docs._runners import DefaultRunner, register_runner


def _exec(code, path, start_line, namespace):
    # Leading newlines put the block's lines at their place in the .md file, so
    # tracebacks point at the chapter's real line numbers. What the block prints
    # (whole SVG figures) is the page's business, not the test report's.
    compiled = compile("\n" * start_line + code, str(path), "exec", dont_inherit=True)
    with contextlib.redirect_stdout(io.StringIO()):
        exec(compiled, namespace)


class EarlierBlockFailed(Exception):
    pass


@register_runner(default=True)
class SessionRunner(DefaultRunner):
    def __init__(self):
        # (path, session) -> [namespace, index of the next block to run, failed block line or None]
        self.sessions = {}
        self.fences = {}

    def runtest(self, test, args, *, asyncio_runner=None):
        path = Path(test.source_path)
        if path.suffix != ".md":
            return super().runtest(test, args, asyncio_runner=asyncio_runner)
        if path not in self.fences:
            self.fences[path] = fences(path)
        blocks = self.fences[path]
        line = test.start_line
        session = next(b for b in blocks if b.start_line == line).options.get("session")
        if session is None:
            return super().runtest(test, args, asyncio_runner=asyncio_runner)

        chain = [b for b in blocks if b.options.get("session") == session]
        index = next(i for i, b in enumerate(chain) if b.start_line == line)
        state = self.sessions.get((path, session))
        if state is None or state[1] > index:
            state = self.sessions[(path, session)] = [args, 0, None]
        namespace = state[0]
        # Catch up: the earlier blocks of this session that have not run yet.
        while state[1] < index:
            earlier = chain[state[1]]
            state[1] += 1
            if state[2] is None:
                try:
                    _exec(earlier.code, path, earlier.start_line, namespace)
                except pytest.skip.Exception:
                    pass  # skipped for a missing optional extra: later blocks may not need it
                except Exception:
                    state[2] = earlier.start_line
        if state[2] is not None:
            raise EarlierBlockFailed(f"block at line {state[2]} of {path.name}, session {session!r}, failed")
        state[1] = index + 1
        try:
            _exec(chain[index].code, path, line, namespace)
        except pytest.skip.Exception:
            raise
        except Exception:
            state[2] = line
            raise

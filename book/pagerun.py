"""The live page's runner: book.sessions, in the reader's browser.

The page (book/live/worker.js) loads this module into Pyodide with
book.sessions, book.output and book.figures, the modules the build runs the
same blocks with: a session is one namespace, its blocks run once and in
order, a figure becomes the same HTML as at build time. What differs is only
what a browser needs:

* a block is named as the reader sees it ("the block above"), not by its
  line in the Markdown file;
* a drawing is made by Graphviz compiled to WebAssembly (a function `dot`
  the page passes in) instead of the `dot` program;
* an earlier block edited since it ran restarts the session (book.sessions
  sees the code change), and a failed block is not built upon: the next Run
  runs its session again from the start;
* what a block prints is cut at MAX_LINES lines or MAX_CHARS characters,
  with a line saying how much was left out, so a runaway loop cannot make
  the page unusable;
* the page is told which block of the chain is running (`notify`), so it can
  name an earlier block that runs for too long.

Runs under CPython too (tests/test_book_pagerun.py), with a stand-in `dot`.
"""

from __future__ import annotations

import json
import linecache
from dataclasses import dataclass, field

import gradbook.display
from book.figures import BookHost
from book.output import Output
from book.sessions import EarlierBlockFailed, Runner

MAX_LINES = 2000
MAX_CHARS = 200_000


@dataclass(frozen=True)
class PageBlock:
    code: str
    filename: str  # what a traceback calls the block: "this block", "the block above"
    start_line: int = 0
    fence_line: int = 0


class PageHost(BookHost):
    """show() in the page: the build's figures, drawn by the page's Graphviz."""

    def __init__(self, runner, dot):
        super().__init__(runner)
        self.dot = dot

    def show(self, fig, alt=None):
        super().show(self._drawable(fig), alt)

    def show_steps(self, frames):
        super().show_steps([(title, self._drawable(fig)) for title, fig in frames])

    def _drawable(self, fig):
        if hasattr(fig, "to_svg"):  # gradbook.plot: Python draws it, the same SVG as at build time
            return fig
        if not hasattr(fig, "source"):
            raise TypeError("only Graphviz figures can be drawn in the browser; this one needs a local install")
        # book.figures.render asks the graph to pipe itself through `dot`: here
        # that is the page's Graphviz.
        source = fig.source
        fig.pipe = lambda format="svg", encoding="utf-8", **_: self.dot(source)  # noqa: A006 - graphviz's names
        return fig


@dataclass
class PageRunner(Runner):
    notify: object = None  # called with the chain index of each block about to run
    running: int | None = None  # the chain index of the block running, or last run
    last: Output | None = None  # its output, kept when it raises

    def _exec(self, block, namespace, filename, out):
        # Tracebacks quote the reader's lines, which are in no file.
        linecache.cache[block.filename] = (len(block.code), None, block.code.splitlines(True), block.filename)
        self.running, self.last = block.fence_line, out
        if self.notify is not None:
            self.notify(block.fence_line)
        super()._exec(block, namespace, filename, out)


def cut(text, max_lines=MAX_LINES, max_chars=MAX_CHARS):
    """`text` cut to at most `max_lines` lines and `max_chars` characters, with a last line
    saying how much was left out; returns (text, whether it was cut).

    Examples:
        >>> cut("a\\nb\\nc\\n", max_lines=2)
        ('a\\nb\\n… 1 more line (2 characters) left out: the page shows the first 2 lines.\\n', True)
    """
    lines = text.splitlines(keepends=True)
    kept, size = [], 0
    for line in lines:
        if len(kept) >= max_lines or size + len(line) > max_chars:
            break
        kept.append(line)
        size += len(line)
    if len(kept) == len(lines):
        return text, False
    left = len(lines) - len(kept)
    chars = len(text) - size
    shown = f"{len(kept):,} lines" if len(kept) >= max_lines else f"{size:,} characters"
    note = (
        f"… {left:,} more line{'s' if left != 1 else ''} ({chars:,} characters) left out:"
        f" the page shows the first {shown}.\n"
    )
    if kept and not kept[-1].endswith("\n"):
        kept[-1] += "\n"
    return "".join(kept) + note, True


def _capped(out):
    """The output with its printed text cut as a whole (figures kept)."""
    budget_lines, budget_chars = MAX_LINES, MAX_CHARS
    parts, was_cut = [], False
    for part in out.parts:
        if not isinstance(part, str):
            parts.append(part)
            continue
        if was_cut:
            continue
        text, was_cut = cut(part, budget_lines, budget_chars)
        parts.append(text)
        budget_lines -= text.count("\n")
        budget_chars -= len(text)
    return Output(parts), was_cut


def summary(out, error):
    """What a screen reader hears when a run ends: a few words."""
    said = []
    lines = out.text.count("\n") + (1 if out.text and not out.text.endswith("\n") else 0)
    if lines:
        said.append(f"printed {lines:,} line{'s' if lines != 1 else ''}")
    figures = sum(not isinstance(p, str) for p in out.parts)
    if figures:
        said.append("drew a figure" if figures == 1 else f"drew {figures} figures")
    if error is not None:
        said.append(f"raised {type(error).__name__}")
    return ", ".join(said) or "printed nothing"


def _traceback_from(error, names):
    """The error's traceback from the first frame of a reader's block on."""
    import traceback

    tb = error.__traceback__
    while tb is not None and tb.tb_frame.f_code.co_filename not in names:
        tb = tb.tb_next
    return "".join(traceback.format_exception(type(error), error, tb))


def _line_in(error, name):
    """The last line of the block called `name` that the error passed through."""
    line, tb = None, error.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == name:
            line = tb.tb_lineno
        tb = tb.tb_next
    return line


@dataclass
class Page:
    """One page's sessions, as its worker keeps them between Runs."""

    dot: object  # DOT source -> SVG text (Graphviz in the page)
    notify: object = None
    runner: PageRunner = field(init=False)

    def __post_init__(self):
        self.runner = PageRunner(notify=self.notify)
        gradbook.display.set_host(PageHost(self.runner, self.dot))

    def run(self, key, codes, names, index):
        """Run block `index` of the chain `codes` (each named as in `names`) in session `key`.

        Returns JSON: {"html": the output as the page shows it, "text": what it
        printed, "error": traceback text or null, "failed": the chain index of
        the block that failed (an earlier one: it ran before this one) or null,
        "line": that block's line the error passed through, "summary": a few
        words for a screen reader, "cut": whether the output was cut}.
        """
        codes, names = list(codes), list(names)
        chain = [PageBlock(code, name, fence_line=i) for i, (code, name) in enumerate(zip(codes, names))]
        result = {"html": "", "text": "", "error": None, "failed": None, "line": None, "cut": False}
        error = None
        try:
            out = self.runner.run(key, chain, index, names[index])
        except EarlierBlockFailed:
            failure = self.runner.sessions[key].failure
            error, failed, out = failure.error, failure.index, Output()
        except BaseException as e:  # noqa: BLE001 - whatever the reader's code raises is shown to the reader
            error, failed = e, self.runner.running
            out = self.runner.last if failed == index else Output()
        if error is not None:
            name = names[failed]
            line = _line_in(error, name)
            text = _traceback_from(error, names)
            if failed != index:
                at = f" at line {line}" if line else ""
                text = f"{name[0].upper()}{name[1:]}{at} failed, so this block did not run:\n\n{text}"
            result.update(failed=failed, line=line, error=text)
        if error is not None:
            self.runner.forget(lambda k: k != key)  # not built upon: the next Run starts the session afresh
        capped, result["cut"] = _capped(out)
        result["html"] = capped.page_html()
        result["text"] = capped.text
        result["summary"] = summary(out, error)
        return json.dumps(result)

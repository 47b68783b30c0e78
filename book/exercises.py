"""A chapter's exercises: the reader's block, its check, its solution and the wrong answers kept to test the check.

An exercise is a `### N. Title` section under `## Exercises`. In its Markdown:

* the **starter**: the Python block before the Solution, which the reader edits
  (it runs at build time as given, so it must run);
* the **check**: an HTML comment ``<!-- check ... -->`` holding Python that
  defines ``check(ns)``; ``ns`` is the namespace of the reader's session after
  the reader's block ran, and ``check`` raises ``Wrong("...")`` saying what is
  wrong (helpers in book/live/checks.py);
* one or more **wrong answers**: ``<!-- wrong: why it is wrong ... -->``, code
  a reader could plausibly put in the starter's place; the tests assert that
  the check flags each one, and passes the solution;
* the **solution**: the Python block(s) inside the collapsed
  ``<details>`` whose summary is Solution.

A comment is never shown: the page gets a Check button in the check's place
(book/live/check.js runs it in the reader's session, only when pressed), the
notebook a Check cell, and the wrong answers stay in the Markdown for the tests.
"""

from __future__ import annotations

import builtins
import contextlib
import html
import io
import re
import types
from dataclasses import dataclass
from pathlib import Path

from book.blocks import python_blocks, session_chain

PRELUDE_PATH = Path(__file__).resolve().parent / "live" / "checks.py"
_HEADING = re.compile(r"^(#{2,3}) (.*)$")
CHECK = re.compile(r"^<!-- check\n(?P<code>.*?)\n-->\n?", re.S | re.M)
WRONG = re.compile(r"^<!-- wrong: (?P<why>[^\n]*)\n(?P<code>.*?)\n-->\n?", re.S | re.M)


@dataclass(frozen=True)
class Exercise:
    path: Path
    title: str  # "2. A sigmoid node"
    line: int  # 0-based line of its heading
    starter: object | None  # book.blocks.Block
    solution: tuple  # the Solution's blocks
    check: str | None
    wrongs: tuple  # (why, code) pairs

    @property
    def where(self):
        return f"{self.path.name}, exercise {self.title}"

    @property
    def solution_code(self):
        return "\n\n".join(b.shown_code for b in self.solution)

    def problems(self):
        """What this exercise lacks, in words (empty when it is complete)."""
        out = []
        if self.starter is None:
            out.append("no block for the reader's answer before its Solution")
        elif not self.starter.session:
            out.append("its starter block has no session, so its check cannot see the chapter's code")
        if not self.solution:
            out.append("no Python block in its Solution")
        if self.check is None:
            out.append("no <!-- check ... --> comment")
        if not self.wrongs:
            out.append("no <!-- wrong: ... --> answer to show that its check can fail")
        return [f"{self.where}: {p}" for p in out]


def exercises(path):
    """The exercises of a chapter, in page order."""
    text = path.read_text("utf8")
    lines = text.split("\n")
    blocks = python_blocks(text, path)
    sections, in_exercises = [], False
    for i, line in enumerate(lines):
        m = _HEADING.match(line)
        if not m:
            continue
        if m[1] == "##":
            in_exercises = m[2].strip() == "Exercises"
            if sections and sections[-1][2] is None:
                sections[-1][2] = i
        elif in_exercises:
            if sections and sections[-1][2] is None:
                sections[-1][2] = i
            sections.append([i, m[2].strip(), None])
    out = []
    for start, title, end in sections:
        end = len(lines) if end is None else end
        body = "\n".join(lines[start:end])
        solution_at = next(
            (start + k for k, line in enumerate(lines[start:end]) if "<summary>Solution</summary>" in line), end
        )
        details_end = next((start + k for k, line in enumerate(lines[start:end]) if line.strip() == "</details>"), end)
        own = [b for b in blocks if start < b.fence_line < end]
        before = [b for b in own if b.fence_line < solution_at]
        solution = tuple(b for b in own if solution_at < b.fence_line < details_end)
        check = CHECK.search(body)
        out.append(
            Exercise(
                path=path,
                title=title,
                line=start,
                starter=before[-1] if before else None,
                solution=solution,
                check=check["code"] if check else None,
                wrongs=tuple((m["why"].strip(), m["code"]) for m in WRONG.finditer(body)),
            )
        )
    return out


# ---------------------------------------------------------------------------
# The page and the notebook


def page_markdown(markdown):
    """The chapter's Markdown for MkDocs: each check becomes the Check's place, wrong answers go."""
    markdown = WRONG.sub("", markdown)

    def place(m):
        code = html.escape(m["code"]).replace("\n", "&#10;")
        return f'<div class="gb-check" data-gb-check="{code}"></div>\n'

    return CHECK.sub(place, markdown)


def has_checks(markdown):
    return bool(CHECK.search(markdown)) or 'class="gb-check"' in markdown


def check_program(check):
    """What a notebook's Check cell runs: the check, on the notebook's own names."""
    return f"{check}\n\n\ngb_check(check, globals())"


def prelude():
    return PRELUDE_PATH.read_text("utf8")


# ---------------------------------------------------------------------------
# Judging an answer, as the page's Check does, in this process


class _NoFigures:
    def show(self, fig, alt=None):
        pass

    def show_steps(self, frames):
        pass


def run_check(check, namespace):
    """(passed, what the check said) for `check` (its source) on a namespace."""
    g = {"__name__": "gb_check", "__builtins__": builtins}
    exec(compile(prelude(), str(PRELUDE_PATH), "exec"), g)
    exec(compile(check, "<check>", "exec"), g)
    said = io.StringIO()
    with contextlib.redirect_stdout(said):
        passed = g["gb_check"](g["check"], namespace)
    return passed, said.getvalue().strip()


def judge(exercise, code):
    """(passed, message) for `code` put in the starter's place, after the blocks above it, as the page runs them."""
    from gradbook import display

    blocks = python_blocks(exercise.path)
    chain = session_chain(blocks, exercise.starter.session)
    before = chain[: chain.index(exercise.starter)]
    module = types.ModuleType("gb_exercise")
    ns = module.__dict__
    ns["__builtins__"] = builtins
    previous = display.set_host(_NoFigures())
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            for block in before:
                exec(compile(block.shown_code, f"{exercise.path.name}:{block.fence_line + 1}", "exec"), ns)
            try:
                exec(compile(code, "the reader's block", "exec"), ns)
            except Exception as error:
                return False, f"the block itself raised {type(error).__name__}: {error}"
        return run_check(exercise.check, ns)
    finally:
        display.set_host(previous)


def page_assets(page_html, base):
    """The Check's stylesheet and script for a page that has exercises with checks (after live.js)."""
    if 'class="gb-check"' not in page_html:
        return ""
    return (
        f'<link rel="stylesheet" href="{base}live/check.css">\n'
        f'<script type="module" src="{base}live/check.js"></script>\n'
    )

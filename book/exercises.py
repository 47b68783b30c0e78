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
* optionally, other **right answers**: ``<!-- also right: why ... -->``, which
  the check must pass too (another correct algorithm than the solution's);
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
import sys
import types
from dataclasses import dataclass
from pathlib import Path

from book.blocks import python_blocks, session_chain

PRELUDE_PATH = Path(__file__).resolve().parent / "live" / "checks.py"
_HEADING = re.compile(r"^(#{2,3}) (.*)$")
CHECK = re.compile(r"^<!-- check\n(?P<code>.*?)\n-->\n?", re.S | re.M)
WRONG = re.compile(r"^<!-- wrong: (?P<why>[^\n]*)\n(?P<code>.*?)\n-->\n?", re.S | re.M)
ALSO = re.compile(r"^<!-- also right: (?P<why>[^\n]*)\n(?P<code>.*?)\n-->\n?", re.S | re.M)


@dataclass(frozen=True)
class Exercise:
    path: Path
    title: str  # "2. A sigmoid node"
    line: int  # 0-based line of its heading
    starter: object | None  # book.blocks.Block
    solution: tuple  # the Solution's blocks
    check: str | None
    wrongs: tuple  # (why, code) pairs
    rights: tuple = ()  # other right answers the check must pass, (why, code) pairs

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


def exercises(path, text=None):
    """The exercises of a chapter, in page order (`text`: the page's Markdown, if already read)."""
    text = path.read_text("utf8") if text is None else text
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
                rights=tuple((m["why"].strip(), m["code"]) for m in ALSO.finditer(body)),
            )
        )
    return out


# ---------------------------------------------------------------------------
# The page and the notebook


def page_markdown(markdown):
    """The chapter's Markdown for MkDocs: each check becomes the Check's place, wrong answers go."""
    markdown = ALSO.sub("", WRONG.sub("", markdown))

    def place(m):
        code = html.escape(m["code"]).replace("\n", "&#10;")
        return f'<div class="gb-check" data-gb-check="{code}"></div>\n'

    return CHECK.sub(place, markdown)


def _literal(text):
    """`text` as a Python string literal that reads as code where it can."""
    if "\\" in text or "'''" in text or text.endswith("'"):
        return repr(text)
    return "'''\n" + text + "\n'''"


def notebook_helpers():
    """The source of a notebook's cell that sets the checks up (run once, before the Check cells)."""
    return (
        "# The exercises' checks: this cell sets them up; each Check cell below runs one.\n"
        "def gradbook_check(source, helpers=" + _literal(prelude().strip("\n")) + "):\n"
        '    g = {"__name__": "gb_check"}  # the check\'s names never land among yours\n'
        "    exec(helpers, g)\n"
        "    exec(source, g)\n"
        '    g["gb_check"](g["check"], globals())\n'
    )


def notebook_check(check):
    """The source of an exercise's Check cell in the notebook."""
    return "# Check your answer: run this cell after the one above.\ngradbook_check(" + _literal(check) + ")\n"


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


_MASTERS = {}  # (path, session) -> [namespace, how many blocks of the chain ran in it]


def _namespace_before(exercise, chain):
    """The session's namespace after the blocks above the starter (shown code, as in the page), kept."""
    key = (exercise.path, exercise.starter.session)
    target = chain.index(exercise.starter)
    state = _MASTERS.get(key)
    if state is None or state[1] > target:
        module = types.ModuleType("gb_exercise_" + exercise.path.stem.replace("-", "_"))
        module.__dict__["__builtins__"] = builtins
        state = _MASTERS[key] = [module.__dict__, 0]
    ns = state[0]
    with contextlib.redirect_stdout(io.StringIO()):
        while state[1] < target:
            block = chain[state[1]]
            exec(compile(block.shown_code, f"{exercise.path.name}:{block.fence_line + 1}", "exec"), ns)
            state[1] += 1
    return ns


def _snapshot(ns):
    """The state of the session's own classes and objects, to put back after an answer changed it."""
    module, saved = ns.get("__name__"), []
    for value in list(ns.values()):
        if isinstance(value, type) and value.__module__ == module:
            saved.append((value, dict(vars(value))))
        elif type(value).__module__ == module and hasattr(value, "__dict__"):
            saved.append((value, dict(value.__dict__)))
    return saved


def _restore(saved):
    for obj, attrs in saved:
        if isinstance(obj, type):
            for name in [n for n in vars(obj) if n not in attrs]:
                delattr(obj, name)
            for name, value in attrs.items():
                if name not in ("__dict__", "__weakref__") and vars(obj).get(name) is not value:
                    setattr(obj, name, value)
        else:
            obj.__dict__.clear()
            obj.__dict__.update(attrs)


def judge(exercise, code):
    """(passed, message) for `code` put in the starter's place, after the blocks above it, as the page runs them.

    The blocks above run once per session and are kept; each answer runs in a
    copy of that namespace, and what it changed in the session's classes and
    objects is put back afterwards, so that answers cannot see each other.
    """
    from gradbook import display

    chain = session_chain(python_blocks(exercise.path), exercise.starter.session)
    previous = display.set_host(_NoFigures())
    try:
        master = _namespace_before(exercise, chain)
        saved = _snapshot(master)
        ns = dict(master)
        try:
            with contextlib.redirect_stdout(io.StringIO()):
                try:
                    exec(compile(code, "the reader's block", "exec"), ns)
                except Exception as error:
                    return False, f"the block itself raised {type(error).__name__}: {error}"
            return run_check(exercise.check, ns)
        finally:
            _restore(saved)
    finally:
        display.set_host(previous)
        _close_figures()


def _close_figures():
    plt = sys.modules.get("matplotlib.pyplot")
    if plt is not None:
        plt.close("all")


def page_assets(page_html, base):
    """The Check's stylesheet and script for a page that has exercises with checks (after live.js)."""
    if 'class="gb-check"' not in page_html:
        return ""
    return (
        f'<link rel="stylesheet" href="{base}live/check.css">\n'
        f'<script type="module" src="{base}live/check.js"></script>\n'
    )


def problems(path):
    """What the exercises of a chapter lack, in words (the build warns, so a strict build stops)."""
    return [p for ex in exercises(path) for p in ex.problems()]

"""A chapter's "Try it" notes, with the steps that perform them and what they promise.

Right after each ``!!! example "Try it"`` admonition, an HTML comment says,
once, what the note asks of the reader and what the page then shows; the
browser tests (tests/test_live_invitations.py) perform it in Chromium, step by
step, as a reader would:

    <!-- try-it
    edit: L = d * f | a = Value(2.0 => a = Value(3.0
    run: L = d * f
    see: L = d * f | Value(data=-2.0)
    -->

Each step is ``verb: BLOCK`` or ``verb: BLOCK | ARGUMENT``, where BLOCK is a
piece of the code of one runnable block as the book shows it:

* ``edit: BLOCK | OLD => NEW``: replace OLD (which the reader can see) by NEW
  in the block's editor;
* ``run: BLOCK``: press Run; it must finish without an error;
* ``fails: BLOCK | TEXT``: press Run; it must fail, with TEXT in its output;
* ``see: BLOCK | TEXT`` / ``not: BLOCK | TEXT``: the block's output has (has
  not) TEXT; ``figure: BLOCK | TEXT``: its redrawn figure has TEXT;
* ``reset: BLOCK``: press Reset.

Notebooks drop HTML comments, and the page never shows them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

VERBS = ("edit", "run", "fails", "see", "not", "figure", "reset")
_TRY = re.compile(r'^!!! example "Try it"\s*$')
_STEPS = re.compile(r"^<!-- try-it\n(?P<steps>.*?)\n-->", re.S | re.M)


@dataclass(frozen=True)
class Step:
    verb: str
    block: str
    argument: str | None = None

    @property
    def old_new(self):
        old, sep, new = (self.argument or "").partition(" => ")
        if not sep:
            raise ValueError(f"edit step {self.argument!r}: write OLD => NEW")
        return old, new


@dataclass(frozen=True)
class TryIt:
    path: Path
    line: int  # 0-based line of the admonition
    words: str  # the note as the reader reads it
    steps: tuple | None  # None: no try-it comment after the note

    @property
    def where(self):
        return f"{self.path.name}:{self.line + 1}"


def parse_steps(text):
    steps = []
    for raw in text.strip().splitlines():
        verb, sep, rest = raw.partition(":")
        verb = verb.strip()
        if not sep or verb not in VERBS:
            raise ValueError(f"try-it step {raw!r}: start it with one of {', '.join(VERBS)} and a colon")
        block, bar, argument = rest.strip().partition(" | ")
        steps.append(Step(verb, block.strip(), argument if bar else None))
    return tuple(steps)


def tryits(path):
    """The Try-it notes of a chapter, each with its steps (book order)."""
    lines = path.read_text("utf8").split("\n")
    out = []
    for i, line in enumerate(lines):
        if not _TRY.match(line):
            continue
        j = i + 1
        while j < len(lines) and (lines[j].startswith("    ") or not lines[j].strip()):
            j += 1
        words = " ".join(w.strip() for w in lines[i + 1 : j] if w.strip())
        rest = "\n".join(lines[j:])
        m = _STEPS.match(rest)
        out.append(TryIt(path, i, words, parse_steps(m["steps"]) if m else None))
    return out


def problems(path):
    """Try-it notes without steps, or with steps the browser tests could not read (the build warns)."""
    out = []
    try:
        found = tryits(path)
    except ValueError as error:
        return [f"{path.name}: {error}"]
    from book.blocks import python_blocks

    shown = [b.shown_code for b in python_blocks(path)]
    for t in found:
        if t.steps is None:
            out.append(f"{t.where}: a Try it note with no <!-- try-it --> steps after it (docs/contributing.md)")
            continue
        if not any(s.verb in ("see", "not", "figure", "fails") for s in t.steps):
            out.append(f"{t.where}: its steps check nothing the note promises: add a see: step")
        # The page finds a step's block by the book's code, not by what an edit made of it.
        for s in t.steps:
            if not any(s.block in code for code in shown):
                out.append(f"{t.where}: step {s.verb}: {s.block!r} is in no block of the chapter as the book shows it")
    return out

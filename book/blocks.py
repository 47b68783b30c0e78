"""One reading of a code block, for the build, the tests, the notebooks and the live pages.

Two programs read the chapters' fences and must agree on every one of them:

* the build: pymdownx.superfences parses a fence's options and markdown-exec's
  validator decides whether it runs (``exec="on"``, ``exec="1"``, ``exec=yes``...)
  and in which session (``session="x"`` or ``session='x'``);
* the tests: pytest-markdown-docs collects ```` ```python ````, ```` ```py ```` and
  ```` ```python3 ```` fences that markdown-it (CommonMark) sees, which leaves out
  fences indented under an admonition or a content tab.

This module reads a fence both ways, with those libraries' own parsers, and
``problems()`` names every block the two would treat differently, with the fix.
"""

from __future__ import annotations

import ast
import functools
import io
import re
import tokenize
from dataclasses import dataclass, field
from pathlib import Path

import markdown_exec
from markdown_it import MarkdownIt
from pymdownx.superfences import RE_NESTED_FENCE_START, RE_OPTIONS

# The fence languages pytest-markdown-docs collects as tests.
TESTED_LANGUAGES = ("python", "py", "python3")
# The languages the build runs: book/plugin.py registers its formatter for
# these, and mkdocs.yml lists them for markdown-exec (a test checks both).
BUILD_LANGUAGES = ("python", "py")
# markdown-exec's marker: a line containing it runs but is not shown. In the book
# it marks lines that serve the build and the tests only (checks, backend set-up):
# they are left out of the page, the notebook and the live page alike.
HIDE = "markdown-exec: hide"
# Before a fence that is not Python: why it is not run.
UNTESTED_MARK = re.compile(r"<!--\s*untested:\s*\S.*-->")


def superfences_options(info):
    """A fence's language and options as pymdownx.superfences reads them (None: unreadable)."""
    m = RE_NESTED_FENCE_START.match("```" + info)
    if m is None or m.group("attrs") is not None or m.group("unrecognized"):
        return (m.group("lang") if m else None), None
    values = {}
    for option in RE_OPTIONS.finditer(m.group("options") or ""):
        key, value = option.group("key"), option.group("value")
        values[key] = key if value is None else value  # a bare `key` means key="key"
    return m.group("lang"), values


def markdown_exec_options(lang, values):
    """markdown-exec's own validator on those options: its options if it runs the block, else None."""
    options = {}
    try:
        runs = markdown_exec.validator(lang, dict(values), options, {}, None)
    except Exception:  # superfences treats a validator error as "not this fence"
        return None
    return options if runs else None


@dataclass(frozen=True)
class Block:
    """A fenced code block of a Markdown file, as both readers see it."""

    path: Path | None
    fence_line: int  # 0-based line of the opening fence
    end_line: int  # 0-based line after the closing fence
    info: str
    code: str
    lang: str | None = field(init=False)
    build_options: dict | None = field(init=False)  # markdown-exec's options when the build runs it

    def __post_init__(self):
        lang, values = superfences_options(self.info)
        runs = lang in BUILD_LANGUAGES and values is not None
        object.__setattr__(self, "lang", lang)
        object.__setattr__(self, "build_options", markdown_exec_options(lang, values) if runs else None)

    @property
    def start_line(self):
        """0-based line of the first line of code: pytest-markdown-docs' ``start_line``."""
        return self.fence_line + 1

    @property
    def tested(self):
        words = self.info.split()
        return bool(words) and words[0] in TESTED_LANGUAGES and "notest" not in words

    @property
    def built(self):
        return self.build_options is not None

    @property
    def session(self):
        return (self.build_options or {}).get("session") or None

    @property
    def session_id(self):
        """Which session of its page the block runs in, the one rule for the build, the tests
        and the live page: its session's name, or its own line (a block without one runs alone)."""
        return self.session or self.fence_line

    @property
    def html(self):
        return bool((self.build_options or {}).get("html"))

    @property
    def shown_code(self):
        """The code as the reader sees it: on the page, in the notebook, in the live page."""
        return "\n".join(line for line in self.code.split("\n") if HIDE not in line).strip("\n")

    def shown_lines(self):
        """The shown code's lines, each with its 0-based line in the Markdown file."""
        numbered = [(self.start_line + i, line) for i, line in enumerate(self.code.split("\n")) if HIDE not in line]
        while numbered and not numbered[0][1].strip():
            numbered.pop(0)
        while numbered and not numbered[-1][1].strip():
            numbered.pop()
        return numbered

    @property
    def where(self):
        return f"{self.path or '<text>'}:{self.fence_line + 1}"

    def problem(self):
        """Why the build and the tests would treat this block differently, with the fix; or None."""
        if self.tested and not self.built:
            words = self.info.split()
            if words[0] == "python3":
                fix = f"write ```python instead of ```python3 (the build runs {' and '.join(BUILD_LANGUAGES)} only)"
            elif superfences_options(self.info)[1] is None:
                fix = 'write its options as key="value" pairs after the language, without braces'
            else:
                fix = 'add exec="on" (and session="PAGE") so the build runs it too'
            return f"{self.where}: this Python block runs in the tests but not at build time: {fix}"
        if self.built and not self.tested:
            return f"{self.where}: this block runs at build time but is not collected as a test: write ```python"
        return None


def fences(source, path=None):
    """The fenced blocks of a Markdown text or file that markdown-it sees, in page order."""
    if isinstance(source, Path):
        path, source = source, source.read_text("utf8")
    return list(_fences(source, path))


@functools.lru_cache(maxsize=256)  # the build, the notebooks and the checks all read each page
def _fences(text, path):
    return tuple(
        Block(path, tok.map[0], tok.map[1], tok.info, tok.content)
        for tok in MarkdownIt("commonmark").parse(text)
        if tok.type == "fence"
    )


def python_blocks(source, path=None):
    """The blocks the tests collect, in page order."""
    return [b for b in fences(source, path) if b.tested]


def session_chain(blocks, session):
    """The blocks of one session, in the order the build and the tests run them."""
    return [b for b in blocks if b.tested and b.session == session]


_FENCE = re.compile(r"^(?P<indent>\s*)(?P<fence>`{3,}|~{3,})(?P<info>.*)$")


def nested_fences(text):
    """Every fence of a Markdown text, indented ones included: (0-based line, indent, info, line before).

    markdown-it does not see a fence indented under ``!!!`` or ``===``, but
    superfences does and runs it: this finds those.
    """
    out, open_fence, lines = [], None, text.splitlines()
    for i, line in enumerate(lines):
        m = _FENCE.match(line)
        if open_fence:
            closes = m and m["fence"][0] == open_fence[0] and len(m["fence"]) >= len(open_fence)
            if closes and not m["info"].strip():
                open_fence = None
            continue
        if m:
            open_fence = m["fence"]
            before = next((prev for prev in reversed(lines[:i]) if prev.strip()), "")
            out.append((i, m["indent"], m["info"].strip(), before.strip()))
    return out


_COMPOUND = tuple(
    getattr(ast, name)
    for name in ("If", "For", "AsyncFor", "While", "With", "AsyncWith", "Try", "TryStar", "Match")
    + ("FunctionDef", "AsyncFunctionDef", "ClassDef")
    if hasattr(ast, name)
)


def repl_problems(block):
    """Where a block's shown code, pasted into the Python REPL line by line, would not run as a script does.

    The REPL ends a compound statement (``def``, ``class``, ``for``, ``if``...)
    at the first blank line, and reads nothing else until it has ended: so no
    blank line may stand inside one (the rest of its body would be an
    unexpected indent), and a blank line must follow one before the code after it.
    """
    numbered = block.shown_lines()
    code = "\n".join(line for _, line in numbered)
    try:
        tree = ast.parse(code)
        tokens = list(tokenize.generate_tokens(io.StringIO(code + "\n").readline))
    except (SyntaxError, tokenize.TokenError):
        return []  # the build reports it, with its traceback
    in_string = set()  # 1-based lines inside a multi-line string: a blank line there is the string's
    for tok in tokens:
        if tok.type == tokenize.STRING and tok.end[0] > tok.start[0]:
            in_string.update(range(tok.start[0] + 1, tok.end[0] + 1))
    lines = [line for _, line in numbered]

    def where(n):  # 1-based line of the shown code -> the Markdown file's line
        return f"{block.path or '<text>'}:{numbered[n - 1][0] + 1}"

    found = []
    body = tree.body
    for i, node in enumerate(body):
        if not isinstance(node, _COMPOUND):
            continue
        for n in range(node.lineno + 1, node.end_lineno):
            if not lines[n - 1].strip() and n not in in_string:
                found.append(
                    f"{where(n)}: a blank line inside an indented body: pasted into the Python REPL it ends"
                    f" the {type(node).__name__.lower().replace('def', ' def')} early: delete it"
                )
        after = body[i + 1] if i + 1 < len(body) else None
        if after is not None:
            start = min([after.lineno, *(d.lineno for d in getattr(after, "decorator_list", []))])
            if not any(not lines[n - 1].strip() for n in range(node.end_lineno + 1, start)):
                found.append(
                    f"{where(start)}: the code after a compound statement follows it directly: pasted into the"
                    " Python REPL it is a SyntaxError: put a blank line before this line"
                )
    return found


def problems(path):
    """Every block of a Markdown file that escapes testing, that the two readers disagree on, or that a
    reader cannot paste: into the REPL (its layout), or alone after its own imports (an import it lacks)."""
    text = path.read_text("utf8")
    blocks = fences(text, path)
    found = [p for p in (b.problem() for b in blocks) if p]
    for b in blocks:
        if b.tested:
            found += repl_problems(b)
    from book.setup_text import missing_imports  # it reads blocks with this module

    for b, names in missing_imports([b for b in blocks if b.tested]):
        found.append(
            f"{b.where}: this block begins with imports but uses {', '.join(names)}, imported by an earlier"
            f" block: import {'them' if len(names) > 1 else 'it'} here too, so that it runs when pasted alone"
        )
    for line, indent, info, before in nested_fences(text):
        lang = info.split()[0] if info.split() else ""
        where = f"{path}:{line + 1}"
        if lang in TESTED_LANGUAGES or lang in BUILD_LANGUAGES:
            if indent:
                found.append(
                    f"{where}: a Python block indented under an admonition or a tab is not collected as a test:"
                    " move it out of the admonition (or print the tabs from a block with show_steps)"
                )
        elif not UNTESTED_MARK.search(before):
            found.append(f"{where}: a {lang or 'plain'} block with no <!-- untested: REASON --> comment before it")
    return found


def _optional(handler_types):
    """Whether an `except` clause catches a failed import (the block then runs without the module)."""
    names = {"ImportError", "ModuleNotFoundError", "Exception", "BaseException"}
    for node in handler_types:
        if node is None:  # a bare `except:`
            return True
        for n in node.elts if isinstance(node, ast.Tuple) else [node]:
            if isinstance(n, ast.Name) and n.id in names:
                return True
    return False


def imports(code):
    """The modules a piece of code imports unconditionally, in order.

    An import inside `try: ... except ImportError:` is optional (the code has
    a plan for its absence, as chapter 9 has for PyTorch) and is not counted:
    the live pages need not have it, the notebooks need not install it.
    Raises SyntaxError for code that does not parse.
    """
    return list(_imports(code))


def all_imports(code):
    """The modules a piece of code may import, optional ones (see `imports`) included:
    what the published build must have, so that every block shows what it is for."""
    return list(_imports(code, with_optional=True))


@functools.lru_cache(maxsize=4096)  # a session's blocks are asked about once per later block
def _imports(code, with_optional=False):
    found = []

    def visit(node, optional):
        if isinstance(node, ast.Try) or type(node).__name__ == "TryStar":
            inner = optional or (not with_optional and _optional([h.type for h in node.handlers]))
            for child in node.body:
                visit(child, inner)
            for child in [*node.handlers, *node.orelse, *node.finalbody]:
                visit(child, optional)
            return
        if not optional:
            if isinstance(node, ast.Import):
                found.extend(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                found.append(node.module)
        for child in ast.iter_child_nodes(node):
            visit(child, optional)

    visit(ast.parse(code), False)
    return tuple(found)

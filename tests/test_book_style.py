"""The book shows the reader's code, and its prose stays in step with src/gradbook.

* Asserts that only serve the tests are build-only (``# markdown-exec: hide``):
  shown assert lines stay under 5% of shown code, no shown block is made of
  asserts only, and hiding lines never leaves the reader code that does not parse.
* Wherever the prose names the library (a path, a dotted ``gradbook`` name, a name in an
  "In gradbook" / "In the library" section, a line of its source), that thing
  must still exist in src/gradbook: renaming ``_topo`` or rewriting
  ``_backward`` fails here until the chapter is updated.
"""

import ast
import builtins
import importlib
import inspect
import re
from functools import cache

import pytest
from markdown_it import MarkdownIt

from book.blocks import python_blocks
from sitebuild import DOCS, ROOT

SRC = ROOT / "src" / "gradbook"
PAGES = sorted(DOCS.rglob("*.md"))
CHAPTERS = sorted((DOCS / "chapters").glob("*.md"))
MAX_SHOWN_ASSERTS = 0.05


def code_lines(code):
    """The lines of code that are neither blank nor only a comment."""
    return [line.strip() for line in code.split("\n") if line.strip() and not line.strip().startswith("#")]


def shown_blocks():
    return [b for page in PAGES for b in python_blocks(page) if b.built]


def test_shown_asserts_are_few():
    shown = [line for b in shown_blocks() for line in code_lines(b.shown_code)]
    asserts = [line for line in shown if line.startswith("assert ")]
    ratio = len(asserts) / len(shown)
    print(f"{len(asserts)} shown assert lines of {len(shown)} shown code lines: {ratio:.1%}")
    assert ratio <= MAX_SHOWN_ASSERTS, (
        f"{ratio:.1%} of the shown code is asserts (at most {MAX_SHOWN_ASSERTS:.0%}): end the lines that only"
        " check for the tests with '  # markdown-exec: hide'"
    )


@pytest.mark.parametrize("block", shown_blocks(), ids=lambda b: b.where)
def test_shown_block_is_code_for_the_reader(block):
    lines = code_lines(block.shown_code)
    assert lines, f"{block.where}: every line is hidden, so the page shows an empty block: merge it into a neighbour"
    assert not all(line.startswith("assert ") for line in lines), (
        f"{block.where}: a block of asserts only: print what they check, or hide them in the block before"
    )
    try:
        ast.parse(block.shown_code)
    except SyntaxError as err:
        pytest.fail(
            f"{block.where}: the code shown to the reader does not parse ({err.msg}, line {err.lineno}):"
            " hide the whole statement (its 'else:' or 'for' line too), not only its body"
        )


# -- prose that names the library -------------------------------------------------------

_MD = MarkdownIt("commonmark")
LIBRARY_HEADINGS = ("In gradbook", "In the library")
IDENTIFIER_PATH = re.compile(r"^[A-Za-z_]\w*(\.[A-Za-z_]\w*)*(\(.*\))?$")


def prose_spans(path):
    """(heading, inline code) for every code span of a page's prose, in page order."""
    heading, out = "", []
    tokens = _MD.parse(path.read_text("utf8"))
    for i, tok in enumerate(tokens):
        if tok.type == "inline" and i and tokens[i - 1].type == "heading_open":
            heading = tok.content
        elif tok.type == "inline":
            out += [(heading, child.content) for child in tok.children if child.type == "code_inline"]
    return out


@cache
def library_source():
    return "\n".join(p.read_text("utf8") for p in sorted(SRC.glob("*.py")))


@cache
def library_names():
    """Every name src/gradbook defines: modules, functions, classes, methods, attributes, slots, arguments."""
    names = {p.stem for p in SRC.glob("*.py")} | {"gradbook"}
    for node in ast.walk(ast.parse(library_source())):
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, ast.arg):
            names.add(node.arg)
        elif isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store):
            names.add(node.attr)
        elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.add(node.id)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value.isidentifier():
            names.add(node.value)  # __slots__ entries
    return frozenset(names)


def page_names(path):
    """Every name the page's own code uses or defines (the book's Value, build_topo, lol...)."""
    names = set()
    for block in python_blocks(path):
        for node in ast.walk(ast.parse(block.code)):
            if isinstance(node, ast.Name):
                names.add(node.id)
            elif isinstance(node, ast.Attribute):
                names.add(node.attr)
            elif isinstance(node, (ast.FunctionDef, ast.ClassDef)):
                names.add(node.name)
            elif isinstance(node, ast.arg):
                names.add(node.arg)
            elif isinstance(node, ast.alias):
                names.update((node.asname or node.name).split("."))
    return names


STDLIB = ("math", "random", "sys", "struct", "inspect")


def python_names():
    return set(dir(builtins)) | set(dir(object)) | set(STDLIB) | {"torch"}  # torch: an optional extra


def resolves(dotted):
    """Whether a dotted name of the standard library exists."""
    module, *attrs = dotted.split(".")
    obj = importlib.import_module(module)
    for attr in attrs:
        if not hasattr(obj, attr):
            return False
        obj = getattr(obj, attr)
    return True


def normal(code):
    return re.sub(r"\s+", " ", code.replace("'", '"')).strip()


def test_library_paths_in_prose_exist():
    missing = []
    for page in PAGES:
        for _, span in prose_spans(page):
            for path in re.findall(r"\b((?:src/gradbook|tests)/[\w/]+\.py)\b", span):
                if not (ROOT / path).exists():
                    missing.append(f"{page.name}: `{span}`")
            if re.fullmatch(r"test_\w+", span) and not re.search(
                rf"def {span}\b", "".join(p.read_text("utf8") for p in (ROOT / "tests").glob("test_*.py"))
            ):
                missing.append(f"{page.name}: `{span}` (no such test)")
    assert not missing, "the prose names files or tests that do not exist:\n" + "\n".join(missing)


def test_gradbook_dotted_names_in_prose_exist():
    missing = []
    for page in PAGES:
        for _, span in prose_spans(page):
            m = re.fullmatch(r"(gradbook(?:\.\w+)*)(\(.*\))?", span)
            if not m:
                continue
            parts = m.group(1).split(".")
            obj = importlib.import_module("gradbook")
            for i, part in enumerate(parts[1:], start=1):
                if hasattr(obj, part):
                    obj = getattr(obj, part)
                    continue
                try:
                    obj = importlib.import_module(".".join(parts[: i + 1]))
                except ImportError:
                    missing.append(f"{page.name}: `{span}`")
                    break
    assert not missing, "the prose names gradbook objects that do not exist:\n" + "\n".join(missing)


@pytest.mark.parametrize("page", CHAPTERS, ids=lambda p: p.name)
def test_library_sections_name_what_the_library_has(page):
    """In a chapter's "In gradbook" section, a name is the library's, Python's, or the page's own."""
    known = library_names() | python_names() | page_names(page)
    source = normal(library_source())
    missing = []
    for heading, span in prose_spans(page):
        if heading not in LIBRARY_HEADINGS:
            continue
        if re.fullmatch(r"test_\w+|[\w-]+\.(toml|py|cfg|txt|ipynb)", span):
            continue  # a test or a file: test_library_paths_in_prose_exist
        if IDENTIFIER_PATH.match(span):
            head = span.split("(")[0]
            if head.split(".")[0] in STDLIB:
                if not resolves(head):
                    missing.append(f"`{span}`: Python has no {head}")
                continue
            unknown = [part for part in head.split(".") if part not in known]
            if unknown:
                missing.append(f"`{span}`: {', '.join(unknown)} is in neither src/gradbook nor the page")
        elif re.search(r"\b(self|child)\.\w", span) and normal(span) not in source:
            # a line of the library's source, quoted: it must still be there
            missing.append(f"`{span}`: not found in src/gradbook")
    assert not missing, f"{page.name} describes the library with code it no longer has:\n" + "\n".join(missing)


def test_quoted_signatures_match_the_library():
    """`Value(data, _children=(), ...)` in the prose is the signature of gradbook.Value as it is."""
    import gradbook

    wrong = []
    for page in PAGES:
        for _, span in prose_spans(page):
            m = re.fullmatch(r"(Value|Neuron|Layer|MLP)\((\w+(?:, [^)]*)?)\)", span)
            if not m or "=" not in span:
                continue
            params = list(inspect.signature(getattr(gradbook, m.group(1))).parameters.values())
            actual = ", ".join(str(p) for p in params)
            if normal(m.group(2)) != normal(actual):
                wrong.append(f"{page.name}: `{span}`, but the library has {m.group(1)}({actual})")
    assert not wrong, "\n".join(wrong)


def test_the_checks_can_fail():
    """The helpers above tell a name or a line the library has from one it has not."""
    assert {"Value", "backward", "zero_grad", "MLP"} <= library_names()
    assert "no_such_method" not in library_names()
    assert normal("def  backward(self):") in normal(library_source())
    assert normal("def backward(self, retain=True):") not in normal(library_source())
    assert IDENTIFIER_PATH.match("Value._topo(leaves=False)") and not IDENTIFIER_PATH.match("a + b")


def test_highlighted_lines_exist():
    """`hl_lines="..."` numbers the lines the reader sees (hidden lines are not counted)."""
    wrong = []
    for block in shown_blocks():
        m = re.search(r'hl_lines="([\d\s-]+)"', block.info)
        if not m:
            continue
        shown = block.shown_code.split("\n")
        numbers = [int(n) for part in m.group(1).split() for n in part.split("-")]
        if max(numbers) > len(shown) or min(numbers) < 1 or any(not shown[n - 1].strip() for n in numbers):
            wrong.append(f"{block.where}: hl_lines={m.group(1)!r} but the block shows {len(shown)} lines")
    assert not wrong, "\n".join(wrong)

"""Snippets that run where they are pasted (issue 20).

Every Python block of every chapter, as a reader takes it away:

* copied "with setup" (book/setup_text.py): the text alone, in a fresh Python,
  exits 0 and prints what the block printed at build time;
* pasted block by block into the plain Python REPL (``python -i``, stdin): no
  SyntaxError or IndentationError, and each block prints what it printed at build;
* a block that begins with imports, run alone: no NameError for a name an
  import gives;
* the chapter as one script (``NN-slug.py``, beside its page): it runs and
  prints the page's text.

What the build printed comes from the notebooks the site build wrote (the
outputs of that very build). One interpreter per chapter (per session for the
REPL): tests/snippet_runner.py forks one process per snippet from it.
"""

import ast
import json
import math
import os
import re
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from book.blocks import python_blocks, session_chain
from book.chapter_script import script_name
from book.notebooks import CHECK_TAG
from book.setup_text import BLOCK_HEAD, SETUP_HEAD, page_snippets, units
from sitebuild import CHAPTERS, ROOT, without_measurements

RUNNER = Path(__file__).with_name("snippet_runner.py")
# What show() prints outside Jupyter and the book (a figure's file): the page has the figure instead.
SHOWN = re.compile(r"^show(?:_steps)?\(\): .*(?:\n|$)", re.M)
# The echo of a value at the REPL (the path show() returns) is the REPL's, not the code's output.
ECHO = re.compile(r"^(?:PosixPath|WindowsPath)\(.*\)\n", re.M)
ENV = {**os.environ, "MPLBACKEND": "Agg", "PYTHONDONTWRITEBYTECODE": "1", "PYTHONHASHSEED": "0"}
_NUMBER = re.compile(r"-?\d+\.\d+(?:e[-+]?\d+)?")


def _normalise(text):
    return "\n".join(line.rstrip() for line in without_measurements(SHOWN.sub("", text)).strip().splitlines())


def same_output(got, built):
    """Equal, but for the last bits of floats (the allowance of tests/test_live.py's equivalence test)."""
    a, b = _normalise(got), _normalise(built)
    if a == b:
        return True
    if _NUMBER.split(a) != _NUMBER.split(b):
        return False
    return all(
        math.isclose(float(x), float(y), rel_tol=1e-13, abs_tol=1e-15)
        for x, y in zip(_NUMBER.findall(a), _NUMBER.findall(b), strict=True)
    )


def built_outputs(site, chapter):
    """What each Python block of a chapter printed at build time, from the notebook of that build."""
    nb = json.loads((site / "notebooks" / chapter.stem / f"{chapter.stem}.ipynb").read_text("utf8"))
    # The first installs gradbook; an exercise's Check cell (book.notebooks.CHECK_TAG) is no block of the page.
    cells = [
        c for c in nb["cells"] if c["cell_type"] == "code" and CHECK_TAG not in c.get("metadata", {}).get("tags", [])
    ][1:]
    blocks = python_blocks(chapter)
    assert len(cells) == len(blocks), f"{chapter.name}: {len(cells)} code cells for {len(blocks)} blocks"
    return ["".join("".join(o["text"]) for o in c["outputs"] if o["output_type"] == "stream") for c in cells]


def preload(blocks):
    """The libraries the blocks import: the runner imports them once, before it forks."""
    return sorted({m for b in blocks for m in re.findall(r"^\s*(?:import|from) ([\w.]+)", b.shown_code, re.M)})


def run_snippets(snippets, modules):
    request = {"preload": modules, "snippets": snippets}
    proc = subprocess.run(
        [sys.executable, str(RUNNER)], input=json.dumps(request), capture_output=True, text=True, env=ENV, timeout=900
    )
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def _statements(code):
    return [ast.dump(node) for node in ast.parse(code).body]


# --------------------------------------------------------------------------- "Copy with setup"


def each_chapter(check, site):
    """`check(chapter, site)` for every chapter, one after the other; their failures.

    Not in threads: CPython 3.11's `ast` is not safe to use from two threads at once ("AST
    constructor recursion depth mismatch"), and the suite's other pytest-xdist worker has the
    other core."""
    return [f for chapter in CHAPTERS for f in check(chapter, site)]


def test_every_block_copied_with_setup_runs_alone(site):
    failures = each_chapter(with_setup_failures, site)
    assert not failures, "\n\n".join(failures)


def with_setup_failures(chapter, site):
    blocks = python_blocks(chapter)
    built = built_outputs(site, chapter)
    snippets = page_snippets(blocks)
    for b in blocks:
        s = snippets[b.fence_line]
        # The runner runs the text's statements one by one (what several texts share, once): the same program.
        assert _statements(s.text) == [d for piece in s.pieces for d in _statements(piece)], b.where
        assert "markdown-exec" not in s.text, f"{b.where}: a build-only line in the text to copy"
    results = run_snippets(
        [{"text": snippets[b.fence_line].text, "pieces": snippets[b.fence_line].pieces} for b in blocks],
        preload(blocks),
    )
    failures = []
    for b, out, result in zip(blocks, built, results, strict=True):
        s = snippets[b.fence_line]
        if result["exit"] != 0:
            failures.append(f"{b.where}: exit {result['exit']}\n{result['error']}\n--- the text:\n{s.text}")
            continue
        got = result["out"]
        if s.setup_prints:  # the setup's own output comes first: the block's is what it ends with
            n = len(_normalise(out).splitlines())
            got = "\n".join(_normalise(got).splitlines()[-n:]) if n else ""
        if not same_output(got, out):
            failures.append(f"{b.where}: printed\n{result['out']}\ninstead of what it printed at build\n{out}")
    return failures


def test_with_setup_is_the_block_after_what_it_needs():
    """On chapter 4: the setup comes first, under a heading comment, and leaves out what only prints."""
    chapter = ROOT / "docs/chapters/04-neuron.md"
    blocks = python_blocks(chapter)
    snippets = page_snippets(blocks)
    first = blocks[0]
    assert snippets[first.fence_line].text == first.shown_code  # nothing above it: the block itself
    backward = next(b for b in blocks if b.shown_code.startswith("o.grad = 1.0"))
    text = snippets[backward.fence_line].text
    setup, _, block = text.partition(f"\n\n{BLOCK_HEAD}\n")
    assert setup.startswith(SETUP_HEAD) and block == backward.shown_code
    assert "o = n.tanh()" in setup and "class Value:" in setup  # what it uses
    assert "print(6 + math.atanh" not in setup and "show(" not in setup  # what only prints or shows
    assert len(text.splitlines()) < sum(len(b.shown_code.splitlines()) for b in session_chain(blocks, "04-neuron"))


# --------------------------------------------------------------------------- imports


def test_a_block_that_begins_with_imports_names_no_module_it_lacks():
    """Run alone, such a block may lack the chapter's values, never a module or a name an import gives."""
    snippets, imported, where = [], [], []
    for chapter in CHAPTERS:
        blocks = python_blocks(chapter)
        names = {n for b in blocks for u in units(b.shown_code) for n in u.facts.imports}
        for b in blocks:
            body = ast.parse(b.shown_code).body
            if body and isinstance(body[0], (ast.Import, ast.ImportFrom)):
                snippets.append({"text": b.shown_code, "pieces": [b.shown_code]})
                imported.append(names)
                where.append(b.where)
    assert len(snippets) > 50
    results = run_snippets(snippets, ["gradbook", "graphviz", "numpy", "matplotlib.pyplot", "torch"])
    missing = []
    for w, names, result in zip(where, imported, results, strict=True):
        m = re.search(r"NameError: name '(\w+)' is not defined", result["error"])
        if m and m[1] in names:
            missing.append(
                f"{w}: NameError for {m[1]!r}, which an import of the chapter gives: import it in this block"
            )
    assert not missing, "\n".join(missing)


# --------------------------------------------------------------------------- the REPL

MARK = "\x1e"
# Typed at the REPL between blocks; prints a separator to both streams and binds no name.
SEPARATOR = f'__import__("sys").stdout.write("{MARK}\\n"), __import__("sys").stderr.write("{MARK}\\n")\n'
QUIET = "__import__('sys').__setattr__('displayhook', lambda value: None)\n"


def repl_input(blocks):
    """The blocks as a reader pastes them, one after the other, each ended by Enter on an empty line."""
    return QUIET + "".join(b.shown_code + "\n\n" + SEPARATOR for b in blocks)


def run_repl(python, blocks, env):
    proc = subprocess.run(
        [python, "-i", "-q"], input=repl_input(blocks), capture_output=True, text=True, env=env, timeout=600
    )
    return proc.stdout.split(MARK + "\n"), proc.stderr.split(MARK + "\n")


def sessions(chapter):
    blocks = python_blocks(chapter)
    return {b.session: session_chain(blocks, b.session) for b in blocks}


def test_every_block_pasted_into_the_repl_runs_as_in_a_script(site):
    """The plain REPL (3.11's, line by line), each session's blocks pasted in page order: no error, same output.

    The REPL also echoes the value of an expression statement (`ax.plot(...)` is a list): a
    display hook that shows nothing keeps that out, it is not output of the code.
    """
    failures = each_chapter(repl_failures, site)
    assert not failures, "\n\n".join(failures)


def repl_failures(chapter, site):
    built = dict(zip([b.fence_line for b in python_blocks(chapter)], built_outputs(site, chapter), strict=True))
    failures = []
    for chain in sessions(chapter).values():
        outs, errs = run_repl(sys.executable, chain, ENV)
        for b, out, err in zip(chain, outs, errs):
            err = re.sub(r"(?:>>> |\.\.\. )+", "", err).strip()
            if err:
                failures.append(f"{b.where}: pasted into the REPL:\n{err}")
            elif not same_output(ECHO.sub("", out), built[b.fence_line]):
                failures.append(f"{b.where}: pasted into the REPL it printed\n{out}\ninstead of\n{built[b.fence_line]}")
        if len(outs) != len(chain) + 1:
            failures.append(f"{chapter.name}: the REPL stopped early:\n{errs[-1]}")
    return failures


def _python313():
    found = shutil.which("python3.13")
    if found is None:
        pyenv = Path.home() / ".pyenv/versions"
        found = next((str(p) for p in sorted(pyenv.glob("3.13*/bin/python3.13"))), None)
    return found


def test_the_3_13_repl_reads_every_block_as_3_11s_does(tmp_path):
    """Python 3.13's REPL, fed on stdin (its line-by-line reader): no SyntaxError or IndentationError anywhere.

    Only the layout is checked: this Python has gradbook from src/ and graphviz, not numpy or matplotlib.
    """
    python = _python313()
    if python is None:
        pytest.skip("python3.13 is not installed (pyenv install 3.13): 3.11's REPL is tested above")
    import graphviz

    (tmp_path / "graphviz").symlink_to(Path(graphviz.__file__).parent)
    env = {**ENV, "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(tmp_path)])}

    def layout_failures(chain):
        _, errs = run_repl(python, chain, env)
        return [
            f"{b.where}: Python 3.13's REPL:\n{err.strip()}"
            for b, err in zip(chain, errs)
            if "SyntaxError" in err or "IndentationError" in err
        ]

    chains = [chain for chapter in CHAPTERS for chain in sessions(chapter).values()]
    with ThreadPoolExecutor(max_workers=2) as pool:
        failures = [f for found in pool.map(layout_failures, chains) for f in found]
    assert not failures, "\n\n".join(failures)


# --------------------------------------------------------------------------- each chapter as a script


def test_the_chapter_as_a_script_prints_what_the_page_prints(site):
    failures = each_chapter(script_failures, site)
    assert not failures, "\n\n".join(failures)


def script_failures(chapter, site):
    script = site / "chapters" / chapter.stem / script_name(f"chapters/{chapter.name}")
    page = (site / "chapters" / chapter.stem / "index.html").read_text("utf8")
    if f'href="{script.name}" download' not in page:
        return [f"{chapter.name}: the page does not link to {script.name}"]
    if "markdown-exec" in script.read_text("utf8"):
        return [f"{script.name}: a build-only line"]
    proc = subprocess.run(
        [sys.executable, script.name], cwd=script.parent, capture_output=True, text=True, env=ENV, timeout=600
    )
    if proc.returncode != 0:
        return [f"python {script.name}: exit {proc.returncode}\n{proc.stderr}"]
    page_text = "".join(built_outputs(site, chapter))
    if not same_output(proc.stdout, page_text):
        return [f"python {script.name} printed\n{proc.stdout}\ninstead of the page's\n{page_text}"]
    return []


# --------------------------------------------------------------------------- the button, in Chromium


def test_the_copy_with_setup_button_copies_what_runs(browser, origin):
    """Chapter 4: a block's second copy button, named "with setup", puts its setup text on the clipboard."""
    from test_browser import open_page

    chapter = ROOT / "docs/chapters/04-neuron.md"
    blocks = python_blocks(chapter)
    block = next(b for b in blocks if b.shown_code.startswith("o.grad = 1.0"))
    expected = page_snippets(blocks)[block.fence_line].text
    context = browser.new_context(
        permissions=["clipboard-read", "clipboard-write"], viewport={"width": 1280, "height": 900}
    )
    try:
        watched = open_page(context, origin, "chapters/04-neuron/")
        page = watched.page
        index = session_chain(blocks, block.session).index(block)
        el = page.locator(f'.gb-live[data-gb-session="{block.session}"][data-gb-index="{index}"]')
        button = el.get_by_role("button", name=re.compile("with setup"))
        # Material mounts a block's buttons once the block is on screen (content.lazy).
        el.scroll_into_view_if_needed()
        button.wait_for(state="attached")
        source = el.locator(".highlight").first  # the code; the output after it is a .highlight too
        assert source.locator("button[data-md-type='copy']").count() == 1, "the plain Copy button stays"
        el.locator("pre").first.hover()
        button.click()
        # The button copies once the setup text has arrived: its status says when.
        page.get_by_role("status").filter(has_text="Copied").wait_for()
        copied = page.evaluate("() => navigator.clipboard.readText()")
        assert copied == expected
        watched.assert_clean("chapters/04-neuron/")
    finally:
        context.close()

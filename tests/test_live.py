"""The live pages in headless Chromium: a reader edits a chapter's block and runs it in the page.

Python (Pyodide, in a Web Worker) and Graphviz (WebAssembly) come from the
site's own files; each chapter page below loads Python once and is reused by
the tests that need it (the module-scoped `pages`). The equivalence test is the
check that the engine in the page is the book's engine: every runnable block of
chapters 1 to 7 gives, in the browser, the output (and the plots) it gave at build time.
"""

import math
import re
import time

import pytest
from test_browser import SCREENSHOTS, Watched

from sitebuild import CHAPTERS

CHAPTER = {md.stem[:2]: md.stem for md in CHAPTERS}
EQUIVALENCE = ["01", "02", "03", "04", "05", "06", "07"]
# A run may load Python first: generous, so a slow machine fails only on a real hang.
RUN_TIMEOUT_MS = 120_000
MEASURED = {}  # what the tests measured, printed at the end of the module (pytest -s)


class LivePage:
    def __init__(self, context, origin, chapter):
        self.name = CHAPTER[chapter]
        self.watched = Watched(context.new_page(), origin)
        self.page = self.watched.page
        self.page.goto(f"{origin}/chapters/{self.name}/", wait_until="load")
        self.page.wait_for_function("() => typeof document$ !== 'undefined'")
        if self.page.locator(".gb-live:not(.gb-live-off)").count():
            self.page.locator(".gb-live-bar").first.wait_for(state="attached")  # live.js has set the blocks up
        # A class the reader has seen and the exercises' solutions sit in collapsed
        # <details>: open them all, as a reader would to edit what is inside.
        self.page.evaluate("() => document.querySelectorAll('details').forEach(d => { d.open = true; })")

    def blocks(self):
        return self.page.locator(".gb-live:not(.gb-live-off)")

    def block_with(self, text):
        """The runnable block whose book code contains `text` (it stays that block once edited)."""
        codes = self.blocks().evaluate_all("els => els.map(el => el.dataset.gbCode)")
        found = [i for i, code in enumerate(codes) if text in code]
        assert found, f"{self.name}: no runnable block with {text!r}"
        return self.blocks().nth(found[0])

    def run(self, block):
        """Press Run and wait for the block's output; returns seconds taken."""
        start = time.perf_counter()
        block.get_by_role("button", name="Run").click()
        self.wait(block)
        return time.perf_counter() - start

    def wait(self, block):
        self.page.wait_for_function(
            "el => ['done', 'error', 'stopped'].includes(el.dataset.gbState)",
            arg=block.element_handle(),
            timeout=RUN_TIMEOUT_MS,
        )

    @staticmethod
    def edit(block, code):
        editor = block.get_by_role("textbox")
        editor.fill(code)

    @staticmethod
    def output(block):
        return block.locator(".gb-live-output").inner_text()


@pytest.fixture(scope="module")
def live_context(browser):
    ctx = browser.new_context(viewport={"width": 1280, "height": 900}, color_scheme="light")
    ctx.set_default_timeout(15_000)
    yield ctx
    ctx.close()


@pytest.fixture(scope="module")
def pages(live_context, origin):
    """One page per chapter, opened on first use and kept: Python loads once per page."""
    opened = {}

    def get(chapter):
        if chapter not in opened:
            opened[chapter] = LivePage(live_context, origin, chapter)
        return opened[chapter]

    yield get
    if MEASURED:
        print("\nlive pages, measured:", ", ".join(f"{k}: {v}" for k, v in MEASURED.items()))


def _normalise(text):
    return "\n".join(line.rstrip() for line in text.strip().splitlines())


# Messages that differ between the build's Python and the browser's (3.14), not
# between the engines: Python 3.12 shortened this one.
PYTHON_VERSION_WORDING = [
    ("maximum recursion depth exceeded while calling a Python object", "maximum recursion depth exceeded"),
]
_NUMBER = re.compile(r"-?\d+\.\d+(?:e[-+]?\d+)?")


def _same_output(browser_text, build_text):
    """Equal, but for the last bits of floats: the browser's C maths library (musl,
    in WebAssembly) rounds tanh and exp differently from glibc in the last place."""
    a, b = _normalise(browser_text), _normalise(build_text)
    for old, new in PYTHON_VERSION_WORDING:
        a, b = a.replace(old, new), b.replace(old, new)
    if a == b:
        return True
    if _NUMBER.split(a) != _NUMBER.split(b):
        return False
    return all(
        math.isclose(float(x), float(y), rel_tol=1e-13, abs_tol=1e-15)
        for x, y in zip(_NUMBER.findall(a), _NUMBER.findall(b), strict=True)
    )


def _screenshot(name):
    SCREENSHOTS.mkdir(exist_ok=True)
    return SCREENSHOTS / name


# --------------------------------------------------------------------------- tests


def test_first_load_stays_small(live_context, origin, site):
    """A reader who never presses Run downloads the controller script and its
    stylesheet and nothing else of the live pages: within 5% of the page without them."""
    page = live_context.new_page()
    sizes = {}
    page.on("response", lambda r: sizes.__setitem__(r.url, int(r.headers.get("content-length", 0))))
    page.goto(f"{origin}/chapters/{CHAPTER['02']}/", wait_until="load")
    page.wait_for_load_state("networkidle")
    page.close()
    live = {u: n for u, n in sizes.items() if "/live/" in u or "/wheels/" in u}
    assert sorted(u.rsplit("/", 1)[1] for u in live) == ["live.css", "live.js"], sorted(live)
    html = (site / "chapters" / CHAPTER["02"] / "index.html").read_text("utf8")
    # The page's own bytes for the live blocks: the wrapper divs with their data.
    markup = sum(
        len(m.encode())
        for m in re.findall(
            r'<div class="gb-live[^>]*>|<link[^>]*live\.css[^>]*>|<script[^>]*live\.js[^>]*></script>', html
        )
    )
    markup += len("</div>") * html.count('<div class="gb-live')
    total = sum(sizes.values())
    added = sum(live.values()) + markup
    before = total - added
    MEASURED["chapter 2 first load before"] = f"{before:,} B"
    MEASURED["after"] = f"{total:,} B (+{added / before:.1%})"
    assert added <= 0.05 * before, (
        f"the live pages add {added} bytes to a first load of {before} ({added / before:.1%})"
    )


def test_edit_run_and_redraw(pages):
    """Chapter 2: a = 3.0 instead of 2.0 gives L = -2.0, and the drawing below shows it."""
    p = pages("02")
    builds_l = p.block_with("L = d * f")
    code = builds_l.get_by_role("textbox").inner_text()
    assert "a = Value(2.0" in code
    requests_before = len(p.watched.requests)
    # The reader's edit: a = 3.0, and the asserts (which check the book's numbers) removed.
    edited = "\n".join(
        line for line in code.replace("a = Value(2.0", "a = Value(3.0").splitlines() if not line.startswith("assert")
    )
    p.edit(builds_l, edited)
    cold = p.run(builds_l)
    out = p.output(builds_l)
    assert "Value(data=-2.0)" in out, out
    assert "Value(data=-9.0) Value(data=1.0) Value(data=-2.0)" in out, out
    assert builds_l.get_attribute("data-gb-state") == "done"

    figure_block = p.block_with("show(draw_dot(L")
    warm = p.run(figure_block)
    svg_text = " ".join(figure_block.locator(".gb-live-output .gb-figure svg text").all_text_contents())
    assert "data -2.0000" in svg_text and "data 3.0000" in svg_text, svg_text
    # The same kind of drawing as the build's: top to bottom, record labels.
    assert figure_block.locator(".gb-live-output .gb-figure svg g.node").count() == 10
    figure_block.screenshot(path=str(_screenshot("live-figure.png")))
    builds_l.screenshot(path=str(_screenshot("live-block.png")))

    first_run = p.watched.requests[requests_before:]
    loaded = {u.rsplit("/", 1)[1] for u in first_run}
    assert {"pyodide.asm.wasm", "python_stdlib.zip", "worker.js", "index.js"} <= loaded, loaded
    MEASURED["first Run (cold)"] = f"{cold:.1f} s"
    MEASURED["a later Run (drawing)"] = f"{warm:.2f} s"
    again = p.run(builds_l)
    MEASURED["a later Run (text)"] = f"{again:.2f} s"

    # Reset puts back the book's code and output.
    builds_l.get_by_role("button", name="Reset").click()
    assert "a = Value(2.0" in builds_l.get_by_role("textbox").inner_text()
    assert "Value(data=-8.0)" in builds_l.inner_text()
    assert not builds_l.locator(".gb-live-output").is_visible()


def test_first_run_bytes(live_context, origin):
    """What a reader downloads for the first Run of a figure block (Python, the wheels, Graphviz)."""
    p = LivePage(live_context, origin, "02")
    sizes = {}
    p.page.on("response", lambda r: sizes.__setitem__(r.url, int(r.headers.get("content-length", 0))))
    p.run(p.block_with("show(draw_dot(L"))
    assert p.block_with("show(draw_dot(L").get_attribute("data-gb-state") == "done"
    live = sum(n for u, n in sizes.items() if "/live/" in u or "/wheels/" in u)
    MEASURED["first Run download"] = f"{live / 1e6:.1f} MB"
    assert 5e6 < live < 30e6, sizes
    p.watched.assert_clean("chapter 2, first Run")
    p.page.close()


def test_exception_shows_traceback(pages):
    p = pages("02")
    block = p.block_with("sq = a * a")
    p.edit(block, "x = 1\ny = x + 1\nraise ValueError(f'no value {y}')")
    p.run(block)
    out = p.output(block)
    assert "ValueError: no value 2" in out, out
    assert 'File "this block", line 3' in out, out
    assert "raise ValueError" in out  # the reader's line, quoted
    assert block.get_attribute("data-gb-state") == "error"
    block.get_by_role("button", name="Reset").click()


def test_stop_a_block_that_runs_forever(pages):
    p = pages("02")
    block = p.block_with("sq = a * a")
    p.edit(block, "while True: pass")
    block.get_by_role("button", name="Run").click()
    p.page.wait_for_function("el => el.dataset.gbState === 'running'", arg=block.element_handle())
    p.page.wait_for_timeout(1500)
    assert block.get_attribute("data-gb-state") == "running"
    block.get_by_role("button", name="Stop").click()
    p.wait(block)
    assert block.get_attribute("data-gb-state") == "stopped"
    assert "Stopped" in p.output(block)
    # The next Run starts Python afresh and replays the blocks above.
    block.get_by_role("button", name="Reset").click()
    p.run(block)
    assert block.get_attribute("data-gb-state") == "done"
    assert "2 children in the tuple" in p.output(block)


@pytest.fixture
def own_page(live_context, origin):
    """Chapter 2 in a page of its own, for a test that changes its session for good
    (rebinds the chapter's names, or crashes its Python); its block `sq = a * a`."""
    p = LivePage(live_context, origin, "02")
    yield p, p.block_with("sq = a * a")
    p.page.close()


def test_a_deep_graph_is_freed_in_the_browser(own_page):
    # Pyodide frees nested objects on the browser's own stack: without
    # gradbook.engine._free_children, dropping this chain kills Python for good.
    p, block = own_page
    p.edit(
        block,
        "from gradbook import Value\nx = Value(1.0)\nfor _ in range(20_000):\n    x = x * 1.0001 + 0.5\n"
        "x.backward()\ndel x\nprint('freed')",
    )
    p.run(block)
    assert block.get_attribute("data-gb-state") == "done", p.output(block)
    assert p.output(block).strip() == "freed"
    # A node Value() refused is freed too, with nothing said about it.
    p.edit(block, "from gradbook import Value\ntry:\n    Value('3')\nexcept TypeError:\n    print('refused')")
    p.run(block)
    assert p.output(block).strip() == "refused"


def test_python_crashing_in_the_page_says_so_and_the_next_run_starts_afresh(own_page):
    p, block = own_page
    # Without gradbook's loop (chapter 12 says what it is for), freeing a chain
    # 10,000 nodes deep (5,000 steps of two nodes) overflows the browser's stack.
    p.edit(
        block,
        "from gradbook import Value\ndel Value.__del__\nx = Value(1.0)\nfor _ in range(5_000):\n"
        "    x = x * 1.0001 + 0.5\ndel x",
    )
    p.run(block)
    out = p.output(block)
    assert block.get_attribute("data-gb-state") == "error"
    assert "Python in this page crashed" in out and "The next Run starts Python afresh" in out, out
    block.screenshot(path=_screenshot("live-crash.png"))
    assert block.get_by_role("button", name="Run").is_enabled()
    p.edit(block, "print('alive', a.data)")  # `a` comes from a block above, replayed
    p.run(block)
    assert block.get_attribute("data-gb-state") == "done", p.output(block)
    assert p.output(block).strip().startswith("alive")


@pytest.mark.parametrize("chapter", EQUIVALENCE)
def test_browser_output_equals_build_output(pages, chapter):
    """Every runnable block, run in page order in the browser, prints what it printed
    at build time and draws figures with the same labels."""
    p = pages(chapter)
    blocks = p.blocks()
    n = blocks.count()
    assert n >= 3, f"{p.name}: only {n} runnable blocks"
    # The build-time outputs: Reset puts them back where an earlier test ran a block.
    for i in range(n):
        reset = blocks.nth(i).get_by_role("button", name="Reset")
        if reset.is_enabled():
            reset.click()
    built = p.page.evaluate(
        """() => { const NOT_TEXT = '.gb-figure, .tabbed-set, .gb-zoom';
        return [...document.querySelectorAll('.gb-live:not(.gb-live-off)')].map(el => {
            const kids = [...el.children];
            const after = kids.slice(kids.findIndex(c => c.classList.contains('gb-live-output')) + 1);
            const figures = after.flatMap(c => [...c.querySelectorAll('svg text')]).map(t => t.textContent);
            const text = after.filter(c => !c.matches(NOT_TEXT)).map(c => c.innerText).join('');
            return {text, figures: figures.sort()};
        }); }"""
    )
    differences = []
    for i in range(n):
        block = blocks.nth(i)
        p.run(block)
        out = block.locator(".gb-live-output")
        state = block.get_attribute("data-gb-state")
        text = out.evaluate(
            "o => [...o.children].filter(c => !c.matches('.gb-figure, .tabbed-set, .gb-zoom'))"
            ".map(c => c.innerText).join('')"
        )
        figures = sorted(out.locator("svg text").all_text_contents())
        where = f"block {i + 1} of {n} ({block.get_by_role('textbox').inner_text().splitlines()[0][:50]!r})"
        if state != "done":
            differences.append(f"{where}: failed in the browser:\n{text}")
        elif not _same_output(text, built[i]["text"]):
            differences.append(f"{where}: printed\n{text}\ninstead of\n{built[i]['text']}")
        elif figures != built[i]["figures"]:
            differences.append(f"{where}: figure labels {figures} instead of {built[i]['figures']}")
    assert not differences, f"{p.name}:\n" + "\n".join(differences)
    p.watched.assert_clean(p.name)  # no request left the site, no console error


def test_chapter7_invitation_puts_the_bug_back(pages):
    """Chapter 7's "Try it": `=` for `+=` in `__add__` makes a + a's gradient wrong again."""
    p = pages("07")
    fixed = p.block_with("self.grad += 1.0 * out.grad")
    code = fixed.get_by_role("textbox").inner_text()
    p.edit(
        fixed,
        code.replace("self.grad += 1.0 * out.grad", "self.grad = 1.0 * out.grad").replace(
            "other.grad += 1.0 * out.grad", "other.grad = 1.0 * out.grad"
        ),
    )
    p.run(fixed)
    assert fixed.get_attribute("data-gb-state") == "done"
    after = p.block_with('print("a + a:  a.grad =", a.grad)')
    p.run(after)
    out = p.output(after)
    # The book's own checks are build-only lines: they do not run here, the reader sees the numbers.
    assert "a + a:  a.grad = 1.0" in out and "Error" not in out, out
    for block in (fixed, after):
        block.get_by_role("button", name="Reset").click()
    p.run(after)  # the book's code again: the earlier block is re-run as written
    assert after.get_attribute("data-gb-state") == "done" and "a.grad = 2.0" in p.output(after)

"""The live pages in headless Chromium: a reader edits a chapter's block and runs it in the page.

Python (Pyodide, in a Web Worker) and Graphviz (WebAssembly) come from the
site's own files; a chapter page loads Python once and is reused by the tests
that need it (the module-scoped `pages`). Here, the machinery: a first load,
edit, Run and redraw, tracebacks, Stop, faults at start, the queue, keyboard
and screen readers, output, storage, the browser's cache, axe, a phone. What
the book invites a reader to do in a page (and the check that every block of
chapters 1 to 7 prints there what it printed at build time) is
test_live_invitations.py.
"""

import re
import time

import pytest
from test_browser import Watched, check_axe, screenshot, switch_to_dark

from sitebuild import CHAPTERS

CHAPTER = {md.stem[:2]: md.stem for md in CHAPTERS}
# A run may load Python first: generous, so a slow machine fails only on a real hang.
RUN_TIMEOUT_MS = 120_000
MEASURED = {}  # what the tests measured, printed at the end of the module (pytest -s)


class LivePage:
    def __init__(self, context, origin, chapter):
        self.name = CHAPTER[chapter]
        self.watched = Watched(context.new_page(), origin)
        self.page = self.watched.page
        self.sizes = {}  # URL -> bytes, of everything this page fetched
        self.page.on("response", lambda r: self.sizes.__setitem__(r.url, int(r.headers.get("content-length", 0))))
        self.page.goto(f"{origin}/chapters/{self.name}/", wait_until="load")
        self.page.wait_for_function("() => typeof document$ !== 'undefined'")
        if self.page.locator(".gb-live:not(.gb-live-off)").count():
            # live.js sets the blocks up a few at a time, when the browser is idle.
            self.page.wait_for_function("() => document.documentElement.dataset.gbLive === 'ready'")
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


class ChapterPages:
    """One page per chapter, opened on first use and kept for the module's tests: starting
    Python is most of a live test's time (3 s of a core and more, each time)."""

    def __init__(self, context, origin):
        self.context, self.origin, self.opened = context, origin, {}

    def __call__(self, chapter):
        if chapter not in self.opened:
            self.opened[chapter] = LivePage(self.context, self.origin, chapter)
        p = self.opened[chapter]
        # A page behind another is a background tab: Chromium runs its timers at most once a
        # second, and each Run would wait seconds for them.
        p.page.bring_to_front()
        return p


@pytest.fixture(scope="module")
def pages(live_context, origin):
    yield ChapterPages(live_context, origin)
    if MEASURED:
        print("\nlive pages, measured:", ", ".join(f"{k}: {v}" for k, v in MEASURED.items()))


# --------------------------------------------------------------------------- tests


def test_first_load_stays_small(live_context, origin, site):
    """A reader who never presses Run downloads the controller script and its
    stylesheet, the Check buttons' and the Copy-with-setup button's, and nothing
    else of the live pages: at most 45 KB (uncompressed; 9% of the chapter, which
    no longer loads the 316 KB search index)."""
    page = live_context.new_page()
    sizes = {}
    page.on("response", lambda r: sizes.__setitem__(r.url, int(r.headers.get("content-length", 0))))
    page.goto(f"{origin}/chapters/{CHAPTER['02']}/", wait_until="load")
    page.wait_for_load_state("networkidle")
    page.close()
    live = {u: n for u, n in sizes.items() if "/live/" in u or "/wheels/" in u}
    # check.js and check.css: the exercises' Check buttons (they too load nothing more until pressed);
    # snippets.js: the Copy with setup buttons.
    assert sorted(u.rsplit("/", 1)[1] for u in live) == [
        "check.css",
        "check.js",
        "live.css",
        "live.js",
        "snippets.js",
    ], sorted(live)
    html = (site / "chapters" / CHAPTER["02"] / "index.html").read_text("utf8")
    # The page's own bytes for the live blocks: the wrapper divs with their data.
    markup = sum(
        len(m.encode())
        for m in re.findall(
            r'<div class="gb-(?:live|check)[^>]*>|<link[^>]*(?:live|check)\.css[^>]*>'
            r"|<script[^>]*(?:live|check)\.js[^>]*></script>",
            html,
        )
    )
    markup += len("</div>") * (html.count('<div class="gb-live') + html.count('<div class="gb-check'))
    total = sum(sizes.values())
    added = sum(live.values()) + markup
    before = total - added
    MEASURED["chapter 2 first load before"] = f"{before:,} B"
    MEASURED["after"] = f"{total:,} B (+{added / before:.1%})"
    assert added <= 45_000 and added <= 0.09 * before, (
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
    screenshot(figure_block, "live-figure.png")
    screenshot(builds_l, "live-block.png")

    first_run = p.watched.requests[requests_before:]
    loaded = {u.rsplit("/", 1)[1] for u in first_run}
    assert {"pyodide.asm.wasm", "python_stdlib.zip", "worker.js", "index.js"} <= loaded, loaded
    # What a reader downloads for a first Run and a figure: Python, the wheels, Graphviz.
    live = sum(n for u, n in p.sizes.items() if "/live/" in u or "/wheels/" in u)
    MEASURED["first Run download"] = f"{live / 1e6:.1f} MB"
    assert 5e6 < live < 30e6, p.sizes
    p.watched.assert_clean("chapter 2, first Run")
    MEASURED["first Run (cold)"] = f"{cold:.1f} s"
    MEASURED["a later Run (drawing)"] = f"{warm:.2f} s"
    again = p.run(builds_l)
    MEASURED["a later Run (text)"] = f"{again:.2f} s"

    # Reset puts back the book's code and output.
    builds_l.get_by_role("button", name="Reset").click()
    assert "a = Value(2.0" in builds_l.get_by_role("textbox").inner_text()
    assert "Value(data=-8.0)" in builds_l.inner_text()
    assert not builds_l.locator(".gb-live-output").is_visible()


FROM_BYTECODE = """import sys, zipimport
stdlib = [m for m in list(sys.modules.values()) if isinstance(getattr(m, "__loader__", None), zipimport.zipimporter)]
print("compiled from source:", sorted(m.__name__ for m in stdlib if not m.__file__.endswith(".pyc")))
print("read as bytecode:", len(stdlib))
import textwrap
textwrap.wrap("x", width=0)"""


def test_python_starts_from_bytecode(pages):
    """Every standard-library module Python and the runner have imported once a block has
    run was read as bytecode (book.bytecode), not compiled from source in the page; and a
    traceback through the standard library still quotes its source."""
    p = pages("02")
    block = p.block_with("sq = a * a")
    p.edit(block, FROM_BYTECODE)
    p.run(block)
    out = p.output(block)
    assert "compiled from source: []" in out, out
    assert int(re.search(r"read as bytecode: (\d+)", out)[1]) > 100, out
    # The frame in textwrap.py, with its line: the sources are in the zip beside the bytecode.
    assert re.search(r'textwrap\.py", line \d+, in \w+\n +raise ValueError\(', out), out
    assert "ValueError: invalid width 0 (must be > 0)" in out, out
    block.get_by_role("button", name="Reset").click()


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


@pytest.fixture(scope="module")
def own_page(live_context, origin):
    """Chapter 2 in a page of its own, for the tests that change its session for good
    (rebind the chapter's names, or crash its Python); its block `sq = a * a`."""
    p = LivePage(live_context, origin, "02")
    yield p, p.block_with("sq = a * a")
    p.page.close()


def test_a_deep_graph_is_freed_in_the_browser(own_page):
    # Pyodide frees nested objects on the browser's own stack: without
    # gradbook.engine._free_children, dropping this chain kills Python for good.
    p, block = own_page
    p.page.bring_to_front()
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
    p.page.bring_to_front()
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
    screenshot(block, "live-crash.png")
    assert block.get_by_role("button", name="Run").is_enabled()
    p.edit(block, "print('alive', a.data)")  # `a` comes from a block above, replayed
    p.run(block)
    assert block.get_attribute("data-gb-state") == "done", p.output(block)
    assert p.output(block).strip().startswith("alive")


# --------------------------------------------------------------------------- never stuck (issue 21)

# Limits short enough for a test (the page states the ones it uses in its messages).
SHORT_LIMITS = "window.gradbookLiveOptions = {stallSeconds: 5, replaySeconds: 3};"
STATUS_LOG = """el => { window.gbStatuses = []; const s = el.querySelector('.gb-live-status');
    new MutationObserver(() => window.gbStatuses.push(s.textContent))
        .observe(s, {childList: true, characterData: true, subtree: true}); }"""


@pytest.fixture(scope="module")
def faulty(browser, origin):
    """Chapter 2 in a context of its own, with the page's limits made short."""
    ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    ctx.set_default_timeout(15_000)
    ctx.add_init_script(SHORT_LIMITS)
    p = LivePage(ctx, origin, "02")
    yield p
    ctx.close()


def _run_until_settled(p, block, limit_s):
    start = time.perf_counter()
    block.get_by_role("button", name="Run").click()
    p.page.wait_for_function(
        "el => ['done', 'error', 'stopped'].includes(el.dataset.gbState)",
        arg=block.element_handle(),
        timeout=limit_s * 1000,
    )
    return time.perf_counter() - start


def test_every_start_fault_ends_in_a_message_and_the_next_run_starts_afresh(faulty):
    p = faulty
    p.page.bring_to_front()
    block = p.block_with("sq = a * a")
    other = p.block_with("L = d * f")
    faults = [
        ("**/live/worker.js", lambda route: route.fulfill(status=404, body="no")),
        ("**/pyodide.asm.wasm", lambda route: route.abort()),
        # Not WebAssembly at all: Pyodide's compile fails (and Pyodide itself would wait forever).
        (
            "**/pyodide.asm.wasm",
            lambda r: r.fulfill(status=200, body=b"\0asm\x01junk", content_type="application/wasm"),
        ),
        ("**/python_stdlib.zip", lambda route: route.abort()),
        # A start slower than the limit: a file that never arrives.
        ("**/pyodide.asm.mjs", lambda route: None),
    ]
    for pattern, handler in faults:
        p.page.route(pattern, handler)
        took = _run_until_settled(p, block, 5 + 10)
        out = p.output(block)
        assert block.get_attribute("data-gb-state") == "error", (pattern, out)
        assert "Python" in out and ("could not" in out or "for 5 s" in out), (pattern, out)
        MEASURED[f"fault {pattern.rsplit('/', 1)[1]}"] = f"message after {took:.1f} s"
        p.page.unroute(pattern)
    # The network is back: another block's Run starts Python from scratch, no Stop, no reload.
    p.page.evaluate(STATUS_LOG, other.element_handle())
    # While it loads, Run on a second block is queued, and says so.
    other.get_by_role("button", name="Run").click()
    block.get_by_role("button", name="Run").click()
    assert block.get_attribute("data-gb-state") == "queued"
    assert "Waiting" in block.locator(".gb-live-status").inner_text()
    p.wait(other)
    assert other.get_attribute("data-gb-state") == "done", p.output(other)
    p.wait(block)
    assert block.get_attribute("data-gb-state") == "done", p.output(block)
    progress = [s for s in p.page.evaluate("() => window.gbStatuses") if re.search(r"\d+\.\d of \d+\.\d MB", s)]
    assert progress and "cache" in progress[0], p.page.evaluate("() => window.gbStatuses")
    MEASURED["progress"] = progress[-1]


def test_an_earlier_block_that_fails_or_runs_too_long_is_named(faulty):
    p = faulty
    p.page.bring_to_front()
    earlier = p.block_with("sq = a * a")
    later = p.block_with("L = d * f")
    names = [b.get_attribute("data-gb-index") for b in (earlier, later)]
    assert int(names[0]) < int(names[1])
    number = earlier.get_by_role("button", name="Run").get_attribute("aria-label").split()[-1]
    p.edit(earlier, "x = 1\nraise ValueError('the reader broke it')")
    p.run(later)
    out = p.output(later)
    assert later.get_attribute("data-gb-state") == "error"
    assert f"(block {number})" in out and "at line 2 failed, so this block did not run" in out, out
    assert "ValueError: the reader broke it" in out
    # Past the limit (3 s here): named too, and the offers work.
    p.edit(earlier, "while True: pass")
    took = _run_until_settled(p, later, 3 + 20)
    out = p.output(later)
    assert f"block {number}" in out and "ran for more than 3 s" in out, out
    later.get_by_role("button", name=f"Leave out block {number}").click()
    p.wait(later)
    # It ran, without the looping block (what it prints depends on whether it needed it).
    assert later.get_attribute("data-gb-state") in ("done", "error") and "ran for more than" not in p.output(later)
    _run_until_settled(p, later, 3 + 20)  # the loop is still above: stopped again, then put back
    later.get_by_role("button", name=f"Put back block {number}").click()
    p.wait(later)
    assert later.get_attribute("data-gb-state") == "done", p.output(later)
    assert "while True" not in earlier.get_by_role("textbox").inner_text()
    MEASURED["replay past the limit"] = f"message after {took:.1f} s"


def test_keyboard_focus_stays_and_names_are_distinct(pages):
    p = pages("02")
    names = p.page.evaluate(
        """() => [...document.querySelectorAll('.gb-live:not(.gb-live-off)')].flatMap(el =>
            [...el.querySelectorAll('.gb-live-button, [role=textbox]')].map(n => n.getAttribute('aria-label')))"""
    )
    assert all(names) and len(set(names)) == len(names), names
    editor_label = names[0]
    assert "Escape, then Tab" in editor_label and "Tab indents" in editor_label, editor_label
    block = p.block_with("sq = a * a")
    run = block.get_by_role("button", name="Run")
    run.focus()
    p.page.keyboard.press("Enter")
    p.wait(block)
    assert run.evaluate("b => document.activeElement === b")
    summary = p.page.locator(".gb-live-announce")
    p.page.wait_for_function("el => /printed \\d+ line/.test(el.textContent)", arg=summary.element_handle())
    p.edit(block, "while True: pass")
    run.focus()
    p.page.keyboard.press("Enter")
    p.page.wait_for_function("el => el.dataset.gbState === 'running'", arg=block.element_handle())
    stop = block.get_by_role("button", name="Stop")
    p.page.keyboard.press("Tab")
    assert stop.evaluate("b => document.activeElement === b")
    p.page.keyboard.press("Enter")
    p.wait(block)
    assert stop.evaluate("b => document.activeElement === b") and block.get_attribute("data-gb-state") == "stopped"
    reset = block.get_by_role("button", name="Reset")
    reset.focus()
    p.page.keyboard.press("Enter")
    assert reset.evaluate("b => document.activeElement === b")
    assert "while True" not in block.get_by_role("textbox").inner_text()


def test_output_is_text_in_a_figure_block_and_is_capped(pages):
    p = pages("02")
    figure = p.block_with("show(draw_dot(L")
    code = figure.get_by_role("textbox").inner_text()
    p.edit(figure, code + '\nprint("<b>bold?</b>")\nprint("line two")')
    p.run(figure)
    out = figure.locator(".gb-live-output")
    assert out.locator("b").count() == 0
    assert "<b>bold?</b>\nline two" in out.inner_text()
    assert out.locator(".gb-figure svg").count() == 1 and out.locator("button.gb-zoom").count() == 1
    figure.get_by_role("button", name="Reset").click()
    block = p.block_with("sq = a * a")
    p.edit(block, "for i in range(100_000):\n    print(i)")
    p.run(block)
    text = p.output(block)
    assert "98,000 more lines" in text and "left out" in text, text[-300:]
    assert len(text.splitlines()) <= 2_001
    assert block.locator(".gb-live-output").bounding_box()["height"] < 100_000
    block.get_by_role("button", name="Reset").click()


def test_edits_are_kept_across_a_reload_until_reset(live_context, origin):
    """No Python needed: the editor, the browser's storage and the keyboard."""
    p = LivePage(live_context, origin, "03")
    block = p.blocks().nth(1)
    editor = block.get_by_role("textbox")
    editor.click()
    p.page.keyboard.press("Control+End")
    p.page.keyboard.press("Enter")
    p.page.keyboard.press("Tab")
    p.page.keyboard.type("kept = 1")
    assert "\n    kept = 1" in editor.inner_text()
    p.page.keyboard.press("Escape")
    p.page.keyboard.press("Tab")
    assert not editor.evaluate("e => document.activeElement === e")  # Escape, then Tab: out of the editor
    p.page.wait_for_timeout(500)  # the edit is saved 0.3 s after the last key
    p.page.reload()
    p.page.wait_for_function("() => document.documentElement.dataset.gbLive === 'ready'")
    block = p.blocks().nth(1)
    assert "kept = 1" in block.get_by_role("textbox").inner_text()
    block.get_by_role("button", name="Reset").click()
    p.page.reload()
    p.page.wait_for_function("() => document.documentElement.dataset.gbLive === 'ready'")
    assert "kept = 1" not in p.blocks().nth(1).get_by_role("textbox").inner_text()
    p.page.close()


def test_a_second_chapter_downloads_nothing_again(browser, origin, tmp_path):
    """Python's files come from the browser's cache on the next chapter; how long its first Run takes.
    A profile on disk, as a reader's browser has: a test context's cache is in memory, and small."""
    from test_browser import CHROMIUM_ARGS, find_chromium

    ctx = browser.browser_type.launch_persistent_context(
        str(tmp_path / "profile"), executable_path=find_chromium(), headless=True, args=CHROMIUM_ARGS
    )
    ctx.set_default_timeout(15_000)
    try:
        first = LivePage(ctx, origin, "02")
        cold = first.run(first.blocks().first)
        first.page.close()
        second = LivePage(ctx, origin, "03")
        fetched = {}

        def count(response):
            if "/live/" in response.url or "/wheels/" in response.url:
                fetched[response.url] = max(0, response.request.sizes()["responseBodySize"])

        second.page.on("response", count)
        warm = second.run(second.blocks().first)
        assert second.blocks().first.get_attribute("data-gb-state") == "done"
        again = sum(n for u, n in fetched.items() if not u.endswith(("manifest.json",)))
        MEASURED["chapter 2 first Run"] = f"{cold:.1f} s"
        MEASURED["chapter 3 first Run after it"] = f"{warm:.1f} s, {again:,} B downloaded again"
        assert any("pyodide.asm.wasm" in u for u in fetched), fetched
        assert again < 100_000, fetched
    finally:
        ctx.close()


def test_axe_after_a_live_run(pages):
    """Drawn figures, a traceback, the offers and the announcer pass axe (all impacts), light and dark.
    (Before a Run, the page is test_browser.py's, axe included.)"""
    p = pages("02")
    p.run(p.block_with("show(draw_dot(L"))
    later, earlier = p.block_with("L = d * f"), p.block_with("sq = a * a")
    p.edit(earlier, "raise ValueError('x')")
    p.run(later)
    assert later.locator(".gb-live-offer").count() == 1
    check_axe(p.page, "chapter 2 after a Run", "light")
    switch_to_dark(p.page, "chapter 2")
    check_axe(p.page, "chapter 2 after a Run", "dark")
    earlier.get_by_role("button", name="Reset").click()
    p.page.locator("label.md-header__button[for^='__palette_']:visible").click()  # light again


# A bar just under the sticky header ("start") or at the bottom of the screen ("end").
SCROLL_BAR = """(b, where) => { b.scrollIntoView({block: where});
    if (where === 'start') scrollBy(0, -(document.querySelector('.md-header').getBoundingClientRect().bottom + 4)); }"""


def test_on_a_phone_nothing_covers_the_controls_and_they_are_big_enough(browser, origin):
    ctx = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    ctx.set_default_timeout(15_000)
    try:
        p = LivePage(ctx, origin, "02")
        page = p.page
        # Scrolled down, then up a little: Material shows its "Back to top" button.
        page.mouse.wheel(0, 3000)
        page.wait_for_timeout(300)
        page.mouse.wheel(0, -400)
        page.wait_for_timeout(300)
        assert page.locator(".md-top:not([hidden])").count() == 1
        covered, small = [], []
        for i in range(p.blocks().count()):
            bar = p.blocks().nth(i).locator(".gb-live-bar")
            # Each bar at the top of the screen, under the header, then at the bottom.
            for where in ("start", "end"):
                bar.evaluate(SCROLL_BAR, where)
                page.mouse.wheel(0, -1)  # a scroll upwards: the "Back to top" button shows
                page.wait_for_timeout(150)
                covered += bar.evaluate(
                    """b => [...b.querySelectorAll('button')].filter(btn => {
                        const r = btn.getBoundingClientRect(), x = r.left + r.width / 2, y = r.top + r.height / 2;
                        if (y < 0 || y > innerHeight) return false;
                        const hit = document.elementFromPoint(x, y);
                        return hit && !btn.contains(hit) && !hit.closest('.md-header');
                    }).map(btn => btn.getAttribute('aria-label'))"""
                )
        targets = page.locator(".gb-live-button, .md-code__button")
        for i in range(targets.count()):
            box = targets.nth(i).bounding_box()
            if box and (box["width"] < 24 or box["height"] < 24):
                small.append((targets.nth(i).get_attribute("aria-label") or targets.nth(i).get_attribute("title"), box))
        assert not covered, f"covered by something fixed: {covered}"
        assert not small, f"tap targets under 24 by 24 px: {small[:5]}"
    finally:
        ctx.close()

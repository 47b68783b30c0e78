"""Every invitation of the book, taken up in Chromium as a reader would.

* Every "Try it" note: its steps, written once beside it in the chapter
  (book/tryits.py), performed in the live page (edit, Run, Reset), and what
  the note promises asserted on the page.
* Exercises: in chapters 3, 5, 7 and 8, each exercise's Check pressed on the
  solution (it must say "Passed") and on each wrong answer the chapter keeps
  (it must say "Not yet" and what is wrong), and Run never runs the check.
* The page's engine is the book's: every runnable block of chapters 1 to 7,
  run in page order, prints what it printed at build time and draws figures
  with the same labels.
* Plots and training: chapter 11's Try-it taken further (fewer steps, then the
  blocks below it run in turn show the new curves and boundary), and chapter
  4's sentence about the last digits. gradbook.plot drawing in the page what it
  drew at build time is test_live.py's equivalence test (chapters 1 and 4).

A chapter's page is opened once and shared by its tests (every Try-it ends by
resetting what it edited, a Check resets its block), as a reader goes from one
invitation to the next: Python starts once per chapter.
"""

import math
import re

import pytest
from test_browser import screenshot
from test_live import CHAPTER, ChapterPages

from book.exercises import exercises
from book.tryits import tryits
from sitebuild import CHAPTERS

TRYITS = [t for md in CHAPTERS for t in tryits(md)]
CHECK_CHAPTERS = ["03", "05", "07", "08"]
# The chapters whose every block is run in the page and compared with what it gave at build time.
EQUIVALENCE = ["01", "02", "03", "04", "05", "06", "07"]
RUN_TIMEOUT_MS = 180_000


@pytest.fixture(scope="module")
def pages(browser, origin):
    ctx = browser.new_context(viewport={"width": 1280, "height": 900}, color_scheme="light")
    ctx.set_default_timeout(20_000)
    yield ChapterPages(ctx, origin)
    ctx.close()


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


def _wait(p, block):
    p.page.wait_for_function(
        "el => ['done', 'error', 'stopped'].includes(el.dataset.gbState)",
        arg=block.element_handle(),
        timeout=RUN_TIMEOUT_MS,
    )


def _perform(p, step):
    block = p.block_with(step.block)
    where = f"{p.name}, step {step.verb}: {step.block!r}"
    if step.verb == "edit":
        old, new = step.old_new
        code = block.get_by_role("textbox").inner_text()
        assert old in code, f"{where}: the reader cannot see {old!r} in the block:\n{code}"
        p.edit(block, code.replace(old, new))
    elif step.verb in ("run", "fails"):
        block.evaluate("el => { delete el.dataset.gbState; }")
        block.get_by_role("button", name="Run").click()
        _wait(p, block)
        state, out = block.get_attribute("data-gb-state"), p.output(block)
        if step.verb == "run":
            assert state == "done", f"{where}: failed in the page:\n{out}"
        else:
            assert state == "error", f"{where}: expected to fail, printed:\n{out}"
            assert step.argument in out, f"{where}: {step.argument!r} not in\n{out}"
    elif step.verb in ("see", "not"):
        out = p.output(block)
        if step.verb == "see":
            assert step.argument in out, f"{where}: {step.argument!r} not in what the page shows:\n{out}"
        else:
            assert step.argument not in out, f"{where}: {step.argument!r} in\n{out}"
    elif step.verb == "figure":
        words = " ".join(block.locator(".gb-live-output svg text").all_text_contents())
        assert step.argument in words, f"{where}: {step.argument!r} not in the figure: {words}"
    elif step.verb == "reset":
        block.get_by_role("button", name="Reset").click()
        # The book's code again (the highlighted editor's text may differ in blank lines only).
        assert block.get_by_role("textbox").inner_text().split() == block.get_attribute("data-gb-code").split()


def test_every_try_it_has_its_steps():
    assert len(TRYITS) >= 11, [t.where for t in TRYITS]
    missing = [t.where for t in TRYITS if not t.steps]
    assert not missing, f"Try-it notes without a <!-- try-it --> comment of steps: {missing}"
    for t in TRYITS:
        assert "delete" not in t.words.lower() or "assert" not in t.words, (
            f"{t.where}: a Try-it must not ask to delete asserts (they are hidden): {t.words}"
        )


@pytest.mark.parametrize("tryit", TRYITS, ids=lambda t: t.where)
def test_try_it_as_written(pages, tryit):
    p = pages(tryit.path.stem[:2])
    for step in tryit.steps:
        _perform(p, step)
    p.watched.assert_clean(tryit.where)


def _check(p, box):
    box.evaluate("el => { delete el.dataset.gbState; }")
    box.get_by_role("button", name="Check").click()
    p.page.wait_for_function(
        "el => ['passed', 'failed'].includes(el.dataset.gbState)", arg=box.element_handle(), timeout=RUN_TIMEOUT_MS
    )
    return box.get_attribute("data-gb-state"), box.locator(".gb-check-verdict").inner_text()


@pytest.mark.parametrize("chapter", CHECK_CHAPTERS)
def test_check_in_the_page(pages, chapter):
    md = next(md for md in CHAPTERS if md.stem == CHAPTER[chapter])
    checked = [ex for ex in exercises(md) if ex.check]  # (all of them: test_book_exercises.py)
    p = pages(chapter)
    boxes = p.page.locator(".gb-check")
    assert boxes.count() == len(checked) == len(exercises(md))
    for i, ex in enumerate(checked):
        box = boxes.nth(i)
        block = p.block_with(ex.starter.shown_code)
        assert box.get_by_role("button", name="Check").is_visible()
        # Run is the reader's code alone: the check does not run.
        p.run(block)
        assert "Passed" not in p.output(block) and "Not yet" not in p.output(block)
        p.edit(block, ex.solution_code)
        state, said = _check(p, box)
        assert state == "passed" and said.startswith("Passed"), f"{ex.where}: the solution: {said}"
        for why, code in ex.wrongs:
            p.edit(block, code)
            state, said = _check(p, box)
            assert state == "failed" and said.startswith("Not yet"), f"{ex.where}, {why}: {said}"
        block.get_by_role("button", name="Reset").click()
    # The reader's code failing: the Check says so, with the traceback, and stays usable.
    first, box = p.block_with(checked[0].starter.shown_code), boxes.first
    p.edit(first, 'raise ValueError("not my day")')
    state, said = _check(p, box)
    assert state == "failed" and "stopped with an error" in said and "ValueError: not my day" in said, said
    assert box.get_by_role("button", name="Check").is_enabled()
    first.get_by_role("button", name="Reset").click()
    screenshot(p.page.locator(".gb-check").first, f"check-{chapter}.png")
    p.watched.assert_clean(p.name)


def test_chapter11_try_it_trains_again_in_the_page(pages):
    """Its words: fewer steps, Run, then the blocks below it in turn show the new curves and boundary."""
    p = pages("11")
    train = p.block_with("for k in range(100)")
    code = train.get_by_role("textbox").inner_text()
    # The reader's edit: 20 steps instead of 100 (and the last step printed).
    p.edit(train, code.replace("range(100)", "range(20)").replace("k == 99", "k == 19"))
    p.run(train)
    out = p.output(train)
    assert train.get_attribute("data-gb-state") == "done", out
    steps = re.findall(r"^step +(\d+) loss (\d+\.\d+), accuracy (\d+)%$", out, re.M)
    assert [int(k) for k, _, _ in steps] == [0, 10, 19], out
    assert steps[0][1] == "0.9129", out  # the untrained network, as the page says

    # The blocks below it, run in turn, show the new run: 20 steps on the curves' axis.
    curves = p.block_with("top.line(losses)")
    p.run(curves)
    assert curves.get_attribute("data-gb-state") == "done", p.output(curves)
    svg = curves.locator(".gb-live-output .gb-figure svg")
    assert svg.count() == 1
    assert svg.get_attribute("aria-label").startswith("Two plots over the training steps")
    # The step axes' ticks (centred under the axes; the y axes' are right-aligned): 0 to 15, not to 100.
    steps_axis = svg.locator("text[text-anchor='middle']").all_text_contents()
    assert [int(t) for t in steps_axis if t.isdigit()] == [0, 5, 10, 15] * 2, steps_axis

    boundary = p.block_with("fig.cells(")
    p.run(boundary)
    assert boundary.get_attribute("data-gb-state") == "done", p.output(boundary)
    cells = boundary.locator(".gb-live-output .gb-figure svg rect[fill='#aebff3'], svg rect[fill='#f2ab95']")
    assert cells.count() > 40  # both classes shaded, row by row
    assert boundary.locator(".gb-live-output .gb-figure svg circle").count() == 100
    screenshot(boundary, "live-boundary.png")
    p.watched.assert_clean("chapter 11 in the page")
    for block in (train, curves, boundary):
        reset = block.get_by_role("button", name="Reset")
        if reset.is_enabled():
            reset.click()


def test_chapter4_gradbook_and_ours_print_the_same_digits_in_the_page(pages):
    """The prose: "the browser's Python, whose C library is another, prints the same digits for both"."""
    p = pages("04")
    block = p.block_with("out = neuron(x)")
    p.run(block)
    out = p.output(block)
    assert block.get_attribute("data-gb-state") == "done", out
    theirs, ours = re.search(r"^o\s+(\S+)\s+ours: (\S+)$", out, re.M).groups()
    assert theirs == ours, out

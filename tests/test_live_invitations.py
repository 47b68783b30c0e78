"""Every invitation of the book, taken up in Chromium as a reader would.

* Every "Try it" note: its steps, written once beside it in the chapter
  (book/tryits.py), performed in the live page (edit, Run, Reset), and what
  the note promises asserted on the page.
* Exercises: in chapters 3, 5, 7 and 8, each exercise's Check pressed on the
  solution (it must say "Passed") and on each wrong answer the chapter keeps
  (it must say "Not yet" and what is wrong), and Run never runs the check.
"""

import pytest
from test_browser import screenshot
from test_live import CHAPTER, LivePage

from book.exercises import exercises
from book.tryits import tryits
from sitebuild import CHAPTERS

TRYITS = [t for md in CHAPTERS for t in tryits(md)]
CHECK_CHAPTERS = ["03", "05", "07", "08"]
RUN_TIMEOUT_MS = 180_000


@pytest.fixture(scope="module")
def invite_context(browser):
    ctx = browser.new_context(viewport={"width": 1280, "height": 900}, color_scheme="light")
    ctx.set_default_timeout(20_000)
    yield ctx
    ctx.close()


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
def test_try_it_as_written(invite_context, origin, tryit):
    p = LivePage(invite_context, origin, tryit.path.stem[:2])
    try:
        for step in tryit.steps:
            _perform(p, step)
        p.watched.assert_clean(tryit.where)
    finally:
        p.page.close()


def _check(p, box):
    box.evaluate("el => { delete el.dataset.gbState; }")
    box.get_by_role("button", name="Check").click()
    p.page.wait_for_function(
        "el => ['passed', 'failed'].includes(el.dataset.gbState)", arg=box.element_handle(), timeout=RUN_TIMEOUT_MS
    )
    return box.get_attribute("data-gb-state"), box.locator(".gb-check-verdict").inner_text()


@pytest.mark.parametrize("chapter", CHECK_CHAPTERS)
def test_check_in_the_page(invite_context, origin, chapter):
    md = next(md for md in CHAPTERS if md.stem == CHAPTER[chapter])
    checked = [ex for ex in exercises(md) if ex.check]  # (all of them: test_book_exercises.py)
    p = LivePage(invite_context, origin, chapter)
    try:
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
    finally:
        p.page.close()

"""Plots and training in the page: what chapters 4 and 11 say a reader can do there, done in Chromium.

gradbook.plot draws in the page's Python what it drew at build time (chapters 1
and 4 are in test_live.py's equivalence test); here, chapter 11's Try-it as its
words say (change the number of steps, Run, then Run the blocks below it to see
the new curves and boundary) and chapter 4's sentence about the last digits.
"""

import re

import pytest
from test_browser import screenshot
from test_live import LivePage


@pytest.fixture(scope="module")
def context(browser):
    ctx = browser.new_context(viewport={"width": 1280, "height": 900}, color_scheme="light")
    ctx.set_default_timeout(15_000)
    yield ctx
    ctx.close()


def test_chapter11_try_it_trains_again_in_the_page(context, origin):
    p = LivePage(context, origin, "11")
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
    p.page.close()


def test_chapter4_gradbook_and_ours_print_the_same_digits_in_the_page(context, origin):
    """The prose: "the browser's Python, whose C library is another, prints the same digits for both"."""
    p = LivePage(context, origin, "04")
    block = p.block_with("out = neuron(x)")
    p.run(block)
    out = p.output(block)
    assert block.get_attribute("data-gb-state") == "done", out
    theirs, ours = re.search(r"^o\s+(\S+)\s+ours: (\S+)$", out, re.M).groups()
    assert theirs == ours, out
    p.page.close()

"""The book's figure host: what show() puts into a page at build time."""

import re

import pytest

from book.figures import BookHost, render
from book.output import Output
from book.sessions import Runner
from gradbook import Value, draw_dot
from gradbook.display import set_host, show, show_steps


@pytest.fixture
def runner():
    runner = Runner()
    previous = set_host(BookHost(runner))
    yield runner
    set_host(previous)


def test_an_inline_figure_has_no_dot_ids():
    a = Value(2.0, label="a")
    html = render(draw_dot(a * a + a)).page_html()
    assert html.startswith('<div class="gb-figure">\n<svg role="img" aria-label="Computation graph of')
    assert html.count("<svg") == 1 and "data 6.0000" in html
    assert ' id="node' not in html and ' id="edge' not in html and ' id="graph' not in html


def test_a_matplotlib_figure_gives_the_same_bytes_twice():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    svgs = []
    for _ in range(2):
        fig, ax = plt.subplots()
        ax.plot([0, 1, 2], [0, 1, 4])
        svgs.append(render(fig, alt="a parabola").svg)
    assert svgs[0] == svgs[1] and svgs[0].startswith("<svg") and "<dc:date>" not in svgs[0]


def test_show_and_print_land_in_the_running_blocks_output_in_order(runner):
    out = Output()
    runner.current = out
    out.print("before")
    show(Value(2.0, label="a") * 3)
    out.print("after")
    assert [type(p).__name__ for p in out.parts] == ["str", "Figure", "str"]
    assert out.text == "before\nafter\n"
    assert out.parts[1].dot is not None and "data 6.0000" in out.parts[1].dot


def test_show_outside_a_block_is_an_error(runner):
    with pytest.raises(RuntimeError, match="outside a running block"):
        show(Value(1.0))


def test_steps_are_content_tabs_one_per_frame(runner):
    out = runner.current = Output()
    a = Value(2.0, label="a")
    show_steps([("before", a * a), ("<after>", a)])
    html = out.page_html()
    assert html.count('<div class="tabbed-block">') == 2 and html.count("<svg") == 2
    assert "&lt;after&gt;</label>" in html
    ids = re.findall(r'<input [^>]*id="([^"]+)"', html)
    assert len(ids) == 2 and len(set(ids)) == 2
    assert re.findall(r'<label for="([^"]+)"', html) == ids


def test_a_matplotlib_figure_without_alt_fails_the_block():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, _ = plt.subplots()
    with pytest.raises(ValueError, match='show\\(fig, alt="'):
        render(fig)
    fig, _ = plt.subplots()
    svg = render(fig, alt="An empty plot").svg
    assert svg.startswith('<svg role="img" aria-label="An empty plot"')


def test_a_graph_says_what_it_computes_in_its_svg():
    a, b = Value(2.0, label="a"), Value(-3.0, label="b")
    c = a * b
    c.label = "c"
    c.backward()
    svg = render(draw_dot(c, highlight=[a])).svg
    assert 'aria-label="Computation graph of c = a * b: 3 values, 1 operation"' in svg
    assert "<desc>Drawn left to right" in svg and "a, an input, highlighted, data 2.0000, grad -3.0000" in svg
    assert 'aria-label="Two inputs"' in render(draw_dot(c), alt="Two inputs").svg

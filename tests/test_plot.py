"""gradbook.plot: SVG plots in plain Python, for the book's pages, notebooks and live pages."""

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

import gradbook.display
from gradbook import Value, show
from gradbook.plot import CELL_COLORS, CLASS_COLORS, Figure, Plot

SVG = "{http://www.w3.org/2000/svg}"


def parse(svg):
    return ET.fromstring(svg)


def paths(svg):
    """The polylines of the data: [[(x, y), ...], ...] in pixels."""
    out = []
    for d in re.findall(r'<path d="([^"]+)"', svg):
        out.append([tuple(map(float, p[1:].split(","))) for p in d.split()])
    return out


def test_a_line_is_drawn_where_its_values_are():
    p = Plot(xlim=(0, 10), ylim=(0, 10))
    p.line([0, 5, 10], [0, 5, 10])
    svg = p.to_svg(alt="A diagonal.")
    parse(svg)
    [line] = paths(svg)
    (x0, y0), (x1, y1), (x2, y2) = line
    assert x0 < x1 < x2 and y0 > y1 > y2  # up and to the right: SVG's y grows downwards
    assert x1 == pytest.approx((x0 + x2) / 2) and y1 == pytest.approx((y0 + y2) / 2)
    clip = parse(svg).find(f"{SVG}defs/{SVG}clipPath/{SVG}rect")
    left, top = float(clip.get("x")), float(clip.get("y"))
    assert (x0, y2) == (left, top)  # (0, 10) and (10, 10) are the corners of the axes


def test_log_axis_ticks_are_powers_of_ten_and_gaps_break_the_line():
    p = Plot(ylog=True)
    p.line([1, 2, 3, 4, 5], [1e-3, 1e-1, 0.0, 10.0, 1e3])  # 0 has no logarithm
    svg = p.to_svg(alt="A line with a gap.")
    exponents = re.findall(r'10<tspan dy="-0.45em" font-size="9">([^<]+)</tspan>', svg)
    assert exponents == ["\u22123", "\u22122", "\u22121", "0", "1", "2", "3"]
    [line] = paths(svg)
    assert len(line) == 4
    d = re.search(r'<path d="([^"]+)"', svg).group(1)
    assert d.count("M") == 2  # two pieces: before and after the gap


def test_linear_ticks_are_round_numbers_with_a_true_minus_sign():
    p = Plot(grid=False)
    p.line([-5, 5], [0, 100])
    labels = re.findall(r'text-anchor="middle">([^<]+)</text>', p.to_svg(alt="A line."))
    assert labels[:5] == ["\u22125.0", "\u22122.5", "0.0", "2.5", "5.0"]


def test_the_same_plot_gives_the_same_bytes_and_ids_differ_between_plots():
    def make(k):
        p = Plot(xlabel="x", ylabel="y")
        p.line([0, 1, 2], [k, 1, 0], label="a line")
        return p.to_svg(alt="A line.")

    assert make(1) == make(1)
    ids = {re.search(r'<clipPath id="([^"]+)"', make(k)).group(1) for k in (1, 2)}
    assert len(ids) == 2  # two plots on one page do not share a clip path


def test_text_alternative_and_words_are_escaped():
    p = Plot(xlabel="x < y", ylabel='"quoted"')
    p.line([0, 1], [0, 1], label="a & b")
    svg = p.to_svg(alt='A "plot" of x < y.')
    root = parse(svg)
    assert root.get("role") == "img" and root.get("aria-label") == 'A "plot" of x < y.'
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert {"x < y", '"quoted"', "a & b"} <= set(texts)
    with pytest.raises(ValueError, match="text alternative"):
        p.to_svg(alt="  ")


def test_legend_goes_where_the_data_is_not():
    p = Plot(xlim=(0, 10), ylim=(0, 10))
    p.line([0, 10], [9, 9], label="high")  # the top of the axes is taken
    svg = p.to_svg(alt="A high line.")
    box = re.search(r'<rect x="([\d.]+)" y="([\d.]+)" width="[\d.]+" height="\d+" fill="#ffffff" fill-opacity', svg)
    clip = parse(svg).find(f"{SVG}defs/{SVG}clipPath/{SVG}rect")
    middle = float(clip.get("y")) + float(clip.get("height")) / 2
    assert float(box.group(2)) > middle  # in the lower half
    outside = Plot(legend="outside")
    outside.line([0, 1], label="a rather long label")
    inside = Plot()
    inside.line([0, 1], label="a rather long label")
    assert parse(outside.to_svg(alt="x")).get("width") > parse(inside.to_svg(alt="x")).get("width")


def test_scatter_and_cells_colour_by_class():
    p = Plot()
    p.cells([0, 1, 2, 3], [0, 1], [[-1, -1, 1, 1], [True, False, False, True]])
    p.scatter([0, 3], [0, 1], classes=[1, -1])
    svg = p.to_svg(alt="Cells and points.")
    # Runs of a row are one rectangle each: row 1 has 2, row 2 has 3.
    assert svg.count(f'fill="{CELL_COLORS[-1]}"') == 2 and svg.count(f'fill="{CELL_COLORS[1]}"') == 3
    assert svg.count(f'fill="{CLASS_COLORS[1]}"') == 1 and svg.count(f'fill="{CLASS_COLORS[-1]}"') == 1


def test_figure_puts_plots_in_rows_and_columns():
    a, b = Plot(width=300, height=200), Plot(width=300, height=200)
    a.line([0, 1])
    b.line([1, 0])
    stacked = parse(Figure(a, b).to_svg(alt="Two plots."))
    side = parse(Figure(a, b, columns=2).to_svg(alt="Two plots."))
    assert (stacked.get("width"), stacked.get("height")) == ("300", "400")
    assert (side.get("width"), side.get("height")) == ("600", "200")
    assert len(stacked.findall(f"{SVG}defs/{SVG}clipPath")) == 2


@pytest.mark.parametrize(
    "call, error, message",
    [
        (lambda p: p.line([1, 2], [1]), ValueError, "2 x values but 1 y values"),
        (lambda p: p.line([1, "2"]), TypeError, r"ys\[1\] is '2', not a number"),
        (lambda p: p.line([Value(1.0)]), TypeError, r"plot its \.data"),
        (lambda p: p.line([1, 2], style="x"), ValueError, "unknown style 'x'"),
        (lambda p: p.line(3), TypeError, "must be a sequence of numbers"),
        (lambda p: p.scatter([1], [1], classes=[1, 1]), ValueError, "2 classes for 1 points"),
        (lambda p: p.cells([0, 1], [0, 1], [[1, 1]]), ValueError, "2 rows"),
        (lambda p: p.to_svg(), ValueError, "nothing to plot"),
    ],
)
def test_bad_input_says_what_is_wrong(call, error, message):
    with pytest.raises(error, match=message):
        call(Plot())


def test_bad_axes_say_what_is_wrong():
    with pytest.raises(ValueError, match="low < high"):
        _draw(Plot(ylim=(1, 0)))
    with pytest.raises(ValueError, match="limits above 0"):
        _draw(Plot(ylog=True, ylim=(0, 1)))
    p = Plot(ylog=True)
    p.line([0.0, -1.0])
    with pytest.raises(ValueError, match="no finite positive values"):
        p.to_svg()
    with pytest.raises(ValueError, match="legend must be"):
        Plot(legend="left")
    with pytest.raises(TypeError, match="Plot objects"):
        Figure("not a plot")


def _draw(p):
    p.line([0.5, 1.0])
    return p.to_svg()


def test_show_hands_a_plot_to_the_host_as_itself_and_writes_it_elsewhere(tmp_path, monkeypatch, capsys):
    p = Plot()
    p.line([0, 1])

    class Recorder:
        def __init__(self):
            self.seen = []

        def show(self, fig, alt=None):
            self.seen.append((fig, alt))

        def show_steps(self, frames):
            pass

    recorder = Recorder()
    previous = gradbook.display.set_host(recorder)
    try:
        show(p, alt="A line.")
    finally:
        gradbook.display.set_host(previous)
    assert recorder.seen == [(p, "A line.")]
    monkeypatch.setattr("tempfile.gettempdir", lambda: str(tmp_path))
    monkeypatch.setattr(gradbook.display, "_host", None)
    assert show(p, alt="A line.") is None  # the path is printed, not returned (no echo at the REPL)
    path = Path(re.search(r"written to (\S+\.svg)", capsys.readouterr().out)[1])
    assert path.parent.parent == tmp_path and 'aria-label="A line."' in path.read_text()


def test_the_book_renders_a_plot_as_a_plot_figure_and_asks_for_words():
    from book.figures import render

    p = Plot()
    p.line([0, 1])
    fig = render(p, alt="A rising line.")
    assert fig.kind == "plot" and fig.svg == p.to_svg(alt="A rising line.")
    with pytest.raises(ValueError, match="needs a text alternative"):
        render(p)

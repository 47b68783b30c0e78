"""Plots as SVG, in plain Python: lines, points and shaded cells on linear or logarithmic axes.

The book's plots are drawn by this module, not by matplotlib, so that the same
code runs at build time, in a notebook and in the reader's browser (Pyodide
has no matplotlib offline). It draws only what the book needs: a `Plot` is one
pair of axes; `Figure` puts several side by side or one above the other. Both
are figures for `gradbook.show`, which asks for a text alternative (``alt``)
saying in words what the plot shows.

The SVG is the same bytes for the same plot on every run (no dates, ids made
from the content), and it needs nothing but the SVG itself: no script, no
font file.
"""

from __future__ import annotations

import hashlib
import math
from html import escape

from .viz import label_svg

__all__ = ["Plot", "Figure"]

# matplotlib's default colour cycle, so the plots look familiar.
COLORS = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f")
# Two classes (labels -1 and +1, or False and True): blue and red, for points and for cells.
CLASS_COLORS = {-1: "#3b4cc0", 1: "#b40426"}
CELL_COLORS = {-1: "#aebff3", 1: "#f2ab95"}
DASHES = {"-": None, "--": "6 4", ":": "1.5 3", "-.": "6 3 1.5 3"}
MARKERS = ("o", "s", ".")
FONT = 12  # px; a character is about 0.6 of that wide in a sans-serif font
CHAR = 0.6 * FONT


def _style(style):
    """(marker or None, dash key or None) of a matplotlib-like format: "-", "o-", "s--", ":", "o"."""
    if not isinstance(style, str):
        raise TypeError(f"style must be a string such as '-', '--', ':', 'o-' or 'o', got {style!r}")
    marker = style[0] if style[:1] in MARKERS else None
    line = style[1:] if marker else style
    if line and line not in DASHES:
        raise ValueError(
            f"unknown style {style!r}: a line is one of {', '.join(map(repr, DASHES))}, "
            f"optionally after a marker ({', '.join(map(repr, MARKERS))})"
        )
    if not marker and not line:
        raise ValueError("style is empty: give a line ('-', '--', ':', '-.') or a marker ('o', 's', '.')")
    return marker, (line or None)


def _numbers(values, what):
    try:
        values = list(values)
    except TypeError:
        raise TypeError(f"{what} must be a sequence of numbers, got {type(values).__name__}") from None
    out = []
    for i, v in enumerate(values):
        if isinstance(v, bool) or not isinstance(v, (int, float)):
            hint = " (a Value: plot its .data)" if hasattr(v, "data") and hasattr(v, "grad") else ""
            raise TypeError(f"{what}[{i}] is {v!r}, not a number{hint}")
        out.append(float(v))
    return out


def _marker(marker, point, color):
    x, y = point
    if marker == "s":
        return f'<rect x="{_fmt(x - 3.5)}" y="{_fmt(y - 3.5)}" width="7" height="7" fill="{color}"/>'
    return f'<circle cx="{_fmt(x)}" cy="{_fmt(y)}" r="{3.5 if marker == "o" else 2}" fill="{color}"/>'


def _minus(v):
    return str(v).replace("-", "\u2212")  # a typographic minus sign, as matplotlib writes one


def _fmt(v):
    text = f"{v:.1f}"
    return "0.0" if text == "-0.0" else text


class _Axis:
    """One axis: its data range, linear or logarithmic, mapped onto pixels."""

    def __init__(self, log, lim, values, what):
        self.log = log
        if lim is not None:
            lo, hi = _numbers(lim, f"{what} limits")
            if not lo < hi:
                raise ValueError(f"{what} limits must be (low, high) with low < high, got {lim!r}")
            if log and lo <= 0:
                raise ValueError(f"a logarithmic {what} axis needs limits above 0, got {lim!r}")
        else:
            usable = [v for v in values if math.isfinite(v) and (v > 0 or not log)]
            if not usable:
                kind = "positive " if log else ""
                raise ValueError(f"nothing to draw on the {what} axis: no finite {kind}values")
            lo, hi = min(usable), max(usable)
            if log:
                a, b = math.log10(lo), math.log10(hi)
                pad = 0.05 * (b - a) or 0.5
                lo, hi = 10 ** (a - pad), 10 ** (b + pad)
            else:
                pad = 0.05 * (hi - lo) or (abs(lo) * 0.05 or 0.5)
                lo, hi = lo - pad, hi + pad
        self.lo, self.hi = lo, hi

    def fraction(self, v):
        if self.log:
            return (math.log10(v) - math.log10(self.lo)) / (math.log10(self.hi) - math.log10(self.lo))
        return (v - self.lo) / (self.hi - self.lo)

    def usable(self, v):
        return math.isfinite(v) and (v > 0 or not self.log)

    def ticks(self):
        """[(value, label as SVG text content)] for the ticks inside the range."""
        if self.log:
            first, last = math.ceil(math.log10(self.lo) - 1e-9), math.floor(math.log10(self.hi) + 1e-9)
            every = max(1, math.ceil((last - first + 1) / 7))
            small = FONT * 0.75
            return [
                (10.0**k, f'10<tspan dy="-0.45em" font-size="{small:g}">{_minus(k)}</tspan>')
                for k in range(first, last + 1)
                if k % every == 0
            ]
        span = self.hi - self.lo
        raw = span / 5
        magnitude = 10 ** math.floor(math.log10(raw))
        step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
        decimals = max(0, -math.floor(math.log10(step) + 1e-9) + (1 if step / magnitude == 2.5 else 0))
        k = math.ceil(self.lo / step - 1e-9)
        out = []
        while k * step <= self.hi + 1e-9 * step:
            label = f"{k * step:.{decimals}f}"
            if float(label) == 0:
                label = label.lstrip("-")
            out.append((k * step, _minus(label)))
            k += 1
        return out


class Plot:
    """One pair of axes with lines, points and shaded cells, drawn as SVG.

    ``xlog``/``ylog`` make an axis logarithmic (values that are not positive
    are left out, and break a line); ``xlim``/``ylim`` fix an axis's range
    (by default it fits the data). ``legend`` is ``"best"`` (the inside corner
    that covers the fewest points) or ``"outside"`` (to the right of the axes).
    ``width`` and ``height`` are the axes' box, in pixels, with its labels.

    Examples:
        >>> p = Plot(xlabel="x", ylabel="x squared")
        >>> p.line([0, 1, 2, 3], [0, 1, 4, 9], label="x**2")
        >>> svg = p.to_svg(alt="A parabola through four points.")
        >>> svg.startswith('<svg role="img" aria-label="A parabola through four points."')
        True
        >>> ">x squared<" in svg and ">x**2<" in svg
        True
    """

    def __init__(
        self,
        *,
        xlabel="",
        ylabel="",
        title="",
        xlog=False,
        ylog=False,
        xlim=None,
        ylim=None,
        grid=True,
        legend="best",
        width=480,
        height=280,
    ):
        if legend not in ("best", "outside"):
            raise ValueError(f"legend must be 'best' or 'outside', got {legend!r}")
        self.xlabel, self.ylabel, self.title = str(xlabel), str(ylabel), str(title)
        self.xlog, self.ylog, self.xlim, self.ylim = bool(xlog), bool(ylog), xlim, ylim
        self.grid, self.legend, self.width, self.height = bool(grid), legend, width, height
        self._items = []  # ("line", xs, ys, label, color, marker, dash) | ("hline", y, color, dash) | ("cells", ...)
        self._colors = 0

    def _next_color(self, color):
        if color is not None:
            return str(color)
        self._colors += 1
        return COLORS[(self._colors - 1) % len(COLORS)]

    def line(self, xs, ys=None, style="-", *, label=None, color=None):
        """A line through the points (xs[i], ys[i]); with ys left out, xs are the ys of x = 0, 1, 2...

        ``style`` is a matplotlib-like format: a line ``"-"``, ``"--"``,
        ``":"`` or ``"-."``, after an optional marker ``"o"``, ``"s"`` or
        ``"."`` (``"o-"``); a marker alone (``"o"``) draws only the points.

        Examples:
            >>> p = Plot()
            >>> p.line([3.0, 1.0, 0.5], style="o--", label="loss")
            >>> p.to_svg(alt="Three falling points.").count("<circle")  # and one in the legend
            4
            >>> p.line([1, 2], [1])
            Traceback (most recent call last):
            ...
            ValueError: line(): 2 x values but 1 y values; give one y per x
        """
        if ys is None:
            ys = _numbers(xs, "ys")
            xs = list(range(len(ys)))
        xs, ys = _numbers(xs, "xs"), _numbers(ys, "ys")
        if len(xs) != len(ys):
            raise ValueError(f"line(): {len(xs)} x values but {len(ys)} y values; give one y per x")
        marker, dash = _style(style)
        self._items.append(("line", xs, ys, label, self._next_color(color), marker, dash))

    def scatter(self, xs, ys, *, classes=None, label=None, color=None):
        """Points at (xs[i], ys[i]); ``classes`` (-1/+1 or False/True, one per point) colours them blue/red.

        Examples:
            >>> p = Plot()
            >>> p.scatter([0, 1, 2], [1, 0, 1], classes=[-1, 1, -1])
            >>> svg = p.to_svg(alt="Three points, two blue and one red.")
            >>> svg.count('fill="#3b4cc0"'), svg.count('fill="#b40426"')
            (2, 1)
        """
        xs, ys = _numbers(xs, "xs"), _numbers(ys, "ys")
        if len(xs) != len(ys):
            raise ValueError(f"scatter(): {len(xs)} x values but {len(ys)} y values; give one y per x")
        if classes is not None:
            classes = list(classes)
            if len(classes) != len(xs):
                raise ValueError(f"scatter(): {len(classes)} classes for {len(xs)} points; give one per point")
            colors = [CLASS_COLORS[1 if c > 0 else -1] for c in classes]
        else:
            colors = [self._next_color(color)] * len(xs)
        self._items.append(("points", xs, ys, label, colors))

    def hline(self, y, style=":", *, color="#808080"):
        """A horizontal line across the axes at height ``y`` (a reference level, such as an asymptote).

        Examples:
            >>> p = Plot()
            >>> p.line([0, 1], [0, 0.5])
            >>> p.hline(1.0)
            >>> 'stroke-dasharray="1.5 3"' in p.to_svg(alt="A line below the level 1.")
            True
        """
        [y] = _numbers([y], "y")
        _, dash = _style(style)
        self._items.append(("hline", y, str(color), dash))

    def cells(self, xs, ys, classes):
        """Shade a grid: the cell around (xs[i], ys[j]) blue or red by ``classes[j][i]`` (-1/+1, False/True).

        For a decision boundary: the class of each point of a grid, one row per y.

        Examples:
            >>> p = Plot()
            >>> p.cells([0, 1, 2], [0, 1], [[False, False, True], [False, True, True]])
            >>> p.to_svg(alt="Two rows of cells.").count('fill="#f2ab95"')  # a run of a row is one rectangle
            2
        """
        xs, ys = _numbers(xs, "xs"), _numbers(ys, "ys")
        rows = [list(row) for row in classes]
        if len(rows) != len(ys) or any(len(row) != len(xs) for row in rows):
            raise ValueError(
                f"cells(): classes must have {len(ys)} rows (one per y) of {len(xs)} (one per x), "
                f"got {len(rows)} rows of {sorted({len(r) for r in rows})}"
            )
        if len(xs) < 2 or len(ys) < 2:
            raise ValueError("cells(): the grid needs at least 2 xs and 2 ys")
        self._items.append(("cells", xs, ys, [[1 if c > 0 else -1 for c in row] for row in rows]))

    # Drawing.

    def _axes(self):
        xs, ys = [], []
        for item in self._items:
            if item[0] in ("line", "points", "cells"):
                xs += item[1]
                ys += item[2]
            elif item[0] == "hline":
                ys.append(item[1])
        if not xs:
            raise ValueError("nothing to plot: add a line(), scatter() or cells() first")
        cells = [item for item in self._items if item[0] == "cells"]
        if cells and self.xlim is None and self.ylim is None:
            # The shaded grid fills the axes exactly.
            _, cx, cy, _ = cells[0]
            dx, dy = (cx[-1] - cx[0]) / (len(cx) - 1) / 2, (cy[-1] - cy[0]) / (len(cy) - 1) / 2
            return _Axis(self.xlog, (cx[0] - dx, cx[-1] + dx), xs, "x"), _Axis(
                self.ylog, (cy[0] - dy, cy[-1] + dy), ys, "y"
            )
        return _Axis(self.xlog, self.xlim, xs, "x"), _Axis(self.ylog, self.ylim, ys, "y")

    def _legend_entries(self):
        return [item for item in self._items if item[0] in ("line", "points") and item[3] is not None]

    def _size(self):
        """(width, height) of the whole panel, legend included."""
        extra = 0
        if self.legend == "outside" and self._legend_entries():
            extra = 20 + self._legend_width()
        return self.width + extra, self.height

    def _legend_width(self):
        return 36 + CHAR * max(len(str(item[3])) for item in self._legend_entries()) + 8

    def _svg_body(self, clip_id):
        """The panel's SVG elements, at (0, 0), and its (width, height)."""
        xa, ya = self._axes()
        width, height = self._size()
        left, right = 64, self.width - 12
        top = 12 + (FONT + 8 if self.title else 0)
        bottom = self.height - (44 if self.xlabel else 28)
        pw, ph = right - left, bottom - top

        def px(x):
            return left + xa.fraction(x) * pw

        def py(y):
            return bottom - ya.fraction(y) * ph

        out = [f'<rect x="0" y="0" width="{width}" height="{height}" fill="#ffffff"/>']
        xticks, yticks = xa.ticks(), ya.ticks()
        # Grid and ticks.
        for v, label in xticks:
            x = _fmt(px(v))
            if self.grid:
                out.append(f'<line x1="{x}" y1="{top}" x2="{x}" y2="{bottom}" stroke="#e0e0e0" stroke-width="1"/>')
            out.append(f'<line x1="{x}" y1="{bottom}" x2="{x}" y2="{bottom + 4}" stroke="#333333"/>')
            out.append(f'<text x="{x}" y="{bottom + 6 + FONT}" text-anchor="middle">{label}</text>')
        for v, label in yticks:
            y = _fmt(py(v))
            if self.grid:
                out.append(f'<line x1="{left}" y1="{y}" x2="{right}" y2="{y}" stroke="#e0e0e0" stroke-width="1"/>')
            out.append(f'<line x1="{left - 4}" y1="{y}" x2="{left}" y2="{y}" stroke="#333333"/>')
            out.append(f'<text x="{left - 7}" y="{y}" dy="0.35em" text-anchor="end">{label}</text>')
        # The data, clipped to the axes.
        out.append(f'<g clip-path="url(#{clip_id})">')
        for item in self._items:
            kind = item[0]
            if kind == "cells":
                _, cx, cy, rows = item
                dx, dy = (cx[-1] - cx[0]) / (len(cx) - 1) / 2, (cy[-1] - cy[0]) / (len(cy) - 1) / 2
                for j, row in enumerate(rows):
                    y0, y1 = py(cy[j] + dy), py(cy[j] - dy)
                    i = 0
                    while i < len(row):  # one rectangle per run of a class along the row
                        k = i
                        while k + 1 < len(row) and row[k + 1] == row[i]:
                            k += 1
                        x0, x1 = px(cx[i] - dx), px(cx[k] + dx)
                        out.append(
                            f'<rect x="{_fmt(x0)}" y="{_fmt(y0)}" width="{_fmt(x1 - x0 + 0.5)}" '
                            f'height="{_fmt(y1 - y0 + 0.5)}" fill="{CELL_COLORS[row[i]]}"/>'
                        )
                        i = k + 1
            elif kind == "hline":
                _, y, color, dash = item
                if ya.usable(y):
                    dashes = f' stroke-dasharray="{DASHES[dash]}"' if dash and DASHES[dash] else ""
                    out.append(
                        f'<line x1="{left}" y1="{_fmt(py(y))}" x2="{right}" y2="{_fmt(py(y))}" '
                        f'stroke="{color}" stroke-width="1"{dashes}/>'
                    )
            elif kind == "line":
                _, xs, ys, _, color, marker, dash = item
                points = [(px(x), py(y)) if xa.usable(x) and ya.usable(y) else None for x, y in zip(xs, ys)]
                if dash:
                    d, pen = [], "M"
                    for p in points:
                        if p is None:
                            pen = "M"
                            continue
                        d.append(f"{pen}{_fmt(p[0])},{_fmt(p[1])}")
                        pen = "L"
                    dashes = f' stroke-dasharray="{DASHES[dash]}"' if DASHES[dash] else ""
                    if d:
                        out.append(
                            f'<path d="{" ".join(d)}" fill="none" stroke="{color}" stroke-width="1.8"'
                            f' stroke-linejoin="round"{dashes}/>'
                        )
                if marker:
                    out += [_marker(marker, p, color) for p in points if p is not None]
            elif kind == "points":
                _, xs, ys, _, colors = item
                for x, y, color in zip(xs, ys, colors):
                    if xa.usable(x) and ya.usable(y):
                        out.append(
                            f'<circle cx="{_fmt(px(x))}" cy="{_fmt(py(y))}" r="3.5" fill="{color}" '
                            'stroke="#000000" stroke-width="0.6"/>'
                        )
        out.append("</g>")
        out.append(
            f'<rect x="{left}" y="{top}" width="{pw}" height="{ph}" fill="none" stroke="#333333" stroke-width="1"/>'
        )
        # Words.
        if self.title:
            out.append(
                f'<text x="{_fmt(left + pw / 2)}" y="{FONT + 4}" text-anchor="middle">{escape(self.title)}</text>'
            )
        if self.xlabel:
            out.append(
                f'<text x="{_fmt(left + pw / 2)}" y="{self.height - 8}" text-anchor="middle">'
                f"{escape(self.xlabel)}</text>"
            )
        if self.ylabel:
            cy = _fmt(top + ph / 2)
            out.append(
                f'<text x="14" y="{cy}" text-anchor="middle" transform="rotate(-90 14 {cy})">'
                f"{escape(self.ylabel)}</text>"
            )
        out += self._legend(left, top, right, bottom, px, py)
        return out, (width, height), (left, top, pw, ph)

    def _legend(self, left, top, right, bottom, px, py):
        entries = self._legend_entries()
        if not entries:
            return []
        w, h = self._legend_width(), 10 + 18 * len(entries)
        if self.legend == "outside":
            x0, y0 = right + 12, top + max(0, ((bottom - top) - h) / 2)
        else:
            mid_x, mid_y = left + (right - left - w) / 2, top + (bottom - top - h) / 2
            places = [  # in matplotlib's order of preference, which wins a tie
                (right - 8 - w, top + 8),
                (left + 8, top + 8),
                (left + 8, bottom - 8 - h),
                (right - 8 - w, bottom - 8 - h),
                (right - 8 - w, mid_y),
                (left + 8, mid_y),
                (mid_x, bottom - 8 - h),
                (mid_x, top + 8),
            ]
            points = []
            xa, ya = self._axes()
            for item in self._items:
                if item[0] not in ("line", "points"):
                    continue
                drawn = [(px(x), py(y)) if xa.usable(x) and ya.usable(y) else None for x, y in zip(item[1], item[2])]
                points += [p for p in drawn if p]
                if item[0] == "line" and item[6]:  # a line covers the space between its points too
                    for a, b in zip(drawn, drawn[1:]):
                        if a and b:
                            points += [
                                (a[0] + (b[0] - a[0]) * t / 8, a[1] + (b[1] - a[1]) * t / 8) for t in range(1, 8)
                            ]

            def covered(place):
                cx, cy = place
                return sum(1 for x, y in points if cx <= x <= cx + w and cy <= y <= cy + h)

            x0, y0 = min(places, key=covered)
        out = [
            f'<rect x="{_fmt(x0)}" y="{_fmt(y0)}" width="{_fmt(w)}" height="{h}" fill="#ffffff" '
            'fill-opacity="0.85" stroke="#cccccc" rx="3"/>'
        ]
        for n, item in enumerate(entries):
            y = y0 + 14 + 18 * n
            if item[0] == "line":
                _, _, _, label, color, marker, dash = item
                if dash:
                    dashes = f' stroke-dasharray="{DASHES[dash]}"' if DASHES[dash] else ""
                    out.append(
                        f'<line x1="{_fmt(x0 + 8)}" y1="{_fmt(y)}" x2="{_fmt(x0 + 30)}" y2="{_fmt(y)}" '
                        f'stroke="{color}" stroke-width="1.8"{dashes}/>'
                    )
                if marker:
                    out.append(_marker(marker, (x0 + 19, y), color))
            else:
                _, _, _, label, colors = item
                out.append(f'<circle cx="{_fmt(x0 + 19)}" cy="{_fmt(y)}" r="3.5" fill="{colors[0]}" stroke="#000000"/>')
            out.append(f'<text x="{_fmt(x0 + 36)}" y="{_fmt(y)}" dy="0.35em">{escape(str(label))}</text>')
        return out

    def to_svg(self, alt=None):
        """The plot as SVG text (starting with ``<svg``); with ``alt``, marked as one image with those words.

        Examples:
            >>> p = Plot()
            >>> p.line([1, 2, 3])
            >>> p.to_svg().startswith('<svg xmlns="http://www.w3.org/2000/svg" width="480" height="280"')
            True
        """
        return Figure(self).to_svg(alt=alt)

    def _repr_svg_(self):  # Jupyter shows a Plot that ends a cell
        return self.to_svg()


class Figure:
    """Several plots in one figure, ``columns`` to a row (1: one above the other).

    Examples:
        >>> top, bottom = Plot(ylabel="loss"), Plot(ylabel="accuracy")
        >>> top.line([1.0, 0.5, 0.2])
        >>> bottom.line([50, 80, 100])
        >>> svg = Figure(top, bottom).to_svg(alt="The loss falls while the accuracy rises.")
        >>> svg.count("<clipPath"), 'height="560"' in svg
        (2, True)
    """

    def __init__(self, *plots, columns=1):
        if not plots or not all(isinstance(p, Plot) for p in plots):
            raise TypeError("Figure() takes one or more Plot objects")
        if not (isinstance(columns, int) and columns >= 1):
            raise ValueError(f"columns must be a whole number from 1, got {columns!r}")
        self.plots, self.columns = plots, columns

    def to_svg(self, alt=None):
        """The figure as SVG text (starting with ``<svg``); with ``alt``, marked as one image with those words.

        Examples:
            >>> a, b = Plot(width=200), Plot(width=300)
            >>> a.line([1, 2]); b.line([2, 1])
            >>> 'width="500"' in Figure(a, b, columns=2).to_svg(alt="Two lines, one rising, one falling.")
            True
        """
        bodies = []
        for n, plot in enumerate(self.plots):
            # Ids unique on a page of many figures and the same on every build: made from the content.
            clip = "gbplot-" + hashlib.sha1(repr((n, sorted(vars(plot).items()))).encode()).hexdigest()[:12]
            bodies.append(plot._svg_body(clip) + (clip,))
        rows = [bodies[i : i + self.columns] for i in range(0, len(bodies), self.columns)]
        col_widths = [max(r[c][1][0] for r in rows if c < len(r)) for c in range(self.columns)]
        row_heights = [max(b[1][1] for b in r) for r in rows]
        width, height = sum(col_widths), sum(row_heights)
        out = [
            f'<svg xmlns="http://www.w3.org/2000/svg" width="{_fmt(width).removesuffix(".0")}" '
            f'height="{_fmt(height).removesuffix(".0")}" viewBox="0 0 {_fmt(width)} {_fmt(height)}" '
            f'font-family="DejaVu Sans, Verdana, Arial, sans-serif" font-size="{FONT}" fill="#222222">'
        ]
        defs = []
        y = 0
        for r, row in enumerate(rows):
            x = 0
            for c, (elements, _size, (left, top, pw, ph), clip) in enumerate(row):
                defs.append(f'<clipPath id="{clip}"><rect x="{left}" y="{top}" width="{pw}" height="{ph}"/></clipPath>')
                out.append(f'<g transform="translate({_fmt(x)} {_fmt(y)})">')
                out += elements
                out.append("</g>")
                x += col_widths[c]
            y += row_heights[r]
        out.insert(1, "<defs>" + "".join(defs) + "</defs>")
        out.append("</svg>")
        svg = "\n".join(out) + "\n"
        return label_svg(svg, alt) if alt is not None else svg

    def _repr_svg_(self):
        return self.to_svg()

"""The book's host for ``gradbook.display.show``: figures rendered into the running block's output.

At build time (and under pytest, which runs the same blocks) ``show(fig)``
renders the figure to an inline SVG now and adds it to the output of the block
that is running; the page then shows it on a white card, the notebook as an
``image/svg+xml`` output.
"""

from __future__ import annotations

import io
import re

from book.output import Figure, Steps

# dot numbers its elements id="node1", id="edge1"... in every drawing; several
# drawings on one page would repeat them, so inline figures go without.
_DOT_IDS = re.compile(r' id="(?:graph|node|edge|clust|a_node|a_edge)\d+"')


def render(fig, alt=None):
    """A Graphviz graph or a matplotlib figure as a Figure, the same bytes on every build.

    Every figure of the book has words for readers who cannot see it: a graph
    from ``draw_dot`` describes itself, ``alt`` replaces that name; a
    matplotlib figure has nothing to say for itself, so ``alt`` is required.
    """
    from gradbook.viz import label_svg, to_svg  # imported late: `mkdocs serve` reloads gradbook when it changes

    if hasattr(fig, "to_svg"):  # gradbook.plot: the same SVG as in the page and the notebook
        if not (isinstance(alt, str) and alt.strip()):
            raise ValueError(
                "show(plot) needs a text alternative: "
                'show(plot, alt="one or two sentences saying what the plot shows"), '
                "for readers who cannot see it"
            )
        return Figure(fig.to_svg(alt=alt), "plot")
    if hasattr(fig, "savefig"):
        if not (isinstance(alt, str) and alt.strip()):
            import matplotlib.pyplot as plt

            plt.close(fig)
            raise ValueError(
                "show(fig) of a matplotlib figure needs a text alternative: "
                'show(fig, alt="one or two sentences saying what the plot shows"), '
                "for readers who cannot see it"
            )
        import matplotlib
        import matplotlib.pyplot as plt

        buf = io.StringIO()
        # A fixed salt and no date: the same figure gives the same bytes every build.
        with matplotlib.rc_context({"svg.hashsalt": "gradbook", "svg.fonttype": "path"}):
            fig.savefig(buf, format="svg", bbox_inches="tight", metadata={"Date": None})
        plt.close(fig)
        svg = buf.getvalue()
        return Figure(label_svg(svg[svg.index("<svg") :], alt), "plot")
    if alt is None and getattr(fig, "alt", None) is None:
        raise ValueError(
            "show() of a graph that was not drawn by draw_dot needs a text alternative: "
            'show(graph, alt="what the graph shows")'
        )
    return Figure(_DOT_IDS.sub("", to_svg(fig, alt=alt)), "graph", fig.source)


class BookHost:
    """Receives show() and show_steps() calls while the book's blocks run."""

    def __init__(self, runner):
        self.runner = runner

    def _out(self):
        if self.runner.current is None:
            raise RuntimeError("show() was called outside a running block of the book")
        return self.runner.current

    def show(self, fig, alt=None):
        self._out().add(render(fig, alt))

    def show_steps(self, frames):
        self._out().add(Steps(tuple((str(title), render(fig)) for title, fig in frames)))

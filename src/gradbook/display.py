"""``show()``: put a figure in front of the reader, wherever the code runs.

* in Jupyter, the figure is displayed in the notebook;
* in a plain Python session or script, it is written to a new SVG file, its
  name unique to this call (another process showing a figure at the same
  time gets a file of its own), and the path is printed once (open it in a
  web browser); ``show`` returns ``None``, so the REPL prints nothing more;
* in a place that runs code for a reader (the book's build, its live pages),
  that place installs a *host* with ``set_host`` and the figure goes to it.

A figure is a graph (a root ``Value``, drawn with ``draw_dot``, or a
``graphviz.Digraph``), a plot (``gradbook.plot.Plot`` or ``Figure``) or a
matplotlib figure.
"""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from .viz import draw_dot, label_svg, to_svg

__all__ = ["show", "show_steps", "set_host"]

_host = None


def set_host(host: Any) -> Any:
    """Send every ``show``/``show_steps`` call to ``host`` (``None``: back to the default).

    A host has ``show(figure, alt=None)`` and ``show_steps([(title, figure), ...])``,
    where each figure is a ``graphviz.Digraph`` or a matplotlib figure, and
    ``alt`` the text alternative given to ``show`` (a graph from ``draw_dot``
    also carries its own words, ``figure.alt``). Returns the host it replaces.

    Examples:
        >>> class Recorder:
        ...     def __init__(self): self.seen = []
        ...     def show(self, fig, alt=None): self.seen.append(fig.source.count("shape=record"))
        ...     def show_steps(self, frames): pass
        >>> from gradbook import Value
        >>> recorder = Recorder()
        >>> previous = set_host(recorder)
        >>> show(Value(1.0) + 2)
        >>> set_host(previous) is recorder, recorder.seen
        (True, [3])
    """
    global _host
    previous, _host = _host, host
    return previous


def _figure(obj, kwargs):
    # matplotlib figure, graphviz graph, gradbook.plot Plot or Figure
    if hasattr(obj, "savefig") or hasattr(obj, "pipe") or hasattr(obj, "to_svg"):
        if kwargs:
            raise TypeError("show() takes keyword arguments (for draw_dot) only with a root node")
        return obj
    return draw_dot(obj, **kwargs)


def _in_jupyter():
    ipython = sys.modules.get("IPython")
    shell = ipython.get_ipython() if ipython else None
    return shell is not None and "IPKernelApp" in shell.config


def _svg(fig, alt):
    if hasattr(fig, "to_svg"):  # gradbook.plot
        return fig.to_svg(alt=alt)
    if not hasattr(fig, "savefig"):
        return to_svg(fig, alt=alt)
    import io

    buf = io.StringIO()
    fig.savefig(buf, format="svg", bbox_inches="tight")
    svg = buf.getvalue()
    return label_svg(svg, alt) if alt else svg


def _display(fig, alt=None):
    from IPython.display import SVG, display

    if hasattr(fig, "savefig"):
        import matplotlib.pyplot as plt

        # A matplotlib figure goes to Jupyter as itself (it picks the format); alt is for pages.
        display(fig)
        # Shown now: closed, so that Jupyter's inline backend does not show it again after the cell.
        plt.close(fig)
    else:
        display(SVG(_svg(fig, alt)))


def _write(fig, prefix, alt=None):
    """Write ``fig`` to a new file of its own (``mkstemp``: no other call or process gets that name)."""
    folder = Path(tempfile.gettempdir()) / "gradbook-figures"
    folder.mkdir(exist_ok=True)
    svg = _svg(fig, alt)
    fd, name = tempfile.mkstemp(prefix=prefix, suffix=".svg", dir=folder)
    with os.fdopen(fd, "w", encoding="utf8") as f:
        f.write(svg)
    return Path(name)


def show(obj: Any, alt: str | None = None, **kwargs: Any) -> None:
    """Show a figure: a graph (a root node or a ``Digraph``) or a matplotlib figure.

    ``alt`` says in words what the figure shows, for readers who cannot see
    it. A graph drawn by ``draw_dot`` describes itself (``viz.describe``), and
    ``alt`` replaces its generated name; a matplotlib figure has only ``alt``,
    and the book refuses one without it. Other keyword arguments go to
    ``draw_dot`` for a root node. Outside Jupyter and the book, the figure is
    written to a new SVG file, a name no other call or process gets, and its
    path is printed once; ``show`` returns ``None`` (nothing more to echo).

    Examples:
        >>> from gradbook import Value
        >>> x = Value(2.0, label="x")
        >>> show(x * x)  # doctest: +ELLIPSIS
        show(): figure written to .../gradbook-figures/figure-....svg (open it in a web browser)
    """
    if alt is not None and not (isinstance(alt, str) and alt.strip()):
        raise ValueError(f"show(): alt must be a sentence saying what the figure shows, got {alt!r}")
    fig = _figure(obj, kwargs)
    if _host is not None:
        return _host.show(fig, alt=alt)
    if _in_jupyter():
        return _display(fig, alt)
    path = _write(fig, "figure-", alt)
    print(f"show(): figure written to {path} (open it in a web browser)")
    return None


def show_steps(frames: Iterable[tuple[object, Any]], **kwargs: Any) -> None:
    """Show a sequence of figures, one per step: a list of ``(title, figure)`` pairs.

    In the book the steps become tabs; in Jupyter each is displayed under its
    title; elsewhere each is written to a new SVG file, as ``show`` does, the
    paths printed once, and ``None`` returned.

    Examples:
        >>> from gradbook import Value
        >>> y = Value(2.0, label="x") * 3
        >>> show_steps([("forward", y), ("after backward", y)])  # doctest: +ELLIPSIS
        show_steps(): 2 figures written to .../gradbook-figures/steps-...-1-....svg ... (open them in a web browser)
    """
    frames = [(str(title), _figure(fig, kwargs)) for title, fig in frames]
    if _host is not None:
        return _host.show_steps(frames)
    if _in_jupyter():
        from IPython.display import Markdown, display

        for title, fig in frames:
            display(Markdown(f"**{title}**"))
            _display(fig)
        return None
    stem = _write_stem()
    paths = [_write(fig, f"{stem}-{i}-") for i, (_, fig) in enumerate(frames, 1)]
    print(f"show_steps(): {len(paths)} figures written to {' '.join(map(str, paths))} (open them in a web browser)")
    return None


def _write_stem():
    """A prefix shared by one show_steps call's files: the steps sort together (each file is still unique)."""
    return f"steps-{os.getpid()}-{next(_steps)}"


_steps = iter(range(1, sys.maxsize))

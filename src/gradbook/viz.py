"""Drawing a computation graph, as in the lecture's ``draw_dot``.

Each value is a box ``{ label | data | grad }``; each operation that made a
value is a small oval in front of it. Three things differ from the lecture:

* node ids come from the order of the walk (``n0``, ``n1``, ``n0_op``), never
  from ``id()``, so the same graph gives the same DOT source and the same SVG
  bytes on every run, and the book's pages do not change on each build;
* labels are escaped, so a label like ``"{a|b}"`` or ``"  a  b"`` is drawn as
  written instead of splitting the box, losing spaces or breaking the DOT file;
* ``trace`` walks with an explicit stack, so a chain 100,000 nodes deep works.

Big drawings fail fast. Laying out a graph of thousands of values takes
``dot`` many minutes and gigabytes, and nobody can read the result, so
``draw_dot`` refuses graphs of more than ``MAX_NODES`` (1,000) values unless
given a larger ``max_nodes=``; and rendering what it returns stops ``dot``
after ``RENDER_TIMEOUT`` (30) seconds with a ``TimeoutError`` that says so.

Anything with ``data``, ``_prev`` and ``_op`` can be drawn (``label`` and
``grad`` are optional), so the small ``Value`` classes the chapters build
along the way can use it too.
"""

from __future__ import annotations

import contextlib
import re
import subprocess
import sys
from collections.abc import Iterable
from numbers import Integral, Real
from typing import Any

import graphviz

__all__ = ["trace", "draw_dot", "describe", "to_svg", "label_svg", "GraphvizNotFound"]

INSTALL_HINT = (
    "Graphviz's `dot` program is needed to render graphs but was not found on PATH. "
    "Install it with `sudo apt-get install graphviz` (Debian/Ubuntu), "
    "`brew install graphviz` (macOS), or see https://graphviz.org/download/"
)

# White boxes with black ink, grey arrows, no background: readable on a light
# page and on a dark one.
_HIGHLIGHT = "#ffd54f"
_NODE = {"style": "filled", "fillcolor": "white", "color": "black", "fontcolor": "black"}
_EDGE = {"color": "#888888"}

# From measured layout times (bench/layout.py, 2 cores, 2026-12-03: MLP losses of
# 504 values 0.9 s, 985 values 2.3 s, 1,632 values 6.3 s, 2,279 values 43 s): up to
# 1,000 values a reader waits a few seconds; past that the time grows steeply.
MAX_NODES = 1000
RENDER_TIMEOUT = 30.0  # seconds


class GraphvizNotFound(graphviz.ExecutableNotFound):
    """``dot`` is missing; the message says how to install it.

    A subclass of graphviz's own error (itself a ``RuntimeError``), so code
    that already catches that one keeps working.

    Examples:
        >>> print(GraphvizNotFound())  # doctest: +ELLIPSIS
        Graphviz's `dot` program is needed ... `sudo apt-get install graphviz` ...
    """

    def __init__(self, message: str = INSTALL_HINT) -> None:
        RuntimeError.__init__(self, message)


def _children(node):
    prev = node._prev
    # A set (micrograd's choice) iterates in an order that changes from run to
    # run; sort it by what is drawn so the figure does not.
    if isinstance(prev, (set, frozenset)):
        return sorted(prev, key=lambda n: (str(_label(n)), str(n._op), repr(n.data)))
    return list(prev)


def _label(node):
    return getattr(node, "label", "") or ""


def trace(root: Any) -> tuple[list[Any], list[tuple[Any, Any]]]:
    """Every node and edge of the graph behind ``root``, in a fixed order.

    Nodes come depth-first from ``root``, children in the order of ``_prev``;
    each edge is a ``(child, parent)`` pair, one per entry of ``_prev`` (so
    ``a * a`` has two edges from ``a``).

    Examples:
        >>> from gradbook import Value
        >>> a, b = Value(2.0, label="a"), Value(3.0, label="b")
        >>> nodes, edges = trace(a * b)
        >>> [n.label for n in nodes]
        ['', 'a', 'b']
        >>> [(c.label, p._op) for c, p in edges]
        [('a', '*'), ('b', '*')]
    """
    nodes: list[Any] = []
    edges: list[tuple[Any, Any]] = []
    seen: set[int] = set()
    stack = [root]
    while stack:
        node = stack.pop()
        # id() only to remember visits: a chapter's Value may define __eq__
        # and so be unhashable. Every node stays alive in `nodes`.
        if id(node) in seen:
            continue
        seen.add(id(node))
        nodes.append(node)
        children = _children(node)
        edges.extend((child, node) for child in children)
        stack.extend(reversed(children))  # the first child is visited first
    return nodes, edges


_SPECIAL = re.compile(r'([\\{}|<>"])')
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_NBSP = "\u00a0"


def _escape(text):
    r"""Text for a DOT record label that dot will draw exactly as written.

    A space becomes a no-break space: in a record label dot drops leading and
    trailing spaces and merges runs of them, and its escaped space ``\ `` is
    dropped at the start of a field and pads the other fields. A no-break
    space is a plain character to the record parser, drawn as a space.

    Examples:
        >>> _escape('a|b{c} d')
        'a\\|b\\{c\\}\xa0d'
    """
    text = str(text).replace("&", "&amp;")  # dot reads "&lt;" as an entity
    text = _SPECIAL.sub(r"\\\1", text)
    text = re.sub(r"\r\n|\r|\n", r"\\n", text)  # a line break dot understands
    text = _CONTROL.sub(" ", text)  # dot drops tabs and misreads other controls
    return text.replace(" ", _NBSP)


@contextlib.contextmanager
def _needs_dot():
    # graphviz's own message does not say how to get dot.
    try:
        yield
    except graphviz.ExecutableNotFound:
        raise GraphvizNotFound() from None


class _Digraph(graphviz.Digraph):
    """A ``graphviz.Digraph`` whose rendering says how to install ``dot``.

    ``pipe`` (which ``to_svg`` and Jupyter's display use) stops ``dot`` after
    ``timeout`` seconds. Jupyter's display and ``view()`` go through these
    two methods as well.
    """

    timeout: float | None = RENDER_TIMEOUT
    values: int | None = None  # how many values draw_dot drew, for the timeout's message
    alt: tuple[str, str] | None = None  # (name, description) of the drawing in words, from describe()

    def pipe(
        self, format=None, renderer=None, formatter=None, neato_no_op=None, quiet=False, *, engine=None, encoding=None
    ):
        if self.timeout is None:
            with _needs_dot():
                return super().pipe(format, renderer, formatter, neato_no_op, quiet, engine=engine, encoding=encoding)
        # graphviz's own pipe has no time limit, so run dot as it would, with one.
        if formatter is not None and renderer is None:
            raise graphviz.RequiredArgumentError("formatter given without renderer")
        out_format = ":".join(f for f in (format or self.format, renderer, formatter) if f)
        cmd = [str(graphviz.DOT_BINARY), f"-K{engine or self.engine}", f"-T{out_format}"]
        if neato_no_op:
            cmd.append(f"-n{neato_no_op:d}")
        try:
            proc = subprocess.run(
                cmd, input=self.source.encode(self.encoding), capture_output=True, timeout=self.timeout
            )
        except FileNotFoundError:
            raise GraphvizNotFound() from None
        except subprocess.TimeoutExpired:  # run() has killed dot by now
            size = "" if self.values is None else f" ({self.values:,} values)"
            raise TimeoutError(
                f"dot did not finish drawing this graph{size} within the time limit of "
                f"{self.timeout:g} s, and was stopped. Draw a part of the graph instead "
                f"(draw_dot of a node inside it), or allow more time: "
                f"draw_dot(root, timeout=120), or timeout=None for no limit."
            ) from None
        if proc.stderr and not quiet:
            sys.stderr.write(proc.stderr.decode(errors="replace"))
        if proc.returncode:
            raise graphviz.CalledProcessError(proc.returncode, cmd, proc.stdout, proc.stderr)
        return proc.stdout.decode(encoding) if encoding else proc.stdout

    def render(self, *args, **kwargs):
        with _needs_dot():
            return super().render(*args, **kwargs)


def draw_dot(
    root: Any,
    rankdir: str = "LR",
    format: str = "svg",
    highlight: Iterable[Any] = (),
    *,
    max_nodes: int | None = MAX_NODES,
    timeout: float | None = RENDER_TIMEOUT,
) -> graphviz.Digraph:
    """The graph behind ``root`` as a ``graphviz.Digraph``.

    ``rankdir`` is ``"LR"`` (left to right) or ``"TB"`` (top to bottom);
    nodes in ``highlight`` are filled with a colour (for step-by-step
    backprop figures). ``.source`` needs nothing; rendering needs ``dot``.

    A graph of more than ``max_nodes`` values (1,000 by default) raises a
    ``ValueError`` that gives its size: dot would take minutes or hours on
    it. Draw a part of it (``draw_dot`` of a node inside), or pass a larger
    ``max_nodes`` (``None``: no limit). Rendering the result (``pipe``,
    ``to_svg``, display in Jupyter) stops ``dot`` after ``timeout`` seconds
    (30 by default, ``None``: no limit) with a ``TimeoutError``.

    Examples:
        >>> from gradbook import Value
        >>> a = Value(2.0, label="a")
        >>> b = a * 3.0; b.label = "b"
        >>> print(draw_dot(b).source)  # doctest: +NORMALIZE_WHITESPACE
        digraph {
            graph [bgcolor=transparent rankdir=LR]
            node [color=black fillcolor=white fontcolor=black style=filled]
            edge [color="#888888"]
            n0 [label="{ b | data 6.0000 | grad 0.0000 }" shape=record]
            n0_op [label="*" fontsize=12 height=0.3 width=0.3]
            n0_op -> n0
            n1 [label="{ a | data 2.0000 | grad 0.0000 }" shape=record]
            n2 [label="{  | data 3.0000 | grad 0.0000 }" shape=record]
            n1 -> n0_op
            n2 -> n0_op
        }
        >>> x = Value(1.0)
        >>> for _ in range(600):
        ...     x = x * 1.0
        >>> draw_dot(x)  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        ValueError: draw_dot: this graph has 1,201 values, more than max_nodes=1,000. ...
        >>> len(draw_dot(x, max_nodes=2000).source) > 0
        True
    """
    if rankdir not in ("LR", "TB", "RL", "BT"):
        raise ValueError(f"rankdir must be 'LR', 'TB', 'RL' or 'BT', got {rankdir!r}")
    if max_nodes is not None and (isinstance(max_nodes, bool) or not isinstance(max_nodes, Integral) or max_nodes < 1):
        raise ValueError(f"max_nodes must be a positive int or None, got {max_nodes!r}")
    if timeout is not None and (isinstance(timeout, bool) or not isinstance(timeout, Real) or not timeout > 0):
        raise ValueError(f"timeout must be a positive number of seconds or None, got {timeout!r}")
    if not (hasattr(root, "data") and hasattr(root, "_prev")):
        raise TypeError(
            f"draw_dot: root must be a Value (or a node with data and _prev), got {type(root).__name__}: "
            f"{root!r:.60}. Draw the Value a computation returns, such as draw_dot(L)."
        )
    nodes, edges = trace(root)
    if max_nodes is not None and len(nodes) > max_nodes:
        raise ValueError(
            f"draw_dot: this graph has {len(nodes):,} values, more than max_nodes={max_nodes:,}. "
            f"Laying out a graph this big can take dot many minutes and gigabytes of memory, "
            f"and nobody could read it. Draw a part of it instead (draw_dot of a node inside the "
            f"graph, such as one neuron's output), or raise the limit: "
            f"draw_dot(root, max_nodes={len(nodes)})."
        )
    name = {id(n): f"n{i}" for i, n in enumerate(nodes)}
    lit = {id(n) for n in highlight}

    dot = _Digraph(
        format=format,
        graph_attr={"rankdir": rankdir, "bgcolor": "transparent"},
        node_attr=_NODE,
        edge_attr=_EDGE,
    )
    dot.timeout, dot.values = timeout, len(nodes)
    dot.alt = describe(root, rankdir, highlight, _traced=(nodes, edges))
    for n in nodes:
        uid = name[id(n)]
        label = f"{{ {_escape(_label(n))} | data {n.data:.4f} | grad {getattr(n, 'grad', 0.0):.4f} }}"
        fill = {"fillcolor": _HIGHLIGHT} if id(n) in lit else {}
        dot.node(uid, label=label, shape="record", **fill)
        if n._op:
            dot.node(uid + "_op", label=_escape(n._op), width="0.3", height="0.3", fontsize="12")
            dot.edge(uid + "_op", uid)
    for child, parent in edges:
        # Into the parent's op node; straight into the parent if it has no op.
        target = name[id(parent)] + ("_op" if parent._op else "")
        dot.edge(name[id(child)], target)
    return dot


# A description says this much of a big graph and then how much it left out:
# nobody listens to 500 values read out one by one.
_DESCRIBED_VALUES = 40
_DIRECTIONS = {"LR": "left to right", "RL": "right to left", "TB": "top to bottom", "BT": "bottom to top"}


def _name(node, number):
    return str(_label(node)).strip() or f"value {number}"


def describe(root: Any, rankdir: str = "LR", highlight: Iterable[Any] = (), *, _traced: Any = None) -> tuple[str, str]:
    """The graph behind ``root`` in words: a short name and a description.

    The name says what the graph computes and how big it is; the description
    goes through the values from ``root`` back to the inputs, each with the
    operation that made it, its data and its grad. Values without a label are
    numbered in the order they are listed. ``draw_dot`` puts both on the
    drawing (``to_svg`` writes them into the SVG for screen readers).

    Examples:
        >>> from gradbook import Value
        >>> a, b = Value(2.0, label="a"), Value(-3.0, label="b")
        >>> c = a * b; c.label = "c"
        >>> c.backward()
        >>> name, description = describe(c)
        >>> name
        'Computation graph of c = a * b: 3 values, 1 operation'
        >>> print(description)  # doctest: +NORMALIZE_WHITESPACE
        Drawn left to right, each value a box with its data and grad.
        c = a * b, data -6.0000, grad 1.0000; a, an input, data 2.0000, grad -3.0000;
        b, an input, data -3.0000, grad 2.0000.
    """
    nodes, _ = _traced or trace(root)
    number: dict[int, int] = {}
    for n in nodes:
        if not str(_label(n)).strip():
            number[id(n)] = len(number) + 1
    names = {id(n): _name(n, number.get(id(n))) for n in nodes}
    lit = {id(n) for n in highlight}

    def formula(n):
        children = [names[id(c)] for c in _children(n)]
        op = str(n._op).strip()
        if len(children) == 2:
            return f"{children[0]} {op} {children[1]}"
        return f"{op}({', '.join(children)})"

    def sentence(n):
        made = f" = {formula(n)}" if n._op else ", an input"
        mark = ", highlighted" if id(n) in lit else ""
        return f"{names[id(n)]}{made}{mark}, data {n.data:.4f}, grad {getattr(n, 'grad', 0.0):.4f}"

    ops = sum(1 for n in nodes if n._op)
    top = names[id(root)] + (f" = {formula(root)}" if root._op else "")
    name = f"Computation graph of {top}: {len(nodes)} value{'s' * (len(nodes) != 1)}, {ops} operation{'s' * (ops != 1)}"
    listed = "; ".join(sentence(n) for n in nodes[:_DESCRIBED_VALUES])
    more = len(nodes) - _DESCRIBED_VALUES
    rest = f"; and {more} more values" if more > 0 else ""
    direction = _DIRECTIONS.get(rankdir, rankdir)
    return name, f"Drawn {direction}, each value a box with its data and grad. {listed}{rest}."


def label_svg(svg: str, alt: str, description: str | None = None) -> str:
    """``svg`` (text starting with ``<svg``) marked as one image with a text alternative.

    The root element gets ``role="img"`` and ``aria-label=alt``; a
    ``description`` becomes its first child ``<desc>``, which screen readers
    offer as the image's description. Without this a screen reader reads a
    Graphviz drawing as a run-on string of its labels, and a matplotlib
    drawing as nothing.

    Examples:
        >>> label_svg('<svg width="10pt"><g/></svg>', 'A "dot"', "x < y")
        '<svg role="img" aria-label="A &quot;dot&quot;" width="10pt"><desc>x &lt; y</desc><g/></svg>'
    """
    from html import escape

    if not str(alt or "").strip():
        raise ValueError("label_svg: the text alternative (alt) is empty; say in words what the figure shows")
    start = svg.index("<svg")
    end = svg.index(">", start) + 1
    head = f'<svg role="img" aria-label="{escape(" ".join(str(alt).split()))}"' + svg[start + 4 : end]
    desc = f"<desc>{escape(description, quote=False)}</desc>" if description else ""
    return svg[:start] + head + desc + svg[end:]


def to_svg(graph: Any, *, alt: str | None = None, **kwargs: Any) -> str:
    """SVG text of a graph, ready to put inside an HTML page.

    ``graph`` is a root node (drawn with ``draw_dot(graph, **kwargs)``) or
    anything graphviz can pipe, such as a ``Digraph``. The XML prolog and doctype are left out, so the
    result starts with ``<svg``. Raises ``GraphvizNotFound`` without ``dot``.

    A drawing made by ``draw_dot`` carries its words (``describe``): the SVG
    is marked ``role="img"`` with them as its name and description. ``alt``
    replaces the generated name (and is the only text of another graph).

    Examples:
        >>> from gradbook import Value
        >>> svg = to_svg(Value(1.0, label="x"))
        >>> svg.startswith('<svg role="img" aria-label="Computation graph of x: 1 value, 0 operations"')
        True
    """
    if not hasattr(graph, "pipe"):
        graph = draw_dot(graph, **kwargs)
    elif kwargs:
        raise TypeError("to_svg() takes keyword arguments only with a root node, not a Digraph")
    with _needs_dot():
        svg = graph.pipe(format="svg", encoding="utf-8")
    svg = svg[svg.index("<svg") :]
    name, description = getattr(graph, "alt", None) or (None, None)
    if alt is not None or name is not None:
        svg = label_svg(svg, alt if alt is not None else str(name), description)
    return svg

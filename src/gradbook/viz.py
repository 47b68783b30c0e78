"""Drawing a computation graph, as in the lecture's ``draw_dot``.

Each value is a box ``{ label | data | grad }``; each operation that made a
value is a small oval in front of it. Three things differ from the lecture:

* node ids come from the order of the walk (``n0``, ``n1``, ``n0_op``), never
  from ``id()``, so the same graph gives the same DOT source and the same SVG
  bytes on every run, and the book's pages do not change on each build;
* labels are escaped, so a label like ``"{a|b}"`` is drawn as written instead
  of splitting the box or breaking the DOT file;
* ``trace`` walks with an explicit stack, so a chain 100,000 nodes deep works.

Anything with ``data``, ``_prev`` and ``_op`` can be drawn (``label`` and
``grad`` are optional), so the small ``Value`` classes the chapters build
along the way can use it too.
"""

import contextlib
import re

import graphviz

__all__ = ["trace", "draw_dot", "to_svg", "GraphvizNotFound"]

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


class GraphvizNotFound(graphviz.ExecutableNotFound):
    """``dot`` is missing; the message says how to install it.

    A subclass of graphviz's own error (itself a ``RuntimeError``), so code
    that already catches that one keeps working.

    Examples:
        >>> print(GraphvizNotFound())  # doctest: +ELLIPSIS
        Graphviz's `dot` program is needed ... `sudo apt-get install graphviz` ...
    """

    def __init__(self, message=INSTALL_HINT):
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


def trace(root):
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
    nodes, edges, seen = [], [], set()
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


def _escape(text):
    r"""Text for a DOT record label that dot will draw exactly as written.

    Examples:
        >>> print(_escape('a|b{c}'))
        a\|b\{c\}
    """
    text = str(text).replace("&", "&amp;")  # dot reads "&lt;" as an entity
    text = _SPECIAL.sub(r"\\\1", text)
    text = re.sub(r"\r\n|\r|\n", r"\\n", text)  # a line break dot understands
    return _CONTROL.sub(" ", text)  # dot drops tabs and misreads other controls


@contextlib.contextmanager
def _needs_dot():
    # graphviz's own message does not say how to get dot.
    try:
        yield
    except graphviz.ExecutableNotFound:
        raise GraphvizNotFound() from None


class _Digraph(graphviz.Digraph):
    """A ``graphviz.Digraph`` whose rendering says how to install ``dot``.

    Jupyter's display and ``view()`` go through these two methods as well.
    """

    def pipe(self, *args, **kwargs):
        with _needs_dot():
            return super().pipe(*args, **kwargs)

    def render(self, *args, **kwargs):
        with _needs_dot():
            return super().render(*args, **kwargs)


def draw_dot(root, rankdir="LR", format="svg", highlight=()):
    """The graph behind ``root`` as a ``graphviz.Digraph``.

    ``rankdir`` is ``"LR"`` (left to right) or ``"TB"`` (top to bottom);
    nodes in ``highlight`` are filled with a colour (for step-by-step
    backprop figures). ``.source`` needs nothing; rendering needs ``dot``.

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
    """
    if rankdir not in ("LR", "TB", "RL", "BT"):
        raise ValueError(f"rankdir must be 'LR', 'TB', 'RL' or 'BT', got {rankdir!r}")
    nodes, edges = trace(root)
    name = {id(n): f"n{i}" for i, n in enumerate(nodes)}
    lit = {id(n) for n in highlight}

    dot = _Digraph(
        format=format,
        graph_attr={"rankdir": rankdir, "bgcolor": "transparent"},
        node_attr=_NODE,
        edge_attr=_EDGE,
    )
    for n in nodes:
        uid = name[id(n)]
        label = "{ %s | data %.4f | grad %.4f }" % (
            _escape(_label(n)), n.data, getattr(n, "grad", 0.0))
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


def to_svg(graph, **kwargs):
    """SVG text of a graph, ready to put inside an HTML page.

    ``graph`` is a root node (drawn with ``draw_dot(graph, **kwargs)``) or
    anything graphviz can pipe, such as a ``Digraph``. The XML prolog and doctype are left out, so the
    result starts with ``<svg``. Raises ``GraphvizNotFound`` without ``dot``.

    Examples:
        >>> from gradbook import Value
        >>> to_svg(Value(1.0, label="x")).startswith("<svg")
        True
    """
    if not hasattr(graph, "pipe"):
        graph = draw_dot(graph, **kwargs)
    elif kwargs:
        raise TypeError("to_svg() takes keyword arguments only with a root node, not a Digraph")
    with _needs_dot():
        svg = graph.pipe(format="svg", encoding="utf-8")
    return svg[svg.index("<svg"):]

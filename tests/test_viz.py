import doctest
import os
import re

import graphviz
import pytest

import gradbook.viz
from gradbook import Value, draw_dot, trace
from gradbook.viz import GraphvizNotFound, to_svg


def lecture_graph():
    """The lecture's L = (a*b + c) * f, after backward()."""
    a = Value(2.0, label="a")
    b = Value(-3.0, label="b")
    c = Value(10.0, label="c")
    e = a * b
    e.label = "e"
    d = e + c
    d.label = "d"
    f = Value(-2.0, label="f")
    L = d * f
    L.label = "L"
    L.backward()
    return L


def svg_texts(svg):
    """The texts drawn in an SVG, a no-break space read as the space it shows."""
    return [t.replace("\u00a0", " ") for t in re.findall(r"<text[^>]*>(.*?)</text>", svg)]


class Duck:
    """The least a chapter's own Value needs: no label, no grad."""

    def __init__(self, data, _children=(), _op=""):
        self.data = data
        self._prev = tuple(_children)
        self._op = _op


# -- trace ----------------------------------------------------------------------


def test_trace_order_is_depth_first_from_root_children_in_prev_order():
    nodes, edges = trace(lecture_graph())
    assert [n.label for n in nodes] == ["L", "d", "e", "a", "b", "c", "f"]
    assert [(c.label, p.label) for c, p in edges] == [
        ("d", "L"),
        ("f", "L"),
        ("e", "d"),
        ("c", "d"),
        ("a", "e"),
        ("b", "e"),
    ]
    assert isinstance(nodes, list) and isinstance(edges, list)


def test_trace_visits_a_shared_node_once_but_keeps_one_edge_per_use():
    a = Value(3.0, label="a")
    nodes, edges = trace(a * a)
    assert len(nodes) == 2
    assert [c for c, _ in edges] == [a, a]


def test_trace_handles_a_100000_deep_chain():
    x = Value(0.0)
    for _ in range(100_000):
        x = x + 1.0
    nodes, edges = trace(x)
    assert len(nodes) == 200_001  # each step adds the sum and the constant 1.0
    assert len(edges) == 200_000


def test_trace_sorts_a_set_prev_so_the_order_does_not_depend_on_ids():
    class SetValue(Duck):  # micrograd keeps _prev as a set
        def __init__(self, data, children=(), op="", label=""):
            super().__init__(data, (), op)
            self._prev = set(children)
            self.label = label

    labels = list("jihgfedcba")
    root = SetValue(0.0, [SetValue(1.0, label=s) for s in labels], "+")
    nodes, _ = trace(root)
    assert [n.label for n in nodes[1:]] == sorted(labels)


def test_trace_works_on_unhashable_nodes():
    class EqDuck(Duck):
        def __eq__(self, other):  # defining __eq__ makes a class unhashable
            return self.data == other.data

    leaf = EqDuck(1.0)
    nodes, _ = trace(EqDuck(2.0, (leaf, EqDuck(1.0)), "+"))
    assert len(nodes) == 3 and nodes[1] is leaf


# -- draw_dot: DOT source ------------------------------------------------------------


def test_node_is_a_record_with_label_data_and_grad():
    src = draw_dot(lecture_graph()).source
    assert 'n0 [label="{ L | data -8.0000 | grad 1.0000 }" shape=record]' in src
    assert '"{ a | data 2.0000 | grad 6.0000 }"' in src
    # op node in front of its value, children into the op node
    assert "n0_op -> n0" in src
    assert "n1 -> n0_op" in src


def test_same_graph_gives_the_same_dot_source():
    g = lecture_graph()
    assert draw_dot(g).source == draw_dot(g).source
    # ids from the walk, not id(): a second, separately built graph matches too
    assert draw_dot(lecture_graph()).source == draw_dot(g).source
    assert str(id(g)) not in draw_dot(g).source


def test_duck_typed_node_without_label_or_grad():
    x = Duck(3.0)
    y = Duck(6.0, (x, Duck(2.0)), "*")
    src = draw_dot(y).source
    assert '"{  | data 3.0000 | grad 0.0000 }"' in src
    assert to_svg(y).count('class="node"') == 4  # three values and one op


def test_highlight_fills_only_the_given_nodes():
    L = lecture_graph()
    d = L._prev[0]
    lines = draw_dot(L, highlight=[d]).source.splitlines()
    lit = [line for line in lines if "#ffd54f" in line]
    assert len(lit) == 1 and "{ d |" in lit[0]


def test_colours_work_on_light_and_dark_pages():
    src = draw_dot(lecture_graph()).source
    assert "bgcolor=transparent" in src
    assert "fillcolor=white" in src and "style=filled" in src


def test_rankdir():
    assert "rankdir=TB" in draw_dot(Value(1.0), rankdir="TB").source
    with pytest.raises(ValueError, match="rankdir"):
        draw_dot(Value(1.0), rankdir="sideways")


# -- rendering with the real dot -----------------------------------------------------


def test_same_graph_gives_the_same_svg_bytes():
    first = draw_dot(lecture_graph()).pipe(format="svg")
    assert draw_dot(lecture_graph()).pipe(format="svg") == first
    g = lecture_graph()
    assert draw_dot(g).pipe(format="svg") == draw_dot(g).pipe(format="svg") == first


def test_to_svg_is_inline_svg():
    svg = to_svg(lecture_graph())
    assert svg.startswith("<svg") and svg.rstrip().endswith("</svg>")
    assert "<?xml" not in svg and "<!DOCTYPE" not in svg
    assert to_svg(draw_dot(lecture_graph())) == svg


@pytest.mark.parametrize(
    "label, drawn",
    [
        ('|{}<>"\\', ["|{}&lt;&gt;&quot;\\"]),  # dot writes XML entities
        ("x\\", ["x\\"]),  # a last backslash must not eat the closing quote
        ("\\N", ["\\N"]),  # not dot's "node name" escape
        ("a&lt;b", ["a&amp;lt;b"]),  # not read as an entity
        ("two\nlines", ["two", "lines"]),
        ("tab\there", ["tab here"]),
        ("a b", ["a b"]),
        ("x1*w1 + x2*w2", ["x1*w1 + x2*w2"]),
        ("a   b", ["a   b"]),  # a run of spaces is not merged
        ("  lead", ["  lead"]),  # nor dropped at the start...
        ("trail  ", ["trail  "]),  # ...or the end
        ("{ a b }", ["{ a b }"]),
        ("a\\ b", ["a\\ b"]),  # not dot's escaped space
    ],
)
def test_special_characters_in_a_label_are_drawn_as_written(label, drawn):
    svg = to_svg(Value(1.0, label=label))
    # one record with exactly three fields: the label did not split the box
    assert svg_texts(svg) == drawn + ["data 1.0000", "grad 0.0000"]


def test_special_characters_in_an_op_are_drawn_as_written():
    svg = to_svg(Duck(1.0, (Duck(2.0),), '<f|{x}>"\\'))
    assert "&lt;f|{x}&gt;&quot;\\" in svg_texts(svg)
    assert " my  op " in svg_texts(to_svg(Duck(1.0, (Duck(2.0),), " my  op ")))


def test_spaces_do_not_touch_the_other_fields():
    # dot's own escaped space would pad "data 1.0000" with a trailing space
    svg = to_svg(Value(1.0, label=" a b "))
    assert re.findall(r"<text[^>]*>(.*?)</text>", svg)[1:] == ["data 1.0000", "grad 0.0000"]


# -- big graphs fail fast --------------------------------------------------------------


def chain(steps):
    x = Value(1.0)
    for _ in range(steps):
        x = x * 1.0001
    return x  # 2 * steps + 1 values


def test_a_graph_over_the_node_limit_is_refused_with_its_size_and_what_to_do():
    assert gradbook.viz.MAX_NODES == 1000
    draw_dot(chain(499))  # 999 values: under the limit
    with pytest.raises(ValueError) as err:
        draw_dot(chain(2500))
    message = str(err.value)
    assert "this graph has 5,001 values, more than max_nodes=1,000" in message
    assert "Draw a part of it instead (draw_dot of a node inside the graph" in message
    assert "draw_dot(root, max_nodes=5001)" in message


def test_the_node_limit_can_be_raised_or_lifted():
    big = chain(2500)
    assert draw_dot(big, max_nodes=5001).source.count("shape=record") == 5001
    assert draw_dot(big, max_nodes=None).source.count("shape=record") == 5001
    with pytest.raises(ValueError, match="more than max_nodes=5,000"):
        draw_dot(big, max_nodes=5000)
    with pytest.raises(ValueError, match="more than max_nodes=1,000"):
        to_svg(big)  # to_svg draws with draw_dot's limit...
    assert "<svg" in to_svg(chain(300), max_nodes=601)  # ...and passes max_nodes on


@pytest.mark.parametrize("root", [5.0, None, [Value(1.0)]])
def test_drawing_something_that_is_not_a_node_says_so(root):
    with pytest.raises(TypeError, match=r"draw_dot: root must be a Value .*, got "):
        draw_dot(root)


@pytest.mark.parametrize(
    "kwargs",
    [{"max_nodes": 0}, {"max_nodes": 2.5}, {"max_nodes": True}, {"timeout": 0}, {"timeout": -1.0}, {"timeout": "30"}],
)
def test_bad_limits_are_named(kwargs):
    (name,) = kwargs
    with pytest.raises(ValueError, match=f"{name} must be a positive"):
        draw_dot(Value(1.0), **kwargs)


@pytest.fixture
def slow_dot(monkeypatch, tmp_path):
    """A `dot` that never answers; writes its process id so the test can check it was stopped."""
    pid_file = tmp_path / "pid"
    script = tmp_path / "dot"
    script.write_text(f"#!/bin/sh\necho $$ > {pid_file}\nexec sleep 60\n")
    script.chmod(0o755)
    monkeypatch.setenv("PATH", f"{tmp_path}:/usr/bin:/bin")
    return pid_file


def test_rendering_stops_dot_at_the_time_limit_and_says_why(slow_dot):
    g = draw_dot(lecture_graph(), timeout=0.5)
    for render in (g.pipe, lambda: to_svg(g), g._repr_image_svg_xml):
        with pytest.raises(TimeoutError) as err:
            render()
        message = str(err.value)
        assert "dot did not finish drawing this graph (7 values) within the time limit of 0.5 s" in message
        assert "draw_dot(root, timeout=120)" in message
        pid = int(slow_dot.read_text())
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)  # killed and reaped, not left running


def test_the_default_time_limit():
    assert gradbook.viz.RENDER_TIMEOUT == 30.0
    assert draw_dot(Value(1.0)).timeout == 30.0
    assert draw_dot(Value(1.0), timeout=None).timeout is None


def test_rendering_within_the_limit_matches_graphviz_own_pipe():
    g = draw_dot(lecture_graph())
    plain = graphviz.Digraph(body=g.body, graph_attr=g.graph_attr, node_attr=g.node_attr, edge_attr=g.edge_attr)
    assert g.pipe(format="svg") == plain.pipe(format="svg")
    assert g.pipe(format="svg", encoding="utf-8") == plain.pipe(format="svg", encoding="utf-8")
    assert draw_dot(lecture_graph(), timeout=None).pipe(format="svg") == plain.pipe(format="svg")
    with pytest.raises(graphviz.CalledProcessError):
        g.pipe(format="svg", renderer="nosuchrenderer", quiet=True)


# -- without dot ----------------------------------------------------------------------


@pytest.fixture
def no_dot(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))  # an empty directory


def test_missing_dot_says_how_to_install_it(no_dot):
    g = draw_dot(lecture_graph())
    assert g.source.startswith("digraph")  # the source needs no dot
    for render in (g.pipe, lambda: to_svg(g), lambda: to_svg(lecture_graph())):
        with pytest.raises(GraphvizNotFound) as err:
            render()
        message = str(err.value)
        assert "apt-get install graphviz" in message
        assert "brew install graphviz" in message
        assert "https://graphviz.org/download/" in message
        # still what graphviz itself raises, so old except clauses still work
        assert isinstance(err.value, graphviz.ExecutableNotFound)
        assert isinstance(err.value, RuntimeError)


def test_docstring_examples():
    assert doctest.testmod(gradbook.viz).failed == 0

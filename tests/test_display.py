"""show() where it runs: a host (the book, the live page), Jupyter, or a plain terminal."""

import doctest
from pathlib import Path

import pytest

import gradbook.display
from gradbook import Value, draw_dot
from gradbook.display import set_host, show, show_steps


class Recorder:
    def __init__(self):
        self.calls = []

    def show(self, fig, alt=None):
        self.calls.append(("show", fig))
        self.alts = getattr(self, "alts", []) + [alt]

    def show_steps(self, frames):
        self.calls.append(("steps", frames))


@pytest.fixture
def recorder():
    host = Recorder()
    previous = set_host(host)
    yield host
    set_host(previous)


def test_a_host_gets_the_graph_not_markup(recorder):
    a = Value(2.0, label="a")
    show(a * a, rankdir="TB")
    show_steps([("one", a), ("two", draw_dot(a))])
    (kind, graph), (kind2, frames) = recorder.calls
    assert kind == "show" and "rankdir=TB" in graph.source and "data 4.0000" in graph.source
    assert kind2 == "steps" and [t for t, _ in frames] == ["one", "two"]
    assert all(hasattr(f, "source") for _, f in frames)


def test_keyword_arguments_only_with_a_root_node(recorder):
    with pytest.raises(TypeError, match="only with a root node"):
        show(draw_dot(Value(1.0)), rankdir="TB")


def test_in_a_terminal_show_writes_an_svg_file_and_says_where(capsys):
    assert gradbook.display._host is None
    path = show(Value(3.0, label="x") * 2)
    out = capsys.readouterr().out
    assert "<svg" not in out and "<div" not in out  # never raw markup in a terminal
    assert str(path) in out and "open it in a web browser" in out
    svg = Path(path).read_text("utf8")
    assert svg.lstrip().startswith("<svg") and "data 6.0000" in svg


def test_in_a_terminal_show_steps_writes_one_file_per_step(capsys):
    x = Value(3.0, label="x")
    paths = show_steps([("a", x), ("b", x * 2)])
    assert len(paths) == 2 and all(Path(p).read_text("utf8").lstrip().startswith("<svg") for p in paths)
    assert "2 figures written to" in capsys.readouterr().out


def test_docstring_examples():
    assert doctest.testmod(gradbook.display).failed == 0


def test_alt_goes_to_the_host_and_must_be_words(recorder):
    show(Value(1.0), alt="one value")
    assert recorder.alts == ["one value"]
    with pytest.raises(ValueError, match="alt must be a sentence"):
        show(Value(1.0), alt="  ")

"""show() where it runs: a host (the book, the live page), Jupyter, or a plain terminal."""

import doctest
import re
import subprocess
import sys
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


def written(out):
    """The files a show()/show_steps() message names."""
    return [Path(p) for p in re.findall(r"(/\S+\.svg)", out)]


def test_in_a_terminal_show_writes_an_svg_file_and_says_where(capsys):
    assert gradbook.display._host is None
    assert show(Value(3.0, label="x") * 2) is None  # nothing more for the REPL to echo
    out = capsys.readouterr().out
    assert "<svg" not in out and "<div" not in out  # never raw markup in a terminal
    (path,) = written(out)
    assert out.count(str(path)) == 1 and "open it in a web browser" in out
    svg = path.read_text("utf8")
    assert svg.lstrip().startswith("<svg") and "data 6.0000" in svg


def test_each_show_writes_a_file_of_its_own_even_from_another_process(capsys):
    show(Value(1.0, label="first"))
    (first,) = written(capsys.readouterr().out)
    program = "from gradbook import Value, show; show(Value(2.0, label='second'))"
    other = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, check=True).stdout
    (second,) = written(other)
    show(Value(3.0, label="third"))
    (third,) = written(capsys.readouterr().out)
    assert len({first, second, third}) == 3
    assert ">first<" in first.read_text("utf8") and ">second<" in second.read_text("utf8")


def test_in_a_terminal_show_steps_writes_one_file_per_step(capsys):
    x = Value(3.0, label="x")
    assert show_steps([("a", x), ("b", x * 2)]) is None
    out = capsys.readouterr().out
    paths = written(out)
    assert len(set(paths)) == 2 and all(p.read_text("utf8").lstrip().startswith("<svg") for p in paths)
    assert "2 figures written to" in out


def test_docstring_examples():
    assert doctest.testmod(gradbook.display).failed == 0


def test_alt_goes_to_the_host_and_must_be_words(recorder):
    show(Value(1.0), alt="one value")
    assert recorder.alts == ["one value"]
    with pytest.raises(ValueError, match="alt must be a sentence"):
        show(Value(1.0), alt="  ")

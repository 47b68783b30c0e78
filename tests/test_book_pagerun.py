"""book.pagerun: the live page's runner (book.sessions in Pyodide), run here under CPython
with a stand-in for the page's Graphviz."""

import json

import pytest

from book.output import Output
from book.pagerun import MAX_LINES, Page, cut, summary

SVG = '<svg width="10pt" id="graph0"><g id="node1"/></svg>'
NAMES = ["the block above (block 1)", "this block"]


@pytest.fixture
def page():
    import gradbook.display

    seen = []
    previous = gradbook.display.set_host(None)
    p = Page(dot=lambda source: SVG, notify=seen.append)
    p.seen = seen
    yield p
    gradbook.display.set_host(previous)


def run(page, codes, index=None, key="s"):
    names = NAMES[-len(codes) :]
    return json.loads(page.run(key, codes, names, len(codes) - 1 if index is None else index))


def test_a_session_runs_in_order_and_prints_escaped_text(page):
    out = run(page, ["x = 2", 'print("<b>x</b>", x)'])
    assert out["error"] is None and out["text"] == "<b>x</b> 2\n"
    assert "&lt;b&gt;x&lt;/b&gt; 2" in out["html"] and "<b>" not in out["html"]
    assert out["summary"] == "printed 1 line"
    assert page.seen == [0, 1]


def test_a_figure_is_the_builds_figure_drawn_by_the_pages_graphviz(page):
    out = run(page, ["from gradbook import Value, show\nx = Value(2.0)", "show(x + 1)"])
    assert out["html"].startswith('<div class="gb-figure">\n<svg role="img" aria-label="Computation graph')
    assert 'id="node1"' not in out["html"]  # dot's ids go, as at build time
    assert out["summary"] == "drew a figure"


def test_an_edited_earlier_block_restarts_the_session(page):
    run(page, ["x = 1", "x += 1\nprint(x)"])
    assert run(page, ["x = 1", "x += 1\nprint(x)"])["text"] == "2\n"  # run again: afresh, not 3
    page.seen.clear()
    assert run(page, ["x = 10", "x += 1\nprint(x)"])["text"] == "11\n"
    assert page.seen == [0, 1]


def test_an_earlier_block_that_fails_is_named_with_its_line(page):
    out = run(page, ["y = 1\nraise ValueError('no')", "print(y)"])
    assert out["failed"] == 0 and out["line"] == 2
    assert out["error"].startswith("The block above (block 1) at line 2 failed, so this block did not run:")
    assert 'File "the block above (block 1)", line 2' in out["error"] and "raise ValueError('no')" in out["error"]
    # Not built upon: the next Run starts afresh, and a fixed block runs.
    assert run(page, ["y = 1", "print(y)"])["text"] == "1\n"


def test_this_blocks_error_keeps_what_it_printed(page):
    out = run(page, ["pass", "print('before')\n1/0"])
    assert out["text"] == "before\n" and out["failed"] == 1 and out["line"] == 2
    assert "ZeroDivisionError" in out["error"] and out["summary"] == "printed 1 line, raised ZeroDivisionError"


def test_output_is_capped_with_a_line_saying_how_much(page):
    out = run(page, ["pass", "for i in range(5000):\n    print(i)"])
    assert out["cut"] and out["text"].count("\n") == MAX_LINES + 1
    assert "… 3,000 more lines (15,000 characters) left out: the page shows the first 2,000 lines." in out["text"]
    assert out["summary"] == "printed 5,000 lines"


def test_cut_by_characters():
    text, was_cut = cut("x" * 50 + "\n" + "y" * 50 + "\n", max_chars=60)
    assert was_cut and text.startswith("x" * 50 + "\n… 1 more line (51 characters) left out")
    assert cut("short\n") == ("short\n", False)


def test_summary_words():
    assert summary(Output(["a\nb"]), None) == "printed 2 lines"
    assert summary(Output(), KeyError("k")) == "raised KeyError"
    assert summary(Output(), None) == "printed nothing"

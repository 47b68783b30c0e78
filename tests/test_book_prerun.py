"""book.prerun: a full build runs its sessions in worker processes, with the outcome the build's own would have."""

import logging

import pytest

from book.blocks import python_blocks, session_chain
from book.output import Figure
from book.prerun import Ahead, session_key, sessions, workers_wanted
from book.sessions import Runner, error_text

PAGE = """
```python exec="on" session="s"
import logging
x = 2
print("x is", x)
logging.getLogger("mkdocs.plugins.gradbook-test").warning("a warning from a worker")
```

```python exec="on" session="s"
from gradbook import Value, draw_dot, show
show(draw_dot(Value(x) * 3))
```

```python exec="on"
print("a block of its own")
```

```python exec="on" session="s"
print(x + undefined_name)
```

```python exec="on" session="s"
print("after the failure")
```
"""


@pytest.fixture
def page(tmp_path):
    path = tmp_path / "page.md"
    path.write_text(PAGE)
    return path


def in_process(path):
    """What the build's own process makes of each block: the output, or the traceback text."""
    import gradbook.display
    from book.figures import BookHost

    runner = Runner()
    gradbook.display.set_host(BookHost(runner))
    try:
        done = {}
        for key, chain in sessions(path, "page.md"):
            for index, block in enumerate(chain):
                try:
                    done[block.fence_line] = runner.run(key, chain, index, "page.md")
                except Exception as error:
                    done[block.fence_line] = error_text(error, "page.md")
        return done
    finally:
        gradbook.display.set_host(None)
        runner.forget()


def test_a_pages_sessions_are_its_session_chains_and_its_lone_blocks(page):
    found = {key: [b.fence_line for b in chain] for key, chain in sessions(page, "page.md")}
    blocks = python_blocks(page)
    assert found == {
        ("page.md", "s"): [b.fence_line for b in session_chain(blocks, "s")],
        ("page.md", blocks[2].fence_line): [blocks[2].fence_line],
    }


def test_a_worker_gives_each_block_what_the_build_process_would(page):
    expected = in_process(page)
    ahead = Ahead([(page, "page.md")], library="", workers=2)
    try:
        got = {}
        for key, chain in sessions(page, "page.md"):
            for index, block in enumerate(chain):
                outcome = ahead.outcome(key, chain, index, take_back=False)
                got[block.fence_line] = outcome.output if outcome.error is None else outcome.error
    finally:
        ahead.close()
    assert got == expected
    figure = got[python_blocks(page)[1].fence_line].parts[0]
    assert isinstance(figure, Figure) and "<svg" in figure.svg
    failed, after = (got[b.fence_line] for b in python_blocks(page)[3:])
    # The traceback starts at the page's own line: the runner's frames are left out.
    assert failed.startswith('Traceback (most recent call last):\n  File "page.md", line 19, in <module>\n')
    assert "NameError: name 'undefined_name'" in failed
    assert after.startswith("book.sessions.EarlierBlockFailed: the block at line 18 of page.md")


def test_a_workers_log_records_are_logged_by_the_build(page, caplog):
    # --strict counts the build's warnings: one made in a worker must count too.
    ahead = Ahead([(page, "page.md")], library="", workers=1)
    try:
        key, chain = sessions(page, "page.md")[0]
        with caplog.at_level(logging.WARNING):
            ahead.outcome(key, chain, 0, take_back=False)
            ahead.outcome(key, chain, 1, take_back=False)  # the session's records are logged once, not once per block
    finally:
        ahead.close()
    warnings = [r for r in caplog.records if r.name == "mkdocs.plugins.gradbook-test"]
    assert [r.getMessage() for r in warnings] == ["a warning from a worker"]


def test_a_session_no_worker_started_is_taken_back(tmp_path):
    # One worker, busy with a slow first session; the pool hands a few more to its
    # call queue at once (two, in Python 3.11), and the last waits in the pool: the
    # build runs it itself.
    pages = []
    for n, code in enumerate(["import time; time.sleep(1.5)", *["pass"] * 6, "print('last')"]):
        path = tmp_path / f"p{n}.md"
        path.write_text(f'```python exec="on" session="s"\n{code}\n```\n')
        pages.append((path, f"p{n}.md"))
    ahead = Ahead(pages, library="", workers=1)
    try:
        key, chain = sessions(*pages[-1])[0]
        assert ahead.outcome(key, chain, 0) is None
        assert ahead.outcome(key, chain, 0) is None  # and it stays the build's
    finally:
        ahead.close()


def test_a_chain_that_changed_since_it_was_sent_is_not_answered(page):
    ahead = Ahead([(page, "page.md")], library="", workers=1)
    try:
        key, chain = sessions(page, "page.md")[0]
        edited = session_chain(python_blocks(PAGE.replace("x = 2", "x = 3")), "s")
        assert ahead.outcome(key, edited, 0) is None
        assert session_key("page.md", chain[0]) == key
    finally:
        ahead.close()


@pytest.mark.parametrize("value, workers", [("", None), ("0", 0), ("3", 3), (" 2 ", 2)])
def test_the_number_of_workers_comes_from_the_environment(value, workers):
    got = workers_wanted({"GRADBOOK_BUILD_WORKERS": value})
    assert got == workers if workers is not None else 1 <= got <= 4


@pytest.mark.parametrize("value", ["two", "-1", "1.5"])
def test_a_bad_number_of_workers_is_named(value):
    with pytest.raises(ValueError, match=r"GRADBOOK_BUILD_WORKERS=.*how many worker processes"):
        workers_wanted({"GRADBOOK_BUILD_WORKERS": value})

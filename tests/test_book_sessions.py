"""book.sessions: the one model by which the build and the tests run a page's blocks."""

import pytest

from book.blocks import python_blocks, session_chain
from book.sessions import EarlierBlockFailed, Runner

PAGE = """
```python exec="on" session="s"
calls.append(1)
x = 1
print("one")
```

```python exec="on" session="s"
calls.append(2)
x += 1
print("two", x)
```

```python exec="on" session="s"
calls.append(3)
print("three", x)
```
"""


def chain(text=PAGE):
    return session_chain(python_blocks(text), "s")


@pytest.fixture
def calls(monkeypatch):
    # A builtin, so every session's namespace sees it: it counts what really ran.
    import builtins

    seen = []
    monkeypatch.setattr(builtins, "calls", seen, raising=False)
    return seen


def test_blocks_run_once_in_order_in_one_namespace(calls):
    runner, blocks = Runner(), chain()
    outs = [runner.run(("p", "s"), blocks, i, "page.md").text for i in range(3)]
    assert outs == ["one\n", "two 2\n", "three 2\n"] and calls == [1, 2, 3]


def test_a_block_run_alone_runs_its_earlier_blocks_first_silently(calls):
    out = Runner().run(("p", "s"), chain(), 2, "page.md")
    assert out.text == "three 2\n" and calls == [1, 2, 3]


def test_a_passed_block_asked_again_starts_its_session_afresh(calls):
    runner, blocks = Runner(), chain()
    for i in range(3):
        runner.run(("p", "s"), blocks, i, "page.md")
    assert runner.run(("p", "s"), blocks, 1, "page.md").text == "two 2\n"
    assert calls == [1, 2, 3, 1, 2]


def test_a_failed_block_asked_again_raises_the_same_error_and_runs_nothing(calls):
    # pytest-markdown-docs calls a runner a second time when the first call raised
    # TypeError (it takes it for an old runner's signature): that must not reset
    # or re-run the session.
    blocks = chain(PAGE.replace('print("two", x)', 'print("two", x)\n"a" + 1'))
    runner = Runner()
    runner.run(("p", "s"), blocks, 0, "page.md")
    with pytest.raises(TypeError) as first:
        runner.run(("p", "s"), blocks, 1, "page.md")
    with pytest.raises(TypeError) as again:
        runner.run(("p", "s"), blocks, 1, "page.md")
    assert again.value is first.value and calls == [1, 2]


def test_a_block_after_a_failed_one_names_it(calls):
    blocks = chain(PAGE.replace("x += 1", "x += undefined_name"))
    runner = Runner()
    with pytest.raises(EarlierBlockFailed, match=r"line 8 of page.md .*NameError.*undefined_name"):
        runner.run(("p", "s"), blocks, 2, "page.md")
    assert calls == [1, 2]


def test_a_traceback_names_the_markdown_files_own_line(calls, tmp_path):
    blocks = chain(PAGE.replace("x += 1", "x += undefined_name"))
    with pytest.raises(NameError) as err:
        Runner().run(("p", "s"), blocks, 1, "chapter.md")
    frame = err.traceback[-1]
    assert str(frame.path) == "chapter.md" and frame.lineno + 1 == 10


def test_a_skipped_earlier_block_is_not_a_failure(calls):
    class Skip(BaseException):
        pass

    blocks = chain(PAGE.replace("x = 1", "x = 1\nraise Skip()"))
    runner = Runner(skips=(Skip,))
    import builtins

    builtins.Skip = Skip
    try:
        assert runner.run(("p", "s"), blocks, 2, "page.md").text == "three 2\n"
    finally:
        del builtins.Skip
    assert calls == [1, 2, 3]


def test_the_cache_answers_unchanged_blocks_and_replays_before_a_changed_one(calls):
    cache, blocks = {}, chain()
    first = Runner(cache=cache)
    for i in range(3):
        first.run(("p", "s"), blocks, i, "page.md", library="v1")
    assert calls == [1, 2, 3]
    # A new build (the runner forgot its namespaces) with the last block edited:
    second = Runner(cache=cache)
    edited = chain(PAGE.replace('print("three", x)', 'print("THREE", x)'))
    outs = [second.run(("p", "s"), edited, i, "page.md", library="v1").text for i in range(3)]
    assert outs == ["one\n", "two 2\n", "THREE 2\n"]
    assert calls == [1, 2, 3, 1, 2, 3]  # blocks 1-2 replayed once, silently, for block 3
    # The library changed: nothing is taken from the cache.
    third = Runner(cache=cache)
    third.run(("p", "s"), blocks, 0, "page.md", library="v2")
    assert calls[-1] == 1 and len(calls) == 7


def test_a_failure_is_not_cached(calls):
    cache = {}
    blocks = chain(PAGE.replace("x = 1", "x = 1 / 0"))
    for _ in range(2):
        with pytest.raises(ZeroDivisionError):
            Runner(cache=cache).run(("p", "s"), blocks, 0, "page.md")
    assert calls == [1, 1] and not cache

"""book/live.py: which blocks can run in the browser, decided from the code the reader sees."""

import pytest

from book.blocks import imports, python_blocks
from book.live import live_blocks, missing_module
from sitebuild import CHAPTERS


def page(*codes, session="s"):
    fences = [f'```python exec="on" session="{session}" source="above"\n{code}\n```\n' for code in codes]
    return python_blocks("\n".join(fences))


@pytest.mark.parametrize(
    "code, needs",
    [
        ("import math, random\nfrom gradbook import Value\nimport graphviz", None),
        ("from gradbook.nn import MLP\nimport os.path", None),
        ("import numpy as np", "numpy"),
        ("import matplotlib.pyplot as plt", "matplotlib"),
        ("from torch import tensor", "torch"),
        ("def f():\n    import pytest\n", "pytest"),  # an import anywhere counts
        ("import subprocess", "subprocess"),  # standard, but no processes in the browser
        # An import the code has a plan for the absence of does not count.
        ("try:\n    import torch\nexcept ImportError:\n    torch = None", None),
        ("try:\n    import torch\nexcept (ModuleNotFoundError, OSError):\n    torch = None", None),
        ("try:\n    import torch\nexcept RuntimeError:\n    pass", "torch"),
        ("try:\n    pass\nexcept ImportError:\n    import numpy", "numpy"),
        ("from . import sibling", None),
    ],
)
def test_missing_module(code, needs):
    assert missing_module(code) == needs


def test_imports_in_order():
    assert imports("import a.b\nfrom c import d\nif x:\n    import e") == ["a.b", "c", "e"]


def test_hidden_lines_do_not_count():
    """A build-only line (`# markdown-exec: hide`) never runs in the browser."""
    (block,) = page("import matplotlib  # markdown-exec: hide\nprint(1)")
    (live,) = live_blocks([block]).values()
    assert live.runnable and live.code == "print(1)"


def test_an_earlier_block_makes_the_rest_of_its_session_need_it():
    blocks = page("x = 1", "import numpy", "print(x)") + page("print(2)", session="other")
    live = [live_blocks(blocks)[b.fence_line] for b in blocks]
    assert [lb.needs for lb in live] == [None, "numpy", "numpy", None]
    assert [lb.index for lb in live] == [0, 1, 2, 0]
    assert "needs numpy:" in live[1].note() and "earlier block" in live[2].note()
    assert "notebook" in live[2].note()


def test_blocks_without_a_session_stand_alone():
    blocks = python_blocks('```python exec="on"\nimport numpy\n```\n\n```python exec="on"\nprint(1)\n```\n')
    assert [lb.runnable for lb in live_blocks(blocks).values()] == [False, True]


# What a block of the book may need that the browser cannot have: PyTorch (chapters 9
# and 13 run its blocks only in a local install or the notebook).
NOT_LIVE_ALLOWED = {"torch"}


def test_every_block_of_the_book_runs_in_the_browser():
    """Every built Python block of every chapter has a Run button, but the ones that
    need PyTorch: a block that imports numpy or matplotlib (or anything else the
    page's Python lacks) would switch off itself and the rest of its session."""
    off, total = [], 0
    for md in CHAPTERS:
        for line, block in live_blocks(python_blocks(md)).items():
            total += 1
            if not block.runnable and block.needs not in NOT_LIVE_ALLOWED:
                off.append(f"{md.name}:{line + 1} needs {block.needs}")
    assert total >= 200
    assert off == [], f"{len(off)} of {total} blocks cannot run in the page: {off}"


def test_a_block_the_page_cannot_run_gets_a_note_under_its_code():
    """No chapter has such a block now; the build still marks one, should a chapter add it."""
    from book.formatter import wrap

    [block] = live_blocks(page("import numpy\nprint(1)")).values()
    built = '<div class="language-python highlight"><pre><code>import numpy</code></pre></div>\n<pre>1</pre>'

    class Page:
        runnable = 0

    html = wrap(built, block, Page())
    assert html.startswith('<div class="gb-live gb-live-off">') and Page.runnable == 0
    note = "This block needs numpy: it runs in a local install or in the chapter&#x27;s notebook."
    assert html.index("</code></pre></div>") < html.index(note) < html.index("<pre>1</pre>")


def test_the_page_runs_the_builds_own_runner():
    """live/runner.zip holds book/sessions.py and its companions as they are, the same bytes every build."""
    import io
    import zipfile
    from pathlib import Path

    from book.live import RUNNER_MODULES, runner_archive

    data = runner_archive()
    assert data == runner_archive()
    book = Path(__file__).resolve().parents[1] / "book"
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        assert sorted(zf.namelist()) == sorted(f"book/{m}" for m in RUNNER_MODULES)
        for name in RUNNER_MODULES:
            assert zf.read(f"book/{name}") == (book / name).read_bytes()
    assert {"sessions.py", "pagerun.py"} <= set(RUNNER_MODULES)


def test_publish_states_the_download_sizes(tmp_path):
    import json

    from book.live import publish

    (tmp_path / "live").mkdir()
    (tmp_path / "wheels").mkdir()
    (tmp_path / "wheels" / "x.whl").write_bytes(b"12345")
    sizes = publish(tmp_path / "live", ["wheels/x.whl"])
    manifest = json.loads((tmp_path / "live" / "manifest.json").read_text())
    assert manifest["sizes"] == sizes and sizes["wheels/x.whl"] == 5
    assert sizes["live/runner.zip"] == (tmp_path / "live" / "runner.zip").stat().st_size

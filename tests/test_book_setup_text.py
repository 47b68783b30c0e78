"""book.setup_text and book.chapter_script: what a block needs from the blocks above it, and a chapter as a script."""

import json
import subprocess
import sys

from book.blocks import python_blocks
from book.chapter_script import chapter_script, script_name
from book.notebooks import Site
from book.setup_text import (
    analyse,
    needed_units,
    page_snippets,
    setup_prefixes,
    snippets_file,
    snippets_html,
    snippets_json,
)

VALUE = """class Box:
    def __init__(self, data):
        self.data, self.grad, self.kids = data, 0.0, []
    def times(self, k):
        out = Box(self.data * k)
        out.kids.append(self)
        return out
    def backward(self):
        for kid in self.kids:
            kid.grad += 1.0"""


def setup_of(*codes):
    """The statements (as text) the last of `codes` needs from the ones before it."""
    session = analyse(list(codes))
    return [session.units[i].text for i in needed_units(session, len(codes) - 1)]


def runs(text):
    return subprocess.run([sys.executable, "-c", text], capture_output=True, text=True, check=True).stdout


def test_a_change_made_through_another_name_is_part_of_the_setup():
    setup = setup_of(VALUE, "a = Box(2.0)\nb = a.times(3)\nunrelated = Box(9.0)", "b.backward()", "print(a.grad)")
    assert setup == [VALUE, "a = Box(2.0)", "b = a.times(3)", "b.backward()"]  # b holds a: b.backward() changes a


def test_what_only_prints_or_shows_is_left_out():
    setup = setup_of("x = 2", "print(x)\nshow(x)\nx", "print(x + 1)")
    assert setup == ["x = 2"]


def test_a_random_generator_brings_its_seed_and_earlier_draws():
    setup = setup_of("import random\nrandom.seed(1)\nfirst = random.random()", "print(random.random())")
    assert setup == ["import random", "random.seed(1)", "first = random.random()"]
    text = "\n".join(setup) + "\nprint(random.random())"
    import random

    random.seed(1)
    random.random()
    assert runs(text) == f"{random.random()}\n"


def test_a_function_that_changes_a_global_brings_its_calls():
    code = "topo = []\n\n\ndef build(v):\n    topo.append(v)\n\n\nbuild(1)\nbuild(2)"
    assert setup_of(code, "print(topo)") == ["topo = []", "def build(v):\n    topo.append(v)", "build(1)", "build(2)"]


def test_a_function_brings_what_its_body_reads_when_it_is_called():
    setup = setup_of("def f():\n    return scale * 2", "scale = 3", "print(f())")
    assert setup == ["def f():\n    return scale * 2", "scale = 3"]


def test_a_page_s_snippets_run_alone_and_skip_hidden_lines(tmp_path):
    md = tmp_path / "page.md"
    md.write_text(
        '```python exec="on" session="p"\nimport math\nr = 2.0\nassert r > 0  # markdown-exec: hide\n```\n\n'
        '```python exec="on" session="p"\narea = math.pi * r**2\n```\n\n'
        '```python exec="on" session="p"\nprint(round(area, 3))\n```\n'
    )
    blocks = python_blocks(md)
    snippets = page_snippets(blocks)
    last = snippets[blocks[-1].fence_line]
    assert "markdown-exec" not in last.text and last.text.endswith("print(round(area, 3))")
    assert runs(last.text) == "12.566\n"
    assert last.prefix_lines == 4 and not last.setup_prints
    # The page's data: what goes before each block that needs something, keyed as the live pages key blocks.
    prefixes = setup_prefixes(blocks)
    assert set(prefixes) == {"p\x001", "p\x002"} and prefixes["p\x002"] + blocks[-1].shown_code == last.text
    # The data goes to a file beside the page, fetched when a button is first used; the page has the script only.
    data = snippets_json(blocks)
    assert json.loads(data) == prefixes
    html = snippets_html("../../", snippets_file("chapters/x.md"))
    script = '<script type="module" src="../../live/snippets.js" data-gb-snippets="x.setup.json"></script>'
    assert html.strip() == script
    assert snippets_json(blocks[:1]) is None and "data-gb-snippets" not in snippets_html("../../")


def test_a_chapter_as_a_script_runs_its_shown_code_in_page_order(tmp_path):
    md = (
        "---\ndescription: x.\n---\n\n# A chapter\n\n## First\n\n"
        '```python exec="on" session="c" source="above" result="text"\nx = 20\nassert x  # markdown-exec: hide\n```\n\n'
        "## Second\n\n"
        '```python exec="on" session="c" source="above" result="text"\n'
        "for i in range(2):\n    x += i\n\nprint(x)\n```\n"
    )
    site = Site("https://example.org/book/", "gradbook-0.1.0-py3-none-any.whl")
    script = chapter_script(md, "chapters/05-x.md", site, "The book")
    assert script_name("chapters/05-x.md") == "05-x.py"
    assert "pip install https://example.org/book/wheels/gradbook-0.1.0-py3-none-any.whl" in script
    assert "markdown-exec" not in script and "matplotlib" not in script
    assert script.index("# -------- First") < script.index("x = 20") < script.index("# -------- Second")
    path = tmp_path / "05-x.py"
    path.write_text(script)
    assert subprocess.run([sys.executable, str(path)], capture_output=True, text=True, check=True).stdout == "21\n"

"""book.blocks: the build and the tests read every block the same way."""

from pathlib import Path

import pytest
import yaml

from book.blocks import BUILD_LANGUAGES, fences, problems, python_blocks
from sitebuild import DOCS, ROOT


def one(text):
    (block,) = fences(text)
    return block


@pytest.mark.parametrize(
    "info, session",
    [
        ('python exec="on" session="x"', "x"),
        ("python exec='on' session='x'", "x"),  # superfences reads single quotes too
        ('python exec="1" session="x"', "x"),  # markdown-exec's documented spelling
        ('python exec="true" session="x"', "x"),
        ('py exec="yes" session="x"', "x"),
        ('python exec="on"', None),
    ],
)
def test_every_markdown_exec_spelling_runs_in_both(info, session):
    block = one(f"```{info}\nprint(1)\n```\n")
    assert block.built and block.tested and block.session == session and block.problem() is None


@pytest.mark.parametrize(
    "info, fix",
    [
        ('python3 exec="on"', "instead of ```python3"),
        ('python exec="off"', 'add exec="on"'),
        ('python exec="0"', 'add exec="on"'),
        ("python", 'add exec="on"'),
        ('python {exec="on"}', "without braces"),
    ],
)
def test_a_block_only_the_tests_run_is_a_problem_with_its_fix(info, fix, tmp_path):
    md = tmp_path / "page.md"
    md.write_text(f"# Page\n\n```{info}\nprint(1)\n```\n")
    (found,) = problems(md)
    assert found.startswith(f"{md}:3: this Python block runs in the tests but not at build time") and fix in found


def test_a_block_inside_an_admonition_is_a_problem(tmp_path):
    md = tmp_path / "page.md"
    md.write_text('!!! note\n    ```python exec="on"\n    print(1)\n    ```\n')
    (found,) = problems(md)
    assert found.startswith(f"{md}:2:") and "move it out of the admonition" in found


@pytest.mark.parametrize(
    "text, bad",
    [
        ("```bash\nls\n```", True),
        ("<!-- untested: shell, shown for the reader -->\n```bash\nls\n```", False),
        ('````markdown\n```python exec="on"\n```\n````', True),  # the outer one counts
    ],
)
def test_other_blocks_need_a_reason_not_to_be_tested(text, bad, tmp_path):
    md = tmp_path / "page.md"
    md.write_text(text + "\n")
    assert bool(problems(md)) == bad


def test_hidden_lines_are_left_out_of_what_the_reader_sees():
    block = one('```python exec="on"\nx = 1\nassert x == 1  # markdown-exec: hide\nprint(x)\n```\n')
    assert block.shown_code == "x = 1\nprint(x)"


def test_mkdocs_yml_runs_the_languages_the_tests_expect():
    class Loader(yaml.SafeLoader):  # mkdocs.yml's !ENV tags: their values do not matter here
        pass

    Loader.add_multi_constructor("!", lambda loader, tag, node: None)
    config = yaml.load((ROOT / "mkdocs.yml").read_text("utf8"), Loader=Loader)
    plugin = next(p["markdown-exec"] for p in config["plugins"] if isinstance(p, dict) and "markdown-exec" in p)
    assert tuple(plugin["languages"]) == BUILD_LANGUAGES


def test_every_block_in_docs_is_read_the_same_by_the_build_and_the_tests():
    found = [p for md in sorted(DOCS.rglob("*.md")) for p in problems(md)]
    assert not found, "\n".join(found)
    assert sum(len(python_blocks(md)) for md in DOCS.rglob("*.md")) > 100


def test_the_readme_blocks_are_python_the_tests_run():
    assert python_blocks(Path(ROOT / "README.md"))


# ------------------------------------------------------------------ pasted into the REPL, or alone


def _page(tmp_path, *codes):
    md = tmp_path / "page.md"
    md.write_text("".join(f'```python exec="on" session="p"\n{code}\n```\n\n' for code in codes))
    return md


@pytest.mark.parametrize(
    "code, line, words",
    [
        ("def f():\n    x = 1\n\n    return x", 4, "a blank line inside an indented body"),
        ("class A:\n\n    x = 1", 3, "a blank line inside an indented body"),
        ("for i in range(2):\n    print(i)\nprint('done')", 4, "put a blank line before this line"),
        ("if True: x = 1\ny = 2", 3, "put a blank line before this line"),
    ],
)
def test_a_block_the_repl_would_read_otherwise_is_a_problem_with_its_line_and_fix(code, line, words, tmp_path):
    md = _page(tmp_path, code)
    (found,) = problems(md)
    assert found.startswith(f"{md}:{line}:") and words in found


@pytest.mark.parametrize(
    "code",
    [
        "def f():\n    return 1\n\n\nprint(f())",
        'def f():\n    """Two\n\n    paragraphs."""\n    return 1',  # a blank line in a string is the string's
        "xs = [\n    1,\n\n    2,\n]\nprint(xs)",  # in brackets the REPL reads on
        "for i in range(2):\n    print(i)\n    assert i < 2  # markdown-exec: hide\n\nprint('done')",
    ],
)
def test_a_block_laid_out_for_the_repl_is_no_problem(code, tmp_path):
    assert problems(_page(tmp_path, code)) == []


def test_hidden_lines_count_as_gone_for_the_repl(tmp_path):
    # Shown, the print follows the loop directly.
    md = _page(tmp_path, "for i in range(2):\n    print(i)\nassert i == 1  # markdown-exec: hide\nprint('done')")
    (found,) = problems(md)
    assert found.startswith(f"{md}:5:") and "blank line before" in found


def test_a_block_that_begins_with_imports_must_import_what_it_uses(tmp_path):
    md = _page(tmp_path, "import math\nprint(math.pi)", "import struct\n\nprint(math.tau, struct.calcsize('f'))")
    (found,) = problems(md)
    assert found.startswith(f"{md}:6:") and "uses math, imported by an earlier block" in found
    # A block that does not begin with imports relies on its session, as the page says.
    assert problems(_page(tmp_path, "import math", "x = 1\nprint(math.pi)")) == []

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

"""The site as built: `mkdocs build --strict` passes and the pages hold what the book promises."""

import json
import re
from pathlib import Path

import pytest

from book.blocks import python_blocks
from book.notebooks import CHECK_TAG
from sitebuild import CHAPTERS


def page(site, md):
    return (site / "chapters" / Path(md).stem / "index.html").read_text("utf8")


def test_home_page_ran_its_block(site):
    html = (site / "index.html").read_text("utf8")
    assert "-8.0 6.0 -4.0" in html


def test_home_page_lists_every_chapter_in_order(site):
    html = (site / "index.html").read_text("utf8")
    listed = re.findall(r'<li><a href="chapters/([^/"]+)/">', html)
    assert listed == [md.stem for md in CHAPTERS]


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda p: p.stem)
def test_chapter_built_without_a_failed_block(site, chapter):
    html = page(site, chapter)
    # markdown-exec puts a failing block's traceback into the page.
    assert "Traceback (most recent call last)" not in html
    assert 'class="admonition tip"' in html  # the notebook download banner


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda p: p.stem)
def test_chapter_notebook_matches_its_page(site, chapter):
    stem = chapter.stem
    nb = json.loads((site / "notebooks" / stem / f"{stem}.ipynb").read_text("utf8"))
    code = [
        "".join(c["source"])
        for c in nb["cells"]
        if c["cell_type"] == "code" and CHECK_TAG not in c.get("metadata", {}).get("tags", [])
    ]
    # The first code cell installs what the notebook needs; then the chapter's blocks, as the page shows them
    # (and the exercises' Check cells, book.notebooks.CHECK_TAG, which are no block of the page).
    assert code[0].startswith("%pip install ")
    assert code[1:] == [block.shown_code for block in python_blocks(chapter)]
    assert f'href="../../notebooks/{stem}/{stem}.ipynb" download' in page(site, chapter)


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda p: p.stem)
def test_every_figure_call_puts_a_figure_in_the_page(site, chapter):
    calls = sum(len(re.findall(r"^\s*show(?:_steps)?\(", block.code, re.M)) for block in python_blocks(chapter))
    html = page(site, chapter)
    assert html.count('class="gb-figure"') >= calls
    # An SVG read as Markdown gets <em> from the `*` of a product node.
    for svg in re.findall(r"<svg.*?</svg>", html, re.S):
        assert "<em>" not in svg and "<p>" not in svg


def test_chapter_9_shows_pytorchs_numbers(site):
    stem = next(md for md in CHAPTERS if md.stem.startswith("09")).stem
    # What its blocks printed at build, as the page and the notebook show it.
    nb = json.loads((site / "notebooks" / stem / f"{stem}.ipynb").read_text("utf8"))
    printed = "".join("".join(o.get("text", "")) for c in nb["cells"] for o in c.get("outputs", []))
    assert "not installed" not in printed
    assert re.search(r"^PyTorch \d+\.\d+", printed, re.M)

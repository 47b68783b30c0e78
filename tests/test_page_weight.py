"""Lighter pages (issue 21, item 5): what a page loads, and that what it no longer loads
up front still works when the reader needs it.

The Lighthouse scores themselves depend on the machine: bench/lighthouse.py measures
them by hand. These tests check the causes it found, page by page.
"""

import json
import re

import pytest

from sitebuild import CHAPTERS

CHAPTER = {md.stem[:2]: md.stem for md in CHAPTERS}


def pages(site):
    return sorted(site.rglob("index.html"))


def test_mkdocstrings_stylesheet_only_where_its_output_is(site):
    """mkdocstrings' stylesheet styles its own output (classes doc, doc-*), on the reference page only."""
    with_it = []
    for page in pages(site):
        html = page.read_text("utf8")
        has_output = 'class="doc ' in html
        assert ("_mkdocstrings.css" in html) == has_output, page
        if has_output:
            with_it.append(page.parent.name)
    assert with_it == ["reference"]


def test_copy_with_setup_data_is_a_file_beside_the_chapter(site):
    """A chapter's "Copy with setup" texts are not in its HTML (chapter 7's were 67 KB of it)."""
    for md in CHAPTERS:
        folder = site / "chapters" / md.stem
        html = (folder / "index.html").read_text("utf8")
        assert 'id="gb-snippets"' not in html, md.stem
        found = re.search(r'<script type="module" src="[./]*live/snippets\.js"(?: data-gb-snippets="([^"]+)")?>', html)
        assert found, f"{md.stem}: no snippets.js"
        if found[1]:
            assert found[1] == f"{md.stem}.setup.json"
            data = json.loads((folder / found[1]).read_text("utf8"))
            assert data and all(isinstance(v, str) and v for v in data.values()), md.stem
    assert (site / "chapters" / CHAPTER["07"] / f"{CHAPTER['07']}.setup.json").is_file()


@pytest.fixture
def context(browser):
    ctx = browser.new_context(
        viewport={"width": 1280, "height": 900}, permissions=["clipboard-read", "clipboard-write"], color_scheme="light"
    )
    ctx.set_default_timeout(20_000)
    yield ctx
    ctx.close()


def test_copy_with_setup_fetches_its_data_on_first_use(context, origin, site):
    """Nothing of it is downloaded with the page; the first press copies the block after its setup."""
    chapter = CHAPTER["07"]
    data = json.loads((site / "chapters" / chapter / f"{chapter}.setup.json").read_text("utf8"))
    page = context.new_page()
    requested = []
    page.on("request", lambda r: requested.append(r.url))
    page.goto(f"{origin}/chapters/{chapter}/", wait_until="load")
    page.wait_for_load_state("networkidle")
    assert not [u for u in requested if u.endswith(".setup.json")], "the setup texts loaded with the page"
    # A block with a setup: its key is its session and place ("session\0index").
    key = next(iter(sorted(data)))
    session, index = key.split("\0")
    block = page.locator(f'.gb-live[data-gb-session="{session}"][data-gb-index="{index}"]').first
    button = block.locator("button.gb-copy-setup")
    # Material mounts a block's buttons once the block is on screen (content.lazy).
    block.scroll_into_view_if_needed()
    button.wait_for(state="attached")
    block.hover()
    button.click()
    page.wait_for_function("() => document.querySelector('[role=status].gb-visually-hidden').textContent.length > 0")
    copied = page.evaluate("() => navigator.clipboard.readText()")
    code = block.evaluate("el => el.dataset.gbCode")
    assert copied == data[key] + code
    assert [u for u in requested if u.endswith(f"/{chapter}.setup.json")], "the setup texts were never fetched"
    page.close()


def test_figures_are_measured_without_a_forced_layout_each(context, origin):
    """a11y.js decides which figures get "Show full size" after the page is laid out, all at once:
    on a narrow window the wide figures of chapter 7 get the button, and a window made wide again
    takes it away (the column's ResizeObserver, not a resize listener)."""
    page = context.new_page()
    page.set_viewport_size({"width": 400, "height": 800})
    page.goto(f"{origin}/chapters/{CHAPTER['07']}/", wait_until="load")
    page.wait_for_function("() => typeof document$ !== 'undefined'")
    page.wait_for_function("() => document.querySelectorAll('button.gb-zoom:not([hidden])').length > 0")
    page.set_viewport_size({"width": 1900, "height": 900})
    narrow_only = page.evaluate(
        """() => [...document.querySelectorAll('.gb-figure')].filter(box => {
            const w = box.querySelector(':scope > svg').getAttribute('width') || '';
            const px = w.endsWith('pt') ? parseFloat(w) * 4 / 3 : parseFloat(w);
            return px <= document.querySelector('.md-content__inner').clientWidth - 16;
        }).length"""
    )
    assert narrow_only > 0
    page.wait_for_function(
        """n => [...document.querySelectorAll('.gb-figure')].filter(box =>
            box.nextElementSibling.matches('button.gb-zoom[hidden]')).length >= n""",
        arg=narrow_only,
    )
    page.close()

"""A chapter as one Python script, NN-slug.py, that runs with `python NN-slug.py`.

The script is the chapter's code as the reader sees it (build-only lines are
left out, as on the page and in the notebook), every block in page order,
under a comment naming the section it comes from. Its docstring says what to
`pip install` (the same packages as the notebook's first cell). A figure goes
where `show()` puts it outside Jupyter, an SVG file whose path it prints;
matplotlib draws into files, never into a window. So the script prints what
the page shows, figures aside (tests/test_snippets.py runs every chapter's).

A pure function: book/plugin.py writes its result beside the page.
"""

from __future__ import annotations

import posixpath
from pathlib import Path

from book.blocks import fences, python_blocks
from book.notebooks import chapter_title, requirements


def script_name(page_uri):
    """The script's file name: chapters/04-neuron.md -> 04-neuron.py."""
    return page_uri.rsplit("/", 1)[-1].removesuffix(".md") + ".py"


def _headings(markdown):
    """{0-based line: text} of the `## ` and `### ` headings outside code blocks."""
    fenced = {i for b in fences(markdown) for i in range(b.fence_line, b.end_line)}
    return {
        i: line.lstrip("#").strip()
        for i, line in enumerate(markdown.splitlines())
        if i not in fenced and line.startswith(("## ", "### "))
    }


def chapter_script(markdown, page_uri, site, book_title):
    """The script of a chapter: `markdown` is the page's text, `site` a book.notebooks.Site."""
    blocks = [b for b in python_blocks(markdown) if b.built]
    title = chapter_title(markdown) or page_uri
    name = script_name(page_uri)
    codes = [b.shown_code for b in blocks]
    install = " ".join([site.wheel_url, *requirements(codes, page_uri)])
    plots = "matplotlib" in requirements(codes, page_uri)
    head = [
        '"""' + f"{title}: a chapter of {book_title}, as one script.",
        "",
        "The code of the chapter's page, block by block, as the page shows it:",
        f"{site.page_url(page_uri)}",
        "",
        "Run it with:",
        "",
        f"    pip install {install}",
        f"    python {name}",
        "",
        "It prints what the page prints. Each figure is written to an SVG file",
        "(show() prints its path: open it in a web browser).",
        '"""',
    ]
    if plots:
        head += [
            "",
            "import matplotlib",
            "",
            'matplotlib.use("Agg")  # plots go to files (show() writes them), not to windows',
        ]
    parts = ["\n".join(head)]
    headings = _headings(markdown)
    section = None
    for b in blocks:
        above = [text for line, text in headings.items() if line < b.fence_line]
        here = above[-1] if above else title
        lead = f"# {'-' * 8} {here} {'-' * 8}\n" if here != section else ""
        section = here
        parts.append(f"{lead}{b.shown_code}")
    return "\n\n\n".join(parts) + "\n"


def write_script(site_dir, page_url, markdown, page_uri, site, book_title):
    """Write a chapter's script beside its page in the built site (the page links to it by its name)."""
    folder = Path(site_dir) / (page_url if page_url.endswith("/") else posixpath.dirname(page_url))
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / script_name(page_uri)
    target.write_text(chapter_script(markdown, page_uri, site, book_title), "utf8")
    return target

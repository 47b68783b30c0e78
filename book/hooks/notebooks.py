"""MkDocs hook: every chapter is also a Jupyter notebook, generated from its page.

A chapter is a page docs/chapters/NN-slug.md ("chapters/03-manual-backprop.md").
Its notebook has one code cell per ```python block and one Markdown cell for the
prose between them, so the notebook can never drift from the page. The notebooks
are written to a temporary folder, added to the site as notebooks/NN-name.ipynb
(mkdocs-jupyter turns each into a page with a download button) and linked from
the top of their chapter.
"""

import re
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # the repository root, where `book` lives

import nbformat  # noqa: E402
from mkdocs.plugins import event_priority  # noqa: E402
from mkdocs.structure.files import File  # noqa: E402
from mkdocs.utils.meta import get_data  # noqa: E402

from book.blocks import python_blocks  # noqa: E402

CHAPTER = re.compile(r"^chapters/\d\d-[\w-]+\.md$")
_workdir = None


# A link to another chapter, "[chapter 4](04-neuron.md)": in a notebook it points
# at that chapter's notebook page, one folder up from this one's. An #anchor is
# dropped: nbconvert names headings differently from the chapter pages.
_CHAPTER_LINK = re.compile(r"\]\((\d\d-[\w-]+)\.md(#[^)]*)?\)")


def chapter_notebook(markdown, title_note):
    """The notebook for one chapter's Markdown text."""
    lines = markdown.splitlines(keepends=True)
    cells, prose_start = [], 0

    def add_prose(end):
        text = _CHAPTER_LINK.sub(r"](../\1/)", "".join(lines[prose_start:end]).strip())
        if text:
            cells.append(nbformat.v4.new_markdown_cell(text))

    for block in python_blocks(markdown):
        add_prose(block.fence_line)
        cells.append(nbformat.v4.new_code_cell(block.code.rstrip("\n")))
        prose_start = block.end_line
    add_prose(len(lines))
    cells.insert(0, nbformat.v4.new_markdown_cell(title_note))
    nb = nbformat.v4.new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    # Cell ids are random by default; number them so every build writes the same bytes.
    for i, cell in enumerate(nb.cells):
        cell["id"] = f"cell-{i}"
    return nb


NOTE = (
    "*This notebook is generated from the chapter of the same name in "
    "**gradbook: backpropagation, spelled out**. It needs the `gradbook` package "
    "(`pip install -e .` in a clone of the repository, which brings the `graphviz` "
    "package) and Graphviz's `dot` program (`apt-get install graphviz` or "
    "`brew install graphviz`).*"
)


@event_priority(50)  # before mkdocs-jupyter (priority 0) turns .ipynb files into pages
def on_files(files, config):
    global _workdir
    _workdir = tempfile.TemporaryDirectory(prefix="gradbook-notebooks-")
    out = Path(_workdir.name)
    (out / "notebooks").mkdir()
    for f in list(files.documentation_pages()):
        if not CHAPTER.match(f.src_uri):
            continue
        body, _ = get_data(Path(f.abs_src_path).read_text("utf8"))  # without its front matter
        nb = chapter_notebook(body, NOTE)
        name = f"notebooks/{Path(f.src_uri).stem}.ipynb"
        (out / name).write_text(nbformat.writes(nb) + "\n", "utf8")
        files.append(File(name, str(out), config["site_dir"], config["use_directory_urls"]))
    return files


def on_page_markdown(markdown, page, config, files):
    if not CHAPTER.match(page.file.src_uri):
        return markdown
    stem = Path(page.file.src_uri).stem
    # mkdocs-jupyter copies the .ipynb beside its rendered page; raw HTML keeps
    # MkDocs from treating the link as one to a page.
    up = "../../" if config["use_directory_urls"] else "../"
    link = f'<a href="{up}notebooks/{stem}/{stem}.ipynb" download>{stem}.ipynb</a>'
    banner = (
        '!!! tip "Run this chapter yourself"\n'
        f"    Download it as a Jupyter notebook: {link}, or read the "
        f"[notebook version](../notebooks/{stem}.ipynb).\n\n"
    )
    # After the page's title, so the title stays the first heading.
    head, sep, rest = markdown.partition("\n")
    if head.startswith("# "):
        return head + sep + "\n" + banner + rest
    return banner + markdown


def on_page_content(html, page, config, files):
    # Search finds the chapters; a notebook page repeats its chapter word for word.
    if page.file.src_uri.startswith("notebooks/"):
        page.meta["search"] = {"exclude": True}
    return html


def on_post_build(config):
    if _workdir is not None:
        _workdir.cleanup()


_HEADING_ID = re.compile(r'<h[1-6][^>]*\bid="([^"]+)"')


def on_page_context(context, page, config, nav):
    # mkdocs-jupyter builds a notebook page's table of contents with
    # Python-Markdown's slugs, which drop inline code ("A `_backward` step" ->
    # "a-step"), while nbconvert's heading ids keep it ("a-_backward-step"), so
    # those links lead nowhere. The headings are the same and in the same
    # order: point each entry at the id the page really has.
    if not page.file.src_uri.startswith("notebooks/") or page.toc is None:
        return context
    ids = _HEADING_ID.findall(page.content or "")
    items, stack = [], list(reversed(list(page.toc)))
    while stack:
        item = stack.pop()
        items.append(item)
        stack.extend(reversed(item.children))
    if len(items) == len(ids):
        for item, anchor in zip(items, ids):
            item.id = anchor
    return context

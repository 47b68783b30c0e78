"""Every chapter is also a Jupyter notebook, with the outputs its build produced (a stage of book.plugin).

A chapter is a page docs/chapters/NN-slug.md. Its notebook (book/notebooks.py
makes it) is the page notebooks/NN-slug.ipynb of the site, which mkdocs-jupyter
renders, with a download button; the chapter links to it from its top.

Order matters, and this stage checks it rather than trusting it:

* `add_files` adds the notebooks' File entries (so mkdocs-jupyter makes pages of
  them) after every chapter: MkDocs renders pages in the order of its files, so
  a chapter has run its blocks before its notebook page is rendered;
* a chapter's `chapter_done` (its blocks have run, their outputs are given)
  writes its notebook, and the book is run once;
* a notebook's `check_written`, before mkdocs-jupyter reads the file, stops the
  build if its chapter has not written it.

The notebook pages are made light: the Jupyter CSS that mkdocs-jupyter inlines
in every one of them goes to one shared file, and each figure (which nbconvert
inlines as base64) to a file of its own. They are kept out of the search index
(a notebook repeats its chapter word for word), titled as their chapters, and
come after all the chapters in the navigation.
"""

import base64
import hashlib
import re
import tempfile
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File
from mkdocs.structure.nav import Section
from mkdocs.structure.pages import Page
from mkdocs.utils import get_relative_url

from book.chapter_script import script_name
from book.chapters import CHAPTER
from book.notebooks import Site, chapter_notebook, chapter_title, write
from book.pagecss import prune_file
from book.upstream import jupyter_css
from book.wheel import gradbook_wheel, project

NOTEBOOK = re.compile(r"^notebooks/\d\d-[\w-]+\.ipynb$")
SHARED_CSS = "assets/notebooks.css"
FIGURES = "notebooks/figures"
# nbconvert puts each SVG figure into the page as a base64 data: URL, a third
# larger than the SVG, in the HTML of the page.
_SVG_DATA = re.compile(r'src="data:image/svg\+xml;base64,([A-Za-z0-9+/=\s]+)"')
_HEADING_ID = re.compile(r'<h[1-6][^>]*\bid="([^"]+)"')


def notebook_uri(chapter_uri):
    return f"notebooks/{Path(chapter_uri).stem}.ipynb"


def is_notebook(uri):
    return bool(NOTEBOOK.match(uri))


def site_for(config):
    """Where the notebooks' links and `%pip install` point: the site's URL, or the project's Homepage."""
    url = config["site_url"] or project().get("urls", {}).get("Homepage")
    if not url:
        raise PluginError("notebooks need the site's address: set site_url in mkdocs.yml")
    return Site(url.rstrip("/") + "/", gradbook_wheel()[0])


def _pages(items):
    for item in items:
        if isinstance(item, Section):
            yield from _pages(item.children)
        elif isinstance(item, Page):
            yield item


def _link(pages):
    for before, after in zip([None, *pages], [*pages, None]):
        if before is not None:
            before.next_page = after
        if after is not None:
            after.previous_page = before


def order_nav(nav):
    """Home, the chapters (numbered), the notebooks, the rest; the chapters' Next never leads to a notebook."""
    chapters = [p for p in nav.pages if CHAPTER.match(p.file.src_uri)]
    notebooks = {p.file.src_uri: p for p in nav.pages if NOTEBOOK.match(p.file.src_uri)}
    for n, page in enumerate(chapters, 1):
        title = chapter_title(page.file.content_string)
        page.title = f"{n}. {title}"
        notebooks[notebook_uri(page.file.src_uri)].title = page.title

    def rank(item):
        first = next(_pages([item]), None)
        uri = first.file.src_uri if first else ""
        return 0 if uri == "index.md" else 1 if CHAPTER.match(uri) else 2 if NOTEBOOK.match(uri) else 3

    nav.items.sort(key=rank)
    nav.pages = list(_pages(nav.items))
    _link([p for p in nav.pages if not NOTEBOOK.match(p.file.src_uri)])
    _link([p for p in nav.pages if NOTEBOOK.match(p.file.src_uri)])
    return nav


def banner(markdown, chapter_uri, use_directory_urls):
    """The chapter's Markdown with the "Run this chapter yourself" tip under its title."""
    stem = Path(chapter_uri).stem
    # mkdocs-jupyter copies the .ipynb beside its rendered page; raw HTML keeps
    # MkDocs from treating the link as one to a page.
    up = "../../" if use_directory_urls else "../"
    link = f'<a href="{up}notebooks/{stem}/{stem}.ipynb" download>{stem}.ipynb</a>'
    script = f'<a href="{script_name(chapter_uri)}" download>{script_name(chapter_uri)}</a>'
    tip = (
        '!!! tip "Run this chapter yourself"\n'
        f"    Download it as a Jupyter notebook, {link}, or as one Python script, {script}; or read the "
        f"[notebook version](../notebooks/{stem}.ipynb).\n\n"
    )
    # After the page's title, so the title stays the first heading.
    head, sep, rest = markdown.partition("\n")
    if head.startswith("# "):
        return head + sep + "\n" + tip + rest
    return tip + markdown


def local_links(html, page, site):
    """On the site itself, a notebook's links to the published site stay on this copy of it."""

    def local(m):
        target = m[1] or "index.html"  # the site's root
        return 'href="' + get_relative_url(target, page.url).removesuffix("index.html")

    return re.sub(r'href="' + re.escape(site.url) + r'([^"#]*)', local, html)


def figure_files(output, page_url, site_dir):
    """Each figure as a file of its own, named by its content (the same figure is one file)."""

    def to_file(m):
        svg = base64.b64decode(m[1])
        name = f"{FIGURES}/{hashlib.sha256(svg).hexdigest()[:16]}.svg"
        target = Path(site_dir) / name
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(svg)
        return f'src="{get_relative_url(name, page_url)}"'

    return _SVG_DATA.sub(to_file, output)


def fix_toc_ids(page):
    """mkdocs-jupyter builds a notebook page's table of contents with Python-Markdown's
    slugs, which drop inline code ("A `_backward` step" -> "a-step"), while nbconvert's
    heading ids keep it ("a-_backward-step"), so those links lead nowhere. The headings
    are the same and in the same order: point each entry at the id the page really has."""
    if page.toc is None:
        return
    ids = _HEADING_ID.findall(page.content or "")
    items, stack = [], list(reversed(list(page.toc)))
    while stack:
        item = stack.pop()
        items.append(item)
        stack.extend(reversed(item.children))
    if len(items) == len(ids):
        for item, anchor in zip(items, ids):
            item.id = anchor


class NotebookPages:
    """The notebooks of one build: written by their chapters, rendered by mkdocs-jupyter, made light."""

    def __init__(self, config):
        self.site = site_for(config)
        self.site_dir = Path(config["site_dir"])
        self.use_directory_urls = config["use_directory_urls"]
        self._workdir = tempfile.TemporaryDirectory(prefix="gradbook-notebooks-")
        (Path(self._workdir.name) / "notebooks").mkdir()
        self.written = set()  # notebooks (src_uri) written by their chapter in this build
        self.css = None  # (the Jupyter CSS every notebook page shares, the first page that had it)

    def add_files(self, files):
        for f in list(files.documentation_pages()):
            if CHAPTER.match(f.src_uri):
                # Appended: after every chapter in the order MkDocs renders pages.
                uri = notebook_uri(f.src_uri)
                files.append(File(uri, self._workdir.name, str(self.site_dir), self.use_directory_urls))
        return files

    def check_written(self, uri):
        if NOTEBOOK.match(uri) and uri not in self.written:
            raise PluginError(
                f"{uri} is rendered before its chapter wrote it: the chapters must be rendered first"
                " (book.notebook_pages.NotebookPages.add_files appends the notebooks after them)"
            )

    def chapter_done(self, page, results, book_title):
        """Write the chapter's notebook from its blocks' outputs `results` ({fence line: Output}); its uri."""
        uri = page.file.src_uri
        nb = chapter_notebook(page.file.content_string, uri, self.site, results, book_title)
        target = Path(self._workdir.name) / notebook_uri(uri)
        target.write_bytes(write(nb))
        self.written.add(notebook_uri(uri))
        return notebook_uri(uri)

    def lighten(self, output, page):
        """A rendered notebook page with its figures as files and the Jupyter CSS in one shared file."""
        output = figure_files(output, page.url, self.site_dir)
        found = jupyter_css(output)
        if found is None:
            raise PluginError(f"{page.file.src_uri}: mkdocs-jupyter no longer inlines its CSS: see book/upstream.py")
        css, before, after = found
        if self.css is None:
            self.css = (css, page.file.src_uri)
            target = self.site_dir / SHARED_CSS
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(css, "utf8")
        elif self.css[0] != css:
            raise PluginError(
                f"{page.file.src_uri} and {self.css[1]} have different Jupyter CSS: they cannot share one file"
            )
        link = f'<link rel="stylesheet" href="{get_relative_url(SHARED_CSS, page.url)}">\n'
        return before + link + after

    def prune_css(self):
        """The shared Jupyter CSS cut to the rules the notebook pages can use and the custom
        properties those rules, the pages and their other stylesheets read (book/pagecss.py)."""
        shared = self.site_dir / SHARED_CSS
        if shared.is_file():
            others = [p for p in sorted((self.site_dir / "assets").rglob("*.css")) if p != shared]
            prune_file(shared, sorted(self.site_dir.glob("notebooks/*/index.html")), others)

    def close(self):
        self._workdir.cleanup()

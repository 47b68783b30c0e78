"""MkDocs hook: every chapter is also a Jupyter notebook, with the outputs its build produced.

A chapter is a page docs/chapters/NN-slug.md. Its notebook (book/notebooks.py
makes it) is the page notebooks/NN-slug.ipynb of the site, which mkdocs-jupyter
renders, with a download button; the chapter links to it from its top.

Order matters, and this hook checks it rather than trusting it:

* `on_files` adds the notebooks' File entries (so mkdocs-jupyter makes pages of
  them) after every chapter: MkDocs renders pages in the order of its files, so
  a chapter has run its blocks before its notebook page is rendered;
* a chapter's `on_page_content` (its blocks have run, their outputs are in
  book.build.STATE.results) writes its notebook, and the book is run once;
* a notebook's `on_pre_page`, before mkdocs-jupyter reads the file, stops the
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
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # the repository root, where `book` lives

from mkdocs.exceptions import PluginError  # noqa: E402
from mkdocs.plugins import event_priority  # noqa: E402
from mkdocs.structure.files import File  # noqa: E402
from mkdocs.structure.nav import Section  # noqa: E402
from mkdocs.structure.pages import Page  # noqa: E402
from mkdocs.utils import get_relative_url  # noqa: E402

from book.build import STATE  # noqa: E402
from book.notebooks import Site, chapter_notebook, chapter_title, write  # noqa: E402
from book.pagecss import prune_file  # noqa: E402
from book.sessions import ROOT  # noqa: E402
from book.wheel import gradbook_wheel, project  # noqa: E402

CHAPTER = re.compile(r"^chapters/\d\d-[\w-]+\.md$")
NOTEBOOK = re.compile(r"^notebooks/\d\d-[\w-]+\.ipynb$")
SHARED_CSS = "assets/notebooks.css"

_workdir = None
_site = None
_written = set()  # notebooks (src_uri) written by their chapter in this build
_css = {}  # the Jupyter CSS every notebook page shares: {"text": ..., "page": first page}


def notebook_uri(chapter_uri):
    return f"notebooks/{Path(chapter_uri).stem}.ipynb"


def site_for(config):
    """Where the notebooks' links and `%pip install` point: the site's URL, or the project's Homepage."""
    url = config["site_url"] or project().get("urls", {}).get("Homepage")
    if not url:
        raise PluginError("notebooks need the site's address: set site_url in mkdocs.yml")
    return Site(url.rstrip("/") + "/", gradbook_wheel()[0])


def on_config(config):
    global _site
    _site = site_for(config)
    _written.clear()
    _css.clear()
    return config


@event_priority(50)  # before mkdocs-jupyter (priority 0) turns .ipynb files into pages
def on_files(files, config):
    global _workdir
    _workdir = tempfile.TemporaryDirectory(prefix="gradbook-notebooks-")
    out = Path(_workdir.name)
    (out / "notebooks").mkdir()
    for f in list(files.documentation_pages()):
        if CHAPTER.match(f.src_uri):
            # Appended: after every chapter in the order MkDocs renders pages.
            files.append(File(notebook_uri(f.src_uri), str(out), config["site_dir"], config["use_directory_urls"]))
    return files


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


def on_nav(nav, config, files):
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


def on_page_markdown(markdown, page, config, files):
    if NOTEBOOK.match(page.file.src_uri):
        _render_ahead(page)
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


@event_priority(50)  # before mkdocs-jupyter's on_pre_page reads the notebook
def on_pre_page(page, config, files):
    uri = page.file.src_uri
    if NOTEBOOK.match(uri) and uri not in _written:
        raise PluginError(
            f"{uri} is rendered before its chapter wrote it: the chapters must be rendered first"
            " (book/hooks/notebooks.py appends the notebooks after them in on_files)"
        )
    return page


def on_page_content(html, page, config, files):
    uri = page.file.src_uri
    if CHAPTER.match(uri):
        # The chapter's blocks have run: their outputs are the notebook's.
        rel = str(Path(page.file.abs_src_path).relative_to(ROOT))
        results = {line: out for (path, line), out in STATE.results.items() if path == rel}
        nb = chapter_notebook(page.file.content_string, uri, _site, results, config["site_name"])
        target = Path(_workdir.name) / notebook_uri(uri)
        target.write_bytes(write(nb))
        _written.add(notebook_uri(uri))
        if STATE.ahead is not None:
            STATE.ahead.render("mkdocs-jupyter", notebook_uri(uri))  # nbconvert, in a worker, as chapters go on
    elif NOTEBOOK.match(uri):
        # Search finds the chapters; a notebook page repeats its chapter word for word.
        page.meta["search"] = {"exclude": True}

        # On the site itself, the notebook's links to the published site stay on this copy of it.
        def local(m):
            target = m[1] or "index.html"  # the site's root
            return 'href="' + get_relative_url(target, page.url).removesuffix("index.html")

        html = re.sub(r'href="' + re.escape(_site.url) + r'([^"#]*)', local, html)
    return html


def _render_ahead(page):
    """Have the page take the content a worker rendered, instead of rendering it now."""
    if STATE.ahead is None:
        return
    own = page.render  # mkdocs-jupyter's, set by its on_pre_page

    def render(config, files):
        done = STATE.ahead.rendered(page.file.src_uri)
        if done is None:
            return own(config, files)
        for name, value in done.items():
            setattr(page, name, value)

    page.render = render


# mkdocs-jupyter inlines the same ~590 KB of Jupyter CSS into every notebook page.
_STYLE = re.compile(r'<style type="text/css">(.*?)</style>\s*', re.S)
# ...and, after the notebook, its Pygments CSS once more as a Python list's repr
# (str(list) in mkdocs_jupyter/nbconvert2.py): not CSS, browsers drop it.
_STYLE_REPR = re.compile(r"<style>\s*\[(?:'|\").*?(?:'|\")\]\s*</style>\s*", re.S)


# nbconvert puts each SVG figure into the page as a base64 data: URL, a third
# larger than the SVG, in the HTML of the page.
_SVG_DATA = re.compile(r'src="data:image/svg\+xml;base64,([A-Za-z0-9+/=\s]+)"')
FIGURES = "notebooks/figures"


def _figure_files(output, page, config):
    """Each figure as a file of its own, named by its content (the same figure is one file)."""

    def to_file(m):
        svg = base64.b64decode(m[1])
        name = f"{FIGURES}/{hashlib.sha256(svg).hexdigest()[:16]}.svg"
        target = Path(config["site_dir"]) / name
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(svg)
        return f'src="{get_relative_url(name, page.url)}"'

    return _SVG_DATA.sub(to_file, output)


def on_post_page(output, page, config):
    if not NOTEBOOK.match(page.file.src_uri):
        return output
    output = _figure_files(output, page, config)
    found = list(_STYLE.finditer(output))
    if not found:
        raise PluginError(f"{page.file.src_uri}: mkdocs-jupyter no longer inlines its CSS: look again at this hook")
    css = "\n".join(m[1].strip() for m in found) + "\n"
    if "text" not in _css:
        _css.update(text=css, page=page.file.src_uri)
        target = Path(config["site_dir"]) / SHARED_CSS
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(css, "utf8")
    elif _css["text"] != css:
        raise PluginError(
            f"{page.file.src_uri} and {_css['page']} have different Jupyter CSS: they cannot share one file"
        )
    link = f'<link rel="stylesheet" href="{get_relative_url(SHARED_CSS, page.url)}">\n'
    first = found[0].start()
    rest = _STYLE_REPR.sub("", _STYLE.sub("", output[first:]))
    return output[:first] + link + rest


def on_post_build(config):
    if _workdir is not None:
        _workdir.cleanup()
    site = Path(config["site_dir"])
    if (site / SHARED_CSS).is_file():  # only the rules the notebook pages can use (book/pagecss.py)
        prune_file(site / SHARED_CSS, sorted(site.glob("notebooks/*/index.html")))


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

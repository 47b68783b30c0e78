"""The book's build: one MkDocs plugin (`gradbook-book` in mkdocs.yml, registered in pyproject.toml).

Each MkDocs event is one stage, a method that hands explicit inputs to the
module that does the work:

==================  ===============================================================
event               stage
==================  ===============================================================
on_startup          remember whether this is `mkdocs serve` (the plugin object then
                    lives across rebuilds, and with it the cache of block results)
on_config           register the book's Python formatter with markdown-exec
                    (book.formatter), check the live pages' npm files, learn the
                    notebooks' address
on_files            add a notebook file after the chapters (book.notebook_pages);
                    a full build starts its sessions in worker processes (book.prerun)
on_nav              number the chapters, order the navigation
on_page_markdown    a page's blocks (book.blocks) and what they, its exercises (book.exercises)
                    and its Try-its (book.tryits) lack; the notebook tip; the exercises'
                    checks out of the page; the home page's chapter list (book.chapters)
on_pre_page         a notebook page is not rendered before its chapter wrote it
on_page_content     a chapter writes its notebook and its script (book.chapter_script),
                    gets its blocks' "Copy with setup" (book.setup_text), the live
                    script (book.live_site) and the Check buttons'; a notebook page
                    leaves search
on_page_context     a notebook page's table of contents points at its real ids
on_post_page        mkdocstrings' stylesheet only where its output is (book.pagecss); a
                    notebook page's CSS into one shared file, figures into files
on_post_build       the wheels (book.wheel), the live pages' files (with bytecode for the
                    page's Python, book.bytecode), the math (book.math),
                    the notebook pages' CSS cut to what they use (book.pagecss);
                    with GRADBOOK_BLOCK_OUTCOMES=FILE, what each block did, for the tests
==================  ===============================================================

The plugin keeps every piece of state on itself: there is no module-global.
"""

from __future__ import annotations

import gc
import importlib.util
import json
import os
from pathlib import Path

import markdown_exec
from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority, get_plugin_logger

from book import chapters, exercises, live_site, notebook_pages, tryits
from book.blocks import BUILD_LANGUAGES, all_imports, problems, python_blocks
from book.chapter_script import write_script
from book.formatter import BlockRunner, relative
from book.math import typeset_site
from book.pagecss import mkdocstrings_css_where_used
from book.prerun import Ahead, workers_wanted
from book.setup_text import snippets_file, snippets_html, snippets_json
from book.upstream import render_instead
from book.wheel import gradbook_wheel, installed_wheel

log = get_plugin_logger("gradbook")
# The pure-Python packages the live pages install beside gradbook (its own dependency).
LIVE_PACKAGES = ("graphviz",)


class BookConfig(base.Config):
    # Which mkdocs-jupyter plugin renders the notebook pages (its name in `plugins:`).
    notebooks_plugin = c.Type(str, default="mkdocs-jupyter")


class BookPlugin(BasePlugin[BookConfig]):
    def __init__(self):
        self.serving = False
        self.blocks = BlockRunner()
        self.notebooks = None
        self.chapter_files = []
        self.wheels = []

    # ----------------------------------------------------------------- the build

    def on_startup(self, *, command, dirty):
        self.serving = command == "serve"

    def on_config(self, config):
        for language in BUILD_LANGUAGES:
            markdown_exec.formatters[language] = self.blocks.format
        self.blocks.start_build(self.serving)
        live_site.check_vendored()
        if self.config.notebooks_plugin not in config.plugins:
            raise PluginError(f"gradbook-book renders notebooks with {self.config.notebooks_plugin!r}, not in plugins:")
        self.notebooks = notebook_pages.NotebookPages(config)
        self.wheels = [gradbook_wheel()[0], *(installed_wheel(name)[0] for name in LIVE_PACKAGES)]
        return config

    @event_priority(50)  # before mkdocs-jupyter (priority 0) turns .ipynb files into pages
    def on_files(self, files, config):
        self._close_ahead()
        files = self.notebooks.add_files(files)
        try:
            workers = workers_wanted()
        except ValueError as error:
            raise PluginError(str(error)) from None
        pages = [Path(f.abs_src_path) for f in files.documentation_pages() if f.src_uri.endswith(".md")]
        self._check_installed(pages, strict=config["strict"])
        if workers and not self.serving:
            self.blocks.ahead = Ahead(
                [(path, relative(path)) for path in pages], self.blocks.library, workers, build=(config, files)
            )
        return files

    def _check_installed(self, pages, strict):
        """Every module a page's blocks import, optional ones too (chapter 9's PyTorch), is installed:
        a strict build, the one the tests check and the Pages workflow publishes, stops without one."""
        for path in pages:
            modules = {m.split(".")[0] for b in python_blocks(path) if b.built for m in all_imports(b.code)}
            missing = sorted(m for m in modules if importlib.util.find_spec(m) is None)
            if missing:
                message = (
                    f"{relative(path)} imports {', '.join(missing)}, which is not installed: the site would "
                    f"show that page without what it is for. Install it (bash .ci/setup.sh does; for PyTorch: "
                    f"pip install torch --index-url https://download.pytorch.org/whl/cpu)"
                )
                if strict:
                    raise PluginError(message)
                log.warning(message)

    def on_nav(self, nav, config, files):
        self.chapter_files = [page.file for page in nav.pages if chapters.is_chapter(page.file.src_uri)]
        return notebook_pages.order_nav(nav)

    def on_page_markdown(self, markdown, page, config, files):
        uri = page.file.src_uri
        if notebook_pages.is_notebook(uri):
            ahead = self.blocks.ahead
            if ahead is not None:  # take the content a worker rendered, instead of rendering it now
                render_instead(page, lambda p: ahead.rendered(p.file.src_uri))
            return markdown
        chapter = chapters.is_chapter(uri)
        self.blocks.start_page(page.file.abs_src_path, chapter)
        path = Path(page.file.abs_src_path)
        # What a block, an exercise (book.exercises) or a Try-it (book.tryits) lacks: a strict build stops.
        for problem in problems(path) + (exercises.problems(path) + tryits.problems(path) if chapter else []):
            log.warning(problem)
        # What the build holds is big (MkDocs' pages, chapter 11's trained nets): keep
        # the cyclic collector from walking it again and again while blocks run.
        gc.freeze()
        if uri == "index.md":
            try:
                return chapters.home_page(markdown, self.chapter_files)
            except ValueError as error:
                raise PluginError(str(error)) from None
        if chapter:
            # The tip to run the chapter elsewhere; each exercise's check becomes the place of its Check button.
            return exercises.page_markdown(notebook_pages.banner(markdown, uri, config["use_directory_urls"]))
        return markdown

    @event_priority(50)  # before mkdocs-jupyter's on_pre_page reads the notebook
    def on_pre_page(self, page, config, files):
        self.notebooks.check_written(page.file.src_uri)
        return page

    def on_page_content(self, html, page, config, files):
        uri = page.file.src_uri
        if notebook_pages.is_notebook(uri):
            # Search finds the chapters; a notebook page repeats its chapter word for word.
            page.meta["search"] = {"exclude": True}
            return notebook_pages.local_links(html, page, self.notebooks.site)
        done = self.blocks.end_page()
        if done is None or not chapters.is_chapter(uri):
            return html
        # The chapter's blocks have run: their outputs are the notebook's.
        results = {line: out for (path, line), out in self.blocks.results.items() if path == done.rel}
        written = self.notebooks.chapter_done(page, results, config["site_name"])
        if self.blocks.ahead is not None:
            self.blocks.ahead.render(self.config.notebooks_plugin, written)  # nbconvert, in a worker
        # The chapter as one script beside its page (book.chapter_script); its blocks' "Copy with setup".
        script = write_script(
            config["site_dir"], page.url, page.file.content_string, uri, self.notebooks.site, config["site_name"]
        )
        data, name = snippets_json(done.blocks), snippets_file(uri)
        if data is not None:  # beside the script, fetched on the first use of a button
            (script.parent / name).write_text(data, "utf8")
        html += snippets_html("../" * page.url.count("/"), name if data is not None else None)
        html = live_site.page_assets(html, page.url, done.wrapped, done.runnable, self.wheels)
        if done.runnable:  # the Check buttons use the live page's Python (after live.js)
            html += exercises.page_assets(html, "../" * page.url.count("/"))
        return html

    def on_page_context(self, context, page, config, nav):
        if notebook_pages.is_notebook(page.file.src_uri):
            notebook_pages.fix_toc_ids(page)
        return context

    def on_post_page(self, output, page, config):
        output = mkdocstrings_css_where_used(output)
        if notebook_pages.is_notebook(page.file.src_uri):
            return self.notebooks.lighten(output, page)
        return output

    def on_post_build(self, config):
        self._close_ahead()
        # Frozen objects are never collected: let the collector have them once the site is built.
        gc.unfreeze()
        site = Path(config["site_dir"])
        (site / "wheels").mkdir(exist_ok=True)
        wheels = [gradbook_wheel(), *(installed_wheel(n) for n in LIVE_PACKAGES)]
        for name, data in wheels:
            (site / "wheels" / name).write_bytes(data)
        live_site.copy_assets(site, self.wheels, [data for _, data in wheels])
        typeset_site(site)  # the math of the finished pages
        self.notebooks.prune_css()  # last: the notebook pages are final
        self.notebooks.close()
        self._write_outcomes()

    def on_build_error(self, *, error):
        self._close_ahead()
        self._write_outcomes()

    def _write_outcomes(self):
        """The test suite runs the chapters' blocks once, in its build: each block's test reads its outcome."""
        target = os.environ.get("GRADBOOK_BLOCK_OUTCOMES")
        if target:
            Path(target).write_text(json.dumps(self.blocks.outcomes), "utf8")

    def _close_ahead(self):
        if self.blocks.ahead is not None:
            self.blocks.ahead.close()
            self.blocks.ahead = None

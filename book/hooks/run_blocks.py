"""MkDocs hook: the book's Python blocks run through book.sessions, exactly as under pytest.

markdown-exec still renders each block (its options, `source="above"`,
`result="text"`, `html="1"`), but the code runs through the book's own runner,
registered as markdown-exec's formatter for Python. So the build reads a block
with book.blocks, as the tests do; a block the two would treat differently
stops the strict build with its file, line and fix; a figure goes into the
block's output through book.figures; and `mkdocs serve` re-runs only the
sessions an edit can affect (results are cached by the library's source and
the session's code up to each block). A full build runs the sessions ahead,
in worker processes (book.prerun), and takes each block's outcome from there.
"""

import gc
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # the repository root, where `book` lives

import markdown_exec  # noqa: E402
from markdown_exec import ExecutionError, base_format, code_block  # noqa: E402
from mkdocs.exceptions import PluginError  # noqa: E402

from book import exercises, tryits  # noqa: E402
from book.blocks import BUILD_LANGUAGES, problems, python_blocks, session_chain  # noqa: E402
from book.build import STATE, start_build  # noqa: E402
from book.prerun import Ahead, session_key, workers_wanted  # noqa: E402
from book.sessions import ROOT, error_text  # noqa: E402

log = markdown_exec.get_logger("gradbook")


class _Page:
    def __init__(self, path):
        self.path = path
        self.blocks = python_blocks(path)
        self.calls = {}  # session -> how many of its blocks markdown-exec has asked for


_page = None


def on_startup(command, dirty):
    STATE.serving = command == "serve"


def on_config(config):
    for language in BUILD_LANGUAGES:
        markdown_exec.formatters[language] = _format_python
    start_build()
    if STATE.serving:
        # An unchanged notebook page is not converted again. Off for `mkdocs build`:
        # the tests run two builds at once, and they would share the cache files.
        config.plugins["mkdocs-jupyter"].config["cache"] = True
    return config


def on_files(files, config):
    _close()
    try:
        workers = workers_wanted()
    except ValueError as error:
        raise PluginError(str(error)) from None
    if workers and not STATE.serving:
        pages = [Path(f.abs_src_path) for f in files.documentation_pages() if f.src_uri.endswith(".md")]
        STATE.ahead = Ahead([(path, _rel(path)) for path in pages], STATE.library, workers, build=(config, files))
    return files


def _close():
    if STATE.ahead is not None:
        STATE.ahead.close()
        STATE.ahead = None


def _rel(path):
    return str(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)


def on_page_markdown(markdown, page, config, files):
    global _page
    path = Path(page.file.abs_src_path)
    if path.suffix != ".md":  # a notebook page (mkdocs-jupyter): no blocks of the book's to run
        _page = None
        return markdown
    _page = _Page(path)
    STATE.runner.forget()  # a page's sessions are its own; the cache keeps their results
    for problem in problems(path) + exercises.problems(path) + tryits.problems(path):
        log.warning(problem)
    # What the build holds is big (MkDocs' pages, chapter 11's trained nets): keep
    # the cyclic collector from walking it again and again while blocks run.
    gc.freeze()
    return markdown


def on_page_content(html, page, config, files):
    STATE.runner.forget()
    return html


def on_post_build(config):
    _close()
    # Frozen objects are never collected: let the collector have them once the site is built.
    gc.unfreeze()


def on_build_error(error):
    _close()


def _format_python(code, md, **options):
    return base_format(language="python", run=_run, code=code, md=md, **options)


def _run(code, returncode=None, session=None, id=None, **extra):  # noqa: A002 - markdown-exec's names
    page = _page
    rel = _rel(page.path)
    n = page.calls[session] = page.calls.get(session, 0) + 1
    if session:
        chain, index = session_chain(page.blocks, session), n - 1
    else:  # blocks without a session run alone, each in a namespace of its own
        alone = [b for b in page.blocks if b.built and b.session is None]
        chain, index = alone[n - 1 : n], 0
    if index >= len(chain) or chain[index].code.rstrip("\n") != code.rstrip("\n"):
        raise ExecutionError(
            code_block(
                "text",
                f"{rel}: markdown-exec runs a block (session {session!r}, number {n}) that the tests do not"
                " collect as the same block; is it indented under an admonition or a tab? Move it out.",
            )
        )
    block = STATE.block = chain[index]
    key = session_key(rel, block)
    ran = STATE.ahead.outcome(key, chain, index) if STATE.ahead is not None else None
    if ran is None:
        try:
            out = STATE.runner.run(key, chain, index, rel, STATE.library)
        except Exception as error:
            raise ExecutionError(code_block("python", error_text(error, rel), **extra)) from error
    elif ran.error is not None:
        raise ExecutionError(code_block("python", ran.error, **extra))
    else:
        out = ran.output
    STATE.results[(rel, block.fence_line)] = out
    return out.page_html()

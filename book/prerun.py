"""Running the book's sessions ahead of the pages, on every core, for a full build.

MkDocs renders pages one after the other, and most of a full build is the
book's own code (chapter 11's training, chapter 9's import of torch). The
sessions are independent of each other, so as soon as the build knows its
pages, `Ahead` hands each session to a pool of worker processes, forked from
the build so they start with everything it has imported. Each worker runs a
session's blocks with the same `book.sessions.Runner` the tests use, and sends
back what each block produced, or the traceback the page would show. When
markdown-exec then asks for a block, the build takes its outcome from there.

The notebook pages go the same way: once a chapter has written its notebook,
a worker renders the notebook's page (mkdocs-jupyter's own render, which runs
nbconvert), and the page takes that content when its turn comes.

`mkdocs serve` does not use it: its first build runs in process, and later
ones re-run only the sessions an edit can affect (book.formatter), so there is
little to share out; and forking a process that runs a web server's threads
is asking for trouble.
"""

from __future__ import annotations

import ctypes
import gc
import logging
import multiprocessing
import os
import signal
import sys
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass

from mkdocs.structure.pages import Page

from book.blocks import python_blocks, session_chain
from book.output import Output
from book.sessions import Runner, error_text


@dataclass(frozen=True)
class Outcome:
    """What one block did: its output, or the traceback of its error as the page shows it."""

    output: Output | None = None
    error: str | None = None


def workers_wanted(environ=os.environ):
    """How many worker processes a full build uses: $GRADBOOK_BUILD_WORKERS, else one per core (at most 4).

    0 runs everything in the build's own process, as `mkdocs serve` does.
    """
    value = environ.get("GRADBOOK_BUILD_WORKERS", "").strip()
    if not value:
        return min(os.cpu_count() or 1, 4)
    if not value.isdigit():
        raise ValueError(
            f"GRADBOOK_BUILD_WORKERS={value!r}: give how many worker processes the build may use"
            " (0: none, everything runs in the build's own process)"
        )
    return int(value)


def session_key(rel, block):
    """The runner's key of a block's session: blocks without a session run alone."""
    return (rel, block.session_id)


def sessions(path, rel):
    """A page's sessions as (key, chain): the blocks each runs, in order."""
    blocks = python_blocks(path)
    chains = {}
    for block in blocks:
        if block.built:
            key = session_key(rel, block)
            if key not in chains:
                chains[key] = session_chain(blocks, block.session) if block.session else [block]
    return list(chains.items())


def run_session(key, chain, filename, library):
    """Every block of one session, in order, with a runner of its own (in a worker)."""
    import gradbook.display
    from book.figures import BookHost

    runner = Runner()
    gradbook.display.set_host(BookHost(runner))
    outcomes = []
    for index in range(len(chain)):
        try:
            outcomes.append(Outcome(output=runner.run(key, chain, index, filename, library)))
        except Exception as error:
            outcomes.append(Outcome(error=error_text(error, filename)))
    runner.forget()
    return outcomes


def render_page(plugin, src_uri):
    """A page rendered by `plugin`'s own `render` (in a worker): what `render` set on the page."""
    config, files = _worker.build
    page = Page(None, files.get_file_from_path(src_uri), config)
    # Only the plugin that renders it: the book's own hooks keep their state in the build.
    page = config.plugins[plugin].on_pre_page(page, config=config, files=files)
    page.render(config, files)
    done = {"content": page.content, "toc": page.toc}
    if "title" in vars(page):  # a title the render found (mkdocs-jupyter without ignore_h1_titles)
        done["title"] = page.title
    return done


class _Records(logging.Handler):
    """In a worker: keeps the log records a task makes, to be logged again by the build."""

    def __init__(self):
        super().__init__()
        self.records = []

    def emit(self, record):
        if self.records and self.records[-1] is record:
            return  # met again on its way up to the root logger
        # Sent to the build by pickle: the message as text, a traceback as text.
        record.msg, record.args = record.getMessage(), None
        if record.exc_info:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
            record.exc_info = None
        self.records.append(record)


class _Worker:
    """What a worker process holds: its log records, and the build's (config, files) it was forked with."""

    records = None
    build = None


_worker = _Worker()  # in a worker process only; the build's process never sets it


def _die_with(parent):
    """Linux: have the kernel end this worker when the build's process ends, however it ends."""
    if sys.platform != "linux":
        return  # elsewhere a killed build leaves its workers to finish their current task
    PR_SET_PDEATHSIG = 1  # noqa: N806 - <linux/prctl.h>
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:  # the build ended before that took effect
        os._exit(1)


def _worker_start(parent, build):
    # A build killed outright (SIGKILL) would leave its workers blocked forever
    # on a pipe to it, holding its stdout open for whoever waits on that.
    _die_with(parent)
    # What the worker inherited from the build (MkDocs' pages and config) is never
    # garbage: keep the cyclic collector from walking it at every collection.
    gc.freeze()
    # The build counts warnings (`--strict` fails on any): a worker's go back to it
    # instead of to the terminal, see `_task`.
    _worker.records, _worker.build = _Records(), build
    loggers = [logging.getLogger(), *logging.Logger.manager.loggerDict.values()]
    for logger in loggers:
        # Every logger that has handlers (MkDocs' own does not propagate) gets this one instead.
        if isinstance(logger, logging.Logger) and (logger.handlers or logger is loggers[0]):
            for handler in list(logger.handlers):
                logger.removeHandler(handler)
            logger.addHandler(_worker.records)


def _task(function, *args):
    """Run `function` in a worker: its result, and the log records it made."""
    _worker.records.records = []
    return function(*args), _worker.records.records


class Ahead:
    """Work of the build running in worker processes: its sessions, and pages to render."""

    def __init__(self, pages, library, workers, build=None):
        """`pages`: (path, rel) for each Markdown page, in the order the build renders them.

        `build`: the build's (config, files), for `render_page`.
        """
        # Forked: the workers get `build` as it is in this process, not pickled.
        self._pool = ProcessPoolExecutor(
            workers,
            mp_context=multiprocessing.get_context("fork"),
            initializer=_worker_start,
            initargs=(os.getpid(), build),
        )
        self._sessions = {}
        self._pages = {}
        for path, rel in pages:  # in page order: the order the build asks for them
            for key, chain in sessions(path, rel):
                self._sessions[key] = (chain, self._pool.submit(_task, run_session, key, chain, rel, library))
        self._logged = set()

    def outcome(self, key, chain, index, take_back=True):
        """Block `index` of the session `key`; None: the build is to run it itself.

        A session no worker has started yet is taken back (unless `take_back`
        is false), so a page never waits behind a longer session queued before.
        """
        sent = self._sessions.get(key)
        if sent is None or [b.code for b in sent[0]] != [b.code for b in chain]:
            return None
        if take_back and sent[1].cancel():
            del self._sessions[key]
            return None
        outcomes = self._result(sent[1])
        if outcomes is None:
            del self._sessions[key]
        return outcomes and outcomes[index]

    def render(self, plugin, src_uri):
        """Start rendering a page with `plugin` in a worker (the page's source must be final)."""
        self._pages[src_uri] = self._pool.submit(_task, render_page, plugin, src_uri)

    def rendered(self, src_uri):
        """What rendering the page in its worker set on it (content, toc...); None if it was not sent."""
        future = self._pages.pop(src_uri, None)
        return None if future is None else self._result(future)

    def _result(self, future):
        try:
            value, records = future.result()
        except BrokenProcessPool:  # a worker died (a crash in C code): the build runs it, and shows why
            return None
        if future not in self._logged:  # a session's result is read once per block
            self._logged.add(future)
            for record in records:
                logging.getLogger(record.name).handle(record)
        return value

    def close(self):
        self._pool.shutdown(wait=True, cancel_futures=True)

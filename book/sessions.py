"""Running a page's blocks the one way the build and the tests share.

Each (page, session) has one namespace. Its blocks run once, in page order,
each in the namespace the one before it left. Asked for a block whose earlier
blocks have not run (a test run alone, or a cached build), the runner first
runs those, silently, then the block. A block that failed and is asked for
again raises the same error without running anything; a block that passed and
is asked for again starts its session afresh (the test was rerun).
"""

from __future__ import annotations

import builtins
import hashlib
import sys
import traceback
import types
from dataclasses import dataclass, field
from pathlib import Path

from book.output import Output

ROOT = Path(__file__).resolve().parents[1]
LIBRARY = ROOT / "src" / "gradbook"


class EarlierBlockFailed(Exception):
    """A block cannot run because an earlier block of its session failed."""


@dataclass
class Failure:
    index: int  # which block of the session's chain
    error: BaseException


@dataclass
class Session:
    namespace: dict
    ran: int = 0  # how many blocks of the chain have run in `namespace`
    failure: Failure | None = None
    codes: list = field(default_factory=list)  # the code of each of those blocks, as it ran


def library_fingerprint():
    """A hash of gradbook's source: a cached result is stale once the library changed."""
    digest = hashlib.sha256()
    for f in sorted(LIBRARY.rglob("*.py")):
        digest.update(f.relative_to(LIBRARY).as_posix().encode() + b"\0" + f.read_bytes())
    return digest.hexdigest()


@dataclass
class Runner:
    # Exceptions a block raises to say "skip me" (pytest.skip under pytest): a
    # skipped earlier block is not a failure of the blocks after it.
    skips: tuple = ()
    # Results by (library, the session's code up to and including the block): set
    # by the build of `mkdocs serve`, so an edit re-runs only what it can affect.
    cache: dict | None = None
    sessions: dict = field(default_factory=dict)
    current: Output | None = None  # what the running block has printed and shown

    def forget(self, keep=lambda key: False):
        """Drop the sessions (and their namespaces) whose key `keep` rejects."""
        for key in [k for k in self.sessions if not keep(k)]:
            # The namespace is a module in sys.modules: take it out too, or what the
            # page built (chapter 11's trained nets) would live as long as the process.
            sys.modules.pop(self.sessions.pop(key).namespace.get("__name__"), None)

    def run(self, key, chain, index, filename, library=""):
        """Run block `index` of `chain`, the session `key`; return its Output."""
        state = self.sessions.get(key)
        if state is not None and state.codes != [b.code for b in chain[: len(state.codes)]]:
            state = None  # an earlier block is not the code that ran (a reader's edit, in the live page)
        if state is not None and index < state.ran:
            if state.failure is not None and state.failure.index == index:
                raise state.failure.error  # asked again after failing: the same error, nothing re-run
            state = None
        if state is None:
            state = self.sessions[key] = Session(_module_namespace(key))

        cache_key = None
        if self.cache is not None:
            cache_key = hashlib.sha256("\0".join([library, *(b.code for b in chain[: index + 1])]).encode()).hexdigest()
            if cache_key in self.cache:
                return self.cache[cache_key]

        while state.ran < index and state.failure is None:
            earlier = chain[state.ran]
            try:
                self._exec(earlier, state.namespace, filename, Output())
            except self.skips:
                pass
            except Exception as error:
                state.failure = Failure(state.ran, error)
            state.ran += 1
            state.codes.append(earlier.code)
        if state.failure is not None and state.failure.index < index:
            failed = chain[state.failure.index]
            raise EarlierBlockFailed(
                f"the block at line {failed.fence_line + 1} of {filename} (session {key[-1]!r}) failed"
                f" with {type(state.failure.error).__name__}: {state.failure.error}"
            )

        out = Output()
        state.ran = index + 1
        state.codes.append(chain[index].code)
        try:
            self._exec(chain[index], state.namespace, filename, out)
        except self.skips:
            raise
        except Exception as error:
            state.failure = Failure(index, error)
            raise
        if cache_key is not None:
            self.cache[cache_key] = out
        return out

    def _exec(self, block, namespace, filename, out):
        # Leading newlines put the block's lines at their place in the Markdown
        # file, so a traceback names the line a reader can find. A block may name
        # itself (the live page's "the block above").
        filename = getattr(block, "filename", None) or filename
        code = compile("\n" * block.start_line + block.code, filename, "exec", dont_inherit=True)
        namespace["print"] = out.print
        self.current, previous = out, self.current
        try:
            exec(code, namespace)
        finally:
            self.current = previous
            namespace.pop("print", None)


def error_text(error, filename):
    """A block's error as its page shows it: the traceback from the page's own line on.

    The frames of the book's tooling that ran the block (`filename` is the
    name the block's code was compiled with) say nothing to an author and are
    left out, so the text is the same wherever the block ran: the build's
    process or a worker. An error of the tooling itself is its message alone.
    """
    tb = error.__traceback__
    while tb is not None and tb.tb_frame.f_code.co_filename != filename:
        tb = tb.tb_next
    return "".join(traceback.format_exception(type(error), error, tb))


def _module_namespace(key):
    # A real module in sys.modules: dataclasses, pickle and inspect look a
    # function's module up by name.
    name = "book_session_" + hashlib.sha1(repr(key).encode()).hexdigest()[:12]
    module = types.ModuleType(name)
    module.__dict__["__builtins__"] = builtins
    sys.modules[name] = module
    return module.__dict__

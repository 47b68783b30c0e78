"""The site, built in the background once per test session (twice when a test
compares two builds), started as soon as the tests are collected."""

import functools
import http.server
import json
import os
import shutil
import tempfile
import threading
import time
from pathlib import Path

import pytest
from test_browser import CHROMIUM_ARGS, INSTALL_CHROMIUM, _QuietHandler, find_chromium

import book.pytest_plugin
from sitebuild import DOCS, Build, check_build

# GRADBOOK_SITE_DIR=site: the tests' build of the site (the strict one, that every page test
# checks) is written there and kept: the Pages workflow publishes it (.github/workflows/pages.yml).
KEEP = os.environ.get("GRADBOOK_SITE_DIR")
# The second build runs every block in the build's own process, not in worker
# processes (book/prerun.py): comparing the two checks that the workers change nothing.
_ENV = {"site_again": {"GRADBOOK_BUILD_WORKERS": "0"}}
# fixture name -> SharedBuild, in this process
_builds = {}


class SharedBuild:
    """One build of the site for the whole test run, whichever pytest-xdist worker asks first.

    Every worker collects the same tests, so each would start the same builds: the first to
    claim a build (a directory made in the run's shared folder) runs it, and writes how it
    ended beside it; the others wait for that. Without xdist there is one process, and it
    runs them all.
    """

    def __init__(self, root, name):
        self.root, self.name = root, name
        self.out = Path(os.path.abspath(KEEP)) if name == "site" and KEEP else root / name
        self.done = root / f"{name}.done.json"
        self.build = None
        try:
            (root / f"{name}.claim").mkdir()
        except FileExistsError:
            return  # another worker builds it
        if name == "site" and KEEP and self.out.is_dir() and any(self.out.iterdir()):
            if not (self.out / "sitemap.xml").is_file():
                raise pytest.UsageError(f"GRADBOOK_SITE_DIR={KEEP!r} holds files that are not a built site")
            shutil.rmtree(self.out)
        env = {**_ENV.get(name, {})}
        if name == "site":
            env["GRADBOOK_BLOCK_OUTCOMES"] = str(outcomes_file(root))
        self.build = Build(self.out, env)
        self.recorder = threading.Thread(target=self._record, daemon=True)
        self.recorder.start()

    def _record(self):
        code, stdout, stderr = self.build.wait()
        partial = self.done.with_suffix(".part")
        partial.write_text(json.dumps({"code": code, "stdout": stdout, "stderr": stderr}), "utf8")
        partial.rename(self.done)  # whole, or not there at all

    def result(self):
        """The built site's folder; fails the test if the build did not pass."""
        if self.build is not None:
            return self.build.result()
        # Another worker's build: it says how it ended in a file.
        while not self.done.is_file():
            time.sleep(0.2)
        ended = json.loads(self.done.read_text("utf8"))
        check_build(ended["code"], ended["stdout"], ended["stderr"])
        return self.out

    def finish(self, interrupted):
        if self.build is not None:
            if interrupted:
                self.build.stop()
            else:  # a test of another worker may still wait for it
                self.build.wait()
            self.recorder.join()


def outcomes_file(root):
    return root / "outcomes.json"


def _root(config):
    """The folder this test run's builds share (one per run, made by pytest-xdist's controller)."""
    workerinput = getattr(config, "workerinput", None)
    if workerinput is not None:
        return Path(workerinput["gradbook_root"])
    return config.stash[ROOT_KEY]


ROOT_KEY = pytest.StashKey[Path]()


def pytest_configure(config):
    if getattr(config, "workerinput", None) is None:
        config.stash[ROOT_KEY] = Path(tempfile.mkdtemp(prefix="gradbook-builds-"))


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node):
    node.workerinput["gradbook_root"] = str(node.config.stash[ROOT_KEY])


def _needs(item):
    return {name for name in ("site", "site_again") if name in getattr(item, "fixturenames", ())}


def _is_book_block(item):
    """A block of a page of docs/, collected by pytest-markdown-docs."""
    path = Path(str(getattr(item, "path", "")))
    return path.suffix == ".md" and path.is_relative_to(DOCS)


def pytest_collection_modifyitems(session, config, items):
    wanted = set().union(*map(_needs, items)) if items else set()
    root = _root(config)
    if "site" in wanted:
        # The build runs every block of docs/ anyway: their tests read what each did there
        # (book.pytest_plugin) instead of running the chapters a second time.
        book.pytest_plugin.OUTCOMES.wait = functools.partial(_outcomes, outcomes_file(root))
    for name in sorted(wanted):
        _builds[name] = SharedBuild(root, name)
    # The tests that need a built site go last, so the others run while it builds.
    items.sort(key=lambda item: bool(_needs(item)) or ("site" in wanted and _is_book_block(item)))


@functools.cache
def _outcomes(path):
    try:
        _builds["site"].result()
    except AssertionError:
        if not path.is_file():  # the build stopped before it ran the blocks: say why
            raise
    return json.loads(path.read_text("utf8"))


def pytest_sessionfinish(session, exitstatus):
    interrupted = exitstatus == pytest.ExitCode.INTERRUPTED
    for build in _builds.values():
        build.finish(interrupted)
    if getattr(session.config, "workerinput", None) is None:  # the one process, or xdist's controller
        root = session.config.stash[ROOT_KEY]
        shutil.rmtree(root, ignore_errors=True)


def _built(config, name):
    if name not in _builds:  # the fixture was asked for in a way collection did not see
        _builds[name] = SharedBuild(_root(config), name)
    return _builds[name].result()


@pytest.fixture(scope="session")
def site(pytestconfig):
    return _built(pytestconfig, "site")


@pytest.fixture(scope="session")
def site_again(pytestconfig):
    """A second, independent build, run in one process, to compare byte for byte with `site`."""
    return _built(pytestconfig, "site_again")


# ---------------------------------------------------------------- browser tests
# Shared by tests/test_browser.py and tests/test_live.py: one served site and one
# Chromium per session (Playwright's sync API runs once per thread).


@pytest.fixture(scope="session")
def origin(site):
    """The built site served at http://127.0.0.1:<free port>; yields the origin."""
    handler = functools.partial(_QuietHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for the whole session."""
    executable = find_chromium()
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.fail("Playwright is not installed. Run: pip install -e '.[test]'", pytrace=False)
    with sync_playwright() as p:
        try:
            browser = p.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_ARGS)
        except Exception as e:  # noqa: BLE001 - report any launch failure with the fix
            pytest.fail(f"Could not start Chromium at {executable}: {e}\n{INSTALL_CHROMIUM}", pytrace=False)
        yield browser
        browser.close()

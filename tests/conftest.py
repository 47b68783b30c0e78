"""The site, built in the background once per test session (twice when a test
compares two builds), started as soon as the tests are collected."""

import functools
import http.server
import json
import os
import shutil
import tempfile
import threading
from pathlib import Path

import pytest
from test_browser import CHROMIUM_ARGS, INSTALL_CHROMIUM, _QuietHandler, find_chromium

import book.pytest_plugin
from sitebuild import DOCS, Build

# fixture name -> Build
_builds = {}
# GRADBOOK_SITE_DIR=site: the tests' build of the site (the strict one, that every page test
# checks) is written there and kept: the Pages workflow publishes it (.github/workflows/pages.yml).
KEEP = os.environ.get("GRADBOOK_SITE_DIR")


def _new_build(name):
    if name == "site" and KEEP:
        keep = os.path.abspath(KEEP)
        if os.path.isdir(keep) and os.listdir(keep) and not os.path.isfile(os.path.join(keep, "sitemap.xml")):
            raise pytest.UsageError(f"GRADBOOK_SITE_DIR={KEEP!r} holds files that are not a built site: not emptied")
        shutil.rmtree(keep, ignore_errors=True)
        return Build(keep, _ENV.get(name))
    return Build(tempfile.mkdtemp(prefix=f"gradbook-{name}-"), _ENV.get(name))


# The second build runs every block in the build's own process, not in worker
# processes (book/prerun.py): comparing the two checks that the workers change nothing.
_ENV = {"site_again": {"GRADBOOK_BUILD_WORKERS": "0"}}


def _needs(item):
    return {name for name in ("site", "site_again") if name in getattr(item, "fixturenames", ())}


def _is_book_block(item):
    """A block of a page of docs/, collected by pytest-markdown-docs."""
    path = Path(str(getattr(item, "path", "")))
    return path.suffix == ".md" and path.is_relative_to(DOCS)


def pytest_collection_modifyitems(session, config, items):
    wanted = set().union(*map(_needs, items)) if items else set()
    outcomes = None
    if "site" in wanted:
        # The build runs every block of docs/ anyway: their tests read what each did there
        # (book.pytest_plugin) instead of running the chapters a second time.
        outcomes = Path(tempfile.mkdtemp(prefix="gradbook-outcomes-")) / "outcomes.json"
        _ENV["site"] = {**_ENV.get("site", {}), "GRADBOOK_BLOCK_OUTCOMES": str(outcomes)}
        book.pytest_plugin.OUTCOMES.wait = functools.partial(_outcomes, outcomes)
    for name in sorted(wanted):
        _builds[name] = _new_build(name)
    # The tests that need a built site go last, so the others run while it builds.
    items.sort(key=lambda item: bool(_needs(item)) or (outcomes is not None and _is_book_block(item)))


@functools.cache
def _outcomes(path):
    build = _builds["site"]
    try:
        build.result()
    except AssertionError:
        if not path.is_file():  # the build stopped before it ran the blocks: say why
            raise
    return json.loads(path.read_text("utf8"))


def pytest_sessionfinish(session, exitstatus):
    for name, build in _builds.items():
        build.stop()
        if not (name == "site" and KEEP):
            shutil.rmtree(build.out, ignore_errors=True)


def _built(name):
    if name not in _builds:  # the fixture was asked for in a way collection did not see
        _builds[name] = _new_build(name)
    return _builds[name].result()


@pytest.fixture(scope="session")
def site():
    return _built("site")


@pytest.fixture(scope="session")
def site_again():
    """A second, independent build, run in one process, to compare byte for byte with `site`."""
    return _built("site_again")


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

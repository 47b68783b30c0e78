"""The site, built in the background once per test session (twice when a test
compares two builds), started as soon as the tests are collected."""

import shutil
import tempfile

import pytest

from sitebuild import Build

# fixture name -> Build
_builds = {}


def _needs(item):
    return {name for name in ("site", "site_again") if name in getattr(item, "fixturenames", ())}


def pytest_collection_modifyitems(session, config, items):
    wanted = set().union(*map(_needs, items)) if items else set()
    for name in sorted(wanted):
        _builds[name] = Build(tempfile.mkdtemp(prefix=f"gradbook-{name}-"))
    # The tests that need a built site go last, so the others run while it builds.
    items.sort(key=lambda item: bool(_needs(item)))


def pytest_sessionfinish(session, exitstatus):
    for build in _builds.values():
        build.stop()
        shutil.rmtree(build.out, ignore_errors=True)


def _built(name):
    if name not in _builds:  # the fixture was asked for in a way collection did not see
        _builds[name] = Build(tempfile.mkdtemp(prefix=f"gradbook-{name}-"))
    return _builds[name].result()


@pytest.fixture(scope="session")
def site():
    return _built("site")


@pytest.fixture(scope="session")
def site_again():
    """A second, independent build, to compare byte for byte with `site`."""
    return _built("site_again")

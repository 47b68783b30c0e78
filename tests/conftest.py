"""Shared fixtures: the site, built once per test session."""

import pytest

from sitebuild import build_site


@pytest.fixture(scope="session")
def site(tmp_path_factory):
    return build_site(tmp_path_factory.mktemp("site"))

"""book.plugin: the book's one MkDocs plugin, its stages, and what it refuses to publish."""

import logging

import pytest
from mkdocs.exceptions import PluginError

from book.plugin import BookPlugin
from sitebuild import CHAPTERS, ROOT


def _page(tmp_path, code):
    page = tmp_path / "page.md"
    page.write_text(f'```python exec="on"\n{code}\n```\n')
    return page


def test_a_strict_build_refuses_a_page_whose_imports_are_not_installed(tmp_path):
    page = _page(tmp_path, "try:\n    import no_such_module_here\nexcept ImportError:\n    pass")
    with pytest.raises(PluginError, match="imports no_such_module_here, which is not installed"):
        BookPlugin()._check_installed([page], strict=True)


def test_a_preview_build_only_warns(tmp_path, caplog):
    page = _page(tmp_path, "import no_such_module_here")
    with caplog.at_level(logging.WARNING):
        BookPlugin()._check_installed([page], strict=False)
    assert "no_such_module_here" in caplog.text


def test_every_chapter_has_what_it_imports_here():
    BookPlugin()._check_installed(CHAPTERS, strict=True)


def test_the_plugin_is_registered_and_used():
    pyproject = (ROOT / "pyproject.toml").read_text("utf8")
    assert 'gradbook-book = "book.plugin:BookPlugin"' in pyproject
    from importlib.metadata import entry_points

    (found,) = [ep for ep in entry_points(group="mkdocs.plugins") if ep.name == "gradbook-book"]
    assert found.load() is BookPlugin
    assert "  - gradbook-book\n" in (ROOT / "mkdocs.yml").read_text("utf8")
    assert "hooks:" not in (ROOT / "mkdocs.yml").read_text("utf8")

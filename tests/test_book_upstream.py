"""What the book relies on in other packages' internals (book/upstream.py) and copies (book/overrides/).

Each test fails, naming what to look at, when an upgrade of mkdocs-jupyter,
pytest-markdown-docs or Material changes what the book relies on.
"""

import hashlib
import inspect
from pathlib import Path
from types import SimpleNamespace

import material
import nbformat
import pytest
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File
from mkdocs.structure.pages import Page

from book import upstream
from book.sessions import ROOT

OVERRIDES = ROOT / "book" / "overrides"
MATERIAL = Path(material.__file__).parent / "templates"
# The Material partials that book/overrides/ replaces, as they were when they were copied
# (Material 9.8.1): a new Material whose partial differs needs the override looked at again.
COPIED_FROM = {
    "partials/search.html": "bfd556535abcddb99396ab2a7e3acc2ebcd3f36756007d3969396caa4126be30",
    "partials/source.html": "6847616d67be4920d39c278c2799bf20222bbc02ee2a8393aca85e3eaa518752",
    "partials/toc-item.html": "418f31ce2e6d559934f610084a5c8493f9618b96268909601552ac48aa0c15c2",
}


def test_every_overridden_material_partial_is_tracked():
    ours = {str(p.relative_to(OVERRIDES)) for p in OVERRIDES.rglob("partials/*.html")}
    assert ours == set(COPIED_FROM), "an override of a Material partial needs its upstream hash in COPIED_FROM"


@pytest.mark.parametrize("partial", sorted(COPIED_FROM))
def test_material_partials_are_still_the_ones_the_overrides_were_made_from(partial):
    found = hashlib.sha256((MATERIAL / partial).read_bytes()).hexdigest()
    assert found == COPIED_FROM[partial], (
        f"Material's {partial} has changed since book/overrides/{partial} was copied from it: "
        "bring the override up to date with it, then its hash here"
    )


def _notebook_page(tmp_path):
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# A title"), nbformat.v4.new_code_cell("1")])
    (tmp_path / "docs" / "notebooks").mkdir(parents=True)
    (tmp_path / "docs" / "notebooks" / "n.ipynb").write_text(nbformat.writes(nb))
    config = MkDocsConfig()
    config.load_dict(
        {
            "site_name": "t",
            "docs_dir": str(tmp_path / "docs"),
            "site_dir": str(tmp_path / "site"),
            "plugins": [{"mkdocs-jupyter": {"execute": False, "cache": False, "ignore_h1_titles": True}}],
        }
    )
    assert not config.validate()[0]
    config.plugins.on_startup(command="build", dirty=False)
    config = config.plugins.on_config(config)
    f = File("notebooks/n.ipynb", config["docs_dir"], config["site_dir"], True)
    return Page(None, f, config), config


def test_mkdocs_jupyter_renders_a_page_by_setting_its_render(tmp_path):
    page, config = _notebook_page(tmp_path)
    page = config.plugins["mkdocs-jupyter"].on_pre_page(page, config=config, files=None)
    assert "render" in vars(page), "mkdocs-jupyter no longer sets page.render: see book.upstream.render_instead"
    upstream.render_instead(page, lambda p: {"content": "<p>from a worker</p>"})
    page.render(config, None)
    assert page.content == "<p>from a worker</p>"


def test_render_instead_falls_back_to_mkdocs_jupyters_render(tmp_path):
    page, config = _notebook_page(tmp_path)
    page = config.plugins["mkdocs-jupyter"].on_pre_page(page, config=config, files=None)
    upstream.render_instead(page, lambda p: None)
    page.render(config, None)
    # What nbconvert made of the notebook: its CSS, inlined, which book.upstream.jupyter_css takes out.
    css, before, after = upstream.jupyter_css(page.content)
    assert ".jupyter-wrapper" in css and '<style type="text/css">' not in before + after


def test_jupyter_css_says_none_when_there_is_none():
    assert upstream.jupyter_css("<p>no style here</p>") is None


def test_pytest_markdown_docs_runner_registry_is_as_the_book_uses_it():
    default_runner, register_runner = upstream.markdown_docs_runner_base()
    params = inspect.signature(default_runner.runtest).parameters
    assert list(params)[:3] == ["self", "test", "args"] and "asyncio_runner" in params
    assert "default" in inspect.signature(register_runner).parameters


def test_the_plugin_keeps_no_module_global_state():
    import book.formatter
    import book.notebook_pages
    import book.plugin

    for module in (book.plugin, book.formatter, book.notebook_pages):
        mutable = {
            name: type(value).__name__
            for name, value in vars(module).items()
            if not name.startswith("__") and isinstance(value, (list, dict, set, SimpleNamespace))
        }
        assert not mutable, f"{module.__name__} holds state in module globals: {mutable}"


def test_material_still_mounts_code_blocks_lazily_when_asked():
    """mkdocs.yml turns on Material's `content.lazy` (code blocks' buttons mounted once on
    screen: half of a long chapter's start-up work on a phone). It is in Material's bundle, not
    in its documentation: a Material without it would ignore the setting silently."""
    (bundle,) = (MATERIAL / "assets" / "javascripts").glob("bundle.*.min.js")
    assert 'V("content.lazy")' in bundle.read_text("utf8"), f"{bundle.name} no longer reads content.lazy"

"""Every place where the book relies on another package's internals, each in one function.

These are the few things no public extension point offers. Each is tested in
tests/test_book_upstream.py against the installed package, so an upgrade that
changes what a function relies on fails a test that names it, instead of
quietly breaking the build.
"""

from __future__ import annotations

import re

# ---------------------------------------------------------------- mkdocs-jupyter
# It renders a notebook page by setting `page.render` to a closure of its own in
# its `on_pre_page` (mkdocs_jupyter/plugin.py); there is no hook around it.


def render_instead(page, content_for):
    """Have `page` take what `content_for(page)` returns (a dict of page attributes:
    content, toc...) instead of mkdocs-jupyter's own render; where it returns None,
    mkdocs-jupyter renders the page as usual."""
    own = page.render

    def render(config, files):
        done = content_for(page)
        if done is None:
            return own(config, files)
        for name, value in done.items():
            setattr(page, name, value)

    page.render = render


# It inlines the same ~590 KB of Jupyter CSS into every notebook page...
_STYLE = re.compile(r'<style type="text/css">(.*?)</style>\s*', re.S)
# ...and, after the notebook, its Pygments CSS once more as a Python list's repr
# (str(list) in mkdocs_jupyter/nbconvert2.py): not CSS, browsers drop it.
_STYLE_REPR = re.compile(r"<style>\s*\[(?:'|\").*?(?:'|\")\]\s*</style>\s*", re.S)


def jupyter_css(output):
    """(the Jupyter CSS mkdocs-jupyter inlined in a notebook page, the page without it,
    where the first inline style was); None if the page has no inline Jupyter CSS."""
    found = list(_STYLE.finditer(output))
    if not found:
        return None
    css = "\n".join(m[1].strip() for m in found) + "\n"
    first = found[0].start()
    rest = _STYLE_REPR.sub("", _STYLE.sub("", output[first:]))
    return css, output[:first], rest


# ---------------------------------------------------------- pytest-markdown-docs
# Its public hooks (globals, the markdown-it parser) cannot keep a namespace from
# one test to the next; a runner can, and the runner registry is in its private
# module `_runners` (hence the exact pin in pyproject.toml).


def markdown_docs_runner_base():
    """(DefaultRunner, register_runner) from pytest-markdown-docs."""
    from pytest_markdown_docs._runners import DefaultRunner, register_runner

    return DefaultRunner, register_runner

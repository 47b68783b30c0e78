"""MkDocs hook: the site publishes the gradbook wheel, built from src/ at every build.

It is at `wheels/gradbook-VERSION-py3-none-any.whl` under the site's root: the
notebooks install it from there and the live pages load it into the browser.
Beside it: `wheels/graphviz-VERSION-py3-none-any.whl`, the one package
gradbook needs, taken from this environment, for the live pages.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # the repository root, where `book` lives

from book.wheel import gradbook_wheel, installed_wheel  # noqa: E402


def on_post_build(config):
    out = Path(config["site_dir"]) / "wheels"
    out.mkdir(exist_ok=True)
    for name, data in (gradbook_wheel(), installed_wheel("graphviz")):
        (out / name).write_bytes(data)

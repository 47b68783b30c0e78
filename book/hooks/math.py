"""MkDocs hook: the site's math typeset at build time with KaTeX (book/math.py)."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # the repository root, where `book` lives

from book.math import typeset_site  # noqa: E402


def on_post_build(config):
    typeset_site(config["site_dir"])

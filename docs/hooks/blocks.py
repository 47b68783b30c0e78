"""The book's Python code blocks, found the way pytest-markdown-docs finds them.

One parser for everyone who reads the chapters' code: the notebook hook, the
test runner in docs/conftest.py and the site tests.
"""

import re
from pathlib import Path
from typing import NamedTuple

from markdown_it import MarkdownIt

_OPTION = re.compile(r'(\w+)="([^"]*)"')
PYTHON = {"python", "py", "python3"}


class Block(NamedTuple):
    fence_line: int  # 0-based line of the opening fence
    end_line: int  # 0-based line after the closing fence
    options: dict  # markdown-exec's key="value" options
    code: str

    @property
    def start_line(self):
        """0-based line of the first line of code: pytest-markdown-docs' `start_line`."""
        return self.fence_line + 1


def fences(source):
    """The python fences of a Markdown text or file, in page order."""
    text = source.read_text("utf8") if isinstance(source, Path) else source
    out = []
    for tok in MarkdownIt("commonmark").parse(text):
        words = tok.info.split() if tok.type == "fence" else []
        if words and words[0] in PYTHON:
            out.append(Block(tok.map[0], tok.map[1], dict(_OPTION.findall(tok.info)), tok.content))
    return out

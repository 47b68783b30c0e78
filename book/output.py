"""What a block produced, in order: printed text and figures.

The page shows it as HTML (text as printed, a figure as an inline SVG card);
the notebook keeps each part as a cell output of its own kind.
"""

from __future__ import annotations

import builtins
import hashlib
import html
import sys
from dataclasses import dataclass, field


def text_html(text, cls=""):
    """Printed text as the page shows it: always text (escaped), never read as HTML, in
    the block of a figure too; the same markup the page's ```text blocks have."""
    extra = f" {cls}" if cls else ""
    return f'<div class="language-text highlight{extra}"><pre><code>{html.escape(text, quote=False)}</code></pre></div>'


@dataclass(frozen=True)
class Figure:
    svg: str  # inline <svg>, no XML prolog
    kind: str  # "graph" (Graphviz) or "plot" (matplotlib)
    dot: str | None = None  # a graph's DOT source

    def page_html(self):
        return f'<div class="gb-figure">\n{self.svg}</div>'


@dataclass(frozen=True)
class Steps:
    frames: tuple  # ((title, Figure), ...)

    def page_html(self):
        # The HTML pymdownx.tabbed (alternate style) writes for `=== "title"` tabs,
        # written directly so an SVG is never read as Markdown (where the `*` of a
        # product node would become emphasis). Ids come from the content: unique on
        # a page and the same on every build.
        key = "gb-steps-" + hashlib.sha1("".join(t + f.svg for t, f in self.frames).encode()).hexdigest()[:10]
        n = len(self.frames)
        inputs = "".join(
            f'<input {"checked " if i == 1 else ""}id="{key}_{i}" name="{key}" type="radio" />' for i in range(1, n + 1)
        )
        labels = "".join(f'<label for="{key}_{i}">{html.escape(t)}</label>' for i, (t, _) in enumerate(self.frames, 1))
        blocks = "\n".join(f'<div class="tabbed-block">{f.page_html()}</div>' for _, f in self.frames)
        return (
            f'<div class="tabbed-set tabbed-alternate" data-tabs="1:{n}">{inputs}'
            f'<div class="tabbed-labels">{labels}</div>\n<div class="tabbed-content">\n{blocks}\n</div>\n</div>'
        )


@dataclass
class Output:
    parts: list = field(default_factory=list)  # str (printed text), Figure or Steps

    def print(self, *args, sep=" ", end="\n", file=None, flush=False):
        """The block's `print`: text to the page, as markdown-exec captures it."""
        if file not in (None, sys.stdout):
            builtins.print(*args, sep=sep, end=end, file=file, flush=flush)
            return
        text = ("" if sep is None else sep).join(map(str, args)) + ("\n" if end is None else end)
        if self.parts and isinstance(self.parts[-1], str):
            self.parts[-1] += text
        else:
            self.parts.append(text)

    def add(self, figure):
        self.parts.append(figure)

    @property
    def text(self):
        return "".join(p for p in self.parts if isinstance(p, str))

    def page_html(self):
        """The block's output as HTML: printed text escaped, figures as inline SVG cards."""
        return "".join((text_html(p) if isinstance(p, str) else p.page_html()) + "\n" for p in self.parts)

"""A chapter as a Jupyter notebook: its prose, its code as the reader sees it, and the build's outputs.

The notebook is made from the same reading of the page as the build
(book.blocks) and carries the outputs the build produced for the same blocks
(book.output), so it reads complete in Jupyter, on GitHub and on the site
without being run, and it can never drift from its chapter.

What a notebook holds that the page does not, and what it leaves out:

* its first cells say where it comes from (a link back to its chapter) and
  install what it needs, gradbook's wheel from the book's site included, so it
  runs in any Jupyter (or Colab) without a clone;
* build-only lines (``# markdown-exec: hide``) are left out, as on the page;
* MkDocs-only Markdown becomes Markdown any notebook renders: an admonition
  becomes a block quote with a bold title, a link to another page of the book
  an absolute link to the published site, and HTML comments are dropped.

Pure functions: book/notebook_pages.py calls them during the build, the tests
call them directly.
"""

from __future__ import annotations

import posixpath
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import nbformat

from book.blocks import fences, imports, python_blocks
from book.exercises import exercises, notebook_check, notebook_helpers
from book.output import Figure, Steps

# Packages a chapter may import besides the standard library and gradbook (which
# brings graphviz): module name -> what `%pip install` takes. A chapter that
# imports anything else stops the build until it is added here.
PACKAGES = {"matplotlib": "matplotlib", "numpy": "numpy"}
_BUNDLED = {"gradbook", "graphviz"}  # installed with the gradbook wheel

KERNELSPEC = {"name": "python3", "display_name": "Python 3", "language": "python"}


@dataclass(frozen=True)
class Site:
    """Where the book is published: links and the wheel's URL are made from it."""

    url: str  # the site's root, ending in "/"
    wheel: str  # the gradbook wheel's file name, under wheels/

    @property
    def wheel_url(self):
        return f"{self.url}wheels/{self.wheel}"

    def page_url(self, src_uri):
        """The published URL of a Markdown page of docs/ ("chapters/04-neuron.md#x")."""
        path, _, anchor = src_uri.partition("#")
        path = path[: -len(".md")]
        if path == "index" or path.endswith("/index"):
            path = path[: -len("index")]
        else:
            path += "/"
        return self.url + path + (f"#{anchor}" if anchor else "")


# ---------------------------------------------------------------------------
# Markdown: what MkDocs reads, as a notebook renders it

_COMMENT = re.compile(r"<!--.*?-->\n?", re.S)
_ADMONITION = re.compile(r'^(?:!!!|\?\?\?\+?)\s+(?P<kind>[\w-]+)(?:\s+"(?P<title>[^"]*)")?\s*$')
# [text](target): a link or an image; the target has no spaces or parentheses in the book.
_LINK = re.compile(r"(?<!\\)\[(?P<text>[^\]]*)\]\((?P<target>[^)\s]+)\)")
_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*:", re.I)


def admonitions_to_quotes(text):
    """`!!! note "Title"` and its indented body (also `???`, `???+`) as a block quote with a bold title."""
    lines, out, i = text.split("\n"), [], 0
    while i < len(lines):
        m = _ADMONITION.match(lines[i])
        if not m:
            out.append(lines[i])
            i += 1
            continue
        title = m["title"] if m["title"] is not None else m["kind"].capitalize()
        body, i = [], i + 1
        while i < len(lines) and (not lines[i].strip() or lines[i].startswith("    ")):
            body.append(lines[i][4:])
            i += 1
        while body and not body[-1].strip():  # the blank lines after it belong to the text around it
            body.pop()
            i -= 1
        quote = [f"**{title}**"] if title else []
        if quote and body:
            quote.append("")
        quote += body
        out += [f"> {line}".rstrip() for line in quote]
    return "\n".join(out)


def absolute_links(text, page_uri, site):
    """Relative links to pages of the book as absolute links to the published site.

    `page_uri` is the page the text comes from ("chapters/05-backward-closures.md"):
    its relative links are resolved from its folder, as MkDocs does.
    """

    def resolve(m):
        target = m["target"]
        if _SCHEME.match(target) or target.startswith(("#", "/")):
            return m[0]
        path, _, anchor = target.partition("#")
        if not path.endswith(".md"):
            raise ValueError(f"{page_uri}: a link to {target!r} would not work in a notebook; link to a page (.md)")
        uri = posixpath.normpath(posixpath.join(posixpath.dirname(page_uri), path))
        if uri.startswith(".."):
            raise ValueError(f"{page_uri}: the link {target!r} leaves docs/")
        return f"[{m['text']}]({site.page_url(uri + ('#' + anchor if anchor else ''))})"

    return _LINK.sub(resolve, text)


_DETAILS_OPEN = re.compile(r"^<details[^>]*>[ \t]*\n<summary>(?P<summary>.*?)</summary>[ \t]*$", re.M)
_DETAILS_CLOSE = re.compile(r"^</details>\s*$\n?", re.M)
# A sentence: no full stop in it, and it stays inside its paragraph (no blank line, no "!!!" line).
_SENTENCE = r"(?:[^.!?\n]|\n(?![ \t]*(?:\n|!!!)))*?"
# A sentence that only makes sense in the live page (its buttons, the browser's Python).
_PAGE_ONLY = re.compile(
    r"(?P<lead>(?<=[^!][.!?])[ \t\n]+|^[ \t]*)"
    rf"(?P<sentence>{_SENTENCE}(?:your browser|the page's Python|\*\*Reset\*\*){_SENTENCE}[.!?])(?P<trail>[ \t]*)",
    re.M,
)
_RUN_WORDS = [
    (re.compile(r"\bPress\s+\*\*Run\*\*"), "Run it"),
    (re.compile(r"\bpress\s+\*\*Run\*\*"), "run it"),
    (re.compile(r"\*\*Run\*\*"), "run"),
    (re.compile(r"(?:(?<=[.!?] )|^)\*\*Check\*\*", re.M), "The Check cell"),
    (re.compile(r"\*\*Check\*\*"), "the Check cell"),
]


def without_page_words(text):
    """The page's words for its buttons (Run, Reset, Check) as a notebook's reader reads them."""

    text = _PAGE_ONLY.sub(lambda m: m["lead"] if _at_line_start(text, m) else m["trail"], text)
    for pattern, words in _RUN_WORDS:
        text = pattern.sub(words, text)
    return text


def _at_line_start(text, m):
    return m.start() == 0 or text[m.start() - 1] == "\n"


def collapsed_details(text):
    """A <details> (a Solution, a class seen before) as its bold summary: its code cell is collapsed instead."""
    return _DETAILS_CLOSE.sub("", _DETAILS_OPEN.sub(lambda m: f"**{m['summary']}**", text))


def notebook_markdown(text, page_uri, site):
    """A piece of a page's prose as a Markdown cell's source."""
    text = _COMMENT.sub("", text)
    text = collapsed_details(without_page_words(text))
    text = admonitions_to_quotes(text)
    return absolute_links(text, page_uri, site).strip()


# ---------------------------------------------------------------------------
# Outputs: what the build's blocks printed and drew, as cell outputs


def _figure_output(figure):
    plain = "<IPython.core.display.SVG object>" if figure.kind == "graph" else "<Figure>"
    return nbformat.v4.new_output("display_data", data={"image/svg+xml": figure.svg, "text/plain": plain})


def cell_outputs(output):
    """An Output as a code cell's outputs, the way Jupyter records the same block run there."""
    outputs = []
    for part in output.parts:
        if isinstance(part, str):
            outputs.append(nbformat.v4.new_output("stream", name="stdout", text=part))
        elif isinstance(part, Figure):
            outputs.append(_figure_output(part))
        elif isinstance(part, Steps):
            # As gradbook.display.show_steps does in Jupyter: a bold title, then the figure.
            for title, figure in part.frames:
                md = {"text/markdown": f"**{title}**", "text/plain": "<IPython.core.display.Markdown object>"}
                outputs.append(nbformat.v4.new_output("display_data", data=md))
                outputs.append(_figure_output(figure))
        else:
            raise TypeError(f"a block's output holds a {type(part).__name__}, which a notebook cannot show")
    return outputs


def draws_graphs(outputs):
    """Whether any of these Outputs holds a Graphviz figure (then the notebook needs `dot`)."""

    def figures(part):
        return [f for _, f in part.frames] if isinstance(part, Steps) else [part]

    return any(getattr(f, "kind", None) == "graph" for out in outputs for part in out.parts for f in figures(part))


# ---------------------------------------------------------------------------
# What a notebook must install


def imported_modules(code):
    """The top-level modules `code` imports, except those it has a plan for (book.blocks.imports)."""
    return {module.split(".")[0] for module in imports(code)}


def requirements(codes, where="<text>"):
    """What `%pip install` needs for this code beyond gradbook, in a stable order."""
    stdlib = getattr(sys, "stdlib_module_names", None) or set(sys.builtin_module_names)
    needed = set()
    for code in codes:
        for module in imported_modules(code):
            if module in PACKAGES:
                needed.add(PACKAGES[module])
            elif module not in stdlib and module not in _BUNDLED:
                raise ValueError(
                    f"{where}: the code imports {module!r}, which the notebook would have to install:"
                    " add it to book.notebooks.PACKAGES (or import it in a try/except ImportError)"
                )
    return sorted(needed)


DOT_NOTE = (
    "The figures are drawn by Graphviz's `dot` program, which `pip` cannot install. "
    "Get it with `sudo apt-get install graphviz` (Debian, Ubuntu; in Colab: `!apt-get install -y graphviz`), "
    "`brew install graphviz` (macOS) or `conda install -c conda-forge graphviz`."
)


def install_cells(site, packages, needs_dot):
    source = f"%pip install {' '.join([site.wheel_url, *packages])}"
    what = " and ".join(["`gradbook`, the library this book builds", *(f"`{p}`" for p in packages)])
    intro = f"The next cell installs {what}, from the book's site: run it first (once)."
    if needs_dot:
        intro += "\n\n" + DOT_NOTE
    return [nbformat.v4.new_markdown_cell(intro), nbformat.v4.new_code_cell(source)]


# ---------------------------------------------------------------------------
# The notebook


def _title_line(markdown):
    """(0-based line, text) of the first `# ` line outside code blocks: a chapter's title; or None."""
    fenced = {i for b in fences(markdown) for i in range(b.fence_line, b.end_line)}
    for i, line in enumerate(markdown.splitlines()):
        if i not in fenced and line.startswith("# "):
            return i, line[2:].strip()
    return None


def chapter_title(markdown):
    """The title of a chapter: its first `# ` line, outside code blocks."""
    found = _title_line(markdown)
    return found[1] if found else None


def _front_matter_end(lines):
    """The line after a page's YAML front matter (0 without one)."""
    if lines and lines[0].rstrip() == "---":
        for i, line in enumerate(lines[1:], 1):
            if line.rstrip() in ("---", "..."):
                return i + 1
    return 0


def chapter_notebook(markdown, page_uri, site, results, book_title):
    """The notebook of a chapter.

    `markdown`: the page's text, front matter included (the fence lines are
    the build's); `page_uri`: its path under docs/ ("chapters/03-manual-backprop.md");
    `results`: fence line -> the Output the build produced for that block
    (every block must have one).
    """
    lines = markdown.splitlines(keepends=True)
    if _title_line(markdown) is None:
        raise ValueError(f"{page_uri} has no '# Title' line")
    title_at, title = _title_line(markdown)
    lines[title_at] = ""  # it heads the notebook, in the first cell
    blocks = python_blocks(markdown)
    missing = [b.fence_line + 1 for b in blocks if b.fence_line not in results]
    if missing:
        raise ValueError(f"{page_uri}: no build output for the blocks at lines {missing}: were they run?")

    head = (
        f"# {title}\n\n"
        f"*The notebook of the chapter [{title}]({site.page_url(page_uri)}) of "
        f"[{book_title}]({site.url}), with the outputs the book's build produced. "
        "Run the cells in order to produce them again.*"
    )
    cells = [nbformat.v4.new_markdown_cell(head)]
    cells += install_cells(
        site,
        requirements([b.shown_code for b in blocks], page_uri),
        draws_graphs(results[b.fence_line] for b in blocks),
    )

    prose_start = _front_matter_end(lines)

    def add_prose(end):
        text = notebook_markdown("".join(lines[prose_start:end]), page_uri, site)
        if text:
            cells.append(nbformat.v4.new_markdown_cell(text))

    collapsed = _in_details(lines)
    checked = {ex.starter.fence_line: ex for ex in exercises(Path(page_uri), markdown) if ex.check and ex.starter}
    for n, block in enumerate(blocks, 1):
        add_prose(block.fence_line)
        cell = nbformat.v4.new_code_cell(block.shown_code, execution_count=n)
        cell.outputs = cell_outputs(results[block.fence_line])
        if collapsed(block.fence_line):  # a Solution, or a class seen before: there to open, not to read first
            cell.metadata["jupyter"] = {"source_hidden": True}
        cells.append(cell)
        prose_start = block.end_line
        if block.fence_line in checked:
            cells += _check_cells(
                checked[block.fence_line], first=not any(CHECK_TAG in c.metadata.get("tags", ()) for c in cells)
            )
    add_prose(len(lines))

    nb = nbformat.v4.new_notebook(cells=cells)
    nb.metadata["kernelspec"] = dict(KERNELSPEC)
    nb.metadata["language_info"] = {"name": "python"}
    # Cell ids are random by default; number them so every build writes the same bytes.
    for i, cell in enumerate(nb.cells):
        cell["id"] = f"cell-{i}"
    nbformat.validate(nb)
    return nb


CHECK_TAG = "gradbook-check"  # a cell of an exercise's check: never run at build, run by the reader


def _check_cells(exercise, first):
    """The cells after an exercise's starter: how to check, and the Check (its code collapsed)."""

    def code(source):
        cell = nbformat.v4.new_code_cell(source)
        cell.metadata["jupyter"] = {"source_hidden": True}
        cell.metadata["tags"] = [CHECK_TAG]
        return cell

    out = [code(notebook_helpers())] if first else []
    say = nbformat.v4.new_markdown_cell("Write your answer in the cell above and run it, then run the Check below.")
    say.metadata["tags"] = [CHECK_TAG]
    out.append(say)
    out.append(code(notebook_check(exercise.check)))
    return out


def _in_details(lines):
    """Whether a line of the page lies inside a <details> block."""
    ranges, start = [], None
    for i, line in enumerate(lines):
        if line.startswith("<details"):
            start = i
        elif line.strip() == "</details>" and start is not None:
            ranges.append((start, i))
            start = None
    return lambda line: any(a < line < b for a, b in ranges)


def write(nb):
    """A notebook's bytes as the site serves them."""
    return (nbformat.writes(nb) + "\n").encode("utf8")


__all__ = [
    "Site",
    "admonitions_to_quotes",
    "absolute_links",
    "notebook_markdown",
    "cell_outputs",
    "requirements",
    "chapter_notebook",
    "chapter_title",
    "write",
]

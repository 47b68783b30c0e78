"""A stylesheet cut down to the rules the pages that load it can use.

The notebook pages share one stylesheet, the CSS mkdocs-jupyter inlines in
each page (JupyterLab's, 576 KB). Those pages are static: no Jupyter script
adds a class to them later, so a rule whose selectors all name a class that no
notebook page has can never apply there, and goes. Everything else stays:
rules without a class (`:root`'s custom properties, element rules), at-rules
(`@font-face`, `@keyframes`), and `@media` blocks with the rules kept inside.
"""

from __future__ import annotations

import re

_CLASS_ATTR = re.compile(r'\sclass="([^"]*)"')
_CLASS_IN_SELECTOR = re.compile(r"\.(-?[_a-zA-Z][\w-]*)")
_COMMENT = re.compile(r"/\*.*?\*/", re.S)
# Inside :not(...), :is(...) and the like a class need not be on the page for
# the selector to match (`.jp-Cell:not(.jp-mod-selected)`): such classes do not count.
_PARENS = re.compile(r"\([^()]*\)")


def page_classes(html_texts):
    """Every class name used by the pages' HTML."""
    found = set()
    for text in html_texts:
        for value in _CLASS_ATTR.findall(text):
            found.update(value.split())
    return found


def _blocks(css):
    """(prelude, body) of each top-level rule or at-rule; body None for `@charset ...;`."""
    i, n, start = 0, len(css), 0
    while i < n:
        c = css[i]
        if c in "\"'":
            i = css.index(c, i + 1) + 1
            continue
        if c == "/" and css.startswith("/*", i):
            i = css.index("*/", i + 2) + 2
            continue
        if c == ";":
            yield css[start:i].strip(), None
            start = i = i + 1
            continue
        if c == "{":
            depth, j = 1, i + 1
            while depth:
                d = css[j]
                if d in "\"'":
                    j = css.index(d, j + 1) + 1
                    continue
                depth += {"{": 1, "}": -1}.get(d, 0)
                j += 1
            yield css[start:i].strip(), css[i + 1 : j - 1]
            start = i = j
            continue
        i += 1


def _split_selectors(prelude):
    """The selectors of a rule's prelude, split at commas outside parentheses."""
    out, depth, start = [], 0, 0
    for i, c in enumerate(prelude):
        depth += {"(": 1, ")": -1}.get(c, 0)
        if c == "," and depth == 0:
            out.append(prelude[start:i].strip())
            start = i + 1
    out.append(prelude[start:].strip())
    return out


def _needs(selector):
    """The classes a page must have for `selector` to match something in it."""
    while _PARENS.search(selector):
        selector = _PARENS.sub("", selector)
    return set(_CLASS_IN_SELECTOR.findall(selector))


def prune(css, classes):
    """`css` without the rules none of whose selectors can match a page with only `classes`.

    Examples:
        >>> prune(":root{--x:1} .a, .b .c {color:red} .d{color:blue} @media print{.d{x:y} .a{x:z}}", {"a"})
        ':root{--x:1}\\n.a{color:red}\\n@media print{.a{x:z}}\\n'
    """
    out = []
    for prelude, body in _blocks(css):
        prelude = _COMMENT.sub("", prelude).strip()
        if body is None:
            if prelude:
                out.append(prelude + ";\n")
        elif prelude.startswith("@"):
            if prelude.startswith(("@media", "@supports", "@layer")) and "{" in body:
                inner = prune(body, classes)
                if inner.strip():
                    out.append(f"{prelude}{{{inner.strip()}}}\n")
            else:
                out.append(f"{prelude}{{{body}}}\n")  # @font-face, @keyframes...: as they are
        else:
            kept = [s for s in _split_selectors(prelude) if _needs(s) <= classes]
            if kept:
                out.append(f"{', '.join(kept)}{{{body.strip()}}}\n")
    return "".join(out)


def prune_file(css_path, html_paths):
    """Cut the stylesheet at `css_path` to what the pages at `html_paths` can use; returns (before, after) bytes."""
    from pathlib import Path

    css_path = Path(css_path)
    before = css_path.read_text("utf8")
    after = prune(before, page_classes(Path(p).read_text("utf8") for p in html_paths))
    css_path.write_text(after, "utf8")
    return len(before.encode()), len(after.encode())


# mkdocstrings links its stylesheet on every page (MkDocs' extra_css), but its rules
# (and the colours they use) are for its own output, classes `doc` and `doc-*`,
# which only the reference page has: another render-blocking request elsewhere.
_MKDOCSTRINGS_LINK = re.compile(r'[ \t]*<link rel="stylesheet" href="[^"]*assets/_mkdocstrings\.css">\n?')


def mkdocstrings_css_where_used(page_html):
    """The page without mkdocstrings' stylesheet if it has no mkdocstrings output.

    Examples:
        >>> link = '<link rel="stylesheet" href="../assets/_mkdocstrings.css">\\n'
        >>> mkdocstrings_css_where_used(link + '<p class="x">')
        '<p class="x">'
        >>> mkdocstrings_css_where_used(link + '<div class="doc doc-object">') == link + '<div class="doc doc-object">'
        True
    """
    if "doc" in page_classes([page_html]):
        return page_html
    return _MKDOCSTRINGS_LINK.sub("", page_html, count=1)

"""A stylesheet cut down to the rules the pages that load it can use.

The notebook pages share one stylesheet, the CSS mkdocs-jupyter inlines in
each page (JupyterLab's, 576 KB). Those pages are static: no Jupyter script
adds a class to them later, so a rule whose selectors all name a class that no
notebook page has can never apply there, and goes. Everything else stays:
rules without a class (element rules), at-rules (`@font-face`, `@keyframes`),
and `@media` blocks with the rules kept inside. Then the custom properties
(JupyterLab's 560 `--jp-*` on `:root`, 122 KB) that no kept rule, page or other
stylesheet of those pages reads, directly or through another property, go too.
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


_VAR = re.compile(r"var\(\s*(--[\w-]+)")
_CUSTOM = re.compile(r"\s*(--[\w-]+)\s*:")


def _declarations(body):
    """A rule's declarations, split at semicolons outside strings and parentheses (a data: URL has some)."""
    out, depth, start, i = [], 0, 0, 0
    while i < len(body):
        c = body[i]
        if c in "\"'":
            i = body.index(c, i + 1) + 1
            continue
        depth += {"(": 1, ")": -1}.get(c, 0)
        if c == ";" and depth == 0:
            out.append(body[start:i])
            start = i + 1
        i += 1
    out.append(body[start:])
    return [d for d in out if d.strip()]


def _custom_properties(css, keep):
    """`css` without the custom property declarations (`--x: ...`) not in `keep`, and rules left empty."""
    out = []
    for prelude, body in _blocks(css):
        prelude = _COMMENT.sub("", prelude).strip()
        if body is None:
            if prelude:
                out.append(prelude + ";\n")
        elif prelude.startswith(("@media", "@supports", "@layer")) and "{" in body:
            inner = _custom_properties(body, keep)
            if inner.strip():
                out.append(f"{prelude}{{{inner.strip()}}}\n")
        elif prelude.startswith("@"):
            out.append(f"{prelude}{{{body}}}\n")
        else:
            kept = [d for d in _declarations(body) if not (m := _CUSTOM.match(d)) or m[1] in keep]
            if kept:
                out.append(f"{prelude}{{{';'.join(kept).strip()}}}\n")
    return "".join(out)


def unused_custom_properties_dropped(css, pages=()):
    """`css` without the custom properties that nothing reads: not its other declarations, not
    the custom properties they read (and so on), not the `pages` (their inline styles, and the
    other stylesheets they load: Material's read its own `--md-*` properties, which
    mkdocs-jupyter's CSS sets too).

    JupyterLab's stylesheet defines some 560 `--jp-*` properties on `:root`, of which the rules
    the notebook pages keep read about 60: the rest is a third of the file, downloaded before
    the page can be drawn, and set on the root of every page.

    Examples:
        >>> unused_custom_properties_dropped(":root{--a: 1px; --b: var(--c); --c: red; --d: 2px} p{margin: var(--a)}")
        ':root{--a: 1px}\\np{margin: var(--a)}\\n'
        >>> unused_custom_properties_dropped(":root{--b: var(--c); --c: red} p{color: var(--b)}")
        ':root{--b: var(--c); --c: red}\\np{color: var(--b)}\\n'
    """
    values = {}
    read = set(_VAR.findall("".join(pages)))
    for text in _all_declarations(css):
        m = _CUSTOM.match(text)
        if m:
            values.setdefault(m[1], []).append(text)
        else:
            read.update(_VAR.findall(text))
    todo = list(read)
    while todo:
        for value in values.get(todo.pop(), []):
            for name in _VAR.findall(value):
                if name not in read:
                    read.add(name)
                    todo.append(name)
    return _custom_properties(css, read)


def _all_declarations(css):
    for prelude, body in _blocks(css):
        if body is None:
            continue
        prelude = _COMMENT.sub("", prelude).strip()
        if prelude.startswith(("@media", "@supports", "@layer")) and "{" in body:
            yield from _all_declarations(body)
        elif prelude.startswith("@"):
            yield body  # @font-face, @keyframes: what they read counts
        else:
            yield from _declarations(body)


def prune_file(css_path, html_paths, other_css=()):
    """Cut the stylesheet at `css_path` to what the pages at `html_paths` can use; returns (before, after) bytes.

    `other_css`: the other stylesheets of those pages, whose rules may read its custom properties.
    """
    from pathlib import Path

    css_path = Path(css_path)
    before = css_path.read_text("utf8")
    pages = [Path(p).read_text("utf8") for p in html_paths]
    readers = pages + [Path(p).read_text("utf8") for p in other_css]
    after = unused_custom_properties_dropped(prune(before, page_classes(pages)), readers)
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

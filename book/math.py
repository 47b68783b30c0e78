"""Math typeset at build time: every formula of the site through KaTeX, in one `node` run.

Arithmatex (``generic: true``) leaves ``\\( .. \\)`` and ``\\[ .. \\]`` in
``<span class="arithmatex">`` / ``<div class="arithmatex">``; notebook pages
(mkdocs-jupyter) keep the chapters' ``$ .. $`` and ``$$ .. $$`` as written.
``typeset_site`` finds them all, renders them with KaTeX from ``node_modules``
(``npm ci``) and writes the finished HTML into the pages, so a reader's browser
runs no script for math and the text does not jump when it would have run.
Only pages with math link ``katex.min.css`` (and through it KaTeX's fonts),
copied from the same KaTeX that rendered them.
"""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
KATEX = ROOT / "node_modules" / "katex" / "dist"
SCRIPT = Path(__file__).with_name("math.js")
CSS = "assets/katex/katex.min.css"

_ARITHMATEX = re.compile(r'<(span|div) class="arithmatex">(.*?)</\1>', re.S)
_DELIMITED = re.compile(r"^\s*\\([\[(])(.*)\\[\])]\s*$", re.S)
# Notebook text: tags (kept), and $$..$$ / $..$ in the text between them.
_TAG = re.compile(r"(<[^>]*>)")
_RAW = re.compile(r"<(pre|code|script|style|textarea)\b", re.I)
# Inline math may run over a line break, as Markdown text does, but not over a blank line.
_DOLLARS = re.compile(r"\$\$(.+?)\$\$|(?<![\\$\w])\$(?!\s)((?:[^$\n]|\n(?![ \t]*\n))+?)(?<!\s)\$(?![\w$])", re.S)


class MathError(Exception):
    pass


def render(formulas):
    """KaTeX HTML for each ``(tex, display, output)`` triple, in one node process."""
    if not formulas:
        return []
    if not (KATEX / "katex.min.css").is_file():
        raise MathError(f"KaTeX is not installed in {KATEX.parent}; run `npm ci` in {ROOT} (bash .ci/setup.sh does)")
    node = shutil.which("node")
    if node is None:
        raise MathError("`node` is not on PATH: the build typesets math with KaTeX in Node.js; install nodejs")
    proc = subprocess.run(
        [node, str(SCRIPT)], input=json.dumps(formulas), capture_output=True, text=True, cwd=ROOT, check=False
    )
    if proc.returncode:
        raise MathError(f"node {SCRIPT.name} failed:\n{proc.stderr}")
    return json.loads(proc.stdout)


def _arithmatex(page):
    """[(start, end, tex, display)] of the arithmatex spans in a page's HTML."""
    found = []
    for m in _ARITHMATEX.finditer(page):
        d = _DELIMITED.match(html.unescape(m.group(2)))
        if d:
            found.append((m.start(), m.end(), d.group(2).strip(), d.group(1) == "["))
    return found


def _dollars(page):
    """[(start, end, tex, display)] of $..$ math in the text of a notebook page."""
    found, raw, pos = [], 0, 0
    for part in _TAG.split(page):
        if part.startswith("<"):
            if _RAW.match(part):
                raw += 1
            elif raw and re.match(r"</(pre|code|script|style|textarea)\b", part, re.I):
                raw -= 1
        elif not raw:
            for m in _DOLLARS.finditer(part):
                tex = m.group(1) if m.group(1) is not None else m.group(2)
                found.append((pos + m.start(), pos + m.end(), html.unescape(tex).strip(), m.group(1) is not None))
        pos += len(part)
    return found


def find_math(page):
    """Every formula of a page, as ``(start, end, tex, display)``."""
    if "jp-Notebook" in page:
        return _dollars(page)
    return _arithmatex(page)


def _link(page, css_href):
    tag = f'<link rel="stylesheet" href="{css_href}">'
    return page.replace("</head>", f"  {tag}\n  </head>", 1)


def typeset_site(site_dir):
    """Typeset the math of every HTML page under ``site_dir``; returns how many formulas."""
    site_dir = Path(site_dir)
    pages = {p: p.read_text("utf8") for p in sorted(site_dir.rglob("*.html"))}
    found = {p: find_math(text) for p, text in pages.items()}
    # A notebook page repeats its chapter's math: MathML alone there (the browser draws
    # it, screen readers read it) keeps the page light; chapters get KaTeX's HTML too.
    formulas = [
        (tex, display, "mathml" if "jp-Notebook" in pages[p] else "htmlAndMathml")
        for p, spans in found.items()
        for _, _, tex, display in spans
    ]
    results = iter(render(formulas))
    errors = []
    for p, spans in found.items():
        if not spans:
            continue
        text, out, last = pages[p], [], 0
        for (start, end, tex, display), result in zip(spans, results):
            if "error" in result:
                errors.append(f"{p.relative_to(site_dir)}: {tex!r}: {result['error']}")
                continue
            tag = "div" if display else "span"
            out += [text[last:start], f'<{tag} class="arithmatex">{result["html"]}</{tag}>']
            last = end
        out.append(text[last:])
        css = os.path.relpath(site_dir / CSS, p.parent).replace(os.sep, "/")
        p.write_text(_link("".join(out), css), "utf8")
    if errors:
        raise MathError("KaTeX could not typeset:\n  " + "\n  ".join(errors))
    target = site_dir / "assets" / "katex"
    if formulas:
        target.mkdir(parents=True, exist_ok=True)
        shutil.copy2(KATEX / "katex.min.css", target / "katex.min.css")
        shutil.copytree(KATEX / "fonts", target / "fonts", dirs_exist_ok=True)
    return len(formulas)

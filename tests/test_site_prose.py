"""Prose that names what the page shows names something the reader can see there.

Read from the built pages, in the order a reader meets them:

* a value quoted as printed (an inline `0.4999999999999999`, a float with 3 or
  more decimals) is in the output of a block above it: printed by a line the
  reader sees, not by a hidden one or by nobody;
* a tab is named by its label, in bold after the word "tab" (the tab **2 · f**),
  and a tab with that label is on the page above; "Tab 2" is refused, since
  the labels are not numbers in order;
* a sentence about "the drawing", "the figure", "the picture" or "the plot"
  has a figure above it in its section (or ends with a colon, and the figure
  comes next);
* "N arrows from `x` into the `*`" counts the arrows of that figure.
"""

import re
from html.parser import HTMLParser

import pytest

from sitebuild import CHAPTERS

NUMBER = re.compile(r"^-?\d+\.\d{3,}(?:e[-+]?\d+)?$")
NUMBERED_TAB = re.compile(r"\btabs? \d+(?! ·)", re.I)
TAB_WORD = re.compile(r"\btabs?\b[^.:;]*$", re.I)
FIGURE_REF = re.compile(
    r"\b(?:the|this) (?:drawing|figure|picture|plot)s? (?:above |below )?(?:shows?|has|have)\b"
    r"|\bin (?:the|this) (?:drawing|figure|picture|plot)\b"
    r"|\bthe (?:drawing|figure|picture|plot) above\b",
    re.I,
)
ARROWS = re.compile(r"\b(one|two|three|four|\d+) arrows? from `([^`]+)` into the `([^`]+)`")
WORDS = {"one": 1, "two": 2, "three": 3, "four": 4}
PROSE = {"p", "li", "td", "th"}
# Elements without content (HTML's void ones, and SVG's shapes, written <path .../>).
VOID = {"br", "img", "input", "hr", "meta", "link", "path", "polygon", "polyline", "ellipse", "rect", "line", "circle"}


class Page(HTMLParser):
    """The article of a chapter page as events: ("heading",), ("output", text),
    ("figure", figure), ("tabs", labels), ("prose", text, codes, strongs)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.events = []
        self.stack = []  # (tag, classes)
        self.in_article = 0
        self.live_pres = []  # per open gb-live div: how many <pre> it has had
        self.pre = None  # text of the <pre> being read, and whether it is an output
        self.prose = []  # open prose elements: {"text", "codes", "strongs"}
        self.code = None
        self.strong = None
        self.figure = None
        self.svg_group = None  # the <g class="node|edge"> being read in a figure
        self.svg_title = self.svg_text = None
        self.labels = None
        self.label = None

    def handle_starttag(self, tag, attrs):
        classes = (dict(attrs).get("class") or "").split()
        if tag in VOID:
            if tag == "br" and self.prose:
                self.prose[-1]["text"] += " "
            return
        self.stack.append((tag, classes))
        if tag == "article":
            self.in_article += 1
        if not self.in_article:
            return
        if tag == "div" and "gb-live" in classes:
            self.live_pres.append(0)
        elif tag == "pre" and self.figure is None:
            first = bool(self.live_pres) and self.live_pres[-1] == 0
            if self.live_pres:
                self.live_pres[-1] += 1
            self.pre = {"text": "", "output": bool(self.live_pres) and not first}
        elif tag == "div" and "gb-figure" in classes:
            self.figure = {"nodes": {}, "edges": [], "depth": len(self.stack)}
        elif self.figure is not None and tag == "g" and ({"node", "edge"} & set(classes)):
            self.svg_group = {"kind": "node" if "node" in classes else "edge", "title": "", "texts": []}
        elif self.figure is not None and tag == "title":
            self.svg_title = ""
        elif self.figure is not None and tag == "text":
            self.svg_text = ""
        elif tag == "div" and "tabbed-labels" in classes:
            self.labels = []
        elif tag == "label" and self.labels is not None:
            self.label = ""
        elif tag in ("h2", "h3"):
            self.events.append(("heading",))
        elif tag in PROSE and self.pre is None and self.figure is None:
            self.prose.append({"tag": tag, "text": "", "codes": [], "strongs": []})
        elif tag == "code" and self.pre is None and self.prose:
            self.code = ""
            self.prose[-1]["text"] += "`"
        elif tag == "strong" and self.prose:
            self.strong = {"before": self.prose[-1]["text"], "text": ""}

    def handle_endtag(self, tag):
        if tag in VOID or all(t != tag for t, _ in self.stack):
            return
        while self.stack and self.stack[-1][0] != tag:  # tolerate unclosed tags
            self.stack.pop()
        if not self.stack:
            return
        _, classes = self.stack.pop()
        if tag == "article":
            self.in_article -= 1
        if not self.in_article and tag != "article":
            return
        if tag == "div" and "gb-live" in classes:
            self.live_pres.pop()
        elif tag == "pre" and self.pre is not None:
            if self.pre["output"]:
                self.events.append(("output", self.pre["text"]))
            self.pre = None
        elif tag == "title" and self.svg_title is not None:
            if self.svg_group is not None:
                self.svg_group["title"] = self.svg_title
            self.svg_title = None
        elif tag == "text" and self.svg_text is not None:
            if self.svg_group is not None:
                self.svg_group["texts"].append(self.svg_text)
            self.svg_text = None
        elif tag == "g" and self.svg_group is not None:
            g, self.svg_group = self.svg_group, None
            if g["kind"] == "node":
                self.figure["nodes"][g["title"]] = g["texts"][0] if g["texts"] else ""
            else:
                self.figure["edges"].append(tuple(g["title"].split("->", 1)))
        elif tag == "div" and self.figure is not None and len(self.stack) == self.figure["depth"] - 1:
            self.events.append(("figure", self.figure))
            self.figure = None
        elif tag == "label" and self.label is not None:
            self.labels.append(" ".join(self.label.split()))
            self.label = None
        elif tag == "div" and "tabbed-labels" in classes and self.labels is not None:
            self.events.append(("tabs", self.labels))
            self.labels = None
        elif tag == "code" and self.code is not None:
            self.prose[-1]["codes"].append(self.code)
            self.prose[-1]["text"] += "`"
            self.code = None
        elif tag == "strong" and self.strong is not None:
            self.prose[-1]["strongs"].append(self.strong)
            self.strong = None
        elif tag in PROSE and self.prose and self.prose[-1]["tag"] == tag:
            p = self.prose.pop()
            text = " ".join(p["text"].split())
            if text:
                self.events.append(("prose", text, p["codes"], p["strongs"]))

    def handle_data(self, data):
        if self.pre is not None:
            self.pre["text"] += data
        for name in ("svg_title", "svg_text", "label", "code"):
            if getattr(self, name) is not None:
                setattr(self, name, getattr(self, name) + data)
        if self.strong is not None:
            self.strong["text"] += data
        if self.prose and self.pre is None and self.figure is None:
            self.prose[-1]["text"] += data


def events(site, chapter):
    page = Page()
    page.feed((site / "chapters" / chapter.stem / "index.html").read_text("utf8"))
    return page.events


def _arrows(fig, arrows, text):
    found = []
    for number, tail, head in arrows:
        want = WORDS.get(number) or int(number)
        got = sum(1 for a, b in fig["edges"] if fig["nodes"].get(a) == tail and fig["nodes"].get(b) == head)
        if got != want:
            found.append(f"says {want} arrows from {tail} into {head}; the figure has {got}: {text!r}")
    return found


def problems(evts):
    """What the prose of a page names that the page does not show, in words."""
    found = []
    printed, tabs = "", []
    section_figures = []
    pending = None  # (sentence, arrows) ending with ':' that names a figure: the figure must come next
    for event in evts:
        kind = event[0]
        if pending is not None and kind != "prose":
            text, arrows = pending
            if kind == "figure":
                found += _arrows(event[1], arrows, text)
            else:
                found.append(f"names a figure that is not above it nor right after it: {text!r}")
            pending = None
        if kind == "heading":
            section_figures = []
        elif kind == "output":
            printed += event[1]
        elif kind == "tabs":
            tabs += event[1]
        elif kind == "figure":
            section_figures.append(event[1])
        elif kind == "prose":
            _, text, codes, strongs = event
            for code in codes:
                if NUMBER.match(code) and code not in printed:
                    found.append(f"quotes {code} as printed, but no block above prints it: {text!r}")
            if NUMBERED_TAB.search(text):
                found.append(f"names a tab by number, not by its label: {text!r}")
            for strong in strongs:
                if TAB_WORD.search(strong["before"]) and " ".join(strong["text"].split()) not in tabs:
                    found.append(f"names the tab {strong['text']!r}, but no tab above has that label: {text!r}")
            arrows = ARROWS.findall(text)
            if not (arrows or FIGURE_REF.search(text)):
                continue
            if text.endswith(":"):
                pending = (text, arrows)  # introduces the figure below it
            elif section_figures:
                found += _arrows(section_figures[-1], arrows, text)
            else:
                found.append(f"names a figure, but its section has none above it: {text!r}")
    if pending is not None:
        found.append(f"names a figure that is not above it nor right after it: {pending[0]!r}")
    return found


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda p: p.stem)
def test_prose_names_only_what_the_page_shows(site, chapter):
    found = problems(events(site, chapter))
    assert not found, f"{chapter.stem}:\n" + "\n".join(found)


def _page(body):
    page = Page()
    page.feed(f"<html><body><article>{body}</article></body></html>")
    return page.events


LIVE_PRINTS = (
    '<div class="gb-live"><div class="language-python highlight"><pre><code>print(x)</code></pre></div>'
    '<div class="language-text highlight"><pre><code>0.4999999999999999\n</code></pre></div></div>'
)
FIGURE = (
    '<div class="gb-figure"><svg><g class="node"><title>n1</title><text>x</text></g>'
    '<g class="node"><title>n0_op</title><text>*</text></g>'
    '<g class="edge"><title>n1-&gt;n0_op</title></g><g class="edge"><title>n1-&gt;n0_op</title></g></svg></div>'
)
TABS = '<div class="tabbed-set"><div class="tabbed-labels"><label>start</label><label>2 · f</label></div></div>'


@pytest.mark.parametrize(
    "body, wrong",
    [
        (LIVE_PRINTS + "<p>Python prints <code>0.4999999999999999</code>.</p>", None),
        # Printed by nobody, or only in the code (a hidden line prints nothing on the page).
        ("<p>Python prints <code>0.5000000000000001</code>.</p>", "quotes 0.5000000000000001"),
        (LIVE_PRINTS.replace("0.4999999999999999\n", "") + "<p>It is <code>0.4999999999999999</code>.</p>", "quotes"),
        # Before the block that prints it.
        ("<p>Python prints <code>0.4999999999999999</code>.</p>" + LIVE_PRINTS, "quotes"),
        (TABS + "<p>The tab <strong>2 · f</strong> is wrong.</p>", None),
        (TABS + "<p>Tab 2 is wrong.</p>", "by number"),
        (TABS + "<p>The tab <strong>3 · e</strong> adds.</p>", "no tab above has that label"),
        (FIGURE + "<p>The drawing has two arrows from <code>x</code> into the <code>*</code>.</p>", None),
        (FIGURE + "<p>The drawing has three arrows from <code>x</code> into the <code>*</code>.</p>", "has 2"),
        ("<p>It has two arrows from <code>x</code> into the <code>*</code>:</p>" + FIGURE, None),
        ("<p>It has one arrow from <code>x</code> into the <code>*</code>:</p>" + FIGURE, "has 2"),
        ("<h3>2.</h3><p>The drawing shows two arrows.</p>", "its section has none"),
        (FIGURE + "<h3>2.</h3><p>The drawing shows two arrows.</p>", "its section has none"),
        ("<p>In the figure, c is right:</p>" + FIGURE, None),
        ("<p>In the figure, c is right:</p><p>No figure.</p>", "not above it nor right after it"),
    ],
)
def test_the_rules_catch_what_they_say(body, wrong):
    found = problems(_page(body))
    if wrong is None:
        assert found == []
    else:
        assert len(found) == 1 and wrong in found[0], found

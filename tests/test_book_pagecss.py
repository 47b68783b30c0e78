"""book/pagecss.py: the notebook pages' shared stylesheet, cut to what they can use."""

from book.pagecss import page_classes, prune

CSS = """@charset "UTF-8";
:root { --jp-x: 1px; }
/* a comment, with .dots */
.jp-Cell, .jp-Unused .jp-Cell { color: red; }
.jp-Unused { color: blue; }
:is(.jp-Cell, .b) > pre { margin: 0 }
.jp-Cell:not(.jp-mod-selected) { border: 0 }
@media print { .jp-Unused { x: y } .jp-Cell { x: z } }
@media screen { .jp-Unused { x: y } }
@keyframes spin { from { opacity: 0 } to { opacity: 1 } }
.icon { background: url("data:image/svg+xml;utf8,<svg>{}</svg>") }
"""


def test_rules_no_page_can_use_go_and_the_rest_stay():
    out = prune(CSS, page_classes(['<div class="jp-Cell jp-CodeCell">', '<span class="icon">']))
    assert '@charset "UTF-8";' in out and ":root{--jp-x: 1px;}" in out
    assert ".jp-Cell{color: red;}" in out and "jp-Unused" not in out
    assert "@media print{.jp-Cell{x: z}}" in out and "@media screen" not in out
    assert "@keyframes spin{ from { opacity: 0 } to { opacity: 1 } }" in out
    assert "<svg>{}</svg>" in out  # braces in a string are not rules
    # A class inside :not() or :is() need not be on the page for the rule to apply.
    assert ":is(.jp-Cell, .b) > pre" in out and ".jp-Cell:not(.jp-mod-selected)" in out


def test_page_classes():
    assert page_classes(['<p class="a  b">', '<i class="c">']) == {"a", "b", "c"}

"""book/pagecss.py: the notebook pages' shared stylesheet, cut to what they can use."""

from book.pagecss import page_classes, prune, unused_custom_properties_dropped

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


def test_custom_properties_nothing_reads_go():
    css = (
        ":root { --jp-used: 1px; --jp-chain: var(--jp-end); --jp-end: red; --jp-unused: 2px;"
        ' --jp-icon: url("data:image/svg+xml;utf8,<svg>;</svg>"); }\n'
        ".jp-Cell { margin: var(--jp-used); color: var(--jp-chain) }\n"
        ".jupyter-wrapper { --md-code-bg-color: #eee; --jp-only-here: 0 }\n"
    )
    out = unused_custom_properties_dropped(
        css, ['<div style="padding: var(--jp-inline)">', ".md-x{background: var(--md-code-bg-color)}"]
    )
    assert "--jp-used: 1px" in out and "--jp-chain: var(--jp-end)" in out and "--jp-end: red" in out
    assert "--jp-unused" not in out and "--jp-icon" not in out and "--jp-only-here" not in out
    # Read by another stylesheet of the page (Material's), so kept.
    assert "--md-code-bg-color: #eee" in out
    assert ".jp-Cell{margin: var(--jp-used); color: var(--jp-chain)}" in out

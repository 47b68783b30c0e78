"""book.math: which formulas of a built page the build typesets."""

import re

from book.math import find_math


def notebook(body):
    return f'<div class="jp-Notebook">{body}</div>'


def test_inline_math_may_run_over_a_line_break():
    page = notebook("<p>the slope is $(L_2 -\nL_1)/h$. Ours</p>")
    ((start, end, tex, display),) = find_math(page)
    assert tex == "(L_2 -\nL_1)/h" and not display and page[start:end] == "$(L_2 -\nL_1)/h$"


def test_a_blank_line_ends_a_paragraph_and_any_formula():
    assert find_math(notebook("<p>costs $3\n\nand $4</p>")) == []


def test_display_math_code_and_prices_are_told_apart():
    page = notebook("<p>$$a^2$$ and $x$</p><pre>print('$x$')</pre><code>$y$</code><p>5$ or $ 6</p>")
    assert [(tex, display) for _, _, tex, display in find_math(page)] == [("a^2", True), ("x", False)]


def test_chapter_pages_use_arithmatex_spans():
    page = '<p><span class="arithmatex">\\(x^2\\)</span> and $not math here$</p>'
    assert [tex for _, _, tex, _ in find_math(page)] == ["x^2"]


def test_every_notebook_page_has_its_math_typeset(site):
    for html in (site / "notebooks").glob("*/index.html"):
        text = html.read_text("utf8")
        # What a reader sees as text: tags, code and the typeset formulas removed.
        prose = re.sub(r"<(pre|code|script|style|annotation)\b.*?</\1>", "", text, flags=re.S)
        prose = re.sub(r"<[^>]*>", "", prose)
        assert "$" not in prose, f"{html.parent.name}: math left as $...$: {prose[prose.index('$') - 40 :][:100]!r}"

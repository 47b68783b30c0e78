"""The chapters' notebooks: made right (book/notebooks.py), published right, and runnable anywhere."""

import ast
import importlib.metadata
import json
import os
import re
import subprocess
import sys
import zipfile
from concurrent.futures import ThreadPoolExecutor
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import pytest

from book.blocks import python_blocks
from book.exercises import exercises
from book.notebooks import (
    CHECK_TAG,
    Site,
    absolute_links,
    admonitions_to_quotes,
    cell_outputs,
    chapter_notebook,
    chapter_title,
    imported_modules,
    notebook_markdown,
    requirements,
)
from book.output import Figure, Output, Steps
from book.tryits import tryits
from book.wheel import project
from sitebuild import CHAPTERS, ROOT, without_measurements

SITE = Site("https://example.org/book/", "gradbook-0.1.0-py3-none-any.whl")
# Bytes of a notebook page's own content (its <article>): the navigation every page carries
# grows with each chapter, and is not what makes a notebook page heavy.
CONTENT_LIMIT = 240_000


def own_content(html):
    """The page's <article>, the notebook itself, without the site's header, navigation and footer."""
    start, end = html.index("<article"), html.rindex("</article>")
    return html[start:end]


# ---------------------------------------------------------------------------
# The conversion, on small texts


def test_an_admonition_becomes_a_block_quote_with_its_title():
    text = '!!! note "Why a tuple"\n    First line.\n\n    Second paragraph.\n\nAfter it.'
    assert admonitions_to_quotes(text) == "> **Why a tuple**\n>\n> First line.\n>\n> Second paragraph.\n\nAfter it."


def test_an_admonition_without_a_title_is_titled_by_its_kind():
    assert admonitions_to_quotes("??? warning\n    Careful.") == "> **Warning**\n>\n> Careful."
    assert admonitions_to_quotes('???+ tip ""\n    Body.') == "> Body."


def test_links_to_pages_become_links_to_the_published_site():
    text = "See [chapter 4](04-neuron.md#the-bias), [the API](../reference.md), [home](../index.md)."
    assert absolute_links(text, "chapters/05-backward-closures.md", SITE) == (
        "See [chapter 4](https://example.org/book/chapters/04-neuron/#the-bias), "
        "[the API](https://example.org/book/reference/), [home](https://example.org/book/)."
    )
    untouched = "[x](https://example.com/a.md) [y](#here) [z](mailto:a@b.c)"
    assert absolute_links(untouched, "chapters/01-a.md", SITE) == untouched


def test_a_link_a_notebook_cannot_follow_stops_the_build():
    with pytest.raises(ValueError, match="figure.png"):
        absolute_links("![a figure](figure.png)", "chapters/01-a.md", SITE)
    with pytest.raises(ValueError, match="leaves docs/"):
        absolute_links("[x](../../README.md)", "chapters/01-a.md", SITE)


def test_page_only_words_are_left_out_of_notebooks():
    from book.notebooks import without_page_words

    text = (
        '!!! example "Try it"\n    Press **Run** under the block above: it runs in your browser. Then change\n'
        "    `x` and press\n    **Run**: it prints 12. **Reset** puts the book's code back.\n"
    )
    assert without_page_words(text) == '!!! example "Try it"\n    Then change\n    `x` and run it: it prints 12.\n'
    checked = without_page_words("the block below. **Check** compares them")
    assert checked == "the block below. The Check cell compares them"


def test_a_collapsed_solution_becomes_its_bold_summary():
    from book.notebooks import collapsed_details

    text = '<details class="success" markdown="1">\n<summary>Solution</summary>\n\nWhy.\n\n</details>\n'
    assert collapsed_details(text) == "**Solution**\n\nWhy.\n\n"


def test_html_comments_are_left_out():
    md = notebook_markdown("Before.\n<!-- untested: see [ch 5](05-x.md) -->\nAfter.", "chapters/01-a.md", SITE)
    assert md == "Before.\nAfter."


def test_imports_that_need_installing_are_found_and_optional_ones_are_not():
    code = (
        "import matplotlib.pyplot as plt\nfrom numpy import linspace\nimport math, gradbook\n"
        "try:\n    import torch\nexcept ImportError:\n    torch = None\n"
        "def f():\n    import json\n"
    )
    assert imported_modules(code) == {"matplotlib", "numpy", "math", "gradbook", "json"}
    assert requirements([code]) == ["matplotlib", "numpy"]
    assert requirements(["from gradbook import Value\nimport graphviz"]) == []


def test_an_import_the_notebook_cannot_install_stops_the_build():
    with pytest.raises(ValueError, match=r"'scipy'.*PACKAGES"):
        requirements(["import scipy.optimize"], "chapters/12-x.md")


def test_outputs_are_stored_as_jupyter_stores_them():
    graph = Figure("<svg>g</svg>", "graph", "digraph {}")
    plot = Figure("<svg>p</svg>", "plot")
    out = Output(["3.0\n", graph, Steps((("forward", graph), ("backward", plot))), "done\n"])
    got = cell_outputs(out)
    assert [o.output_type for o in got] == ["stream"] + ["display_data"] * 5 + ["stream"]
    assert got[0].name == "stdout" and got[0].text == "3.0\n"
    assert got[1].data["image/svg+xml"] == "<svg>g</svg>" and "text/plain" in got[1].data
    assert got[2].data["text/markdown"] == "**forward**"
    assert got[5].data["image/svg+xml"] == "<svg>p</svg>"


CHAPTER = """---
description: "a test chapter."
---

# A small chapter

!!! note "Read me"
    Like [chapter 1](01-derivatives.md).

```python exec="on" session="s" source="above" result="text"
import matplotlib  # markdown-exec: hide
x = 2
print(x * 3)
assert x == 2  # markdown-exec: hide
```

Between.

```python exec="on" session="s" source="above" result="text"
y = x + 1
```
"""


def _small_notebook():
    blocks = python_blocks(CHAPTER)
    results = {blocks[0].fence_line: Output(["6\n"]), blocks[1].fence_line: Output()}
    return chapter_notebook(CHAPTER, "chapters/02-small.md", SITE, results, "The Book")


def test_a_chapter_notebook_holds_its_outputs_and_no_build_only_line():
    nb = _small_notebook()
    nbformat.validate(nb)
    kinds = [c.cell_type for c in nb.cells]
    assert kinds == ["markdown", "markdown", "code", "markdown", "code", "markdown", "code"]
    head, _, install, note, first, between, second = nb.cells
    assert head.source.startswith("# A small chapter\n")
    assert "(https://example.org/book/chapters/02-small/)" in head.source  # back to its chapter
    # The hidden `import matplotlib` is build-only: the reader's code imports nothing to install.
    assert install.source == "%pip install https://example.org/book/wheels/gradbook-0.1.0-py3-none-any.whl"
    assert install.execution_count is None and install.outputs == []
    assert "dot" not in nb.cells[1].source  # it draws no graph
    assert note.source == "> **Read me**\n>\n> Like [chapter 1](https://example.org/book/chapters/01-derivatives/)."
    assert first.source == "x = 2\nprint(x * 3)" and first.execution_count == 1
    assert first.outputs[0].text == "6\n"
    assert between.source == "Between." and second.execution_count == 2 and second.outputs == []
    assert "# A small chapter" not in "".join(c.source for c in nb.cells[1:])  # the title is said once


def test_a_chapter_notebook_needs_every_blocks_output():
    with pytest.raises(ValueError, match="no build output"):
        chapter_notebook(CHAPTER, "chapters/02-small.md", SITE, {}, "The Book")


def _site_url():
    mkdocs_yml = (ROOT / "mkdocs.yml").read_text("utf8")
    return re.search(r"^site_url:\s*[\"']?([^\"'\s]*)", mkdocs_yml, re.M)[1]


def published():
    """The address the notebooks link to and install from: site_url, else the project's Homepage."""
    return _site_url() or project()["urls"]["Homepage"]


def test_the_notebooks_install_from_the_sites_address_as_pyproject_gives_it():
    urls = project()["urls"]
    assert urls["Homepage"].startswith("https://") and urls["Homepage"].endswith("/")
    assert urls["Source"].startswith("https://github.com/")
    # The notebooks fall back on Homepage when mkdocs.yml has no site_url: the two must agree.
    assert _site_url() in ("", urls["Homepage"])


# ---------------------------------------------------------------------------
# The notebooks of the built site


def notebook(site, chapter):
    path = site / "notebooks" / chapter.stem / f"{chapter.stem}.ipynb"
    return nbformat.read(path, as_version=4)


def _prints_or_draws(code):
    names = {"print", "show", "show_steps"}
    for node in ast.walk(ast.parse(code)):
        if isinstance(node, ast.Call):
            func = node.func
            name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
            if name in names:
                return True
    return False


_MD_LINK = re.compile(r"\]\(([^)\s]+)\)")


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda p: p.stem)
def test_notebook_is_complete_and_clean(site, chapter):
    nb = notebook(site, chapter)
    nbformat.validate(nb)
    code = [c for c in nb.cells if c.cell_type == "code"]
    install, cells = code[0], [c for c in code[1:] if CHECK_TAG not in c.metadata.get("tags", ())]
    assert install.source.startswith("%pip install ") and install.execution_count is None
    assert [c.execution_count for c in cells] == list(range(1, len(cells) + 1))
    checks = [c for c in code if CHECK_TAG in c.metadata.get("tags", ())]
    # The Check cells are the reader's to run: stored un-run, their code collapsed.
    assert all(c.execution_count is None and not c.outputs and c.metadata.jupyter.source_hidden for c in checks)
    for cell in cells:
        if _prints_or_draws(cell.source):
            assert cell.outputs, f"{chapter.stem}: a cell that prints or draws has no output:\n{cell.source}"
    text = json.dumps(nb)
    assert "markdown-exec" not in text and "pytest" not in text
    links = [t for c in nb.cells if c.cell_type == "markdown" for t in _MD_LINK.findall(c.source)]
    assert f"{published()}chapters/{chapter.stem}/" in links  # back to its chapter
    assert not [t for t in links if not t.startswith(("https://", "http://", "#"))], links
    assert "](../" not in text and 'href="../' not in text


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda p: p.stem)
def test_notebook_keeps_the_learning_shape(site, chapter):
    """Solutions collapsed (their code cell, not a heading above it), a Check cell per exercise, no page-only words."""
    nb = notebook(site, chapter)
    code = [c for c in nb.cells if c.cell_type == "code"]
    hidden = [c.source for c in code if c.metadata.get("jupyter", {}).get("source_hidden")]
    for ex in exercises(chapter):
        for block in ex.solution:
            assert block.shown_code in hidden, f"{ex.where}: its solution's cell is not collapsed"
    checks = [c for c in code if CHECK_TAG in c.metadata.get("tags", ())]
    wanted = sum(1 for ex in exercises(chapter) if ex.check)
    assert len(checks) == wanted + (1 if wanted else 0), f"{chapter.stem}: {len(checks)} check cells"
    prose = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    for words in ("**Run**", "**Reset**", "Reset", "press Run", "your browser", "<details", "<summary"):
        assert words not in prose, f"{chapter.stem}: the notebook says {words!r}, which only the page has"
    assert prose.count("> **Try it**") == len(tryits(chapter)), f"{chapter.stem}: a Try it note lost in the notebook"


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda p: p.stem)
def test_notebook_installs_what_its_code_imports(site, chapter):
    nb = notebook(site, chapter)
    install = next(c for c in nb.cells if c.cell_type == "code").source
    wanted = requirements([b.shown_code for b in python_blocks(chapter)])
    assert install.split()[2:] == [f"{published()}wheels/gradbook-{project()['version']}-py3-none-any.whl", *wanted]
    # Graphviz's SVG has a <g class="graph">; matplotlib's has not.
    svgs = [
        o.data.get("image/svg+xml", "") for c in nb.cells if c.cell_type == "code" for o in c.outputs if "data" in o
    ]
    draws_graphs = any('class="graph"' in svg for svg in svgs if isinstance(svg, str))
    says_dot = "`dot`" in nb.cells[1].source and "apt-get install graphviz" in nb.cells[1].source
    assert says_dot == draws_graphs


def test_notebooks_draw_the_figures_of_their_chapters(site):
    figures = 0
    for chapter in CHAPTERS:
        for cell in notebook(site, chapter).cells:
            figures += sum("image/svg+xml" in o.get("data", {}) for o in cell.get("outputs", []))
    page_figures = sum(
        (site / "chapters" / c.stem / "index.html").read_text("utf8").count('class="gb-figure"') for c in CHAPTERS
    )
    assert figures == page_figures > 0


class _Page(HTMLParser):
    def __init__(self):
        super().__init__()
        self.title, self.h1, self._in, self.hrefs = "", "", None, []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("title", "h1"):
            self._in = tag
        if tag == "a" and attrs.get("href"):
            self.hrefs.append((attrs.get("class") or "", attrs["href"], attrs.get("aria-label") or ""))

    def handle_endtag(self, tag):
        if tag == self._in:
            self._in = None

    def handle_data(self, data):
        if self._in == "title":
            self.title += data
        elif self._in == "h1":
            self.h1 += data


def parse(path):
    page = _Page()
    page.feed(path.read_text("utf8"))
    return page


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda p: p.stem)
def test_notebook_page_is_light_titled_and_links_to_its_chapter(site, chapter):
    html_path = site / "notebooks" / chapter.stem / "index.html"
    html = html_path.read_text("utf8")
    assert len(own_content(html).encode()) <= CONTENT_LIMIT
    assert "<style" not in html.split('class="jupyter-wrapper"')[1].split("<style>")[0]  # the CSS is shared
    assert 'href="../../assets/notebooks.css"' in html
    title = chapter_title(chapter.read_text("utf8"))
    page = parse(html_path)
    n = CHAPTERS.index(chapter) + 1
    assert page.title.startswith(f"{n}. {title} - ")
    assert page.h1.strip(" ¶") == title
    assert any(href == f"../../chapters/{chapter.stem}/" for cls, href, _ in page.hrefs if "md-nav" not in cls)
    # Its figures are files of the site, not base64 in the page.
    assert "data:image/svg+xml;base64" not in html
    for src in re.findall(r'<img[^>]+src="([^"]+\.svg)"', html):
        assert (html_path.parent / src).resolve().is_file(), src


def test_the_shared_notebook_css_is_the_one_mkdocs_jupyter_inlines(site):
    css = (site / "assets" / "notebooks.css").read_text("utf8")
    assert ".jupyter-wrapper" in css and ".highlight-ipynb" in css and "['" not in css


def test_notebook_pages_are_not_in_the_search_index(site):
    index = json.loads((site / "search" / "search_index.json").read_text("utf8"))
    locations = [doc["location"] for doc in index["docs"]]
    assert not [loc for loc in locations if loc.startswith("notebooks/")]
    for chapter in CHAPTERS:
        assert f"chapters/{chapter.stem}/" in locations


def test_navigation_is_home_chapters_notebooks_then_reference(site):
    page = parse(site / "chapters" / CHAPTERS[-1].stem / "index.html")
    tabs = [href for cls, href, _ in page.hrefs if cls == "md-tabs__link"]
    assert tabs == ["../..", f"../{CHAPTERS[0].stem}/", f"../../notebooks/{CHAPTERS[0].stem}/", "../../reference/"]
    nav = [href for cls, href, _ in page.hrefs if cls == "md-nav__link" and not href.startswith("#")]
    chapters = [f"../{c.stem}/" for c in CHAPTERS[:-1]]  # the page itself is not a link in its nav
    notebooks = [f"../../notebooks/{c.stem}/" for c in CHAPTERS]
    assert nav == ["../..", *chapters, *notebooks, "../../reference/"]
    footer = {cls.split("--")[-1]: (href, label) for cls, href, label in page.hrefs if "md-footer__link" in cls}
    assert footer["next"][0] == "../../reference/"
    assert footer["prev"] == (
        f"../{CHAPTERS[-2].stem}/",
        f"Previous: {len(CHAPTERS) - 1}. {chapter_title(CHAPTERS[-2].read_text('utf8'))}",
    )


def test_the_wheel_is_on_the_site_with_its_metadata(site):
    meta = project()
    wheel = site / "wheels" / f"gradbook-{meta['version']}-py3-none-any.whl"
    with zipfile.ZipFile(wheel) as z:
        metadata = z.read(f"gradbook-{meta['version']}.dist-info/METADATA").decode()
    assert f"Project-URL: Source, {meta['urls']['Source']}" in metadata
    assert f"Project-URL: Homepage, {meta['urls']['Homepage']}" in metadata
    assert "Author: gradbook authors" in metadata and "Classifier: Programming Language :: Python :: 3" in metadata


# ---------------------------------------------------------------------------
# Run for real: each notebook in a fresh virtual environment that has only
# Jupyter's kernel and what the notebook's first cell installs.

_RUN = """
import sys, nbformat
from nbclient import NotebookClient
nb = nbformat.read(sys.argv[1], as_version=4)
NotebookClient(nb, kernel_name=sys.argv[3], timeout=300, allow_errors=False).execute()
nbformat.write(nb, sys.argv[2])
"""


def _local_install(source, wheels, wheelhouse):
    """The first cell, installing the wheel from the built site instead of the published one,
    and everything else from files fetched for this test session (graphviz is on the site)."""
    words = source.split()
    assert words[:2] == ["%pip", "install"], source
    local = [str(wheels / Path(w).name) if w.endswith(".whl") else w for w in words[2:]]
    # --no-compile: the .pyc files of numpy and matplotlib are seconds of CPU that the test does not need.
    where = ["--no-index", "--no-compile", "--find-links", str(wheels), "--find-links", str(wheelhouse)]
    return " ".join(["%pip", "install", *where, *local])


@pytest.fixture(scope="session", autouse=True)
def kernel_base(request, tmp_path_factory):
    """A virtual environment with Jupyter's kernel (and pip) only, made in the background
    from the first test of this module on, while the site builds."""
    if not any("executed" in getattr(item, "fixturenames", ()) for item in request.session.items):
        yield None
        return
    base = tmp_path_factory.mktemp("kernel") / "base"
    pip = f"{base / 'bin' / 'python'} -m pip --disable-pip-version-check"
    # What the notebooks install from the package index, fetched once: each notebook then
    # installs it from these files, as its first cell says, without asking the index again.
    wheelhouse = base.parent / "wheelhouse"
    packages = " ".join(requirements([b.shown_code for chapter in CHAPTERS for b in python_blocks(chapter)]))
    # The kernel the test extra declares, at the version installed here (pip's cache has it).
    kernel = f"ipykernel=={importlib.metadata.version('ipykernel')}"
    script = f"{sys.executable} -m venv {base} && {pip} install -q {kernel}"
    if packages:
        script += f" && {pip} download -q -d {wheelhouse} {packages}"
    proc = subprocess.Popen(["sh", "-c", script], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    yield base, wheelhouse, proc
    if proc.poll() is None:
        proc.kill()
        proc.wait()


def _site_packages(env):
    (found,) = env.glob("lib/python*/site-packages")
    return found


@pytest.fixture(scope="session")
def executed(site, kernel_base, tmp_path_factory):
    """stem -> (stored notebook, executed notebook or the error that stopped it, first of its install set)."""
    base, wheelhouse, proc = kernel_base
    output = proc.communicate()[0].decode(errors="replace")
    assert proc.returncode == 0, f"could not make a virtual environment with ipykernel:\n{output[-3000:]}"
    tmp = tmp_path_factory.mktemp("notebooks-run")
    wheels = site / "wheels"
    stored = {chapter.stem: notebook(site, chapter) for chapter in CHAPTERS}
    # Notebooks whose first cells install the same packages share one fresh environment:
    # the first of them installs into it, the others find it done (4 environments, not 13).
    install_sets = {}
    for stem, nb in stored.items():
        install_sets.setdefault(next(c for c in nb.cells if c.cell_type == "code").source, []).append(stem)

    def run(stem, env):
        spec = tmp / "jupyter" / "kernels" / f"fresh-{stem}"
        spec.mkdir(parents=True)
        argv = [str(env / "bin" / "python"), "-m", "ipykernel_launcher", "-f", "{connection_file}"]
        (spec / "kernel.json").write_text(json.dumps({"argv": argv, "display_name": stem, "language": "python"}))
        nb = nbformat.from_dict(json.loads(json.dumps(stored[stem])))
        first = next(c for c in nb.cells if c.cell_type == "code")
        first.source = _local_install(first.source, wheels, wheelhouse)
        src, out = tmp / f"{stem}.ipynb", tmp / f"{stem}.out.ipynb"
        nbformat.write(nb, src)
        proc = subprocess.run(
            [sys.executable, "-c", _RUN, str(src), str(out), f"fresh-{stem}"],
            capture_output=True,
            text=True,
            cwd=tmp,  # not the repository: nothing of it on the kernel's path
            # Only the fresh environment and the system (for `dot`) on PATH; HOME kept for pip's cache.
            env={**os.environ, "PATH": f"{env / 'bin'}:/usr/bin:/bin", "JUPYTER_PATH": str(tmp / "jupyter")},
        )
        return nbformat.read(out, as_version=4) if proc.returncode == 0 else proc.stderr[-3000:]

    def run_set(n, stems):
        # A fresh environment, which sees the kernel's environment (not the repository's)
        # through a .pth file: what the first cell installs goes into it alone.
        env = tmp / f"env-{n}"
        subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(env)], check=True)
        (_site_packages(env) / "jupyter_kernel.pth").write_text(f"{_site_packages(base)}\n")
        return [(stem, (stored[stem], run(stem, env), stem == stems[0])) for stem in stems]

    with ThreadPoolExecutor(max_workers=2) as pool:  # two cores
        done = pool.map(run_set, range(len(install_sets)), install_sets.values())
        return dict(pair for pairs in done for pair in pairs)


def _stdout(cell):
    return "".join(o.text for o in cell.outputs if o.output_type == "stream" and o.name == "stdout")


def _figures(cell):
    """How many figures a cell shows (Jupyter shows a matplotlib figure as a PNG, the build as an SVG)."""
    return sum("image/svg+xml" in o.get("data", {}) or "image/png" in o.get("data", {}) for o in cell.outputs)


def _depends_on_the_machine(source):
    """Whether what a cell prints depends on where it runs: PyTorch is optional (chapter 9 prints
    its results where it is installed, as in CI's build, and says it is missing elsewhere)."""
    return "torch" in source


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda p: p.stem)
def test_notebook_runs_in_a_fresh_environment_as_stored(executed, chapter):
    stored, ran, installs = executed[chapter.stem]
    assert not isinstance(ran, str), f"{chapter.stem} failed in a fresh environment:\n{ran}"
    code = [c for c in stored.cells if c.cell_type == "code"]
    code_ran = [c for c in ran.cells if c.cell_type == "code"]
    pip = _stdout(code_ran[0])
    if installs:  # the first notebook of its install set, in an environment that had none of it
        assert "Successfully installed" in pip and "gradbook-" in pip, pip
    else:  # a later one, in the same environment: everything its first cell asks for is there
        assert "gradbook is already installed" in pip and "Successfully installed" not in pip, pip
    for before, after in zip(code[1:], code_ran[1:]):
        if CHECK_TAG in before.metadata.get("tags", ()):
            # Run in order, a Check judges the starter as given: it says what is missing, and fails nothing.
            said = _stdout(after)
            assert said == "" or said.startswith("Not yet: "), f"{chapter.stem}: a Check cell said {said!r}"
            assert not [o for o in after.outputs if o.output_type == "error"], before.source
            continue
        assert _figures(after) == _figures(before), f"not the same figures:\n{before.source}"
        if not _depends_on_the_machine(before.source):
            assert without_measurements(_stdout(after)) == without_measurements(_stdout(before)), before.source


def test_readme_and_home_page_give_the_wheels_address():
    meta = project()
    url = f"{meta['urls']['Homepage']}wheels/gradbook-{meta['version']}-py3-none-any.whl"
    for path in (ROOT / "README.md", ROOT / "docs" / "index.md"):
        assert f"pip install {url}\n" in path.read_text("utf8"), path

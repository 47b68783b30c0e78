"""The built site in a real browser: every page loads offline and cleanly, figures
show in both colour schemes, the copy button, search and KaTeX work.

The site is built once per session (the `site` fixture in conftest.py), served
from 127.0.0.1 by a stdlib HTTP server, and driven with Playwright through the
Chromium installed on this machine (Playwright's own browser downloads are not
used). With GRADBOOK_SCREENSHOTS=1, full-page screenshots of every page, light
and dark, are written to tests/screenshots/NAME-{light,dark}.jpg for a human to
look at (not committed); no assertion reads them, so a normal run takes none.
"""

import functools
import http.server
import os
import re
import shutil
import threading
from pathlib import Path

import pytest

from book.blocks import python_blocks
from sitebuild import CHAPTERS, ROOT

SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"
# Screenshots are for a person to look at; taking them is a quarter of the browser tests' time.
TAKE_SCREENSHOTS = os.environ.get("GRADBOOK_SCREENSHOTS", "") not in ("", "0")
# Chapters with a block that calls show(): each must show at least one figure.
CHAPTERS_WITH_FIGURES = {
    md.stem[:2] for md in CHAPTERS if any(re.search(r"^\s*show(?:_steps)?\(", b.code, re.M) for b in python_blocks(md))
}
# The smallest a figure's labels may be drawn, in CSS pixels: below this the
# numbers in a graph (data, grad) cannot be read.
MIN_FIGURE_FONT_PX = 6

# (test id, URL path relative to the site root)
PAGES = [("home", "")] + [(md.stem, f"chapters/{md.stem}/") for md in CHAPTERS]
# The other pages, checked for accessibility only.
OTHER_PAGES = [("reference", "reference/"), ("contributing", "contributing/")] + [
    (f"notebook-{md.stem}", f"notebooks/{md.stem}/") for md in CHAPTERS
]
# axe-core from npm (package.json), injected into the pages by the tests only.
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
PHONE = {"width": 390, "height": 844}

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    # Without these Chromium phones home at start-up (updates, sync, field
    # trials) and, offline, logs refused connections.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

MACOS_CHROMIUM = "/Applications/Chromium.app/Contents/MacOS/Chromium"
INSTALL_CHROMIUM = (
    "The browser tests need Chromium, and none was found (looked for `chromium` and "
    "`chromium-browser` on PATH and the GRADBOOK_CHROMIUM environment variable). "
    "Install it with `sudo apt-get install chromium` (Debian/Ubuntu) or "
    "`brew install --cask chromium` (macOS), or set GRADBOOK_CHROMIUM=/path/to/chromium."
)


def find_chromium():
    path = os.environ.get("GRADBOOK_CHROMIUM")
    if path:
        if not (Path(path).is_file() and os.access(path, os.X_OK)):
            pytest.fail(f"GRADBOOK_CHROMIUM={path!r} is not an executable file. {INSTALL_CHROMIUM}", pytrace=False)
        return path
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if not path and Path(MACOS_CHROMIUM).is_file():  # `brew install --cask` puts no command on PATH
        path = MACOS_CHROMIUM
    if not path:
        pytest.fail(INSTALL_CHROMIUM, pytrace=False)
    return path


# --------------------------------------------------------------------------- fixtures


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - the stdlib's signature
        pass


# The `origin` and `browser` fixtures are in conftest.py: tests/test_live.py uses
# them too, and there must be one Playwright per test session.


class Watched:
    """A page whose every request, failure and console error is recorded."""

    def __init__(self, page, origin):
        self.page = page
        self.origin = origin
        self.requests = []
        self.problems = []
        page.on("request", lambda r: self.requests.append(r.url))
        page.on("requestfailed", lambda r: self.problems.append(f"request failed: {r.url} ({r.failure})"))
        page.on("response", self._response)
        page.on("console", self._console)
        page.on("pageerror", lambda e: self.problems.append(f"uncaught exception: {e}"))

    def _response(self, response):
        if response.status >= 400:
            self.problems.append(f"HTTP {response.status}: {response.url}")

    def _console(self, msg):
        if msg.type == "error":
            self.problems.append(f"console error: {msg.text} ({msg.location.get('url', '')})")

    def foreign_requests(self):
        return [u for u in self.requests if not (u.startswith(self.origin + "/") or u.startswith(("data:", "blob:")))]

    def complaints(self, where):
        """What went wrong on this page, or "": a request that left the site, a
        failed request or HTTP error, an error in the console."""
        self.page.wait_for_load_state("networkidle")
        foreign = self.foreign_requests()
        if foreign:
            return f"{where}: requests outside {self.origin} (the site must work offline):\n  " + "\n  ".join(foreign)
        if self.problems:
            return f"{where}: errors while loading or using the page:\n  " + "\n  ".join(self.problems)
        return ""

    def assert_clean(self, where):
        complaints = self.complaints(where)
        if complaints:
            raise AssertionError(complaints)


@pytest.fixture(scope="module")
def _desktop(browser):
    ctx = browser.new_context(
        viewport={"width": 1280, "height": 900},
        permissions=["clipboard-read", "clipboard-write"],
        color_scheme="light",
    )
    ctx.set_default_timeout(10_000)
    # Each page as a first visit: no colour scheme (nor anything else) kept from the test before.
    ctx.add_init_script("localStorage.clear(); sessionStorage.clear();")
    yield ctx
    ctx.close()


@pytest.fixture
def context(_desktop):
    """The module's browser context (one, so its cache is warm), its pages closed after each test."""
    yield _desktop
    for page in _desktop.pages:
        page.close()


def open_page(context, origin, path):
    watched = Watched(context.new_page(), origin)
    watched.page.goto(f"{origin}/{path}", wait_until="load")
    # Material's bundle defines document$ and, through it, wires up the copy
    # buttons, the palette toggle and search.
    watched.page.wait_for_function("() => typeof document$ !== 'undefined'")
    return watched


# --------------------------------------------------------------------------- checks


def check_figures(page, name):
    """Every figure is whole, visible, has a size and legible text, once the tab
    or collapsed note it sits in (if any) is opened, as a reader would."""
    figures = page.evaluate(
        """() => [...document.querySelectorAll(".gb-figure")].map(fig => {
            const heading = document.evaluate("preceding::*[self::h1 or self::h2 or self::h3][1]", fig, null,
                XPathResult.FIRST_ORDERED_NODE_TYPE, null).singleNodeValue;
            const where = heading ? heading.textContent.replace("\u00b6", "").trim() : "";
            // Anything but one <svg> in the card means the SVG was mangled on the way
            // into the page (e.g. Markdown turned a `*` label into <em>, which ends
            // the <svg> early and spills the rest of the drawing out as text).
            const stray = [...fig.childNodes]
                .filter(n => n.nodeType === Node.ELEMENT_NODE ? n.tagName !== "svg" : n.textContent.trim())
                .map(n => (n.outerHTML || n.textContent).trim().slice(0, 60));
            const svg = fig.querySelector("svg");
            if (!svg) return {where, stray, missing: true};
            const foreign = [...svg.querySelectorAll("*")]
                .filter(n => n.namespaceURI !== "http://www.w3.org/2000/svg").map(n => n.tagName);
            for (let n = fig; n; n = n.parentElement) {
                if (n.tagName === "DETAILS") n.open = true;
                if (n.classList.contains("tabbed-block")) {
                    // the block's tab: the radio input at the same position in its set
                    const i = [...n.parentElement.children].indexOf(n);
                    n.closest(".tabbed-set").querySelectorAll(":scope > input")[i].click();
                }
            }
            const r = svg.getBoundingClientRect();
            // Size of the smallest label as drawn on screen (Graphviz and gradbook.plot draw
            // text as <text>, a plot's y label turned 90 degrees, hence the scale as a length;
            // matplotlib draws text as paths, so its figures report none).
            const fonts = [...svg.querySelectorAll("text")].map(t =>
                parseFloat(getComputedStyle(t).fontSize) * Math.hypot(t.getScreenCTM().a, t.getScreenCTM().b));
            return {where, stray, foreign,
                    visible: svg.checkVisibility({checkOpacity: true, checkVisibilityCSS: true}),
                    width: r.width, height: r.height, minFont: fonts.length ? Math.min(...fonts) : null,
                    zoom: !!(fig.nextElementSibling && fig.nextElementSibling.matches("button.gb-zoom:not([hidden])")),
                    fullFont: fonts.length ? Math.min(...fonts) * svg.width.baseVal.value / r.width : null};
        })"""
    )
    if name[:2] in CHAPTERS_WITH_FIGURES:
        if not figures:
            raise AssertionError(f"{name}: this chapter should show at least one figure (.gb-figure svg), found none")
    problems = []
    for i, f in enumerate(figures, 1):
        at = f"figure {i} of {len(figures)} (under {f['where']!r})"
        if f.get("missing"):
            problems.append(f"{at}: no <svg> in the figure")
            continue
        if f["stray"] or f["foreign"]:
            junk = " ".join((f["foreign"] + f["stray"])[0].split())
            problems.append(f"{at}: the SVG is broken, HTML got into it: {junk[:70]!r}...")
        if not (f["visible"] and f["width"] > 0 and f["height"] > 0):
            problems.append(f"{at}: not visible (visible={f['visible']}, {f['width']:.0f}x{f['height']:.0f} px)")
        elif small_labels(f):
            problems.append(
                f"{at}: its labels are drawn {f['minFont']:.1f} px high, too small to read "
                f"(at least {MIN_FIGURE_FONT_PX} px; the figure is shrunk to {f['width']:.0f} px wide"
                " and has no working 'Show full size' button)"
            )
    if problems:
        raise AssertionError(f"{name}:\n  " + "\n  ".join(problems))
    return len(figures)


def _normalise(text):
    return "\n".join(line.rstrip() for line in text.rstrip().splitlines())


def check_copy_button(page, name):
    # Visible blocks only: a class shown again or a solution sits collapsed in a <details>.
    blocks = page.locator("article .highlight pre > code >> visible=true")
    if blocks.count() == 0:
        if name[:2].isdigit():
            raise AssertionError(f"{name}: a chapter without a single code block")
        return
    first = blocks.first
    # Material adds the button inside the block's <pre> with JavaScript: up to
    # 9.6 a `button.md-clipboard`, since 9.7 a copy button in `nav.md-code__nav`.
    button = first.locator("xpath=..").locator("button.md-clipboard, button[data-md-type='copy']")
    # Material mounts a block's buttons once the block is on screen (content.lazy).
    first.scroll_into_view_if_needed()
    button.wait_for(state="attached")
    first.hover()  # the button shows on hover
    button.click()
    copied = page.evaluate("() => navigator.clipboard.readText()")
    expected = first.inner_text()
    if not expected.strip():
        raise AssertionError(f"{name}: the first code block is empty")
    if _normalise(copied) != _normalise(expected):
        raise AssertionError(f"{name}: the copy button copied\n{copied!r}\ninstead of the block's code\n{expected!r}")


def check_math(page, name):
    spans = page.locator("article .arithmatex")
    n = spans.count()
    if n == 0:
        return 0
    # Typeset at build time: finished in the HTML, no script to wait for.
    scripts = page.evaluate("() => [...document.scripts].map(s => s.src).filter(s => /katex/i.test(s))")
    if scripts:
        raise AssertionError(f"{name}: the math is typeset at build time, yet the page loads {scripts}")
    unrendered = page.evaluate(
        """() => [...document.querySelectorAll('article .arithmatex')]
                 .filter(el => !el.querySelector('.katex') || el.querySelector('.katex-error'))
                 .map(el => el.textContent.trim().slice(0, 80))"""
    )
    if unrendered:
        raise AssertionError(f"{name}: KaTeX did not render {len(unrendered)} of {n} formulas: {unrendered}")
    # The formulas are typeset with KaTeX's own fonts, served by the site.
    page.evaluate("() => document.fonts.ready")
    loaded = page.evaluate(
        "() => [...document.fonts].filter(f => f.status === 'loaded').map(f => f.family.replace(/[\"']/g, ''))"
    )
    if "KaTeX_Main" not in loaded:
        raise AssertionError(f"{name}: KaTeX's font KaTeX_Main was not loaded (loaded: {sorted(set(loaded))})")
    return n


def check_axe(page, name, scheme):
    """No axe-core violation, of any impact (minor and moderate too), on the page as it is now."""
    if not AXE.is_file():
        raise AssertionError(f"axe-core is not installed ({AXE}); run `npm ci` (bash .ci/setup.sh does)")
    # The page's own scripts finish once the fonts are in (a11y.js measures with them).
    page.evaluate("async () => { await document.fonts.ready; await new Promise(r => requestAnimationFrame(r)); }")
    if not page.evaluate("() => typeof axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    found = page.evaluate(
        """async () => (await axe.run(document, {resultTypes: ["violations"]})).violations
            .map(v => `${v.id} (${v.impact}, ${v.nodes.length}): ${v.help}; e.g. ` +
                      v.nodes.slice(0, 3).map(n => n.target.join(" ")).join(" | "))"""
    )
    if found:
        raise AssertionError(f"{name} ({scheme}): axe found\n  " + "\n  ".join(found))


def small_labels(f):
    """A figure's labels are too small to read: fitted below the minimum, with no full-size view
    that would show them at least that big (a large graph may be shrunk, if it can be zoomed)."""
    if f["minFont"] is None or f["minFont"] >= MIN_FIGURE_FONT_PX:
        return False
    return not (f["zoom"] and f["fullFont"] is not None and f["fullFont"] >= MIN_FIGURE_FONT_PX)


def check_figures_fit(page, name):
    """Every figure fits the content column and has a text alternative."""
    figures = page.evaluate(
        """() => [...document.querySelectorAll(".gb-figure")].filter(b => b.offsetParent).map(box => {
            const svg = box.querySelector("svg");
            // The scale a label is drawn at, rotated or not (a y axis's label is turned 90 degrees).
            const fonts = [...svg.querySelectorAll("text")].map(t =>
                parseFloat(getComputedStyle(t).fontSize) * Math.hypot(t.getScreenCTM().a, t.getScreenCTM().b));
            const r = svg.getBoundingClientRect();
            return {width: r.width, room: box.clientWidth,
                    scroll: box.scrollWidth, role: svg.getAttribute("role"),
                    alt: (svg.getAttribute("aria-label") || "").trim(),
                    minFont: fonts.length ? Math.min(...fonts) : null,
                    zoom: !!(box.nextElementSibling && box.nextElementSibling.matches("button.gb-zoom:not([hidden])")),
                    fullFont: fonts.length ? Math.min(...fonts) * svg.width.baseVal.value / r.width : null};
        })"""
    )
    problems = []
    for i, f in enumerate(figures, 1):
        if f["role"] != "img" or not f["alt"]:
            problems.append(f"figure {i}: no text alternative (role={f['role']!r}, aria-label={f['alt']!r})")
        if f["scroll"] > f["room"] + 1 or f["width"] > f["room"] + 1:
            problems.append(f"figure {i}: {f['width']:.0f} px wide in a {f['room']} px box")
        if small_labels(f):
            problems.append(f"figure {i}: labels {f['minFont']:.1f} px high once fitted, and no way to zoom")
    if problems:
        raise AssertionError(f"{name}:\n  " + "\n  ".join(problems))
    return figures


def switch_to_dark(page, name):
    toggle = page.locator("label.md-header__button[for^='__palette_']:visible")
    assert toggle.count() == 1, f"{name}: expected one visible palette toggle, found {toggle.count()}"
    assert "dark" in (toggle.get_attribute("title") or "").lower()
    toggle.click()
    page.wait_for_function("() => document.body.getAttribute('data-md-color-scheme') === 'slate'")
    assert page.evaluate("() => document.body.getAttribute('data-md-color-scheme')") == "slate"


def check_figures_on_white(page, name):
    backgrounds = page.evaluate(
        "() => [...document.querySelectorAll('.gb-figure')].map(el => getComputedStyle(el).backgroundColor)"
    )
    wrong = [(i + 1, bg) for i, bg in enumerate(backgrounds) if bg != "rgb(255, 255, 255)"]
    if wrong:
        raise AssertionError(f"{name}: in dark mode these figures are not on white (figure, background): {wrong}")


def screenshot(target, filename, **options):
    """A screenshot of a page or an element into tests/screenshots/, when GRADBOOK_SCREENSHOTS is set."""
    if not TAKE_SCREENSHOTS:
        return
    SCREENSHOTS.mkdir(exist_ok=True)
    target.screenshot(path=str(SCREENSHOTS / filename), **options)


def page_screenshot(page, name, scheme):
    page.evaluate("() => window.scrollTo(0, 0)")
    # JPEG: twice as quick as PNG for these long pages, and plenty to look at.
    screenshot(page, f"{name}-{scheme}.jpg", full_page=True, type="jpeg", quality=90)


# --------------------------------------------------------------------------- tests


def test_every_chapter_is_checked(site):
    built = sorted(p.parent.name for p in (site / "chapters").glob("*/index.html"))
    assert built == [md.stem for md in CHAPTERS]


@pytest.mark.parametrize("name, path", PAGES, ids=[name for name, _ in PAGES])
def test_page_in_browser(context, origin, name, path):
    watched = open_page(context, origin, path)
    page = watched.page
    assert page.title(), f"{name}: page has no title"
    failures = []

    def check(fn, *args):
        # Run every check even when one fails, so one run reports all of a page's problems.
        try:
            fn(*args)
        except AssertionError as e:
            failures.append(str(e))

    check(check_figures, page, name)
    check(check_figures_fit, page, name)
    check(check_math, page, name)
    check(check_axe, page, name, "light")
    page_screenshot(page, name, "light")

    switch_to_dark(page, name)
    check(check_figures_on_white, page, name)
    check(check_axe, page, name, "dark")
    page_screenshot(page, name, "dark")

    check(check_copy_button, page, name)  # last: it leaves a "Copied" toast on the page
    check(watched.assert_clean, name)
    if failures:
        pytest.fail("\n".join(failures), pytrace=False)


@pytest.mark.parametrize("name, path", OTHER_PAGES, ids=[name for name, _ in OTHER_PAGES])
def test_other_page_is_accessible(context, origin, name, path):
    watched = open_page(context, origin, path)
    failures = []
    for scheme in ("light", "dark"):
        if scheme == "dark":
            switch_to_dark(watched.page, name)
        try:
            check_axe(watched.page, name, scheme)
        except AssertionError as e:
            failures.append(str(e))
    if failures:
        pytest.fail("\n".join(failures), pytrace=False)


@pytest.fixture(scope="module")
def _phone(browser):
    ctx = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=2)
    ctx.set_default_timeout(10_000)
    yield ctx
    ctx.close()


@pytest.fixture
def phone(_phone):
    yield _phone
    for page in _phone.pages:
        page.close()


@pytest.mark.parametrize("stem", sorted(CHAPTERS_WITH_FIGURES))
def test_figures_fit_a_phone(phone, origin, stem):
    md = next(md for md in CHAPTERS if md.stem.startswith(stem))
    watched = open_page(phone, origin, f"chapters/{md.stem}/")
    page = watched.page
    # Each tab of a step-through, as a reader would open it.
    for label in page.locator(".tabbed-labels > label").all():
        label.click()
        check_figures_fit(page, f"{md.stem} on a phone, tab {label.inner_text()!r}")
    check_figures_fit(page, f"{md.stem} on a phone")
    screenshot(page, f"{md.stem}-phone.jpg", full_page=True, type="jpeg", quality=80)
    watched.assert_clean(md.stem)


def test_a_shrunk_figure_opens_full_size_from_the_keyboard(phone, origin):
    """On a phone a graph is shrunk to fit; its button shows it at full size in a box the
    keyboard can scroll, with the highlighted node in view."""
    chapter = next(md.stem for md in CHAPTERS if md.stem.startswith("07"))
    page = open_page(phone, origin, f"chapters/{chapter}/").page
    buttons = page.locator("button.gb-zoom:visible")
    assert buttons.count() >= 1, f"{chapter}: no figure is shrunk on a phone, so nothing to zoom"
    button = buttons.first
    button.focus()
    page.keyboard.press("Enter")
    assert button.get_attribute("aria-pressed") == "true"
    state = button.evaluate(
        """b => { const box = b.previousElementSibling, r = box.getBoundingClientRect();
            const lit = box.querySelector('[fill="#ffd54f"]');
            const n = lit && lit.getBoundingClientRect();
            return {tab: box.tabIndex, label: box.getAttribute("aria-label"),
                    wider: box.scrollWidth > box.clientWidth,
                    litInView: !n || (n.left >= r.left - 1 && n.right <= r.right + 1)}; }"""
    )
    assert state["tab"] == 0 and state["label"] and state["wider"], state
    assert state["litInView"], f"{chapter}: the highlighted node is scrolled out of view: {state}"
    page.keyboard.press("Enter")
    assert button.get_attribute("aria-pressed") == "false"


class _UnderPrefix(_QuietHandler):
    """Serves the site under /gradbook/, as GitHub Pages serves a project site."""

    def translate_path(self, path):
        if not path.startswith("/gradbook/"):
            return str(Path(self.directory) / "no-such-file")
        return super().translate_path(path[len("/gradbook") :])


def test_the_site_works_under_its_sub_path(site, context):
    handler = functools.partial(_UnderPrefix, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    origin = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        for path in ("gradbook/404.html", "gradbook/chapters/03-manual-backprop/"):
            watched = open_page(context, origin, path)
            page = watched.page
            # The theme's stylesheet applied (a 404 page with root-absolute URLs loses it).
            assert page.evaluate("() => getComputedStyle(document.querySelector('.md-header')).position") == "sticky"
            watched.assert_clean(path)
        assert page.locator(".katex").count() > 0
    finally:
        server.shutdown()
        server.server_close()


def test_notebook_page_loads_offline(context, origin):
    """The notebook version of a chapter (a mkdocs-jupyter page, whose template
    could pull in require.js or mermaid from a CDN) loads cleanly and offline.
    All notebook pages share that template, so one stands for all of them."""
    assert CHAPTERS, "no chapters"
    where = f"notebooks/{CHAPTERS[0].stem}/"
    watched = open_page(context, origin, where)
    assert watched.page.locator(".jp-Notebook").count() >= 1, f"{where}: no notebook on the page"
    # The chapter's $...$ math is typeset there too (chapter 1 has some).
    watched.page.wait_for_function("() => document.querySelector('.jp-Notebook .katex') !== null")
    assert watched.page.locator(".jp-Notebook .katex-error").count() == 0
    watched.assert_clean(where)


def test_search_finds_topological_sort(context, origin):
    chapter = next((md.stem for md in CHAPTERS if "topolog" in md.stem), None)
    assert chapter, "no chapter about topological sort (docs/chapters/NN-topological-sort.md)"
    watched = open_page(context, origin, "")
    page = watched.page
    page.wait_for_load_state("networkidle")
    # The index (the largest file of a page) loads when the reader opens search, not before.
    assert not [u for u in watched.requests if "search_index" in u], watched.requests
    page.locator(".md-search__input").click()
    # Material searches on key presses, so type rather than fill().
    page.locator(".md-search__input").press_sequentially("topological")
    page.locator(".md-search-result__item").first.wait_for()
    links = page.eval_on_selector_all(".md-search-result__item a[href]", "els => els.map(a => a.href)")
    assert any(f"/chapters/{chapter}/" in href for href in links), (
        f"searching 'topological' found {len(links)} results, none in chapters/{chapter}/: {links}"
    )
    watched.assert_clean("search")


def test_the_book_has_math(site):
    """KaTeX is exercised by the page tests only where there is math: make sure there is."""
    pages = [
        md.stem
        for md in CHAPTERS
        if 'class="arithmatex"' in (site / "chapters" / md.stem / "index.html").read_text("utf8")
    ]
    assert pages, "no chapter has $...$ math, so KaTeX's offline rendering is untested"

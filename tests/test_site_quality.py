"""What a reader's browser gets: no broken links, nothing fetched from elsewhere,
the same bytes on every build, and no code block that escapes testing."""

import functools
import re
from html.parser import HTMLParser
from urllib.parse import unquote, urljoin, urlsplit

from sitebuild import without_measurements


class _Refs(HTMLParser):
    """The ids a page defines and the URLs it refers to, by tag."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.ids, self.refs = set(), []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for key in ("id", "name"):
            if attrs.get(key) and (key == "id" or tag == "a"):
                self.ids.add(attrs[key])
        for key in ("href", "src"):
            if attrs.get(key) is not None:
                self.refs.append((tag, attrs.get("rel") or "", attrs[key]))


@functools.cache  # every page is parsed once, however many links point at it
def parse(path):
    p = _Refs()
    p.feed(path.read_text("utf8"))
    return p


def pages(site):
    return sorted(site.rglob("*.html"))


def is_external(url):
    parts = urlsplit(url)
    return bool(parts.scheme and parts.scheme not in ("data", "blob")) or url.startswith("//")


# The site's path on its public host (site_url in mkdocs.yml): the 404 page, served
# from any missing address, refers to the site's files from there.
SITE_PATH = "/gradbook/"


def target_file(site, page, url):
    """The file in the built site that a relative URL on `page` points to."""
    base = "/" + page.relative_to(site).as_posix()
    path = unquote(urlsplit(urljoin(base, url)).path)
    if url.startswith(SITE_PATH):
        path = "/" + path[len(SITE_PATH) :]
    f = site / path.lstrip("/")
    if path.endswith("/") or f.is_dir():
        f = f / "index.html"
    return f


def test_no_broken_internal_links_or_anchors(site):
    broken, external = [], set()
    for page in pages(site):
        for tag, _, url in parse(page).refs:
            if is_external(url):
                external.add(url)
                continue
            if url.startswith(("data:", "blob:", "javascript:")):
                continue
            f = page if url.startswith("#") else target_file(site, page, url)
            if not f.exists():
                broken.append(f"{page.relative_to(site)}: <{tag}> {url} -> no file {f.relative_to(site)}")
                continue
            fragment = urlsplit(url).fragment
            if fragment and f.suffix == ".html" and unquote(fragment) not in parse(f).ids:
                broken.append(f"{page.relative_to(site)}: {url} -> no id {fragment!r} in {f.relative_to(site)}")
    # External links are not followed offline; they are listed in the report.
    print("external links, not checked offline:", *sorted(external), sep="\n  ")
    assert not broken, "\n".join(broken)


def test_the_checker_finds_a_broken_link(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "index.html").write_text('<a href="../b/">b</a><a href="#top">t</a><p id="here"></p>')
    page = tmp_path / "a" / "index.html"
    refs = parse(page).refs
    assert not target_file(tmp_path, page, refs[0][2]).exists()
    assert "top" not in parse(page).ids and "here" in parse(page).ids


def test_every_resource_is_served_by_the_site_itself(site):
    """Offline-ready: scripts, styles, fonts and images all come from the site."""
    leaks = []
    for page in pages(site):
        for tag, rel, url in parse(page).refs:
            if is_external(url) and (tag != "a" and not (tag == "link" and rel in ("canonical",))):
                leaks.append(f"{page.relative_to(site)}: <{tag} rel={rel!r}> {url}")
    for css in site.rglob("*.css"):
        for url in re.findall(r"""(?:url\(|@import\s+)['"]?([^'")\s]+)""", css.read_text("utf8")):
            if is_external(url):
                leaks.append(f"{css.relative_to(site)}: {url}")
    assert not leaks, "\n".join(leaks)
    assert "fonts.googleapis.com" not in (site / "index.html").read_text("utf8")


def test_math_is_typeset_at_build_time_and_styled_only_where_it_is(site):
    chapter = (site / "chapters" / "03-manual-backprop" / "index.html").read_text("utf8")
    assert 'class="katex"' in chapter and "\\(" not in chapter
    assert 'href="../../assets/katex/katex.min.css"' in chapter
    assert (site / "assets/katex/fonts/KaTeX_Main-Regular.woff2").exists()
    for page in pages(site):
        html = page.read_text("utf8")
        assert "katex.min.js" not in html and "auto-render" not in html, page
        assert ("katex.min.css" in html) == ('class="katex"' in html), page


def test_two_builds_give_byte_identical_pages(site, site_again):
    # `site` ran its blocks and notebooks in worker processes, `site_again` in its own.
    again = site_again
    differ = []
    for page in pages(site):
        twin = again / page.relative_to(site)
        if not twin.exists() or twin.read_bytes() != page.read_bytes():
            if not twin.exists() or without_measurements(twin.read_text("utf8")) != without_measurements(
                page.read_text("utf8")
            ):
                differ.append(str(page.relative_to(site)))
    for nb in site.rglob("*.ipynb"):
        twin = again / nb.relative_to(site)
        if without_measurements(twin.read_text("utf8")) != without_measurements(nb.read_text("utf8")):
            differ.append(str(nb.relative_to(site)))
    assert not differ, "pages that changed between two builds: " + ", ".join(differ)

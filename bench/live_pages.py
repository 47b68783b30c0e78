"""What a reader's browser downloads and how fast chapter 11 trains in the page.

    python bench/live_pages.py SITE_DIR [SITE_DIR...]

For each built site (``mkdocs build --site-dir SITE_DIR``), served on a local
port and opened in headless Chromium (Debian's, as the tests use it):

* the bytes of a first load of chapters 1 and 11 (the page and everything it
  fetches before the reader presses Run), and of the first Run;
* chapter 11's training block run in the page: its 100 steps, in steps per
  second, against the same block in this process's Python (a ratio: the
  seconds depend on the machine and its load, the ratio much less).
"""

from __future__ import annotations

import functools
import http.server
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
CHAPTERS = ["01-derivatives", "11-training-moons"]


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def serve(folder):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(folder)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


def first_load(browser, origin, chapter):
    page = browser.new_page()
    sizes = {}
    page.on("response", lambda r: sizes.__setitem__(r.url, len(r.body()) if r.ok else 0))
    page.goto(f"{origin}/chapters/{chapter}/", wait_until="load")
    page.wait_for_load_state("networkidle")
    html = sizes.get(f"{origin}/chapters/{chapter}/", 0)
    return page, sizes, html


def run(page, text):
    """Press Run under the first live block whose code contains `text`; seconds until it is done."""
    blocks = page.locator(".gb-live:not(.gb-live-off)")
    codes = blocks.evaluate_all("els => els.map(el => el.dataset.gbCode)")
    block = blocks.nth(next(i for i, c in enumerate(codes) if text in c))
    start = time.perf_counter()
    block.get_by_role("button", name="Run").click()
    page.wait_for_function(
        "el => ['done', 'error', 'stopped'].includes(el.dataset.gbState)", arg=block.element_handle(), timeout=600_000
    )
    seconds = time.perf_counter() - start
    state = block.get_attribute("data-gb-state")
    if state != "done":
        raise SystemExit(f"the block with {text!r} ended {state}:\n{block.locator('.gb-live-output').inner_text()}")
    return seconds


def training_here():
    """Chapter 11's blocks up to its training loop, in this process: seconds of the loop."""
    import gradbook.display
    from book.blocks import python_blocks, session_chain
    from book.figures import BookHost
    from book.sessions import Runner

    runner = Runner()
    gradbook.display.set_host(BookHost(runner))
    md = ROOT / "docs" / "chapters" / "11-training-moons.md"
    blocks = python_blocks(md)
    chain = session_chain(blocks, "11-training-moons")
    index = next(i for i, b in enumerate(chain) if "for k in range(100)" in b.code)
    runner.run(("bench", "11"), chain, index - 1, str(md))
    start = time.perf_counter()
    runner.run(("bench", "11"), chain, index, str(md))
    return time.perf_counter() - start


def main(sites):
    from playwright.sync_api import sync_playwright

    here = training_here()
    print(f"chapter 11's 100 training steps in this Python: {here:.1f} s, {100 / here:.1f} steps/s")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", headless=True)
        for site in sites:
            server, origin = serve(site)
            print(f"\n{site}:")
            for chapter in CHAPTERS:
                page, sizes, html = first_load(browser, origin, chapter)
                print(f"  {chapter}: first load {sum(sizes.values()):,} B in {len(sizes)} files (the page {html:,} B)")
                live = page.locator(".gb-live:not(.gb-live-off)").count()
                off = page.locator(".gb-live.gb-live-off").count()
                print(f"    live blocks {live}/{live + off}")
                if chapter.startswith("11") and live and not off:
                    before = dict(sizes)
                    cold = run(page, "def loss():")
                    extra = sum(n for u, n in sizes.items() if u not in before)
                    print(f"    first Run (the blocks up to loss()): {cold:.1f} s, {extra:,} B more")
                    seconds = run(page, "for k in range(100)")
                    print(
                        f"    training, 100 steps in the page: {seconds:.1f} s, {100 / seconds:.2f} steps/s "
                        f"({seconds / here:.1f}x this Python's time)"
                    )
                    boundary = run(page, "fig.cells(")
                    print(f"    the decision boundary (1,600 forward passes): {boundary:.1f} s")
                page.close()
            server.shutdown()
        browser.close()


if __name__ == "__main__":
    main(sys.argv[1:] or [str(ROOT / "site")])

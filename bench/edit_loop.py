"""How long an edit takes to reach the page under `mkdocs serve` (the author's edit loop).

Starts `mkdocs serve` on a free port, waits for the first build, then for each
chapter given makes a prose edit and a code edit (three of each), and times
from saving the file to the page at the server containing the edit. Every
edit is undone at the end.

    python bench/edit_loop.py 03-manual-backprop 11-training-moons
"""

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
LOG = Path("/tmp/gradbook-edit-loop.log")  # the server's log, to see why an edit did not arrive


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url):
    try:
        with urllib.request.urlopen(url, timeout=5) as r:
            return r.read().decode("utf8")
    except OSError:
        return ""


def wait_for(url, text, limit=120):
    start = time.perf_counter()
    while time.perf_counter() - start < limit:
        if text in fetch(url):
            return time.perf_counter() - start
        time.sleep(0.05)
    raise TimeoutError(f"{text!r} did not reach {url} in {limit} s")


def site_path():
    """`mkdocs serve` serves the site under site_url's path (/gradbook/)."""
    url = re.search(r"^site_url:\s*(\S+)", (ROOT / "mkdocs.yml").read_text("utf8"), re.M)
    return urlsplit(url.group(1)).path if url else "/"


def main(chapters):
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "mkdocs", "serve", "-a", f"127.0.0.1:{port}", "--watch", "src", "--livereload"],
        cwd=ROOT,
        env={**os.environ, "GRADBOOK_STRICT": "false"},  # as .ci/serve runs it
        stdout=subprocess.DEVNULL,
        stderr=open(LOG, "w"),  # noqa: SIM115 - open for the server's lifetime
    )
    originals = {}
    try:
        base = f"http://127.0.0.1:{port}{site_path()}"
        print(f"first build: {wait_for(base, 'gradbook', 300):.1f} s")
        for stem in chapters:
            md = ROOT / "docs" / "chapters" / f"{stem}.md"
            originals[md] = original = md.read_text("utf8")
            url = f"{base}chapters/{stem}/"
            lines = original.split("\n")
            # The first paragraph line after the title, and the last code line of the last block.
            prose = next(i for i, line in enumerate(lines) if i > 3 and line and line[0].isalpha())
            last_fence = max(i for i, line in enumerate(lines) if line.startswith("```python"))
            for kind in ("prose", "code"):
                for n in range(1, 4):
                    marker = f"editloop{kind}{n}x{time.time_ns() % 100000}"
                    edited = list(lines)
                    if kind == "prose":
                        edited[prose] = f"{marker} {edited[prose]}"
                    else:
                        edited.insert(last_fence + 1, f'print("{marker}")')
                    md.write_text("\n".join(edited), "utf8")
                    seconds = wait_for(url, marker)
                    print(f"{stem}: {kind} edit {n} served after {seconds:.1f} s")
                    time.sleep(1.5)  # let the server settle before the next edit
            md.write_text(original, "utf8")
            time.sleep(2)
    finally:
        for md, text in originals.items():
            md.write_text(text, "utf8")
        server.terminate()
        server.wait()


if __name__ == "__main__":
    main(sys.argv[1:] or ["03-manual-backprop", "11-training-moons"])

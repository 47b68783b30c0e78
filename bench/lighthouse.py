"""Lighthouse scores of the book's heaviest pages, served as GitHub Pages serves them.

    python bench/lighthouse.py SITE_DIR [--runs 3] [--forms mobile,desktop] [--pages home,ch2,...|all]
                               [--keep DIR] [--lighthouse PATH]
    python bench/lighthouse.py SITE_DIR --serve [--port N]   # only serve it, to look at it

SITE_DIR is a built site (``mkdocs build -d SITE_DIR``). It is served on a
local port under ``/gradbook/`` (the published site is a project site there),
with what a real host adds: text files gzip-compressed (``Content-Encoding:
gzip``) and ``Cache-Control: max-age=600``. Lighthouse 13.5.0 (``npx --yes
lighthouse@13.5.0``, or the install given by ``--lighthouse``) runs on each
page, mobile (its default: a slow phone on slow 4G, simulated) and desktop
(``--preset=desktop``), ``--runs`` times each, and the script prints, per page
and form factor, the median performance and accessibility scores with the
metrics behind them (LCP, TBT, CLS) and the largest long task.

It needs the standard library only, Node and Debian's Chromium
(``CHROME_PATH``, default ``/usr/bin/chromium``). A script to run by hand, not
a test: the scores depend on the machine and on what else runs on it, so the
top of the output gives the load average. ``--keep DIR`` keeps each run's
JSON report, to read its audits (``largest-contentful-paint-element``,
``long-tasks``, ``render-blocking-insight``, ``unused-css-rules``...).
"""

from __future__ import annotations

import argparse
import gzip
import http.server
import json
import mimetypes
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

PREFIX = "/gradbook/"
# The five heaviest pages, measured by default; `--pages all` measures every chapter and notebook.
HEAVIEST = ["home", "ch2", "ch7", "ch11", "nb3"]


def site_pages(site):
    """{"home": "", "ch1": "chapters/01-derivatives/", ..., "nb1": "notebooks/01-derivatives/", ...}"""
    pages = {"home": ""}
    for kind, short in (("chapters", "ch"), ("notebooks", "nb")):
        for index in sorted((site / kind).glob("[0-9][0-9]-*/index.html")):
            pages[f"{short}{int(index.parent.name[:2])}"] = f"{kind}/{index.parent.name}/"
    return pages


VERSION = "13.5.0"
# What GitHub Pages compresses: text, and WebAssembly.
COMPRESSED = (".html", ".css", ".js", ".mjs", ".json", ".svg", ".xml", ".txt", ".py", ".wasm", ".map", ".ipynb")
MIME = {".mjs": "text/javascript", ".js": "text/javascript", ".wasm": "application/wasm", ".json": "application/json"}


class Handler(http.server.BaseHTTPRequestHandler):
    root: Path
    cache: dict = {}
    lock = threading.Lock()

    def log_message(self, *args):
        pass

    def do_GET(self):
        self._serve(body=True)

    def do_HEAD(self):
        self._serve(body=False)

    def _serve(self, body):
        path = self.path.split("?", 1)[0].split("#", 1)[0]
        if not path.startswith(PREFIX):
            return self._send(404, b"not found", "text/plain", False, body)
        rel = path[len(PREFIX) :]
        target = (self.root / rel).resolve()
        if self.root not in target.parents and target != self.root:
            return self._send(404, b"not found", "text/plain", False, body)
        if target.is_dir():
            if not path.endswith("/"):
                self.send_response(301)
                self.send_header("Location", path + "/")
                self.end_headers()
                return None
            target = target / "index.html"
        if not target.is_file():
            page = self.root / "404.html"
            return self._send(404, page.read_bytes() if page.is_file() else b"", "text/html", True, body)
        kind = MIME.get(target.suffix) or mimetypes.guess_type(target.name)[0] or "application/octet-stream"
        if kind.startswith("text/") or kind in ("application/json", "image/svg+xml"):
            kind += "; charset=utf-8"
        stat = target.stat()
        key = (str(target), stat.st_mtime_ns, stat.st_size)
        return self._send(200, target.read_bytes(), kind, target.suffix in COMPRESSED, body, key)

    def _send(self, status, data, kind, compress, body, key=None):
        gz = compress and "gzip" in self.headers.get("Accept-Encoding", "")
        if gz:
            key = key or (len(data), hash(data))
            with self.lock:
                packed = self.cache.get(key)
            if packed is None:
                packed = gzip.compress(data, 6, mtime=0)
                with self.lock:
                    self.cache[key] = packed
            data = packed
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "max-age=600")
        if compress:
            self.send_header("Vary", "Accept-Encoding")
        if gz:
            self.send_header("Content-Encoding", "gzip")
        self.end_headers()
        if body:
            self.wfile.write(data)


def serve(site, port=0):
    handler = type("SiteHandler", (Handler,), {"root": Path(site).resolve(), "cache": {}})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}{PREFIX}"


def lighthouse_command(given):
    if given:
        return [given]
    if shutil.which("npx") is None:
        sys.exit("lighthouse.py: npx not found (install Node), or give --lighthouse PATH")
    return ["npx", "--yes", f"lighthouse@{VERSION}"]


def run_once(command, url, form, out):
    flags = ["--preset=desktop"] if form == "desktop" else []
    cmd = [
        *command,
        url,
        *flags,
        "--chrome-flags=--headless=new --no-sandbox",
        "--only-categories=performance,accessibility",
        "--output=json",
        f"--output-path={out}",
        "--quiet",
    ]
    env = {**os.environ, "CHROME_PATH": os.environ.get("CHROME_PATH", "/usr/bin/chromium")}
    done = subprocess.run(cmd, env=env, capture_output=True, text=True)
    if done.returncode or not Path(out).is_file():
        raise RuntimeError(f"lighthouse failed on {url} ({form}):\n{done.stderr[-2000:]}")
    report = json.loads(Path(out).read_text("utf8"))
    audits = report["audits"]
    long_tasks = audits.get("long-tasks", {}).get("details", {}).get("items", [])
    return {
        "perf": round(100 * (report["categories"]["performance"]["score"] or 0)),
        "a11y": round(100 * (report["categories"]["accessibility"]["score"] or 0)),
        "lcp": audits["largest-contentful-paint"]["numericValue"],
        "tbt": audits["total-blocking-time"]["numericValue"],
        "cls": audits["cumulative-layout-shift"]["numericValue"],
        "fcp": audits["first-contentful-paint"]["numericValue"],
        "longest": max((t.get("duration", 0) for t in long_tasks), default=0),
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("site", help="a built site's folder")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--forms", default="mobile,desktop")
    parser.add_argument(
        "--pages", default=",".join(HEAVIEST), help="home, chN, nbN (comma-separated), or all (default: %(default)s)"
    )
    parser.add_argument("--keep", help="a folder for each run's JSON report")
    parser.add_argument("--lighthouse", help=f"a lighthouse {VERSION} executable (default: npx)")
    parser.add_argument("--serve", action="store_true", help="only serve the site (until Ctrl+C), to look at it")
    parser.add_argument("--port", type=int, default=0, help="with --serve: the port (default: a free one)")
    args = parser.parse_args(argv)
    site = Path(args.site)
    if not (site / "index.html").is_file():
        sys.exit(f"lighthouse.py: {site} is not a built site (no index.html)")
    pages = site_pages(site)
    names = list(pages) if args.pages == "all" else args.pages.split(",")
    unknown = [n for n in names if n not in pages]
    if unknown:
        sys.exit(f"lighthouse.py: no page {', '.join(unknown)} in {site}; it has {', '.join(pages)}")
    if args.serve:
        server, base = serve(site, args.port)
        print(f"{site} served at {base} (Ctrl+C ends)", flush=True)
        try:
            threading.Event().wait()
        except KeyboardInterrupt:
            server.shutdown()
        return 0
    command = lighthouse_command(args.lighthouse)
    server, base = serve(site)
    keep = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="gradbook-lighthouse-"))
    keep.mkdir(parents=True, exist_ok=True)
    print(f"# {site} served at {base} (gzip, Cache-Control: max-age=600); lighthouse {VERSION}")
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"# {os.cpu_count()} CPUs, load average {load}; {args.runs} runs each")
    rows = []
    try:
        for name in names:
            for form in args.forms.split(","):
                runs = []
                for i in range(args.runs):
                    out = keep / f"{name}-{form}-{i + 1}.json"
                    runs.append(run_once(command, base + pages[name], form, out))
                    print(f"  {name} {form} run {i + 1}: {runs[-1]['perf']}/{runs[-1]['a11y']}", file=sys.stderr)
                med = {k: statistics.median(r[k] for r in runs) for k in runs[0]}
                rows.append((name, form, med, [r["perf"] for r in runs]))
    finally:
        server.shutdown()
    print(f"# load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}; reports in {keep}")
    print()
    print("| page | form | perf | a11y | runs (perf) | FCP ms | LCP ms | TBT ms | CLS | longest task ms |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for name, form, m, perfs in rows:
        print(
            f"| {name} | {form} | {m['perf']:.0f} | {m['a11y']:.0f} | {' '.join(map(str, perfs))} | "
            f"{m['fcp']:.0f} | {m['lcp']:.0f} | {m['tbt']:.0f} | {m['cls']:.3f} | {m['longest']:.0f} |"
        )
    return 0


if __name__ == "__main__":
    start = time.time()
    code = main()
    print(f"# {time.time() - start:.0f} s", file=sys.stderr)
    sys.exit(code)

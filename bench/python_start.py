"""How much sooner the page's Python starts with the site's bytecode (book/bytecode.py).

    python bench/python_start.py SITE_DIR [--runs N]

Starts Pyodide in Node (from node_modules, the same files the site copies), N
times with npm's python_stdlib.zip (sources only) and N times with the site's
(sources and bytecode), taking turns, each in a fresh Node process: the time
and CPU time of ``loadPyodide()`` and of importing the page's runner after it.
Prints the medians and their ratios. Needs ``node`` and ``npm ci``.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYODIDE = ROOT / "node_modules" / "pyodide"

SCRIPT = """
import fs from "node:fs";
const [mjs, stdlib, ...archives] = process.argv.slice(2);
const { loadPyodide } = await import(mjs);
const t0 = performance.now(), c0 = process.cpuUsage();
const py = await loadPyodide({ stdLibURL: stdlib });
const t1 = performance.now(), c1 = process.cpuUsage();
const sp = py.runPython("import site; site.getsitepackages()[0]");
for (const a of archives) py.unpackArchive(new Uint8Array(fs.readFileSync(a)), "zip", { extractDir: sp });
py.runPython("import book.pagerun, gradbook, graphviz");
const t2 = performance.now(), c2 = process.cpuUsage();
const cpu = (a, b) => (b.user + b.system - a.user - a.system) / 1e6;
const times = { start: (t1 - t0) / 1e3, startCpu: cpu(c0, c1), runner: (t2 - t1) / 1e3, runnerCpu: cpu(c1, c2) };
console.log(JSON.stringify(times));
"""


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("site", type=Path)
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    site_zip = args.site / "live" / "pyodide" / "python_stdlib.zip"
    archives = [args.site / "live" / "runner.zip", *sorted((args.site / "wheels").glob("*.whl"))]
    stdlibs = {"npm (source only)": PYODIDE / "python_stdlib.zip", "site (with bytecode)": site_zip}
    results = {name: [] for name in stdlibs}
    with tempfile.TemporaryDirectory() as tmp:
        script = Path(tmp) / "start.mjs"
        script.write_text(SCRIPT)
        for run in range(args.runs):
            for name, stdlib in stdlibs.items():
                out = subprocess.run(
                    ["node", str(script), (PYODIDE / "pyodide.mjs").as_uri(), str(stdlib), *map(str, archives)],
                    capture_output=True,
                    text=True,
                    check=True,
                )
                results[name].append(json.loads(out.stdout.strip().splitlines()[-1]))
                print(f"run {run + 1}/{args.runs}, {name}: {results[name][-1]}", file=sys.stderr)
    medians = {name: {k: statistics.median(r[k] for r in runs) for k in runs[0]} for name, runs in results.items()}
    print(f"Python's start in Node, median of {args.runs} runs (seconds; CPU seconds of all threads)")
    print(f"{'stdlib':<22} {'start':>7} {'cpu':>7} {'runner':>7} {'cpu':>7}")
    for name, m in medians.items():
        print(f"{name:<22} {m['start']:7.2f} {m['startCpu']:7.2f} {m['runner']:7.2f} {m['runnerCpu']:7.2f}")
    a, b = medians.values()
    print(
        f"with bytecode: start {a['start'] / b['start']:.1f}x faster, {a['startCpu'] / b['startCpu']:.1f}x less CPU; "
        f"start and runner import {(a['start'] + a['runner']) / (b['start'] + b['runner']):.1f}x faster"
    )
    print(
        f"stdlib zip: {stdlibs['npm (source only)'].stat().st_size:,} B from npm, "
        f"{site_zip.stat().st_size:,} B in the site"
    )


if __name__ == "__main__":
    main()

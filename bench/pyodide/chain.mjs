// gradbook's engine in Pyodide (CPython compiled to WebAssembly, as a browser runs it), under Node.
// Usage: node chain.mjs ENGINE_PY STEPS RUNS   -> prints one JSON line
// bench/bench.py runs it; `npm ci` in this folder installs Pyodide first.
import { loadPyodide } from "pyodide";
import { readFileSync } from "node:fs";

const [enginePath, steps, runs] = process.argv.slice(2);
const py = await loadPyodide();
py.FS.mkdirTree("/bench/gradbook");
py.FS.writeFile("/bench/gradbook/__init__.py", "");
py.FS.writeFile("/bench/gradbook/engine.py", readFileSync(enginePath, "utf8"));
py.globals.set("STEPS", Number(steps));
py.globals.set("RUNS", Number(runs));
const result = py.runPython(`
import json, platform, sys, time
sys.path.insert(0, "/bench")
from gradbook.engine import Value

def run(n):
    t0 = time.perf_counter()
    x = Value(1.0)
    for _ in range(n):
        x = x * 1.0001 + 0.5
    x.backward()
    seconds = time.perf_counter() - t0
    # The graph is freed when run() returns, outside the clock (in Pyodide through
    # gradbook.engine._free_children: recursive freeing would overflow its stack).
    return seconds / (2 * n) * 1e9

json.dumps({"python": platform.python_version(), "ns": [run(STEPS) for _ in range(RUNS)]})
`);
console.log(JSON.stringify({ pyodide: py.version, ...JSON.parse(result) }));

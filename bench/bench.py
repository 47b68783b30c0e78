#!/usr/bin/env python
"""gradbook against Karpathy's micrograd 0.1.0, in one run, on this machine.

    pip install -e ".[bench]"
    python bench/bench.py            # full run, a few minutes
    python bench/bench.py --quick    # smaller graphs, fewer repeats, under a minute

What it measures (see bench/README.md):

* a long chain ``x = x*1.0001 + 0.5`` and a wide sum ``sum(a_i*b_i)`` of
  50, 450, 10^4, 10^5 (and 10^6, chain only) steps: forward, backward and
  freeing time per op node, and micrograd's time over gradbook's for each;
* memory per op node of a 10^5-op-node graph: the graph (tracemalloc) and the
  peak resident memory of forward+backward (each engine in a fresh process);
* a training step of micrograd's moons demo, MLP(2, [16, 16, 1]), with each
  library's own nn and with micrograd's nn on gradbook's Value;
* PyTorch scalar tensors on the chain, for reference, when torch is importable;
* gradbook in Pyodide (CPython compiled to WebAssembly, the browser's Python)
  under Node against CPython on the 10^4 chain, when bench/pyodide is set up.

Timings are the CPU time of the measuring thread (time.thread_time, so other
work on the machine does not count), medians over several runs that include
the first call (no warm-up is discarded), with the garbage collector on, as a
user runs the code. The engines take turns, run after run.
"""

import argparse
import gc
import importlib.util
import os
import platform
import random
import statistics
import subprocess
import sys
import threading
import time
import tracemalloc

try:
    from micrograd.engine import Value as MValue
    from micrograd.nn import MLP as MMLP
except ImportError:
    sys.exit('micrograd is not installed: run  pip install -e ".[bench]"  (it pins micrograd==0.1.0)')

import minimal  # bench/minimal.py: gradbook's design with nothing else

from gradbook.data import make_moons
from gradbook.engine import Value as GValue
from gradbook.nn import MLP as GMLP

ENGINES = {"gradbook": (GValue, GMLP), "micrograd": (MValue, MMLP)}

# Targets for gradbook against micrograd on the same machine (issue 14).
TARGET_SPEED_450 = 2.5  # forward+backward per op node, chain of 450 steps and sum of 450 products
TARGET_SPEED_1E5 = 4.0  # the same at 100,000
TARGET_BACKWARD = 1.0  # backward alone faster at every size
TARGET_MEMORY = {
    "chain": 268 / 1168,
    "wide": 188 / 688,
}  # graph memory per op node: bytes before issue 14 / micrograd's
TARGET_MLP_SHAPE = 6.0  # moons step, micrograd's nn on gradbook's Value against micrograd
# Issue 22: gradbook against the minimal engine of its own design, and Value(x) against micrograd's.
TARGET_MINIMAL = 1.15  # gradbook's forward+backward time over the minimal engine's, at most, at every N
MINIMAL_NS = [10, 50, 450, 5_000, 100_000]
TARGET_LEAF = 1.5  # micrograd's Value(x) time over gradbook's, at least

# CPU time of this thread: what another process on the machine does is not counted.
CLOCK = time.thread_time

# micrograd sorts the graph with a recursive function. Past the default
# recursion limit it raises RecursionError; to still compare with it there, the
# limit is raised and micrograd runs in a thread with a large C stack (Python
# before 3.11 uses the C stack for every Python call).
DEEP_STACK_BYTES = 1 << 30


_START = time.perf_counter()


def _version(dist):
    try:
        from importlib.metadata import version

        return version(dist)
    except Exception:  # not installed as a distribution: say so rather than fail
        return "?"


def progress(message):
    """Progress on standard error, so that standard output holds only the results."""
    print(f"[{time.perf_counter() - _START:5.0f} s] {message}", file=sys.stderr, flush=True)


# -- the graphs ------------------------------------------------------------------------


def chain(Value, n):
    """x = x*1.0001 + 0.5, n times: 2n op nodes, each depending on the one before."""
    x = Value(1.0)
    for _ in range(n):
        x = x * 1.0001 + 0.5
    return x


def wide_inputs(Value, n):
    rng = random.Random(n)
    return [Value(rng.uniform(-1, 1)) for _ in range(n)], [Value(rng.uniform(-1, 1)) for _ in range(n)]


def wide(a, b):
    """sum(a_i*b_i): 2n op nodes (n products, n additions; sum() adds them one after another)."""
    return sum(ai * bi for ai, bi in zip(a, b))


def chain_depth(n):
    return 2 * n + 1


def wide_depth(n):
    return n + 2


# -- running micrograd past its recursion limit -------------------------------------------


def run_deep(fn, depth):
    """fn() with the recursion limit raised above ``depth``, in a thread with a large stack."""
    result, error = [], []

    def target():
        try:
            result.append(fn())
        except BaseException as exc:  # re-raised in the caller's thread
            error.append(exc)

    old_limit, old_stack = sys.getrecursionlimit(), threading.stack_size()
    sys.setrecursionlimit(max(old_limit, depth + 1000))
    try:
        threading.stack_size(DEEP_STACK_BYTES)
        try:
            thread = threading.Thread(target=target)
        finally:
            threading.stack_size(old_stack)
        thread.start()
        thread.join()
    finally:
        sys.setrecursionlimit(old_limit)
    if error:
        raise error[0]
    return result[0]


def deepest_ok(build, depth_of, hi=2000):
    """The largest n for which micrograd's backward works at the default recursion limit."""
    lo = 1  # works
    while hi - lo > 1:
        mid = (lo + hi) // 2
        out = build(mid)
        try:
            out.backward()
            lo = mid
        except RecursionError:
            hi = mid
        del out
        gc.collect()
    return lo, depth_of(lo)


# -- timing ------------------------------------------------------------------------------


def timed_run(Value, graph, n):
    """One forward, backward and free of a graph: seconds for each."""
    if graph == "chain":
        t0 = CLOCK()
        out = chain(Value, n)
    else:
        a, b = wide_inputs(Value, n)
        t0 = CLOCK()
        out = wide(a, b)
    t1 = CLOCK()
    out.backward()
    t2 = CLOCK()
    if graph == "wide":
        del a, b
    del out
    gc.collect()  # micrograd's nodes sit in reference cycles: only the collector frees them
    t3 = CLOCK()
    return t1 - t0, t2 - t1, t3 - t2 - _empty_collect()


def _empty_collect():
    """What a gc.collect() costs with nothing to free (the least of 3): taken off the freeing time."""
    times = []
    for _ in range(3):
        t0 = CLOCK()
        gc.collect()
        times.append(CLOCK() - t0)
    return min(times)


class Series:
    """The runs (forward, backward, free seconds) of one engine on one graph size."""

    def __init__(self, label, n_ops):
        self.label, self.n_ops, self.runs, self.note = label, n_ops, [], ""

    def add(self, run):
        self.runs.append(run)

    def ns(self, i):
        """Median ns per op node of part i (0 fwd, 1 bwd, 2 free, 3 fwd+bwd)."""
        vals = [r[0] + r[1] if i == 3 else r[i] for r in self.runs]
        return statistics.median(vals) / self.n_ops * 1e9

    def first(self):
        r = self.runs[0]
        return (r[0] + r[1]) / self.n_ops * 1e9


def bench_graph(graph, ns, reps_for, depth_of):
    """Time gradbook and micrograd on each size; micrograd* (raised limit) where micrograd cannot."""
    rows = []
    for n in ns:
        reps = reps_for(n)
        g = Series("gradbook", 2 * n)
        m = Series("micrograd", 2 * n)
        m_deep = None
        for rep in range(reps):
            # take turns going first, so both engines see the same machine
            order = ["gradbook", "micrograd"] if rep % 2 == 0 else ["micrograd", "gradbook"]
            for name in order:
                if name == "gradbook":
                    g.add(timed_run(GValue, graph, n))
                elif m is None:
                    continue
                elif m_deep is None:
                    try:
                        m.add(timed_run(MValue, graph, n))
                        continue
                    except RecursionError:
                        m.note = "RecursionError"
                    gc.collect()  # the failed run's graph, free now that the exception is gone
                    m_deep = Series("micrograd*", 2 * n)
                if m_deep is not None and name == "micrograd":
                    m_deep.add(run_deep(lambda n=n: timed_run(MValue, graph, n), depth_of(n)))
        rows.append((n, g, m, m_deep))
        progress(f"{graph} N={n:,} done ({reps} runs each)")
    return rows


def fmt_ns(x):
    return f"{x:,.0f}"


def print_graph_table(title, rows, limit):
    """Print one graph's table; return {N: micrograd/gradbook ratios (forward, backward, fwd+bwd)}."""
    print(title)
    print("  ns per op node: median of all runs, the first included; 'first' = fwd+bwd of the first run;")
    print("  'free' = dropping the graph, gc.collect() (less an empty one). micrograd* = micrograd with the recursion")
    print("  limit raised (and a large thread stack), where it raised RecursionError at the default.")
    head = (
        f"  {'N':>9}  {'engine':<11} {'runs':>4} {'forward':>9} {'backward':>9} {'fwd+bwd':>9} {'first':>9} {'free':>9}"
    )
    print(head)
    print("  " + "-" * (len(head) - 2))
    ratios = {}
    for n, g, m, m_deep in rows:
        print(f"  {n:>9,}  " + _series_line(g))
        if m is None:
            print(f"  {'':>9}  {'micrograd':<11} not run at this size")
            continue
        if m.note:
            print(f"  {'':>9}  {'micrograd':<11} RecursionError at the default recursion limit ({limit})")
        else:
            print(f"  {'':>9}  " + _series_line(m))
        ref = m_deep if m.note else m
        if m_deep is not None:
            print(f"  {'':>9}  " + _series_line(m_deep))
        r = [
            ref.ns(0) / g.ns(0),
            ref.ns(1) / g.ns(1),
            ref.ns(3) / g.ns(3),
            ref.first() / g.first(),
            ref.ns(2) / g.ns(2),
        ]
        label = "micrograd*/g" if m.note else "micrograd/g"
        print(f"  {'':>9}  {label:<11} {'':>4} " + " ".join(f"{x:>8.1f}x" for x in r))
        ratios[n] = r[:3]
    print()
    return ratios


def _series_line(s):
    return (
        f"{s.label:<11} {len(s.runs):>4} {fmt_ns(s.ns(0)):>9} {fmt_ns(s.ns(1)):>9} "
        f"{fmt_ns(s.ns(3)):>9} {fmt_ns(s.first()):>9} {fmt_ns(s.ns(2)):>9}"
    )


# -- against the minimal engine ----------------------------------------------------------------


def minimal_run(Value, graph, n):
    """Forward and backward seconds, every leaf made inside the timed forward (inputs included)."""
    t0 = CLOCK()
    out = chain(Value, n) if graph == "chain" else wide(*wide_inputs(Value, n))
    t1 = CLOCK()
    out.backward()
    t2 = CLOCK()
    del out
    gc.collect()
    return t1 - t0, t2 - t1, 0.0


def bench_minimal(ns, reps_for):
    """gradbook and bench/minimal.py on the chain and the wide sum, taking turns."""
    rows = []
    for graph in ("chain", "wide"):
        for n in ns:
            g, m = Series("gradbook", 2 * n), Series("minimal", 2 * n)
            for rep in range(reps_for(n)):
                for Value, series in ((GValue, g), (minimal.Value, m))[:: 1 if rep % 2 == 0 else -1]:
                    series.add(minimal_run(Value, graph, n))
            rows.append((graph, n, g, m))
        progress(f"{graph} against the minimal engine done")
    return rows


def print_minimal_table(rows):
    """Print gradbook against the minimal engine; return {(graph, N): gradbook/minimal fwd+bwd}."""
    print("gradbook against a minimal engine of the same design (bench/minimal.py: __slots__, two children and")
    print("  their local derivatives in slots, iterative sort; no checks, labels, custom ops or numeric rules)")
    print("  ns per op node, median of all runs; every leaf (inputs, constants) is made inside the timed forward")
    head = (
        f"  {'graph':<6} {'N':>8} {'runs':>4}  {'gradbook fwd':>12} {'bwd':>6} {'total':>6}"
        f"  {'minimal fwd':>11} {'bwd':>6} {'total':>6}  {'gradbook/minimal fwd':>20} {'bwd':>5} {'total':>6}"
    )
    print(head)
    print("  " + "-" * (len(head) - 2))
    ratios = {}
    for graph, n, g, m in rows:
        r = [g.ns(i) / m.ns(i) for i in (0, 1, 3)]
        ratios[(graph, n)] = r[2]
        print(
            f"  {graph:<6} {n:>8,} {len(g.runs):>4}  {fmt_ns(g.ns(0)):>12} {fmt_ns(g.ns(1)):>6} {fmt_ns(g.ns(3)):>6}"
            f"  {fmt_ns(m.ns(0)):>11} {fmt_ns(m.ns(1)):>6} {fmt_ns(m.ns(3)):>6}"
            f"  {r[0]:>19.2f}x {r[1]:>4.2f}x {r[2]:>5.2f}x"
        )
    print()
    return ratios


def bench_leaves(n, reps):
    """ns per Value(x): made and dropped at once, and made and kept (10^5 in a list), each engine in turn."""
    engines = {"gradbook": GValue, "micrograd": MValue, "minimal": minimal.Value}
    dropped = {name: [] for name in engines}
    kept = {name: [] for name in engines}
    xs = [random.Random(0).uniform(-1, 1) for _ in range(n)]
    for rep in range(reps):
        for name, Value in list(engines.items())[:: 1 if rep % 2 == 0 else -1]:
            t0 = CLOCK()
            for x in xs:
                Value(x)
            t1 = CLOCK()
            held = [Value(x) for x in xs]
            t2 = CLOCK()
            del held
            gc.collect()
            dropped[name].append((t1 - t0) / n * 1e9)
            kept[name].append((t2 - t1) / n * 1e9)
    return {name: (statistics.median(dropped[name]), statistics.median(kept[name])) for name in engines}


# -- memory --------------------------------------------------------------------------------


def traced_memory(Value, graph, n_ops, backward):
    """tracemalloc bytes per op node: held by the graph, and the peak (forward, and backward if asked)."""
    n = n_ops // 2
    gc.collect()
    inputs = wide_inputs(Value, n) if graph == "wide" else None
    tracemalloc.start()
    try:
        base = tracemalloc.get_traced_memory()[0]
        out = chain(Value, n) if graph == "chain" else wide(*inputs)
        held = tracemalloc.get_traced_memory()[0] - base
        if backward:
            out.backward()
        peak = tracemalloc.get_traced_memory()[1] - base
    finally:
        tracemalloc.stop()
    del out, inputs
    gc.collect()
    return held / n_ops, peak / n_ops


def _proc_status(field):
    """A memory figure of this process from /proc/self/status (Linux), in bytes; None elsewhere."""
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1]) * 1024  # reported in kB
    except OSError:
        pass
    return None


def _rss_now():
    return _proc_status("VmRSS")


def _rss_peak():
    # VmHWM is this program's own high-water mark. ru_maxrss is the fallback, but on
    # Linux it also counts the parent's memory at the fork that started this process.
    peak = _proc_status("VmHWM")
    if peak is not None:
        return peak
    import resource

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak if sys.platform == "darwin" else peak * 1024  # bytes on macOS, KiB elsewhere


def rss_child(engine, graph, n_ops):
    """In a fresh process: growth of the peak resident memory over forward+backward, bytes per op node."""
    Value = ENGINES[engine][0]
    n = n_ops // 2
    inputs = wide_inputs(Value, n) if graph == "wide" else None
    gc.collect()
    base = _rss_now() or _rss_peak()

    def run():
        out = chain(Value, n) if graph == "chain" else wide(*inputs)
        out.backward()

    if engine == "micrograd":
        run_deep(run, chain_depth(n) if graph == "chain" else wide_depth(n))
    else:
        run()
    print((_rss_peak() - base) / n_ops)


def rss_memory(engine, graph, n_ops):
    try:
        import resource  # noqa: F401  (Unix only)
    except ImportError:
        return None
    proc = subprocess.run(
        [sys.executable, os.path.abspath(__file__), "--rss-child", engine, graph, str(n_ops)],
        capture_output=True,
        text=True,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"memory child process failed:\n{proc.stderr}")
    return float(proc.stdout.split()[-1])


def bench_memory(n_ops):
    """Per graph: gradbook and micrograd traced (held, peak) and peak RSS growth, bytes per op node.

    micrograd's backward is not traced: tracemalloc walks the whole Python stack at
    every allocation, which makes a recursion 10^5 deep take minutes.
    """
    results = {}
    for graph in ("chain", "wide"):
        g = traced_memory(GValue, graph, n_ops, backward=True)
        m = traced_memory(MValue, graph, n_ops, backward=False)
        g_rss, m_rss = rss_memory("gradbook", graph, n_ops), rss_memory("micrograd", graph, n_ops)
        results[graph] = (g, m, g_rss, m_rss)
        progress(f"memory {graph} done")
    return results


# -- the moons MLP ---------------------------------------------------------------------------


def moons_loss(model, Value, X, y):
    """micrograd's demo loss: max-margin (SVM) loss, mean, plus alpha 1e-4 L2 over the parameters."""
    inputs = [list(map(Value, xrow)) for xrow in X]
    scores = list(map(model, inputs))
    losses = [(1 + -yi * scorei).relu() for yi, scorei in zip(y, scores)]
    data_loss = sum(losses) * (1.0 / len(losses))
    alpha = 1e-4
    reg_loss = alpha * sum(p * p for p in model.parameters())
    total_loss = data_loss + reg_loss
    accuracy = [(yi > 0) == (scorei.data > 0) for yi, scorei in zip(y, scores)]
    return total_loss, sum(accuracy) / len(accuracy)


def train_step(model, Value, X, y, k):
    total_loss, acc = moons_loss(model, Value, X, y)
    model.zero_grad()
    total_loss.backward()
    learning_rate = 1.0 - 0.9 * k / 100
    for p in model.parameters():
        p.data -= learning_rate * p.grad
    return total_loss.data, acc


def micrograd_nn_on(Value):
    """micrograd's own nn module (a product and a sum per input), its Value swapped for ``Value``."""
    import micrograd.nn

    spec = importlib.util.spec_from_file_location("micrograd_nn_on_gradbook", micrograd.nn.__file__)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.Value = Value  # Neuron looks the name up at each call
    return module.MLP


# The moons runs: (label, Value, MLP). The third builds micrograd's graph, node for
# node, with gradbook's Value: the engines on the same graph.
def mlp_runs():
    return [
        ("gradbook", GValue, GMLP),
        ("micrograd", MValue, MMLP),
        ("g+mg-nn", GValue, micrograd_nn_on(GValue)),
    ]


def bench_mlp(steps):
    X, y = make_moons(100, noise=0.1, seed=1337)
    runs = mlp_runs()
    models = {}
    for name, _, MLP in runs:
        random.seed(1337)  # every nn module draws its weights from the global random, in the same order
        models[name] = MLP(2, [16, 16, 1])
    starts = [[p.data for p in model.parameters()] for model in models.values()]
    same_start = all(start == starts[0] for start in starts)
    times = {name: [] for name, _, _ in runs}
    losses = {name: [] for name, _, _ in runs}
    for k in range(steps):
        order = runs if k % 2 == 0 else runs[::-1]
        for name, Value, _ in order:
            t0 = CLOCK()
            loss, acc = train_step(models[name], Value, X, y, k)
            t1 = CLOCK()
            # Free this step's graph now (micrograd's only goes with the cyclic GC),
            # so that no engine's next step pays for another's garbage.
            gc.collect()
            t2 = CLOCK()
            times[name].append((t1 - t0, t2 - t0 - _empty_collect()))
            losses[name].append((loss, acc))
        progress(f"MLP step {k + 1}/{steps} done")
    final = {name: moons_loss(models[name], Value, X, y) for name, Value, _ in runs}
    final = {name: (loss.data, acc) for name, (loss, acc) in final.items()}
    return times, losses, final, same_start, len(models["gradbook"].parameters())


# -- the browser's Python ----------------------------------------------------------------------------

PYODIDE_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "pyodide")


def bench_pyodide(steps, runs):
    """gradbook's engine in Pyodide under Node against this CPython, the chain, fwd+bwd ns per op node.

    None when node or the Pyodide package is missing; an error message if the run failed.
    """
    import json
    import shutil

    if shutil.which("node") is None or not os.path.isdir(os.path.join(PYODIDE_DIR, "node_modules", "pyodide")):
        return None
    import gradbook.engine

    progress("Pyodide under Node: the chain")
    proc = subprocess.run(
        ["node", os.path.join(PYODIDE_DIR, "chain.mjs"), gradbook.engine.__file__, str(steps), str(runs)],
        capture_output=True,
        text=True,
        cwd=PYODIDE_DIR,
    )
    if proc.returncode != 0:
        return (proc.stderr.strip().splitlines() or ["no output"])[-1]
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    cpython = []
    for _ in range(runs):  # the same code and clock as chain.mjs runs, in this process
        t0 = time.perf_counter()
        out = chain(GValue, steps)
        out.backward()
        cpython.append((time.perf_counter() - t0) / (2 * steps) * 1e9)
        del out
    version = f"{result['pyodide']} (Python {result['python']})"
    return version, statistics.median(cpython), statistics.median(result["ns"])


# -- PyTorch, for reference ------------------------------------------------------------------------


def bench_torch(ns, reps):
    try:
        import torch
    except ImportError:
        return None
    torch.set_num_threads(1)
    rows = []
    for n in ns:
        runs = []
        for _ in range(reps):
            t0 = CLOCK()
            x0 = torch.tensor(1.0, dtype=torch.float64, requires_grad=True)
            x = x0
            for _ in range(n):
                x = x * 1.0001 + 0.5
            t1 = CLOCK()
            x.backward()
            t2 = CLOCK()
            del x, x0
            gc.collect()
            t3 = CLOCK()
            runs.append((t1 - t0, t2 - t1, t3 - t2 - _empty_collect()))
        rows.append((n, runs))
    return torch.__version__, rows


# -- main ---------------------------------------------------------------------------------------


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="smaller graphs and fewer runs (under a minute)")
    parser.add_argument("--rss-child", nargs=3, help=argparse.SUPPRESS)  # ENGINE GRAPH N_OPS, used internally
    args = parser.parse_args()
    if args.rss_child:
        engine, graph, n_ops = args.rss_child
        rss_child(engine, graph, int(n_ops))
        return

    if args.quick:
        chain_ns = wide_ns = [50, 450, 10_000]
        reps = {50: 51, 450: 21, 10_000: 3}
        mem_ops, mlp_steps, torch_reps = 10_000, 3, 2
        minimal_reps = {10: 201, 50: 101, 450: 21, 5_000: 5, 100_000: 2}
    else:
        chain_ns = [50, 450, 10_000, 100_000, 1_000_000]
        wide_ns = [50, 450, 10_000, 100_000]
        reps = {50: 301, 450: 61, 10_000: 9, 100_000: 5, 1_000_000: 2}
        mem_ops, mlp_steps, torch_reps = 100_000, 10, 3
        minimal_reps = {10: 2001, 50: 501, 450: 101, 5_000: 15, 100_000: 5}

    started = time.perf_counter()
    print("gradbook vs micrograd benchmark" + (" (--quick)" if args.quick else ""))
    print(f"  machine : {platform.platform()}, {platform.machine()}, {os.cpu_count()} CPUs")
    print(f"  python  : {platform.python_implementation()} {platform.python_version()}")
    print(f"  engines : gradbook {_version('gradbook')}, micrograd {_version('micrograd')}")
    print(f"  GC on {gc.isenabled()}, thresholds {gc.get_threshold()}; recursion limit {sys.getrecursionlimit()}")
    if hasattr(os, "getloadavg"):
        print(f"  load average at start: {os.getloadavg()[0]:.2f} (other work on the machine skews the times)")
    print("  an op node is a Value made by an operation (a chain of N steps and a sum of N products")
    print("  each have 2N of them); the constants and inputs they use are counted in their cost")
    print()

    progress("finding where micrograd's recursive backward stops")
    chain_ok = deepest_ok(lambda n: chain(MValue, n), chain_depth)
    wide_ok = deepest_ok(lambda n: wide(*wide_inputs(MValue, n)), wide_depth)

    limit = sys.getrecursionlimit()
    chain_rows = bench_graph("chain", chain_ns, reps.get, chain_depth)
    wide_rows = bench_graph("wide", wide_ns, reps.get, wide_depth)
    minimal_rows = bench_minimal(MINIMAL_NS, minimal_reps.get)
    leaves = bench_leaves(100_000, 5 if args.quick else 11)
    mem = bench_memory(mem_ops)
    mlp = bench_mlp(mlp_steps)
    browser = bench_pyodide(10_000, 5 if args.quick else 9)
    torch_result = bench_torch([n for n in chain_ns if 1_000 <= n <= 100_000], torch_reps)
    progress("all measured")

    print(
        f"micrograd's backward at the default recursion limit ({limit}): works up to a chain of "
        f"N = {chain_ok[0]} steps (depth {chain_ok[1]}) and a sum of N = {wide_ok[0]} products "
        f"(depth {wide_ok[1]}); RecursionError beyond."
    )
    print()
    chain_ratios = print_graph_table("Chain  x = x*1.0001 + 0.5, N steps", chain_rows, limit)
    wide_ratios = print_graph_table("Wide sum  sum(a_i*b_i), N products", wide_rows, limit)

    minimal_ratios = print_minimal_table(minimal_rows)
    print("Value(x): ns per leaf, median; 'dropped' = made and let go at once, 'kept' = 10^5 kept in a list")
    print(f"  {'engine':<10} {'dropped':>8} {'kept':>8}   micrograd/this (dropped, kept)")
    leaf_ratio = {name: (leaves["micrograd"][0] / d, leaves["micrograd"][1] / k) for name, (d, k) in leaves.items()}
    for name, (d, k) in leaves.items():
        print(f"  {name:<10} {fmt_ns(d):>8} {fmt_ns(k):>8}   {leaf_ratio[name][0]:.2f}x, {leaf_ratio[name][1]:.2f}x")
    print()

    print(f"Memory per op node (bytes), graph of {mem_ops:,} op nodes")
    print("  graph    = traced by tracemalloc, held after the forward pass (the graph itself)")
    print("  fwd+bwd  = peak traced during forward and backward; not for micrograd, whose recursion")
    print("             10^5 deep makes tracemalloc take minutes (it walks the stack at every allocation)")
    print("  RSS peak = growth of the peak resident memory over forward+backward, each in a fresh process")
    print("             (everything: the allocator, micrograd's recursion frames)")
    print(f"  {'graph':<7} {'engine':<10} {'graph':>8} {'fwd+bwd':>8} {'RSS peak':>9}")
    rss_na = "n/a"
    for graph, (g, m, g_rss, m_rss) in mem.items():
        g_r = f"{g_rss:>9,.0f}" if g_rss is not None else f"{rss_na:>9}"
        m_r = f"{m_rss:>9,.0f}" if m_rss is not None else f"{rss_na:>9}"
        print(f"  {graph:<7} {'gradbook':<10} {g[0]:>8,.0f} {g[1]:>8,.0f} {g_r}")
        print(f"  {'':<7} {'micrograd':<10} {m[0]:>8,.0f} {'-':>8} {m_r}")
        ratio_rss = f"{g_rss / m_rss:>9.2f}" if g_rss is not None and m_rss else f"{rss_na:>9}"
        print(f"  {'':<7} {'g/m ratio':<10} {g[0] / m[0]:>8.2f} {'':>8} {ratio_rss}")
    if mem["chain"][2] is None:
        print("  (RSS not measured: this system has neither /proc nor the resource module)")
    print()

    times, losses, final, same_start, n_params = mlp
    names = list(times)
    print(f"Moons MLP(2, [16, 16, 1]) training step ({n_params} parameters, 100 points, {mlp_steps} SGD steps each)")
    print("  gradbook  = gradbook's own nn: a neuron's weighted sum is one node")
    print("  micrograd = micrograd 0.1.0, its own nn: a product and a sum per input")
    print("  g+mg-nn   = micrograd's nn on gradbook's Value: micrograd's graph, node for node")
    print(f"  same initial weights (random.seed(1337) before each model): {'yes' if same_start else 'NO'}")
    print("  seconds per step: loss, backward and update; '+ free' adds freeing the step's graph")
    print("  (gc.collect() less an empty one); median of the steps, and the first step")
    print(
        f"  {'engine':<10} {'s/step':>8} {'+ free':>8} {'first':>8} {'loss after':>11} {'accuracy':>9}"
        f" {'micrograd/this':>15}"
    )
    med = {name: [statistics.median(t[i] for t in times[name]) for i in (0, 1)] for name in names}
    mlp_ratio = {name: med["micrograd"][0] / med[name][0] for name in names}
    for name in names:
        loss, acc = final[name]
        print(
            f"  {name:<10} {med[name][0]:>8.4f} {med[name][1]:>8.4f} {times[name][0][0]:>8.4f} "
            f"{loss:>11.6f} {acc:>9.0%} {mlp_ratio[name]:>14.1f}x"
        )
    step_diff = max(abs(a[0] - b[0]) for name in names for a, b in zip(losses[name], losses["micrograd"]))
    final_diff = max(abs(final[name][0] - final["micrograd"][0]) for name in names)
    same_loss = same_start and final_diff <= 1e-9 * max(1.0, abs(final["micrograd"][0]))
    print(
        f"  gradbook's loss at each step {[round(loss, 6) for loss, _ in losses['gradbook']]}\n"
        f"  largest |difference| from micrograd's loss, per step: {step_diff:.3g}; after the steps: {final_diff:.3g}"
    )
    print()

    if browser is None:
        print("Pyodide: skipped (needs node and bench/pyodide/node_modules; see bench/README.md).")
    elif isinstance(browser, str):
        print(f"Pyodide: failed: {browser}")
    else:
        version, cpython_ns, pyodide_ns = browser
        print(f"gradbook in Pyodide {version} (CPython compiled to WebAssembly) under Node, chain of 10,000 steps")
        print("  fwd+bwd ns per op node, median; CPython = this process, the same code and clock")
        print(f"  {'CPython':<10} {fmt_ns(cpython_ns):>9}")
        print(f"  {'Pyodide':<10} {fmt_ns(pyodide_ns):>9}   {pyodide_ns / cpython_ns:.1f}x CPython's time")
    print()

    if torch_result is None:
        print("PyTorch: not importable, skipped (pip install torch to add it as a reference).")
    else:
        version, rows = torch_result
        print(f"PyTorch {version} scalar tensors (float64, requires_grad, 1 thread) on the chain, for reference")
        print(
            f"  {'N':>9}  {'runs':>4} {'forward':>9} {'backward':>9} {'fwd+bwd':>9} {'free':>9}   vs gradbook fwd+bwd"
        )
        g_by_n = {n: g for n, g, _, _ in chain_rows}
        for n, runs in rows:
            ops = 2 * n
            med = [statistics.median([r[i] for r in runs]) / ops * 1e9 for i in range(3)]
            tot = statistics.median([r[0] + r[1] for r in runs]) / ops * 1e9
            print(
                f"  {n:>9,}  {len(runs):>4} {fmt_ns(med[0]):>9} {fmt_ns(med[1]):>9} {fmt_ns(tot):>9} "
                f"{fmt_ns(med[2]):>9}   {tot / g_by_n[n].ns(3):.1f}x"
            )
    print()

    print("Targets (gradbook against micrograd, micrograd* where it needed a raised limit)")
    checks = []
    for graph, ratios in (("chain", chain_ratios), ("wide sum", wide_ratios)):
        for n in (450, 100_000):
            target = TARGET_SPEED_450 if n == 450 else TARGET_SPEED_1E5
            if n in ratios:
                checks.append((f"{graph} N={n:,}: forward+backward >= {target:g}x faster", ratios[n][2], ">=", target))
        slowest = min(ratios, key=lambda n: ratios[n][1])
        checks.append(
            (f"{graph}: backward faster at every N (least: N={slowest:,})", ratios[slowest][1], ">", TARGET_BACKWARD)
        )
    for graph in ("chain", "wide"):
        name = "wide sum" if graph == "wide" else graph
        ratio = mem[graph][0][0] / mem[graph][1][0]
        checks.append(
            (
                f"{name} graph memory per op node <= {TARGET_MEMORY[graph]:.3f}x (as before)",
                ratio,
                "<=",
                TARGET_MEMORY[graph],
            )
        )
    checks.append(
        (
            f"moons step, micrograd's nn on gradbook >= {TARGET_MLP_SHAPE:g}x",
            mlp_ratio["g+mg-nn"],
            ">=",
            TARGET_MLP_SHAPE,
        )
    )
    for (graph, n), ratio in minimal_ratios.items():
        name = "wide sum" if graph == "wide" else graph
        checks.append((f"{name} N={n:,}: gradbook/minimal fwd+bwd <= {TARGET_MINIMAL:g}x", ratio, "<=", TARGET_MINIMAL))
    for i, how in enumerate(("dropped", "kept")):
        text = f"Value(x), made and {how}: micrograd/gradbook >= {TARGET_LEAF:g}x"
        checks.append((text, leaf_ratio["gradbook"][i], ">=", TARGET_LEAF))
    for text, value, op, target in checks:
        ok = {">=": value >= target, ">": value > target, "<=": value <= target}[op]
        shown = f"{value:.2f}x" if op == "<=" else f"{value:.1f}x"
        print(f"  {'PASS' if ok else 'FAIL'}  {text:<58} measured {shown}")
    print(
        f"  {'PASS' if same_loss else 'FAIL'}  {'same moons loss after the steps (within 1e-9)':<58} "
        f"gradbook {final['gradbook'][0]:.6f}, micrograd {final['micrograd'][0]:.6f}"
    )
    if args.quick:
        print("  (--quick: small graphs and few runs; run without it for the numbers to quote)")
    print()
    print(f"Total time {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()

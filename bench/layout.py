#!/usr/bin/env python
"""How long Graphviz's dot takes to lay out gradbook graphs, by size: where draw_dot's MAX_NODES comes from.

    python bench/layout.py           # sizes up to 3,000 values, a minute or two

The graphs are the kind the book draws: the loss of an MLP on a few samples
(micrograd's nn on gradbook's Value, a product and a sum per input, so the
graph is as big as the lecture's), laid out by ``dot -Tsvg`` as ``to_svg``
does. Wall time, median of 3; rendering is another process, so this is the
time a reader waits.
"""

import importlib.util
import random
import statistics
import time

from gradbook import Value
from gradbook.viz import draw_dot, trace


def mlp_loss(samples, sizes):
    """A max-margin loss of an MLP on ``samples`` points, micrograd-style (two nodes per weight)."""
    rng = random.Random(0)
    layers = []
    nin = 2
    for nout in sizes:
        layers.append([([Value(rng.uniform(-1, 1)) for _ in range(nin)], Value(0.0)) for _ in range(nout)])
        nin = nout
    loss = Value(0.0)
    for _ in range(samples):
        x = [Value(rng.uniform(-1, 1)), Value(rng.uniform(-1, 1))]
        for i, layer in enumerate(layers):
            x = [sum((wi * xi for wi, xi in zip(w, x)), b) for w, b in layer]
            if i < len(layers) - 1:
                x = [xi.relu() for xi in x]
        loss = loss + (1 + -x[0]).relu()
    return loss


def main():
    print("dot -Tsvg layout time by graph size (values = boxes drawn), wall seconds, median of 3")
    print(f"  {'values':>7} {'seconds':>8}")
    for samples, sizes in [
        (1, [4, 4, 1]),
        (2, [4, 4, 1]),
        (1, [8, 8, 1]),
        (2, [8, 8, 1]),
        (3, [8, 8, 1]),
        (1, [16, 16, 1]),
        (2, [16, 16, 1]),
        (3, [16, 16, 1]),
    ]:
        root = mlp_loss(samples, sizes)
        n = len(trace(root)[0])
        graph = draw_dot(root, max_nodes=None, timeout=None)
        times = []
        for _ in range(3):
            t0 = time.perf_counter()
            graph.pipe(format="svg")
            times.append(time.perf_counter() - t0)
        print(f"  {n:>7,} {statistics.median(times):>8.2f}", flush=True)


if __name__ == "__main__" and importlib.util.find_spec("graphviz"):
    main()

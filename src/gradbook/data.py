"""Toy data for the training chapters, without numpy or scikit-learn.

``make_moons`` draws the same two interleaved half circles as scikit-learn's
``make_moons``, labelled -1/+1 as micrograd's demo does (``y*2 - 1``). It
uses only ``random.Random(seed)`` and ``math``: no numpy, whose random streams
differ between versions. A seed gives the same points wherever Python's
``random`` and the platform's ``cos``/``sin``/``log`` agree to the last bit;
tests/test_data.py pins the points of one seed, so a platform where they do
not is caught rather than silently drawing other moons.
"""

from __future__ import annotations

import math
import random
from numbers import Integral, Real
from typing import Any

__all__ = ["make_moons"]


def _linspace_0_pi(k):
    # i / (k - 1) is exactly 1.0 at the end, so the last angle is exactly pi.
    return [math.pi * (i / (k - 1)) for i in range(k)] if k > 1 else [0.0] * k


def make_moons(n: int = 100, noise: float = 0.1, seed: Any = 0) -> tuple[list[list[float]], list[int]]:
    """``n`` points on two moons: ``(X, y)``, ``X`` a list of ``[x1, x2]``.

    The first ``n // 2`` points are the outer moon (label -1), the rest the
    inner one (label +1). Each coordinate gets Gaussian noise of standard
    deviation ``noise``.

    Examples:
        >>> X, y = make_moons(4, noise=0.0)
        >>> [[round(v, 3) for v in p] for p in X]
        [[1.0, 0.0], [-1.0, 0.0], [0.0, 0.5], [2.0, 0.5]]
        >>> y
        [-1, -1, 1, 1]
    """
    if isinstance(n, bool) or not isinstance(n, Integral):
        raise TypeError(f"n must be an int (the number of points), got {type(n).__name__}: {n!r}")
    if n < 1:
        raise ValueError(f"n must be at least 1, got {n}")
    if isinstance(noise, bool) or not isinstance(noise, Real):
        raise TypeError(f"noise must be a real number, got {type(noise).__name__}: {noise!r}")
    if not 0 <= noise < math.inf:
        raise ValueError(f"noise must be a finite number >= 0 (a standard deviation), got {noise}")

    rng = random.Random(seed)
    n_out = n // 2
    outer = [(math.cos(t), math.sin(t)) for t in _linspace_0_pi(n_out)]
    inner = [(1 - math.cos(t), 1 - math.sin(t) - 0.5) for t in _linspace_0_pi(n - n_out)]
    X = [[x1 + rng.gauss(0, noise), x2 + rng.gauss(0, noise)] for x1, x2 in outer + inner]
    y = [-1] * len(outer) + [1] * len(inner)
    return X, y

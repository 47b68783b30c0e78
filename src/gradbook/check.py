"""Checking backpropagation against the definition of the derivative.

The lecture's ``lol()`` nudges one input by a small ``h``, runs the forward
pass again and computes ``(L2 - L1) / h``. ``numeric_grads`` does that for
every input; ``gradcheck`` compares the result with what ``backward()`` says.

It nudges both ways, ``(f(x + h) - f(x - h)) / 2h`` (central differences):
the error shrinks like h**2 instead of h, so a tolerance of 1e-5 is enough
to tell a right local derivative from a wrong one.
"""

import math
from dataclasses import dataclass
from typing import List, NamedTuple

from .engine import Value

__all__ = ["numeric_grads", "gradcheck", "GradcheckResult", "GradRow"]


def _number(out):
    return out.data if isinstance(out, Value) else float(out)


def numeric_grads(f, inputs, h=1e-6):
    """The slope of ``f`` along each input, by central finite differences.

    ``f`` takes a list of floats and returns a ``Value`` or a float.

    Examples:
        >>> f = lambda x: x[0] * x[0] + 3 * x[1]
        >>> [round(g, 6) for g in numeric_grads(f, [2.0, 5.0])]
        [4.0, 3.0]
    """
    if not h > 0:
        raise ValueError(f"h must be a positive step, got {h!r}")
    xs = [float(x) for x in inputs]
    grads = []
    for i in range(len(xs)):
        up, down = list(xs), list(xs)
        up[i] += h
        down[i] -= h
        grads.append((_number(f(up)) - _number(f(down))) / (2 * h))
    return grads


class GradRow(NamedTuple):
    """One input's gradient, from ``backward()`` and from finite differences.

    Examples:
        >>> row = gradcheck(lambda v: v[0] * v[0], [3.0]).rows[0]
        >>> row.name, row.analytic, row.ok
        ('x0', 6.0, True)
    """

    name: str
    analytic: float
    numeric: float
    abs_err: float
    ok: bool


@dataclass
class GradcheckResult:
    """What ``gradcheck`` found; true when every gradient matches.

    Examples:
        >>> result = gradcheck(lambda v: v[0] * v[1], [2.0, 3.0], names=["a", "b"])
        >>> bool(result), [row.name for row in result.rows]
        (True, ['a', 'b'])
    """

    rows: List[GradRow]
    rtol: float
    atol: float

    @property
    def ok(self):
        return all(row.ok for row in self.rows)

    def __bool__(self):
        return self.ok

    def report(self, show_all=False):
        """A table of the gradients that do not match, or of all with ``show_all``.

        Examples:
            >>> print(gradcheck(lambda v: v[0] * v[0], [3.0]).report())
            gradcheck: all 1 gradients match (rtol=1e-05, atol=1e-06)
        """
        bad = [row for row in self.rows if not row.ok]
        shown = self.rows if show_all else bad
        n = len(self.rows)
        head = f"{len(bad)} of {n} gradients do not match" if bad else f"all {n} gradients match"
        lines = [f"gradcheck: {head} (rtol={self.rtol:g}, atol={self.atol:g})"]
        if not shown:
            return lines[0]
        width = max(len("input"), *(len(row.name) for row in shown))
        lines.append(f"{'input':<{width}}  {'backward()':>14}  {'numeric':>14}  {'abs err':>10}")
        for row in shown:
            flag = "" if row.ok else "  <-- wrong"
            lines.append(
                f"{row.name:<{width}}  {row.analytic:>14.8g}  {row.numeric:>14.8g}  {row.abs_err:>10.3g}{flag}"
            )
        return "\n".join(lines)

    __str__ = report


def gradcheck(f, inputs, h=1e-6, rtol=1e-5, atol=1e-6, *, names=None, raise_on_fail=False):
    """Compare the gradients ``backward()`` gives with numeric ones.

    ``f`` takes a list of ``Value`` (one per number in ``inputs``, labelled
    with ``names``) and returns a ``Value``. A gradient matches when
    ``|analytic - numeric| <= atol + rtol * |numeric|``. With
    ``raise_on_fail=True`` a mismatch raises ``AssertionError`` with the report.

    Examples:
        >>> r = gradcheck(lambda v: (v[0] * v[1]).tanh(), [0.5, -1.0], names=["x", "w"])
        >>> r.ok
        True
        >>> [round(row.analytic, 4) for row in r.rows]
        [-0.7864, 0.3932]
    """
    xs = [float(x) for x in inputs]
    names = [f"x{i}" for i in range(len(xs))] if names is None else [str(n) for n in names]
    if len(names) != len(xs):
        raise ValueError(f"got {len(names)} names for {len(xs)} inputs")

    leaves = [Value(x, label=name) for x, name in zip(xs, names)]
    out = f(leaves)
    if not isinstance(out, Value):
        raise TypeError(f"f must return a Value to backpropagate through, got {type(out).__name__}")
    out.backward()

    # The same f, fed fresh Values, so ops like .tanh() work on the nudged inputs.
    numeric = numeric_grads(lambda ys: f([Value(y) for y in ys]), xs, h)
    rows = []
    for leaf, num in zip(leaves, numeric):
        # == first: inf - inf is nan, yet two equal infinities do match.
        err = 0.0 if leaf.grad == num else abs(leaf.grad - num)
        ok = math.isfinite(err) and err <= atol + rtol * abs(num)
        rows.append(GradRow(leaf.label, leaf.grad, num, err, ok))

    result = GradcheckResult(rows, rtol, atol)
    if raise_on_fail and not result.ok:
        raise AssertionError(result.report())
    return result

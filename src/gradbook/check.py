"""Checking backpropagation against the definition of the derivative.

The lecture's ``lol()`` nudges one input by a small ``h``, runs the forward
pass again and computes ``(L2 - L1) / h``. ``numeric_grads`` does that for
every input; ``gradcheck`` compares the result with what ``backward()`` says.

It nudges both ways, ``(f(x + h) - f(x - h)) / 2h`` (central differences):
the error shrinks like h**2 instead of h, so a tolerance of 1e-5 is enough
to tell a right local derivative from a wrong one.

A finite difference is a measurement, and it can fail too, so ``gradcheck``
does not blame ``backward()`` for every disagreement:

* a nudge outside ``f``'s domain (``log`` of ``1e-7 - h``) raises a
  ``ValueError`` that names the input and the nudge and says what to change;
* where the measurement is unreliable, the report says "numeric in doubt"
  and why, instead of "wrong": ``f`` is NaN or infinite nearby, the slope
  from the left and from the right differ (a kink, like relu at 0), or the
  difference moves when ``h`` is halved (a pole or a steep curve within ``h``,
  like ``x / y`` at ``y = 1e-7``). At a kink, a ``backward()`` slope outside
  the two one-sided slopes is still wrong.

``gradcheck(..., value=MyValue)`` checks a reader's own engine: any class
whose objects have ``data``, ``grad``, ``_prev`` and ``backward()``, as the
chapters' ``Value`` has from chapter 2 on.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, NamedTuple

from .engine import Value

__all__ = ["numeric_grads", "gradcheck", "GradcheckResult", "GradRow"]

# What a function raises outside its domain: math.log(-1), Value(-1).log(),
# 1 / 0, math.exp(1000).
_DOMAIN_ERRORS = (ValueError, ArithmeticError)


_VALUE_LIKE = ("data", "grad", "_prev", "backward")


def _number(out):
    return out.data if hasattr(out, "data") and hasattr(out, "_prev") else float(out)


def _missing(obj):
    return [name for name in _VALUE_LIKE if not hasattr(obj, name)]


def _value_class(value):
    """``value``, checked: a class (or function) that makes a Value-like leaf from a float."""
    if not callable(value):
        raise TypeError(
            f"gradcheck: value= must be a Value class, such as the one you wrote (value=Value), "
            f"got {type(value).__name__}: {value!r}"
        )
    return value


def _check_h(h):
    if not h > 0:
        raise ValueError(f"h must be a positive step, got {h!r}")


def _nudged(f, xs, i, step, name, h_text):
    """``f`` with input ``i`` moved by ``step``; a clear error if ``f`` is undefined there."""
    ys = list(xs)
    ys[i] += step
    try:
        return _number(f(ys))
    except _DOMAIN_ERRORS as err:
        sign = "+" if step > 0 else "-"
        raise ValueError(
            f"the finite difference for {name} cannot be computed: f fails at the nudge "
            f"{name} {sign} {h_text} = {ys[i]!r} ({name} = {xs[i]!r}) with {type(err).__name__}: {err}. "
            f"{name} is within {h_text} = {abs(step):g} of the edge of f's domain: "
            f"use a smaller h, or check at a point further from the edge."
        ) from err


def numeric_grads(f: Callable[[list[float]], Any], inputs: Iterable[float], h: float = 1e-6) -> list[float]:
    """The slope of ``f`` along each input, by central finite differences.

    ``f`` takes a list of floats and returns a ``Value`` or a float. If ``f``
    fails at a nudged point (outside its domain), a ``ValueError`` says which
    input and which nudge.

    Examples:
        >>> f = lambda x: x[0] * x[0] + 3 * x[1]
        >>> [round(g, 6) for g in numeric_grads(f, [2.0, 5.0])]
        [4.0, 3.0]
        >>> import math
        >>> numeric_grads(lambda x: math.log(x[0]), [1e-7])  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        ValueError: the finite difference for x0 cannot be computed: f fails at the nudge x0 - h = -9e-07 ...
    """
    _check_h(h)
    xs = [float(x) for x in inputs]
    grads = []
    for i in range(len(xs)):
        up = _nudged(f, xs, i, h, f"x{i}", "h")
        down = _nudged(f, xs, i, -h, f"x{i}", "h")
        grads.append((up - down) / (2 * h))
    return grads


def _doubt(f, xs, i, fx, h, tol, name, analytic=None):
    """The central difference for input ``i``, and why it may be off ("" if it looks sound).

    Uses ``f`` at ``x +- h`` and ``x +- h/2``: for a smooth ``f`` the slopes
    from the left and the right differ by about ``h * f''``, so halving ``h``
    halves their gap and hardly moves the central difference.
    """
    up, down = _nudged(f, xs, i, h, name, "h"), _nudged(f, xs, i, -h, name, "h")
    num = (up - down) / (2 * h)
    if not all(math.isfinite(v) for v in (fx, up, down, num)):
        return num, (
            f"f is not finite near {name} = {xs[i]!r} (f = {fx!r} there, {down!r} at {name} - h, "
            f"{up!r} at {name} + h), so the finite difference {num!r} says nothing about the slope."
        )
    # Each value of f is off by a rounding error of at least half an ulp, and
    # dividing by 2h magnifies it: with f about 1e4 and h = 1e-6 that is 1e-6.
    noise = sys.float_info.epsilon * max(abs(fx), abs(up), abs(down)) / h
    if noise > tol(num):
        return num, (
            f"f is about {max(abs(fx), abs(up), abs(down)):.2g} near {name} = {xs[i]!r}, so its rounding "
            f"error alone moves the finite difference by about {noise:.2g}, more than the tolerance: "
            f"the numeric value is mostly rounding. Try a larger h, or inputs where f is smaller."
        )
    up2, down2 = _nudged(f, xs, i, h / 2, name, "h/2"), _nudged(f, xs, i, -h / 2, name, "h/2")
    half = (up2 - down2) / h
    if not (math.isfinite(half) and abs(half - num) <= tol(num)):
        return num, (
            f"the finite difference moves from {num:.8g} to {half:.8g} when h is halved: f's slope "
            f"changes within h of {name} = {xs[i]!r} (a pole, a kink or a steep curve nearby). "
            f"Try a smaller h, or a point further from it."
        )
    right, left = (up - fx) / h, (fx - down) / h
    right2, left2 = (up2 - fx) / (h / 2), (fx - down2) / (h / 2)
    gap, gap2 = right - left, right2 - left2
    low, high = min(left, right, left2, right2), max(left, right, left2, right2)
    outside = analytic is not None and not (low - tol(low) <= analytic <= high + tol(high))
    # a smooth f would halve the gap; a slope outside both sides is wrong whatever the kink
    if abs(gap) > tol(num) and abs(gap2) > 0.75 * abs(gap) and not outside:
        return num, (
            f"the slope from the left ({left:.8g}) and from the right ({right:.8g}) differ, also with "
            f"h halved: f has a kink at {name} = {xs[i]!r} (like relu at 0), where it has no derivative, "
            f"and backward() gives one side's slope (or one in between) by convention. "
            f"Check at a point away from the kink."
        )
    return num, ""


class GradRow(NamedTuple):
    """One input's gradient, from ``backward()`` and from finite differences.

    ``doubt`` says why the finite difference may be off, or is ``""`` when it
    looks sound; a row that does not match and has a doubt is not evidence
    against ``backward()``.

    Examples:
        >>> row = gradcheck(lambda v: v[0] * v[0], [3.0]).rows[0]
        >>> row.name, row.analytic, row.ok, row.doubt
        ('x0', 6.0, True, '')
    """

    name: str
    analytic: float
    numeric: float
    abs_err: float
    ok: bool
    doubt: str = ""


@dataclass
class GradcheckResult:
    """What ``gradcheck`` found; true when every gradient matches.

    Examples:
        >>> result = gradcheck(lambda v: v[0] * v[1], [2.0, 3.0], names=["a", "b"])
        >>> bool(result), [row.name for row in result.rows]
        (True, ['a', 'b'])
    """

    rows: list[GradRow]
    rtol: float
    atol: float

    @property
    def ok(self) -> bool:
        return all(row.ok for row in self.rows)

    def __bool__(self) -> bool:
        return self.ok

    def report(self, show_all: bool = False) -> str:
        """A table of the gradients that do not match, or of all with ``show_all``.

        A mismatch is marked ``<-- wrong`` when the finite difference looks
        sound, and ``<-- numeric in doubt`` (with the reason below the table)
        when it does not: then ``backward()`` may well be right.

        Examples:
            >>> print(gradcheck(lambda v: v[0] * v[0], [3.0]).report())
            gradcheck: all 1 gradients match (rtol=1e-05, atol=1e-06)
            >>> print(gradcheck(lambda v: v[0].relu(), [0.0]).report())  # doctest: +NORMALIZE_WHITESPACE
            gradcheck: 1 of 1 gradients do not match (rtol=1e-05, atol=1e-06),
              1 where the finite difference is in doubt
            input      backward()         numeric     abs err
            x0                  0             0.5         0.5  <-- numeric in doubt
            x0: the slope from the left (0) and from the right (1) differ, also with h halved:
              f has a kink at x0 = 0.0 (like relu at 0), where it has no derivative,
              and backward() gives one side's slope (or one in between) by convention.
              Check at a point away from the kink.
        """
        bad = [row for row in self.rows if not row.ok]
        shown = self.rows if show_all else bad
        n = len(self.rows)
        head = f"{len(bad)} of {n} gradients do not match" if bad else f"all {n} gradients match"
        lines = [f"gradcheck: {head} (rtol={self.rtol:g}, atol={self.atol:g})"]
        doubted = [row for row in bad if row.doubt]
        if doubted:
            lines[0] += f", {len(doubted)} where the finite difference is in doubt"
        if not shown:
            return lines[0]
        width = max(len("input"), *(len(row.name) for row in shown))
        lines.append(f"{'input':<{width}}  {'backward()':>14}  {'numeric':>14}  {'abs err':>10}")
        for row in shown:
            flag = "" if row.ok else "  <-- numeric in doubt" if row.doubt else "  <-- wrong"
            lines.append(
                f"{row.name:<{width}}  {row.analytic:>14.8g}  {row.numeric:>14.8g}  {row.abs_err:>10.3g}{flag}"
            )
        lines += [f"{row.name}: {row.doubt}" for row in doubted]
        return "\n".join(lines)

    __str__ = report


def gradcheck(
    f: Callable[[list[Any]], Any],
    inputs: Iterable[float],
    h: float = 1e-6,
    rtol: float = 1e-5,
    atol: float = 1e-6,
    *,
    names: Iterable[object] | None = None,
    raise_on_fail: bool = False,
    value: Callable[[float], Any] = Value,
) -> GradcheckResult:
    """Compare the gradients ``backward()`` gives with numeric ones.

    ``f`` takes a list of ``Value`` (one per number in ``inputs``, labelled
    with ``names``) and returns a ``Value``. ``value`` is the class that makes
    those inputs, gradbook's ``Value`` by default, or your own: anything whose
    objects have ``data``, ``grad``, ``_prev`` and ``backward()`` (a
    ``TypeError`` names what is missing). A gradient matches when
    ``|analytic - numeric| <= atol + rtol * |numeric|``. With
    ``raise_on_fail=True`` a mismatch raises ``AssertionError`` with the report.

    A nudge outside ``f``'s domain raises ``ValueError`` naming the input and
    the nudge. Where the finite difference itself is unreliable (NaN or
    infinity nearby, a kink, a slope that changes within ``h``) the row's
    ``doubt`` says so, and the report marks it "numeric in doubt", not "wrong".

    Examples:
        >>> r = gradcheck(lambda v: (v[0] * v[1]).tanh(), [0.5, -1.0], names=["x", "w"])
        >>> r.ok
        True
        >>> [round(row.analytic, 4) for row in r.rows]
        [-0.7864, 0.3932]
        >>> gradcheck(lambda v: v[0].log(), [1e-7])  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        ValueError: the finite difference for x0 cannot be computed: f fails at the nudge x0 - h = -9e-07 ...

        Your own engine: a ``Value`` whose ``*`` forgets ``* out.grad``.

        >>> class MyValue:
        ...     def __init__(self, data, _children=()):
        ...         self.data, self.grad, self._prev = data, 0.0, set(_children)
        ...         self._backward = lambda: None
        ...     def __mul__(self, other):
        ...         out = MyValue(self.data * other.data, (self, other))
        ...         def _backward():
        ...             self.grad += other.data  # should be other.data * out.grad
        ...             other.grad += self.data * out.grad
        ...         out._backward = _backward
        ...         return out
        ...     def backward(self):
        ...         topo, seen = [], set()
        ...         def build(v):
        ...             if v not in seen:
        ...                 seen.add(v)
        ...                 for child in v._prev:
        ...                     build(child)
        ...                 topo.append(v)
        ...         build(self)
        ...         self.grad = 1.0
        ...         for v in reversed(topo):
        ...             v._backward()
        >>> r = gradcheck(lambda v: (v[0] * v[1]) * MyValue(3.0), [2.0, 5.0], names=["a", "b"], value=MyValue)
        >>> [(row.name, row.analytic, row.ok) for row in r.rows]
        [('a', 5.0, False), ('b', 6.0, True)]
    """
    _check_h(h)
    xs = [float(x) for x in inputs]
    labels = [f"x{i}" for i in range(len(xs))] if names is None else [str(n) for n in names]
    if len(labels) != len(xs):
        raise ValueError(f"got {len(labels)} names for {len(xs)} inputs")

    make = _value_class(value)
    leaves = [make(x, label=name) if make is Value else make(x) for x, name in zip(xs, labels)]
    missing = _missing(leaves[0]) if leaves else []
    if missing:
        raise TypeError(
            f"gradcheck: {getattr(make, '__name__', make)!s}({xs[0]!r}) has no {', '.join(missing)}: gradcheck "
            f"needs a Value-like class, whose objects have data, grad, _prev and backward()"
        )
    try:
        out = f(leaves)
    except (AttributeError, TypeError) as err:
        if "'list'" not in str(err):
            raise
        raise TypeError(
            f"{err}: gradcheck calls f with a list of Values, one per input; index it, as in lambda v: v[0] * v[1]"
        ) from err
    if _missing(out):
        raise TypeError(
            f"f must return a Value to backpropagate through, got {type(out).__name__}"
            + (f" (it has no {', '.join(_missing(out))})" if hasattr(out, "data") else "")
        )
    out.backward()

    def tol(num):
        return atol + rtol * abs(num)

    # The same f, fed fresh Values, so ops like .tanh() work on the nudged inputs.
    def g(ys):
        return f([make(y) for y in ys])

    rows = []
    for i, leaf in enumerate(leaves):
        num, doubt = _doubt(g, xs, i, out.data, h, tol, labels[i], leaf.grad)
        # == first: inf - inf is nan, yet two equal infinities do match.
        abs_err = 0.0 if leaf.grad == num else abs(leaf.grad - num)
        ok = math.isfinite(abs_err) and abs_err <= tol(num)
        rows.append(GradRow(labels[i], leaf.grad, num, abs_err, ok, doubt))

    result = GradcheckResult(rows, rtol, atol)
    if raise_on_fail and not result.ok:
        raise AssertionError(result.report())
    return result

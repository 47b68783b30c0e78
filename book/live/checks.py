"""What every exercise's check can use: run before the check, in a namespace of its own.

The same text runs in three places: in the page (book/live/check.js fetches it
on the first Check and runs it in the browser's Python), in the notebook (its
first Check cell) and in the tests (book/exercises.py). It needs nothing but
the standard library, and it works on the reader's own classes: a check is
handed the namespace of the reader's session and looks names up in it, so it
judges the reader's `Value`, not gradbook's.

A check is a function `check(ns)` that raises `Wrong("what is wrong")` when
the answer is not right, and may return a sentence to say when it is.
"""

import math


class Wrong(Exception):
    """What is wrong with the reader's answer, in words."""


def need(ns, *names):
    """The reader's definitions of `names`, or Wrong naming the first one missing."""
    missing = [n for n in names if n not in ns]
    if missing:
        raise Wrong(f"there is no `{missing[0]}` yet: define it in the block above, then press Check again")
    values = [ns[n] for n in names]
    return values[0] if len(values) == 1 else values


def given(value, what):
    """`value` unless it is still the starter's `...`."""
    if value is Ellipsis:
        raise Wrong(f"{what} is still `...`: replace it with your answer")
    return value


def close(got, expected, what, tol=1e-6):
    """Wrong unless `got` is `expected` (numbers: within `tol`, relative or absolute)."""
    if isinstance(expected, (int, float)) and not isinstance(expected, bool):
        if isinstance(got, bool) or not isinstance(got, (int, float)):
            raise Wrong(f"{what}: expected the number {expected!r}, got {got!r}")
        if not math.isclose(got, expected, rel_tol=tol, abs_tol=tol):
            shown = f"{expected!r}" if tol < 1e-9 else f"{expected:.6g}"  # as many digits as the check needs
            raise Wrong(f"{what}: expected {shown}, got {got!r}")
    elif got != expected:
        raise Wrong(f"{what}: expected {expected!r}, got {got!r}")


def numeric(f, xs, h=1e-6):
    """Central differences of a function of plain floats, one per input."""
    out = []
    for i in range(len(xs)):
        up, down = list(xs), list(xs)
        up[i] += h
        down[i] -= h
        out.append((f(up) - f(down)) / (2 * h))
    return out


def backprop(root):
    """The reader's `_backward` closures called in reverse topological order, from root.grad = 1.

    For chapters whose `Value` has closures but no `backward()` of its own yet.
    """
    order, seen, stack = [], set(), [(root, False)]
    while stack:
        node, done = stack.pop()
        if done:
            order.append(node)
        elif id(node) not in seen:
            seen.add(id(node))
            stack.append((node, True))
            stack.extend((child, False) for child in reversed(tuple(node._prev)))
    root.grad = 1.0
    for node in reversed(order):
        node._backward()


def gradients(value_class, f, xs, names, expr=None, backward=None, tol=1e-5):
    """Wrong unless the gradients of `f`, built from the reader's `value_class`, match the nudge.

    `f` takes a list of leaves and returns the output node; `backward(root)`
    runs the backward pass (default: the reader's own `root.backward()`).
    """
    leaves = [value_class(x) for x in xs]
    root = f(leaves)
    (backward or (lambda r: r.backward()))(root)
    expected = numeric(lambda v: f([value_class(x) for x in v]).data, xs)
    at = ", ".join(f"{n} = {x}" for n, x in zip(names, xs))
    at = f"in {expr}, at {at}" if expr else f"at {at}"
    for name, leaf, want in zip(names, leaves, expected):
        if not math.isclose(leaf.grad, want, rel_tol=tol, abs_tol=tol):
            raise Wrong(f"the gradient of {name} {at}: expected {want:.6g} (from nudging {name}), got {leaf.grad!r}")


def gb_check(check, ns):
    """Run `check` on the reader's namespace and say, in words, passed or what is wrong."""
    try:
        said = check(ns)
    except Wrong as wrong:
        print(f"Not yet: {wrong}")
        return False
    except Exception as error:  # the reader's code raised while the check ran it
        print(f"Not yet: your code raised {type(error).__name__} when the check ran it: {error}")
        return False
    print(f"Passed: {said}" if said else "Passed.")
    return True

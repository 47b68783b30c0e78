"""A scalar value that remembers how it was made, and backpropagation through it.

This is the engine the book builds, chapter by chapter. It keeps micrograd's
shape (``Value``, ``data``, ``grad``, ``_prev``, ``_op``, ``_backward``,
``backward()``), and a new operation can be added the lecture's way, a node
``Value(data, children, op)`` and a ``_backward`` closure. A few changes a
reader can see, each there for speed or for a clear answer:

* ``__slots__``: a node is a small fixed record, not a dict. Graphs get big.
* gradbook's own operations store the *local derivatives* of their output
  with respect to their children instead of a closure. No closure means no
  reference cycle, so a graph is freed as soon as nobody holds its output.
* a node keeps its first two children and their local derivatives in four
  slots, ``_a``/``_da`` and ``_b``/``_db`` (the rest, for a node with more,
  in ``_more``), not in tuples: every object a node owns is one more for
  Python's cyclic garbage collector to walk, again and again while the graph
  lives, and in a big forward pass that walking costs more than the arithmetic.
  ``_prev`` and ``_local`` give them as tuples, as micrograd's ``_prev`` does.
* seven slots, no more: each slot costs every node of every graph time in
  each pass of the garbage collector (bench/: one slot more is ~15% on a big
  forward pass). ``_info`` is the operation, a ``str``, for a plain node;
  a node with anything else (a label, a third child, a ``_backward``
  function) keeps it all in one ``_Extra`` there instead. ``_op``,
  ``label``, ``_more`` and ``_fn`` read and write it.
* ``_fn`` is ``None`` for a node whose local derivatives are all it needs;
  otherwise it says what else ``backward()`` must do for it: call the
  ``_backward`` function a user set, a subclass's ``_backward`` method, or a
  rule that computes a gradient a stored local derivative cannot hold
  (``_EXACT``, for instance ``g / x`` for ``log(x)`` where ``1 / x`` overflows).
* operations make their nodes with ``_node``, which skips the checks
  that ``Value(...)`` makes on what a user passes in.
* ``backward()`` sorts the graph with an explicit stack, not recursion, so a
  chain a million nodes deep works, and applies the chain rule in one loop,
  written out for the one- and two-child nodes nearly every graph is made of.
* copying and pickling walk the graph the same way, so they work at any depth.
* in Pyodide (the Python of the book's live pages) a node being freed hands its
  children to one loop, so dropping a deep graph does not overflow the
  browser's stack (see ``_free_children``).
"""

from __future__ import annotations

import copy as _copy
import math
import sys
import threading
from collections.abc import Callable, Iterable
from fractions import Fraction
from numbers import Real
from typing import Any, Union

__all__ = ["Value"]

Number = int | float
Operand = Union["Value", int, float]

# What _fn holds besides None (nothing more to do) or a user's function.
_EXACT = 1  # a gradient rule of its own, by _op (see _exact_step)
_SUBCLASS = 2  # a subclass's own _backward method
_MISSING = 3  # made with children and no local derivatives, and no _backward set yet

_EMPTY = ""
_TINY = sys.float_info.min  # the smallest normal float: below it a float loses digits


class Value:
    """A number in a computation graph, with the gradient of a result with respect to it.

    **The public API**, micrograd's:

    - ``Value(data, label="")``: a leaf (an input, a weight, a constant);
    - ``v.data``: the number; ``v.grad``: d(output)/d(v), filled by ``backward()``;
    - ``v.label``: a name for drawings and errors;
    - operations: ``+ - * / **`` and unary ``-`` with Values or numbers on
      either side, ``exp()``, ``log()``, ``tanh()``, ``relu()``, ``sigmoid()``,
      each giving a new ``Value`` that remembers its inputs (``_prev``) and
      its operation (``_op``);
    - ``out.backward()``: fills ``grad`` of every node ``out`` depends on.

    **A new operation, the lecture's way.** ``Value(data, children, op)``
    makes a node with children; give it a ``_backward`` function that adds
    each child's share of ``out.grad``, and ``backward()`` calls it in
    topological order, mixed freely with gradbook's own operations, for any
    number of children. Or pass the local derivatives,
    ``Value(data, children, op, _local=(d1, d2, ...))``: the fast path that
    gradbook's own operations take (no closure, no reference cycle).
    ``backward()`` raises ``ValueError`` at a node that has children but
    neither ``_local`` nor a ``_backward`` function.

    >>> import math
    >>> def tanh(x):
    ...     t = math.tanh(x.data)
    ...     out = Value(t, (x,), "tanh")
    ...     def _backward():
    ...         x.grad += (1 - t**2) * out.grad
    ...     out._backward = _backward
    ...     return out
    >>> x = Value(0.5)
    >>> y = tanh(x * 2.0) + x
    >>> y.backward()
    >>> round(x.grad, 6)
    1.839949

    **Numbers: one policy for every operation.** An operation raises only when
    its operands are finite numbers for which the result is undefined, and the
    message names the operands as written. Everything else follows IEEE-754
    arithmetic, as PyTorch does in float64, except that a NaN never vanishes:

    - finite operands outside the domain (`log(x)` with `x <= 0`; `x / 0`;
      `0 ** k` with `k < 0`; a negative base to a non-integer power;
      `x ** Value(k)` with `x <= 0`): `ValueError` (`ZeroDivisionError` for the
      two divisions by zero);
    - a NaN: a NaN result. `relu(nan)` is NaN and passes the gradient on, as in
      PyTorch; `nan ** 0` and `1 ** nan` are NaN, where IEEE-754 and PyTorch say 1;
    - an infinity: what IEEE-754 gives: `inf - inf` is NaN, `exp(-inf)` is 0,
      `tanh(inf)` is 1, `inf / 0` is inf;
    - finite operands with a result too large for a float (`*`, `/`, `**`,
      `exp`): `inf` or `-inf`, never an exception;
    - `Value(10**400)`, or an int too large for a float beside a Value:
      `OverflowError`, naming it;
    - not a real number (`str`, `None`, `bool`, `complex`, `Decimal`, a
      `Value` given to `Value()`): `TypeError`.

    Gradients follow the chain rule with these numbers, and a gradient that is
    finite in exact arithmetic is finite and correct to float64 rounding even
    where a local derivative alone is too large or too small for a float:
    `log(x)` passes `g / x`, `x / y` passes `g / y` and `-g * x / y**2`, and
    `x ** k` passes `g * k * x**(k-1)`, each computed without overflowing in
    between (`Value(5e-324).log() * 1e-300` gives the leaf 2.02e23, not
    inf). A NaN reaches a gradient wherever a local derivative uses it (for
    `a * b`, `b.grad` gets `a`), and an infinite gradient times a computed
    slope of 0 is NaN, as in PyTorch (`a * 0`). Two slopes are exactly zero
    by definition: `relu` below 0 and `x ** 0`; they pass 0 whatever finite
    or infinite gradient arrives, as in PyTorch, and a NaN as NaN.
    `tanh` and `sigmoid` never overflow: `Value(1000).tanh()` is 1 with
    gradient 0.

    **Identity.** A `Value` is a node, not a number: `==` and `hash` are by
    identity (two nodes holding 2.0 are different nodes, and a node can be a
    dict key or a set member), `<` and the other orderings raise `TypeError`,
    and so does `float(v)`: compare or convert `v.data`.

    **Copies.** `copy.copy` makes a new node sharing the children;
    `copy.deepcopy` and `pickle` copy the whole graph, at any depth, keeping
    each node's class, numbers, label (deep-copied too), operation and local
    derivatives, and which nodes are shared. A node whose `_backward` is a
    function cannot be copied or pickled (the function refers to the original
    nodes): that raises `TypeError`, and a failed copy or pickle leaves
    nothing behind.

    Examples:
        >>> a = Value(2.0, label="a")
        >>> b = a * a + 1
        >>> b.backward()
        >>> b.data, a.grad
        (5.0, 4.0)
        >>> (Value(1e200) * 1e200).data, Value(1000.0).exp().data
        (inf, inf)
        >>> x = Value(float("nan"))
        >>> y = x.relu()
        >>> y.backward()
        >>> y.data, x.grad
        (nan, 1.0)
        >>> Value(0.0).log()
        Traceback (most recent call last):
        ...
        ValueError: Value(0.0).log(): the logarithm needs a positive number
        >>> Value(2.0) == Value(2.0), Value(2.0).data == Value(2.0).data
        (False, True)
    """

    __slots__ = ("data", "grad", "_a", "_da", "_b", "_db", "_info")

    data: float
    grad: float
    _a: Any
    _da: float
    _b: Any
    _db: float
    _info: Any  # str, or an _Extra

    def __init__(
        self,
        data: Number,
        _children: Iterable[Value] = (),
        _op: str = "",
        label: Any = "",
        _local: Iterable[Number] | None = None,
    ) -> None:
        """A leaf holding ``data``, or with ``_children``, a node an operation made.

        ``_local``: the local derivatives d(self)/d(child), one per child; without
        it, set ``_backward`` to a function before calling ``backward()``.
        """
        self.data = data if type(data) is float else _as_float(data)
        self.grad = 0.0
        # A leaf leaves _da, _b and _db empty: nothing reads them while _a is None (and an empty
        # slot is one store less, and one pointer less for the garbage collector to follow).
        self._a = None
        self._info = _op
        # `is not ""`: the defaults are the one empty string; a leaf, the common case, skips the rest.
        if _children or _op is not _EMPTY or label is not _EMPTY or _local is not None:
            if type(_op) is not str:
                self._info = str(_op)
            if label != "":
                self.label = label
            if _children or _local:
                _link(self, _children, _local)

    def __init_subclass__(cls, **kwargs: Any) -> None:
        # A subclass with a _backward method of its own: its nodes say so in _fn, for backward().
        # Done here, once per class, so that Value(x) itself checks nothing for it.
        super().__init_subclass__(**kwargs)
        init = cls.__init__
        if cls._backward is not _BACKWARD and not getattr(init, "_marks_subclass", False):

            def __init__(self, *args: Any, **kw: Any) -> None:
                init(self, *args, **kw)
                if type(self)._backward is not _BACKWARD:
                    self._fn = _SUBCLASS

            __init__._marks_subclass = True  # type: ignore[attr-defined]
            __init__.__doc__ = init.__doc__
            cls.__init__ = __init__  # type: ignore[method-assign]

    # -- what a node keeps besides its numbers and two children: in _info ---------------------

    @property
    def label(self) -> Any:
        """A name for drawings and messages (``""``: none)."""
        info = self._info
        return "" if type(info) is str else info.label

    @label.setter
    def label(self, label: Any) -> None:
        _extra(self).label = label

    @property
    def _op(self) -> str:
        """The operation that made this node (``""`` for a leaf)."""
        info = self._info
        return info if type(info) is str else info.op

    @_op.setter
    def _op(self, op: str) -> None:
        info = self._info
        if type(info) is str:
            self._info = op
        else:
            info.op = op

    @property
    def _more(self):
        """The children after the first two and their local derivatives, ``(children, local)``; or ``()``."""
        info = self._info
        return () if type(info) is str else info.more

    @_more.setter
    def _more(self, more):
        if more or type(self._info) is not str:
            _extra(self).more = more

    @property
    def _fn(self):
        info = self._info
        return None if type(info) is str else info.fn

    @_fn.setter
    def _fn(self, fn):
        if fn is not None or type(self._info) is not str:
            _extra(self).fn = fn

    @property
    def _prev(self) -> tuple[Value, ...]:
        """The children, in order: ``()`` for a leaf."""
        if self._a is None:
            return ()
        if self._b is None:
            return (self._a,)
        return (self._a, self._b) + (self._more[0] if self._more else ())

    @property
    def _local(self) -> tuple[float, ...] | None:
        """d(self)/d(child) for each child, in the order of ``_prev``; ``None`` with a ``_backward`` function."""
        fn = self._fn
        if fn is _MISSING or callable(fn):
            return None
        if self._a is None:
            return ()
        if self._b is None:
            return (self._da,)
        return (self._da, self._db) + (self._more[1] if self._more else ())

    @_local.setter
    def _local(self, local: Iterable[Number]) -> None:
        fn = self._fn
        _link(self, self._prev, local)
        if fn is _SUBCLASS:
            self._fn = fn

    def _get_backward(self) -> Callable[[], None]:
        fn = self._fn
        return fn if callable(fn) else self._step

    def _set_backward(self, fn: Callable[[], None]) -> None:
        if not callable(fn):
            raise TypeError(
                f"{_show(self)}._backward must be a function taking no arguments, got {type(fn).__name__}: {fn!r}"
            )
        self._fn = fn

    _backward = property(
        _get_backward,
        _set_backward,
        doc="""One step of the chain rule for this node: add each child's share of ``self.grad`` to its ``grad``.

        Set it, as the lecture does, to a function of no arguments; ``backward()``
        calls it once, after ``self.grad`` is complete. Unset, it applies the
        stored local derivatives.""",
    )

    def _step(self) -> None:
        """``_backward`` of a node without a function of its own: the stored local derivatives."""
        fn = self._fn
        if fn is _EXACT:
            _exact_step(self)
        elif fn is _MISSING:
            raise _missing_rule(self)
        else:
            for child, local in zip(self._prev, self._local or ()):
                child.grad += local * self.grad

    def __repr__(self) -> str:
        """``Value(data=..., grad=...)``."""
        return f"Value(data={self.data}, grad={self.grad})"

    # -- the chain rule, over the whole graph -------------------------------------------------

    def _topo(self, leaves: bool = True) -> list[Value]:
        """Every node this one depends on, each after all of its children.

        The same order as micrograd's recursive ``build_topo`` (children in the
        order of ``_prev``), built with an explicit stack so depth is unbounded.
        The stack holds nodes only: a node with children goes back on the stack
        under a ``None`` marker, and is finished when the marker comes off.
        ``leaves=False`` leaves out the nodes without children, which is what
        ``backward()`` needs: a leaf passes no gradient on.
        """
        topo, visited = [], set()
        stack: list[Any] = [self]
        # `while True`, not `while stack:`: CPython 3.11 does not specialise a
        # `while stack:` loop until the function has been called 8 times.
        while True:
            if not stack:
                break
            node = stack.pop()
            if node is None:  # every child of the node under the marker is done
                topo.append(stack.pop())
            elif node._a is not None:  # tested before `visited`: most nodes a walk meets are leaves
                if node not in visited:
                    visited.add(node)
                    stack.append(node)
                    stack.append(None)
                    # The children in reverse: the first is popped, and so finished, first.
                    if node._b is not None:
                        info = node._info
                        if type(info) is not str and info.more:
                            stack += info.more[0][::-1]
                        stack.append(node._b)
                    stack.append(node._a)
            elif leaves and node not in visited:  # a leaf is finished as soon as it is reached
                visited.add(node)
                topo.append(node)
        return topo

    def backward(self) -> None:
        """Fill ``grad`` of every node in the graph with d(self)/d(node).

        Leaves (the nodes no operation made: inputs, weights, constants)
        *accumulate*: a second call adds this call's gradient to what is there.
        Every node an operation made, the root included, starts again from
        zero, so a second call on the same graph adds exactly the same amount
        to each leaf, as PyTorch does (micrograd instead pushes the inner
        nodes' old gradients down again). Zero the leaves first, for example
        with ``Module.zero_grad()``, to start again.

        Examples:
            >>> a = Value(3.0)
            >>> c = (a * 1.0) * 1.0
            >>> c.backward()
            >>> a.grad
            1.0
            >>> c.backward()  # no zeroing in between: the leaf adds up
            >>> a.grad
            2.0
        """
        if self._a is None:  # a leaf on its own: d(self)/d(self) = 1, added like any leaf's
            self.grad += 1.0
            return
        topo = self._topo(leaves=False)
        for node in topo:
            node.grad = 0.0
        self.grad = 1.0
        for node in reversed(topo):
            info = node._info
            if type(info) is not str:  # a node with extras: a label, more children, a rule of its own
                fn = info.fn
                if fn is not None:
                    if fn is _EXACT:
                        _exact_step(node)
                    elif fn is _SUBCLASS:
                        node._backward()
                    elif fn is _MISSING:
                        raise _missing_rule(node)
                    else:
                        fn()
                    continue
                if info.more:
                    g = node.grad
                    for child, local in zip(*info.more):
                        child.grad += local * g
            # child.grad += local * node.grad, as in _step, without a call per node.
            g = node.grad
            node._a.grad += node._da * g
            b = node._b
            if b is not None:
                b.grad += node._db * g

    # -- operations ---------------------------------------------------------------

    def __add__(self, other: Operand) -> Value:
        """``self + other``; both local derivatives are 1."""
        if type(other) is not Value:
            other = _coerce(other)
            if other is NotImplemented:
                return other
        return _node(self.data + other.data, "+", self, 1.0, other, 1.0)  # type: ignore[union-attr]

    def __mul__(self, other: Operand) -> Value:
        """``self * other``; the local derivative for each side is the other side's number."""
        if type(other) is not Value:
            other = _coerce(other)
            if other is NotImplemented:
                return other
        return _node(self.data * other.data, "*", self, other.data, other, self.data)  # type: ignore[union-attr]

    def __sub__(self, other: Operand) -> Value:
        """``self - other``; local derivatives 1 and -1."""
        if type(other) is not Value:
            other = _coerce(other)
            if other is NotImplemented:
                return other
        return _node(self.data - other.data, "-", self, 1.0, other, -1.0)  # type: ignore[union-attr]

    def __neg__(self) -> Value:
        """``-self``; local derivative -1."""
        return _node(-self.data, "neg", self, -1.0)

    def __truediv__(self, other: Operand) -> Value:
        """``self / other``; ``ZeroDivisionError`` for a finite ``self`` over 0."""
        return self._divide(other)

    def _divide(self, other, written=None):
        # written: the plain number the user wrote on the left, to name it in an error.
        if type(other) is not Value:
            other = _coerce(other)
            if other is NotImplemented:
                return other
        x, y = self.data, other.data
        if y == 0.0:
            if math.isfinite(x):
                left = _show(self) if written is None else _short(written)
                raise ZeroDivisionError(f"{left} / {_show(other)}: division by zero")
            # inf or NaN over zero: IEEE-754 gives inf (signed) or NaN, as PyTorch does.
            out = x * math.copysign(math.inf, y) if x == x else x
            return _node(out, "/", self, math.copysign(math.inf, y), other, -out * math.copysign(math.inf, y))
        out = x / y
        da, db = 1.0 / y, -out / y
        node = _node(out, "/", self, da, other, db)
        if not (_TINY <= abs(da) < math.inf and (_TINY <= abs(db) < math.inf or x == 0.0)):
            if math.isfinite(x) and math.isfinite(y):  # 1/y or x/y**2 beyond a float: g/y and g*x/y**2
                node._fn = _EXACT
        return node

    def __pow__(self, other: Operand) -> Value:
        """``self ** other``; a number exponent or a ``Value`` one (then ``self`` must be positive)."""
        if isinstance(other, Value):
            return self._pow_value(other)
        if isinstance(other, bool) or not isinstance(other, Real):
            return NotImplemented
        x, k = self.data, _operand(other)
        if math.isfinite(x) and math.isfinite(k):
            if x == 0.0 and k < 0:
                raise ZeroDivisionError(f"{_show(self)} ** {_short(other)}: zero to a negative power is undefined")
            if x < 0 and not k.is_integer():
                raise ValueError(f"{_show(self)} ** {_short(other)}: a negative base needs an integer exponent")
        out = _pow(x, k)
        exact = False
        if k == 0 and x == x:
            local, exact = 0.0, True  # x**0 is 1 everywhere: a slope of exactly 0
        elif x == 0.0 and k <= 1:
            # At x = 0 the slope k * x**(k-1) is 1 for k = 1, infinite for 0 < k < 1.
            local = 1.0 if k == 1 else math.inf
        else:
            local = k * _pow(x, k - 1)
            # k * x**(k-1) beyond a float, for a finite x: g * k * x**(k-1) in one piece instead.
            exact = not _TINY <= abs(local) < math.inf and x != 0.0 and math.isfinite(x) and math.isfinite(k)
        node = _node(out, f"**{_short(other)}", self, local)
        node._db = k  # a one-child node has no second local derivative: the exponent, for _exact_step
        if exact:
            node._fn = _EXACT
        return node

    def _pow_value(self, other, written=None):
        x, k = self.data, other.data
        if math.isfinite(x) and math.isfinite(k) and not x > 0:
            # d/dk x**k = x**k * ln(x) exists only for x > 0.
            base = _show(self) if written is None else _short(written)
            raise ValueError(f"{base} ** {_show(other)}: a Value exponent needs a positive base")
        out = _pow(x, k)
        # d/dk x**k = x**k * ln(x); where x**k is 0 for k >= 0 (x = 0), so is the slope, as in PyTorch.
        local_k = 0.0 if out == 0.0 and k >= 0 else out * _log(x)
        local_x = 0.0 if k == 0 and x == x else k * _pow(x, k - 1)
        node = _node(out, "**", self, local_x, other, local_k)
        if math.isfinite(x) and math.isfinite(k) and x == x:
            if k == 0 or not _TINY <= abs(local_x) < math.inf or not (_TINY <= abs(local_k) < math.inf or x == 1):
                node._fn = _EXACT
        return node

    # 2 * v, 1 - v, 2 / v, 2 ** v: Python asks the Value on the right.
    def __radd__(self, other: Number) -> Value:
        """``other + self`` for a number ``other``."""
        left = _coerce(other)
        return left if left is NotImplemented else left.__add__(self)

    def __rmul__(self, other: Number) -> Value:
        """``other * self`` for a number ``other``."""
        left = _coerce(other)
        return left if left is NotImplemented else left.__mul__(self)

    def __rsub__(self, other: Number) -> Value:
        """``other - self`` for a number ``other``."""
        left = _coerce(other)
        return left if left is NotImplemented else left.__sub__(self)

    def __rtruediv__(self, other: Number) -> Value:
        """``other / self`` for a number ``other``."""
        left = _coerce(other)
        return left if left is NotImplemented else left._divide(self, written=other)

    def __rpow__(self, other: Number) -> Value:
        """``other ** self`` for a number ``other``, which must be positive."""
        base = _coerce(other)
        return base if base is NotImplemented else base._pow_value(self, written=other)

    def exp(self) -> Value:
        """``e ** self``; its slope is itself. Past ``exp(709.78)`` both are ``inf``.

        Examples:
            >>> y = Value(0.0).exp()
            >>> y.data
            1.0
        """
        x = self.data
        try:
            out = math.exp(x)
        except OverflowError:  # IEEE-754 and PyTorch give inf; Python's math raises
            out = math.inf
        return _node(out, "exp", self, out)

    def log(self) -> Value:
        """The natural logarithm; ``ValueError`` for a finite ``self.data <= 0``.

        NaN gives NaN, ``inf`` gives ``inf`` and ``-inf`` gives NaN, as in IEEE-754.

        Examples:
            >>> x = Value(2.0)
            >>> y = x.log()
            >>> y.backward()
            >>> x.grad
            0.5
        """
        x = self.data
        if x > 0:
            node = _node(math.log(x), "log", self, 1.0 / x)
            if not _TINY <= node._da < math.inf and x < math.inf:  # 1/x beyond a float: g/x instead
                node._fn = _EXACT
            return node
        if math.isfinite(x):
            raise ValueError(f"{_show(self)}.log(): the logarithm needs a positive number")
        return _node(math.nan, "log", self, 1.0 / x if x == x else x)  # -inf or NaN

    def tanh(self) -> Value:
        """The hyperbolic tangent, squashing any number into (-1, 1).

        Examples:
            >>> x = Value(1000.0)
            >>> y = x.tanh()
            >>> y.backward()
            >>> y.data, x.grad
            (1.0, 0.0)
        """
        # math.tanh saturates to +-1 instead of overflowing the way
        # (exp(2x) - 1) / (exp(2x) + 1) does for x beyond ~355.
        t = math.tanh(self.data)
        return _node(t, "tanh", self, 1.0 - t * t)

    def relu(self) -> Value:
        """``max(0, self)``: the gradient passes where the input is positive (or NaN).

        Examples:
            >>> Value(-2.0).relu().data, Value(3.0).relu().data
            (0.0, 3.0)
        """
        x = self.data
        # `x <= 0`, not `x > 0`: NaN compares false both ways, and must stay NaN.
        if x <= 0:
            node = _node(0.0, "ReLU", self, 0.0)
            node._fn = _EXACT  # a slope of exactly 0: 0 passes, whatever (finite or infinite) arrives
            return node
        return _node(x, "ReLU", self, 1.0)

    def sigmoid(self) -> Value:
        """``1 / (1 + exp(-self))``, computed so that it never overflows.

        Examples:
            >>> Value(0.0).sigmoid().data, Value(-1000.0).sigmoid().data
            (0.5, 0.0)
        """
        x = self.data
        # Only ever exp of a non-positive number, so it cannot overflow.
        if x >= 0:
            s = 1.0 / (1.0 + math.exp(-x))
        else:
            e = math.exp(x)  # NaN lands here too, and stays NaN
            s = e / (1.0 + e)
        return _node(s, "sigmoid", self, s * (1.0 - s))

    # -- copies and pickles, at any depth ---------------------------------------------

    def _fields(self):
        """Everything a node holds, its children as they are: what a copy or a pickle needs."""
        fn = self._fn
        if callable(fn):
            raise TypeError(
                f"{_show(self)} (op {self._op!r}) has a _backward function, which refers to the nodes it was "
                f"made with: a copy or a pickle of it would pass gradients to the originals. Give the node its "
                f"local derivatives instead (Value(data, children, op, _local=...)) to copy it."
            )
        state = getattr(self, "__dict__", None)  # a subclass's own attributes
        a = self._a
        da, b, db = (self._da, self._b, self._db) if a is not None else (0.0, None, 0.0)
        return (self.data, self.grad, self.label, self._op, a, da, b, db, self._more) + (
            type(self),
            fn,
            dict(state) if state else None,
        )

    def __copy__(self) -> Value:
        """A new node with the same numbers, label and children (the children are shared)."""
        return _restore(*self._fields())

    def __deepcopy__(self, memo: dict) -> Value:
        """A copy of the whole graph, made children first so that nothing recurses."""
        todo = [node for node in self._topo() if id(node) not in memo]
        fields = [node._fields() for node in todo]  # a node that cannot be copied refuses before anything is made
        for node, (data, grad, label, op, a, da, b, db, more, cls, fn, state) in zip(todo, fields):
            a = memo[id(a)] if a is not None else None
            b = memo[id(b)] if b is not None else None
            if more:
                more = (tuple([memo[id(child)] for child in more[0]]), more[1])
            if not isinstance(label, (str, int, float, type(None))):
                label = _copy.deepcopy(label, memo)  # a list or a dict label must not be shared
            if state:
                state = _copy.deepcopy(state, memo)
            memo[id(node)] = _restore(data, grad, label, op, a, da, b, db, more, cls, fn, state)
        return memo[id(self)]

    def __reduce_ex__(self, protocol):
        # pickle writes a node's children before the node, recursing once per level,
        # so a deep graph would exceed the recursion limit. Instead the outermost node
        # of a pickle lists its whole graph first, children before parents: by the time
        # pickle writes any node, its children are already written, and it never recurses.
        fields = self._fields()
        if self._a is None or self in _pickling.nodes:
            return _restore, fields
        graph = self._topo()[:-1]
        for node in graph:
            node._fields()  # a node that cannot be pickled says so before anything is written
        return _restore_after, (_GraphFirst(graph),) + fields


_BACKWARD = Value.__dict__["_backward"]


def _node(data, op, a=None, da=0.0, b=None, db=0.0):
    """A node made by an operation (or a leaf for a plain number): ``Value.__init__`` without its checks.

    ``a`` and ``b`` are its children, ``da`` and ``db`` the local derivatives of
    ``data`` with respect to them.
    """
    out = _new(Value)
    out.data = data
    out.grad = 0.0
    out._a = a
    out._da = da
    out._b = b
    out._db = db
    out._info = op
    return out


_new = object.__new__


def _node_n(data, op, children, local):
    """A node with any number of children (tuples, one local derivative each), without checks."""
    out = _node(data, op)
    n = len(children)
    if n:
        out._a, out._da = children[0], local[0]
        if n > 1:
            out._b, out._db = children[1], local[1]
            if n > 2:
                out._info = _Extra(op, more=(children[2:], local[2:]))
    return out


def _link(node, children, local):
    """Check and store ``children`` and their local derivatives ``local`` (None: a ``_backward`` to come)."""
    children = tuple(children)
    for i, child in enumerate(children):
        if not isinstance(child, Value):
            raise TypeError(
                f"Value({node.data!r}, ...): every child must be a Value, but child {i} is "
                f"{type(child).__name__}: {_short(child)}. Wrap a number in Value() first."
            )
    if local is None:
        fn, local = _MISSING, (0.0,) * len(children)
    else:
        fn, local = None, tuple(x if type(x) is float else _local_float(x, node) for x in local)
        if len(local) != len(children):
            raise ValueError(
                f"Value({node.data!r}, ...) needs one local derivative per child (_local=): "
                f"{len(children)} children, {len(local)} given"
            )
    n = len(children)
    node._a, node._da = (children[0], local[0]) if n > 0 else (None, 0.0)
    node._b, node._db = (children[1], local[1]) if n > 1 else (None, 0.0)
    node._more = (children[2:], local[2:]) if n > 2 else ()
    node._fn = fn if n else None


def _local_float(x, node):
    if isinstance(x, bool) or not isinstance(x, Real):
        raise TypeError(
            f"Value({node.data!r}, ...): a local derivative must be a real number, got {type(x).__name__}: {_short(x)}"
        )
    return _operand(x)


def _missing_rule(node):
    name = f" {node.label!r}" if node.label else ""
    return ValueError(
        f"backward(): the node{name} {_show(node)} (op {node._op!r}) was made with children but no way to pass "
        f"its gradient on: set its _backward to a function (out._backward = _backward), or give "
        f"Value(data, children, op, _local=(...)) one local derivative per child"
    )


# -- gradients a stored local derivative cannot hold ----------------------------------------


def _exact_step(node):
    """``_backward`` of a node marked ``_EXACT``: its gradient rule by operation, in one piece.

    A stored local derivative is a float, and ``local * g`` rounds or overflows
    it before ``g`` can bring it back: ``1 / 5e-324`` is ``inf`` though
    ``1e-300 / 5e-324`` is 2.02e23. Here each contribution is computed whole.
    """
    g = node.grad
    op = node._op
    a = node._a
    if op == "ReLU" or op.startswith("**") and node._b is None and node._db == 0:
        # A slope of exactly 0 (relu below 0, x ** 0): nothing passes, not even an overflow; a NaN does.
        if g != g:
            a.grad += g
        return
    x = a.data
    if op == "log":
        a.grad += g / x
    elif op == "/":
        y = node._b.data
        a.grad += g / y
        node._b.grad -= _scaled((g, x), (y, y))
    elif op == "**":  # x ** Value(k)
        k = node._b.data
        if k != 0:
            a.grad += _pow_grad(g, x, k, node.data)
        elif g != g:
            a.grad += g
        node._b.grad += (
            _scaled((g, node.data, math.log(x))) if math.isfinite(node.data) else _exp_grad(g, x, k) * math.log(x)
        )
    else:  # "**k"
        a.grad += _pow_grad(g, x, node._db, node.data)


def _scaled(num, den=()):
    """The product of ``num`` over the product of ``den``, rounded once, with no overflow on the way.

    Exact rational arithmetic (``fractions``), then one rounding to the nearest
    float: a subnormal, 0 or ``inf`` only if the true result is one. Only the
    rare nodes marked ``_EXACT`` come here. ``den`` must be finite and non-zero;
    a NaN or an infinity among ``num`` gives what float arithmetic gives.
    """
    if not all(math.isfinite(x) for x in num):
        out = 1.0
        for x in num:
            out *= x
        return out
    out = Fraction(1)
    for x in num:
        out *= Fraction(x)
    for x in den:
        out /= Fraction(x)
    try:
        return float(out)
    except OverflowError:
        return math.inf if out > 0 else -math.inf


def _pow_grad(g, x, k, out):
    """``g * k * x**(k-1)`` for a finite ``x != 0``, where ``out`` is ``x**k``."""
    if k.is_integer() and abs(k) <= 1024 and math.isfinite(g):
        return _exact_power(g, x, int(k))
    if math.isfinite(out) and out != 0.0:
        return _scaled((g, k, out), (x,))  # x**(k-1) = x**k / x
    return _exp_grad(g, x, k - 1) * k


def _exact_power(g, x, k):
    """``g * k * x**(k-1)`` exactly, then rounded, for an integer ``k``."""
    out = Fraction(g) * k * Fraction(x) ** (k - 1)
    try:
        return float(out)
    except OverflowError:
        return math.inf if out > 0 else -math.inf


def _exp_grad(g, x, k):
    """``g * x**k``, where ``x**k`` itself is beyond a float, through logarithms (to about 1e-13)."""
    if g == 0.0 or g != g:
        return g * 0.0 if math.isfinite(g) else g
    sign = math.copysign(1.0, g) * (-1.0 if x < 0 and k % 2 == 1 else 1.0)
    try:
        return sign * math.exp(math.log(abs(g)) + k * math.log(abs(x)))
    except OverflowError:
        return sign * math.inf


def _restore(data, grad, label, op, a, da, b, db, more, cls=Value, fn=None, state=None):
    out = _new(cls)
    out.data, out.grad, out._a, out._da, out._b, out._db, out._info = data, grad, a, da, b, db, op
    if label != "" or more or fn is not None:
        out._info = _Extra(op, label, fn, more)
    if state:
        out.__dict__.update(state)
    return out


class _Extra:
    """What a node keeps in ``_info`` when its operation is not all: see the module's docstring."""

    __slots__ = ("op", "label", "fn", "more")

    def __init__(self, op, label="", fn=None, more=()):
        self.op, self.label, self.fn, self.more = op, label, fn, more


def _extra(node):
    """The node's ``_Extra``, made now if it has only its operation so far."""
    info = node._info
    if type(info) is str:
        info = node._info = _Extra(info)
    return info


def _restore_after(graph, *fields):
    if len(fields) == 10:  # a pickle of gradbook 0.1.0's first format: a None after the graph
        fields = fields[1:]
    return _restore(*fields)


class _Pickling(threading.local):
    nodes: frozenset = frozenset()  # of the graphs the pickles in progress (in this thread) are writing first


_pickling = _Pickling()


class _GraphFirst:
    """The nodes of a graph, children first: pickled as a list, with ``_pickling.nodes`` set while it is written.

    pickle takes a list's items from the iterator ``_listing`` one by one, so
    the nodes are marked only while they are written, and a pickle that fails
    part-way closes the iterator, whose ``finally`` unmarks them: nothing stays.
    """

    def __init__(self, graph):
        self.graph = graph

    def __reduce__(self):
        return list, (), None, _listing(self.graph)


def _listing(graph):
    before = _pickling.nodes
    _pickling.nodes = before | set(graph)
    try:
        yield from graph
    finally:
        _pickling.nodes = before


# Freeing a node frees its children, which free theirs: native CPython bounds
# that nesting (its "trashcan"), but in Pyodide, CPython compiled to
# WebAssembly, the nested frees run on the browser's own stack, and dropping a
# chain of a few thousand nodes overflows it and kills the interpreter for good
# ("Pyodide has suffered a fatal error"). There a node's finalizer hands its
# children to one loop instead, and the nesting is never more than two deep.
_orphans = None  # children of freed nodes, while the outermost free runs its loop


def _free_children(node):
    """``Value.__del__`` in Pyodide: give the children to the running loop, or run one."""
    global _orphans
    try:
        more = node._more
        kids = [k for k in (node._a, node._b, *(more[0] if more else ())) if k is not None]
    except AttributeError:  # Value(...) refused its input before the node had children
        return
    node._a = node._b = None
    node._more = ()
    if _orphans is not None:
        _orphans.extend(kids)  # freed by the loop below, in an outer call
        return
    _orphans = kids
    try:
        while _orphans:
            _orphans.pop()  # the last reference to it, often: its own _free_children runs, and returns
    finally:
        _orphans = None


if sys.platform == "emscripten":
    # Only there: a finalizer costs every free, and native CPython needs none.
    Value.__del__ = _free_children


# -- numbers in, numbers out -------------------------------------------------------------


def _as_float(data):
    if isinstance(data, Value):
        raise TypeError(
            f"Value() needs a number, got a Value: {data!r}. Use the Value itself, or Value(v.data) for a new leaf "
            f"with the same number"
        )
    # bool is an int subclass; Value(True) is almost always a bug in the caller.
    if isinstance(data, bool) or not isinstance(data, Real):
        raise TypeError(f"Value() needs a real number (int or float), got {type(data).__name__}: {_short(data)}")
    try:
        return float(data)
    except OverflowError:
        raise OverflowError(f"Value({_short(data)}): too large for a float (the largest is about 1.8e308)") from None


def _operand(number):
    """A plain number a user wrote next to a Value, as a float."""
    try:
        return float(number)
    except OverflowError:
        raise OverflowError(f"{_short(number)} is too large for a float (the largest is about 1.8e308)") from None


def _coerce(other):
    """A Value for a Value or a real number; NotImplemented for anything else.

    Returning NotImplemented lets Python raise its own clear TypeError
    ("unsupported operand type(s) for +: 'Value' and 'str'").
    """
    if type(other) is float:  # the usual cases first, without the slow ABC check
        return _node(other, "")
    if type(other) is int:
        return _node(_operand(other), "")
    if isinstance(other, Value):
        return other
    if isinstance(other, bool) or not isinstance(other, Real):
        return NotImplemented
    return _node(_operand(other), "")


def _pow(x, k):
    """``x ** k`` as IEEE-754 has it: inf where Python raises OverflowError, NaN in gives NaN out."""
    if x != x or k != k:
        return math.nan  # IEEE-754 says nan ** 0 == 1 ** nan == 1; a NaN must not vanish
    try:
        return x**k
    except OverflowError:
        return -math.inf if x < 0 and k % 2 == 1 else math.inf


def _log(x):
    """IEEE-754's log: -inf at 0, NaN below (math.log raises there)."""
    return math.log(x) if x > 0 else (-math.inf if x == 0 else math.nan)


def _show(value):
    return f"Value({value.data!r})"


def _short(number):
    """A number as the user wrote it, cut short: 2**1023 has 308 digits."""
    text = repr(number)
    return text if len(text) <= 24 else f"{text[:8]}...{text[-4:]} ({len(text.lstrip('-'))} digits)"

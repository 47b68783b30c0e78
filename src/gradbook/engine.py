"""A scalar value that remembers how it was made, and backpropagation through it.

This is the engine the book builds, chapter by chapter. It keeps micrograd's
shape (``Value``, ``data``, ``grad``, ``_prev``, ``_op``, ``_backward``,
``backward()``) with a few changes a reader can see, each there for speed or
for a clear answer:

* ``__slots__``: a node is a small fixed record, not a dict. Graphs get big.
* each node stores the *local derivatives* of its output with respect to its
  children instead of a closure. No closure means no reference cycle, so a
  graph is freed as soon as nobody holds its output.
* a node keeps its first two children and their local derivatives in four
  slots, ``_a``/``_da`` and ``_b``/``_db`` (the rest, for a node with more,
  in ``_more``), not in tuples: every object a node owns is one more for
  Python's cyclic garbage collector to walk, again and again while the graph
  lives, and in a big forward pass that walking costs more than the arithmetic.
  ``_prev`` and ``_local`` give them as tuples, as micrograd's ``_prev`` does.
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

import math
import sys
import threading
from numbers import Real

__all__ = ["Value"]


class Value:
    """A scalar in a computation graph.

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
    - finite operands with a result or a local derivative too large for a float
      (`*`, `/`, `**`, `exp`): `inf` or `-inf`, never an exception;
    - `Value(10**400)`, or an int too large for a float beside a Value:
      `OverflowError`, naming it;
    - not a real number (`str`, `None`, `bool`, `complex`, `Decimal`): `TypeError`.

    Gradients follow the chain rule with these numbers: a NaN reaches a
    gradient wherever a local derivative uses it (for `a * b`, `b.grad` gets
    `a`), and a NaN or infinite gradient times a slope of 0 is NaN, relu's
    included (PyTorch's relu passes 0 there instead, whatever arrives). `tanh`
    and `sigmoid` never overflow: `Value(1000).tanh()` is 1 with gradient 0.

    **Identity.** A `Value` is a node, not a number: `==` and `hash` are by
    identity (two nodes holding 2.0 are different nodes, and a node can be a
    dict key or a set member), `<` and the other orderings raise `TypeError`,
    and so does `float(v)`: compare or convert `v.data`.

    **Copies.** `copy.copy` makes a new node sharing the children;
    `copy.deepcopy` and `pickle` copy the whole graph, at any depth, keeping
    each node's numbers, label, operation and local derivatives, and which
    nodes are shared.

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

    __slots__ = ("data", "grad", "label", "_op", "_a", "_da", "_b", "_db", "_more")

    def __init__(self, data, _children=(), _op="", label="", _local=()):
        self.data = data if type(data) is float else _as_float(data)
        self.grad = 0.0
        self.label = label
        self._op = _op
        _link(self, tuple(_children), tuple(_local))

    @property
    def _prev(self):
        """The children, in order: ``()`` for a leaf."""
        if self._a is None:
            return ()
        if self._b is None:
            return (self._a,)
        return (self._a, self._b) + (self._more[0] if self._more else ())

    @property
    def _local(self):
        """d(self)/d(child) for each child, in the order of ``_prev``."""
        if self._a is None:
            return ()
        if self._b is None:
            return (self._da,)
        return (self._da, self._db) + (self._more[1] if self._more else ())

    @_local.setter
    def _local(self, local):
        _link(self, self._prev, tuple(local))

    def __repr__(self):
        return f"Value(data={self.data}, grad={self.grad})"

    # -- the chain rule, one node at a time -------------------------------------

    def _backward(self):
        """Pass this node's gradient to its children (one step of the chain rule).

        ``backward()`` does the same for every node in one loop of its own.
        """
        for child, local in zip(self._prev, self._local):
            child.grad += local * self.grad

    def _topo(self, leaves=True):
        """Every node this one depends on, each after all of its children.

        The same order as micrograd's recursive ``build_topo`` (children in the
        order of ``_prev``), built with an explicit stack so depth is unbounded.
        The stack holds nodes only: a node with children goes back on the stack
        under a ``None`` marker, and is finished when the marker comes off.
        ``leaves=False`` leaves out the nodes without children, which is what
        ``backward()`` needs: a leaf passes no gradient on.
        """
        topo, visited = [], set()
        stack = [self]
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
                        if node._more:
                            stack += node._more[0][::-1]
                        stack.append(node._b)
                    stack.append(node._a)
            elif leaves and node not in visited:  # a leaf is finished as soon as it is reached
                visited.add(node)
                topo.append(node)
        return topo

    def backward(self):
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
            if type(node) is not Value:  # a subclass may bring its own _backward
                node._backward()
                continue
            # child.grad += local * node.grad, as in _backward, without a call per node.
            g = node.grad
            node._a.grad += node._da * g
            b = node._b
            if b is not None:
                b.grad += node._db * g
                if node._more:
                    for child, local in zip(*node._more):
                        child.grad += local * g

    # -- operations ---------------------------------------------------------------

    def __add__(self, other):
        if type(other) is not Value:
            other = _coerce(other)
            if other is NotImplemented:
                return other
        return _node(self.data + other.data, "+", self, 1.0, other, 1.0)

    def __mul__(self, other):
        if type(other) is not Value:
            other = _coerce(other)
            if other is NotImplemented:
                return other
        return _node(self.data * other.data, "*", self, other.data, other, self.data)

    def __sub__(self, other):
        if type(other) is not Value:
            other = _coerce(other)
            if other is NotImplemented:
                return other
        return _node(self.data - other.data, "-", self, 1.0, other, -1.0)

    def __neg__(self):
        return _node(-self.data, "neg", self, -1.0)

    def __truediv__(self, other):
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
        return _node(out, "/", self, 1.0 / y, other, -out / y)

    def __pow__(self, other):
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
        if x == 0.0 and k <= 1:
            # At x = 0 the slope k * x**(k-1) is 1 for k = 1, 0 for k = 0, infinite for 0 < k < 1.
            local = 1.0 if k == 1 else (0.0 if k == 0 else math.inf)
        else:
            local = k * _pow(x, k - 1)
        return _node(out, f"**{_short(other)}", self, local)

    def _pow_value(self, other, written=None):
        x, k = self.data, other.data
        if math.isfinite(x) and math.isfinite(k) and not x > 0:
            # d/dk x**k = x**k * ln(x) exists only for x > 0.
            base = _show(self) if written is None else _short(written)
            raise ValueError(f"{base} ** {_show(other)}: a Value exponent needs a positive base")
        out = _pow(x, k)
        # d/dk x**k = x**k * ln(x); where x**k is 0 for k >= 0 (x = 0), so is the slope, as in PyTorch.
        local_k = 0.0 if out == 0.0 and k >= 0 else out * _log(x)
        return _node(out, "**", self, k * _pow(x, k - 1), other, local_k)

    # 2 * v, 1 - v, 2 / v, 2 ** v: Python asks the Value on the right.
    def __radd__(self, other):
        other = _coerce(other)
        return other if other is NotImplemented else other.__add__(self)

    def __rmul__(self, other):
        other = _coerce(other)
        return other if other is NotImplemented else other.__mul__(self)

    def __rsub__(self, other):
        other = _coerce(other)
        return other if other is NotImplemented else other.__sub__(self)

    def __rtruediv__(self, other):
        left = _coerce(other)
        return left if left is NotImplemented else left._divide(self, written=other)

    def __rpow__(self, other):
        base = _coerce(other)
        return base if base is NotImplemented else base._pow_value(self, written=other)

    def exp(self):
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

    def log(self):
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
            return _node(math.log(x), "log", self, 1.0 / x)
        if math.isfinite(x):
            raise ValueError(f"{_show(self)}.log(): the logarithm needs a positive number")
        return _node(math.nan, "log", self, 1.0 / x if x == x else x)  # -inf or NaN

    def tanh(self):
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

    def relu(self):
        """``max(0, self)``: the gradient passes where the input is positive (or NaN).

        Examples:
            >>> Value(-2.0).relu().data, Value(3.0).relu().data
            (0.0, 3.0)
        """
        x = self.data
        # `x <= 0`, not `x > 0`: NaN compares false both ways, and must stay NaN.
        if x <= 0:
            return _node(0.0, "ReLU", self, 0.0)
        return _node(x, "ReLU", self, 1.0)

    def sigmoid(self):
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
        return (self.data, self.grad, self.label, self._op, self._a, self._da, self._b, self._db, self._more)

    def __copy__(self):
        """A new node with the same numbers, label and children (the children are shared)."""
        return _restore(*self._fields())

    def __deepcopy__(self, memo):
        """A copy of the whole graph, made children first so that nothing recurses."""
        for node in self._topo():
            if id(node) not in memo:
                data, grad, label, op, a, da, b, db, more = node._fields()
                a = memo[id(a)] if a is not None else None
                b = memo[id(b)] if b is not None else None
                if more:
                    more = (tuple([memo[id(child)] for child in more[0]]), more[1])
                memo[id(node)] = _restore(data, grad, label, op, a, da, b, db, more)
        return memo[id(self)]

    def __reduce_ex__(self, protocol):
        # pickle writes a node's children before the node, recursing once per level,
        # so a deep graph would exceed the recursion limit. Instead the outermost node
        # of a pickle lists its whole graph first, children before parents: by the time
        # pickle writes any node, its children are already written, and it never recurses.
        if self._a is None or self in _pickling.nodes:
            return _restore, (
                self.data,
                self.grad,
                self.label,
                self._op,
                self._a,
                self._da,
                self._b,
                self._db,
                self._more,
            )
        graph = self._topo()[:-1]
        _pickling.nodes = set(graph)  # until _GraphWritten is pickled, just after them
        return _restore_after, (graph, _GraphWritten()) + self._fields()


def _node(data, op, a=None, da=0.0, b=None, db=0.0):
    """A node made by an operation (or a leaf for a plain number): ``Value.__init__`` without its checks.

    ``a`` and ``b`` are its children, ``da`` and ``db`` the local derivatives of
    ``data`` with respect to them.
    """
    out = _new(Value)
    out.data = data
    out.grad = 0.0
    out.label = ""
    out._op = op
    out._a = a
    out._da = da
    out._b = b
    out._db = db
    out._more = ()
    return out


_new = object.__new__


def _link(node, children, local):
    """Store ``children`` and their local derivatives ``local`` (tuples) in ``node``'s slots."""
    if len(local) != len(children):
        raise ValueError(f"Value needs one local derivative per child: {len(children)} children, {len(local)} given")
    n = len(children)
    node._a, node._da = (children[0], local[0]) if n > 0 else (None, 0.0)
    node._b, node._db = (children[1], local[1]) if n > 1 else (None, 0.0)
    node._more = (children[2:], local[2:]) if n > 2 else ()


def _restore(data, grad, label, op, a, da, b, db, more):
    out = _node(data, op, a, da, b, db)
    out.grad, out.label, out._more = grad, label, more
    return out


def _restore_after(graph, written, *fields):
    return _restore(*fields)


class _Pickling(threading.local):
    nodes = frozenset()  # of the graph the pickle in progress (in this thread) is writing first


_pickling = _Pickling()


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


class _GraphWritten:
    """Pickled right after a graph's node list: from here on, nodes pickle as usual."""

    def __reduce__(self):
        _pickling.nodes = frozenset()
        return type(None), ()


# -- numbers in, numbers out -------------------------------------------------------------


def _as_float(data):
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

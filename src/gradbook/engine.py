"""A scalar value that remembers how it was made, and backpropagation through it.

This is the engine the book builds, chapter by chapter. It keeps micrograd's
shape (``Value``, ``data``, ``grad``, ``_prev``, ``_op``, ``_backward``,
``backward()``) with three changes a reader can see:

* ``__slots__``: a node is a small fixed record, not a dict. Graphs get big.
* each node stores the *local derivatives* of its output with respect to its
  children (``_local``) instead of a closure. ``_backward`` is one method that
  applies the chain rule with them. No closure means no reference cycle, so a
  graph is freed as soon as nobody holds its output.
* ``backward()`` sorts the graph with an explicit stack, not recursion, so a
  chain a million nodes deep works.
"""

import math
from numbers import Real

__all__ = ["Value"]


def _as_float(data):
    # bool is an int subclass; Value(True) is almost always a bug in the caller.
    if isinstance(data, bool) or not isinstance(data, Real):
        raise TypeError(
            f"Value() needs a real number (int or float), got {type(data).__name__}: {data!r}"
        )
    return float(data)


class Value:
    """A scalar in a computation graph.

    NaN and infinity are accepted and follow IEEE-754 arithmetic, as in PyTorch:
    ``Value(float("nan")) * 2`` is a NaN Value, and a NaN anywhere in a graph
    makes the gradients that pass through it NaN.

    Examples:
        >>> a = Value(2.0, label="a")
        >>> b = a * a + 1
        >>> b.backward()
        >>> b.data, a.grad
        (5.0, 4.0)
    """

    __slots__ = ("data", "grad", "label", "_op", "_prev", "_local")

    def __init__(self, data, _children=(), _op="", label="", _local=()):
        # Every internal op passes a float; only user input pays for the check.
        self.data = data if type(data) is float else _as_float(data)
        self.grad = 0.0
        self.label = label
        self._op = _op
        self._prev = tuple(_children)
        # d(self)/d(child) for each child, in the order of _prev.
        self._local = _local
        if len(_local) != len(self._prev):
            raise ValueError(f"Value needs one local derivative per child: {len(self._prev)} children, {len(_local)} given")

    def __repr__(self):
        return f"Value(data={self.data}, grad={self.grad})"

    # -- the chain rule, one node at a time -------------------------------------

    def _backward(self):
        """Pass this node's gradient to its children (one step of the chain rule)."""
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
            elif node not in visited:
                if node._prev:
                    visited.add(node)
                    stack.append(node)
                    stack.append(None)
                    # reversed: the first child is popped, and so finished, first.
                    stack.extend(reversed(node._prev))
                elif leaves:  # a leaf is finished as soon as it is reached
                    visited.add(node)
                    topo.append(node)
        return topo

    def backward(self):
        """Fill ``grad`` of every node in the graph with d(self)/d(node).

        Gradients *accumulate*: a second call adds to what is there (the root's
        own grad is reset to 1 each call, as in micrograd). Zero them first,
        for example with ``Module.zero_grad()``, to start again.

        Examples:
            >>> a = Value(3.0)
            >>> b = a + a
            >>> b.backward()
            >>> a.grad
            2.0
            >>> b.backward()  # no zeroing in between: it adds up
            >>> a.grad
            4.0
        """
        self.grad = 1.0
        for node in reversed(self._topo(leaves=False)):
            node._backward()

    # -- operations ---------------------------------------------------------------

    def __add__(self, other):
        other = _coerce(other)
        if other is NotImplemented:
            return other
        return Value(self.data + other.data, (self, other), "+", _local=(1.0, 1.0))

    def __mul__(self, other):
        other = _coerce(other)
        if other is NotImplemented:
            return other
        return Value(self.data * other.data, (self, other), "*", _local=(other.data, self.data))

    def __pow__(self, other):
        if isinstance(other, Value):
            return self._pow_value(other)
        if isinstance(other, bool) or not isinstance(other, Real):
            return NotImplemented
        x, k = self.data, float(other)
        if x == 0.0 and k < 0:
            raise ZeroDivisionError(f"Value(0.0) ** {other}: zero to a negative power is undefined")
        if x < 0 and not k.is_integer():
            raise ValueError(f"Value({x}) ** {other}: a negative base needs an integer exponent")
        try:
            out = x**k
            # At x = 0 the slope k * x**(k-1) is 0 for k > 1, 1 for k = 1, infinite for 0 < k < 1.
            local = k * x ** (k - 1) if x != 0.0 or k >= 1 else (0.0 if k == 0 else math.inf)
        except OverflowError:
            raise OverflowError(f"Value({x}) ** {other} overflows a float") from None
        return Value(out, (self,), f"**{other}", _local=(local,))

    def _pow_value(self, other):
        x, k = self.data, other.data
        if not x > 0:
            # d/dk x**k = x**k * ln(x) exists only for x > 0.
            raise ValueError(f"Value({x}) ** Value({k}): a Value exponent needs a positive base")
        try:
            out = x**k
            local = (k * x ** (k - 1), out * math.log(x))
        except OverflowError:
            raise OverflowError(f"Value({x}) ** Value({k}) overflows a float") from None
        return Value(out, (self, other), "**", _local=local)

    def __neg__(self):
        return Value(-self.data, (self,), "neg", _local=(-1.0,))

    def __sub__(self, other):
        other = _coerce(other)
        if other is NotImplemented:
            return other
        return Value(self.data - other.data, (self, other), "-", _local=(1.0, -1.0))

    def __truediv__(self, other):
        other = _coerce(other)
        if other is NotImplemented:
            return other
        y = other.data
        if y == 0.0:
            raise ZeroDivisionError(f"{self!r} / {other!r}: division by zero")
        out = self.data / y
        return Value(out, (self, other), "/", _local=(1.0 / y, -out / y))

    # 2 * v, 1 - v, 2 / v, 2 ** v: Python asks the Value on the right.
    def __radd__(self, other):
        return _reflect(other, self, Value.__add__)

    def __rmul__(self, other):
        return _reflect(other, self, Value.__mul__)

    def __rsub__(self, other):
        return _reflect(other, self, Value.__sub__)

    def __rtruediv__(self, other):
        return _reflect(other, self, Value.__truediv__)

    def __rpow__(self, other):
        return _reflect(other, self, Value.__pow__)

    def exp(self):
        """``e ** self``; its slope is itself.

        Examples:
            >>> y = Value(0.0).exp()
            >>> y.data
            1.0
        """
        x = self.data
        try:
            out = math.exp(x)
        except OverflowError:
            raise OverflowError(f"Value({x}).exp() overflows a float (exp(x) > 1.8e308 for x > 709.78)") from None
        return Value(out, (self,), "exp", _local=(out,))

    def log(self):
        """The natural logarithm; ``ValueError`` unless ``self.data > 0``.

        Examples:
            >>> x = Value(2.0)
            >>> y = x.log()
            >>> y.backward()
            >>> x.grad
            0.5
        """
        x = self.data
        if not x > 0:
            raise ValueError(f"Value({x}).log(): the logarithm needs a positive number")
        return Value(math.log(x), (self,), "log", _local=(1.0 / x,))

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
        return Value(t, (self,), "tanh", _local=(1.0 - t * t,))

    def relu(self):
        """``max(0, self)``: the gradient passes where the input is positive.

        Examples:
            >>> Value(-2.0).relu().data, Value(3.0).relu().data
            (0.0, 3.0)
        """
        x = self.data
        return Value(x if x > 0 else 0.0, (self,), "ReLU", _local=(1.0 if x > 0 else 0.0,))

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
            e = math.exp(x)
            s = e / (1.0 + e)
        return Value(s, (self,), "sigmoid", _local=(s * (1.0 - s),))


def _coerce(other):
    """A Value for a Value or a real number; NotImplemented for anything else.

    Returning NotImplemented lets Python raise its own clear TypeError
    ("unsupported operand type(s) for +: 'Value' and 'str'").
    """
    if isinstance(other, Value):
        return other
    if type(other) is float or type(other) is int:  # the usual case, without the slow ABC check
        return Value(float(other))
    if isinstance(other, bool) or not isinstance(other, Real):
        return NotImplemented
    return Value(float(other))


def _reflect(other, value, op):
    other = _coerce(other)
    if other is NotImplemented:
        return other
    return op(other, value)

"""A minimal engine of gradbook's design, for bench/bench.py to measure gradbook against.

The same design as ``gradbook.engine``, without anything else: ``__slots__``,
the first two children and their local derivatives in four slots, an
iterative topological sort, no checks of any kind, no labels, no custom
operations, no NaN or overflow rules. What gradbook costs over this is the
price of its checks and features. Kept in bench/, not in the library.
"""

import math


class Value:
    __slots__ = ("data", "grad", "_a", "_da", "_b", "_db")

    def __init__(self, data, a=None, da=0.0, b=None, db=0.0):
        self.data = data
        self.grad = 0.0
        self._a = a
        self._da = da
        self._b = b
        self._db = db

    def __add__(self, other):
        if type(other) is not Value:
            other = Value(float(other))
        return Value(self.data + other.data, self, 1.0, other, 1.0)

    def __mul__(self, other):
        if type(other) is not Value:
            other = Value(float(other))
        return Value(self.data * other.data, self, other.data, other, self.data)

    def __radd__(self, other):
        return Value(float(other)) + self

    def __rmul__(self, other):
        return Value(float(other)) * self

    def tanh(self):
        t = math.tanh(self.data)
        return Value(t, self, 1.0 - t * t)

    def backward(self):
        topo, visited, stack = [], set(), [self]
        while True:
            if not stack:
                break
            node = stack.pop()
            if node is None:
                topo.append(stack.pop())
            elif node._a is not None and node not in visited:
                visited.add(node)
                stack.append(node)
                stack.append(None)
                if node._b is not None:
                    stack.append(node._b)
                stack.append(node._a)
        for node in topo:
            node.grad = 0.0
        self.grad = 1.0
        for node in reversed(topo):
            g = node.grad
            node._a.grad += node._da * g
            b = node._b
            if b is not None:
                b.grad += node._db * g

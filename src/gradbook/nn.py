"""Neurons, layers and multi-layer perceptrons on top of ``Value``.

The shapes are micrograd's (``Neuron(nin, nonlin=True)``, ``Layer(nin, nout)``,
``MLP(nin, nouts)``), so code written against micrograd runs unchanged, and
with the same ``random.seed`` it starts from the same weights. Two additions:

* ``rng=``: an integer seed (any int-like, such as ``numpy.int64(3)``) or a
  ``random.Random``, so a model is reproducible without touching the global
  random state.
* ``activation=``: ``"relu"`` (micrograd's package) or ``"tanh"`` (the lecture).

Sizes must be positive whole numbers and ``nouts`` a list or tuple; a call
takes any iterable of numbers or ``Value``s (a list, a tuple, a generator, a
numpy array) of the right length. Anything else raises at once, naming the
argument and what it got.
"""

from __future__ import annotations

import operator
import random
from collections.abc import Iterable, Sequence
from numbers import Integral, Real
from typing import Any

from .engine import Value, _as_float, _node_n

__all__ = ["Module", "Neuron", "Layer", "MLP"]

# What a neuron, a layer or an MLP is called with: a number, a Value, or an iterable of them.
Inputs = float | Value | Iterable[float | Value]

_ACTIVATIONS = {"relu": Value.relu, "tanh": Value.tanh}


def _integer(x):
    """``x`` as an int if it is a whole number type (int, numpy.int64...), else None."""
    # bool is an int subclass, but Neuron(True) or rng=True is a slip, not a size or a seed.
    if isinstance(x, bool) or not (isinstance(x, Integral) or hasattr(type(x), "__index__")):
        return None
    return operator.index(x)


def _size(owner, name, x):
    n = _integer(x)
    if n is None:
        raise TypeError(f"{owner}: {name} must be a positive int, got {type(x).__name__} {x!r}")
    if n < 1:
        raise ValueError(f"{owner}: {name} must be a positive int, got {n}")
    return n


def _rng(rng):
    if rng is None or rng is random:
        return random  # the global source, as micrograd uses it
    if isinstance(rng, random.Random):
        return rng
    seed = _integer(rng)
    if seed is not None:
        return random.Random(seed)
    raise TypeError(f"rng must be None, an integer seed or a random.Random, got {type(rng).__name__} {rng!r}")


def _inputs(x, n, what):
    """The inputs of a call as a list of ``n`` items: one number or Value, or any iterable of them."""
    if type(x) is list:
        pass  # the usual case, first: a neuron is called once per sample in training
    elif isinstance(x, (Value, Real)):
        x = [x]
    elif isinstance(x, (str, bytes)):
        raise TypeError(f"{what} takes numbers or Values, got {type(x).__name__} {x!r}")
    else:
        try:
            x = list(x)  # a generator can be read only once: keep what it gave
        except TypeError:
            raise TypeError(f"{what} takes a number, a Value or an iterable of them, got {type(x).__name__}") from None
    if len(x) != n:
        raise ValueError(f"{what} takes {n} inputs, got {len(x)}")
    return x


def _weighted_sum(ws, xs, b):
    """``b + w1*x1 + w2*x2 + ...`` as one node, where micrograd makes 2n of them.

    The same numbers, added in the same order as ``sum((w*x ...), b)``. The
    node's local derivatives are the inputs (for the weights), the weights (for
    the inputs that are Values) and 1 (for the bias). A graph ten times smaller
    is what makes training fast: a step on the moons is 4x quicker (bench/).
    """
    total, children, local = b.data, [b], [1.0]
    for w, x in zip(ws, xs):
        if isinstance(x, Value):
            total += w.data * x.data
            children += (w, x)
            local += (x.data, w.data)
        else:
            x = _as_float(x)
            total += w.data * x
            children.append(w)
            local.append(x)
    return _node_n(total, "w·x+b", tuple(children), tuple(local))


class Module:
    """Anything with parameters: the base of ``Neuron``, ``Layer`` and ``MLP``.

    Examples:
        >>> class Scale(Module):
        ...     def __init__(self):
        ...         self.k = Value(2.0)
        ...     def __call__(self, x):
        ...         return self.k * x
        ...     def parameters(self) -> list[Value]:
        ...         return [self.k]
        >>> model = Scale()
        >>> model(3.0).backward()
        >>> model.k.grad
        3.0
    """

    def zero_grad(self) -> None:
        """Set the gradient of every parameter to zero (before each backward pass).

        ``backward()`` adds to ``grad``, so without this each training step
        would use the sum of all earlier gradients.

        Examples:
            >>> n = Neuron(2, rng=0)
            >>> n([1.0, 2.0]).backward()
            >>> n.zero_grad()
            >>> [p.grad for p in n.parameters()]
            [0.0, 0.0, 0.0]
        """
        for p in self.parameters():
            p.grad = 0.0

    def parameters(self) -> list[Value]:
        """Every ``Value`` this module learns, as a list (weights, then biases).

        Examples:
            >>> len(MLP(3, [4, 4, 1], rng=0).parameters())
            41
        """
        return []


class Neuron(Module):
    """``activation(w . x + b)``, or just ``w . x + b`` when ``nonlin`` is false.

    Examples:
        >>> n = Neuron(2, activation="tanh", rng=0)
        >>> out = n([1.0, -2.0])
        >>> -1 < out.data < 1
        True
        >>> n
        TanhNeuron(2)
        >>> n(x for x in (1.0, -2.0)).data == out.data  # any iterable of inputs
        True
        >>> n([1.0])
        Traceback (most recent call last):
        ...
        ValueError: this neuron takes 2 inputs, got 1
    """

    def __init__(self, nin: int, nonlin: bool = True, activation: str = "relu", rng: Any = None) -> None:
        nin = _size("Neuron", "nin", nin)
        if activation not in _ACTIVATIONS:
            raise ValueError(f"activation must be one of {sorted(_ACTIVATIONS)}, got {activation!r}")
        r = _rng(rng)
        self.w = [Value(r.uniform(-1, 1)) for _ in range(nin)]
        # micrograd's package starts the bias at 0; the lecture's tanh neuron draws it.
        self.b = Value(r.uniform(-1, 1) if activation == "tanh" else 0.0)
        self.nonlin = nonlin
        self.activation = activation

    def __call__(self, x: Inputs) -> Value:
        xs = _inputs(x, len(self.w), "this neuron")
        act = _weighted_sum(self.w, xs, self.b)
        return _ACTIVATIONS[self.activation](act) if self.nonlin else act

    def parameters(self) -> list[Value]:
        """The weights, then the bias."""
        return self.w + [self.b]

    def __repr__(self) -> str:
        kind = {"relu": "ReLU", "tanh": "Tanh"}[self.activation] if self.nonlin else "Linear"
        return f"{kind}Neuron({len(self.w)})"


class Layer(Module):
    """``nout`` neurons that each see the same ``nin`` inputs.

    Returns a list of outputs, or a single ``Value`` when ``nout == 1``
    (micrograd's convenience); a following layer accepts either.

    Examples:
        >>> layer = Layer(3, 2, rng=0)
        >>> len(layer([1.0, 2.0, 3.0]))
        2
        >>> Layer(3, 0)
        Traceback (most recent call last):
        ...
        ValueError: Layer: nout must be a positive int, got 0
    """

    def __init__(self, nin: int, nout: int, rng: Any = None, **kwargs: Any) -> None:
        nin, nout = _size("Layer", "nin", nin), _size("Layer", "nout", nout)
        r = _rng(rng)
        self.neurons = [Neuron(nin, rng=r, **kwargs) for _ in range(nout)]

    def __call__(self, x: Inputs) -> Value | list[Value]:
        # One list for all neurons: a generator would be used up by the first.
        xs = _inputs(x, len(self.neurons[0].w), "this layer")
        out = [n(xs) for n in self.neurons]
        return out[0] if len(out) == 1 else out

    def parameters(self) -> list[Value]:
        """Every neuron's parameters, neuron by neuron."""
        return [p for n in self.neurons for p in n.parameters()]

    def __repr__(self) -> str:
        return f"Layer of [{', '.join(str(n) for n in self.neurons)}]"


class MLP(Module):
    """Layers of sizes ``nouts`` after ``nin`` inputs; the last layer is linear.

    Examples:
        >>> model = MLP(2, [16, 16, 1], rng=1337)
        >>> score = model([0.5, -0.5])
        >>> score.backward()
        >>> len(model.parameters()), type(score).__name__
        (337, 'Value')
        >>> MLP(2, 16)
        Traceback (most recent call last):
        ...
        TypeError: MLP: nouts must be a list or tuple of layer sizes, such as [16, 16, 1], got int 16
    """

    def __init__(self, nin: int, nouts: Sequence[int], activation: str = "relu", rng: Any = None) -> None:
        nin = _size("MLP", "nin", nin)
        if not isinstance(nouts, (list, tuple)):
            raise TypeError(
                "MLP: nouts must be a list or tuple of layer sizes, such as [16, 16, 1], "
                f"got {type(nouts).__name__} {nouts!r}"
            )
        if not nouts:
            raise ValueError("MLP: nouts must name at least one layer size, got an empty list")
        nouts = [_size("MLP", f"nouts[{i}]", n) for i, n in enumerate(nouts)]
        r = _rng(rng)
        sz = [nin] + nouts
        self.layers = [
            Layer(sz[i], sz[i + 1], rng=r, nonlin=i != len(nouts) - 1, activation=activation) for i in range(len(nouts))
        ]

    def __call__(self, x: Inputs) -> Value | list[Value]:
        out: Any = _inputs(x, len(self.layers[0].neurons[0].w), "this MLP")
        for layer in self.layers:
            out = layer(out)
        return out

    def parameters(self) -> list[Value]:
        """Every layer's parameters, first layer first."""
        return [p for layer in self.layers for p in layer.parameters()]

    def __repr__(self) -> str:
        return f"MLP of [{', '.join(str(layer) for layer in self.layers)}]"

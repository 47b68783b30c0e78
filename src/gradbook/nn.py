"""Neurons, layers and multi-layer perceptrons on top of ``Value``.

The shapes are micrograd's (``Neuron(nin, nonlin=True)``, ``Layer(nin, nout)``,
``MLP(nin, nouts)``), so code written against micrograd runs unchanged, and
with the same ``random.seed`` it starts from the same weights. Two additions:

* ``rng=``: an ``int`` seed or a ``random.Random``, so a model is reproducible
  without touching the global random state.
* ``activation=``: ``"relu"`` (micrograd's package) or ``"tanh"`` (the lecture).
"""

import random

from .engine import Value, _as_float

__all__ = ["Module", "Neuron", "Layer", "MLP"]

_ACTIVATIONS = {"relu": Value.relu, "tanh": Value.tanh}


def _rng(rng):
    if rng is None or rng is random:
        return random  # the global source, as micrograd uses it
    if isinstance(rng, random.Random):
        return rng
    if isinstance(rng, int) and not isinstance(rng, bool):
        return random.Random(rng)
    raise TypeError(f"rng must be None, an int seed or a random.Random, got {type(rng).__name__}")


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
    return Value(total, children, "w·x+b", _local=tuple(local))


class Module:
    """Anything with parameters: the base of ``Neuron``, ``Layer`` and ``MLP``.

    Examples:
        >>> class Scale(Module):
        ...     def __init__(self):
        ...         self.k = Value(2.0)
        ...     def __call__(self, x):
        ...         return self.k * x
        ...     def parameters(self):
        ...         return [self.k]
        >>> model = Scale()
        >>> model(3.0).backward()
        >>> model.k.grad
        3.0
    """

    def zero_grad(self):
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

    def parameters(self):
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
    """

    def __init__(self, nin, nonlin=True, activation="relu", rng=None):
        if activation not in _ACTIVATIONS:
            raise ValueError(f"activation must be one of {sorted(_ACTIVATIONS)}, got {activation!r}")
        r = _rng(rng)
        self.w = [Value(r.uniform(-1, 1)) for _ in range(nin)]
        # micrograd's package starts the bias at 0; the lecture's tanh neuron draws it.
        self.b = Value(r.uniform(-1, 1) if activation == "tanh" else 0.0)
        self.nonlin = nonlin
        self.activation = activation

    def __call__(self, x):
        if isinstance(x, Value) or not hasattr(x, "__len__"):
            x = [x]
        if len(x) != len(self.w):
            raise ValueError(f"this neuron takes {len(self.w)} inputs, got {len(x)}")
        act = _weighted_sum(self.w, x, self.b)
        return _ACTIVATIONS[self.activation](act) if self.nonlin else act

    def parameters(self):
        """The weights, then the bias."""
        return self.w + [self.b]

    def __repr__(self):
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
    """

    def __init__(self, nin, nout, rng=None, **kwargs):
        r = _rng(rng)
        self.neurons = [Neuron(nin, rng=r, **kwargs) for _ in range(nout)]

    def __call__(self, x):
        out = [n(x) for n in self.neurons]
        return out[0] if len(out) == 1 else out

    def parameters(self):
        """Every neuron's parameters, neuron by neuron."""
        return [p for n in self.neurons for p in n.parameters()]

    def __repr__(self):
        return f"Layer of [{', '.join(str(n) for n in self.neurons)}]"


class MLP(Module):
    """Layers of sizes ``nouts`` after ``nin`` inputs; the last layer is linear.

    Examples:
        >>> model = MLP(2, [16, 16, 1], rng=1337)
        >>> score = model([0.5, -0.5])
        >>> score.backward()
        >>> len(model.parameters()), type(score).__name__
        (337, 'Value')
    """

    def __init__(self, nin, nouts, activation="relu", rng=None):
        r = _rng(rng)
        sz = [nin] + list(nouts)
        self.layers = [
            Layer(sz[i], sz[i + 1], rng=r, nonlin=i != len(nouts) - 1, activation=activation)
            for i in range(len(nouts))
        ]

    def __call__(self, x):
        for layer in self.layers:
            x = layer(x)
        return x

    def parameters(self):
        """Every layer's parameters, first layer first."""
        return [p for layer in self.layers for p in layer.parameters()]

    def __repr__(self):
        return f"MLP of [{', '.join(str(layer) for layer in self.layers)}]"

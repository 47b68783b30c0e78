"""Neurons, layers and multi-layer perceptrons on top of ``Value``.

The shapes are micrograd's (``Neuron(nin, nonlin=True)``, ``Layer(nin, nout)``,
``MLP(nin, nouts)``), so code written against micrograd runs unchanged, and
with the same ``random.seed`` it starts from the same weights. Two additions:

* ``rng=``: an ``int`` seed or a ``random.Random``, so a model is reproducible
  without touching the global random state.
* ``activation=``: ``"relu"`` (micrograd's package) or ``"tanh"`` (the lecture).
"""

import random

from .engine import Value

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


class Module:
    def zero_grad(self):
        """Set the gradient of every parameter to zero (before each backward pass)."""
        for p in self.parameters():
            p.grad = 0.0

    def parameters(self):
        return []


class Neuron(Module):
    """``activation(w . x + b)``, or just ``w . x + b`` when ``nonlin`` is false."""

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
        act = sum((wi * xi for wi, xi in zip(self.w, x)), self.b)
        return _ACTIVATIONS[self.activation](act) if self.nonlin else act

    def parameters(self):
        return self.w + [self.b]

    def __repr__(self):
        kind = {"relu": "ReLU", "tanh": "Tanh"}[self.activation] if self.nonlin else "Linear"
        return f"{kind}Neuron({len(self.w)})"


class Layer(Module):
    """``nout`` neurons that each see the same ``nin`` inputs.

    Returns a list of outputs, or a single ``Value`` when ``nout == 1``
    (micrograd's convenience); a following layer accepts either.
    """

    def __init__(self, nin, nout, rng=None, **kwargs):
        r = _rng(rng)
        self.neurons = [Neuron(nin, rng=r, **kwargs) for _ in range(nout)]

    def __call__(self, x):
        out = [n(x) for n in self.neurons]
        return out[0] if len(out) == 1 else out

    def parameters(self):
        return [p for n in self.neurons for p in n.parameters()]

    def __repr__(self):
        return f"Layer of [{', '.join(str(n) for n in self.neurons)}]"


class MLP(Module):
    """Layers of sizes ``nouts`` after ``nin`` inputs; the last layer is linear."""

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
        return [p for layer in self.layers for p in layer.parameters()]

    def __repr__(self):
        return f"MLP of [{', '.join(str(layer) for layer in self.layers)}]"

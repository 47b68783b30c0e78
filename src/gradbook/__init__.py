"""gradbook: backpropagation, spelled out.

The finished engine of the tutorial: a scalar ``Value`` with reverse-mode
automatic differentiation, a tiny neural-net library on top, and the tools
the book uses to draw and check graphs.
"""

from .check import gradcheck
from .display import show, show_steps
from .engine import Value
from .nn import MLP, Layer, Module, Neuron
from .viz import draw_dot, trace

__all__ = ["Value", "Module", "Neuron", "Layer", "MLP", "draw_dot", "trace", "gradcheck", "show", "show_steps"]
__version__ = "0.1.0"

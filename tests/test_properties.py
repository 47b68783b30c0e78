"""Random expression graphs: backward() agrees with finite differences, and with PyTorch.

A graph is a small program: a list of steps, each applying an op to nodes made
earlier (any earlier node, so sub-expressions are shared and reused). The same
program is replayed on floats (finite differences), on Values (backward) and,
when PyTorch is installed, on float64 tensors.
"""

import math
import sys

import pytest
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st

from gradbook import Value

# Smooth ops only: a finite difference across a kink (relu at 0) says nothing.
# Each is written once, against whatever scalar type it is given; `fn` holds the
# library-specific functions (tanh, exp, ...) for floats, Values or tensors.
BINARY = {
    "add": lambda x, y, fn: x + y,
    "sub": lambda x, y, fn: x - y,
    "mul": lambda x, y, fn: x * y,
    "div": lambda x, y, fn: x / (1 + y * y),  # denominator >= 1
    "rsub": lambda x, y, fn: 1.5 - x * y,  # a reflected op
    "pow": lambda x, y, fn: (1 + x * x) ** fn["tanh"](y),  # Value ** Value, base >= 1
}
UNARY = {
    "tanh": lambda x, fn: fn["tanh"](x),
    "sigmoid": lambda x, fn: fn["sigmoid"](x),
    "exp": lambda x, fn: fn["exp"](fn["tanh"](x)),  # bounded argument: no overflow
    "log": lambda x, fn: fn["log"](1 + x * x),
    "square": lambda x, fn: x**2,
    "neg": lambda x, fn: -x,
    "rmul": lambda x, fn: 0.5 * x,
}

FLOAT_FN = {
    "tanh": math.tanh,
    "sigmoid": lambda x: 1 / (1 + math.exp(-x)),
    "exp": math.exp,
    "log": math.log,
}
VALUE_FN = {"tanh": Value.tanh, "sigmoid": Value.sigmoid, "exp": Value.exp, "log": Value.log}


@st.composite
def programs(draw, binary=BINARY, unary=UNARY, max_steps=12, nonfinite_leaf=False):
    """Random programs: inputs, then steps that each apply an op to earlier nodes."""
    n_inputs = draw(st.integers(1, 4))
    inputs = draw(st.lists(st.floats(-2, 2), min_size=n_inputs, max_size=n_inputs))
    if nonfinite_leaf:
        inputs[draw(st.integers(0, n_inputs - 1))] = draw(st.sampled_from([math.nan, math.inf, -math.inf]))
    steps = []
    for i in range(draw(st.integers(1, max_steps))):
        pool = n_inputs + i
        if draw(st.booleans()):
            op = draw(st.sampled_from(sorted(binary)))
            steps.append((op, draw(st.integers(0, pool - 1)), draw(st.integers(0, pool - 1))))
        else:
            steps.append((draw(st.sampled_from(sorted(unary))), draw(st.integers(0, pool - 1))))
    return inputs, steps


def run_all(program_steps, nodes, fn, binary=BINARY, unary=UNARY):
    """Every node of the program, then the sum of them all, last."""
    nodes = list(nodes)
    for op, *args in program_steps:
        if op in binary:
            nodes.append(binary[op](nodes[args[0]], nodes[args[1]], fn))
        else:
            nodes.append(unary[op](nodes[args[0]], fn))
    # Sum every node so that every step, not only the last, reaches the output.
    out = nodes[0]
    for node in nodes[1:]:
        out = out + node
    return nodes + [out]


def run(program_steps, nodes, fn):
    return run_all(program_steps, nodes, fn)[-1]


def finite_differences(steps, inputs, h=1e-6):
    grads = []
    for i in range(len(inputs)):
        up, down = list(inputs), list(inputs)
        up[i] += h
        down[i] -= h
        grads.append((run(steps, up, FLOAT_FN) - run(steps, down, FLOAT_FN)) / (2 * h))
    return grads


def backward_grads(steps, inputs, fn=VALUE_FN):
    leaves = [Value(x) for x in inputs]
    out = run(steps, leaves, fn)
    out.backward()
    return out.data, [leaf.grad for leaf in leaves]


@settings(max_examples=300, deadline=None)
@given(programs())
def test_backward_matches_finite_differences(program):
    inputs, steps = program
    value, grads = backward_grads(steps, inputs)
    assert value == pytest.approx(run(steps, inputs, FLOAT_FN), rel=1e-12, abs=1e-12)
    # Central differences are good to about h**2 * f''' + eps * |f| / h.
    tol = 1e-5 * (1 + abs(value))
    for analytic, numeric in zip(grads, finite_differences(steps, inputs)):
        assert analytic == pytest.approx(numeric, rel=1e-4, abs=tol)


@settings(max_examples=200, deadline=None)
@given(programs())
def test_backward_matches_pytorch_float64(program):
    torch = pytest.importorskip("torch", reason="PyTorch is an optional extra: pip install -e '.[torch]'")
    inputs, steps = program
    value, grads = backward_grads(steps, inputs)

    leaves = [torch.tensor(x, dtype=torch.float64, requires_grad=True) for x in inputs]
    out = run(steps, leaves, {"tanh": torch.tanh, "sigmoid": torch.sigmoid, "exp": torch.exp, "log": torch.log})
    out.backward()
    assert value == pytest.approx(out.item(), rel=1e-12, abs=1e-12)
    for ours, theirs in zip(grads, leaves):
        assert ours == pytest.approx(theirs.grad.item(), rel=1e-9, abs=1e-12)


def test_the_property_test_can_fail():
    """A wrong local derivative must be caught by the comparison above."""

    def wrong_tanh(v):
        out = v.tanh()
        out._local = (1.0,)  # forgot the (1 - t**2)
        return out

    steps = [("tanh", 0)]
    _, grads = backward_grads(steps, [0.7], VALUE_FN | {"tanh": wrong_tanh})
    assert grads[0] != pytest.approx(finite_differences(steps, [0.7])[0], rel=1e-4)


def build_topo(v, topo, visited):
    """micrograd's recursive sort: the order backward() must reproduce."""
    if v not in visited:
        visited.add(v)
        for child in v._prev:
            build_topo(child, topo, visited)
        topo.append(v)
    return topo


@settings(max_examples=200, deadline=None)
@given(programs())
def test_sort_is_micrograds_order(program):
    inputs, steps = program
    out = run(steps, [Value(x) for x in inputs], VALUE_FN)
    expected = build_topo(out, [], set())
    assert out._topo() == expected
    assert out._topo(leaves=False) == [v for v in expected if v._prev]


# -- NaN and infinity: the same pattern as PyTorch's -------------------------------------

# The ops above, changed where IEEE-754 lets a NaN vanish and the policy does not
# (pow(1, nan) == pow(nan, 0) == 1): a base >= 2 and an exponent >= 1. relu joins them.
NONFINITE_BINARY = BINARY | {"pow": lambda x, y, fn: (2 + x * x) ** (1 + fn["tanh"](y) ** 2)}
NONFINITE_UNARY = UNARY | {"relu": lambda x, fn: fn["relu"](x)}


def chain_rule_relu(torch):
    """torch.relu whose backward keeps a NaN, as gradbook's does.

    Both relus *select*: where the input is <= 0 the slope is exactly 0, and
    0 passes back whatever finite or infinite gradient arrives. PyTorch's
    passes 0 for a NaN gradient too; gradbook's passes the NaN (a NaN never
    vanishes). The one known difference.
    """

    class ChainRuleReLU(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return torch.relu(x)

        @staticmethod
        def backward(ctx, grad):
            (x,) = ctx.saved_tensors
            # slope 1 above 0 and at NaN, as gradbook's; below, 0 unless the gradient is NaN
            return torch.where(x <= 0, torch.where(grad.isnan(), grad, torch.zeros_like(grad)), grad)

    return ChainRuleReLU.apply


def pattern(x):
    """What the NaN/inf test compares: NaN, the infinity, or 'finite'."""
    return "nan" if math.isnan(x) else (x if math.isinf(x) else "finite")


@settings(max_examples=300, deadline=None)
@given(programs(NONFINITE_BINARY, NONFINITE_UNARY, max_steps=8, nonfinite_leaf=True))
@example(([-math.inf], [("relu", 0), ("exp", 0), ("div", 0, 1)]))  # a NaN gradient arrives at relu(-inf)
@example(([-1.0, math.inf], [("relu", 0), ("mul", 2, 1)]))  # an infinite one: 0 passes
def test_nan_and_inf_spread_as_in_pytorch_float64(program):
    torch = pytest.importorskip("torch", reason="PyTorch is an optional extra: pip install -e '.[torch]'")
    inputs, steps = program
    leaves = [Value(x) for x in inputs]
    nodes = run_all(steps, leaves, VALUE_FN | {"relu": Value.relu}, NONFINITE_BINARY, NONFINITE_UNARY)
    nodes[-1].backward()

    t_leaves = [torch.tensor(x, dtype=torch.float64, requires_grad=True) for x in inputs]
    torch_fn = {
        "tanh": torch.tanh,
        "sigmoid": torch.sigmoid,
        "exp": torch.exp,
        "log": torch.log,
        "relu": chain_rule_relu(torch),
    }
    t_nodes = run_all(steps, t_leaves, torch_fn, NONFINITE_BINARY, NONFINITE_UNARY)
    t_nodes[-1].backward()
    assert [pattern(v.data) for v in nodes] == [pattern(t.item()) for t in t_nodes]
    assert [pattern(v.grad) for v in leaves] == [pattern(t.grad.item()) for t in t_leaves]


# -- wide magnitudes: 1e-300 to 1e300, subnormals, -0.0, against PyTorch float64 --------------

# Raw operations this time: overflow, underflow and subnormal local derivatives all happen.
WIDE_BINARY = {
    "add": lambda x, y, fn: x + y,
    "sub": lambda x, y, fn: x - y,
    "mul": lambda x, y, fn: x * y,
    "div": lambda x, y, fn: x / y,
}
WIDE_UNARY = {
    "tiny": lambda x, fn: x * 1e-300,
    "huge": lambda x, fn: x * 1e300,
    "recip": lambda x, fn: x**-1,
    "cube": lambda x, fn: x**3,
    "log": lambda x, fn: fn["log"](x),  # x <= 0: a domain error, the example is skipped
    "relu": lambda x, fn: fn["relu"](x),
    "tanh": lambda x, fn: fn["tanh"](x),
    "neg": lambda x, fn: -x,
}
WIDE_NUMBERS = st.one_of(
    st.sampled_from([5e-324, -5e-324, 1e-310, 2.2250738585072014e-308, -0.0, 0.0, 1e-300, 1e300, -1e300, 1.7e308]),
    st.builds(lambda m, e: m * 10.0**e, st.floats(-10, 10), st.integers(-300, 300)),
)


@st.composite
def wide_programs(draw):
    n_inputs = draw(st.integers(1, 3))
    inputs = draw(st.lists(WIDE_NUMBERS, min_size=n_inputs, max_size=n_inputs))
    steps = []
    for i in range(draw(st.integers(1, 6))):
        pool = n_inputs + i
        if draw(st.booleans()):
            steps.append(
                (
                    draw(st.sampled_from(sorted(WIDE_BINARY))),
                    draw(st.integers(0, pool - 1)),
                    draw(st.integers(0, pool - 1)),
                )
            )
        else:
            steps.append((draw(st.sampled_from(sorted(WIDE_UNARY))), draw(st.integers(0, pool - 1))))
    return inputs, steps


# How big the terms a step sends back to its inputs can be, per unit of its own gradient:
# |d step / d input|, from the inputs' values (x, and y for a binary step).
WIDE_SLOPES = {
    "add": lambda x, y: (1.0, 1.0),
    "sub": lambda x, y: (1.0, 1.0),
    "mul": lambda x, y: (abs(y), abs(x)),
    "div": lambda x, y: (abs(1 / y), abs(x / y / y)),
    "tiny": lambda x: (1e-300,),
    "huge": lambda x: (1e300,),
    "recip": lambda x: (abs(1 / x / x),),
    "cube": lambda x: (3 * x * x,),
    "log": lambda x: (abs(1 / x),),
    "relu": lambda x: (1.0,),
    "tanh": lambda x: (1.0,),
    "neg": lambda x: (1.0,),
}


def backward_terms(program_steps, values, grads):
    """The size of every term backward adds into a gradient: a step's gradient times its slope
    with respect to one input (those that overflow or divide by zero left out)."""
    n_inputs = len(values) - len(program_steps)
    terms = []
    for k, (op, *args) in enumerate(program_steps):
        try:
            slopes = WIDE_SLOPES[op](*(values[i] for i in args))
        except (ZeroDivisionError, OverflowError):
            continue
        terms += [abs(grads[n_inputs + k]) * s for s in slopes]
    return [t for t in terms if math.isfinite(t)]


def run_last(program_steps, nodes, fn):
    """The program's nodes; the output is the last one (no final sum: a gradient adds few terms)."""
    return run_all(program_steps, nodes, fn, WIDE_BINARY, WIDE_UNARY)[:-1]


@settings(max_examples=300, deadline=None)
@given(wide_programs())
@example(([5e-324], [("log", 0), ("tiny", 1)]))
@example(([1e-300, 1e-310], [("div", 0, 1), ("tiny", 2)]))
@example(([-1.0], [("relu", 0), ("huge", 1), ("huge", 2)]))
@example(([4.300612913289593], [("recip", 0), ("mul", 0, 1)]))  # x * (1/x): terms that cancel
@example(([5e-324, 1e-300], [("cube", 0), ("div", 1, 1), ("cube", 0), ("cube", 0), ("cube", 3)]))  # (x / x)**3
def test_over_wide_magnitudes_a_gradient_pytorch_finds_finite_is_the_same(program):
    """Where PyTorch float64's gradient is finite, gradbook's is finite and the same to rounding.

    Where PyTorch's is infinite or NaN, gradbook may give the true finite value
    (its exact rules, checked against fractions in test_engine.py) and is not
    compared; a domain error of gradbook's (x / 0, log 0) skips the example, and so does a
    subnormal made along the way (the inputs may be subnormal).
    """
    torch = pytest.importorskip("torch", reason="PyTorch is an optional extra: pip install -e '.[torch]'")
    inputs, steps = program
    leaves = [Value(x) for x in inputs]
    try:
        nodes = run_last(steps, leaves, VALUE_FN | {"relu": Value.relu})
    except (ZeroDivisionError, ValueError):
        assume(False)
    nodes[-1].backward()
    t_leaves = [torch.tensor(x, dtype=torch.float64, requires_grad=True) for x in inputs]
    t_nodes = run_last(steps, t_leaves, {"tanh": torch.tanh, "log": torch.log, "relu": torch.relu})
    for t in t_nodes[len(inputs) :]:
        t.retain_grad()
    t_nodes[-1].backward()
    assert [pattern(v.data) for v in nodes] == [pattern(t.item()) for t in t_nodes]
    # A subnormal number made along the way (a value or a gradient) has lost digits in any float64
    # engine, and what is computed from it differs with the formula: no common answer to compare.
    inner = [v.data for v in nodes[len(inputs) :]] + [v.grad for v in nodes[len(inputs) :]]
    inner += [t.item() for t in t_nodes[len(inputs) :]] + [
        0.0 if t.grad is None else t.grad.item() for t in t_nodes[len(inputs) :]
    ]
    assume(not any(0 < abs(x) < sys.float_info.min for x in inner))
    # A leaf's gradient may be a sum of terms that cancel (x * (1/x): 1/x - x/x**2, zero in exact
    # arithmetic, -2.8e-17 in PyTorch): rounding is then relative to the terms, whose size is that
    # of the gradients flowing through the graph, not to the sum.
    # Those terms can be far larger than any node's gradient ((x / x)**3 at x = 1e-300: 3e300 and
    # -3e300 into x's, whose sum is 0 and in PyTorch 5.9e284), so both sizes are the scale.
    t_grads = [0.0 if t.grad is None else t.grad.item() for t in t_nodes]
    flowing = [abs(g) for g in t_grads if math.isfinite(g)]
    flowing += backward_terms(steps, [v.data for v in nodes], t_grads)
    cancelled = 1e-12 * max(flowing, default=0.0)
    for ours, leaf in zip([v.grad for v in leaves], t_leaves):
        theirs = 0.0 if leaf.grad is None else leaf.grad.item()
        if math.isfinite(theirs):
            assert math.isfinite(ours), (ours, theirs)
            assert ours == pytest.approx(theirs, rel=1e-9, abs=max(1e-300, cancelled)), (ours, theirs)

"""The engine against the lecture's numbers (../shared/test-vectors.md) and bad input."""

import contextlib
import copy
import fractions
import gc
import itertools
import math
import pickle
import sys

import pytest

from gradbook import Value, engine


def approx(x, rel=1e-9, abs=1e-12):
    return pytest.approx(x, rel=rel, abs=abs)


def lecture_graph():
    a, b, c, f = Value(2.0, label="a"), Value(-3.0, label="b"), Value(10.0, label="c"), Value(-2.0, label="f")
    e = a * b
    d = e + c
    L = d * f
    return a, b, c, f, e, d, L


def test_lecture_expression_forward_and_grads():
    a, b, c, f, e, d, L = lecture_graph()
    assert (e.data, d.data, L.data) == (-6.0, 4.0, -8.0)
    L.backward()
    got = {v.label: v.grad for v in (a, b, c, f)} | {"e": e.grad, "d": d.grad, "L": L.grad}
    assert got == {"L": 1.0, "d": -2.0, "f": 4.0, "c": -2.0, "e": -2.0, "a": 6.0, "b": -4.0}


def test_one_gradient_step_raises_L():
    a, b, c, f, e, d, L = lecture_graph()
    L.backward()
    for leaf in (a, b, c, f):
        leaf.data += 0.01 * leaf.grad
    L2 = (a * b + c) * f
    assert L2.data == approx(-7.286496)


def test_tanh_neuron():
    x1, x2 = Value(2.0), Value(0.0)
    w1, w2 = Value(-3.0), Value(1.0)
    b = Value(6.8813735870195432)
    x1w1, x2w2 = x1 * w1, x2 * w2
    s = x1w1 + x2w2
    n = s + b
    o = n.tanh()
    o.backward()
    assert (x1w1.data, x2w2.data) == (-6.0, 0.0)
    assert n.data == approx(0.8813735870195432)
    assert o.data == approx(0.7071067811865476)
    assert 1 - o.data**2 == approx(0.5)
    assert [n.grad, b.grad, s.grad, x1w1.grad, x2w2.grad] == [approx(0.5)] * 5
    assert [x1.grad, w1.grad, x2.grad, w2.grad] == [approx(-1.5), approx(1.0), approx(0.5), approx(0.0)]


def test_same_value_used_twice_accumulates():
    a = Value(3.0)
    b = a + a
    b.backward()
    assert b.data == 6.0
    assert a.grad == 2.0


def test_value_used_in_two_branches():
    a, b = Value(-2.0), Value(3.0)
    d = a * b
    e = a + b
    f = d * e
    f.backward()
    assert f.data == -6.0
    assert (d.grad, e.grad, a.grad, b.grad) == (1.0, -6.0, -3.0, -8.0)


def test_diamond_graph_catches_traversal_shortcuts():
    a, b = Value(2.0), Value(3.0)
    c = a + b
    d = a * b
    y = (c + d) + c * d
    y.backward()
    assert y.data == 41.0
    assert (a.grad, b.grad) == (25.0, 19.0)


def test_nested_reuse():
    a = Value(1.0)
    b = a + a
    c = b + b
    c.backward()
    assert (c.data, a.grad, b.grad) == (4.0, 4.0, 2.0)


def test_second_backward_accumulates_and_zeroing_resets():
    a, b, d = Value(3.0), Value(2.0), Value(1.0)
    c = a + b
    e = c * d
    e.backward()
    assert (a.grad, b.grad, c.grad, d.grad) == (1.0, 1.0, 1.0, 5.0)
    e.backward()  # no zeroing: the leaves add this pass's gradient, inner nodes and the root start again
    assert (a.grad, b.grad, c.grad, d.grad, e.grad) == (2.0, 2.0, 1.0, 10.0, 1.0)
    for v in (a, b, c, d, e):
        v.grad = 0.0
    e.backward()
    assert (a.grad, b.grad, c.grad, d.grad) == (1.0, 1.0, 1.0, 5.0)


def test_value_power_value():
    a, b = Value(2.0), Value(3.0)
    y = a**b
    y.backward()
    assert y.data == 8.0
    assert a.grad == approx(12.0)
    assert b.grad == approx(8 * math.log(2))
    assert b.grad == approx(5.545177444479562)


def test_micrograd_readme_expression():
    a = Value(-4.0)
    b = Value(2.0)
    c = a + b
    d = a * b + b**3
    c += c + 1
    c += 1 + c + (-a)
    d += d * 2 + (b + a).relu()
    d += 3 * d + (b - a).relu()
    e = c - d
    f = e**2
    g = f / 2.0
    g += 10.0 / f
    g.backward()
    assert g.data == approx(24.70408163265306)
    assert a.grad == approx(138.83381924198252)
    assert b.grad == approx(645.5772594752186)


@pytest.mark.parametrize(
    "build, value, grad",
    [
        (lambda x: 2 * x, 6.0, 2.0),
        (lambda x: 1 - x, -2.0, -1.0),
        (lambda x: 2 / x, 2 / 3, -2 / 9),
        (lambda x: 2**x, 8.0, 8 * math.log(2)),
        (lambda x: 1 + x, 4.0, 1.0),
        (lambda x: -x, -3.0, -1.0),
        (lambda x: x - 1, 2.0, 1.0),
        (lambda x: x / 2, 1.5, 0.5),
        (lambda x: x**2, 9.0, 6.0),
        (lambda x: x**-1, 1 / 3, -1 / 9),
        (lambda x: x**0.5, math.sqrt(3), 0.5 / math.sqrt(3)),
        (lambda x: x.exp(), math.exp(3), math.exp(3)),
        (lambda x: x.log(), math.log(3), 1 / 3),
        (lambda x: x.tanh(), math.tanh(3), 1 - math.tanh(3) ** 2),
        (lambda x: x.relu(), 3.0, 1.0),
        (lambda x: (-x).relu(), 0.0, 0.0),
        (lambda x: x.sigmoid(), 1 / (1 + math.exp(-3)), math.exp(-3) / (1 + math.exp(-3)) ** 2),
    ],
)
def test_each_op_value_and_local_derivative(build, value, grad):
    x = Value(3.0)
    y = build(x)
    y.backward()
    assert y.data == approx(value)
    assert x.grad == approx(grad)


def test_reflected_ops_with_both_sides_numbers_match():
    x = Value(5.0)
    assert (3 - x).data == -2.0 and (x - 3).data == 2.0
    assert (10 / x).data == 2.0 and (x / 10).data == 0.5


@pytest.mark.parametrize("x", [1000.0, -1000.0, 1e308, -1e308])
def test_tanh_saturates_without_overflow(x):
    v = Value(x)
    t = v.tanh()
    t.backward()
    assert t.data == math.copysign(1.0, x)
    assert v.grad == 0.0 and math.isfinite(v.grad)


@pytest.mark.parametrize("x", [1000.0, -1000.0])
def test_sigmoid_saturates_without_overflow(x):
    v = Value(x)
    s = v.sigmoid()
    s.backward()
    assert s.data == (1.0 if x > 0 else 0.0)
    assert v.grad == 0.0


@contextlib.contextmanager
def collector_paused():
    """Python's cyclic garbage collector off for a while.

    Building a graph of 10^6 nodes with it on makes it walk the growing graph
    over and over, which costs seconds and proves nothing about depth.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


N_DEEP = 1_000_000


def million_node_chain():
    """x = x * c, 1,000,000 times, one shared leaf c: a graph 10^6 nodes deep.

    Both gradients are known in closed form: d(out)/d(x0) = c**N and
    d(out)/dc = N * c**(N-1) * x0, the second summed over 10^6 contributions.
    """
    c, x0 = Value(1.0000001, label="c"), Value(1.0, label="x0")
    x = x0
    for _ in range(N_DEEP):
        x = x * c
    return x0, c, x


def test_million_node_chain_forward_and_backward():
    with collector_paused():
        x0, c, x = million_node_chain()
        x.backward()  # far past any recursion limit
    assert x.data == approx(c.data**N_DEEP, rel=1e-9)
    assert x0.grad == approx(c.data**N_DEEP, rel=1e-9)
    assert c.grad == approx(N_DEEP * c.data ** (N_DEEP - 1), rel=1e-6)
    del x  # freeing the chain must not overflow the C stack either


def test_a_value_has_a_finalizer_only_in_pyodide():
    # Native CPython frees a deep graph without help (the test above); a finalizer would slow every free.
    assert ("__del__" in vars(Value)) == (sys.platform == "emscripten")


def test_in_pyodide_a_freed_graph_hands_its_children_to_one_loop(monkeypatch):
    # What Pyodide runs (engine._free_children as Value.__del__), here in CPython,
    # with the nesting of finalizers counted. Freed the usual way, a node's children
    # go after its finalizer has returned, from deep inside its own free (nesting 1,
    # the C stack growing with the chain); here every node below the first is freed
    # from the first one's loop (nesting 2), its own children already handed over.
    from gradbook import engine

    freed, nesting = [0], [0, 0]

    def counted(node):
        freed[0] += 1
        nesting[0] += 1
        nesting[1] = max(nesting)
        try:
            engine._free_children(node)
        finally:
            nesting[0] -= 1

    monkeypatch.setattr(Value, "__del__", counted, raising=False)
    with collector_paused():
        x = Value(1.0)
        for _ in range(20_000):
            x = x * 1.0001 + 0.5
        y = (x + x.tanh()) * Value(2.0)  # a node with shared children, and a leaf made by hand
        y.backward()
        nodes = len(y._topo())
        kept = x._prev[0]  # a node inside the graph still held: it, and what it holds, must stay
        before = len(kept._topo())
        del x, y
        assert freed[0] == nodes - before and nesting[1] == 2 and engine._orphans is None
        assert len(kept._topo()) == before and kept._prev[0]._prev  # still whole, children and all
        del kept
    assert freed[0] == nodes and engine._orphans is None


def test_in_pyodide_a_node_refused_by_value_is_freed_quietly(monkeypatch):
    # Value("3") raises before the node has children; the half-made node is then freed.
    from gradbook import engine

    unraisable = []
    monkeypatch.setattr(sys, "unraisablehook", unraisable.append)
    monkeypatch.setattr(Value, "__del__", engine._free_children, raising=False)
    with pytest.raises(TypeError, match="needs a real number"):
        Value("3")
    gc.collect()
    assert not unraisable, [u.exc_value for u in unraisable]


def test_million_node_chain_copies_and_pickles():
    with collector_paused():
        x0, c, x = million_node_chain()
        x.backward()
        for copy_of in (lambda v: pickle.loads(pickle.dumps(v)), copy.deepcopy):
            y = copy_of(x)
            node, depth = y, 0
            while True:  # down the chain: the same depth, one shared leaf, every number kept
                prev = node._prev
                if not prev:
                    break
                last_op, node, depth = node, prev[0], depth + 1
            shared = y._prev[1]
            assert depth == N_DEEP and shared is not c and last_op._prev[1] is shared
            assert (y.data, y.grad, y._op, y._local) == (x.data, x.grad, "*", x._local)
            assert (last_op.data, last_op._local) == (x0.data * c.data, (c.data, 1.0))
            assert last_op.grad * c.data == x0.grad
            assert (shared.label, shared.data, shared.grad) == ("c", c.data, c.grad)
            assert (node.label, node.data, node.grad) == ("x0", 1.0, x0.grad)
            del y, node, shared, prev, last_op
    shallow = copy.copy(x)
    assert shallow is not x and shallow._prev[0] is x._prev[0] and shallow._local == x._local


# -- bad input: a clear, specific exception, never a silent wrong answer ---------


@pytest.mark.parametrize("bad", ["abc", None, [1.0], 1j, True])
def test_value_rejects_non_numbers(bad):
    with pytest.raises(TypeError, match="Value\\(\\) needs a real number"):
        Value(bad)


@pytest.mark.parametrize(
    "op", [lambda v: v + "x", lambda v: "x" * v, lambda v: v * None, lambda v: v ** "2", lambda v: [1] - v]
)
def test_ops_with_non_numbers_raise_type_error(op):
    with pytest.raises(TypeError, match="unsupported operand|can't multiply|Value"):
        op(Value(1.0))


@pytest.mark.parametrize("x", [-1.0, 0.0])
def test_log_of_non_positive(x):
    with pytest.raises(ValueError, match="logarithm needs a positive number"):
        Value(x).log()


def test_zero_to_negative_power():
    with pytest.raises(ZeroDivisionError, match="zero to a negative power"):
        Value(0) ** -1


def test_division_by_zero():
    with pytest.raises(ZeroDivisionError, match="division by zero"):
        Value(1.0) / 0
    with pytest.raises(ZeroDivisionError, match="division by zero"):
        1.0 / Value(0.0)


def test_negative_base_fractional_power():
    with pytest.raises(ValueError, match="negative base needs an integer exponent"):
        Value(-8.0) ** (1 / 3)
    assert (Value(-2.0) ** 3).data == -8.0


def test_value_exponent_needs_positive_base():
    with pytest.raises(ValueError, match="positive base"):
        Value(-2.0) ** Value(2.0)


def test_overflow_gives_infinity_as_multiplication_does():
    assert (Value(1000.0).exp().data, (Value(10.0) ** 400).data, (Value(-10.0) ** 401).data) == (
        math.inf,
        math.inf,
        -math.inf,
    )


def test_power_at_zero_has_defined_slope():
    for k, slope in [(2, 0.0), (1, 1.0), (0, 0.0), (0.5, math.inf)]:
        x = Value(0.0)
        y = x**k
        y.backward()
        assert x.grad == slope, k


# -- NaN and infinity: accepted, and they propagate as IEEE-754 says -------------


def test_nan_propagates_to_data_and_grads():
    a = Value(float("nan"))
    b = Value(2.0)
    y = a * b
    y.backward()
    assert math.isnan(y.data)
    assert math.isnan(b.grad)  # d(a*b)/db = a = nan
    assert a.grad == 2.0


def test_infinity_is_accepted():
    y = Value(float("inf")) + 1
    assert y.data == math.inf
    assert Value(float("inf")).tanh().data == 1.0


def test_numbers_from_other_libraries_are_accepted():
    from decimal import Decimal
    from fractions import Fraction

    assert Value(Fraction(1, 4)).data == 0.25
    with pytest.raises(TypeError):
        Value(Decimal("1.5"))  # Decimal is not numbers.Real


def test_division_is_correctly_rounded():
    assert (Value(7.0) / Value(10.0)).data == 7.0 / 10.0 == 0.7


def test_local_derivatives_must_match_the_children():
    a = Value(3.0)
    with pytest.raises(ValueError, match=r"one local derivative per child \(_local=\): 1 children, 2 given"):
        Value(9.0, (a,), "sq", _local=(1.0, 2.0))
    with pytest.raises(TypeError, match="a local derivative must be a real number, got str"):
        Value(9.0, (a,), "sq", _local=("6",))


def test_a_node_without_local_derivatives_or_backward_says_so_at_backward():
    a = Value(3.0)
    y = Value(9.0, (a,), "sq", label="y") * 2
    with pytest.raises(ValueError, match=r"the node 'y' Value\(9.0\) \(op 'sq'\).*set its _backward to a function"):
        y.backward()


# -- the numeric policy of Value's docstring, operation by operation ----------------

NAN, INF = math.nan, math.inf
SPECIAL = [NAN, INF, -INF, 0.0, 1.5, -2.0]

# Every operation, written once for Values and (where installed) torch tensors.
POLICY_OPS = {
    "a + b": lambda a, b: a + b,
    "a - b": lambda a, b: a - b,
    "a * b": lambda a, b: a * b,
    "a / b": lambda a, b: a / b,
    "a ** b": lambda a, b: a**b,
    "2.0 - a": lambda a: 2.0 - a,
    "2.0 / a": lambda a: 2.0 / a,
    "2.0 ** a": lambda a: 2.0**a,
    "a ** 2": lambda a: a**2,
    "a ** 3": lambda a: a**3,
    "a ** -1": lambda a: a**-1,
    "a ** 0.5": lambda a: a**0.5,
    "-a": lambda a: -a,
    "a.exp()": lambda a: a.exp(),
    "a.log()": lambda a: a.log(),
    "a.tanh()": lambda a: a.tanh(),
    "a.relu()": lambda a: a.relu(),
    "a.sigmoid()": lambda a: a.sigmoid(),
}


def policy_error(name, xs):
    """What the policy says this operation raises on these operands (None: it computes)."""
    if not all(math.isfinite(x) for x in xs):
        return None  # NaN and infinity always propagate
    a = xs[0]
    rules = {
        "a / b": ZeroDivisionError if xs[-1] == 0 else None,
        "2.0 / a": ZeroDivisionError if a == 0 else None,
        "a ** -1": ZeroDivisionError if a == 0 else None,
        "a ** 0.5": ValueError if a < 0 else None,
        "a ** b": ValueError if a <= 0 else None,
        "a.log()": ValueError if a <= 0 else None,
    }
    return rules.get(name)


def policy_cases():
    for name, fn in POLICY_OPS.items():
        arity = fn.__code__.co_argcount
        for xs in itertools.product(SPECIAL, repeat=arity):
            yield pytest.param(name, xs, id=f"{name} {xs}")


def value_run(name, xs):
    leaves = [Value(x) for x in xs]
    out = POLICY_OPS[name](*leaves)
    out.backward()
    return out.data, [leaf.grad for leaf in leaves]


def same_pattern(ours, theirs):
    """Both NaN, the same infinity, or finite and equal to rounding."""
    if math.isnan(ours) or math.isnan(theirs) or math.isinf(ours) or math.isinf(theirs):
        return (math.isnan(ours) and math.isnan(theirs)) or ours == theirs
    return ours == approx(theirs, rel=1e-12, abs=1e-300)


@pytest.mark.parametrize("name, xs", list(policy_cases()))
def test_every_operation_follows_the_numeric_policy(name, xs):
    error = policy_error(name, xs)
    if error is not None:
        with pytest.raises(error) as info:
            value_run(name, xs)
        assert "Value(" in str(info.value) and len(str(info.value)) < 100
        return
    data, grads = value_run(name, xs)  # never raises: overflow gives inf
    if any(math.isnan(x) for x in xs):
        assert math.isnan(data), "a NaN operand must give a NaN result"
    torch = sys.modules.get("torch") or pytest.importorskip("torch", reason="compared with PyTorch when installed")
    leaves = [torch.tensor(x, dtype=torch.float64, requires_grad=True) for x in xs]
    out = POLICY_OPS[name](*leaves)
    if math.isnan(data) != math.isnan(out.item()):
        # Two known differences. PyTorch keeps IEEE-754's pow(nan, 0) == 1, where the policy
        # keeps the NaN; and it computes x ** 0.5 as sqrt(x), NaN at -inf, where IEEE-754's
        # pow (and gradbook) give inf.
        assert (name, xs[1:]) == ("a ** b", (0.0,)) and math.isnan(xs[0]) or (name, xs) == ("a ** 0.5", (-INF,))
        return
    out.backward()
    assert same_pattern(data, out.item()), (data, out.item())
    for ours, leaf in zip(grads, leaves):
        assert same_pattern(ours, leaf.grad.item()), (grads, [t.grad.item() for t in leaves])


@pytest.mark.parametrize(
    "build",
    [
        lambda: Value(1e200) * Value(1e200),
        lambda: Value(1e200) ** 2,
        lambda: Value(2) ** 2**1023,
        lambda: Value(1000.0).exp(),
        lambda: Value(1e200) / Value(1e-200),
        lambda: 2.0 ** Value(2000.0),
        lambda: Value(10.0) ** Value(400.0),
    ],
)
def test_overflow_gives_infinity_in_every_operation(build):
    y = build()
    y.backward()
    assert y.data == math.inf
    assert all(child.grad == child.grad for child in y._prev)  # the slopes overflow too, but are not NaN


def test_errors_name_the_operands_as_written_and_briefly():
    cases = [
        (lambda: (-2.0) ** Value(2.0), ValueError, "-2.0 ** Value(2.0): a Value exponent needs a positive base"),
        (lambda: 1.0 / Value(0.0), ZeroDivisionError, "1.0 / Value(0.0): division by zero"),
        (lambda: Value(1.0) / 0, ZeroDivisionError, "Value(1.0) / Value(0.0): division by zero"),
        (lambda: Value(0.0) ** -(2**1023), ZeroDivisionError, "Value(0.0) ** -8988465...8608 (308 digits): zero"),
        (lambda: Value(10**400), OverflowError, "Value(10000000...0000 (401 digits)): too large for a float"),
        (lambda: Value(1.0) * 10**400, OverflowError, "10000000...0000 (401 digits) is too large for a float"),
    ]
    for build, error, start in cases:
        with pytest.raises(error) as info:
            build()
        assert str(info.value).startswith(start) and len(str(info.value)) < 100, str(info.value)


def test_nan_never_becomes_a_number():
    nan = Value(NAN)
    for y in (nan.relu(), nan**0, 1.0**nan, nan * 0, nan.tanh(), nan.sigmoid(), nan.exp(), nan.log()):
        assert math.isnan(y.data), y._op
    y = nan.relu()
    y.backward()
    assert nan.grad == 1.0  # as PyTorch: the gradient passes a NaN input


# -- a second backward(), identity, comparisons ---------------------------------------


def test_second_backward_adds_the_same_gradient_to_leaves_as_pytorch():
    a = Value(3.0)
    c = (a * 1.0) * 1.0
    c.backward()
    c.backward()
    assert a.grad == 2.0  # micrograd gives 3.0: its inner node pushes its old gradient again
    torch = sys.modules.get("torch")
    if torch is not None:
        t = torch.tensor(3.0, dtype=torch.float64, requires_grad=True)
        tc = (t * 1.0) * 1.0
        tc.backward(retain_graph=True)
        tc.backward()
        assert t.grad.item() == a.grad


def test_backward_of_a_leaf_adds_one():
    a = Value(3.0)
    a.backward()
    a.backward()
    assert a.grad == 2.0


def test_values_hash_and_compare_by_identity():
    a, b = Value(2.0), Value(2.0)
    assert a != b and a == a and len({a, b}) == 2 and {a: 1}[a] == 1
    assert a.data == b.data


@pytest.mark.parametrize("op", [lambda a, b: a < b, lambda a, b: a >= b, lambda a, b: a < 3, lambda a, b: float(a)])
def test_ordering_and_float_raise_type_error(op):
    with pytest.raises(TypeError):
        op(Value(1.0), Value(2.0))


# -- copies and pickles ------------------------------------------------------------------


def small_graph():
    a, b = Value(2.0, label="a"), Value(-3.0, label="b")
    c = a * b
    c.label = "c"
    d = (c + a).tanh() + c**2  # a and c each used twice
    d.label = "d"
    d.backward()
    return a, b, c, d


def same_graph(x, y):
    """The same numbers, labels, ops and local derivatives, node for node, and the same sharing."""
    xs, ys = x._topo(), y._topo()
    assert len(xs) == len(ys)
    index = {id(node): i for i, node in enumerate(ys)}
    for u, v in zip(xs, ys):
        assert (u.data, u.grad, u.label, u._op, u._local) == (v.data, v.grad, v.label, v._op, v._local)
        assert [xs.index(child) for child in u._prev] == [index[id(child)] for child in v._prev]


@pytest.mark.parametrize(
    "copy_of", [lambda v: pickle.loads(pickle.dumps(v)), copy.deepcopy], ids=["pickle", "deepcopy"]
)
def test_copies_keep_the_graph_and_its_sharing(copy_of):
    a, b, c, d = small_graph()
    a2, d2 = copy_of([a, d])  # one pickle: the leaf a inside d2 is a2 itself
    same_graph(d, d2)
    assert a2 in d2._topo() and a2 is not a
    c2, d3 = copy_of([c, d])  # an inner node pickled beside its graph: still one node
    assert c2 in d3._topo()


def test_a_node_with_more_than_two_children_copies():
    xs = [Value(float(i)) for i in range(5)]
    y = Value(10.0, xs, "sum", _local=[1.0] * 5)
    y.backward()
    for z in (pickle.loads(pickle.dumps(y)), copy.deepcopy(y)):
        same_graph(y, z)


# -- extending Value the lecture's way: Value(data, children, op) and out._backward --------


def lecture_tanh(self):
    """The lecture's tanh, as a reader adds it: a node and a closure."""
    x = self.data
    t = (math.exp(2 * x) - 1) / (math.exp(2 * x) + 1)
    out = Value(t, (self,), "tanh")

    def _backward():
        self.grad += (1 - t**2) * out.grad

    out._backward = _backward
    return out


def lecture_exp(self):
    x = self.data
    out = Value(math.exp(x), (self,), "exp")

    def _backward():
        self.grad += out.data * out.grad

    out._backward = _backward
    return out


def lecture_neuron():
    x1, x2 = Value(2.0, label="x1"), Value(0.0, label="x2")
    w1, w2 = Value(-3.0, label="w1"), Value(1.0, label="w2")
    b = Value(6.8813735870195432, label="b")
    n = x1 * w1 + x2 * w2 + b
    return (x1, w1, x2, w2, b), n


NEURON_GRADS = [-1.5, 1.0, 0.5, 0.0, 0.5]  # x1, w1, x2, w2, b (../shared/test-vectors.md)


def test_the_lectures_tanh_as_a_custom_op_gives_the_neuron_gradients():
    leaves, n = lecture_neuron()
    o = lecture_tanh(n)
    o.backward()
    assert o.data == approx(0.7071067811865476)
    assert n.grad == approx(0.5)
    assert [v.grad for v in leaves] == [approx(g) for g in NEURON_GRADS]
    assert o._prev == (n,) and o._op == "tanh" and o._local is None


def test_the_lectures_exp_as_a_custom_op_inside_gradbooks_ops():
    leaves, n = lecture_neuron()
    e = lecture_exp(2 * n)
    o = (e - 1) / (e + 1)  # the lecture's tanh from exp: custom and stored-derivative nodes mixed
    o.backward()
    assert o.data == approx(0.7071067811865476)
    assert [v.grad for v in leaves] == [approx(g) for g in NEURON_GRADS]


def test_a_custom_op_with_three_children_used_twice_runs_in_topological_order():
    a, b, c = Value(2.0), Value(-3.0), Value(10.0)

    def fma(x, y, z):  # x * y + z, with its gradient by hand
        out = Value(x.data * y.data + z.data, (x, y, z), "fma")

        def _backward():
            x.grad += y.data * out.grad
            y.grad += x.data * out.grad
            z.grad += out.grad

        out._backward = _backward
        return out

    d = fma(a, b, c)  # 4
    f = lecture_tanh(d * 0.1) * d + d  # d reaches the output along three paths
    f.backward()
    reference = [Value(v) for v in (2.0, -3.0, 10.0)]
    rd = reference[0] * reference[1] + reference[2]
    rf = (rd * 0.1).tanh() * rd + rd
    rf.backward()
    assert f.data == approx(rf.data)
    assert [v.grad for v in (a, b, c)] == [approx(v.grad) for v in reference]


def test_a_second_backward_through_closures_adds_the_same_to_the_leaves():
    x = Value(0.5)
    y = lecture_tanh(x) * 3
    y.backward()
    first = x.grad
    y.backward()
    assert x.grad == approx(2 * first)


def test_the_lectures_add_and_mul_as_custom_ops_give_the_lecture_gradients():
    def add(u, v):
        out = Value(u.data + v.data, (u, v), "+")

        def _backward():
            u.grad += 1.0 * out.grad
            v.grad += 1.0 * out.grad

        out._backward = _backward
        return out

    def mul(u, v):
        out = Value(u.data * v.data, (u, v), "*")

        def _backward():
            u.grad += v.data * out.grad
            v.grad += u.data * out.grad

        out._backward = _backward
        return out

    a, b, c, f = Value(2.0), Value(-3.0), Value(10.0), Value(-2.0)
    L = mul(add(mul(a, b), c), f)
    L.backward()
    assert (L.data, a.grad, b.grad, c.grad, f.grad) == (-8.0, 6.0, -4.0, -2.0, 4.0)
    assert [type(v) for v in (a, L)] == [Value, Value]


def test_backward_can_be_called_on_a_node_by_hand_as_in_the_lecture():
    a, b = Value(2.0), Value(-3.0)
    e = a * b
    e.grad = 1.0
    e._backward()  # a stored-derivative node's _backward applies its local derivatives
    o = lecture_tanh(a)
    o.grad = 1.0
    o._backward()
    assert (a.grad, b.grad) == (-3.0 + (1 - math.tanh(2.0) ** 2), 2.0)


def test_a_closure_replaces_local_derivatives_and_must_be_callable():
    x = Value(3.0)
    y = x * x
    y._backward = lambda: None  # a stop-gradient
    y.backward()
    assert x.grad == 0.0
    with pytest.raises(TypeError, match=r"_backward must be a function taking no arguments, got int"):
        y._backward = 5


def test_bad_children_are_named_when_the_node_is_made():
    with pytest.raises(TypeError, match=r"every child must be a Value, but child 0 is float: 2.0"):
        Value(1.0, (2.0,), "f", _local=(1.0,))
    with pytest.raises(TypeError, match=r"Value\(\) needs a number, got a Value: Value\(data=2.0, grad=0.0\)"):
        Value(Value(2.0))


def test_a_graph_with_a_closure_cannot_be_copied_and_says_why():
    x = Value(0.5)
    y = lecture_tanh(x) + 1
    for copy_of in (copy.copy, copy.deepcopy, lambda v: pickle.loads(pickle.dumps(v))):
        target = y._prev[0] if copy_of is copy.copy else y
        with pytest.raises(TypeError, match="has a _backward function, which refers to the nodes it was made with"):
            copy_of(target)
    assert engine._pickling.nodes == frozenset()


# -- the numeric edges of issue 22: the true value, as PyTorch float64 gives it ----------


def grads_of(build, *xs):
    leaves = [Value(x) for x in xs]
    build(*leaves).backward()
    return [leaf.grad for leaf in leaves]


def exact(x):
    return fractions.Fraction(x)


# Each expected gradient is computed exactly from the floats involved (fractions), then rounded once.
@pytest.mark.parametrize(
    "build, xs, expected",
    [
        # 1 / 5e-324 overflows, 1e-300 / 5e-324 does not
        (lambda a: a.log() * 1e-300, (5e-324,), lambda a: [exact(1e-300) / a]),
        (lambda a: a.log() * 0.0, (5e-324,), lambda a: [0]),
        (lambda a: a**0, (5e-324,), lambda a: [0]),
        (lambda a: a ** Value(0.0), (5e-324,), lambda a: [0]),
        # d/da (a/b) = 1/b overflows; so does d/db = -a/b**2 (PyTorch gives -inf there)
        (lambda a, b: (a / b) * 1e-300, (1e-300, 1e-310), lambda a, b: [exact(1e-300) / b, -exact(1e-300) * a / b**2]),
        # 1/b is subnormal: stored, it would keep only a few of its digits
        (lambda a, b: (a / b) * 1e300, (3.0, 7e307), lambda a, b: [exact(1e300) / b, -exact(1e300) * a / b**2]),
        # the gradient reaching relu overflows (1e308 * 10); relu's slope below 0 is exactly 0
        (lambda a: a.relu() * 1e308 * 10, (-1.0,), lambda a: [0]),
        # k * x**(k-1) overflows for x = 1e-300; the gradient does not
        (lambda a: a**-1 * 1e-300, (1e-300,), lambda a: [-exact(1e-300) / a**2]),
        (lambda a: a**3 * 1e-300, (1e200,), lambda a: [3 * exact(1e-300) * a**2]),
    ],
)
def test_a_gradient_finite_in_exact_arithmetic_is_finite_and_right(build, xs, expected):
    assert grads_of(build, *xs) == [float(e) for e in expected(*map(exact, xs))]


def test_the_edges_agree_with_pytorch_float64():
    torch = pytest.importorskip("torch", reason="compared with PyTorch when installed")
    cases = [
        (lambda a: a.log() * 1e-300, (5e-324,)),
        (lambda a: a.log() * 0.0, (5e-324,)),
        (lambda a: a**0, (5e-324,)),
        (lambda a, b: (a / b) * 1e-300, (1e-300, 1e-310)),
        (lambda a: a.relu() * 1e308 * 10, (-1.0,)),
    ]
    for build, xs in cases:
        leaves = [torch.tensor(x, dtype=torch.float64, requires_grad=True) for x in xs]
        build(*leaves).backward()
        # the first input's gradient: PyTorch's is finite for each of these
        assert grads_of(build, *xs)[0] == approx(leaves[0].grad.item(), rel=1e-15, abs=0.0)


def test_a_nan_still_reaches_through_a_zero_slope():
    a = Value(-1.0)
    y = a.relu() * float("nan")
    y.backward()
    assert math.isnan(a.grad)
    b = Value(2.0)
    (b**0 * float("nan")).backward()
    assert math.isnan(b.grad)


class StraightThrough(Value):
    """A subclass with a _backward of its own: passes the gradient straight through."""

    def _backward(self):
        for child in self._prev:
            child.grad += self.grad


def straight_through_sign(x):
    return StraightThrough(math.copysign(1.0, x.data), (x,), "sign", _local=(0.0,))


@pytest.mark.parametrize(
    "copy_of", [copy.copy, copy.deepcopy, lambda v: pickle.loads(pickle.dumps(v))], ids=["copy", "deepcopy", "pickle"]
)
def test_copies_keep_the_subclass_and_its_gradient(copy_of):
    x = Value(0.3)
    s = straight_through_sign(x)
    s.tag = "kept"  # a subclass without __slots__ has attributes of its own
    y = copy_of(s) if copy_of is copy.copy else copy_of(s * 2.0)
    if copy_of is copy.copy:
        assert type(y) is StraightThrough and y.tag == "kept" and y._prev[0] is x
        (y * 2.0).backward()
        assert x.grad == 2.0
        return
    copied_s = y._prev[0]
    assert type(copied_s) is StraightThrough and copied_s.tag == "kept"
    y.backward()
    assert copied_s._prev[0].grad == 2.0


def test_deepcopy_does_not_share_a_mutable_label():
    x = Value(1.0, label=["x"])
    y = copy.deepcopy(x * 2)
    copied_x = y._prev[0]
    assert copied_x.label == ["x"] and copied_x.label is not x.label
    copied_x.label.append("changed")
    assert x.label == ["x"]


def test_a_failed_pickle_leaves_no_state_and_the_next_one_works():
    x = million_deep = Value(1.0, label=lambda: "a label pickle cannot write")
    for _ in range(5_000):
        million_deep = million_deep * 1.0001 + 0.5
    with pytest.raises((pickle.PicklingError, AttributeError, TypeError)):
        pickle.dumps(million_deep)
    assert engine._pickling.nodes == frozenset()
    x.label = "x"
    part = million_deep._prev[0]._prev[0]
    copied = pickle.loads(pickle.dumps(part))  # no RecursionError: nothing was left marked
    assert copied.data == part.data


def test_a_failed_deepcopy_leaves_the_original_untouched():
    class Uncopyable:
        def __deepcopy__(self, memo):
            raise RuntimeError("no copies")

    x = Value(1.0, label=Uncopyable())
    y = x * 2 + 1
    with pytest.raises(RuntimeError, match="no copies"):
        copy.deepcopy(y)
    x.label = "x"
    assert copy.deepcopy(y)._prev[0]._prev[0].label == "x"

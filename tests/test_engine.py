"""The engine against the lecture's numbers (../shared/test-vectors.md) and bad input."""

import math

import pytest

from gradbook import Value


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


def test_million_node_chain_forward_and_backward():
    x0 = Value(0.0)
    x = x0
    for _ in range(1_000_000):
        x = x * 1.0001 + 0.5
    x.backward()
    assert x0.grad == approx(1.0001**1_000_000, rel=1e-6)
    del x  # freeing the chain must not overflow the C stack either


# -- bad input: a clear, specific exception, never a silent wrong answer ---------


@pytest.mark.parametrize("bad", ["abc", None, [1.0], 1j, True])
def test_value_rejects_non_numbers(bad):
    with pytest.raises(TypeError, match="Value\\(\\) needs a real number"):
        Value(bad)


@pytest.mark.parametrize("op", [lambda v: v + "x", lambda v: "x" * v, lambda v: v * None, lambda v: v**"2", lambda v: [1] - v])
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
    assert (Value(1000.0).exp().data, (Value(10.0) ** 400).data, (Value(-10.0) ** 401).data) == (math.inf, math.inf, -math.inf)


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
    from fractions import Fraction
    from decimal import Decimal

    assert Value(Fraction(1, 4)).data == 0.25
    with pytest.raises(TypeError):
        Value(Decimal("1.5"))  # Decimal is not numbers.Real


def test_division_is_correctly_rounded():
    assert (Value(7.0) / Value(10.0)).data == 7.0 / 10.0 == 0.7


def test_children_without_local_derivatives_are_refused():
    a = Value(3.0)
    with pytest.raises(ValueError, match="one local derivative per child"):
        Value(9.0, (a,), "sq")

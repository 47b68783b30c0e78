import doctest
import math
import re

import pytest

import gradbook.check
from gradbook import Value, gradcheck
from gradbook.check import GradcheckResult, numeric_grads


def lecture_L(v):
    a, b, c, f = v
    return (a * b + c) * f


def tanh_neuron(v):
    x1, x2, w1, w2, b = v
    return (x1 * w1 + x2 * w2 + b).tanh()


NEURON_INPUTS = [2.0, 0.0, -3.0, 1.0, 6.8813735870195432]


def broken_tanh(v):
    """tanh with a wrong local derivative: 1 - t instead of 1 - t**2."""
    t = math.tanh(v.data)
    return Value(t, (v,), "tanh", _local=(1.0 - t,))


class OverwritingValue(Value):
    """The lecture's bug: `=` where the chain rule needs `+=`."""

    def _backward(self):
        for child, local in zip(self._prev, self._local):
            child.grad = local * self.grad


# -- numeric_grads ------------------------------------------------------------------------


def test_numeric_grads_of_the_lecture_expression_on_floats():
    grads = numeric_grads(lecture_L, [2.0, -3.0, 10.0, -2.0])
    assert grads == pytest.approx([6.0, -4.0, -2.0, 4.0], abs=1e-6)


def test_numeric_grads_accepts_a_function_returning_a_value():
    grads = numeric_grads(lambda x: Value(x[0]) * x[1], [3.0, 5.0])
    assert grads == pytest.approx([5.0, 3.0], abs=1e-6)


def test_numeric_grads_uses_central_differences():
    # for x**2 the forward difference is off by h; the central one is exact up to rounding
    (g,) = numeric_grads(lambda x: x[0] ** 2, [1.0], h=1e-3)
    assert abs(g - 2.0) < 1e-9


@pytest.mark.parametrize("h", [0.0, -1e-6, float("nan")])
def test_numeric_grads_needs_a_positive_step(h):
    with pytest.raises(ValueError, match="h must be"):
        numeric_grads(lecture_L, [1.0, 2.0, 3.0, 4.0], h=h)


# -- gradcheck: right gradients --------------------------------------------------------------


def test_gradcheck_passes_on_the_lecture_expression():
    result = gradcheck(lecture_L, [2.0, -3.0, 10.0, -2.0], names="abcf")
    assert isinstance(result, GradcheckResult)
    assert result.ok and bool(result)
    assert [(r.name, r.analytic) for r in result.rows] == [
        ("a", 6.0), ("b", -4.0), ("c", -2.0), ("f", 4.0),
    ]
    assert all(r.ok and r.abs_err < 1e-6 for r in result.rows)
    assert result.report().startswith("gradcheck: all 4 gradients match")


def test_gradcheck_passes_on_the_tanh_neuron():
    result = gradcheck(tanh_neuron, NEURON_INPUTS, names=["x1", "x2", "w1", "w2", "b"])
    assert result.ok
    grads = {r.name: r.analytic for r in result.rows}
    assert grads["x1"] == pytest.approx(-1.5)
    assert grads["w1"] == pytest.approx(1.0)
    assert grads["x2"] == pytest.approx(0.5)
    assert grads["w2"] == pytest.approx(0.0, abs=1e-12)


def test_gradcheck_names_default_to_x0_x1():
    assert [r.name for r in gradcheck(lecture_L, [1, 2, 3, 4]).rows] == ["x0", "x1", "x2", "x3"]


def test_raise_on_fail_is_quiet_when_gradients_match():
    assert gradcheck(lecture_L, [2.0, -3.0, 10.0, -2.0], raise_on_fail=True)


# -- gradcheck: wrong gradients ----------------------------------------------------------------


def test_gradcheck_fails_on_a_wrong_local_derivative():
    result = gradcheck(
        lambda v: broken_tanh(v[0]) * v[1], [0.5, 2.0], names=["broken_in", "fine_in"]
    )
    assert not result.ok and not bool(result)
    assert [r.ok for r in result.rows] == [False, True]
    report = result.report()
    assert "1 of 2 gradients do not match" in report
    assert re.search(r"^broken_in .*wrong$", report, re.M)
    assert "fine_in" not in report  # only mismatches are listed...
    assert "fine_in" in result.report(show_all=True)  # ...unless asked


def test_gradcheck_catches_the_overwritten_gradient_bug():
    # b = a + a: the second `=` overwrites the first, so a.grad is 1, not 2
    def double(v):
        a = v[0]
        return OverwritingValue(a.data + a.data, (a, a), "+", _local=(1.0, 1.0))

    result = gradcheck(double, [3.0], names=["a"])
    assert not result.ok
    assert result.rows[0].analytic == 1.0
    assert result.rows[0].numeric == pytest.approx(2.0)


def test_raise_on_fail_raises_with_the_report():
    with pytest.raises(AssertionError, match=r"(?s)do not match.*broken_in"):
        gradcheck(lambda v: broken_tanh(v[0]), [0.5], names=["broken_in"], raise_on_fail=True)


def test_gradcheck_does_not_call_nan_a_match():
    def nan_grad(v):
        return Value(v[0].data, (v[0],), "id", _local=(float("nan"),))

    assert not gradcheck(nan_grad, [1.0]).ok


def test_gradcheck_on_an_infinite_slope():
    # a step from 0 to inf at x = 1: the numeric slope there is inf
    def step(local):
        return lambda v: Value(math.inf if v[0].data > 1 else 0.0, (v[0],), "step", _local=(local,))

    assert not gradcheck(step(0.0), [1.0]).ok  # inf tolerance must not excuse it
    assert gradcheck(step(math.inf), [1.0]).ok


# -- gradcheck: arguments -------------------------------------------------------------------


def test_names_must_match_inputs():
    with pytest.raises(ValueError, match="3 names for 4 inputs"):
        gradcheck(lecture_L, [1, 2, 3, 4], names="abc")


def test_f_must_return_a_value():
    with pytest.raises(TypeError, match="must return a Value"):
        gradcheck(lambda v: 1.0, [1.0])


def test_docstring_examples():
    results = doctest.testmod(gradbook.check)
    assert results.attempted > 0 and results.failed == 0


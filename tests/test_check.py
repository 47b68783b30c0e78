import doctest
import math
import re

import pytest

import gradbook.check
from gradbook import Value, gradcheck
from gradbook.check import GradcheckResult, GradRow, numeric_grads


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
        ("a", 6.0),
        ("b", -4.0),
        ("c", -2.0),
        ("f", 4.0),
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
    result = gradcheck(lambda v: broken_tanh(v[0]) * v[1], [0.5, 2.0], names=["broken_in", "fine_in"])
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


# -- gradcheck: when the finite difference itself fails ------------------------------------


def test_a_nudge_outside_the_domain_says_which_input_and_what_to_do():
    with pytest.raises(ValueError) as err:
        gradcheck(lambda v: v[0] * v[1].log(), [2.0, 1e-7], names=["w", "p"])
    message = str(err.value)
    assert "the finite difference for p cannot be computed" in message
    assert "f fails at the nudge p - h = -9e-07 (p = 1e-07)" in message
    assert "Value(-9e-07).log()" in message  # what f itself said
    assert "use a smaller h, or check at a point further from the edge" in message
    assert isinstance(err.value.__cause__, ValueError)
    # and the advice works: with h below the distance to the edge it can be checked
    assert gradcheck(lambda v: v[0].log(), [1e-7], h=1e-10).ok


def test_numeric_grads_names_the_failing_nudge_too():
    with pytest.raises(ValueError, match=re.escape("f fails at the nudge x1 + h = 1.000001 (x1 = 1.0)")):
        numeric_grads(lambda v: v[0] / (1.000001 - v[1]), [3.0, 1.0])


def test_f_that_takes_one_value_gets_a_hint():
    with pytest.raises(TypeError, match=re.escape("gradcheck calls f with a list of Values, one per input")):
        gradcheck(lambda x: x.log(), [1.0])


def test_a_kink_puts_the_numeric_side_in_doubt():
    result = gradcheck(lambda v: v[0].relu() * v[1], [0.0, 2.0], names=["x", "w"])
    x, w = result.rows
    assert not x.ok and x.numeric == pytest.approx(1.0)  # half of relu's two slopes, times w
    assert "kink" in x.doubt and "from the left (0) and from the right (2)" in x.doubt
    assert w.ok and w.doubt == ""
    report = result.report()
    assert "1 of 2 gradients do not match" in report and "1 where the finite difference is in doubt" in report
    assert re.search(r"^x .*<-- numeric in doubt$", report, re.M)
    assert "wrong" not in report
    assert f"x: {x.doubt}" in report.splitlines()


def test_a_nudge_across_a_kink_puts_the_numeric_side_in_doubt():
    row = gradcheck(lambda v: v[0].relu(), [5e-7]).rows[0]
    assert not row.ok and row.analytic == 1.0
    assert "moves from 0.75 to 1 when h is halved" in row.doubt


def test_an_ill_conditioned_point_puts_the_numeric_side_in_doubt():
    """x / y at y = 1e-7: the nudge y - h crosses the pole at 0."""
    result = gradcheck(lambda v: v[0] / v[1], [1.0, 1e-7])
    x, y = result.rows
    assert x.ok and not y.ok
    assert y.analytic == pytest.approx(-1e14)
    assert "when h is halved" in y.doubt and "Try a smaller h" in y.doubt
    assert "<-- numeric in doubt" in result.report() and "wrong" not in result.report()
    assert gradcheck(lambda v: v[0] / v[1], [1.0, 1e-7], h=1e-11).ok  # the advice works


@pytest.mark.parametrize("x", [math.nan, math.inf, -math.inf])
def test_nan_or_inf_puts_the_numeric_side_in_doubt(x):
    row = gradcheck(lambda v: v[0] * 2.0, [x]).rows[0]
    assert not row.ok
    assert row.doubt.startswith(f"f is not finite near x0 = {x!r}")
    assert "wrong" not in gradcheck(lambda v: v[0] * 2.0, [x]).report()


def test_rounding_that_swamps_the_difference_puts_the_numeric_side_in_doubt():
    # f is 1e12: a nudge of 1e-6 in b is below f's rounding error
    result = gradcheck(lambda v: v[0] * 1e12 + v[1], [1.0, 1.0], names=["a", "b"])
    a, b = result.rows
    assert a.ok and not b.ok and b.analytic == 1.0
    assert "mostly rounding" in b.doubt and "Try a larger h" in b.doubt


def test_raise_on_fail_with_a_doubt_says_so():
    with pytest.raises(AssertionError, match=r"(?s)numeric in doubt.*kink"):
        gradcheck(lambda v: v[0].relu(), [0.0], raise_on_fail=True)


def test_a_wrong_derivative_at_a_sound_point_is_still_wrong():
    # the doubt checks must not excuse a real bug: smooth points, no doubt
    for x in [-2.0, -0.3, 0.5, 1.7]:
        row = gradcheck(lambda v: broken_tanh(v[0]), [x]).rows[0]
        assert not row.ok and row.doubt == ""


def test_sound_rows_have_no_doubt():
    result = gradcheck(tanh_neuron, NEURON_INPUTS)
    assert result.ok and all(row.doubt == "" for row in result.rows)


def test_a_five_field_row_still_works():
    row = GradRow("a", 1.0, 1.0, 0.0, True)  # as built before `doubt` existed
    assert row.doubt == "" and row.ok


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


# -- a reader's own engine, as the chapters build it (issue 19) ------------------------------


def reader_value(forget_out_grad=False):
    """A Value as a reader writes it in chapters 2-8: a set of children, closures, a recursive sort."""

    class ReaderValue:
        def __init__(self, data, _children=(), _op=""):
            self.data = data
            self.grad = 0.0
            self._backward = lambda: None
            self._prev = set(_children)
            self._op = _op

        def __add__(self, other):
            other = other if isinstance(other, ReaderValue) else ReaderValue(other)
            out = ReaderValue(self.data + other.data, (self, other), "+")

            def _backward():
                self.grad += out.grad
                other.grad += out.grad

            out._backward = _backward
            return out

        def __mul__(self, other):
            other = other if isinstance(other, ReaderValue) else ReaderValue(other)
            out = ReaderValue(self.data * other.data, (self, other), "*")

            def _backward():
                self.grad += other.data * (1.0 if forget_out_grad else out.grad)
                other.grad += self.data * out.grad

            out._backward = _backward
            return out

        def tanh(self):
            t = math.tanh(self.data)
            out = ReaderValue(t, (self,), "tanh")

            def _backward():
                self.grad += (1 - t**2) * out.grad

            out._backward = _backward
            return out

        def backward(self):
            topo, visited = [], set()

            def build_topo(v):
                if v not in visited:
                    visited.add(v)
                    for child in v._prev:
                        build_topo(child)
                    topo.append(v)

            build_topo(self)
            self.grad = 1.0
            for node in reversed(topo):
                node._backward()

    return ReaderValue


def reader_neuron(v):
    x1, x2, w1, w2, b = v
    return (x1 * w1 + x2 * w2 + b).tanh()


NEURON_AT = [2.0, 0.0, -3.0, 1.0, 6.8813735870195432]
NEURON_NAMES = ["x1", "x2", "w1", "w2", "b"]


def test_gradcheck_passes_a_readers_correct_engine():
    result = gradcheck(reader_neuron, NEURON_AT, names=NEURON_NAMES, value=reader_value())
    assert result.ok, result.report()
    assert [round(row.analytic, 9) for row in result.rows] == [-1.5, 0.5, 1.0, 0.0, 0.5]


def test_gradcheck_flags_a_readers_missing_out_grad_naming_the_gradient():
    result = gradcheck(reader_neuron, NEURON_AT, names=NEURON_NAMES, value=reader_value(forget_out_grad=True))
    assert not result.ok
    wrong = {row.name for row in result.rows if not row.ok}
    assert wrong == {"x1", "x2"}  # self.grad of x1*w1 and x2*w2 lost out.grad (0.5)
    report = result.report()
    assert "x1" in report and "<-- wrong" in report and "numeric in doubt" not in report
    with pytest.raises(AssertionError, match=r"x1 .* <-- wrong"):
        gradcheck(reader_neuron, NEURON_AT, names=NEURON_NAMES, value=reader_value(True), raise_on_fail=True)


def test_gradcheck_says_what_a_class_that_is_not_value_like_lacks():
    class Half:
        def __init__(self, data):
            self.data = data

    with pytest.raises(TypeError, match=r"Half\(1.0\) has no grad, _prev, backward: gradcheck needs a Value-like"):
        gradcheck(lambda v: v[0], [1.0], value=Half)
    with pytest.raises(TypeError, match=r"value= must be a Value class.*got float"):
        gradcheck(lambda v: v[0], [1.0], value=1.0)


def test_a_slope_outside_both_sides_of_a_kink_is_wrong_not_in_doubt():
    def relu_with_slope_5(v):
        out = v[0].relu()
        out._local = (5.0,)
        return out

    (row,) = gradcheck(relu_with_slope_5, [0.0]).rows
    assert (row.analytic, row.ok, row.doubt) == (5.0, False, "")
    assert "<-- wrong" in gradcheck(relu_with_slope_5, [0.0]).report()
    (row,) = gradcheck(lambda v: v[0].relu(), [0.0]).rows  # backward()'s 0 is one side's slope
    assert not row.ok and "kink" in row.doubt

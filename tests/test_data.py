import doctest
import math

import pytest

import gradbook.data
from gradbook.data import make_moons


@pytest.mark.parametrize("n", [1, 2, 7, 100])
def test_lengths_and_shapes(n):
    X, y = make_moons(n)
    assert len(X) == len(y) == n
    assert all(len(p) == 2 and all(type(v) is float for v in p) for p in X)


@pytest.mark.parametrize("n", [100, 101])
def test_outer_moon_first_labelled_minus_one_then_inner_plus_one(n):
    _, y = make_moons(n)
    assert y == [-1] * (n // 2) + [1] * (n - n // 2)


def test_same_seed_same_points():
    assert make_moons(50, noise=0.2, seed=3) == make_moons(50, noise=0.2, seed=3)


def test_other_seed_other_points():
    assert make_moons(50, noise=0.2, seed=3)[0] != make_moons(50, noise=0.2, seed=4)[0]


def test_the_same_points_as_before():
    # pins the order of the random draws: a change here changes every figure in the book
    X, _ = make_moons(4, noise=0.1, seed=0)
    assert X[0] == pytest.approx([1.0941715, -0.1396578], abs=1e-6)
    assert X[3] == pytest.approx([2.0179196, 0.4168901], abs=1e-6)


def test_without_noise_points_lie_exactly_on_the_moons():
    n = 9
    X, _ = make_moons(n, noise=0.0)
    outer, inner = X[: n // 2], X[n // 2 :]
    for i, (x1, x2) in enumerate(outer):
        t = math.pi * i / (len(outer) - 1)
        assert (x1, x2) == pytest.approx((math.cos(t), math.sin(t)), abs=1e-15)
    for i, (x1, x2) in enumerate(inner):
        t = math.pi * i / (len(inner) - 1)
        assert (x1, x2) == pytest.approx((1 - math.cos(t), 0.5 - math.sin(t)), abs=1e-15)
    # ends of the moons exactly where scikit-learn puts them
    assert outer[0] == [1.0, 0.0] and inner[0] == [0.0, 0.5]
    assert outer[-1][0] == -1.0 and inner[-1][0] == 2.0


def test_noise_moves_points_off_the_moons():
    X, _ = make_moons(20, noise=0.1)
    radii = [math.hypot(x1, x2) for x1, x2 in X[:10]]
    assert any(abs(r - 1.0) > 1e-3 for r in radii)
    assert all(abs(r - 1.0) < 1.0 for r in radii)


@pytest.mark.parametrize(
    "kwargs, error, message",
    [
        ({"n": 0}, ValueError, "at least 1"),
        ({"n": -5}, ValueError, "at least 1"),
        ({"n": 10.0}, TypeError, "n must be an int"),
        ({"n": True}, TypeError, "n must be an int"),
        ({"n": "10"}, TypeError, "n must be an int"),
        ({"noise": -0.1}, ValueError, ">= 0"),
        ({"noise": float("nan")}, ValueError, ">= 0"),
        ({"noise": float("inf")}, ValueError, "finite"),
        ({"noise": "0.1"}, TypeError, "noise must be a real number"),
    ],
)
def test_bad_arguments(kwargs, error, message):
    with pytest.raises(error, match=message):
        make_moons(**kwargs)


def test_docstring_examples():
    results = doctest.testmod(gradbook.data)
    assert results.attempted > 0 and results.failed == 0

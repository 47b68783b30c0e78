import random
import re

import pytest

from gradbook import MLP, Layer, Neuron, Value


def test_parameter_counts_match_micrograd():
    assert len(Neuron(3).parameters()) == 4
    assert len(Layer(3, 4).parameters()) == 16
    assert len(MLP(3, [4, 4, 1]).parameters()) == 41  # the lecture's net


def test_same_seed_same_weights_and_output():
    a, b = MLP(3, [4, 4, 1], rng=42), MLP(3, [4, 4, 1], rng=42)
    assert [p.data for p in a.parameters()] == [p.data for p in b.parameters()]
    assert a([2.0, 3.0, -1.0]).data == b([2.0, 3.0, -1.0]).data
    assert [p.data for p in MLP(3, [4, 4, 1], rng=43).parameters()] != [p.data for p in a.parameters()]


def test_default_source_is_the_global_random_like_micrograd():
    random.seed(1337)
    a = MLP(2, [16, 16, 1])
    random.seed(1337)
    b = MLP(2, [16, 16, 1])
    assert [p.data for p in a.parameters()] == [p.data for p in b.parameters()]


def test_micrograd_defaults_relu_then_linear_output():
    model = MLP(2, [3, 1], rng=0)
    assert repr(model) == "MLP of [Layer of [ReLUNeuron(2), ReLUNeuron(2), ReLUNeuron(2)], Layer of [LinearNeuron(3)]]"
    assert all(n.b.data == 0.0 for layer in model.layers for n in layer.neurons)


def test_layer_of_one_neuron_inside_an_mlp():
    model = MLP(2, [1, 4, 1], rng=0)
    out = model([0.5, -1.0])
    assert isinstance(out, Value)
    out.backward()
    assert any(p.grad != 0.0 for p in model.parameters())


def test_zero_grad_resets_every_parameter():
    model = MLP(3, [4, 1], activation="tanh", rng=1)
    model([1.0, 2.0, 3.0]).backward()
    assert any(p.grad != 0.0 for p in model.parameters())
    model.zero_grad()
    assert all(p.grad == 0.0 for p in model.parameters())


def test_training_lowers_the_loss():
    xs = [[2.0, 3.0, -1.0], [3.0, -1.0, 0.5], [0.5, 1.0, 1.0], [1.0, 1.0, -1.0]]
    ys = [1.0, -1.0, -1.0, 1.0]
    model = MLP(3, [4, 4, 1], activation="tanh", rng=0)
    losses = []
    for _ in range(30):
        loss = sum((model(x) - y) ** 2 for x, y in zip(xs, ys))
        model.zero_grad()
        loss.backward()
        for p in model.parameters():
            p.data -= 0.05 * p.grad
        losses.append(loss.data)
    assert losses[-1] < 0.1 * losses[0]


def test_wrong_input_size_is_named():
    with pytest.raises(ValueError, match="takes 3 inputs, got 2"):
        Neuron(3)([1.0, 2.0])


@pytest.mark.parametrize(
    "kwargs, error, message",
    [
        ({"activation": "softmax"}, ValueError, "activation must be one of"),
        ({"rng": "seed"}, TypeError, "rng must be None, an integer seed or a random.Random, got str 'seed'"),
        ({"rng": 1.5}, TypeError, "got float 1.5"),
        ({"rng": True}, TypeError, "got bool True"),
    ],
)
def test_bad_options_are_named(kwargs, error, message):
    with pytest.raises(error, match=re.escape(message)):
        MLP(2, [2, 1], **kwargs)


# -- sizes ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "make, error, message",
    [
        (lambda: MLP(-1, [2]), ValueError, "MLP: nin must be a positive int, got -1"),
        (lambda: MLP(0, [2]), ValueError, "MLP: nin must be a positive int, got 0"),
        (lambda: MLP(2.5, [1]), TypeError, "MLP: nin must be a positive int, got float 2.5"),
        (lambda: MLP(2.0, [1]), TypeError, "MLP: nin must be a positive int, got float 2.0"),
        (lambda: MLP("2", [1]), TypeError, "MLP: nin must be a positive int, got str '2'"),
        (lambda: MLP(True, [1]), TypeError, "MLP: nin must be a positive int, got bool True"),
        (lambda: MLP(2, [16, 0, 1]), ValueError, "MLP: nouts[1] must be a positive int, got 0"),
        (lambda: MLP(2, [16, 2.5]), TypeError, "MLP: nouts[1] must be a positive int, got float 2.5"),
        (
            lambda: MLP(2, 16),
            TypeError,
            "MLP: nouts must be a list or tuple of layer sizes, such as [16, 16, 1], got int 16",
        ),
        (
            lambda: MLP(2, "16"),
            TypeError,
            "nouts must be a list or tuple of layer sizes, such as [16, 16, 1], got str '16'",
        ),
        (lambda: MLP(2, range(3)), TypeError, "nouts must be a list or tuple"),
        (lambda: MLP(2, []), ValueError, "MLP: nouts must name at least one layer size"),
        (lambda: Layer(3, -2), ValueError, "Layer: nout must be a positive int, got -2"),
        (lambda: Layer(None, 2), TypeError, "Layer: nin must be a positive int, got NoneType None"),
        (lambda: Neuron(-3), ValueError, "Neuron: nin must be a positive int, got -3"),
        (lambda: Neuron(3.0), TypeError, "Neuron: nin must be a positive int, got float 3.0"),
    ],
)
def test_bad_sizes_are_named(make, error, message):
    with pytest.raises(error, match=re.escape(message)):
        make()


def test_integer_like_sizes_and_seeds_are_accepted():
    np = pytest.importorskip("numpy")
    model = MLP(np.int64(2), (np.int32(3), 1), rng=np.int64(3))
    assert [p.data for p in model.parameters()] == [p.data for p in MLP(2, [3, 1], rng=3).parameters()]

    class Index:  # anything with __index__ is an integer to Python
        def __index__(self):
            return 3

    assert [p.data for p in MLP(2, [3, 1], rng=Index()).parameters()] == [
        p.data for p in MLP(2, [3, 1], rng=3).parameters()
    ]
    assert len(Neuron(Index()).w) == 3


def test_a_random_instance_is_used_as_the_source():
    r = random.Random(5)
    a = MLP(2, [3, 1], rng=r)
    assert [p.data for p in a.parameters()] == [p.data for p in MLP(2, [3, 1], rng=5).parameters()]
    assert r.getstate() != random.Random(5).getstate()  # drawn from r itself, not a copy


# -- inputs ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "make",
    [
        lambda xs: list(xs),
        lambda xs: tuple(xs),
        lambda xs: (x for x in xs),  # a generator: read once, for every neuron
        lambda xs: iter(xs),
        lambda xs: map(float, xs),
        lambda xs: [Value(x) for x in xs],
    ],
    ids=["list", "tuple", "generator", "iterator", "map", "values"],
)
def test_inputs_may_be_any_iterable(make):
    xs = [0.5, -1.5, 2.0]
    for model in (Neuron(3, rng=1), Layer(3, 4, rng=1), MLP(3, [4, 4, 1], rng=1)):
        expected = model(xs)
        got = model(make(xs))
        if isinstance(expected, list):
            assert [o.data for o in got] == [o.data for o in expected]
        else:
            assert got.data == expected.data


def test_numpy_array_inputs():
    np = pytest.importorskip("numpy")
    model = MLP(3, [4, 1], rng=1)
    assert model(np.array([0.5, -1.5, 2.0])).data == model([0.5, -1.5, 2.0]).data


def test_a_single_number_is_one_input():
    n = Neuron(1, nonlin=False, rng=2)
    assert n(3.0).data == n([3.0]).data == n(Value(3.0)).data


@pytest.mark.parametrize(
    "model, x, message",
    [
        (Neuron(2), (x for x in [1.0, 2.0, 3.0]), "this neuron takes 2 inputs, got 3"),
        (Layer(2, 3), (x for x in [1.0]), "this layer takes 2 inputs, got 1"),
        (MLP(2, [3, 1]), iter([1.0, 2.0, 3.0]), "this MLP takes 2 inputs, got 3"),
        (MLP(2, [3, 1]), [], "this MLP takes 2 inputs, got 0"),
    ],
)
def test_wrong_input_count_is_counted_right(model, x, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        model(x)


@pytest.mark.parametrize(
    "x, message",
    [
        ("ab", "takes numbers or Values, got str 'ab'"),
        (None, "takes a number, a Value or an iterable of them, got NoneType"),
    ],
)
def test_inputs_that_are_not_numbers_are_named(x, message):
    with pytest.raises(TypeError, match=re.escape(message)):
        MLP(2, [1])(x)


def test_one_node_weighted_sum_matches_sum_of_products_exactly():
    """The neuron's single w.x+b node gives micrograd's numbers to the last bit."""
    n = Neuron(3, nonlin=False, rng=7)
    xs = [Value(0.3), Value(-1.7), 2.5]  # Values and a plain number
    fused = n(xs)
    fused.backward()
    grads = [p.grad for p in n.parameters()] + [x.grad for x in xs[:2]]

    n.zero_grad()
    for x in xs[:2]:
        x.grad = 0.0
    plain = sum((wi * xi for wi, xi in zip(n.w, xs)), n.b)
    plain.backward()
    assert fused.data == plain.data
    assert grads == [p.grad for p in n.parameters()] + [x.grad for x in xs[:2]]
    assert len(fused._prev) == 1 + 3 + 2  # the bias, the weights, the Value inputs


def test_neuron_rejects_a_non_number_input():
    with pytest.raises(TypeError, match="needs a real number"):
        Neuron(2)([1.0, "x"])

import random

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


@pytest.mark.parametrize("kwargs, error", [({"activation": "softmax"}, ValueError), ({"rng": "seed"}, TypeError)])
def test_bad_options_are_named(kwargs, error):
    with pytest.raises(error):
        MLP(2, [2, 1], **kwargs)


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

"""The feed-forward core: gradients against finite differences, buffers, layers."""

from functools import partial

import numpy as np
import pytest

from sksigmoid._activations import ACTIVATIONS, get_activation
from sksigmoid._init import INITIALIZERS, get_initializer, initial_weights
from sksigmoid._network import (
    Network,
    ParameterVector,
    affine_backward,
    affine_forward,
    output_delta,
    running_statistics,
)

OUTPUTS = {"logistic": 1, "softmax": 3, "identity": 2}
INITS = [*sorted(INITIALIZERS), lambda i, o, rng: rng.normal(0, 0.7, (i, o))]
# Kinks of the piecewise activations: finite differences need |z - kink| >> h.
KINKS = {"relu": [0.0], "leaky_relu": [0.0], "hard_sigmoid": [-3.0, 3.0]}
STEP = 1e-6


def make_problem(output, n_hidden, batch_norm, init, seed):
    rng = np.random.RandomState(seed)
    n, n_features = 5, 2
    X = rng.normal(size=(n, n_features))
    n_out = OUTPUTS[output]
    if output == "logistic":
        Y = (rng.uniform(size=(n, 1)) < 0.5).astype(float)
    elif output == "softmax":
        Y = np.eye(n_out)[rng.randint(0, n_out, n)]
    else:
        Y = rng.normal(size=(n, n_out))
    sizes = [n_features, *([3, 2, 3, 2][:n_hidden]), n_out]
    params = ParameterVector(sizes, batch_norm)
    hidden = sizes[1:-1] if batch_norm else []
    params.load(
        initial_weights(get_initializer(init), sizes, rng, np.float64),
        [rng.normal(0, 0.3, m) for m in sizes[1:]],
        [rng.uniform(0.5, 1.5, m) for m in hidden],
        [rng.normal(0, 0.3, m) for m in hidden],
    )
    return params, X, Y, rng.uniform(0.5, 2.0, n)


def finite_difference_gradient(loss, params):
    numeric = np.empty_like(params.flat)
    for i in range(params.flat.size):
        saved = params.flat[i]
        params.flat[i] = saved + STEP
        up = loss()
        params.flat[i] = saved - STEP
        down = loss()
        params.flat[i] = saved
        numeric[i] = (up - down) / (2 * STEP)
    return numeric


def penalised_loss(network, params, X, Y, sw, alpha=0.3):
    running = running_statistics(params)
    fwd = network.forward(params, X, training=True, running=running)
    return network.data_loss(Y, fwd.output, sw) + network.penalty(params, alpha)


def relative_error(a, b):
    return np.linalg.norm(a - b) / max(np.linalg.norm(a), np.linalg.norm(b), 1e-30)


def distance_to_kinks(network, params, X, name):
    if name not in KINKS:
        return np.inf
    fwd = network.forward(params, X, training=True, running=running_statistics(params))
    Zs = np.concatenate([Z.ravel() for Z in fwd.pre_activations[:-1]])
    return min(np.abs(Zs - kink).min() for kink in KINKS[name])


@pytest.mark.parametrize("output", sorted(OUTPUTS))
@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_gradients_match_central_differences(name, output):
    """Every activation x initialisation x batch_norm x loss, 1-4 hidden layers.

    The seed of each case is fixed; for the piecewise-linear activations the
    test asserts that no pre-activation lies within 1e-4 of a kink, so the
    central differences (step 1e-6) never straddle one.
    """
    for case, (init, batch_norm) in enumerate(
        (init, bn) for init in INITS for bn in (False, True)
    ):
        n_hidden = 1 + case % 4
        params, X, Y, sw = make_problem(output, n_hidden, batch_norm, init, case)
        network = Network(ACTIVATIONS[name], output, batch_norm=batch_norm)
        assert distance_to_kinks(network, params, X, name) > 1e-4

        loss = partial(penalised_loss, network, params, X, Y, sw)

        _, backward = network.loss_and_grad(params, X, Y, sw, alpha=0.3)
        analytic = backward.grads.flat.copy()
        numeric = finite_difference_gradient(loss, params)
        assert relative_error(analytic, numeric) <= 1e-6, (init, batch_norm)


def test_gradient_with_a_fixed_dropout_mask_matches_central_differences():
    params, X, Y, sw = make_problem("softmax", 3, False, "glorot_uniform", 0)
    network = Network(ACTIVATIONS["tanh"], "softmax", dropout=0.5)

    def forward():
        # the same mask at every evaluation
        return network.forward(params, X, training=True, rng=np.random.default_rng(1))

    def loss():
        return network.data_loss(Y, forward().output, sw)

    fwd = forward()
    assert fwd.dropped_out and 0 < np.count_nonzero(fwd.masks[0]) < fwd.masks[0].size
    analytic = network.backward(params, fwd, Y, sw).grads.flat.copy()
    assert relative_error(analytic, finite_difference_gradient(loss, params)) <= 1e-6


def test_backward_returns_the_deltas_of_every_layer():
    params, X, Y, _ = make_problem("softmax", 3, False, "he_normal", 3)
    network = Network(ACTIVATIONS["sigmoid"], "softmax")
    fwd = network.forward(params, X, training=True)
    backward = network.backward(params, fwd, Y)
    widths = params.layer_sizes[1:]
    assert [d.shape for d in backward.deltas] == [(X.shape[0], w) for w in widths]
    # the output delta of the mean log-loss, and dL/dW = A^T delta per layer
    p = np.exp(fwd.output) / np.exp(fwd.output).sum(axis=1, keepdims=True)
    np.testing.assert_allclose(backward.deltas[-1], (p - Y) / X.shape[0])
    for layer, delta in enumerate(backward.deltas):
        np.testing.assert_allclose(
            backward.coef_grads[layer], fwd.inputs[layer].T @ delta, atol=1e-15
        )
        np.testing.assert_allclose(backward.intercept_grads[layer], delta.sum(axis=0))


def test_sigmoid_deltas_shrink_through_a_deep_stack():
    rng = np.random.RandomState(0)
    sizes = [20, *[64] * 8, 1]
    params = ParameterVector(sizes).load(
        initial_weights(get_initializer("standard"), sizes, rng, np.float64),
        [np.zeros(m) for m in sizes[1:]],
    )
    X, Y = rng.normal(size=(100, 20)), (rng.uniform(size=(100, 1)) < 0.5) * 1.0
    network = Network(ACTIVATIONS["sigmoid"], "logistic")
    backward = network.backward(params, network.forward(params, X, training=True), Y)
    norms = [np.linalg.norm(d) for d in backward.deltas[:-1]]
    assert all(a < b for a, b in zip(norms[:-1], norms[1:], strict=True))
    assert norms[0] < 1e-3 * norms[-1]


def test_saturation_counts_units_with_small_derivative():
    params, X, Y, _ = make_problem("logistic", 2, False, "glorot_uniform", 0)
    network = Network(ACTIVATIONS["sigmoid"], "logistic")
    fwd = network.forward(params, X, training=True)
    calm = network.backward(params, fwd, Y, count_saturated=True).saturated
    params.coefs[0][...] *= 1000
    fwd = network.forward(params, X, training=True)
    hot = network.backward(params, fwd, Y, count_saturated=True).saturated
    assert len(calm) == 2 and calm[0] == 0.0
    assert hot[0] > 0.8


def test_batch_norm_uses_batch_statistics_in_training_and_running_ones_after():
    params, X, _, _ = make_problem("identity", 2, True, "he_uniform", 0)
    X = X * 10 + 5
    network = Network(ACTIVATIONS["relu"], "identity", batch_norm=True, momentum=1.0)
    running = running_statistics(params)
    fwd = network.forward(params, X, training=True, running=running)
    U_hat = fwd.normalized[0]
    np.testing.assert_allclose(U_hat.mean(axis=0), 0, atol=1e-12)
    np.testing.assert_allclose(U_hat.var(axis=0), 1, rtol=1e-4)
    train_out = fwd.output.copy()
    # momentum 1: the running statistics are those of this batch, so inference
    # on the same batch gives the training output, and rows are independent
    out = network.forward(params, X, running=running).output
    np.testing.assert_allclose(out, train_out, rtol=1e-4)
    single = network.forward(params, X[:1], running=running).output
    np.testing.assert_allclose(single, train_out[:1], rtol=1e-4)


def test_parameter_vector_views_share_the_flat_vector():
    params = ParameterVector([3, 4, 2], batch_norm=True, dtype=np.float32)
    assert params.flat.size == 3 * 4 + 4 * 2 + 4 + 2 + 4 + 4
    params.flat[:] = np.arange(params.flat.size)
    assert params.coefs[1][0, 0] == 12 and params.intercepts[0][0] == 20
    assert params.gammas[0][0] == 26 and params.betas[0][0] == 30
    assert params.weights_flat.size == 20
    assert all(v.dtype == np.float32 for v in params.coefs + params.betas)
    assert params.zeros_like().flat.sum() == 0


def test_affine_functions_write_into_buffers_like_they_allocate():
    rng = np.random.RandomState(0)
    A, W, b, delta = (
        rng.normal(size=(5, 3)),
        rng.normal(size=(3, 2)),
        rng.normal(size=2),
        rng.normal(size=(5, 2)),
    )
    out = np.empty((5, 2))
    assert affine_forward(A, W, b, out=out) is out
    np.testing.assert_allclose(out, affine_forward(A, W, b))
    buffers = (np.empty((3, 2)), np.empty(2), np.empty((5, 3)))
    written = affine_backward(A, delta, W, out=buffers)
    for got, expected in zip(written, affine_backward(A, delta, W), strict=True):
        np.testing.assert_allclose(got, expected)
    assert all(g is buf for g, buf in zip(written, buffers, strict=True))


def test_float32_network_computes_in_float32():
    params, X, Y, sw = make_problem("softmax", 2, True, "glorot_uniform", 0)
    p32 = ParameterVector(params.layer_sizes, True, np.float32)
    p32.flat[:] = params.flat
    network = Network(get_activation("gelu"), "softmax", batch_norm=True)
    loss, backward = network.loss_and_grad(
        p32, X.astype(np.float32), Y.astype(np.float32), sw.astype(np.float32)
    )
    assert backward.grads.flat.dtype == np.float32
    assert all(d.dtype == np.float32 for d in backward.deltas)
    loss64, backward64 = network.loss_and_grad(params, X, Y, sw)
    assert loss == pytest.approx(loss64, rel=1e-5)
    np.testing.assert_allclose(backward.grads.flat, backward64.grads.flat, atol=1e-5)


@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("output", sorted(OUTPUTS))
def test_loss_and_output_error_equal_data_loss_and_output_delta(output, weighted):
    params, X, Y, sw = make_problem(output, 2, False, "glorot_uniform", 3)
    sw = sw if weighted else None
    network = Network(ACTIVATIONS["sigmoid"], output)
    Z = network.forward(params, X).output
    loss, error = network.loss_and_output_error(Y, Z, sw)
    assert loss == pytest.approx(network.data_loss(Y, Z, sw), rel=1e-13)
    expected = output_delta(Y, Z, sw, network.loss)
    np.testing.assert_allclose(error, expected, rtol=1e-13, atol=1e-16)


@pytest.mark.parametrize("loss", ["log_loss", "squared_error"])
def test_output_loss_and_delta_takes_a_single_output_as_a_vector(loss):
    from sksigmoid._network import output_loss_and_delta

    rng = np.random.default_rng(4)
    z, sw = rng.normal(size=8), rng.uniform(0.5, 2, 8)
    y = (rng.random(8) < 0.5).astype(float)
    as_vector = output_loss_and_delta(y, z, sw, loss)
    as_column = output_loss_and_delta(y[:, None], z[:, None], sw, loss)
    assert as_vector[0] == pytest.approx(as_column[0], rel=1e-14)
    np.testing.assert_allclose(as_vector[1], as_column[1][:, 0], rtol=1e-14)
    np.testing.assert_allclose(as_vector[1], output_delta(y, z, sw, loss), rtol=1e-14)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name", ["sigmoid", "relu"])
def test_loss_and_gradient_equal_scikit_learns_with_alpha_over_the_batch_size(
    name, dtype
):
    """From the same weights and biases, one mini-batch gives scikit-learn's
    loss and gradient once its alpha is divided by the batch size (issue 17:
    the same number, alpha=1e-4, is a penalty 200x stronger here)."""
    from sklearn.neural_network import MLPClassifier

    rng = np.random.RandomState(0)
    sizes, n = [6, 5, 5, 3], 40
    fans = zip(sizes[:-1], sizes[1:], strict=True)
    coefs = [rng.uniform(-0.5, 0.5, fan).astype(dtype) for fan in fans]
    intercepts = [rng.uniform(-0.5, 0.5, m).astype(dtype) for m in sizes[1:]]
    X = rng.normal(size=(n, sizes[0])).astype(dtype)
    Y = np.eye(3, dtype=dtype)[rng.randint(0, 3, n)]
    skl_alpha = 1e-2
    skl_name = {"sigmoid": "logistic"}.get(name, name)
    mlp = MLPClassifier(sizes[1:-1], activation=skl_name, alpha=skl_alpha)
    mlp.coefs_, mlp.intercepts_ = (
        [c.copy() for c in coefs],
        [b.copy() for b in intercepts],
    )
    mlp.n_layers_, mlp.n_outputs_, mlp.out_activation_ = len(sizes), 3, "softmax"
    n_layers = len(sizes) - 1
    loss, coef_grads, intercept_grads = mlp._backprop(
        X,
        Y,
        None,
        [X] + [None] * n_layers,
        [None] * n_layers,
        [np.empty_like(c) for c in coefs],
        [np.empty_like(b) for b in intercepts],
    )

    network = Network(get_activation(name), "softmax")
    params = ParameterVector(sizes, dtype=dtype).load(coefs, intercepts)
    ours, backward = network.loss_and_grad(params, X, Y, alpha=skl_alpha / n)
    rtol = 1e-5 if dtype == np.float32 else 1e-12
    assert ours == pytest.approx(loss, rel=rtol)
    for mine, theirs in zip(
        backward.grads.coefs + backward.grads.intercepts,
        coef_grads + intercept_grads,
        strict=True,
    ):
        assert mine.dtype == dtype
        np.testing.assert_allclose(mine, theirs, rtol=rtol, atol=rtol * 1e-3)

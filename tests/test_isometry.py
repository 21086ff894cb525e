"""Dynamical isometry in GradientDiagnostics (issue 17).

The Jacobians :math:`J(x) = \\partial h_L/\\partial x` of the hidden stack are
checked against two references that owe nothing to sksigmoid's derivatives:
central finite differences of a plain numpy forward pass, and the reverse-mode
autograd of ``test_diagnostics.py`` applied to each output unit of
:math:`h_L`. Batch normalisation is held at the mean and variance of all of
``X``, which the reference computes itself.
"""

import warnings

import numpy as np
import pytest
from test_diagnostics import (
    ACTIVATIONS,
    Node,
    backward,
    batch_normalize,
    fitted_network,
    scaled_identity_network,
    total,
)

from sksigmoid import DeepSigmoidMLP, GradientDiagnostics
from sksigmoid._isometry import (
    ISOMETRIC_MEAN_SQUARED_SINGULAR_VALUE,
    hidden_jacobians,
    jacobian_points,
    layer_factors,
)
from sksigmoid._network import running_statistics
from sksigmoid.diagnostics import _network_parts

BN_EPS = 1e-5

# ---------------------------------------------------------------------------
# Independent references
# ---------------------------------------------------------------------------

NUMPY_ACTIVATIONS = {
    "sigmoid": lambda z: 1 / (1 + np.exp(-z)),
    "tanh": np.tanh,
    "relu": lambda z: np.maximum(z, 0),
    "identity": lambda z: z,
}


def hidden_pre_activations(net, X, statistics=None):
    """Plain numpy: the hidden pre-activations, batch norm at ``statistics``.

    Without ``statistics`` a batch-norm network uses the mean and (biased)
    variance of ``X``'s own pre-activations, which are returned with them.
    """
    f = NUMPY_ACTIVATIONS[net.activation]
    A, Zs, computed = X, [], []
    for k in range(len(net.coefs_) - 1):
        U = A @ net.coefs_[k] + net.intercepts_[k]
        if net.batch_norm:
            mean, variance = (
                (U.mean(axis=0), U.var(axis=0)) if statistics is None else statistics[k]
            )
            computed.append((mean, variance))
            U = (U - mean) / np.sqrt(variance + BN_EPS) * net.bn_gammas_[k]
            U = U + net.bn_betas_[k]
        Zs.append(U)
        A = f(U)
    return A, Zs, computed


def finite_difference_jacobians(net, X, step=1e-6):
    """Central differences of :math:`h_L` in each input feature, every row at once
    (the rows are independent once the batch statistics are held)."""
    _, _, statistics = hidden_pre_activations(net, X)
    columns = []
    for k in range(X.shape[1]):
        shift = np.zeros(X.shape[1])
        shift[k] = step
        up, _, _ = hidden_pre_activations(net, X + shift, statistics)
        down, _, _ = hidden_pre_activations(net, X - shift, statistics)
        columns.append((up - down) / (2 * step))
    return np.stack(columns, axis=2)  # (n_samples, n_last, n_features)


def autograd_jacobians(net, X):
    """Reverse mode, one output unit of :math:`h_L` at a time."""
    _, _, statistics = hidden_pre_activations(net, X)
    n_last = net.coefs_[-2].shape[1]
    jacobians = np.empty((len(X), n_last, X.shape[1]))
    for unit in range(n_last):
        x = Node(X)
        A = x
        for k in range(len(net.coefs_) - 1):
            Z = A @ Node(net.coefs_[k]) + net.intercepts_[k].reshape(1, -1)
            if net.batch_norm:
                Z = batch_normalize(
                    Z, net.bn_gammas_[k], net.bn_betas_[k], statistics[k], BN_EPS
                )
            A = ACTIVATIONS[net.activation](Z)
        backward(total(A * np.eye(n_last)[unit]))
        jacobians[:, unit, :] = x.grad
    return jacobians


def singular_values(jacobians):
    return np.linalg.svd(jacobians, compute_uv=False)


def library_jacobians(net, X, rows):
    """The library's :func:`hidden_jacobians` from the training forward pass of ``fit``."""
    network, params, _ = _network_parts(net)
    running = running_statistics(params) if net.batch_norm else None
    forward = network.forward(params, X, training=True, running=running)
    return hidden_jacobians(layer_factors(network, params, forward, rows))


CASES = [
    (activation, batch_norm)
    for activation in ("sigmoid", "tanh", "relu")
    for batch_norm in (False, True)
]


def small_network(activation, batch_norm, kind="multiclass"):
    """3 hidden layers of 5, briefly trained, on 40 rows of 5 features."""
    net, X, y = fitted_network(kind, activation, batch_norm, hidden=(5, 5, 5))
    if activation == "relu":  # finite differences need every z away from the kink
        _, Zs, _ = hidden_pre_activations(net, X)  # by 10 steps of 1e-6, at least
        assert min(np.min(np.abs(Z)) for Z in Zs) > 1e-5
    return net, X, y


# ---------------------------------------------------------------------------
# The Jacobians and their singular values against the references
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(("activation", "batch_norm"), CASES)
def test_jacobians_match_finite_differences(activation, batch_norm):
    net, X, y = small_network(activation, batch_norm)
    diagnostics = GradientDiagnostics(net, prefit=True, n_jacobian_points=None)
    diagnostics.fit(X, y)
    reference = finite_difference_jacobians(net, X)
    np.testing.assert_array_equal(diagnostics.jacobian_points_, np.arange(len(X)))
    np.testing.assert_allclose(
        library_jacobians(net, X, np.arange(len(X))), reference, rtol=0, atol=1e-8
    )
    assert diagnostics.jacobian_singular_values_.shape == (len(X), 5)
    np.testing.assert_allclose(
        diagnostics.jacobian_singular_values_,
        singular_values(reference),
        rtol=0,
        atol=1e-8,
    )


@pytest.mark.parametrize(("activation", "batch_norm"), CASES)
def test_jacobians_match_the_autograd(activation, batch_norm):
    net, X, y = small_network(activation, batch_norm, kind="binary")
    diagnostics = GradientDiagnostics(net, prefit=True, n_jacobian_points=13)
    diagnostics.fit(X, y)
    rows = diagnostics.jacobian_points_
    reference = autograd_jacobians(net, X)[rows]
    np.testing.assert_allclose(
        library_jacobians(net, X, rows), reference, rtol=1e-10, atol=1e-14
    )
    np.testing.assert_allclose(
        diagnostics.jacobian_singular_values_,
        singular_values(reference),
        rtol=1e-10,
        atol=1e-14,
    )


@pytest.mark.parametrize("shape", [(7, 3), (3, 7)])
def test_rectangular_stacks_have_min_of_features_and_width_singular_values(shape):
    n_features, width = shape
    rng = np.random.default_rng(1)
    X, y = rng.normal(size=(30, n_features)), np.arange(30) % 2
    net = DeepSigmoidMLP((4, width), "tanh", max_iter=0, random_state=0).fit(X, y)
    diagnostics = GradientDiagnostics(net, prefit=True, n_jacobian_points=None)
    diagnostics.fit(X, y)
    reference = singular_values(autograd_jacobians(net, X))
    assert diagnostics.jacobian_singular_values_.shape == (30, min(shape))
    np.testing.assert_allclose(
        diagnostics.jacobian_singular_values_, reference, rtol=1e-10, atol=1e-14
    )


@pytest.mark.parametrize(("activation", "batch_norm"), CASES)
def test_layer_chi_is_the_mean_squared_frobenius_norm_per_unit(activation, batch_norm):
    # widths 5 -> 6 -> 5 -> 4: fan-in and fan-out differ in every layer
    net, X, y = fitted_network("multiclass", activation, batch_norm, hidden=(6, 5, 4))
    diagnostics = GradientDiagnostics(net, prefit=True, n_jacobian_points=9)
    diagnostics.fit(X, y)
    _, Zs, statistics = hidden_pre_activations(net, X)
    slope = {
        "sigmoid": lambda z: np.exp(-z) / (1 + np.exp(-z)) ** 2,
        "tanh": lambda z: 1 / np.cosh(z) ** 2,
        "relu": lambda z: (z > 0).astype(float),
    }[activation]
    expected = []
    for k, Z in enumerate(Zs):
        W = net.coefs_[k]
        if batch_norm:
            W = W * net.bn_gammas_[k] / np.sqrt(statistics[k][1] + BN_EPS)
        per_point = [
            np.linalg.norm(np.diag(slope(Z[i])) @ W.T, "fro") ** 2 / W.shape[1]
            for i in diagnostics.jacobian_points_
        ]
        expected.append(np.mean(per_point))
    np.testing.assert_allclose(diagnostics.layer_chi_, expected, rtol=1e-12)


def test_summaries_follow_their_definitions():
    net, X, y = small_network("tanh", False)
    diagnostics = GradientDiagnostics(net, prefit=True, n_jacobian_points=None)
    diagnostics.fit(X, y)
    s = singular_values(autograd_jacobians(net, X))
    assert diagnostics.jacobian_mean_squared_singular_value_ == pytest.approx(
        np.mean(s**2), rel=1e-10
    )
    low, high = np.percentile(s.ravel(), [10, 90])
    assert diagnostics.jacobian_spread_ == pytest.approx(high / low, rel=1e-9)
    assert diagnostics.jacobian_spread_ >= 1


def test_a_zero_tenth_percentile_gives_an_infinite_spread():
    net, X, y = scaled_identity_network([1.0] * 5)
    net.intercepts_[3][:3] = -100  # 3 of the 4 units of the last hidden layer die
    diagnostics = GradientDiagnostics(net, prefit=True).fit(X, y)
    s = diagnostics.jacobian_singular_values_
    np.testing.assert_allclose(s[:, 0], 1, rtol=1e-12)
    np.testing.assert_array_equal(s[:, 1:], 0)
    assert diagnostics.jacobian_spread_ == np.inf
    assert diagnostics.jacobian_mean_squared_singular_value_ == pytest.approx(0.25)


# ---------------------------------------------------------------------------
# The subsample
# ---------------------------------------------------------------------------


def test_the_points_are_evenly_spaced_rows_and_an_int_bounds_the_work(monkeypatch):
    import sksigmoid._isometry as isometry

    np.testing.assert_array_equal(jacobian_points(10, 4), [0, 2, 5, 7])
    np.testing.assert_array_equal(jacobian_points(3, 64), [0, 1, 2])
    np.testing.assert_array_equal(jacobian_points(5, None), np.arange(5))
    net, X, y = small_network("sigmoid", True)
    every = GradientDiagnostics(net, prefit=True, n_jacobian_points=None).fit(X, y)
    shapes = []
    factors = isometry.layer_factors

    def recording(network, params, forward, rows):
        result = factors(network, params, forward, rows)
        shapes.append([slopes.shape for _, slopes in result])
        return result

    monkeypatch.setattr(isometry, "layer_factors", recording)
    some = GradientDiagnostics(net, prefit=True, n_jacobian_points=6).fit(X, y)
    assert shapes == [[(6, 5)] * 3]  # only 6 rows' slopes, hence 6 products
    rows = some.jacobian_points_
    np.testing.assert_array_equal(rows, np.arange(6) * len(X) // 6)
    assert some.jacobian_singular_values_.shape == (6, 5)
    # each point's Jacobian does not depend on which others are measured
    np.testing.assert_allclose(
        some.jacobian_singular_values_,
        every.jacobian_singular_values_[rows],
        rtol=1e-13,
    )
    many = GradientDiagnostics(net, prefit=True, n_jacobian_points=1000).fit(X, y)
    np.testing.assert_array_equal(
        many.jacobian_singular_values_, every.jacobian_singular_values_
    )


def test_zero_points_skip_the_jacobian_and_leave_the_gradients_as_they_are():
    net, X, y = small_network("tanh", False)
    full = GradientDiagnostics(net, prefit=True).fit(X, y)
    none = GradientDiagnostics(net, prefit=True, n_jacobian_points=0).fit(X, y)
    assert none.jacobian_points_.size == 0
    assert none.jacobian_singular_values_.shape == (0, 5)
    assert np.isnan(none.jacobian_spread_)
    assert np.isnan(none.jacobian_mean_squared_singular_value_)
    assert np.isnan(none.layer_chi_).all()
    assert "isometric" not in none.diagnosis_
    np.testing.assert_array_equal(none.gradient_norms_, full.gradient_norms_)


def test_the_default_measures_32_points():
    net, X, y = small_network("tanh", False)
    diagnostics = GradientDiagnostics(net, prefit=True).fit(X, y)
    np.testing.assert_array_equal(
        diagnostics.jacobian_points_, np.arange(32) * 40 // 32
    )


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("n_jacobian_points", -1),
        ("n_jacobian_points", -3),
        ("n_jacobian_points", 2.5),
        ("n_jacobian_points", "all"),
        ("isometry_factor", 0.5),
        ("jacobian_spread_threshold", 0.9),
    ],
)
def test_invalid_parameters_name_themselves(name, value):
    net, X, y = small_network("tanh", False)
    with pytest.raises(ValueError, match=f"'{name}' parameter"):
        GradientDiagnostics(net, prefit=True, **{name: value}).fit(X, y)


# ---------------------------------------------------------------------------
# The verdict, on critical orthogonal networks and on Glorot's
# ---------------------------------------------------------------------------


def orthogonal(n_rows, n_columns, rng):
    """A matrix with orthonormal rows or columns, from the QR of a Gaussian one."""
    Q, R = np.linalg.qr(rng.normal(size=(max(n_rows, n_columns),) * 2))
    return (Q * np.sign(np.diag(R)))[:n_rows, :n_columns]


def critical_network(activation, X, y, depth, width=64):
    r"""Pennington et al.'s critical orthogonal network, built by hand.

    tanh: :math:`W_l = Q_l`. Sigmoid: :math:`W_1 = 2Q_1`, :math:`W_l = 4Q_l`
    and :math:`b_l = -\frac12 \mathbf 1^\top W_l` for :math:`l \ge 2`, so that
    :math:`h_l = \frac12 + \frac12 t_l` with :math:`t_l` the tanh network of
    the :math:`Q_l`.
    """
    gain = 4.0 if activation == "sigmoid" else 1.0

    def weight_init(fan_in, fan_out, random_state):
        return gain * orthogonal(fan_in, fan_out, random_state)

    net = DeepSigmoidMLP(
        (width,) * depth,
        activation,
        weight_init=weight_init,
        max_iter=0,
        random_state=0,
    ).fit(X, y)
    if activation == "sigmoid":
        net.coefs_[0] = net.coefs_[0] / 2
        for layer in range(1, len(net.coefs_)):
            net.intercepts_[layer] = -0.5 * net.coefs_[layer].sum(axis=0)
    return net


@pytest.fixture(scope="module")
def wide_data():
    rng = np.random.default_rng(0)
    return rng.normal(size=(200, 64)), np.arange(200) % 3


@pytest.mark.parametrize(("activation", "target"), [("tanh", 1.0), ("sigmoid", 0.25)])
def test_critical_orthogonal_networks_are_isometric(activation, target, wide_data):
    X, y = wide_data[0] * 0.01, wide_data[1]
    assert ISOMETRIC_MEAN_SQUARED_SINGULAR_VALUE[activation] == target
    net = critical_network(activation, X, y, depth=32)
    diagnostics = GradientDiagnostics(net, prefit=True).fit(X, y)
    assert "isometric" in diagnostics.diagnosis_
    mean_square = diagnostics.jacobian_mean_squared_singular_value_
    assert target / 2 <= mean_square <= 2 * target
    assert diagnostics.jacobian_spread_ < 1.1
    expected_chi = np.ones(32)
    if activation == "sigmoid":
        expected_chi[0] = 0.25  # sigma'(0) * 2: the first layer is W_1 = 2Q
    np.testing.assert_allclose(diagnostics.layer_chi_, expected_chi, rtol=0.01)
    if activation == "tanh":
        assert diagnostics.diagnosis_ == "isometric"  # it replaces "healthy"


def test_glorot_sigmoid_is_far_from_isometric(wide_data):
    X, y = wide_data[0] * 0.01, wide_data[1]
    net = DeepSigmoidMLP(
        (64,) * 32, weight_init="glorot_uniform", max_iter=0, random_state=0
    )
    diagnostics = GradientDiagnostics(net).fit(X, y)
    assert diagnostics.jacobian_mean_squared_singular_value_ < 1e-6 * 0.25
    assert "isometric" not in diagnostics.diagnosis_
    assert "vanishing" in diagnostics.diagnosis_


def test_gradient_norms_can_be_healthy_while_the_spectrum_is_not(wide_data):
    """Glorot tanh at depth 32: flat gradient norms, singular values over 1e10."""
    X, y = wide_data
    net = DeepSigmoidMLP(
        (64,) * 32, "tanh", weight_init="glorot_uniform", max_iter=0, random_state=0
    )
    diagnostics = GradientDiagnostics(net).fit(X, y)
    assert diagnostics.diagnosis_ == "healthy"
    assert diagnostics.jacobian_spread_ > 1e10


def test_one_square_gaussian_layer_is_not_isometric(wide_data):
    """Its spread is near the quarter-circle law's 10.2, above the threshold 4."""
    X, y = wide_data[0] * 0.01, wide_data[1]
    net = DeepSigmoidMLP(
        (64,), "tanh", weight_init="glorot_normal", max_iter=0, random_state=0
    )
    diagnostics = GradientDiagnostics(net, n_jacobian_points=None).fit(X, y)
    assert 0.5 < diagnostics.jacobian_mean_squared_singular_value_ < 2
    assert 7 < diagnostics.jacobian_spread_ < 15
    assert "isometric" not in diagnostics.diagnosis_


def test_vanishing_by_the_gradient_ratio_and_isometric(wide_data):
    """The critical sigmoid at inputs of 1e-4: the error passes intact, but the
    first layer's gradient X^T delta_1 is as small as X."""
    X, y = wide_data[0] * 1e-4, wide_data[1]
    net = critical_network("sigmoid", X, y, depth=10)
    diagnostics = GradientDiagnostics(net, prefit=True).fit(X, y)
    assert diagnostics.min_delta_ratio_ > 0.5
    assert diagnostics.min_gradient_ratio_ < 0.01
    assert diagnostics.diagnosis_ == "vanishing, isometric"


def test_the_thresholds_are_parameters(wide_data):
    X, y = wide_data[0] * 0.01, wide_data[1]
    net = critical_network("tanh", X, y, depth=8)
    assert GradientDiagnostics(net, prefit=True).fit(X, y).diagnosis_ == "isometric"
    exact = GradientDiagnostics(net, prefit=True, isometry_factor=1.0).fit(X, y)
    assert exact.diagnosis_ == "healthy"
    flat = GradientDiagnostics(net, prefit=True, jacobian_spread_threshold=1.0)
    assert flat.fit(X, y).diagnosis_ == "healthy"


def test_relu_is_never_isometric_and_the_identity_is():
    # every unit active on positive data: J = I exactly, yet ReLU is excluded
    net, X, y = scaled_identity_network([1.0] * 6)
    diagnostics = GradientDiagnostics(net, prefit=True).fit(X, y)
    np.testing.assert_allclose(diagnostics.jacobian_singular_values_, 1, rtol=1e-12)
    assert diagnostics.diagnosis_ == "healthy"
    net.set_params(activation="identity")
    assert GradientDiagnostics(net, prefit=True).fit(X, y).diagnosis_ == "isometric"


# ---------------------------------------------------------------------------
# Floating point
# ---------------------------------------------------------------------------


def identity_network(gain, depth=20, n_features=4):
    """A linear network whose every layer is ``gain`` times an orthogonal matrix."""
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(30, n_features)), np.arange(30) % 2
    net = DeepSigmoidMLP(
        (n_features,) * depth, "identity", max_iter=0, random_state=0
    ).fit(X, y)
    for layer in range(depth):
        net.coefs_[layer] = gain * orthogonal(n_features, n_features, rng)
    return net, X, y


def test_products_beyond_float64_are_inf_or_zero_never_nan():
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        net, X, y = identity_network(1e-10)  # J = 1e-200 Q: s^2 underflows
        small = GradientDiagnostics(net, prefit=True).fit(X, y)
        np.testing.assert_allclose(small.jacobian_singular_values_, 1e-200, rtol=1e-10)
        assert small.jacobian_mean_squared_singular_value_ == 0
        net, X, y = identity_network(1e-20)  # J = 1e-400 Q
        tiny = GradientDiagnostics(net, prefit=True).fit(X, y)
        np.testing.assert_array_equal(tiny.jacobian_singular_values_, 0)
        assert tiny.jacobian_spread_ == np.inf
        net, X, y = identity_network(1e20)  # J = 1e400 Q, the activations overflow
        with pytest.warns(UserWarning, match="overflow"):
            huge = GradientDiagnostics(net, prefit=True).fit(X, y)
    np.testing.assert_array_equal(huge.jacobian_singular_values_, np.inf)
    assert "isometric" not in huge.diagnosis_


def test_a_float32_network_is_measured_in_float64(wide_data):
    X, y = wide_data[0][:, :16] * 0.01, wide_data[1]
    net = critical_network("sigmoid", X, y, depth=6, width=16)
    reference = GradientDiagnostics(net, prefit=True).fit(X, y)
    net32 = critical_network("sigmoid", X.astype(np.float32), y, depth=6, width=16)
    diagnostics = GradientDiagnostics(net32, prefit=True).fit(X.astype(np.float32), y)
    assert diagnostics.jacobian_singular_values_.dtype == np.float64
    np.testing.assert_allclose(
        diagnostics.jacobian_singular_values_,
        reference.jacobian_singular_values_,
        rtol=1e-5,
    )

"""Orthogonal and critical weight initialisations, and the tanh twin of a sigmoid net."""

import pickle

import numpy as np
import pytest
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils._param_validation import InvalidParameterError

from sksigmoid import DeepSigmoidMLP, DeepSigmoidMLPRegressor
from sksigmoid._activations import ACTIVATIONS
from sksigmoid._init import (
    ORTHOGONAL_GAINS,
    get_initializer,
    initial_parameters,
    orthogonal_matrix,
    sigmoid_twin,
    tanh_twin,
)

SHAPES = [(6, 6), (9, 4), (4, 9), (1, 5), (5, 1)]

# f'(0) of each activation, or "relu" for He's gain; written out here, not read
# from the module, so that a wrong table fails
DOCUMENTED_GAINS = {
    "sigmoid": 4.0,
    "hard_sigmoid": 6.0,
    "tanh": 1.0,
    "softsign": 1.0,
    "identity": 1.0,
    **{
        name: np.sqrt(2)
        for name in ["relu", "leaky_relu", "elu", "gelu", "silu", "softplus"]
    },
}


def assert_semi_orthogonal(W, atol=1e-12):
    fan_in, fan_out = W.shape
    gram = W.T @ W if fan_in >= fan_out else W @ W.T
    np.testing.assert_allclose(gram, np.eye(min(fan_in, fan_out)), rtol=0, atol=atol)


def expit(z):
    return 1 / (1 + np.exp(-z))


def at_init(estimator=DeepSigmoidMLPRegressor, X=None, y=None, **params):
    rng = np.random.RandomState(0)
    X = rng.normal(size=(30, 5)) if X is None else X
    if y is None:
        y = rng.normal(size=len(X))
        if estimator is DeepSigmoidMLP:
            y = (y > 0).astype(int)
    defaults = dict(hidden_layer_sizes=(8, 6, 7), max_iter=0, random_state=0)
    return estimator(**{**defaults, **params}).fit(X, y)


# -- orthogonal matrices ------------------------------------------------------------


@pytest.mark.parametrize("shape", SHAPES)
def test_orthogonal_matrix_is_semi_orthogonal(shape):
    W = orthogonal_matrix(*shape, np.random.RandomState(1))
    assert W.shape == shape and W.dtype == np.float64
    assert_semi_orthogonal(W)


@pytest.mark.parametrize("shape", [(6, 6), (9, 4), (4, 9)])
def test_orthogonal_matrix_is_the_qr_factor_with_a_positive_diagonal(shape):
    fan_in, fan_out = shape
    W = orthogonal_matrix(fan_in, fan_out, np.random.RandomState(2))
    G = np.random.RandomState(2).standard_normal(
        (max(shape), min(shape))
    )  # the same draw
    Q = W if fan_in >= fan_out else W.T
    R = Q.T @ G
    np.testing.assert_allclose(np.tril(R, -1), 0, atol=1e-12)
    assert np.all(np.diag(R) > 0)
    np.testing.assert_allclose(Q @ R, G, atol=1e-12)


def test_orthogonal_matrix_is_haar_distributed():
    # LAPACK's QR without the sign fix always gives Q[0, 0] < 0
    rng = np.random.RandomState(3)
    first = np.array([orthogonal_matrix(3, 3, rng)[0, 0] for _ in range(2000)])
    # under the Haar measure Q[0, 0] is symmetric with variance 1/3
    assert abs(first.mean()) < 4 * np.sqrt(1 / 3 / 2000)
    assert 0.4 < np.mean(first > 0) < 0.6
    assert first.var() == pytest.approx(1 / 3, rel=0.1)


def test_every_activation_has_a_documented_gain():
    assert set(ACTIVATIONS) <= set(ORTHOGONAL_GAINS)
    for name, gain in DOCUMENTED_GAINS.items():
        assert ORTHOGONAL_GAINS[name] == pytest.approx(gain, rel=1e-15)


@pytest.mark.parametrize("activation", sorted(ACTIVATIONS))
def test_orthogonal_init_is_the_gain_times_an_orthogonal_matrix(activation):
    net = at_init(activation=activation, weight_init="orthogonal")
    gain = DOCUMENTED_GAINS[activation]
    *hidden, output = net.coefs_
    for W in hidden:
        assert_semi_orthogonal(W / gain)
    assert_semi_orthogonal(output)  # gain 1 before the loss
    for b in net.intercepts_:
        assert np.all(b == 0)


def test_orthogonal_init_of_a_user_activation_has_gain_one():
    pair = (np.arctan, lambda z: 1 / (1 + z**2))
    net = at_init(activation=pair, weight_init="orthogonal")
    for W in net.coefs_:
        assert_semi_orthogonal(W)


# -- critical -----------------------------------------------------------------------


def test_critical_tanh_is_orthogonal_with_zero_biases():
    net = at_init(activation="tanh", weight_init="critical")
    for W, b in zip(net.coefs_, net.intercepts_, strict=True):
        assert_semi_orthogonal(W)
        assert np.all(b == 0)
    same = at_init(activation="tanh", weight_init="orthogonal")
    for W, V in zip(net.coefs_, same.coefs_, strict=True):
        np.testing.assert_array_equal(W, V)


def test_critical_sigmoid_scales_and_centres_the_layers():
    net = at_init(activation="sigmoid", weight_init="critical")
    (W1, *later, WL), (b1, *later_b, bL) = net.coefs_, net.intercepts_
    assert_semi_orthogonal(W1 / 2)
    assert np.all(b1 == 0)
    for W, b in zip(later, later_b, strict=True):
        assert_semi_orthogonal(W / 4)
        np.testing.assert_allclose(b, -0.5 * W.sum(axis=0), rtol=1e-14, atol=1e-14)
    assert_semi_orthogonal(WL / 2)
    np.testing.assert_allclose(bL, -0.5 * WL.sum(axis=0), rtol=1e-14, atol=1e-14)
    # the biases are not trivially zero
    assert np.abs(later_b[0]).max() > 0.1


def test_critical_sigmoid_is_the_twin_of_critical_tanh():
    sig = at_init(activation="sigmoid", weight_init="critical")
    tanh = at_init(activation="tanh", weight_init="critical")
    coefs, intercepts = tanh_twin(sig.coefs_, sig.intercepts_)
    for W, V in zip(coefs, tanh.coefs_, strict=True):
        np.testing.assert_allclose(W, V, rtol=0, atol=1e-15)
    for b in intercepts:
        np.testing.assert_allclose(b, 0, atol=1e-14)


def test_critical_without_hidden_layers_is_orthogonal():
    net = at_init(hidden_layer_sizes=(), activation="sigmoid", weight_init="critical")
    assert_semi_orthogonal(net.coefs_[0])
    assert np.all(net.intercepts_[0] == 0)


@pytest.mark.parametrize("activation", ["relu", "softsign", "hard_sigmoid", "gelu"])
def test_critical_refuses_other_activations(activation):
    with pytest.raises(ValueError, match=f"activation='{activation}'.*orthogonal"):
        at_init(activation=activation, weight_init="critical")
    with pytest.raises(ValueError, match="he_uniform"):
        initial_parameters("critical", activation, [3, 4, 2], 0, np.float64)


def test_critical_refuses_a_user_activation():
    pair = (np.arctan, lambda z: 1 / (1 + z**2))
    with pytest.raises(ValueError, match="activation='user:arctan'"):
        at_init(activation=pair, weight_init="critical")


# -- the tanh twin ------------------------------------------------------------------


def tanh_network_output(coefs, intercepts, X):
    """Logits of a tanh MLP, in plain numpy."""
    A = X
    for W, b in zip(coefs[:-1], intercepts[:-1], strict=True):
        A = np.tanh(A @ W + b)
    return A @ coefs[-1] + intercepts[-1]


def randomise(net, seed, scale=1.0):
    rng = np.random.RandomState(seed)
    net.coefs_ = [rng.normal(0, scale, W.shape) for W in net.coefs_]
    net.intercepts_ = [rng.normal(0, scale, b.shape) for b in net.intercepts_]
    return net


@pytest.mark.parametrize("hidden", [(), (7,), (8, 6, 7), (5,) * 6])
@pytest.mark.parametrize("n_targets", [1, 3])
def test_tanh_twin_computes_the_sigmoid_regressor(hidden, n_targets):
    rng = np.random.RandomState(4)
    X, y = rng.normal(size=(40, 5)), rng.normal(size=(40, n_targets))
    net = randomise(at_init(X=X, y=y, hidden_layer_sizes=hidden), seed=5)
    coefs, intercepts = tanh_twin(net.coefs_, net.intercepts_)
    expected = net.predict(X).reshape(40, n_targets)
    got = tanh_network_output(coefs, intercepts, X)
    np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-12)
    if hidden:  # a genuinely different network
        assert not np.allclose(coefs[0], net.coefs_[0])


@pytest.mark.parametrize("n_classes", [2, 4])
def test_tanh_twin_computes_the_sigmoid_classifier_logits(n_classes):
    rng = np.random.RandomState(6)
    X, y = rng.normal(size=(50, 5)), np.arange(50) % n_classes
    net = randomise(at_init(DeepSigmoidMLP, X=X, y=y), seed=7, scale=1.5)
    coefs, intercepts = tanh_twin(net.coefs_, net.intercepts_)
    got = tanh_network_output(coefs, intercepts, X)
    expected = net.decision_function(X).reshape(got.shape)
    np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-12)


def test_tanh_twin_formulas_and_inverse():
    rng = np.random.RandomState(8)
    sizes = [3, 4, 5, 2]
    coefs = [
        rng.normal(size=(i, o)) for i, o in zip(sizes[:-1], sizes[1:], strict=True)
    ]
    intercepts = [rng.normal(size=o) for o in sizes[1:]]
    twin_W, twin_b = tanh_twin(coefs, intercepts)
    np.testing.assert_allclose(twin_W[0], coefs[0] / 2)
    np.testing.assert_allclose(twin_b[0], intercepts[0] / 2)
    np.testing.assert_allclose(twin_W[1], coefs[1] / 4)
    np.testing.assert_allclose(
        twin_b[1], (intercepts[1] + 0.5 * coefs[1].sum(axis=0)) / 2
    )
    np.testing.assert_allclose(twin_W[2], coefs[2] / 2)
    np.testing.assert_allclose(twin_b[2], intercepts[2] + 0.5 * coefs[2].sum(axis=0))
    back_W, back_b = sigmoid_twin(twin_W, twin_b)
    for a, b in zip(back_W + back_b, coefs + intercepts, strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-14, atol=1e-14)
    # the inputs are not modified
    assert twin_W[0] is not coefs[0]


# -- dynamical isometry -------------------------------------------------------------


def mean_squared_singular_value(net, activation, X):
    """Mean of s^2 of d h_L / d x, the Jacobian of the hidden stack, per sample."""
    values = []
    for x in X:
        J, a = np.eye(len(x)), x
        for W, b in zip(net.coefs_[:-1], net.intercepts_[:-1], strict=True):
            z = a @ W + b
            if activation == "tanh":
                a = np.tanh(z)
                slope = 1 - a**2
            else:
                a = expit(z)
                slope = a * (1 - a)
            J = (J @ W) * slope  # row layout: dh_l = dh_{l-1} W diag(f'(z))
        values.append(np.sum(J**2) / min(J.shape))
    return np.mean(values)


@pytest.fixture(scope="module")
def small_inputs():
    rng = np.random.RandomState(9)
    return rng.normal(0, 0.01, size=(16, 64)), rng.normal(size=16)


@pytest.mark.parametrize(
    "activation, weight_init, low, high",
    [
        ("tanh", "critical", 1 / 2, 2),
        ("sigmoid", "critical", 1 / 8, 1 / 2),
        ("sigmoid", "glorot_uniform", 0, 1e-6 / 4),
        ("sigmoid", "orthogonal", 0, 1e-6 / 4),  # the offset 1/2 saturates it
    ],
)
def test_jacobian_of_a_deep_stack_at_initialisation(
    small_inputs, activation, weight_init, low, high
):
    X, y = small_inputs
    net = DeepSigmoidMLPRegressor(
        (64,) * 32,
        activation=activation,
        weight_init=weight_init,
        max_iter=0,
        random_state=0,
    ).fit(X, y)
    value = mean_squared_singular_value(net, activation, X)
    assert low < value < high


# -- the estimators -----------------------------------------------------------------


@pytest.mark.parametrize("estimator", [DeepSigmoidMLP, DeepSigmoidMLPRegressor])
@pytest.mark.parametrize("weight_init", ["orthogonal", "critical"])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("batch_norm", [False, True])
def test_fit_at_initialisation(estimator, weight_init, dtype, batch_norm):
    rng = np.random.RandomState(10)
    X = rng.normal(size=(30, 5)).astype(dtype)
    net = at_init(estimator, X=X, weight_init=weight_init, batch_norm=batch_norm)
    assert all(W.dtype == dtype for W in net.coefs_ + net.intercepts_)
    reference = at_init(
        estimator, X=X.astype(np.float64), weight_init=weight_init, batch_norm=False
    )
    for W, V in zip(
        net.coefs_ + net.intercepts_,
        reference.coefs_ + reference.intercepts_,
        strict=True,
    ):
        np.testing.assert_allclose(W, V, rtol=1e-6, atol=1e-6)
    if estimator is DeepSigmoidMLP:
        assert np.all(np.isfinite(net.predict_proba(X)))
    else:
        assert np.all(np.isfinite(net.predict(X)))


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
@pytest.mark.parametrize("weight_init", ["orthogonal", "critical"])
def test_a_deep_sigmoid_trains_from_the_new_initialisations(weight_init):
    rng = np.random.RandomState(11)
    X = rng.normal(size=(80, 4))
    y = (X[:, 0] + X[:, 1] > 0).astype(int)
    net = DeepSigmoidMLP(
        (16,) * 6, weight_init=weight_init, max_iter=20, random_state=0
    ).fit(X, y)
    assert np.all(np.isfinite(net.loss_curve_))
    assert net.loss_curve_[-1] < net.loss_curve_[0]


@pytest.mark.parametrize("weight_init", ["orthogonal", "critical"])
def test_reproducible_and_picklable(weight_init):
    first = at_init(weight_init=weight_init, random_state=12)
    second = at_init(weight_init=weight_init, random_state=12)
    other = at_init(weight_init=weight_init, random_state=13)
    for W, V, U in zip(first.coefs_, second.coefs_, other.coefs_, strict=True):
        assert W.tobytes() == V.tobytes()
        assert not np.allclose(W, U)
    for b, c in zip(first.intercepts_, second.intercepts_, strict=True):
        assert b.tobytes() == c.tobytes()
    X = np.random.RandomState(14).normal(size=(10, 5))
    loaded = pickle.loads(pickle.dumps(first))
    np.testing.assert_array_equal(loaded.predict(X), first.predict(X))
    assert loaded.get_params() == first.get_params()


def test_initial_parameters_matches_the_per_layer_initialisers():
    sizes = [5, 8, 3]
    coefs, intercepts = initial_parameters(
        "auto", "sigmoid", sizes, np.random.RandomState(0), np.float32
    )
    init = get_initializer("glorot_uniform")
    rng = np.random.RandomState(0)
    for W, (i, o) in zip(coefs, zip(sizes[:-1], sizes[1:], strict=True), strict=True):
        np.testing.assert_array_equal(W, init(i, o, rng).astype(np.float32))
    assert all(b.dtype == np.float32 and not b.any() for b in intercepts)


def test_the_names_are_validated_and_listed():
    # scikit-learn lists the options of a set: in no fixed order
    with pytest.raises(InvalidParameterError) as error:
        at_init(weight_init="xavier")
    assert "'critical'" in str(error.value) and "'orthogonal'" in str(error.value)
    with pytest.raises(ValueError, match="valid ones are .*'critical'.*'orthogonal'"):
        get_initializer("xavier")
    with pytest.raises(ValueError, match="whole network"):
        get_initializer("orthogonal")


def test_critical_sigmoid_trains_at_depth_32_where_glorot_stays_at_chance():
    # issue 17's prototype: digits, 32 hidden layers of 64, Adam 1e-3, batches
    # of 200 (15 epochs here, 40 in the gallery example: 0.976 against 0.102)
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split
    from sklearn.preprocessing import StandardScaler

    X, y = load_digits(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.25, stratify=y, random_state=0
    )
    scaler = StandardScaler().fit(X_train)
    X_train, X_test = scaler.transform(X_train), scaler.transform(X_test)
    accuracy = {}
    for weight_init in ("critical", "glorot_uniform"):
        net = DeepSigmoidMLP(
            (64,) * 32,
            "sigmoid",
            weight_init=weight_init,
            learning_rate_init=1e-3,
            batch_size=200,
            max_iter=15,
            tol=0.0,
            random_state=0,
        )
        with pytest.warns(ConvergenceWarning):  # tol=0: every epoch runs
            net.fit(X_train, y_train)
        accuracy[weight_init] = net.score(X_test, y_test)
    assert accuracy["critical"] > 0.9, accuracy
    assert accuracy["glorot_uniform"] < 0.2, accuracy

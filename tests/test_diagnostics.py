"""GradientDiagnostics against an independent autograd and finite differences.

The first half of this file is a tiny reverse-mode automatic differentiation
that knows only elementary operations (matrix product, broadcasting sum and
product, exp, log, reciprocal, powers, max(·, 0), sums) and derives every
gradient from them, so that the numbers it returns owe nothing to the
derivatives written in sksigmoid.
"""

import warnings

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning, NotFittedError
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sksigmoid import DeepSigmoidMLP, DeepSigmoidMLPRegressor, GradientDiagnostics
from sksigmoid._network import Network

# ---------------------------------------------------------------------------
# An independent reverse-mode autograd
# ---------------------------------------------------------------------------


class Node:
    """A value in the computation graph, with how to pass a gradient to its parents."""

    def __init__(self, value, parents=()):
        self.value = np.asarray(value, dtype=np.float64)
        self.parents = parents  # pairs (node, vector-Jacobian product)
        self.grad = np.zeros_like(self.value)

    def __add__(self, other):
        other = as_node(other)
        return Node(
            self.value + other.value,
            [(self, lambda g: g), (other, lambda g: g)],
        )

    __radd__ = __add__

    def __mul__(self, other):
        other = as_node(other)
        return Node(
            self.value * other.value,
            [(self, lambda g: g * other.value), (other, lambda g: g * self.value)],
        )

    __rmul__ = __mul__

    def __neg__(self):
        return self * -1.0

    def __sub__(self, other):
        return self + (-as_node(other))

    def __matmul__(self, other):
        return Node(
            self.value @ other.value,
            [(self, lambda g: g @ other.value.T), (other, lambda g: self.value.T @ g)],
        )


def as_node(x):
    return x if isinstance(x, Node) else Node(x)


def unbroadcast(grad, shape):
    """Sum a gradient over the axes along which a value of ``shape`` was broadcast."""
    while grad.ndim > len(shape):
        grad = grad.sum(axis=0)
    for axis, size in enumerate(shape):
        if size == 1 and grad.shape[axis] != 1:
            grad = grad.sum(axis=axis, keepdims=True)
    return grad


def exp(x):
    value = np.exp(x.value)
    return Node(value, [(x, lambda g: g * value)])


def log(x):
    return Node(np.log(x.value), [(x, lambda g: g / x.value)])


def reciprocal(x):
    return Node(1 / x.value, [(x, lambda g: -g / x.value**2)])


def power(x, p):
    return Node(x.value**p, [(x, lambda g: g * p * x.value ** (p - 1))])


def positive_part(x):
    return Node(np.maximum(x.value, 0), [(x, lambda g: g * (x.value > 0))])


def total(x, axis=None):
    """Sum over ``axis`` (all axes when ``None``), keeping dimensions."""
    return Node(
        x.value.sum(axis=axis, keepdims=True),
        [(x, lambda g: np.broadcast_to(g, x.value.shape))],
    )


def backward(root):
    """Accumulate ``d root / d node`` into ``node.grad`` for every ancestor."""
    order, seen = [], set()

    def visit(node):
        if id(node) not in seen:
            seen.add(id(node))
            for parent, _ in node.parents:
                visit(parent)
            order.append(node)

    visit(root)
    root.grad = np.ones_like(root.value)
    for node in reversed(order):
        for parent, vjp in node.parents:
            parent.grad = parent.grad + unbroadcast(vjp(node.grad), parent.value.shape)


def sigmoid(x):
    return reciprocal(1.0 + exp(-x))


ACTIVATIONS = {
    "sigmoid": sigmoid,
    "tanh": lambda x: 2.0 * sigmoid(2.0 * x) - 1.0,
    "relu": positive_part,
    "identity": lambda x: x,
}


def mean_loss(Z, Y, output):
    """Mean log-loss of logits ``Z`` (logistic or softmax) or ½ mean squared error."""
    n = Z.value.shape[0]
    if output == "identity":
        residual = Z - Y
        return total(residual * residual) * (0.5 / n)
    if output == "logistic":
        # log(1 + e^z) - y z
        return total(log(1.0 + exp(Z)) - Z * Y) * (1 / n)
    shift = Z.value.max(axis=1, keepdims=True)  # a constant: the loss does not change
    log_normaliser = log(total(exp(Z - shift), axis=1)) + shift
    return total(log_normaliser - total(Z * Y, axis=1)) * (1 / n)


def batch_normalize(U, gamma, beta, running=None, eps=1e-5):
    """Batch statistics of ``U`` (differentiated through), or given running ones."""
    if running is None:
        n = U.value.shape[0]
        centred = U - total(U, axis=0) * (1 / n)
        variance = total(centred * centred, axis=0) * (1 / n)
    else:
        centred, variance = U - running[0], Node(running[1])
    return centred * power(variance + eps, -0.5) * gamma + beta


def forward(net, X, running=None):
    """Leaf nodes ``W``, ``b`` and the pre-activations ``Z`` of every layer.

    ``net`` holds ``coefs``, ``intercepts``, ``activation`` and, for batch
    norm, ``gammas`` and ``betas``; ``running`` = (means, variances) selects
    inference-mode batch norm.
    """
    W = [Node(w) for w in net["coefs"]]
    b = [Node(c.reshape(1, -1)) for c in net["intercepts"]]
    gammas, betas = net.get("gammas", []), net.get("betas", [])
    A, Zs = Node(X), []
    for layer, (w, c) in enumerate(zip(W, b, strict=True)):
        Z = A @ w + c
        if layer < len(W) - 1:
            if gammas:
                stats = (
                    None if running is None else (running[0][layer], running[1][layer])
                )
                Z = batch_normalize(Z, gammas[layer], betas[layer], stats)
            A = ACTIVATIONS[net["activation"]](Z)
        Zs.append(Z)
    return W, b, Zs


def loss_gradients(net, X, Y, output):
    """Gradients of the mean loss with respect to weights, biases and pre-activations."""
    W, b, Zs = forward(net, X)
    loss = mean_loss(Zs[-1], Y, output)
    backward(loss)
    return {
        "W": [w.grad for w in W],
        "b": [c.grad.ravel() for c in b],
        "Z": [Z.grad for Z in Zs],
        "loss": loss.value.item(),
    }


# ---------------------------------------------------------------------------
# The networks under test
# ---------------------------------------------------------------------------

RTOL = 1e-6


def small_data(kind, n_samples=40, n_features=5, seed=0):
    """``X`` and targets of a binary, multiclass or regression problem."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n_samples, n_features))
    if kind == "regression":
        return X, X @ rng.normal(size=n_features) + rng.normal(size=n_samples)
    n_classes = 2 if kind == "binary" else 3
    return X, np.arange(n_samples) % n_classes


def fitted_network(kind, activation, batch_norm, hidden=(6, 5, 4), seed=0):
    """A briefly trained MLP (so that batch-norm parameters are not trivial)."""
    Estimator = DeepSigmoidMLPRegressor if kind == "regression" else DeepSigmoidMLP
    X, y = small_data(kind, seed=seed)
    net = Estimator(
        hidden,
        activation,
        batch_norm=batch_norm,
        max_iter=5,
        batch_size=10,
        learning_rate_init=0.05,
        random_state=seed,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        net.fit(X, y)
    return net, X, y


def as_dict(net):
    """The weights of a fitted MLP, for the autograd."""
    return {
        "coefs": net.coefs_,
        "intercepts": net.intercepts_,
        "gammas": net.bn_gammas_,
        "betas": net.bn_betas_,
        "activation": net.activation,
    }


def encoded(net, y):
    """Targets as the autograd's loss expects them (0/1 column, one-hot, column)."""
    if net.out_activation_ == "identity":
        return np.asarray(y, dtype=float).reshape(-1, 1)
    codes = np.searchsorted(net.classes_, y)
    if net.out_activation_ == "logistic":
        return codes.reshape(-1, 1).astype(float)
    return np.eye(len(net.classes_))[codes]


def norms(arrays):
    return np.array([np.linalg.norm(a) for a in arrays])


CASES = [
    (kind, activation, batch_norm)
    for kind in ("binary", "multiclass", "regression")
    for activation in ("sigmoid", "tanh", "relu")
    for batch_norm in (False, True)
]


@pytest.mark.parametrize(("kind", "activation", "batch_norm"), CASES)
def test_norms_match_an_independent_autograd(kind, activation, batch_norm):
    net, X, y = fitted_network(kind, activation, batch_norm)
    diagnostics = GradientDiagnostics(net, prefit=True).fit(X, y)
    reference = loss_gradients(as_dict(net), X, encoded(net, y), net.out_activation_)
    np.testing.assert_allclose(
        diagnostics.gradient_norms_, norms(reference["W"]), rtol=RTOL
    )
    # with batch norm a hidden bias has no effect: its gradient is rounding noise
    np.testing.assert_allclose(
        diagnostics.bias_gradient_norms_, norms(reference["b"]), rtol=RTOL, atol=1e-15
    )
    np.testing.assert_allclose(
        diagnostics.delta_norms_, norms(reference["Z"]), rtol=RTOL
    )


@pytest.mark.parametrize("kind", ["binary", "multiclass", "regression"])
def test_weight_gradients_match_finite_differences(kind):
    net, X, y = fitted_network(kind, "tanh", False, hidden=(4, 3))
    diagnostics = GradientDiagnostics(net, prefit=True).fit(X, y)
    Y, weights, eps = encoded(net, y), as_dict(net), 1e-6

    def loss(layer, index, step):
        coefs = [w.copy() for w in net.coefs_]
        coefs[layer][index] += step
        _, _, Zs = forward({**weights, "coefs": coefs}, X)
        return mean_loss(Zs[-1], Y, net.out_activation_).value.item()

    numeric = [
        np.linalg.norm(
            [
                (loss(layer, index, eps) - loss(layer, index, -eps)) / (2 * eps)
                for index in np.ndindex(W.shape)
            ]
        )
        for layer, W in enumerate(net.coefs_)
    ]
    np.testing.assert_allclose(diagnostics.gradient_norms_, numeric, rtol=RTOL)


def test_delta_norms_match_finite_differences():
    net, X, y = fitted_network("multiclass", "sigmoid", False, hidden=(4, 3))
    diagnostics = GradientDiagnostics(net, prefit=True).fit(X, y)
    Y, eps = encoded(net, y), 1e-6

    def loss_from(layer, Z):
        """Mean loss as a function of the pre-activations of ``layer``."""
        for W, b in zip(
            net.coefs_[layer + 1 :], net.intercepts_[layer + 1 :], strict=True
        ):
            Z = (1 / (1 + np.exp(-Z))) @ W + b
        return mean_loss(Node(Z), Y, "softmax").value.item()

    _, _, Zs = forward(as_dict(net), X)
    for layer, Z in enumerate(Zs):
        Z = Z.value
        steps = [np.zeros_like(Z) for _ in range(Z.size)]
        for step, index in zip(steps, np.ndindex(Z.shape), strict=True):
            step[index] = eps
        numeric = [
            (loss_from(layer, Z + s) - loss_from(layer, Z - s)) / (2 * eps)
            for s in steps
        ]
        assert diagnostics.delta_norms_[layer] == pytest.approx(
            np.linalg.norm(numeric), rel=RTOL
        )


@pytest.mark.parametrize(
    ("kind", "batch_norm"),
    [("binary", False), ("multiclass", True), ("regression", False)],
)
def test_transform_sensitivity_matches_autograd(kind, batch_norm):
    net, X, y = fitted_network(kind, "sigmoid", batch_norm)
    diagnostics = GradientDiagnostics(net, prefit=True).fit(X, y)
    features = diagnostics.transform(X)
    running = (net.bn_running_means_, net.bn_running_vars_) if batch_norm else None
    _, _, Zs = forward(as_dict(net), X, running)
    output = Zs[-1]
    target = np.zeros_like(output.value)
    if kind == "multiclass":
        target[np.arange(len(X)), output.value.argmax(axis=1)] = 1
    else:
        target[:] = 1
    backward(total(output * target))
    n_hidden = len(net.coefs_) - 1
    for k in range(n_hidden):
        sensitivity = np.linalg.norm(Zs[k].grad, axis=1)
        np.testing.assert_allclose(features[:, 3 * k + 2], sensitivity, rtol=RTOL)
        activations = ACTIVATIONS["sigmoid"](Zs[k]).value
        np.testing.assert_allclose(features[:, 3 * k + 1], activations.mean(axis=1))
        saturated = (activations <= 0.01) | (activations >= 0.99)
        np.testing.assert_array_equal(features[:, 3 * k], saturated.mean(axis=1))


# ---------------------------------------------------------------------------
# Behaviour of the transformer
# ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def digits():
    X, y = load_digits(return_X_y=True)
    return StandardScaler().fit_transform(X[:400]), y[:400]


def at_init(activation="sigmoid", weight_init="standard", depth=6, **params):
    return DeepSigmoidMLP(
        (16,) * depth,
        activation,
        weight_init=weight_init,
        max_iter=0,
        random_state=0,
        **params,
    )


def test_max_iter_zero_measures_the_initial_network(digits):
    X, y = digits
    diagnostics = GradientDiagnostics(at_init()).fit(X, y)
    assert diagnostics.estimator_.n_iter_ == 0
    initial = at_init().fit(X, y)
    for W, W0 in zip(diagnostics.estimator_.coefs_, initial.coefs_, strict=True):
        np.testing.assert_array_equal(W, W0)


def test_attributes_and_vanishing_ratio(digits):
    X, y = digits
    diagnostics = GradientDiagnostics(at_init(depth=6)).fit(X, y)
    assert diagnostics.gradient_norms_.shape == (7,)
    assert diagnostics.bias_gradient_norms_.shape == (7,)
    assert diagnostics.delta_norms_.shape == (7,)
    for name in (
        "activation_mean_",
        "activation_std_",
        "saturation_",
        "dead_fraction_",
    ):
        assert getattr(diagnostics, name).shape == (6,)
    assert diagnostics.vanishing_ratio_ == pytest.approx(
        diagnostics.gradient_norms_[0] / diagnostics.gradient_norms_[5]
    )
    assert np.all(diagnostics.activation_mean_ > 0)  # the sigmoid is not zero-centred
    assert np.all(diagnostics.dead_fraction_ == 0)


def test_diagnosis_names_the_pathology(digits):
    X, y = digits
    assert GradientDiagnostics(at_init()).fit(X, y).diagnosis_ == "vanishing"
    assert GradientDiagnostics(at_init("tanh", "glorot_uniform")).fit(
        X, y
    ).diagnosis_ == ("healthy")
    lenient = GradientDiagnostics(at_init(), vanishing_threshold=1e-12).fit(X, y)
    assert lenient.diagnosis_ == "healthy"
    strict = GradientDiagnostics(
        at_init("tanh", "glorot_uniform"), exploding_threshold=0.5
    )
    assert strict.fit(X, y).diagnosis_ == "exploding"


def test_saturated_and_dead_units_are_found(digits):
    X, y = digits
    saturated = at_init("sigmoid", "he_normal").fit(X, y)
    for W in saturated.coefs_:
        W *= 30
    diagnostics = GradientDiagnostics(saturated, prefit=True).fit(X, y)
    assert diagnostics.saturation_.min() > 0.5
    assert "saturated" in diagnostics.diagnosis_
    dead = at_init("relu", "he_normal").fit(X, y)
    dead.intercepts_[2][:] = -100
    diagnostics = GradientDiagnostics(dead, prefit=True).fit(X, y)
    assert diagnostics.dead_fraction_[2] == 1
    assert np.isnan(diagnostics.vanishing_ratio_)
    assert diagnostics.diagnosis_ == "vanishing, dead units"


def test_prefit_uses_the_estimator_and_fit_uses_a_clone(digits):
    X, y = digits
    net = at_init()
    diagnostics = GradientDiagnostics(net).fit(X, y)
    assert diagnostics.estimator_ is not net
    assert not hasattr(net, "coefs_")
    with pytest.raises(NotFittedError):
        GradientDiagnostics(net, prefit=True).fit(X, y)
    net.fit(X, y)
    assert GradientDiagnostics(net, prefit=True).fit(X, y).estimator_ is net
    with pytest.raises(ValueError, match="features"):
        GradientDiagnostics(net, prefit=True).fit(X[:, :10], y)


def test_default_estimator_is_a_deep_sigmoid_mlp(digits):
    X, y = digits
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        diagnostics = GradientDiagnostics().fit(X[:100], y[:100])
    assert type(diagnostics.estimator_) is DeepSigmoidMLP


def test_fit_runs_the_core_backward_once(digits, monkeypatch):
    X, y = digits
    net = at_init().fit(X, y)
    calls = []
    backward = Network.backward

    def counting(self, *args, **kwargs):
        calls.append(1)
        return backward(self, *args, **kwargs)

    monkeypatch.setattr(Network, "backward", counting)
    GradientDiagnostics(net, prefit=True).fit(X, y)
    assert len(calls) == 1


def test_transform_feature_names_and_pandas(digits):
    pd = pytest.importorskip("pandas")
    X, y = digits
    diagnostics = GradientDiagnostics(at_init(depth=3)).fit(X, y)
    names = diagnostics.get_feature_names_out()
    assert list(names[:3]) == [
        "layer1_saturation",
        "layer1_mean_activation",
        "layer1_sensitivity",
    ]
    assert names[-1] == "layer3_sensitivity"
    features = diagnostics.transform(X)
    assert features.shape == (len(X), 9)
    np.testing.assert_allclose(features[:7], diagnostics.transform(X[:7]), rtol=1e-12)
    frame = diagnostics.set_output(transform="pandas").transform(X)
    assert isinstance(frame, pd.DataFrame)
    assert list(frame.columns) == list(names)


def test_works_in_a_pipeline(digits):
    X, y = digits
    pipeline = make_pipeline(StandardScaler(), GradientDiagnostics(at_init(depth=2)))
    assert pipeline.fit_transform(X, y).shape == (len(X), 6)
    assert clone(pipeline).fit(X, y).transform(X[:3]).shape == (3, 6)


def test_float32_network(digits):
    X, y = digits
    X32 = X.astype(np.float32)
    diagnostics = GradientDiagnostics(at_init()).fit(X32, y)
    reference = GradientDiagnostics(at_init()).fit(X, y)
    assert diagnostics.estimator_.coefs_[0].dtype == np.float32
    np.testing.assert_allclose(
        diagnostics.gradient_norms_, reference.gradient_norms_, rtol=1e-3
    )
    assert diagnostics.transform(X32).dtype == np.float64


def test_a_network_without_hidden_layers_is_refused(digits):
    X, y = digits
    with pytest.raises(ValueError, match="hidden"):
        GradientDiagnostics(DeepSigmoidMLP((), max_iter=0)).fit(X, y)


@pytest.mark.parametrize(
    "params",
    [
        {"saturation_eps": -0.1},
        {"vanishing_threshold": 0},
        {"exploding_threshold": -1.0},
        {"min_gradient_norm": -1e-3},
        {"max_gradient_norm": 0.0},
        {"random_state": "zero"},
        {"estimator": "mlp"},
    ],
)
def test_invalid_parameters(params, digits):
    X, y = digits
    with pytest.raises(ValueError):
        GradientDiagnostics(**params).fit(X, y)


# ---------------------------------------------------------------------------
# Reproducibility (issue 13, item 5)
# ---------------------------------------------------------------------------


def test_random_state_makes_the_default_network_reproducible(digits):
    X, y = digits[0][:120], digits[1][:120]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        first = GradientDiagnostics(random_state=0).fit(X, y)
        second = GradientDiagnostics(random_state=0).fit(X, y)
    assert first.estimator_.random_state == 0
    np.testing.assert_array_equal(first.gradient_norms_, second.gradient_norms_)
    np.testing.assert_array_equal(first.transform(X), second.transform(X))


def test_random_state_seeds_the_clone_unless_the_network_has_its_own(digits):
    X, y = digits
    unseeded = DeepSigmoidMLP((8, 8), max_iter=0)
    diagnostics = GradientDiagnostics(unseeded, random_state=3).fit(X, y)
    assert diagnostics.estimator_.random_state == 3
    assert unseeded.random_state is None  # the given estimator is left alone
    reference = DeepSigmoidMLP((8, 8), max_iter=0, random_state=3).fit(X, y)
    for W, W0 in zip(diagnostics.estimator_.coefs_, reference.coefs_, strict=True):
        np.testing.assert_array_equal(W, W0)
    seeded = DeepSigmoidMLP((8, 8), max_iter=0, random_state=5)
    diagnostics = GradientDiagnostics(seeded, random_state=3).fit(X, y)
    assert diagnostics.estimator_.random_state == 5


# ---------------------------------------------------------------------------
# The verdict, on networks built to show each one (issue 13, item 6)
# ---------------------------------------------------------------------------


def scaled_identity_network(
    scales, n_features=4, dtype=np.float64, input_scale=1.0, seed=0
):
    r"""A ReLU network on positive data in which weight layer ``l`` multiplies by ``c_l``.

    Hidden layers are ``c_l I``, the output layer ``c_L u`` (``u`` a unit
    vector), biases 0. On positive inputs every unit is active, so ReLU is the
    identity, no unit is dead or saturated, :math:`A_l = c_1 \cdots c_l X` and
    :math:`\|\partial L/\partial W_l\|_F = K / c_l` for every weight layer with
    one constant ``K``: the scales prescribe the gradient profile exactly, and
    :math:`\|\delta_l\| / \|\delta_L\| = c_{l+1} \cdots c_L`.
    """
    rng = np.random.default_rng(seed)
    X = (input_scale * rng.uniform(1, 2, size=(60, n_features))).astype(dtype)
    y = np.arange(60) % 2
    hidden = (n_features,) * (len(scales) - 1)
    net = DeepSigmoidMLP(hidden, "relu", max_iter=0, random_state=0).fit(X, y)
    for layer, scale in enumerate(scales[:-1]):
        net.coefs_[layer] = (scale * np.eye(n_features)).astype(dtype)
    net.coefs_[-1] = np.full((n_features, 1), scales[-1] / np.sqrt(n_features), dtype)
    return net, X, y


def diagnose(net, X, y, **params):
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        return GradientDiagnostics(net, prefit=True, **params).fit(X, y)


def test_the_construction_prescribes_the_gradient_profile():
    scales = np.array([0.5, 2.0, 1.0, 3.0, 0.25])
    diagnostics = diagnose(*scaled_identity_network(scales))
    products = diagnostics.gradient_norms_ * scales
    np.testing.assert_allclose(products, products[0], rtol=1e-12)
    np.testing.assert_allclose(
        diagnostics.layer_gains_, scales[1:] / scales[:-1], rtol=1e-12
    )
    np.testing.assert_array_equal(diagnostics.dead_fraction_, 0)
    np.testing.assert_array_equal(diagnostics.saturation_, 0)
    assert diagnostics.diagnosis_ == "healthy"  # no ratio beyond 100 either way


def test_a_flat_gradient_profile_is_healthy():
    assert diagnose(*scaled_identity_network([1.0] * 6)).diagnosis_ == "healthy"


def test_gradient_norms_growing_from_1e11_to_1e38_are_exploding():
    # 10 weight layers, the gradient norm x 1000 per layer toward the input
    scales = 10.0 ** (3 * np.arange(10))
    diagnostics = diagnose(*scaled_identity_network(scales, input_scale=1e-97))
    assert diagnostics.gradient_norms_[-1] == pytest.approx(1e11, rel=0.9)
    assert diagnostics.gradient_norms_[0] == pytest.approx(1e38, rel=0.9)
    assert diagnostics.diagnosis_ == "exploding"


def test_uniformly_huge_gradients_are_exploding():
    """70 ReLU layers of gain 3 in float32: every ‖∂L/∂W_l‖ near 1e33, ratio 1."""
    net, X, y = scaled_identity_network([3.0] * 71, dtype=np.float32)
    diagnostics = diagnose(net, X, y)
    norms = diagnostics.gradient_norms_
    assert np.all(norms > 1e32) and np.all(np.isfinite(norms))
    assert diagnostics.vanishing_ratio_ == pytest.approx(1.0, rel=1e-3)
    assert diagnostics.diagnosis_ == "exploding"


@pytest.mark.parametrize("gain", [1.6, 3.5])
def test_a_float32_70_layer_relu_network_with_large_weights_is_exploding(gain, digits):
    X, y = digits[0].astype(np.float32), digits[1]
    net = DeepSigmoidMLP((16,) * 70, "relu", max_iter=0, random_state=0).fit(X, y)
    for W in net.coefs_:
        W *= gain
    diagnostics = diagnose(net, X, y)
    assert diagnostics.gradient_norms_.min() > 1e10
    assert "exploding" in diagnostics.diagnosis_


def test_uniformly_silent_networks_are_not_healthy(digits):
    # gain 0.3 per layer: ‖∂L/∂W_l‖ equal in every layer, the error shrinks
    net, X, y = scaled_identity_network([0.3] * 31)
    diagnostics = diagnose(net, X, y)
    np.testing.assert_allclose(
        diagnostics.gradient_norms_, diagnostics.gradient_norms_[0], rtol=1e-9
    )
    assert diagnostics.diagnosis_ == "vanishing"
    # the documented silent network: ReLU, standard initialisation, 10 x 64
    X, y = digits
    silent = DeepSigmoidMLP(
        (64,) * 10, "relu", weight_init="standard", max_iter=0, random_state=0
    )
    diagnostics = GradientDiagnostics(silent).fit(X, y)
    assert np.ptp(np.log10(diagnostics.gradient_norms_)) < 1  # a flat profile
    assert "vanishing" in diagnostics.diagnosis_


def test_one_hidden_layer_is_judged_against_the_output_layer():
    # the first / last hidden layer ratio of one hidden layer is always 1
    assert diagnose(*scaled_identity_network([1e-3, 1.0])).diagnosis_ == "exploding"
    assert diagnose(*scaled_identity_network([1e3, 1.0])).diagnosis_ == "vanishing"


def test_a_vanishing_middle_layer_is_found():
    """First and last hidden layers agree, the middle one gets 1e-4 of the gradient."""
    diagnostics = diagnose(*scaled_identity_network([1.0, 1e4, 1.0, 1.0]))
    assert diagnostics.vanishing_ratio_ == pytest.approx(1.0)
    assert diagnostics.min_gradient_ratio_ == pytest.approx(1e-4)
    # its weights, 1e4 I, also multiply the error on its way back by 1e4
    assert diagnostics.max_delta_ratio_ == pytest.approx(1e4)
    assert diagnostics.diagnosis_ == "vanishing, exploding"


def test_dead_units_alone():
    net, X, y = scaled_identity_network([1.0] * 5)
    net.intercepts_[1][:3] = -100  # 3 of the 4 units of layer 2
    diagnostics = diagnose(net, X, y)
    assert diagnostics.dead_fraction_[1] == 0.75
    assert diagnostics.diagnosis_ == "dead units"


def test_absolute_thresholds_are_parameters():
    net, X, y = scaled_identity_network([1.0] * 4)
    norms = diagnose(net, X, y).gradient_norms_
    ceiling = diagnose(net, X, y, max_gradient_norm=norms.max() / 2)
    assert ceiling.diagnosis_ == "exploding"
    floor = diagnose(net, X, y, min_gradient_norm=norms.min() * 2)
    assert floor.diagnosis_ == "vanishing"


def test_a_gradient_that_is_exactly_zero_is_vanishing():
    net, X, y = scaled_identity_network([1.0] * 4)
    net.coefs_[-1][:] = 0  # nothing reaches the hidden layers
    diagnostics = diagnose(net, X, y)
    np.testing.assert_array_equal(diagnostics.gradient_norms_[:-1], 0)
    assert diagnostics.diagnosis_ == "vanishing"


# ---------------------------------------------------------------------------
# Clear errors (issue 13, item 7)
# ---------------------------------------------------------------------------


def test_an_estimator_that_is_not_a_deep_mlp_is_refused(digits):
    from sksigmoid import SigmoidNeuronClassifier

    X, y = digits
    y = (y > 4).astype(int)
    message = "DeepSigmoidMLP.*DeepSigmoidMLPRegressor"
    with pytest.raises(ValueError, match=message):
        GradientDiagnostics(SigmoidNeuronClassifier()).fit(X, y)
    neuron = SigmoidNeuronClassifier(alpha=1.0).fit(X, y)
    with pytest.raises(ValueError, match=message):
        GradientDiagnostics(neuron, prefit=True).fit(X, y)


def test_early_stopping_on_too_few_samples_names_the_validation_split():
    X = np.random.default_rng(0).normal(size=(8, 3))
    y = np.arange(8) % 2
    with pytest.raises(ValueError, match="validation") as error:
        DeepSigmoidMLP(early_stopping=True).fit(X, y)
    message = str(error.value)
    assert "validation_fraction=0.1" in message and "8 samples" in message
    assert "early_stopping=False" in message


# ---------------------------------------------------------------------------
# No RuntimeWarning from numpy (issue 13, item 8)
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("activation", ["relu", "identity", "sigmoid"])
def test_huge_inputs_give_finite_measurements_without_runtime_warnings(activation):
    X, y = small_data("binary", n_samples=60)
    net = DeepSigmoidMLP((4, 3), activation, max_iter=0, random_state=0).fit(X, y)
    huge, large = diagnose(net, X * 1e300, y), diagnose(net, X * 1e250, y)
    for name in ("gradient_norms_", "activation_mean_", "activation_std_"):
        assert np.all(np.isfinite(getattr(huge, name))), name
    if activation == "sigmoid":  # saturated: sigma'(z) is 0, and so the gradient
        assert huge.diagnosis_ == "vanishing, saturated"
    else:
        assert huge.diagnosis_.startswith("exploding")
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        features = huge.transform(X * 1e300)
    assert np.all(np.isfinite(features))
    if activation != "sigmoid":
        # positively homogeneous network and a saturated output: norms and
        # activations scale with the input, exactly
        np.testing.assert_allclose(
            huge.gradient_norms_, large.gradient_norms_ * 1e50, rtol=1e-9
        )
        np.testing.assert_allclose(
            huge.activation_std_, large.activation_std_ * 1e50, rtol=1e-6
        )


def test_float32_activations_whose_squares_overflow():
    """ReLU activations of 1e25 in float32: their squares overflow float32."""
    net, X, y = scaled_identity_network([1e6] * 5, dtype=np.float32)
    reference, X64, _ = scaled_identity_network([1e6] * 5)
    diagnostics = diagnose(net, X, y)
    expected = diagnose(reference, X64, y)
    np.testing.assert_allclose(
        diagnostics.activation_std_, expected.activation_std_, rtol=1e-5
    )
    np.testing.assert_allclose(
        diagnostics.gradient_norms_, expected.gradient_norms_, rtol=1e-5
    )


@pytest.fixture
def overflowing_network(digits):
    """A float32 70-layer ReLU network whose activations overflow float32."""
    X, y = digits[0].astype(np.float32), digits[1]
    net = DeepSigmoidMLP((16,) * 70, "relu", max_iter=0, random_state=0).fit(X, y)
    for W in net.coefs_:
        W *= 4
    return net, X, y


def test_predict_proba_of_an_overflowing_network_raises(overflowing_network):
    net, X, _ = overflowing_network
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        for method in (net.predict_proba, net.predict, net.decision_function):
            with pytest.raises(FloatingPointError, match="float32"):
                method(X)


def test_diagnostics_of_an_overflowing_network_warn_and_say_exploding(
    overflowing_network,
):
    net, X, y = overflowing_network
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        with pytest.warns(UserWarning, match="overflow.*float32"):
            diagnostics = GradientDiagnostics(net, prefit=True).fit(X, y)
        assert diagnostics.diagnosis_.startswith("exploding")
        with pytest.raises(FloatingPointError, match="float32"):
            diagnostics.transform(X)


def test_an_overflow_that_leaves_finite_numbers_is_reported():
    """Batch norm of 1e300-sized pre-activations: the variance overflows to inf,
    the normalised activations become 0 and every gradient 0 -- finite, and
    wrong."""
    X, y = small_data("binary", n_samples=60)
    net = DeepSigmoidMLP(
        (4, 3), "relu", batch_norm=True, max_iter=0, random_state=0
    ).fit(X, y)
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        with pytest.warns(UserWarning, match="batch normalisation"):
            diagnostics = GradientDiagnostics(net, prefit=True).fit(X * 1e300, y)
    assert np.all(np.isfinite(diagnostics.gradient_norms_))
    assert diagnostics.overflow_ is not None
    assert "exploding" in diagnostics.diagnosis_
    assert GradientDiagnostics(net, prefit=True).fit(X, y).overflow_ is None

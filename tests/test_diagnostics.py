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
    [{"saturation_eps": -0.1}, {"vanishing_threshold": 0}, {"estimator": "mlp"}],
)
def test_invalid_parameters(params, digits):
    X, y = digits
    with pytest.raises(ValueError):
        GradientDiagnostics(**params).fit(X, y)

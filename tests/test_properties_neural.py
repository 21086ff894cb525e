"""Property-based tests of the neural estimators (issue 13, "Also").

Random small shapes, sample weights, solvers and activations: a fit either
succeeds with finite outputs (probabilities that sum to one) or raises a clear
ValueError; no numpy RuntimeWarning escapes (setup.cfg turns them into errors,
and so does each test here). Derandomised, so every run tries the same cases.
"""

import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from sklearn.exceptions import ConvergenceWarning

from sksigmoid import DeepSigmoidMLP, DeepSigmoidMLPRegressor, SigmoidNeuronClassifier
from sksigmoid._activations import ACTIVATIONS

SETTINGS = settings(
    deadline=None,
    derandomize=True,
    max_examples=60,
    suppress_health_check=[HealthCheck.too_slow],
)

# Phrases of errors raised by numpy or scipy from inside a computation: an
# estimator that lets one of them out has not checked its input.
INTERNAL = ("matmul", "broadcast", "out of bounds", "zero-size array", "singular")


@st.composite
def data(draw, *, regression=False):
    """(X, y, sample_weight) of a small, possibly awkward, problem."""
    n = draw(st.integers(1, 25) | st.integers(6, 25))
    d = draw(st.integers(1, 4))
    rng = np.random.default_rng(draw(st.integers(0, 2**16)))
    X = rng.normal(size=(n, d)) * draw(st.sampled_from([1e-6, 1.0, 1e3]))
    if draw(st.booleans()):
        X[:, 0] = 1.0  # a constant feature (collinear with the intercept)
    if regression:
        y = X @ rng.normal(size=d) + rng.normal(size=n)
        if draw(st.booleans()):
            y = np.column_stack([y, -2 * y])
        y = y * draw(st.sampled_from([1e-3, 1.0, 1e3]))
    else:
        # every class present (one class now and then, which must be refused)
        n_classes = draw(st.sampled_from([1, 2, 2, 2, 3, 3]))
        y = rng.permutation(np.arange(n) % n_classes)
        if draw(st.booleans()):
            y = np.array(["no", "yes", "maybe"])[y]
    kind = draw(st.sampled_from(["none", "random", "zeros", "counts"]))
    sample_weight = {
        "none": None,
        "random": rng.random(n) + 0.1,
        "zeros": np.where(rng.random(n) < 0.5, 0.0, 1.0),
        "counts": rng.integers(0, 4, n).astype(float),
    }[kind]
    return X, y, sample_weight


def fit_or_clear_error(estimator, X, y, sample_weight):
    """Fit, returning None if it raised a clear ValueError."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        warnings.simplefilter("ignore", ConvergenceWarning)  # SeparationWarning too
        warnings.simplefilter("ignore", UserWarning)  # collinear, small classes
        try:
            fitted = estimator.fit(X, y, sample_weight=sample_weight)
        except ValueError as error:
            message = str(error)
            assert message and not any(p in message for p in INTERNAL), message
            event(f"ValueError: {message[:60]}")
            return None
    event("fitted")
    return fitted


def check_classifier_outputs(clf, X):
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        proba = clf.predict_proba(X)
        log_proba = clf.predict_log_proba(X)
        prediction = clf.predict(X)
    assert proba.shape == (X.shape[0], len(clf.classes_))
    assert np.all(np.isfinite(proba)) and np.all(proba >= 0)
    atol = 1e-5 if proba.dtype == np.float32 else 1e-10
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, atol=atol)
    assert not np.any(np.isnan(log_proba)) and np.all(log_proba <= 0)
    assert set(np.unique(prediction)) <= set(clf.classes_)


@SETTINGS
@given(
    problem=data(),
    solver=st.sampled_from(["newton", "lbfgs", "gd", "sgd"]),
    alpha=st.sampled_from([0.0, 0.1]),
    l1_ratio=st.sampled_from([0.0, 0.5]),
    fit_intercept=st.booleans(),
    class_weight=st.sampled_from([None, "balanced"]),
    sparse=st.booleans(),
    float32=st.booleans(),
)
def test_neuron_fits_or_refuses_clearly(
    problem, solver, alpha, l1_ratio, fit_intercept, class_weight, sparse, float32
):
    X, y, sample_weight = problem
    X = X.astype(np.float32) if float32 else X
    X = sp.csr_matrix(X) if sparse else X
    clf = SigmoidNeuronClassifier(
        solver=solver,
        alpha=alpha,
        l1_ratio=l1_ratio,
        fit_intercept=fit_intercept,
        class_weight=class_weight,
        max_iter=30,
        random_state=0,
    )
    if fit_or_clear_error(clf, X, y, sample_weight) is None:
        return
    assert np.all(np.isfinite(clf.coef_)) and np.all(np.isfinite(clf.intercept_))
    check_classifier_outputs(clf, X)


MLP_OPTIONS = dict(
    hidden_layer_sizes=st.sampled_from([(), (3,), (4, 3)]),
    activation=st.sampled_from(sorted(ACTIVATIONS)),
    solver=st.sampled_from(["sgd", "momentum", "nesterov", "adam", "lbfgs"]),
    learning_rate_init=st.sampled_from([1e-3, 0.1, 10.0]),
    batch_norm=st.booleans(),
    dropout=st.sampled_from([0.0, 0.0, 0.3]),
    early_stopping=st.sampled_from([False, False, True]),
    max_iter=st.sampled_from([0, 1, 8]),
    float32=st.booleans(),
)


def make_mlp(Estimator, **params):
    return Estimator(**params, batch_size=8, random_state=0)


@SETTINGS
@given(problem=data(), **MLP_OPTIONS)
def test_mlp_classifier_fits_or_refuses_clearly(problem, float32, **params):
    X, y, sample_weight = problem
    X = X.astype(np.float32) if float32 else X
    clf = make_mlp(DeepSigmoidMLP, **params)
    if fit_or_clear_error(clf, X, y, sample_weight) is None:
        return
    assert all(np.all(np.isfinite(c)) for c in clf.coefs_ + clf.intercepts_)
    assert np.all(np.isfinite(clf.loss_curve_))
    check_classifier_outputs(clf, X)


@SETTINGS
@given(problem=data(regression=True), **MLP_OPTIONS)
def test_mlp_regressor_fits_or_refuses_clearly(problem, float32, **params):
    X, y, sample_weight = problem
    X = X.astype(np.float32) if float32 else X
    reg = make_mlp(DeepSigmoidMLPRegressor, **params)
    if fit_or_clear_error(reg, X, y, sample_weight) is None:
        return
    assert all(np.all(np.isfinite(c)) for c in reg.coefs_ + reg.intercepts_)
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        prediction = reg.predict(X)
    assert prediction.shape == y.shape
    assert np.all(np.isfinite(prediction))


@pytest.mark.parametrize("Estimator", [DeepSigmoidMLP, DeepSigmoidMLPRegressor])
@SETTINGS
@given(problem=data(), data_=st.data())
def test_mlp_warm_start_after_any_change_of_shape_fits_or_refuses_clearly(
    Estimator, problem, data_
):
    X, y, sample_weight = problem
    if Estimator is DeepSigmoidMLPRegressor:
        y = np.arange(len(y), dtype=float)
    first = data_.draw(st.sampled_from([(2,), (3, 2)]))
    second = data_.draw(st.sampled_from([(2,), (4,), ()]))
    est = Estimator(first, warm_start=True, max_iter=3, random_state=0)
    if fit_or_clear_error(est, X, y, sample_weight) is None:
        return
    est.set_params(hidden_layer_sizes=second)
    X2 = X[:, : max(1, X.shape[1] - data_.draw(st.integers(0, 1)))]
    if fit_or_clear_error(est, X2, y, sample_weight) is None:
        return
    assert [c.shape[1] for c in est.coefs_[:-1]] == list(second)
    assert est.coefs_[0].shape[0] == X2.shape[1]


VERDICTS = {"vanishing", "exploding", "saturated", "dead units", "isometric", "healthy"}


@SETTINGS
@given(
    problem=data(),
    activation=st.sampled_from(sorted(ACTIVATIONS)),
    depth=st.integers(1, 4),
    width=st.integers(1, 6),
    init=st.sampled_from(["standard", "glorot_uniform", "he_normal"]),
    batch_norm=st.booleans(),
    max_iter=st.sampled_from([0, 2]),
)
def test_gradient_diagnostics_measures_or_refuses_clearly(
    problem, activation, depth, width, init, batch_norm, max_iter
):
    from sksigmoid import GradientDiagnostics

    X, y, _ = problem
    network = DeepSigmoidMLP(
        (width,) * depth,
        activation=activation,
        weight_init=init,
        batch_norm=batch_norm,
        max_iter=max_iter,
        batch_size=max(len(X), 1),
    )
    diagnostics = GradientDiagnostics(network, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        warnings.simplefilter("ignore", ConvergenceWarning)
        try:
            diagnostics.fit(X, y)
        except ValueError as error:
            message = str(error)
            assert message and not any(p in message for p in INTERNAL), message
            return
        features = diagnostics.transform(X)
    assert set(diagnostics.diagnosis_.split(", ")) <= VERDICTS
    assert diagnostics.gradient_norms_.shape == (depth + 1,)
    assert np.all(diagnostics.gradient_norms_ >= 0)
    assert features.shape == (X.shape[0], 3 * depth)
    assert np.all(np.isfinite(features))

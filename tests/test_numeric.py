"""Tests of the numerically stable sigmoid, log-sigmoid and log-losses."""

import warnings

import numpy as np
import pytest

from sksigmoid._numeric import (
    binary_log_loss,
    binary_log_losses,
    binary_log_losses_and_gradient,
    log_loss_gradient,
    log_sigmoid,
    log_softmax,
    multinomial_log_loss,
    multinomial_log_losses_and_gradient,
    sigmoid,
    sigmoid_derivative,
    softmax,
)

DTYPES = [np.float32, np.float64]
EXTREME = [-1e4, -1000.0, -100.0, -40.0, -1.0, 0.0, 1.0, 40.0, 100.0, 1000.0, 1e4]


def extreme_logits(dtype):
    return np.array(EXTREME, dtype=dtype)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize(
    "function", [sigmoid, log_sigmoid, sigmoid_derivative], ids=lambda f: f.__name__
)
def test_elementwise_functions_keep_dtype_and_warn_nothing_at_extreme_logits(
    function, dtype
):
    z = extreme_logits(dtype)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = function(z)
    assert out.dtype == dtype
    assert np.all(np.isfinite(out))


@pytest.mark.parametrize("dtype", DTYPES)
def test_sigmoid_saturates_exactly_and_is_symmetric(dtype):
    z = extreme_logits(dtype)
    g = sigmoid(z)
    assert g[0] == 0 and g[-1] == 1
    assert g[EXTREME.index(0.0)] == 0.5
    np.testing.assert_allclose(g + sigmoid(-z), 1, rtol=0, atol=np.finfo(dtype).eps)
    assert np.all(np.diff(g) >= 0)


def test_sigmoid_writes_in_place_into_out():
    z = np.array([-2.0, 0.0, 3.0])
    expected = 1 / (1 + np.exp(-z))
    result = sigmoid(z, out=z)
    assert result is z
    np.testing.assert_allclose(z, expected, rtol=1e-15)


@pytest.mark.parametrize("dtype", DTYPES)
def test_log_sigmoid_is_exact_in_both_tails(dtype):
    z = extreme_logits(dtype)
    out = log_sigmoid(z)
    # Left tail: log g(z) = z - log(1 + e^z) = z to machine precision (never -inf).
    assert out[0] == dtype(-1e4) and out[1] == dtype(-1000)
    # Right tail: log g(z) = -log(1 + e^-z) ~ -e^-z, far below eps: a naive
    # log(sigmoid(z)) would round it to 0.
    assert out[EXTREME.index(40.0)] == pytest.approx(-np.exp(-40.0), rel=1e-5)
    assert out[-1] <= 0 and out[-1] > -np.finfo(dtype).tiny * 10


@pytest.mark.parametrize("dtype", DTYPES)
def test_sigmoid_and_log_sigmoid_agree_with_naive_formulas_where_safe(dtype):
    z = np.linspace(-30, 30, 121).astype(dtype)
    z64 = z.astype(np.float64)
    rtol = 1e-6 if dtype == np.float32 else 1e-14
    # 1 / (1 + e^-z) and -log1p(e^-z) are accurate for |z| <= 30 in float64
    # (whereas log(1 / (1 + e^-z)) is not: it rounds -e^-z away for z > 0).
    np.testing.assert_allclose(sigmoid(z), 1 / (1 + np.exp(-z64)), rtol=rtol)
    np.testing.assert_allclose(log_sigmoid(z), -np.log1p(np.exp(-z64)), rtol=rtol)


def test_sigmoid_derivative_matches_finite_differences_and_is_at_most_a_quarter():
    z = np.linspace(-10, 10, 41)
    h = 1e-6
    numeric = (sigmoid(z + h) - sigmoid(z - h)) / (2 * h)
    np.testing.assert_allclose(sigmoid_derivative(z), numeric, rtol=1e-6, atol=1e-10)
    exact = np.exp(-z) / (1 + np.exp(-z)) ** 2
    np.testing.assert_allclose(sigmoid_derivative(z), exact, rtol=1e-10)
    assert sigmoid_derivative(np.array([0.0]))[0] == 0.25
    assert np.all(sigmoid_derivative(z) <= 0.25)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_sigmoid_derivative_keeps_relative_precision_in_both_tails(dtype):
    # g(z) g(-z) is symmetric; g(z) (1 - g(z)) would round to 0 for z >~ 17
    # (float64) or z >~ 9 (float32) through the cancellation in 1 - g(z).
    z = np.array([-40.0, -20.0, 20.0, 40.0], dtype=dtype)
    exact = (
        np.exp(-np.abs(z.astype(np.float64)))
        / (1 + np.exp(-np.abs(z.astype(np.float64)))) ** 2
    )
    result = sigmoid_derivative(z)
    assert result.dtype == dtype
    np.testing.assert_allclose(
        result, exact, rtol=1e-5 if dtype == np.float32 else 1e-12
    )


@pytest.mark.parametrize("dtype", DTYPES)
def test_binary_log_loss_is_finite_and_exact_for_extreme_logits(dtype):
    z = np.array([1e4, -1e4, 1000.0, -1000.0], dtype=dtype)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        wrong = [binary_log_loss(np.array([0.0]), z[i : i + 1]) for i in (0, 2)]
        wrong += [binary_log_loss(np.array([1.0]), z[i : i + 1]) for i in (1, 3)]
        right = binary_log_loss(np.array([1.0, 0.0, 1.0, 0.0]), z)
    # A confidently wrong logit costs exactly |z| (log(1 + e^|z|) = |z| here).
    assert wrong == [1e4, 1000.0, 1e4, 1000.0]
    assert right == 0.0


@pytest.mark.parametrize("dtype", DTYPES)
def test_binary_log_loss_agrees_with_naive_formula_and_weights(dtype):
    rng = np.random.default_rng(0)
    z = rng.normal(scale=5, size=200).astype(dtype)
    y = (rng.random(200) < 0.5).astype(dtype)
    s = rng.random(200)
    p = 1 / (1 + np.exp(-z.astype(np.float64)))
    naive = -(y * np.log(p) + (1 - y) * np.log(1 - p))
    rtol = 1e-5 if dtype == np.float32 else 1e-12
    assert binary_log_loss(y, z) == pytest.approx(naive.mean(), rel=rtol)
    assert binary_log_loss(y, z, s) == pytest.approx(
        np.average(naive, weights=s), rel=rtol
    )


def test_multinomial_log_loss_agrees_with_naive_formula_and_survives_extremes():
    rng = np.random.default_rng(1)
    Z = rng.normal(scale=3, size=(50, 4))
    labels = rng.integers(0, 4, 50)
    Y = np.eye(4)[labels]
    P = np.exp(Z) / np.exp(Z).sum(axis=1, keepdims=True)
    naive = -np.log(P[np.arange(50), labels])
    assert multinomial_log_loss(Y, Z) == pytest.approx(naive.mean(), rel=1e-12)
    Z_extreme = np.array([[1e4, -1e4, 0.0], [-1e4, 1e4, 0.0]])
    Y_extreme = np.array([[0.0, 1.0, 0.0], [0.0, 1.0, 0.0]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        loss = multinomial_log_loss(Y_extreme, Z_extreme)
    assert loss == pytest.approx(1e4, rel=1e-12)  # (2e4 + 0) / 2


@pytest.mark.parametrize("dtype", DTYPES)
def test_softmax_and_log_softmax_are_stable_and_keep_dtype(dtype):
    Z = np.array([[1e4, 0.0, -1e4], [1.0, 2.0, 3.0]], dtype=dtype)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        P, log_P = softmax(Z), log_softmax(Z, axis=1)
    assert P.dtype == dtype and log_P.dtype == dtype
    np.testing.assert_allclose(P.sum(axis=1), 1, rtol=1e-6)
    assert log_P[0, 2] == dtype(-2e4)  # exact, not log(0)
    np.testing.assert_allclose(np.exp(log_P), P, rtol=1e-6)


def test_binary_log_loss_gradient_matches_finite_differences():
    rng = np.random.default_rng(2)
    z = rng.normal(scale=3, size=30)
    y = (rng.random(30) < 0.5).astype(float)
    h = 1e-6
    numeric = np.empty_like(z)
    for i in range(len(z)):
        e = np.zeros_like(z)
        e[i] = h
        # binary_log_loss is a mean: scale by n for the per-sample derivative
        numeric[i] = (binary_log_loss(y, z + e) - binary_log_loss(y, z - e)) * len(z)
        numeric[i] /= 2 * h
    np.testing.assert_allclose(log_loss_gradient(y, z), numeric, atol=1e-8)


def test_multinomial_log_loss_gradient_matches_finite_differences():
    rng = np.random.default_rng(3)
    Z = rng.normal(size=(10, 3))
    Y = np.eye(3)[rng.integers(0, 3, 10)]
    h = 1e-6
    numeric = np.empty_like(Z)
    for index in np.ndindex(Z.shape):
        E = np.zeros_like(Z)
        E[index] = h
        diff = multinomial_log_loss(Y, Z + E) - multinomial_log_loss(Y, Z - E)
        numeric[index] = diff * len(Z) / (2 * h)
    np.testing.assert_allclose(log_loss_gradient(Y, Z), numeric, atol=1e-8)


def test_log_loss_gradient_of_extreme_logits_is_exactly_the_residual():
    z = np.array([1e4, -1e4, 1e4, -1e4])
    y = np.array([1.0, 0.0, 0.0, 1.0])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        grad = log_loss_gradient(y, z)
    np.testing.assert_array_equal(grad, [0.0, 0.0, 1.0, -1.0])


@pytest.mark.parametrize("dtype", DTYPES)
def test_losses_and_gradient_from_one_exponential_equal_the_separate_functions(dtype):
    rng = np.random.default_rng(0)
    z = np.concatenate([extreme_logits(dtype), rng.normal(0, 5, 200).astype(dtype)])
    y = (rng.random(z.size) < 0.5).astype(dtype)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        losses, gradient = binary_log_losses_and_gradient(y, z)
    assert losses.dtype == gradient.dtype == dtype
    eps = np.finfo(dtype).eps
    np.testing.assert_allclose(losses, binary_log_losses(y, z), rtol=4 * eps)
    # g(z) - y in [-1, 1]: a rounding of g(z) is absolute after the subtraction
    np.testing.assert_allclose(gradient, log_loss_gradient(y, z), rtol=0, atol=4 * eps)
    # the probability keeps full relative precision deep in the lower tail
    p = binary_log_losses_and_gradient(np.zeros(1), np.array([-700.0]))[1]
    assert p[0] == pytest.approx(np.exp(-700.0), rel=1e-14)


@pytest.mark.parametrize("dtype", DTYPES)
def test_softmax_and_log_softmax_equal_scipys(dtype):
    from scipy import special

    rng = np.random.default_rng(5)
    Z = np.vstack([rng.normal(0, 30, (50, 4)), [EXTREME[:4], EXTREME[-4:]]])
    Z = Z.astype(dtype)
    rtol = 10 * np.finfo(dtype).eps
    np.testing.assert_allclose(softmax(Z), special.softmax(Z, axis=1), rtol=rtol)
    expected = special.log_softmax(Z, axis=1)
    np.testing.assert_allclose(log_softmax(Z), expected, rtol=rtol, atol=rtol)


def test_log_softmax_refuses_an_axis_other_than_the_classes():
    with pytest.raises(ValueError, match="axis 1"):
        log_softmax(np.zeros((2, 3)), axis=0)


@pytest.mark.parametrize("dtype", DTYPES)
def test_multinomial_losses_and_gradient_from_one_exponential_equal_the_separate_ones(
    dtype,
):
    rng = np.random.default_rng(6)
    Z = np.vstack([rng.normal(0, 5, (40, 3)), [[1e4, 0.0, -1e4], [-1e4, -1e4, 0.0]]])
    Z = Z.astype(dtype)
    Y = rng.dirichlet(np.ones(3), len(Z)).astype(dtype)  # soft targets too
    Y[:20] = np.eye(3, dtype=dtype)[rng.integers(0, 3, 20)]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        losses, gradient = multinomial_log_losses_and_gradient(Y, Z)
    assert losses.dtype == gradient.dtype == dtype and losses.shape == (len(Z),)
    eps = np.finfo(dtype).eps
    per_sample = -(Y * log_softmax(Z)).sum(axis=1)
    np.testing.assert_allclose(losses, per_sample, rtol=64 * eps, atol=64 * eps)
    np.testing.assert_allclose(gradient, log_loss_gradient(Y, Z), atol=4 * eps)
    assert losses.astype(float).mean() == pytest.approx(
        multinomial_log_loss(Y, Z), rel=float(64 * eps)
    )

"""Tests of the shared optimisers in sksigmoid._optim."""

import warnings

import numpy as np
import pytest
from sklearn.exceptions import ConvergenceWarning

from sksigmoid._optim import (
    Adam,
    DivergenceError,
    GradientDescent,
    Momentum,
    make_optimizer,
    minimize_lbfgs,
    soft_threshold,
    training_divergence,
)

# f(w) = 1/2 w'Aw - b'w, minimised at A^-1 b; eigenvalues of A in [1, 4].
A = np.array([[3.0, 1.0, 0.0], [1.0, 2.0, 0.5], [0.0, 0.5, 1.5]])
B = np.array([1.0, -2.0, 0.5])
W_STAR = np.linalg.solve(A, B)


def quadratic_gradient(w):
    return A @ w - B


def run(optimizer, n_steps):
    w = np.zeros(3)
    for _ in range(n_steps):
        optimizer.step([w], [quadratic_gradient(w)])
    return w


@pytest.mark.parametrize(
    "name, kwargs, n_steps",
    [
        ("gd", {"learning_rate": 0.2}, 300),
        ("sgd", {"learning_rate": 0.2}, 300),
        ("momentum", {"learning_rate": 0.1, "momentum": 0.5}, 300),
        ("nesterov", {"learning_rate": 0.1, "momentum": 0.5}, 300),
        ("adam", {"learning_rate": 0.05}, 3000),
    ],
)
def test_each_optimizer_minimises_a_quadratic(name, kwargs, n_steps):
    w = run(make_optimizer(name, **kwargs), n_steps)
    np.testing.assert_allclose(w, W_STAR, atol=1e-6)


def test_gradient_descent_step_is_w_minus_learning_rate_times_gradient():
    w, g = np.array([1.0, -2.0]), np.array([0.5, 4.0])
    GradientDescent(learning_rate=0.1).step([w], [g])
    np.testing.assert_allclose(w, [0.95, -2.4], rtol=1e-15)


def test_optimizers_update_every_array_of_a_parameter_list_in_place():
    coef, intercept = np.ones((2, 3)), np.zeros(3)
    ids = id(coef), id(intercept)
    Momentum(learning_rate=0.5).step([coef, intercept], [np.ones((2, 3)), np.ones(3)])
    assert (id(coef), id(intercept)) == ids
    np.testing.assert_allclose(coef, 0.5)
    np.testing.assert_allclose(intercept, -0.5)


@pytest.mark.parametrize("g", [np.array([0.1, -5.0, 200.0]), np.array([-1e-6])])
def test_adam_first_step_is_learning_rate_times_sign_of_gradient(g):
    # Bias correction: m_1 = (1 - b1) g and v_1 = (1 - b2) g^2, corrected by
    # 1 / (1 - b1) and 1 / sqrt(1 - b2), give a first step of lr * g / |g| --
    # exactly lr * g / (|g| + eps / sqrt(1 - b2)), since eps is added to the
    # uncorrected sqrt(v) (Kingma & Ba's "epsilon hat" form, as in scikit-learn).
    w = np.zeros_like(g)
    Adam(learning_rate=0.01, epsilon=1e-8).step([w], [g])
    expected = -0.01 * g / (np.abs(g) + 1e-8 / np.sqrt(1 - 0.999))
    np.testing.assert_allclose(w, expected, rtol=1e-12)
    if np.all(np.abs(g) >= 0.1):
        np.testing.assert_allclose(w, -0.01 * np.sign(g), rtol=1e-5)


def adam_reference(grads, lr=0.01, b1=0.9, b2=0.999, eps=1e-8):
    """Kingma & Ba's algorithm 1 with the "epsilon hat" of scikit-learn."""
    w, m, v = np.zeros_like(grads[0]), 0.0, 0.0
    for t, g in enumerate(grads, start=1):
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
        w = w - lr * np.sqrt(1 - b2**t) / (1 - b1**t) * m / (np.sqrt(v) + eps)
    return w


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_adam_follows_its_formula_over_several_steps(dtype):
    rng = np.random.default_rng(0)
    grads = [rng.normal(size=(3, 4)).astype(dtype) for _ in range(5)]
    w, opt = np.zeros((3, 4), dtype=dtype), Adam(learning_rate=0.01)
    for g in grads:
        opt.step([w], [g])
    assert w.dtype == dtype
    rtol = 1e-5 if dtype == np.float32 else 1e-12
    np.testing.assert_allclose(w, adam_reference(grads), rtol=rtol)


@pytest.mark.parametrize("name", ["sgd", "momentum", "nesterov", "adam"])
def test_optimizer_state_pickles_without_its_scratch_and_steps_on_identically(name):
    import pickle

    rng = np.random.default_rng(1)
    grads = [rng.normal(size=6) for _ in range(4)]
    w, opt = np.zeros(6), make_optimizer(name, learning_rate=0.05)
    for g in grads[:2]:
        opt.step([w], [g])
    copy_w, copy = w.copy(), pickle.loads(pickle.dumps(opt))
    assert copy._scratch is None
    for g in grads[2:]:
        opt.step([w], [g])
        copy.step([copy_w], [g])
    np.testing.assert_array_equal(w, copy_w)


def test_adam_keeps_float32_parameters_float32():
    w = np.ones(4, dtype=np.float32)
    Adam(learning_rate=0.1).step([w], [np.full(4, 2.0, dtype=np.float32)])
    assert w.dtype == np.float32
    np.testing.assert_allclose(w, 0.9, rtol=1e-6)


def test_heavy_ball_and_nesterov_first_two_steps_follow_their_formulas():
    lr, mu = 0.1, 0.9
    g1, g2 = np.array([1.0]), np.array([0.5])
    heavy, nesterov = np.zeros(1), np.zeros(1)
    heavy_opt = Momentum(learning_rate=lr, momentum=mu)
    nesterov_opt = Momentum(learning_rate=lr, momentum=mu, nesterov=True)
    heavy_opt.step([heavy], [g1])
    nesterov_opt.step([nesterov], [g1])
    # v1 = -lr g1; heavy ball moves by v1, Nesterov by mu v1 - lr g1.
    np.testing.assert_allclose(heavy, -lr * g1)
    np.testing.assert_allclose(nesterov, -(1 + mu) * lr * g1)
    heavy_opt.step([heavy], [g2])
    nesterov_opt.step([nesterov], [g2])
    v2 = mu * (-lr * g1) - lr * g2
    np.testing.assert_allclose(heavy, -lr * g1 + v2)
    np.testing.assert_allclose(nesterov, -(1 + mu) * lr * g1 + mu * v2 - lr * g2)


def test_nesterov_and_heavy_ball_take_different_paths_to_the_same_minimum():
    heavy = run(make_optimizer("momentum", learning_rate=0.1, momentum=0.9), 5)
    nesterov = run(make_optimizer("nesterov", learning_rate=0.1, momentum=0.9), 5)
    assert np.max(np.abs(heavy - nesterov)) > 1e-2


def test_make_optimizer_forwards_options_and_rejects_unknown_names():
    opt = make_optimizer("adam", learning_rate=0.5, beta_1=0.8)
    assert isinstance(opt, Adam) and opt.learning_rate == 0.5 and opt.beta_1 == 0.8
    assert make_optimizer("nesterov").nesterov is True
    with pytest.raises(ValueError, match="Unknown optimiser 'rmsprop'"):
        make_optimizer("rmsprop")


def test_soft_threshold_shrinks_towards_zero_in_place_and_zeroes_small_entries():
    w = np.array([3.0, -3.0, 0.5, -0.5, 1.0, 0.0])
    out = soft_threshold(w, 1.0)
    assert out is w
    np.testing.assert_array_equal(w, [2.0, -2.0, 0.0, 0.0, 0.0, 0.0])
    v = np.array([0.3, -2.0])
    np.testing.assert_array_equal(soft_threshold(v, 0.0), [0.3, -2.0])


def test_soft_threshold_is_the_proximal_operator_of_the_l1_norm():
    # prox(v) = argmin_w 1/2 (w - v)^2 + tau |w|, checked on a fine grid.
    tau, grid = 0.7, np.linspace(-5, 5, 100_001)
    for v in (-2.0, -0.3, 0.0, 0.69, 1.5):
        brute = grid[np.argmin(0.5 * (grid - v) ** 2 + tau * np.abs(grid))]
        assert soft_threshold(np.array([v]), tau)[0] == pytest.approx(brute, abs=1e-4)


def rosenbrock(w):
    x, y = w
    loss = (1 - x) ** 2 + 100 * (y - x**2) ** 2
    grad = np.array([-2 * (1 - x) - 400 * x * (y - x**2), 200 * (y - x**2)])
    return loss, grad


def test_minimize_lbfgs_finds_the_minimum_and_reports_convergence():
    calls = []
    w, n_iter, converged = minimize_lbfgs(
        rosenbrock,
        np.array([-1.2, 1.0]),
        max_iter=500,
        tol=1e-10,
        callback=calls.append,
    )
    np.testing.assert_allclose(w, [1.0, 1.0], atol=1e-6)
    assert converged and n_iter == len(calls) > 10


def test_minimize_lbfgs_warns_when_max_iter_is_too_small_and_keeps_the_last_point():
    start = np.array([-1.2, 1.0])
    with pytest.warns(ConvergenceWarning, match="did not converge within max_iter=3"):
        w, n_iter, converged = minimize_lbfgs(rosenbrock, start, max_iter=3, tol=1e-10)
    assert not converged and n_iter == 3
    assert rosenbrock(w)[0] < rosenbrock(start)[0]


def test_minimize_lbfgs_leaves_the_warning_to_the_caller_when_asked():
    start = np.array([-1.2, 1.0])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        _, _, converged = minimize_lbfgs(
            rosenbrock, start, max_iter=3, tol=1e-10, warn=False
        )
    assert not converged


def test_adam_state_pickled_before_the_moments_were_scaled_resumes_identically():
    rng = np.random.default_rng(2)
    grads = [rng.normal(size=5) for _ in range(4)]
    w, opt = np.zeros(5), Adam(learning_rate=0.05)
    for g in grads[:2]:
        opt.step([w], [g])
    # the state as the earlier Adam pickled it: m and v themselves
    old = {
        k: v for k, v in vars(opt).items() if k not in ("scaled_moments", "_scratch")
    }
    old["ms"] = [(1 - opt.beta_1) * m for m in opt.ms]
    old["vs"] = [(1 - opt.beta_2) * v for v in opt.vs]
    resumed, resumed_w = Adam.__new__(Adam), w.copy()
    resumed.__setstate__(old)
    for g in grads[2:]:
        opt.step([w], [g])
        resumed.step([resumed_w], [g])
    np.testing.assert_allclose(resumed_w, w, rtol=1e-14)


# ------------------------------------- issue 13: the one rule for divergence


@pytest.mark.parametrize(
    "curve, reason",
    [
        ([0.69, 0.5, 0.4, 0.41, 0.40], None),  # converged, with noise
        ([0.69, 0.69, 0.69], None),  # no progress, but no rise either
        ([0.69, 3.0, 1e3, 25.0], "rose from 0.69 at the start to 25"),
        ([0.69, 0.3, 0.31, 0.32, 0.33, 0.34], "rose in each of the last 3 epochs"),
        ([0.69, 0.3, 0.31, 0.30, 0.32, 0.33], None),  # two rises only
        ([0.5, np.nan], "rose from 0.5 at the start to nan"),
        ([0.5, np.inf], "to inf"),
    ],
)
def test_training_divergence_rule(curve, reason):
    found = training_divergence(curve, 3)
    if reason is None:
        assert found is None
    else:
        assert reason in found


def test_training_divergence_takes_start_and_end_measured_apart():
    # the curve falls, but the loss measured at the end is above the start
    assert training_divergence([2.0, 1.0], 3, start=0.7, end=0.9) is not None
    assert training_divergence([2.0, 3.0], 3, start=2.5, end=2.4) is None
    # a rise within the rounding error of the loss is no rise
    one = 0.6931471805599453
    assert training_divergence([one, one * (1 + 1e-16)], 1) is None


def test_divergence_error_is_a_value_error_and_a_floating_point_error():
    with pytest.raises(ValueError):
        raise DivergenceError("x")
    with pytest.raises(FloatingPointError):
        raise DivergenceError("x")


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_adam_steps_equal_scikit_learns_adam_optimizer(dtype):
    """The moments, bias correction and epsilon (added to the uncorrected
    sqrt(v)) of scikit-learn's MLP: the same steps for gradients of 1e-9 to 1
    (epsilon matters for the small ones). Issue 17 compared the two."""
    from sklearn.neural_network._stochastic_optimizers import AdamOptimizer

    rng = np.random.default_rng(0)
    shapes = [(4, 3), (3,)]
    start = [rng.normal(size=s).astype(dtype) for s in shapes]
    ours, theirs = [p.copy() for p in start], [p.copy() for p in start]
    adam = Adam(learning_rate=1e-3, beta_1=0.8, beta_2=0.99, epsilon=1e-8)
    reference = AdamOptimizer(theirs, 1e-3, 0.8, 0.99, 1e-8)
    for _ in range(20):
        scale = 10.0 ** rng.integers(-9, 1, size=1)[0]
        grads = [(scale * rng.normal(size=s)).astype(dtype) for s in shapes]
        adam.step(ours, grads)
        reference.update_params(theirs, grads)
        for mine, expected in zip(ours, theirs, strict=True):
            assert mine.dtype == dtype
            np.testing.assert_allclose(
                mine, expected, rtol=0, atol=(3e-7 if dtype == np.float32 else 1e-15)
            )

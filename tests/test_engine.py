"""The curve-fitting engine itself: monotone, bounded, and its covariance rule."""

import numpy as np
import pytest

from sksigmoid.growth import MODELS, _engine


def _batch(model, t, Y, W=None, lower=None, upper=None, loss="linear", f_scale=None):
    """A batch of curves (columns of ``Y``) of ``model`` on the axis ``t``."""
    curve_model = MODELS[model].on_axis
    n_params = curve_model.n_params
    n_curves = Y.shape[1]
    W = np.ones_like(Y) if W is None else W

    def evaluate(params):
        return curve_model.value_and_jacobian(t, *(p[:, None] for p in params.T))

    def bound(value, fill):
        if value is None:
            return np.full((n_curves, n_params), fill)
        return np.tile(value, (n_curves, 1))

    return _engine.Batch(
        evaluate,
        Y.T,
        np.sqrt(W).T,
        np.ones(n_params, dtype=bool),
        bound(lower, -np.inf),
        bound(upper, np.inf),
        loss,
        None if f_scale is None else np.full(n_curves, f_scale),
    )


def _objective(model, t, y, w, params):
    with np.errstate(all="ignore"):  # a wild start may overflow: inf
        r = np.sqrt(w) * (y - MODELS[model].on_axis.function(t, *params))
        value = float(r @ r)
    return value if np.isfinite(value) else np.inf


@pytest.mark.parametrize("model", sorted(MODELS))
def test_every_row_ends_no_worse_than_its_start_from_any_start(model):
    rng = np.random.default_rng(0)
    t = np.linspace(-1, 1, 12)
    truth = MODELS[model].on_axis.raw_grid_starts(
        t, np.tanh(3 * t)[:, None] + 1.5, np.ones((12, 1)), 1
    )[0][0]
    y = MODELS[model].on_axis.function(t, *truth) + rng.normal(0, 0.05, t.size)
    n_rows = 40
    starts = truth + rng.normal(0, 3, (n_rows, truth.size)) * np.maximum(
        np.abs(truth), 1
    )
    batch = _batch(model, t, y[:, None])
    with np.errstate(all="raise"):  # the engine must not leak numpy errors
        out = _engine.levenberg_marquardt(
            batch, starts, np.zeros(n_rows, dtype=int), tol=1e-10, max_nfev=200
        )
    w = np.ones_like(y)
    for row in range(n_rows):
        start = _objective(model, t, y, w, starts[row])
        end = out["objective"][row]
        assert end == pytest.approx(_objective(model, t, y, w, out["params"][row]))
        assert np.isfinite(end) or not np.isfinite(start)
        if np.isfinite(start):
            assert end <= start * (1 + 1e-10)  # rounding of the floor steps


def test_bounds_are_never_left_and_a_held_parameter_does_not_stall_the_rest():
    rng = np.random.default_rng(1)
    t = np.linspace(-1, 1, 20)
    y = 0.1 + 1.0 / (1 + np.exp(-4 * t)) + rng.normal(0, 0.01, t.size)  # top 1.1
    lower = np.array([-np.inf, -np.inf, -np.inf, -np.inf])
    upper = np.array([np.inf, 0.9, np.inf, np.inf])  # top held below the data
    batch = _batch("4pl", t, y[:, None], lower=lower, upper=upper)
    start = np.array([[0.0, 0.5, 1.0, 0.0]])
    out = _engine.levenberg_marquardt(
        batch, start, np.zeros(1, int), tol=1e-10, max_nfev=300
    )
    params = out["params"][0]
    assert params[1] == 0.9  # at the bound, exactly
    assert out["status"][0] in (_engine.CONVERGED, _engine.STALLED)
    # the others are optimal given top = 0.9: no step of them lowers the RSS
    J = MODELS["4pl"].jacobian(t, *params)
    r = y - MODELS["4pl"].function(t, *params)
    free_gradient = J[:, [0, 2, 3]].T @ r
    assert np.abs(free_gradient).max() <= 1e-8 * np.sqrt(r @ r) * np.linalg.norm(J)


def test_a_robust_loss_lowers_its_own_objective():
    rng = np.random.default_rng(2)
    t = np.linspace(-1, 1, 30)
    y = 2 / (1 + np.exp(-5 * t)) + rng.normal(0, 0.02, t.size)
    y[[3, 17]] += 3.0
    batch = _batch("logistic", t, y[:, None], loss="soft_l1", f_scale=0.05)
    start = np.array([[2.5, 3.0, 0.3]])
    out = _engine.levenberg_marquardt(
        batch, start, np.zeros(1, int), tol=1e-10, max_nfev=300
    )

    def soft_l1(params):
        z = ((y - MODELS["logistic"].function(t, *params)) / 0.05) ** 2
        return float((0.05**2 * 2 * (np.sqrt(1 + z) - 1)).sum())

    assert out["objective"][0] == pytest.approx(soft_l1(out["params"][0]))
    assert out["objective"][0] < soft_l1(start[0])
    np.testing.assert_allclose(out["params"][0], [2.0, 5.0, 0.0], atol=0.15)


def test_covariance_is_the_inverse_information_and_singularity_is_named():
    rng = np.random.default_rng(3)
    J = rng.normal(size=(3, 15, 4))
    J[1, :, 3] = J[1, :, 0] * 2.0  # collinear: parameters 0 and 3
    J[2, :, 2] = 0.0  # a parameter that moves nothing
    sigma2 = np.array([0.5, 1.0, 2.0])
    cov, undetermined = _engine.covariance(J, sigma2)
    np.testing.assert_allclose(cov[0], 0.5 * np.linalg.inv(J[0].T @ J[0]), rtol=1e-10)
    assert not undetermined[0].any()
    assert np.isnan(cov[1]).all() and np.isnan(cov[2]).all()
    np.testing.assert_array_equal(undetermined[1], [True, False, False, True])
    np.testing.assert_array_equal(undetermined[2], [False, False, True, False])


def test_starts_of_one_curve_stop_once_one_converged_and_the_best_is_kept():
    t = np.linspace(-1, 1, 15)
    y = 1 / (1 + np.exp(-6 * t))
    y = y + np.random.default_rng(4).normal(0, 0.01, t.size)
    starts = np.array(
        [[1.0, 6.0, 0.0], [1.0, 5.0, 0.1], [3.0, 0.5, 0.9], [1.0, 6.0, 0.0]]
    )
    batch = _batch("logistic", t, y[:, None])
    out = _engine.levenberg_marquardt(
        batch, starts, np.zeros(4, int), tol=1e-10, max_nfev=400
    )
    rows = np.zeros(4, int)
    best = _engine.best_per_curve(rows, out["objective"], 1, out["status"])[0]
    assert out["status"][best] == _engine.CONVERGED
    assert out["objective"][best] <= out["objective"].min() * (1 + 1e-8)
    assert (out["status"] == _engine.PRUNED).any()
    assert out["n_iter"].max() < 60

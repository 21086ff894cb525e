"""fit_curves: a whole plate of curves, each as scipy's curve_fit would fit it."""

import sys

import numpy as np
import pandas as pd
import pytest
from scipy.optimize import curve_fit

from sksigmoid.growth import MODELS, SigmoidGrowthRegressor, fit_curves
from sksigmoid.growth.plates import starting_values

TIGHT = {"ftol": 1e-14, "xtol": 1e-14, "gtol": 1e-14}

# Well-posed truths: every parameter well away from 0 and the data covering
# both asymptotes.
TRUTHS = {
    "logistic": {"top": 2.0, "rate": 0.5, "x_mid": 10.0},
    "gompertz": {"top": 2.0, "rate": 0.4, "x_mid": 9.0},
    "richards": {"top": 2.0, "rate": 0.6, "x_mid": 10.0, "shape": 2.0},
    "4pl": {"bottom": 0.3, "top": 2.0, "rate": 0.5, "x_mid": 10.0},
    "5pl": {"bottom": 0.3, "top": 2.0, "rate": 0.5, "x_mid": 10.0, "shape": 0.5},
    "weibull": {"bottom": 0.3, "top": 2.0, "scale": 10.0, "shape": 3.0},
    "hill": {"top": 2.0, "K": 8.0, "n": 2.5},
}


def _plate(model, n_curves=12, n_points=30, noise=0.02, seed=0):
    """Noisy curves around the model's truth, each parameter jittered by ~10 %."""
    rng = np.random.default_rng(seed)
    t = np.linspace(0.5, 24, n_points)
    truth = TRUTHS[model]
    params = [v * rng.uniform(0.9, 1.1, (n_curves, 1)) for v in truth.values()]
    Y = MODELS[model].function(t, *params).T
    return t, Y + rng.normal(0, noise, Y.shape)


def _curve_fit_column(model, t, y, start, **kw):
    keep = np.isfinite(y)
    return curve_fit(MODELS[model].function, t[keep], y[keep], p0=start, **TIGHT, **kw)


def _best_curve_fit(model, t, y, starts):
    """curve_fit from each start (fit_curves' own), the one of smallest RSS."""
    fits = [_curve_fit_column(model, t, y, start) for start in starts]
    rss = [np.sum((y - MODELS[model].function(t, *popt)) ** 2) for popt, _ in fits]
    return fits[int(np.argmin(rss))]


@pytest.mark.parametrize("model", sorted(TRUTHS))
def test_parameters_and_errors_match_curve_fit_per_curve(model):
    t, Y = _plate(model)
    table = fit_curves(t, Y, model)
    starts = starting_values(t, Y, model, all_starts=True)
    names = list(MODELS[model].param_names)
    assert (table["status"] == "fit").all()
    for c in range(Y.shape[1]):
        popt, pcov = _best_curve_fit(model, t, Y[:, c], starts[:, c])
        np.testing.assert_allclose(table.loc[c, names], popt, rtol=1e-6)
        se = table.loc[c, [f"{n}_se" for n in names]].to_numpy(float)
        np.testing.assert_allclose(se, np.sqrt(np.diag(pcov)), rtol=1e-5)


@pytest.mark.parametrize("model", sorted(TRUTHS))
def test_one_curve_self_start_is_the_batched_one_on_a_single_curve(model):
    t, Y = _plate(model, n_curves=5)
    Y[3:5, 1] = np.nan
    weights = np.random.default_rng(4).uniform(0.5, 2.0, len(t))
    curve_model = MODELS[model]
    starts = starting_values(t, Y, model)
    weighted = starting_values(t, Y, model, sample_weight=weights)
    np.testing.assert_array_equal(starts, curve_model.self_start_many(t, Y))
    for c in range(Y.shape[1]):
        seen = np.isfinite(Y[:, c])
        for start, w in ((starts, None), (weighted, weights[seen])):
            one = curve_model.self_start(t[seen], Y[seen, c], w)
            expected = [one[n] for n in curve_model.param_names]
            np.testing.assert_allclose(start[c], expected, rtol=1e-9, atol=1e-12)
            column = curve_model.self_start_many(
                t[seen], Y[seen, c : c + 1], None if w is None else w[:, None]
            )
            np.testing.assert_array_equal(column[0], expected)


def test_statuses_of_flat_constant_garbage_and_gapped_wells():
    t, Y = _plate("4pl", n_curves=6)
    rng = np.random.default_rng(1)
    Y[:, 0] = 0.5 + rng.normal(0, 0.02, len(t))  # empty well: noise only
    Y[:, 1] = 0.5  # constant
    Y[:, 2] = 0.1 * t  # a ramp: no sigmoid, the asymptotes run away
    Y[:-4, 3] = np.nan  # four reads only: too few for four parameters
    Y[5:12, 4] = np.nan  # missing reads
    table = fit_curves(t, Y, "4pl")
    assert list(table["status"]) == ["flat", "flat", "failed", "failed", "fit", "fit"]
    assert table.loc[1, ["bottom", "top", "inflection"]].isna().all()
    assert np.isnan(table.loc[0, "inflection"])  # no derived quantities unless fit
    assert table.loc[4, "n_obs"] == len(t) - 7
    popt, _ = _curve_fit_column("4pl", t, Y[:, 4], starting_values(t, Y, "4pl")[4])
    np.testing.assert_allclose(
        table.loc[4, ["bottom", "top", "rate", "x_mid"]], popt, rtol=1e-6
    )


def test_dataframe_layout_and_labels():
    t, Y = _plate("logistic", n_curves=3)
    wells = pd.DataFrame(Y, columns=["A1", "A2", "A3"])
    table = fit_curves(t, wells, "logistic")
    assert list(table.index) == ["A1", "A2", "A3"]
    expected = ["top", "rate", "x_mid", "top_se", "rate_se", "x_mid_se"]
    expected += ["rss", "sigma", "r2", "aicc", "n_obs", "n_iter"]
    expected += ["inflection", "ed50", "max_slope", "lag_time", "status"]
    assert list(table.columns) == expected
    assert list(fit_curves(t, Y, derived=False).index) == [0, 1, 2]
    assert "lag_time" not in fit_curves(t, Y, derived=False)


def test_one_curve_agrees_with_the_regressor():
    t, Y = _plate("4pl", n_curves=1)
    row = fit_curves(t, Y, "4pl").iloc[0]
    reg = SigmoidGrowthRegressor("4pl").fit(t[:, None], Y[:, 0])
    for name, value in reg.params_.items():
        assert row[name] == pytest.approx(value, rel=1e-6)
        assert row[f"{name}_se"] == pytest.approx(reg.std_errors_[name], rel=1e-5)
    assert row["aicc"] == pytest.approx(reg.aicc_, rel=1e-9)
    assert row["r2"] == pytest.approx(reg.r2_, rel=1e-9)
    assert row["inflection"] == pytest.approx(reg.inflection_point().estimate, rel=1e-6)
    assert row["lag_time"] == pytest.approx(reg.lag_time().estimate, rel=1e-6)
    assert row["max_slope"] == pytest.approx(reg.max_slope().estimate, rel=1e-6)


def test_fixed_weights_and_log_doses_match_curve_fit():
    doses = np.array([0.0, 0.01, 0.03, 0.1, 0.3, 1, 3, 10, 30, 100])
    rng = np.random.default_rng(3)
    ec50 = rng.uniform(0.5, 2.0, (8, 1))
    Y = (
        MODELS["4pl"]
        .function(np.log(np.maximum(doses, 1e-300)), 0.1, 1.5, -1.2, np.log(ec50))
        .T
    )
    Y += rng.normal(0, 0.02, Y.shape)
    weights = rng.uniform(0.5, 2.0, len(doses))
    table = fit_curves(
        doses, Y, "4pl", x_scale="log", fixed={"bottom": 0.1}, sample_weight=weights
    )
    assert (table["status"] == "fit").all()
    assert (table["bottom"] == 0.1).all() and (table["bottom_se"] == 0).all()
    starts = starting_values(doses, Y, "4pl", x_scale="log", fixed={"bottom": 0.1})
    log_dose = np.log(doses, out=np.full(doses.shape, -np.inf), where=doses > 0)

    def curve(t, top, rate, x_mid):
        return MODELS["4pl"].function(t, 0.1, top, rate, x_mid)

    for c in range(Y.shape[1]):
        popt, _ = curve_fit(
            curve,
            log_dose,
            Y[:, c],
            p0=starts[c, 1:],
            sigma=1 / np.sqrt(weights),
            check_finite=False,
            **TIGHT,
        )
        np.testing.assert_allclose(
            table.loc[c, ["top", "rate", "x_mid"]], popt, rtol=1e-6
        )
    # a decreasing curve: ED50 in dose units is exp(x_mid)
    np.testing.assert_allclose(table["ed50"], np.exp(table["x_mid"]), rtol=1e-12)


def test_p0_and_bounds():
    t, Y = _plate("logistic", n_curves=4)
    free = fit_curves(t, Y, "logistic")
    started = fit_curves(t, Y, "logistic", p0={"top": 2.0, "x_mid": np.full(4, 10.0)})
    np.testing.assert_allclose(
        started[["top", "rate", "x_mid"]], free[["top", "rate", "x_mid"]], rtol=1e-6
    )
    capped = fit_curves(t, Y, "logistic", bounds={"top": (0, 1.5)})
    assert (capped["top"] <= 1.5).all()


BAD_INPUT = [
    ({"Y": np.ones((5, 2))}, ValueError, "x has 30 points but Y has 5 rows"),
    ({"model": "sigmoidal"}, ValueError, "Unknown model 'sigmoidal'"),
    ({"x": np.r_[np.nan, np.ones(29)]}, ValueError, "x contains NaN"),
    ({"x_scale": "log", "x": np.linspace(-1, 1, 30)}, ValueError, "x must be >= 0"),
    ({"model": "hill", "x": np.linspace(-1, 1, 30)}, ValueError, "x must be >= 0"),
    ({"model": "weibull", "x": np.linspace(-1, 1, 30)}, ValueError, "x must be >= 0"),
    ({"model": "hill", "x_scale": "log"}, ValueError, "already a log model"),
    ({"x_scale": "sqrt"}, ValueError, "x_scale"),
    ({"x": np.ones(3), "Y": np.ones((3, 2))}, ValueError, "at least 4 points"),
    ({"fixed": {"slope": 1}}, ValueError, r"Unknown parameter name\(s\) \['slope'\]"),
    ({"p0": {"rate": 1.0}, "bounds": {"rate": (2, 3)}}, ValueError, "outside"),
    ({"bounds": {"top": (2, 1)}}, ValueError, "lower < upper"),
    ({"p0": {"top": [1.0, 2.0]}}, ValueError, "one per curve"),
    ({"sample_weight": np.ones(4)}, ValueError, "sample_weight must have shape"),
    ({"Y": np.full((30, 3), np.inf)}, ValueError, "infinity"),
]


@pytest.mark.parametrize(("change", "error", "match"), BAD_INPUT)
def test_bad_input_is_refused_with_a_clear_message(change, error, match):
    t, Y = _plate("logistic", n_curves=3)
    kwargs = {"x": t, "Y": Y, "model": "logistic", **change}
    with pytest.raises(error, match=match):
        fit_curves(kwargs.pop("x"), kwargs.pop("Y"), **kwargs)


def test_missing_pandas_is_explained(monkeypatch):
    monkeypatch.setitem(sys.modules, "pandas", None)
    t, Y = _plate("logistic", n_curves=2)
    with pytest.raises(ImportError, match="pip install"):
        fit_curves(t, Y)


def test_decreasing_weibull_takes_the_better_of_two_starts():
    rng = np.random.default_rng(5)
    t = np.linspace(0.5, 24, 30)
    truth = (2.0, 0.3, 8.0, 3.0)  # bottom above top: a decreasing curve
    Y = MODELS["weibull"].function(t, *truth)[:, None] + rng.normal(0, 0.02, (30, 6))
    table = fit_curves(t, Y, "weibull")
    assert (table["status"] == "fit").all()
    np.testing.assert_allclose(table["bottom"], 2.0, atol=0.05)
    np.testing.assert_allclose(table["shape"], 3.0, rtol=0.15)
    table_start = starting_values(t, Y, "weibull")
    for c in range(Y.shape[1]):
        popt, _ = _curve_fit_column("weibull", t, Y[:, c], table_start[c])
        rss = np.sum((Y[:, c] - MODELS["weibull"].function(t, *popt)) ** 2)
        assert table.loc[c, "rss"] <= rss * (1 + 1e-9)


def test_per_read_weights_equal_curve_fit_sigma():
    t, Y = _plate("logistic", n_curves=3)
    W = np.random.default_rng(2).uniform(0.5, 2.0, Y.shape)
    table = fit_curves(t, Y, "logistic", sample_weight=W)
    starts = starting_values(t, Y, "logistic")
    for c in range(Y.shape[1]):
        popt, pcov = _curve_fit_column(
            "logistic", t, Y[:, c], starts[c], sigma=1 / np.sqrt(W[:, c])
        )
        np.testing.assert_allclose(
            table.loc[c, ["top", "rate", "x_mid"]], popt, rtol=1e-6
        )
        np.testing.assert_allclose(
            table.loc[c, ["top_se", "rate_se", "x_mid_se"]].to_numpy(float),
            np.sqrt(np.diag(pcov)),
            rtol=1e-5,
        )


def test_chunks_change_nothing():
    t, Y = _plate("4pl", n_curves=10)
    Y[:, 3] = 0.5  # constant
    Y[5:9, 6] = np.nan
    whole = fit_curves(t, Y, "4pl")
    for chunk_size in (1, 3, 7):
        pd.testing.assert_frame_equal(
            fit_curves(t, Y, "4pl", chunk_size=chunk_size), whole
        )


def test_dask_recipe_of_the_user_guide_gives_the_whole_table():
    dask = pytest.importorskip("dask")
    da = pytest.importorskip("dask.array")
    distributed = pytest.importorskip("dask.distributed")
    t, Y = _plate("logistic", n_curves=25)
    screen = da.from_array(Y, chunks=(Y.shape[0], 10))

    def fit_block(block, first):
        table = fit_curves(t, block, "logistic")
        table.index += first
        return table

    with (
        distributed.LocalCluster(
            n_workers=1, threads_per_worker=2, processes=False, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster),
    ):
        starts = [0, *screen.chunks[1]]
        firsts = [sum(starts[: i + 1]) for i in range(len(screen.chunks[1]))]
        blocks = screen.to_delayed().ravel()
        tables = dask.compute(
            *[
                dask.delayed(fit_block)(b, f)
                for b, f in zip(blocks, firsts, strict=True)
            ]
        )
    pd.testing.assert_frame_equal(pd.concat(tables), fit_curves(t, Y, "logistic"))

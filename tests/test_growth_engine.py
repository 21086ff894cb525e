"""Regression tests of issue 12: one curve-fitting engine that never returns a
fit worse than where it started.

One test (or one parametrised family) per failure of the issue's "What goes
wrong today" list, items 1-5 and 7, each a small reproducer asserting the
correct behaviour; item 6 (speed) is the benchmark's, not a timed test. Only
the public API is used. Every family has cases that failed on the code the
issue describes (commit 5c901c2); the families run over every model, so some
of their cases passed there already, and the tests marked "control" check
behaviour that was right and must survive the rewrite.
"""

import itertools
import warnings

import joblib
import numpy as np
import pandas as pd
import pytest
from scipy import optimize
from scipy.special import expit
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import cross_val_score

from sksigmoid import SigmoidGrowthRegressor
from sksigmoid.datasets import load_rat43
from sksigmoid.growth import MODELS, fit_curves

MODEL_NAMES = sorted(MODELS)
LINEAR_LOCATION = [n for n in MODEL_NAMES if MODELS[n].domain == "real"]


def weighted_tss(y, w=None):
    """Weighted sum of squares about the weighted mean: the RSS of a constant."""
    w = np.ones_like(y) if w is None else np.asarray(w, dtype=float)
    mean = np.average(y, weights=w)
    return float(w @ (y - mean) ** 2)


def log_axis(x):
    """``ln x`` with ``ln 0 = -inf`` (a zero-dose control), no warning."""
    x = np.asarray(x, dtype=float)
    return np.log(x, out=np.full(x.shape, -np.inf), where=x > 0)


def fit_recording(estimator, X, y, **fit_params):
    """Fit, returning the estimator and every warning it raised."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        estimator.fit(X, y, **fit_params)
    return estimator, caught


def categories(caught):
    return [w.category for w in caught]


# --------------------------------------------------------------------------
# item 1: a converged fit walks to absurd parameters, worse than a constant
# --------------------------------------------------------------------------
def issue_dose_response():
    dose = np.repeat(10.0 ** np.arange(-3, 5), 3)  # 8 doses, triplicates
    rng = np.random.default_rng(2)
    y = 10 + 90 / (1 + (dose / 3.0) ** -10) + rng.normal(0, 2, dose.size)
    return dose, y


def test_issue_example_4pl_on_a_log_axis_fits_at_the_default_tol():
    dose, y = issue_dose_response()
    reg = SigmoidGrowthRegressor("4pl", x_scale="log").fit(dose[:, None], y)
    # the same data fit with R2 0.9987 at tol=1e-10; the default must not be worse
    assert reg.r2_ > 0.99
    assert reg.rss_ <= weighted_tss(y)


def few_dose_design(kind):
    """Designs with a nearly singular Jacobian: 2 or 3 distinct doses, or a
    steep step between two doses with no point on its rise."""
    rng = np.random.default_rng(5)
    if kind == "two doses":
        x = np.repeat([1.0, 4.0], 4)
        y = 10 + 40 * (x > 2)
    elif kind == "three doses":
        x = np.repeat([1.0, 2.0, 4.0], 3)
        y = 10 + 40 * (x > 1.5)
    else:  # the issue's steep dose-response: every point on a plateau
        x = np.repeat(10.0 ** np.arange(-3, 5), 3)
        y = 10 + 90 / (1 + (x / 3.0) ** -10)
    return x, y + rng.normal(0, 2, x.size)


def data_scale(x, y):
    """A generous scale of any sensible parameter: amplitudes (y), locations
    (x), slopes (one over the smallest gap between doses, in x and ln x)."""
    distinct = np.unique(x)
    gaps = np.diff(distinct)
    log_gaps = np.diff(np.log(distinct[distinct > 0]))
    return max(
        np.abs(y).max(),
        np.abs(x).max(),
        1 / gaps.min(),
        1 / log_gaps.min() if log_gaps.size else 0.0,
    )


@pytest.mark.parametrize("kind", ["two doses", "three doses", "steep step"])
@pytest.mark.parametrize("name", MODEL_NAMES)
def test_few_doses_and_steep_steps_are_never_worse_than_a_constant(name, kind):
    x, y = few_dose_design(kind)
    log = kind == "steep step" and MODELS[name].domain == "real"
    reg = SigmoidGrowthRegressor(name, x_scale="log" if log else "linear")
    reg, caught = fit_recording(reg, x[:, None], y)
    assert reg.rss_ <= weighted_tss(y) * (1 + 1e-9)
    params = np.array(list(reg.params_.values()))
    assert np.all(np.isfinite(params))
    warned = ConvergenceWarning in categories(caught)
    if reg.converged_ and not warned:
        # a fit that claims success without a word cannot be at 1e6-1e17
        assert np.abs(params).max() < 1e6 * data_scale(x, y), reg.params_


# --------------------------------------------------------------------------
# item 2: the self-start clips the midpoint to +-700
# --------------------------------------------------------------------------
def adoption_curve():
    year = np.arange(1990.0, 2021.0)
    rng = np.random.default_rng(0)
    y = 100 / (1 + np.exp(-0.4 * (year - 2005))) + rng.normal(0, 1, year.size)
    return year, y


def unix_time_curve():
    """A 4pl in Unix seconds: a day of hourly reads, the rise at noon."""
    seconds = 1.7e9 + 3600.0 * np.arange(25)
    rng = np.random.default_rng(1)
    y = 5 + 50 * expit((seconds - seconds[12]) / 7200) + rng.normal(0, 0.5, 25)
    return seconds, y


@pytest.mark.parametrize(
    ("name", "curve", "origin"),
    [("logistic", adoption_curve, 1990.0), ("4pl", unix_time_curve, 1.7e9)],
    ids=["calendar years", "unix seconds"],
)
def test_an_offset_x_axis_fits_as_well_as_the_same_axis_from_zero(name, curve, origin):
    x, y = curve()
    on_offset = SigmoidGrowthRegressor(name).fit(x[:, None], y)
    from_zero = SigmoidGrowthRegressor(name).fit(x[:, None] - origin, y)
    assert from_zero.r2_ > 0.99  # the control: the curve is there to fit
    assert on_offset.r2_ > 0.99
    np.testing.assert_allclose(
        on_offset.predict(x[:, None]), from_zero.predict(x[:, None] - origin), rtol=1e-6
    )


def test_fit_curves_on_calendar_years_is_a_fit_not_flat():
    year, y = adoption_curve()
    table = fit_curves(year, y[:, None], "logistic")
    assert table["status"].iloc[0] == "fit"
    assert table["r2"].iloc[0] > 0.99
    assert table["rss"].iloc[0] <= weighted_tss(y)


# --------------------------------------------------------------------------
# item 3: fits depend on the scale of y and of the weights
# --------------------------------------------------------------------------
TRUE = {
    "logistic": dict(top=10, rate=0.8, x_mid=4),
    "richards": dict(top=10, rate=0.8, x_mid=4, shape=2.0),
    "gompertz": dict(top=10, rate=0.8, x_mid=4),
    "4pl": dict(bottom=1, top=10, rate=-0.9, x_mid=4),
    "5pl": dict(bottom=1, top=10, rate=0.9, x_mid=4, shape=0.5),
    "weibull": dict(bottom=1, top=10, scale=4, shape=2.0),
    "hill": dict(top=10, K=4, n=1.5),
    "probit": dict(bottom=1, top=10, rate=0.5, x_mid=4),
}


def noisy_curve(name, seed):
    """Twenty reads at random times in (0, 12) of the model's curve, noise 1."""
    model = MODELS[name]
    rng = np.random.default_rng(seed)
    x = np.sort(rng.uniform(0, 12, 20))
    y = model.function(x, *[TRUE[name][n] for n in model.param_names])
    return x, y + rng.normal(0, 1.0, x.size)


# seed 0 made hill stop at its start with y * 1e-9, seed 1 weibull; both richards
@pytest.mark.parametrize("seed", [0, 1])
@pytest.mark.parametrize("name", MODEL_NAMES)
def test_scaling_y_or_the_weights_scales_the_fit_exactly(name, seed):
    x, y = noisy_curve(name, seed)
    X = x[:, None]
    reference = SigmoidGrowthRegressor(name).fit(X, y)
    small_y = SigmoidGrowthRegressor(name).fit(X, y * 1e-9)  # molar concentrations
    heavy = SigmoidGrowthRegressor(name).fit(X, y, sample_weight=np.full(x.size, 1e6))
    names = reference.param_names_
    amplitude = np.array([n in ("top", "bottom") for n in names])
    params = np.array([reference.params_[n] for n in names])
    # rtol 1e-6; an asymptote near 0 (a decreasing 5pl's top) is compared to
    # 1e-6 of the range of y, the scale it is estimated on
    tolerance = 1e-6 * np.where(amplitude, np.maximum(np.abs(params), np.ptp(y)), 0.0)
    tolerance = np.maximum(tolerance, 1e-6 * np.abs(params))
    small = np.array([small_y.params_[n] for n in names])
    small_back = small * np.where(amplitude, 1e9, 1.0)
    weighted = np.array([heavy.params_[n] for n in names])
    for label, got in [("y * 1e-9", small_back), ("weights * 1e6", weighted)]:
        off = np.abs(got - params) > tolerance
        assert not off.any(), (
            label,
            dict(zip(names, got, strict=True)),
            reference.params_,
        )
    assert small_y.r2_ == pytest.approx(reference.r2_, abs=1e-9)
    assert heavy.r2_ == pytest.approx(reference.r2_, abs=1e-9)


# --------------------------------------------------------------------------
# item 4: fitting from threads breaks the process's warnings machinery
# --------------------------------------------------------------------------
def filter_contents(filters):
    """The filters with patterns as strings. scikit-learn's own parallel
    wrapper rebuilds the list in every worker (re-adding each filter with
    ``filterwarnings``, which compiles a module given as a string): a
    different list with the same filters. That is scikit-learn's, not ours."""
    return [tuple(getattr(part, "pattern", part) for part in f) for f in filters]


def test_threaded_cross_validation_leaves_the_warnings_machinery_alone():
    rng = np.random.default_rng(0)
    x = np.repeat(np.linspace(0, 10, 8), 3)
    y = 1 + 9 / (1 + np.exp(-3 * (x - 5))) + rng.normal(0, 0.3, x.size)
    X = x[:, None]
    # max_nfev=30: several candidate models stop early and warn (quickly)
    estimator = SigmoidGrowthRegressor("auto", max_nfev=30)
    with warnings.catch_warnings(record=True) as log:
        warnings.simplefilter("always")
        filters = filter_contents(warnings.filters)
        showwarning = warnings.showwarning
        showwarnmsg_impl = warnings._showwarnmsg_impl
        with joblib.parallel_config(backend="threading"):
            for _ in range(4):
                cross_val_score(estimator, X, y, cv=5, n_jobs=2)
        assert warnings.showwarning is showwarning
        assert warnings._showwarnmsg_impl is showwarnmsg_impl
        assert filter_contents(warnings.filters) == filters
        # and a later warning still reaches the handler that was in place
        del log[:]
        SigmoidGrowthRegressor("4pl", max_nfev=2).fit(X, y)
        assert ConvergenceWarning in categories(log)
    with pytest.warns(ConvergenceWarning):
        SigmoidGrowthRegressor("4pl", max_nfev=2).fit(X, y)


# --------------------------------------------------------------------------
# item 5: the hill self-start and single starts on rise-and-fall data
# --------------------------------------------------------------------------
@pytest.mark.parametrize("seed", range(6))
def test_hill_on_flat_data_with_zero_dose_controls_is_never_worse_than_flat(seed):
    dose = np.repeat([0.0, 0.1, 0.3, 1.0, 3.0, 10.0, 30.0], 3)
    rng = np.random.default_rng(seed)
    y = 50 + rng.normal(0, 5, dose.size)  # no dose effect at all
    reg = SigmoidGrowthRegressor("hill").fit(dose[:, None], y)
    assert reg.rss_ <= weighted_tss(y) * (1 + 1e-9)
    assert np.all(np.isfinite(reg.predict(dose[:, None])))


def rise_and_fall():
    """Hormesis (a toxic metal): growth stimulated at low doses, killed at
    high ones; no monotone model fits it well, and each has a rising and a
    falling local optimum."""
    dose = np.repeat([0, 0.25, 0.5, 1, 2, 4, 8, 16, 32], 3)
    rng = np.random.default_rng(7)
    mean = 40 * (1 + 1.5 * dose / (dose + 1)) / (1 + (dose / 6) ** 3)
    return dose, mean + rng.normal(0, 3, dose.size)


_BRUTE_FORCE = {}


def brute_force_rss(name, x_scale):
    """The best RSS of an independent fit from a grid of starts.

    scipy's MINPACK (least_squares, method="lm") on the model's own function
    and Jacobian, positive parameters (K, scale, shape) fitted on a log scale;
    starts: both amplitude orders (rise, fall), three midpoints (20, 50, 80 %
    of the doses on the model's axis), four slopes (+-2, +-8 per range) and,
    for richards and 5pl, shapes 0.5 and 2: 24 or 48 fits.
    """
    key = (name, x_scale)
    if key in _BRUTE_FORCE:
        return _BRUTE_FORCE[key]
    dose, y = rise_and_fall()
    model = MODELS[name]
    t = log_axis(dose) if x_scale == "log" else dose
    positive = np.array([n in model.default_bounds for n in model.param_names])
    on_log = model.domain == "nonnegative" or x_scale == "log"
    axis = np.log(dose[dose > 0]) if on_log else dose  # where the slope acts
    span = np.ptp(axis)
    shapes = [0.5, 2.0] if name in ("richards", "5pl") else [None]
    amplitudes = [(y.min(), y.max()), (y.max(), y.min())]
    best = np.inf
    for (low, high), q, slope, shape in itertools.product(
        amplitudes, [0.2, 0.5, 0.8], [-8, -2, 2, 8], shapes
    ):
        loc = np.quantile(axis, q)
        start = dict(bottom=low, top=high, rate=slope / span, n=slope / span)
        start.update(x_mid=loc, K=np.exp(loc), scale=np.exp(loc))
        start["shape"] = slope / span if name == "weibull" else shape
        p0 = np.array([start[n] for n in model.param_names], dtype=float)
        z0 = np.where(positive, np.log(np.abs(p0)), p0)

        def params(z):
            return np.where(positive, np.exp(np.clip(z, -700, 700)), z)

        def residuals(z):
            with np.errstate(all="ignore"):
                r = model.function(t, *params(z)) - y
            return np.nan_to_num(r, nan=1e150, posinf=1e150, neginf=-1e150)

        def jacobian(z):
            p = params(z)
            with np.errstate(all="ignore"):
                J = model.jacobian(t, *p) * np.where(positive, p, 1.0)
            return np.nan_to_num(J)

        fit = optimize.least_squares(
            residuals,
            z0,
            jac=jacobian,
            method="lm",
            x_scale="jac",
            max_nfev=500,
            xtol=1e-10,
            ftol=1e-10,
            gtol=1e-10,
        )
        with np.errstate(all="ignore"):
            rss = np.sum((model.function(t, *params(fit.x)) - y) ** 2)
        if np.isfinite(rss):
            best = min(best, float(rss))
    _BRUTE_FORCE[key] = best
    return best


RISE_AND_FALL_CASES = [(n, "linear") for n in MODEL_NAMES] + [
    (n, "log") for n in LINEAR_LOCATION
]


@pytest.mark.parametrize(("name", "x_scale"), RISE_AND_FALL_CASES)
def test_rise_and_fall_data_find_the_better_monotone_optimum(name, x_scale):
    dose, y = rise_and_fall()
    reg = SigmoidGrowthRegressor(name, x_scale=x_scale).fit(dose[:, None], y)
    tss = weighted_tss(y)
    assert reg.rss_ <= tss * (1 + 1e-9)
    best = brute_force_rss(name, x_scale)
    assert best < 0.5 * tss  # the control: the brute force found a real optimum
    # 5 %: the rising and the falling optima differ by 30 % to 20-fold in RSS
    # here, so this tells them apart; a converged engine reaches the optimum
    # to far better than 1 %, and the slack leaves room for an optimum whose
    # asymptote runs off (the brute force then creeps a little further before
    # its 500 evaluations end than an honest stop at the default tol).
    assert reg.rss_ <= 1.05 * best, (reg.rss_, best)


# --------------------------------------------------------------------------
# item 7: bad input gets a numpy traceback or nothing
# --------------------------------------------------------------------------
@pytest.fixture(scope="module")
def curve():
    x = np.linspace(0, 10, 12)
    rng = np.random.default_rng(0)
    return x, 1 + 9 * expit(x - 5) + rng.normal(0, 0.2, x.size)


def test_negative_sample_weights_are_refused_by_the_regressor(curve):
    x, y = curve
    w = np.ones_like(x)
    w[3] = -1.0
    with pytest.raises(ValueError, match="sample_weight"):
        SigmoidGrowthRegressor().fit(x[:, None], y, sample_weight=w)


def test_negative_sample_weights_are_refused_by_fit_curves(curve):  # control
    x, y = curve
    w = np.ones_like(x)
    w[3] = -1.0
    with pytest.raises(ValueError, match="sample_weight"):
        fit_curves(x, y[:, None], "4pl", sample_weight=w)


NOT_FINITE = [np.nan, np.inf, -np.inf]


@pytest.mark.parametrize("value", NOT_FINITE, ids=["nan", "inf", "-inf"])
@pytest.mark.parametrize(("what", "name"), [("p0", "top"), ("fixed", "bottom")])
def test_a_non_finite_p0_or_fixed_is_refused_by_the_regressor(curve, what, name, value):
    x, y = curve
    with pytest.raises(ValueError, match=what):
        SigmoidGrowthRegressor("4pl", **{what: {name: value}}).fit(x[:, None], y)


@pytest.mark.parametrize("value", NOT_FINITE, ids=["nan", "inf", "-inf"])
@pytest.mark.parametrize(("what", "name"), [("p0", "top"), ("fixed", "bottom")])
def test_a_non_finite_p0_or_fixed_is_refused_by_fit_curves(curve, what, name, value):
    x, y = curve  # control: fit_curves already refuses these
    with pytest.raises(ValueError, match=what):
        fit_curves(x, y[:, None], "4pl", **{what: {name: value}})


@pytest.mark.parametrize(
    "y_of", [lambda y: y > 5, lambda y: np.where(y > 5, "b", "a")], ids=["bool", "str"]
)
def test_a_non_numeric_y_is_refused_with_a_value_error(curve, y_of):
    x, y = curve
    with pytest.raises(ValueError, match=r"\by\b"):
        SigmoidGrowthRegressor().fit(x[:, None], y_of(y))


def test_fixed_outside_bounds_is_refused_by_the_regressor(curve):
    x, y = curve
    reg = SigmoidGrowthRegressor(
        "4pl", fixed={"bottom": 5.0}, bounds={"bottom": (0, 2)}
    )
    with pytest.raises(ValueError, match="fixed|bounds"):
        reg.fit(x[:, None], y)


def test_fixed_outside_the_models_own_bounds_is_refused(curve):
    x, y = curve  # richards' shape must be positive
    with pytest.raises(ValueError, match="fixed|bounds"):
        SigmoidGrowthRegressor("richards", fixed={"shape": -1.0}).fit(x[:, None], y)


def test_fixed_outside_bounds_is_refused_by_fit_curves(curve):
    x, y = curve  # today: silently moved to the bound
    with pytest.raises(ValueError, match="fixed|bounds"):
        fit_curves(
            x, y[:, None], "4pl", fixed={"bottom": 5.0}, bounds={"bottom": (0, 2)}
        )


@pytest.mark.parametrize(
    ("what", "value"),
    [("fixed", {"bottm": 0.0}), ("p0", {"topp": 10.0}), ("bounds", {"rat": (0, 1)})],
)
def test_misspelt_names_under_auto_are_refused_not_dropped(curve, what, value):
    x, y = curve
    with pytest.raises(ValueError, match=what):
        SigmoidGrowthRegressor("auto", **{what: value}).fit(x[:, None], y)


def test_a_name_of_some_candidates_is_accepted_under_auto(curve):  # control
    x, y = curve  # "bottom" belongs to 4pl, 5pl, weibull: not a misspelling
    reg = SigmoidGrowthRegressor("auto", fixed={"bottom": 1.0}).fit(x[:, None], y)
    assert reg.model_ in MODELS


def test_a_bound_that_is_not_a_pair_is_refused(curve):
    x, y = curve
    with pytest.raises(ValueError, match="bounds"):
        SigmoidGrowthRegressor("4pl", bounds={"top": 5}).fit(x[:, None], y)
    with pytest.raises(ValueError, match="bounds"):
        fit_curves(x, y[:, None], "4pl", bounds={"top": 5})


@pytest.mark.parametrize(
    ("what", "value"),
    [
        ("tol", np.nan),
        ("tol", -1.0),
        ("tol", 0.0),
        ("max_nfev", -5),
        ("max_nfev", 0),
        ("flat_alpha", -1.0),
        ("flat_alpha", 2.0),
        ("flat_alpha", np.nan),
    ],
)
def test_fit_curves_refuses_out_of_range_settings(curve, what, value):
    x, y = curve
    with pytest.raises(ValueError, match=what):
        fit_curves(x, y[:, None], "4pl", **{what: value})


@pytest.fixture(scope="module")
def fitted(curve):
    x, y = curve
    return SigmoidGrowthRegressor("4pl").fit(x[:, None], y)


def test_effective_dose_of_nan_is_refused(fitted):
    with pytest.raises(ValueError, match=r"\bp\b"):
        fitted.effective_dose(np.nan)


@pytest.mark.parametrize(
    ("limits", "name"), [((np.nan, 1.0), "x_min"), ((0.0, np.nan), "x_max")]
)
def test_auc_over_nan_limits_is_refused(fitted, limits, name):
    with pytest.raises(ValueError, match=name):
        fitted.auc(*limits)


@pytest.mark.parametrize(
    ("name", "n_points", "rate"),
    [("logistic", 6, 1.0), ("4pl", 6, 1.0), ("4pl", 6, 30.0)],
)
def test_an_exact_fit_beside_a_zero_weight_point_raises_no_runtime_warning(
    name, n_points, rate
):
    # exact data but for one zero-weight outlier: rss = 0 (n <= k + 2 here,
    # where AICc is undefined), which once gave an "invalid value" warning
    x = np.linspace(0, 10, n_points)
    y = (1 + 9 * expit(rate * (x - 5))) if name == "4pl" else 10 * expit(x - 5)
    w = np.ones(n_points)
    w[1], y[1] = 0.0, y[1] + 3.0
    reg, caught = fit_recording(
        SigmoidGrowthRegressor(name), x[:, None], y, sample_weight=w
    )
    assert not [c for c in caught if issubclass(c.category, RuntimeWarning)], [
        str(c.message) for c in caught
    ]
    assert reg.rss_ <= 1e-12 * weighted_tss(y, w)  # the scenario: an exact fit
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        fit_curves(x, y[:, None], name, sample_weight=w)


ZERO_DOSE_CASES = [(n, "log") for n in LINEAR_LOCATION] + [
    (n, "linear") for n in MODEL_NAMES if MODELS[n].domain == "nonnegative"
]


@pytest.mark.parametrize("constant", [True, False], ids=["constant", "varying"])
@pytest.mark.parametrize(("name", "x_scale"), ZERO_DOSE_CASES)
def test_a_fit_at_zero_doses_only_predicts_the_mean(name, x_scale, constant):
    # every dose a zero-dose control (ln 0 = -inf): nothing but a level to fit
    X = np.zeros((6, 1))
    y = np.full(6, 3.0) if constant else np.array([2.0, 3.0, 4.0, 2.5, 3.5, 3.0])
    reg, caught = fit_recording(SigmoidGrowthRegressor(name, x_scale=x_scale), X, y)
    assert not [c for c in caught if issubclass(c.category, RuntimeWarning)], [
        str(c.message) for c in caught
    ]
    np.testing.assert_allclose(reg.predict(X), y.mean(), rtol=1e-9)
    assert reg.rss_ == pytest.approx(weighted_tss(y), rel=1e-9, abs=1e-12)


# --------------------------------------------------------------------------
# determinism (NIST-like: the certified digits hold only if the fit repeats)
# --------------------------------------------------------------------------
@pytest.mark.parametrize("model", ["richards", "logistic", "5pl", "auto"])
def test_the_same_fit_twice_gives_bit_identical_parameters(model):
    data = load_rat43()
    first = SigmoidGrowthRegressor(model).fit(data.data, data.target)
    second = SigmoidGrowthRegressor(model).fit(data.data, data.target)
    assert first.model_ == second.model_
    assert first.params_ == second.params_  # exact float equality
    assert first.rss_ == second.rss_
    Y = np.column_stack([data.target, 0.9 * data.target])
    name = "richards" if model == "auto" else model
    one = fit_curves(data.data[:, 0], Y, name)
    two = fit_curves(data.data[:, 0], Y, name)
    pd.testing.assert_frame_equal(one, two, check_exact=True)

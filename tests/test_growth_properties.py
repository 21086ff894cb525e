"""Property-based tests of the growth-curve fits (issue 12).

Random small designs (2-50 points, often only 1-3 distinct doses, repeated
doses, zero-dose controls, x far from 0 as calendar years or Unix seconds),
every model of :data:`~sksigmoid.growth.MODELS`, linear and log x, noise-only,
constant, smooth and step-like sigmoid responses, x, y and weights in any unit
(1e-9 to 1e6), optional positive weights. For
:class:`~sksigmoid.SigmoidGrowthRegressor` and
:func:`~sksigmoid.growth.fit_curves`:

* only ``ValueError`` is raised, and only for too few points; the only
  warnings are ``ConvergenceWarning`` and ``FlatCurveWarning`` (no numpy
  ``RuntimeWarning``);
* predictions are finite, and the weighted RSS is never above that of a
  constant (the weighted TSS about the weighted mean);
* the fit does not depend on the units: shifting x (linear-location models on
  a linear axis), scaling x, scaling y and scaling the weights give the same
  fitted values (scaled back) to 1e-6 of the range of y, and the RSS scaled
  by the expected factor. The shifts of x are whole multiples of a power of 2
  near its span and the scales of x powers of 2, so that the transformed x are
  exact (the same data in other units); y and the weights take any factor.

The examples are derandomised, so CI runs the same ones every time; set
``SKSIGMOID_SHRINK=1`` to have a failure shrunk to a minimal example.
"""

import os
import warnings

import numpy as np
import pytest
from hypothesis import HealthCheck, Phase, assume, given, settings
from hypothesis import strategies as st
from sklearn.exceptions import ConvergenceWarning

from sksigmoid import SigmoidGrowthRegressor
from sksigmoid.growth import MODELS, FlatCurveWarning, fit_curves

MODEL_NAMES = sorted(MODELS)
ALLOWED_WARNINGS = (ConvergenceWarning, FlatCurveWarning)
STATUSES = {"fit", "flat", "failed"}
EPS = np.finfo(float).eps

# Shrinking a failure to a minimal example can take minutes per test (each
# shrink step is a fit), so it is opt-in: SKSIGMOID_SHRINK=1 pytest ...
PHASES = [Phase.explicit, Phase.reuse, Phase.generate]
if os.environ.get("SKSIGMOID_SHRINK"):
    PHASES.append(Phase.shrink)

PROPERTY = dict(
    deadline=None,
    derandomize=True,
    database=None,
    phases=PHASES,
    report_multiple_bugs=False,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.filter_too_much,
    ],
)

# Fitted values agree to this fraction of the range of y, the RSS to this
# relative difference (plus 1e-9 of the TSS, for fits exact up to rounding).
RTOL = 1e-6


def log_axis(x):
    x = np.asarray(x, dtype=float)
    return np.log(x, out=np.full(x.shape, -np.inf), where=x > 0)


def model_input(name, x, x_scale):
    """What the model's function takes: ln x on a log axis, else x (hill and
    weibull take x and are log models themselves)."""
    return log_axis(x) if x_scale == "log" else np.asarray(x, dtype=float)


def slope_axis(name, x, x_scale):
    """The axis on which the model's slope acts, over the positive doses."""
    if x_scale == "log" or MODELS[name].domain == "nonnegative":
        return np.log(x[x > 0])
    return x


# --------------------------------------------------------------------------
# strategies
# --------------------------------------------------------------------------
# Units the data come in: x, y and weights of any size (molar concentrations,
# calendar years, seconds) must all fit alike.
UNITS = [1e-9, 1e-3, 1.0, 1.0, 1.0, 1e3, 1e6]
OFFSETS = [1990.0, -3000.0, 1.7e9]  # calendar years, Unix seconds


@st.composite
def designs(draw, name, x_scale, min_points):
    """Distinct doses (few of them, often), each repeated 1-4 times: 2-50
    points in all; positive doses with an optional zero-dose control on a log
    axis (and for hill and weibull), else any real x, sometimes far from 0."""
    positive = x_scale == "log" or MODELS[name].domain == "nonnegative"
    n_distinct = draw(st.sampled_from([1, 2, 2, 3, 3, 4, 5, 6, 8, 10, 12]))
    repeats = draw(
        st.lists(st.integers(1, 4), min_size=n_distinct, max_size=n_distinct)
    )
    unit = draw(st.sampled_from(UNITS))
    if positive:
        lowest = 10.0 ** draw(st.floats(-3, 2))
        ratio = draw(st.floats(1.2, 10))
        doses = unit * lowest * ratio ** np.arange(n_distinct)
        if draw(st.booleans()):
            doses[0] = 0.0  # a zero-dose control
    else:
        gaps = draw(
            st.lists(
                st.floats(0.05, 5), min_size=n_distinct - 1, max_size=n_distinct - 1
            )
        )
        doses = unit * np.concatenate([[0.0], np.cumsum(gaps)])
        start = draw(st.one_of(st.floats(-50, 50), st.sampled_from(OFFSETS)))
        doses = on_grid(start + doses if abs(start) < 1e3 else start + doses / unit)
    repeats[-1] += max(min_points - sum(repeats), 0)
    return np.repeat(doses, repeats)


def grid_step(x):
    """A power of 2, 2**20 times below the span of x (or its size)."""
    span = np.ptp(x) or np.abs(x).max() or 1.0
    return 2.0 ** (np.floor(np.log2(span)) - 20)


def on_grid(x):
    """x rounded to multiples of :func:`grid_step`, so that a shift by a
    multiple of ``2**20`` steps is exact in floating point (as is any scaling
    by a power of 2): the shifted data are the same numbers in other units,
    and a difference between the fits is the engine's, not the data's. (A
    rounded shift moves the doses by up to 2e-7 of the span near Unix-time
    offsets, which does move a steep curve.)"""
    step = grid_step(x)
    return np.round(x / step) * step


def random_sigmoid(draw, name, x, x_scale, rng, steep=False):
    """A curve of the model with random parameters over the design, plus
    noise; ``steep``: a step between two doses."""
    model = MODELS[name]
    axis = slope_axis(name, x, x_scale)
    finite = axis[np.isfinite(axis)]
    span = np.ptp(finite) if finite.size > 1 and np.ptp(finite) > 0 else 1.0
    centre = finite.min() if finite.size else 0.0
    loc = centre + span * draw(st.floats(-0.2, 1.2))
    steepness = 10 ** draw(st.floats(2, 3) if steep else st.floats(-0.5, 1.5))
    slope = draw(st.sampled_from([-1.0, 1.0])) * steepness / span
    height = draw(st.sampled_from([-1.0, 1.0])) * 10 ** draw(st.floats(-2, 2))
    bottom = draw(st.floats(-100, 100)) if model.has_bottom else 0.0
    values = dict(bottom=bottom, top=bottom + height, rate=slope, x_mid=loc, n=slope)
    if model.location.log:  # K and scale are in x units
        values.update(K=np.exp(loc), scale=np.exp(loc))
    values["shape"] = slope if name == "weibull" else np.exp(draw(st.floats(-1.5, 1.5)))
    params = [values[n] for n in model.param_names]
    with np.errstate(all="ignore"):  # the model's own; it never warns, but to be sure
        y = model.function(model_input(name, x, x_scale), *params)
    noise = draw(st.sampled_from([0.0, 1e-4, 1e-2, 0.1, 0.5]))
    return y + noise * abs(height) * rng.standard_normal(x.size)


@st.composite
def responses(draw, name, x, x_scale):
    """One response: a random sigmoid of the model (smooth or a step), noise
    only, or constant; in a random unit."""
    kind = draw(st.sampled_from(["sigmoid", "sigmoid", "step", "noise", "constant"]))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    unit = draw(st.sampled_from(UNITS))
    level = draw(st.floats(-100, 100))
    if kind == "constant":
        y = np.full(x.size, level)
    elif kind == "noise":
        y = level + 10 ** draw(st.floats(-3, 1)) * rng.standard_normal(x.size)
    else:
        y = random_sigmoid(draw, name, x, x_scale, rng, steep=kind == "step")
    return unit * y


@st.composite
def problems(draw, name, n_curves=1, min_points=2, linear_on_linear=False):
    """For the model ``name``: an x scale (only "linear" with
    ``linear_on_linear``), a design, 1 to ``n_curves`` responses (n_points,
    n_curves) and weights (None, per point, or per read with several curves)."""
    scales = ["linear"]
    if MODELS[name].domain == "real" and not linear_on_linear:
        scales.append("log")  # hill and weibull are log models of x already
    x_scale = draw(st.sampled_from(scales))
    x = draw(designs(name, x_scale, min_points))
    k = draw(st.integers(1, n_curves))
    Y = np.column_stack([draw(responses(name, x, x_scale)) for _ in range(k)])
    weighting = draw(st.sampled_from(["none", "point"] + ["read"] * (k > 1)))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    unit = draw(st.sampled_from(UNITS))
    w = None
    if weighting == "point":
        w = unit * 10 ** rng.uniform(-1, 1, x.size)
    elif weighting == "read":
        w = unit * 10 ** rng.uniform(-1, 1, Y.shape)
    return dict(name=name, x_scale=x_scale, x=x, Y=Y, w=w)


# --------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------
def weights_of(problem):
    w = problem["w"]
    shape = problem["Y"].shape
    return (
        np.ones(shape)
        if w is None
        else np.broadcast_to(np.reshape(w, (shape[0], -1)), shape)
    )


def tss_of(y, w):
    mean = np.average(y, weights=w)
    return float(w @ (y - mean) ** 2)


def rounding(y, w):
    """An RSS indistinguishable from 0 for this response (constant y)."""
    return 1e3 * EPS**2 * float(w @ (y * y))


def too_few_points(problem):
    return problem["x"].size <= MODELS[problem["name"]].n_params


def check_warnings(caught):
    unexpected = [
        f"{w.category.__name__}: {w.message}"
        for w in caught
        if not issubclass(w.category, ALLOWED_WARNINGS)
    ]
    assert not unexpected, unexpected


def fit_regressor(problem, x=None, y=None, w=None):
    """Fit one curve (the first column, or the given data); only the allowed
    warnings may be raised."""
    x = problem["x"] if x is None else x
    y = problem["Y"][:, 0] if y is None else y
    w = problem["w"] if w is None else w
    reg = SigmoidGrowthRegressor(problem["name"], x_scale=problem["x_scale"])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        reg.fit(x[:, None], y, sample_weight=w)
    check_warnings(caught)
    return reg


def fitted_values(problem, table, x=None):
    """The curves of a fit_curves table at the design, (n_points, n_curves);
    NaN for curves without parameters."""
    model = MODELS[problem["name"]]
    x = problem["x"] if x is None else x
    params = table[list(model.param_names)].to_numpy()
    t = model_input(problem["name"], x, problem["x_scale"])
    with np.errstate(all="ignore"):
        return model.function(t, *[p[:, None] for p in params.T]).T


def run_fit_curves(problem, x=None, Y=None, w=None):
    """fit_curves on the problem (or the given data); only the allowed
    warnings may be raised."""
    x = problem["x"] if x is None else x
    Y = problem["Y"] if Y is None else Y
    w = problem["w"] if w is None else w
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        table = fit_curves(
            x, Y, problem["name"], x_scale=problem["x_scale"], sample_weight=w
        )
    check_warnings(caught)
    return table


# --------------------------------------------------------------------------
# the regressor
# --------------------------------------------------------------------------
# Every test runs for every model (pytest parametrisation), so that each model
# gets its share of the examples whatever Hypothesis draws.
LINEAR_LOCATION = [n for n in MODEL_NAMES if MODELS[n].domain == "real"]


@pytest.mark.parametrize("name", MODEL_NAMES)
@settings(max_examples=30, **PROPERTY)
@given(data=st.data())
def test_regressor_is_never_worse_than_a_constant(name, data):
    problem = data.draw(problems(name), label="problem")
    x, y = problem["x"], problem["Y"][:, 0]
    w = weights_of(problem)[:, 0]
    if too_few_points(problem):
        with pytest.raises(ValueError):
            fit_regressor(problem)
        return
    reg = fit_regressor(problem)  # any exception here fails the test
    pred = reg.predict(x[:, None])
    assert np.all(np.isfinite(pred))
    grid = np.linspace(x.min(), x.max(), 7)[:, None]
    assert np.all(np.isfinite(reg.predict(grid)))
    tss, tiny = tss_of(y, w), rounding(y, w)
    assert reg.rss_ <= tss * (1 + 1e-9) + tiny, (reg.rss_, tss, reg.params_)
    # and rss_ is the RSS of what predict() says
    rss = float(w @ (y - pred) ** 2)
    assert abs(rss - reg.rss_) <= RTOL * reg.rss_ + 1e-9 * tss + tiny, (rss, reg.rss_)


def compare_regressor_fits(problem, transformed, y_factor, rss_factor):
    """Fitted values of the fit to ``transformed`` data (at its own x),
    divided by ``y_factor``, against the original's; its RSS against
    ``rss_factor`` times the original's."""
    y, w = problem["Y"][:, 0], weights_of(problem)[:, 0]
    original = fit_regressor(problem)
    other = fit_regressor(problem, **transformed)
    x_other = transformed.get("x", problem["x"])
    pred = original.predict(problem["x"][:, None])
    pred_other = other.predict(x_other[:, None]) / y_factor
    y_range = np.ptp(y) if np.ptp(y) > 0 else max(np.abs(y).max(), 1e-300)
    tss, tiny = tss_of(y, w), rounding(y, w)
    expected = rss_factor * original.rss_
    if not (original.converged_ and other.converged_):
        # a run that stopped short (max_nfev) or towards an optimum at
        # infinity says so (ConvergenceWarning) and has no point defined to
        # rounding to stop at: it is held only to the bounds of the other tests
        return
    np.testing.assert_allclose(pred_other, pred, rtol=0, atol=RTOL * y_range)
    assert abs(other.rss_ - expected) <= rss_factor * (
        RTOL * original.rss_ + 1e-9 * tss + tiny
    ), (other.rss_, expected)


INVARIANCE = dict(max_examples=10, **PROPERTY)
# x is shifted by a whole number of (power-of-2) spans and scaled by powers of
# 2, both exact (see on_grid); y and the weights by any factor.
SHIFTS = st.integers(-10_000, 10_000).filter(bool)
X_SCALES = st.integers(-10, 10).filter(bool)


def shifted(x, spans):
    """x shifted by ``spans`` times the power of 2 just below its span: exact."""
    return x + spans * grid_step(x) * 2.0**20


@pytest.mark.parametrize("name", LINEAR_LOCATION)
@settings(**INVARIANCE)
@given(data=st.data(), spans=SHIFTS)
def test_regressor_shifting_x_shifts_the_fit(name, data, spans):
    problem = data.draw(problems(name, min_points=6, linear_on_linear=True))
    assume(not too_few_points(problem))
    compare_regressor_fits(problem, {"x": shifted(problem["x"], spans)}, 1.0, 1.0)


@pytest.mark.parametrize("name", MODEL_NAMES)
@settings(**INVARIANCE)
@given(data=st.data(), log2_factor=X_SCALES)
def test_regressor_scaling_x_scales_the_fit(name, data, log2_factor):
    problem = data.draw(problems(name, min_points=6))
    assume(not too_few_points(problem))
    x = problem["x"] * 2.0**log2_factor  # for log models: a shift of ln x
    compare_regressor_fits(problem, {"x": x}, 1.0, 1.0)


@pytest.mark.parametrize("name", MODEL_NAMES)
@settings(**INVARIANCE)
@given(data=st.data(), log10_factor=st.floats(-9, 9))
def test_regressor_scaling_y_scales_the_fit(name, data, log10_factor):
    problem = data.draw(problems(name, min_points=6))
    assume(not too_few_points(problem))
    factor = 10.0**log10_factor
    y = problem["Y"][:, 0] * factor
    compare_regressor_fits(problem, {"y": y}, factor, factor**2)


@pytest.mark.parametrize("name", MODEL_NAMES)
@settings(**INVARIANCE)
@given(data=st.data(), log10_factor=st.floats(-6, 6))
def test_regressor_scaling_the_weights_leaves_the_fit(name, data, log10_factor):
    problem = data.draw(problems(name, min_points=6))
    assume(not too_few_points(problem))
    factor = 10.0**log10_factor
    w = weights_of(problem)[:, 0] * factor
    compare_regressor_fits(problem, {"w": w}, 1.0, factor)


# --------------------------------------------------------------------------
# fit_curves
# --------------------------------------------------------------------------
@pytest.mark.parametrize("name", MODEL_NAMES)
@settings(max_examples=20, **PROPERTY)
@given(data=st.data())
def test_fit_curves_is_never_worse_than_a_constant(name, data):
    problem = data.draw(problems(name, n_curves=4), label="problem")
    Y, W = problem["Y"], weights_of(problem)
    if too_few_points(problem):
        with pytest.raises(ValueError):
            run_fit_curves(problem)
        return
    table = run_fit_curves(problem)  # any exception here fails the test
    assert len(table) == Y.shape[1]  # one row per curve (column of Y)
    assert list(table.index) == list(range(Y.shape[1]))
    assert set(table["status"].astype(str)) <= STATUSES
    values = fitted_values(problem, table)
    for c in range(Y.shape[1]):
        y, w = Y[:, c], W[:, c]
        rss, status = table["rss"].iloc[c], table["status"].iloc[c]
        tss, tiny = tss_of(y, w), rounding(y, w)
        if status == "fit":
            assert np.isfinite(rss)
            assert np.all(np.isfinite(values[:, c]))
        if np.isfinite(rss):
            assert rss <= tss * (1 + 1e-9) + tiny, (c, status, rss, tss)
        if np.isfinite(rss) and np.all(np.isfinite(values[:, c])):
            # the rss is that of the reported parameters
            own = float(w @ (y - values[:, c]) ** 2)
            assert abs(own - rss) <= RTOL * rss + 1e-9 * tss + tiny, (c, own, rss)


TRANSFORMS = ["shift x", "scale x", "scale y", "scale weights"]


@pytest.mark.parametrize("name", MODEL_NAMES)
@settings(max_examples=12, **PROPERTY)
@given(
    data=st.data(),
    transform=st.sampled_from(TRANSFORMS),
    log10_factor=st.floats(-9, 9),
    log2_factor=X_SCALES,
    spans=SHIFTS,
)
def test_fit_curves_does_not_depend_on_the_units(
    name, data, transform, log10_factor, log2_factor, spans
):
    problem = data.draw(problems(name, n_curves=3, min_points=6), label="problem")
    assume(not too_few_points(problem))
    linear_location = problem["x_scale"] == "linear" and name in LINEAR_LOCATION
    if transform == "shift x" and not linear_location:
        transform = "scale x"  # a shift of x is no invariance of a log model
    x, Y, W = problem["x"], problem["Y"], weights_of(problem)
    factor = 10.0 ** (log10_factor if transform == "scale y" else log10_factor / 1.5)
    y_factor = rss_factor = 1.0
    changed = {}
    if transform == "shift x":
        changed["x"] = shifted(x, spans)
    elif transform == "scale x":
        changed["x"] = x * 2.0**log2_factor
    elif transform == "scale y":
        changed["Y"] = Y * factor
        y_factor, rss_factor = factor, factor**2
    else:
        changed["w"] = W * factor
        rss_factor = factor
    original = run_fit_curves(problem)
    other = run_fit_curves(problem, **changed)
    values = fitted_values(problem, original)
    values_other = fitted_values(problem, other, changed.get("x")) / y_factor
    # the curves fitted in both ("fit": converged, parameters determined) are
    # the same fit; a "flat" or "failed" curve stopped where the units' rounding
    # took it (no growth, or an optimum at infinity), and its status may tip
    both = (original["status"] == "fit").to_numpy() & (
        other["status"] == "fit"
    ).to_numpy()
    for c in np.flatnonzero(both):
        y, w = Y[:, c], W[:, c]
        y_range = np.ptp(y) if np.ptp(y) > 0 else max(np.abs(y).max(), 1e-300)
        np.testing.assert_allclose(
            values_other[:, c], values[:, c], rtol=0, atol=RTOL * y_range
        )
        rss, rss_other = original["rss"].iloc[c], other["rss"].iloc[c]
        tss, tiny = tss_of(y, w), rounding(y, w)
        expected = rss_factor * rss
        assert abs(rss_other - expected) <= rss_factor * (
            RTOL * rss + 1e-9 * tss + tiny
        ), (c, rss_other, expected)

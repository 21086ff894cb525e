r"""A curve fit from the data to the estimates: designs, starts, engine, inference.

The data flow of every fit (:class:`SigmoidGrowthRegressor` and
:func:`fit_curves` alike)::

    validated data -> the model's axis (x, ln x) -> internal units (._units)
    -> candidate starts (self-start, its mirror, a grid, the flat curve,
       random perturbations) -> the engine (._engine) on every start of every
       curve at once -> the best start per curve -> back to the user's units
    -> covariance from the final Jacobian, undetermined parameters

A *design* is the fitted function of the inputs: :class:`AxisDesign`, a model
of one shared axis (every fit of :func:`fit_curves` and the one-feature
regressor), or :class:`IndexDesign`, a model of a linear index of several
features (the regressor with more than one feature).
"""

from dataclasses import dataclass

import numpy as np

from . import _engine
from ._family import LikelihoodBatch
from ._models import MODELS, safe_log
from ._units import Units

__all__ = ["AxisDesign", "IndexDesign", "fit", "FitResult", "GOOD"]

# Engine statuses of a finished fit.
GOOD = (_engine.CONVERGED, _engine.STALLED)
# Starts of the grid kept per curve.
_GRID_STARTS = 2
# ln K (ln scale) of hill and weibull within +-this: K = e^700 is a finite float.
_LOG_MAX = 700.0


class _Design:
    """What both designs share: a symmetric model's mirror image."""

    def slope_columns(self):
        """The parameters whose sign gives the curve's direction."""
        raise NotImplementedError

    def mirror_rows(self, params):
        """Rows (n, n_params) with bottom above top, of a symmetric model (4pl:
        the mirror image, bottom and top swapped and the slope negated, is the
        same curve)."""
        if not self.model.symmetric:
            return np.zeros(len(params), dtype=bool)
        return params[:, 0] > params[:, 1]

    def mirror(self, params):
        """The same curves with bottom and top swapped and the slope negated."""
        out = params.copy()
        out[:, [0, 1]] = params[:, [1, 0]]
        out[:, self.slope_columns()] *= -1
        return out


class AxisDesign(_Design):
    """One model of a shared axis: ``t = x``, ``ln x`` (``x_scale="log"``) or,
    for hill and weibull, ``ln x`` with ``ln K`` as the location."""

    def __init__(self, model, x_scale="linear"):
        self.model = MODELS[model]
        self.names = list(self.model.param_names)
        self.kinds = self.model.kinds
        self.log_x = x_scale == "log"
        self.single = True

    def user_axis(self, x):
        """The model's input ``t``: x, or ln x with ``x_scale="log"``."""
        x = np.asarray(x, dtype=float)
        if x.ndim == 2:
            x = x[:, 0]
        return safe_log(x) if self.log_x else x

    def axis(self, x):
        """The axis of the fit (n_points,), ``-inf`` at ``ln 0``."""
        return self.model.axis(self.user_axis(x))

    def value(self, theta, X):
        """The curve at ``X`` for parameters ``theta`` (a sequence that broadcasts)."""
        return self.model.function(self.user_axis(X), *theta)

    def jacobian(self, theta, X):
        return self.model.jacobian(self.user_axis(X), *theta)

    def values(self, params, X):
        """The curves of the rows of ``params`` (n, n_params) at ``X``."""
        return self.model.function(self.user_axis(X), *(p[:, None] for p in params.T))

    def flat_params(self, X, y, w):
        """A flat curve at the weighted mean of y (a constant response)."""
        return self.model.flat_start(self.user_axis(X), y, w)

    def to_axis(self, params):
        return self.model.to_axis(params)

    def to_axis_bounds(self, bound, n_curves):
        """A bound (n_params,) in user units -> (n_curves, n_params) on the axis.

        A log model's ``ln K`` stays within +-700, where ``K`` is a finite
        float: a curve the fit reaches is one its parameters can report.
        """
        with np.errstate(divide="ignore"):
            bounds = self.to_axis(np.tile(bound, (n_curves, 1)))
        if self.model.location.log:
            j = self.model.location_index
            bounds[:, j] = np.clip(bounds[:, j], -_LOG_MAX, _LOG_MAX)
        return bounds

    def from_axis(self, params):
        return self.model.from_axis(params)

    def axis_derivative(self, params):
        """d(user parameter)/d(axis parameter), (n, n_params): K for ln K."""
        d = np.ones_like(params)
        if self.model.location.log:
            j = self.model.location_index
            d[:, j] = params[:, j]
        return d

    def units(self, t, Y, W):
        return Units.from_data(t, Y, W, centre_y=self.model.has_bottom)

    def slope_columns(self):
        return [self.model.slope_index]

    def evaluator(self, t):
        model = self.model.on_axis

        def evaluate(params):
            return model.value_and_jacobian(t, *(p[:, None] for p in params.T))

        return evaluate

    def column_evaluator(self, t):
        """Some curves of a global fit and their derivatives, (n_points, k)
        each, from their model parameters, (k,) or a scalar each (see
        :class:`._arrowhead.JointBatch`)."""
        model = self.model.on_axis
        points = t[:, None]

        def curves(values):
            return model.value_and_columns(points, *values)

        return curves

    def raw_starts(self, t, Y, W, which, mirror):
        """Candidate starts (internal units), each (n_curves, n_params)."""
        model = self.model.on_axis
        starts = []
        if which in ("all", "self"):
            starts.append(model.raw_self_start(t, Y, W))
            if mirror and self.model.mirrors:
                starts.append(model.raw_self_start(t, Y, W, True))
        if which in ("all", "extra"):
            starts += model.raw_grid_starts(t, Y, W, _GRID_STARTS)
            flat = model.raw_flat_start(Y, W)
            starts.append(flat)
        return starts

    @property
    def flat_needs(self):
        """Parameters that must be free for the flat start to be flat."""
        amplitude = "bottom" if self.model.has_bottom else "top"
        return {amplitude, self.names[self.model.slope_index]} | (
            {"top"} if self.model.has_bottom else set()
        )


class IndexDesign(_Design):
    """A linear-location model of a fitted index ``u = X @ coef + intercept``.

    The model's ``rate (t - x_mid)`` is replaced by ``u``: parameters are the
    amplitudes, ``coef_0 .. coef_{k-1}``, ``intercept`` and the profile's
    shape. The features are scaled (not shifted: the intercept would then
    move with every coefficient).
    """

    def __init__(self, model, n_features):
        self.model = MODELS[model]
        self.n_features = n_features
        names = [n for n in self.model.param_names if n not in ("rate", "x_mid")]
        shape = [n for n in names if n == "shape"]
        names = [n for n in names if n != "shape"]
        names += [f"coef_{j}" for j in range(n_features)] + ["intercept"] + shape
        self.names = names
        kinds = {"bottom": ("amplitude", 0), "top": ("amplitude", 0)}
        kinds.update({f"coef_{j}": ("coef", j) for j in range(n_features)})
        kinds.update(intercept=("intercept", 0), shape=("shape", 0))
        self.kinds = tuple(kinds[n] for n in names)
        self.single = False
        self._model_index = [
            names.index(n) if n in names else None for n in self.model.param_names
        ]

    def axis(self, X):
        return np.asarray(X, dtype=float)

    def to_axis(self, params):
        return params

    def to_axis_bounds(self, bound, n_curves):
        return np.tile(bound, (n_curves, 1))

    def from_axis(self, params):
        return params

    def axis_derivative(self, params):
        return np.ones_like(params)

    def units(self, X, Y, W):
        return Units.from_data(X, Y, W, centre_y=self.model.has_bottom, centre_t=False)

    def slope_columns(self):
        start = self.names.index("coef_0")  # the coefficients and the intercept
        return list(range(start, start + self.n_features + 1))

    def model_params(self, params):
        """The model's own columns (n, 1) with rate = 1, x_mid = 0."""
        fill = {"rate": 1.0, "x_mid": 0.0}
        return [
            params[:, j, None] if j is not None else np.full((len(params), 1), fill[n])
            for n, j in zip(self.model.param_names, self._model_index, strict=True)
        ]

    def index(self, params, X):
        k = self.n_features
        start = self.names.index("coef_0")
        coef = params[:, start : start + k]
        return coef @ X.T + params[:, start + k, None]

    def value(self, theta, X):
        theta = np.asarray(theta, dtype=float)[None]
        return self.model.function(self.index(theta, X), *self.model_params(theta))[0]

    def jacobian(self, theta, X):
        return self.evaluator(np.asarray(X, dtype=float))(np.asarray(theta)[None])[1][0]

    def values(self, params, X):
        params = np.asarray(params, dtype=float)
        return self.model.function(self.index(params, X), *self.model_params(params))

    def flat_params(self, X, y, w):
        """A flat curve (coefficients 0) at the weighted mean of y."""
        level = float(np.average(y, weights=w))
        p_zero = float(self.model.profile.value(0.0, *(1.0,) * ("shape" in self.names)))
        named = {n: 0.0 for n in self.names}
        named.update(
            bottom=level, top=level if self.model.has_bottom else level / p_zero
        )
        named["shape"] = 1.0
        return np.array([named[n] for n in self.names])

    def evaluator(self, X):
        names = self.model.param_names
        i_mid = names.index("x_mid")
        start = self.names.index("coef_0")
        k = self.n_features

        def evaluate(params):
            u = self.index(params, X)
            f, Jm = self.model.value_and_jacobian(u, *self.model_params(params))
            d_u = -Jm[..., i_mid]  # x_mid enters as -u
            J = np.empty(f.shape + (len(self.names),))
            for j, m in enumerate(self._model_index):
                if m is not None:
                    J[..., m] = Jm[..., j]
            J[..., start : start + k] = d_u[..., None] * X
            J[..., start + k] = d_u
            return f, J

        return evaluate

    def raw_starts(self, X, Y, W, which, mirror):
        """One curve: the direction of a linear fit, then the model's self-start
        along it (internal units)."""
        if which == "extra":
            return []
        y, w = Y[:, 0], W[:, 0]
        root_w = np.sqrt(w)
        A = root_w[:, None] * np.column_stack([X, np.ones(len(X))])
        beta = np.linalg.lstsq(A, root_w * y, rcond=None)[0][:-1]
        norm = np.linalg.norm(beta)
        direction = beta / norm if norm > 0 else np.eye(self.n_features)[0]
        along = X @ direction
        along_units = Units.from_data(along, Y, W, centre_y=False)
        model = self.model
        start = model.raw_self_start(along_units.t(along), Y, W)[0]
        if np.isnan(start).any():
            start = model.raw_flat_start(Y, W)[0]
        # y is internal already; the index is along the direction in x's units
        named = dict(zip(model.param_names, start, strict=True))
        named["rate"] = named["rate"] / along_units.t_scale
        named["x_mid"] = along_units.t_centre + along_units.t_scale * named["x_mid"]
        rate, x_mid = named["rate"], named["x_mid"]
        for j in range(self.n_features):
            named[f"coef_{j}"] = rate * direction[j]
        named["intercept"] = -rate * x_mid
        return [np.array([[named[n] for n in self.names]])]

    @property
    def flat_needs(self):
        return set(self.names)  # no flat start for an index


@dataclass
class FitResult:
    """The fit of every curve, in the user's units (see :func:`fit`)."""

    params: np.ndarray  # (n_curves, n_params)
    covariance: np.ndarray  # (n_curves, n_params, n_params), 0 for fixed
    undetermined: np.ndarray  # (n_curves, n_params) bool
    rss: np.ndarray  # (n_curves,) weighted RSS
    n_iter: np.ndarray  # (n_curves,) of the kept start
    status: np.ndarray  # (n_curves,) engine status of the kept start
    started: np.ndarray  # (n_curves,) bool: a start existed
    n_free: int
    n_starts: int = 1  # candidate starts per curve
    pearson: np.ndarray = None  # (n_curves,) Pearson chi-squared (a family's)

    @property
    def singular(self):
        return self.undetermined.any(axis=1)


@dataclass
class Prepared:
    """A fit's data, bounds and candidate starts in internal units."""

    units: Units
    observed: np.ndarray  # (n_points, n_curves)
    t: np.ndarray  # the axis, internal
    Y: np.ndarray  # (n_points, n_curves), 0 where missing
    W: np.ndarray  # (n_points, n_curves), 0 where missing
    lower: np.ndarray  # (n_curves, n_params)
    upper: np.ndarray
    starts: list  # each (n_curves, n_params)

    def user_starts(self, design):
        """The candidate starts in the user's units."""
        return [
            design.from_axis(self.units.from_internal(s, design.kinds))
            for s in self.starts
        ]


def prepare(
    design, x, Y, W, options, *, which="all", n_random=0, rng=None, family=None
):
    """Internal units, bounds and candidate starts of a fit (see :func:`fit`)."""
    free, fixed, p0 = options.free, options.fixed, options.p0
    lower, upper = options.lower, options.upper
    n_curves = Y.shape[1]
    t = design.axis(x)
    observed = np.isfinite(Y) & (W > 0)
    W = np.where(observed, W, 0.0)
    units = design.units(t, Y, W)
    if family is not None:  # a mean's variance is a function of it: unscaled y
        units = units.unscaled_response()
    t_int = units.t(t)
    Y_int = np.where(observed, units.Y(np.where(observed, Y, 0.0)), 0.0)
    W_int = units.W(W)
    kinds = design.kinds
    names = design.names
    # bounds in internal units, per curve (the amplitudes move with each curve)
    lower_int = units.to_internal(design.to_axis_bounds(lower, n_curves), kinds)
    upper_int = units.to_internal(design.to_axis_bounds(upper, n_curves), kinds)

    def internal(values):
        """{name: (n_curves,)} in user units -> internal (n_curves, n_params)."""
        if not values:
            return None
        full = np.zeros((n_curves, len(names)))
        for name, value in values.items():
            full[:, names.index(name)] = value
        return units.to_internal(design.to_axis(full), kinds)

    fixed_int, p0_int = internal(fixed), internal(p0)
    if p0:
        starts = design.raw_starts(t_int, Y_int, W_int, "self", mirror=False)[:1]
        for name in p0:
            j = names.index(name)
            starts[0][:, j] = p0_int[:, j]
    else:
        starts = design.raw_starts(t_int, Y_int, W_int, which, mirror=True)
        if (
            which != "self"
            and family is None
            and not design.flat_needs
            <= {n for n, f in zip(names, free, strict=True) if f}
        ):
            # the flat start is not flat with these fixed; for a likelihood it
            # is kept: slope 0 puts the mean strictly inside the family's
            # range, a start of finite deviance where the grid's may not be
            starts = starts[:-1]
        elif which != "self" and family is not None:
            starts += _shallow_starts(starts[-1], design.slope_columns())
    for start in starts:
        for name in fixed:
            j = names.index(name)
            start[:, j] = fixed_int[:, j]
    if n_random and starts:
        rng = np.random.default_rng() if rng is None else rng
        starts += [_perturb(starts[0], free, rng) for _ in range(n_random)]
    starts = [np.clip(s, lower_int, upper_int) for s in starts]

    return Prepared(units, observed, t_int, Y_int, W_int, lower_int, upper_int, starts)


# Slopes of the shallow starts of a likelihood fit (internal units, where the
# data span about [-1, 1]): the mean stays well inside the family's range.
_SHALLOW = 0.5


def _shallow_starts(flat, slope_columns):
    """A rising and a falling shallow curve through the flat start's centre.

    With both asymptotes of a binomial fit fixed, the grid's steep curves can
    put the mean at exactly 0 or 1 where a proportion is not (an infinite
    deviance), and the flat start can sit on a saddle point of symmetric data
    (zero gradient in the slope): these two have a finite deviance and a
    slope to follow."""
    shallow = []
    for slope in (_SHALLOW, -_SHALLOW):
        start = flat.copy()
        start[:, slope_columns] = slope
        shallow.append(start)
    return shallow


def fit(
    design,
    x,
    Y,
    W,
    options,
    *,
    loss="linear",
    f_scale=1.0,
    tol=1e-10,
    max_nfev=None,
    which="all",
    n_random=0,
    rng=None,
    curve_done=None,
    check_at=None,
    fit_rows=None,
    family=None,
    dispersion="none",
):
    """Fit every column of ``Y`` (n_points, n_curves) by ``design``.

    Parameters
    ----------
    design : AxisDesign or IndexDesign
    x : ndarray
        The input (n_points,) or (n_points, n_features).
    Y, W : ndarray of shape (n_points, n_curves)
        Responses (NaN missing) and weights, validated.
    options : FitOptions
        Which parameters are free, ``fixed`` and ``p0`` values (one per
        curve) and the bounds, validated, in the user's units.
    loss, f_scale : robust loss (``f_scale`` in units of ``sqrt(w) y``).
    which : {"all", "self", "extra"}
        Starts: the self-start (and its mirror), the extra ones (a grid of
        sigmoids and the flat curve), or all; ``p0`` replaces the self-start
        and turns the others off.
    n_random : int
        Random perturbations of the first start (``rng``).
    curve_done, check_at : see :func:`._engine.levenberg_marquardt`;
        ``curve_done`` gets the weighted RSS in the user's units.
    fit_rows : ndarray of bool (n_curves,), optional
        Curves to fit (others get NaN); default all.
    family : Family, optional
        Maximum likelihood for quantal or count data (:mod:`._family`):
        ``rss`` is then the deviance, ``pearson`` Pearson's chi-squared and
        the covariance the inverse Fisher information, times the Pearson
        dispersion with ``dispersion="scale"``; None: least squares.

    Returns
    -------
    FitResult
    """
    prepared = prepare(
        design,
        x,
        Y,
        W,
        options,
        which=which,
        n_random=n_random,
        rng=rng,
        family=family,
    )
    free, fixed = options.free, options.fixed
    n_curves = Y.shape[1]
    units, starts, observed = prepared.units, prepared.starts, prepared.observed
    names, kinds = design.names, design.kinds
    fit_rows = np.ones(n_curves, dtype=bool) if fit_rows is None else fit_rows
    usable = [fit_rows & np.isfinite(s).all(axis=1) for s in starts]
    rows = np.concatenate([np.flatnonzero(u) for u in usable] + [np.zeros(0, int)])
    theta0 = np.concatenate(
        [s[u] for s, u in zip(starts, usable, strict=True)]
        + [np.zeros((0, len(names)))]
    )
    f_scale_int = None
    if loss != "linear":  # in units of the weighted residuals
        with np.errstate(over="ignore"):
            f_scale_int = np.broadcast_to(f_scale, (n_curves,)) / units.residual_scale()
    data = (
        design.evaluator(prepared.t),
        prepared.Y.T,
        np.sqrt(prepared.W).T,
        free,
        prepared.lower,
        prepared.upper,
    )
    if family is None:
        batch = _engine.Batch(*data, loss, f_scale_int)
    else:
        batch = LikelihoodBatch(*data, family)
    n_free = int(free.sum())
    rss_unit = units.y_scale**2 * units.w_scale

    done = None
    if curve_done is not None:

        def done(objective, rows_):
            return curve_done(objective * rss_unit[rows_], rows_)

    if max_nfev is None:
        max_nfev = 100 * (n_free + 1)
    result = _engine.levenberg_marquardt(
        batch,
        theta0,
        rows,
        tol=tol,
        max_nfev=max_nfev,
        curve_done=done,
        check_at=check_at,
    )
    # a symmetric model (4pl) fits a decreasing curve either way: report it
    # with bottom below top, the rate's sign giving the direction, and that
    # row only as a last resort where this form leaves the bounds
    mirror = np.flatnonzero(design.mirror_rows(result["params"]))
    swapped = design.mirror(result["params"][mirror])
    inside = np.all(
        (swapped >= prepared.lower[rows[mirror]] - 1e-12)
        & (swapped <= prepared.upper[rows[mirror]] + 1e-12),
        axis=1,
    )
    result["params"][mirror[inside]] = swapped[inside]
    # every row in the user's units, and the objective of what it reports
    # there: the curve chosen is the best of those reported (a steep curve's
    # rate (x - x_mid) loses digits on an offset axis, a flat one does not)
    row_params = design.from_axis(units.from_internal(result["params"], kinds, rows))
    for name, value in fixed.items():  # exactly, not through the units' rounding
        row_params[:, names.index(name)] = value[rows]
    row_rss = _user_objective(design, row_params, x, Y, W, observed, rows, family)
    choice = row_rss if loss == "linear" else result["objective"]
    choice = np.where(np.isfinite(result["objective"]), choice, np.inf)
    choice[mirror[~inside]] = _engine.LAST_RESORT
    best = _engine.best_per_curve(rows, choice, n_curves, result["status"])
    started = best >= 0
    k = best[started]

    params = np.full((n_curves, len(names)), np.nan)
    params[started] = row_params[k]
    rss = np.full(n_curves, np.nan)
    rss[started] = row_rss[k]
    r = result["r"][k]
    n_obs = observed.sum(axis=0)
    pearson = None
    with np.errstate(all="ignore"):
        rss_int = (r * r).sum(axis=1)
        sigma2 = np.where(
            n_obs[started] > n_free, rss_int / (n_obs[started] - n_free), np.nan
        )
        if family is not None:
            # J^T J is the Fisher information in internal weights w / s_w
            pearson = np.full(n_curves, np.nan)
            pearson[started] = rss_int * units.w_scale[started]
            phi = sigma2 * units.w_scale[started] if dispersion == "scale" else 1.0
            sigma2 = phi / units.w_scale[started]
    cov_int, undetermined_free = _engine.covariance(result["J"][k], sigma2)
    # cov in user units: diag(dtheta/dtheta_int) cov_int diag(...)
    _, scale = units.affine(kinds)
    d = (scale * design.axis_derivative(params))[:, free]
    cov = np.zeros((n_curves, len(names), len(names)))
    undetermined = np.zeros((n_curves, len(names)), dtype=bool)
    ix = np.flatnonzero(free)
    cov_free = np.full((n_curves, n_free, n_free), np.nan)
    with np.errstate(all="ignore"):
        cov_free[started] = cov_int * d[started][:, :, None] * d[started][:, None, :]
    cov[:, ix[:, None], ix[None, :]] = cov_free
    undetermined[np.ix_(np.flatnonzero(started), ix)] = undetermined_free
    undetermined[~started] = True
    n_iter = np.zeros(n_curves, dtype=int)
    n_iter[started] = result["n_iter"][k]
    status = np.full(n_curves, _engine.BROKEN)
    status[started] = result["status"][k]
    return FitResult(
        params=params,
        covariance=cov,
        undetermined=undetermined,
        rss=rss,
        n_iter=n_iter,
        status=status,
        started=started,
        n_free=n_free,
        n_starts=len(starts),
        pearson=pearson,
    )


def _user_objective(design, params, x, Y, W, observed, rows, family=None):
    """Weighted RSS (or, with ``family``, deviance) of each row's curve
    (``params``, user units) on its curve's data, inf where not finite."""
    with np.errstate(all="ignore"):
        mean = design.values(params, x)
        if family is None:
            residuals = np.where(observed.T[rows], Y.T[rows] - mean, 0.0)
            rss = (W.T[rows] * residuals * residuals).sum(axis=1)
        else:
            y = np.where(observed.T[rows], Y.T[rows], 0.0)
            d = family.unit_deviance(y, mean)
            rss = np.where(observed.T[rows], W.T[rows] * d, 0.0).sum(axis=1)
    return np.where(np.isfinite(rss), rss, np.inf)


def _perturb(start, free, rng):
    """A random start around ``start`` (internal units): each free parameter
    scaled by e^N(0, 1/2), or shifted by N(0, 1/2) where it is 0."""
    factor = np.exp(rng.normal(0.0, 0.5, start.shape))
    shift = rng.normal(0.0, 0.5, start.shape)
    new = np.where(start != 0, start * factor, shift)
    return np.where(free, new, start)


# --------------------------------------------------------------------------
# global fits: curves sharing parameters
# --------------------------------------------------------------------------
@dataclass
class JointResult:
    """A global fit of every curve, in the user's units (see :func:`fit_joint`)."""

    params: np.ndarray  # (n_curves, n_params), a shared parameter repeated
    covariance: object  # _arrowhead.JointCovariance, internal units
    d: np.ndarray  # (n_free,) d(user parameter)/d(internal), the row layout
    undetermined: np.ndarray  # (n_free,) bool, the row layout
    rss: float  # weighted RSS of all curves
    n_obs: int
    n_free: int  # C p + s
    n_iter: int
    status: int
    local: np.ndarray  # model columns free per curve
    shared: np.ndarray  # model columns free and shared
    n_starts: int = 1  # starts the engine ran from

    def full_covariance(self):
        """Covariance of the free parameters (row layout), user units."""
        return self.covariance.full() * self.d[:, None] * self.d[None, :]

    def curve_covariance(self):
        """Each curve's covariance of its model parameters (C, n_params,
        n_params), user units; 0 for fixed parameters."""
        C, n = self.params.shape
        p = self.local.size
        d = np.concatenate(
            [self.d[: C * p].reshape(C, p), np.tile(self.d[C * p :], (C, 1))], axis=1
        )
        block = self.covariance.per_curve() * d[:, :, None] * d[:, None, :]
        cov = np.zeros((C, n, n))
        cols = np.concatenate([self.local, self.shared])
        cov[:, cols[:, None], cols[None, :]] = block
        return cov


def joint_starts(design, x, Y, W, options, shared, *, tol, max_nfev):
    """The starts of a global fit (user units, each (n_curves, n_params)).

    Each curve fitted alone, the shared parameters pooled (their median over
    the curves fitted); and every curve at the fit of one curve to all the
    data (a point of the global model: the global fit is never worse than
    it, nor so than a constant). ``p0`` where given (the mean of a shared
    parameter's values).
    """
    alone = fit(design, x, Y, W, options, tol=tol, max_nfev=max_nfev, which="self")
    start = alone.params.copy()
    ok = alone.started & np.isfinite(start).all(axis=1)
    pooled = _one_curve_for_all(design, x, Y, W, options, tol, max_nfev)
    if ok.any():
        median = np.median(start[ok], axis=0)
    elif pooled is not None:
        median = pooled
    else:  # nothing fits: a flat curve at the mean of every response
        seen = np.isfinite(Y) & (W > 0)
        level = np.where(seen, Y, 0.0).sum() / max(seen.sum(), 1)
        median = design.flat_params(x, np.full(len(x), level), np.ones(len(x)))
    start[~ok] = median
    start[:, shared] = median[shared]
    starts = [start]
    if pooled is not None:
        starts.append(np.tile(pooled, (Y.shape[1], 1)))
    for name, value in options.p0.items():
        j = design.names.index(name)
        for s in starts:
            s[:, j] = np.mean(value) if shared[j] else value
    return starts


def _one_curve_for_all(design, x, Y, W, options, tol, max_nfev):
    """The fit of one curve to every curve's data (None when the curves'
    fixed values differ, so that no one curve is a point of the model)."""
    if any(np.ptp(v) > 0 for v in options.fixed.values()):
        return None
    n_curves = Y.shape[1]
    result = fit(
        design,
        np.tile(x, n_curves),
        Y.T.reshape(-1, 1),
        W.T.reshape(-1, 1),
        options.of_curves([0]),
        tol=tol,
        max_nfev=max_nfev,
    )
    params = result.params[0]
    return params if result.started[0] and np.isfinite(params).all() else None


def fit_joint(
    design, x, Y, W, options, shared, *, tol=1e-10, max_nfev=None, starts=None
):
    r"""Global fit of the columns of ``Y`` (n_points, n_curves), the
    parameters ``shared`` (bool, n_params) common to all curves, one residual
    variance.

    The engine runs from the first start (:func:`joint_starts`), and from the
    others only where they are already better than where it ended; in units pooled
    over the curves (:meth:`._units.Units.pooled`); its normal matrix is
    block-arrowhead (:mod:`._arrowhead`). The covariance comes from the
    same blocks.

    ``starts`` (a list of (n_curves, n_params) arrays, user units) replaces
    :func:`joint_starts` (a benchmark gives the same start to another
    optimiser).

    Returns
    -------
    JointResult
    """
    from ._arrowhead import JointBatch, joint_covariance_of_columns

    free, fixed = options.free, options.fixed
    names, kinds = design.names, design.kinds
    n_curves = Y.shape[1]
    shared = np.asarray(shared, dtype=bool) & free
    local = np.flatnonzero(free & ~shared)
    shared_ix = np.flatnonzero(shared)
    if starts is None:
        starts = joint_starts(
            design, x, Y, W, options, shared, tol=tol, max_nfev=max_nfev
        )

    t = design.axis(x)
    observed = np.isfinite(Y) & (W > 0)
    W = np.where(observed, W, 0.0)
    units = Units.pooled(t, Y, W, centre_y=design.model.has_bottom)
    t_int = units.t(t)
    Y_int = np.where(observed, units.Y(np.where(observed, Y, 0.0)), 0.0)
    W_int = units.W(W)
    lower = units.to_internal(design.to_axis_bounds(options.lower, n_curves), kinds)
    upper = units.to_internal(design.to_axis_bounds(options.upper, n_curves), kinds)

    def internal(params):
        with np.errstate(all="ignore"):
            return units.to_internal(design.to_axis(params), kinds)

    starts_int = [internal(s) for s in starts]
    fixed_values = np.zeros((n_curves, len(names)))
    for name, value in fixed.items():
        fixed_values[:, names.index(name)] = value
    fixed_int = internal(fixed_values)
    base = starts_int[0].copy()
    for name in fixed:
        j = names.index(name)
        base[:, j] = fixed_int[:, j]
    batch = JointBatch(
        design.column_evaluator(t_int),
        Y_int.T,
        np.sqrt(W_int).T,
        base,
        local,
        shared_ix,
        lower,
        upper,
    )
    theta0 = np.array([batch.row_params(s) for s in starts_int])
    theta0 = np.clip(theta0, batch.lower, batch.upper)
    theta0 = np.where(np.isfinite(theta0), theta0, 0.0)
    n_free = theta0.shape[1]
    if max_nfev is None:
        max_nfev = 100 * (len(local) + len(shared_ix) + 1)
    result = _joint_runs(batch, theta0, tol, max_nfev)
    k = int(
        np.argmin(np.where(np.isnan(result["objective"]), np.inf, result["objective"]))
    )
    rows = np.zeros(1, dtype=int)
    fitted = batch.full_params(result["params"][k : k + 1])[0]
    full_int = _canonical(design, fitted, shared, lower, upper)
    params = design.from_axis(units.from_internal(full_int, kinds))
    for name, value in fixed.items():
        params[:, names.index(name)] = value
    rows = np.arange(n_curves)
    rss = float(_user_objective(design, params, x, Y, W, observed, rows).sum())
    n_obs = int(observed.sum())
    r = result["r"][k]
    with np.errstate(all="ignore"):
        sigma2 = float(r @ r) / (n_obs - n_free) if n_obs > n_free else np.nan
    J = result["J"][k]  # by columns, (p + s, m, C)
    if not np.array_equal(full_int, fitted):
        _, J = batch.residuals_and_jacobian(
            batch.row_params(full_int)[None], batch.data(rows[:1])
        )
        J = J[0]
    cov, undetermined = joint_covariance_of_columns(J, len(local), sigma2)
    _, scale = units.affine(kinds)
    d = batch.row_params(scale * design.axis_derivative(params))
    return JointResult(
        params=params,
        covariance=cov,
        d=d,
        undetermined=undetermined,
        rss=rss,
        n_obs=n_obs,
        n_free=n_free,
        n_iter=int(result["n_iter"][k]),
        status=int(result["status"][k]),
        local=local,
        shared=shared_ix,
        n_starts=len(result["objective"]),
    )


def _joint_runs(batch, theta0, tol, max_nfev):
    """The engine from the first start; from the others only where they are
    already better than where it ended (the one curve for all rows: the
    global fit is never worse than it), the runs stacked."""
    first = _engine.levenberg_marquardt(
        batch, theta0[:1], np.zeros(1, dtype=int), tol=tol, max_nfev=max_nfev
    )
    if len(theta0) == 1:
        return first
    data = batch.data(np.zeros(1, dtype=int))
    with np.errstate(all="ignore"):
        r = np.stack(
            [batch.residuals_and_jacobian(t[None], data)[0][0] for t in theta0[1:]]
        )
        at_start = (r * r).sum(axis=1)
    better = np.flatnonzero(at_start < first["objective"][0])
    if better.size == 0:
        return first
    rest = _engine.levenberg_marquardt(
        batch,
        theta0[1:][better],
        np.zeros(better.size, dtype=int),
        tol=tol,
        max_nfev=max_nfev,
    )
    return {key: np.concatenate([first[key], rest[key]]) for key in first}


def _canonical(design, full, shared, lower, upper):
    """A symmetric model's curves with bottom below top where the sharing
    allows it: every curve when bottom and top are shared, each on its own
    when neither is, and none when only one of them is."""
    flip = design.mirror_rows(full)
    if not flip.any():
        return full
    if shared[0] != shared[1]:
        return full
    if shared[0]:
        flip[:] = True
    out = full.copy()
    out[flip] = design.mirror(full[flip])
    if shared[design.slope_columns()].any() and not flip.all():
        return full  # a shared slope cannot change sign for some curves only
    inside = np.all((out >= lower - 1e-12) & (out <= upper + 1e-12), axis=1)
    return out if inside.all() else full

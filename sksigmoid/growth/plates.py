r"""Whole plates: one growth or dose-response curve per column, fitted at once.

:func:`fit_curves` is to a 96- or 384-well plate (or a 10,000-compound screen)
what :class:`~sksigmoid.growth.SigmoidGrowthRegressor` is to one curve. All
curves share the design ``x`` (the read times or doses); each column of ``Y``
is one well, and NaNs in a column are that well's missing reads.

The curves are fitted together by a Levenberg--Marquardt iteration vectorised
across curves: at every iteration each still-active curve :math:`c` solves its
damped normal equations

.. math::
    \left(J_c^\top W_c J_c + \lambda_c \operatorname{diag}(J_c^\top W_c J_c)\right)
    \delta_c = J_c^\top W_c\, r_c

as one stack of :math:`p \times p` systems, with its own damping
:math:`\lambda_c` (Nielsen's update) and its own convergence test, and only the
curves that have not yet converged are evaluated again. A curve that converges
to the least-squares optimum gets the same estimate as
:func:`scipy.optimize.curve_fit` started from the same point.
"""

import itertools

import numpy as np
from scipy import optimize, stats
from sklearn.utils import check_array

from ..utils._optional import import_pandas
from ._common import (
    SINGULAR_EIGENVALUE,
    bound_arrays,
    check_names,
    check_p0,
    information_criteria,
    interior,
    negligible_columns,
    override_starts,
)
from ._derived import effective_dose, inflection_point, lag_time, max_slope
from ._models import MODELS, safe_log

__all__ = ["fit_curves", "starting_values"]

STATUSES = ("fit", "failed", "flat")

# Damping beyond this means no step can lower the RSS any more: a stall.
_MAX_DAMPING = 1e16
_INITIAL_DAMPING = 1e-3
# Relative RSS change indistinguishable from rounding.
_RSS_RESOLUTION = 16 * np.finfo(float).eps
# Hand the last curves to MINPACK once at most this many are left after this
# many vectorised iterations (a vectorised iteration costs ~3 MINPACK ones).
_STRAGGLERS = 4
_VECTOR_ITERATIONS = 20
# Curves that still show no growth after this many iterations stop there.
_FLAT_CHECK = 15

# --------------------------------------------------------------------------
# Input validation
# --------------------------------------------------------------------------


def _curve_model(model):
    try:
        return MODELS[model]
    except (KeyError, TypeError):
        raise ValueError(
            f"Unknown model {model!r}; fit_curves knows {sorted(MODELS)}."
        ) from None


def _response_matrix(Y):
    """``Y`` as a float (n_points, n_curves) array, and the curves' labels."""
    labels = getattr(Y, "columns", None)
    Y = check_array(Y, ensure_all_finite="allow-nan", ensure_2d=False, dtype=np.float64)
    if Y.ndim == 1:
        Y = Y[:, None]
    if labels is None:
        labels = np.arange(Y.shape[1])
    return Y, labels


def _design(x, n_points, curve_model, x_scale):
    """The design ``x`` checked, and the model's input ``t`` (``ln x`` on a log scale)."""
    if x_scale not in ("linear", "log"):
        raise ValueError(f"x_scale must be 'linear' or 'log', got {x_scale!r}.")
    x = np.asarray(x, dtype=np.float64)
    if x.ndim == 2 and x.shape[1] == 1:
        x = x[:, 0]
    if x.ndim != 1:
        raise ValueError(f"x must be 1-D (the shared design), got shape {x.shape}.")
    if x.shape[0] != n_points:
        raise ValueError(
            f"x has {x.shape[0]} points but Y has {n_points} rows; Y must be "
            "(n_points, n_curves), one column per curve."
        )
    if not np.all(np.isfinite(x)):
        raise ValueError("x contains NaN or infinity; only Y may have missing values.")
    if x_scale == "log" and curve_model.domain == "nonnegative":
        raise ValueError(
            f"Model {curve_model.name!r} is already a log model of x; use "
            "x_scale='linear'."
        )
    if (x_scale == "log" or curve_model.domain == "nonnegative") and np.any(x < 0):
        why = "x_scale='log'" if x_scale == "log" else f"model {curve_model.name!r}"
        raise ValueError(f"x must be >= 0 with {why}; got min(x) = {x.min():g}.")
    # On a log axis x = 0 is a zero-dose control: t = -inf, the curve's limit.
    return x, safe_log(x) if x_scale == "log" else x


def _weights(sample_weight, shape):
    """Weights of shape (n_points, n_curves), from None, per point or per read."""
    if sample_weight is None:
        return np.ones(shape)
    w = np.asarray(sample_weight, dtype=np.float64)
    if w.ndim == 1:
        w = w[:, None]
    if w.shape[0] != shape[0] or w.shape[1] not in (1, shape[1]):
        raise ValueError(
            f"sample_weight must have shape ({shape[0]},) or {shape}, got "
            f"{np.shape(sample_weight)}."
        )
    if not np.all(np.isfinite(w)) or np.any(w < 0):
        raise ValueError("sample_weight must be finite and non-negative.")
    return np.broadcast_to(w, shape).copy()


def _per_curve(what, name, value, n_curves):
    value = np.asarray(value, dtype=np.float64)
    if value.ndim == 0:
        value = np.full(n_curves, float(value))
    if value.shape != (n_curves,) or not np.all(np.isfinite(value)):
        raise ValueError(
            f"{what}[{name!r}] must be a finite number or {n_curves} finite "
            "numbers (one per curve)."
        )
    return value


# --------------------------------------------------------------------------
# Starting values
# --------------------------------------------------------------------------


def _start_matrices(curve_model, t, Y, W, fixed, p0):
    """Starting values (n_curves, n_params): ``fixed`` > ``p0`` > self-start.

    A list: the table's self-start, then, for an asymmetric profile with a
    bottom and no ``p0``, its mirror image, as the two lead to different
    local optima of a decreasing curve and only fitting both tells which is
    the better.
    """
    starts = curve_model.candidate_starts(t, Y, W, mirror=not p0)
    return override_starts(starts, curve_model.param_names, fixed, p0)


def starting_values(
    x,
    Y,
    model="logistic",
    *,
    x_scale="linear",
    fixed=None,
    bounds=None,
    p0=None,
    sample_weight=None,
    all_starts=False,
):
    """The starting values :func:`fit_curves` uses, one row per curve.

    Parameters are as in :func:`fit_curves`. Use it to start another optimiser
    from the same point (e.g. to compare with :func:`scipy.optimize.curve_fit`).

    Parameters
    ----------
    all_starts : bool, default=False
        Return every start: for Weibull and 5PL curves fit_curves also fits
        the mirror image of the table's self-start and keeps the better fit.

    Returns
    -------
    ndarray of shape (n_curves, n_params), or (n_starts, n_curves, n_params)
        In the order of the model's ``param_names``; NaN rows where the
        self-start fails.
    """
    problem = _Problem.from_inputs(
        x, Y, model, x_scale, fixed, bounds, p0, sample_weight
    )
    return np.stack(problem.starts) if all_starts else problem.starts[0]


# --------------------------------------------------------------------------
# The batched least-squares problem
# --------------------------------------------------------------------------


class _Problem:
    """Weighted least squares of many curves sharing one design ``t``.

    Works on the free parameters only: ``theta`` is (n_active, n_free) and
    ``rows`` says which curves those are.
    """

    def __init__(self, curve_model, x, t, Y, W, fixed, bounds, starts, labels):
        self.model = curve_model
        self.x, self.t = x, t
        self.observed = np.isfinite(Y) & (W > 0)
        self.has_gaps = not self.observed.all()
        self.Y = np.where(self.observed, Y, 0.0).T  # (n_curves, n_points)
        self.sqrt_w = np.sqrt(np.where(self.observed, W, 0.0)).T
        names = curve_model.param_names
        self.free = np.array([name not in fixed for name in names])
        self.full = starts[0].copy()  # fixed columns hold the fixed values
        self.lower, self.upper = (b[self.free] for b in bounds)
        self.starts = starts
        self.labels = labels

    @classmethod
    def from_inputs(cls, x, Y, model, x_scale, fixed, bounds, p0, sample_weight):
        curve_model = _curve_model(model)
        names = curve_model.param_names
        Y, labels = _response_matrix(Y)
        x, t = _design(x, Y.shape[0], curve_model, x_scale)
        W = _weights(sample_weight, Y.shape)
        n_curves = Y.shape[1]
        fixed = {
            k: _per_curve("fixed", k, v, n_curves)
            for k, v in check_names(fixed, names, "fixed").items()
        }
        n_free = len(names) - len(fixed)
        if n_free == 0:
            raise ValueError("Every parameter is fixed; leave at least one free.")
        if Y.shape[0] < n_free + 1:
            raise ValueError(
                f"Model {curve_model.name!r} has {n_free} free parameters and "
                f"needs at least {n_free + 1} points; x has {Y.shape[0]}."
            )
        p0 = {
            k: _per_curve("p0", k, v, n_curves)
            for k, v in check_names(p0, names, "p0").items()
        }
        lower, upper = bound_arrays(curve_model.default_bounds, bounds, names)
        check_p0(p0, names, lower, upper)
        W = np.where(np.isfinite(Y), W, 0.0)
        starts = _start_matrices(curve_model, t, Y, W, fixed, p0)
        # The self-start knows nothing of the bounds: bring it inside them.
        starts = [
            np.where(np.isnan(s), np.nan, interior(s, lower, upper)) for s in starts
        ]
        return cls(curve_model, x, t, Y, W, fixed, (lower, upper), starts, labels)

    def params(self, theta, rows):
        """Full parameter matrix (n_rows, n_params) from the free ones."""
        full = self.full[rows]
        full[:, self.free] = theta
        return full

    def _columns(self, theta, rows):
        return tuple(p[:, None] for p in self.params(theta, rows).T)

    def weighted_residuals(self, theta, rows):
        r""":math:`\sqrt{w}\,(y - f(t;\theta))`, zero at missing reads."""
        with np.errstate(all="ignore"):
            fitted = self.model.function(self.t, *self._columns(theta, rows))
            wr = self.sqrt_w[rows] * (self.Y[rows] - fitted)
        if self.has_gaps:
            wr[~self.observed.T[rows]] = 0.0
        return wr

    def rss(self, theta, rows):
        """Weighted RSS per curve (inf where not finite) and the residuals."""
        wr = self.weighted_residuals(theta, rows)
        with np.errstate(all="ignore"):
            rss = np.einsum("ni,ni->n", wr, wr)
        return np.where(np.isfinite(rss), rss, np.inf), wr

    def weighted_jacobian(self, theta, rows):
        r""":math:`\sqrt{w}\,\partial f/\partial\theta` over the free parameters."""
        with np.errstate(all="ignore"):
            jac = self.model.jacobian(self.t, *self._columns(theta, rows))
            jac = jac[..., self.free] * self.sqrt_w[rows][..., None]
        if self.has_gaps:
            jac[~self.observed.T[rows]] = 0.0
        return jac

    def normal_equations(self, theta, rows, wr):
        r""":math:`A = J^\top W J` (n, q, q) and :math:`g = J^\top W r` (n, q).

        ``wr`` are the weighted residuals at ``theta``, from :meth:`rss`.
        """
        jac = self.weighted_jacobian(theta, rows)
        with np.errstate(all="ignore"):
            A = np.einsum("nip,niq->npq", jac, jac)
            g = np.einsum("nip,ni->np", jac, wr)
        return A, g


# --------------------------------------------------------------------------
# Vectorised Levenberg-Marquardt
# --------------------------------------------------------------------------


def _damped_steps(A, g, damping):
    r"""Solve :math:`(A + \lambda\,\mathrm{diag}(A))\,\delta = g` for each curve.

    The diagonal is floored so that a parameter the data do not move (a zero
    column of J) gets a zero step rather than a singular system. Returns NaN
    steps for systems that cannot be solved.
    """
    diag = np.diagonal(A, axis1=1, axis2=2)
    floor = np.finfo(float).eps * np.maximum(diag.max(axis=1, keepdims=True), 1.0)
    M = A + damping[:, None, None] * _as_diagonal(np.maximum(diag, floor))
    steps = np.full_like(g, np.nan)
    solvable = np.all(np.isfinite(M), axis=(1, 2)) & np.all(np.isfinite(g), axis=1)
    try:
        steps[solvable] = np.linalg.solve(M[solvable], g[solvable][..., None])[..., 0]
    except np.linalg.LinAlgError:
        for c in np.flatnonzero(solvable):
            try:
                steps[c] = np.linalg.solve(M[c], g[c])
            except np.linalg.LinAlgError:
                pass
    return steps


def _as_diagonal(values):
    """(n, q) -> (n, q, q) stack of diagonal matrices."""
    out = np.zeros(values.shape + values.shape[-1:])
    idx = np.arange(values.shape[-1])
    out[:, idx, idx] = values
    return out


def _nielsen_damping(damping, nu, gain, accepted):
    r"""Nielsen's (1999) damping update from the gain ratio :math:`\rho`.

    Accepted: :math:`\lambda \leftarrow \lambda \max(1/3, 1 - (2\rho - 1)^3)`,
    :math:`\nu \leftarrow 2`; rejected: :math:`\lambda \leftarrow \nu\lambda`,
    :math:`\nu \leftarrow 2\nu`.
    """
    with np.errstate(all="ignore"):
        shrink = np.maximum(1 / 3, 1 - (2 * gain - 1) ** 3)
    new_damping = np.where(accepted, damping * shrink, damping * nu)
    new_nu = np.where(accepted, 2.0, 2 * nu)
    return new_damping, new_nu


def _converged(step, theta, A, g, rss, reduction, predicted, tol):
    r"""Per-curve stopping tests, those of MINPACK's ``lmder``.

    With :math:`D = \sqrt{\operatorname{diag} A}`: the step is small,
    :math:`\|D\delta\| \le \mathrm{tol}\,(\|D\theta\| + \mathrm{tol})`; the
    gradient is orthogonal to the residuals,
    :math:`\max_j |g_j| / (D_j \sqrt{\mathrm{RSS}}) \le \mathrm{tol}`; or the
    RSS can no longer change (actual and predicted relative reduction at
    rounding level). MINPACK's ``ftol`` at ``tol`` would stop with parameters
    good to only :math:`\sqrt{\mathrm{tol}}` of a standard error.
    """
    scale = np.sqrt(np.diagonal(A, axis1=1, axis2=2))
    resolution = _RSS_RESOLUTION * rss
    with np.errstate(all="ignore"):
        small_step = np.linalg.norm(scale * step, axis=1) <= tol * (
            np.linalg.norm(scale * theta, axis=1) + tol
        )
        cosine = np.abs(g) / (scale * np.sqrt(rss)[:, None])
    stationary = np.all(np.nan_to_num(cosine) <= tol, axis=1)
    no_change = (np.abs(reduction) <= resolution) & (predicted <= resolution)
    return small_step | stationary | no_change | (rss <= np.finfo(float).tiny)


def levenberg_marquardt(problem, theta, rows, max_nfev, tol, no_growth=None):
    """Minimise every curve's weighted RSS from ``theta`` (n_rows, n_free).

    Iterates on all curves together while many are active; the last few
    (stragglers: garbage wells creeping towards infinite parameters) are
    finished one by one by MINPACK through :func:`_finish_one`: a vectorised
    iteration has a fixed cost of a few MINPACK iterations, however few
    curves remain.

    ``no_growth(rss, rows)``, if given, says which curves explain no more than
    a constant; those still iterating after ``_FLAT_CHECK`` iterations stop:
    an empty well's least-squares "curve" is a step fitted to noise, whose
    parameters run off to infinity for hundreds of iterations.

    Returns
    -------
    theta : ndarray (n_rows, n_free)
    rss : ndarray (n_rows,)
    A : ndarray (n_rows, n_free, n_free)
        :math:`J^\top W J` at the returned ``theta``.
    n_iter : ndarray of int (n_rows,)
        Trial steps taken (one model evaluation each).
    converged : ndarray of bool (n_rows,)
    """
    theta = theta.copy()
    n = len(rows)
    rss, wr = problem.rss(theta, rows)
    A, g = problem.normal_equations(theta, rows, wr)
    damping = np.full(n, _INITIAL_DAMPING)
    nu = np.full(n, 2.0)
    n_iter = np.zeros(n, dtype=int)
    converged = np.zeros(n, dtype=bool)
    active = np.isfinite(rss) & np.all(np.isfinite(A), axis=(1, 2))
    for iteration in itertools.count():
        if iteration >= _FLAT_CHECK and no_growth is not None:
            i = np.flatnonzero(active)
            active[i] = ~no_growth(rss[i], rows[i])
        if not active.any():
            break
        i = np.flatnonzero(active)
        if i.size <= _STRAGGLERS and n_iter[i].min() >= _VECTOR_ITERATIONS:
            break
        step = _damped_steps(A[i], g[i], damping[i])
        trial = np.clip(theta[i] + step, problem.lower, problem.upper)
        step = trial - theta[i]
        trial_rss, trial_wr = problem.rss(trial, rows[i])
        n_iter[i] += 1
        reduction = rss[i] - trial_rss
        predicted = np.einsum("np,np->n", step, 2 * g[i]) - np.einsum(
            "np,npq,nq->n", step, A[i], step
        )
        with np.errstate(all="ignore"):
            gain = reduction / predicted
        accepted = np.isfinite(trial_rss) & (reduction > 0)
        done = _converged(step, theta[i], A[i], g[i], rss[i], reduction, predicted, tol)
        damping[i], nu[i] = _nielsen_damping(damping[i], nu[i], gain, accepted)
        moved = i[accepted]
        theta[moved], rss[moved] = trial[accepted], trial_rss[accepted]
        if moved.size:
            A[moved], g[moved] = problem.normal_equations(
                theta[moved], rows[moved], trial_wr[accepted]
            )
        stalled = damping[i] > _MAX_DAMPING
        broken = ~np.all(np.isfinite(A[i]), axis=(1, 2)) | ~np.all(
            np.isfinite(step), axis=1
        )
        converged[i] = (done | stalled) & ~broken
        active[i] = ~(done | stalled | broken) & (n_iter[i] < max_nfev)
    for c in np.flatnonzero(active):
        theta[c], n_more, converged[c] = _finish_one(
            problem, theta[c], rows[c], max_nfev - n_iter[c], tol
        )
        n_iter[c] += n_more
        one = theta[c][None], rows[c : c + 1]
        rss_c, wr_c = problem.rss(*one)
        rss[c], A[c] = rss_c[0], problem.normal_equations(*one, wr_c)[0][0]
    return theta, rss, A, n_iter, converged


def _finish_one(problem, theta, row, max_nfev, tol):
    """Carry one curve's fit on with scipy's least_squares (MINPACK if unbounded).

    Returns the parameters, the evaluations used and whether it converged.
    """
    keep = problem.observed[:, row]
    t, y, sqrt_w = problem.t[keep], problem.Y[row, keep], problem.sqrt_w[row, keep]
    params, free = problem.full[row].copy(), problem.free

    def residuals(theta_free):
        params[free] = theta_free
        return sqrt_w * (problem.model.function(t, *params) - y)

    def jacobian(theta_free):
        params[free] = theta_free
        return sqrt_w[:, None] * problem.model.jacobian(t, *params)[:, free]

    bounded = np.isfinite(problem.lower).any() or np.isfinite(problem.upper).any()
    tol = max(tol, np.finfo(float).eps)
    with np.errstate(all="ignore"):
        result = optimize.least_squares(
            residuals,
            interior(theta, problem.lower, problem.upper) if bounded else theta,
            jac=jacobian,
            x_scale="jac",
            bounds=(problem.lower, problem.upper),
            method="trf" if bounded else "lm",
            xtol=tol,
            gtol=tol,
            ftol=np.finfo(float).eps,
            max_nfev=max(int(max_nfev), 1),
        )
    return result.x, result.nfev, result.status > 0 and np.all(np.isfinite(result.x))


# --------------------------------------------------------------------------
# Statistics of the fits
# --------------------------------------------------------------------------


def _covariances(A, sigma2, n_points):
    r""":math:`\hat\sigma^2 (J^\top W J)^{-1}` per curve, and which are singular.

    Inverted through the correlation form :math:`D^{-1} A D^{-1}`,
    :math:`D = \sqrt{\operatorname{diag} A}`, so that parameters of very
    different scales do not make a well-determined fit look singular. Singular:
    an eigenvalue of the correlation form below :data:`SINGULAR_EIGENVALUE`, or
    a negligible column of J (:func:`negligible_columns`), as the regressor
    decides.
    """
    n, q, _ = A.shape
    cov = np.full_like(A, np.nan)
    finite = np.all(np.isfinite(A), axis=(1, 2))
    scale = np.sqrt(np.diagonal(A, axis1=1, axis2=2))
    ok = finite & np.all(scale > 0, axis=1)
    ok[finite] &= ~negligible_columns(scale[finite], n_points).any(axis=1)
    with np.errstate(all="ignore"):
        R = A / (scale[:, :, None] * scale[:, None, :])
    eig = np.full(n, -np.inf)
    eig[ok] = np.linalg.eigvalsh(R[ok])[:, 0]
    ok &= eig > SINGULAR_EIGENVALUE
    R_inv = np.linalg.inv(R[ok])
    with np.errstate(over="ignore"):  # a tiny column scale: an infinite variance
        cov[ok] = (
            sigma2[ok, None, None] * R_inv / (scale[ok, :, None] * scale[ok, None, :])
        )
    return cov, ~ok


def _total_sum_of_squares(problem):
    r"""Weighted :math:`\sum_i w_i (y_i - \bar y_w)^2` per curve (about a constant)."""
    w = problem.sqrt_w**2
    with np.errstate(all="ignore"):
        mean = np.einsum("ni,ni->n", w, problem.Y) / w.sum(axis=1)
        dev = problem.Y - mean[:, None]
    return np.einsum("ni,ni,ni->n", w, dev, dev)


def _is_constant(problem, tss):
    """Curves whose reads are all equal (up to rounding)."""
    w = problem.sqrt_w**2
    size = np.einsum("ni,ni,ni->n", w, problem.Y, problem.Y)
    return tss <= (64 * np.finfo(float).eps) ** 2 * size


def _aicc(problem, rss, n_free):
    """AICc of every fit, weights as inverse variances (as the regressor's)."""
    sqrt_w = problem.sqrt_w
    positive = sqrt_w > 0
    log_w = np.log(sqrt_w, where=positive, out=np.zeros_like(sqrt_w)).sum(axis=1)
    return information_criteria(rss, positive.sum(axis=1), n_free, 2 * log_w)[1]


def _no_growth(tss, rss, n_obs, n_free, alpha):
    r"""Whether the curve explains no more than a constant (F-test at ``alpha``).

    .. math::
        F = \frac{(\mathrm{TSS} - \mathrm{RSS}) / (q - 1)}{\mathrm{RSS} / (n - q)}

    """
    df1 = max(n_free - 1, 1)
    df2 = n_obs - n_free
    with np.errstate(all="ignore"):
        F = ((tss - rss) / df1) / (rss / df2)
        p_value = stats.f.sf(np.nan_to_num(F, nan=0.0, posinf=np.inf), df1, df2)
    return p_value > alpha


# --------------------------------------------------------------------------
# The public function
# --------------------------------------------------------------------------


def fit_curves(
    x,
    Y,
    model="logistic",
    *,
    x_scale="linear",
    fixed=None,
    bounds=None,
    p0=None,
    sample_weight=None,
    max_nfev=None,
    tol=1e-10,
    flat_alpha=1e-3,
    derived=True,
):
    r"""Fit one sigmoid curve to every column of ``Y`` at once.

    The job of R's growthcurver for a whole plate: every well's curve is fitted
    by least squares (Levenberg--Marquardt, vectorised across wells), started
    from the model's self-start, and reported with standard errors,
    goodness-of-fit, derived quantities and a status.

    Parameters
    ----------
    x : array-like of shape (n_points,)
        The shared design: read times (growth) or doses (dose-response).
    Y : array-like or DataFrame of shape (n_points, n_curves)
        One curve per column. NaN marks a missing read of that curve.
    model : str, default="logistic"
        A key of :data:`sksigmoid.growth.MODELS` (``"logistic"``, ``"4pl"``,
        ``"gompertz"`` ...).
    x_scale : {"linear", "log"}, default="linear"
        With ``"log"`` the curve is a function of :math:`\ln x` (dose-response);
        ``x = 0`` is then a zero-dose control at the curve's lower-dose limit.
    fixed : dict, default=None
        ``{parameter: value}`` held fixed, e.g. ``{"bottom": 0}``; a value may
        be one number or one per curve.
    bounds : dict, default=None
        ``{parameter: (lower, upper)}``; steps are projected onto the bounds.
    p0 : dict, default=None
        ``{parameter: value}`` starting values (one number or one per curve);
        parameters not given come from the model's self-start.
    sample_weight : array-like of shape (n_points,) or (n_points, n_curves), default=None
        Weights :math:`w_i` of weighted least squares (e.g. :math:`1/\sigma_i^2`).
    max_nfev : int, default=None
        Most trial steps per curve; ``None`` means :math:`100\,(q + 1)` for
        :math:`q` free parameters. Curves that need more are ``"failed"``.
    tol : float, default=1e-10
        Relative tolerance of MINPACK's three tests (parameter step, RSS
        change, gradient cosine).
    flat_alpha : float, default=1e-3
        A curve is ``"flat"`` (no growth) when an F-test against a constant
        response has a p-value above ``flat_alpha``.
    derived : bool, default=True
        Also report the model's derived quantities (inflection point / EC50,
        maximum slope, lag time ...).

    Returns
    -------
    DataFrame
        One row per curve, indexed by the columns of ``Y`` (DataFrame) or
        ``0 .. n_curves - 1``, with the columns

        - one per parameter, and ``<parameter>_se`` its standard error
          :math:`\sqrt{[\hat\sigma^2 (J^\top W J)^{-1}]_{jj}}` (NaN when fixed);
        - ``rss`` (weighted), ``sigma`` :math:`=\sqrt{\mathrm{RSS}/(n - q)}`,
          ``r2`` (against the weighted mean), ``aicc``, ``n_obs``, ``n_iter``;
        - derived quantities of the model when ``derived``;
        - ``status``: ``"fit"``; ``"flat"`` (no growth: the curve explains no
          more than a constant, see ``flat_alpha``; parameters are where the
          fit stopped, or NaN for a constant response, and no derived
          quantities); ``"failed"`` (too few reads, no usable start, no
          convergence within ``max_nfev`` -- e.g. a curve without a plateau,
          whose asymptote runs off -- or a singular :math:`J^\top W J`, e.g.
          a step with no read on its rise, whose rate no longer moves the
          curve: the best point found is reported, with infinite standard
          errors when singular, and no derived quantities).

    Notes
    -----
    Each curve stops on its own by the tests of MINPACK's ``lmder``: a scaled
    step :math:`\|D\delta\| \le \mathrm{tol}\,\|D\theta\|` or a gradient
    cosine :math:`\le \mathrm{tol}` (or an RSS that can no longer change).
    MINPACK's relative-RSS test is left out: at ``tol`` it stops with the
    parameters good to only :math:`\sqrt{\mathrm{tol}}` of a standard error,
    which is why curve_fit at its defaults can differ from the optimum by
    :math:`10^{-4}` of a standard error. Curves that still show no growth
    after 15 iterations (empty wells: a step fitted to noise runs off to
    infinity) stop there as ``"flat"``, and the last few slow curves are
    finished one at a time by MINPACK (:func:`scipy.optimize.least_squares`),
    where one iteration costs less than a vectorised one.

    For the Weibull and 5PL models (asymmetric, with a bottom) a decreasing
    curve can be fitted with a negative slope or with bottom above top, two
    different local optima; without ``p0`` both starts are fitted and each
    curve keeps the better.

    Raises
    ------
    ValueError
        Unknown model or parameter name, ``x`` and ``Y`` of different lengths,
        fewer points than parameters + 1, NaN/inf in ``x`` (or inf in ``Y``),
        ``x < 0`` with ``x_scale="log"`` or a model defined for ``x >= 0``,
        ``p0`` outside ``bounds``.
    ImportError
        When pandas is not installed.

    See Also
    --------
    sksigmoid.growth.SigmoidGrowthRegressor : one curve, with full inference.
    scipy.optimize.curve_fit : the per-curve fit this reproduces.

    Examples
    --------
    >>> import numpy as np
    >>> from sksigmoid.growth import fit_curves
    >>> t = np.linspace(0, 24, 25)
    >>> Y = np.column_stack([2 / (1 + np.exp(-0.5 * (t - m))) for m in (8, 10, 12)])
    >>> fit_curves(t, Y)[["top", "rate", "x_mid", "status"]].round(3)
       top  rate  x_mid status
    0  2.0   0.5    8.0    fit
    1  2.0   0.5   10.0    fit
    2  2.0   0.5   12.0    fit
    """
    pd = import_pandas("fit_curves")
    problem = _Problem.from_inputs(
        x, Y, model, x_scale, fixed, bounds, p0, sample_weight
    )
    n_free = int(problem.free.sum())
    if max_nfev is None:
        max_nfev = 100 * (n_free + 1)
    fit = _fit_all(problem, max_nfev, tol, flat_alpha)
    columns = _parameter_columns(problem, fit)
    columns.update(_fit_statistics(problem, fit, n_free, flat_alpha))
    if derived:
        columns.update(_derived_columns(problem.model, fit, x_scale, columns["status"]))
    columns["status"] = pd.Categorical(columns.pop("status"), categories=STATUSES)
    return pd.DataFrame(columns, index=pd.Index(problem.labels))


def _fit_all(problem, max_nfev, tol, flat_alpha):
    """Run the batched fit on every curve that has a start and enough reads.

    With several starts per curve (see :func:`_start_matrices`) all are fitted
    in the same batch and each curve keeps the fit of smallest RSS.
    """
    n_curves = problem.Y.shape[0]
    n_free = int(problem.free.sum())
    n_obs = problem.observed.sum(axis=0)
    tss = _total_sum_of_squares(problem)
    constant = _is_constant(problem, tss)
    fittable = (n_obs > n_free) & ~constant
    started = [fittable & np.all(np.isfinite(s), axis=1) for s in problem.starts]
    rows = np.concatenate([np.flatnonzero(ok) for ok in started])
    theta0 = np.concatenate(
        [s[ok][:, problem.free] for s, ok in zip(problem.starts, started, strict=True)]
    )

    def no_growth(rss, rows):
        return _no_growth(tss[rows], rss, n_obs[rows], n_free, flat_alpha)

    results = levenberg_marquardt(problem, theta0, rows, max_nfev, tol, no_growth)
    fit = _best_per_curve(rows, results, n_curves, n_free)
    fit["params"] = problem.params(fit["theta"], np.arange(n_curves))
    fit["params"][constant] = np.nan
    startable = np.zeros(n_curves, dtype=bool)
    startable[rows] = True
    fit.update(n_obs=n_obs, tss=tss, constant=constant, startable=startable)
    return fit


def _best_per_curve(rows, results, n_curves, n_free):
    """For each curve, the result (of possibly several starts) of smallest RSS."""
    fit = {
        "theta": np.full((n_curves, n_free), np.nan),
        "rss": np.full(n_curves, np.nan),
        "A": np.full((n_curves, n_free, n_free), np.nan),
        "n_iter": np.zeros(n_curves, dtype=int),
        "converged": np.zeros(n_curves, dtype=bool),
    }
    rss = np.nan_to_num(results[1], nan=np.inf)
    # sort by curve, then by RSS: the first of each curve wins
    order = np.lexsort((rss, rows))
    first = np.ones(order.size, dtype=bool)
    first[1:] = rows[order][1:] != rows[order][:-1]
    keep = order[first]
    for key, value in zip(fit, results, strict=True):
        fit[key][rows[keep]] = value[keep]
    return fit


def _parameter_columns(problem, fit):
    """Parameters and standard errors (0 when fixed, inf when not identified)."""
    names = problem.model.param_names
    with np.errstate(all="ignore"):
        fit["sigma2"] = fit["rss"] / (fit["n_obs"] - problem.free.sum())
    cov, fit["singular"] = _covariances(fit["A"], fit["sigma2"], problem.Y.shape[1])
    se = np.zeros((len(fit["rss"]), len(names)))
    se[:, problem.free] = np.sqrt(np.diagonal(cov, axis1=1, axis2=2))
    se[fit["singular"] & fit["startable"]] = np.inf
    se[~fit["startable"]] = np.nan
    columns = {name: fit["params"][:, j] for j, name in enumerate(names)}
    columns.update({f"{name}_se": se[:, j] for j, name in enumerate(names)})
    return columns


def _fit_statistics(problem, fit, n_free, flat_alpha):
    """rss, sigma, r2, aicc, n_obs, n_iter and the status of every curve."""
    rss, tss = fit["rss"], fit["tss"]
    flat = fit["constant"] | _no_growth(tss, rss, fit["n_obs"], n_free, flat_alpha)
    flat &= fit["n_obs"] > n_free  # too few reads to tell: failed
    good = fit["converged"] & ~fit["singular"] & fit["startable"]
    with np.errstate(all="ignore"):
        return {
            "rss": rss,
            "sigma": np.sqrt(fit["sigma2"]),
            "r2": 1 - rss / tss,
            "aicc": _aicc(problem, rss, n_free),
            "n_obs": fit["n_obs"],
            "n_iter": fit["n_iter"],
            "status": np.where(flat, "flat", np.where(good, "fit", "failed")),
        }


def _derived_columns(curve_model, fit, x_scale, status):
    """Inflection point, ED50, maximum slope and lag time of the "fit" curves."""
    params = np.where((status == "fit")[:, None], fit["params"], np.nan).T
    with np.errstate(all="ignore"):
        return {
            "inflection": inflection_point(curve_model, params, x_scale),
            "ed50": effective_dose(curve_model, params, 50.0, x_scale),
            "max_slope": max_slope(curve_model, params),
            "lag_time": lag_time(curve_model, params, x_scale),
        }

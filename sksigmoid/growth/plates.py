r"""Whole plates: one growth or dose-response curve per column, fitted at once.

:func:`fit_curves` is to a 96- or 384-well plate (or a 10,000-compound screen)
what :class:`~sksigmoid.growth.SigmoidGrowthRegressor` is to one curve, and
runs the same engine (:mod:`._engine`): all curves share the design ``x`` (the
read times or doses); each column of ``Y`` is one well, and NaNs in a column
are that well's missing reads. Every start of every curve is one row of the
engine's batch, which solves one stack of small damped normal equations per
iteration, each row with its own damping and its own (relative) stopping
tests.
"""

from numbers import Integral, Real

import numpy as np
from scipy import stats
from sklearn.utils import check_array
from sklearn.utils._param_validation import Interval, StrOptions, validate_params

from ..utils._optional import import_pandas
from . import _engine, _family
from ._common import (
    check_option_names,
    check_weights,
    fit_options,
    information_criteria,
)
from ._derived import effective_dose, inflection_point, lag_time, max_slope
from ._global import check_shared
from ._models import MODELS
from ._problem import GOOD, AxisDesign, fit, fit_joint, prepare

__all__ = ["fit_curves", "starting_values"]

STATUSES = ("fit", "failed", "flat")

# Curves that still show no growth after this many iterations stop there.
_FLAT_CHECK = 15
# Memory of a chunk: about this many floats per array of the batch.
_CHUNK_FLOATS = 4_000_000

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
    kind = getattr(np.asarray(Y), "dtype", np.dtype(float)).kind
    if kind == "b":
        raise ValueError("Y is boolean: fit_curves needs numeric responses.")
    try:
        Y = check_array(
            Y, ensure_all_finite="allow-nan", ensure_2d=False, dtype=np.float64
        )
    except (TypeError, ValueError) as error:
        raise ValueError(
            f"Y must be a numeric array (NaN for missing): {error}"
        ) from None
    if Y.ndim == 1:
        Y = Y[:, None]
    if labels is None:
        labels = np.arange(Y.shape[1])
    return Y, labels


def _check_x(x, n_points, curve_model, x_scale):
    """The design ``x`` checked (1-D, finite, in the model's domain)."""
    try:
        x = np.asarray(x, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError("x must be numeric.") from None
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
    return x


class _Plate:
    """The validated input of :func:`fit_curves`."""

    def __init__(
        self,
        x,
        Y,
        model,
        x_scale,
        fixed,
        bounds,
        p0,
        sample_weight,
        family="gaussian",
        overdispersion="none",
    ):
        self.model = _curve_model(model)
        self.design = AxisDesign(model, x_scale)
        self.log_x = x_scale == "log"
        names = self.model.param_names
        self.Y, self.labels = _response_matrix(Y)
        self.x = _check_x(x, self.Y.shape[0], self.model, x_scale)
        self.W = check_weights(sample_weight, self.Y.shape)
        n_curves = self.Y.shape[1]
        check_option_names(fixed, p0, bounds, names)
        self.family = _family.FAMILIES.get(family)
        self.overdispersion = overdispersion
        if self.family is not None:
            self._check_family_data()
            if fixed is None:
                fixed = _family.default_fixed(self.family, names)
            bounds = _family.asymptote_bounds(self.family, names, bounds)
        elif overdispersion != "none":
            raise ValueError(
                'overdispersion="scale" applies to family="binomial" or "poisson".'
            )
        self.options = fit_options(
            list(names), self.model.default_bounds, fixed, p0, bounds, n_curves
        )
        n_free = self.options.n_free
        if n_free == 0:
            raise ValueError("Every parameter is fixed; leave at least one free.")
        if self.Y.shape[0] < n_free + 1:
            raise ValueError(
                f"Model {self.model.name!r} has {n_free} free parameters and "
                f"needs at least {n_free + 1} points; x has {self.Y.shape[0]}."
            )

    def _check_family_data(self):
        """Each read as :func:`._family.check_data` wants it (missing reads,
        NaN, aside)."""
        seen = np.isfinite(self.Y)
        y, w = self.Y[seen], np.broadcast_to(self.W, self.Y.shape)[seen]
        _family.check_data(self.family, y, w, self.overdispersion)


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
    """The starting values :func:`fit_curves` uses first, one row per curve.

    Parameters are as in :func:`fit_curves`. Use it to start another optimiser
    from the same point (e.g. to compare with :func:`scipy.optimize.curve_fit`).

    Parameters
    ----------
    all_starts : bool, default=False
        Return every start of the first pass: for Weibull and 5PL curves
        fit_curves also fits the mirror image of the table's self-start and
        keeps the better fit.

    Returns
    -------
    ndarray of shape (n_curves, n_params), or (n_starts, n_curves, n_params)
        In the order of the model's ``param_names``; NaN rows where the
        self-start fails.
    """
    plate = _Plate(x, Y, model, x_scale, fixed, bounds, p0, sample_weight)
    prepared = prepare(
        plate.design, plate.x, plate.Y, plate.W, plate.options, which="self"
    )
    starts = prepared.user_starts(plate.design)
    return np.stack(starts) if all_starts else starts[0]


# --------------------------------------------------------------------------
# Statistics of the fits
# --------------------------------------------------------------------------


def _total_sum_of_squares(Y, W):
    r"""Weighted :math:`\sum_i w_i (y_i - \bar y_w)^2` per curve (about a constant)."""
    w = np.where(np.isfinite(Y), W, 0.0)
    y = np.where(w > 0, Y, 0.0)
    with np.errstate(all="ignore"):
        mean = (w * y).sum(axis=0) / w.sum(axis=0)
        dev = np.where(w > 0, y - mean, 0.0)
    return (w * dev * dev).sum(axis=0), (w * y * y).sum(axis=0)


def _aicc(Y, W, rss, n_free):
    """AICc of every fit, weights as inverse variances (as the regressor's)."""
    w = np.where(np.isfinite(Y), W, 0.0)
    positive = w > 0
    log_w = np.log(w, where=positive, out=np.zeros_like(w)).sum(axis=0)
    return information_criteria(rss, positive.sum(axis=0), n_free, log_w)[1]


def _null_deviance(Y, W, family):
    r"""The deviance of a constant mean :math:`\bar y_w` per curve (a
    likelihood fit's TSS), and the size of its terms."""
    w = np.where(np.isfinite(Y), W, 0.0)
    y = np.where(w > 0, Y, 0.0)
    with np.errstate(all="ignore"):
        mean = (w * y).sum(axis=0) / w.sum(axis=0)
        d = np.where(w > 0, w * family.unit_deviance(y, mean), 0.0)
    return d.sum(axis=0), (w * family.magnitude(y)).sum(axis=0)


def _no_growth(tss, rss, n_obs, n_free, alpha, likelihood=False):
    r"""Whether the curve explains no more than a constant (F-test at ``alpha``).

    .. math::
        F = \frac{(\mathrm{TSS} - \mathrm{RSS}) / (q - 1)}{\mathrm{RSS} / (n - q)}

    With ``likelihood`` (a binomial or Poisson fit, ``tss`` the null deviance
    and ``rss`` the deviance): the likelihood-ratio test, :math:`D_0 - D`
    against :math:`\chi^2_{q - 1}`.
    """
    df1 = max(n_free - 1, 1)
    if likelihood:
        with np.errstate(all="ignore"):
            lr = np.nan_to_num(tss - rss, nan=0.0, posinf=np.inf)
            return stats.chi2.sf(np.maximum(lr, 0.0), df1) > alpha
    df2 = n_obs - n_free
    with np.errstate(all="ignore"):
        F = ((tss - rss) / df1) / (rss / df2)
        F = np.nan_to_num(F, nan=0.0, posinf=np.inf)
        p_value = np.where(df2 > 0, stats.f.sf(F, df1, np.maximum(df2, 1)), 1.0)
    return p_value > alpha


# --------------------------------------------------------------------------
# The public function
# --------------------------------------------------------------------------


@validate_params(
    {
        "x_scale": [StrOptions({"linear", "log"})],
        "fixed": [dict, None],
        "bounds": [dict, None],
        "p0": [dict, None],
        "max_nfev": [Interval(Integral, 1, None, closed="left"), None],
        "tol": [Interval(Real, 0, None, closed="neither")],
        "flat_alpha": [Interval(Real, 0, 1, closed="neither")],
        "derived": ["boolean"],
        "chunk_size": [Interval(Integral, 1, None, closed="left"), None],
        "shared": [list, tuple, None],
        "progress": [callable, None],
        "family": [StrOptions({"gaussian", "binomial", "poisson"})],
        "overdispersion": [StrOptions({"none", "scale"})],
    },
    prefer_skip_nested_validation=True,
)
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
    chunk_size=None,
    shared=None,
    progress=None,
    family="gaussian",
    overdispersion="none",
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
        Relative tolerance of the engine's stopping tests (gradient cosine,
        a step that moves the fit by less than ``tol`` of its residuals):
        every test is relative, so the fit does not depend on units.
    flat_alpha : float, default=1e-3
        A curve is ``"flat"`` (no growth) when an F-test against a constant
        response has a p-value above ``flat_alpha``.
    derived : bool, default=True
        Also report the model's derived quantities (inflection point / EC50,
        maximum slope, lag time ...).
    chunk_size : int, default=None
        Curves fitted together in one batch; memory is proportional to it.
        ``None`` chooses it from the size of a curve (about 4 million floats
        per array of the batch), so a screen of a million curves runs in
        bounded memory. The result does not depend on it.
    shared : list of str, default=None
        A global fit: these parameters are common to all curves (e.g.
        ``["bottom", "top"]``), the others per curve, one residual variance
        (as :class:`SigmoidGrowthRegressor` with ``curve``). The plate is then
        one fit, whose block-arrowhead normal matrix is solved by its Schur
        complement (time and memory linear in the number of curves;
        ``chunk_size`` does not apply). The table's standard errors come from
        the joint covariance; ``sigma``, ``aicc`` and ``n_iter`` are the joint
        fit's, and a curve is ``"fit"`` or ``"failed"`` (its own parameters
        undetermined, or no convergence), never ``"flat"``.
        ``table.attrs["shared"]`` holds the shared estimates
        ``{name: (estimate, std_error)}`` and ``table.attrs["global"]`` the
        joint ``rss``, ``dof``, ``sigma``, ``aicc``, ``n_iter`` and
        ``converged``.
    progress : callable, default=None
        Called as ``progress(done, total)`` after each chunk of curves, with
        the curves fitted so far and their total (e.g. to drive a progress
        bar on a screen of a million curves; a function has no
        ``set_callbacks``, so this is its equivalent of the regressor's
        callbacks). A global fit (``shared``) is one task: called once.
    family : {"gaussian", "binomial", "poisson"}, default="gaussian"
        As :class:`SigmoidGrowthRegressor`'s: ``"binomial"`` for plates of
        quantal data (``Y`` the proportions responding, ``sample_weight`` the
        subjects per read; asymptotes fixed at 0 and 1 unless ``fixed`` is
        given), ``"poisson"`` for counts; fitted by maximum likelihood. The
        table then reports, instead of ``rss``, ``sigma`` and ``aicc``:
        ``deviance``, ``pearson_chi2``, ``dispersion`` (:math:`X^2/(n - q)`),
        ``aic`` (from the log-likelihood), and ``r2`` is the deviance's
        :math:`1 - D/D_0` against a constant proportion or mean; a curve is
        ``"flat"`` when the likelihood-ratio test against that constant has a
        p-value above ``flat_alpha``; a curve whose zero-dose reads no
        curve with the fixed asymptotes can produce (responders among the
        controls with the lower asymptote at 0) is ``"failed"``, not fitted.
        Not with ``shared``.
    overdispersion : {"none", "scale"}, default="none"
        ``"scale"``: standard errors times :math:`\sqrt{\hat\phi}`, the
        Pearson dispersion (quasi-likelihood).

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
    Each curve stops on its own by the engine's relative tests (see
    :mod:`sksigmoid.growth._engine`); a step is kept only if it lowers the
    curve's RSS, so every curve ends at the best point it saw. Curves that
    still show no growth after 15 iterations (empty wells: a step fitted to
    noise runs off to infinity) stop there as ``"flat"``. Curves that the
    self-start leaves unconverged, without a start or worse than a constant
    are fitted again from a grid of sigmoids and from the flat curve, and keep
    the better fit.

    For the Weibull and 5PL models (asymmetric, with a bottom) a decreasing
    curve can be fitted with a negative slope or with bottom above top, two
    different local optima; without ``p0`` both starts are fitted and each
    curve keeps the better.

    To fit a screen held in a dask array, map :func:`fit_curves` over its
    blocks of columns (each block is a plate of its own) and concatenate the
    tables; see the user guide.

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
    scipy.optimize.curve_fit : the per-curve least-squares fit, one at a time.

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
    plate = _Plate(
        x, Y, model, x_scale, fixed, bounds, p0, sample_weight, family, overdispersion
    )
    if shared is not None:
        if plate.family is not None:
            raise ValueError(
                "A global fit (shared=...) is by least squares: family must be "
                f"'gaussian'; got {family!r}."
            )
        table = _fit_plate_globally(plate, shared, max_nfev, tol, derived, x_scale, pd)
        if progress is not None:
            progress(plate.Y.shape[1], plate.Y.shape[1])
        return table
    n_points, n_curves = plate.Y.shape
    n_params = len(plate.options.names)
    if chunk_size is None:
        chunk_size = max(1, _CHUNK_FLOATS // (n_points * (n_params + 2)))
    parts = []
    for start in range(0, n_curves, chunk_size):
        chunk = slice(start, start + chunk_size)
        parts.append(_fit_chunk(plate, chunk, max_nfev, tol, flat_alpha))
        if progress is not None:
            progress(min(start + chunk_size, n_curves), n_curves)
    fit = {
        key: None if parts[0][key] is None else np.concatenate([p[key] for p in parts])
        for key in parts[0]
    }
    columns = _parameter_columns(plate, fit)
    if plate.family is None:
        columns.update(_fit_statistics(plate, fit, flat_alpha))
    else:
        columns.update(_likelihood_statistics(plate, fit, flat_alpha))
    if derived:
        columns.update(_derived_columns(plate.model, fit, x_scale, columns["status"]))
    columns["status"] = pd.Categorical(columns.pop("status"), categories=STATUSES)
    return pd.DataFrame(columns, index=pd.Index(plate.labels))


def _fit_chunk(plate, chunk, max_nfev, tol, flat_alpha):
    """Fit the curves ``chunk`` of the plate: the self-start (and mirror) first,
    then the grid and flat starts for the curves that need them.

    A second pass is for curves the first left unconverged, without a start,
    or worse than a constant; curves stopped as showing no growth keep
    their first fit.
    """
    Y, W = plate.Y[:, chunk], plate.W[:, chunk]
    options = plate.options.of_curves(chunk)
    n_free = options.n_free
    observed = np.isfinite(Y) & (W > 0)
    n_obs = observed.sum(axis=0)
    family = plate.family
    if family is None:
        tss, size = _total_sum_of_squares(Y, W)
        constant = tss <= (64 * np.finfo(float).eps) ** 2 * size
    else:  # the null deviance; a constant response carries no information
        tss, size = _null_deviance(Y, W, family)
        constant = tss <= 64 * np.finfo(float).eps * size
    impossible = np.zeros(Y.shape[1], dtype=bool)
    if family is not None:
        impossible = _family.impossible_controls(
            plate.model,
            options.fixed,
            plate.x,
            np.where(observed, Y, np.nan),
            plate.log_x,
        )
    fittable = (n_obs > n_free) & ~constant & ~impossible
    likelihood = family is not None

    def no_growth(rss, rows):
        return _no_growth(tss[rows], rss, n_obs[rows], n_free, flat_alpha, likelihood)

    common = {
        "tol": tol,
        "max_nfev": max_nfev,
        "curve_done": no_growth,
        "check_at": _FLAT_CHECK,
        "family": family,
        "dispersion": plate.overdispersion,
    }
    first = fit(
        plate.design, plate.x, Y, W, options, which="self", fit_rows=fittable, **common
    )
    retry = fittable & (
        ~first.started
        | ~np.isin(first.status, GOOD + (_engine.NO_GROWTH,))
        | (first.rss > tss)
    )
    result = first
    if retry.any() and not options.p0:
        # the grid and flat starts, on those curves alone
        subset = np.flatnonzero(retry)
        second = fit(
            plate.design,
            plate.x,
            Y[:, subset],
            W[:, subset],
            options.of_curves(subset),
            which="extra",
            **{**common, "curve_done": lambda rss, rows: no_growth(rss, subset[rows])},
        )
        better = second.started & (
            ~first.started[subset]
            | (second.rss < np.nan_to_num(first.rss[subset], nan=np.inf))
        )
        result = _merge(first, second, subset[better], better)
    params = np.where(constant[:, None], np.nan, result.params)
    return {
        "params": params,
        "cov": result.covariance,
        "singular": result.singular & result.started,
        "rss": np.where(result.started, result.rss, np.nan),
        "pearson": (
            None
            if result.pearson is None
            else np.where(result.started, result.pearson, np.nan)
        ),
        "n_iter": result.n_iter,
        "converged": np.isin(result.status, GOOD),
        "started": result.started,
        "n_obs": n_obs,
        "tss": tss,
        "constant": constant,
        "impossible": impossible,
    }


def _merge(first, second, curves, rows):
    """``first`` with its ``curves`` taken from the ``rows`` of ``second``."""
    merged = {}
    for key in (
        "params",
        "covariance",
        "undetermined",
        "rss",
        "n_iter",
        "status",
        "started",
        "pearson",
    ):
        if getattr(first, key) is None:  # least squares has no Pearson statistic
            merged[key] = None
            continue
        merged[key] = getattr(first, key).copy()
        merged[key][curves] = getattr(second, key)[rows]
    return type(first)(**merged, n_free=first.n_free)


def _parameter_columns(plate, fit):
    """Parameters and standard errors (0 when fixed, inf when not identified)."""
    names = plate.options.names
    with np.errstate(all="ignore"):
        se = np.sqrt(np.diagonal(fit["cov"], axis1=1, axis2=2))
    se = np.where(plate.options.free, se, 0.0)
    se[fit["singular"]] = np.where(plate.options.free, np.inf, 0.0)
    se[~fit["started"]] = np.nan
    columns = {name: fit["params"][:, j] for j, name in enumerate(names)}
    columns.update({f"{name}_se": se[:, j] for j, name in enumerate(names)})
    return columns


def _fit_statistics(plate, fit, flat_alpha):
    """rss, sigma, r2, aicc, n_obs, n_iter and the status of every curve."""
    n_free = plate.options.n_free
    rss, tss, n_obs = fit["rss"], fit["tss"], fit["n_obs"]
    flat = fit["constant"] | _no_growth(tss, rss, n_obs, n_free, flat_alpha)
    flat &= n_obs > n_free  # too few reads to tell: failed
    good = fit["converged"] & ~fit["singular"] & fit["started"]
    with np.errstate(all="ignore"):
        sigma = np.sqrt(np.where(n_obs > n_free, rss / (n_obs - n_free), np.nan))
        return {
            "rss": rss,
            "sigma": sigma,
            "r2": np.where(tss > 0, 1 - rss / tss, np.nan),
            "aicc": _aicc(plate.Y, plate.W, rss, n_free),
            "n_obs": n_obs,
            "n_iter": fit["n_iter"],
            "status": np.where(flat, "flat", np.where(good, "fit", "failed")),
        }


def _likelihood_statistics(plate, fit, flat_alpha):
    """deviance, Pearson's statistic, dispersion, r2, aic, n_obs, n_iter and
    the status of every curve of a binomial or Poisson plate."""
    family, n_free = plate.family, plate.options.n_free
    deviance, null, n_obs = fit["rss"], fit["tss"], fit["n_obs"]
    flat = fit["constant"] | _no_growth(null, deviance, n_obs, n_free, flat_alpha, True)
    flat &= (n_obs > n_free) & ~fit["impossible"]  # impossible data: failed
    good = fit["converged"] & ~fit["singular"] & fit["started"]
    seen = np.isfinite(plate.Y) & (plate.W > 0)
    Y, W = np.where(seen, plate.Y, 0.0), np.where(seen, plate.W, 0.0)
    with np.errstate(all="ignore"):
        mean = plate.design.values(fit["params"], plate.x).T
        log_likelihood = family.log_likelihood(Y, mean, W, axis=0)
        dof = n_obs - n_free
        return {
            "deviance": deviance,
            "pearson_chi2": fit["pearson"],
            "dispersion": np.where(dof > 0, fit["pearson"] / dof, np.nan),
            "r2": np.where(null > 0, 1 - deviance / null, np.nan),
            "aic": np.where(fit["started"], -2 * log_likelihood + 2 * n_free, np.nan),
            "n_obs": n_obs,
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


def _fit_plate_globally(plate, shared, max_nfev, tol, derived, x_scale, pd):
    """fit_curves with ``shared``: the plate as one global fit."""
    names = plate.options.names
    shared = check_shared(shared, names, plate.options.fixed)
    n_curves = plate.Y.shape[1]
    if n_curves < 2:
        raise ValueError(
            f"shared={sorted(shared)} needs at least two curves; Y has one."
        )
    mask = np.array([n in shared for n in names])
    observed = np.isfinite(plate.Y) & (plate.W > 0)
    n_obs = observed.sum(axis=0)
    own = int((plate.options.free & ~mask).sum())
    if np.any(n_obs < own):
        few = np.flatnonzero(n_obs < own)[:5]
        raise ValueError(
            f"Curve(s) {[plate.labels[i] for i in few]} have fewer reads than "
            f"their own {own} parameters: share or fix more of them."
        )
    result = fit_joint(
        plate.design,
        plate.x,
        plate.Y,
        plate.W,
        plate.options,
        mask,
        tol=tol,
        max_nfev=max_nfev,
    )
    if result.n_obs <= result.n_free:
        raise ValueError(
            f"The global fit has {result.n_free} free parameters and needs more "
            f"reads than that; got {result.n_obs}."
        )
    p = result.local.size
    undetermined_local = result.undetermined[: n_curves * p].reshape(n_curves, p)
    failed = undetermined_local.any(axis=1) | (result.status not in GOOD)
    if result.undetermined[n_curves * p :].any():
        failed[:] = True
    fit = {
        "params": result.params,
        "cov": result.curve_covariance(),
        "singular": failed,
        "started": np.ones(n_curves, dtype=bool),
    }
    columns = _parameter_columns(plate, fit)
    tss, _ = _total_sum_of_squares(plate.Y, plate.W)
    with np.errstate(all="ignore"):
        residuals = np.where(
            observed, plate.Y - plate.design.values(result.params, plate.x).T, 0.0
        )
        rss = (plate.W * residuals * residuals).sum(axis=0)
    dof = result.n_obs - result.n_free
    positive = plate.W[observed]
    aicc = information_criteria(
        result.rss, result.n_obs, result.n_free, np.log(positive).sum()
    )[1]
    sigma = float(np.sqrt(result.rss / dof))
    status = np.where(failed, "failed", "fit")
    with np.errstate(all="ignore"):
        columns.update(
            rss=rss,
            sigma=np.full(n_curves, sigma),
            r2=np.where(tss > 0, 1 - rss / tss, np.nan),
            aicc=np.full(n_curves, float(aicc)),
            n_obs=n_obs,
            n_iter=np.full(n_curves, result.n_iter),
        )
    if derived:
        columns.update(_derived_columns(plate.model, fit, x_scale, status))
    columns["status"] = pd.Categorical(status, categories=STATUSES)
    table = pd.DataFrame(columns, index=pd.Index(plate.labels))
    table.attrs["shared"] = {
        name: (float(result.params[0, j]), float(columns[f"{name}_se"][0]))
        for j, name in enumerate(names)
        if mask[j]
    }
    table.attrs["global"] = {
        "rss": result.rss,
        "dof": int(dof),
        "sigma": sigma,
        "aicc": float(aicc),
        "n_iter": result.n_iter,
        "converged": bool(result.status in GOOD),
    }
    return table

"""The table of sigmoidal curve models used by the growth estimators.

Every model is ``y = A(amplitude) * P(u)`` where ``P`` is a sigmoid *profile*
rising from 0 to 1 and ``u`` is a *location index* of the input ``t``:

* amplitude: ``bottom + (top - bottom) * P`` (or ``top * P`` when the model has
  no ``bottom``, i.e. a lower asymptote of 0);
* location: ``u = rate * (t - x_mid)`` (linear) or ``u = n * (ln t - ln K)``
  (log-location, for ``t >= 0``: hill, weibull);
* profile: logistic ``expit(u)``, Richards ``expit(u)**(1/shape)``, 5PL
  ``expit(u)**shape``, Gompertz ``exp(-exp(-u))``, Weibull
  ``1 - exp(-exp(u))``, probit ``Phi(u)`` (the standard normal distribution
  function).

Interface (one :class:`CurveModel` per entry of :data:`MODELS`):

``function(t, *params) -> y`` and ``jacobian(t, *params) -> J`` broadcast: with
``t`` of shape ``(n_points,)`` and every parameter of shape ``(n_curves, 1)``
they return ``(n_curves, n_points)`` and ``(n_curves, n_points, n_params)``
(the derivatives are stacked on the last axis, in the order of
``param_names``). ``self_start_many(t, Y, W=None, mirrored=False)`` gives
starting values of many curves (the columns of ``Y``) at once from the data
alone, ``self_start(t, y, sample_weight=None) -> dict`` those of one curve (the
same computation); ``raw_self_start``, ``raw_grid_starts`` and
``raw_flat_start`` the engine's candidate starts in its internal units (see
:mod:`._problem`). ``domain`` is ``"real"`` or
``"nonnegative"`` (t >= 0). No function warns for any finite input, and ``t = -inf`` (``ln 0``, a zero-dose
control on a log axis) gives the limit of the curve.

Derived quantities use the profile: ``profile.inverse(q)`` is the ``u`` at
which ``P(u) = q`` and ``profile.u_inflection`` the ``u`` of the inflection
point; ``location.t_from_u`` maps ``u`` back to ``t``.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from scipy.special import expit, log_expit, logit, ndtr, ndtri

from .._numeric import sigmoid_derivative

__all__ = ["CurveModel", "MODELS", "safe_log"]

_EXP_MAX = 700.0  # exp(700) is finite in float64; beyond it exp overflows


def safe_log(t):
    """``ln t`` with ``ln 0 = -inf`` and no warning (negative t also gives -inf)."""
    t = np.asarray(t, dtype=float)
    return np.log(t, out=np.full(t.shape, -np.inf), where=t > 0)


def _times_finite(a, b):
    """``a * b`` where an infinite ``b`` comes with ``a = 0`` (a limit, not nan)."""
    if np.isinf(b).any():
        return a * np.where(np.isfinite(b), b, 0.0)
    return a * b


# --------------------------------------------------------------------------
# profiles P(u; shape) rising from 0 to 1
# --------------------------------------------------------------------------
@dataclass(frozen=True)
class _Profile:
    name: str
    value: Callable  # P(u, *shape)
    d_u: Callable  # dP/du
    d_shape: Callable | None  # dP/dshape (profiles with a shape parameter)
    inverse: Callable  # u such that P(u) = q
    u_inflection: Callable  # u of the inflection point, from the shape
    shape_names: tuple = ()
    # P(u) and dP/du in one pass when that is cheaper (the logistic)
    value_and_d_u: Callable | None = None

    def value_and_slope(self, u, *shape):
        """``P(u)`` and ``dP/du`` at ``u``."""
        if self.value_and_d_u is not None:
            return self.value_and_d_u(u)
        return self.value(u, *shape), self.d_u(u, *shape)


def _logistic_value_and_d_u(u):
    r""":math:`\sigma(u)` and :math:`\sigma(u)\,\sigma(-u)` from the one
    exponential :math:`e^{-|u|}` (which cannot overflow), both to full relative
    precision in either tail; several times faster than two ``expit``."""
    e = np.exp(-np.abs(u))
    s = 1.0 / (1.0 + e)  # sigma(|u|)
    es = e * s  # sigma(-|u|)
    return np.where(u >= 0, s, es), s * es


def _gompertz_value(u):
    """:math:`e^{-e^{-u}}` (the inner exponential capped: the limit is 0)."""
    return np.exp(-np.exp(np.minimum(-u, _EXP_MAX)))


def _cloglog_value(u):
    """:math:`1 - e^{-e^{u}}` (Weibull profile in ``u = shape ln(t/scale)``)."""
    return -np.expm1(-np.exp(np.minimum(u, _EXP_MAX)))


def _cloglog_d_u(u):
    """:math:`e^{u - e^{u}}`."""
    m = np.minimum(u, _EXP_MAX)
    return np.exp(m - np.exp(m))


def _gompertz_d_u(u):
    """:math:`e^{-u - e^{-u}}`, the mirror image of the Weibull profile's."""
    return _cloglog_d_u(-u)


def _power_logistic_value(u, power):
    r""":math:`\sigma(u)^{power} = e^{power \log\sigma(u)}`."""
    return np.exp(power * log_expit(u))


def _power_logistic_d_u(u, power):
    r""":math:`power\,\sigma(u)^{power}\,\sigma(-u)`."""
    return power * _power_logistic_value(u, power) * expit(-u)


def _power_logistic_d_power(u, power):
    r""":math:`\sigma(u)^{power} \log\sigma(u)`."""
    return _times_finite(_power_logistic_value(u, power), log_expit(u))


def _zero(*shape):
    return 0.0


_LOGISTIC = _Profile(
    "logistic",
    expit,
    sigmoid_derivative,
    None,
    logit,
    _zero,
    value_and_d_u=_logistic_value_and_d_u,
)
_GOMPERTZ = _Profile(
    "gompertz",
    _gompertz_value,
    _gompertz_d_u,
    None,
    lambda q: -np.log(-np.log(q)),
    _zero,
)
_CLOGLOG = _Profile(
    "cloglog",
    _cloglog_value,
    _cloglog_d_u,
    None,
    lambda q: np.log(-np.log1p(-q)),
    _zero,
)
_SQRT_2PI = np.sqrt(2 * np.pi)
# Probit: the standard normal distribution function (Finney's tolerance model)
_PROBIT = _Profile(
    "probit",
    ndtr,
    # |u| > 40 is 0 to float64 (e^-800); clipped so that u * u cannot overflow
    lambda u: np.exp(-0.5 * np.square(np.clip(u, -40.0, 40.0))) / _SQRT_2PI,
    None,
    ndtri,
    _zero,
)
# Richards: P = expit(u) ** (1/shape); inflection where expit(u) = 1/(1+shape)
_RICHARDS = _Profile(
    "richards",
    lambda u, s: _power_logistic_value(u, 1 / s),
    lambda u, s: _power_logistic_d_u(u, 1 / s),
    lambda u, s: -_power_logistic_d_power(u, 1 / s) / s**2,
    lambda q, s: logit(q**s),
    lambda s: -np.log(s),
    ("shape",),
)
# 5PL: P = expit(u) ** shape; inflection where expit(u) = shape/(1+shape)
_FIVE_PL = _Profile(
    "5pl",
    _power_logistic_value,
    _power_logistic_d_u,
    _power_logistic_d_power,
    lambda q, s: logit(q ** (1 / s)),
    lambda s: np.log(s),
    ("shape",),
)


# --------------------------------------------------------------------------
# locations u(t; slope, location)
# --------------------------------------------------------------------------
@dataclass(frozen=True)
class _Location:
    """``u = slope * (g(t) - h(loc))`` with g = id, h = id (linear) or g = h = ln."""

    names: tuple  # parameter names, in the model's order
    slope_index: int  # which of the two is the slope
    log: bool

    def axis(self, t):
        return safe_log(t) if self.log else np.asarray(t, dtype=float)

    def centre(self, loc):
        return np.log(loc) if self.log else loc

    def split(self, pair):
        slope = pair[self.slope_index]
        return slope, pair[1 - self.slope_index]

    def delta(self, t, loc):
        """``g(t) - h(loc)``: ``u`` is ``slope`` times it."""
        return self.axis(t) - self.centre(loc)

    def u(self, t, slope, loc):
        return self.u_from_delta(slope, self.delta(t, loc))

    @staticmethod
    def u_from_delta(slope, d):
        if not np.isinf(d).any():
            return slope * d
        return _Location.u_at_infinity(slope, d)

    @staticmethod
    def u_at_infinity(slope, d):
        """:meth:`u_from_delta` where ``d`` holds infinities."""
        with np.errstate(invalid="ignore"):  # slope 0 at t = -inf: a flat curve
            u = slope * d
        nan = np.isnan(u)
        return np.where(nan, 0.0, u) if nan.any() else u

    def gradient(self, d, slope, loc, factor, infinite=True):
        """``factor * du/dparam`` for the two location parameters, model order,
        from ``d = delta(t, loc)`` (``infinite``: whether ``d`` holds
        infinities, where ``factor`` is 0 and so is the slope's derivative)."""
        d_slope = factor * (np.where(np.isfinite(d), d, 0.0) if infinite else d)
        d_loc = factor * (-slope / loc if self.log else -slope)
        pair = [None, None]
        pair[self.slope_index] = d_slope
        pair[1 - self.slope_index] = d_loc
        return pair

    def t_from_u(self, u, slope, loc):
        """Inverse of :meth:`u` (in the units of ``t``)."""
        if self.log:
            return loc * np.exp(u / slope)
        return loc + u / slope


_LINEAR = _Location(("rate", "x_mid"), 0, False)
_HILL_LOCATION = _Location(("K", "n"), 1, True)
_WEIBULL_LOCATION = _Location(("scale", "shape"), 1, True)


# --------------------------------------------------------------------------
# the model
# --------------------------------------------------------------------------
@dataclass(frozen=True)
class CurveModel:
    """One sigmoidal model: ``y = bottom + (top - bottom) * P(u(t))``.

    Attributes
    ----------
    name : str
    param_names : tuple of str
        Amplitude names (``bottom``, ``top``), the two location names, then the
        profile's shape name, if any.
    function, value_and_jacobian, self_start_many : callable
        See the module docstring.
    domain : {"real", "nonnegative"}
    formula : str
        The formula, for documentation and summaries.
    equivalents : str
        The same model in R (nls self-start functions, drc) and NIST StRD.
    has_bottom : bool
        False when the lower asymptote is 0.
    profile, location : internal building blocks (used for derived quantities).
    default_bounds : dict
        ``{name: (lower, upper)}`` for parameters that must be positive.
    value_and_columns : callable
        ``value_and_columns(t, *params) -> (y, columns)``: the curve and its
        derivatives as a list of arrays in the order of ``param_names`` (the
        columns ``value_and_jacobian`` stacks on the last axis).
    """

    name: str
    param_names: tuple
    function: Callable
    value_and_jacobian: Callable
    raw_self_start: Callable
    domain: str
    formula: str
    equivalents: str
    has_bottom: bool
    profile: _Profile
    location: _Location
    default_bounds: dict = field(default_factory=dict)
    axis_model: "CurveModel | None" = None
    value_and_columns: Callable | None = None

    @property
    def n_params(self):
        return len(self.param_names)

    @property
    def on_axis(self):
        """The same model in ``u = slope (t - location)`` on its own axis.

        For hill and weibull the axis is ``ln x`` and the location ``ln K``
        (``ln scale``); the other models are their own. Fits run on it: a
        log-location model's location needs no positivity bound there.
        """
        return self if self.axis_model is None else self.axis_model

    @property
    def kinds(self):
        """How each parameter moves with the data (see :mod:`._units`)."""
        slope = self.location.names[self.location.slope_index]
        kind = {"bottom": "amplitude", "top": "amplitude", slope: "slope"}
        kind[self.location.names[1 - self.location.slope_index]] = "location"
        return tuple((kind.get(n, "shape"), 0) for n in self.param_names)

    @property
    def location_index(self):
        """Index of the location parameter (``x_mid``, ``K``, ``scale``)."""
        return self.param_names.index(
            self.location.names[1 - self.location.slope_index]
        )

    @property
    def slope_index(self):
        """Index of the slope parameter (``rate``, ``n``, weibull's ``shape``)."""
        return self.param_names.index(self.location.names[self.location.slope_index])

    def to_axis(self, params):
        """Parameters (..., n_params) of :attr:`on_axis` (``K -> ln K``)."""
        if not self.location.log:
            return params
        out = np.array(params, dtype=float)
        j = self.location_index
        out[..., j] = safe_log(out[..., j])
        return out

    def from_axis(self, params):
        """Inverse of :meth:`to_axis` (``ln K -> K``)."""
        if not self.location.log:
            return params
        out = np.array(params, dtype=float)
        j = self.location_index
        with np.errstate(over="ignore"):
            out[..., j] = np.exp(out[..., j])
        return out

    def axis(self, t):
        """The model's axis: ``t``, or ``ln t`` for hill and weibull."""
        return self.location.axis(t)

    def self_start_many(self, t, Y, W=None, mirrored=False):
        r"""Starting values of many curves sharing ``t``, from the data alone.

        Computed in the internal units of :mod:`._units` (so that a calendar
        year or a molar concentration starts as well as its offset or scaled
        twin) by the linearisation of :func:`_build_batch_self_start`, and
        returned in the model's parameters.

        Parameters
        ----------
        t : ndarray of shape (n_points,)
        Y : ndarray of shape (n_points, n_curves)
            NaN marks a missing read.
        W : ndarray of shape (n_points, n_curves), default=None
            Weights (zero drops a read).
        mirrored : bool, default=False
            Swap the asymptote guesses (bottom above top): the other way an
            asymmetric profile with a bottom (Weibull, 5PL) can decrease.

        Returns
        -------
        ndarray of shape (n_curves, n_params)
            NaN rows where no guess works (a constant curve, a single
            distinct ``t``).
        """
        from ._units import Units

        Y = np.asarray(Y, dtype=float)
        W = np.ones_like(Y) if W is None else np.asarray(W, dtype=float)
        W = np.where(np.isfinite(Y), W, 0.0)
        axis = self.axis(np.asarray(t, dtype=float))
        units = Units.from_data(axis, Y, W, centre_y=self.has_bottom)
        start = self.on_axis.raw_self_start(
            units.t(axis), units.Y(Y), units.W(W), mirrored
        )
        return self.from_axis(units.from_internal(start, self.kinds))

    def jacobian(self, t, *params):
        """The derivatives of :attr:`function` (see the module docstring)."""
        return self.value_and_jacobian(t, *params)[1]

    def unpack(self, params):
        """Split a parameter sequence into (bottom, top, slope, loc, shape)."""
        return _unpack(self.has_bottom, self.location, params)

    @property
    def mirrors(self):
        """Whether a decreasing curve has two local optima: a negative slope, or
        bottom above top (asymmetric profiles with a bottom: Weibull, 5PL)."""
        return self.has_bottom and not self.symmetric

    @property
    def symmetric(self):
        """Whether the mirror image (bottom and top swapped, the slope negated)
        is the same curve: a profile with P(-u) = 1 - P(u) and a bottom (the
        4pl, the probit)."""
        return self.has_bottom and self.profile.name in ("logistic", "probit")

    def raw_grid_starts(self, t, Y, W, n_best):
        r"""The ``n_best`` best of a grid of sigmoids, per curve (internal units).

        On a linear axis ``t`` in internal units (the data span about
        [-1, 1]): locations at -0.6, 0 and 0.6, slopes of 2 and 8 per unit
        either way (shape 1), each with its weighted least-squares
        amplitudes; the grid points of smallest RSS. They reach the optima
        the linearised self-start misses: a curve that rises and then falls,
        a near-flat response, a steep step.

        Returns
        -------
        list of ndarray of shape (n_curves, n_params)
        """
        shape = (1.0,) * len(self.profile.shape_names)
        # a falling 4pl is a rising one mirrored: rising slopes suffice
        loc, slope = _GRID[self.symmetric]
        w, y = W.T, np.where(W > 0, Y, 0.0).T  # (n_curves, n_points)
        with np.errstate(all="ignore"):
            u = self.location.u_from_delta(slope[:, None], t - loc[:, None])
            p = self.profile.value(u, *shape)[:, None, :]  # (n_grid, 1, n_points)
            bottom, top = _amplitudes(p, y, w, self.has_bottom)
            residuals = y - (bottom[..., None] + (top - bottom)[..., None] * p)
            rss = _dot(w * residuals, residuals)
        rss = np.where(np.isfinite(rss), rss, np.inf)
        best = np.argsort(rss, axis=0, kind="stable")[:n_best]  # (n_best, n_curves)
        curves = np.arange(rss.shape[1])
        starts = []
        for k in best:
            start = _in_model_order(
                self.param_names,
                self.location,
                bottom[k, curves],
                top[k, curves],
                slope[k],
                loc[k],
                shape,
            )
            start[~np.isfinite(rss[k, curves])] = np.nan
            starts.append(start)
        return starts

    def raw_flat_start(self, Y, W, location=0.0):
        """A flat curve (slope 0 at ``location``) at each curve's weighted mean
        of y, rows (n_curves, n_params); 0 where a curve has no weight.

        With slope 0, ``u = 0`` everywhere: a model without ``bottom`` is flat
        at ``top * P(0)``.
        """
        shape = (1.0,) * len(self.profile.shape_names)
        w = np.where(np.isfinite(Y), W, 0.0)
        with np.errstate(all="ignore"):
            level = (w * np.where(w > 0, Y, 0.0)).sum(axis=0) / w.sum(axis=0)
        level = np.where(np.isfinite(level), level, 0.0)
        top = (
            level if self.has_bottom else level / float(self.profile.value(0.0, *shape))
        )
        return _in_model_order(
            self.param_names, self.location, level, top, 0.0, location, shape
        )

    def self_start(self, t, y, sample_weight=None):
        """Starting values of one curve, a ``{name: value}`` dict.

        :meth:`self_start_many` on one column; a flat curve (slope 0 at the
        mean of y) where it finds none (constant y, a single distinct t).
        """
        start = self.self_start_many(
            t,
            np.reshape(y, (-1, 1)),
            None if sample_weight is None else np.reshape(sample_weight, (-1, 1)),
        )[0]
        if np.isnan(start).any():
            start = self.flat_start(t, y, sample_weight)
        return dict(zip(self.param_names, start.tolist(), strict=True))

    def flat_start(self, t, y, sample_weight=None):
        """A flat curve (slope 0) at the weighted mean of y, in model order."""
        t = np.asarray(t, dtype=float).ravel()
        y = np.asarray(y, dtype=float).ravel()
        w = np.ones_like(y) if sample_weight is None else np.asarray(sample_weight)
        x = self.location.axis(t)
        x = x[(w > 0) & np.isfinite(x)]  # ln 0 (a zero dose) tells nothing of it
        centre = float(np.median(x)) if x.size else 0.0
        location = np.exp(centre) if self.location.log else centre
        return self.raw_flat_start(y[:, None], w[:, None], location)[0]


def _build_function(has_bottom, profile, location):
    def function(t, *params):
        bottom, top, slope, loc, shape = _unpack(has_bottom, location, params)
        u = location.u(t, slope, loc)
        return bottom + (top - bottom) * profile.value(u, *shape)

    return function


def _build_value_and_columns(has_bottom, profile, location):
    def value_and_columns(t, *params):
        """The curve and its derivatives, a list of arrays in model order."""
        bottom, top, slope, loc, shape = _unpack(has_bottom, location, params)
        d = location.delta(t, loc)
        infinite = bool(np.isinf(d).any())  # t = ln 0: the curve's limit
        u = location.u_at_infinity(slope, d) if infinite else slope * d
        p, d_u = profile.value_and_slope(u, *shape)
        span = top - bottom
        factor = span * d_u
        columns = [1.0 - p, p] if has_bottom else [p]
        columns += location.gradient(d, slope, loc, factor, infinite)
        if shape:
            columns.append(span * profile.d_shape(u, *shape))
        return bottom + span * p, columns

    return value_and_columns


def _build_value_and_jacobian(value_and_columns):
    def value_and_jacobian(t, *params):
        f, columns = value_and_columns(t, *params)
        J = np.empty(np.broadcast(*columns).shape + (len(columns),))
        for j, column in enumerate(columns):
            J[..., j] = column
        return f, J

    return value_and_jacobian


def _unpack(has_bottom, location, params):
    params = list(params)
    bottom = params.pop(0) if has_bottom else 0.0
    top = params.pop(0)
    slope, loc = location.split(params[:2])
    return bottom, top, slope, loc, tuple(params[2:])


# --------------------------------------------------------------------------
# self-start: linearise P, then the amplitudes by linear least squares
# --------------------------------------------------------------------------
_MARGINS = (0.01, 0.05, 0.15, 0.4, 1.0)
_GRID_LOCATIONS = (-0.6, 0.0, 0.6)
_GRID_SLOPES = (-8.0, -2.0, 2.0, 8.0)
# (locations, slopes) of the grid's points: all slopes, or the rising ones
_GRID = {
    rising: tuple(
        g.ravel()
        for g in np.meshgrid(
            _GRID_LOCATIONS, [s for s in _GRID_SLOPES if s > 0 or not rising]
        )
    )
    for rising in (False, True)
}


def _dot(a, b):
    """Row-wise dot products over the last axis (leading axes broadcast)."""
    return np.einsum("...i,...i->...", a, b)


def _weighted_line(x, u, w):
    """Weighted least-squares slope and intercept of ``u`` on ``x``, per row.

    ``x`` (n_points,) is shared; ``u`` and ``w`` have leading axes (candidates,
    curves) and a zero weight drops a point.
    """
    w_sum = w.sum(axis=-1)
    x_mean = w @ x / w_sum
    u = np.where(w > 0, u, 0.0)
    u_mean = _dot(w, u) / w_sum
    wx_c = w * (x - x_mean[..., None])
    sxx = _dot(wx_c, x - x_mean[..., None])
    slope = _dot(wx_c, u - u_mean[..., None]) / sxx  # exactly 0 for a constant u
    return slope, u_mean - slope * x_mean


def _amplitudes(p, y, w, has_bottom):
    """Weighted least-squares (bottom, top) of ``y = bottom + (top - bottom) p``.

    Per row, by the 2 x 2 normal equations in closed form (a row with a
    constant ``p`` gets nan).
    """
    p = np.where(w > 0, p, 0.0)
    wp = w * p
    if not has_bottom:
        return np.zeros(p.shape[:-1]), _dot(wp, y) / _dot(wp, p)
    wq = w - wp  # w (1 - p)
    a, b, c = _dot(wq, 1.0 - p), _dot(wq, p), _dot(wp, p)
    qy, py = _dot(wq, y), _dot(wp, y)
    det = a * c - b * b
    return (c * qy - b * py) / det, (a * py - b * qy) / det


def _asymptote_guesses(y, w, has_bottom):
    """(lower, upper) asymptote guesses a little outside the data, one row per
    margin of :data:`_MARGINS`: arrays of shape (n_margins, n_curves)."""
    lo = np.where(w > 0, y, np.inf).min(axis=-1)
    hi = np.where(w > 0, y, -np.inf).max(axis=-1)
    margin = np.asarray(_MARGINS)[:, None] * (hi - lo)
    lower, upper = lo - margin, hi + margin
    if not has_bottom:
        # no bottom: the profile runs from 0 (or, for negative data, to 0)
        negative = hi <= 0
        lower = np.where(negative, lower, np.minimum(0.0, lower))
        upper = np.where(negative, 0.0, upper)
    return lower, upper


def _build_batch_self_start(has_bottom, profile, location, names):
    shape = (1.0,) * len(profile.shape_names)

    def self_start_many(t, Y, W=None, mirrored=False):
        r"""Starting values of many curves sharing ``t``, in the units given.

        For each pair of asymptote guesses a little outside the data range (one
        per margin of :data:`_MARGINS`), the profile is linearised,
        :math:`P^{-1}((y - \mathrm{lower}) / (\mathrm{upper} -
        \mathrm{lower})) \approx \mathrm{slope}\,(t - t_0)`, fitted by a
        weighted line, then the amplitudes by weighted linear least squares;
        each curve keeps the first guess whose RSS is within
        :math:`10^{-10}\,\mathrm{TSS}` of the smallest (so that equivalent
        data, weights or repeated rows, choose the same start despite
        rounding). All guesses of all curves are computed at once.

        Parameters and result as :meth:`CurveModel.self_start_many`, in the
        units given (the engine's internal units; ``t`` on a linear axis).
        """
        t = np.asarray(t, dtype=float)
        Y = np.asarray(Y, dtype=float)
        W = np.ones_like(Y) if W is None else np.asarray(W, dtype=float)
        W = np.where(np.isfinite(Y), W, 0.0)
        axis = location.axis(t)
        finite = np.isfinite(axis)
        w, y = W.T, np.where(W > 0, Y, 0.0).T  # (n_curves, n_points)
        seen = np.where(finite, w, 0.0)  # ln 0 tells nothing of the slope
        axis = np.where(finite, axis, 0.0)
        with np.errstate(all="ignore"):
            lower, upper = _asymptote_guesses(y, seen, has_bottom)
            if mirrored:
                lower, upper = upper, lower
            span = (upper - lower)[..., None]
            q = np.clip((y - lower[..., None]) / span, 1e-3, 1 - 1e-3)
            slope, intercept = _weighted_line(axis, profile.inverse(q, *shape), seen)
            centre = np.clip(-intercept / slope, -_EXP_MAX, _EXP_MAX)
            loc = np.exp(centre) if location.log else centre
            p = profile.value(location.u(t, slope[..., None], loc[..., None]), *shape)
            bottom, top = _amplitudes(p, y, w, has_bottom)
            fitted = bottom[..., None] + (top - bottom)[..., None] * p
            residuals = y - fitted
            rss = _dot(w * residuals, residuals)
            usable = (slope != 0) & np.isfinite(slope) & np.isfinite(rss)
            rss = np.where(usable, rss, np.inf)
            mean = _dot(w, y) / w.sum(axis=-1)
            deviation = y - mean[:, None]
            tss = _dot(w * deviation, deviation)
        best = rss.min(axis=0)
        first = np.argmax(rss <= best + 1e-10 * tss, axis=0)
        curves = np.arange(first.size)
        start = _in_model_order(
            names,
            location,
            *(v[first, curves] for v in (bottom, top, slope, loc)),
            shape,
        )
        start[~np.isfinite(best)] = np.nan
        return start

    return self_start_many


def _in_model_order(names, location, bottom, top, slope, loc, shape):
    """Rows (n_curves, n_params) in ``names`` order from the building blocks."""
    by_name = {"bottom": bottom, "top": top}
    by_name[location.names[location.slope_index]] = slope
    by_name[location.names[1 - location.slope_index]] = loc
    by_name.update(zip(names[len(names) - len(shape) :], shape, strict=True))
    out = np.empty((np.size(top), len(names)))
    for j, name in enumerate(names):
        out[:, j] = by_name[name]
    return out


# --------------------------------------------------------------------------
# the table
# --------------------------------------------------------------------------
_POSITIVE = (1e-12, np.inf)


def _model(name, has_bottom, profile, location, domain, formula, equivalents):
    names = (("bottom",) if has_bottom else ()) + ("top",)
    names += location.names + profile.shape_names
    bounds = {n: _POSITIVE for n in profile.shape_names}
    axis_model = None
    if location.log:
        bounds[location.names[1 - location.slope_index]] = (0.0, np.inf)
        linear = _Location(location.names, location.slope_index, False)
        axis_model = _model(name, has_bottom, profile, linear, "real", formula, "")
    value_and_columns = _build_value_and_columns(has_bottom, profile, location)
    return CurveModel(
        name=name,
        param_names=names,
        function=_build_function(has_bottom, profile, location),
        value_and_jacobian=_build_value_and_jacobian(value_and_columns),
        raw_self_start=_build_batch_self_start(has_bottom, profile, location, names),
        domain=domain,
        formula=formula,
        equivalents=equivalents,
        has_bottom=has_bottom,
        profile=profile,
        location=location,
        default_bounds=bounds,
        axis_model=axis_model,
        value_and_columns=value_and_columns,
    )


MODELS = {
    "logistic": _model(
        "logistic",
        False,
        _LOGISTIC,
        _LINEAR,
        "real",
        "top / (1 + exp(-rate (t - x_mid)))",
        "R SSlogis(t, Asym=top, xmid=x_mid, scal=1/rate); NIST Rat42 "
        "b1/(1+exp(b2-b3 t)): top=b1, rate=b3, x_mid=b2/b3; NIST Misra1-type "
        "logistic forms.",
    ),
    "richards": _model(
        "richards",
        False,
        _RICHARDS,
        _LINEAR,
        "real",
        "top / (1 + exp(-rate (t - x_mid)))**(1/shape)",
        "NIST Rat43 b1/(1+exp(b2-b3 t))**(1/b4): top=b1, rate=b3, "
        "x_mid=b2/b3, shape=b4; shape=1 is the logistic.",
    ),
    "gompertz": _model(
        "gompertz",
        False,
        _GOMPERTZ,
        _LINEAR,
        "real",
        "top exp(-exp(-rate (t - x_mid)))",
        "R SSgompertz(t, Asym, b2, b3) = Asym exp(-b2 b3**t): top=Asym, "
        "rate=-ln b3, x_mid=ln(b2)/rate; drc G.3 with b=-rate, e=x_mid.",
    ),
    "4pl": _model(
        "4pl",
        True,
        _LOGISTIC,
        _LINEAR,
        "real",
        "bottom + (top - bottom) / (1 + exp(-rate (t - x_mid)))",
        "R SSfpl(t, A=bottom, B=top, xmid=x_mid, scal=1/rate); with "
        "x_scale='log' drc LL.4(b=-rate, c=bottom, d=top, e=exp(x_mid)) and "
        "Prism's four-parameter logistic with logEC50=x_mid/ln 10.",
    ),
    "5pl": _model(
        "5pl",
        True,
        _FIVE_PL,
        _LINEAR,
        "real",
        "bottom + (top - bottom) / (1 + exp(-rate (t - x_mid)))**shape",
        "with x_scale='log' drc LL.5(b=-rate, c=bottom, d=top, e=exp(x_mid), "
        "f=shape); shape=1 is the 4pl.",
    ),
    "probit": _model(
        "probit",
        True,
        _PROBIT,
        _LINEAR,
        "real",
        "bottom + (top - bottom) Phi(rate (t - x_mid))",
        "with x_scale='log' drc LN.4(b=-rate, c=bottom, d=top, e=exp(x_mid)) "
        "(the log-normal tolerance distribution of Finney's probit analysis, "
        "sd of ln tolerance 1/rate); with bottom=0, top=1 a probit GLM on t: "
        "intercept -rate x_mid, slope rate.",
    ),
    "weibull": _model(
        "weibull",
        True,
        _CLOGLOG,
        _WEIBULL_LOCATION,
        "nonnegative",
        "top - (top - bottom) exp(-(t/scale)**shape), t >= 0",
        "R SSweibull(t, Asym=top, Drop=top-bottom, lrc=-shape ln(scale), "
        "pwr=shape); drc W1.4(b=shape, c=top, d=bottom, e=scale).",
    ),
    "hill": _model(
        "hill",
        False,
        _LOGISTIC,
        _HILL_LOCATION,
        "nonnegative",
        "top x**n / (K**n + x**n), x >= 0",
        "drc LL.3(b=-n, d=top, e=K) (LL.4 with c=0); the 4pl with "
        "x_scale='log', bottom=0, rate=n, x_mid=ln K.",
    ),
}

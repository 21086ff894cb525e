"""What the one-curve regressor and the plate fit share (private).

One validator of the fit options (``fixed``, ``p0``, ``bounds``), of the
weights and of the responses, so that both refuse the same input with the same
message; the Gaussian information criteria (vectorised over fits).
"""

from numbers import Real

import numpy as np

__all__ = [
    "FitOptions",
    "check_option_names",
    "fit_options",
    "check_weights",
    "check_response",
    "information_criteria",
]


def check_option_names(fixed, p0, bounds, known):
    """Refuse names in ``fixed``/``p0``/``bounds`` that are not in ``known``.

    ``known`` is the parameters of the model or, with ``model="auto"``, of
    any candidate model (a name no candidate has is a typo, not a choice).
    """
    for what, mapping in (("fixed", fixed), ("p0", p0), ("bounds", bounds)):
        if mapping is None:
            continue
        if not isinstance(mapping, dict):
            raise ValueError(f"{what} must be a dict {{name: value}}; got {mapping!r}.")
        unknown = sorted(set(map(str, mapping)) - set(known))
        if unknown:
            raise ValueError(
                f"Unknown parameter name(s) {unknown} in {what}; the model's "
                f"parameters are {sorted(known) if len(known) > 8 else list(known)}."
            )


def _values(what, name, value, n_curves):
    """A finite number, or ``n_curves`` of them (one per curve)."""
    if isinstance(value, bool | np.bool_) or isinstance(value, str):
        raise ValueError(f"{what}[{name!r}] must be a number; got {value!r}.")
    try:
        value = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError(f"{what}[{name!r}] must be a number; got {value!r}.") from None
    if value.ndim == 0:
        value = np.full(n_curves, float(value))
    per_curve = f" or {n_curves} finite numbers (one per curve)" * (n_curves > 1)
    if value.shape != (n_curves,) or not np.all(np.isfinite(value)):
        raise ValueError(
            f"{what}[{name!r}] must be a finite number{per_curve}; got "
            f"{np.array2string(np.asarray(value), threshold=6)}."
        )
    return value


def _bound_pair(name, pair):
    ok = isinstance(pair, tuple | list | np.ndarray) and len(pair) == 2
    if ok:
        ok = all(isinstance(b, Real) and not isinstance(b, bool) for b in pair)
    if not ok or np.isnan(pair[0]) or np.isnan(pair[1]):
        raise ValueError(
            f"bounds[{name!r}] must be a pair (lower, upper) of numbers (inf for "
            f"none); got {pair!r}."
        )
    lo, hi = float(pair[0]), float(pair[1])
    if not lo < hi:
        raise ValueError(f"bounds for {name!r} need lower < upper; got {pair}.")
    return lo, hi


class FitOptions:
    """Validated fit options of one model.

    Attributes
    ----------
    names : list of str
    free : ndarray of bool
    fixed, p0 : dict of ndarray (n_curves,)
    lower, upper : ndarray (n_params,)
        The user's bounds within the model's own (positivity of ``K``,
        ``scale``, ``shape``).
    """

    def __init__(self, names, free, fixed, p0, lower, upper):
        self.names, self.free = names, free
        self.fixed, self.p0 = fixed, p0
        self.lower, self.upper = lower, upper

    @property
    def n_free(self):
        return int(self.free.sum())

    def of_curves(self, curves):
        """The options of some curves (a slice or an index array)."""
        return FitOptions(
            self.names,
            self.free,
            {k: v[curves] for k, v in self.fixed.items()},
            {k: v[curves] for k, v in self.p0.items()},
            self.lower,
            self.upper,
        )


def fit_options(names, default_bounds, fixed, p0, bounds, n_curves=1):
    """Validate ``fixed``, ``p0`` and ``bounds`` for a model with ``names``.

    Names absent from the model are ignored here (see
    :func:`check_option_names`, which refuses typos first); values must be
    finite numbers (one or one per curve); ``p0`` must lie within the bounds
    and ``fixed`` too (a fixed value is not moved to the bound).
    """
    fixed = {
        k: _values("fixed", k, v, n_curves)
        for k, v in (fixed or {}).items()
        if k in names
    }
    p0 = {k: _values("p0", k, v, n_curves) for k, v in (p0 or {}).items() if k in names}
    merged = dict(default_bounds)
    for key, pair in (bounds or {}).items():
        if key not in names:
            continue
        lo, hi = _bound_pair(key, pair)
        base_lo, base_hi = merged.get(key, (-np.inf, np.inf))
        merged[key] = (max(lo, base_lo), min(hi, base_hi))
        if not merged[key][0] < merged[key][1]:
            raise ValueError(
                f"bounds[{key!r}] = {pair} leave no room inside the parameter's own "
                f"range {(base_lo, base_hi)}."
            )
    lower = np.array([merged.get(n, (-np.inf, np.inf))[0] for n in names])
    upper = np.array([merged.get(n, (-np.inf, np.inf))[1] for n in names])
    for what, values in (("p0", p0), ("fixed", fixed)):
        for name, value in values.items():
            j = names.index(name)
            outside = (value < lower[j]) | (value > upper[j])
            if name in default_bounds and j is not None:
                # the model's own range is open: K = 0 is no curve
                outside |= (value == default_bounds[name][0]) & (lower[j] == value)
            if np.any(outside):
                shown = value[0] if value.size == 1 else value
                raise ValueError(
                    f"{what}[{name!r}] = {shown} is outside its bounds "
                    f"({lower[j]:g}, {upper[j]:g})."
                )
    free = np.array([n not in fixed for n in names])
    return FitOptions(list(names), free, fixed, p0, lower, upper)


def check_weights(sample_weight, shape):
    """Weights of shape ``shape`` (n_points, n_curves) from None, per point
    (n_points,) or per read; finite and non-negative."""
    if sample_weight is None:
        return np.ones(shape)
    try:
        w = np.asarray(sample_weight, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError("sample_weight must be numeric.") from None
    if w.ndim == 1:
        w = w[:, None]
    if w.ndim != 2 or w.shape[0] != shape[0] or w.shape[1] not in (1, shape[1]):
        raise ValueError(
            f"sample_weight must have shape ({shape[0]},) or {shape}, got "
            f"{np.shape(sample_weight)}."
        )
    if not np.all(np.isfinite(w)):
        raise ValueError("sample_weight must be finite (no NaN or infinity).")
    if np.any(w < 0):
        raise ValueError("sample_weight must be non-negative; got negative values.")
    return np.broadcast_to(w, shape).copy()


def check_response(y, what="y"):
    """Refuse a boolean or non-numeric response with a clear message."""
    kind = np.asarray(y).dtype.kind
    if kind == "b":
        raise ValueError(
            f"{what} is boolean: a growth curve needs a numeric response (for "
            "responses out of n trials, fit the proportions, or use a classifier)."
        )
    if kind in "OUSV":
        try:
            np.asarray(y, dtype=np.float64)
        except (TypeError, ValueError):
            raise ValueError(
                f"{what} must be numeric; got values of type {kind!r} "
                f"({np.asarray(y).dtype})."
            ) from None


def information_criteria(rss, n, k, log_w=0.0):
    r"""Gaussian AIC, AICc and BIC, counting :math:`\sigma`: k + 1 parameters.

    With weights :math:`w_i` taken as inverse variances, the log-likelihood at
    the MLE of :math:`\sigma` is :math:`-\tfrac{n}{2}(\ln(2\pi\,\mathrm{RSS}/n)
    + 1) + \tfrac12 \sum \ln w_i` (as R's ``AIC(nls)``). Every argument may be
    an array (one entry per fit); an RSS of 0 gives ``-inf``, AICc is ``inf``
    where ``n <= k + 2``.

    Parameters
    ----------
    rss : float or ndarray
        Weighted residual sums of squares.
    n : int or ndarray
        Observations (of positive weight).
    k : int or ndarray
        Free parameters of the curve.
    log_w : float or ndarray, default=0.0
        :math:`\sum_i \ln w_i` over the observations.
    """
    rss, n = np.asarray(rss, dtype=float), np.asarray(n, dtype=float)
    n_par = np.asarray(k, dtype=float) + 1
    with np.errstate(divide="ignore", invalid="ignore"):
        minus_2ll = n * (np.log(2 * np.pi * rss / n) + 1) - log_w
        aic = minus_2ll + 2 * n_par
        correction = np.where(
            n > n_par + 1, 2 * n_par * (n_par + 1) / (n - n_par - 1), np.inf
        )
        aicc = aic + correction
        bic = minus_2ll + n_par * np.log(n)
    return aic, aicc, bic

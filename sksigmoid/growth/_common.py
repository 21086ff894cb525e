"""What the one-curve regressor and the plate fit share (private).

Name checks of the user's ``fixed``/``p0``/``bounds`` dicts, the bounds of a
model's parameters, starts clipped inside them, the Gaussian information
criteria (vectorised over fits), and when the estimates are undetermined.
"""

import numpy as np

__all__ = [
    "check_names",
    "bound_arrays",
    "interior",
    "check_p0",
    "override_starts",
    "information_criteria",
    "SINGULAR_EIGENVALUE",
    "negligible_columns",
]

# A correlation matrix of the estimates (the information matrix J^T W J scaled
# to unit diagonal) with an eigenvalue below this is singular: some parameter,
# or combination of them, is not determined by the data. Both the one-curve
# regressor and the plate fit decide by it, so they agree on the same data.
SINGULAR_EIGENVALUE = 1e-13


def negligible_columns(scale, n_rows):
    """Parameters that no longer move the curve, such as the rate of a step.

    ``scale`` holds the norms of the Jacobian's columns (last axis); a column
    below the rounding of the largest is negligible. The correlation test of
    :data:`SINGULAR_EIGENVALUE` cannot see these: scaled to unit norm, such a
    column looks like any other.
    """
    scale = np.asarray(scale)
    rounding = np.finfo(float).eps * max(n_rows, scale.shape[-1])
    return scale <= scale.max(axis=-1, keepdims=True) * rounding


def check_names(mapping, names, what, strict=True):
    """A copy of the user dict, refusing names the model does not have.

    With ``strict=False`` (``model="auto"``) such names are dropped instead.
    """
    mapping = dict(mapping or {})
    if not strict:
        return {k: v for k, v in mapping.items() if k in names}
    unknown = sorted(set(mapping) - set(names))
    if unknown:
        raise ValueError(
            f"Unknown parameter name(s) {unknown} in {what}; the model's "
            f"parameters are {list(names)}."
        )
    return mapping


def bound_arrays(default_bounds, user_bounds, names, strict=True):
    """Lower and upper bounds (n_params,): the user's within the model's own.

    Parameters
    ----------
    default_bounds : dict
        The model's own ``{name: (lower, upper)}`` (positivity of K, scale,
        shape).
    user_bounds : dict or None
        The user's; names are checked as by :func:`check_names`.
    names : sequence of str
        The parameters, in order.
    """
    bounds = dict(default_bounds)
    for key, pair in check_names(user_bounds, names, "bounds", strict).items():
        lo, hi = pair
        if not lo < hi:
            raise ValueError(f"bounds for {key!r} need lower < upper; got {pair}.")
        base_lo, base_hi = bounds.get(key, (-np.inf, np.inf))
        bounds[key] = (max(lo, base_lo), min(hi, base_hi))
    pairs = [bounds.get(n, (-np.inf, np.inf)) for n in names]
    return np.array([p[0] for p in pairs]), np.array([p[1] for p in pairs])


def interior(x, lower, upper):
    """Clip starts strictly inside the bounds (trf needs a feasible start)."""
    span = np.where(np.isfinite(upper - lower), upper - lower, 1.0)
    margin = 1e-10 * np.maximum(span, np.abs(x))
    return np.clip(x, lower + margin, upper - margin)


def check_p0(p0, names, lower, upper):
    """Refuse starting values (a number or one per curve) outside the bounds."""
    for name, value in p0.items():
        j = names.index(name)
        if np.any((value < lower[j]) | (value > upper[j])):
            raise ValueError(
                f"p0[{name!r}] = {value} is outside its bounds "
                f"({lower[j]:g}, {upper[j]:g})."
            )


def override_starts(starts, names, fixed, p0):
    """Candidate starts (each (n_curves, n_params)) overridden by ``p0``, then
    ``fixed`` (values: a number or one per curve), brought inside the bounds
    later by the caller. Modifies and returns ``starts``."""
    for start in starts:
        for name, value in {**p0, **fixed}.items():
            start[:, names.index(name)] = value
    return starts


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
        bic = minus_2ll + n_par * np.log(n)
    return aic, aic + correction, bic

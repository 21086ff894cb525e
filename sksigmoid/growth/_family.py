r"""Likelihood families of a curve fit: quantal (binomial) and count (Poisson) data.

The curve :math:`\mu(x;\theta)` is the mean of the response: the proportion
responding for ``"binomial"`` (y in [0, 1], the weight :math:`n_i` the number of
subjects of row :math:`i`), the expected count for ``"poisson"``. The fit
minimises the deviance

.. math::
    D(\theta) = \sum_i w_i\, d(y_i, \mu_i), \qquad
    d_{\mathrm{bin}} = 2\Big[y \ln\frac{y}{\mu} + (1-y)\ln\frac{1-y}{1-\mu}\Big],
    \qquad d_{\mathrm{Poi}} = 2\Big[y \ln\frac{y}{\mu} - (y - \mu)\Big],

that is, maximises the log-likelihood. Fisher scoring is Gauss--Newton on the
*working residuals* :math:`r_i = \sqrt{w_i/V(\mu_i)}\,(y_i - \mu_i)` with the
Jacobian :math:`\sqrt{w_i/V(\mu_i)}\,\partial\mu_i/\partial\theta`
(:math:`V(\mu) = \mu(1-\mu)` or :math:`\mu`): :math:`J^\top r` is the score
and :math:`J^\top J` the Fisher information, and :math:`\sum r_i^2` has the
deviance's gradient and expected Hessian, so the engine's damped steps, its
quadratic model and its acceptance test (the deviance must fall) carry over
unchanged (:class:`LikelihoodBatch`). :math:`\sum r_i^2` at the optimum is
Pearson's :math:`\chi^2`.
"""

from dataclasses import dataclass

import numpy as np
from scipy.special import gammaln, xlogy

from ._engine import _RESOLUTION, Batch

__all__ = ["FAMILIES", "Family", "LikelihoodBatch"]

# A variance below this (a mean at 0 or 1 to rounding) is floored, so that the
# working weights stay finite; such a point carries no information anyway.
_VARIANCE_FLOOR = 1e-200


@dataclass(frozen=True)
class Family:
    """One response distribution: its variance function, deviance and likelihood."""

    name: str
    lower: float  # the range of the mean
    upper: float

    def variance(self, mu):
        r""":math:`V(\mu)`."""
        if self.name == "binomial":
            return mu * (1 - mu)
        return mu

    def unit_deviance(self, y, mu):
        r""":math:`d(y, \mu) \ge 0` per point; ``inf`` for a mean outside the
        family's range or one that cannot have produced ``y``."""
        with np.errstate(all="ignore"):
            if self.name == "binomial":
                d = 2 * (
                    xlogy(y, y)
                    - xlogy(y, mu)
                    + xlogy(1 - y, 1 - y)
                    - xlogy(1 - y, 1 - mu)
                )
                valid = (mu >= 0) & (mu <= 1)
            else:
                d = 2 * (xlogy(y, y) - xlogy(y, mu) - (y - mu))
                valid = mu >= 0
            d = np.where(valid & ~np.isnan(d), d, np.inf)
        return np.maximum(d, 0.0)  # rounding can make a perfect fit -1e-17

    def log_likelihood(self, y, mu, w, axis=None):
        r"""Log-likelihood :math:`\ell = \sum_i \ell_i` (R's ``logLik`` of a
        glm: binomial with :math:`n_i = w_i` subjects and :math:`w_i y_i`
        responders, the binomial coefficient included; Poisson counts with
        frequency weights :math:`w_i`): the total, or the sums along
        ``axis`` (one per curve of a plate)."""
        with np.errstate(all="ignore"):
            if self.name == "binomial":
                k = w * y
                terms = (
                    gammaln(w + 1)
                    - gammaln(k + 1)
                    - gammaln(w - k + 1)
                    + xlogy(k, mu)
                    + xlogy(w - k, 1 - mu)
                )
            else:
                terms = w * (xlogy(y, mu) - mu - gammaln(y + 1))
        total = np.where(w > 0, terms, 0.0).sum(axis=axis)
        return float(total) if axis is None else total

    def magnitude(self, y):
        """The size of a point's deviance terms, what their rounding is
        relative to (per unit weight)."""
        if self.name == "binomial":
            return 1 + np.abs(xlogy(y, y)) + np.abs(xlogy(1 - y, 1 - y))
        return 1 + y + np.abs(xlogy(y, y))


FAMILIES = {
    "binomial": Family("binomial", 0.0, 1.0),
    "poisson": Family("poisson", 0.0, np.inf),
}


class LikelihoodBatch(Batch):
    """The engine's batch with the deviance of a :class:`Family` as objective
    and Fisher scoring's working residuals (module docstring)."""

    def __init__(self, evaluate, Y, sqrt_w, free, lower, upper, family):
        super().__init__(evaluate, Y, sqrt_w, free, lower, upper)
        self.family = family
        w = sqrt_w * sqrt_w
        self.size = (w * family.magnitude(Y)).sum(axis=1)
        self.unit_weights = False

    def evaluate_rows(self, params, data):
        f, J = self.evaluate(params)
        if not self.all_free:
            J = J[..., self.free]
        with np.errstate(all="ignore"):
            variance = self.family.variance(f)
            # a mean at 0 or 1 to rounding: its Fisher weight (dmu)^2 / V is 0
            # in the limit (dmu vanishes faster), but dmu may not have
            # underflowed yet where V has: such a row carries no information
            scale = np.where(
                variance > 0,
                data.sqrt_w / np.sqrt(np.maximum(variance, _VARIANCE_FLOOR)),
                0.0,
            )
            r = scale * (data.Y - f)
            J = J * scale[..., None]
            w = data.sqrt_w * data.sqrt_w
            deviance = np.where(w > 0, w * self.family.unit_deviance(data.Y, f), 0.0)
        return deviance.sum(axis=1), r, J, None

    def resolution(self, objective, data):
        return _RESOLUTION * np.maximum(objective, data.size)


# --------------------------------------------------------------------------
# what a family means for a model and its data
# --------------------------------------------------------------------------
def default_fixed(family, names):
    """The asymptotes a family fixes when ``fixed=None``: binomial responses
    run from 0 to 1 (drc's LL.2, W1.2, LN.2); Poisson fixes none."""
    if family is None or family.name != "binomial":
        return {}
    return {n: v for n, v in (("bottom", 0.0), ("top", 1.0)) if n in names}


def asymptote_bounds(family, names, bounds=None):
    """The user's ``bounds`` with the free asymptotes narrowed to the range a
    family keeps them in: [0, 1] for a proportion, [0, inf) for a mean count."""
    merged = {}
    if family is not None:
        merged = {
            n: (family.lower, family.upper) for n in ("bottom", "top") if n in names
        }
    for name, pair in (bounds or {}).items():
        lo, hi = merged.get(name, (-np.inf, np.inf))
        merged[name] = (max(lo, pair[0]), min(hi, pair[1])) if name in merged else pair
    return merged


def check_data(family, y, w, overdispersion="none"):
    """Refuse responses or weights a family cannot have produced.

    Binomial: proportions in [0, 1] with a positive number of subjects
    (``sample_weight``) per row. Poisson: counts >= 0, integers (non-integer
    responses are accepted only with ``overdispersion="scale"``, the
    quasi-Poisson likelihood).

    Returns
    -------
    bool
        Whether the responses carry no dose-response information (all 0, or
        all 1 for binomial).
    """
    where = "in [0, 1] (the proportion responding)"
    if family.name == "binomial":
        if np.any((y < 0) | (y > 1)):
            raise ValueError(
                f'family="binomial" needs y {where}; got values from {y.min():g} '
                f"to {y.max():g}. Divide counts of responders by the number of "
                "subjects and pass that number as sample_weight."
            )
        if np.any(w <= 0):
            raise ValueError(
                'family="binomial" takes sample_weight as the number of subjects '
                "of each row, which must be positive; got a weight <= 0 "
                f"(min {w.min():g}). Drop rows without subjects."
            )
        return bool(np.all(y == 0) or np.all(y == 1))
    if np.any(y < 0):
        raise ValueError(
            f'family="poisson" needs counts y >= 0; got min(y) = {y.min():g}.'
        )
    if overdispersion == "none" and not np.all(y == np.round(y)):
        raise ValueError(
            'family="poisson" needs integer counts y; got non-integer values. '
            "For a continuous mean-proportional response use overdispersion="
            '"scale" (quasi-Poisson).'
        )
    return bool(np.all(y[w > 0] == 0))


def impossible_controls(model, fixed, x, Y, log_x):
    """Curves (columns of ``Y``) with a zero-dose response that no curve of
    ``model`` can produce with its asymptotes fixed: at x = 0 (on a log axis,
    or for the x >= 0 models hill and weibull) any slope but 0 puts the curve
    at an asymptote, so a response there must equal one.

    Parameters
    ----------
    model : CurveModel
    fixed : dict of ndarray (n_curves,)
    x : ndarray of shape (n_points,)
    Y : ndarray of shape (n_points, n_curves)
        NaN where missing.
    log_x : bool

    Returns
    -------
    ndarray of bool, shape (n_curves,)
    """
    n_curves = Y.shape[1]
    pinned = "top" in fixed and (not model.has_bottom or "bottom" in fixed)
    at_zero = x == 0
    if not (pinned and at_zero.any() and (log_x or model.domain == "nonnegative")):
        return np.zeros(n_curves, dtype=bool)
    top = np.broadcast_to(fixed["top"], (n_curves,))
    bottom = np.broadcast_to(fixed["bottom"] if model.has_bottom else 0.0, (n_curves,))
    y = Y[at_zero]
    return (np.isfinite(y) & (y != top) & (y != bottom)).any(axis=0)


def impossible_message(model_name, asymptotes):
    return (
        f"zero-dose responses that no {model_name!r} curve can have produced "
        f"with its asymptotes fixed at {asymptotes}: at x = 0 the curve is at "
        "an asymptote. Free the lower asymptote (natural mortality, Abbott's "
        'correction: fixed={"top": 1} with "4pl" or "probit") or drop those rows.'
    )


def goodness_of_fit(pearson, deviance, dof):
    r"""Pearson's :math:`X^2` and the deviance against :math:`\chi^2_{\mathrm{dof}}`
    (large values: lack of fit or overdispersion; both approximate, better
    with many subjects per row)."""
    from scipy import stats

    from ._inference import GoodnessOfFit

    if dof <= 0:
        return GoodnessOfFit(pearson, deviance, dof, np.nan, np.nan)
    return GoodnessOfFit(
        float(pearson),
        float(deviance),
        int(dof),
        float(stats.chi2.sf(pearson, dof)),
        float(stats.chi2.sf(deviance, dof)),
    )


def link(family, mu):
    r"""The canonical link :math:`\eta(\mu)`: logit for binomial, log for
    Poisson; confidence bands are computed on this scale and mapped back, so
    they stay inside the family's range."""
    with np.errstate(divide="ignore"):
        if family.name == "binomial":
            return np.log(mu) - np.log1p(-mu)
        return np.log(mu)


def link_derivative(family, mu):
    r""":math:`d\eta/d\mu`: :math:`1/(\mu(1-\mu))` or :math:`1/\mu`."""
    with np.errstate(divide="ignore"):
        return 1 / family.variance(mu)


def inverse_link(family, eta):
    if family.name == "binomial":
        from scipy.special import expit

        return expit(eta)
    with np.errstate(over="ignore"):
        return np.exp(eta)

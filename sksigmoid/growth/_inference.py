r"""The inference of a growth fit: from the engine's result to the fitted
attributes of :class:`~sksigmoid.growth.SigmoidGrowthRegressor`.

Least squares (the Gauss--Newton covariance, Gaussian information criteria)
or a likelihood family (the Fisher information, the deviance and Pearson's
statistic, information criteria from the log-likelihood); the one rule for
undetermined parameters and the messages that name them; the flat fit of a
constant response; the selection of ``model="auto"``; the named tuples the
regressor returns.
"""

from collections import namedtuple

import numpy as np
from sklearn.exceptions import ConvergenceWarning

from . import _engine, _family
from ._common import information_criteria
from ._problem import GOOD

__all__ = ["Estimate", "FlatCurveWarning", "GoodnessOfFit"]

Estimate = namedtuple(
    "Estimate", ["estimate", "std_error", "ci_lower", "ci_upper"], defaults=(None, None)
)
Estimate.__doc__ = """A derived quantity with its delta-method standard error.

``ci_lower``/``ci_upper`` are the t-based Wald limits when a ``level`` was
given, else ``None``."""

GoodnessOfFit = namedtuple(
    "GoodnessOfFit",
    ["pearson", "deviance", "df", "pearson_p_value", "deviance_p_value"],
)
GoodnessOfFit.__doc__ = """Pearson's chi-squared and the deviance of a likelihood fit
against chi-squared with ``df`` (the residual degrees of freedom)."""


class FlatCurveWarning(UserWarning):
    """The response is constant: a flat curve is reported (no sigmoid to fit)."""


# --------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------
def _link_band(family, mu, std, crit):
    """A confidence band of a mean on the link scale, mapped back."""
    with np.errstate(all="ignore"):
        eta = _family.link(family, mu)
        half = crit * std * _family.link_derivative(family, mu)
        lower = _family.inverse_link(family, eta - half)
        upper = _family.inverse_link(family, eta + half)
    exact = std == 0  # a mean at a fixed asymptote: no spread
    return np.where(exact, mu, lower), np.where(exact, mu, upper)


def _estimate(value, std, crit):
    if crit is None:
        return Estimate(_scalar(value), _scalar(std))
    return Estimate(
        _scalar(value),
        _scalar(std),
        _scalar(value - crit * std),
        _scalar(value + crit * std),
    )


def _scalar(a):
    return float(a) if np.ndim(a) == 0 else a


def _inference(design, X, y, sample_weight, result, options, estimator):
    """The fitted attributes of one model from the engine's result."""
    theta = result.params[0]
    free = options.free
    n, k = np.count_nonzero(sample_weight), options.n_free
    rss = float(result.rss[0])
    dof = n - k
    covariance = result.covariance[0]
    status = int(result.status[0])
    found = []
    names = design.names
    if status == _engine.MAX_NFEV:
        found.append(
            (
                f"SigmoidGrowthRegressor ({design.model.name}) did not converge "
                f"within max_nfev={estimator.max_nfev or 100 * (k + 1)} trial "
                "steps. The best fit found is kept; increase max_nfev or give p0.",
                ConvergenceWarning,
            )
        )
    elif status == _engine.NO_PROGRESS:
        objective, optimum = (
            ("residual sum of squares", "least-squares")
            if estimator._likelihood is None
            else ("deviance", "maximum-likelihood")
        )
        found.append(
            (
                f"SigmoidGrowthRegressor ({design.model.name}): the {objective} "
                "stopped falling while the parameters kept moving: the "
                f"{optimum} optimum lies at infinity (an asymptote or a "
                "shape running off), where no number of iterations gets. The "
                "best fit found is kept; bound or fix the parameter that runs "
                "off (e.g. a 5PL shape running off means a Gompertz-like "
                "curve), or choose a simpler model.",
                ConvergenceWarning,
            )
        )
    undetermined = result.undetermined[0]
    if undetermined[free].any() or dof <= 0:
        unknown = [n_ for n_, u in zip(names, undetermined, strict=True) if u]
        found.append(
            (
                "The Jacobian is rank deficient at the optimum: the data do not "
                f"determine {_name_list(unknown or names)}; all standard errors "
                f"are reported as nan. {_undetermined_hint(unknown, theta, design)}",
                ConvergenceWarning,
            )
        )
        covariance = np.where(np.outer(free, free), np.nan, 0.0)
    family = estimator._likelihood
    if family is None:
        log_w = np.log(sample_weight[sample_weight > 0]).sum()
        aic, aicc, bic = map(float, information_criteria(rss, n, k, log_w))
        likelihood = _least_squares_fit(rss, dof)
    else:
        mu = design.value(theta, X)
        likelihood, (aic, aicc, bic) = _likelihood_fit(
            family, mu, y, sample_weight, result, dof, k
        )
        if getattr(estimator, "_no_information", False):
            found = [(_no_information_message(family, y), FlatCurveWarning)]
            covariance = np.where(np.outer(free, free), np.nan, 0.0)
    tss = sample_weight @ (y - np.average(y, weights=sample_weight)) ** 2
    if family is not None:  # the RSS of the proportions or counts
        rss_y = float(sample_weight @ (y - mu) ** 2)
    else:
        rss_y = rss
    fitted = _fitted(
        design,
        theta,
        covariance,
        rss=rss,
        dof=dof,
        aic=aic,
        aicc=aicc,
        bic=bic,
        r2=1 - rss_y / tss if tss > 0 else np.nan,
        n_iter=int(result.n_iter[0]),
        converged=status in GOOD,
        flat=False,
        train=(X, y, sample_weight),
        **likelihood,
    )
    if family is not None:
        fitted["sigma"] = float(np.sqrt(fitted["dispersion"]))
        if estimator.overdispersion == "none":
            fitted["sigma"] = 1.0  # the dispersion is known
    fitted["warnings"] = found
    return fitted


def _least_squares_fit(rss, dof):
    """The likelihood attributes of a least-squares fit (None where they are
    a likelihood family's)."""
    return {
        "deviance": None,
        "pearson_chi2": None,
        "dispersion": rss / dof if dof > 0 else np.nan,
        "log_likelihood": None,
        "goodness_of_fit": None,
    }


def _likelihood_fit(family, mu, y, w, result, dof, k):
    """A likelihood fit's deviance, Pearson statistic, dispersion and
    goodness of fit, and its AIC, AICc and BIC from the log-likelihood
    (``mu``: the fitted means)."""
    deviance, pearson = float(result.rss[0]), float(result.pearson[0])
    log_likelihood = family.log_likelihood(y, mu, w)
    n = np.count_nonzero(w)
    aic = -2 * log_likelihood + 2 * k
    aicc = aic + 2 * k * (k + 1) / (n - k - 1) if n > k + 1 else np.inf
    bic = -2 * log_likelihood + k * np.log(n)
    return {
        "deviance": deviance,
        "pearson_chi2": pearson,
        "dispersion": pearson / dof if dof > 0 else np.nan,
        "log_likelihood": log_likelihood,
        "goodness_of_fit": _family.goodness_of_fit(pearson, deviance, dof),
    }, (float(aic), float(aicc), float(bic))


def _impossible_message(estimator, fit):
    """Why no curve of the model can have produced the data."""
    fixed = estimator._fixed(fit["model"])
    return (
        f"No {fit['model']!r} curve can have produced these "
        f"{estimator.family} data: every candidate has an infinite deviance, "
        "a response where the curve is held at an asymptote it cannot leave "
        f"(fixed={fixed}); e.g. responders among the zero-dose controls "
        "with bottom fixed at 0. Free that asymptote (for natural "
        'mortality, Abbott\'s correction: fixed={"top": 1} with "4pl" or '
        '"probit") or drop the impossible rows.'
    )


def _no_information_message(family, y):
    what = "responded" if family.name == "binomial" else "was counted"
    return (
        f"Every response is {y.flat[0]:g}: no subject {what} at any dose (or "
        "every one did), so the data carry no dose-response information (as "
        "perfect separation for a logistic regression). The curve reported "
        "runs off towards the constant; its parameters mean nothing and their "
        "standard errors are nan."
    )


def _name_list(names, at_most=6):
    """``a, b and 3 more (a combination of them fits equally well)``."""
    shown = ", ".join(names[:at_most])
    if len(names) > at_most:
        shown += f" and {len(names) - at_most} more"
    return shown + " (a combination of them fits equally well)" * (len(names) > 1)


def _undetermined_hint(names, theta, design):
    if design.single:
        slope = theta[design.model.slope_index]
        if slope == 0:
            return (
                "The best fit is a constant (slope 0): the data show no "
                "sigmoidal trend, so the location is undetermined."
            )
    if "rate" in names or "x_mid" in names:
        return (
            "A step with no point on its rise leaves the rate and the midpoint "
            "free: measure where the curve changes, or bound or fix them."
        )
    return "Fix or bound some of them, or add data that tells them apart."


def _fitted(design, theta, covariance, *, rss, dof, **rest):
    names = design.names
    return {
        "model": design.model.name,
        "param_names": list(names),
        "params": {n: float(v) for n, v in zip(names, theta, strict=True)},
        "covariance": covariance,
        "std_errors": {
            n: float(np.sqrt(c))
            for n, c in zip(names, np.diag(covariance), strict=True)
        },
        "rss": rss,
        "dof": dof,
        "sigma": float(np.sqrt(rss / dof)) if dof > 0 else np.nan,
        **rest,
    }


def _flat_fit(design, X, y, sample_weight, options):
    theta = np.array(
        [
            options.fixed[n][0] if n in options.fixed else v
            for n, v in zip(
                design.names, design.flat_params(X, y, sample_weight), strict=True
            )
        ]
    )
    n, k = np.count_nonzero(sample_weight), options.n_free
    covariance = np.where(np.outer(options.free, options.free), np.nan, 0.0)
    fitted = _fitted(
        design,
        theta,
        covariance,
        rss=0.0,
        dof=n - k,
        aic=-np.inf,
        aicc=-np.inf,
        bic=-np.inf,
        r2=np.nan,
        n_iter=0,
        converged=True,
        flat=True,
        train=(X, y, sample_weight),
        **_least_squares_fit(0.0, n - k),
    )
    fitted["warnings"] = [
        (
            "y is constant: there is no sigmoid to fit. A flat curve at mean(y) "
            "(slope 0) is reported with nan standard errors.",
            FlatCurveWarning,
        )
    ]
    return fitted


def _selection_key(fit):
    """Smallest AICc; AIC breaks ties where AICc is undefined (n <= k + 2,
    +inf). An exact fit (RSS 0) has an AICc of -inf and comes first. A
    likelihood fit (binomial, Poisson) by the smallest AIC (as drc's
    ``mselect``: its rows are groups of subjects, not the sample size AICc's
    correction assumes)."""
    if fit.get("log_likelihood") is not None:
        return (fit["aic"], fit["aic"])
    aicc = fit["aicc"] if not np.isnan(fit["aicc"]) else np.inf
    return (aicc, fit["aic"])


def _deltas(values):
    """Each value minus the smallest (nan where either is not finite)."""
    best = min(values)
    return [float(v - best) if np.isfinite([v, best]).all() else np.nan for v in values]


def _comparison(fits):
    best = min(_selection_key(f)[0] for f in fits)
    return {
        "model": [f["model"] for f in fits],
        # the free parameters, those AICc charges for (dof = n - free)
        "n_params": [np.count_nonzero(f["train"][2]) - f["dof"] for f in fits],
        "rss": [float(f["rss"]) for f in fits],
        "aic": [float(f["aic"]) for f in fits],
        "delta_aic": _deltas([f["aic"] for f in fits]),
        "aicc": [float(f["aicc"]) for f in fits],
        "delta_aicc": [
            float(f["aicc"] - best) if np.isfinite([f["aicc"], best]).all() else np.nan
            for f in fits
        ],
        "converged": [f["converged"] for f in fits],
    }

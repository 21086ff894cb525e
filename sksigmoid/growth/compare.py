r"""Comparing curves: potency ratios, parameters between curves, nested fits.

The questions of a dose-response comparison, answered from a global fit
(:class:`~sksigmoid.growth.SigmoidGrowthRegressor` with ``curve``), its joint
covariance :math:`V` (the estimates of two curves are correlated through the
shared parameters) and Student's t with the fit's residual degrees of freedom
:math:`\nu`, as R's drc (``EDcomp``, ``compParm``, ``anova``):

- :func:`potency_ratio`: :math:`R = \mathrm{ED}_p(a)/\mathrm{ED}_p(b)`,
  delta method (:math:`\nabla R = (\nabla \mathrm{ED}_a - R\,\nabla
  \mathrm{ED}_b)/\mathrm{ED}_b`) or Fieller's interval;
- :func:`compare_parameters`: a parameter's ratio (:math:`t = (r - 1)/\mathrm{se}`)
  or difference between every pair of curves;
- :func:`equivalence_test`: whether the :math:`(1 - 2\alpha)` interval of the ratio
  lies inside equivalence margins (the similarity test of USP <1032>);
- :func:`compare_fits`: the extra-sum-of-squares F test and the
  likelihood-ratio test of a fit nested in another.
"""

from collections import namedtuple
from itertools import combinations
from numbers import Real

import numpy as np
from scipy import stats
from sklearn.utils.validation import check_is_fitted

from ._global import effective_doses

__all__ = [
    "potency_ratio",
    "compare_parameters",
    "equivalence_test",
    "compare_fits",
    "FitComparison",
]

FitComparison = namedtuple(
    "FitComparison",
    [
        "F",
        "df_num",
        "df_den",
        "p_value",
        "lr_statistic",
        "lr_p_value",
        "aicc_reduced",
        "aicc_full",
    ],
)
FitComparison.__doc__ = """Two nested fits compared (:func:`compare_fits`).

``F = ((RSS_r - RSS_f) / df_num) / (RSS_f / df_den)`` with ``df_num`` the
extra parameters of the full fit and ``df_den`` its residual degrees of
freedom, and its p-value; the likelihood-ratio statistic
``n ln(RSS_r / RSS_f)`` against chi-square with ``df_num``; both AICc."""


def _global_fit(estimator, what):
    check_is_fitted(estimator, "params_")
    if getattr(estimator, "curve", None) is None:
        raise ValueError(
            f"{what} compares the curves of a global fit: fit the regressor "
            "with curve= (the column of X naming each row's curve)."
        )


def _curve_index(estimator, label, what):
    curves = list(estimator.curves_)
    for i, known in enumerate(curves):
        if known == label:
            return i
    raise ValueError(
        f"{what}={label!r} is not a fitted curve; the curves are {curves}."
    )


def _ed_per_curve(estimator, p):
    p = float(p)
    if not 0 < p < 100:
        raise ValueError(f"p must be a percent in (0, 100); got {p}.")
    return effective_doses(estimator, p)


def fieller_interval(a, b, v_aa, v_bb, v_ab, t):
    r"""Fieller's interval for :math:`a/b` (drc's ``fieller``).

    The :math:`R` with :math:`(a - R b)^2 \le t^2 (v_{aa} - 2 R v_{ab} + R^2
    v_{bb})`: with :math:`A = ab - t^2 v_{ab}`, :math:`D = A^2 - (a^2 - t^2
    v_{aa})(b^2 - t^2 v_{bb})`, the limits :math:`(A \mp \sqrt D)/(b^2 - t^2
    v_{bb})`. Unbounded, ``(-inf, inf)``, when :math:`b` is not significantly
    different from 0 (:math:`b^2 \le t^2 v_{bb}`).
    """
    t2 = t * t
    A = a * b - t2 * v_ab
    denominator = b * b - t2 * v_bb
    D = A * A - (a * a - t2 * v_aa) * denominator
    if denominator <= 0 or D < 0:
        return -np.inf, np.inf
    root = np.sqrt(D)
    return (A - root) / denominator, (A + root) / denominator


def potency_ratio(estimator, numerator, denominator, p=50, level=0.95, method="delta"):
    r"""Relative potency :math:`\mathrm{ED}_p(\text{numerator}) /
    \mathrm{ED}_p(\text{denominator})` of two curves of a global fit.

    See :meth:`SigmoidGrowthRegressor.potency_ratio`.
    """
    from .regressor import Estimate

    _global_fit(estimator, "potency_ratio")
    i = _curve_index(estimator, numerator, "numerator")
    j = _curve_index(estimator, denominator, "denominator")
    if i == j:
        raise ValueError("numerator and denominator are the same curve.")
    if method not in ("delta", "fieller"):
        raise ValueError(f'method must be "delta" or "fieller"; got {method!r}.')
    value, gradient, _ = _ed_per_curve(estimator, p)
    a, b = float(value[i]), float(value[j])
    ratio = a / b
    V = estimator.covariance_
    g = (gradient[i] - ratio * gradient[j]) / b
    se = float(np.sqrt(g @ V @ g))
    if level is None:
        return Estimate(ratio, se)
    t = estimator._t_critical(level)
    if method == "delta":
        return Estimate(ratio, se, ratio - t * se, ratio + t * se)
    lower, upper = fieller_interval(
        a,
        b,
        gradient[i] @ V @ gradient[i],
        gradient[j] @ V @ gradient[j],
        gradient[i] @ V @ gradient[j],
        t,
    )
    return Estimate(ratio, se, float(lower), float(upper))


def _pairs(estimator, name, kind, level):
    _global_fit(estimator, "compare_parameters")
    names = estimator._model.param_names
    if name not in names:
        raise ValueError(f"Unknown parameter {name!r}; the model's are {list(names)}.")
    j = list(names).index(name)
    index = estimator._parameter_index[:, j]
    if index[0] < 0:
        raise ValueError(f"{name!r} is fixed: it is the same for every curve.")
    if len(set(index)) == 1:
        raise ValueError(f"{name!r} is shared: it is the same for every curve.")
    if kind not in ("ratio", "difference"):
        raise ValueError(f'kind must be "ratio" or "difference"; got {kind!r}.')
    if kind == "ratio" and name == "x_mid" and estimator.x_scale == "log":
        raise ValueError(
            'With x_scale="log", x_mid is the log of a dose: a ratio of two of '
            'them has no meaning. Use kind="difference" (the log of the dose '
            "ratio) or potency_ratio (the ratio of effective doses)."
        )
    theta = estimator.params_[name]
    V = estimator.covariance_
    t_crit = estimator._t_critical(level)
    rows = {
        k: []
        for k in (
            "curve_1",
            "curve_2",
            "estimate",
            "std_error",
            "t",
            "p_value",
            "ci_lower",
            "ci_upper",
        )
    }
    for a, b in combinations(range(len(theta)), 2):
        ia, ib = index[a], index[b]
        if kind == "ratio":
            estimate = theta[a] / theta[b]
            grad = np.array([1 / theta[b], -theta[a] / theta[b] ** 2])
            null = 1.0
        else:
            estimate = theta[a] - theta[b]
            grad = np.array([1.0, -1.0])
            null = 0.0
        block = V[np.ix_([ia, ib], [ia, ib])]
        se = float(np.sqrt(grad @ block @ grad))
        t = (estimate - null) / se if se > 0 else np.nan
        rows["curve_1"].append(estimator.curves_[a])
        rows["curve_2"].append(estimator.curves_[b])
        rows["estimate"].append(float(estimate))
        rows["std_error"].append(se)
        rows["t"].append(float(t))
        rows["p_value"].append(float(2 * stats.t.sf(abs(t), estimator.dof_)))
        rows["ci_lower"].append(float(estimate - t_crit * se))
        rows["ci_upper"].append(float(estimate + t_crit * se))
    return rows


def compare_parameters(estimator, name, kind="ratio", level=0.95):
    r"""A parameter compared between every pair of curves of a global fit.

    See :meth:`SigmoidGrowthRegressor.compare_parameters`.
    """
    return _pairs(estimator, name, kind, level)


def equivalence_test(estimator, name, margins, level=0.90, kind="ratio"):
    r"""Equivalence of a parameter between curves (USP <1032> similarity).

    See :meth:`SigmoidGrowthRegressor.equivalence_test`.
    """
    ok = (
        isinstance(margins, tuple | list | np.ndarray)
        and len(margins) == 2
        and all(isinstance(m, Real) and np.isfinite(m) for m in margins)
        and margins[0] < margins[1]
    )
    null = 1.0 if kind == "ratio" else 0.0
    if not ok or not margins[0] < null < margins[1]:
        raise ValueError(
            f"margins must be a pair (lower, upper) of finite numbers around "
            f"{null:g} (the {kind} of equal curves), e.g. (0.8, 1.25); got "
            f"{margins!r}."
        )
    rows = _pairs(estimator, name, kind, level)
    rows["equivalent"] = [
        bool(lo >= margins[0] and hi <= margins[1])
        for lo, hi in zip(rows["ci_lower"], rows["ci_upper"], strict=True)
    ]
    return rows


# --------------------------------------------------------------------------
# nested fits
# --------------------------------------------------------------------------
# (reduced, full): the reduced model is the full one with these fixed
_SUBMODELS = {
    ("logistic", "4pl"): {"bottom": 0.0},
    ("4pl", "5pl"): {"shape": 1.0},
    ("logistic", "5pl"): {"bottom": 0.0, "shape": 1.0},
    ("logistic", "richards"): {"shape": 1.0},
}


def _constraints(estimator):
    """A fit's shared names (every name for a single curve) and fixed values."""
    names = estimator._model.param_names
    if getattr(estimator, "curve", None) is None:
        shared = set(names)
    else:
        shared = set(estimator.shared or ())
    fixed = {k: np.asarray(v, dtype=float) for k, v in (estimator.fixed or {}).items()}
    return shared, fixed


def _same_data(reduced, full):
    Xr, yr, wr = reduced._fit_data
    Xf, yf, wf = full._fit_data
    if Xr.shape[0] != Xf.shape[0]:
        return False
    if getattr(full, "curve", None) is not None:
        dose_f = Xf[:, 1 - full._curve_position]
        if getattr(reduced, "curve", None) is not None:
            dose_r = Xr[:, 1 - reduced._curve_position]
            same_curves = np.array_equal(
                reduced.curves_[Xr[:, reduced._curve_position].astype(int)],
                full.curves_[Xf[:, full._curve_position].astype(int)],
            )
            if not same_curves:
                return False
        else:
            dose_r = Xr[:, 0] if Xr.shape[1] == 1 else None
            if dose_r is None:
                return False
    else:
        if Xr.shape != Xf.shape:
            return False
        dose_r, dose_f = Xr, Xf
    return (
        np.array_equal(dose_r, dose_f)
        and np.array_equal(yr, yf)
        and np.array_equal(wr, wf)
    )


def _nested(reduced, full):
    """Why ``reduced`` is not nested in ``full`` (None when it is)."""
    pair = (reduced.model_, full.model_)
    if reduced.model_ != full.model_ and pair not in _SUBMODELS:
        return f"model {reduced.model_!r} is not a special case of {full.model_!r}"
    if reduced.x_scale != full.x_scale:
        return "the two fits use different x_scale"
    if (
        getattr(reduced, "curve", None) is not None
        and getattr(full, "curve", None) is None
    ):
        return "the reduced fit has several curves and the full fit one"
    if reduced.loss != "linear" or full.loss != "linear":
        return "the tests need least-squares fits (loss='linear')"
    if full.dof_ > reduced.dof_:
        return (
            "the first fit has more parameters than the second (are they "
            "swapped? the call is compare_fits(reduced, full))"
        )
    shared_r, fixed_r = _constraints(reduced)
    shared_f, fixed_f = _constraints(full)
    fixed_r = {
        **{k: np.asarray(v) for k, v in _SUBMODELS.get(pair, {}).items()},
        **fixed_r,
    }
    common = set(reduced._model.param_names) & set(full._model.param_names)
    if not (shared_f & common) <= shared_r | set(fixed_r):
        return (
            f"the full fit shares {sorted(shared_f - shared_r - set(fixed_r))}, "
            "which the reduced fit lets vary by curve"
        )
    for name, value in fixed_f.items():
        if name not in fixed_r or not np.allclose(fixed_r[name], value):
            return f"the full fit fixes {name!r}, which the reduced fit does not fix the same"
    if reduced.dof_ <= full.dof_:
        return (
            f"the reduced fit has no fewer parameters (residual df {reduced.dof_} "
            f"against {full.dof_})"
        )
    return None


def compare_fits(reduced, full):
    r"""Test a fit nested in another: drc's ``anova(reduced, full)``.

    The extra-sum-of-squares F test

    .. math::
        F = \frac{(\mathrm{RSS}_r - \mathrm{RSS}_f)/(\nu_r - \nu_f)}
                 {\mathrm{RSS}_f / \nu_f}
        \sim F_{\nu_r - \nu_f,\ \nu_f},

    the likelihood-ratio test :math:`n \ln(\mathrm{RSS}_r/\mathrm{RSS}_f)
    \sim \chi^2_{\nu_r - \nu_f}` (Gaussian errors, one variance), and both
    AICc values (GraphPad Prism's comparison of models).

    Parameters
    ----------
    reduced, full : SigmoidGrowthRegressor
        Fitted on the same rows; ``reduced`` nested in ``full``: the same
        model (or a special case of it: logistic in 4pl with bottom 0, 4pl in
        5pl with shape 1, logistic in richards with shape 1), sharing at
        least what ``full`` shares and fixing at least what it fixes (a
        single-curve fit on the dose alone is every parameter shared).

    Returns
    -------
    FitComparison
        ``(F, df_num, df_den, p_value, lr_statistic, lr_p_value,
        aicc_reduced, aicc_full)``.

    Raises
    ------
    ValueError
        When the fits are not nested or not fitted on the same data.

    Examples
    --------
    >>> import numpy as np
    >>> from sksigmoid.growth import SigmoidGrowthRegressor, compare_fits
    >>> rng = np.random.default_rng(0)
    >>> dose = np.tile(np.repeat(10.0 ** np.arange(-2, 3), 3), 2)
    >>> curve = np.repeat([0, 1], 15)
    >>> y = 100 / (1 + (dose / np.where(curve, 3.0, 1.0)) ** -1.2)
    >>> y = y + rng.normal(0, 2, y.size)
    >>> X = np.column_stack([dose, curve])
    >>> full = SigmoidGrowthRegressor("4pl", x_scale="log", curve=1,
    ...                               shared=["bottom", "top"]).fit(X, y)
    >>> parallel = SigmoidGrowthRegressor("4pl", x_scale="log", curve=1,
    ...                                   shared=["bottom", "top", "rate"]).fit(X, y)
    >>> test = compare_fits(parallel, full)
    >>> test.df_num, test.df_den
    (1, 24)
    """
    for what, fit in (("reduced", reduced), ("full", full)):
        check_is_fitted(fit, "params_")
        if getattr(fit, "flat_", False):
            raise ValueError(f"The {what} fit is a flat curve: nothing to test.")
    why = _nested(reduced, full)
    if why is not None:
        raise ValueError(f"The fits are not nested: {why}.")
    if not _same_data(reduced, full):
        raise ValueError(
            "The fits were not fitted on the same data (rows, y, weights)."
        )
    rss_r, rss_f = float(reduced.rss_), float(full.rss_)
    df_num = int(reduced.dof_ - full.dof_)
    df_den = int(full.dof_)
    n = int(np.count_nonzero(full._fit_data[2]))
    with np.errstate(divide="ignore", invalid="ignore"):
        F = ((rss_r - rss_f) / df_num) / (rss_f / df_den)
        lr = n * np.log(rss_r / rss_f)
    F = float(max(F, 0.0)) if np.isfinite(F) else float(F)
    lr = float(max(lr, 0.0)) if np.isfinite(lr) else float(lr)
    return FitComparison(
        F=F,
        df_num=df_num,
        df_den=df_den,
        p_value=float(stats.f.sf(F, df_num, df_den)),
        lr_statistic=lr,
        lr_p_value=float(stats.chi2.sf(lr, df_num)),
        aicc_reduced=float(reduced.aicc_),
        aicc_full=float(full.aicc_),
    )

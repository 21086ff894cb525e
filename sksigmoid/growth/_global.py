r"""Global fits in the regressor: several curves, some parameters shared.

With ``curve`` set, :class:`~sksigmoid.growth.SigmoidGrowthRegressor` takes X
as two columns, the dose (or time) and the curve each row belongs to, and
fits every curve at once by :func:`._problem.fit_joint`: the parameters named
in ``shared`` common to all curves, the others per curve, one residual
variance (drc's ``curveid`` and ``pmodels``, Prism's global fit). This module
turns X into the curves' data and the engine's result into the estimator's
attributes; the comparisons of curves live in :mod:`.compare`.
"""

from numbers import Integral

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils.validation import validate_data

from ._common import check_response, fit_options, information_criteria
from ._problem import GOOD, AxisDesign, fit_joint

__all__ = ["curve_data", "slot_grid", "fit_global", "curve_delta", "effective_doses"]


def _labels_and_codes(labels, known=None):
    """Sorted distinct labels and each row's index among them; with ``known``
    (the labels of the fit), an unknown label is an error."""
    try:
        if known is None:
            known, codes = np.unique(labels, return_inverse=True)
            return known, codes.ravel()
        codes = np.searchsorted(known, labels)
    except TypeError:
        raise ValueError(
            "The curve labels must be of one sortable kind (all numbers or all "
            "strings)."
        ) from None
    codes = np.minimum(codes, len(known) - 1)
    unknown = known[codes] != labels
    if np.any(unknown):
        shown = sorted({str(v) for v in np.asarray(labels)[unknown]})[:5]
        raise ValueError(
            f"Curve label(s) {shown} were not seen in fit; the fitted curves are "
            f"{list(known)[:10]}."
        )
    return known, codes


def curve_data(estimator, X, y=None, *, reset):
    """Validate X (two columns: the dose and the curve label) for a global fit.

    Returns the validated X (the label column replaced by each row's curve
    index, float), y (or None), the dose column and the curve indices; sets
    ``curves_`` when ``reset``.
    """
    curve = estimator.curve
    columns = getattr(X, "columns", None)
    if columns is not None:
        if curve not in list(columns):
            raise ValueError(
                f"curve={curve!r} is not a column of X; its columns are "
                f"{list(columns)}."
            )
        if len(columns) != 2:
            raise ValueError(
                f"With curve, X has exactly two columns (the dose or time, and "
                f"the curve label {curve!r}); got {len(columns)}: {list(columns)}."
            )
        position = list(columns).index(curve)
        labels = np.asarray(X[curve])
        known = None if reset else estimator.curves_
        known, codes = _labels_and_codes(labels, known)
        X = X.copy()
        X[curve] = codes.astype(np.float64)
    else:
        if isinstance(curve, str) or not isinstance(curve, Integral):
            raise ValueError(
                f"curve={curve!r} names a column of a DataFrame; for an array X "
                "give the integer position of the label column (0 or 1)."
            )
        position = None
    if y is not None:
        check_response(y)
        try:
            X, y = validate_data(
                estimator, X, y, y_numeric=True, dtype=np.float64, reset=reset
            )
        except ValueError as error:
            raise ValueError(_numeric_hint(error, columns)) from None
    else:
        try:
            X = validate_data(estimator, X, reset=False, dtype=np.float64)
        except ValueError as error:
            raise ValueError(_numeric_hint(error, columns)) from None
    if X.shape[1] != 2:
        raise ValueError(
            "With curve, X has exactly two columns (the dose or time, and the "
            f"curve label); got {X.shape[1]}."
        )
    if position is None:
        if not -2 <= curve <= 1:
            raise ValueError(f"curve must be 0 or 1 (a column of X); got {curve}.")
        position = curve % 2
        labels = X[:, position]
        if np.all(labels == np.round(labels)) and np.all(np.abs(labels) < 2**53):
            labels = labels.astype(np.int64)  # integer labels stay integers
        known = None if reset else estimator.curves_
        known, codes = _labels_and_codes(labels, known)
        X = X.copy()
        X[:, position] = codes
    if reset:
        estimator.curves_ = known
        estimator._curve_position = position
    dose = X[:, 1 - position]
    return X, y, dose, codes


def _numeric_hint(error, columns):
    message = str(error)
    if columns is None and "could not convert" in message:
        message += (
            " With an array X the curve labels must be numbers; pass a pandas "
            "DataFrame for string labels."
        )
    return message


def slot_grid(dose, codes, n_curves, y, w):
    """The rows as a plate: a grid of x values and one column per curve.

    A grid point is a dose value and a replicate number, so replicates of a
    dose in a curve take points of their own; every curve's rows fill their
    slots and the others stay missing (NaN, weight 0).

    Returns
    -------
    x : ndarray of shape (n_points,)
    Y, W : ndarray of shape (n_points, n_curves)
    slot : ndarray of shape (n_samples,)
        Each row's grid point.
    """
    order = np.lexsort((dose, codes))
    d, c = dose[order], codes[order]
    new = np.ones(d.size, dtype=bool)
    new[1:] = (d[1:] != d[:-1]) | (c[1:] != c[:-1])
    start = np.maximum.accumulate(np.where(new, np.arange(d.size), 0))
    replicate = np.arange(d.size) - start
    keys, slot_sorted = np.unique(
        np.column_stack([d, replicate]), axis=0, return_inverse=True
    )
    slot = np.empty_like(order)
    slot[order] = slot_sorted.ravel()
    Y = np.full((len(keys), n_curves), np.nan)
    W = np.zeros((len(keys), n_curves))
    Y[slot, codes] = y
    W[slot, codes] = w
    return keys[:, 0].copy(), Y, W, slot


def _parameter_index(names, local, shared, curves):
    """Labels of the free parameters (``"x_mid[a]"``, a shared ``"top"``), each
    curve's parameters' positions among them (-1 when fixed), and the
    permutation from the engine's layout (curve after curve, then shared)."""
    C, p = len(curves), len(local)
    labels, index, order = [], np.full((C, len(names)), -1), []
    for j, name in enumerate(names):
        if j in shared:
            index[:, j] = len(labels)
            labels.append(name)
            order.append(C * p + list(shared).index(j))
        elif j in local:
            k = list(local).index(j)
            for c, curve in enumerate(curves):
                index[c, j] = len(labels)
                labels.append(f"{name}[{curve}]")
                order.append(c * p + k)
    return labels, index, np.array(order, dtype=int)


def check_shared(shared, names, fixed):
    """``shared`` as a set of the model's parameter names (validated)."""
    if shared is None:
        return set()
    if isinstance(shared, str) or not all(isinstance(n, str) for n in shared):
        raise ValueError(f"shared must be a list of parameter names; got {shared!r}.")
    unknown = sorted(set(shared) - set(names))
    if unknown:
        raise ValueError(
            f"Unknown parameter name(s) {unknown} in shared; the model's "
            f"parameters are {list(names)}."
        )
    both = sorted(set(shared) & set(fixed or {}))
    if both:
        raise ValueError(
            f"{both} cannot be both fixed and shared: a fixed parameter is "
            "already the same for every curve."
        )
    return set(shared)


def fit_global(estimator, name, X, y, sample_weight, dose, codes):
    """Fit model ``name`` to every curve at once; the fitted attributes (as
    :func:`._inference._inference`'s, with ``warnings`` and ``train``)."""
    curves = estimator.curves_
    n_curves = len(curves)
    design = AxisDesign(name, estimator.x_scale)
    names = design.names
    shared = check_shared(estimator.shared, names, estimator.fixed)
    if shared and n_curves < 2:
        raise ValueError(
            f"shared={sorted(shared)} needs at least two curves; X has one "
            f"({curves[0]!r})."
        )
    options = fit_options(
        names,
        design.model.default_bounds,
        estimator.fixed,
        estimator.p0,
        estimator.bounds,
        n_curves,
    )
    free = options.free
    own = int((free & ~np.isin(names, list(shared))).sum())
    seen = sample_weight > 0
    per_curve = np.bincount(codes[seen], minlength=n_curves)
    few = per_curve < own
    if few.any():
        raise ValueError(
            f"Curve(s) {list(curves[few])[:5]} have fewer points (of positive "
            f"weight) than their own {own} parameters: share or fix more of them."
        )
    n_obs = int(seen.sum())
    n_free = own * n_curves + len(
        shared & {n for n, f in zip(names, free, strict=True) if f}
    )
    if n_obs <= n_free:
        raise ValueError(
            f"The global fit has {n_free} free parameters and needs more "
            f"samples (of positive weight) than that; got {n_obs}."
        )
    x, Y, W, _ = slot_grid(dose, codes, n_curves, y, sample_weight)
    shared_mask = np.array([n in shared for n in names])
    result = fit_joint(
        design,
        x,
        Y,
        W,
        options,
        shared_mask,
        tol=estimator.tol,
        max_nfev=estimator.max_nfev,
    )
    labels, index, order = _parameter_index(names, result.local, result.shared, curves)
    covariance = result.full_covariance()[np.ix_(order, order)]
    undetermined = result.undetermined[order]
    found = _warnings(design, result, labels, undetermined, estimator)
    if undetermined.any() or not np.isfinite(covariance).all():
        covariance = np.full_like(covariance, np.nan)
    with np.errstate(invalid="ignore"):
        variances = np.diag(covariance)
    se = np.where(index >= 0, np.sqrt(variances[np.maximum(index, 0)]), 0.0)
    rss, dof = result.rss, n_obs - n_free
    log_w = np.log(sample_weight[seen]).sum()
    aic, aicc, bic = map(float, information_criteria(rss, n_obs, n_free, log_w))
    mean = np.average(y, weights=sample_weight)
    tss = sample_weight @ (y - mean) ** 2
    return {
        "model": name,
        "param_names": labels,
        "params": {n: result.params[:, j].copy() for j, n in enumerate(names)},
        "covariance": covariance,
        "std_errors": {n: se[:, j] for j, n in enumerate(names)},
        "rss": rss,
        "dof": dof,
        "sigma": float(np.sqrt(rss / dof)) if dof > 0 else np.nan,
        "aic": aic,
        "aicc": aicc,
        "bic": bic,
        "r2": 1 - rss / tss if tss > 0 else np.nan,
        "n_iter": result.n_iter,
        "converged": result.status in GOOD,
        "flat": False,
        "parameter_index": index,
        "n_starts": result.n_starts,
        "train": (X, y, sample_weight),
        "warnings": found,
    }


def _warnings(design, result, labels, undetermined, estimator):
    from ._engine import MAX_NFEV, NO_PROGRESS

    found = []
    what = f"SigmoidGrowthRegressor ({design.model.name}, global fit)"
    if result.status == MAX_NFEV:
        found.append(
            (
                f"{what} did not converge within max_nfev trial steps. The best "
                "fit found is kept; increase max_nfev or give p0.",
                ConvergenceWarning,
            )
        )
    elif result.status == NO_PROGRESS:
        found.append(
            (
                f"{what}: the residual sum of squares stopped falling while the "
                "parameters kept moving: the optimum lies at infinity (an "
                "asymptote running off). The best fit found is kept; share, "
                "bound or fix the parameter that runs off.",
                ConvergenceWarning,
            )
        )
    if undetermined.any():
        unknown = [n for n, u in zip(labels, undetermined, strict=True) if u]
        shown = ", ".join(unknown[:6]) + (
            f" and {len(unknown) - 6} more" if len(unknown) > 6 else ""
        )
        found.append(
            (
                "The Jacobian of the global fit is rank deficient at the optimum: "
                f"the data do not determine {shown}; all standard errors are "
                "reported as nan. Share or fix some of them, or add data where "
                "those curves change.",
                ConvergenceWarning,
            )
        )
    return found


def curve_delta(quantity, params, covariance, index, extra_dims=0):
    r"""Per curve: ``quantity`` of its parameters, its gradient in every free
    parameter of the fit and its delta-method standard error.

    Parameters
    ----------
    quantity : callable
        ``quantity(theta)`` with ``theta`` a list of arrays (one per model
        parameter) of shape ``(n_curves, 2 q + 1) + (1,) * extra_dims``.
    params : ndarray of shape (n_curves, q)
    covariance : ndarray of shape (n_free, n_free)
    index : ndarray of int, shape (n_curves, q)
        Each curve's parameters among the free ones (-1: fixed).

    Returns
    -------
    value : ndarray of shape (n_curves, ...)
    gradient : ndarray of shape (n_curves, n_free, ...)
    std : ndarray of shape (n_curves, ...)
    """
    C, q = params.shape
    variances = np.diag(covariance)
    se = np.where(index >= 0, np.sqrt(np.abs(variances[np.maximum(index, 0)])), 0.0)
    h = 1e-6 * np.maximum.reduce(
        [np.abs(params), np.where(np.isfinite(se), se, 0.0), np.full((C, q), 1e-8)]
    )
    columns = np.repeat(params[:, :, None], 2 * q + 1, axis=2)  # (C, q, 2q+1)
    columns[:, np.arange(q), 1 + np.arange(q)] += h
    columns[:, np.arange(q), 1 + q + np.arange(q)] -= h
    columns = columns.reshape(columns.shape + (1,) * extra_dims)
    with np.errstate(all="ignore"):
        out = np.asarray(quantity([columns[:, j] for j in range(q)]), dtype=float)
        rest = out.shape[2:]
        local = (out[:, 1 : q + 1] - out[:, q + 1 :]) / (2 * h).reshape(
            (C, q) + (1,) * len(rest)
        )
    local[index < 0] = 0.0
    gradient = np.zeros((C, covariance.shape[0]) + rest)
    for j in range(q):
        on = index[:, j] >= 0
        gradient[np.flatnonzero(on), index[on, j]] += local[on, j]
    std = np.sqrt(np.einsum("cj...,jk,ck...->c...", gradient, covariance, gradient))
    return out[:, 0], gradient, std


# --------------------------------------------------------------------------
# the fitted global fit: labels, intervals, predictions, effective doses
# --------------------------------------------------------------------------
def _labelled(estimator):
    """(label, curve, name, estimate, std_error) of every parameter of every
    curve: ``"x_mid[a]"`` for a curve's own, ``"top"`` for a shared one."""
    names = estimator._model.param_names
    index = estimator._parameter_index
    rows = []
    shared = (
        {
            j
            for j in range(len(names))
            if index[0, j] >= 0 and len(set(index[:, j])) == 1
        }
        if len(estimator.curves_) > 1
        else set()
    )
    for c, curve in enumerate(estimator.curves_):
        for j, name in enumerate(names):
            label = name if j in shared else f"{name}[{curve}]"
            rows.append(
                (
                    label,
                    curve,
                    name,
                    float(estimator.params_[name][c]),
                    float(estimator.std_errors_[name][c]),
                )
            )
    return rows


def global_conf_int(estimator, crit):
    """Wald intervals by label (a shared parameter once)."""
    out = {}
    for label, _, _, value, se in _labelled(estimator):
        out.setdefault(label, (value - crit * se, value + crit * se))
    return out


def global_summary(estimator, crit, pd):
    rows = _labelled(estimator)
    est = np.array([r[3] for r in rows])
    se = np.array([r[4] for r in rows])
    with np.errstate(divide="ignore", invalid="ignore"):
        t = np.where(se > 0, est / se, np.nan)
    from scipy import stats

    return pd.DataFrame(
        {
            "estimate": est,
            "std_err": se,
            "t": t,
            "p_value": 2 * stats.t.sf(np.abs(t), max(estimator.dof_, 1)),
            "ci_lower": est - crit * se,
            "ci_upper": est + crit * se,
        },
        index=pd.MultiIndex.from_tuples(
            [(r[1], r[2]) for r in rows], names=["curve", "parameter"]
        ),
    )


def global_predict(estimator, X, return_std):
    """Each row's curve at its dose (and the delta-method standard error)."""
    _, _, dose, codes = curve_data(estimator, X, reset=False)
    estimator._check_x_domain(dose[:, None], [estimator.model_])
    design = AxisDesign(estimator.model_, estimator.x_scale)
    theta = estimator._curve_params[codes]
    t = design.user_axis(dose)
    columns = [theta[:, j] for j in range(theta.shape[1])]
    y_pred = design.model.function(t, *columns)
    if not return_std:
        return y_pred
    J = design.model.jacobian(t, *columns)  # (n, n_params)
    index = estimator._parameter_index[codes]
    G = np.zeros((len(dose), estimator.covariance_.shape[0]))
    rows = np.arange(len(dose))
    for j in range(theta.shape[1]):
        on = index[:, j] >= 0
        G[rows[on], index[on, j]] += J[on, j]
    return y_pred, np.sqrt(np.einsum("ij,jk,ik->i", G, estimator.covariance_, G))


def effective_doses(estimator, p):
    """ED_p of every curve of a global fit, its gradient in the free
    parameters and its standard error (:func:`curve_delta`)."""
    from . import _derived

    model, x_scale = estimator._model, estimator.x_scale

    def ed(theta):
        return _derived.effective_dose(model, theta, p, x_scale)

    return curve_delta(
        ed,
        estimator._curve_params,
        estimator.covariance_,
        estimator._parameter_index,
        np.ndim(p),
    )


def global_effective_dose(estimator, p, level, crit):
    """ED_p of every curve (arrays over ``curves_``, then p's shape)."""
    from ._inference import _estimate

    value, _, std = effective_doses(estimator, p)
    return _estimate(value, std, crit if level else None)

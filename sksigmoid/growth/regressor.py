r"""SigmoidGrowthRegressor: one sigmoidal growth or dose-response curve.

The fit minimises the (weighted, optionally robust) sum of squares

.. math::
    S(\theta) = \sum_i w_i \, \rho\!\left(\left(y_i - f(t_i; \theta)\right)^2\right)

with the library's one curve-fitting engine (:mod:`._engine`, a monotone
Levenberg--Marquardt over the candidate starts at once, in units read off the
data), the same one :func:`~sksigmoid.growth.fit_curves` runs. It reports the
Gauss--Newton inference: :math:`\hat\sigma^2 = S/(n - p)` and
:math:`\operatorname{Cov}(\hat\theta) = \hat\sigma^2 (J^\top W J)^{-1}`.
For quantal and count data (``family="binomial"`` or ``"poisson"``) it
minimises the deviance instead, by Fisher scoring in the same engine
(:mod:`._family`), with the inverse Fisher information as covariance
(:mod:`._inference`).
"""

import functools
import math
import warnings
from numbers import Integral, Real

import numpy as np
from scipy import optimize, stats
from sklearn.base import BaseEstimator, RegressorMixin, _fit_context
from sklearn.callback import CallbackSupportMixin
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import (
    _check_sample_weight,
    check_is_fitted,
    validate_data,
)

from ..utils._optional import import_pandas
from . import _derived, _family
from . import compare as _compare
from ._common import (
    check_option_names,
    check_response,
    fit_options,
)
from ._global import (
    curve_data,
    fit_global,
    global_conf_int,
    global_effective_dose,
    global_predict,
    global_summary,
)
from ._inference import (
    Estimate,
    FlatCurveWarning,
    GoodnessOfFit,
    _comparison,
    _estimate,
    _flat_fit,
    _impossible_message,
    _inference,
    _link_band,
    _scalar,
    _selection_key,
)
from ._models import MODELS
from ._problem import AxisDesign, IndexDesign, fit

__all__ = ["SigmoidGrowthRegressor", "Estimate", "FlatCurveWarning", "GoodnessOfFit"]

_LINEAR_LOCATION_MODELS = ("logistic", "richards", "gompertz", "4pl", "5pl", "probit")
_AUC_NODES = 200


@functools.lru_cache(maxsize=256)
def _t_quantile(q, dof):
    """The ``q`` quantile of Student's t with ``dof`` degrees of freedom."""
    return float(stats.t.ppf(q, dof)) if dof > 0 else np.inf


def _design(model, n_features, x_scale):
    if n_features == 1:
        return AxisDesign(model, x_scale)
    return IndexDesign(model, n_features)


# --------------------------------------------------------------------------
# The estimator
# --------------------------------------------------------------------------
class SigmoidGrowthRegressor(CallbackSupportMixin, RegressorMixin, BaseEstimator):
    r"""Sigmoidal growth / dose-response curve: least squares or maximum likelihood.

    Fitted by nonlinear least squares, or by maximum likelihood for quantal
    (binomial) and count (Poisson) responses (``family``).
    Self-starting (no initial values needed), with Gauss--Newton inference on
    the parameters, the curve and derived quantities (effective doses,
    inflection point, maximum slope, lag time, doubling time, area under the
    curve), and inverse prediction (reading unknowns off a standard curve).

    The models (t = x, or t = ln x with ``x_scale="log"``) and their
    equivalents elsewhere:

    ``logistic``: top / (1 + exp(-rate (t - x_mid)))
        R ``SSlogis(Asym=top, xmid=x_mid, scal=1/rate)``; NIST Rat42
        b1 / (1 + exp(b2 - b3 t)) with top = b1, rate = b3, x_mid = b2/b3.
    ``richards``: top / (1 + exp(-rate (t - x_mid)))^(1/shape)
        NIST Rat43 b1 / (1 + exp(b2 - b3 t))^(1/b4) with shape = b4.
    ``gompertz``: top exp(-exp(-rate (t - x_mid)))
        R ``SSgompertz(Asym, b2, b3)`` with top = Asym, rate = -ln b3,
        x_mid = ln(b2)/rate.
    ``4pl``: bottom + (top - bottom) / (1 + exp(-rate (t - x_mid)))
        R ``SSfpl(A=bottom, B=top, xmid=x_mid, scal=1/rate)``; with
        ``x_scale="log"`` drc ``LL.4(b=-rate, c=bottom, d=top, e=exp(x_mid))``.
    ``5pl``: bottom + (top - bottom) / (1 + exp(-rate (t - x_mid)))^shape
        with ``x_scale="log"`` drc ``LL.5(b=-rate, c, d, e=exp(x_mid),
        f=shape)``.
    ``weibull``: top - (top - bottom) exp(-(t/scale)^shape), t >= 0
        R ``SSweibull(Asym=top, Drop=top-bottom, lrc=-shape ln scale,
        pwr=shape)``; drc ``W1.4(b=shape, c=top, d=bottom, e=scale)``.
    ``hill``: top x^n / (K^n + x^n), x >= 0
        drc ``LL.3(b=-n, d=top, e=K)``; Michaelis--Menten for n = 1.
    ``probit``: bottom + (top - bottom) Phi(rate (t - x_mid))
        Phi the standard normal distribution function; with
        ``x_scale="log"`` drc ``LN.4(b=-rate, c=bottom, d=top, e=exp(x_mid))``,
        Finney's log-normal tolerance distribution.

    Decreasing curves are the same models with a negative ``rate`` (or ``n``,
    or Weibull ``shape``); nothing else changes. ``"auto"`` fits every
    applicable model and keeps the one of smallest AICc
    (``model_comparison_`` holds the table).

    With more than one feature, the location index ``rate (t - x_mid)`` is
    replaced by a fitted linear index ``u = X @ coef + intercept`` (parameters
    ``coef_0, ..., intercept``); derived quantities and inverse prediction
    need one feature.

    A constant response has no sigmoid: the fit warns (:class:`FlatCurveWarning`)
    and reports a flat curve at ``mean(y)`` (slope 0) with
    ``nan`` standard errors; derived quantities then raise ``ValueError``.

    Parameters
    ----------
    model : str, default="4pl"
        The curve model: "logistic", "richards", "gompertz", "4pl", "5pl",
        "probit", "weibull", "hill" (see above) or "auto".
    x_scale : {"linear", "log"}, default="linear"
        ``"log"`` fits the logistic-family models in ``t = ln x`` (dose on a log
        axis, as drc's LL models); ``x = 0`` is a zero-dose control and gets the
        curve's limit; ``x < 0`` is an error. hill and weibull are already log
        models of ``x`` and take ``"linear"``.
    p0 : dict, default=None
        Starting values by parameter name; missing names come from the
        self-start.
    bounds : dict, default=None
        ``{name: (lower, upper)}``; positivity bounds of ``K``, ``scale`` and
        ``shape`` always apply.
    fixed : dict, default=None
        ``{name: value}`` held fixed (e.g. ``{"bottom": 0}``); fixed
        parameters get a standard error of 0.
    loss : {"linear", "soft_l1", "huber", "cauchy"}, default="linear"
        Robust loss :math:`\rho` (those of
        :func:`scipy.optimize.least_squares`), for outliers, minimised by
        iteratively reweighted Gauss--Newton steps. The standard errors stay
        the Gauss--Newton ones at the robust estimate (with
        :math:`\hat\sigma` from all residuals): approximate.
    f_scale : float, default=1.0
        Residual size at which a robust loss starts down-weighting.
    n_starts : int, default=1
        Random starts added to the candidate starts: ``n_starts - 1``
        perturbations of the self-start (or of ``p0``). Without ``p0`` the
        candidates are already several, fitted together and compared after
        their final iterations: the self-start; its mirror image for the
        Weibull and 5PL models (a decreasing asymmetric curve has a local
        optimum each way); the two best of a grid of sigmoids (rising and
        falling, steep and shallow, at three locations); and the flat curve,
        so that the fit is never worse than a constant. ``p0`` replaces them
        all by one start.
    random_state : int, RandomState instance or None, default=None
        Seeds the perturbed starts.
    max_nfev : int, default=None
        Most trial steps per start, one evaluation of the curve and its
        Jacobian each (None: 100 (q + 1) for q free parameters).
    tol : float, default=1e-10
        Relative tolerance of the engine's stopping tests: the gradient's
        cosine with the residuals, and a kept step that moves the fit by less
        than ``tol`` of the residuals (about 10 significant digits on NIST
        Rat42 and Rat43). Every test is relative, so the fit does not depend
        on the units of x, y or the weights.
    curve : str or int, default=None
        A global fit of several curves: the column of X that says which curve
        each row belongs to (a column name of a DataFrame, whose labels may be
        strings, or the integer position 0 or 1 of an array's column of
        numeric labels). X then has exactly two columns, the dose (or time)
        and the label. ``fixed`` and ``p0`` take one value, or one per curve
        in ``curves_`` order; ``bounds`` apply to every curve. One residual variance for all curves
        (as drc's ``curveid`` and GraphPad Prism's global fit).
    shared : list of str, default=None
        With ``curve``: the parameters common to all curves (e.g.
        ``["bottom", "top"]``, or ``["bottom", "top", "rate"]`` for parallel
        curves, whose potency ratio is one number); the others are fitted per
        curve. The normal matrix is block-arrowhead and is solved by its
        Schur complement, so a fit's cost grows linearly with the number of
        curves.
    family : {"gaussian", "binomial", "poisson"}, default="gaussian"
        The response's distribution. ``"gaussian"``: (weighted) least squares.
        ``"binomial"``: quantal data, y the proportion responding in [0, 1]
        and ``sample_weight`` the number of subjects of each row (default 1:
        individual 0/1 outcomes); with ``fixed=None`` the lower asymptote is
        fixed at 0 and the upper at 1 where the model has them (drc's LL.2,
        W1.2, LN.2), and any ``fixed`` dict replaces that default (``fixed=
        {"top": 1}`` with ``"4pl"`` frees the controls' natural response,
        drc's LL.3u, Abbott's correction; free asymptotes stay in [0, 1]).
        ``"poisson"``: y are counts >= 0 (integers), the curve their mean.
        Both are fitted by maximum likelihood: Fisher scoring by the same
        engine, every kept step lowering the deviance; the standard errors
        come from the Fisher information, the intervals from the normal
        distribution, and ``aic_``, ``bic_`` from the log-likelihood, so
        ``model="auto"`` compares logit, probit and complementary log-log
        (``gompertz``, ``weibull``) links by AIC.
    overdispersion : {"none", "scale"}, default="none"
        For ``"binomial"`` and ``"poisson"``: ``"scale"`` multiplies the
        covariance by the Pearson dispersion :math:`\hat\phi = X^2/\mathrm{dof}`
        and uses Student's t with ``dof_`` (the quasi-likelihood correction of
        R's ``quasibinomial``/``quasipoisson``; non-integer Poisson responses
        are then accepted). ``dispersion_`` is reported either way.

    Attributes
    ----------
    model_ : str
        The model fitted (the winner when ``model="auto"``).
    param_names_ : list of str
    params_ : dict
        Estimates by name.
    covariance_ : ndarray of shape (n_params, n_params)
        :math:`\hat\sigma^2 (J^\top W J)^{-1}` over the free parameters (rows
        and columns of fixed parameters are 0). ``nan`` when the data do not
        determine the parameters (a step with no point on its rise, collinear
        features), with a ``ConvergenceWarning`` naming them; :func:`fit_curves`
        decides by the same rule and marks such a curve ``"failed"``.
    std_errors_ : dict
        :math:`\sqrt{\mathrm{diag}(\mathrm{covariance\_})}` by parameter name.
    rss_ : float
        Weighted residual sum of squares :math:`\sum_i w_i r_i^2`.
    sigma_ : float
        Residual standard error :math:`\sqrt{\mathrm{rss}/\mathrm{dof}}`.
    dof_ : int
        Residual degrees of freedom, ``n_samples - n_free_params``.
    aic_, aicc_, bic_ : float
        Gaussian information criteria counting :math:`\sigma` as a parameter
        (as R's ``AIC(nls)``); for ``"binomial"`` and ``"poisson"``, from the
        log-likelihood with the free parameters (R's ``AIC(glm)``).
    deviance_, pearson_chi2_ : float or None
        ``"binomial"``/``"poisson"``: the deviance :math:`D = 2(\ell_{sat} -
        \ell)` (also ``rss_``) and Pearson's :math:`X^2 = \sum_i w_i (y_i -
        \hat\mu_i)^2 / V(\hat\mu_i)`; None for ``"gaussian"``.
    dispersion_ : float
        :math:`X^2/\mathrm{dof}` (about 1 without overdispersion); the
        residual variance :math:`\hat\sigma^2` for ``"gaussian"``.
    log_likelihood_ : float or None
        ``"binomial"``/``"poisson"``: :math:`\ell(\hat\theta)`.
    goodness_of_fit_ : GoodnessOfFit or None
        ``"binomial"``/``"poisson"``: Pearson's :math:`X^2` and the deviance
        against :math:`\chi^2_{\mathrm{dof}}` with their p-values.
    r2_ : float
        Weighted coefficient of determination on the training data.
    n_iter_ : int
        Iterations (trial steps, one evaluation of the curve and its Jacobian
        each) of the kept start.
    converged_ : bool
        Whether the kept start met a stopping test. False, with a
        ``ConvergenceWarning`` that says why, when it ran out of
        ``max_nfev`` or stopped on an optimum at infinity (the RSS no longer
        falling while a parameter runs off).
    flat_ : bool
        True when y was constant and a flat curve is reported.
    model_comparison_ : dict of lists or None
        With ``model="auto"``: columns ``model``, ``n_params`` (free
        parameters, those AICc counts), ``rss`` (the deviance of a likelihood
        fit), ``aic``, ``delta_aic``, ``aicc``, ``delta_aicc``, ``converged``
        (``pandas.DataFrame(model_comparison_)``); only the kept model's
        warnings are raised.
    n_features_in_ : int
    curves_ : ndarray
        With ``curve``: the curve labels, sorted. ``params_`` and
        ``std_errors_`` then map each name to an array over ``curves_`` (a
        shared parameter repeats its value), ``param_names_`` names the free
        parameters (``"x_mid[a]"``, a shared ``"top"``) in the order of
        ``covariance_``, and ``rss_``, ``dof_``, ``sigma_``, ``aicc_`` ...
        are those of the joint fit.

    See Also
    --------
    sksigmoid.growth.fit_curves : many curves (a plate) at once.

    Examples
    --------
    >>> from sksigmoid.datasets import load_rat42
    >>> from sksigmoid import SigmoidGrowthRegressor
    >>> data = load_rat42()
    >>> reg = SigmoidGrowthRegressor("logistic").fit(data.data, data.target)
    >>> round(reg.params_["top"], 4)
    72.4622
    """

    _parameter_constraints = {
        "model": [StrOptions(set(MODELS) | {"auto"})],
        "x_scale": [StrOptions({"linear", "log"})],
        "p0": [dict, None],
        "bounds": [dict, None],
        "fixed": [dict, None],
        "loss": [StrOptions({"linear", "soft_l1", "huber", "cauchy"})],
        "f_scale": [Interval(Real, 0, None, closed="neither")],
        "n_starts": [Interval(Integral, 1, None, closed="left")],
        "random_state": ["random_state"],
        "max_nfev": [Interval(Integral, 1, None, closed="left"), None],
        "tol": [Interval(Real, 0, None, closed="neither")],
        "curve": [str, Integral, None],
        "shared": [list, tuple, None],
        "family": [StrOptions({"gaussian", "binomial", "poisson"})],
        "overdispersion": [StrOptions({"none", "scale"})],
    }

    def __init__(
        self,
        model="4pl",
        *,
        x_scale="linear",
        p0=None,
        bounds=None,
        fixed=None,
        loss="linear",
        f_scale=1.0,
        n_starts=1,
        random_state=None,
        max_nfev=None,
        tol=1e-10,
        curve=None,
        shared=None,
        family="gaussian",
        overdispersion="none",
    ):
        self.model = model
        self.x_scale = x_scale
        self.p0 = p0
        self.bounds = bounds
        self.fixed = fixed
        self.loss = loss
        self.f_scale = f_scale
        self.n_starts = n_starts
        self.random_state = random_state
        self.max_nfev = max_nfev
        self.tol = tol
        self.curve = curve
        self.shared = shared
        self.family = family
        self.overdispersion = overdispersion

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = False
        return tags

    # ------------------------------------------------------------------ fit
    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, sample_weight=None):
        """Fit the curve.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            The input (time, dose, concentration); one column for the natural
            parameters.
        y : array-like of shape (n_samples,)
            The response.
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative weights :math:`w_i` of weighted least squares, e.g.
            :math:`1/\\sigma_i^2` for known measurement variances.

        Returns
        -------
        self : SigmoidGrowthRegressor
        """
        if self.curve is not None:
            return self._fit_global(X, y, sample_weight)
        if self.shared:
            raise ValueError(
                "shared needs curve: the column of X that says which curve each "
                "row belongs to."
            )
        check_response(y)
        X, y = validate_data(self, X, y, y_numeric=True, dtype=np.float64)
        sample_weight = _check_sample_weight(
            sample_weight, X, dtype=np.float64, ensure_non_negative=True
        )
        self._check_family_data(y, sample_weight)
        if self.model == "auto":
            candidates = self._auto_candidates(X.shape[1], sample_weight, X)
        else:
            candidates = [self.model]
        self._check_x_domain(X, candidates)
        known = set().union(
            *(_design(n, X.shape[1], "linear").names for n in candidates)
        )
        check_option_names(self.fixed, self.p0, self.bounds, known)
        fits = self._fit_candidates(
            candidates, X, y, lambda name: self._fit_model(name, X, y, sample_weight)
        )
        best = min(fits, key=_selection_key)
        if best.get("deviance") is not None and not np.isfinite(best["deviance"]):
            raise ValueError(_impossible_message(self, best))
        self.model_comparison_ = _comparison(fits) if self.model == "auto" else None
        for message, category in best.pop("warnings"):  # only the kept model's
            warnings.warn(message, category, stacklevel=3)
        for fit_ in fits:
            fit_.pop("warnings", None)
        self._fit_data = best.pop("train")
        for key, value in best.items():
            setattr(self, key + "_", value)
        return self

    def _fit_candidates(self, candidates, X, y, fit_one):
        """Fit every candidate model, telling callbacks (scikit-learn's
        ``set_callbacks``, e.g. ``ProgressBar()``): one task per candidate
        model, each with one subtask per start it fitted."""
        context = self._init_callback_context(max_subtasks=len(candidates))
        context.call_on_fit_task_begin(estimator=self, X=X, y=y)
        fits = []
        for name in candidates:
            # the starts are fitted together in one batch: how many is known
            # once it is done, when they are reported
            model_context = context.subcontext(
                task_name=f"model {name}", max_subtasks=None
            )
            model_context.call_on_fit_task_begin(estimator=self, X=X, y=y)
            fitted = fit_one(name)
            n_starts = fitted.pop("n_starts", 1)
            for _ in range(n_starts):  # fitted together, reported once done
                start_context = model_context.subcontext(task_name="start")
                start_context.call_on_fit_task_begin(estimator=self, X=X, y=y)
                start_context.call_on_fit_task_end(estimator=self, X=X, y=y)
            model_context.call_on_fit_task_end(estimator=self, X=X, y=y)
            fits.append(fitted)
        context.call_on_fit_task_end(estimator=self, X=X, y=y)
        return fits

    def _fit_global(self, X, y, sample_weight):
        """The global fit of several curves (``curve`` set), see :mod:`._global`."""
        X, y, dose, codes = curve_data(self, X, y, reset=True)
        sample_weight = _check_sample_weight(
            sample_weight, X, dtype=np.float64, ensure_non_negative=True
        )
        if self.loss != "linear" or self.family != "gaussian":
            raise ValueError(
                "A global fit (curve=...) is by least squares: loss must be "
                f"'linear' and family 'gaussian'; got loss={self.loss!r}, "
                f"family={self.family!r}."
            )
        if self.n_starts != 1:
            raise ValueError(
                "n_starts applies to single-curve fits; a global fit starts from "
                "each curve fitted alone (give p0 to start elsewhere)."
            )
        if self.model == "auto":
            wanted = set(self.shared or ())
            candidates = [
                n
                for n in self._auto_candidates(1, sample_weight, dose[:, None])
                if wanted <= set(MODELS[n].param_names)
            ]
            if not candidates:
                raise ValueError(
                    f"No candidate model has every parameter in shared={self.shared}."
                )
        else:
            candidates = [self.model]
        self._check_x_domain(dose[:, None], candidates)
        known = set().union(*(MODELS[n].param_names for n in candidates))
        check_option_names(self.fixed, self.p0, self.bounds, known)
        fits = self._fit_candidates(
            candidates,
            X,
            y,
            lambda name: fit_global(self, name, X, y, sample_weight, dose, codes),
        )
        best = min(fits, key=_selection_key)
        self.model_comparison_ = _comparison(fits) if self.model == "auto" else None
        for message, category in best.pop("warnings"):
            warnings.warn(message, category, stacklevel=3)
        self._parameter_index = best.pop("parameter_index")
        self._fit_data = best.pop("train")
        for key, value in best.items():
            setattr(self, key + "_", value)
        return self

    @property
    def _curve_params(self):
        """A global fit's parameters, (n_curves, n_params)."""
        return np.column_stack([self.params_[n] for n in self._model.param_names])

    def _check_single_curve(self, what):
        check_is_fitted(self, "params_")
        if self.curve is not None:
            raise ValueError(
                f"{what} is for a single-curve fit; a global fit (curve=...) gives "
                "effective_dose, potency_ratio and compare_parameters per curve "
                "(or fit one curve alone)."
            )

    def _auto_candidates(self, n_features, sample_weight, X):
        """The models that apply to this input and have enough points to fit
        (those of x >= 0, hill and weibull, only where every x is)."""
        names = list(_LINEAR_LOCATION_MODELS)
        if n_features == 1 and self.x_scale == "linear" and np.all(X >= 0):
            names += ["weibull", "hill"]
        if self.family == "binomial" and self.fixed is None:
            # with the asymptotes at 0 and 1 the 4pl is the logistic and the
            # 5pl the Richards curve (shape inverted): one candidate each
            names = [n for n in names if n not in ("4pl", "5pl")]
        n_obs = np.count_nonzero(sample_weight)
        enough = [
            name
            for name in names
            if n_features > 1
            or n_obs > len(set(MODELS[name].param_names) - set(self._fixed(name)))
        ]
        return enough or names[:1]

    @property
    def _likelihood(self):
        """The :class:`._family.Family` of a likelihood fit; None for least squares."""
        return _family.FAMILIES.get(self.family)

    def _fixed(self, model):
        """The fixed parameters of ``model``: ``fixed``, or the family's default."""
        if self.fixed is not None:
            return self.fixed
        return _family.default_fixed(self._likelihood, MODELS[model].param_names)

    def _check_controls(self, design, options, X, y, seen):
        """Refuse zero-dose responses a curve pinned at its fixed asymptotes
        cannot produce (:func:`._family.impossible_controls`)."""
        if not design.single:
            return
        Y = np.where(seen, y, np.nan)[:, None]
        log_x = self.x_scale == "log"
        if _family.impossible_controls(design.model, options.fixed, X[:, 0], Y, log_x)[
            0
        ]:
            asymptotes = {n: float(v[0]) for n, v in options.fixed.items()}
            raise ValueError(
                "The data have "
                + _family.impossible_message(design.model.name, asymptotes)
            )

    def _check_family_data(self, y, sample_weight):
        family = self._likelihood
        if family is None:
            if self.overdispersion != "none":
                raise ValueError(
                    'overdispersion="scale" applies to family="binomial" or '
                    '"poisson"; least squares estimates its variance anyway.'
                )
            return
        if self.loss != "linear":
            raise ValueError(
                f"family={self.family!r} is fitted by maximum likelihood: loss "
                f"must be 'linear'; got {self.loss!r}."
            )
        self._no_information = _family.check_data(
            family, y, sample_weight, self.overdispersion
        )

    def _check_x_domain(self, X, candidates):
        if self.x_scale == "log" and np.any(X < 0):
            raise ValueError(
                'x_scale="log" needs x >= 0 (x = 0 is a zero-dose control); '
                f"got min(x) = {X.min():g}."
            )
        for name in candidates:
            if MODELS[name].domain == "nonnegative":
                if self.x_scale == "log":
                    raise ValueError(
                        f"model {name!r} is already a log model of x; use "
                        'x_scale="linear".'
                    )
                if X.shape[1] > 1:
                    raise ValueError(f"model {name!r} takes exactly one feature.")
                if np.any(X < 0):
                    raise ValueError(
                        f"model {name!r} needs x >= 0; got min(x) = {X.min():g}."
                    )

    def _options(self, design, fixed=None, p0=None):
        bounds = _family.asymptote_bounds(self._likelihood, design.names, self.bounds)
        return fit_options(
            design.names,
            design.model.default_bounds,
            self._fixed(design.model.name) if fixed is None else fixed,
            self.p0 if p0 is None else p0,
            bounds,
        )

    def _fit_model(
        self,
        name,
        X,
        y,
        sample_weight,
        fixed=None,
        p0=None,
        n_starts=None,
        profiling=False,
    ):
        """Fit one model; ``fixed``/``p0``/``n_starts`` override the estimator's.

        Returns the fitted attributes (without the trailing underscore), the
        training data (``train``) and the warnings the fit would raise
        (``warnings``: (message, category) pairs, raised only if this model is
        kept).
        """
        design = _design(name, X.shape[1], self.x_scale)
        options = self._options(design, fixed, p0)
        n_free = options.n_free
        if n_free == 0 and self.model != "auto":
            raise ValueError("Every parameter is fixed; leave at least one free.")
        n_obs = np.count_nonzero(sample_weight)
        if design.single and n_obs < n_free + 1:
            raise ValueError(
                f"model {name!r} has {n_free} free parameters and needs at "
                f"least {n_free + 1} samples (of positive weight); got "
                f"n_samples={n_obs}."
            )
        seen = sample_weight > 0
        if self._likelihood is not None and not profiling:
            # (a profile's point may pin an asymptote: its deviance then rises)
            self._check_controls(design, options, X, y, seen)
        if np.ptp(y[seen]) == 0 and self._likelihood is None:
            return _flat_fit(design, X, y, sample_weight, options)
        n_starts = self.n_starts if n_starts is None else n_starts
        result = fit(
            design,
            X,
            y[:, None],
            sample_weight[:, None],
            options,
            loss=self.loss,
            f_scale=self.f_scale,
            tol=self.tol,
            max_nfev=self.max_nfev,
            n_random=n_starts - 1,
            rng=check_random_state(self.random_state),
            family=self._likelihood,
            dispersion=self.overdispersion,
        )
        fitted = _inference(design, X, y, sample_weight, result, options, self)
        fitted["n_starts"] = result.n_starts
        return fitted

    # ------------------------------------------------------------ inference
    def _check_single_feature(self, what):
        self._check_single_curve(what)
        if self.n_features_in_ != 1:
            raise ValueError(f"{what} needs a one-feature fit.")
        if self.flat_:
            raise ValueError(f"{what} is undefined for a flat (constant) fit.")

    @property
    def _theta(self):
        if self.curve is not None:  # a global fit: (n_curves, n_params)
            return self._curve_params
        return np.array([self.params_[n] for n in self.param_names_])

    @property
    def _design(self):
        return _design(self.model_, self.n_features_in_, self.x_scale)

    def conf_int(self, level=0.95, method="wald"):
        r"""Confidence intervals of the parameters.

        ``"wald"``: :math:`\hat\theta_j \pm t_{1-\alpha/2,\,\mathrm{dof}}\,
        \mathrm{se}_j`. ``"profile"``: the profile-t interval
        :math:`\{\theta_j : \sqrt{S(\theta_j) - S(\hat\theta)}/\hat\sigma
        \le t_{1-\alpha/2,\,\mathrm{dof}}\}`, where :math:`S(\theta_j)` refits
        the other parameters (R's ``confint(nls)``); exact for models far from
        linear.

        Parameters
        ----------
        level : float, default=0.95
        method : {"wald", "profile"}, default="wald"

        Returns
        -------
        dict
            ``{name: (lower, upper)}``.
        """
        check_is_fitted(self, "params_")
        crit = self._t_critical(level)
        if self.curve is not None:
            if method != "wald":
                raise ValueError(
                    'A global fit (curve=...) gives method="wald" intervals; got '
                    f"{method!r}."
                )
            return global_conf_int(self, crit)
        if method == "wald":
            return {
                n: (float(v - crit * se), float(v + crit * se))
                for (n, v), se in zip(
                    self.params_.items(), self.std_errors_.values(), strict=True
                )
            }
        if method != "profile":
            raise ValueError(f'method must be "wald" or "profile"; got {method!r}.')
        return {n: self._profile_interval(n, crit) for n in self.param_names_}

    def _t_critical(self, level):
        if not (isinstance(level, Real) and 0 < level < 1):
            raise ValueError(f"level must be in (0, 1); got {level}.")
        return _t_quantile(0.5 + float(level) / 2, self._reference_dof)

    @property
    def _reference_dof(self):
        """Degrees of freedom of the t reference: ``dof_``, or infinite (the
        normal) for a likelihood fit whose dispersion is known (1)."""
        if self.family != "gaussian" and self.overdispersion == "none":
            return np.inf
        return int(self.dof_)

    def _profile_interval(self, name, crit):
        value, se = self.params_[name], self.std_errors_[name]
        if se == 0 or not np.isfinite(se):
            return (value, value) if se == 0 else (np.nan, np.nan)
        return (
            float(value - self._profile_limit(name, -1.0, crit)),
            float(value + self._profile_limit(name, 1.0, crit)),
        )

    def _profile_limit(self, name, sign, crit):
        """Distance from the estimate to where the profile t reaches ``crit``."""
        value = self.params_[name]
        X, y, w = self._fit_data
        fixed = dict(self._fixed(self.model_))

        def excess(step):
            fit = self._fit_model(
                self.model_,
                X,
                y,
                w,
                fixed={**fixed, name: value + sign * step},
                p0=self.params_,
                n_starts=1,
                profiling=True,
            )
            return math.sqrt(max(fit["rss"] - self.rss_, 0.0)) / self.sigma_ - crit

        options = self._options(self._design)
        lower, upper = options.lower, options.upper
        i = self.param_names_.index(name)
        room = (upper[i] - value) if sign > 0 else (value - lower[i])
        step = crit * self.std_errors_[name]
        for _ in range(30):
            if step >= room:  # the interval reaches the bound
                step = room * (1 - 1e-9)
                return optimize.brentq(excess, 0.0, step) if excess(step) > 0 else room
            if excess(step) > 0:
                return optimize.brentq(excess, 0.0, step, xtol=1e-10 * step)
            step *= 2.0
        return np.inf

    def summary(self, level=0.95):
        """The parameter table (needs pandas).

        Returns
        -------
        pandas.DataFrame
            Indexed by parameter, columns ``estimate``, ``std_err``, ``t``,
            ``p_value`` (two-sided, H0: parameter = 0, t with ``dof_``),
            ``ci_lower``, ``ci_upper`` (Wald at ``level``).
        """
        check_is_fitted(self, "params_")
        pd = import_pandas("summary()")
        if self.curve is not None:
            return global_summary(self, self._t_critical(level), pd)
        est = np.array(list(self.params_.values()))
        se = np.array(list(self.std_errors_.values()))
        with np.errstate(divide="ignore", invalid="ignore"):
            t = np.where(se > 0, est / se, np.nan)
        ci = self.conf_int(level)
        return pd.DataFrame(
            {
                "estimate": est,
                "std_err": se,
                "t": t,
                "p_value": 2 * stats.t.sf(np.abs(t), max(self._reference_dof, 1)),
                "ci_lower": [ci[n][0] for n in self.param_names_],
                "ci_upper": [ci[n][1] for n in self.param_names_],
            },
            index=pd.Index(self.param_names_, name="parameter"),
        )

    # ------------------------------------------------------------ predict
    def predict(self, X, return_std=False):
        r"""Predict the curve, optionally with its delta-method standard error.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        return_std : bool, default=False
            Also return :math:`\sqrt{g^\top C g}` with :math:`g = \partial f /
            \partial\theta`, the standard error of the fitted curve.

        Returns
        -------
        y_pred : ndarray of shape (n_samples,)
        y_std : ndarray of shape (n_samples,), only with ``return_std``.
        """
        check_is_fitted(self, "params_")
        if self.curve is not None:
            return global_predict(self, X, return_std)
        X = validate_data(self, X, reset=False, dtype=np.float64)
        self._check_x_domain(X, [self.model_])
        design = self._design
        y_pred = design.value(self._theta, X)
        if not return_std:
            return y_pred
        J = design.jacobian(self._theta, X)
        return y_pred, np.sqrt(np.einsum("ij,jk,ik->i", J, self.covariance_, J))

    def predict_interval(self, X, level=0.95, kind="confidence"):
        r"""Pointwise t intervals for the curve (``"confidence"``) or a new
        observation of unit weight (``"prediction"``).

        .. math::
            \hat f(x) \pm t_{1-\alpha/2,\,\mathrm{dof}}
            \sqrt{\mathrm{se}_f(x)^2 + [\hat\sigma^2]_{\text{prediction}}}

        For ``"binomial"`` and ``"poisson"`` the confidence band of the mean
        is computed on the link scale and mapped back, :math:`g^{-1}(g(\hat
        \mu) \pm z\,\mathrm{se}_f\,g'(\hat\mu))` with the logit (log) link
        :math:`g`, so it stays inside [0, 1] (above 0), as R's ``predict(glm,
        se.fit=TRUE)`` on the link scale; ``"prediction"`` is for least
        squares only.

        Returns
        -------
        lower, upper : ndarray of shape (n_samples,)
        """
        if kind not in ("confidence", "prediction"):
            raise ValueError(
                f'kind must be "confidence" or "prediction"; got {kind!r}.'
            )
        family = self._likelihood
        if family is not None and kind == "prediction":
            raise ValueError(
                f'kind="prediction" is for least squares; a family={self.family!r} '
                "fit gives confidence bands of the mean (a new observation's "
                "spread depends on its number of subjects)."
            )
        y_pred, y_std = self.predict(X, return_std=True)
        if family is not None:
            return _link_band(family, y_pred, y_std, self._t_critical(level))
        if kind == "prediction":
            y_std = np.sqrt(y_std**2 + self.sigma_**2)
        half = self._t_critical(level) * y_std
        return y_pred - half, y_pred + half

    # ---------------------------------------------------- derived quantities
    def _delta(self, quantity, level, n_dims=0):
        """Estimate of ``quantity(theta)`` with a delta-method standard error.

        The gradient is by central differences with steps relative to each
        parameter's scale (about 9 correct digits). ``quantity`` gets the
        parameters and their 2 p perturbations at once: each parameter an
        array of shape ``(2 p + 1,) + (1,) * n_dims`` (``n_dims`` the
        dimensions of a vector argument such as the percents of
        :meth:`effective_dose`), and returns one row per column.
        """
        value, grad = self._value_and_gradient(quantity, n_dims)
        std = np.sqrt(np.einsum("j...,jk,k...->...", grad, self.covariance_, grad))
        return _estimate(value, std, self._t_critical(level) if level else None)

    def _value_and_gradient(self, quantity, n_dims=0):
        """``quantity(theta)`` and its gradient (parameters on axis 0, 0 for
        the fixed ones) by the central differences of :meth:`_delta`."""
        columns, h, free = self._perturbations()
        k = h.size
        columns = columns.reshape(columns.shape + (1,) * n_dims)
        with np.errstate(all="ignore"):
            out = np.asarray(quantity(columns), dtype=float)
            grad = (out[1 : k + 1] - out[k + 1 :]) / (2 * h).reshape(
                (k,) + (1,) * (out.ndim - 1)
            )
        grad[~free] = 0.0
        return out[0], grad

    def _perturbations(self):
        """The parameters and their central-difference perturbations, columns
        of a (p, 2 p + 1) array, with the steps and which parameters are free;
        computed once per fit."""
        cached = getattr(self, "_perturbation_cache", None)
        if cached is not None and cached[0] is self.params_:
            return cached[1:]
        theta = self._theta
        k = theta.size
        se = np.array([self.std_errors_[n] for n in self.param_names_])
        h = 1e-6 * np.maximum.reduce(
            [np.abs(theta), np.where(np.isfinite(se), se, 0.0), np.full(k, 1e-8)]
        )
        columns = np.repeat(theta[:, None], 2 * k + 1, axis=1)
        columns[np.arange(k), 1 + np.arange(k)] += h
        columns[np.arange(k), 1 + k + np.arange(k)] -= h
        free = se != 0  # a fixed parameter has no gradient
        self._perturbation_cache = (self.params_, columns, h, free)
        return columns, h, free

    @property
    def _model(self):
        return MODELS[self.model_]

    def effective_dose(self, p, level=None, method="delta"):
        r"""ED\ :sub:`p`: the x at which p % of the full effect is reached.

        Counted from the low-x end of the curve, as drc's ``ED``: the fraction
        of the effect is :math:`q = p/100` for an increasing curve and
        :math:`1 - p/100` for a decreasing one, and
        :math:`x = t^{-1}(P^{-1}(q))`, so ED10 < ED50 < ED90 either way. In x
        units also with ``x_scale="log"``.

        Parameters
        ----------
        p : float or array-like
            Percent(s) of the effect, in (0, 100).
        level : float, default=None
            Confidence level of the intervals (t with ``dof_``; the normal
            for a likelihood fit without overdispersion).
        method : {"delta", "fieller"}, default="delta"
            ``"delta"``: Wald intervals from the delta-method standard error.
            ``"fieller"``: Fieller's interval, the standard of toxicology
            texts (Finney) for LD\ :sub:`p`: on the curve's axis the dose is
            the ratio :math:`t_p = a/b`, :math:`a = u_q + b\,t_{mid}`,
            :math:`b` the slope, :math:`u_q = P^{-1}(q)`, and the interval is
            :math:`\{t : (a - t b)^2 \le c^2 (v_{aa} - 2 t v_{ab} + t^2
            v_{bb})\}`, mapped to x (exponentiated on a log axis); it is
            asymmetric where the slope is poorly determined, and unbounded
            (``(-inf, inf)``, or ``(0, inf)`` in x on a log axis) when the slope is not
            significantly different from 0. Needs ``level``; single-curve fits.

        Returns
        -------
        Estimate
            ``(estimate, std_error, ci_lower, ci_upper)``; for a global fit
            (``curve``) each an array over ``curves_`` (then the shape of
            ``p``), from the joint covariance.
        """
        check_is_fitted(self, "params_")
        p = np.asarray(p, dtype=float)
        if not np.all((p > 0) & (p < 100)):  # NaN fails too
            raise ValueError(f"p must be a percent in (0, 100); got {p}.")
        if method not in ("delta", "fieller"):
            raise ValueError(f'method must be "delta" or "fieller"; got {method!r}.')
        if self.curve is not None:
            if method != "delta":
                raise ValueError(
                    'A global fit (curve=...) gives method="delta" effective doses.'
                )
            crit = self._t_critical(level) if level else None
            return global_effective_dose(self, p, level, crit)
        self._check_single_feature("effective_dose")

        def ed(theta):
            return _derived.effective_dose(self._model, theta, p, self.x_scale)

        estimate = self._delta(ed, level, p.ndim)
        if method == "delta":
            return estimate
        if not level:
            raise ValueError('method="fieller" needs a confidence level.')
        return self._fieller_dose(estimate, p, self._t_critical(level))

    def _fieller_dose(self, estimate, p, crit):
        """Fieller's interval of ED_p (see :meth:`effective_dose`)."""
        model, log_x = self._model, self.x_scale == "log"
        log_location = model.location.log

        def ratio_terms(theta):
            _, _, slope, loc, shape = model.unpack(theta)
            q = np.where(np.asarray(slope) > 0, p / 100, 1 - p / 100)
            with np.errstate(divide="ignore"):
                centre = np.log(loc) if log_location else loc
            a = model.profile.inverse(q, *shape) + slope * centre
            return np.stack(np.broadcast_arrays(a, slope), axis=-1)

        # a, b and their gradients by the delta method's central differences
        terms, grad = self._value_and_gradient(ratio_terms, p.ndim)
        v = np.einsum("j...a,jk,k...b->ab...", grad, self.covariance_, grad)
        a, b = terms[..., 0], terms[..., 1]
        lower, upper = np.vectorize(_compare.fieller_interval)(
            a, b, v[0, 0], v[1, 1], v[0, 1], crit
        )
        if log_x or log_location:
            with np.errstate(over="ignore"):
                lower, upper = np.exp(lower), np.exp(upper)
        return Estimate(
            estimate.estimate, estimate.std_error, _scalar(lower), _scalar(upper)
        )

    def potency_ratio(self, numerator, denominator, p=50, level=0.95, method="delta"):
        r"""Relative potency of two curves of a global fit:
        :math:`R = \mathrm{ED}_p(\text{numerator}) / \mathrm{ED}_p(\text{denominator})`.

        From the joint covariance :math:`V` (the two estimates are correlated
        through the shared parameters): ``"delta"``, the standard error
        :math:`\sqrt{\nabla R^\top V \nabla R}` with :math:`\nabla R =
        (\nabla \mathrm{ED}_a - R\,\nabla \mathrm{ED}_b)/\mathrm{ED}_b` and
        the interval :math:`R \pm t_{1-\alpha/2,\,\nu}\,\mathrm{se}`; or
        ``"fieller"``, Fieller's interval of the ratio of two correlated
        estimates (unbounded, ``(-inf, inf)``, when the denominator's ED is
        not significantly different from 0). drc's ``EDcomp(..., c(p, p))``
        and ``relpot``. Meaningful when the curves are parallel (shared
        asymptotes and rate: the ratio is then the same at every p).

        Parameters
        ----------
        numerator, denominator : label
            Curves of ``curves_``.
        p : float, default=50
            Percent of the effect, in (0, 100).
        level : float or None, default=0.95
            Confidence level; None for the estimate and its standard error only.
        method : {"delta", "fieller"}, default="delta"

        Returns
        -------
        Estimate
            ``(estimate, std_error, ci_lower, ci_upper)``.
        """
        return _compare.potency_ratio(self, numerator, denominator, p, level, method)

    def compare_parameters(self, name, kind="ratio", level=0.95):
        r"""A parameter compared between every pair of curves of a global fit.

        ``"ratio"``: :math:`r = \theta_a/\theta_b`, its delta-method standard
        error and :math:`t = (r - 1)/\mathrm{se}`; ``"difference"``:
        :math:`\theta_a - \theta_b` and :math:`t = d/\mathrm{se}`; two-sided
        p-values from Student's t with ``dof_``, intervals at ``level``
        (drc's ``compParm``).

        Returns
        -------
        dict of lists
            Columns ``curve_1``, ``curve_2``, ``estimate``, ``std_error``,
            ``t``, ``p_value``, ``ci_lower``, ``ci_upper``, one row per pair
            (``pandas.DataFrame(result)``).
        """
        return _compare.compare_parameters(self, name, kind, level)

    def equivalence_test(self, name, margins, level=0.90, kind="ratio"):
        r"""Equivalence (similarity) of a parameter between curves, USP <1032>.

        A pair of curves is equivalent in ``name`` when the ``level``
        interval of the ratio (or difference) lies inside ``margins``: with
        ``level=0.90``, two one-sided tests at 5% (TOST). For parallelism,
        test the rate (the slope) and the asymptotes of a fit that lets them
        vary by curve.

        Parameters
        ----------
        name : str
        margins : tuple of two floats
            The equivalence interval, around 1 for a ratio (e.g. (0.8, 1.25)),
            around 0 for a difference.
        level : float, default=0.90
        kind : {"ratio", "difference"}, default="ratio"

        Returns
        -------
        dict of lists
            The columns of :meth:`compare_parameters` and ``equivalent``.
        """
        return _compare.equivalence_test(self, name, margins, level, kind)

    def inverse_predict(self, y, level=None):
        r"""The x at which the fitted curve reaches the response ``y``.

        Standard-curve interpolation of unknowns (as in ELISA):
        :math:`x = t^{-1}(P^{-1}((y - \mathrm{bottom})/(\mathrm{top} -
        \mathrm{bottom})))`, with a delta-method standard error from the
        parameters' covariance (``y`` taken as exact).

        Parameters
        ----------
        y : float or array-like
            Response(s), strictly between the asymptotes.
        level : float, default=None

        Returns
        -------
        Estimate

        Raises
        ------
        ValueError
            If a ``y`` is not strictly between ``bottom`` and ``top``.
        """
        self._check_single_feature("inverse_predict")
        y = np.asarray(y, dtype=float)
        bottom, top = self._model.unpack(self._theta)[:2]
        lo, hi = min(bottom, top), max(bottom, top)
        if np.any(~np.isfinite(y)) or np.any((y <= lo) | (y >= hi)):
            raise ValueError(
                f"y = {y} is outside the range of the curve (bottom, top) = "
                f"({bottom:.6g}, {top:.6g}): it cannot be read back."
            )

        def inverse(theta):
            b, t = self._model.unpack(theta)[:2]
            q = (y - b) / (t - b)
            return _derived.x_at_fraction(self._model, theta, q, self.x_scale)

        return self._delta(inverse, level, y.ndim)

    def inflection_point(self, level=None):
        r"""x of the inflection point, :math:`t^{-1}(u_i)`.

        :math:`u_i = 0` for the logistic, Gompertz and Weibull profiles,
        :math:`-\ln(\mathrm{shape})` for Richards, :math:`\ln(\mathrm{shape})`
        for 5PL. For hill, weibull and ``x_scale="log"`` it is the inflection
        against ln x (the dose-response plot), reported in x units.

        Returns
        -------
        Estimate
        """
        self._check_single_feature("inflection_point")

        def inflection(theta):
            return _derived.inflection_point(self._model, theta, self.x_scale)

        return self._delta(inflection, level)

    def max_slope(self, level=None):
        r"""Maximum slope of the curve (maximum growth rate :math:`\mu_m`).

        :math:`(\mathrm{top} - \mathrm{bottom})\, P'(u_i)\, \mathrm{rate}`, per
        unit of t (per unit of ln x for hill, weibull and ``x_scale="log"``);
        negative for a decreasing curve.

        Returns
        -------
        Estimate
        """
        self._check_single_feature("max_slope")
        return self._delta(lambda theta: _derived.max_slope(self._model, theta), level)

    def lag_time(self, level=None):
        r"""Lag time: where the tangent at the inflection meets the start asymptote.

        :math:`u_\lambda = u_i - (P(u_i) - P_0)/P'(u_i)` with :math:`P_0 = 0`
        for increasing and 1 for decreasing curves (Zwietering et al. 1990),
        returned in x units.

        Returns
        -------
        Estimate
        """
        self._check_single_feature("lag_time")

        def lag(theta):
            return _derived.lag_time(self._model, theta, self.x_scale)

        return self._delta(lag, level)

    def doubling_time(self, level=None):
        r"""Doubling time of the early exponential phase, :math:`\ln 2 / r`.

        Early on, :math:`y - \mathrm{bottom} \propto e^{r t}` with
        :math:`r = \mathrm{rate}` (logistic, 4pl), :math:`\mathrm{rate}/
        \mathrm{shape}` (richards), :math:`\mathrm{rate}\cdot\mathrm{shape}`
        (5pl). Gompertz, Weibull and Hill curves have no exponential phase.

        Returns
        -------
        Estimate
        """
        self._check_single_feature("doubling_time")
        name = self.model_
        if name not in ("logistic", "4pl", "richards", "5pl") or self.x_scale == "log":
            raise ValueError(
                f"doubling_time needs an exponential early phase in time "
                f"(logistic, 4pl, richards, 5pl on a linear axis); got {name!r}."
            )
        if self.params_["rate"] <= 0:
            raise ValueError("doubling_time needs a growing curve (rate > 0).")

        def doubling(theta):
            _, _, rate, _, shape = self._model.unpack(theta)
            if name == "richards":
                rate = rate / shape[0]
            elif name == "5pl":
                rate = rate * shape[0]
            return np.log(2) / rate

        return self._delta(doubling, level)

    def auc(self, x_min=None, x_max=None, level=None):
        r"""Area under the fitted curve, :math:`\int_{x_{min}}^{x_{max}} f(x)\,dx`.

        Gauss--Legendre quadrature (200 nodes) in x; defaults to the range of
        the training x.

        Returns
        -------
        Estimate
        """
        self._check_single_feature("auc")
        X = self._fit_data[0]
        x_min = X.min() if x_min is None else x_min
        x_max = X.max() if x_max is None else x_max
        for name, value in (("x_min", x_min), ("x_max", x_max)):
            if not (np.ndim(value) == 0 and np.isfinite(value)):
                raise ValueError(f"{name} must be a finite number; got {value!r}.")
        lowest = (
            0.0
            if self.x_scale == "log" or self._model.domain == "nonnegative"
            else -np.inf
        )
        if x_min < lowest:
            raise ValueError(f"x_min must be >= 0 for this model; got {x_min!r}.")
        nodes, weights = np.polynomial.legendre.leggauss(_AUC_NODES)
        half = (x_max - x_min) / 2
        x = (x_min + x_max) / 2 + half * nodes
        design = self._design
        return self._delta(
            lambda theta: half * design.value(theta[..., None], x[:, None]) @ weights,
            level,
        )

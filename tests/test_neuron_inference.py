"""Tests of the statistical inference of SigmoidNeuronClassifier.

Firth's penalised likelihood, profile-likelihood intervals, likelihood-ratio
tests, robust (sandwich) covariances and average marginal effects, checked
against statsmodels and firthmodels and against formulas written out here
independently of the library (on public data sets and fixed-seed simulations).
"""

import contextlib
import pickle
import warnings
from functools import cache

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
import sklearn
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from scipy import stats
from scipy.optimize import minimize
from scipy.special import expit, log_expit
from sklearn.base import clone
from sklearn.datasets import load_breast_cancer, load_iris
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import GridSearchCV, GroupKFold, cross_validate
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

import sksigmoid
from sksigmoid import SigmoidNeuronClassifier, likelihood_ratio_test
from sksigmoid.exceptions import SeparationWarning

COV_TYPES = ["nonrobust", "HC0", "HC1", "HC2", "HC3", "cluster"]
DATASETS = ["spector", "cancer"]
TIGHT = {"tol": 1e-12}


# --------------------------------------------------------------------------
# data
# --------------------------------------------------------------------------
def statsmodels_api():
    pytest.importorskip("statsmodels")
    import statsmodels.api as sm

    return sm


@cache
def _spector():
    sm = statsmodels_api()
    data = sm.datasets.spector.load_pandas()
    return data.exog.to_numpy(float), data.endog.to_numpy(float)


@cache
def _cancer():
    """Five standardised breast-cancer columns: the classes overlap (ML exists)."""
    X, y = load_breast_cancer(return_X_y=True)
    X = StandardScaler().fit_transform(X[:, [0, 1, 4, 8, 9]])
    return X, y.astype(float)


def dataset(name):
    X, y = _spector() if name == "spector" else _cancer()
    groups = np.random.default_rng(0).integers(0, 8, len(y))
    return X.copy(), y.copy(), groups


def rare_events(seed, n=60, beta=(1.0, -0.5), intercept=-2.5):
    """Two standard normal features, about 11% events."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, len(beta)))
    y = (rng.random(n) < expit(intercept + X @ np.asarray(beta))).astype(float)
    return X, y


def separated(sign=1.0):
    """x0 splits the classes perfectly (positively for sign=1); x1 is noise."""
    rng = np.random.default_rng(0)
    x0 = np.concatenate([rng.uniform(-2, -0.2, 20), rng.uniform(0.2, 2, 20)])
    x1 = rng.standard_normal(40)
    y = (x0 > 0).astype(float)
    return np.column_stack([sign * x0, x1]), y


# --------------------------------------------------------------------------
# independent reference computations
# --------------------------------------------------------------------------
def design(X, fit_intercept=True):
    X = np.asarray(X, dtype=float)
    return np.column_stack([X, np.ones(len(X))]) if fit_intercept else X


def params(clf):
    return np.append(clf.coef_[0], clf.intercept_[0]).astype(float)


def fisher(X1, w, s):
    p = expit(X1 @ w)
    return X1.T @ (X1 * (s * p * (1 - p))[:, None])


def hat_diagonal(X1, w, s):
    p = expit(X1 @ w)
    omega = s * p * (1 - p)
    inverse = np.linalg.inv(fisher(X1, w, s))
    return omega * np.einsum("ij,jk,ik->i", X1, inverse, X1)


def loglik(X1, y, s, w, firth=False):
    """(Penalised) log-likelihood, the penalty 0.5 log det of the full information."""
    z = X1 @ w
    value = s @ (y * log_expit(z) + (1 - y) * log_expit(-z))
    if firth:
        value += 0.5 * np.linalg.slogdet(fisher(X1, w, s))[1]
    return value


def score(X1, y, s, w, firth=False):
    """Score (Firth's modified score U* for firth) of the log-likelihood."""
    p = expit(X1 @ w)
    residual = s * (y - p)
    if firth:
        residual = residual + hat_diagonal(X1, w, s) * (0.5 - p)
    return X1.T @ residual


def firth_fisher_scoring(X1, y, s, *, tol=1e-13, max_iter=200):
    """logistf's iteration: w += I^-1 U*, steps capped at 5, halved until the
    penalised log-likelihood does not fall."""
    w = np.zeros(X1.shape[1])
    for _ in range(max_iter):
        step = np.linalg.solve(fisher(X1, w, s), score(X1, y, s, w, firth=True))
        if np.max(np.abs(step)) < tol:
            return w + step
        step *= min(1.0, 5.0 / np.max(np.abs(step)))
        base, t = loglik(X1, y, s, w, firth=True), 1.0
        # (a fall below the rounding error of the log-likelihood is no fall)
        while loglik(X1, y, s, w + t * step, firth=True) < base - 1e-13 * abs(base):
            t /= 2
            assert t > 1e-10, "the reference Fisher scoring got stuck"
        w = w + t * step
    raise AssertionError("the reference Fisher scoring did not converge")


def profile_loglik(X1, y, s, w_hat, j, b, firth=False):
    """max over the others of the (penalised) log-likelihood with w_j = b, by
    scipy: trust-exact with the exact Hessian (ML, concave: one maximum;
    robust where the fixed coefficient saturates the probabilities), BFGS
    for Firth, whose constrained problem can have several maxima: the best
    of those from the estimate, from zero, from the Wald approximation of the
    constrained maximum, and followed from the estimate by continuation in
    20 steps of w_j."""
    free = np.arange(w_hat.size) != j

    def maximum(b, start):
        def full(v):
            w = w_hat.copy()
            w[j], w[free] = b, v
            return w

        def negative(v):
            w = full(v)
            return -loglik(X1, y, s, w, firth), -score(X1, y, s, w, firth)[free]

        if firth:
            options = {"method": "BFGS", "options": {"gtol": 1e-10, "maxiter": 2000}}
        else:
            options = {
                "method": "trust-exact",
                "hess": lambda v: fisher(X1, full(v), s)[np.ix_(free, free)],
                "options": {"gtol": 1e-12, "maxiter": 2000},
            }
        result = minimize(negative, start, jac=True, **options)
        converged = np.max(np.abs(result.jac)) < 1e-7 * max(1.0, abs(result.fun))
        return -result.fun, result.x, converged

    if not firth:
        value, _, converged = maximum(b, w_hat[free])
        assert converged
        return value
    cov = np.linalg.inv(fisher(X1, w_hat, s))
    shift = w_hat + (b - w_hat[j]) * cov[:, j] / cov[j, j]  # Wald's conditional
    found = [maximum(b, start[free]) for start in (w_hat, 0 * w_hat, shift)]
    v = w_hat[free]
    for t in np.linspace(0.0, 1.0, 21)[1:]:
        value, v, converged = maximum(w_hat[j] + t * (b - w_hat[j]), v)
    found.append((value, v, converged))
    best = max(f[0] for f in found if f[2])
    return best


def max_rel(a, b):
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return float(np.max(np.abs(a - b) / np.maximum(np.abs(b), 1e-300)))


def assert_rel(actual, expected, rtol):
    np.testing.assert_allclose(
        np.asarray(actual, float), np.asarray(expected, float), rtol=rtol, atol=0
    )


# --------------------------------------------------------------------------
# statsmodels references
# --------------------------------------------------------------------------
def sm_fit(X, y, cov_type="nonrobust", groups=None, constant=True):
    sm = statsmodels_api()
    exog = sm.add_constant(X, prepend=False, has_constant="add") if constant else X
    kwargs = {"cov_type": cov_type}
    if cov_type == "cluster":
        kwargs["cov_kwds"] = {"groups": groups}
    result = sm.Logit(y, exog).fit(
        method="newton", tol=1e-14, maxiter=200, disp=0, **kwargs
    )
    assert result.mle_retvals["converged"]
    return result


def sandwich(X1, y, w, kind):
    """White's sandwich with R sandwich::vcovHC's small-sample corrections."""
    n, k = X1.shape
    s = np.ones(n)
    p = expit(X1 @ w)
    bread = np.linalg.inv(fisher(X1, w, s))
    squared = (y - p) ** 2
    if kind in ("HC2", "HC3"):
        h = hat_diagonal(X1, w, s)
        squared = squared / (1 - h) ** (1 if kind == "HC2" else 2)
    meat = X1.T @ (X1 * squared[:, None])
    cov = bread @ meat @ bread
    return cov * n / (n - k) if kind == "HC1" else cov


# ==========================================================================
# 1. against statsmodels
# ==========================================================================
@pytest.mark.parametrize("name", DATASETS)
def test_estimates_and_likelihoods_match_statsmodels(name):
    X, y, _ = dataset(name)
    clf = SigmoidNeuronClassifier(**TIGHT).fit(X, y)
    ref = sm_fit(X, y)
    assert not clf.separated_
    assert_rel(params(clf), ref.params, 1e-10)
    assert_rel(clf.log_likelihood_, ref.llf, 1e-12)
    assert_rel(clf.aic_, ref.aic, 1e-12)
    assert_rel(clf.bic_, ref.bic, 1e-12)
    assert_rel(clf.pseudo_r2_, ref.prsquared, 1e-10)


@pytest.mark.parametrize("cov_type", ["nonrobust", "HC0", "cluster"])
@pytest.mark.parametrize("name", DATASETS)
def test_covariance_matches_statsmodels_logit(name, cov_type):
    X, y, groups = dataset(name)
    clf = SigmoidNeuronClassifier(cov_type=cov_type, **TIGHT).fit(X, y, groups=groups)
    ref = sm_fit(X, y, cov_type, groups)
    assert_rel(clf.covariance_, ref.cov_params(), 1e-8)
    assert_rel(clf.coef_se_[0], ref.bse[:-1], 1e-8)
    assert_rel(clf.intercept_se_, ref.bse[-1:], 1e-8)
    table = clf.summary()
    assert table.attrs["cov_type"] == cov_type
    assert_rel(table["std_err"], ref.bse, 1e-8)
    assert_rel(table["z"], ref.tvalues, 1e-8)
    assert_rel(table["p_value"], ref.pvalues, 1e-7)
    wald = np.array(list(clf.conf_int(0.95).values()))
    assert_rel(wald, ref.conf_int(0.05), 1e-8)


@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("cov_type", ["nonrobust", "HC0", "cluster"])
def test_covariance_without_intercept_matches_statsmodels(cov_type, fit_intercept):
    X, y, groups = dataset("spector")
    clf = SigmoidNeuronClassifier(
        cov_type=cov_type, fit_intercept=fit_intercept, **TIGHT
    ).fit(X, y, groups=groups)
    ref = sm_fit(X, y, cov_type, groups, constant=fit_intercept)
    assert_rel(clf.covariance_, ref.cov_params(), 1e-8)


@pytest.mark.parametrize("cov_type", ["HC1", "HC2", "HC3"])
@pytest.mark.parametrize("name", DATASETS)
def test_hc1_hc2_hc3_match_the_sandwich_formulas(name, cov_type):
    X, y, groups = dataset(name)
    clf = SigmoidNeuronClassifier(cov_type=cov_type, **TIGHT).fit(X, y, groups=groups)
    ref = sm_fit(X, y)
    expected = sandwich(design(X), y, np.asarray(ref.params), cov_type)
    assert_rel(clf.covariance_, expected, 1e-8)
    if cov_type == "HC1":
        from statsmodels.stats.sandwich_covariance import cov_white_simple

        assert_rel(clf.covariance_, cov_white_simple(ref, use_correction=True), 1e-8)
    # the corrections are genuine: HC0 < HC1 and HC0 < HC2 < HC3 on the diagonal
    hc0 = sandwich(design(X), y, np.asarray(ref.params), "HC0")
    assert np.all(np.diag(clf.covariance_) > np.diag(hc0) * (1 + 1e-6))


def test_the_sandwich_formula_of_the_test_reproduces_statsmodels_hc0():
    """The reference sandwich() is itself checked where statsmodels has one."""
    X, y, _ = dataset("spector")
    ref = sm_fit(X, y, "HC0")
    assert_rel(
        sandwich(design(X), y, np.asarray(ref.params), "HC0"), ref.cov_params(), 1e-8
    )


@pytest.mark.parametrize("cov_type", ["nonrobust", "HC0", "cluster"])
@pytest.mark.parametrize("name", DATASETS)
def test_average_marginal_effects_match_statsmodels(name, cov_type):
    X, y, groups = dataset(name)
    clf = SigmoidNeuronClassifier(cov_type=cov_type, **TIGHT).fit(X, y, groups=groups)
    ref = sm_fit(X, y, cov_type, groups).get_margeff(at="overall", method="dydx")
    ours = clf.marginal_effects()
    assert list(ours.columns) == ["dy_dx", "std_err", "z", "p_value"]
    assert list(ours.index) == [f"x{j}" for j in range(X.shape[1])]
    assert_rel(ours["dy_dx"], ref.margeff, 1e-7)
    assert_rel(ours["std_err"], ref.margeff_se, 1e-7)
    assert_rel(ours["z"], ref.tvalues, 1e-7)
    assert_rel(ours["p_value"], ref.pvalues, 1e-6)
    # over the training rows, given explicitly
    pd.testing.assert_frame_equal(clf.marginal_effects(X), ours, rtol=1e-12)


def test_marginal_effects_without_intercept_match_statsmodels():
    X, y, _ = dataset("spector")
    clf = SigmoidNeuronClassifier(fit_intercept=False, **TIGHT).fit(X, y)
    ref = sm_fit(X, y, constant=False).get_margeff(at="overall", method="dydx")
    ours = clf.marginal_effects()
    assert_rel(ours["dy_dx"], ref.margeff, 1e-7)
    assert_rel(ours["std_err"], ref.margeff_se, 1e-7)


def _complex_sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def test_marginal_effects_on_new_rows_are_the_delta_method():
    """AME over other rows, its gradient in (coef, intercept) by complex steps."""
    X, y, _ = dataset("cancer")
    clf = SigmoidNeuronClassifier(cov_type="HC3", **TIGHT).fit(X, y)
    rows = np.random.default_rng(1).standard_normal((25, X.shape[1]))
    w = params(clf)
    X1 = design(rows)

    def ame(v):
        p = _complex_sigmoid(X1 @ v)
        return np.mean(p * (1 - p)) * v[:-1]

    jacobian = np.empty((X.shape[1], w.size))
    for j in range(w.size):
        step = np.zeros(w.size, dtype=complex)
        step[j] = 1e-30j
        jacobian[:, j] = ame(w + step).imag / 1e-30
    expected_se = np.sqrt(np.diag(jacobian @ clf.covariance_ @ jacobian.T))
    ours = clf.marginal_effects(rows)
    assert_rel(ours["dy_dx"], ame(w.astype(complex)).real, 1e-12)
    assert_rel(ours["std_err"], expected_se, 1e-10)
    assert_rel(
        ours["p_value"], 2 * stats.norm.sf(np.abs(ours["dy_dx"] / expected_se)), 1e-8
    )


@pytest.mark.parametrize("name", DATASETS)
def test_drop_one_likelihood_ratio_statistics_match_statsmodels(name):
    sm = statsmodels_api()
    X, y, _ = dataset(name)
    clf = SigmoidNeuronClassifier(**TIGHT).fit(X, y)
    table = clf.summary(lrt=True)
    full = sm_fit(X, y)
    exog = sm.add_constant(X, prepend=False)
    expected = []
    for j in range(exog.shape[1]):  # the intercept last: a fit without the constant
        reduced = sm.Logit(y, np.delete(exog, j, axis=1)).fit(
            method="newton", tol=1e-14, maxiter=200, disp=0
        )
        expected.append(2 * (full.llf - reduced.llf))
    assert_rel(table["lr_statistic"], expected, 1e-8)
    assert_rel(table["lr_p_value"], stats.chi2.sf(expected, 1), 1e-7)


@pytest.mark.parametrize("name", DATASETS)
def test_likelihood_ratio_test_matches_statsmodels(name):
    X, y, _ = dataset(name)
    full = SigmoidNeuronClassifier(**TIGHT).fit(X, y)
    ref_full = sm_fit(X, y)
    cases = [
        # (reduced columns, intercept)
        ([0], True),
        ([2, 0], True),  # a subset in another order is still nested
        (list(range(X.shape[1])), False),
    ]
    for columns, intercept in cases:
        reduced = SigmoidNeuronClassifier(fit_intercept=intercept, **TIGHT).fit(
            X[:, columns], y
        )
        ref = sm_fit(X[:, columns], y, constant=intercept)
        expected = 2 * (ref_full.llf - ref.llf)
        df = X.shape[1] + 1 - len(columns) - int(intercept)
        test = likelihood_ratio_test(reduced, full)
        assert isinstance(test, sksigmoid.neuron.LikelihoodRatioTest)
        assert test.df == df
        assert_rel(test.statistic, expected, 1e-8)
        assert_rel(test.p_value, stats.chi2.sf(expected, df), 1e-7)


@pytest.mark.parametrize(
    "cov_type, firth", [(c, False) for c in COV_TYPES] + [("nonrobust", True)]
)
def test_integer_weights_are_repeated_rows_and_sparse_is_dense(cov_type, firth):
    """Frequency weights: every inference equals that of the repeated rows."""
    X, y, groups = dataset("spector")
    counts = np.random.default_rng(2).integers(1, 4, len(y))
    rows = np.repeat(np.arange(len(y)), counts)
    kwargs = {"cov_type": cov_type, "firth": firth, **TIGHT}
    weighted = SigmoidNeuronClassifier(**kwargs).fit(
        X, y, sample_weight=counts.astype(float), groups=groups
    )
    repeated = SigmoidNeuronClassifier(**kwargs).fit(
        X[rows], y[rows], groups=groups[rows]
    )
    sparse = SigmoidNeuronClassifier(**kwargs).fit(
        sp.csr_matrix(X), y, sample_weight=counts.astype(float), groups=groups
    )
    reference = weighted.summary(ci="profile", lrt=True)
    for other in (repeated, sparse):
        pd.testing.assert_frame_equal(
            other.summary(ci="profile", lrt=True),
            reference,
            rtol=1e-9,
            check_exact=False,
        )
        pd.testing.assert_frame_equal(
            other.marginal_effects(), weighted.marginal_effects(), rtol=1e-9
        )
    assert_rel(repeated.log_likelihood_, weighted.log_likelihood_, 1e-12)


# ==========================================================================
# 2. Firth
# ==========================================================================
FIRTH_CASES = ["rare", "spector", "separated", "weighted"]


def firth_case(name):
    """(X, y, sample_weight) of the Firth checks."""
    if name == "rare":
        X, y = rare_events(1)
        return X, y, None
    if name == "spector":
        X, y, _ = dataset("spector")
        return X, y, None
    if name == "separated":
        X, y = separated()
        return X, y, None
    X, y = rare_events(2, n=80)
    return X, y, np.random.default_rng(3).uniform(0.2, 3.0, len(y))


def weights_of(y, sample_weight):
    return np.ones(len(y)) if sample_weight is None else np.asarray(sample_weight)


@pytest.mark.parametrize("name", FIRTH_CASES)
def test_firth_penalised_score_vanishes_at_the_estimate(name):
    X, y, sw = firth_case(name)
    clf = SigmoidNeuronClassifier(firth=True, **TIGHT).fit(X, y, sample_weight=sw)
    X1, s = design(X), weights_of(y, sw)
    u_star = score(X1, y, s, params(clf), firth=True)
    scale = np.max(np.abs(X1).T @ s)  # the size of the score's terms
    assert np.max(np.abs(u_star)) <= 1e-10 * scale, u_star
    # and the plain score does not (the penalty moved the estimate)
    assert np.max(np.abs(score(X1, y, s, params(clf)))) > 1e-4 * scale


@pytest.mark.parametrize("name", FIRTH_CASES)
def test_firth_matches_an_independent_fisher_scoring(name):
    X, y, sw = firth_case(name)
    clf = SigmoidNeuronClassifier(firth=True, **TIGHT).fit(X, y, sample_weight=sw)
    X1, s = design(X), weights_of(y, sw)
    expected = firth_fisher_scoring(X1, y, s)
    assert np.all(np.isfinite(params(clf)))
    np.testing.assert_allclose(params(clf), expected, rtol=1e-8, atol=1e-10)
    # standard errors from the inverse Fisher information at the estimate (logistf)
    se = np.sqrt(np.diag(np.linalg.inv(fisher(X1, expected, s))))
    assert_rel(np.append(clf.coef_se_[0], clf.intercept_se_), se, 1e-7)
    assert_rel(clf.penalized_log_likelihood_, loglik(X1, y, s, expected, True), 1e-10)
    assert_rel(clf.log_likelihood_, loglik(X1, y, s, expected), 1e-10)
    assert clf.summary().attrs["firth"] is True


def test_firth_on_a_two_by_two_table_adds_one_half_to_each_cell():
    """With a binary feature, Firth's estimate is the log odds ratio of the
    table with 1/2 added to each cell: log((3.5 * 3.5) / (0.5 * 0.5))."""
    X = np.array([[0.0], [0], [0], [1], [1], [1]])
    y = np.array([0.0, 0, 0, 1, 1, 1])
    clf = SigmoidNeuronClassifier(firth=True, **TIGHT).fit(X, y)
    assert_rel(clf.coef_[0, 0], np.log(49.0), 1e-10)
    assert_rel(clf.intercept_[0], -np.log(7.0), 1e-10)


@pytest.mark.parametrize("sign, direction", [(1.0, "+inf"), (-1.0, "-inf")])
def test_separation_warns_for_ml_and_firth_stays_finite(sign, direction):
    X, y = separated(sign)
    with pytest.warns(SeparationWarning, match=f"x0 -> \\{direction}") as record:
        ml = SigmoidNeuronClassifier().fit(X, y)
    message = str(record[0].message)
    assert "firth=True" in message
    assert ml.separated_
    assert ml.separation_["x0"] == direction
    assert set(ml.separation_.values()) <= {"+inf", "-inf"}
    assert np.isinf(ml.coef_se_).all()
    with warnings.catch_warnings():
        warnings.simplefilter("error", SeparationWarning)
        warnings.simplefilter("error", ConvergenceWarning)
        firth = SigmoidNeuronClassifier(firth=True, **TIGHT).fit(X, y)
    assert np.all(np.isfinite(params(firth)))
    assert np.all(np.isfinite(firth.coef_se_))
    assert np.sign(firth.coef_[0, 0]) == sign
    assert abs(firth.coef_[0, 0]) < 20


def test_separation_names_the_coefficient_of_quasi_complete_separation():
    X = np.array([[0.0], [0], [0], [1], [1], [1], [1]])
    y = np.array([0.0, 1, 0, 1, 1, 1, 1])
    with pytest.warns(SeparationWarning, match="x0 -> \\+inf"):
        clf = SigmoidNeuronClassifier().fit(X, y)
    assert clf.separation_ == {"x0": "+inf"}
    assert SigmoidNeuronClassifier().fit(*rare_events(1)).separation_ == {}


def _firthmodels_fit(X, y):
    """firthmodels' fit at the tightest tolerance its step halving reaches."""
    firthmodels = pytest.importorskip("firthmodels")
    for tol in (1e-9, 1e-8, 1e-7):
        model = firthmodels.FirthLogisticRegression(
            backend="numpy", gtol=tol, xtol=tol, max_iter=200
        )
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            model.fit(X, y)
        if model.converged_:
            return model
    raise AssertionError("firthmodels did not converge")


@pytest.mark.parametrize("name", ["rare", "spector", "separated"])
def test_firth_matches_firthmodels(name):
    X, y, _ = firth_case(name)
    clf = SigmoidNeuronClassifier(firth=True, **TIGHT).fit(X, y)
    ref = _firthmodels_fit(X, y)
    np.testing.assert_allclose(clf.coef_[0], ref.coef_, rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(clf.intercept_[0], ref.intercept_, rtol=1e-6, atol=1e-8)
    assert_rel(clf.penalized_log_likelihood_, ref.loglik_, 1e-8)
    # penalised likelihood-ratio tests (logistftest): the penalty keeps the
    # full model's information in the constrained fits
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        ref.lrt()
    table = clf.summary(lrt=True)
    assert np.isfinite(ref.lrt_pvalues_).all()
    assert_rel(table["lr_p_value"], ref.lrt_pvalues_, 1e-6)


@pytest.mark.parametrize("name", ["rare", "spector"])
def test_firth_profile_intervals_match_firthmodels(name):
    """(On separated data firthmodels' Venzon-Moolgavkar search misses an
    endpoint, see the profile test below; here both solve the same equation.)"""
    X, y, _ = firth_case(name)
    clf = SigmoidNeuronClassifier(firth=True, **TIGHT).fit(X, y)
    ref = _firthmodels_fit(X, y).conf_int(
        alpha=0.05, method="pl", tol=1e-10, max_iter=100
    )
    ours = np.array(list(clf.conf_int(0.95, method="profile").values()))
    np.testing.assert_allclose(ours, ref, rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("name", FIRTH_CASES)
def test_firth_lbfgs_and_newton_agree(name):
    X, y, sw = firth_case(name)
    newton = SigmoidNeuronClassifier(firth=True, **TIGHT).fit(X, y, sample_weight=sw)
    lbfgs = SigmoidNeuronClassifier(
        firth=True, solver="lbfgs", tol=1e-10, max_iter=2000
    ).fit(X, y, sample_weight=sw)
    np.testing.assert_allclose(params(lbfgs), params(newton), rtol=1e-6, atol=1e-7)
    assert_rel(lbfgs.coef_se_, newton.coef_se_, 1e-5)


def test_firth_standard_errors_are_the_inverse_fisher_information_on_big_data():
    """From 50,000 rows plain fits use subsampled Newton, whose kept Hessian
    is the objective's: for Firth, the penalised one, not the Fisher information
    (a bug once; the covariance was then off by ~1e-4)."""
    rng = np.random.default_rng(3)
    n = 50_000
    X = rng.standard_normal((n, 3))
    y = (rng.random(n) < expit(-1 + X @ [1.0, -0.5, 0.3])).astype(float)
    clf = SigmoidNeuronClassifier(firth=True, **TIGHT).fit(X, y)
    X1, s = design(X), np.ones(n)
    assert np.max(np.abs(score(X1, y, s, params(clf), firth=True))) < 1e-8
    assert_rel(clf.covariance_, np.linalg.inv(fisher(X1, params(clf), s)), 1e-8)


# ==========================================================================
# 3. profile-likelihood intervals
# ==========================================================================
PROFILE_CASES = [
    ("spector", False, 0.95),
    ("spector", False, 0.8),
    ("cancer", False, 0.95),
    ("rare", True, 0.95),
    ("weighted", True, 0.9),
    ("separated", True, 0.95),  # non-concave: the profile is the higher branch
    # one and two events in 30 rows (not separated: ML exists)
    ("rare30-24", False, 0.95),
    ("rare30-24", True, 0.95),
    ("rare30-36", True, 0.95),
]


def profile_case(name):
    if name in ("spector", "cancer"):
        X, y, _ = dataset(name)
        return X, y, None
    if name.startswith("rare30-"):
        X, y = rare_events(int(name.split("-")[1]), n=30, intercept=-3.0)
        return X, y, None
    if name == "tiny":
        return np.array([[0.0], [1.0], [2.0]]), np.array([1.0, 0.0, 0.0]), None
    if name == "last-of-11":  # one event, at the largest x
        X = np.arange(11.0)[:, None]
        return X, (X[:, 0] == 10).astype(float), None
    return firth_case(name)


def check_profile_endpoints(clf, X, y, sw, level, rtol=1e-8):
    """Each finite endpoint solves l_j(b) = l_hat - chi2_1(level) / 2, with
    l_j maximised here by scipy.optimize.minimize; the estimate lies inside; an ML fit's
    interval is unbounded along every separating direction of separation_."""
    firth = clf.firth
    X1, s, w = design(X), weights_of(y, sw), params(clf)
    top = loglik(X1, y, s, w, firth)
    reported = clf.penalized_log_likelihood_ if firth else clf.log_likelihood_
    assert abs(reported - top) <= 1e-11 * max(1.0, abs(top))
    target = top - stats.chi2.ppf(level, 1) / 2
    intervals = clf.conf_int(level, method="profile")
    assert list(intervals) == [f"x{j}" for j in range(X.shape[1])] + ["intercept"]
    for j, (name, (lo, hi)) in enumerate(intervals.items()):
        assert lo <= w[j] <= hi, (name, lo, w[j], hi)
        if not firth and name in clf.separation_:
            # l(w_hat + t d) >= l_hat for all t > 0 along the separating
            # direction d: the profile never falls below l_hat on that side
            assert (hi if clf.separation_[name] == "+inf" else -lo) == np.inf, name
        for end in (lo, hi):
            if np.isfinite(end):
                value = profile_loglik(X1, y, s, w, j, end, firth)
                assert abs(value - target) <= rtol * max(1.0, abs(top)), (name, end)
    return intervals


@pytest.mark.parametrize("name, firth, level", PROFILE_CASES)
def test_profile_endpoints_solve_the_profile_likelihood_equation(name, firth, level):
    X, y, sw = profile_case(name)
    clf = SigmoidNeuronClassifier(firth=firth, **TIGHT).fit(X, y, sample_weight=sw)
    assert firth or not clf.separated_
    intervals = check_profile_endpoints(clf, X, y, sw, level)
    wald = clf.conf_int(level)
    for name_, (lo, hi) in intervals.items():
        assert np.isfinite(lo) and np.isfinite(hi)
        if name in ("spector", "cancer", "rare"):  # near-quadratic profiles
            width = (hi - lo) / (wald[name_][1] - wald[name_][0])
            assert 0.5 < width < 2.0, (name_, width)
    table = clf.summary(level, ci="profile")
    assert table["ci_lower"].tolist() == [lo for lo, _ in intervals.values()]
    assert table["ci_upper"].tolist() == [hi for _, hi in intervals.values()]


@pytest.mark.parametrize("sign", [1.0, -1.0])
def test_ml_profile_interval_of_a_separating_coefficient_is_unbounded(sign):
    X, y = separated(sign)
    with pytest.warns(SeparationWarning):
        ml = SigmoidNeuronClassifier(**TIGHT).fit(X, y)
    assert ml.separation_["x0"] == ("+inf" if sign > 0 else "-inf")
    check_profile_endpoints(ml, X, y, None, 0.95, rtol=1e-7)
    lo, hi = ml.conf_int(method="profile")["x0"]
    if sign > 0:
        assert hi == np.inf and np.isfinite(lo) and 0 < lo
    else:
        assert lo == -np.inf and np.isfinite(hi) and hi < 0
    firth = SigmoidNeuronClassifier(firth=True, **TIGHT).fit(X, y)
    intervals = check_profile_endpoints(firth, X, y, None, 0.95)
    lo, hi = intervals["x0"]
    assert np.isfinite(lo) and np.isfinite(hi) and 0 < sign * lo
    table = firth.summary(ci="profile")
    assert np.isfinite(table[["ci_lower", "ci_upper"]].to_numpy()).all()


@pytest.mark.parametrize(
    "name",
    [
        "rare30-36",
        "tiny",
        "rare30-7",
    ],
)
def test_profile_intervals_of_ml_fits_with_few_events(name):
    X, y, _ = profile_case(name)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SeparationWarning)
        clf = SigmoidNeuronClassifier(**TIGHT).fit(X, y)
    check_profile_endpoints(clf, X, y, None, 0.95, rtol=1e-7)


@pytest.mark.parametrize(
    "name, firth",
    [
        ("last-of-11", True),
        ("rare30-95", True),
        ("rare30-31", True),
        ("rare30-31", False),
    ],
)
def test_profile_intervals_of_fits_with_one_or_two_events(name, firth):
    X, y, _ = profile_case(name)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SeparationWarning)
        clf = SigmoidNeuronClassifier(firth=firth, **TIGHT).fit(X, y)
    check_profile_endpoints(clf, X, y, None, 0.95, rtol=1e-7)


def test_drop_one_lr_statistic_of_a_separated_ml_fit():
    X, y, _ = profile_case("tiny")
    with pytest.warns(SeparationWarning):
        clf = SigmoidNeuronClassifier(**TIGHT).fit(X, y)
    table = clf.summary(lrt=True)
    # slope 0: the intercept's maximum, a Bernoulli(1/3) log-likelihood
    expected = 2 * (clf.log_likelihood_ - (np.log(1 / 3) + 2 * np.log(2 / 3)))
    # intercept 0: the slope -> -inf leaves the first row's log(1/2)
    expected_intercept = 2 * (clf.log_likelihood_ - np.log(0.5))
    assert_rel(table["lr_statistic"], [expected, expected_intercept], 1e-6)


def test_firth_on_a_rank_deficient_design_is_refused_or_warns_no_numpy_warning():
    X, y = rare_events(1, n=20)
    X[:, 1] = 0.0
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        warnings.simplefilter("ignore", UserWarning)  # "the features are collinear"
        try:
            clf = SigmoidNeuronClassifier(firth=True).fit(X, y)
        except ValueError:
            return  # a clear refusal is fine
        clf.conf_int(method="profile")
        clf.summary(lrt=True)


def test_profile_interval_does_not_depend_on_cov_type():
    X, y, groups = dataset("spector")
    reference = SigmoidNeuronClassifier(**TIGHT).fit(X, y).conf_int(method="profile")
    for cov_type in ["HC3", "cluster"]:
        clf = SigmoidNeuronClassifier(cov_type=cov_type, **TIGHT).fit(
            X, y, groups=groups
        )
        ours = clf.conf_int(method="profile")
        np.testing.assert_allclose(
            np.array(list(ours.values())), np.array(list(reference.values())), rtol=1e-9
        )


def test_firth_profile_interval_coverage_with_rare_events():
    """Firth profile 95% intervals of a slope cover the truth about 95% of the
    time with n=60 and ~11% events (200 fixed-seed replicates)."""
    rng = np.random.default_rng(2026)
    beta, intercept, n = np.array([1.0, -0.5]), -2.5, 60
    covered, replicates, events = 0, 0, []
    while replicates < 200:
        X = rng.standard_normal((n, 2))
        y = (rng.random(n) < expit(intercept + X @ beta)).astype(float)
        if y.sum() == 0:
            continue  # one class: nothing to fit
        events.append(y.mean())
        clf = SigmoidNeuronClassifier(firth=True).fit(X, y)
        lo, hi = clf.conf_int(0.95, method="profile")["x0"]
        covered += lo <= beta[0] <= hi
        replicates += 1
    assert 0.08 < np.mean(events) < 0.15
    coverage = covered / replicates
    assert 0.93 <= coverage <= 0.97, coverage


# ==========================================================================
# 4. scikit-learn integration
# ==========================================================================
def test_cov_type_in_grid_search():
    X, y, _ = dataset("cancer")
    search = GridSearchCV(
        SigmoidNeuronClassifier(**TIGHT), {"cov_type": ["HC0", "HC3"]}, cv=3
    ).fit(X, y)
    assert list(search.cv_results_["param_cov_type"]) == ["HC0", "HC3"]
    best = search.best_estimator_
    direct = SigmoidNeuronClassifier(cov_type=best.cov_type, **TIGHT).fit(X, y)
    assert_rel(best.covariance_, direct.covariance_, 1e-12)
    # the covariance does not change the predictions: equal scores, a tie
    scores = search.cv_results_["mean_test_score"]
    assert scores[0] == scores[1]


def test_firth_in_grid_search_over_a_pipeline():
    X, y = rare_events(1)
    pipe = make_pipeline(StandardScaler(), SigmoidNeuronClassifier(**TIGHT))
    search = GridSearchCV(
        pipe,
        {"sigmoidneuronclassifier__firth": [False, True]},
        cv=3,
        scoring="neg_log_loss",
    ).fit(X, y)
    assert list(search.cv_results_["param_sigmoidneuronclassifier__firth"]) == [
        False,
        True,
    ]
    scores = search.cv_results_["mean_test_score"]
    assert scores[0] != scores[1]
    best = search.best_estimator_[-1]
    direct = SigmoidNeuronClassifier(firth=best.firth, **TIGHT).fit(
        StandardScaler().fit_transform(X), y
    )
    assert_rel(params(best), params(direct), 1e-12)
    for firth in (False, True):
        clone_ = clone(pipe).set_params(sigmoidneuronclassifier__firth=firth)
        assert clone_[-1].get_params()["firth"] is firth


def test_groups_are_routed_through_a_pipeline():
    X, y, groups = dataset("cancer")
    direct = SigmoidNeuronClassifier(cov_type="cluster", **TIGHT).fit(
        StandardScaler().fit_transform(X), y, groups=groups
    )
    with sklearn.config_context(enable_metadata_routing=True):
        pipe = make_pipeline(
            StandardScaler(),
            SigmoidNeuronClassifier(cov_type="cluster", **TIGHT).set_fit_request(
                groups=True
            ),
        ).fit(X, y, groups=groups)
    assert_rel(pipe[-1].covariance_, direct.covariance_, 1e-10)
    assert_rel(pipe[-1].coef_se_, direct.coef_se_, 1e-10)
    # without routing, the old step__param way
    old = make_pipeline(
        StandardScaler(), SigmoidNeuronClassifier(cov_type="cluster", **TIGHT)
    ).fit(X, y, sigmoidneuronclassifier__groups=groups)
    assert_rel(old[-1].covariance_, direct.covariance_, 1e-10)


def test_cross_validate_routes_groups_to_the_splitter_and_the_estimator():
    X, y, groups = dataset("cancer")
    with sklearn.config_context(enable_metadata_routing=True):
        pipe = make_pipeline(
            StandardScaler(),
            SigmoidNeuronClassifier(cov_type="cluster", **TIGHT).set_fit_request(
                groups=True
            ),
        )
        result = cross_validate(
            pipe,
            X,
            y,
            cv=GroupKFold(n_splits=4),
            params={"groups": groups},
            return_estimator=True,
            return_indices=True,
        )
    assert np.all(result["test_score"] > 0.8)
    for fitted, train, test in zip(
        result["estimator"],
        result["indices"]["train"],
        result["indices"]["test"],
        strict=True,
    ):
        assert not set(groups[train]) & set(groups[test])  # GroupKFold got them
        # the estimator got the training rows' groups
        Xt = StandardScaler().fit(X[train]).transform(X[train])
        direct = SigmoidNeuronClassifier(cov_type="cluster", **TIGHT).fit(
            Xt, y[train], groups=groups[train]
        )
        assert_rel(fitted[-1].covariance_, direct.covariance_, 1e-10)


@pytest.mark.parametrize(
    "kwargs",
    [{"cov_type": "HC3"}, {"cov_type": "cluster"}, {"firth": True}],
    ids=["HC3", "cluster", "firth"],
)
def test_pickle_round_trip_keeps_the_inference(kwargs):
    X, y, groups = dataset("spector")
    clf = SigmoidNeuronClassifier(**kwargs, **TIGHT).fit(X, y, groups=groups)
    copy = pickle.loads(pickle.dumps(clf))
    pd.testing.assert_frame_equal(copy.summary(), clf.summary(), check_exact=True)
    profile = copy.summary(0.9, ci="profile", lrt=True)
    pd.testing.assert_frame_equal(
        profile, clf.summary(0.9, ci="profile", lrt=True), check_exact=True
    )
    assert profile.attrs == clf.summary().attrs
    pd.testing.assert_frame_equal(
        copy.marginal_effects(), clf.marginal_effects(), check_exact=True
    )
    reduced = SigmoidNeuronClassifier(firth=clf.firth, **TIGHT).fit(X[:, :1], y)
    assert likelihood_ratio_test(reduced, copy) == likelihood_ratio_test(reduced, clf)


# ==========================================================================
# 5. bad input
# ==========================================================================
def _binary():
    return rare_events(1)


@pytest.mark.parametrize(
    "kwargs, data, fit_kwargs, match",
    [
        ({"firth": True}, "multiclass", {}, "firth=True fits a binary target"),
        ({"firth": True, "alpha": 0.1}, "binary", {}, "alpha=0"),
        ({"firth": True, "solver": "sgd"}, "binary", {}, "solver='newton' or 'lbfgs'"),
        ({"firth": True, "solver": "gd"}, "binary", {}, "solver='newton' or 'lbfgs'"),
        ({"firth": True, "cov_type": "HC0"}, "binary", {}, "cov_type='HC0'"),
        ({"cov_type": "cluster"}, "binary", {}, "needs the cluster labels"),
        (
            {"cov_type": "cluster"},
            "binary",
            {"groups": np.arange(5)},
            "groups must have shape",
        ),
        (
            {"cov_type": "cluster"},
            "binary",
            {"groups": np.zeros(60)},
            "at least two groups",
        ),
        ({"cov_type": "HC1", "alpha": 0.1}, "binary", {}, "unpenalised binary fit"),
        ({"cov_type": "HC0"}, "multiclass", {}, "unpenalised binary fit"),
    ],
)
def test_invalid_combinations_raise_value_errors(kwargs, data, fit_kwargs, match):
    if data == "multiclass":
        X, y = load_iris(return_X_y=True)
    else:
        X, y = _binary()
    with pytest.raises(ValueError, match=match):
        SigmoidNeuronClassifier(**kwargs).fit(X, y, **fit_kwargs)


def test_inference_of_a_penalised_fit_is_refused():
    X, y = _binary()
    clf = SigmoidNeuronClassifier(alpha=0.1).fit(X, y)
    with pytest.raises(ValueError, match="conf_int\\(\\) needs an unpenalised fit"):
        clf.conf_int(method="profile")
    with pytest.raises(ValueError, match="needs an unpenalised fit"):
        clf.summary(ci="profile", lrt=True)
    with pytest.raises(ValueError, match="needs an unpenalised fit"):
        clf.marginal_effects()
    full = SigmoidNeuronClassifier().fit(X, y)
    with pytest.raises(ValueError, match="needs an unpenalised fit"):
        likelihood_ratio_test(clf, full)


def test_bad_interval_arguments_raise():
    clf = SigmoidNeuronClassifier().fit(*_binary())
    with pytest.raises(ValueError, match='method must be "wald" or "profile"'):
        clf.conf_int(method="score")
    with pytest.raises(ValueError, match='ci must be "wald" or "profile"'):
        clf.summary(ci="exact")
    with pytest.raises(ValueError, match="level must be in"):
        clf.conf_int(1.5, method="profile")


def test_likelihood_ratio_test_refuses_what_is_not_nested():
    X, y = rare_events(1)
    full = SigmoidNeuronClassifier().fit(X, y)
    reduced = SigmoidNeuronClassifier().fit(X[:, :1], y)
    assert likelihood_ratio_test(reduced, full).df == 1
    with pytest.raises(ValueError, match="not nested"):
        likelihood_ratio_test(full, reduced)  # swapped
    with pytest.raises(
        ValueError, match="pass likelihood_ratio_test\\(reduced, full\\)"
    ):
        likelihood_ratio_test(full, full)  # no extra parameter
    other = SigmoidNeuronClassifier().fit(X[:, 1:], y)
    with pytest.raises(ValueError, match="not nested"):
        likelihood_ratio_test(other, SigmoidNeuronClassifier().fit(X[:, :1], y))
    with pytest.raises(ValueError, match="not nested"):
        likelihood_ratio_test(
            reduced,
            SigmoidNeuronClassifier().fit(np.column_stack([X[:, 1], X[:, 1] ** 2]), y),
        )
    X2, y2 = rare_events(7)
    with pytest.raises(ValueError, match="not fitted on the same data"):
        likelihood_ratio_test(SigmoidNeuronClassifier().fit(X2[:, :1], y2), full)
    with pytest.raises(ValueError, match="not fitted on the same data"):
        likelihood_ratio_test(
            SigmoidNeuronClassifier().fit(X[:, :1], y, sample_weight=np.full(60, 2.0)),
            full,
        )
    with pytest.raises(ValueError, match="not fitted on the same data"):
        likelihood_ratio_test(SigmoidNeuronClassifier().fit(X[:50, :1], y[:50]), full)
    with pytest.raises(ValueError, match="Compare Firth fits with Firth fits"):
        likelihood_ratio_test(
            SigmoidNeuronClassifier(firth=True).fit(X[:, :1], y), full
        )
    with pytest.raises(ValueError, match="reduced fit has an intercept"):
        likelihood_ratio_test(
            reduced, SigmoidNeuronClassifier(fit_intercept=False).fit(X, y)
        )
    with pytest.raises(ValueError, match="must be a fitted SigmoidNeuronClassifier"):
        likelihood_ratio_test(reduced, "full")


def test_summary_alpha_is_deprecated_for_level():
    X, y, _ = dataset("spector")
    clf = SigmoidNeuronClassifier(cov_type="HC1", **TIGHT).fit(X, y)
    with pytest.warns(FutureWarning, match="level=1 - alpha"):
        old = clf.summary(alpha=0.05)
    pd.testing.assert_frame_equal(old, clf.summary(level=0.95), check_exact=True)
    with pytest.warns(FutureWarning):
        old = clf.summary(alpha=0.1, ci="profile", lrt=True)
    pd.testing.assert_frame_equal(
        old, clf.summary(level=0.9, ci="profile", lrt=True), check_exact=True
    )


# ==========================================================================
# 6. properties
# ==========================================================================
@st.composite
def small_binary_problems(draw):
    n = draw(st.integers(20, 60))
    d = draw(st.integers(1, 3))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    X = rng.standard_normal((n, d)) * draw(st.sampled_from([0.1, 1.0, 10.0]))
    if draw(st.booleans()):
        X = np.round(X)  # ties, binary-ish features, separation now and then
    logit = draw(st.floats(-3, 1)) + X @ rng.normal(scale=draw(st.floats(0, 3)), size=d)
    y = (rng.random(n) < expit(logit)).astype(float)
    kind = draw(st.sampled_from(["none", "uniform", "counts"]))
    sample_weight = {
        "none": None,
        "uniform": rng.uniform(0.1, 3.0, n),
        "counts": rng.integers(0, 4, n).astype(float),
    }[kind]
    return X, y, sample_weight, draw(st.booleans())


PROPERTY = {
    "max_examples": 25,
    "deadline": None,
    "derandomize": True,  # the same examples on every run
    "database": None,
    "suppress_health_check": [HealthCheck.too_slow],
}


def fit_or_refuse(problem):
    """The fit of a generated problem, or None after a ValueError (one class
    with positive weight); run where RuntimeWarnings are errors."""
    X, y, sample_weight, firth = problem
    try:
        return SigmoidNeuronClassifier(firth=firth).fit(
            X, y, sample_weight=sample_weight
        )
    except ValueError:
        return None


@contextlib.contextmanager
def numpy_warnings_are_errors():
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)  # scipy's LinAlgWarning too
        warnings.simplefilter("ignore", ConvergenceWarning)  # SeparationWarning too
        warnings.simplefilter("ignore", UserWarning)  # collinear features
        yield


@settings(**PROPERTY)
@given(small_binary_problems())
def test_property_fits_raise_only_value_errors_and_firth_is_finite(problem):
    with numpy_warnings_are_errors():
        clf = fit_or_refuse(problem)
        if clf is None:
            return
        w = params(clf)
        if clf.firth:
            assert np.all(np.isfinite(w))
        table = clf.summary()
        assert np.array_equal(table["coef"].to_numpy(), w)
        for lo, hi in clf.conf_int().values():
            assert not (lo > hi)


@settings(**PROPERTY, phases=[Phase.explicit, Phase.generate])  # no shrinking
@given(small_binary_problems())
def test_property_profile_intervals_contain_the_estimate(problem):
    with numpy_warnings_are_errors():
        clf = fit_or_refuse(problem)
        if clf is None:
            return
        w = params(clf)
        intervals = clf.conf_int(0.95, method="profile")
        for j, (name, (lo, hi)) in enumerate(intervals.items()):
            assert lo <= w[j] <= hi, (name, lo, w[j], hi)
            if not clf.firth and name in clf.separation_:
                assert (hi if clf.separation_[name] == "+inf" else -lo) == np.inf


# ------------------------------------------------- the overlap certificate


@settings(max_examples=60, deadline=None)
@given(
    n=st.integers(4, 40),
    k=st.integers(1, 4),
    seed=st.integers(0, 2**32 - 1),
    separated=st.booleans(),
    weighted=st.booleans(),
)
def test_property_overlap_certificate_never_contradicts_the_programme(
    n, k, seed, separated, weighted
):
    """Stiemke's certificate (which spares the linear programme) is never
    given for data the programme finds separated, at the ML fit, Firth's or
    an arbitrary point, and it is given for clearly overlapping data."""
    from sksigmoid.neuron import overlap_certified, separation_direction

    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, k)) * rng.choice([1e-3, 1.0, 1e3], size=k)
    z_true = (X / X.std(axis=0).clip(1e-300)) @ rng.normal(size=k) + rng.normal()
    y = (z_true > 0).astype(float) if separated else rng.binomial(1, 0.5, n) * 1.0
    s = rng.uniform(0, 2, n) * (rng.random(n) > 0.2) if weighted else np.ones(n)
    if s.sum() == 0:
        s[0] = 1.0
    lp = separation_direction(X, y, s, True) is not None
    for z in (rng.normal(size=n), z_true, np.zeros(n)):
        if overlap_certified(X, y, s, z, True):
            assert not lp
    if not lp and (s > 0).all():
        for firth in (False, True):
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                clf = SigmoidNeuronClassifier(firth=firth).fit(X, y, sample_weight=s)
            assert not clf.separated_


def test_overlap_certificate_spares_the_programme_and_agrees_with_it():
    """On overlapping data the fit's own probabilities certify the overlap
    (the programme is not run) for ML and Firth fits; on separated and
    quasi-separated data it is never certified and the programme names the
    coefficients."""
    from sksigmoid import neuron

    rng = np.random.default_rng(3)
    X = rng.normal(size=(300, 4))
    y = rng.binomial(1, expit(X @ [1.0, -0.5, 0.2, 0.0] - 1.0))
    calls = []
    original = neuron.separation_detected

    def counted(*args):
        calls.append(1)
        return original(*args)

    neuron.separation_detected = counted
    try:
        for firth in (False, True):
            clf = SigmoidNeuronClassifier(firth=firth).fit(X, y)
            assert not clf.separated_ and clf.separation_ == {}
        assert calls == []
        # quasi-complete: the fit does not classify every row, the programme decides
        quasi_X = np.array([[0.0], [0], [0], [1], [1], [1], [1]])
        quasi_y = np.array([0.0, 1, 0, 1, 1, 1, 1])
        with pytest.warns(SeparationWarning):
            clf = SigmoidNeuronClassifier().fit(quasi_X, quasi_y)
        assert calls and clf.separation_ == {"x0": "+inf"}
    finally:
        neuron.separation_detected = original


def test_separation_test_does_not_depend_on_the_units_of_the_features():
    """Regression: the programme's box [-1, 1] made its optimum scale with
    the features, so a separating feature in small units beside one in large
    units passed for overlapping data (no warning, finite 'standard errors')."""
    from sksigmoid.neuron import separation_direction

    rng = np.random.default_rng(0)
    x0 = np.array([0.0, 0, 0, 1, 1, 1, 1, 0, 1, 0])
    y = np.array([0.0, 1, 0, 1, 1, 1, 1, 0, 1, 0])
    noise = rng.normal(size=x0.size)
    for small, large in ((1.0, 1.0), (1e-4, 1e4), (1e-6, 1.0)):
        X = np.column_stack([small * x0, large * noise])
        direction = separation_direction(X, y, np.ones_like(y), True)
        assert direction is not None and direction[0] > 0, (small, large)
        with pytest.warns(SeparationWarning, match="x0 -> \\+inf"):
            SigmoidNeuronClassifier().fit(X, y)


def test_receding_sides_are_certificates_of_infinite_endpoints():
    """Regression: on separated data a coefficient whose profile never falls
    (the others still separate when it is fixed) got a finite endpoint where
    the profile was still at its top (x1 61.4 on rare30-7). A side is infinite
    exactly where a direction d with U d >= 0 moves that coefficient: along
    it the log-likelihood never falls, checked here from the fit."""
    from sksigmoid.neuron import receding_sides

    X, y, _ = profile_case("rare30-7")
    with pytest.warns(SeparationWarning):
        clf = SigmoidNeuronClassifier(**TIGHT).fit(X, y)
    X1, s, w = design(X), weights_of(y, None), params(clf)
    sides = receding_sides(X, y, s, True)
    intervals = clf.conf_int(method="profile")
    top = loglik(X1, y, s, w, False)
    for j, (name, (lo, hi)) in enumerate(intervals.items()):
        assert (lo == -np.inf) == sides[j, 0] and (hi == np.inf) == sides[j, 1]
        for side, end in ((-1.0, lo), (1.0, hi)):
            if np.isinf(end):  # the profile 100 units out is still at the top
                far = profile_loglik(X1, y, s, w, j, w[j] + side * 100.0)
                assert far >= top - 1e-9 * max(1.0, abs(top)), (name, side)
    assert intervals["x1"] == (-np.inf, np.inf)
    # data that overlap have no such direction
    X, y = rare_events(7)
    assert not receding_sides(X, y, np.ones_like(y), True).any()

"""Tests of quantal (binomial) and count (Poisson) dose-response fits.

``SigmoidGrowthRegressor(family=...)`` and ``fit_curves(family=...)`` against
statsmodels' GLM (logit, probit and complementary log-log links on ln dose),
an independent Poisson maximum-likelihood fit, Fieller's textbook closed form,
the library's own logistic neuron, and simulation (coverage of the LD50
intervals, quasi-likelihood under beta-binomial overdispersion).
"""

import warnings

import numpy as np
import pytest
import statsmodels.api as sm
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy import optimize, stats
from scipy.special import expit, gammaln, logit, ndtr
from sklearn.exceptions import ConvergenceWarning

from sksigmoid import SigmoidGrowthRegressor, SigmoidNeuronClassifier
from sksigmoid.growth import FlatCurveWarning, fit_curves

Z95 = stats.norm.ppf(0.975)

# the inverse links of the GLMs the models are on ln dose
INVERSE_LINK = {
    "logit": expit,
    "probit": ndtr,
    "cloglog": lambda eta: -np.expm1(-np.exp(eta)),
}
SM_LINK = {
    "logit": sm.families.links.Logit,
    "probit": sm.families.links.Probit,
    "cloglog": sm.families.links.CLogLog,
}
# model -> (GLM link, x_scale, name of the slope, name of the location, the
# location is exp(-b0/b1) rather than -b0/b1)
GLM_OF_MODEL = {
    "logistic": ("logit", "log", "rate", "x_mid", False),
    "probit": ("probit", "log", "rate", "x_mid", False),
    "hill": ("logit", "linear", "n", "K", True),
    "weibull": ("cloglog", "linear", "shape", "scale", True),
}


def relative(a, b):
    """max |a - b| / |b| (elementwise, b != 0)."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return float(np.max(np.abs(a - b) / np.abs(b)))


def quantal(seed, doses, n, slope, ld50, link="logit"):
    """Responders k ~ Binomial(n, g^-1(slope (ln dose - ln ld50)))."""
    rng = np.random.default_rng(seed)
    eta = slope * (np.log(doses) - np.log(ld50))
    return rng.binomial(np.asarray(n, dtype=int), INVERSE_LINK[link](eta)).astype(float)


def glm(doses, k, n, link):
    """statsmodels' binomial GLM on ln dose, fitted tightly.

    Its IRLS stops on a relative change of the deviance, which is quadratic
    at the optimum: even tol=1e-13 leaves the probit and cloglog coefficients
    ~1e-9 off (Pearson's X^2 ~1e-8), and its bse come from the weights of the
    previous iterate. A second IRLS run from that optimum with tol=1e-15 is
    converged to rounding (it may stop on maxiter, the deviance no longer
    changing by more than its rounding)."""
    family = sm.families.Binomial(link=SM_LINK[link]())
    model = sm.GLM(
        np.column_stack([k, n - k]), sm.add_constant(np.log(doses)), family=family
    )
    first = model.fit(tol=1e-10, maxiter=200)
    assert first.converged
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # a maxiter ConvergenceWarning
        return model.fit(start_params=first.params, tol=1e-15, maxiter=50)


def glm_to_curve(beta, cov, exp_location):
    """(slope, location) and their standard errors from a GLM's (b0, b1):
    slope = b1, location = -b0/b1 (or exp of it). The delta method is exact
    here: the Fisher information of an MLE transforms as a tensor."""
    b0, b1 = beta
    location = -b0 / b1
    grad = np.array([-1 / b1, b0 / b1**2])  # d(-b0/b1)/d(b0, b1)
    if exp_location:
        location = np.exp(location)
        grad = grad * location
    se_slope = np.sqrt(cov[1, 1])
    se_location = np.sqrt(grad @ cov @ grad)
    return b1, location, se_slope, se_location


def null_deviance(k, n):
    """The deviance of the constant proportion sum(k) / sum(n)."""
    p = k.sum() / n.sum()
    y = k / n
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(y > 0, y * np.log(y / p), 0.0) + np.where(
            y < 1, (1 - y) * np.log((1 - y) / (1 - p)), 0.0
        )
    return float(2 * np.sum(n * terms))


def binomial_fit(model, doses, k, n, **kw):
    x_scale = GLM_OF_MODEL.get(model, (None, "log"))[1]
    reg = SigmoidGrowthRegressor(model, x_scale=x_scale, family="binomial", **kw)
    return reg.fit(doses[:, None], k / n, sample_weight=n)


# --------------------------------------------------------------------------
# 1. against statsmodels' GLM
# --------------------------------------------------------------------------
DOSES_5 = np.array([1.0, 2.0, 4.0, 8.0, 16.0])
DOSES_6 = np.array([0.5, 1.0, 2.0, 4.0, 8.0, 16.0])
DOSES_8 = 0.25 * 2.0 ** np.arange(8)
N_VARIED = np.array([10, 25, 50, 15, 40, 30, 20, 45], dtype=float)

# (seed, doses, subjects, slope, LD50): rising and falling curves
DATA_SETS = [
    (11, DOSES_5, np.full(5, 20.0), 1.6, 4.0),
    (12, DOSES_8, N_VARIED, -1.1, 3.0),
    (13, DOSES_6, np.full(6, 50.0), 1.2, 2.0),
    (14, DOSES_8[:7], N_VARIED[:7] + 3, -0.8, 1.5),
]


@pytest.mark.parametrize("model", sorted(GLM_OF_MODEL))
@pytest.mark.parametrize("case", range(len(DATA_SETS)))
def test_binomial_fit_equals_statsmodels_glm(model, case):
    seed, doses, n, slope, ld50 = DATA_SETS[case]
    link, _, slope_name, location_name, exp_location = GLM_OF_MODEL[model]
    k = quantal(seed, doses, n, slope, ld50, link)
    ref = glm(doses, k, n, link)
    b1, location, se_b1, se_location = glm_to_curve(
        ref.params, ref.cov_params(), exp_location
    )
    reg = binomial_fit(model, doses, k, n)
    assert reg.converged_
    assert reg.params_[slope_name] == pytest.approx(b1, rel=1e-8)
    assert reg.params_[location_name] == pytest.approx(location, rel=1e-8)
    assert reg.std_errors_[slope_name] == pytest.approx(se_b1, rel=1e-7)
    assert reg.std_errors_[location_name] == pytest.approx(se_location, rel=1e-7)
    # the asymptotes are fixed at 0 and 1 and get a standard error of 0
    for name in ("bottom", "top"):
        if name in reg.params_:
            assert reg.params_[name] == float(name == "top")
            assert reg.std_errors_[name] == 0.0
    assert reg.deviance_ == pytest.approx(ref.deviance, rel=1e-8)
    assert reg.rss_ == reg.deviance_
    assert reg.pearson_chi2_ == pytest.approx(ref.pearson_chi2, rel=1e-8)
    assert reg.log_likelihood_ == pytest.approx(ref.llf, rel=1e-8)
    assert reg.aic_ == pytest.approx(ref.aic, rel=1e-8)  # k = 2 free parameters
    assert reg.dof_ == doses.size - 2
    assert reg.dispersion_ == pytest.approx(ref.pearson_chi2 / ref.df_resid, rel=1e-8)
    gof = reg.goodness_of_fit_
    assert gof.df == doses.size - 2
    assert gof.deviance_p_value == pytest.approx(
        stats.chi2.sf(ref.deviance, ref.df_resid), rel=1e-6
    )
    assert gof.pearson_p_value == pytest.approx(
        stats.chi2.sf(ref.pearson_chi2, ref.df_resid), rel=1e-6
    )
    # the fitted curve is statsmodels' mean
    np.testing.assert_allclose(reg.predict(doses[:, None]), ref.mu, rtol=1e-8)


FAR_DOSES = np.array([1.0, 2.0, 4.0, 8.0, 16.0])
FAR_K = np.array([3.0, 5.0, 9.0, 16.0, 17.0])


@pytest.mark.parametrize(
    "model, far",
    [
        ("probit", 1e6),  # u ~ 11.6: 1 - Phi(u) ~ 1e-31 rounds mu to 1
        ("logistic", 1e20),  # u ~ 70
        ("hill", 1e20),
        ("weibull", 400.0),  # (x/scale)^shape ~ 50
        ("weibull", 1e6),  # ~ 1e5: exp(-z) underflows, the derivatives too
    ],
)
def test_a_far_dose_where_everyone_responds_leaves_the_fit_unchanged(model, far):
    """A high dose at which every subject responds, so far up the curve that
    the fitted proportion rounds to 1: it carries (almost) no information,
    and the fit must still equal the GLM's."""
    doses = np.r_[FAR_DOSES, far]
    n = np.full(6, 20.0)
    k = np.r_[FAR_K, 20.0]
    link, _, slope_name, location_name, exp_location = GLM_OF_MODEL[model]
    with warnings.catch_warnings():
        # statsmodels flags a fitted proportion of 1 as perfect prediction
        warnings.simplefilter("ignore")
        ref = glm(doses, k, n, link)
    b1, location, se_b1, se_location = glm_to_curve(
        ref.params, ref.cov_params(), exp_location
    )
    reg = binomial_fit(model, doses, k, n)
    assert reg.deviance_ == pytest.approx(ref.deviance, rel=1e-8)
    assert reg.params_[slope_name] == pytest.approx(b1, rel=1e-8)
    assert reg.params_[location_name] == pytest.approx(location, rel=1e-8)
    assert reg.std_errors_[slope_name] == pytest.approx(se_b1, rel=1e-7)
    assert reg.std_errors_[location_name] == pytest.approx(se_location, rel=1e-7)


def test_binomial_overdispersion_scale_equals_quasibinomial():
    """overdispersion="scale": R's quasibinomial, the GLM covariance times
    Pearson's X^2 / dof (statsmodels' own scale="X2" is not used: with a
    (k, n - k) endog it leaves the numbers of subjects out of X^2)."""
    seed, doses, n, slope, ld50 = DATA_SETS[1]
    k = quantal(seed, doses, n, slope, ld50)
    ref = glm(doses, k, n, "logit")
    phi = ref.pearson_chi2 / ref.df_resid
    _, _, se_rate, se_mid = glm_to_curve(ref.params, ref.cov_params() * phi, False)
    reg = binomial_fit("logistic", doses, k, n, overdispersion="scale")
    assert reg.std_errors_["rate"] == pytest.approx(se_rate, rel=1e-7)
    assert reg.std_errors_["x_mid"] == pytest.approx(se_mid, rel=1e-7)
    assert reg.dispersion_ == pytest.approx(phi, rel=1e-8)
    # t with dof_ for the Wald interval
    lo, hi = reg.conf_int(0.95)["x_mid"]
    crit = stats.t.ppf(0.975, reg.dof_)
    assert (hi - lo) / 2 == pytest.approx(crit * se_mid, rel=1e-7)


# --------------------------------------------------------------------------
# Poisson against an independent maximum-likelihood fit
# --------------------------------------------------------------------------
def logistic_mean(theta, x):
    top, rate, x_mid = theta
    s = expit(rate * (x - x_mid))
    J = np.column_stack([s, top * s * (1 - s) * (x - x_mid), -top * s * (1 - s) * rate])
    return top * s, J


def poisson_mle(x, y, start):
    """Minimise sum(mu - y ln mu) with scipy (BFGS, analytic gradient), then
    the SEs from the Fisher information J^T diag(1/mu) J."""

    def nll(theta):
        mu, J = logistic_mean(theta, x)
        return np.sum(mu - y * np.log(mu)), J.T @ (1 - y / mu)

    res = optimize.minimize(
        nll, start, jac=True, method="BFGS", options={"gtol": 1e-11, "maxiter": 1000}
    )
    mu, J = logistic_mean(res.x, x)
    cov = np.linalg.inv(J.T @ (J / mu[:, None]))
    loglik = np.sum(stats.poisson.logpmf(y, mu))
    deviance = 2 * np.sum(y * np.log(np.where(y > 0, y / mu, 1.0)) - (y - mu))
    return res.x, np.sqrt(np.diag(cov)), loglik, deviance


@pytest.mark.parametrize("seed", [21, 22, 23])
def test_poisson_fit_equals_independent_mle(seed):
    rng = np.random.default_rng(seed)
    x = np.linspace(0, 10, 12)
    truth = np.array([40.0, 0.9, 5.0])
    y = rng.poisson(logistic_mean(truth, x)[0]).astype(float)
    theta, se, loglik, deviance = poisson_mle(x, y, truth)
    reg = SigmoidGrowthRegressor("logistic", family="poisson").fit(x[:, None], y)
    assert reg.converged_
    got = np.array([reg.params_[n] for n in ("top", "rate", "x_mid")])
    got_se = np.array([reg.std_errors_[n] for n in ("top", "rate", "x_mid")])
    # BFGS from the truth stops on a gradient of 1e-11 (a relative
    # accuracy of the optimum of ~1e-10 here, measured 2e-10) and the SEs are
    # first order in the parameters: 1e-7 leaves room for another BLAS.
    np.testing.assert_allclose(got, theta, rtol=1e-7)
    np.testing.assert_allclose(got_se, se, rtol=1e-7)
    assert reg.log_likelihood_ == pytest.approx(loglik, rel=1e-9)
    assert reg.deviance_ == pytest.approx(deviance, rel=1e-8)
    assert reg.aic_ == pytest.approx(-2 * loglik + 6, rel=1e-9)
    mu = reg.predict(x[:, None])
    assert reg.pearson_chi2_ == pytest.approx(np.sum((y - mu) ** 2 / mu), rel=1e-9)


# --------------------------------------------------------------------------
# 2. Fieller's interval
# --------------------------------------------------------------------------
def fieller_textbook(beta, cov, p, z):
    """Finney's Fieller limits of LD_p of a logit GLM on ln dose, in dose."""
    b0, b1 = beta
    v00, v01, v11 = cov[0, 0], cov[0, 1], cov[1, 1]
    x = (logit(p / 100) - b0) / b1
    g = z**2 * v11 / b1**2
    centre = x + g / (1 - g) * (x + v01 / v11)
    half = (
        z
        / (b1 * (1 - g))
        * np.sqrt(v00 + 2 * x * v01 + x**2 * v11 - g * (v00 - v01**2 / v11))
    )
    lower, upper = sorted([centre - half, centre + half])
    return np.exp(x), np.exp(lower), np.exp(upper)


@pytest.mark.parametrize("case", [0, 2])
@pytest.mark.parametrize("p", [10.0, 50.0, 90.0])
def test_fieller_equals_textbook_closed_form(case, p):
    seed, doses, n, slope, ld50 = DATA_SETS[case]
    k = quantal(seed, doses, n, slope, ld50)
    ref = glm(doses, k, n, "logit")
    estimate, lower, upper = fieller_textbook(ref.params, ref.cov_params(), p, Z95)
    reg = binomial_fit("logistic", doses, k, n)
    got = reg.effective_dose(p, 0.95, method="fieller")
    assert got.estimate == pytest.approx(estimate, rel=1e-8)
    assert got.ci_lower == pytest.approx(lower, rel=1e-7)
    assert got.ci_upper == pytest.approx(upper, rel=1e-7)
    assert got.ci_lower < got.estimate < got.ci_upper
    # the delta method's standard error is the one of effective_dose(p)
    assert got.std_error == pytest.approx(reg.effective_dose(p).std_error, rel=1e-12)


def test_fieller_vectorised_over_p_equals_scalar_calls():
    seed, doses, n, slope, ld50 = DATA_SETS[0]
    k = quantal(seed, doses, n, slope, ld50)
    reg = binomial_fit("logistic", doses, k, n)
    ps = np.array([10.0, 50.0, 90.0])
    many = reg.effective_dose(ps, 0.95, method="fieller")
    for i, p in enumerate(ps):
        one = reg.effective_dose(p, 0.95, method="fieller")
        assert many.ci_lower[i] == pytest.approx(one.ci_lower, rel=1e-12)
        assert many.ci_upper[i] == pytest.approx(one.ci_upper, rel=1e-12)


def test_fieller_is_unbounded_when_the_slope_is_not_significant():
    doses = DOSES_6
    n = np.full(6, 20.0)
    k = np.array([9.0, 11.0, 10.0, 8.0, 11.0, 10.0])  # no trend
    reg = binomial_fit("logistic", doses, k, n)
    z_slope = abs(reg.params_["rate"]) / reg.std_errors_["rate"]
    assert z_slope < Z95
    got = reg.effective_dose(50, 0.95, method="fieller")
    assert got.ci_lower == 0.0 and got.ci_upper == np.inf
    delta = reg.effective_dose(50, 0.95)
    assert np.isfinite([delta.ci_lower, delta.ci_upper]).all()


def test_fieller_is_asymmetric_and_wider_where_the_slope_is_weak():
    # weak slope: significant (z ~ 3) but g = (z_crit / z)^2 far from 0
    doses = DOSES_6
    n = np.full(6, 12.0)
    k = np.array([3.0, 3.0, 6.0, 5.0, 7.0, 10.0])
    reg = binomial_fit("logistic", doses, k, n)
    se_rate = reg.std_errors_["rate"]
    g = (Z95 * se_rate / reg.params_["rate"]) ** 2
    assert 0.1 < g < 0.9
    x_mid, se_mid = reg.params_["x_mid"], reg.std_errors_["x_mid"]
    fieller = reg.effective_dose(50, 0.95, method="fieller")
    lo, hi = np.log(fieller.ci_lower), np.log(fieller.ci_upper)
    assert lo < x_mid < hi
    assert hi - lo > 2 * Z95 * se_mid * 1.05  # wider than the Wald interval
    above, below = hi - x_mid, x_mid - lo
    assert max(above, below) / min(above, below) > 1.1  # asymmetric
    # with a strong slope (g ~ 0) Fieller's interval is the Wald one
    seed, doses, n, slope, ld50 = DATA_SETS[2]
    k = quantal(seed, doses, n * 20, slope, ld50)
    strong = binomial_fit("logistic", doses, k, n * 20)
    fieller = strong.effective_dose(50, 0.95, method="fieller")
    wald = strong.conf_int(0.95)["x_mid"]
    np.testing.assert_allclose(
        np.log([fieller.ci_lower, fieller.ci_upper]), wald, rtol=0, atol=2e-3
    )


# --------------------------------------------------------------------------
# 3. the neuron: a logistic regression on ln dose of the expanded data
# --------------------------------------------------------------------------
def expand(doses, k, n):
    """Individual outcomes: responders weight k, non-responders weight n - k."""
    x = np.concatenate([doses, doses])
    y = np.concatenate([np.ones_like(k), np.zeros_like(k)])
    w = np.concatenate([k, n - k])
    keep = w > 0
    return x[keep], y[keep], w[keep]


@pytest.mark.parametrize("case", range(len(DATA_SETS)))
def test_binomial_logistic_equals_the_logistic_neuron(case):
    seed, doses, n, slope, ld50 = DATA_SETS[case]
    k = quantal(seed, doses, n, slope, ld50)
    reg = binomial_fit("logistic", doses, k, n)
    x, y, w = expand(doses, k, n)
    clf = SigmoidNeuronClassifier(alpha=0.0, solver="newton", tol=1e-12)
    clf.fit(np.log(x)[:, None], y, sample_weight=w)
    b1, b0 = clf.coef_[0, 0], clf.intercept_[0]
    rate, x_mid = reg.params_["rate"], reg.params_["x_mid"]
    assert b1 == pytest.approx(rate, rel=1e-8)
    assert b0 == pytest.approx(-rate * x_mid, rel=1e-8)
    assert clf.coef_se_[0, 0] == pytest.approx(reg.std_errors_["rate"], rel=1e-8)
    # LD50 = exp(-b0/b1) and its delta-method SE from the (coef, intercept)
    # covariance
    ld = np.exp(-b0 / b1)
    grad = ld * np.array([b0 / b1**2, -1 / b1])  # d/d(b1, b0)
    se_ld = np.sqrt(grad @ clf.covariance_ @ grad)
    got = reg.effective_dose(50)
    assert got.estimate == pytest.approx(ld, rel=1e-8)
    assert got.std_error == pytest.approx(se_ld, rel=1e-8)
    # the same likelihood, up to the binomial coefficients of grouping
    log_choose = np.sum(gammaln(n + 1) - gammaln(k + 1) - gammaln(n - k + 1))
    assert reg.log_likelihood_ - log_choose == pytest.approx(
        clf.log_likelihood_, rel=1e-9
    )


# --------------------------------------------------------------------------
# 4. coverage of the LD50 intervals
# --------------------------------------------------------------------------
COVERAGE_LD50 = 4.0
COVERAGE_SLOPE = logit(0.9) / np.log(16 / COVERAGE_LD50)  # doses 1..16: 10%..90%


def ld50_coverage(n_replicates=1000, seed=2024):
    """Share of replicates whose 95% LD50 intervals cover the truth:
    Wald on x_mid (exponentiated), delta on the dose (effective_dose), Fieller."""
    rng = np.random.default_rng(seed)
    doses, n = DOSES_5, np.full(5, 20.0)
    mu = expit(COVERAGE_SLOPE * (np.log(doses) - np.log(COVERAGE_LD50)))
    hits = np.zeros(3)
    for _ in range(n_replicates):
        k = rng.binomial(20, mu).astype(float)
        reg = binomial_fit("logistic", doses, k, n)
        lo, hi = reg.conf_int(0.95)["x_mid"]
        delta = reg.effective_dose(50, 0.95)
        fieller = reg.effective_dose(50, 0.95, method="fieller")
        hits += [
            lo <= np.log(COVERAGE_LD50) <= hi,
            delta.ci_lower <= COVERAGE_LD50 <= delta.ci_upper,
            fieller.ci_lower <= COVERAGE_LD50 <= fieller.ci_upper,
        ]
    return hits / n_replicates


def test_ld50_intervals_have_nominal_coverage():
    # 1000 replicates: the coverage is estimated to +-0.007 (one SE)
    wald_log, delta_dose, fieller = ld50_coverage()
    assert 0.93 <= wald_log <= 0.97
    assert 0.93 <= delta_dose <= 0.97
    assert 0.93 <= fieller <= 0.97


# --------------------------------------------------------------------------
# 5. overdispersion: beta-binomial data
# --------------------------------------------------------------------------
def beta_binomial_coverage(n_replicates=300, rho=0.15, seed=7):
    """Coverage of the 95% Wald interval of x_mid with and without
    overdispersion="scale", and the mean dispersion, on beta-binomial data
    (intra-class correlation rho: the variance is 1 + (n - 1) rho binomial)."""
    rng = np.random.default_rng(seed)
    doses, n = DOSES_6, np.full(6, 50.0)
    x_mid = np.log(2.0)
    mu = expit(1.5 * (np.log(doses) - x_mid))
    a, b = mu * (1 - rho) / rho, (1 - mu) * (1 - rho) / rho
    hits = np.zeros(2)
    dispersion = []
    for _ in range(n_replicates):
        k = rng.binomial(50, rng.beta(a, b)).astype(float)
        plain = binomial_fit("logistic", doses, k, n)
        scaled = binomial_fit("logistic", doses, k, n, overdispersion="scale")
        for i, reg in enumerate((plain, scaled)):
            lo, hi = reg.conf_int(0.95)["x_mid"]
            hits[i] += lo <= x_mid <= hi
        dispersion.append(scaled.dispersion_)
    return hits[0] / n_replicates, hits[1] / n_replicates, float(np.mean(dispersion))


def test_overdispersion_scale_restores_coverage_under_beta_binomial_data():
    plain, scaled, dispersion = beta_binomial_coverage()
    # the theory: dispersion 1 + 49 * 0.15 = 8.35, so the unscaled interval
    # is sqrt(8.35) too narrow: coverage P(|Z| < 1.96 / 2.89) ~ 0.50
    assert 5 < dispersion < 12
    assert plain <= 0.75
    assert 0.90 <= scaled <= 0.98


def test_overdispersion_scale_multiplies_the_covariance_by_the_dispersion():
    seed, doses, n, slope, ld50 = DATA_SETS[1]
    k = quantal(seed, doses, n, slope, ld50)
    plain = binomial_fit("logistic", doses, k, n)
    scaled = binomial_fit("logistic", doses, k, n, overdispersion="scale")
    assert scaled.params_ == pytest.approx(plain.params_, rel=1e-10)
    assert scaled.dispersion_ == pytest.approx(plain.dispersion_, rel=1e-12)
    np.testing.assert_allclose(
        scaled.covariance_, plain.covariance_ * plain.dispersion_, rtol=1e-9
    )
    assert plain.sigma_ == 1.0
    assert scaled.sigma_ == pytest.approx(np.sqrt(scaled.dispersion_), rel=1e-12)
    # the t reference: intervals of the effective dose use dof_
    for reg, crit in ((plain, Z95), (scaled, stats.t.ppf(0.975, scaled.dof_))):
        ed = reg.effective_dose(50, 0.95)
        assert (ed.ci_upper - ed.ci_lower) / 2 == pytest.approx(
            crit * ed.std_error, rel=1e-9
        )


# --------------------------------------------------------------------------
# 6. fit_curves on a plate equals the regressor per column
# --------------------------------------------------------------------------
def plate_binomial():
    doses = DOSES_8
    n = np.column_stack(
        [N_VARIED, N_VARIED[::-1], np.full(8, 30.0), N_VARIED, N_VARIED]
    )
    k = np.column_stack(
        [
            quantal(31, doses, n[:, 0], 1.3, 2.0),
            quantal(32, doses, n[:, 1], -0.9, 4.0),
            quantal(33, doses, n[:, 2], 2.0, 1.0),
            quantal(34, doses, n[:, 3], 1.0, 6.0, "probit"),
            np.zeros(8),  # no responder at all
        ]
    )
    return doses, k, n


COMPARED = {
    "binomial": ("logistic", "log"),
    "binomial-probit": ("probit", "log"),
    "binomial-weibull": ("weibull", "linear"),
    "poisson": ("logistic", "linear"),
}


@pytest.mark.parametrize("what", sorted(COMPARED))
@pytest.mark.parametrize("overdispersion", ["none", "scale"])
def test_fit_curves_equals_the_regressor_per_column(what, overdispersion):
    model, x_scale = COMPARED[what]
    family = what.split("-")[0]
    if family == "binomial":
        x, K, W = plate_binomial()
        Y = K / W
    else:
        rng = np.random.default_rng(35)
        x = np.linspace(0, 10, 10)
        means = [(40, 0.9, 5), (15, -1.2, 4), (80, 0.6, 6), (5, 2.0, 3)]
        Y = np.column_stack(
            [rng.poisson(logistic_mean(m, x)[0]) for m in means] + [np.zeros(10)]
        ).astype(float)
        W = np.ones_like(Y)
    table = fit_curves(
        x,
        Y,
        model,
        x_scale=x_scale,
        family=family,
        overdispersion=overdispersion,
        sample_weight=W,
    )
    assert list(table["status"]) == ["fit"] * 4 + ["flat"]
    for c in range(4):
        reg = SigmoidGrowthRegressor(
            model, x_scale=x_scale, family=family, overdispersion=overdispersion
        ).fit(x[:, None], Y[:, c], sample_weight=W[:, c])
        row = table.iloc[c]
        for name in reg.param_names_:
            assert row[name] == pytest.approx(reg.params_[name], rel=1e-8, abs=1e-12)
            if reg.std_errors_[name] > 0:  # free
                assert row[name + "_se"] == pytest.approx(
                    reg.std_errors_[name], rel=1e-8
                )
            else:
                assert row[name + "_se"] == 0.0
        assert row["deviance"] == pytest.approx(reg.deviance_, rel=1e-8)
        assert row["pearson_chi2"] == pytest.approx(reg.pearson_chi2_, rel=1e-8)
        assert row["dispersion"] == pytest.approx(reg.dispersion_, rel=1e-8)
        assert row["aic"] == pytest.approx(reg.aic_, rel=1e-8)


def test_fit_curves_scale_multiplies_the_standard_errors_by_sqrt_dispersion():
    x, K, W = plate_binomial()
    kw = dict(x_scale="log", family="binomial", sample_weight=W)
    plain = fit_curves(x, K / W, "logistic", **kw)
    scaled = fit_curves(x, K / W, "logistic", overdispersion="scale", **kw)
    fitted = (plain["status"] == "fit").to_numpy()
    for name in ("rate", "x_mid"):
        np.testing.assert_allclose(scaled[name][fitted], plain[name][fitted], rtol=1e-9)
        np.testing.assert_allclose(
            scaled[name + "_se"][fitted],
            plain[name + "_se"][fitted] * np.sqrt(plain["dispersion"][fitted]),
            rtol=1e-8,
        )


# --------------------------------------------------------------------------
# 7. invariances
# --------------------------------------------------------------------------
@pytest.mark.parametrize("model", ["logistic", "probit", "weibull"])
def test_more_subjects_shrink_the_standard_errors_by_sqrt(model):
    seed, doses, n, slope, ld50 = DATA_SETS[1]
    k = quantal(seed, doses, n, slope, ld50, GLM_OF_MODEL[model][0])
    one = binomial_fit(model, doses, k, n)
    three = binomial_fit(model, doses, 3 * k, 3 * n)
    for name in one.param_names_:
        assert three.params_[name] == pytest.approx(one.params_[name], rel=1e-9)
        assert three.std_errors_[name] == pytest.approx(
            one.std_errors_[name] / np.sqrt(3), rel=1e-9
        )
    assert three.deviance_ == pytest.approx(3 * one.deviance_, rel=1e-9)


@pytest.mark.parametrize("model", ["logistic", "probit"])
def test_individual_outcomes_equal_grouped_rows(model):
    seed, doses, n, slope, ld50 = DATA_SETS[0]
    k = quantal(seed, doses, n, slope, ld50, GLM_OF_MODEL[model][0])
    grouped = binomial_fit(model, doses, k, n)
    x = np.repeat(doses, n.astype(int))
    y = np.concatenate(
        [
            np.r_[np.ones(int(a)), np.zeros(int(b - a))]
            for a, b in zip(k, n, strict=True)
        ]
    )
    single = SigmoidGrowthRegressor(model, x_scale="log", family="binomial")
    single.fit(x[:, None], y)  # sample_weight None: one subject per row
    for name in grouped.param_names_:
        assert single.params_[name] == pytest.approx(grouped.params_[name], rel=1e-8)
        assert single.std_errors_[name] == pytest.approx(
            grouped.std_errors_[name], rel=1e-8
        )
    # the likelihoods differ by the binomial coefficients only
    log_choose = np.sum(gammaln(n + 1) - gammaln(k + 1) - gammaln(n - k + 1))
    assert single.log_likelihood_ == pytest.approx(
        grouped.log_likelihood_ - log_choose, rel=1e-9
    )


@pytest.mark.parametrize("shift, scale", [(0.0, 10.0), (-3.0, 0.25), (100.0, 1.0)])
def test_shifting_and_scaling_x_moves_x_mid_and_rate(shift, scale):
    seed, doses, n, slope, ld50 = DATA_SETS[2]
    k = quantal(seed, doses, n, slope, ld50)
    t = np.log(doses)
    ref = SigmoidGrowthRegressor("logistic", family="binomial")
    ref.fit(t[:, None], k / n, sample_weight=n)
    moved = SigmoidGrowthRegressor("logistic", family="binomial")
    moved.fit((scale * t + shift)[:, None], k / n, sample_weight=n)
    assert moved.params_["x_mid"] == pytest.approx(
        scale * ref.params_["x_mid"] + shift, rel=1e-8
    )
    assert moved.params_["rate"] == pytest.approx(ref.params_["rate"] / scale, rel=1e-8)
    assert moved.std_errors_["rate"] == pytest.approx(
        ref.std_errors_["rate"] / scale, rel=1e-7
    )
    assert moved.std_errors_["x_mid"] == pytest.approx(
        scale * ref.std_errors_["x_mid"], rel=1e-7
    )
    assert moved.deviance_ == pytest.approx(ref.deviance_, rel=1e-9)


def test_binomial_predict_interval_stays_in_the_unit_interval():
    seed, doses, n, slope, ld50 = DATA_SETS[0]
    k = quantal(seed, doses, n, slope, ld50)
    reg = binomial_fit("logistic", doses, k, n)
    grid = np.geomspace(1e-3, 1e3, 61)[:, None]
    mean = reg.predict(grid)
    lower, upper = reg.predict_interval(grid, 0.99)
    assert np.all((lower >= 0) & (upper <= 1))
    assert np.all((lower <= mean) & (mean <= upper))
    assert np.all(lower[20:40] < mean[20:40]) and np.all(mean[20:40] < upper[20:40])
    # the band is the logit-scale Wald band mapped back
    mu, se = reg.predict(grid, return_std=True)
    eta_se = se / (mu * (1 - mu))
    z = stats.norm.ppf(0.995)
    np.testing.assert_allclose(
        upper[20:40], expit(logit(mu) + z * eta_se)[20:40], rtol=1e-10
    )
    with pytest.raises(ValueError, match="prediction"):
        reg.predict_interval(grid, kind="prediction")


def test_poisson_predict_interval_is_positive():
    rng = np.random.default_rng(41)
    x = np.linspace(0, 10, 12)
    y = rng.poisson(logistic_mean((30, 1.0, 5), x)[0]).astype(float)
    reg = SigmoidGrowthRegressor("logistic", family="poisson").fit(x[:, None], y)
    grid = np.linspace(-5, 15, 41)[:, None]
    mean = reg.predict(grid)
    lower, upper = reg.predict_interval(grid)
    assert np.all(lower > 0)
    assert np.all((lower < mean) & (mean < upper))
    with pytest.raises(ValueError, match="prediction"):
        reg.predict_interval(grid, kind="prediction")


# --------------------------------------------------------------------------
# 8. model selection by AIC
# --------------------------------------------------------------------------
def auto_choices(link, slope, seeds):
    """model="auto" on 8 doses x 500 subjects (2% to 98%); checks each fit's
    comparison table against statsmodels' AIC of the same GLMs on ln dose
    (logistic: logit, probit: probit, gompertz: log-log link)."""
    doses = 4.0 * 2.5 ** (np.arange(8) - 3.5)
    n = np.full(8, 500.0)
    chosen = []
    for seed in seeds:
        k = quantal(seed, doses, n, slope, 4.0, link)
        reg = SigmoidGrowthRegressor("auto", x_scale="log", family="binomial")
        reg.fit(doses[:, None], k / n, sample_weight=n)
        table = reg.model_comparison_
        assert {"aic", "delta_aic"} <= set(table)
        # with the asymptotes at 0 and 1, the 4pl and 5pl are no candidates
        assert sorted(table["model"]) == ["gompertz", "logistic", "probit", "richards"]
        best = int(np.argmin(table["aic"]))
        assert table["model"][best] == reg.model_
        assert table["delta_aic"][best] == 0.0
        np.testing.assert_allclose(
            table["delta_aic"], np.array(table["aic"]) - min(table["aic"]), rtol=1e-12
        )
        aic = dict(zip(table["model"], table["aic"], strict=True))
        for model, sm_link in (("logistic", "logit"), ("probit", "probit")):
            assert aic[model] == pytest.approx(glm(doses, k, n, sm_link).aic, rel=1e-8)
        loglog = sm.families.Binomial(link=sm.families.links.LogLog())
        gompertz = sm.GLM(
            np.column_stack([k, n - k]), sm.add_constant(np.log(doses)), family=loglog
        ).fit(tol=1e-12)
        assert aic["gompertz"] == pytest.approx(gompertz.aic, rel=1e-8)
        chosen.append(reg.model_)
    return chosen


def test_auto_picks_probit_on_probit_data_and_logistic_on_logistic_data():
    probit = auto_choices("probit", 0.8, range(10))
    assert probit.count("probit") >= 8, probit
    # the Richards curve nests the logistic (shape 1): it wins when its extra
    # parameter lowers the deviance by more than 2, ~16% of the time
    logistic = auto_choices("logit", 1.2, range(10))
    assert logistic.count("logistic") + logistic.count("richards") >= 8, logistic
    assert logistic.count("logistic") >= 5, logistic


# --------------------------------------------------------------------------
# 9. bad input
# --------------------------------------------------------------------------
X5 = DOSES_5[:, None]
Y5 = np.array([0.1, 0.2, 0.5, 0.7, 0.9])
N5 = np.full(5, 20.0)


def _binomial(**kw):
    return SigmoidGrowthRegressor(
        kw.pop("model", "logistic"), x_scale="log", family="binomial", **kw
    )


def test_proportions_outside_the_unit_interval_raise():
    with pytest.raises(ValueError, match=r"y in \[0, 1\]"):
        _binomial().fit(X5, Y5 * 2, sample_weight=N5)
    with pytest.raises(ValueError, match=r"y in \[0, 1\]"):
        _binomial().fit(X5, Y5 - 0.15, sample_weight=N5)
    with pytest.raises(ValueError, match=r"in \[0, 1\]"):
        fit_curves(DOSES_5, Y5 * 2, x_scale="log", family="binomial")


def test_poisson_needs_nonnegative_integer_counts():
    counts = np.array([1.0, 3.0, 6.0, 9.0, 10.0])
    with pytest.raises(ValueError, match="integer counts"):
        SigmoidGrowthRegressor("logistic", family="poisson").fit(X5, counts + 0.5)
    with pytest.raises(ValueError, match="integer counts"):
        fit_curves(DOSES_5, counts + 0.5, family="poisson")
    reg = SigmoidGrowthRegressor("logistic", family="poisson", overdispersion="scale")
    reg.fit(X5, counts + 0.5)  # quasi-Poisson takes them
    assert np.isfinite(list(reg.std_errors_.values())).all()
    with pytest.raises(ValueError, match=r"counts y >= 0"):
        SigmoidGrowthRegressor("logistic", family="poisson").fit(X5, counts - 2)
    with pytest.raises(ValueError, match=r">= 0"):
        fit_curves(DOSES_5, counts - 2, family="poisson")


@pytest.mark.parametrize("bad", [0.0, -1.0])
def test_binomial_needs_positive_numbers_of_subjects(bad):
    w = N5.copy()
    w[2] = bad
    with pytest.raises(ValueError, match="(must be positive|Negative values)"):
        _binomial().fit(X5, Y5, sample_weight=w)
    if bad == 0:
        with pytest.raises(ValueError, match="must be positive"):
            fit_curves(DOSES_5, Y5, x_scale="log", family="binomial", sample_weight=w)


@pytest.mark.parametrize("fixed", [{"bottom": 0, "top": 2}, {"bottom": -0.5, "top": 1}])
def test_binomial_fixed_asymptote_outside_the_unit_interval_raises(fixed):
    with pytest.raises(ValueError, match=r"outside its bounds \(0, 1\)"):
        _binomial(model="4pl", fixed=fixed).fit(X5, Y5, sample_weight=N5)
    with pytest.raises(ValueError, match="outside"):
        fit_curves(
            DOSES_5,
            Y5,
            "4pl",
            x_scale="log",
            family="binomial",
            fixed=fixed,
            sample_weight=N5,
        )


def test_incompatible_options_raise():
    with pytest.raises(ValueError, match="loss must be 'linear'"):
        _binomial(loss="huber").fit(X5, Y5, sample_weight=N5)
    with pytest.raises(ValueError, match='overdispersion="scale" applies'):
        SigmoidGrowthRegressor("logistic", overdispersion="scale").fit(X5, Y5)
    with pytest.raises(ValueError, match='overdispersion="scale" applies'):
        fit_curves(DOSES_5, Y5, overdispersion="scale")
    X = np.column_stack([np.r_[DOSES_5, DOSES_5], np.r_[np.zeros(5), np.ones(5)]])
    with pytest.raises(ValueError, match="family 'gaussian'"):
        _binomial(curve=1).fit(X, np.r_[Y5, Y5], sample_weight=np.r_[N5, N5])
    with pytest.raises(ValueError, match="family must be 'gaussian'"):
        fit_curves(
            DOSES_5,
            np.column_stack([Y5, Y5]),
            x_scale="log",
            family="binomial",
            shared=["rate"],
            sample_weight=N5,
        )


@pytest.mark.parametrize("value", [0.0, 1.0])
@pytest.mark.parametrize("model", ["logistic", "probit", "weibull"])
def test_all_or_no_responders_warn_of_no_information(value, model):
    x_scale = "linear" if model == "weibull" else "log"
    reg = SigmoidGrowthRegressor(model, x_scale=x_scale, family="binomial")
    with pytest.warns(FlatCurveWarning, match="no dose-response information"):
        reg.fit(X5, np.full(5, value), sample_weight=N5)
    free = [n for n in reg.param_names_ if n not in ("bottom", "top")]
    assert all(np.isnan(reg.std_errors_[n]) for n in free)
    # the fitted proportions approach the constant
    np.testing.assert_allclose(reg.predict(X5), value, atol=1e-3)


def test_no_counts_warn_of_no_information():
    reg = SigmoidGrowthRegressor("logistic", family="poisson")
    with pytest.warns(FlatCurveWarning, match="no dose-response information"):
        reg.fit(X5, np.zeros(5))
    assert all(np.isnan(v) for v in reg.std_errors_.values())


def test_responders_at_a_zero_dose_with_bottom_fixed_at_0_are_refused():
    doses = np.r_[0.0, DOSES_5]
    y = np.r_[0.1, Y5]
    n = np.r_[20.0, N5]
    with pytest.raises(ValueError, match="can have produced"):
        _binomial(model="probit").fit(doses[:, None], y, sample_weight=n)
    # Abbott's correction: a free natural response among the controls
    reg = _binomial(model="4pl", fixed={"top": 1.0})
    reg.fit(doses[:, None], y, sample_weight=n)
    assert 0 < reg.params_["bottom"] < 0.3
    assert np.isfinite(reg.deviance_)


# data without a monotone trend: the GLM's optimum has a slope of (about) 0,
# which the curve's parameters reach only in a limit (logistic, probit: x_mid
# -> inf; weibull: scale -> 0 or inf), or a finite optimum the other way
NO_TREND = [
    ("logistic", [0.0, 1.0, 0.0], [1.0, 1.0, 1.0]),
    ("probit", [0.0, 1.0, 0.0], [1.0, 1.0, 1.0]),
    ("logistic", [1.0, 2.0, 1.0], [3.0, 3.0, 3.0]),
    ("weibull", [1.0, 2.0, 1.0], [3.0, 3.0, 3.0]),
    ("weibull", [0.0, 1.0, 1.0], [1.0, 1.0, 5.0]),  # the GLM's shape is -0.196
]


@pytest.mark.parametrize("model, k, n", NO_TREND)
def test_data_without_a_trend_fit_as_well_as_the_glm(model, k, n):
    """A fit is never worse than the GLM of its link (whose deviance is at
    most the constant proportion's): the optimum may lie at infinity (a
    ConvergenceWarning then says so), but the deviance must get there."""
    doses = np.array([1.0, 2.0, 4.0])
    k, n = np.array(k), np.array(n)
    link = GLM_OF_MODEL[model][0]
    ref = glm(doses, k, n, link)
    assert ref.deviance <= null_deviance(k, n) * (1 + 1e-12)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ConvergenceWarning)
        reg = binomial_fit(model, doses, k, n)
    # an optimum at infinity is approached, not reached: said out loud, and
    # then within 1e-4 (the engine stops a run off to infinity once the
    # deviance falls by less than 1e-4 of itself over ten iterations)
    at_infinity = any("at infinity" in str(w.message) for w in caught)
    slack = 1e-4 if at_infinity else 1e-8
    assert reg.deviance_ <= ref.deviance * (1 + slack), (reg.deviance_, ref.deviance)
    x_scale = GLM_OF_MODEL[model][1]
    table = fit_curves(
        doses, k / n, model, x_scale=x_scale, family="binomial", sample_weight=n
    )
    if table["status"][0] != "flat":  # a flat curve is where its fit stopped
        assert table["deviance"][0] <= ref.deviance * (1 + 1e-4)


# --------------------------------------------------------------------------
# 10. property: any small quantal data set
# --------------------------------------------------------------------------
PROPERTY_MODELS = {
    "logistic": dict(x_scale="log"),
    "probit": dict(x_scale="log"),
    "4pl": dict(x_scale="log", fixed={"top": 1.0}),
    "weibull": dict(x_scale="linear"),
}


@st.composite
def quantal_data(draw):
    n_doses = draw(st.integers(3, 8))
    first = draw(st.floats(0.01, 10.0))
    ratio = draw(st.floats(1.2, 4.0))
    doses = first * ratio ** np.arange(n_doses)
    n = np.array(draw(st.lists(st.integers(1, 30), min_size=n_doses, max_size=n_doses)))
    k = np.array([draw(st.integers(0, int(m))) for m in n])
    return doses, k.astype(float), n.astype(float)


@settings(
    max_examples=30,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(data=quantal_data(), model=st.sampled_from(sorted(PROPERTY_MODELS)))
def test_any_small_quantal_data_set_fits_or_raises_clearly(data, model):
    doses, k, n = data
    reg = SigmoidGrowthRegressor(model, family="binomial", **PROPERTY_MODELS[model])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        warnings.simplefilter("error", RuntimeWarning)
        try:
            reg.fit(doses[:, None], k / n, sample_weight=n)
        except ValueError as error:
            assert "needs at least" in str(error), str(error)
            return
    unexpected = [
        w
        for w in caught
        if not issubclass(w.category, (ConvergenceWarning, FlatCurveWarning))
    ]
    assert not unexpected, [str(w.message) for w in unexpected]
    assert np.isfinite(list(reg.params_.values())).all()
    assert np.isfinite(
        [reg.deviance_, reg.pearson_chi2_, reg.log_likelihood_, reg.aic_]
    ).all()
    assert reg.deviance_ >= 0
    D0 = null_deviance(k, n)
    # an optimum at infinity (no trend: the constant is a limit of the curve
    # with its asymptotes fixed) is approached to 1e-4, and said out loud
    at_infinity = any("at infinity" in str(w.message) for w in caught)
    slack = 1e-4 if at_infinity else 1e-8
    assert reg.deviance_ <= D0 * (1 + slack) + 1e-10, (reg.deviance_, D0)
    mu = reg.predict(doses[:, None])
    assert np.all((mu >= 0) & (mu <= 1))
    for name in ("bottom", "top"):
        if name in reg.params_:
            assert 0 <= reg.params_[name] <= 1
    if reg.converged_ and not caught:
        se = np.array(list(reg.std_errors_.values()))
        assert np.all(np.isfinite(se) & (se >= 0))


# --------------------------------------------------------------------------
# 11. the probit model
# --------------------------------------------------------------------------
def test_probit_jacobian_is_relatively_accurate_in_the_lower_tail():
    """The binomial score weighs dmu/dtheta by 1/mu: in the lower tail (mu down
    to 1e-100) the Jacobian must be accurate relative to mu, not absolutely."""
    from sksigmoid.growth import MODELS

    model = MODELS["probit"]
    theta = np.array([0.0, 1.0, 2.0, 1.0])
    t = np.linspace(-17.5, 0.5, 40)  # u from -37 (mu ~ 6e-300) to -1
    h = 1e-6 * np.maximum(np.abs(theta), 1.0)
    numeric = np.stack(
        [
            (
                model.function(t, *(theta + hj * e))
                - model.function(t, *(theta - hj * e))
            )
            / (2 * hj)
            for hj, e in zip(h, np.eye(4), strict=True)
        ],
        axis=-1,
    )
    J = model.jacobian(t, *theta)
    assert np.all(model.function(t, *theta) > 0)
    np.testing.assert_allclose(J[:, 2:], numeric[:, 2:], rtol=1e-5)


def test_probit_gaussian_on_a_log_axis_fits_4pl_like_data():
    rng = np.random.default_rng(51)
    doses = np.geomspace(0.01, 100, 17)
    t = np.log(doses)
    ec50, hill = 1.5, 1.1
    y = 5 + 90 * expit(hill * (t - np.log(ec50))) + rng.normal(0, 1.0, t.size)
    reg = SigmoidGrowthRegressor("probit", x_scale="log").fit(doses[:, None], y)
    assert reg.converged_
    assert reg.r2_ > 0.995
    assert reg.params_["bottom"] == pytest.approx(5, abs=3)
    assert reg.params_["top"] == pytest.approx(95, abs=3)
    # a logistic of slope s is close to a probit of slope s / 1.7
    assert reg.params_["rate"] == pytest.approx(hill / 1.7, rel=0.15)
    assert reg.effective_dose(50).estimate == pytest.approx(ec50, rel=0.1)
    assert reg.deviance_ is None and reg.log_likelihood_ is None
    # with a zero-dose control the curve's limit is the bottom
    assert reg.predict([[0.0]])[0] == pytest.approx(reg.params_["bottom"], rel=1e-12)


def test_profile_likelihood_interval_of_x_mid_equals_an_independent_glm_profile():
    # R's confint(glm): {x_mid : D(x_mid) - D_hat <= z^2}; for the logistic on
    # ln dose, fixing x_mid leaves a GLM through the origin in (ln x - x_mid),
    # which statsmodels fits: the profile computed without the library
    from scipy import optimize, stats

    k = np.round(Y5 * N5)
    reg = _binomial().fit(X5, Y5, sample_weight=N5)
    t = np.log(DOSES_5)
    crit = stats.norm.ppf(0.975) ** 2

    def profile_excess(x_mid):
        fit = sm.GLM(
            np.column_stack([k, N5 - k]),
            (t - x_mid)[:, None],
            family=sm.families.Binomial(),
        ).fit(tol=1e-13)
        return fit.deviance - reg.deviance_ - crit

    x_mid = reg.params_["x_mid"]
    se = reg.std_errors_["x_mid"]
    lower = optimize.brentq(profile_excess, x_mid - 5 * se, x_mid, xtol=1e-12)
    upper = optimize.brentq(profile_excess, x_mid, x_mid + 5 * se, xtol=1e-12)
    ours = reg.conf_int(method="profile")["x_mid"]
    np.testing.assert_allclose(ours, (lower, upper), rtol=1e-6)
    # asymmetric, unlike the Wald interval
    wald = reg.conf_int()["x_mid"]
    assert not np.allclose(np.array(ours) - x_mid, np.array(wald) - x_mid, rtol=1e-3)


def test_profile_of_a_bounded_asymptote_stays_in_the_unit_interval():
    # Abbott's correction: the profile of the controls' response may end at
    # the bound 0 (a fixed 0 there would make the controls impossible)
    doses = np.r_[0.0, DOSES_5]
    y = np.r_[0.05, Y5]
    n = np.r_[40.0, N5]
    reg = _binomial(model="4pl", fixed={"top": 1.0}).fit(
        doses[:, None], y, sample_weight=n
    )
    low, high = reg.conf_int(method="profile")["bottom"]
    assert 0.0 <= low < reg.params_["bottom"] < high <= 1.0


def test_a_plate_column_with_impossible_controls_fails_and_the_others_fit():
    doses = np.r_[0.0, DOSES_5]
    Y = np.column_stack([np.r_[0.1, Y5], np.r_[0.0, Y5]])
    n = np.r_[20.0, N5]
    table = fit_curves(
        doses, Y, "probit", x_scale="log", family="binomial", sample_weight=n
    )
    assert table["status"].tolist() == ["failed", "fit"]
    assert np.isnan(table["x_mid"][0])
    reg = _binomial(model="probit").fit(doses[:, None], Y[:, 1], sample_weight=n)
    np.testing.assert_allclose(table["x_mid"][1], reg.params_["x_mid"], rtol=1e-8)


def test_several_features_give_logistic_regression_and_the_fit_pickles():
    import pickle

    from scipy.special import expit

    from sksigmoid import SigmoidNeuronClassifier

    rng = np.random.default_rng(0)
    X = rng.normal(size=(200, 2))
    y = rng.binomial(1, expit(1.5 * X[:, 0] - 0.7 * X[:, 1] + 0.3)).astype(float)
    reg = SigmoidGrowthRegressor("logistic", family="binomial").fit(X, y)
    neuron = SigmoidNeuronClassifier(tol=1e-12).fit(X, y.astype(int))
    np.testing.assert_allclose(
        [reg.params_["coef_0"], reg.params_["coef_1"], reg.params_["intercept"]],
        [*neuron.coef_[0], neuron.intercept_[0]],
        rtol=1e-8,
    )
    np.testing.assert_allclose(
        [reg.std_errors_[n] for n in ("coef_0", "coef_1", "intercept")],
        np.sqrt(np.diag(neuron.covariance_)),
        rtol=1e-7,
    )
    again = pickle.loads(pickle.dumps(reg))
    np.testing.assert_array_equal(again.predict(X), reg.predict(X))
    assert again.goodness_of_fit_ == reg.goodness_of_fit_

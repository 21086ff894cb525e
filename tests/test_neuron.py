"""Tests of SigmoidNeuronClassifier (issue 2, section 3)."""

import pickle
import sys
import warnings
from collections import Counter
from functools import cache

import joblib
import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from scipy import stats
from sklearn.callback import ProgressBar
from sklearn.datasets import load_breast_cancer, load_iris, make_classification
from sklearn.exceptions import ConvergenceWarning, NotFittedError
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV, StratifiedKFold, cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils._param_validation import InvalidParameterError

from sksigmoid import SigmoidNeuronClassifier
from sksigmoid.exceptions import SeparationWarning
from sksigmoid.neuron import _NeuronObjective

SOLVERS = ["newton", "lbfgs", "gd", "sgd"]


@cache
def cancer():
    """Standardised breast-cancer data (all 30 features) and targets."""
    X, y = load_breast_cancer(return_X_y=True)
    return StandardScaler().fit_transform(X), y


def cancer10():
    X, y = cancer()
    return X[:, :10], y


@cache
def small_problem():
    """A small, well-conditioned, non-separable binary problem."""
    return make_classification(
        n_samples=200, n_features=5, n_informative=3, n_redundant=0, random_state=0
    )


def params(clf, k=0):
    """(coef, intercept) of neuron ``k`` as one float64 vector."""
    return np.append(clf.coef_[k], clf.intercept_[k]).astype(np.float64)


def mean_log_loss(clf, X, y):
    z = clf.decision_function(X).astype(np.float64)
    return np.mean(np.logaddexp(0, z) - y * z)


def objective(X, y, alpha=0.0, l1_ratio=0.0, sample_weight=None):
    n = X.shape[0]
    s = np.ones(n) if sample_weight is None else np.asarray(sample_weight, float)
    return _NeuronObjective(
        X, y.astype(float), s, alpha=alpha, l1_ratio=l1_ratio, fit_intercept=True
    )


def fit_quietly_but(clf, *args, **kwargs):
    """Fit, ignoring the ConvergenceWarnings that do not say "features"."""
    with warnings.catch_warnings():
        warnings.filterwarnings(
            "ignore", message="(?!.*features the gradient)", category=ConvergenceWarning
        )
        return clf.fit(*args, **kwargs)


def fit_quietly(clf, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return clf.fit(*args, **kwargs)


# --------------------------------------------------- agreement with sklearn


def test_unpenalised_newton_matches_sklearn_coefs_and_log_loss():
    X, y = cancer10()
    ref = LogisticRegression(C=np.inf, solver="newton-cholesky", tol=1e-12).fit(X, y)
    clf = SigmoidNeuronClassifier(solver="newton").fit(X, y)
    np.testing.assert_allclose(clf.coef_, ref.coef_, rtol=1e-6)
    np.testing.assert_allclose(clf.intercept_, ref.intercept_, rtol=1e-6)
    assert abs(mean_log_loss(clf, X, y) - mean_log_loss(ref, X, y)) <= 1e-9
    assert not clf.separated_


def test_unpenalised_lbfgs_matches_sklearn_log_loss_and_coefs_to_its_precision():
    X, y = cancer10()
    ref = LogisticRegression(C=np.inf, solver="newton-cholesky", tol=1e-12).fit(X, y)
    clf = SigmoidNeuronClassifier(solver="lbfgs", tol=1e-10, max_iter=1000).fit(X, y)
    assert abs(mean_log_loss(clf, X, y) - mean_log_loss(ref, X, y)) <= 1e-9
    # The Hessian's eigenvalues span 5.6e-6 .. 0.13 (collinear radius, perimeter
    # and area): L-BFGS-B stops on its relative-decrease test (ftol = 64 eps)
    # with max|gradient| ~ 4e-9 > tol, which leaves the coefficients (the
    # smallest is 0.077) correct to ~3e-5 relative, not 1e-6 -- and
    # minimize_lbfgs counts that stop as converged.
    np.testing.assert_allclose(clf.coef_, ref.coef_, rtol=1e-4)
    np.testing.assert_allclose(clf.intercept_, ref.intercept_, rtol=1e-5)


@pytest.mark.parametrize("solver", ["newton", "lbfgs"])
def test_all_30_features_separate_the_classes_warn_and_give_no_inference(solver):
    X, y = cancer()
    with pytest.warns(SeparationWarning, match="separated"):
        clf = SigmoidNeuronClassifier(solver=solver).fit(X, y)
    assert clf.separated_
    assert np.all(np.isinf(clf.coef_se_)) and np.all(np.isinf(clf.intercept_se_))
    frame = clf.summary()
    assert frame[["z", "p_value"]].isna().all().all()
    assert frame.attrs["separated"] is True


@pytest.mark.parametrize("solver", ["newton", "lbfgs"])
@pytest.mark.parametrize("alpha", [1e-3, 0.1])
def test_l2_fit_matches_sklearn_with_C_equal_one_over_alpha_n(solver, alpha):
    X, y = cancer10()
    C = 1 / (alpha * len(y))
    ref = LogisticRegression(C=C, solver="newton-cholesky", tol=1e-12).fit(X, y)
    clf = SigmoidNeuronClassifier(solver=solver, alpha=alpha, tol=1e-10).fit(X, y)
    np.testing.assert_allclose(clf.coef_, ref.coef_, rtol=1e-5, atol=1e-8)
    np.testing.assert_allclose(clf.intercept_, ref.intercept_, rtol=1e-5)


def test_l2_fit_with_sample_weights_uses_the_weight_sum_in_the_mapping():
    X, y = cancer10()
    sw = np.random.default_rng(0).integers(1, 4, len(y)).astype(float)
    alpha = 0.05
    ref = LogisticRegression(
        C=1 / (alpha * sw.sum()), solver="newton-cholesky", tol=1e-12
    ).fit(X, y, sample_weight=sw)
    clf = SigmoidNeuronClassifier(alpha=alpha).fit(X, y, sample_weight=sw)
    np.testing.assert_allclose(clf.coef_, ref.coef_, rtol=1e-8)
    np.testing.assert_allclose(clf.intercept_, ref.intercept_, rtol=1e-8)


# -------------------------------------------- all solvers, one optimum

# Tolerances, on the penalised (alpha=0.05, strongly convex) small problem:
# * lbfgs stops at max|gradient| <= 1e-10; with the Hessian's smallest
#   eigenvalue ~0.06 the coefficients are within ~1e-8.
# * gd uses a step 2.0 < 2/L (L = largest Hessian eigenvalue <= 0.78) and stops
#   when the gradient mapping is below 1e-10: linear convergence to ~1e-9.
# * sgd has a constant step, so it only reaches a noise ball around the
#   optimum whose radius grows with lr/(1 - momentum) * gradient variance;
#   with lr=0.002, momentum 0.9 and batches of 20 the coefficients land
#   within ~2e-3 and the objective within ~1e-6 (measured; bounds 2.5x that).
SOLVER_SETTINGS = {
    "lbfgs": ({"tol": 1e-10}, 1e-6, 1e-12),
    "gd": ({"learning_rate": 2.0, "max_iter": 2000, "tol": 1e-10}, 1e-7, 1e-12),
    "gd-momentum": (
        {"learning_rate": 1.0, "momentum": 0.5, "max_iter": 2000, "tol": 1e-10},
        1e-7,
        1e-12,
    ),
    "sgd-momentum": (
        {
            "learning_rate": 0.002,
            "momentum": 0.9,
            "batch_size": 20,
            "max_iter": 500,
            "tol": 1e-10,
            "n_iter_no_change": 30,
            "random_state": 0,
        },
        5e-3,
        3e-6,
    ),
    "sgd-nesterov": (
        {
            "learning_rate": 0.002,
            "momentum": 0.9,
            "nesterov": True,
            "batch_size": 20,
            "max_iter": 500,
            "tol": 1e-10,
            "n_iter_no_change": 30,
            "random_state": 0,
        },
        5e-3,
        3e-6,
    ),
}


@pytest.mark.parametrize("name", list(SOLVER_SETTINGS))
def test_every_solver_reaches_the_newton_optimum_of_a_penalised_problem(name):
    X, y = small_problem()
    kwargs, coef_tol, loss_tol = SOLVER_SETTINGS[name]
    solver = name.split("-")[0]
    ref = SigmoidNeuronClassifier(alpha=0.05, tol=1e-12).fit(X, y)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        clf = SigmoidNeuronClassifier(solver=solver, alpha=0.05, **kwargs).fit(X, y)
    np.testing.assert_allclose(params(clf), params(ref), rtol=0, atol=coef_tol)
    assert clf.loss_curve_[-1] - ref.loss_curve_[-1] <= loss_tol
    assert clf.loss_curve_[-1] >= ref.loss_curve_[-1] - 1e-14  # Newton is optimal


def test_newton_loss_curve_decreases_to_the_optimum_in_few_iterations():
    X, y = cancer10()
    clf = SigmoidNeuronClassifier().fit(X, y)
    curve = np.array(clf.loss_curve_)
    assert len(curve) == clf.n_iter_[0] + 1 and clf.n_iter_[0] <= 15
    assert curve[0] == pytest.approx(np.log(2))
    # non-increasing, up to the rounding error of the loss at the optimum
    assert np.all(np.diff(curve) <= 16 * np.finfo(float).eps * curve[-1])


# --------------------------------------------------------------- inference


@cache
def inference_data():
    rng = np.random.default_rng(42)
    X = rng.normal(size=(300, 3))
    y = (rng.random(300) < 1 / (1 + np.exp(-(X @ [1.0, -0.5, 0.0] + 0.3)))).astype(
        float
    )
    return X, y


def test_standard_errors_equal_inverse_fisher_information_computed_independently():
    X, y = inference_data()
    clf = SigmoidNeuronClassifier(tol=1e-10).fit(X, y)
    Xt = np.column_stack([X, np.ones(len(X))])
    p = 1 / (1 + np.exp(-(Xt @ params(clf))))
    covariance = np.linalg.inv(Xt.T @ (Xt * (p * (1 - p))[:, None]))
    se = np.sqrt(np.diag(covariance))
    np.testing.assert_allclose(clf.covariance_, covariance, rtol=1e-9)
    np.testing.assert_allclose(clf.coef_se_[0], se[:3], rtol=1e-9)
    np.testing.assert_allclose(clf.intercept_se_, se[3:], rtol=1e-9)


def test_standard_errors_and_fit_statistics_match_statsmodels_logit():
    sm = pytest.importorskip("statsmodels.api")
    X, y = inference_data()
    clf = SigmoidNeuronClassifier(tol=1e-10).fit(X, y)
    result = sm.Logit(y, sm.add_constant(X, prepend=False)).fit(disp=0, tol=1e-12)
    np.testing.assert_allclose(params(clf), result.params, rtol=1e-8)
    np.testing.assert_allclose(
        np.append(clf.coef_se_[0], clf.intercept_se_), result.bse, rtol=1e-7
    )
    assert clf.log_likelihood_ == pytest.approx(result.llf, rel=1e-12)
    assert clf.aic_ == pytest.approx(result.aic, rel=1e-12)
    assert clf.bic_ == pytest.approx(result.bic, rel=1e-12)
    # statsmodels fits the null model iteratively (its llnull is ~1e-9 off);
    # the exact formula is checked in the textbook test below.
    assert clf.pseudo_r2_ == pytest.approx(result.prsquared, rel=1e-8)
    frame = clf.summary()
    np.testing.assert_allclose(frame["p_value"], result.pvalues, rtol=1e-6)
    np.testing.assert_allclose(
        frame[["ci_lower", "ci_upper"]], result.conf_int(), rtol=1e-6
    )


def test_integer_sample_weights_give_the_coefs_and_standard_errors_of_repeated_rows():
    X, y = inference_data()
    counts = np.random.default_rng(0).integers(0, 4, len(y))
    weighted = SigmoidNeuronClassifier(tol=1e-10).fit(X, y, sample_weight=counts)
    repeated = SigmoidNeuronClassifier(tol=1e-10).fit(
        np.repeat(X, counts, axis=0), np.repeat(y, counts)
    )
    np.testing.assert_allclose(params(weighted), params(repeated), rtol=1e-9)
    np.testing.assert_allclose(weighted.coef_se_, repeated.coef_se_, rtol=1e-9)
    np.testing.assert_allclose(
        weighted.intercept_se_, repeated.intercept_se_, rtol=1e-9
    )
    for name in ("log_likelihood_", "aic_", "bic_", "pseudo_r2_"):
        assert getattr(weighted, name) == pytest.approx(
            getattr(repeated, name), rel=1e-9
        )


def test_wald_95_percent_intervals_cover_the_true_coefficients_about_95_percent():
    rng = np.random.default_rng(2024)
    truth = np.array([1.0, -0.5, 0.25, -0.3])  # three slopes, then the intercept
    n_replicates, n = 250, 300
    covered = np.empty((n_replicates, 4), dtype=bool)
    for r in range(n_replicates):
        X = rng.normal(size=(n, 3))
        p = 1 / (1 + np.exp(-(X @ truth[:3] + truth[3])))
        y = (rng.random(n) < p).astype(float)
        frame = SigmoidNeuronClassifier().fit(X, y).summary(level=0.95)
        covered[r] = (frame["ci_lower"] <= truth) & (truth <= frame["ci_upper"])
    # 1000 intervals: the binomial standard deviation of the rate is 0.7%.
    assert 0.93 <= covered.mean() <= 0.97
    assert np.all((covered.mean(axis=0) >= 0.91) & (covered.mean(axis=0) <= 0.985))


def test_aic_bic_and_mcfadden_r2_follow_the_textbook_formulas():
    X, y = inference_data()
    clf = SigmoidNeuronClassifier().fit(X, y)
    p = clf.predict_proba(X)[:, 1]
    log_lik = np.sum(y * np.log(p) + (1 - y) * np.log(1 - p))
    p0 = y.mean()
    null_log_lik = len(y) * (p0 * np.log(p0) + (1 - p0) * np.log(1 - p0))
    k, n = X.shape[1] + 1, len(y)
    assert clf.log_likelihood_ == pytest.approx(log_lik, rel=1e-12)
    assert clf.aic_ == pytest.approx(2 * k - 2 * log_lik, rel=1e-12)
    assert clf.bic_ == pytest.approx(k * np.log(n) - 2 * log_lik, rel=1e-12)
    assert clf.pseudo_r2_ == pytest.approx(1 - log_lik / null_log_lik, rel=1e-10)
    assert 0 < clf.pseudo_r2_ < 1


def test_summary_is_a_coefficient_table_indexed_by_feature_name():
    X, y = inference_data()
    frame_X = pd.DataFrame(X, columns=["age", "dose", "noise"])
    clf = SigmoidNeuronClassifier().fit(frame_X, y)
    table = clf.summary(level=0.9)
    assert list(table.index) == ["age", "dose", "noise", "intercept"]
    assert list(table.columns) == [
        "coef",
        "std_err",
        "z",
        "p_value",
        "ci_lower",
        "ci_upper",
    ]
    np.testing.assert_allclose(table["coef"], params(clf))
    np.testing.assert_allclose(table["z"], table["coef"] / table["std_err"])
    np.testing.assert_allclose(table["p_value"], 2 * stats.norm.sf(np.abs(table["z"])))
    half = stats.norm.ppf(0.95) * table["std_err"]
    np.testing.assert_allclose(table["ci_upper"] - table["coef"], half)
    np.testing.assert_allclose(table["coef"] - table["ci_lower"], half)
    # x1 = age (true 1.0) is significant, the pure-noise feature is not.
    assert table.loc["age", "p_value"] < 1e-6 and table.loc["noise", "p_value"] > 0.01
    assert table.attrs["n_obs"] == len(y) and table.attrs["separated"] is False
    for key in ("log_likelihood", "aic", "bic", "pseudo_r2"):
        assert table.attrs[key] == getattr(clf, key + "_")


def test_summary_without_pandas_raises_a_clear_import_error(monkeypatch):
    X, y = inference_data()
    clf = SigmoidNeuronClassifier().fit(X, y)
    monkeypatch.setitem(sys.modules, "pandas", None)
    with pytest.raises(ImportError, match="summary\\(\\) returns a pandas DataFrame"):
        clf.summary()


# ------------------------------------------------------ use as users do


def test_in_a_pipeline_after_standard_scaler_equals_fitting_scaled_data():
    X, y = load_breast_cancer(return_X_y=True)
    pipe = make_pipeline(StandardScaler(), SigmoidNeuronClassifier(alpha=0.01))
    pipe.fit(X, y)
    direct = SigmoidNeuronClassifier(alpha=0.01).fit(
        StandardScaler().fit_transform(X), y
    )
    np.testing.assert_allclose(pipe[-1].coef_, direct.coef_, rtol=1e-10)
    assert pipe.score(X, y) > 0.97


def grid_search(n_jobs):
    X, y = load_breast_cancer(return_X_y=True)
    pipe = make_pipeline(StandardScaler(), SigmoidNeuronClassifier(tol=1e-10))
    grid = {
        "sigmoidneuronclassifier__alpha": [1e-3, 1e-2, 1e-1],
        "sigmoidneuronclassifier__solver": ["newton", "lbfgs"],
    }
    return GridSearchCV(pipe, grid, cv=3, n_jobs=n_jobs, scoring="neg_log_loss").fit(
        X, y
    )


def check_grid_search_results(search):
    results = search.cv_results_
    scores = results["mean_test_score"]
    solvers = np.array(results["param_sigmoidneuronclassifier__solver"])
    # newton and lbfgs solve the same problem: same cross-validated log-loss.
    np.testing.assert_allclose(
        scores[solvers == "newton"], scores[solvers == "lbfgs"], rtol=1e-6
    )
    assert search.best_params_["sigmoidneuronclassifier__alpha"] == 1e-2
    assert -search.best_score_ < 0.1


def test_grid_search_over_alpha_and_solver_with_two_jobs():
    check_grid_search_results(grid_search(n_jobs=2))


def test_grid_search_on_joblibs_dask_backend_matches_the_sequential_search():
    from dask.distributed import Client  # a test dependency; slow to import

    with (
        Client(
            processes=False, n_workers=1, threads_per_worker=2, dashboard_address=None
        ),
        joblib.parallel_config(backend="dask"),
    ):
        on_dask = grid_search(n_jobs=-1)
    check_grid_search_results(on_dask)
    sequential = grid_search(n_jobs=1)
    np.testing.assert_allclose(
        on_dask.cv_results_["mean_test_score"],
        sequential.cv_results_["mean_test_score"],
        rtol=1e-12,
    )


def test_cross_val_score_equals_a_manual_loop_over_the_folds():
    X, y = cancer10()
    clf = SigmoidNeuronClassifier(alpha=0.01)
    cv = StratifiedKFold(5, shuffle=True, random_state=0)
    scores = cross_val_score(clf, X, y, cv=cv)
    manual = [
        SigmoidNeuronClassifier(alpha=0.01)
        .fit(X[train], y[train])
        .score(X[test], y[test])
        for train, test in cv.split(X, y)
    ]
    np.testing.assert_array_equal(scores, manual)
    assert scores.mean() > 0.9


# ------------------------------------------------------------- behaviour


def test_label_encodings_give_identical_coefficients():
    X, y = cancer10()
    base = SigmoidNeuronClassifier().fit(X, y)
    for labels in ([-1, 1], ["benign", "malignant"], [0.0, 1.0], [False, True]):
        labels = np.array(labels)
        clf = SigmoidNeuronClassifier().fit(X, labels[y])
        np.testing.assert_array_equal(clf.coef_, base.coef_)
        np.testing.assert_array_equal(clf.classes_, labels)
        np.testing.assert_array_equal(clf.predict(X), labels[base.predict(X)])


def test_multiclass_is_one_vs_rest_with_normalised_probabilities():
    X, y = load_iris(return_X_y=True)
    clf = SigmoidNeuronClassifier(alpha=0.01).fit(X, y)
    assert clf.coef_.shape == (3, 4) and clf.intercept_.shape == (3,)
    for k in range(3):  # each neuron is the binary fit of class k against the rest
        binary = SigmoidNeuronClassifier(alpha=0.01).fit(X, y == k)
        np.testing.assert_allclose(params(clf, k), params(binary), rtol=1e-10)
    proba = clf.predict_proba(X)
    np.testing.assert_allclose(proba.sum(axis=1), 1, rtol=1e-14)
    np.testing.assert_allclose(clf.predict_log_proba(X), np.log(proba), rtol=1e-12)
    np.testing.assert_array_equal(clf.predict(X), clf.classes_[proba.argmax(axis=1)])
    assert clf.score(X, y) > 0.9
    sigmoid_outputs = 1 / (1 + np.exp(-clf.decision_function(X)))
    np.testing.assert_allclose(
        proba, sigmoid_outputs / sigmoid_outputs.sum(axis=1, keepdims=True), rtol=1e-12
    )


def test_predict_log_proba_is_exact_and_finite_for_extreme_binary_logits():
    X, y = small_problem()
    clf = SigmoidNeuronClassifier().fit(X, y)
    clf.coef_ = np.array([[1.0, 0, 0, 0, 0]])
    clf.intercept_ = np.array([0.0])
    z = np.array([-1e4, -1000.0, -40.0, 0.0, 40.0, 1000.0, 1e4])
    X_extreme = np.column_stack([z, np.zeros((len(z), 4))])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        log_proba = clf.predict_log_proba(X_extreme)
        proba = clf.predict_proba(X_extreme)
    assert np.all(np.isfinite(log_proba))
    # log P(y=1) = log g(z) = z for very negative z, exactly; -e^-z for large z.
    assert log_proba[0, 1] == -1e4 and log_proba[1, 1] == -1000.0
    assert log_proba[-1, 0] == -1e4 and log_proba[-2, 0] == -1000.0
    assert log_proba[4, 0] == pytest.approx(-40 - np.exp(-40), rel=1e-15)
    assert log_proba[4, 1] == pytest.approx(-np.exp(-40.0), rel=1e-12)
    np.testing.assert_allclose(proba.sum(axis=1), 1, rtol=1e-15)


def test_predict_log_proba_is_finite_for_extreme_multiclass_logits():
    X, y = load_iris(return_X_y=True)
    clf = SigmoidNeuronClassifier(alpha=0.01).fit(X, y)
    X_far = X * 1000  # logits in the thousands
    z = clf.decision_function(X_far)
    assert np.abs(z).max() > 1000
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        log_proba = clf.predict_log_proba(X_far)
    assert np.all(np.isfinite(log_proba))
    log_g = -np.logaddexp(0, -z)
    expected = log_g - np.logaddexp.reduce(log_g, axis=1, keepdims=True)
    np.testing.assert_allclose(log_proba, expected, rtol=1e-12)


@pytest.mark.parametrize(
    "solver, kwargs, rtol",
    [
        ("newton", {}, 1e-9),
        ("lbfgs", {"tol": 1e-10}, 1e-6),
        ("gd", {"learning_rate": 2.0, "max_iter": 2000, "tol": 1e-10}, 1e-7),
    ],
)
def test_sample_weight_is_equivalent_to_repeating_rows(solver, kwargs, rtol):
    X, y = small_problem()
    counts = np.random.default_rng(1).integers(0, 4, len(y))
    clf = SigmoidNeuronClassifier(solver=solver, alpha=0.05, **kwargs)
    weighted = clf.fit(X, y, sample_weight=counts).coef_.copy()
    repeated = clf.fit(np.repeat(X, counts, axis=0), np.repeat(y, counts)).coef_
    np.testing.assert_allclose(weighted, repeated, rtol=rtol)


def test_balanced_class_weight_equals_the_corresponding_sample_weights():
    X, y = cancer10()
    balanced = SigmoidNeuronClassifier(alpha=0.01, class_weight="balanced").fit(X, y)
    sw = (len(y) / (2 * np.bincount(y)))[y]
    weighted = SigmoidNeuronClassifier(alpha=0.01).fit(X, y, sample_weight=sw)
    np.testing.assert_allclose(balanced.coef_, weighted.coef_, rtol=1e-12)
    plain = SigmoidNeuronClassifier(alpha=0.01).fit(X, y)
    assert np.max(np.abs(balanced.coef_ - plain.coef_)) > 1e-3


def test_dict_class_weight_multiplies_the_sample_weights():
    X, y = cancer10()
    sw = np.random.default_rng(0).random(len(y)) + 0.5
    labels = np.array(["no", "yes"])[y]
    clf = SigmoidNeuronClassifier(alpha=0.01, class_weight={"no": 3.0, "yes": 0.5})
    clf.fit(X, labels, sample_weight=sw)
    ref = SigmoidNeuronClassifier(alpha=0.01).fit(
        X, labels, sample_weight=sw * np.where(y == 0, 3.0, 0.5)
    )
    np.testing.assert_allclose(clf.coef_, ref.coef_, rtol=1e-12)


def test_warm_start_needs_fewer_iterations_on_updated_data():
    X, y = cancer10()
    rng = np.random.default_rng(0)
    X2 = X + 0.01 * rng.normal(size=X.shape)
    for solver in ("newton", "lbfgs"):
        cold = SigmoidNeuronClassifier(solver=solver, alpha=0.01).fit(X2, y)
        warm = SigmoidNeuronClassifier(solver=solver, alpha=0.01, warm_start=True)
        warm.fit(X, y).fit(X2, y)
        assert warm.n_iter_[0] < cold.n_iter_[0]
        np.testing.assert_allclose(warm.coef_, cold.coef_, rtol=1e-4)


def test_warm_start_continues_gradient_descent_where_it_stopped():
    X, y = small_problem()
    kwargs = {"solver": "gd", "alpha": 0.05, "learning_rate": 0.5, "tol": 0.0}
    twice = SigmoidNeuronClassifier(max_iter=20, warm_start=True, **kwargs)
    fit_quietly(twice, X, y)
    first_end = twice.loss_curve_[-1]
    fit_quietly(twice, X, y)
    assert twice.loss_curve_[0] == pytest.approx(first_end, rel=1e-14)
    once = fit_quietly(SigmoidNeuronClassifier(max_iter=40, **kwargs), X, y)
    np.testing.assert_allclose(params(twice), params(once), rtol=1e-12)
    cold_twice = SigmoidNeuronClassifier(max_iter=20, **kwargs)
    fit_quietly(cold_twice, X, y)
    first = cold_twice.coef_.copy()
    fit_quietly(cold_twice, X, y)
    np.testing.assert_array_equal(cold_twice.coef_, first)  # no warm start: restart


def test_pickle_round_trip_keeps_predictions_and_summary():
    X, y = inference_data()
    clf = SigmoidNeuronClassifier().fit(X, y)
    clone = pickle.loads(pickle.dumps(clf))
    np.testing.assert_array_equal(clone.predict_proba(X), clf.predict_proba(X))
    assert clone.summary().equals(clf.summary())
    multi = SigmoidNeuronClassifier(solver="sgd", random_state=0, max_iter=5)
    fit_quietly(multi, *load_iris(return_X_y=True))
    np.testing.assert_array_equal(
        pickle.loads(pickle.dumps(multi)).decision_function(X[:, [0, 1, 2, 0]]),
        multi.decision_function(X[:, [0, 1, 2, 0]]),
    )


def test_sgd_is_bit_identical_for_a_fixed_random_state_and_varies_otherwise():
    X, y = small_problem()

    def fit(seed):
        clf = SigmoidNeuronClassifier(solver="sgd", max_iter=10, random_state=seed)
        return fit_quietly(clf, X, y)

    a, b, c = fit(0), fit(0), fit(1)
    np.testing.assert_array_equal(a.coef_, b.coef_)
    np.testing.assert_array_equal(a.intercept_, b.intercept_)
    assert a.loss_curve_ == b.loss_curve_
    assert not np.array_equal(a.coef_, c.coef_)
    rng_a = np.random.RandomState(3)
    rng_b = np.random.RandomState(3)
    np.testing.assert_array_equal(fit(rng_a).coef_, fit(rng_b).coef_)


@pytest.mark.parametrize("solver", SOLVERS)
def test_float32_input_gives_float32_coefficients_close_to_float64(solver):
    X, y = small_problem()
    kwargs = {"learning_rate": 1.0, "max_iter": 500} if solver == "gd" else {}
    kwargs |= {"random_state": 0, "alpha": 0.05}
    clf32 = fit_quietly(
        SigmoidNeuronClassifier(solver=solver, **kwargs), X.astype(np.float32), y
    )
    clf64 = fit_quietly(SigmoidNeuronClassifier(solver=solver, **kwargs), X, y)
    assert clf32.coef_.dtype == np.float32 and clf32.intercept_.dtype == np.float32
    assert clf32.decision_function(X.astype(np.float32)).dtype == np.float32
    atol = 1e-2 if solver == "sgd" else 1e-4  # sgd: float32 rounding changes the path
    np.testing.assert_allclose(clf32.coef_, clf64.coef_, atol=atol)


SPARSE_SETTINGS = {
    "newton": {"alpha": 0.01},
    "lbfgs": {"alpha": 0.01, "tol": 1e-10},
    "gd": {"alpha": 0.01, "learning_rate": 1.0, "max_iter": 300},
    "sgd": {"alpha": 0.01, "max_iter": 20, "random_state": 0},
}


@pytest.mark.parametrize("solver", SOLVERS)
def test_sparse_csr_input_gives_the_dense_fit(solver):
    X, y = small_problem()
    X = np.where(np.abs(X) < 0.8, 0.0, X)  # about half the entries are zero
    clf = SigmoidNeuronClassifier(solver=solver, **SPARSE_SETTINGS[solver])
    dense = fit_quietly(clf, X, y)
    dense_coef = params(dense)
    sparse_fit = fit_quietly(clf, sp.csr_matrix(X), y)
    np.testing.assert_allclose(params(sparse_fit), dense_coef, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(
        sparse_fit.decision_function(sp.csr_matrix(X)),
        X @ dense_coef[:-1] + dense_coef[-1],
    )


def test_sparse_unpenalised_newton_gives_the_dense_standard_errors():
    X, y = inference_data()
    X = np.where(np.abs(X) < 0.5, 0.0, X)
    dense = SigmoidNeuronClassifier(tol=1e-10).fit(X, y)
    sparse_fit = SigmoidNeuronClassifier(tol=1e-10).fit(sp.csr_matrix(X), y)
    np.testing.assert_allclose(sparse_fit.coef_se_, dense.coef_se_, rtol=1e-9)
    np.testing.assert_allclose(sparse_fit.intercept_se_, dense.intercept_se_, rtol=1e-9)


@pytest.mark.parametrize(
    "scales", [[1e6] * 5, [1e4, 1, 1, 1, 1e-4]], ids=["all x1e6", "x1e4 to x1e-4"]
)
def test_rescaled_features_give_the_same_newton_fit_and_standard_errors(scales):
    # The MLE is equivariant: coef_j * scale_j and se_j * scale_j are unchanged.
    # (Before the Jacobi scaling of the Newton system, features x1e4 and x1e-4
    # made the Hessian look singular: coefficients 200% off, infinite SEs.)
    X, y = small_problem()
    scales = np.array(scales)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        plain = SigmoidNeuronClassifier(tol=1e-10).fit(X, y)
        scaled = SigmoidNeuronClassifier(tol=1e-10).fit(X * scales, y)
    np.testing.assert_allclose(scaled.coef_ * scales, plain.coef_, rtol=1e-10)
    np.testing.assert_allclose(scaled.coef_se_ * scales, plain.coef_se_, rtol=1e-10)
    np.testing.assert_allclose(
        scaled.predict_proba(X * scales), plain.predict_proba(X), rtol=1e-12
    )


def test_exactly_collinear_features_get_infinite_standard_errors_and_a_warning():
    X, y = small_problem()
    X = np.column_stack([X, X[:, 0] - 2 * X[:, 1]])
    ref = SigmoidNeuronClassifier().fit(X[:, :5], y)
    with pytest.warns(UserWarning, match="rank 6 < 7"):
        clf = SigmoidNeuronClassifier().fit(X, y)
    assert np.all(np.isinf(clf.coef_se_))
    np.testing.assert_allclose(
        clf.predict_proba(X), ref.predict_proba(X[:, :5]), rtol=1e-9
    )


@pytest.mark.parametrize("solver", ["lbfgs", "gd", "sgd"])
def test_features_times_1e6_raise_no_numpy_warnings_in_first_order_solvers(solver):
    X, y = small_problem()
    optimum = SigmoidNeuronClassifier().fit(X, y).loss_curve_[-1]
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        warnings.simplefilter("ignore", ConvergenceWarning)
        warnings.simplefilter("ignore", UserWarning)  # rank-deficient Fisher info
        clf = SigmoidNeuronClassifier(solver=solver, random_state=0).fit(X * 1e6, y)
        log_proba = clf.predict_log_proba(X * 1e6)
    assert np.all(np.isfinite(clf.coef_)) and np.all(np.isfinite(log_proba))
    if solver == "lbfgs":
        # Scaled by 1e6 against the intercept, the problem's condition number
        # is ~1e12: L-BFGS-B stops on its relative-decrease test near, not at,
        # the optimum, and minimize_lbfgs counts that stop as converged.
        assert optimum <= clf.loss_curve_[-1] <= optimum + 0.02


@cache
def separable_data():
    rng = np.random.default_rng(0)
    X = np.vstack(
        [rng.normal(size=(40, 2)) * 0.3 + 2, rng.normal(size=(40, 2)) * 0.3 - 2]
    )
    return X, np.repeat([1.0, 0.0], 40)


@pytest.mark.parametrize("solver", SOLVERS)
@pytest.mark.parametrize("scale", [1.0, 1e3])
def test_separable_data_warn_separation_not_numpy_and_give_infinite_se(solver, scale):
    X, y = separable_data()
    X = X * scale  # at scale 1e3, logits grow to 1e4 and beyond
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        with pytest.warns(SeparationWarning):
            clf = SigmoidNeuronClassifier(solver=solver, random_state=0).fit(X, y)
        log_proba = clf.predict_log_proba(X)
    assert clf.separated_ and np.all(np.isinf(clf.coef_se_))
    assert np.all(np.isfinite(clf.coef_)) and np.all(np.isfinite(log_proba))
    assert clf.score(X, y) == 1.0
    assert np.isnan(clf.summary()["p_value"]).all()


def test_quasi_complete_separation_is_detected():
    X, y = separable_data()
    X = np.vstack([X, [[0.0, 0.0], [0.0, 0.0]]])  # two points on the boundary,
    y = np.append(y, [0.0, 1.0])  # one of each class: quasi-complete separation
    with pytest.warns(SeparationWarning):
        clf = SigmoidNeuronClassifier().fit(X, y)
    assert clf.separated_ and np.all(np.isinf(clf.coef_se_))


def test_penalised_fit_of_separable_data_is_finite_and_silent():
    X, y = separable_data()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        clf = SigmoidNeuronClassifier(alpha=0.01).fit(X, y)
    assert not clf.separated_ and np.abs(clf.coef_).max() < 10


# ------------------------------------------------------------ elastic net


def kkt_residuals(clf, X, y, alpha, l1_ratio):
    """Violations of the optimality conditions of the elastic-net objective."""
    obj = objective(X, y, alpha=alpha, l1_ratio=l1_ratio)
    w = params(clf)
    grad = obj.gradient(w, obj.logits(w))  # smooth part: log-loss + L2 part
    beta, g = w[:-1], grad[:-1]
    l1 = alpha * l1_ratio
    zero = beta == 0
    return (
        np.maximum(np.abs(g[zero]) - l1, 0),  # |g_j| <= alpha * l1_ratio
        g[~zero] + l1 * np.sign(beta[~zero]),  # g_j + l1 sign(b_j) = 0
        grad[-1],  # the intercept is unpenalised
        zero,
    )


@cache
def sparse_signal_problem():
    return make_classification(
        n_samples=300,
        n_features=10,
        n_informative=3,
        n_redundant=0,
        random_state=1,
    )


@pytest.mark.parametrize(
    "solver, kwargs, tol",
    [
        # proximal gd converges linearly: optimality to 1e-7
        ("gd", {"learning_rate": 1.0, "max_iter": 5000, "tol": 1e-9}, 1e-7),
        # with momentum mu the soft-threshold must be lr / (1 - mu) * alpha * rho;
        # with lr * alpha * rho, the fixed point had an L1 penalty (1 - mu) too weak
        (
            "gd",
            {"learning_rate": 0.3, "momentum": 0.9, "max_iter": 5000, "tol": 1e-9},
            1e-7,
        ),
        (
            "gd",
            {
                "learning_rate": 0.3,
                "momentum": 0.9,
                "nesterov": True,
                "max_iter": 5000,
                "tol": 1e-9,
            },
            1e-7,
        ),
        # constant-step proximal sgd (with momentum): optimality only to its
        # noise level (measured residuals ~3e-3)
        (
            "sgd",
            {
                "learning_rate": 0.002,
                "momentum": 0.9,
                "max_iter": 300,
                "batch_size": 30,
                "n_iter_no_change": 30,
                "tol": 1e-10,
                "random_state": 0,
            },
            5e-3,
        ),
    ],
)
def test_elastic_net_gives_exact_zeros_satisfying_the_kkt_conditions(
    solver, kwargs, tol
):
    X, y = sparse_signal_problem()
    alpha, l1_ratio = 0.05, 0.8
    clf = SigmoidNeuronClassifier(
        solver=solver, alpha=alpha, l1_ratio=l1_ratio, **kwargs
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        clf.fit(X, y)
    zero_violation, nonzero_residual, intercept_grad, zero = kkt_residuals(
        clf, X, y, alpha, l1_ratio
    )
    assert 3 <= zero.sum() <= 8  # some, not all, coefficients are exactly zero
    assert np.all(zero_violation <= tol)
    assert np.all(np.abs(nonzero_residual) <= tol)
    assert abs(intercept_grad) <= tol


def test_elastic_net_gd_matches_sklearn_saga_loosely():
    X, y = sparse_signal_problem()
    alpha, l1_ratio = 0.05, 0.8
    clf = SigmoidNeuronClassifier(
        solver="gd",
        alpha=alpha,
        l1_ratio=l1_ratio,
        learning_rate=1.0,
        max_iter=5000,
        tol=1e-9,
    ).fit(X, y)
    ref = LogisticRegression(
        C=1 / (alpha * len(y)),
        l1_ratio=l1_ratio,
        solver="saga",
        tol=1e-8,
        max_iter=10_000,
    ).fit(X, y)
    np.testing.assert_allclose(clf.coef_, ref.coef_, atol=1e-4)
    np.testing.assert_array_equal(clf.coef_ == 0, np.abs(ref.coef_) < 1e-6)


# -------------------------------------------------------------- callbacks


class TaskRecorder:
    """A minimal sklearn callback that records the names of finished tasks."""

    def __init__(self):
        self.finished = []
        self.calls = Counter()

    def setup(self, estimator, context):
        self.calls["setup"] += 1

    def teardown(self, estimator, context):
        self.calls["teardown"] += 1

    def on_fit_task_begin(self, estimator, context, **kwargs):
        pass

    def on_fit_task_end(self, estimator, context, **kwargs):
        self.finished.append(context.task_name)


CALLBACK_SETTINGS = {"max_iter": 15, "alpha": 0.01, "random_state": 0}


@pytest.mark.parametrize("solver", SOLVERS)
@pytest.mark.parametrize("multiclass", [False, True], ids=["binary", "multiclass"])
def test_progress_bar_callback_runs_for_every_solver_without_changing_the_fit(
    solver, multiclass
):
    X, y = load_iris(return_X_y=True)
    y = y if multiclass else (y == 2)
    plain = fit_quietly(
        SigmoidNeuronClassifier(solver=solver, **CALLBACK_SETTINGS), X, y
    )
    with_bar = SigmoidNeuronClassifier(solver=solver, **CALLBACK_SETTINGS)
    fit_quietly(with_bar.set_callbacks(ProgressBar()), X, y)
    np.testing.assert_array_equal(with_bar.coef_, plain.coef_)


@pytest.mark.parametrize("solver", SOLVERS)
def test_callbacks_see_one_task_per_iteration_and_per_neuron(solver):
    X, y = load_iris(return_X_y=True)
    recorder = TaskRecorder()
    clf = SigmoidNeuronClassifier(solver=solver, **CALLBACK_SETTINGS)
    fit_quietly(clf.set_callbacks(recorder), X, y)
    counts = Counter(recorder.finished)
    assert counts["iteration"] == clf.n_iter_.sum()
    assert [counts[f"neuron {k}"] for k in range(3)] == [1, 1, 1]
    assert counts["fit"] == 1
    assert recorder.calls == {"setup": 1, "teardown": 1}


# ------------------------------------------------------------ convergence


@pytest.mark.parametrize("solver", SOLVERS)
def test_too_few_iterations_warn_and_keep_the_best_iterate(solver):
    X, y = small_problem()
    clf = SigmoidNeuronClassifier(solver=solver, max_iter=2, random_state=0)
    with pytest.warns(ConvergenceWarning, match="did not converge within max_iter=2"):
        clf.fit(X, y)
    assert clf.n_iter_[0] == 2 and len(clf.loss_curve_) == 3
    obj = objective(X, y)
    w = params(clf)
    # the best iterate seen is kept (sgd's last epoch need not be the best)
    assert obj.loss(w, obj.logits(w)) == pytest.approx(min(clf.loss_curve_), rel=1e-12)
    if solver != "sgd":  # descent methods: the last iterate is the best one
        assert clf.loss_curve_[-1] == min(clf.loss_curve_)
    full = SigmoidNeuronClassifier(solver=solver, random_state=0, max_iter=1000)
    assert clf.loss_curve_[-1] > fit_quietly(full, X, y).loss_curve_[-1]


@pytest.mark.parametrize("solver", SOLVERS)
def test_zero_iterations_keep_the_zero_start_and_warn(solver):
    X, y = small_problem()
    with pytest.warns(ConvergenceWarning):
        clf = SigmoidNeuronClassifier(solver=solver, max_iter=0).fit(X, y)
    assert clf.n_iter_[0] == 0 and not clf.coef_.any()
    assert clf.loss_curve_ == [pytest.approx(np.log(2))]


# -------------------------------------------------------------- bad input

X_OK, Y_OK = make_classification(
    n_samples=30, n_features=4, n_redundant=0, flip_y=0.1, random_state=0
)
X_NAN = X_OK.copy()
X_NAN[3, 1] = np.nan
X_INF = X_OK.copy()
X_INF[5, 0] = np.inf


@pytest.mark.parametrize(
    "estimator, X, y, fit_kwargs, error, match",
    [
        ({}, X_NAN, Y_OK, {}, ValueError, "Input X contains NaN"),
        ({}, X_INF, Y_OK, {}, ValueError, "Input X contains infinity"),
        ({}, X_OK, np.zeros(30), {}, ValueError, "only one class"),
        ({}, X_OK, np.c_[Y_OK, Y_OK], {}, ValueError, "y should be a 1d array"),
        ({}, X_OK, Y_OK + 0.5, {}, ValueError, "Unknown label type: continuous"),
        (
            {},
            X_OK,
            Y_OK,
            {"sample_weight": np.r_[-1.0, np.ones(29)]},
            ValueError,
            "Negative values in data passed to `sample_weight`",
        ),
        ({}, X_OK, Y_OK, {"sample_weight": np.zeros(30)}, ValueError, "non-zero"),
        (
            {"solver": "bfgs"},
            X_OK,
            Y_OK,
            {},
            InvalidParameterError,
            "'solver' parameter",
        ),
        ({"alpha": -1.0}, X_OK, Y_OK, {}, InvalidParameterError, "'alpha' parameter"),
        ({"l1_ratio": 1.5}, X_OK, Y_OK, {}, InvalidParameterError, "'l1_ratio'"),
        (
            {"learning_rate": 0.0},
            X_OK,
            Y_OK,
            {},
            InvalidParameterError,
            "'learning_rate'",
        ),
        (
            {"momentum": 1.0},
            X_OK,
            Y_OK,
            {},
            InvalidParameterError,
            "'momentum' parameter",
        ),
        ({"batch_size": 0}, X_OK, Y_OK, {}, InvalidParameterError, "'batch_size'"),
        (
            {"max_iter": -1},
            X_OK,
            Y_OK,
            {},
            InvalidParameterError,
            "'max_iter' parameter",
        ),
        (
            {"class_weight": "auto"},
            X_OK,
            Y_OK,
            {},
            InvalidParameterError,
            "'class_weight'",
        ),
        (
            {"solver": "newton", "alpha": 0.1, "l1_ratio": 0.5},
            X_OK,
            Y_OK,
            {},
            ValueError,
            "l1_ratio=0.5 .* needs solver='gd' or 'sgd'",
        ),
        (
            {"solver": "lbfgs", "alpha": 0.1, "l1_ratio": 1.0},
            X_OK,
            Y_OK,
            {},
            ValueError,
            "supports only the L2 penalty",
        ),
    ],
)
def test_bad_input_raises_a_clear_error(estimator, X, y, fit_kwargs, error, match):
    with pytest.raises(error, match=match):
        SigmoidNeuronClassifier(**estimator).fit(X, y, **fit_kwargs)


def test_wrong_number_of_features_at_predict_is_rejected():
    clf = SigmoidNeuronClassifier().fit(X_OK, Y_OK)
    for method in (
        "predict",
        "predict_proba",
        "predict_log_proba",
        "decision_function",
    ):
        with pytest.raises(ValueError, match="X has 3 features, but .* expecting 4"):
            getattr(clf, method)(X_OK[:, :3])


def test_nan_at_predict_is_rejected():
    clf = SigmoidNeuronClassifier().fit(X_OK, Y_OK)
    with pytest.raises(ValueError, match="Input X contains NaN"):
        clf.predict(X_NAN)


def test_summary_of_a_penalised_fit_explains_why_wald_inference_does_not_apply():
    clf = SigmoidNeuronClassifier(alpha=0.1).fit(X_OK, Y_OK)
    assert not hasattr(clf, "coef_se_")
    with pytest.raises(
        ValueError, match="needs an unpenalised fit.*shrunk towards zero"
    ):
        clf.summary()


def test_refitting_with_a_penalty_drops_earlier_inference():
    clf = SigmoidNeuronClassifier().fit(X_OK, Y_OK)
    assert hasattr(clf, "coef_se_")
    clf.set_params(alpha=0.1).fit(X_OK, Y_OK)
    assert not hasattr(clf, "coef_se_")
    with pytest.raises(ValueError, match="unpenalised"):
        clf.summary()


def test_summary_of_a_multiclass_fit_is_refused():
    X, y = load_iris(return_X_y=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SeparationWarning)  # setosa is separable
        clf = SigmoidNeuronClassifier().fit(X, y)
    with pytest.raises(ValueError, match="applies to binary targets"):
        clf.summary()


@pytest.mark.parametrize("level", [2, 0, 1, -0.1])
def test_summary_rejects_a_level_outside_zero_one(level):
    clf = SigmoidNeuronClassifier().fit(X_OK, Y_OK)
    with pytest.raises(ValueError, match="level must be in \\(0, 1\\)"):
        clf.summary(level=level)


def test_summary_alpha_still_works_with_a_deprecation_warning():
    clf = SigmoidNeuronClassifier().fit(X_OK, Y_OK)
    with pytest.warns(FutureWarning, match="alpha=...\\) is deprecated"):
        old = clf.summary(alpha=0.1)
    pd.testing.assert_frame_equal(old, clf.summary(level=0.9))
    with pytest.raises(ValueError, match="alpha must be in \\(0, 1\\)"):
        with pytest.warns(FutureWarning):
            clf.summary(alpha=2)
    # the old positional alpha is read as such, loudly, not as a 5% level
    with pytest.warns(FutureWarning, match="reads 0.1 as the old alpha"):
        positional = clf.summary(0.1)
    pd.testing.assert_frame_equal(positional, clf.summary(level=0.9))


def test_summary_before_fit_raises_not_fitted():
    with pytest.raises(NotFittedError):
        SigmoidNeuronClassifier().summary()


# ------------------------------------------------------- big data: subsampled Newton
@pytest.fixture
def small_subsample(monkeypatch):
    """Make 4,000 rows "big data": Newton starts on, and steps with the Hessian
    of, every 8th row (500 rows)."""
    import sksigmoid.neuron as neuron

    monkeypatch.setattr(neuron, "_SUBSAMPLE_ROWS", 500)
    calls = Counter()
    hessian = neuron._NeuronObjective.hessian

    def counted(self, z, l2=None):
        calls[len(z)] += 1
        return hessian(self, z, l2)

    monkeypatch.setattr(neuron._NeuronObjective, "hessian", counted)
    return calls


def big_data(seed=0, n=4000):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 6)) * [1.0, 2.0, 0.5, 1.0, 3.0, 1.0]
    logits = X @ [1.0, -0.5, 0.8, 0.0, 0.3, -1.2] + 0.4
    return X, (rng.random(n) < 1 / (1 + np.exp(-logits))).astype(int)


def test_subsampled_newton_reaches_the_exact_newton_optimum(small_subsample):
    X, y = big_data()
    exact = SigmoidNeuronClassifier(tol=1e-10)
    with pytest.MonkeyPatch.context() as m:
        import sksigmoid.neuron as neuron

        m.setattr(neuron, "_SUBSAMPLE_ROWS", 10**9)
        exact.fit(X, y)
    small_subsample.clear()
    clf = SigmoidNeuronClassifier(tol=1e-10).fit(X, y)
    np.testing.assert_allclose(params(clf), params(exact), rtol=1e-9)
    # the 500-row Hessians did the stepping; one full one certified the optimum
    # and is the one the standard errors come from
    assert small_subsample[4000] == 1 and small_subsample[500] >= 3
    np.testing.assert_allclose(clf.covariance_, exact.covariance_, rtol=1e-7)
    # it may rise by the rounding error of the loss at the optimum
    assert np.all(np.diff(clf.loss_curve_) <= 16 * np.finfo(float).eps)


def test_subsampled_newton_standard_errors_are_at_the_reported_coefficients(
    small_subsample,
):
    X, y = big_data(seed=1)
    clf = SigmoidNeuronClassifier().fit(X, y)
    Xt = np.column_stack([X, np.ones(len(X))])
    p = 1 / (1 + np.exp(-(Xt @ params(clf))))
    covariance = np.linalg.inv(Xt.T @ (Xt * (p * (1 - p))[:, None]))
    np.testing.assert_allclose(clf.covariance_, covariance, rtol=1e-10)


def test_subsampled_newton_falls_back_to_exact_steps_for_a_feature_it_misses(
    small_subsample,
):
    # a rare feature that is zero on every row of the subsample (every 8th):
    # the subsample's Hessian cannot step along it, the exact one must
    X, y = big_data(seed=2)
    rare = np.zeros(len(X))
    rare[3::8][:60] = 1.0
    X = np.column_stack([X, rare])
    exact = LogisticRegression(C=np.inf, tol=1e-12, max_iter=10_000).fit(X, y)
    small_subsample.clear()
    clf = SigmoidNeuronClassifier(tol=1e-10).fit(X, y)
    assert small_subsample[4000] >= 2  # the certification failed: exact steps
    np.testing.assert_allclose(clf.coef_, exact.coef_, rtol=1e-5)
    assert clf.n_iter_[0] <= clf.max_iter


def test_subsampled_newton_with_collinear_features_keeps_the_minimum_norm_fit(
    small_subsample,
):
    X, y = big_data(seed=3)
    X = np.column_stack([X, X[:, 0] - X[:, 1]])
    clf = SigmoidNeuronClassifier(tol=1e-10)
    with pytest.warns(UserWarning, match="collinear"):
        clf.fit(X, y)
    reference = SigmoidNeuronClassifier(tol=1e-10).fit(X[:, :6], y)
    np.testing.assert_allclose(
        clf.decision_function(X), reference.decision_function(X[:, :6]), atol=1e-8
    )


def test_subsampled_newton_on_sparse_input_matches_dense(small_subsample):
    X, y = big_data(seed=4)
    dense = SigmoidNeuronClassifier(tol=1e-10).fit(X, y)
    sparse = SigmoidNeuronClassifier(tol=1e-10).fit(sp.csr_matrix(X), y)
    # sparse input takes exact Newton steps from zero, dense input subsampled
    # ones certified where the exact step is below tol (an absolute 1e-10)
    np.testing.assert_allclose(params(sparse), params(dense), rtol=1e-9, atol=1e-10)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("subsample", [False, True])
def test_full_step_pass_equals_the_separate_computations(
    dtype, fit_intercept, subsample
):
    # 10,000 rows: two full blocks of rows and a partial one; the second block
    # has weight zero throughout. A subsample's weights (as Newton's start
    # uses) need not sum to one.
    rng = np.random.default_rng(0)
    X = rng.normal(size=(10_000, 5)).astype(dtype)
    y = (rng.random(10_000) < 0.4).astype(float)
    weight = rng.random(10_000)
    weight[4096:8192] = 0.0
    objective = _NeuronObjective(
        X, y, weight, alpha=0.3, l1_ratio=0.0, fit_intercept=fit_intercept
    )
    if subsample:
        objective = objective.on_batch(np.arange(0, 10_000, 3))
    w = rng.normal(size=objective.n_params)
    d = rng.normal(size=objective.n_params) * 0.1
    z = objective.logits(w)
    dz, loss, grad = objective.full_step(w, z, d)
    # the same arithmetic in the same precision, summed in another order
    np.testing.assert_allclose(dz, objective.direction_logits(d), rtol=1e-12)
    np.testing.assert_allclose(loss, objective.loss(w - d, z - dz), rtol=1e-12)
    np.testing.assert_allclose(grad, objective.gradient(w - d, z - dz), rtol=1e-10)


def test_full_step_pass_leaves_sparse_input_to_the_separate_computations():
    X, y = big_data()
    objective = _NeuronObjective(
        sp.csr_matrix(X),
        y.astype(float),
        np.ones(len(y)),
        alpha=0.0,
        l1_ratio=0.0,
        fit_intercept=True,
    )
    w = np.zeros(objective.n_params)
    dz, loss, grad = objective.full_step(w, objective.logits(w), w + 0.1)
    assert loss is None and grad is None
    np.testing.assert_allclose(dz, objective.direction_logits(w + 0.1))


# ------------------------------------- issue 13: training that says when it fails


def rare_levels_data(seed, n=4000, n_levels=40, per_level=6):
    """Three informative features and one-hot levels of a rare category.

    Each level has ``per_level`` rows, half of each class: the full data have
    a finite maximum-likelihood estimate (every level's coefficient is about
    zero), but a subsample that sees a level once or twice finds it
    (quasi-)separated.
    """
    rng = np.random.default_rng(seed)
    X = np.column_stack([rng.normal(size=(n, 3)), np.zeros((n, n_levels))])
    rows = rng.choice(n, n_levels * per_level, replace=False)
    X[rows, 3 + np.repeat(np.arange(n_levels), per_level)] = 1.0
    y = (rng.random(n) < 1 / (1 + np.exp(-X[:, 0]))).astype(int)
    y[rows] = np.tile([0, 1], n_levels * per_level // 2)
    return X, y


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_subsampled_newton_start_that_separates_rare_levels_still_ends_at_the_optimum(
    small_subsample, seed
):
    # issue 13, item 1 (dense): the subsample start gave the rare levels
    # coefficients of ~50 and the fit stopped there, at a log-loss above
    # that of all-zero coefficients (seed 2: 0.706 against log 2 = 0.693).
    X, y = rare_levels_data(seed)
    ref = LogisticRegression(C=np.inf, tol=1e-12, max_iter=10_000).fit(X, y)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        clf = SigmoidNeuronClassifier(tol=1e-10).fit(X, y)
    assert clf.loss_curve_[-1] <= mean_log_loss(ref, X, y) + 1e-12
    # the curve starts at the subsample start, accepted only below all-zero
    # coefficients (log 2), and only descends from there
    assert clf.loss_curve_[-1] < clf.loss_curve_[0] <= np.log(2)
    assert np.all(np.diff(clf.loss_curve_) <= 16 * np.finfo(float).eps)
    np.testing.assert_allclose(clf.coef_, ref.coef_, atol=1e-4)
    assert clf.n_iter_[0] <= 20


def test_newton_on_big_sparse_data_ends_at_the_optimum():
    # issue 13, item 1, the reported case (there made by scipy.sparse.random,
    # which takes seconds): a 50,000-row CSR matrix started from the subsample
    # fit (coefficients of thousands) and stopped after one damped step at
    # log-loss 11.4 (lbfgs: 0.683), without a warning.
    rng = np.random.default_rng(0)
    rows, cols = np.divmod(rng.choice(50_000 * 1000, 50_000, replace=False), 1000)
    X = sp.csr_matrix((rng.random(50_000), (rows, cols)), shape=(50_000, 1000))
    y = rng.integers(0, 2, 50_000)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        clf = SigmoidNeuronClassifier().fit(X, y)
    obj = objective(X, y)
    w = params(clf)
    z = obj.logits(w)
    assert clf.loss_curve_[-1] == pytest.approx(obj.loss(w, z), rel=1e-12)
    assert clf.loss_curve_[-1] < np.log(2) - 0.005
    assert np.max(np.abs(obj.gradient(w, z))) < 1e-9
    assert np.all(np.diff(clf.loss_curve_) <= 16 * np.finfo(float).eps)


def test_newton_does_not_call_a_failed_line_search_convergence():
    # A Hessian that is wrong by a factor 1e-30 along the steepest direction
    # gives steps no backtracking can shorten enough: the line search fails
    # far from the optimum, which is no convergence.
    from sksigmoid.neuron import newton_minimize

    X, y = small_problem()
    obj = objective(X, y)

    def useless_hessian(z):
        return obj.hessian(z) * 1e-30

    w, n_iter, curve, converged = newton_minimize(
        obj, np.zeros(obj.n_params), max_iter=20, tol=1e-8, hessian=useless_hessian
    )
    assert not converged
    assert curve[-1] <= curve[0]


def unscaled_cancer():
    """Five breast-cancer features in their own units (spreads 0.01 to 350)."""
    X, y = load_breast_cancer(return_X_y=True)
    return X[:, :5], y


@pytest.mark.parametrize("solver", ["gd", "sgd"])
def test_diverging_gradient_descent_warns_and_keeps_the_best_iterate(solver):
    # issue 13, item 2: sgd ended at log-loss 3944 (gd: 96) against an optimum
    # of 0.15 and a start of log 2, reported as converged (sgd) or as needing
    # more iterations (gd), with a "Fisher information has rank 0: the
    # features are collinear" warning on top.
    X, y = unscaled_cancer()
    clf = SigmoidNeuronClassifier(solver=solver, random_state=0)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        clf.fit(X, y)
    messages = [str(w.message) for w in caught]
    assert any(
        issubclass(w.category, ConvergenceWarning)
        and "diverged" in str(w.message)
        and "StandardScaler" in str(w.message)
        and "learning_rate" in str(w.message)
        for w in caught
    ), messages
    assert not any("collinear" in m or "Fisher" in m for m in messages), messages
    assert not any("Increase max_iter" in m for m in messages), messages
    # the coefficients are those of the best iterate the solver saw
    obj = objective(X, y)
    w = params(clf)
    assert obj.loss(w, obj.logits(w)) == pytest.approx(min(clf.loss_curve_), rel=1e-12)
    assert min(clf.loss_curve_) <= clf.loss_curve_[0]
    with pytest.raises(ValueError, match="diverged"):
        clf.summary()


def test_non_finite_neuron_parameters_raise_a_clear_error():
    X, y = unscaled_cancer()
    clf = SigmoidNeuronClassifier(solver="gd", learning_rate=1e300, max_iter=50)
    with pytest.raises(ValueError, match="not finite.*learning_rate"):
        clf.fit(X * 1e10, y)


@pytest.mark.parametrize("solver", ["lbfgs", "gd", "sgd"])
def test_features_too_small_for_the_tolerance_warn_instead_of_staying_at_zero(solver):
    # issue 13, "Also": X * 1e-8 gives gradients below tol at the start, so
    # lbfgs and gd stopped there and sgd never moved: coefficients 0, silently.
    X, y = small_problem()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        clf = SigmoidNeuronClassifier(solver=solver, random_state=0).fit(X * 1e-8, y)
    # (sgd also ends where its noise leaves it, above the start: a second warning)
    assert any(
        issubclass(w.category, ConvergenceWarning)
        and "of 5 features the gradient at the start" in str(w.message)
        and "Scale the features" in str(w.message)
        for w in caught
    ), [str(w.message) for w in caught]
    assert np.all(np.isfinite(clf.coef_))
    # one feature in tiny units is enough for a warning
    X_one = X * [1, 1, 1, 1, 1e-8]
    with pytest.warns(ConvergenceWarning, match="for 1 of 5 features"):
        fit_quietly_but(
            SigmoidNeuronClassifier(solver=solver, random_state=0), X_one, y
        )
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        SigmoidNeuronClassifier().fit(X * 1e-8, y)  # newton is scale-free
        warm = SigmoidNeuronClassifier(solver="lbfgs", warm_start=True).fit(X, y)
        warm.fit(X, y)  # a start at the optimum is no cause for alarm


def test_negative_class_weight_is_refused():
    with pytest.raises(ValueError, match="class_weight"):
        SigmoidNeuronClassifier(class_weight={0: -1.0, 1: 1.0}).fit(X_OK, Y_OK)

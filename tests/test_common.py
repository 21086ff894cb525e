"""scikit-learn's estimator checks over every public estimator of sksigmoid.

Estimators are found by :func:`sksigmoid.utils.discovery.all_estimators`, so a
new estimator is checked without editing this file. Every estimator is checked
as a user gets it, with its default parameters; a class may also set
``_check_estimator_params`` (a dict of constructor parameters, e.g. a seeded,
full-batch configuration under which sample weights and repeated rows give the
same fit), and is then checked under those too. No check is marked as an
expected failure.
"""

import warnings

import joblib
import numpy as np
import pytest
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import cross_val_score
from sklearn.utils.estimator_checks import parametrize_with_checks

from sksigmoid.utils.discovery import all_estimators


def _instances():
    """Each estimator with its ``_check_estimator_params`` (or defaults)."""
    for _, Estimator in all_estimators():
        yield Estimator(**getattr(Estimator, "_check_estimator_params", {}))


def _default_and_check_instances():
    """Each estimator with its default parameters, then with its
    ``_check_estimator_params`` when it has them."""
    for _, Estimator in all_estimators():
        yield Estimator()
        if getattr(Estimator, "_check_estimator_params", None):
            yield Estimator(**Estimator._check_estimator_params)


def test_all_estimators_finds_the_public_estimators():
    names = {name for name, _ in all_estimators()}
    assert "SigmoidNeuronClassifier" in names


def test_every_estimator_is_checked_with_its_default_parameters():
    checked = {repr(estimator) for estimator in _default_and_check_instances()}
    for name, _ in all_estimators():
        assert f"{name}()" in checked


@parametrize_with_checks(list(_default_and_check_instances()))
def test_sklearn_compatible_estimator(estimator, check):
    check(estimator)


def _small_problem(estimator):
    """A small data set of the kind the estimator fits (classification or not)."""
    from sklearn.base import is_classifier, is_regressor
    from sklearn.datasets import make_classification, make_regression

    if is_classifier(estimator):
        return make_classification(
            120, 4, n_informative=3, n_redundant=0, random_state=0
        )
    if is_regressor(estimator):
        X, y = make_regression(120, 1, noise=1.0, random_state=0)
        return X, 1 / (1 + np.exp(-X[:, 0])) * 10 + y / 100  # a sigmoidal trend
    return make_classification(120, 4, n_informative=3, n_redundant=0, random_state=0)


def _scores(estimator, X, y, n_jobs):
    scoring = None if hasattr(estimator, "score") else _variance_of_transform
    return cross_val_score(estimator, X, y, cv=3, n_jobs=n_jobs, scoring=scoring)


def _variance_of_transform(estimator, X, y=None):
    return float(np.var(estimator.transform(X)))


@pytest.mark.parametrize(
    "estimator", list(_instances()), ids=lambda est: type(est).__name__
)
def test_parallel_and_dask_backends_give_the_sequential_scores(estimator):
    from dask.distributed import Client

    X, y = _small_problem(estimator)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        sequential = _scores(estimator, X, y, n_jobs=1)
        processes = _scores(estimator, X, y, n_jobs=2)
        with (
            Client(
                processes=False,
                n_workers=1,
                threads_per_worker=2,
                dashboard_address=None,
            ),
            joblib.parallel_config(backend="dask"),
        ):
            on_dask = _scores(estimator, X, y, n_jobs=-1)
    assert np.all(np.isfinite(sequential))
    np.testing.assert_allclose(processes, sequential, rtol=1e-12)
    np.testing.assert_allclose(on_dask, sequential, rtol=1e-12)

"""scikit-learn's estimator checks over every public estimator of sksigmoid.

Estimators are found by :func:`sksigmoid.utils.discovery.all_estimators`, so a
new estimator is checked without editing this file. An estimator class may set
``_check_estimator_params`` (a dict of constructor parameters, e.g. fewer
epochs to keep the checks fast); no check is marked as an expected failure.
"""

from sklearn.utils.estimator_checks import parametrize_with_checks

from sksigmoid.utils.discovery import all_estimators


def _instances():
    for _, Estimator in all_estimators():
        yield Estimator(**getattr(Estimator, "_check_estimator_params", {}))


def test_all_estimators_finds_the_public_estimators():
    names = {name for name, _ in all_estimators()}
    assert "SigmoidNeuronClassifier" in names


@parametrize_with_checks(list(_instances()))
def test_sklearn_compatible_estimator(estimator, check):
    check(estimator)

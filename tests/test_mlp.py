"""DeepSigmoidMLP and DeepSigmoidMLPRegressor: training, records, API, errors."""

import pickle
import warnings

import numpy as np
import pytest
from sklearn.callback import ProgressBar
from sklearn.datasets import load_digits, make_classification, make_regression
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import GridSearchCV, cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sksigmoid import DeepSigmoidMLP, DeepSigmoidMLPRegressor, SigmoidNeuronClassifier

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


@pytest.fixture(scope="module")
def digits():
    X, y = load_digits(return_X_y=True)
    return X[:600] / 16, y[:600]


@pytest.fixture(scope="module")
def binary():
    return make_classification(300, 6, n_informative=4, random_state=0)


def small(**params):
    defaults = dict(hidden_layer_sizes=(16, 16), max_iter=15, random_state=0)
    return DeepSigmoidMLP(**{**defaults, **params})


def test_sigmoid_without_hidden_layer_reproduces_the_sigmoid_neuron(binary):
    X, y = binary
    # both penalise alpha/2 ||w||^2 on the mean log-loss, so alphas map 1:1
    mlp = DeepSigmoidMLP((), solver="lbfgs", alpha=0.01, tol=1e-10, max_iter=500)
    neuron = SigmoidNeuronClassifier(solver="lbfgs", alpha=0.01, tol=1e-10)
    mlp.fit(X, y)
    neuron.fit(X, y)
    np.testing.assert_allclose(mlp.coefs_[0].ravel(), neuron.coef_.ravel(), atol=1e-5)
    np.testing.assert_allclose(mlp.intercepts_[0], neuron.intercept_, atol=1e-5)
    np.testing.assert_allclose(mlp.predict_proba(X), neuron.predict_proba(X), atol=1e-6)


@pytest.mark.parametrize("solver", ["sgd", "momentum", "nesterov", "adam", "lbfgs"])
def test_every_solver_learns_digits(digits, solver):
    X, y = digits
    lr = {"adam": 1e-2}.get(solver, 0.2)
    clf = small(solver=solver, learning_rate_init=lr, max_iter=40, activation="tanh")
    assert clf.fit(X, y).score(X, y) > 0.9
    assert clf.n_iter_ == len(clf.loss_curve_) <= 40
    assert clf.loss_curve_[-1] < clf.loss_curve_[0]


def test_weights_have_sklearn_layout_and_outputs_follow_the_task(digits, binary):
    X, y = digits
    clf = small().fit(X, y)
    assert [c.shape for c in clf.coefs_] == [(64, 16), (16, 16), (16, 10)]
    assert [b.shape for b in clf.intercepts_] == [(16,), (16,), (10,)]
    assert clf.out_activation_ == "softmax" and clf.n_layers_ == 4
    np.testing.assert_allclose(clf.predict_proba(X).sum(axis=1), 1)
    Xb, yb = binary
    clf = small().fit(Xb, yb)
    assert clf.out_activation_ == "logistic" and clf.coefs_[-1].shape == (16, 1)
    proba = clf.predict_proba(Xb)
    np.testing.assert_array_equal(clf.predict(Xb), clf.classes_[proba.argmax(1)])
    np.testing.assert_allclose(np.exp(clf.predict_log_proba(Xb)), proba)


def test_same_random_state_gives_bit_identical_weights(digits):
    X, y = digits
    params = dict(batch_norm=True, dropout=0.2, random_state=3, max_iter=3)
    a = small(**params).fit(X.astype(np.float32), y)
    b = small(**params).fit(X.astype(np.float32), y)
    arrays_a, arrays_b = a.coefs_ + a.bn_running_vars_, b.coefs_ + b.bn_running_vars_
    for wa, wb in zip(arrays_a, arrays_b, strict=True):
        assert wa.tobytes() == wb.tobytes()
    c = small(**{**params, "random_state": 4}).fit(X.astype(np.float32), y)
    assert not np.array_equal(a.coefs_[0], c.coefs_[0])


def test_pickle_round_trips_predictions(digits):
    X, y = digits
    clf = small(batch_norm=True).fit(X, y)
    clone = pickle.loads(pickle.dumps(clf))
    np.testing.assert_array_equal(clone.predict_proba(X), clf.predict_proba(X))
    clone.partial_fit(X, y)  # the optimiser state survives too
    assert clone.n_iter_ == clf.n_iter_ + 1


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_float32_trains_in_float32_and_float64_stays_float64(digits, dtype):
    X, y = digits
    clf = small(batch_norm=True).fit(X.astype(dtype), y)
    arrays = clf.coefs_ + clf.intercepts_ + clf.bn_gammas_ + clf.bn_running_means_
    assert all(a.dtype == dtype for a in arrays)
    assert clf._optimizer.ms[0].dtype == dtype
    assert clf.predict_proba(X.astype(dtype)).dtype == dtype


def test_gradient_history_shows_sigmoid_gradients_vanishing(digits):
    X, y = digits
    history = {}
    for activation in ["sigmoid", "relu"]:
        clf = small(hidden_layer_sizes=(32,) * 6, activation=activation, max_iter=3)
        clf.fit(X, y)
        history[activation] = clf.gradient_history_
        assert clf.gradient_history_.weight_grad_norms.shape == (3, 7)
        assert clf.gradient_history_.saturated_fraction.shape == (3, 6)
    sig, relu = (history[a].weight_grad_norms[0] for a in ["sigmoid", "relu"])
    assert sig[0] / sig[-1] < 0.05  # first layer starved relative to the output
    assert sig[0] / sig[-1] < relu[0] / relu[-1]
    # saturation is nearness to an asymptote: unbounded ReLU units never count
    assert np.all(history["relu"].saturated_fraction == 0)
    assert np.all(history["sigmoid"].saturated_fraction >= 0)
    off = small(track_gradients=False).fit(X, y).gradient_history_
    assert off.weight_grad_norms.shape == (0, 3)


def test_early_stopping_restores_the_best_weights(digits):
    X, y = digits
    clf = small(early_stopping=True, n_iter_no_change=2, max_iter=60, tol=0.05)
    clf.fit(X, y)
    assert clf.n_iter_ < 60
    assert clf.best_validation_score_ == max(clf.validation_scores_)
    assert len(clf.validation_scores_) == clf.n_iter_


def test_partial_fit_continues_training(digits):
    X, y = digits
    clf = DeepSigmoidMLP((16,), learning_rate_init=0.01, random_state=0)
    for _ in range(5):
        clf.partial_fit(X, y, classes=np.unique(y))
    assert clf.n_iter_ == 5 and clf.t_ == 5 * len(X)
    assert clf.loss_curve_[-1] < clf.loss_curve_[0]
    with pytest.raises(ValueError, match="not in classes_"):
        clf.partial_fit(X, y + 100)


def test_warm_start_continues_from_the_fitted_weights(digits):
    X, y = digits
    clf = small(warm_start=True, max_iter=2).fit(X, y)
    first = clf.loss_curve_[-1]
    clf.fit(X, y)
    assert len(clf.loss_curve_) == 4 and clf.loss_curve_[-1] < first


def test_dropout_is_off_at_prediction_and_batch_norm_uses_running_statistics(digits):
    X, y = digits
    clf = small(dropout=0.3, batch_norm=True).fit(X, y)
    np.testing.assert_array_equal(clf.predict_proba(X), clf.predict_proba(X))
    np.testing.assert_allclose(clf.predict_proba(X[:1]), clf.predict_proba(X)[:1])
    assert all(np.all(v > 0) for v in clf.bn_running_vars_)


def test_gradient_clip_bounds_each_step(digits):
    X, y = digits
    clf = DeepSigmoidMLP((16,), solver="sgd", learning_rate_init=1.0, random_state=0)
    clf.set_params(gradient_clip=1e-3, batch_size=len(X))
    clf.partial_fit(X, y, classes=np.unique(y))
    before = np.concatenate([c.ravel() for c in clf.coefs_ + clf.intercepts_])
    clf.partial_fit(X, y)
    after = np.concatenate([c.ravel() for c in clf.coefs_ + clf.intercepts_])
    step = np.linalg.norm(after - before)
    assert 0 < step <= 1e-3 * (1 + 1e-5)


@pytest.mark.parametrize("schedule", ["invscaling", "adaptive"])
def test_learning_rate_schedules(digits, schedule):
    X, y = digits
    clf = small(solver="sgd", learning_rate=schedule, learning_rate_init=0.5)
    clf.set_params(n_iter_no_change=1, tol=10.0, max_iter=6)
    clf.fit(X, y)
    if schedule == "adaptive":  # every epoch is a plateau under tol=10
        assert clf._schedule.current < 0.5 and clf.n_iter_ == 6
    else:
        assert clf._schedule.rate(clf.t_) == pytest.approx(0.5 / (clf.t_ + 1) ** 0.5)


def test_class_and_sample_weights_change_the_fit(binary):
    X, y = binary
    base = small().fit(X, y).predict_proba(X)[:, 1].mean()
    heavy = small(class_weight={0: 1, 1: 10}).fit(X, y).predict_proba(X)[:, 1].mean()
    sw = np.where(y == 1, 10.0, 1.0)
    weighted = small().fit(X, y, sample_weight=sw).predict_proba(X)[:, 1].mean()
    assert heavy > base + 0.05
    assert weighted == pytest.approx(heavy, rel=1e-6)


def test_user_activation_pair_trains(digits):
    X, y = digits
    pair = (np.arctan, lambda z: 1 / (1 + z * z))
    clf = small(activation=pair, learning_rate_init=0.01).fit(X, y)
    assert clf.score(X, y) > 0.9
    tanh_pair = (np.tanh, lambda z: 1 - np.tanh(z) ** 2)
    mine = small(activation=tanh_pair, max_iter=3).fit(X, y)
    builtin = small(activation="tanh", max_iter=3).fit(X, y)
    np.testing.assert_allclose(mine.coefs_[0], builtin.coefs_[0], rtol=1e-6)


def test_regressor_fits_single_and_multi_output():
    X, y = make_regression(300, 5, n_targets=2, noise=1, random_state=0)
    y = y / y.std()
    reg = DeepSigmoidMLPRegressor((16,), "tanh", solver="lbfgs", random_state=0)
    assert reg.fit(X, y).score(X, y) > 0.98
    assert reg.predict(X).shape == (300, 2) and reg.out_activation_ == "identity"
    reg = DeepSigmoidMLPRegressor((16,), random_state=0, learning_rate_init=0.01)
    reg.fit(X, y[:, 0])
    assert reg.predict(X).shape == (300,) and reg.score(X, y[:, 0]) > 0.8
    reg.partial_fit(X, y[:, 0])


def test_progress_bar_and_callbacks_see_every_epoch(digits):
    X, y = digits

    class EpochCounter:
        def __init__(self):
            self.ends = 0

        def setup(self, estimator, context):
            pass

        def on_fit_task_begin(self, estimator, context, **kwargs):
            pass

        def on_fit_task_end(self, estimator, context, **kwargs):
            self.ends += 1
            return context.task_name == "epoch" and self.ends == 2

        def teardown(self, estimator, context):
            pass

    counter = EpochCounter()
    clf = small(max_iter=5).set_callbacks(counter).fit(X, y)
    assert clf.n_iter_ == 2  # the callback asked to stop after two epochs
    small(max_iter=2).set_callbacks(ProgressBar()).fit(X, y)


def test_pipeline_cross_val_score_and_parallel_grid_search(digits):
    X, y = digits
    pipe = make_pipeline(StandardScaler(), small(learning_rate_init=0.02))
    assert cross_val_score(pipe, X, y, cv=3).mean() > 0.8
    grid = GridSearchCV(
        small(hidden_layer_sizes=(16,), learning_rate_init=0.02),
        {"activation": ["sigmoid", "relu"], "weight_init": ["auto", "standard"]},
        cv=2,
        n_jobs=2,
    ).fit(X, y)
    assert len(grid.cv_results_["params"]) == 4
    assert grid.best_score_ > 0.8


@pytest.mark.parametrize(
    "params, match",
    [
        ({"activation": "swish"}, "must be a str among .*'relu'"),
        ({"weight_init": "xavier"}, "must be a str among .*'he_normal'"),
        (
            {"activation": (np.tanh, lambda z: np.ones(3))},
            "must be element-wise",
        ),
        ({"hidden_layer_sizes": (), "batch_norm": True}, "hidden_layer_sizes is empty"),
        ({"hidden_layer_sizes": (), "dropout": 0.5}, "hidden_layer_sizes is empty"),
        ({"hidden_layer_sizes": (4, 0)}, "positive integers"),
        ({"solver": "lbfgs", "dropout": 0.5}, "dropout makes the loss random"),
    ],
)
def test_bad_parameters_are_reported(binary, params, match):
    X, y = binary
    with pytest.raises(ValueError, match=match):
        small(**params).fit(X, y)


def test_partial_fit_refuses_early_stopping(binary):
    X, y = binary
    with pytest.raises(ValueError, match="partial_fit does not support early_stop"):
        small(early_stopping=True).partial_fit(X, y, classes=[0, 1])
    assert not hasattr(small(solver="lbfgs"), "partial_fit")


def test_divergence_stops_with_a_clear_error(binary):
    X, y = binary
    clf = small(solver="sgd", learning_rate_init=1e3, activation="identity", alpha=0)
    with pytest.raises(
        FloatingPointError, match=r"nan at epoch 3 .*learning_rate_init.*gradient_clip"
    ):
        clf.fit(X * 1e3, y)


def test_single_class_is_refused(binary):
    X, _ = binary
    with pytest.raises(ValueError, match="at least 2 classes"):
        small().fit(X, np.zeros(len(X)))


def test_stochastic_solver_warns_when_max_iter_is_reached(binary):
    X, y = binary
    with pytest.warns(ConvergenceWarning, match="maximum iterations"):
        small(max_iter=1, tol=0).fit(X, y)


# ------------------------------------- issue 13: training that says when it fails


def linear_problem():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(40, 3))
    return X, X @ [1.0, 2.0, -1.0] + 0.1 * rng.normal(size=40)


def training_loss(est, X, y):
    """The data term of the fitted network on (X, y), evaluated afresh."""
    if est._is_classifier:
        proba = np.clip(est.predict_proba(X), 1e-300, 1)
        codes = np.searchsorted(est.classes_, y)
        return -np.mean(np.log(proba[np.arange(len(y)), codes]))
    residual = est.predict(X).reshape(len(y), -1) - np.reshape(y, (len(y), -1))
    return 0.5 * np.mean(np.sum(residual**2, axis=1))


@pytest.mark.parametrize("lr", [10.0, 3.0])
def test_diverging_sgd_regressor_warns_and_keeps_the_best_weights(lr):
    # issue 13, item 2: R^2 = -1.9e22 (lr=10) and -2e8 (lr=3), silently
    X, y = linear_problem()
    start = DeepSigmoidMLPRegressor((5,), max_iter=0, random_state=0).fit(X, y)
    reg = DeepSigmoidMLPRegressor(
        (5,), solver="sgd", learning_rate_init=lr, random_state=0
    )
    with pytest.warns(ConvergenceWarning, match="diverged.*learning_rate_init"):
        reg.fit(X, y)
    assert training_loss(reg, X, y) <= training_loss(start, X, y)
    assert reg.score(X, y) > -1


def test_diverging_adam_classifier_warns():
    # issue 13, item 2: learning_rate_init=1e6 ended at training accuracy 0.5
    X, y = make_classification(200, 5, random_state=0)
    start = DeepSigmoidMLP(max_iter=0, random_state=0).fit(X, y)
    clf = DeepSigmoidMLP(learning_rate_init=1e6, random_state=0)
    with pytest.warns(ConvergenceWarning, match="diverged"):
        clf.fit(X, y)
    assert training_loss(clf, X, y) <= training_loss(start, X, y)


def test_converging_fits_do_not_warn_of_divergence(digits):
    X, y = digits
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        small(max_iter=60, learning_rate_init=0.01).fit(X, y)
        small(solver="sgd", dropout=0.3, max_iter=30, learning_rate_init=0.1).fit(X, y)
        small(batch_norm=True, max_iter=30).fit(X, y)
        DeepSigmoidMLPRegressor((5,), solver="lbfgs", random_state=0).fit(
            *linear_problem()
        )
    assert not [w for w in caught if "diverged" in str(w.message)]


def test_lbfgs_non_finite_loss_names_the_data_not_a_learning_rate():
    # issue 13, item 2: "Use a lower learning_rate_init (now 0)" for lbfgs
    X, y = linear_problem()
    reg = DeepSigmoidMLPRegressor((5,), solver="lbfgs", random_state=0)
    with pytest.raises(ValueError, match="scale") as info:
        reg.fit(X, y * 1e200)
    assert "learning_rate_init" not in str(info.value)
    assert isinstance(info.value, FloatingPointError)  # as before


def test_loss_not_finite_at_the_start_blames_the_data_not_the_learning_rate():
    X, y = linear_problem()
    reg = DeepSigmoidMLPRegressor((5,), solver="sgd", random_state=0)
    with pytest.raises(ValueError, match="initial parameters.*scale") as info:
        reg.fit(X, y * 1e200)
    assert "learning_rate_init" not in str(info.value)


@pytest.mark.parametrize("Estimator", [DeepSigmoidMLP, DeepSigmoidMLPRegressor])
def test_negative_sample_weights_are_refused(binary, Estimator):
    # issue 13, item 3: a negative "log-loss" and a misleading divergence error
    X, y = binary
    sw = np.ones(len(y))
    sw[3] = -1.0
    with pytest.raises(ValueError, match="Negative values in data passed to"):
        Estimator((4,), max_iter=2).fit(X, y, sample_weight=sw)
    with pytest.raises(ValueError, match="Negative values in data passed to"):
        Estimator((4,), max_iter=2).partial_fit(
            X,
            y,
            sample_weight=sw,
            **({"classes": [0, 1]} if Estimator is DeepSigmoidMLP else {}),
        )


def test_negative_class_weight_is_refused(binary):
    X, y = binary
    with pytest.raises(ValueError, match="class_weight"):
        small(class_weight={0: -1.0, 1: 1.0}).fit(X, y)


def test_warm_start_with_new_hidden_layer_sizes_starts_afresh(digits):
    # issue 13, item 4: the old (16, 16) network was silently kept
    X, y = digits
    clf = small(warm_start=True, max_iter=3).fit(X, y)
    clf.set_params(hidden_layer_sizes=(8,)).fit(X, y)
    fresh = small(hidden_layer_sizes=(8,), max_iter=3).fit(X, y)
    assert [c.shape for c in clf.coefs_] == [(64, 8), (8, 10)]
    for a, b in zip(clf.coefs_, fresh.coefs_, strict=True):
        assert a.tobytes() == b.tobytes()
    assert clf.loss_curve_ == fresh.loss_curve_


def test_warm_start_regressor_with_a_new_output_dimension_starts_afresh():
    # issue 13, item 4: 1-D then 2-D y failed inside numpy's matmul
    X, y = linear_problem()
    Y = np.column_stack([y, -y])
    reg = DeepSigmoidMLPRegressor((5,), warm_start=True, max_iter=5, random_state=0)
    reg.fit(X, y).fit(X, Y)
    fresh = DeepSigmoidMLPRegressor((5,), max_iter=5, random_state=0).fit(X, Y)
    assert reg.predict(X).shape == (40, 2)
    np.testing.assert_array_equal(reg.predict(X), fresh.predict(X))
    # and back to 1-D: predict returns 1-D again
    assert reg.fit(X, y).predict(X).shape == (40,)


def test_warm_start_classifier_with_new_classes_or_features_starts_afresh(digits):
    X, y = digits
    clf = small(warm_start=True, max_iter=2).fit(X[y < 5], y[y < 5])
    clf.fit(X, y)
    assert clf.coefs_[-1].shape == (16, 10) and list(clf.classes_) == list(range(10))
    clf.fit(X[:, :20], y)
    assert clf.coefs_[0].shape == (20, 16) and clf.n_features_in_ == 20


def test_warm_start_with_the_same_architecture_still_continues(digits):
    X, y = digits
    clf = small(warm_start=True, max_iter=2).fit(X, y)
    clf.fit(X[y < 5], y[y < 5])  # classes among classes_: same output layer
    assert len(clf.loss_curve_) == 4 and clf.coefs_[-1].shape == (16, 10)


def test_partial_fit_refuses_a_changed_architecture(digits):
    X, y = digits
    clf = small(max_iter=2)
    clf.partial_fit(X, y, classes=np.unique(y))
    clf.set_params(hidden_layer_sizes=(8,))
    with pytest.raises(ValueError, match="hidden_layer_sizes"):
        clf.partial_fit(X, y)
    Xr, yr = linear_problem()
    reg = DeepSigmoidMLPRegressor((5,), random_state=0).partial_fit(Xr, yr)
    with pytest.raises(ValueError, match="2 outputs.*1"):
        reg.partial_fit(Xr, np.column_stack([yr, yr]))


def test_default_penalty_is_scikit_learns_default_objective():
    # scikit-learn divides alpha by the batch size; ours is on the mean loss:
    # the defaults must be the same objective at scikit-learn's default batch
    # (issue 17: with scikit-learn's number, 200x the penalty, Adam shrank the
    # lowest layers of a deep sigmoid stack to zero)
    from sklearn.neural_network import MLPClassifier, MLPRegressor

    from sksigmoid import DeepSigmoidMLPRegressor

    assert DeepSigmoidMLP().alpha * 200 == pytest.approx(MLPClassifier().alpha)
    assert DeepSigmoidMLPRegressor().alpha * 200 == pytest.approx(MLPRegressor().alpha)

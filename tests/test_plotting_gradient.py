"""GradientFlowDisplay and TrainingDynamicsDisplay, drawn from given numbers."""

import numpy as np
import pytest
from sklearn.exceptions import ConvergenceWarning, NotFittedError

from sksigmoid import GradientFlowDisplay, TrainingDynamicsDisplay

plt = pytest.importorskip("matplotlib.pyplot")


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def test_gradient_flow_display_draws_one_line_per_network():
    display = GradientFlowDisplay(
        gradient_norms=[np.array([1e-6, 1e-3, 1.0]), np.array([0.1, 0.2, 0.3])],
        names=["sigmoid", "relu"],
    ).plot()
    assert len(display.lines_) == 2
    assert display.ax_.get_yscale() == "log"
    assert display.figure_ is display.ax_.figure
    np.testing.assert_array_equal(display.lines_[0].get_xdata(), [1, 2, 3])
    assert [t.get_text() for t in display.ax_.get_legend().get_texts()] == [
        "sigmoid",
        "relu",
    ]
    assert display.ax_.get_xticklabels()[-1].get_text() == "out"


def test_gradient_flow_display_uses_given_axes():
    _, ax = plt.subplots()
    display = GradientFlowDisplay(gradient_norms=[[1.0, 2.0]]).plot(
        ax=ax, line_kwargs={"color": "red", "marker": "s"}
    )
    assert display.ax_ is ax
    assert display.lines_[0].get_marker() == "s"
    assert ax.get_legend() is None


def test_training_dynamics_display_two_panels():
    norms = np.geomspace(1e-4, 1, 12).reshape(4, 3)
    saturation = np.linspace(0, 1, 8).reshape(4, 2)
    display = TrainingDynamicsDisplay(
        gradient_norms=norms, saturation=saturation, name="sigmoid"
    ).plot()
    assert len(display.ax_) == 2
    assert display.ax_[0].get_yscale() == "log"
    assert len(display.lines_["gradient_norm"]) == 3
    assert len(display.lines_["saturation"]) == 2
    np.testing.assert_array_equal(
        display.lines_["gradient_norm"][0].get_xdata(), [1, 2, 3, 4]
    )
    assert display.lines_["gradient_norm"][-1].get_label() == "output"


def test_training_dynamics_display_checks_the_number_of_axes():
    _, ax = plt.subplots()
    display = TrainingDynamicsDisplay(
        gradient_norms=np.ones((2, 2)), saturation=np.zeros((2, 1))
    )
    with pytest.raises(ValueError, match="Expected 2 Axes"):
        display.plot(ax=ax)
    assert len(display.plot(ax=None).ax_) == 2
    single = TrainingDynamicsDisplay(gradient_norms=np.ones((2, 2))).plot(ax=ax)
    assert single.ax_[0] is ax


def test_training_dynamics_needs_history():
    class Untracked:
        gradient_history_ = None

    with pytest.raises(ValueError, match="DeepSigmoidMLP.*track_gradients=True"):
        TrainingDynamicsDisplay.from_estimator(Untracked())


@pytest.fixture(scope="module")
def small_digits():
    from sklearn.datasets import load_digits

    X, y = load_digits(return_X_y=True)
    return X[:100] / 16, y[:100]


def test_training_dynamics_of_an_untrained_network_says_why(small_digits):
    from sksigmoid import DeepSigmoidMLP

    X, y = small_digits
    untrained = DeepSigmoidMLP((4,), max_iter=0, random_state=0).fit(X, y)
    with pytest.raises(ValueError, match="max_iter=0") as error:
        TrainingDynamicsDisplay.from_estimator(untrained)
    assert "track_gradients" not in str(error.value)
    untracked = DeepSigmoidMLP((4,), max_iter=2, track_gradients=False)
    with pytest.warns(ConvergenceWarning):
        untracked.fit(X, y)
    with pytest.raises(ValueError, match="track_gradients=False"):
        TrainingDynamicsDisplay.from_estimator(untracked)
    with pytest.raises(NotFittedError):
        TrainingDynamicsDisplay.from_estimator(DeepSigmoidMLP())


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"gradient_norms": []}, "at least one network"),
        ({"gradient_norms": [[1.0, 2.0], []]}, r"gradient_norms\[1\] is empty"),
        ({"gradient_norms": [1e-3, 1e-2, 1.0]}, r"one 1-D array.*\[norms\]"),
        ({"gradient_norms": [np.ones((2, 2))]}, "one 1-D array"),
        ({"gradient_norms": [[1.0], [2.0]], "names": ["a"]}, "1 names for 2"),
    ],
)
def test_gradient_flow_display_refuses_empty_or_mismatched_input(params, message):
    with pytest.raises(ValueError, match=message):
        GradientFlowDisplay(**params).plot()
    assert not plt.get_fignums()  # no empty figure left behind


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"gradient_norms": np.ones((0, 3))}, "at least one epoch"),
        ({"gradient_norms": np.ones(3)}, r"\(n_epochs, n_layers\)"),
        (
            {"gradient_norms": np.ones((4, 3)), "saturation": np.ones((3, 2))},
            r"saturation.*\(4, 2\).*\(3, 2\)",
        ),
        (
            {"gradient_norms": np.ones((4, 3)), "saturation": np.ones((4, 3))},
            r"\(4, 2\)",
        ),
    ],
)
def test_training_dynamics_display_refuses_mismatched_input(params, message):
    with pytest.raises(ValueError, match=message):
        TrainingDynamicsDisplay(**params).plot()
    assert not plt.get_fignums()


def test_from_diagnostics_and_from_estimator_check_their_input(small_digits):
    from sksigmoid import DeepSigmoidMLP, GradientDiagnostics

    X, y = small_digits
    net = DeepSigmoidMLP((4,), max_iter=0, random_state=0).fit(X, y)
    with pytest.raises(ValueError, match="at least one"):
        GradientFlowDisplay.from_diagnostics({})
    with pytest.raises(ValueError, match="at least one"):
        GradientFlowDisplay.from_estimator([], X, y)
    with pytest.raises(NotFittedError):
        GradientFlowDisplay.from_diagnostics(GradientDiagnostics(net))
    with pytest.raises(ValueError, match="GradientDiagnostics"):
        GradientFlowDisplay.from_diagnostics(net)
    with pytest.raises(ValueError, match="keys"):
        GradientFlowDisplay.from_estimator({"a": net}, X, y, names=["b"])
    with pytest.raises(ValueError, match="2 names for 1"):
        GradientFlowDisplay.from_estimator(net, X, y, names=["a", "b"])
    assert not plt.get_fignums()


def test_matplotlib_missing_gives_a_clear_error(monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "matplotlib", None)
    with pytest.raises(ImportError, match="matplotlib"):
        GradientFlowDisplay(gradient_norms=[[1.0]]).plot()


def test_displays_from_fitted_networks():
    from sklearn.datasets import load_digits

    from sksigmoid import DeepSigmoidMLP, GradientDiagnostics

    X, y = load_digits(return_X_y=True)
    X, y = X[:200] / 16, y[:200]
    with pytest.warns(ConvergenceWarning):
        nets = {
            activation: DeepSigmoidMLP(
                (8, 8), activation, max_iter=3, random_state=0
            ).fit(X, y)
            for activation in ("sigmoid", "relu")
        }
    flow = GradientFlowDisplay.from_estimator(nets, X, y)
    assert [line.get_label() for line in flow.lines_] == ["sigmoid", "relu"]
    np.testing.assert_allclose(
        flow.lines_[0].get_ydata(),
        GradientDiagnostics(nets["sigmoid"], prefit=True).fit(X, y).gradient_norms_,
    )
    dynamics = TrainingDynamicsDisplay.from_estimator(nets["sigmoid"])
    assert len(dynamics.lines_["gradient_norm"]) == 3
    assert len(dynamics.lines_["saturation"]) == 2
    assert dynamics.ax_[0].get_title() == "activation='sigmoid'"
    lbfgs = DeepSigmoidMLP((4,), solver="lbfgs", max_iter=5, random_state=0)
    with pytest.warns(ConvergenceWarning):
        lbfgs.fit(X, y)
    assert len(TrainingDynamicsDisplay.from_estimator(lbfgs).ax_) == 1


def test_training_dynamics_draws_dead_units_for_relu_and_saturation_otherwise():
    from sklearn.datasets import load_digits

    from sksigmoid import DeepSigmoidMLP

    X, y = load_digits(return_X_y=True)
    X, y = X[:300] / 16 - 0.5, y[:300]
    with pytest.warns(ConvergenceWarning):
        nets = {
            activation: DeepSigmoidMLP(
                (16,) * 4, activation, max_iter=3, random_state=0
            ).fit(X, y)
            for activation in ("sigmoid", "relu")
        }
    relu, sigmoid = nets["relu"].gradient_history_, nets["sigmoid"].gradient_history_
    assert relu.unit_measure == "dead_fraction"
    assert sigmoid.unit_measure == "saturated_fraction"
    # saturation is undefined for relu (0); its dead units are what is drawn
    assert not relu.saturated_fraction.any()
    assert relu.dead_fraction.shape == relu.saturated_fraction.shape
    # a dead unit is inactive on a whole batch: never more than all units
    assert ((relu.dead_fraction >= 0) & (relu.dead_fraction <= 1)).all()
    drawn = TrainingDynamicsDisplay.from_estimator(nets["relu"])
    assert drawn.unit_measure == "dead"
    assert "dead units" in drawn.ax_[1].get_ylabel()
    np.testing.assert_allclose(
        drawn.lines_["saturation"][0].get_ydata(), relu.dead_fraction[:, 0]
    )
    drawn = TrainingDynamicsDisplay.from_estimator(nets["sigmoid"])
    assert drawn.ax_[1].get_ylabel() == "share of saturated units"


def test_dead_fraction_counts_units_inactive_on_every_sample():
    # a network whose first hidden layer has two units that no input turns on
    from sksigmoid import DeepSigmoidMLP

    rng = np.random.default_rng(0)
    X = rng.uniform(0, 1, (64, 3))
    y = (X[:, 0] > 0.5).astype(int)
    net = DeepSigmoidMLP((4,), "relu", max_iter=1, batch_size=64, random_state=0)
    with pytest.warns(ConvergenceWarning):
        net.fit(X, y)
    net.coefs_[0][:, :2] = -1.0  # x >= 0: z = -sum(x) + b <= 0 for both
    net.intercepts_[0][:2] = -0.01
    net.set_params(warm_start=True, max_iter=1, learning_rate_init=1e-12)
    with pytest.warns(ConvergenceWarning):
        net.fit(X, y)
    assert net.gradient_history_.dead_fraction[-1, 0] == pytest.approx(0.5)


def test_activation_mean_is_recorded_per_epoch_and_drawn_on_request():
    # one batch of the whole data, one epoch: the recorded mean is that of the
    # forward pass at the initial weights, as GradientDiagnostics measures it
    from sksigmoid import DeepSigmoidMLP, GradientDiagnostics

    rng = np.random.default_rng(0)
    X = rng.normal(size=(60, 5))
    y = (X[:, 0] > 0).astype(int)

    def net(max_iter):
        return DeepSigmoidMLP(
            (6, 4), "sigmoid", max_iter=max_iter, batch_size=60, random_state=0
        )

    with pytest.warns(ConvergenceWarning):
        trained = net(1).fit(X, y)
    at_start = GradientDiagnostics(net(0)).fit(X, y)
    history = trained.gradient_history_
    assert history.activation_mean.shape == (1, 2)
    np.testing.assert_allclose(
        history.activation_mean[0], at_start.activation_mean_, rtol=1e-12
    )
    drawn = TrainingDynamicsDisplay.from_estimator(trained, unit_measure="mean")
    assert drawn.unit_measure == "mean"
    assert drawn.ax_[1].get_ylabel() == "mean activation"
    assert drawn.ax_[1].get_ylim() == (-0.02, 1.02)  # the sigmoid's range
    np.testing.assert_allclose(
        drawn.lines_["saturation"][1].get_ydata(), history.activation_mean[:, 1]
    )
    with pytest.raises(ValueError, match="unit_measure must be None or one of"):
        TrainingDynamicsDisplay.from_estimator(trained, unit_measure="median")
    with pytest.raises(ValueError, match="unit_measure must be one of"):
        TrainingDynamicsDisplay(
            gradient_norms=history.weight_grad_norms,
            saturation=history.activation_mean,
            unit_measure="share",
        ).plot()


def test_tanh_mean_activation_is_drawn_on_its_symmetric_range():
    norms = np.ones((3, 2))
    means = np.array([[0.1], [-0.2], [0.05]])
    drawn = TrainingDynamicsDisplay(
        gradient_norms=norms, saturation=means, unit_measure="mean"
    ).plot()
    assert drawn.ax_[1].get_ylim() == (-1.04, 1.04)

"""GradientFlowDisplay and TrainingDynamicsDisplay, drawn from given numbers."""

import numpy as np
import pytest

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

    with pytest.raises(ValueError, match="track_gradients=True"):
        TrainingDynamicsDisplay.from_estimator(Untracked())


def test_matplotlib_missing_gives_a_clear_error(monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "matplotlib", None)
    with pytest.raises(ImportError, match="matplotlib"):
        GradientFlowDisplay(gradient_norms=[[1.0]]).plot()


def test_displays_from_fitted_networks():
    from sklearn.datasets import load_digits
    from sklearn.exceptions import ConvergenceWarning

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

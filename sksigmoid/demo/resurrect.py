"""Demo section: critical orthogonal initialisation resurrects the deep sigmoid."""

import numpy as np

from ..diagnostics import GradientDiagnostics
from ..mlp import DeepSigmoidMLP
from ._util import save_figure, table
from .diagnostics import digits_split

TITLE = (
    "Resurrecting the sigmoid: orthogonal weights at the edge of chaos "
    "(dynamical isometry)"
)

DEPTH, WIDTH, EPOCHS = 32, 64, 15
# label -> (activation, weight_init); He for relu, which has no critical point
SETTINGS = {
    "sigmoid, Glorot": ("sigmoid", "glorot_uniform"),
    "sigmoid, critical": ("sigmoid", "critical"),
    "tanh, Glorot": ("tanh", "glorot_uniform"),
    "tanh, critical": ("tanh", "critical"),
    "relu, He": ("relu", "he_uniform"),
}


def deep_network(activation, weight_init, max_iter):
    """32 hidden layers of 64, Adam at 1e-3, batches of 200."""
    return DeepSigmoidMLP(
        (WIDTH,) * DEPTH,
        activation,
        weight_init=weight_init,
        learning_rate_init=1e-3,
        batch_size=200,
        max_iter=max_iter,
        tol=0.0,
        random_state=0,
    )


def run(plots_dir=None):
    """Print the Jacobian's singular values at initialisation and the accuracy
    of the two sigmoid networks after training."""
    X_train, X_test, y_train, y_test = digits_split()
    print(
        f"{DEPTH} hidden layers of {WIDTH} on the digits. At initialisation, the\n"
        "singular values s of the hidden stack's Jacobian dh/dx at inputs / 100\n"
        "(small pre-activations, where the theory's isometry holds) and at the\n"
        "standardised data: mean of s^2 (1/4 is isometric for the sigmoid, 1 for\n"
        "tanh) and spread s(90 %) / s(10 %) (1 is isometric):"
    )
    rows, spectra = [], {}
    for label, (activation, weight_init) in SETTINGS.items():
        net = deep_network(activation, weight_init, 0)
        small = GradientDiagnostics(net).fit(X_train / 100, y_train)
        data = GradientDiagnostics(net).fit(X_train, y_train)
        spectra[label] = small.jacobian_singular_values_.ravel()
        rows.append(
            (
                label,
                small.jacobian_mean_squared_singular_value_,
                small.jacobian_spread_,
                data.jacobian_mean_squared_singular_value_,
                data.jacobian_spread_,
            )
        )
    table(
        rows,
        ("network", "mean s^2 (x/100)", "spread", "mean s^2 (data)", "spread"),
        "{:.3g}",
    )
    print(f"\nThe two sigmoid networks trained {EPOCHS} epochs (test accuracy):")
    curves = {
        label: accuracy_per_epoch(SETTINGS[label], X_train, y_train, X_test, y_test)
        for label in ("sigmoid, Glorot", "sigmoid, critical")
    }
    table(
        [(label, curve[0], curve[-1]) for label, curve in curves.items()],
        ("network", "after epoch 1", f"after epoch {EPOCHS}"),
        "{:.3f}",
    )
    if plots_dir is not None:
        _plot(spectra, curves, plots_dir)


def accuracy_per_epoch(setting, X_train, y_train, X_test, y_test):
    """Test accuracy after each of ``EPOCHS`` epochs (one ``partial_fit`` each)."""
    net = deep_network(*setting, 1)
    classes = np.unique(y_train)
    accuracies = []
    for _ in range(EPOCHS):
        net.partial_fit(X_train, y_train, classes=classes)
        accuracies.append(net.score(X_test, y_test))
    return accuracies


def _plot(spectra, curves, plots_dir):
    import matplotlib.pyplot as plt

    fig, (ax_s, ax_loss) = plt.subplots(1, 2, figsize=(11, 4))
    for label, s in spectra.items():
        ranks = np.linspace(0, 1, s.size)
        ax_s.semilogy(ranks, np.sort(s)[::-1], label=label)
    ax_s.set_xlabel("fraction of singular values (sorted)")
    ax_s.set_ylabel("singular value of dh/dx at x / 100")
    ax_s.set_title(f"Jacobian spectrum at initialisation, depth {DEPTH}")
    ax_s.legend(fontsize="small")
    for label, accuracies in curves.items():
        ax_loss.plot(np.arange(1, EPOCHS + 1), accuracies, marker="o", label=label)
    ax_loss.set_xlabel("epoch")
    ax_loss.set_ylabel("test accuracy")
    ax_loss.set_ylim(0, 1.02)
    ax_loss.set_title(f"Training the deep sigmoid ({DEPTH} layers)")
    ax_loss.legend(fontsize="small")
    fig.tight_layout()
    save_figure(fig, plots_dir, "resurrecting_the_sigmoid")

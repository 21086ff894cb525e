"""Demo section: gradient diagnostics of deep networks on the digits data."""

import warnings

from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

from ..diagnostics import GradientDiagnostics
from ..mlp import DeepSigmoidMLP
from ._util import save_figure, table

TITLE = "Gradient diagnostics: where the gradient of a deep sigmoid net vanishes"

# label -> DeepSigmoidMLP parameters
ACTIVATIONS = {
    "sigmoid": {"activation": "sigmoid"},
    "tanh": {"activation": "tanh"},
    "relu": {"activation": "relu"},
    "sigmoid+batch_norm": {"activation": "sigmoid", "batch_norm": True},
}
INITS = ("standard", "glorot_uniform", "he_uniform")
# the sigmoid net with the 'standard' init, trained beside the others as Glorot
# & Bengio trained it (plain SGD, learning rate 0.5, mini-batches of 10)
STANDARD = "sigmoid (standard init, SGD)"
GLOROT_BENGIO_SGD = {"solver": "sgd", "learning_rate_init": 0.5, "batch_size": 10}
DEPTH, WIDTH, EPOCHS = 10, 64, 8


def digits_split():
    """Standardised digits, split 75/25 (stratified, seed 0)."""
    X, y = load_digits(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.25, stratify=y, random_state=0
    )
    scaler = StandardScaler().fit(X_train)
    return scaler.transform(X_train), scaler.transform(X_test), y_train, y_test


def deep_network(label, weight_init, max_iter, **training):
    """The 10 x 64 network of the study (``max_iter=0``: at initialisation)."""
    options = {"batch_size": 64, **training, **ACTIVATIONS[label]}
    return DeepSigmoidMLP(
        (WIDTH,) * DEPTH,
        weight_init=weight_init,
        max_iter=max_iter,
        tol=0.0,
        random_state=0,
        **options,
    )


def run(plots_dir=None):
    """Print vanishing ratios at initialisation, then accuracy after training."""
    X_train, X_test, y_train, y_test = digits_split()
    print(f"{DEPTH} hidden layers of {WIDTH}; vanishing_ratio_ = ‖∂L/∂W_1‖ / ")
    print(f"‖∂L/∂W_{DEPTH}‖ at initialisation, and the diagnosis:")
    rows = []
    for label in ACTIVATIONS:
        for init in INITS:
            diagnostics = GradientDiagnostics(deep_network(label, init, 0))
            diagnostics.fit(X_train, y_train)
            rows.append(
                (label, init, diagnostics.vanishing_ratio_, diagnostics.diagnosis_)
            )
    table(rows, ("activation", "init", "vanishing ratio", "diagnosis"), "{:.2e}")

    print(
        f"\nTrained {EPOCHS} epochs (Adam, auto init: Glorot, He for relu; and the"
        "\nsigmoid net with the 'standard' init U(-1/sqrt(n), 1/sqrt(n)) trained"
        "\nby plain SGD (rate 0.5, batches of 10) as Glorot & Bengio did: its top"
        "\nlayer is driven to the sigmoid's lower asymptote, their Figure 2):"
    )
    trained = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        for label in ACTIVATIONS:
            trained[label] = deep_network(label, "auto", EPOCHS).fit(X_train, y_train)
        trained[STANDARD] = deep_network(
            "sigmoid", "standard", EPOCHS, **GLOROT_BENGIO_SGD
        ).fit(X_train, y_train)
    after = {
        label: GradientDiagnostics(net, prefit=True).fit(X_train, y_train)
        for label, net in trained.items()
    }
    table(
        [
            (
                label,
                trained[label].score(X_test, y_test),
                after[label].vanishing_ratio_,
                top_layer_mean(trained[label]),
                after[label].diagnosis_,
            )
            for label in trained
        ],
        (
            "activation",
            "test accuracy",
            "vanishing ratio",
            "top-layer mean (1st -> last epoch)",
            "diagnosis",
        ),
        "{:.3g}",
    )
    if plots_dir is not None:
        _plot(trained, after, plots_dir)


def top_layer_mean(net):
    """The top hidden layer's mean activation after the first and last epochs."""
    means = net.gradient_history_.activation_mean[:, -1]
    return f"{means[0]:.3f} -> {means[-1]:.3f}"


def _plot(trained, after, plots_dir):
    import matplotlib.pyplot as plt

    from ..plotting import GradientFlowDisplay, TrainingDynamicsDisplay

    fig, ax = plt.subplots(figsize=(7, 4.5))
    GradientFlowDisplay.from_diagnostics(after, ax=ax)
    ax.set_title(f"‖∂L/∂W_l‖ after {EPOCHS} epochs")
    save_figure(fig, plots_dir, "diagnostics_gradient_flow")
    fig, axes = plt.subplots(len(trained), 2, figsize=(11, 3.2 * len(trained)))
    for row, (label, net) in zip(axes, trained.items(), strict=True):
        # Glorot & Bengio's measure: a layer's mean activation shows it driven
        # toward an asymptote; the ReLU family has none, its dead units instead
        measure = "dead" if net.activation == "relu" else "mean"
        TrainingDynamicsDisplay.from_estimator(
            net, name=label, unit_measure=measure, ax=row
        )
    fig.tight_layout()
    save_figure(fig, plots_dir, "diagnostics_training_dynamics")

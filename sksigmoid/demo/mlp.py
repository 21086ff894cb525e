"""Demo section: why stacked sigmoids fell out of favour, measured on digits.

Eight hidden layers of 64 units, trained with the same seed and epochs with
sigmoid, tanh, relu, and sigmoid with batch normalisation. Three claims are
measured: the sigmoid is not zero-centred (mean activation per layer), it
costs an exponential (forward+backward time per epoch relative to relu), and
it saturates (per-layer gradient norms in the first and last epoch, fraction
of saturated units, test accuracy). ``examples/plot_sigmoid_vs_relu.py`` draws
the same measurements.
"""

import time
import warnings

import numpy as np
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from threadpoolctl import threadpool_limits

from ..mlp import DeepSigmoidMLP
from ._util import save_figure, table

TITLE = "Deep sigmoid networks: vanishing gradients, measured"

CONFIGS = [
    ("sigmoid", "sigmoid", False),
    ("tanh", "tanh", False),
    ("relu", "relu", False),
    ("sigmoid+BN", "sigmoid", True),
]


def digits_split(random_state=0):
    """Digits scaled to [0, 1] as float32, 25% held out (stratified)."""
    X, y = load_digits(return_X_y=True)
    X = (X / 16).astype(np.float32)
    return train_test_split(X, y, test_size=0.25, stratify=y, random_state=random_state)


def hidden_activations(clf, X):
    """Activations of every hidden layer of a fitted MLP for ``X`` (inference mode)."""
    params = clf._parameters()
    forward = clf._make_network().forward(
        params, X.astype(params.flat.dtype), running=clf._running(params.flat.dtype)
    )
    return [A.copy() for A in forward.activations]


def forward_backward_seconds(clf, X, y, batch_size=200):
    """CPU time of one epoch of forward and backward passes at the fitted weights.

    CPU rather than wall-clock time, so that other processes on the machine do
    not enter the comparison.
    """
    params = clf._parameters()
    network = clf._make_network()
    Y = clf._encode_targets(y, params.flat.dtype, True, None)
    running = clf._running(params.flat.dtype)
    grads = params.zeros_like()
    start = time.process_time()
    for begin in range(0, len(X), batch_size):
        rows = slice(begin, begin + batch_size)
        forward = network.forward(params, X[rows], training=True, running=running)
        network.backward(params, forward, Y[rows], grads=grads)
    return time.process_time() - start


def measure(depth=8, width=64, epochs=40, random_state=0, timing_repeats=5):
    """Train the four networks and measure the three claims.

    Returns
    -------
    list of dict
        One per configuration, with keys ``name``, ``mean_activation`` (per
        hidden layer, on the test set), ``grad_first`` and ``grad_last``
        (per weight layer, mean over the first / last epoch's batches of
        :math:`\\|\\partial L/\\partial W_l\\|_F`), ``saturated_last`` (per
        hidden layer), ``seconds`` (median CPU time of the forward and
        backward passes of one epoch), ``test_accuracy`` and ``loss_curve``.
    """
    # Matrices of 64 columns: a second BLAS thread only adds synchronisation.
    with threadpool_limits(1):
        return _measure(depth, width, epochs, random_state, timing_repeats)


def _measure(depth, width, epochs, random_state, timing_repeats):
    X_train, X_test, y_train, y_test = digits_split(random_state)
    results, fitted = [], []
    for name, activation, batch_norm in CONFIGS:
        clf = DeepSigmoidMLP(
            (width,) * depth,
            activation,
            batch_norm=batch_norm,
            max_iter=epochs,
            tol=0.0,
            random_state=random_state,
        )
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            clf.fit(X_train, y_train)
        fitted.append(clf)
        history = clf.gradient_history_
        results.append(
            {
                "name": name,
                "mean_activation": [
                    float(A.mean()) for A in hidden_activations(clf, X_test)
                ],
                "grad_first": history.weight_grad_norms[0],
                "grad_last": history.weight_grad_norms[-1],
                "saturated_last": history.saturated_fraction[-1],
                "test_accuracy": clf.score(X_test, y_test),
                "loss_curve": clf.loss_curve_,
            }
        )
    # round-robin repeats, so that a busy moment of the machine hits all alike
    seconds = np.array(
        [
            [forward_backward_seconds(clf, X_train, y_train) for clf in fitted]
            for _ in range(timing_repeats)
        ]
    )
    for result, column in zip(results, seconds.T, strict=True):
        result["seconds"] = float(np.median(column))
    return results


def print_tables(results):
    """Print the three claims as tables."""
    relu_seconds = next(r["seconds"] for r in results if r["name"] == "relu")
    print("(1) Not zero-centred: mean activation of hidden layers 1, 4 and 8")
    table(
        [(r["name"], *(r["mean_activation"][k] for k in (0, 3, -1))) for r in results],
        ("network", "layer 1", "layer 4", "layer 8"),
        floatfmt="{:+.3f}",
    )
    print("\n(2) The exponential's cost: CPU time of forward+backward over one epoch")
    table(
        [(r["name"], 1e3 * r["seconds"], r["seconds"] / relu_seconds) for r in results],
        ("network", "ms / epoch", "relative to relu"),
        floatfmt="{:.2f}",
    )
    print(
        "\n(3) Saturation: ||dL/dW_1|| / ||dL/dW_out|| in the first and last epoch, "
        "saturated units, test accuracy"
    )
    table(
        [
            (
                r["name"],
                r["grad_first"][0] / r["grad_first"][-1],
                r["grad_last"][0] / r["grad_last"][-1],
                float(np.mean(r["saturated_last"])),
                r["test_accuracy"],
            )
            for r in results
        ],
        ("network", "first epoch", "last epoch", "saturated", "test accuracy"),
        floatfmt="{:.3g}",
    )


def plot(results):
    """Figure: mean activation per layer, gradient norms per layer, loss curves."""
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 3, figsize=(14, 4))
    for r in results:
        layers = np.arange(1, len(r["mean_activation"]) + 1)
        axes[0].plot(layers, r["mean_activation"], "o-", label=r["name"])
        weights = np.arange(1, len(r["grad_first"]) + 1)
        (line,) = axes[1].semilogy(weights, r["grad_first"], "o-", label=r["name"])
        axes[1].semilogy(weights, r["grad_last"], "x--", color=line.get_color())
        axes[2].semilogy(r["loss_curve"], label=r["name"])
    axes[0].axhline(0, color="grey", lw=0.5)
    axes[0].set(xlabel="hidden layer", ylabel="mean activation", title="(1) centring")
    axes[1].set(
        xlabel="weight layer (input to output)",
        ylabel=r"$\|\partial L/\partial W_l\|_F$",
        title="(3) gradients: first epoch (o), last (x)",
    )
    axes[2].set(xlabel="epoch", ylabel="training loss", title="training")
    axes[0].legend()
    fig.tight_layout()
    return fig


def run(plots_dir=None):
    """Print the measurements of the three claims (and save the figure)."""
    print(
        "Digits, 8 hidden layers of 64, adam, 30 epochs, the same seed for all; "
        "float32."
    )
    results = measure(epochs=30, timing_repeats=3)
    print_tables(results)
    sigmoid, relu = (
        next(r for r in results if r["name"] == n) for n in ("sigmoid", "relu")
    )
    print(
        f"\n  The sigmoid's first layer receives "
        f"{sigmoid['grad_first'][0] / sigmoid['grad_first'][-1]:.1e} of the output "
        f"layer's gradient (relu: {relu['grad_first'][0] / relu['grad_first'][-1]:.2f});"
        " batch normalisation restores it."
    )
    if plots_dir is not None:
        save_figure(plot(results), plots_dir, "mlp_sigmoid_vs_relu")

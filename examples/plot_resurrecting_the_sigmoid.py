r"""
===============================================================
Resurrecting the sigmoid: critical orthogonal initialisation
===============================================================

Pennington, Schoenholz & Ganguli (2017) argued that deep sigmoidal networks
fail to train not because of the sigmoid itself but because of how they are
initialised: with orthogonal weights at the *edge of chaos*, every singular
value of the input-output Jacobian stays near 1 (dynamical isometry) and the
network trains at any depth, while ReLU networks cannot reach that isometry.

Here we measure it on the digits (standardised, 75/25 split): hidden layers of
64 units, depth 8 to 64, for the sigmoid, tanh and ReLU, each with Glorot's
initialisation and with the critical orthogonal one
(``weight_init="critical"``; He's for the ReLU, which has no critical
orthogonal point). For the logistic sigmoid the critical weights are those of
its tanh twin, :math:`\sigma(z) = \frac12 + \frac12\tanh(z/2)`: :math:`W_1 =
2Q`, later layers :math:`4Q` with the biases :math:`-\frac12\mathbf 1^\top W`
that cancel the :math:`\frac12` offset (see the user guide). At
initialisation :class:`~sksigmoid.GradientDiagnostics` gives the spread of
the Jacobian's singular values (the ratio of their 90th to 10th percentile,
``jacobian_spread_``: 1 is perfect isometry); then each network trains for 40
epochs (Adam, learning rate 1e-3, batches of 200).

**What we measured** (seed 0; the table below is recomputed on every build):

* **Glorot sigmoid** never trains: test accuracy 10 % (chance) at every depth,
  8 included. Its Jacobian's mean squared singular value falls by about 1e-10
  every 8 layers (9e-11 at depth 8, 6e-41 at 32) and the spread of the
  singular values is 5e4 at depth 8 and at float64's floor (about 1e15) from
  depth 32.
* **Critical sigmoid** at inputs a hundred times smaller is isometric as the
  theory says: spread 1.00 and mean s² 0.25 (the value of a sigmoid, half a
  tanh) at every depth up to 64. At the data's own scale the pre-activations
  are not small and the claim holds only in part: the spread stays 11-12 at
  every depth (against 1e15 for Glorot) but the mean s² falls with depth,
  halving per doubling (0.028 at depth 8, 0.0037 at 64) -- a power law, not
  Glorot's exponential. It trains: 0.967, 0.969, 0.976 and 0.936 test
  accuracy at depths 8, 16, 32 and 64.
* **tanh**: the critical tanh network is the critical sigmoid's twin (the
  same spreads, accuracy 0.97-0.94). Glorot tanh has a mean s² near 1 at
  small inputs up to depth 32 but a spread of 1e15; it still trains to 0.92
  at depth 32 and fails at 64 (0.19).
* **ReLU** reaches no isometry: He's initialisation keeps the mean s² near 1
  (0.5-0.97) but the spread is astronomical (1e49 and more: directions that
  dead units cut), and accuracy falls with depth, 0.85 at 32 and 0.57 at 64
  layers; Glorot's ReLU vanishes from 32 layers on.

Where the claim does not hold here: critical networks are isometric only at
small inputs, not at standardised data, and after 40 epochs the 64-layer ones
are 4 points behind the 32-layer ones.
"""

# %%
# The study
# ---------
import warnings

import matplotlib.pyplot as plt
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

from sksigmoid import DeepSigmoidMLP, GradientDiagnostics

X, y = load_digits(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(
    X, y, test_size=0.25, stratify=y, random_state=0
)
scaler = StandardScaler().fit(X_train)
X_train, X_test = scaler.transform(X_train), scaler.transform(X_test)

DEPTHS = (8, 16, 32, 64)
EPOCHS = 40
SETTINGS = {  # label -> (activation, weight_init)
    "sigmoid, Glorot": ("sigmoid", "glorot_uniform"),
    "sigmoid, critical": ("sigmoid", "critical"),
    "tanh, Glorot": ("tanh", "glorot_uniform"),
    "tanh, critical": ("tanh", "critical"),
    "relu, Glorot": ("relu", "glorot_uniform"),
    "relu, He": ("relu", "he_uniform"),
}


# Adam at 1e-3 on batches of 200; tol=0 runs every epoch
TRAINING = {
    "learning_rate_init": 1e-3,
    "batch_size": 200,
    "tol": 0.0,
    "random_state": 0,
}


def network(activation, weight_init, depth, max_iter):
    layers = (64,) * depth
    return DeepSigmoidMLP(
        layers, activation, weight_init=weight_init, max_iter=max_iter, **TRAINING
    )


results = {}
with warnings.catch_warnings():
    warnings.simplefilter("ignore", ConvergenceWarning)  # tol=0: all epochs run
    for label, (activation, weight_init) in SETTINGS.items():
        for depth in DEPTHS:
            at_start = GradientDiagnostics(
                network(activation, weight_init, depth, 0)
            ).fit(X_train, y_train)
            # the same network at inputs a hundred times smaller, where the
            # mean-field theory's small pre-activations hold
            small = GradientDiagnostics(network(activation, weight_init, depth, 0)).fit(
                X_train / 100, y_train
            )
            net = network(activation, weight_init, depth, EPOCHS)
            net.fit(X_train, y_train)
            results[label, depth] = {
                "spread": at_start.jacobian_spread_,
                "mean_s2": at_start.jacobian_mean_squared_singular_value_,
                "verdict": at_start.diagnosis_,
                "small_spread": small.jacobian_spread_,
                "small_mean_s2": small.jacobian_mean_squared_singular_value_,
                "accuracy": net.score(X_test, y_test),
                "loss": net.loss_curve_,
            }

print("Jacobian at initialisation: at the training points, and at inputs / 100")
print(
    f"{'setting':>18} {'depth':>5} {'spread':>9} {'mean s^2':>9} "
    f"{'spread/100':>10} {'s^2/100':>9} {'test acc':>8}"
)
for (label, depth), r in results.items():
    print(
        f"{label:>18} {depth:>5} {r['spread']:9.3g} {r['mean_s2']:9.3g} "
        f"{r['small_spread']:10.3g} {r['small_mean_s2']:9.3g} "
        f"{r['accuracy']:8.3f}  ({r['verdict']})"
    )

# %%
# The Jacobian at initialisation and the accuracy after training
# --------------------------------------------------------------
fig, (ax_spread, ax_acc) = plt.subplots(1, 2, figsize=(11, 4.2))
for label in SETTINGS:
    style = "-" if ("critical" in label or "He" in label) else "--"
    colour = {"sigmoid": "C0", "tanh": "C1", "relu": "C2"}[label.split(",")[0]]
    spreads = [results[label, d]["spread"] for d in DEPTHS]
    accuracies = [results[label, d]["accuracy"] for d in DEPTHS]
    ax_spread.semilogy(DEPTHS, spreads, style, color=colour, marker="o", label=label)
    ax_acc.plot(DEPTHS, accuracies, style, color=colour, marker="o", label=label)
ax_spread.set_ylabel("Jacobian spread s(90%) / s(10%) at initialisation")
ax_acc.set_ylabel(f"test accuracy after {EPOCHS} epochs")
ax_acc.set_ylim(0, 1.02)
for ax in (ax_spread, ax_acc):
    ax.set_xscale("log", base=2)
    ax.set_xticks(DEPTHS, [str(d) for d in DEPTHS])
    ax.set_xlabel("hidden layers of 64")
ax_acc.legend(fontsize="small")
fig.tight_layout()
plt.show()

# %%
# Training curves at depth 32
# ---------------------------
fig, ax = plt.subplots(figsize=(7, 4.2))
for label in SETTINGS:
    style = "-" if ("critical" in label or "He" in label) else "--"
    colour = {"sigmoid": "C0", "tanh": "C1", "relu": "C2"}[label.split(",")[0]]
    ax.semilogy(results[label, 32]["loss"], style, color=colour, label=label)
ax.set_xlabel("epoch")
ax.set_ylabel("training objective (log-loss + L2 penalty)")
ax.set_title("32 hidden layers of 64")
ax.legend(fontsize="small")
plt.show()

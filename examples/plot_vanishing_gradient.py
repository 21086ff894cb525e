r"""
=========================================================
The vanishing gradient of deep sigmoid networks, measured
=========================================================

Ten hidden layers of 64 units on the digits data (standardised), four
activations (sigmoid, tanh, ReLU, and sigmoid with batch normalisation) and
three weight initialisations ("standard" :math:`U[-1/\sqrt{n_{in}},
1/\sqrt{n_{in}}]`, Glorot uniform, He uniform).

:class:`~sksigmoid.GradientDiagnostics` measures each network at
initialisation (``max_iter=0``): the norms
:math:`\|\partial L/\partial W_l\|_F` of the mean log-loss gradient for every
layer, and the ``vanishing_ratio_`` — the first hidden layer's gradient norm
over the last one's. A ratio far below 1 means the first layers barely learn.
Then the same networks train for a fixed number of epochs.

**What we measured** (seed 0, 1347 training digits; the tables below are
recomputed on every build). At initialisation the plain sigmoid networks have
vanishing ratios of :math:`7 \times 10^{-8}` (standard), :math:`3 \times
10^{-6}` (Glorot) and :math:`4 \times 10^{-5}` (He): with Glorot's
initialisation the gradient norm grows about fourfold per layer from the first
layer (:math:`10^{-6}`) to the output (:math:`0.96`), the :math:`\sigma' \le
1/4` of the seed's claim at work. tanh, ReLU and the batch-normalised sigmoid
have ratios between 0.4 and 1.7. That one ratio does not see everything:
with the standard initialisation the ReLU network's activations shrink about
threefold per layer (standard deviation 0.33 in layer 1, :math:`10^{-4}` in
layer 10) and *all* its gradient norms are near :math:`5 \times 10^{-5}`,
equal but tiny. The verdict reads every layer, the back-propagated errors
too, and calls that nearly silent network "vanishing" (the error shrinks
toward the input as fast as the activations shrink forward). After 12 epochs of Adam the
plain sigmoid networks with the standard and Glorot initialisations are still
at chance (10% test accuracy) and He's is barely above it (20%); the
standard-initialised ReLU network, nearly silent at the start, recovers to
86%; tanh reaches 82–96%, ReLU with Glorot or He 90–94%, and the
batch-normalised sigmoid 91–92% whatever the initialisation.
"""

# %%
# Data and networks
# -----------------
import warnings

import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

from sksigmoid import (
    DeepSigmoidMLP,
    GradientDiagnostics,
    GradientFlowDisplay,
    TrainingDynamicsDisplay,
)

X, y = load_digits(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(
    X, y, test_size=0.25, stratify=y, random_state=0
)
scaler = StandardScaler().fit(X_train)
X_train, X_test = scaler.transform(X_train), scaler.transform(X_test)

activations = {
    "sigmoid": {"activation": "sigmoid"},
    "tanh": {"activation": "tanh"},
    "relu": {"activation": "relu"},
    "sigmoid + batch norm": {"activation": "sigmoid", "batch_norm": True},
}
inits = {"standard": "standard", "glorot": "glorot_uniform", "he": "he_uniform"}


def network(activation, init, max_iter):
    return DeepSigmoidMLP(
        (64,) * 10,
        weight_init=inits[init],
        max_iter=max_iter,
        batch_size=64,
        tol=0.0,
        random_state=0,
        **activations[activation],
    )


# %%
# At initialisation
# -----------------
at_init = {
    (activation, init): GradientDiagnostics(network(activation, init, 0)).fit(
        X_train, y_train
    )
    for activation in activations
    for init in inits
}

print("vanishing_ratio_ at initialisation (first / last hidden layer)")
print(f"{'':22s}" + "".join(f"{init:>12s}" for init in inits))
for activation in activations:
    ratios = [at_init[activation, init].vanishing_ratio_ for init in inits]
    print(f"{activation:22s}" + "".join(f"{r:12.2e}" for r in ratios))
print()
print("diagnosis_:")
for (activation, init), diagnostics in at_init.items():
    print(f"  {activation:22s} {init:9s} {diagnostics.diagnosis_}")

# %%
# The ratios on a log axis, and the per-layer gradient norms of the
# Glorot-initialised networks: the sigmoid's line falls by orders of magnitude
# from the output back to the first layer.
fig, (ax_ratio, ax_flow) = plt.subplots(1, 2, figsize=(11, 4))
width = 0.25
for k, init in enumerate(inits):
    ratios = [at_init[activation, init].vanishing_ratio_ for activation in activations]
    ax_ratio.bar(np.arange(4) + (k - 1) * width, ratios, width, label=init)
ax_ratio.set_yscale("log")
ax_ratio.axhline(1, color="gray", lw=0.8)
ax_ratio.set_xticks(np.arange(4), list(activations), fontsize="small")
ax_ratio.set_ylabel("vanishing_ratio_ at init")
ax_ratio.legend(title="init")
GradientFlowDisplay.from_diagnostics(
    {activation: at_init[activation, "glorot"] for activation in activations},
    ax=ax_flow,
)
ax_flow.set_title("Glorot init: ‖∂L/∂W_l‖ at initialisation")
fig.tight_layout()

# %%
# After training
# --------------
# Every network trains 12 epochs of Adam (learning rate 0.001, batches of 64).
n_epochs = 12
trained = {}
with warnings.catch_warnings():
    warnings.simplefilter("ignore", ConvergenceWarning)
    for key in at_init:
        trained[key] = network(*key, n_epochs).fit(X_train, y_train)

print(f"test accuracy after {n_epochs} epochs")
print(f"{'':22s}" + "".join(f"{init:>12s}" for init in inits))
for activation in activations:
    scores = [trained[activation, init].score(X_test, y_test) for init in inits]
    print(f"{activation:22s}" + "".join(f"{s:12.3f}" for s in scores))

# %%
# Training dynamics: the gradient norm of every layer and the share of
# saturated units per epoch, read from each network's ``gradient_history_``.
fig, axes = plt.subplots(3, 2, figsize=(11, 10))
shown = [("sigmoid", "glorot"), ("relu", "he"), ("sigmoid + batch norm", "glorot")]
for row, key in zip(axes, shown, strict=True):
    TrainingDynamicsDisplay.from_estimator(
        trained[key], name=f"{key[0]}, {key[1]} init", ax=row
    )
fig.tight_layout()
plt.show()

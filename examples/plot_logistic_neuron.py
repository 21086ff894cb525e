"""
==========================================
Logistic regression is one sigmoid neuron
==========================================

A single neuron computes :math:`X = b_0 + b_1 x` and outputs
:math:`g(X) = 1/(1+e^{-X})`. Trained to minimise the log-loss it *is* logistic
regression. Here the same neuron, on one feature of the breast-cancer data, is
trained two ways:

* the neural way, full-batch gradient descent :math:`W \\leftarrow W - \\eta\\,
  \\partial L/\\partial W`, which creeps towards the optimum;
* the statistical way, Newton's method (iteratively reweighted least squares),
  which reaches the maximum-likelihood estimate to machine precision in a
  handful of iterations and, as a bonus, gives standard errors.

Measured when this example was written: Newton converges in 7 iterations;
gradient descent with :math:`\\eta = 2` needs 166 iterations to come within
:math:`10^{-6}` of the same loss, 327 to come within :math:`10^{-10}`, and stops
(``tol=1e-8``) after 508 with the slope :math:`b_1` equal to Newton's to six
digits.
"""

# %%
# One feature, standardised: "mean concave points".
import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_breast_cancer

from sksigmoid import SigmoidNeuronClassifier

data = load_breast_cancer()
x = data.data[:, [7]]
x = (x - x.mean()) / x.std()
y = data.target  # 1 = benign

# %%
# Train by Newton (the default solver) and by gradient descent.
newton = SigmoidNeuronClassifier(solver="newton").fit(x, y)
gd = SigmoidNeuronClassifier(solver="gd", learning_rate=2.0, max_iter=2000, tol=1e-8)
gd.fit(x, y)

print(
    f"Newton: {newton.n_iter_[0]} iterations, b0={newton.intercept_[0]:.6f}, "
    f"b1={newton.coef_[0, 0]:.6f}"
)
print(
    f"GD:     {gd.n_iter_[0]} iterations, b0={gd.intercept_[0]:.6f}, "
    f"b1={gd.coef_[0, 0]:.6f}"
)

# %%
# Newton also gives the maximum-likelihood standard errors.
print(f"b1 = {newton.coef_[0, 0]:.3f} +/- {newton.coef_se_[0, 0]:.3f} (standard error)")

# %%
# The loss curves: gradient descent approaches the Newton optimum linearly,
# Newton quadratically.
optimum = newton.loss_curve_[-1]
fig, (ax_loss, ax_fit) = plt.subplots(1, 2, figsize=(10, 4))
ax_loss.semilogy(np.array(gd.loss_curve_) - optimum + 1e-17, label="gradient descent")
ax_loss.semilogy(np.array(newton.loss_curve_) - optimum + 1e-17, "o-", label="Newton")
ax_loss.set(xlabel="iteration", ylabel="loss minus optimum", title="Training")
ax_loss.legend()

# %%
# The fitted sigmoid over the data: p(benign | x) = g(b0 + b1 x).
grid = np.linspace(x.min(), x.max(), 300).reshape(-1, 1)
ax_fit.plot(x[:, 0], y, "|", alpha=0.3, label="samples")
ax_fit.plot(grid, newton.predict_proba(grid)[:, 1], lw=3, label="Newton")
ax_fit.plot(grid, gd.predict_proba(grid)[:, 1], "--", label="gradient descent")
ax_fit.set(
    xlabel="mean concave points (standardised)",
    ylabel="p(benign)",
    title="The neuron's output",
)
ax_fit.legend()
fig.tight_layout()
plt.show()

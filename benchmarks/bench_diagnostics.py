"""Overhead of GradientDiagnostics over one plain forward+backward pass.

A DeepSigmoidMLP with 10 hidden layers of 64 sigmoid units, at
initialisation, on the digits data (1797 x 64, standardised, float64). We time

* the plain pass: the network core's training forward pass and backward pass
  over all samples, on a warmed-up network (what one full-batch gradient of
  training costs);
* ``GradientDiagnostics(net, prefit=True).fit(X, y)``: input validation, the
  same forward and backward pass, and the per-layer norms and activation
  statistics.

alternately, so that both see the same load of a shared machine, and print
the medians and the median of the per-round ratios (target: at most 1.3 for
the gradient diagnostics; the Jacobian's singular values, dynamical
isometry, at the default 32 points come on top and are reported beside).
Run with ``python benchmarks/bench_diagnostics.py``.
"""

import time

import numpy as np
from sklearn.datasets import load_digits
from sklearn.preprocessing import StandardScaler

from sksigmoid import DeepSigmoidMLP, GradientDiagnostics
from sksigmoid.diagnostics import _encoded_targets, _network_parts

REPEATS = 30


def wall_time(function):
    """Wall time of one call of ``function()``."""
    start = time.perf_counter()
    function()
    return time.perf_counter() - start


def interleaved_times(first, second, repeats=REPEATS):
    """Times of ``first()`` and ``second()`` called in alternation, after a warm-up."""
    first(), second()
    rounds = [(wall_time(first), wall_time(second)) for _ in range(repeats)]
    return np.array(rounds).T


def main():
    X, y = load_digits(return_X_y=True)
    X = StandardScaler().fit_transform(X)
    net = DeepSigmoidMLP((64,) * 10, max_iter=0, random_state=0).fit(X, y)
    network, params, running = _network_parts(net)
    Y = _encoded_targets(net, y, X.dtype)

    def plain_pass():
        forward = network.forward(params, X, training=True, running=running)
        network.backward(params, forward, Y)

    def gradients_fit():
        GradientDiagnostics(net, prefit=True, n_jacobian_points=0).fit(X, y)

    def diagnostics_fit():
        GradientDiagnostics(net, prefit=True).fit(X, y)

    plain, gradients = interleaved_times(plain_pass, gradients_fit)
    plain_2, diagnostics = interleaved_times(plain_pass, diagnostics_fit)
    print(f"network: 10 x 64 sigmoid, digits {X.shape}, median of {REPEATS}")
    print(f"  plain forward+backward   {1e3 * np.median(plain):8.2f} ms")
    print(
        f"  GradientDiagnostics.fit, gradients only (n_jacobian_points=0) "
        f"{1e3 * np.median(gradients):8.2f} ms, ratio "
        f"{np.median(gradients / plain):5.2f}x  (target <= 1.3x)"
    )
    print(
        f"  GradientDiagnostics.fit, default (Jacobian at 32 points)      "
        f"{1e3 * np.median(diagnostics):8.2f} ms, ratio "
        f"{np.median(diagnostics / plain_2):5.2f}x  (the isometry's cost)"
    )


if __name__ == "__main__":
    main()

r"""The input-output Jacobian of a network's hidden stack, and its isometry.

For a row :math:`x` of the input, the hidden layers compute
:math:`h_l = f(z_l)`, :math:`z_l = h_{l-1} W_l + b_l` (:math:`h_0 = x`,
scikit-learn's layout), so the Jacobian of the last hidden layer's
activations with respect to the input is the product

.. math::
    J(x) = \frac{\partial h_L}{\partial x}
    = D_L W_L^\top D_{L-1} W_{L-1}^\top \cdots D_1 W_1^\top,
    \qquad D_l = \operatorname{diag} f'(z_l(x)),

of shape (width of the last hidden layer, n_features). With batch
normalisation, :math:`W_l` stands for the folded weights
:math:`W_l \operatorname{diag}(\gamma_l/\sqrt{v_l + \epsilon})` of the
affine map batch normalisation is at inference (the statistics held fixed).

Pennington, Schoenholz & Ganguli (2017), "Resurrecting the sigmoid in deep
learning through dynamical isometry", showed that a deep sigmoidal network
learns fast when *every* singular value of :math:`J` stays near 1, not only
their mean square (the mean-field :math:`\chi` of each layer): orthogonal
weights at the edge of chaos achieve it, Gaussian ones do not, and ReLU
networks cannot.

The product is carried, for every point at once, as ``T[p] = J(x_p)^T``,
one matrix product per layer over all points (``T @ W_l``, then the columns
scaled by :math:`f'(z_l)`), with the largest entry of each point's matrix kept
near 1 and a power of two carried apart (exact scaling, as in
:mod:`sksigmoid.recurrent`): a product of many small or large factors gives
singular values of 0 or ``inf`` where float64 ends, never ``nan`` or a failed
SVD.
"""

import numpy as np
from sklearn.utils import Bunch

__all__ = [
    "ISOMETRIC_MEAN_SQUARED_SINGULAR_VALUE",
    "isometric_value",
    "jacobian_points",
    "layer_factors",
    "hidden_jacobians",
    "jacobian_singular_values",
    "layer_chi",
    "spread",
    "measure_isometry",
]

#: The mean squared singular value of :math:`J` of an isometric stack, per
#: activation; the activations left out never get the verdict "isometric".
#:
#: * tanh, softsign, identity: 1, :math:`f'(0) = 1` -- orthogonal weights at
#:   small inputs make every :math:`D_l W_l^\top` orthogonal.
#: * sigmoid: 1/4. :math:`\sigma(z) = \frac12 + \frac12 \tanh(z/2)`, so a
#:   sigmoid stack is exactly half the tanh stack with weights
#:   :math:`W_1/2` and :math:`W_l/4` (biases shifted): :math:`h_L = \frac12 +
#:   \frac12 t_L`, :math:`J = \frac12 J_{\tanh}`. The sigmoid is judged by
#:   that tanh network; isometric means :math:`s \approx 1/2`. (It is what
#:   Pennington et al.'s critical sigmoid, :math:`W_1 = 2Q`,
#:   :math:`W_l = 4Q`, centred biases, gives.)
#: * hard_sigmoid: 1/4, for the same reason
#:   (:math:`\frac12 + \frac12 \operatorname{clip}(z/3, -1, 1)`).
#: * the ReLU family (relu, leaky_relu, elu, gelu, silu, softplus) and user
#:   activations: excluded. He's gain makes the *mean* :math:`s^2` 1
#:   (:math:`\chi = 2 \cdot \frac12`), but a ReLU layer zeroes about half its
#:   units, so :math:`J` loses about half its rank and its spectrum never
#:   concentrates -- Pennington et al. show that no weight distribution gives
#:   a ReLU network dynamical isometry. A stack whose every unit happens to
#:   be active is linear there, and "isometric" would describe that accident,
#:   not the network.
ISOMETRIC_MEAN_SQUARED_SINGULAR_VALUE = {
    "tanh": 1.0,
    "softsign": 1.0,
    "identity": 1.0,
    "sigmoid": 0.25,
    "hard_sigmoid": 0.25,
}


def isometric_value(activation_name):
    """:data:`ISOMETRIC_MEAN_SQUARED_SINGULAR_VALUE` of an activation, or None."""
    return ISOMETRIC_MEAN_SQUARED_SINGULAR_VALUE.get(activation_name)


def jacobian_points(n_samples, n_points):
    """Evenly spaced row indices ``floor(k n_samples / n_points)``, ``k < n_points``.

    All rows when ``n_points`` is None or at least ``n_samples``; the first
    row is always included. Deterministic, so no random state is needed.
    """
    if n_points is None or n_points >= n_samples:
        return np.arange(n_samples)
    return np.arange(n_points) * n_samples // n_points


def layer_factors(network, params, forward, rows):
    r"""Per hidden layer, the weights :math:`W_l` (folded) and :math:`f'(z_l)` at ``rows``.

    Read off a forward pass of ``network``: its pre-activations at ``rows``
    give :math:`f'(z_l)`, evaluated in float64; with batch normalisation the
    per-unit scale :math:`\gamma_l/\sqrt{v_l + \epsilon}` of that pass (its
    own statistics, ``forward.inv_std``) is folded into the columns of
    :math:`W_l`.

    Returns
    -------
    list of (ndarray of shape (fan_in, fan_out), ndarray of shape (n_rows, fan_out))
    """
    n_hidden = len(params.coefs) - 1
    factors = []
    with np.errstate(all="ignore"):
        for k in range(n_hidden):
            W = params.coefs[k].astype(np.float64)
            if network.batch_norm:
                W *= params.gammas[k].astype(np.float64) * forward.inv_std[k]
            Z = forward.pre_activations[k][rows].astype(np.float64, copy=False)
            A = network.activation.function(Z, np.empty_like(Z))
            slopes = network.activation.derivative(Z, A, np.empty_like(Z))
            factors.append((W, slopes))
    return factors


#: Points per block of the product: a block's ``T`` holds at most this many
#: float64 entries (32 MiB), whatever the number of points.
_BLOCK_ENTRIES = 1 << 22


def hidden_jacobians(factors):
    """:math:`J(x_p)` itself for every point, in one block (entries beyond
    float64 are ``±inf``); the diagnostics need only the singular values.

    Returns
    -------
    ndarray of shape (n_points, width of the last hidden layer, n_features)
    """
    mantissas, exponents = _scaled_transposed_jacobians(factors)
    with np.errstate(over="ignore", under="ignore"):
        jacobians = np.ldexp(mantissas, exponents[:, None, None])
    return jacobians.transpose(0, 2, 1)


def jacobian_singular_values(factors):
    """Singular values of :math:`J(x_p)` for every point, in descending order.

    Returns
    -------
    ndarray of shape (n_points, min(n_features, width of the last hidden layer))
        ``nan`` for a point whose product is not finite (a ``nan`` or ``inf``
        slope or weight); 0 and ``inf`` where float64 ends.
    """
    n_points = factors[0][1].shape[0]
    n_features = factors[0][0].shape[0]
    widest = max(W.shape[1] for W, _ in factors)
    block = max(1, _BLOCK_ENTRIES // (n_features * widest))
    values = [
        _block_singular_values([(W, d[start : start + block]) for W, d in factors])
        for start in range(0, n_points, block)
    ]
    return np.concatenate(values)


def _block_singular_values(factors):
    mantissas, exponents = _scaled_transposed_jacobians(factors)
    n_points, n_features, width = mantissas.shape
    values = np.full((n_points, min(n_features, width)), np.nan)
    finite = np.isfinite(mantissas).all(axis=(1, 2))
    if finite.any():
        values[finite] = np.linalg.svd(mantissas[finite], compute_uv=False)
    with np.errstate(over="ignore", under="ignore"):
        return np.ldexp(values, exponents[:, None])


def _scaled_transposed_jacobians(factors):
    r""":math:`J(x_p)^\top = M_p 2^{e_p}`, with :math:`\max |M_p|` in :math:`[1/2, 1)`.

    Returns
    -------
    mantissas : ndarray of shape (n_points, n_features, width of the last layer)
    exponents : ndarray of int of shape (n_points,)
    """
    (W, slopes), *rest = factors
    n_points = slopes.shape[0]
    exponents = np.zeros(n_points, dtype=np.int64)
    with np.errstate(all="ignore"):
        M = W[None, :, :] * slopes[:, None, :]
        exponents += _rescale(M)
        for W, slopes in rest:
            n_features = M.shape[1]
            M = (M.reshape(-1, W.shape[0]) @ W).reshape(n_points, n_features, -1)
            M *= slopes[:, None, :]
            exponents += _rescale(M)
    return M, exponents


def _rescale(M):
    """Divide each ``M[p]`` by the power of two that brings its largest entry
    into [1/2, 1), in place; return those exponents (0 for a zero or
    non-finite matrix, which is left as it is)."""
    largest = np.max(np.abs(M), axis=(1, 2))
    usable = np.isfinite(largest) & (largest > 0)
    _, shifts = np.frexp(np.where(usable, largest, 1.0))
    shifts[~usable] = 0
    np.ldexp(M, -shifts[:, None, None], out=M)
    return shifts


def layer_chi(factors):
    r""":math:`\chi_l = \frac{1}{n_l} \|D_l W_l^\top\|_F^2` averaged over the points.

    :math:`n_l` is the layer's width (fan-out); :math:`\|D_l W_l^\top\|_F^2 =
    \sum_j f'(z_{lj})^2 \sum_i W_{l,ij}^2`, so :math:`\chi_l` is the mean-field
    :math:`\sigma_w^2\, \mathbb E[f'(z)^2]` with :math:`\sigma_w^2` the fan-in
    times the weights' variance, and the mean squared singular value of
    :math:`D_l W_l^\top` when :math:`n_l \le n_{l-1}`.

    Returns
    -------
    ndarray of shape (n_hidden_layers,)
    """
    with np.errstate(all="ignore"):
        return np.array(
            [
                np.mean(np.square(slopes) @ np.einsum("ij,ij->j", W, W)) / W.shape[1]
                for W, slopes in factors
            ]
        )


def spread(singular_values):
    """90th over 10th percentile of all the singular values (linear interpolation).

    ``inf`` when the 10th percentile is 0, ``nan`` when a value is ``nan``.
    """
    if np.isnan(singular_values).any():
        return np.nan
    low, high = np.percentile(singular_values, [10, 90])
    if low == 0:
        return np.inf
    with np.errstate(over="ignore", invalid="ignore"):
        return float(high / low)


def mean_square(singular_values):
    """Mean of :math:`s^2` over every point and singular value."""
    with np.errstate(over="ignore", invalid="ignore"):
        return float(np.mean(np.square(singular_values)))


def measure_isometry(network, params, forward, rows):
    """The Jacobian's singular values at ``rows`` of ``forward``, their summaries
    and the per-layer :math:`\\chi`.

    Returns
    -------
    Bunch
        ``singular_values``, ``mean_squared_singular_value``, ``spread``,
        ``layer_chi``.
    """
    if len(rows) == 0:  # n_jacobian_points=0: not measured
        n_features = params.coefs[0].shape[0]
        n_hidden = len(params.coefs) - 1
        last = params.coefs[n_hidden - 1].shape[1] if n_hidden else n_features
        return Bunch(
            singular_values=np.empty((0, min(n_features, last))),
            mean_squared_singular_value=np.nan,
            spread=np.nan,
            layer_chi=np.full(n_hidden, np.nan),
        )
    factors = layer_factors(network, params, forward, rows)
    with np.errstate(all="ignore"):  # limits are handled: 0, inf or nan, as documented
        singular_values = jacobian_singular_values(factors)
        return Bunch(
            singular_values=singular_values,
            mean_squared_singular_value=mean_square(singular_values),
            spread=spread(singular_values),
            layer_chi=layer_chi(factors),
        )

"""Numerically stable sigmoid, log-sigmoid, softmax and log-losses from logits.

Every estimator of sksigmoid computes probabilities and losses through these
functions, so that no one evaluates ``log(1 / (1 + exp(-z)))`` naively. All
functions keep the floating dtype of their input (float32 stays float32) and
raise no ``RuntimeWarning`` for logits of any finite magnitude.
"""

from functools import lru_cache

import numpy as np
from scipy.special import expit, log_expit

__all__ = [
    "sigmoid",
    "sigmoid_derivative",
    "log_sigmoid",
    "softmax",
    "log_softmax",
    "binary_log_losses",
    "binary_log_losses_and_gradient",
    "binary_log_loss",
    "multinomial_log_loss",
    "multinomial_log_losses_and_gradient",
    "log_loss_gradient",
    "weighted_mean",
    "constant_array",
]


def sigmoid(z, out=None):
    r"""Logistic sigmoid :math:`g(z) = 1 / (1 + e^{-z})`, stable for any ``z``.

    Parameters
    ----------
    z : array-like
        Logits.
    out : ndarray, default=None
        Optional output array (may be ``z`` itself, for an in-place update).

    Returns
    -------
    ndarray
        :math:`g(z)`, in the dtype of ``z``.
    """
    return expit(z, out=out)


def sigmoid_derivative(z):
    r"""Derivative :math:`g'(z) = g(z)\,(1 - g(z)) = g(z)\,g(-z) \le 1/4`.

    Computed as :math:`g(z)\,g(-z)`, which keeps full relative precision in
    both tails (``1 - g(z)`` would round to 0 for large positive ``z``).
    """
    return expit(z) * expit(-z)


def log_sigmoid(z):
    r"""Log of the sigmoid, :math:`\log g(z) = -\log(1 + e^{-z})`, without log(0).

    For very negative ``z`` it returns ``z`` to full precision rather than
    ``log`` of an underflowed probability.
    """
    return log_expit(z)


def _shifted_exp(Z):
    """``Z - max_k Z`` row-wise and its exponential (every entry in (0, 1])."""
    shifted = Z - Z.max(axis=1, keepdims=True)
    return shifted, np.exp(shifted)


def softmax(Z):
    r"""Row-wise softmax :math:`e^{z_k} / \sum_j e^{z_j}` of a 2-D array of logits.

    Computed from :math:`z_k - \max_j z_j`, so no exponential overflows.
    """
    _, e = _shifted_exp(Z)
    e /= e.sum(axis=1, keepdims=True)
    return e


def log_softmax(Z, axis=1):
    r"""Row-wise :math:`\log \mathrm{softmax}(Z)_k = z_k - \max_j z_j -
    \log\sum_j e^{z_j - \max_j z_j}` of a 2-D array of logits.

    Plain numpy (scipy's version costs ~10x more on the small arrays of a
    mini-batch); only ``axis=1`` is supported.
    """
    if axis not in (1, -1):
        raise ValueError(f"log_softmax works along axis 1; got axis={axis}.")
    shifted, e = _shifted_exp(Z)
    shifted -= np.log(e.sum(axis=1, keepdims=True))
    return shifted


@lru_cache(maxsize=16)
def constant_array(shape, dtype, value):
    """A cached read-only array of ``value``: an operand that hot loops reuse
    (the ones of a column sum as a BLAS product, the zeros of a two-array
    ``maximum``) instead of allocating it, or broadcasting a scalar, each time."""
    array = np.full(shape, value, dtype=dtype)
    array.flags.writeable = False
    return array


def weighted_mean(values, sample_weight):
    """Mean of ``values`` weighted by ``sample_weight`` (None: equal weights),
    accumulated in float64."""
    if sample_weight is None:
        return values.mean(dtype=np.float64)
    return np.average(values, weights=sample_weight)


def _exp_minus_abs(z):
    """:math:`e^{-|z|}`, in (0, 1]: no overflow for any ``z``."""
    e = np.abs(z)
    np.negative(e, out=e)
    return np.exp(e, out=e)


def _log_losses_from(y, z, e):
    r""":math:`\log(1 + e^{z}) - yz = \log(1 + e) + \max(z, 0) - yz` given
    :math:`e = e^{-|z|}` (faster than ``logaddexp``)."""
    losses = np.log1p(e)
    losses += np.maximum(z, 0)
    losses -= y * z
    return losses


def binary_log_losses(y, z):
    r"""Per-sample binary log-loss :math:`\log(1 + e^{z_i}) - y_i z_i` from logits.

    Equals :math:`-[y_i \log g(z_i) + (1-y_i)\log(1-g(z_i))]` but never forms a
    probability, so it is exact where ``g(z)`` rounds to 0 or 1.
    """
    return _log_losses_from(y, z, _exp_minus_abs(z))


def binary_log_losses_and_gradient(y, z):
    r"""Per-sample binary log-loss and its derivative :math:`g(z_i) - y_i`, from
    one exponential.

    With :math:`e_i = e^{-|z_i|}`: :math:`\log(1 + e^{z_i}) = \log(1 + e_i) +
    \max(z_i, 0)` and :math:`g(z_i) = 1/(1 + e_i)` for :math:`z_i \ge 0`,
    :math:`e_i/(1 + e_i)` otherwise (both to full relative precision). The
    same values as :func:`binary_log_losses` and :func:`log_loss_gradient`,
    for the cost of one of them.

    Returns
    -------
    losses, gradient : ndarray of the shape of ``z``
    """
    e = _exp_minus_abs(z)
    losses = _log_losses_from(y, z, e)
    gradient = np.where(z >= 0, 1, e)
    e += 1
    gradient /= e
    gradient -= y
    return losses, gradient


def binary_log_loss(y, z, sample_weight=None):
    r"""Mean binary log-loss computed from logits.

    .. math::
        L = \frac{1}{\sum_i s_i} \sum_i s_i \left[\log(1 + e^{z_i}) - y_i z_i\right]

    (see :func:`binary_log_losses`).

    Parameters
    ----------
    y : ndarray of shape (n_samples,)
        Targets in {0, 1}.
    z : ndarray of shape (n_samples,)
        Logits.
    sample_weight : ndarray of shape (n_samples,), default=None
        Weights :math:`s_i`; ``None`` means all ones.

    Returns
    -------
    float
    """
    return float(weighted_mean(binary_log_losses(y, z), sample_weight))


def multinomial_log_loss(Y, Z, sample_weight=None):
    r"""Mean multinomial log-loss (cross-entropy) computed from logits.

    .. math::
        L = -\frac{1}{\sum_i s_i} \sum_i s_i \sum_k Y_{ik} \log \mathrm{softmax}(Z_i)_k

    Parameters
    ----------
    Y : ndarray of shape (n_samples, n_classes)
        One-hot (or soft) targets.
    Z : ndarray of shape (n_samples, n_classes)
        Logits.
    sample_weight : ndarray of shape (n_samples,), default=None

    Returns
    -------
    float
    """
    shifted, e = _shifted_exp(Z)
    losses = _cross_entropies(Y, shifted, e.sum(axis=1, keepdims=True))
    return float(weighted_mean(losses, sample_weight))


def _cross_entropies(Y, shifted, total):
    r""":math:`-\sum_k Y_{ik}\log\mathrm{softmax}(Z_i)_k = \log S_i \sum_k Y_{ik}
    - \sum_k Y_{ik} s_{ik}`, given :math:`s = Z - \max_k Z` row-wise and
    :math:`S_i = \sum_k e^{s_{ik}}` (``total``, of shape (n, 1))."""
    losses = np.log(total[:, 0]) * Y.sum(axis=1)
    losses -= np.einsum("ik,ik->i", Y, shifted)
    return losses


def multinomial_log_losses_and_gradient(Y, Z):
    r"""Per-sample cross-entropy and its gradient :math:`\mathrm{softmax}(Z_i) - Y_i`,
    from one exponential.

    The losses of :func:`multinomial_log_loss`, and
    :math:`\mathrm{softmax}(Z_i)_k = e^{s_{ik}}/S_i` from the same
    exponentials :math:`e^{s_{ik}}`, :math:`s = Z - \max_k Z` row-wise.

    Returns
    -------
    losses : ndarray of shape (n_samples,)
    gradient : ndarray of shape (n_samples, n_classes)
    """
    shifted, e = _shifted_exp(Z)
    total = e.sum(axis=1, keepdims=True)
    losses = _cross_entropies(Y, shifted, total)
    e /= total
    e -= Y
    return losses, e


def log_loss_gradient(Y, Z):
    r"""Gradient of the per-sample log-loss with respect to the logits.

    For a single logistic output (``Z`` of shape (n,) or (n, 1)) it is
    :math:`g(z) - y`; for a softmax output it is :math:`\mathrm{softmax}(Z) - Y`.
    Both follow from pairing the output non-linearity with its canonical loss,
    which is why neither needs the sigmoid's derivative (and why the output unit
    never saturates the gradient).
    """
    if Z.ndim == 1 or Z.shape[1] == 1:
        return expit(Z) - Y
    P = softmax(Z)
    P -= Y
    return P

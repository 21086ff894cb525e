"""The sigmoid and its companions as functions of logits (the public names).

Numerically stable versions of what every estimator of sksigmoid computes
with: :func:`sigmoid` :math:`g(z) = 1/(1 + e^{-z})`, :func:`log_sigmoid`
:math:`\\log g(z)`, :func:`softmax`, and the log-losses from logits
(:func:`binary_log_loss`, :func:`multinomial_log_loss`) with their gradient
(:func:`log_loss_gradient`). They keep the floating dtype of their input and
raise no ``RuntimeWarning`` for logits of any finite magnitude.
"""

from ._numeric import (
    binary_log_loss,
    log_loss_gradient,
    log_sigmoid,
    multinomial_log_loss,
    sigmoid,
    softmax,
)

__all__ = [
    "sigmoid",
    "log_sigmoid",
    "softmax",
    "binary_log_loss",
    "multinomial_log_loss",
    "log_loss_gradient",
]

r"""Weight initialisers by name.

Each initialiser draws a weight matrix of shape ``(fan_in, fan_out)``
(scikit-learn's layout) from a :class:`numpy.random.RandomState`:

=================  ===========================================================
``standard``       :math:`U[-1/\sqrt{n_{in}},\ 1/\sqrt{n_{in}}]` (the "standard"
                   initialisation criticised by Glorot & Bengio 2010)
``glorot_uniform`` :math:`U[-r, r]`, :math:`r = \sqrt{6/(n_{in}+n_{out})}`
``glorot_normal``  :math:`N(0, 2/(n_{in}+n_{out}))`
``he_uniform``     :math:`U[-r, r]`, :math:`r = \sqrt{6/n_{in}}`
``he_normal``      :math:`N(0, 2/n_{in})`
``lecun_normal``   :math:`N(0, 1/n_{in})`
=================  ===========================================================

Glorot's rule keeps the variance of activations and gradients constant for
unit-slope, zero-centred activations (tanh, sigmoid near 0); He's rule
doubles it to compensate for the half of the ReLU's input that is zeroed.
Draws are made in float64 and cast, so float32 and float64 fits start from the
same weights up to rounding.
"""

import numpy as np

from ._activations import RELU_FAMILY

__all__ = ["INITIALIZERS", "get_initializer", "resolve_init", "initial_weights"]


def _uniform(rng, limit, shape):
    return rng.uniform(-limit, limit, size=shape)


def _normal(rng, std, shape):
    return rng.normal(0.0, std, size=shape)


def standard(fan_in, fan_out, rng):
    r""":math:`U[-1/\sqrt{n_{in}}, 1/\sqrt{n_{in}}]`."""
    return _uniform(rng, 1 / np.sqrt(fan_in), (fan_in, fan_out))


def glorot_uniform(fan_in, fan_out, rng):
    r""":math:`U[-r, r]` with :math:`r = \sqrt{6/(n_{in}+n_{out})}`."""
    return _uniform(rng, np.sqrt(6 / (fan_in + fan_out)), (fan_in, fan_out))


def glorot_normal(fan_in, fan_out, rng):
    r""":math:`N(0, \sigma^2)` with :math:`\sigma^2 = 2/(n_{in}+n_{out})`."""
    return _normal(rng, np.sqrt(2 / (fan_in + fan_out)), (fan_in, fan_out))


def he_uniform(fan_in, fan_out, rng):
    r""":math:`U[-r, r]` with :math:`r = \sqrt{6/n_{in}}`."""
    return _uniform(rng, np.sqrt(6 / fan_in), (fan_in, fan_out))


def he_normal(fan_in, fan_out, rng):
    r""":math:`N(0, 2/n_{in})`."""
    return _normal(rng, np.sqrt(2 / fan_in), (fan_in, fan_out))


def lecun_normal(fan_in, fan_out, rng):
    r""":math:`N(0, 1/n_{in})`."""
    return _normal(rng, np.sqrt(1 / fan_in), (fan_in, fan_out))


INITIALIZERS = {
    f.__name__: f
    for f in [
        standard,
        glorot_uniform,
        glorot_normal,
        he_uniform,
        he_normal,
        lecun_normal,
    ]
}


def resolve_init(weight_init, activation_name):
    """Name of the initialiser that ``weight_init="auto"`` means for an activation.

    He (uniform) for the ReLU family, Glorot (uniform) otherwise; any other
    value is returned unchanged.
    """
    if weight_init != "auto":
        return weight_init
    return "he_uniform" if activation_name in RELU_FAMILY else "glorot_uniform"


def get_initializer(weight_init):
    """The initialiser called ``weight_init``, or ``weight_init`` itself if callable.

    Raises
    ------
    ValueError
        For an unknown name; the message lists the valid ones.
    """
    if callable(weight_init):
        return weight_init
    try:
        return INITIALIZERS[weight_init]
    except KeyError:
        raise ValueError(
            f"Unknown weight_init {weight_init!r}; valid ones are "
            f"{['auto', *sorted(INITIALIZERS)]} or a callable "
            "(fan_in, fan_out, random_state) -> array of shape (fan_in, fan_out)."
        ) from None


def initial_weights(initializer, layer_sizes, rng, dtype):
    """Weight matrices of every layer, drawn in order from the input layer.

    Parameters
    ----------
    initializer : callable
        ``initializer(fan_in, fan_out, rng)`` returning a (fan_in, fan_out) array.
    layer_sizes : sequence of int
        Widths from the input to the output layer.
    rng : numpy.random.RandomState
    dtype : numpy dtype

    Returns
    -------
    list of ndarray
    """
    weights = []
    for fan_in, fan_out in zip(layer_sizes[:-1], layer_sizes[1:], strict=True):
        W = np.asarray(initializer(fan_in, fan_out, rng))
        if W.shape != (fan_in, fan_out):
            raise ValueError(
                f"weight_init returned shape {W.shape} for a layer of fan_in="
                f"{fan_in}, fan_out={fan_out}; expected ({fan_in}, {fan_out})."
            )
        weights.append(W.astype(dtype))
    return weights

r"""Weight initialisers by name.

Per-layer initialisers
----------------------
Each of :data:`INITIALIZERS` draws a weight matrix of shape
``(fan_in, fan_out)`` (scikit-learn's layout, :math:`Z = A W + b`) from a
:class:`numpy.random.RandomState`; the intercepts start at zero:

==================  =========================================================
``standard``        :math:`U[-1/\sqrt{n_{in}},\ 1/\sqrt{n_{in}}]` (the "standard"
                    initialisation criticised by Glorot & Bengio 2010)
``glorot_uniform``  :math:`U[-r, r]`, :math:`r = \sqrt{6/(n_{in}+n_{out})}`
``glorot_normal``   :math:`N(0, 2/(n_{in}+n_{out}))`
``he_uniform``      :math:`U[-r, r]`, :math:`r = \sqrt{6/n_{in}}`
``he_normal``       :math:`N(0, 2/n_{in})`
``lecun_normal``    :math:`N(0, 1/n_{in})`
==================  =========================================================

Glorot's rule keeps the variance of activations and gradients constant for
unit-slope, zero-centred activations (tanh, sigmoid near 0); He's rule
doubles it to compensate for the half of the ReLU's input that is zeroed.
A user callable ``f(fan_in, fan_out, rng) -> W`` is used the same way.

Whole-network initialisers
--------------------------
:data:`NETWORK_INITIALIZERS` depend on the activation and on the position of
a layer, and may set intercepts; each is ``f(layer_sizes, activation_name,
rng) -> (coefs, intercepts)``. :func:`initial_parameters` is the one entry
point for both kinds.

``orthogonal`` (Saxe, McClelland & Ganguli 2014) draws, for every layer, a
Haar-distributed (semi-)orthogonal :math:`Q` (:func:`orthogonal_matrix`:
:math:`Q^\top Q = I` when :math:`n_{in} \ge n_{out}`, :math:`Q Q^\top = I`
otherwise) and sets :math:`W_l = g\,Q_l`, :math:`b_l = 0`. The gain
:math:`g = 1/f'(0)` makes the layer's Jacobian :math:`f'(0)\,g\,Q_l^\top` an
isometry at small pre-activations; the output layer, linear before the loss,
has :math:`g = 1` (:func:`orthogonal_gain`, :data:`ORTHOGONAL_GAINS`):

=============================================  ===============  ===============
activation                                     :math:`f'(0)`    gain :math:`g`
=============================================  ===============  ===============
``sigmoid``                                    1/4              4
``hard_sigmoid``                               1/6              6
``tanh``, ``softsign``, ``identity``           1                1
``relu``, ``leaky_relu``, ``elu``              (ReLU family)    :math:`\sqrt 2`
``gelu``, ``silu``, ``softplus``               (ReLU family)    :math:`\sqrt 2`
a user pair ``(function, derivative)``         unknown          1
=============================================  ===============  ===============

The ReLU family takes He's gain :math:`\sqrt 2`: only about half of its
units pass a signal, so a unit slope on the passing half needs twice the
variance.

``critical`` is the orthogonal initialisation at the edge of chaos of
Pennington, Schoenholz & Ganguli (2017), for ``"tanh"`` and ``"sigmoid"``
only. For tanh, :math:`W_l = Q_l` and :math:`b_l = 0` in every layer
(:math:`\sigma_w = 1`, :math:`\sigma_b = 0`, so
:math:`\chi = \sigma_w^2 \tanh'(0)^2 = 1`): it equals ``orthogonal`` with
tanh. For the logistic sigmoid it is the critical tanh network mapped
through the identity

.. math::

    \sigma(z) = \tfrac12 + \tfrac12 \tanh(z/2).

*The tanh twin of a sigmoid network.* Write the sigmoid network's hidden
activations :math:`h_l = \frac12 + \frac12 u_l` and let :math:`\mathbf 1^\top W`
be the column sums of :math:`W` (over fan_in). The first hidden layer,
:math:`z_1 = x W_1 + b_1`, gives :math:`u_1 = \tanh(x W_1/2 + b_1/2)`; a later
hidden layer,

.. math::

    z_l = h_{l-1} W_l + b_l
        = \tfrac12 u_{l-1} W_l + \left(\tfrac12 \mathbf 1^\top W_l + b_l\right),

gives :math:`u_l = \tanh\!\big(u_{l-1} W_l/4 + (\frac12 \mathbf 1^\top W_l +
b_l)/2\big)`; and the logits are :math:`z_L = \frac12 u_{L-1} W_L + (\frac12
\mathbf 1^\top W_L + b_L)`. So the sigmoid network equals the tanh network
(activations :math:`u_l`, same logits) with

.. math::

    W_1' = W_1/2,\quad b_1' = b_1/2;\qquad
    W_l' = W_l/4,\quad b_l' = \left(b_l + \tfrac12 \mathbf 1^\top W_l\right)/2
    \quad (2 \le l < L);\qquad
    W_L' = W_L/2,\quad b_L' = b_L + \tfrac12 \mathbf 1^\top W_L

(:func:`tanh_twin`; :func:`sigmoid_twin` is its inverse). A network with no
hidden layer is its own twin.

*The critical sigmoid network* is the twin of the critical tanh network
(:math:`W_l' = Q_l`, :math:`b_l' = 0`):

.. math::

    W_1 = 2 Q_1,\quad b_1 = 0;\qquad
    W_l = 4 Q_l,\quad b_l = -\tfrac12 \mathbf 1^\top W_l \quad (2 \le l < L);\qquad
    W_L = 2 Q_L,\quad b_L = -\tfrac12 \mathbf 1^\top W_L .

The bias :math:`-\frac12 \mathbf 1^\top W_l` cancels the offset that the
:math:`\frac12` of :math:`h_{l-1}` sends through :math:`W_l`, so every
pre-activation starts centred, and the logits equal the twin's
:math:`u_{L-1} Q_L`. At small pre-activations :math:`\sigma'(z_l) \approx 1/4`,
so each hidden layer's Jacobian :math:`\partial h_l/\partial h_{l-1} =
\operatorname{diag}(\sigma'(z_l))\,W_l^\top` is close to :math:`Q_l^\top` for
:math:`l \ge 2` and to :math:`\frac12 Q_1^\top` for the first: the hidden
stack's input-output Jacobian :math:`\partial h_{L-1}/\partial x` is close to
:math:`\frac12` times a product of (semi-)orthogonal matrices, and its mean
squared singular value to :math:`1/4` at any depth (1 for critical tanh).
Glorot's initialisation multiplies it by about :math:`n\,\mathrm{Var}(W)\,
\mathbb E[\sigma'(z)^2] \le 1/16` per layer of width :math:`n`. With batch
normalisation the centring is harmless: the normalisation subtracts the mean
of :math:`x W + b` anyway.

Draws are made in float64 and cast, so float32 and float64 fits start from the
same weights up to rounding.

References
----------
A. M. Saxe, J. L. McClelland and S. Ganguli, "Exact solutions to the
nonlinear dynamics of learning in deep linear neural networks", ICLR 2014.

J. Pennington, S. S. Schoenholz and S. Ganguli, "Resurrecting the sigmoid in
deep learning through dynamical isometry: theory and practice", NeurIPS 2017.
"""

import numpy as np
from sklearn.utils import check_random_state

from ._activations import RELU_FAMILY

__all__ = [
    "INITIALIZERS",
    "NETWORK_INITIALIZERS",
    "WEIGHT_INIT_NAMES",
    "ORTHOGONAL_GAINS",
    "CRITICAL_ACTIVATIONS",
    "get_initializer",
    "resolve_init",
    "initial_weights",
    "initial_parameters",
    "orthogonal_matrix",
    "orthogonal_gain",
    "orthogonal_parameters",
    "critical_parameters",
    "tanh_twin",
    "sigmoid_twin",
]


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
    """The per-layer initialiser called ``weight_init``, or ``weight_init``
    itself if callable.

    Parameters
    ----------
    weight_init : str or callable

    Returns
    -------
    callable
        ``f(fan_in, fan_out, rng) -> ndarray of shape (fan_in, fan_out)``.

    Raises
    ------
    ValueError
        For a whole-network initialiser (:data:`NETWORK_INITIALIZERS`, which
        :func:`initial_parameters` draws) or an unknown name; the message
        lists the valid ones.
    """
    if callable(weight_init):
        return weight_init
    if weight_init in NETWORK_INITIALIZERS:
        raise ValueError(
            f"weight_init={weight_init!r} initialises a whole network (it depends "
            "on the activation and the layer); draw it with initial_parameters."
        )
    try:
        return INITIALIZERS[weight_init]
    except KeyError:
        raise ValueError(
            f"Unknown weight_init {weight_init!r}; valid ones are "
            f"{['auto', *sorted(WEIGHT_INIT_NAMES - {'auto'})]} or a callable "
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


def _layer_shapes(layer_sizes):
    return list(zip(layer_sizes[:-1], layer_sizes[1:], strict=True))


def _zero_intercepts(layer_sizes, dtype=np.float64):
    return [np.zeros(n, dtype=dtype) for n in layer_sizes[1:]]


# -- orthogonal -----------------------------------------------------------------


def orthogonal_matrix(fan_in, fan_out, rng):
    r"""A Haar-distributed (semi-)orthogonal matrix of shape (fan_in, fan_out).

    With :math:`m = \max(n_{in}, n_{out})` and :math:`k = \min(n_{in}, n_{out})`,
    a standard Gaussian :math:`G \in \mathbb R^{m \times k}` is factored as
    :math:`G = Q R` (reduced QR) and the columns of :math:`Q` are multiplied
    by :math:`\operatorname{sign}(\operatorname{diag} R)`. That makes the
    factorisation the unique one with a positive diagonal of :math:`R`, and
    :math:`Q` Haar-distributed (LAPACK's own signs would bias it: its
    :math:`Q_{11}` is always negative). The result is :math:`Q` when
    :math:`n_{in} \ge n_{out}` (so :math:`W^\top W = I`) and :math:`Q^\top`
    otherwise (:math:`W W^\top = I`).

    Parameters
    ----------
    fan_in, fan_out : int
    rng : numpy.random.RandomState or numpy.random.Generator

    Returns
    -------
    ndarray of shape (fan_in, fan_out), float64
    """
    gaussian = rng.standard_normal(size=(max(fan_in, fan_out), min(fan_in, fan_out)))
    Q, R = np.linalg.qr(gaussian)
    Q *= np.where(np.diag(R) < 0, -1.0, 1.0)
    return Q if fan_in >= fan_out else np.ascontiguousarray(Q.T)


#: Gain :math:`g` of the hidden layers under ``weight_init="orthogonal"``:
#: :math:`1/f'(0)` for the activations that pass every unit near 0, He's
#: :math:`\sqrt 2` for the ReLU family. Activations not listed (user pairs)
#: take 1.
ORTHOGONAL_GAINS = {
    **{name: float(np.sqrt(2)) for name in sorted(RELU_FAMILY)},
    "sigmoid": 4.0,
    "hard_sigmoid": 6.0,
    "tanh": 1.0,
    "softsign": 1.0,
    "identity": 1.0,
}


def orthogonal_gain(activation_name):
    r"""Gain :math:`g` of a hidden layer's orthogonal weights for an activation.

    :math:`g = 1/f'(0)` (sigmoid 4, hard_sigmoid 6, tanh, softsign and
    identity 1) makes the layer's Jacobian :math:`f'(0)\,g\,Q^\top` an isometry
    at small pre-activations; the ReLU family takes :math:`\sqrt 2`. A name
    not in :data:`ORTHOGONAL_GAINS` (a user pair, ``"user:..."``) gets 1.

    Parameters
    ----------
    activation_name : str

    Returns
    -------
    float
    """
    return ORTHOGONAL_GAINS.get(activation_name, 1.0)


def orthogonal_parameters(layer_sizes, activation_name, rng):
    r"""``weight_init="orthogonal"``: :math:`W_l = g\,Q_l`, :math:`b_l = 0`.

    :math:`Q_l` is :func:`orthogonal_matrix`, drawn from the input layer on;
    :math:`g` is :func:`orthogonal_gain` for the hidden layers and 1 for the
    output layer.

    Parameters
    ----------
    layer_sizes : sequence of int
        Widths from the input to the output layer.
    activation_name : str
        Name of the hidden activation.
    rng : numpy.random.RandomState

    Returns
    -------
    coefs : list of ndarray of shape (fan_in, fan_out), float64
    intercepts : list of ndarray of shape (fan_out,), float64
    """
    shapes = _layer_shapes(layer_sizes)
    gain = orthogonal_gain(activation_name)
    coefs = []
    for layer, (fan_in, fan_out) in enumerate(shapes):
        layer_gain = 1.0 if layer == len(shapes) - 1 else gain
        coefs.append(layer_gain * orthogonal_matrix(fan_in, fan_out, rng))
    return coefs, _zero_intercepts(layer_sizes)


# -- the tanh twin of a sigmoid network and the critical initialisation ----------

#: The activations ``weight_init="critical"`` is defined for.
CRITICAL_ACTIVATIONS = ("sigmoid", "tanh")


def _twin_scales(layer, n_layers):
    r"""Factors :math:`(c, s)` with :math:`W' = c\,s\,W` and
    :math:`b' = s\,(b + o)` for layer ``layer`` of a sigmoid network's twin.

    :math:`c` is the slope of the layer's input in the twin's activations
    (1 for :math:`x`, :math:`\frac12` for :math:`h = \frac12 + \frac12 u`),
    :math:`s` the factor of :math:`\tanh(z/2)` (:math:`\frac12` for a hidden
    layer, 1 for the output); :math:`o` is :func:`_input_offset`.
    """
    has_sigmoid_input = layer > 0
    is_hidden = layer < n_layers - 1
    return (0.5 if has_sigmoid_input else 1.0), (0.5 if is_hidden else 1.0)


def _input_offset(layer, W):
    r""":math:`\frac12 \mathbf 1^\top W`: the offset :math:`\frac12` of a sigmoid
    input sent through ``W`` (0 for the first layer, whose input is :math:`x`)."""
    return 0.5 * W.sum(axis=0) if layer > 0 else np.zeros(W.shape[1], W.dtype)


def tanh_twin(coefs, intercepts):
    r"""The tanh network equal to a sigmoid network.

    A network with hidden activation :math:`\sigma` and weights
    :math:`(W_l, b_l)` (layout :math:`z = h W + b`) computes the same logits as
    the network with hidden activation tanh and

    .. math::

        W_1' = W_1/2,\quad b_1' = b_1/2;\qquad
        W_l' = W_l/4,\quad b_l' = \left(b_l + \tfrac12 \mathbf 1^\top W_l\right)/2
        \quad (2 \le l < L);\qquad
        W_L' = W_L/2,\quad b_L' = b_L + \tfrac12 \mathbf 1^\top W_L ,

    where :math:`\mathbf 1^\top W` are the column sums of :math:`W`; its hidden
    activations are :math:`u_l = 2 h_l - 1` (from
    :math:`\sigma(z) = \frac12 + \frac12\tanh(z/2)`). Without hidden layers the
    network is its own twin. Networks with batch normalisation have no such
    twin (the normalisation sits between the affine map and the activation).

    Parameters
    ----------
    coefs : list of ndarray of shape (fan_in, fan_out)
    intercepts : list of ndarray of shape (fan_out,)

    Returns
    -------
    coefs : list of ndarray of shape (fan_in, fan_out)
        New arrays, of the input dtypes.
    intercepts : list of ndarray of shape (fan_out,)

    See Also
    --------
    sigmoid_twin : The inverse map.
    """
    twin_coefs, twin_intercepts = [], []
    for layer, (W, b) in enumerate(zip(coefs, intercepts, strict=True)):
        W, b = np.asarray(W), np.asarray(b)
        c, s = _twin_scales(layer, len(coefs))
        twin_coefs.append(c * s * W)
        twin_intercepts.append(s * (b + _input_offset(layer, W)))
    return twin_coefs, twin_intercepts


def sigmoid_twin(coefs, intercepts):
    r"""The sigmoid network equal to a tanh network: the inverse of :func:`tanh_twin`.

    .. math::

        W_1 = 2 W_1',\quad b_1 = 2 b_1';\qquad
        W_l = 4 W_l',\quad b_l = 2 b_l' - \tfrac12 \mathbf 1^\top W_l
        \quad (2 \le l < L);\qquad
        W_L = 2 W_L',\quad b_L = b_L' - \tfrac12 \mathbf 1^\top W_L .

    Parameters
    ----------
    coefs : list of ndarray of shape (fan_in, fan_out)
    intercepts : list of ndarray of shape (fan_out,)

    Returns
    -------
    coefs : list of ndarray of shape (fan_in, fan_out)
    intercepts : list of ndarray of shape (fan_out,)
    """
    sigmoid_coefs, sigmoid_intercepts = [], []
    for layer, (W_twin, b_twin) in enumerate(zip(coefs, intercepts, strict=True)):
        c, s = _twin_scales(layer, len(coefs))
        W = np.asarray(W_twin) / (c * s)
        sigmoid_coefs.append(W)
        sigmoid_intercepts.append(np.asarray(b_twin) / s - _input_offset(layer, W))
    return sigmoid_coefs, sigmoid_intercepts


def critical_parameters(layer_sizes, activation_name, rng):
    r"""``weight_init="critical"``: orthogonal weights at the edge of chaos.

    For tanh, :math:`W_l = Q_l` and :math:`b_l = 0` in every layer
    (:math:`\chi = \sigma_w^2 \tanh'(0)^2 = 1`). For the sigmoid, the
    :func:`sigmoid_twin` of that network:

    .. math::

        W_1 = 2 Q_1,\quad b_1 = 0;\qquad
        W_l = 4 Q_l,\quad b_l = -\tfrac12 \mathbf 1^\top W_l \quad (2 \le l < L);
        \qquad W_L = 2 Q_L,\quad b_L = -\tfrac12 \mathbf 1^\top W_L ,

    whose hidden layers have Jacobians close to :math:`Q_l^\top`
    (:math:`\frac12 Q_1^\top` for the first) at small pre-activations.

    Parameters
    ----------
    layer_sizes : sequence of int
    activation_name : {"sigmoid", "tanh"}
    rng : numpy.random.RandomState

    Returns
    -------
    coefs : list of ndarray of shape (fan_in, fan_out), float64
    intercepts : list of ndarray of shape (fan_out,), float64

    Raises
    ------
    ValueError
        For any other activation.
    """
    if activation_name not in CRITICAL_ACTIVATIONS:
        raise ValueError(
            f'weight_init="critical" is defined for the activations '
            f"{list(CRITICAL_ACTIVATIONS)} (the edge of chaos of a tanh network, "
            f"and its sigmoid twin), not for activation={activation_name!r}. "
            'Use weight_init="orthogonal" (orthogonal weights with the '
            'activation\'s gain) or "he_uniform".'
        )
    coefs = [orthogonal_matrix(i, o, rng) for i, o in _layer_shapes(layer_sizes)]
    intercepts = _zero_intercepts(layer_sizes)
    if activation_name == "sigmoid":
        return sigmoid_twin(coefs, intercepts)
    return coefs, intercepts


#: Initialisers ``f(layer_sizes, activation_name, rng) -> (coefs, intercepts)``
#: that depend on the activation and the layer, by name.
NETWORK_INITIALIZERS = {
    "orthogonal": orthogonal_parameters,
    "critical": critical_parameters,
}

#: Every valid string ``weight_init``.
WEIGHT_INIT_NAMES = frozenset({"auto", *INITIALIZERS, *NETWORK_INITIALIZERS})


def initial_parameters(weight_init, activation_name, layer_sizes, rng, dtype):
    """Initial weights and intercepts of every layer, as ``weight_init`` says.

    Per-layer initialisers (a name of :data:`INITIALIZERS` or a callable
    ``(fan_in, fan_out, rng) -> W``) draw through :func:`initial_weights`,
    with zero intercepts; the names of :data:`NETWORK_INITIALIZERS` draw the
    whole network. ``"auto"`` is resolved first (:func:`resolve_init`). Draws
    are in float64, cast to ``dtype``.

    Parameters
    ----------
    weight_init : str or callable
    activation_name : str
        Name of the hidden activation (``"user:..."`` for a user pair).
    layer_sizes : sequence of int
        Widths from the input to the output layer.
    rng : int, numpy.random.RandomState or None
    dtype : numpy dtype

    Returns
    -------
    coefs : list of ndarray of shape (fan_in, fan_out)
    intercepts : list of ndarray of shape (fan_out,)

    Raises
    ------
    ValueError
        For an unknown name, a callable returning the wrong shape, or
        ``"critical"`` with an activation other than sigmoid and tanh.
    """
    rng = check_random_state(rng)
    weight_init = resolve_init(weight_init, activation_name)
    if isinstance(weight_init, str) and weight_init in NETWORK_INITIALIZERS:
        draw = NETWORK_INITIALIZERS[weight_init]
        coefs, intercepts = draw(layer_sizes, activation_name, rng)
        return [W.astype(dtype) for W in coefs], [b.astype(dtype) for b in intercepts]
    coefs = initial_weights(get_initializer(weight_init), layer_sizes, rng, dtype)
    return coefs, _zero_intercepts(layer_sizes, dtype)

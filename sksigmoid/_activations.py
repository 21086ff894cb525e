r"""Hidden-layer activations by name, each with its derivative.

Every entry of :data:`ACTIVATIONS` is an :class:`Activation` whose two
functions write into a preallocated buffer, so the training loop allocates
nothing:

* ``function(Z, out)`` writes :math:`f(Z)` into ``out``;
* ``derivative(Z, A, out)`` writes :math:`f'(Z)` into ``out``, given both the
  pre-activations ``Z`` and the activations ``A = f(Z)``.

Where the derivative is a function of the output it is computed from ``A``
(``from_output=True``), which saves the transcendental function in the
backward pass: :math:`\sigma' = a(1-a)`, :math:`\tanh' = 1-a^2`,
:math:`\mathrm{softplus}' = 1-e^{-a}`, :math:`\mathrm{softsign}' = (1-|a|)^2`,
:math:`\mathrm{elu}' = \min(a, 0) + 1`. Only GELU and SiLU need ``Z``.

A user may pass a pair ``(function, derivative)`` of element-wise callables of
``Z``; :func:`get_activation` checks it (:func:`validate_activation_pair`).
"""

from typing import NamedTuple

import numpy as np
from scipy.special import erf, expit

from ._numeric import constant_array

__all__ = [
    "Activation",
    "ACTIVATIONS",
    "RELU_FAMILY",
    "NONNEGATIVE_SLOPE",
    "SATURATION_EPS",
    "ASYMPTOTES",
    "saturated_mask",
    "saturated_fraction",
    "saturated_fractions_from_slopes",
    "slope_at_saturation",
    "get_activation",
    "validate_activation_pair",
]

#: A unit of a bounded activation is saturated when its activation lies within
#: this distance of an asymptote (:data:`ASYMPTOTES`): for the sigmoid where
#: :math:`\sigma(z) \notin (0.01, 0.99)` (:math:`|z| > 4.6`, so
#: :math:`\sigma'(z) < 0.0099`), for tanh where :math:`|z| > 2.65`. The MLP's
#: ``gradient_history_`` and :class:`~sksigmoid.GradientDiagnostics` (its
#: default ``saturation_eps``) both use this definition.
SATURATION_EPS = 0.01

#: Asymptotes of the bounded activations; the others (ReLU family, identity,
#: user pairs) never count as saturated -- an inactive ReLU unit is "dead" or
#: "off", which the diagnostics report separately.
ASYMPTOTES = {
    "sigmoid": (0.0, 1.0),
    "hard_sigmoid": (0.0, 1.0),
    "tanh": (-1.0, 1.0),
    "softsign": (-1.0, 1.0),
}


def saturated_mask(activations, activation_name, eps=SATURATION_EPS):
    r"""Where :math:`\min_a |h - a| \le \varepsilon` over the asymptotes :math:`a`.

    Parameters
    ----------
    activations : ndarray
    activation_name : str
    eps : float, default=SATURATION_EPS

    Returns
    -------
    ndarray of bool, same shape (all False for unbounded activations)
    """
    low, high = ASYMPTOTES.get(activation_name, (-np.inf, np.inf))
    return (activations <= low + eps) | (activations >= high - eps)


def saturated_fraction(activations, activation_name, eps=SATURATION_EPS):
    """Share of the entries of ``activations`` that :func:`saturated_mask` marks."""
    if activation_name not in ASYMPTOTES or activations.size == 0:
        return 0.0
    low, high = ASYMPTOTES[activation_name]
    # the two tails are disjoint (eps <= 0.5), so their counts add up
    count = np.count_nonzero(activations <= low + eps)
    count += np.count_nonzero(activations >= high - eps)
    return count / activations.size


#: For sigmoid, tanh and softsign the derivative, computed from the output
#: (:math:`a(1-a)`, :math:`1-a^2`, :math:`(1-|a|)^2`), decreases with the
#: distance of :math:`a` to its nearest asymptote; this is its value at
#: distance ``eps``. A unit is saturated exactly when :math:`f'(z)` is at most
#: that value -- one comparison on the derivatives the backward pass computed.
_SLOPE_AT_DISTANCE = {
    "sigmoid": lambda eps: eps * (1 - eps),
    "tanh": lambda eps: eps * (2 - eps),
    "softsign": lambda eps: eps * eps,
}


def slope_at_saturation(activation_name, eps=SATURATION_EPS):
    """The derivative at distance ``eps`` of an asymptote: a unit is saturated
    exactly when :math:`f'(z)` is at most this value.

    ``-inf`` for the activations that never saturate; None for those whose
    derivative does not determine the distance to an asymptote (hard_sigmoid:
    its derivative is 1/6 right up to the asymptotes).
    """
    if activation_name in _SLOPE_AT_DISTANCE:
        return _SLOPE_AT_DISTANCE[activation_name](eps)
    return None if activation_name in ASYMPTOTES else -np.inf


def saturated_fractions_from_slopes(
    slopes, sizes, activation_name, eps=SATURATION_EPS, out=None
):
    """:func:`saturated_fraction` of each of the consecutive blocks of
    ``sizes`` entries that make up the 1-D array ``slopes``, read off the local
    derivatives :math:`f'(z)`.

    One comparison covers every block (every hidden layer's derivatives, kept
    in one buffer by the network), into ``out``, a boolean array shaped as
    ``slopes``, when given. Returns a list with one fraction per block, or None
    where :func:`slope_at_saturation` is None; the caller then uses
    :func:`saturated_fraction`.
    """
    threshold = slope_at_saturation(activation_name, eps)
    if threshold is None:
        return None
    if threshold == -np.inf:
        return [0.0] * len(sizes)
    below = np.less_equal(slopes, threshold, out=out)
    fractions, start = [], 0
    for size in sizes:
        block = below[start : start + size]
        fractions.append(np.count_nonzero(block) / size if size else 0.0)
        start += size
    return fractions


LEAKY_SLOPE = 0.01


class Activation(NamedTuple):
    """An element-wise non-linearity and its derivative, both writing to ``out``."""

    name: str
    function: object
    derivative: object
    from_output: bool


def _identity(Z, out):
    np.copyto(out, Z)
    return out


def _identity_derivative(Z, A, out):
    out.fill(1)
    return out


def _sigmoid(Z, out):
    r""":math:`\sigma(z) = 1/(1 + e^{-z})` for a hidden layer, into ``out``.

    float32: :math:`\tfrac12 + \tfrac12\tanh(z/2)`, in four in-place passes;
    numpy's vectorised float32 ``tanh`` makes it 1.5x faster than
    ``1 / (1 + exp(-z))`` and 6-7x faster than scipy's ``expit`` on a 200x128
    mini-batch. Its absolute error is at most 6e-8 for every input (half the
    float32 spacing below 1, the error of any float32 sigmoid for z > 0); its
    relative error is 1e-7 for :math:`z \ge 0` and 4e-6 for :math:`z \ge -5`,
    but below it keeps only that absolute precision: 0 for :math:`z \le -20`
    (:math:`\sigma < 2.1 \cdot 10^{-9}`), just as every float32 sigmoid is 1
    from :math:`z \approx 17`. A hidden layer passes only :math:`W^\top a`
    on and :math:`a(1-a)` back, for which that is float32's precision anyway.
    The output layer's probabilities and log-losses, where the far tail
    matters, are computed by :mod:`sksigmoid._numeric` (``expit``,
    ``log1p(exp(-|z|))``), never by this function.

    Other dtypes (float64): ``1 / (1 + exp(-z))``, exact to 3e-16 relative
    error and in float64 faster than both the tanh form (~10%) and ``expit``
    (~3x). Where :math:`e^{-z}` overflows (z < -709.8) it gives 1/inf = 0.

    Both lie in [0, 1], are finite for every input but NaN (0 at -inf, 1 at
    +inf), raise no warning and are monotone, but for one 1-ulp step of
    numpy's float32 ``tanh`` at -1.5 (:math:`\sigma(-3)` 3e-8 above
    :math:`\sigma` of the next float32 up; ``1 / (1 + exp(-z))`` has
    thousands such in float32, ``expit`` none).
    """
    if out.dtype == np.float32:
        np.multiply(Z, 0.5, out=out)
        np.tanh(out, out=out)
        out *= 0.5
        out += 0.5
        return out
    np.negative(Z, out=out)
    with np.errstate(over="ignore"):
        np.exp(out, out=out)
    out += 1
    return np.reciprocal(out, out=out)


def _sigmoid_derivative(Z, A, out):
    """:math:`\\sigma'(z) = a (1 - a)`."""
    np.subtract(1, A, out=out)
    out *= A
    return out


def _tanh(Z, out):
    return np.tanh(Z, out=out)


def _tanh_derivative(Z, A, out):
    """:math:`\\tanh'(z) = 1 - a^2`."""
    np.multiply(A, A, out=out)
    np.subtract(1, out, out=out)
    return out


_ZEROS_KEPT_UP_TO = 1 << 20  # elements (4 MiB in float32)


def _zeros_like(Z):
    """A read-only array of zeros shaped as ``Z`` (the scalar 0 for big ``Z``).

    numpy's ``maximum`` and ``minimum`` of two arrays take a vectorised loop
    that is ~3x faster than against the scalar 0; a mini-batch's layers reuse
    one such array.
    """
    if Z.size > _ZEROS_KEPT_UP_TO:
        return Z.dtype.type(0)
    return constant_array(Z.shape, Z.dtype, 0)


def _relu(Z, out):
    return np.maximum(Z, _zeros_like(Z), out=out)


def _relu_derivative(Z, A, out):
    """:math:`1` where :math:`a > 0`, else :math:`0`."""
    return np.greater(A, 0, out=out)


def _leaky_relu(Z, out):
    """:math:`\\max(z, 0.01 z)`."""
    np.multiply(Z, LEAKY_SLOPE, out=out)
    return np.maximum(Z, out, out=out)


def _leaky_relu_derivative(Z, A, out):
    """:math:`1` where :math:`a > 0`, else :math:`0.01`."""
    np.greater(A, 0, out=out)
    out *= 1 - LEAKY_SLOPE
    out += LEAKY_SLOPE
    return out


def _elu(Z, out):
    """:math:`z` for :math:`z > 0`, else :math:`e^z - 1` (which is :math:`\\ge z`)."""
    np.minimum(Z, _zeros_like(Z), out=out)
    np.expm1(out, out=out)
    return np.maximum(Z, out, out=out)


def _elu_derivative(Z, A, out):
    """:math:`1` for :math:`z > 0`, else :math:`e^z = a + 1`."""
    np.minimum(A, _zeros_like(A), out=out)
    out += 1
    return out


def _gelu(Z, out):
    """:math:`z\\,\\Phi(z) = \\frac{z}{2}(1 + \\mathrm{erf}(z/\\sqrt 2))` (exact GELU)."""
    np.multiply(Z, np.sqrt(0.5), out=out)
    erf(out, out=out)
    out += 1
    out *= Z
    out *= 0.5
    return out


def _gelu_derivative(Z, A, out):
    """:math:`\\Phi(z) + z\\,\\varphi(z)`."""
    np.multiply(Z, Z, out=out)
    out *= -0.5
    np.exp(out, out=out)
    out *= Z
    out *= 1 / np.sqrt(2 * np.pi)
    out += 0.5
    out += 0.5 * erf(Z * np.sqrt(0.5))
    return out


def _silu(Z, out):
    """:math:`z\\,\\sigma(z)`."""
    expit(Z, out=out)
    out *= Z
    return out


def _silu_derivative(Z, A, out):
    """:math:`\\sigma(z) + a\\,(1 - \\sigma(z))`."""
    expit(Z, out=out)
    out += A * (1 - out)
    return out


def _softplus(Z, out):
    """:math:`\\log(1 + e^z)`, computed as ``logaddexp(0, z)``."""
    return np.logaddexp(0, Z, out=out)


def _softplus_derivative(Z, A, out):
    """:math:`\\sigma(z) = 1 - e^{-a}` (``-expm1(-a)``, exact for tiny ``a``)."""
    np.negative(A, out=out)
    np.expm1(out, out=out)
    return np.negative(out, out=out)


def _softsign(Z, out):
    """:math:`z / (1 + |z|)`."""
    np.abs(Z, out=out)
    out += 1
    return np.divide(Z, out, out=out)


def _softsign_derivative(Z, A, out):
    """:math:`1 / (1 + |z|)^2 = (1 - |a|)^2`."""
    np.abs(A, out=out)
    np.subtract(1, out, out=out)
    out *= out
    return out


def _hard_sigmoid(Z, out):
    """:math:`\\min(\\max(z/6 + 1/2, 0), 1)` (PyTorch's ``hardsigmoid``)."""
    np.multiply(Z, 1 / 6, out=out)
    out += 0.5
    return np.clip(out, 0, 1, out=out)


def _hard_sigmoid_derivative(Z, A, out):
    """:math:`1/6` where :math:`0 < a < 1`, else :math:`0`."""
    np.greater(A, 0, out=out)
    out *= A < 1
    out *= 1 / 6
    return out


ACTIVATIONS = {
    act.name: act
    for act in [
        Activation("sigmoid", _sigmoid, _sigmoid_derivative, True),
        Activation("tanh", _tanh, _tanh_derivative, True),
        Activation("relu", _relu, _relu_derivative, True),
        Activation("leaky_relu", _leaky_relu, _leaky_relu_derivative, True),
        Activation("elu", _elu, _elu_derivative, True),
        Activation("gelu", _gelu, _gelu_derivative, False),
        Activation("silu", _silu, _silu_derivative, False),
        Activation("softplus", _softplus, _softplus_derivative, True),
        Activation("softsign", _softsign, _softsign_derivative, True),
        Activation("hard_sigmoid", _hard_sigmoid, _hard_sigmoid_derivative, True),
        Activation("identity", _identity, _identity_derivative, True),
    ]
}

#: Activations whose derivative is never negative (all built-ins but GELU).
NONNEGATIVE_SLOPE = frozenset(ACTIVATIONS) - {"gelu"}

#: Activations that are initialised with He's rule under ``weight_init="auto"``.
RELU_FAMILY = frozenset({"relu", "leaky_relu", "elu", "gelu", "silu", "softplus"})

# Probe points of the validation: no integer (kinks of user functions often
# sit at 0), symmetric enough to exercise both tails.
_PROBE = np.linspace(-3, 3, 12).reshape(3, 4) + 0.0731
_FD_STEP = 1e-6


def _check_elementwise(values, name, what):
    values = np.asarray(values)
    if values.shape != _PROBE.shape:
        raise ValueError(
            f"The {what} of the user activation {name} must be element-wise: "
            f"for input of shape {_PROBE.shape} it returned shape {values.shape}."
        )
    if not np.all(np.isfinite(values)):
        raise ValueError(
            f"The {what} of the user activation {name} returned non-finite "
            "values for finite input."
        )
    return values


def validate_activation_pair(pair):
    """Check a user pair ``(function, derivative)`` and wrap it as an :class:`Activation`.

    Both callables take an array ``Z`` and return an array of the same shape.
    They are probed on a (3, 4) array of points in [-3, 3]; the derivative
    must agree with central finite differences of the function there to a
    relative error of 1e-4.

    Raises
    ------
    ValueError
        If the pair is not two callables, an output has the wrong shape or is
        not finite, or the derivative does not match the function.
    """
    if len(pair) != 2 or not all(callable(f) for f in pair):
        raise ValueError(
            "A user activation must be a pair (function, derivative) of callables; "
            f"got {pair!r}."
        )
    function, derivative = pair
    name = getattr(function, "__name__", repr(function))
    _check_elementwise(function(_PROBE.copy()), name, "function")
    slopes = _check_elementwise(derivative(_PROBE.copy()), name, "derivative")
    numeric = (function(_PROBE + _FD_STEP) - function(_PROBE - _FD_STEP)) / (
        2 * _FD_STEP
    )
    error = np.max(np.abs(slopes - numeric) / (1 + np.abs(numeric)))
    if not error <= 1e-4:
        raise ValueError(
            f"The derivative of the user activation {name} does not match its "
            f"function: relative error {error:.2g} against central finite "
            "differences on points in [-3, 3]."
        )

    def user_function(Z, out):
        out[...] = function(Z)
        return out

    def user_derivative(Z, A, out):
        out[...] = derivative(Z)
        return out

    return Activation(f"user:{name}", user_function, user_derivative, False)


def get_activation(activation):
    """The :class:`Activation` for a name of :data:`ACTIVATIONS` or a user pair.

    Raises
    ------
    ValueError
        For an unknown name (the message lists the valid ones) or an invalid pair.
    """
    if isinstance(activation, str):
        try:
            return ACTIVATIONS[activation]
        except KeyError:
            raise ValueError(
                f"Unknown activation {activation!r}; valid ones are "
                f"{sorted(ACTIVATIONS)} or a pair (function, derivative)."
            ) from None
    return validate_activation_pair(activation)

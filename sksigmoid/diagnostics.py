r"""Gradient diagnostics of a deep network, as a scikit-learn transformer.

:class:`GradientDiagnostics` runs one forward and one backward pass of the
network core (:class:`sksigmoid._network.Network`) over the data and reads,
layer by layer, what that pass computed: the gradients
:math:`\partial L/\partial W_l`, the back-propagated errors
:math:`\delta_l = \partial L/\partial Z_l` and the activations. The one
derivative it forms itself is the Jacobian of the hidden stack at a few
points, from that pass's pre-activations (:mod:`sksigmoid._isometry`).
"""

import math
import threading
import warnings
from contextlib import contextmanager
from copy import copy
from numbers import Integral, Real

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin, _fit_context, clone
from sklearn.utils import Bunch
from sklearn.utils._param_validation import Interval
from sklearn.utils.validation import (
    _check_feature_names_in,
    check_is_fitted,
    validate_data,
)

from ._activations import (
    RELU_FAMILY,
    SATURATION_EPS,
    get_activation,
    saturated_fraction,
    saturated_mask,
)
from ._isometry import isometric_value, jacobian_points, measure_isometry
from ._network import Network, ParameterVector, running_statistics
from .mlp import DeepSigmoidMLP, DeepSigmoidMLPRegressor

__all__ = ["GradientDiagnostics"]

#: Per hidden layer, the columns of :meth:`GradientDiagnostics.transform`.
FEATURES = ("saturation", "mean_activation", "sensitivity")


#: Floating-point errors that the measurements handle themselves: overflow
#: is detected from the results (and reported, see :func:`overflow_report`),
#: never left to numpy's RuntimeWarning.
_QUIET = {"over": "ignore", "invalid": "ignore", "divide": "ignore", "under": "ignore"}


@contextmanager
def recorded_floating_point_errors():
    """Collect, instead of warning about, numpy's floating-point errors inside.

    Yields the list that receives the kind ("overflow", "invalid value",
    "divide by zero") of each error numpy reports; underflow is ignored. Only
    this context is affected (:func:`numpy.errstate`), and a nested
    ``errstate`` that ignores its own errors keeps doing so.
    """
    errors = []

    def record(kind, flag):
        errors.append(kind)

    with np.errstate(
        over="call", invalid="call", divide="call", under="ignore", call=record
    ):
        yield errors


def mean_and_std(H):
    r"""Mean and standard deviation of all entries, :math:`\sqrt{\overline{h^2} - \bar h^2}`.

    Two reductions and no temporary array: this runs on every hidden layer of
    every measurement. When the squares overflow (activations beyond
    :math:`10^{154}` in float64, :math:`10^{19}` in float32) both are
    computed again from ``H / max|H|``; they are not finite only when ``H``
    is not.
    """
    with np.errstate(**_QUIET):
        mean = float(H.mean(dtype=np.float64))
        mean_square = float(np.vdot(H, H)) / H.size
    if math.isfinite(mean) and math.isfinite(mean_square):
        return mean, math.sqrt(max(mean_square - mean * mean, 0.0))
    scale = float(np.max(np.abs(H)))
    if not math.isfinite(scale):
        return mean, math.nan
    scaled = H.astype(np.float64) / scale
    mean = float(scaled.mean())
    variance = max(float(np.vdot(scaled, scaled)) / H.size - mean * mean, 0.0)
    return mean * scale, math.sqrt(variance) * scale


def dead_fraction(pre_activations, activation_name):
    r"""Share of ReLU-family units with :math:`z_{ij} \le 0` for every sample ``i``.

    Returns 0 for activations outside the ReLU family.
    """
    if activation_name not in RELU_FAMILY:
        return 0.0
    return float(np.mean(np.all(pre_activations <= 0, axis=0)))


def activation_statistics(forward, activation_name, eps):
    """Mean, standard deviation, saturation and dead units of each hidden layer.

    Parameters
    ----------
    forward : sksigmoid._network.Forward
    activation_name : str
    eps : float
        ``saturation_eps``.

    Returns
    -------
    Bunch of ndarrays of shape (n_hidden_layers,)
        ``mean``, ``std``, ``saturation``, ``dead_fraction``.
    """
    hidden = zip(forward.activations, forward.pre_activations, strict=False)
    rows = [
        (
            *mean_and_std(H),
            saturated_fraction(H, activation_name, eps),
            dead_fraction(Z, activation_name),
        )
        for H, Z in hidden
    ]
    mean, std, saturation, dead = np.array(rows, dtype=np.float64).reshape(-1, 4).T
    return Bunch(mean=mean, std=std, saturation=saturation, dead_fraction=dead)


def measure_gradients(network, params, X, Y, *, saturation_eps, jacobian_rows):
    r"""One forward and one backward pass of the mean unregularised loss, in norms.

    The forward pass is the training one (batch statistics for batch
    normalisation, the batch being all of ``X``) without dropout; the backward
    pass is the core's :meth:`~sksigmoid._network.Network.backward` with
    :math:`\alpha = 0`. The hidden stack's Jacobians at ``jacobian_rows`` of
    ``X`` are read off the same forward pass
    (:func:`~sksigmoid._isometry.measure_isometry`).

    Returns
    -------
    Bunch
        ``gradient_norms`` :math:`\|\partial L/\partial W_l\|_F`,
        ``bias_gradient_norms`` :math:`\|\partial L/\partial b_l\|_2`,
        ``delta_norms`` :math:`\|\partial L/\partial Z_l\|_F` (one per weight
        layer), the :func:`activation_statistics` of the hidden layers, and
        ``isometry``.
    """
    running = running_statistics(params) if network.batch_norm else None
    with recorded_floating_point_errors() as errors:
        forward = network.forward(params, X, training=True, running=running)
        stats = activation_statistics(forward, network.activation.name, saturation_eps)
        backward = network.backward(params, forward, Y)
    # handles its own floating-point limits; the backward pass left the
    # forward's pre-activations as they were
    isometry = measure_isometry(network, params, forward, jacobian_rows)
    measured = Bunch(
        gradient_norms=_norms(backward.grads.coefs),
        bias_gradient_norms=_norms(backward.grads.intercepts),
        delta_norms=_norms(backward.deltas),
        overflow=None,
        isometry=isometry,
        **stats,
    )
    finite = all(np.isfinite(measured[name]).all() for name in _MEASURED_STATISTICS)
    if errors or not finite:
        measured.overflow = overflow_report(forward, backward.deltas, X.dtype)
    return measured


_MEASURED_STATISTICS = ("gradient_norms", "delta_norms", "mean", "std")


def overflow_report(forward, deltas, dtype):
    """Where a forward and backward pass left the finite numbers of ``dtype``.

    Returns
    -------
    str
        The first layer (from the input) whose pre-activations are not
        finite, else the first layer (from the output) whose back-propagated
        error is not, else that an intermediate result overflowed; with the
        largest finite number of ``dtype``.
    """
    n_layers = len(forward.pre_activations)

    def layer_name(k):
        return "the output layer" if k == n_layers - 1 else f"hidden layer {k + 1}"

    largest = f"the largest {np.dtype(dtype).name} is {np.finfo(dtype).max:.3g}"
    for k, Z in enumerate(forward.pre_activations):
        if not np.isfinite(Z).all():
            return f"the pre-activations of {layer_name(k)} overflow ({largest})"
    for k in reversed(range(len(deltas))):
        if not np.isfinite(deltas[k]).all():
            return f"the back-propagated error at {layer_name(k)} overflows ({largest})"
    return (
        f"an intermediate result overflows ({largest}), such as the variance "
        "of batch normalisation, although every pre-activation and error is finite"
    )


def _norms(arrays):
    """Frobenius (or Euclidean) norm of each array, in float64 (see :func:`_norm`)."""
    return np.array([_norm(a) for a in arrays])


def _norm(a):
    """Frobenius norm, computed from ``a / max|a|`` when the squares overflow.

    ``inf`` only when the norm itself exceeds the largest float64 or ``a``
    holds an ``inf``; ``nan`` when ``a`` holds a ``nan``.
    """
    a = a.astype(np.float64, copy=False)
    with np.errstate(**_QUIET):
        norm = float(np.linalg.norm(a))
        if math.isfinite(norm) or a.size == 0:
            return norm
        scale = float(np.max(np.abs(a)))
        if not math.isfinite(scale):
            return math.nan if np.isnan(a).any() else math.inf
        return float(np.linalg.norm(a / scale)) * scale


def _row_reduction(reduce, H):
    """``reduce(H, axis=1)`` in float64, from ``row / max|row|`` for the rows
    where it overflows (``reduce`` is a positively homogeneous reduction: the
    mean, or the Euclidean norm)."""
    with np.errstate(**_QUIET):
        values = reduce(H.astype(np.float64, copy=False), axis=1)
        bad = ~np.isfinite(values)
        if bad.any():
            rows = H[bad].astype(np.float64)
            scale = np.max(np.abs(rows), axis=1, keepdims=True)
            values[bad] = reduce(rows / scale, axis=1) * scale[:, 0]
    return values


def fold_batch_norm(network, params, running):
    r"""The network without batch norm that computes the inference-mode map.

    At inference batch normalisation is affine,
    :math:`Z = \gamma (A W + b - \mu)/\sqrt{v + \epsilon} + \beta`, so it folds
    into the weights: :math:`W' = W \operatorname{diag}(c)`,
    :math:`b' = (b - \mu) c + \beta` with :math:`c = \gamma/\sqrt{v + \epsilon}`.
    Back-propagating through the folded network then gives per-sample
    sensitivities that do not depend on the other samples of the batch.

    Returns
    -------
    network : Network
    params : ParameterVector
    """
    if not network.batch_norm:
        return network, params
    means, variances = running
    folded = ParameterVector(params.layer_sizes, dtype=params.flat.dtype)
    folded.load(params.coefs, params.intercepts)
    for k, (gamma, beta) in enumerate(zip(params.gammas, params.betas, strict=True)):
        scale = gamma / np.sqrt(variances[k] + network.epsilon)
        folded.coefs[k] *= scale
        folded.intercepts[k] -= means[k]
        folded.intercepts[k] *= scale
        folded.intercepts[k] += beta
    return warm_network(network.activation, network.output), folded


def output_sensitivity_error(output, kind):
    r"""The output error whose back-propagation is each sample's output sensitivity.

    A one-hot row at the predicted class for a softmax output (so that
    :math:`\delta_l = \partial z_{\hat c}/\partial Z_l`), and ones for a
    logistic or identity output (the logit, the prediction, or the sum of the
    predictions of a multi-output regressor).
    """
    if kind == "softmax":
        return np.eye(output.shape[1], dtype=output.dtype)[output.argmax(axis=1)]
    return np.ones_like(output)


def output_sensitivities(network, params, X):
    r"""Output sensitivity :math:`\|\partial \hat z / \partial Z_l\|_2` per sample and layer.

    Returns
    -------
    forward : Forward
        The inference-mode forward pass of ``X``.
    backward : Backward
        The backward pass of the output error.
    sensitivities : list of ndarray of shape (n_samples,)
    overflowed : bool
        Whether numpy reported a floating-point error in the two passes.
    """
    with recorded_floating_point_errors() as errors:
        forward = network.forward(params, X)
        error = output_sensitivity_error(forward.output, network.output)
        backward = network.backward(params, forward, None, output_error=error)
    n_hidden = len(params.coefs) - 1
    sensitivities = [
        _row_reduction(np.linalg.norm, delta) for delta in backward.deltas[:n_hidden]
    ]
    return forward, backward, sensitivities, bool(errors)


_WARM = threading.local()


def warm_network(activation, output, batch_norm=False):
    """A core :class:`Network` (dropout off) reused by the calls of this thread.

    The network keeps its per-batch buffers between calls; allocating them
    afresh (tens of MB for the digits data) costs as much as the arithmetic of
    a forward pass. At most two networks are kept per thread.
    """
    cache = _WARM.__dict__.setdefault("networks", {})
    key = (activation, output, batch_norm)
    if key not in cache:
        if len(cache) >= 2:
            cache.clear()
        cache[key] = Network(activation, output, batch_norm=batch_norm)
    return cache[key]


def _network_parts(estimator):
    """The core network (dropout off), parameters and running statistics of an MLP."""
    network = warm_network(
        get_activation(estimator.activation),
        estimator.out_activation_,
        estimator.batch_norm,
    )
    params = estimator._parameters()
    return network, params, estimator._running(params.flat.dtype)


def _encoded_targets(estimator, y, dtype):
    """``y`` encoded as the MLP's output layer sees it during training."""
    # a shallow copy: the encoder records what it saw on the estimator
    return copy(estimator)._encode_targets(y, dtype, continuing=True, classes=None)


class GradientDiagnostics(TransformerMixin, BaseEstimator):
    r"""Layer-by-layer gradient flow of a deep network, and a verdict on it.

    ``fit`` runs one forward and one backward pass of the network over
    ``(X, y)`` and records, for each weight layer :math:`l` (the hidden layers,
    then the output layer), the norms of what back-propagation computed. The
    loss is the estimator's *mean unregularised* data loss,

    .. math::
        L = \frac1n \sum_{i=1}^n \ell_i, \qquad
        \ell_i = \log(1 + e^{z_i}) - y_i z_i \ \text{(binary)}, \quad
        -\log \mathrm{softmax}(z_i)_{y_i} \ \text{(multiclass)}, \quad
        \tfrac12 \|z_i - y_i\|^2 \ \text{(regression, ½ included)},

    where :math:`z_i` are the output pre-activations (logits or predictions).
    The L2 term is left out, dropout is off, and batch normalisation uses the
    statistics of all of ``X`` (the training-mode forward pass with ``X`` as
    one batch).

    ``transform`` describes each sample, for each hidden layer ``k``: the
    share of its units that are saturated, their mean activation, and
    :math:`\|\partial \hat z/\partial Z_k\|_2`, the sensitivity of the network's
    output :math:`\hat z` (the predicted class's logit for a softmax output,
    the logit of a binary classifier, the prediction of a regressor — the sum
    of the predictions with several outputs) to that layer's pre-activations.
    It needs no target, uses the inference-mode network (running batch-norm
    statistics) and treats each sample on its own.

    **The verdict** reads every layer. With :math:`g_l = \|\partial
    L/\partial W_l\|_F` (``gradient_norms_``, the output layer last) and
    :math:`e_l = \|\delta_l\|_F` (``delta_norms_``, the back-propagated
    error, in units of which the output error :math:`e_L` is the source of
    every gradient), it takes the extreme ratios over every span of layers
    :math:`l < m`, the output layer included,

    .. math::
        r^g_{\min} = \min_{l<m} g_l / g_m, \quad
        r^g_{\max} = \max_{l<m} g_l / g_m, \qquad
        r^e_{\min},\ r^e_{\max} \text{ alike for } e,

    products of the per-layer gains :math:`g_l/g_{l+1}` (``layer_gains_``),
    so that a fall spread over many layers counts as much as a fall at one.

    * "vanishing": :math:`r^g_{\min}` or :math:`r^e_{\min}` below
      ``vanishing_threshold`` (the gradient, or the error that carries it,
      falls toward the input), or a hidden layer's :math:`g_l` at most
      ``min_gradient_norm`` (by default: no gradient at all). The error
      ratio sees the *uniformly silent* network, whose :math:`g_l` are equal
      but tiny because its activations shrink forward as fast as its error
      shrinks backward (ReLU with the "standard" initialisation).
    * "exploding": :math:`r^g_{\max}` or :math:`r^e_{\max}` above
      ``exploding_threshold``, or some :math:`g_l` above
      ``max_gradient_norm`` or not finite (the absolute scale: a deep ReLU
      network with too large weights has equal but enormous :math:`g_l`),
      or the pass overflowed (``overflow_``, with a warning).
    * "saturated", "dead units": some hidden layer above
      ``saturation_threshold``, ``dead_threshold``.
    * "isometric": the singular values :math:`s` of the hidden stack's
      input-output Jacobian (below) sit at the activation's isometric value
      :math:`v`: :math:`v/c \le` ``jacobian_mean_squared_singular_value_``
      :math:`\le c\,v` (:math:`c` = ``isometry_factor``) and
      ``jacobian_spread_`` at most ``jacobian_spread_threshold``, in a pass
      that did not overflow. :math:`v = 1` for tanh, softsign and the
      identity (:math:`f'(0) = 1`), 1/4 for the sigmoid and hard sigmoid
      (:math:`\sigma(z) = \frac12 + \frac12\tanh(z/2)`: a sigmoid stack is
      half a tanh stack, isometric at :math:`s \approx 1/2`); never for the
      ReLU family, which zeroes about half its units so that no weights give
      it dynamical isometry (Pennington et al. 2017), nor user activations
      (:data:`~sksigmoid._isometry.ISOMETRIC_MEAN_SQUARED_SINGULAR_VALUE`).

    The verdicts are independent and can apply together. They judge the flow
    of the gradient; a network at a minimum of its loss has small gradients
    for another reason, so measure at initialisation (``max_iter=0``) or
    during training. "isometric" replaces "healthy" and is listed with the
    others when they apply, since both can be true: it describes how the
    hidden stack maps every direction, they the sizes of the gradients. A
    critical sigmoid network at inputs of :math:`10^{-4}` is "vanishing,
    isometric": the error passes every layer unchanged, but
    :math:`\partial L/\partial W_1 = X^\top\delta_1` is as small as the
    input (scale the features, not the weights); and the Jacobian leaves out
    the output layer. The Jacobian says more than the norms, which sum over
    directions: a Glorot tanh network 32 layers deep is "healthy" by its
    gradient ratios while its singular values spread over 15 orders of
    magnitude -- few directions of the error reach the input, and learning
    speed follows that spread (Pennington et al. 2017).

    **Dynamical isometry.** For a row :math:`x` of ``X``, with
    :math:`z_l = h_{l-1} W_l + b_l`, :math:`h_l = f(z_l)`, :math:`h_0 = x`,

    .. math::
        J(x) = \frac{\partial h_L}{\partial x}
        = D_L W_L^\top \cdots D_1 W_1^\top, \qquad
        D_l = \operatorname{diag} f'(z_l),

    in float64, at ``n_jacobian_points`` evenly spaced rows of ``X``
    (``jacobian_points_``), in the state of the gradients' forward pass:
    batch normalisation enters as the affine map it is at inference,
    :math:`W_l \operatorname{diag}(\gamma_l/\sqrt{v_l + \epsilon})`, with
    the mean and variance of all of ``X`` held fixed (not the running
    statistics, which a network at ``max_iter=0`` has not accumulated). The
    spread is :math:`s_{90}/s_{10}`, the 90th over the 10th percentile over
    every point and singular value. Its threshold, 4, lies between the two
    kinds of network Pennington, Schoenholz & Ganguli (2017) contrast:
    critical orthogonal networks (:math:`W_l = Q_l`; for the sigmoid
    :math:`W_1 = 2Q_1`, :math:`W_l = 4Q_l`, centred biases) whose mean
    :math:`s^2` is within a factor 2 of :math:`v` spread 1.0 to 1.6 (width
    64, depth 4 to 100), one square layer of Gaussian (Glorot) weights
    already 10 (10.2 by the quarter-circle law), two 47, six
    :math:`2 \times 10^4`.

    Parameters
    ----------
    estimator : DeepSigmoidMLP or DeepSigmoidMLPRegressor, default=None
        The network to diagnose; ``None`` means ``DeepSigmoidMLP()``. To
        measure a network at initialisation (the state Glorot & Bengio 2010
        studied), give it ``max_iter=0``. Any other estimator is refused.
    prefit : bool, default=False
        Whether ``estimator`` is already fitted; it is then used as it is
        (``estimator_`` is ``estimator`` itself). Otherwise ``fit`` fits a
        clone on ``(X, y)``.
    saturation_eps : float, default=0.01
        A unit of a bounded activation
        (:data:`~sksigmoid._activations.ASYMPTOTES`: sigmoid,
        hard_sigmoid, tanh, softsign) is saturated when its activation is
        within ``saturation_eps`` of an asymptote. For the sigmoid, 0.01 means
        :math:`|z| > 4.6`, where :math:`\sigma'(z) < 0.01` (the definition the
        MLP's ``gradient_history_`` uses).
    vanishing_threshold : float, default=0.01
        Verdict "vanishing" when ``min_gradient_ratio_`` or
        ``min_delta_ratio_`` is below it.
    exploding_threshold : float, default=100.0
        Verdict "exploding" when ``max_gradient_ratio_`` or
        ``max_delta_ratio_`` is above it.
    min_gradient_norm : float, default=0.0
        Verdict "vanishing" when some hidden layer's
        :math:`\|\partial L/\partial W_l\|_F` is at most this; 0 means a
        hidden layer that receives no gradient at all.
    max_gradient_norm : float, default=1e6
        Verdict "exploding" when some layer's
        :math:`\|\partial L/\partial W_l\|_F` is above this or not finite.
        For the mean loss of standardised features and targets the norms are
        of order 1 or below, and a gradient of :math:`10^6` moves the
        weights by more than their own size at any usual learning rate;
        targets in large units (regression) scale every gradient with them.
    saturation_threshold : float, default=0.5
        Verdict "saturated" when some hidden layer has more than this share of
        saturated activations.
    dead_threshold : float, default=0.5
        Verdict "dead units" when some hidden layer has more than this share
        of dead units.
    n_jacobian_points : int or None, default=32
        Number of rows of ``X`` at which ``fit`` computes the Jacobian
        :math:`J(x)`, evenly spaced (indices :math:`\lfloor k n/m\rfloor`,
        ``jacobian_points_``); None for every row; 0 skips it (the
        Jacobian's attributes are then empty or nan, and the verdict never
        "isometric"): the gradient diagnostics alone. The cost is
        :math:`O(m \cdot L \cdot w^2 \cdot d)` arithmetic for :math:`m`
        points, :math:`L` hidden layers of width :math:`w` and :math:`d`
        features, plus an SVD of each :math:`w \times d` Jacobian, and
        memory for the :math:`m \times d \times w` float64 products,
        computed in blocks of at most 32 MiB (about 1000 points of the
        64-feature digits data), and for the slopes :math:`f'(z_l)`,
        :math:`m \times w` per layer, as the forward pass holds.
    isometry_factor : float, default=2.0
        Verdict "isometric" needs ``jacobian_mean_squared_singular_value_``
        within this factor of the activation's isometric value.
    jacobian_spread_threshold : float, default=4.0
        Verdict "isometric" needs ``jacobian_spread_`` at most this (see
        above for why 4).
    random_state : int, RandomState instance or None, default=None
        Seeds the network that ``fit`` builds: the default
        ``DeepSigmoidMLP``, or the clone of ``estimator`` when its own
        ``random_state`` is None (an estimator's own seed is kept). An int
        makes ``fit`` bit-identical from call to call. Unused with
        ``prefit=True``.

    Attributes
    ----------
    estimator_ : estimator
        The measured network.
    gradient_norms_ : ndarray of shape (n_layers,)
        :math:`\|\partial L/\partial W_l\|_F` per weight layer (last: output).
    bias_gradient_norms_ : ndarray of shape (n_layers,)
        :math:`\|\partial L/\partial b_l\|_2`.
    delta_norms_ : ndarray of shape (n_layers,)
        :math:`\|\partial L/\partial Z_l\|_F`, the Frobenius norm over samples
        and units of the back-propagated error at the pre-activations
        :math:`Z_l` (the input of the non-linearity, after batch norm; for the
        output layer, the logits). With the mean loss each row carries the
        factor :math:`1/n`.
    activation_mean_ : ndarray of shape (n_hidden_layers,)
        Mean activation :math:`f(Z_k)` of each hidden layer over samples and units.
    activation_std_ : ndarray of shape (n_hidden_layers,)
        Its standard deviation over samples and units.
    saturation_ : ndarray of shape (n_hidden_layers,)
        Share of (sample, unit) activations within ``saturation_eps`` of an
        asymptote (0 for unbounded activations).
    dead_fraction_ : ndarray of shape (n_hidden_layers,)
        Share of units with :math:`z \le 0` for every sample (ReLU family;
        0 for other activations).
    vanishing_ratio_ : float
        ``gradient_norms_[0] / gradient_norms_[n_hidden_layers - 1]``: first
        hidden layer over last hidden layer (``inf`` if only the last is 0,
        ``nan`` if both are). Descriptive; the verdict uses every layer.
    layer_gains_ : ndarray of shape (n_layers - 1,)
        ``gradient_norms_[l] / gradient_norms_[l + 1]``: the factor by which
        the gradient norm changes from one weight layer to the one before it
        (the last entry: last hidden layer over the output layer).
    min_gradient_ratio_, max_gradient_ratio_ : float
        :math:`\min` and :math:`\max` over :math:`l < m` of
        ``gradient_norms_[l] / gradient_norms_[m]``, over the layers whose
        norm is positive and finite (``nan`` when fewer than two are).
    min_delta_ratio_, max_delta_ratio_ : float
        The same for ``delta_norms_``.
    jacobian_points_ : ndarray of int of shape (n_points,)
        The rows of ``X`` at which the Jacobian was computed.
    jacobian_singular_values_ : ndarray of shape (n_points, min(n_features, n_last))
        The singular values, in descending order, of
        :math:`J(x) = \partial h_L/\partial x` at each of those rows
        (:math:`n_{last}` the width of the last hidden layer). 0 and ``inf``
        where float64 ends, ``nan`` for a row whose Jacobian is not finite.
    jacobian_mean_squared_singular_value_ : float
        The mean of :math:`s^2` over every point and singular value.
    jacobian_spread_ : float
        :math:`s_{90}/s_{10}`, the 90th over the 10th percentile of the
        singular values over every point (``numpy.percentile``, linear
        interpolation); ``inf`` when the 10th percentile is 0.
    layer_chi_ : ndarray of shape (n_hidden_layers,)
        Per hidden layer, :math:`\chi_l = \frac{1}{n_l}\|D_l
        W_l^\top\|_F^2` averaged over the points, :math:`n_l` the layer's
        width: the mean-field :math:`\chi = \sigma_w^2\,\mathbb E[f'(z)^2]`
        (:math:`\sigma_w^2` the fan-in times the weights' variance), and the
        mean squared singular value of :math:`D_l W_l^\top` when
        :math:`n_l \le n_{l-1}`. Critical networks have :math:`\chi_l = 1`
        (the sigmoid's first layer, :math:`W_1 = 2Q`: 1/4).
    overflow_ : str or None
        Where the measured pass left the finite numbers of the network's
        dtype (a warning says so too), or None when it did not.
    diagnosis_ : str
        The verdicts that apply, comma-separated, among "vanishing",
        "exploding", "saturated", "dead units", "isometric"; "healthy" if
        none does (see the rules above).
    n_features_in_ : int
        Number of features seen during ``fit``.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of the features seen during ``fit`` (string column names only).

    See Also
    --------
    sksigmoid.GradientFlowDisplay : Draws ``gradient_norms_`` of several networks.

    Examples
    --------
    >>> from sklearn.datasets import load_digits
    >>> from sklearn.preprocessing import StandardScaler
    >>> from sksigmoid import DeepSigmoidMLP, GradientDiagnostics
    >>> X, y = load_digits(return_X_y=True)
    >>> X = StandardScaler().fit_transform(X)
    >>> net = DeepSigmoidMLP(hidden_layer_sizes=(64,) * 10, weight_init="standard",
    ...                      max_iter=0, random_state=0)
    >>> diag = GradientDiagnostics(net).fit(X, y)
    >>> diag.diagnosis_
    'vanishing'
    """

    _parameter_constraints = {
        "estimator": [DeepSigmoidMLP, DeepSigmoidMLPRegressor, None],
        "prefit": ["boolean"],
        "saturation_eps": [Interval(Real, 0, 0.5, closed="both")],
        "vanishing_threshold": [Interval(Real, 0, None, closed="neither")],
        "exploding_threshold": [Interval(Real, 0, None, closed="neither")],
        "min_gradient_norm": [Interval(Real, 0, None, closed="left")],
        "max_gradient_norm": [Interval(Real, 0, None, closed="neither")],
        "saturation_threshold": [Interval(Real, 0, 1, closed="both")],
        "dead_threshold": [Interval(Real, 0, 1, closed="both")],
        "n_jacobian_points": [Interval(Integral, 0, None, closed="left"), None],
        "isometry_factor": [Interval(Real, 1, None, closed="left")],
        "jacobian_spread_threshold": [Interval(Real, 1, None, closed="left")],
        "random_state": ["random_state"],
    }

    # the network at initialisation: the checks exercise the transformer, and
    # trained networks are measured in tests/test_diagnostics.py
    _check_estimator_params = {
        "estimator": DeepSigmoidMLP((4, 3), max_iter=0, random_state=0)
    }

    def __init__(
        self,
        estimator=None,
        *,
        prefit=False,
        saturation_eps=SATURATION_EPS,
        vanishing_threshold=0.01,
        exploding_threshold=100.0,
        min_gradient_norm=0.0,
        max_gradient_norm=1e6,
        saturation_threshold=0.5,
        dead_threshold=0.5,
        n_jacobian_points=32,
        isometry_factor=2.0,
        jacobian_spread_threshold=4.0,
        random_state=None,
    ):
        self.estimator = estimator
        self.prefit = prefit
        self.saturation_eps = saturation_eps
        self.vanishing_threshold = vanishing_threshold
        self.exploding_threshold = exploding_threshold
        self.min_gradient_norm = min_gradient_norm
        self.max_gradient_norm = max_gradient_norm
        self.saturation_threshold = saturation_threshold
        self.dead_threshold = dead_threshold
        self.n_jacobian_points = n_jacobian_points
        self.isometry_factor = isometry_factor
        self.jacobian_spread_threshold = jacobian_spread_threshold
        self.random_state = random_state

    @_fit_context(prefer_skip_nested_validation=False)
    def fit(self, X, y):
        """Measure the gradient flow of the (fitted) network over ``(X, y)``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            Targets as the estimator expects them.

        Returns
        -------
        self : GradientDiagnostics
        """
        X, y = validate_data(
            self, X, y, dtype=(np.float64, np.float32), multi_output=True
        )
        self.estimator_ = self._fitted_estimator(X, y)
        if len(self.estimator_.coefs_) < 2:
            raise ValueError(
                "GradientDiagnostics measures the flow through hidden layers, but "
                "the network has none; give it hidden_layer_sizes."
            )
        network, params, _ = _network_parts(self.estimator_)
        dtype = params.flat.dtype
        self.jacobian_points_ = jacobian_points(len(X), self.n_jacobian_points)
        measured = measure_gradients(
            network,
            params,
            X.astype(dtype, copy=False),
            _encoded_targets(self.estimator_, y, dtype),
            saturation_eps=self.saturation_eps,
            jacobian_rows=self.jacobian_points_,
        )
        self.gradient_norms_ = measured.gradient_norms
        self.bias_gradient_norms_ = measured.bias_gradient_norms
        self.delta_norms_ = measured.delta_norms
        self.activation_mean_ = measured.mean
        self.activation_std_ = measured.std
        self.saturation_ = measured.saturation
        self.dead_fraction_ = measured.dead_fraction
        self.vanishing_ratio_ = vanishing_ratio(self.gradient_norms_)
        self.layer_gains_ = layer_gains(self.gradient_norms_)
        self.min_gradient_ratio_, self.max_gradient_ratio_ = span_ratios(
            self.gradient_norms_
        )
        self.min_delta_ratio_, self.max_delta_ratio_ = span_ratios(self.delta_norms_)
        self.jacobian_singular_values_ = measured.isometry.singular_values
        self.jacobian_mean_squared_singular_value_ = (
            measured.isometry.mean_squared_singular_value
        )
        self.jacobian_spread_ = measured.isometry.spread
        self.layer_chi_ = measured.isometry.layer_chi
        self.overflow_ = measured.overflow
        self.diagnosis_ = self._diagnose()
        if self.overflow_ is not None:
            warnings.warn(
                "The network's forward and backward pass over X overflow: "
                f"{self.overflow_}, so the measurements are not reliable (some "
                f"may be inf or nan); diagnosis {self.diagnosis_!r}. Scale the "
                "features, use smaller initial weights, or measure the network "
                "in float64.",
                UserWarning,
            )
        return self

    def _fitted_estimator(self, X, y):
        if self.estimator is None:
            estimator = DeepSigmoidMLP(random_state=self.random_state)
        else:
            estimator = self.estimator
        if self.prefit:
            check_is_fitted(estimator)
            if estimator.n_features_in_ != X.shape[1]:
                raise ValueError(
                    f"X has {X.shape[1]} features, but the prefit estimator was "
                    f"fitted with {estimator.n_features_in_}."
                )
            return estimator
        estimator = clone(estimator)
        if estimator.random_state is None:
            estimator.set_params(random_state=self.random_state)
        return estimator.fit(X, y)

    def _diagnose(self):
        norms = self.gradient_norms_
        vanishing = (
            np.any(norms[:-1] <= self.min_gradient_norm)
            or self.min_gradient_ratio_ < self.vanishing_threshold
            or self.min_delta_ratio_ < self.vanishing_threshold
        )
        exploding = (
            self.overflow_ is not None
            or not np.isfinite(norms).all()
            or np.max(norms) > self.max_gradient_norm
            or self.max_gradient_ratio_ > self.exploding_threshold
            or self.max_delta_ratio_ > self.exploding_threshold
        )
        verdicts = [
            ("vanishing", vanishing),
            ("exploding", exploding),
            ("saturated", np.max(self.saturation_) > self.saturation_threshold),
            ("dead units", np.max(self.dead_fraction_) > self.dead_threshold),
            ("isometric", self._isometric()),
        ]
        return ", ".join(name for name, found in verdicts if found) or "healthy"

    def _isometric(self):
        """Whether the Jacobian's singular values sit at the isometric value."""
        target = isometric_value(get_activation(self.estimator_.activation).name)
        if target is None or self.overflow_ is not None:
            return False
        mean_square = self.jacobian_mean_squared_singular_value_
        return bool(
            target / self.isometry_factor
            <= mean_square
            <= target * self.isometry_factor
            and self.jacobian_spread_ <= self.jacobian_spread_threshold
        )

    def transform(self, X):
        """Per sample and hidden layer: saturation, mean activation, output sensitivity.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        ndarray of shape (n_samples, 3 * n_hidden_layers)
            For hidden layers ``1, 2, ...`` in turn: the share of the sample's
            units that are saturated, their mean activation, and
            :math:`\\|\\partial \\hat z/\\partial Z_k\\|_2` (see the class
            description); column names from :meth:`get_feature_names_out`.
        """
        check_is_fitted(self)
        X = validate_data(self, X, reset=False, dtype=(np.float64, np.float32))
        network, params = fold_batch_norm(*_network_parts(self.estimator_))
        dtype = params.flat.dtype
        forward, backward, sensitivities, overflowed = output_sensitivities(
            network, params, X.astype(dtype, copy=False)
        )
        columns = []
        for H, sensitivity in zip(forward.activations, sensitivities, strict=True):
            saturated = saturated_mask(H, network.activation.name, self.saturation_eps)
            columns += [saturated.mean(axis=1), _row_reduction(np.mean, H), sensitivity]
        features = np.column_stack(columns).astype(np.float64, copy=False)
        n_bad = np.count_nonzero(~np.isfinite(features).all(axis=1))
        if overflowed or n_bad:
            raise FloatingPointError(
                "The network's forward and backward pass over X overflow: "
                f"{overflow_report(forward, backward.deltas, dtype)}; the features "
                f"of {n_bad} of the {len(features)} samples are not finite. Scale "
                "the features, use smaller weights, or fit the network in float64."
            )
        return features

    def get_feature_names_out(self, input_features=None):
        """Names ``layer{k}_saturation``, ``layer{k}_mean_activation``, ...

        For each hidden layer ``k``: ``layer{k}_saturation``,
        ``layer{k}_mean_activation`` and ``layer{k}_sensitivity``.

        Parameters
        ----------
        input_features : array-like of str or None, default=None
            Only checked against the names seen in ``fit``.

        Returns
        -------
        ndarray of str objects of shape (3 * n_hidden_layers,)
        """
        check_is_fitted(self)
        _check_feature_names_in(self, input_features, generate_names=False)
        n_hidden = len(self.gradient_norms_) - 1
        return np.asarray(
            [f"layer{k}_{name}" for k in range(1, n_hidden + 1) for name in FEATURES],
            dtype=object,
        )

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.required = True
        return tags


def vanishing_ratio(gradient_norms):
    r"""First over last hidden layer's gradient norm.

    .. math:: \|\partial L/\partial W_1\|_F \,/\, \|\partial L/\partial W_K\|_F

    ``inf`` when only the last hidden layer's gradient is 0, ``nan`` when both are.
    """
    first, last = gradient_norms[0], gradient_norms[len(gradient_norms) - 2]
    if last == 0:
        return np.inf if first > 0 else np.nan
    with np.errstate(**_QUIET):
        return float(np.float64(first) / last)


def layer_gains(norms):
    """``norms[l] / norms[l + 1]`` for consecutive layers (0/0 is nan, x/0 inf)."""
    norms = np.asarray(norms, dtype=np.float64)
    with np.errstate(**_QUIET):
        return norms[:-1] / norms[1:]


def span_ratios(norms):
    r"""Smallest and largest :math:`n_l / n_m` over :math:`l < m`.

    Over the entries of ``norms`` that are positive and finite (zeros and
    overflow are verdicts of their own); ``(nan, nan)`` when fewer than two
    are. Computed in one pass from the running minimum and maximum.
    """
    norms = np.asarray(norms, dtype=np.float64)
    usable = norms[np.isfinite(norms) & (norms > 0)]
    if usable.size < 2:
        return math.nan, math.nan
    with np.errstate(**_QUIET):
        lowest = np.minimum.accumulate(usable)[:-1] / usable[1:]
        highest = np.maximum.accumulate(usable)[:-1] / usable[1:]
    return float(lowest.min()), float(highest.max())

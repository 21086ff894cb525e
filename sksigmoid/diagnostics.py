r"""Gradient diagnostics of a deep network, as a scikit-learn transformer.

:class:`GradientDiagnostics` runs one forward and one backward pass of the
network core (:class:`sksigmoid._network.Network`) over the data and reads,
layer by layer, what that pass computed: the gradients
:math:`\partial L/\partial W_l`, the back-propagated errors
:math:`\delta_l = \partial L/\partial Z_l` and the activations. It never
differentiates anything itself.
"""

import threading
from copy import copy
from numbers import Real

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin, _fit_context, clone
from sklearn.utils import Bunch
from sklearn.utils._param_validation import HasMethods, Interval
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
from ._network import Network, ParameterVector, running_statistics
from .mlp import DeepSigmoidMLP

__all__ = ["GradientDiagnostics"]

#: Per hidden layer, the columns of :meth:`GradientDiagnostics.transform`.
FEATURES = ("saturation", "mean_activation", "sensitivity")


def mean_and_std(H):
    r"""Mean and standard deviation of all entries, :math:`\sqrt{\overline{h^2} - \bar h^2}`.

    Two reductions and no temporary array: this runs on every hidden layer of
    every measurement.
    """
    mean = H.mean(dtype=np.float64)
    mean_square = float(np.vdot(H, H)) / H.size
    return mean, np.sqrt(max(mean_square - mean * mean, 0.0))


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


def measure_gradients(network, params, X, Y, *, saturation_eps):
    r"""One forward and one backward pass of the mean unregularised loss, in norms.

    The forward pass is the training one (batch statistics for batch
    normalisation, the batch being all of ``X``) without dropout; the backward
    pass is the core's :meth:`~sksigmoid._network.Network.backward` with
    :math:`\alpha = 0`.

    Returns
    -------
    Bunch
        ``gradient_norms`` :math:`\|\partial L/\partial W_l\|_F`,
        ``bias_gradient_norms`` :math:`\|\partial L/\partial b_l\|_2`,
        ``delta_norms`` :math:`\|\partial L/\partial Z_l\|_F` (one per weight
        layer), and the :func:`activation_statistics` of the hidden layers.
    """
    running = running_statistics(params) if network.batch_norm else None
    forward = network.forward(params, X, training=True, running=running)
    stats = activation_statistics(forward, network.activation.name, saturation_eps)
    backward = network.backward(params, forward, Y)
    return Bunch(
        gradient_norms=_norms(backward.grads.coefs),
        bias_gradient_norms=_norms(backward.grads.intercepts),
        delta_norms=_norms(backward.deltas),
        **stats,
    )


def _norms(arrays):
    """Frobenius (or Euclidean) norm of each array, in float64."""
    return np.array([np.linalg.norm(a.astype(np.float64, copy=False)) for a in arrays])


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
    sensitivities : list of ndarray of shape (n_samples,)
    """
    forward = network.forward(params, X)
    error = output_sensitivity_error(forward.output, network.output)
    backward = network.backward(params, forward, None, output_error=error)
    n_hidden = len(params.coefs) - 1
    return forward, [
        np.linalg.norm(delta.astype(np.float64, copy=False), axis=1)
        for delta in backward.deltas[:n_hidden]
    ]


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

    Parameters
    ----------
    estimator : DeepSigmoidMLP or DeepSigmoidMLPRegressor, default=None
        The network to diagnose; ``None`` means ``DeepSigmoidMLP()``. To
        measure a network at initialisation (the state Glorot & Bengio 2010
        studied), give it ``max_iter=0``.
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
        Verdict "vanishing" when ``vanishing_ratio_`` is below it.
    exploding_threshold : float, default=100.0
        Verdict "exploding" when ``vanishing_ratio_`` is above it.
    saturation_threshold : float, default=0.5
        Verdict "saturated" when some hidden layer has more than this share of
        saturated activations.
    dead_threshold : float, default=0.5
        Verdict "dead units" when some hidden layer has more than this share
        of dead units.

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
        ``nan`` if both are).
    diagnosis_ : str
        The verdicts that apply, comma-separated, among "vanishing",
        "exploding", "saturated", "dead units"; "healthy" if none does.
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
        "estimator": [HasMethods(["fit"]), None],
        "prefit": ["boolean"],
        "saturation_eps": [Interval(Real, 0, 0.5, closed="both")],
        "vanishing_threshold": [Interval(Real, 0, None, closed="neither")],
        "exploding_threshold": [Interval(Real, 0, None, closed="neither")],
        "saturation_threshold": [Interval(Real, 0, 1, closed="both")],
        "dead_threshold": [Interval(Real, 0, 1, closed="both")],
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
        saturation_threshold=0.5,
        dead_threshold=0.5,
    ):
        self.estimator = estimator
        self.prefit = prefit
        self.saturation_eps = saturation_eps
        self.vanishing_threshold = vanishing_threshold
        self.exploding_threshold = exploding_threshold
        self.saturation_threshold = saturation_threshold
        self.dead_threshold = dead_threshold

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
        measured = measure_gradients(
            network,
            params,
            X.astype(dtype, copy=False),
            _encoded_targets(self.estimator_, y, dtype),
            saturation_eps=self.saturation_eps,
        )
        self.gradient_norms_ = measured.gradient_norms
        self.bias_gradient_norms_ = measured.bias_gradient_norms
        self.delta_norms_ = measured.delta_norms
        self.activation_mean_ = measured.mean
        self.activation_std_ = measured.std
        self.saturation_ = measured.saturation
        self.dead_fraction_ = measured.dead_fraction
        self.vanishing_ratio_ = vanishing_ratio(self.gradient_norms_)
        self.diagnosis_ = self._diagnose()
        return self

    def _fitted_estimator(self, X, y):
        estimator = DeepSigmoidMLP() if self.estimator is None else self.estimator
        if self.prefit:
            check_is_fitted(estimator)
            if estimator.n_features_in_ != X.shape[1]:
                raise ValueError(
                    f"X has {X.shape[1]} features, but the prefit estimator was "
                    f"fitted with {estimator.n_features_in_}."
                )
            return estimator
        return clone(estimator).fit(X, y)

    def _diagnose(self):
        ratio = self.vanishing_ratio_
        verdicts = [
            ("vanishing", not ratio >= self.vanishing_threshold),
            ("exploding", ratio > self.exploding_threshold),
            ("saturated", np.max(self.saturation_) > self.saturation_threshold),
            ("dead units", np.max(self.dead_fraction_) > self.dead_threshold),
        ]
        return ", ".join(name for name, found in verdicts if found) or "healthy"

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
        forward, sensitivities = output_sensitivities(
            network, params, X.astype(params.flat.dtype, copy=False)
        )
        columns = []
        for H, sensitivity in zip(forward.activations, sensitivities, strict=True):
            saturated = saturated_mask(H, network.activation.name, self.saturation_eps)
            columns += [saturated.mean(axis=1), H.mean(axis=1), sensitivity]
        return np.column_stack(columns).astype(np.float64, copy=False)

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
    return float(first / last)

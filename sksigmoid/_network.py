"""The feed-forward core shared by the neuron, the MLP and the diagnostics.

A weight layer maps activations ``A`` (n_samples, fan_in) to pre-activations
``Z = A @ W + b`` (n_samples, fan_out), with ``W`` in scikit-learn's layout
(fan_in, fan_out). Back-propagation needs only two rules, written here once:

* the error at the output pre-activations, :func:`output_delta`
  (:math:`\\partial L / \\partial Z` of the mean loss, sample weights included);
* the affine rule, :func:`affine_backward`: from :math:`\\delta = \\partial L/\\partial Z`
  to :math:`\\partial L/\\partial W = A^\\top \\delta`,
  :math:`\\partial L/\\partial b = \\sum_i \\delta_i` and
  :math:`\\partial L/\\partial A = \\delta W^\\top`.

A single sigmoid neuron is the network with no hidden layer.
"""

import numpy as np
from scipy.sparse import issparse
from sklearn.utils.extmath import safe_sparse_dot

from ._activations import (
    RELU_FAMILY,
    saturated_fraction,
    saturated_fractions_from_slopes,
)
from ._numeric import (
    binary_log_loss,
    binary_log_losses_and_gradient,
    constant_array,
    log_loss_gradient,
    multinomial_log_loss,
    multinomial_log_losses_and_gradient,
    weighted_mean,
)

__all__ = [
    "affine_forward",
    "affine_backward",
    "output_delta",
    "output_loss_and_delta",
    "ParameterVector",
    "Forward",
    "Backward",
    "Network",
    "running_statistics",
]


def affine_forward(A, W, b, *, out=None):
    """Pre-activations ``Z = A @ W + b`` (``A`` may be sparse).

    ``out``, a preallocated (n_samples, fan_out) array, receives ``Z`` when
    given (the MLP's training loop allocates nothing per batch).
    """
    if out is None:
        Z = safe_sparse_dot(A, W)
    elif issparse(A):
        Z = out
        Z[...] = safe_sparse_dot(A, W)
    else:
        Z = np.matmul(A, W, out=out)
    Z += b
    return Z


def affine_backward(A, delta, W=None, *, need_input_grad=True, out=None):
    r"""Gradients of an affine layer from the error at its output.

    Parameters
    ----------
    A : {ndarray, sparse matrix} of shape (n_samples, fan_in)
        The layer's input.
    delta : ndarray of shape (n_samples, fan_out)
        :math:`\partial L / \partial Z` for the layer's output ``Z``.
    W : ndarray of shape (fan_in, fan_out), default=None
        Needed only for the gradient with respect to ``A``.
    need_input_grad : bool, default=True
        Whether to compute :math:`\partial L / \partial A = \delta W^\top`.
    out : tuple of 3 ndarrays, default=None
        Preallocated ``(grad_W, grad_b, grad_A)`` to write into (``grad_A``
        may be None when it is not needed); ``A`` must then be dense.

    Returns
    -------
    grad_W : ndarray of shape (fan_in, fan_out)
    grad_b : ndarray of shape (fan_out,)
    grad_A : ndarray of shape (n_samples, fan_in) or None
    """
    if out is not None:
        return _affine_backward_into(A, delta, W, need_input_grad, *out)
    grad_W = safe_sparse_dot(A.T, delta)
    grad_b = delta.sum(axis=0)
    grad_A = delta @ W.T if (need_input_grad and W is not None) else None
    return np.asarray(grad_W), grad_b, grad_A


def _affine_backward_into(A, delta, W, need_input_grad, grad_W, grad_b, grad_A):
    np.matmul(A.T, delta, out=grad_W)
    # the column sums as a product with ones: BLAS takes a third of np.sum's time
    np.matmul(constant_array(delta.shape[:1], delta.dtype, 1), delta, out=grad_b)
    if need_input_grad and W is not None:
        grad_A = np.matmul(delta, W.T, out=grad_A)
    else:
        grad_A = None
    return grad_W, grad_b, grad_A


def output_delta(Y, Z, sample_weight=None, loss="log_loss"):
    r"""Error :math:`\partial L/\partial Z` at the output of the *mean* loss.

    For ``loss="log_loss"`` (logistic or softmax output) it is
    :math:`s_i (\hat p_i - y_i) / \sum_j s_j`; for ``loss="squared_error"``
    with :math:`L = \frac{1}{2\sum s}\sum_i s_i \|\hat y_i - y_i\|^2` (identity
    output, the ½ included as in scikit-learn's MLPRegressor) it is
    :math:`s_i (\hat y_i - y_i) / \sum_j s_j`.

    Parameters
    ----------
    Y : ndarray, shape matching ``Z``
        Targets (0/1, one-hot, or real values).
    Z : ndarray of shape (n_samples,) or (n_samples, n_outputs)
        Output pre-activations (logits, or predictions for squared error).
    sample_weight : ndarray of shape (n_samples,), default=None
    loss : {"log_loss", "squared_error"}, default="log_loss"
    """
    if loss == "log_loss":
        delta = log_loss_gradient(Y, Z)
    else:
        delta = Z - Y
    return _per_sample_to_mean(delta, sample_weight)


def output_loss_and_delta(Y, Z, sample_weight=None, loss="log_loss"):
    r"""The sample-weighted mean loss of the output and :func:`output_delta`,
    from one evaluation of the output non-linearity (the training step needs both).

    Returns
    -------
    loss : float
    delta : ndarray, shape of ``Z``
    """
    if loss == "squared_error":
        gradient = Z - Y
        rows = gradient.reshape(Z.shape[0], -1)
        losses = 0.5 * np.einsum("ik,ik->i", rows, rows)
    elif Z.ndim == 1 or Z.shape[1] == 1:
        losses, gradient = binary_log_losses_and_gradient(Y, Z)
        losses = losses.reshape(Z.shape[0])
    else:
        losses, gradient = multinomial_log_losses_and_gradient(Y, Z)
    loss = float(weighted_mean(losses, sample_weight))
    return loss, _per_sample_to_mean(gradient, sample_weight)


def _per_sample_to_mean(delta, sample_weight):
    """Turn per-sample derivatives (rows) into those of the weighted mean, in place."""
    if sample_weight is None:
        delta /= delta.shape[0]
    else:
        scale = sample_weight / sample_weight.sum()
        delta *= scale.reshape((-1,) + (1,) * (delta.ndim - 1)).astype(
            delta.dtype, copy=False
        )
    return delta


# ---------------------------------------------------------------------------
# The full feed-forward network (used by DeepSigmoidMLP and the diagnostics)
# ---------------------------------------------------------------------------

OUTPUT_LOSSES = {
    "logistic": "log_loss",
    "softmax": "log_loss",
    "identity": "squared_error",
}


class ParameterVector:
    r"""The trainable arrays of a network, as views into one flat vector.

    Layout of :attr:`flat`: every weight matrix ``coefs[l]`` (fan_in, fan_out),
    then every ``intercepts[l]``, then, with batch normalisation, the scales
    ``gammas[k]`` and shifts ``betas[k]`` of each hidden layer ``k``. One flat
    vector lets an optimiser step, the L2 term and gradient clipping each touch
    a single array, and is what L-BFGS optimises.

    Parameters
    ----------
    layer_sizes : sequence of int
        Widths from the input to the output layer.
    batch_norm : bool, default=False
    dtype : dtype, default=np.float64
    """

    def __init__(self, layer_sizes, batch_norm=False, dtype=np.float64):
        self.layer_sizes = tuple(int(n) for n in layer_sizes)
        self.batch_norm = batch_norm
        fans = list(zip(self.layer_sizes[:-1], self.layer_sizes[1:], strict=True))
        hidden = self.layer_sizes[1:-1] if batch_norm else ()
        shapes = list(fans) + [(fan_out,) for _, fan_out in fans]
        shapes += [(width,) for width in hidden] * 2
        sizes = [int(np.prod(shape)) for shape in shapes]
        self.flat = np.zeros(sum(sizes), dtype=dtype)
        offsets = np.cumsum([0, *sizes])
        views = [
            self.flat[start:stop].reshape(shape)
            for start, stop, shape in zip(
                offsets[:-1], offsets[1:], shapes, strict=True
            )
        ]
        n_layers, n_hidden = len(fans), len(hidden)
        self.coefs = views[:n_layers]
        self.intercepts = views[n_layers : 2 * n_layers]
        self.gammas = views[2 * n_layers : 2 * n_layers + n_hidden]
        self.betas = views[2 * n_layers + n_hidden :]
        self.n_weights = int(offsets[n_layers])

    @property
    def weights_flat(self):
        """The entries of :attr:`flat` that are weight matrices (the L2-penalised ones)."""
        return self.flat[: self.n_weights]

    def zeros_like(self):
        """A zero :class:`ParameterVector` of the same layout (for gradients)."""
        return ParameterVector(self.layer_sizes, self.batch_norm, self.flat.dtype)

    def load(self, coefs, intercepts, gammas=(), betas=()):
        """Copy the given arrays into the flat vector; return ``self``."""
        for views, arrays in [
            (self.coefs, coefs),
            (self.intercepts, intercepts),
            (self.gammas, gammas),
            (self.betas, betas),
        ]:
            for view, array in zip(views, arrays, strict=True):
                view[...] = array
        return self


class Forward:
    """What a forward pass keeps, layer by layer (buffers of the network).

    Attributes
    ----------
    inputs : list of ndarray
        ``inputs[l]`` is the input of weight layer ``l`` (``inputs[0]`` is ``X``,
        ``inputs[l]`` for ``l >= 1`` the hidden activations after dropout).
    pre_activations : list of ndarray
        ``pre_activations[l]`` is :math:`Z_l`, the input of the non-linearity of
        layer ``l`` (after batch normalisation); the last one holds the output
        logits (or predictions for the identity output).
    activations : list of ndarray
        ``activations[k] = f(Z_k)`` of each hidden layer, before dropout.
    normalized : list of ndarray
        With batch norm, :math:`\\hat U_k = (U_k - \\mu_k)/\\sqrt{v_k + \\epsilon}`.
    inv_std : list of ndarray
        With batch norm, :math:`1/\\sqrt{v_k + \\epsilon}` per unit.
    masks : list of ndarray
        With dropout in training, the inverted-dropout masks (0 or :math:`1/(1-p)`).
    dropped : list of ndarray
        With dropout in training, the hidden activations after dropout (the
        same arrays as ``inputs[1:]``).
    dropped_out : bool
        Whether dropout was applied (training with ``dropout > 0``).
    """

    def __init__(self):
        self.inputs, self.pre_activations, self.activations = [], [], []
        self.normalized, self.inv_std, self.masks, self.dropped = [], [], [], []
        self.dropped_out = False

    @property
    def output(self):
        """The output pre-activations (logits, or predictions for regression)."""
        return self.pre_activations[-1]


class Backward:
    """Gradients of the loss from one backward pass.

    Attributes
    ----------
    grads : ParameterVector
        :math:`\\partial L / \\partial \\theta` in the layout of the parameters.
    deltas : list of ndarray
        ``deltas[l]`` is :math:`\\partial L / \\partial Z_l` (n_samples, width of
        layer ``l``), for every layer including the output: the signal whose
        shrinking through the layers is the vanishing gradient.
    saturated : list of float or None
        Per hidden layer, the fraction of (sample, unit) activations within
        :data:`~sksigmoid._activations.SATURATION_EPS` of an asymptote of a
        bounded activation (only when the backward pass was asked to count it).
    activation_means : list of float or None
        Per hidden layer, the mean activation :math:`\\overline{f(Z_k)}` over
        the batch's samples and units (Glorot & Bengio's measure of a layer
        driven to an asymptote; counted with ``saturated``).
    """

    def __init__(self, grads, deltas, saturated=None, activation_means=None):
        self.grads = grads
        self.deltas = deltas
        self.saturated = saturated
        self.activation_means = activation_means

    @property
    def coef_grads(self):
        return self.grads.coefs

    @property
    def intercept_grads(self):
        return self.grads.intercepts


class Network:
    r"""A feed-forward network of hidden layers with one activation, and its gradients.

    Layer ``l`` computes :math:`U_l = A_l W_l + b_l`; a hidden layer then
    optionally normalises, :math:`Z_l = \gamma_l \hat U_l + \beta_l` with
    :math:`\hat U_l = (U_l - \mu)/\sqrt{v + \epsilon}` (batch statistics in
    training, running statistics otherwise), applies :math:`H_l = f(Z_l)` and
    optionally inverted dropout :math:`A_{l+1} = H_l \odot M_l/(1-p)`. The last
    layer's :math:`Z` goes to the output unit: ``"logistic"`` (one unit, binary
    log-loss), ``"softmax"`` (multinomial log-loss) or ``"identity"`` (half
    mean squared error). The loss is the sample-weighted mean over the batch
    plus :math:`\frac{\alpha}{2}\sum_l \|W_l\|_F^2`.

    Buffers are allocated once per batch size and reused, so a
    :class:`Forward` is valid until the next forward pass of the same size.

    Parameters
    ----------
    activation : Activation
        From :func:`sksigmoid._activations.get_activation`.
    output : {"logistic", "softmax", "identity"}
    batch_norm : bool, default=False
    dropout : float, default=0.0
        Probability :math:`p` of zeroing a hidden unit in training.
    momentum : float, default=0.1
        Weight of the batch statistics in the running statistics update.
    epsilon : float, default=1e-5
    """

    def __init__(
        self,
        activation,
        output="logistic",
        *,
        batch_norm=False,
        dropout=0.0,
        momentum=0.1,
        epsilon=1e-5,
    ):
        self.activation = activation
        self.output = output
        self.loss = OUTPUT_LOSSES[output]
        self.batch_norm = batch_norm
        self.dropout = dropout
        self.momentum = momentum
        self.epsilon = epsilon
        self._workspaces = {}

    # -- buffers ------------------------------------------------------------

    def _workspace(self, params, n_samples):
        key = (params.layer_sizes, n_samples, params.flat.dtype)
        if key not in self._workspaces:
            if len(self._workspaces) > 4:
                self._workspaces.clear()
            self._workspaces[key] = _Workspace(params, n_samples)
        return self._workspaces[key]

    # -- forward ------------------------------------------------------------

    def forward(self, params, X, *, training=False, running=None, rng=None):
        """Forward pass, keeping pre-activations and activations of every layer.

        Parameters
        ----------
        params : ParameterVector
        X : ndarray of shape (n_samples, n_features)
        training : bool, default=False
            Batch statistics (updating ``running`` in place) and dropout when True;
            running statistics and no dropout otherwise.
        running : tuple (means, variances) of lists of ndarray, default=None
            Running batch-norm statistics, required with batch norm.
        rng : numpy.random.Generator, default=None
            Draws the dropout masks.

        Returns
        -------
        Forward
        """
        ws = self._workspace(params, X.shape[0])
        fwd = ws.forward
        fwd.inputs[0] = X
        fwd.dropped_out = training and self.dropout > 0
        n_layers = len(params.coefs)
        A = X
        for layer in range(n_layers):
            W, b = params.coefs[layer], params.intercepts[layer]
            if layer == n_layers - 1:
                affine_forward(A, W, b, out=fwd.pre_activations[layer])
                break
            Z = fwd.pre_activations[layer]
            if self.batch_norm:
                U = affine_forward(A, W, b, out=fwd.normalized[layer])
                self._normalize(U, Z, layer, params, fwd, training, running)
            else:
                affine_forward(A, W, b, out=Z)
            H = self.activation.function(Z, fwd.activations[layer])
            if fwd.dropped_out:
                A = self._drop(H, fwd, layer, rng)
            else:
                A = H
            fwd.inputs[layer + 1] = A
        return fwd

    def _normalize(self, U, Z, k, params, fwd, training, running):
        """Overwrite ``U`` with :math:`\\hat U` and write :math:`\\gamma\\hat U + \\beta` to ``Z``."""
        means, variances = running
        if training:
            mean = U.mean(axis=0)
            U -= mean
            np.multiply(U, U, out=Z)
            var = Z.mean(axis=0)
            means[k] *= 1 - self.momentum
            means[k] += self.momentum * mean
            variances[k] *= 1 - self.momentum
            variances[k] += self.momentum * var
        else:
            U -= means[k]
            var = variances[k]
        inv_std = fwd.inv_std[k]
        np.add(var, self.epsilon, out=inv_std)
        np.sqrt(inv_std, out=inv_std)
        np.divide(1, inv_std, out=inv_std)
        U *= inv_std
        np.multiply(U, params.gammas[k], out=Z)
        Z += params.betas[k]

    def _drop(self, H, fwd, k, rng):
        keep = 1 - self.dropout
        mask = fwd.masks[k]
        rng.random(out=mask, dtype=mask.dtype)
        np.less(mask, keep, out=mask)
        mask *= 1 / keep
        return np.multiply(H, mask, out=fwd.dropped[k])

    # -- loss -----------------------------------------------------------------

    def data_loss(self, Y, Z, sample_weight=None):
        r"""Sample-weighted mean loss of the output pre-activations ``Z``.

        Binary: :math:`\log(1+e^{z}) - yz`; multiclass: cross-entropy of the
        softmax; regression: :math:`\frac12\|z - y\|^2`.
        """
        if self.output == "logistic":
            return binary_log_loss(Y.ravel(), Z.ravel(), sample_weight)
        if self.output == "softmax":
            return multinomial_log_loss(Y, Z, sample_weight)
        residual = Z - Y
        per_sample = 0.5 * np.square(residual).sum(axis=1)
        return float(np.average(per_sample, weights=sample_weight))

    def loss_and_output_error(self, Y, Z, sample_weight=None):
        """:meth:`data_loss` and the error :math:`\\partial L/\\partial Z` that
        :meth:`backward` starts from (``output_error``), from one evaluation
        (:func:`output_loss_and_delta`)."""
        return output_loss_and_delta(Y, Z, sample_weight, self.loss)

    @staticmethod
    def penalty(params, alpha):
        r""":math:`\frac{\alpha}{2}\sum_l \|W_l\|_F^2` (intercepts and batch-norm parameters are not penalised)."""
        w = params.weights_flat
        return 0.5 * alpha * float(np.dot(w, w))

    # -- backward -----------------------------------------------------------

    def backward(
        self,
        params,
        forward,
        Y,
        sample_weight=None,
        *,
        alpha=0.0,
        grads=None,
        count_saturated=False,
        output_error=None,
    ):
        r"""Back-propagate the mean loss through the network.

        Starting from :math:`\delta_{L} = \partial L/\partial Z_L`
        (:func:`output_delta`), each layer applies :func:`affine_backward`, and
        a hidden layer multiplies by the dropout mask and :math:`f'(Z)`, then
        (batch norm) maps :math:`\delta = \partial L/\partial Z` to

        .. math::
            \frac{\partial L}{\partial U} = \gamma\, s \left(\delta
            - \tfrac1n \textstyle\sum_i \delta_i
            - \hat U \tfrac1n \textstyle\sum_i \delta_i \hat U_i\right),
            \qquad s = 1/\sqrt{v+\epsilon}.

        Parameters
        ----------
        params : ParameterVector
        forward : Forward
            The result of :meth:`forward` (``training=True``) on the same batch.
        Y : ndarray of shape (n_samples, n_outputs)
            Encoded targets in the dtype of the parameters.
        sample_weight : ndarray of shape (n_samples,), default=None
        alpha : float, default=0.0
            L2 penalty on the weights.
        grads : ParameterVector, default=None
            Where to write the gradients (allocated if None).
        count_saturated : bool, default=False
            Also count the saturated hidden units (:attr:`Backward.saturated`).
        output_error : ndarray of shape (n_samples, n_outputs), default=None
            Start from this :math:`\partial(\cdot)/\partial Z_L` instead of the
            loss's (``Y`` is then unused): a one-hot row back-propagates the
            sensitivity of one output, as the gradient diagnostics need.

        Returns
        -------
        Backward
        """
        ws = self._workspace(params, forward.inputs[0].shape[0])
        grads = params.zeros_like() if grads is None else grads
        n_layers = len(params.coefs)
        deltas = ws.deltas
        if output_error is None:
            output_error = output_delta(Y, forward.output, sample_weight, self.loss)
        deltas[-1] = output_error
        for layer in reversed(range(n_layers)):
            delta = deltas[layer]
            if self.batch_norm and layer < n_layers - 1:
                delta = self._normalize_backward(delta, layer, params, grads, ws)
            out = (
                grads.coefs[layer],
                grads.intercepts[layer],
                deltas[layer - 1] if layer else None,
            )
            affine_backward(
                forward.inputs[layer],
                delta,
                params.coefs[layer],
                need_input_grad=layer > 0,
                out=out,
            )
            if layer > 0:
                self._activation_backward(deltas[layer - 1], layer - 1, forward, ws)
        if alpha:
            grads.weights_flat[...] += np.multiply(
                params.weights_flat, alpha, out=ws.weight_scratch
            )
        if not count_saturated:
            return Backward(grads, list(deltas))
        means = [float(np.mean(A)) for A in ws.forward.activations]
        return Backward(grads, list(deltas), self._saturated_fractions(ws), means)

    def _activation_backward(self, delta, k, forward, ws):
        """:math:`\\delta_k \\leftarrow \\delta_k \\odot M_k \\odot f'(Z_k)`, in place."""
        if forward.dropped_out:
            delta *= forward.masks[k]
        slope = self.activation.derivative(
            forward.pre_activations[k], forward.activations[k], ws.scratch[k]
        )
        delta *= slope

    def _saturated_fractions(self, ws):
        r"""Per hidden layer, the share of units within ``SATURATION_EPS`` of an
        asymptote (:func:`~sksigmoid._activations.saturated_fraction`).

        Read off the derivatives :math:`f'(Z)` this backward pass left in the
        workspace where they determine it, else off the kept activations. For
        the ReLU family, which has no upper asymptote, the share of dead units
        (:math:`z \le 0` for every sample of the batch) instead.
        """
        name = self.activation.name
        if name in RELU_FAMILY:  # never saturates: its dead units instead
            return [
                float(np.mean(np.all(Z <= 0, axis=0)))
                for Z in ws.forward.pre_activations[:-1]
            ]
        fractions = saturated_fractions_from_slopes(
            ws.slopes, ws.slope_sizes, name, out=ws.saturated
        )
        if fractions is None:  # the derivatives do not determine it
            return [saturated_fraction(A, name) for A in ws.forward.activations]
        return fractions

    def _normalize_backward(self, delta, k, params, grads, ws):
        forward = ws.forward
        U_hat, dU = forward.normalized[k], ws.bn_deltas[k]
        n = delta.shape[0]
        np.sum(delta, axis=0, out=grads.betas[k])
        np.multiply(delta, U_hat, out=dU)
        np.sum(dU, axis=0, out=grads.gammas[k])
        np.multiply(U_hat, grads.gammas[k] / n, out=dU)
        np.subtract(delta, dU, out=dU)
        dU -= grads.betas[k] / n
        dU *= params.gammas[k] * forward.inv_std[k]
        return dU

    # -- the whole objective --------------------------------------------------

    def loss_and_grad(self, params, X, Y, sample_weight=None, *, alpha=0.0, grads=None):
        """Full-batch loss (data term plus L2) and its gradient, dropout off.

        Used by L-BFGS and the gradient checks. With batch norm the batch
        statistics are those of ``X``.

        Returns
        -------
        loss : float
        backward : Backward
        """
        running = running_statistics(params) if self.batch_norm else None
        dropout, self.dropout = self.dropout, 0.0
        try:
            fwd = self.forward(params, X, training=True, running=running)
        finally:
            self.dropout = dropout
        loss, error = self.loss_and_output_error(Y, fwd.output, sample_weight)
        backward = self.backward(
            params, fwd, Y, sample_weight, alpha=alpha, grads=grads, output_error=error
        )
        return loss + self.penalty(params, alpha), backward


def running_statistics(params):
    """Fresh running batch-norm statistics (means 0, variances 1) for ``params``."""
    hidden = params.layer_sizes[1:-1]
    dtype = params.flat.dtype
    return (
        [np.zeros(width, dtype=dtype) for width in hidden],
        [np.ones(width, dtype=dtype) for width in hidden],
    )


class _Workspace:
    """Preallocated per-batch buffers of a network (one set per batch size)."""

    def __init__(self, params, n_samples):
        dtype = params.flat.dtype
        widths = params.layer_sizes[1:]
        hidden = widths[:-1]
        self.forward = fwd = Forward()

        def buffers(sizes):
            return [np.empty((n_samples, width), dtype=dtype) for width in sizes]

        fwd.inputs = [None] * len(widths)
        fwd.pre_activations = buffers(widths)
        fwd.activations = buffers(hidden)
        fwd.normalized = buffers(hidden)
        fwd.inv_std = [np.empty(width, dtype=dtype) for width in hidden]
        fwd.masks = buffers(hidden)
        fwd.dropped = buffers(hidden)
        self.deltas = buffers(widths)
        self.weight_scratch = np.empty(params.n_weights, dtype=dtype)
        self.bn_deltas = buffers(hidden)
        # the local derivatives f'(Z) of all hidden layers, in one buffer
        self.slope_sizes = [n_samples * width for width in hidden]
        starts = np.cumsum([0, *self.slope_sizes])[:-1]
        self.slopes = np.empty(sum(self.slope_sizes), dtype=dtype)
        self.saturated = np.empty(self.slopes.shape, dtype=bool)
        blocks = list(zip(starts, self.slope_sizes, hidden, strict=True))
        self.scratch = [
            self.slopes[start : start + size].reshape(n_samples, width)
            for start, size, width in blocks
        ]

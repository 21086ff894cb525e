r"""Deep multi-layer perceptrons with a selectable activation.

:class:`DeepSigmoidMLP` (classifier) and :class:`DeepSigmoidMLPRegressor` train
the feed-forward network of :mod:`sksigmoid._network` with the optimisers of
:mod:`sksigmoid._optim`, and record what happens to the gradients on the way:
the instrument that shows why stacked sigmoids train slowly (their derivative
is at most 1/4 and vanishes when they saturate) and a usable estimator besides.

The objective is the sample-weighted mean loss plus an L2 term on the weights,

.. math::
    L(\theta) = \frac{1}{\sum_i s_i}\sum_i s_i\,\ell(y_i, f_\theta(x_i))
    + \frac{\alpha}{2}\sum_l \|W_l\|_F^2 ,

the same convention as :class:`~sksigmoid.SigmoidNeuronClassifier` and as
PyTorch's ``weight_decay``. scikit-learn's MLP divides its penalty by the batch
size instead (:math:`\frac{\alpha}{2 n_{batch}}\|W\|^2` added to the mean
loss), so its ``alpha`` equals ours times the batch size.
"""

import math
import time
import warnings
from numbers import Integral, Real

import numpy as np
from sklearn.base import (
    BaseEstimator,
    ClassifierMixin,
    RegressorMixin,
    _fit_context,
)
from sklearn.callback import CallbackSupportMixin
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import accuracy_score, r2_score
from sklearn.model_selection import train_test_split
from sklearn.utils import Bunch, check_random_state
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.class_weight import compute_class_weight
from sklearn.utils.metaestimators import available_if
from sklearn.utils.multiclass import (
    _check_partial_fit_first_call,
    check_classification_targets,
    unique_labels,
)
from sklearn.utils.validation import (
    _check_sample_weight,
    check_is_fitted,
    validate_data,
)

from ._activations import ACTIVATIONS, RELU_FAMILY, get_activation
from ._init import WEIGHT_INIT_NAMES, initial_parameters
from ._network import Network, ParameterVector, running_statistics
from ._numeric import log_sigmoid, log_softmax, sigmoid, softmax
from ._optim import (
    DivergenceError,
    LearningRateSchedule,
    make_optimizer,
    minimize_lbfgs,
    training_divergence,
)

__all__ = ["DeepSigmoidMLP", "DeepSigmoidMLPRegressor"]

STOCHASTIC_SOLVERS = ("sgd", "momentum", "nesterov", "adam")


def _stochastic(estimator):
    return estimator.solver != "lbfgs"


def _hidden_sizes(hidden_layer_sizes):
    sizes = (
        [hidden_layer_sizes]
        if isinstance(hidden_layer_sizes, Integral)
        else list(hidden_layer_sizes)
    )
    if not all(isinstance(n, Integral) and n > 0 for n in sizes):
        raise ValueError(
            f"hidden_layer_sizes must be positive integers; got {hidden_layer_sizes!r}."
        )
    return [int(n) for n in sizes]


def _gradient_norms(grads):
    r""":math:`\|\partial L/\partial W_l\|_F` for every weight layer."""
    return [math.sqrt(float(np.dot(g.ravel(), g.ravel()))) for g in grads.coefs]


def _clip_global_norm(grads, max_norm):
    r"""Rescale all gradients by :math:`\min(1, c / \|g\|_2)` (global-norm clipping)."""
    norm = math.sqrt(float(np.dot(grads.flat, grads.flat)))
    if norm > max_norm:
        grads.flat *= max_norm / norm


def _diverged(loss, epoch, batch, learning_rate):
    return DivergenceError(
        f"The training loss became {loss} at epoch {epoch} (batch {batch}): the "
        "optimisation diverged. Use a lower learning_rate_init (now "
        f"{learning_rate:g}), set gradient_clip (e.g. 1.0), or scale the data."
    )


def _not_finite_at_start(loss):
    return DivergenceError(
        f"The training loss is {loss} at the initial parameters, before any "
        "step: the data hold values too large for floating-point arithmetic. "
        "Rescale them: scale the features (e.g. with StandardScaler), and for "
        "a regressor the targets."
    )


def _lbfgs_diverged(loss, iteration):
    return DivergenceError(
        f"The training loss became {loss} in L-BFGS iteration {iteration}: the "
        "optimisation diverged. Scale the features (e.g. with StandardScaler) "
        "and, for a regressor, the targets, or increase alpha."
    )


def _copy_running(running):
    """A copy of running batch-norm statistics (None without batch norm)."""
    if running is None:
        return None
    return [m.copy() for m in running[0]], [v.copy() for v in running[1]]


def _check_finite_parameters(params, solver):
    """Raise, as scikit-learn's MLP does, if training left non-finite weights."""
    if not np.all(np.isfinite(params.flat)):
        raise DivergenceError(
            f"solver={solver!r} produced non-finite weights: the optimisation "
            "diverged. Scale the features (e.g. with StandardScaler) and, for a "
            "regressor, the targets; for the stochastic solvers lower "
            "learning_rate_init or set gradient_clip."
        )


class _EpochRecord:
    """Accumulates per-batch loss, gradient norms and saturation over an epoch."""

    def __init__(self, n_layers, n_hidden):
        self.loss = 0.0
        self.weight = 0.0
        self.n_batches = 0
        self.grad_norms = np.zeros(n_layers)
        self.saturated = np.zeros(n_hidden)
        self.activation_means = np.zeros(n_hidden)

    def add(self, loss, weight, backward=None):
        self.loss += loss * weight
        self.weight += weight
        if backward is not None:
            self.n_batches += 1
            self.grad_norms += _gradient_norms(backward.grads)
            self.saturated += backward.saturated
            self.activation_means += backward.activation_means

    def means(self):
        n = max(self.n_batches, 1)
        return self.grad_norms / n, self.saturated / n, self.activation_means / n


class _BaseDeepMLP(CallbackSupportMixin, BaseEstimator):
    """Training loop and fitted state shared by the classifier and the regressor."""

    _parameter_constraints: dict = {
        "hidden_layer_sizes": [
            Interval(Integral, 1, None, closed="left"),
            "array-like",
        ],
        "activation": [StrOptions(set(ACTIVATIONS)), tuple],
        "weight_init": [StrOptions(set(WEIGHT_INIT_NAMES)), callable],
        "solver": [StrOptions({*STOCHASTIC_SOLVERS, "lbfgs"})],
        "alpha": [Interval(Real, 0, None, closed="left")],
        "batch_size": [
            StrOptions({"auto"}),
            Interval(Integral, 1, None, closed="left"),
        ],
        "learning_rate": [StrOptions({"constant", "invscaling", "adaptive"})],
        "learning_rate_init": [Interval(Real, 0, None, closed="neither")],
        "power_t": [Interval(Real, 0, None, closed="left")],
        "max_iter": [Interval(Integral, 0, None, closed="left")],
        "shuffle": ["boolean"],
        "random_state": ["random_state"],
        "tol": [Interval(Real, 0, None, closed="left")],
        "verbose": ["verbose"],
        "warm_start": ["boolean"],
        "momentum": [Interval(Real, 0, 1, closed="left")],
        "early_stopping": ["boolean"],
        "validation_fraction": [Interval(Real, 0, 1, closed="neither")],
        "beta_1": [Interval(Real, 0, 1, closed="left")],
        "beta_2": [Interval(Real, 0, 1, closed="left")],
        "epsilon": [Interval(Real, 0, None, closed="neither")],
        "n_iter_no_change": [Interval(Integral, 1, None, closed="left")],
        "batch_norm": ["boolean"],
        "dropout": [Interval(Real, 0, 1, closed="left")],
        "gradient_clip": [None, Interval(Real, 0, None, closed="neither")],
        "track_gradients": ["boolean"],
    }

    def __init__(
        self,
        hidden_layer_sizes=(100,),
        activation="sigmoid",
        *,
        weight_init="auto",
        solver="adam",
        alpha=5e-7,
        batch_size="auto",
        learning_rate="constant",
        learning_rate_init=1e-3,
        power_t=0.5,
        max_iter=200,
        shuffle=True,
        random_state=None,
        tol=1e-4,
        verbose=False,
        warm_start=False,
        momentum=0.9,
        early_stopping=False,
        validation_fraction=0.1,
        beta_1=0.9,
        beta_2=0.999,
        epsilon=1e-8,
        n_iter_no_change=10,
        batch_norm=False,
        dropout=0.0,
        gradient_clip=None,
        track_gradients=True,
    ):
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.weight_init = weight_init
        self.solver = solver
        self.alpha = alpha
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.learning_rate_init = learning_rate_init
        self.power_t = power_t
        self.max_iter = max_iter
        self.shuffle = shuffle
        self.random_state = random_state
        self.tol = tol
        self.verbose = verbose
        self.warm_start = warm_start
        self.momentum = momentum
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.n_iter_no_change = n_iter_no_change
        self.batch_norm = batch_norm
        self.dropout = dropout
        self.gradient_clip = gradient_clip
        self.track_gradients = track_gradients

    # -- configuration ---------------------------------------------------------

    def _check_options(self, incremental):
        hidden = _hidden_sizes(self.hidden_layer_sizes)
        if not hidden and (self.batch_norm or self.dropout > 0):
            option = "batch_norm=True" if self.batch_norm else "dropout > 0"
            raise ValueError(
                f"{option} acts on hidden layers, but hidden_layer_sizes is empty; "
                "give at least one hidden layer or switch the option off."
            )
        if incremental and self.early_stopping:
            raise ValueError(
                "partial_fit does not support early_stopping=True: there is no "
                "held-out data across calls. Use fit, or set early_stopping=False."
            )
        if self.solver == "lbfgs" and self.dropout > 0:
            raise ValueError(
                "dropout makes the loss random, which L-BFGS cannot minimise; use "
                "a stochastic solver or dropout=0."
            )
        return hidden

    def _make_network(self):
        return Network(
            get_activation(self.activation),
            self.out_activation_,
            batch_norm=self.batch_norm,
            dropout=self.dropout,
        )

    def _make_optimizer(self):
        lr = float(self.learning_rate_init)
        if self.solver == "adam":
            return make_optimizer(
                "adam",
                learning_rate=lr,
                beta_1=self.beta_1,
                beta_2=self.beta_2,
                epsilon=self.epsilon,
            )
        if self.solver == "sgd":
            return make_optimizer("sgd", learning_rate=lr)
        return make_optimizer(self.solver, learning_rate=lr, momentum=self.momentum)

    # -- fitted state <-> flat parameters ----------------------------------------

    def _initialize(self, layer_sizes, dtype, rng):
        activation = get_activation(self.activation)
        coefs, intercepts = initial_parameters(
            self.weight_init, activation.name, layer_sizes, rng, dtype
        )
        params = ParameterVector(layer_sizes, self.batch_norm, dtype)
        hidden = layer_sizes[1:-1] if self.batch_norm else []
        params.load(
            coefs,
            intercepts,
            [np.ones(n) for n in hidden],
            [np.zeros(n) for n in hidden],
        )
        self.n_layers_ = len(layer_sizes)
        self.bn_running_means_, self.bn_running_vars_ = (
            running_statistics(params) if self.batch_norm else ([], [])
        )
        self.loss_curve_ = []
        self.validation_scores_ = [] if self.early_stopping else None
        self.best_loss_ = np.inf if not self.early_stopping else None
        self.best_validation_score_ = -np.inf if self.early_stopping else None
        self._history = ([], [], [])
        self.t_ = 0
        self._optimizer = None
        return params

    def _parameters(self, dtype=None):
        """The fitted arrays packed into a :class:`ParameterVector` (a copy)."""
        dtype = self.coefs_[0].dtype if dtype is None else dtype
        layer_sizes = [self.coefs_[0].shape[0]] + [c.shape[1] for c in self.coefs_]
        params = ParameterVector(layer_sizes, self.batch_norm, dtype)
        return params.load(
            self.coefs_, self.intercepts_, self.bn_gammas_, self.bn_betas_
        )

    def _store(self, params, running):
        self.coefs_ = [c.copy() for c in params.coefs]
        self.intercepts_ = [b.copy() for b in params.intercepts]
        self.bn_gammas_ = [g.copy() for g in params.gammas]
        self.bn_betas_ = [b.copy() for b in params.betas]
        if running is not None:
            self.bn_running_means_ = [m.copy() for m in running[0]]
            self.bn_running_vars_ = [v.copy() for v in running[1]]

    def _running(self, dtype):
        if not self.batch_norm:
            return None
        return (
            [m.astype(dtype) for m in self.bn_running_means_],
            [v.astype(dtype) for v in self.bn_running_vars_],
        )

    def _publish_history(self):
        norms, saturated, means = self._history
        n_layers = len(self.coefs_)
        per_unit = np.array(saturated, dtype=float).reshape(
            len(saturated), n_layers - 1
        )
        means = np.array(means, dtype=float).reshape(len(means), n_layers - 1)
        dead = self.activation in RELU_FAMILY  # no saturation: dead units
        self.gradient_history_ = Bunch(
            weight_grad_norms=np.array(norms, dtype=float).reshape(-1, n_layers),
            saturated_fraction=np.zeros_like(per_unit) if dead else per_unit,
            dead_fraction=per_unit if dead else np.zeros_like(per_unit),
            unit_measure="dead_fraction" if dead else "saturated_fraction",
            activation_mean=means,
        )

    # -- fitting ----------------------------------------------------------------

    def _fit(self, X, y, sample_weight=None, *, incremental=False, classes=None):
        hidden = self._check_options(incremental)
        fitted = hasattr(self, "coefs_")
        old_names = getattr(self, "feature_names_in_", None)
        X, y = validate_data(
            self,
            X,
            y,
            dtype=[np.float64, np.float32],
            multi_output=self._multi_output,
            y_numeric=not self._is_classifier,
            reset=not (incremental and fitted),
        )
        if incremental and fitted:
            self._check_same_network(X, y, hidden)
            continuing = True
        else:
            continuing = (
                self.warm_start
                and fitted
                and self._fits_network(X, y, hidden, old_names)
            )
        Y = self._encode_targets(y, X.dtype, continuing, classes)
        sample_weight = self._sample_weight(sample_weight, X, y)
        rng = check_random_state(self.random_state)
        if continuing:
            params = self._parameters(X.dtype)
        else:
            layer_sizes = [X.shape[1], *hidden, Y.shape[1]]
            params = self._initialize(layer_sizes, X.dtype, rng)
        if incremental:
            # one random stream across the calls of partial_fit
            rng = self.__dict__.setdefault("_rng", rng)
        running = self._running(X.dtype)
        network = self._make_network()

        max_epochs = 1 if incremental else self.max_iter
        callback_ctx = self._init_callback_context(
            max_subtasks=max_epochs + (self.solver == "lbfgs")
        )
        metadata = {"sample_weight": sample_weight}
        callback_ctx.call_on_fit_task_begin(estimator=self, X=X, y=y, metadata=metadata)
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            if max_epochs == 0:
                # The network at initialisation, as the gradient diagnostics
                # measure it (Glorot & Bengio 2010 studied this state).
                self.n_iter_ = 0
                self._store(params, running)
            elif self.solver == "lbfgs":
                self._fit_lbfgs(network, params, running, X, Y, sample_weight)
            else:
                self._fit_stochastic(
                    network,
                    params,
                    running,
                    (X, Y, y, sample_weight),
                    rng,
                    max_epochs,
                    incremental,
                )
        self._publish_history()
        callback_ctx.call_on_fit_task_end(
            estimator=self, X=X, y=y, metadata=metadata, reconstruction_attributes={}
        )
        return self

    def _layer_sizes(self):
        """Widths of the fitted network, from its input to its output."""
        return [self.coefs_[0].shape[0]] + [c.shape[1] for c in self.coefs_]

    def _fits_network(self, X, y, hidden, old_names):
        """Whether the fitted network is one for ``X``, ``y`` and the current
        parameters: the same features, hidden layers, batch normalisation and
        outputs. ``warm_start`` continues from it only then, and otherwise
        starts afresh, as a fit without ``warm_start`` does."""
        n_outputs = self._n_outputs_continuing(y)
        names = getattr(self, "feature_names_in_", None)
        same_names = (old_names is None and names is None) or (
            old_names is not None
            and names is not None
            and np.array_equal(old_names, names)
        )
        return (
            n_outputs is not None
            and same_names
            and self._layer_sizes() == [X.shape[1], *hidden, n_outputs]
            and len(self.bn_gammas_) == (len(hidden) if self.batch_norm else 0)
        )

    def _check_same_network(self, X, y, hidden):
        """partial_fit continues the fitted network; refuse what would change it."""
        fitted = self._layer_sizes()
        if fitted[1:-1] != hidden:
            raise ValueError(
                f"partial_fit continues the fitted network, whose hidden layers "
                f"are {tuple(fitted[1:-1])}, but hidden_layer_sizes="
                f"{self.hidden_layer_sizes!r}. Use fit to train a network of the "
                "new shape, or restore hidden_layer_sizes."
            )
        if len(self.bn_gammas_) != (len(hidden) if self.batch_norm else 0):
            raise ValueError(
                f"partial_fit continues the fitted network, trained with "
                f"batch_norm={not self.batch_norm}; use fit to train one with "
                f"batch_norm={self.batch_norm}."
            )
        n_outputs = self._n_outputs_continuing(y)
        if n_outputs is not None and n_outputs != fitted[-1]:
            raise ValueError(
                f"y has {n_outputs} outputs, but the fitted network has "
                f"{fitted[-1]}: partial_fit cannot change the output layer. Use "
                "fit to train a new network."
            )

    def _sample_weight(self, sample_weight, X, y):
        """Sample weights times class weights, or None when all are equal."""
        class_weight = getattr(self, "class_weight", None)
        if sample_weight is None and class_weight is None:
            return None
        sample_weight = _check_sample_weight(
            sample_weight, X, dtype=X.dtype, ensure_non_negative=True
        )
        if class_weight is not None:
            weights = compute_class_weight(class_weight, classes=self.classes_, y=y)
            if np.any(weights < 0):
                raise ValueError(
                    f"class_weight must be non-negative; got {class_weight!r}."
                )
            sample_weight = sample_weight * weights[
                np.searchsorted(self.classes_, y)
            ].astype(X.dtype)
        if not sample_weight.sum() > 0:
            raise ValueError("The sample weights sum to zero; nothing to fit.")
        return sample_weight

    def _fit_stochastic(
        self, network, params, running, data, rng, max_epochs, incremental
    ):
        X, Y, y, sample_weight = data
        X_val = y_val = None
        if self.early_stopping:
            X, X_val, Y, y_val, sample_weight = self._split(X, Y, y, sample_weight, rng)
        n_samples = X.shape[0]
        batch_size = (
            min(200, n_samples)
            if self.batch_size == "auto"
            else min(self.batch_size, n_samples)
        )
        grads = params.zeros_like()
        if not incremental or getattr(self, "_optimizer", None) is None:
            self._optimizer = self._make_optimizer()
            self._schedule = LearningRateSchedule(
                self.learning_rate, self.learning_rate_init, self.power_t
            )
        if not incremental or not hasattr(self, "_best"):
            self._no_improvement_count = 0
            self._best = None
        dropout_rng = np.random.default_rng(rng.randint(np.iinfo(np.int32).max))
        fit_from = len(self.loss_curve_)  # this call's epochs of loss_curve_
        start = None
        if not incremental:
            # The objective at the start, for the divergence test and as the
            # fallback of a diverged run (partial_fit's one epoch goes without).
            loss = self._objective(network, params, X, Y, sample_weight, batch_size)
            if not math.isfinite(loss):
                raise _not_finite_at_start(loss)
            start = (loss, params.flat.copy(), _copy_running(running), "the start")
        lowest = None  # the epoch with the lowest loss, unless early stopping
        order = np.empty(n_samples, dtype=np.intp)
        shuffled = (np.empty_like(X), np.empty_like(Y))
        weights = None if sample_weight is None else np.empty_like(sample_weight)
        alpha = float(self.alpha)
        converged = False
        for _ in range(max_epochs):
            epoch_ctx = self._callback_fit_ctx.subcontext(task_name="epoch")
            epoch_ctx.call_on_fit_task_begin(estimator=self, X=X, y=Y)
            started = time.perf_counter()
            if self.shuffle:
                order[:] = rng.permutation(n_samples)
                Xs = np.take(X, order, axis=0, out=shuffled[0])
                Ys = np.take(Y, order, axis=0, out=shuffled[1])
                sws = (
                    None
                    if weights is None
                    else np.take(sample_weight, order, out=weights)
                )
            else:
                Xs, Ys, sws = X, Y, sample_weight
            record = _EpochRecord(len(params.coefs), len(params.coefs) - 1)
            for batch, begin in enumerate(range(0, n_samples, batch_size)):
                rows = slice(begin, begin + batch_size)
                self._train_batch(
                    network,
                    params,
                    grads,
                    running,
                    Xs[rows],
                    Ys[rows],
                    None if sws is None else sws[rows],
                    dropout_rng,
                    alpha,
                    record,
                    (len(self.loss_curve_) + 1, batch),
                )
            converged = self._end_epoch(params, record, running, X_val, y_val, started)
            epoch_loss = self.loss_curve_[-1]
            if not self.early_stopping and (lowest is None or epoch_loss < lowest[0]):
                epoch = f"epoch {len(self.loss_curve_)}"
                lowest = (epoch_loss, params.flat.copy(), _copy_running(running), epoch)
            stop_requested = epoch_ctx.call_on_fit_task_end(
                estimator=self,
                X=X,
                y=Y,
                reconstruction_attributes=lambda: self._attributes(params, running),
            )
            if converged or stop_requested:
                break
        if self.early_stopping and self._best is not None:
            params.flat[...] = self._best[0]
            running = self._best[1]
        _check_finite_parameters(params, self.solver)
        end = (
            None
            if incremental
            else self._objective(network, params, X, Y, sample_weight, batch_size)
        )
        reason = training_divergence(
            self.loss_curve_ if incremental else self.loss_curve_[fit_from:],
            self.n_iter_no_change,
            start=None if incremental else start[0],
            end=end,
        )
        if reason is not None:
            kept = "The weights of the last epoch are kept"
            if not incremental:
                candidates = [start, (end, params.flat.copy(), running, "the end")]
                if lowest is not None:
                    params.flat[...] = lowest[1]
                    loss = self._objective(
                        network, params, X, Y, sample_weight, batch_size
                    )
                    candidates.append((loss, *lowest[1:]))
                loss, flat, running, which = min(
                    candidates, key=lambda c: c[0] if math.isfinite(c[0]) else math.inf
                )
                params.flat[...] = flat
                self.loss_ = loss
                kept = (
                    f"The weights with the lowest training loss seen ({which}, "
                    f"loss {loss:.4g}) are kept"
                )
            warnings.warn(
                f"solver={self.solver!r} made no progress: the training loss "
                f"{reason}, so the optimisation diverged (or its steps are too "
                f"noisy to descend). {kept}. Lower learning_rate_init (now "
                f"{self.learning_rate_init:g}), set gradient_clip (e.g. 1.0), or "
                "scale the features (e.g. with StandardScaler).",
                ConvergenceWarning,
            )
        elif not (converged or incremental or stop_requested):
            warnings.warn(
                f"Stochastic optimiser: maximum iterations ({self.max_iter}) "
                "reached and the optimisation hasn't converged yet.",
                ConvergenceWarning,
            )
        self._store(params, running)

    def _objective(self, network, params, X, Y, sample_weight, batch_size):
        """The training objective at fixed parameters: the weighted mean loss of
        the data in batches of the training's size, as training measures it
        (batch statistics with batch normalisation) but without dropout, plus
        the L2 term. The start and the end of a run are compared on it."""
        running = running_statistics(params) if self.batch_norm else None
        dropout, network.dropout = network.dropout, 0.0
        total = weight = 0.0
        try:
            for begin in range(0, X.shape[0], batch_size):
                rows = slice(begin, begin + batch_size)
                sw = None if sample_weight is None else sample_weight[rows]
                batch_weight = len(X[rows]) if sw is None else float(sw.sum())
                if batch_weight == 0:
                    continue
                forward = network.forward(
                    params, X[rows], training=True, running=running
                )
                total += network.data_loss(Y[rows], forward.output, sw) * batch_weight
                weight += batch_weight
        finally:
            network.dropout = dropout
        return total / weight + Network.penalty(params, float(self.alpha))

    def _train_batch(
        self,
        network,
        params,
        grads,
        running,
        Xb,
        Yb,
        swb,
        rng,
        alpha,
        record,
        where,
    ):
        """One optimiser step on a mini-batch: forward, loss, backward, step."""
        batch_weight = Xb.shape[0] if swb is None else float(swb.sum())
        if batch_weight == 0:
            return
        forward = network.forward(params, Xb, training=True, running=running, rng=rng)
        loss, error = network.loss_and_output_error(Yb, forward.output, swb)
        if not math.isfinite(loss):
            if self.t_ == 0:  # no step taken yet: the data, not the steps
                raise _not_finite_at_start(loss)
            raise _diverged(loss, *where, self._schedule.rate(self.t_))
        backward = network.backward(
            params,
            forward,
            Yb,
            swb,
            alpha=alpha,
            grads=grads,
            count_saturated=self.track_gradients,
            output_error=error,
        )
        record.add(loss, batch_weight, backward if self.track_gradients else None)
        if self.gradient_clip is not None:
            _clip_global_norm(grads, self.gradient_clip)
        self._optimizer.learning_rate = self._schedule.rate(self.t_)
        self._optimizer.step([params.flat], [grads.flat])
        self.t_ += Xb.shape[0]

    def _split(self, X, Y, y, sample_weight, rng):
        stratify = y if self._is_classifier else None
        arrays = [X, Y, y] + ([] if sample_weight is None else [sample_weight])
        n_val = math.ceil(self.validation_fraction * X.shape[0])
        split = (
            f"early_stopping=True holds out validation_fraction="
            f"{self.validation_fraction:g} of the {X.shape[0]} samples ({n_val}) as "
            "the validation split"
        )
        advice = (
            "Increase validation_fraction or the number of samples, or set "
            "early_stopping=False."
        )
        if n_val < 2:
            raise ValueError(f"{split}, which needs at least 2 samples. {advice}")
        try:
            parts = train_test_split(
                *arrays,
                test_size=self.validation_fraction,
                random_state=rng,
                stratify=stratify,
            )
        except ValueError as error:
            raise ValueError(
                f"{split}, which cannot be drawn: {error}. {advice}"
            ) from error
        X_train, X_val, Y_train, _, _, y_val = parts[:6]
        sw_train = None if sample_weight is None else parts[6]
        return X_train, X_val, Y_train, y_val, sw_train

    def _end_epoch(self, params, record, running, X_val, y_val, started):
        """Record the epoch; return whether training should stop."""
        loss = record.loss / max(record.weight, 1e-300)
        loss += Network.penalty(params, float(self.alpha))
        self.loss_curve_.append(loss)
        self.loss_ = loss
        if self.track_gradients:
            for kept, value in zip(self._history, record.means(), strict=True):
                kept.append(value)
        self.n_iter_ = len(self.loss_curve_)
        if self.verbose:
            print(
                f"Epoch {self.n_iter_}, loss = {loss:.8f} "
                f"({time.perf_counter() - started:.2f} s)"
            )
        if X_val is not None:
            score = self._validation_score(params, running, X_val, y_val)
            self.validation_scores_.append(score)
            improved = score > self.best_validation_score_ + self.tol
            if score > self.best_validation_score_:
                self.best_validation_score_ = score
                self._best = (params.flat.copy(), _copy_running(running))
        else:
            improved = loss < self.best_loss_ - self.tol
            self.best_loss_ = min(self.best_loss_, loss)
        self._no_improvement_count = 0 if improved else self._no_improvement_count + 1
        if self._no_improvement_count > self.n_iter_no_change:
            self._no_improvement_count = 0
            if not self._schedule.reduce():
                return True
        return False

    def _validation_score(self, params, running, X_val, y_val):
        self._store(params, running)
        try:
            prediction = self.predict(X_val)
        except FloatingPointError as error:  # outputs beyond the dtype's range
            raise DivergenceError(
                "The predictions for the validation split are not finite after "
                f"epoch {len(self.loss_curve_)} (training loss "
                f"{self.loss_curve_[-1]:.3g}): the optimisation diverged. Use a "
                "lower learning_rate_init (now "
                f"{self._schedule.rate(self.t_):g}), set gradient_clip (e.g. "
                "1.0), or scale the data."
            ) from error
        if self._is_classifier:
            return accuracy_score(y_val, prediction)
        return r2_score(y_val, prediction)

    def _fit_lbfgs(self, network, params, running, X, Y, sample_weight):
        grads = params.zeros_like()
        alpha = float(self.alpha)
        last = {}

        evaluations = []

        def loss_and_grad(w):
            params.flat[...] = w
            loss, backward = network.loss_and_grad(
                params, X, Y, sample_weight, alpha=alpha, grads=grads
            )
            evaluations.append(loss)
            if not math.isfinite(loss):
                if len(evaluations) == 1:
                    raise _not_finite_at_start(loss)
                raise _lbfgs_diverged(loss, len(self.loss_curve_) + 1)
            last["loss"], last["norms"] = loss, _gradient_norms(grads)
            return loss, grads.flat.astype(np.float64)

        contexts = [self._callback_fit_ctx.subcontext(task_name="lbfgs-iteration")]
        contexts[-1].call_on_fit_task_begin(estimator=self, X=X, y=Y)

        def on_iteration(w):
            self.loss_curve_.append(last["loss"])
            if self.track_gradients:
                self._history[0].append(last["norms"])
            contexts[-1].call_on_fit_task_end(estimator=self, X=X, y=Y)
            contexts.append(
                self._callback_fit_ctx.subcontext(task_name="lbfgs-iteration")
            )
            contexts[-1].call_on_fit_task_begin(estimator=self, X=X, y=Y)

        w, n_iter, _ = minimize_lbfgs(
            loss_and_grad,
            params.flat,
            max_iter=self.max_iter,
            tol=self.tol,
            callback=on_iteration,
        )
        contexts[-1].call_on_fit_task_end(estimator=self)
        params.flat[...] = w
        _check_finite_parameters(params, self.solver)
        loss, _ = network.loss_and_grad(params, X, Y, sample_weight, alpha=alpha)
        if self.batch_norm:
            running = self._full_batch_statistics(network, params, X)
        self.n_iter_ = n_iter
        self.loss_ = loss
        self.best_loss_ = loss
        self._store(params, running)

    def _full_batch_statistics(self, network, params, X):
        exact = Network(
            network.activation, network.output, batch_norm=True, momentum=1.0
        )
        running = running_statistics(params)
        exact.forward(params, X, training=True, running=running)
        return running

    def _attributes(self, params, running):
        """Fitted attributes at the current parameters (for callbacks)."""
        attributes = {
            "coefs_": [c.copy() for c in params.coefs],
            "intercepts_": [b.copy() for b in params.intercepts],
            "bn_gammas_": [g.copy() for g in params.gammas],
            "bn_betas_": [b.copy() for b in params.betas],
            "n_iter_": len(self.loss_curve_),
        }
        if running is not None:
            attributes["bn_running_means_"] = [m.copy() for m in running[0]]
            attributes["bn_running_vars_"] = [v.copy() for v in running[1]]
        return attributes

    # -- inference --------------------------------------------------------------

    def _output(self, X):
        """Output pre-activations (logits, or predictions) for ``X``."""
        check_is_fitted(self)
        X = validate_data(self, X, dtype=[np.float64, np.float32], reset=False)
        params = self._parameters()
        if X.dtype != params.flat.dtype:
            X = X.astype(params.flat.dtype)
        network = self._make_network()
        with np.errstate(over="ignore", invalid="ignore"):
            forward = network.forward(params, X, running=self._running(X.dtype))
        if not np.isfinite(forward.output).all():
            raise FloatingPointError(
                f"The network's output is not finite: its {X.dtype} activations "
                f"overflow (the largest {X.dtype} is {np.finfo(X.dtype).max:.3g}). "
                "Scale the features, fit in float64, or use smaller weights."
            )
        return forward.output.copy()

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = False
        return tags


class DeepSigmoidMLP(ClassifierMixin, _BaseDeepMLP):
    r"""Multi-layer perceptron classifier with a selectable hidden activation.

    Hidden layers apply an element-wise activation (the sigmoid by default);
    the output is one logistic unit for two classes and a softmax otherwise,
    trained on the mean log-loss plus :math:`\frac{\alpha}{2}\sum_l\|W_l\|_F^2`.
    Weights use scikit-learn's layout (``coefs_[l]`` of shape (fan_in,
    fan_out)), so they can be moved to and from
    :class:`~sklearn.neural_network.MLPClassifier`.

    With ``track_gradients=True`` the training records, for every epoch and
    weight layer, the mean over mini-batches of :math:`\|\partial L/\partial
    W_l\|_F` and the fraction of saturated hidden units (activations within
    0.01 of an asymptote of a bounded activation -- for the sigmoid,
    :math:`\sigma(z)` outside (0.01, 0.99) -- the definition
    :class:`~sksigmoid.GradientDiagnostics` uses too), read from the forward
    and backward passes of training itself.

    Parameters
    ----------
    hidden_layer_sizes : int or tuple of int, default=(100,)
        Widths of the hidden layers; ``()`` is a single neuron (binary) or
        softmax regression.
    activation : str or (callable, callable), default="sigmoid"
        ``"sigmoid"``, ``"tanh"``, ``"relu"``, ``"leaky_relu"`` (slope 0.01),
        ``"elu"``, ``"gelu"`` (exact), ``"silu"``, ``"softplus"``,
        ``"softsign"``, ``"hard_sigmoid"`` (:math:`\mathrm{clip}(z/6+1/2, 0, 1)`),
        ``"identity"``, or a pair ``(function, derivative)`` of element-wise
        functions of the pre-activation, checked against finite differences.
    weight_init : str or callable, default="auto"
        ``"auto"`` (Glorot uniform, or He uniform for the ReLU family),
        ``"glorot_uniform"``, ``"glorot_normal"``, ``"he_uniform"``,
        ``"he_normal"``, ``"lecun_normal"``, ``"standard"``, ``"orthogonal"``,
        ``"critical"``, or a callable
        ``(fan_in, fan_out, random_state) -> ndarray (fan_in, fan_out)``.
        Intercepts start at zero, except under ``"critical"``.

        ``"orthogonal"`` (Saxe et al. 2014): :math:`W_l = g\,Q_l` with
        :math:`Q_l` a random (semi-)orthogonal matrix and, in the hidden
        layers, a gain :math:`g = 1/f'(0)` (4 for the sigmoid, 6 for
        hard_sigmoid, 1 for tanh, softsign, identity and user pairs) or He's
        :math:`\sqrt 2` for the ReLU family; :math:`g = 1` in the output
        layer. ``"critical"`` (tanh and sigmoid only): orthogonal
        weights at the edge of chaos (Pennington et al. 2017) -- for tanh
        :math:`W_l = Q_l`; for the sigmoid :math:`W_1 = 2Q_1`, :math:`b_1 = 0`,
        :math:`W_l = 4Q_l` in the later hidden layers and :math:`2Q_L` in the
        output layer, each with :math:`b_l = -\frac12 \mathbf 1^\top W_l`
        (minus half its column sums), so that the network equals the critical
        tanh network (its tanh twin) through :math:`\sigma(z) = \frac12 + \frac12\tanh(z/2)`
        and the mean squared singular value of its hidden stack's Jacobian
        stays near 1/4 at any depth. See :ref:`mlp_orthogonal_init`.
    solver : {"sgd", "momentum", "nesterov", "adam", "lbfgs"}, default="adam"
    alpha : float, default=5e-7
        L2 penalty :math:`\frac{\alpha}{2}\sum_l\|W_l\|_F^2` added to the mean
        loss. scikit-learn's MLP divides its ``alpha`` by the batch size
        instead: ``MLPClassifier(alpha=a, batch_size=b)`` is ``alpha=a/b``
        here, and the default, 5e-7, is scikit-learn's default 1e-4 at its
        default batch of 200 (the same objective). Passing scikit-learn's
        number unchanged gives a penalty ``b`` times stronger, which Adam
        follows into shrinking the lowest layers of a deep sigmoid stack to
        zero (a 6 x 128 sigmoid net then stays at 0.89 training accuracy
        where the same objective reaches 0.96).
    batch_size : int or "auto", default="auto"
        ``min(200, n_samples)`` for ``"auto"``; ignored by lbfgs.
    learning_rate : {"constant", "invscaling", "adaptive"}, default="constant"
        Schedule of the step size of the stochastic solvers (see
        :class:`~sksigmoid._optim.LearningRateSchedule`).
    learning_rate_init : float, default=1e-3
    power_t : float, default=0.5
        Exponent of ``"invscaling"``.
    max_iter : int, default=200
        Epochs for the stochastic solvers, iterations for lbfgs; 0 leaves
        the network at its initialisation (no training).
    shuffle : bool, default=True
    random_state : int, RandomState instance or None, default=None
        Drives initialisation, shuffling, the validation split and dropout;
        an int gives bit-identical weights.
    tol : float, default=1e-4
        Training stops when the loss (or validation score) fails to improve by
        ``tol`` for ``n_iter_no_change`` consecutive epochs. A loss that rose
        instead -- the objective at the end above that at the start, or a rise
        in each of the last ``n_iter_no_change`` epochs -- is no convergence:
        the stochastic solvers then warn that the optimisation diverged
        (a :class:`~sklearn.exceptions.ConvergenceWarning` with the remedy)
        and keep the weights with the lowest training loss seen (the start,
        the end or the best epoch's). Non-finite losses or weights raise a
        ``ValueError`` (also a ``FloatingPointError``).
    verbose : bool, default=False
    warm_start : bool, default=False
        Continue from the fitted weights if they belong to the network the
        new call asks for: the same features (number and names),
        ``hidden_layer_sizes``, ``batch_norm`` and outputs (for the classifier,
        labels among ``classes_``). Otherwise ``fit`` starts afresh, as it
        does without ``warm_start``, since the old weights do not fit the new
        shapes. ``partial_fit`` always continues and raises a ``ValueError``
        if the shapes changed.
    momentum : float, default=0.9
        For ``"momentum"`` and ``"nesterov"``.
    early_stopping : bool, default=False
        Hold out ``validation_fraction`` of the data (stratified), stop when
        its accuracy stalls and restore the best weights.
    validation_fraction : float, default=0.1
    beta_1, beta_2, epsilon : float, default=0.9, 0.999, 1e-8
        Adam's parameters.
    n_iter_no_change : int, default=10
    batch_norm : bool, default=False
        Batch normalisation before each hidden activation (batch statistics in
        training; running statistics with momentum 0.1 for prediction).
    dropout : float, default=0.0
        Inverted dropout probability on hidden units during training.
    gradient_clip : float or None, default=None
        Maximum global L2 norm of the gradient of a step.
    class_weight : dict, "balanced" or None, default=None
        Multiplies the sample weights.
    track_gradients : bool, default=True
        Record :attr:`gradient_history_`, from the backward pass of training
        itself (about 2% of the training time, ``benchmarks/bench_mlp.py``).

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
    coefs_ : list of ndarray
        ``coefs_[l]`` of shape (fan_in, fan_out).
    intercepts_ : list of ndarray
    bn_gammas_, bn_betas_ : list of ndarray
        Batch-norm scales and shifts per hidden layer (empty without batch norm).
    bn_running_means_, bn_running_vars_ : list of ndarray
        Running statistics used at prediction.
    n_layers_ : int
        Number of layers including input and output.
    n_outputs_ : int
    out_activation_ : {"logistic", "softmax"}
    loss_ : float
        Loss of the last epoch (or of the final L-BFGS point); after a
        diverged run, the objective at the weights kept.
    loss_curve_ : list of float
        Training loss per epoch: the weighted mean of the mini-batch losses of
        the epoch plus the L2 term at the epoch's end (per iteration for lbfgs).
    validation_scores_ : list of float or None
        Accuracy on the held-out set per epoch, with early stopping.
    best_validation_score_ : float or None
    best_loss_ : float or None
    n_iter_ : int
    t_ : int
        Number of training samples seen by the stochastic solvers.
    gradient_history_ : Bunch
        ``weight_grad_norms`` (n_epochs, n_weight_layers): mean over batches of
        :math:`\|\partial L/\partial W_l\|_F` (for lbfgs: at each iteration);
        ``saturated_fraction`` (n_epochs, n_hidden_layers) and, for the ReLU
        family (which never saturates: its ``saturated_fraction`` is 0),
        ``dead_fraction``, the share of units inactive on a whole batch;
        ``unit_measure`` names the one that applies; ``activation_mean``
        (n_epochs, n_hidden_layers), the mean activation of each hidden layer
        (Glorot & Bengio's measure of a layer driven to an asymptote). The
        last three are per epoch of the stochastic solvers only. Empty when
        ``track_gradients=False``.
    n_features_in_ : int
    feature_names_in_ : ndarray of str

    See Also
    --------
    DeepSigmoidMLPRegressor : The regressor on the same network.
    sklearn.neural_network.MLPClassifier : scikit-learn's MLP.

    Examples
    --------
    >>> from sklearn.datasets import load_digits
    >>> from sksigmoid import DeepSigmoidMLP
    >>> X, y = load_digits(return_X_y=True)
    >>> clf = DeepSigmoidMLP((32, 32), max_iter=30, random_state=0).fit(X / 16, y)
    >>> clf.gradient_history_.weight_grad_norms.shape
    (30, 3)
    """

    _parameter_constraints: dict = {
        **_BaseDeepMLP._parameter_constraints,
        "class_weight": [dict, StrOptions({"balanced"}), None],
    }
    _is_classifier = True
    _multi_output = False
    # Full-batch, unshuffled Adam is deterministic, so fitting with integer
    # sample weights follows the same path as fitting on repeated rows.
    _check_estimator_params = {
        "hidden_layer_sizes": (5,),
        "batch_size": 1_000_000,
        "shuffle": False,
        "learning_rate_init": 0.05,
        "max_iter": 200,
        "tol": 0.0,
        "random_state": 0,
    }

    def __init__(
        self,
        hidden_layer_sizes=(100,),
        activation="sigmoid",
        *,
        weight_init="auto",
        solver="adam",
        alpha=5e-7,
        batch_size="auto",
        learning_rate="constant",
        learning_rate_init=1e-3,
        power_t=0.5,
        max_iter=200,
        shuffle=True,
        random_state=None,
        tol=1e-4,
        verbose=False,
        warm_start=False,
        momentum=0.9,
        early_stopping=False,
        validation_fraction=0.1,
        beta_1=0.9,
        beta_2=0.999,
        epsilon=1e-8,
        n_iter_no_change=10,
        batch_norm=False,
        dropout=0.0,
        gradient_clip=None,
        class_weight=None,
        track_gradients=True,
    ):
        shared = {
            name: value
            for name, value in locals().items()
            if name not in ("self", "class_weight", "__class__")
        }
        super().__init__(**shared)
        self.class_weight = class_weight

    def _n_outputs_continuing(self, y):
        """Output units for ``y`` if training continues with ``classes_``
        (None if ``y`` has labels outside them)."""
        check_classification_targets(y)
        if np.setdiff1d(unique_labels(y), self.classes_).size:
            return None
        return self.n_outputs_

    def _encode_targets(self, y, dtype, continuing, classes):
        check_classification_targets(y)
        if classes is not None:
            self.classes_ = np.asarray(classes)
        elif not continuing:
            self.classes_ = unique_labels(y)
        if len(self.classes_) < 2:
            raise ValueError(
                f"{type(self).__name__} needs samples of at least 2 classes in the "
                f"data, but it contains only one class: {self.classes_[0]!r}."
            )
        unseen = np.setdiff1d(np.unique(y), self.classes_)
        if unseen.size:
            raise ValueError(
                f"y contains labels {unseen.tolist()} not in classes_ "
                f"{self.classes_.tolist()}."
            )
        codes = np.searchsorted(self.classes_, y)
        binary = len(self.classes_) == 2
        self.n_outputs_ = 1 if binary else len(self.classes_)
        self.out_activation_ = "logistic" if binary else "softmax"
        if binary:
            return (codes == 1).astype(dtype).reshape(-1, 1)
        Y = np.zeros((len(y), len(self.classes_)), dtype=dtype)
        Y[np.arange(len(y)), codes] = 1
        return Y

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, sample_weight=None):
        """Fit the network to data ``X`` and labels ``y``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : array-like of shape (n_samples,)
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative weights of the samples in the mean loss.

        Returns
        -------
        self
        """
        return self._fit(X, y, sample_weight)

    @available_if(_stochastic)
    @_fit_context(prefer_skip_nested_validation=True)
    def partial_fit(self, X, y, classes=None, sample_weight=None):
        """One epoch over ``(X, y)``, continuing from the current weights.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : array-like of shape (n_samples,)
        classes : array-like of shape (n_classes,), default=None
            All labels; required on the first call.
        sample_weight : array-like of shape (n_samples,), default=None

        Returns
        -------
        self
        """
        first = _check_partial_fit_first_call(self, classes)
        return self._fit(
            X,
            y,
            sample_weight,
            incremental=True,
            classes=self.classes_ if first else None,
        )

    def decision_function(self, X):
        """Output logits: shape (n_samples,) for two classes, else (n_samples, n_classes)."""
        Z = self._output(X)
        return Z.ravel() if Z.shape[1] == 1 else Z

    def predict(self, X):
        """Most probable class for each sample."""
        Z = self._output(X)
        if Z.shape[1] == 1:
            return self.classes_[(Z.ravel() > 0).astype(int)]
        return self.classes_[np.argmax(Z, axis=1)]

    def predict_proba(self, X):
        """Class probabilities, :math:`[1-g(z), g(z)]` or :math:`\\mathrm{softmax}(Z)`."""
        Z = self._output(X)
        if Z.shape[1] == 1:
            p = sigmoid(Z.ravel())
            return np.column_stack([1 - p, p])
        return softmax(Z)

    def predict_log_proba(self, X):
        """Log class probabilities, without log(0) for confident predictions."""
        Z = self._output(X)
        if Z.shape[1] == 1:
            z = Z.ravel()
            return np.column_stack([log_sigmoid(-z), log_sigmoid(z)])
        return log_softmax(Z, axis=1)


class DeepSigmoidMLPRegressor(RegressorMixin, _BaseDeepMLP):
    r"""Multi-layer perceptron regressor with a selectable hidden activation.

    The network of :class:`DeepSigmoidMLP` with an identity output, trained on
    half the mean squared error, :math:`\frac{1}{2\sum s}\sum_i s_i\|\hat y_i -
    y_i\|^2`, plus :math:`\frac{\alpha}{2}\sum_l\|W_l\|_F^2`. Multi-output
    targets are supported.

    Each parameter and attribute means what it means for
    :class:`DeepSigmoidMLP` (which has ``class_weight`` besides); early
    stopping monitors the :math:`R^2` of the held-out data.

    Parameters
    ----------
    hidden_layer_sizes : int or tuple of int, default=(100,)
    activation : str or (callable, callable), default="sigmoid"
    weight_init : str or callable, default="auto"
        As for :class:`DeepSigmoidMLP`: a per-layer rule, ``"orthogonal"``
        (gain :math:`1/f'(0)` of the activation, or :math:`\sqrt 2` for the
        ReLU family, in the hidden layers; 1 in the output layer) or ``"critical"`` (tanh and sigmoid: the edge of
        chaos; for the sigmoid, :math:`W_1 = 2Q_1`, later layers
        :math:`4Q_l`, the output :math:`2Q_L`, biases
        :math:`-\frac12 \mathbf 1^\top W_l` after the first layer).
    solver : {"sgd", "momentum", "nesterov", "adam", "lbfgs"}, default="adam"
    alpha : float, default=5e-7
        As :class:`DeepSigmoidMLP`'s (scikit-learn's ``alpha`` divided by
        its batch size).
    batch_size : int or "auto", default="auto"
    learning_rate : {"constant", "invscaling", "adaptive"}, default="constant"
    learning_rate_init : float, default=1e-3
    power_t : float, default=0.5
    max_iter : int, default=200
    shuffle : bool, default=True
    random_state : int, RandomState instance or None, default=None
    tol : float, default=1e-4
    verbose : bool, default=False
    warm_start : bool, default=False
    momentum : float, default=0.9
    early_stopping : bool, default=False
    validation_fraction : float, default=0.1
    beta_1 : float, default=0.9
    beta_2 : float, default=0.999
    epsilon : float, default=1e-8
    n_iter_no_change : int, default=10
    batch_norm : bool, default=False
    dropout : float, default=0.0
    gradient_clip : float or None, default=None
    track_gradients : bool, default=True

    Attributes
    ----------
    coefs_ : list of ndarray
    intercepts_ : list of ndarray
    bn_gammas_, bn_betas_ : list of ndarray
    bn_running_means_, bn_running_vars_ : list of ndarray
    n_layers_ : int
    n_outputs_ : int
    out_activation_ : "identity"
    loss_ : float
    loss_curve_ : list of float
    validation_scores_ : list of float or None
    best_validation_score_ : float or None
    best_loss_ : float or None
    n_iter_ : int
    t_ : int
    gradient_history_ : Bunch
        As :class:`DeepSigmoidMLP`'s.
    n_features_in_ : int
    feature_names_in_ : ndarray of str

    See Also
    --------
    DeepSigmoidMLP : The classifier.
    sklearn.neural_network.MLPRegressor : scikit-learn's MLP.

    Examples
    --------
    >>> import numpy as np
    >>> from sksigmoid import DeepSigmoidMLPRegressor
    >>> X = np.linspace(-2, 2, 200).reshape(-1, 1)
    >>> reg = DeepSigmoidMLPRegressor((16,), "tanh", solver="lbfgs", random_state=0)
    >>> reg.fit(X, np.sin(X).ravel()).score(X, np.sin(X).ravel()) > 0.99
    True
    """

    _is_classifier = False
    _multi_output = True
    _check_estimator_params = DeepSigmoidMLP._check_estimator_params

    def _n_outputs_continuing(self, y):
        """Output units for ``y``."""
        return 1 if y.ndim == 1 else y.shape[1]

    def _encode_targets(self, y, dtype, continuing, classes):
        self._y_1d = y.ndim == 1
        Y = np.asarray(y, dtype=dtype).reshape(len(y), -1)
        self.n_outputs_ = Y.shape[1]
        self.out_activation_ = "identity"
        return Y

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, sample_weight=None):
        """Fit the network to data ``X`` and targets ``y``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative weights of the samples in the mean loss.

        Returns
        -------
        self
        """
        return self._fit(X, y, sample_weight)

    @available_if(_stochastic)
    @_fit_context(prefer_skip_nested_validation=True)
    def partial_fit(self, X, y, sample_weight=None):
        """One epoch over ``(X, y)``, continuing from the current weights.

        Returns
        -------
        self
        """
        return self._fit(X, y, sample_weight, incremental=True)

    def predict(self, X):
        """Predicted targets, of shape (n_samples,) for a 1-D training target."""
        Z = self._output(X)
        return Z.ravel() if self._y_1d else Z

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        return tags

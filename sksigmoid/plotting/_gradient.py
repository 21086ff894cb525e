"""Displays of gradient flow through a network's layers and over its training."""

from collections.abc import Mapping

import numpy as np
from sklearn.utils._optional_dependencies import check_matplotlib_support
from sklearn.utils.validation import check_is_fitted

from ._base import prepare_axes

__all__ = ["GradientFlowDisplay", "TrainingDynamicsDisplay"]


def _named(objects, names, default_name, what, check=None):
    """``(names, objects)`` from one object, a sequence or a ``{name: object}`` dict.

    ``what`` names the objects in the error messages ("networks", ...);
    ``check(obj)``, when given, vets each object before it is named.
    """
    if isinstance(objects, Mapping):
        if names is not None:
            raise ValueError(
                f"The {what} come as a dict, whose keys are their names; do not "
                "pass names as well."
            )
        names, objects = list(objects), list(objects.values())
    elif not isinstance(objects, list | tuple):
        objects = [objects]
    if not len(objects):
        raise ValueError(f"Got no {what}: give at least one.")
    for obj in objects if check is not None else ():
        check(obj)
    if names is None:
        names = [default_name(obj) for obj in objects]
    if len(names) != len(objects):
        raise ValueError(f"Got {len(names)} names for {len(objects)} {what}.")
    return list(names), list(objects)


def _per_layer_norms(gradient_norms):
    """``gradient_norms`` as a list of non-empty 1-D float arrays, or a ValueError."""
    if isinstance(gradient_norms, np.ndarray) and gradient_norms.ndim == 2:
        gradient_norms = list(gradient_norms)
    if not len(gradient_norms):
        raise ValueError(
            "gradient_norms is empty: give the per-layer norms of at least one network."
        )
    norms = [np.asarray(n, dtype=float) for n in gradient_norms]
    for k, n in enumerate(norms):
        if n.ndim != 1:
            raise ValueError(
                "gradient_norms must be a list with one 1-D array of per-layer "
                f"norms for each network; gradient_norms[{k}] has shape {n.shape}. "
                "For a single network pass [norms]."
            )
        if not n.size:
            raise ValueError(f"gradient_norms[{k}] is empty: it has no layer.")
    return norms


def _layer_ticks(ax, n_layers):
    """Label weight layers 1, 2, ..., with the last one called "out"."""
    ticks = np.arange(1, n_layers + 1)
    ax.set_xticks(ticks, [*map(str, ticks[:-1]), "out"])
    ax.set_xlabel("weight layer (1 = first hidden, out = output)")


class GradientFlowDisplay:
    r"""Per-layer gradient norms of one or several networks, on a log axis.

    The usual way to build it is :meth:`from_estimator` (fitted networks and
    data) or :meth:`from_diagnostics` (fitted
    :class:`~sksigmoid.GradientDiagnostics`). Each network is one line of
    :math:`\|\partial L/\partial W_l\|_F` against the layer index ``l``; a line
    falling toward the input layers is a vanishing gradient.

    Parameters
    ----------
    gradient_norms : list of ndarray of shape (n_layers,)
        For each network, the norm of the loss gradient of each weight layer
        (hidden layers first, output layer last).
    names : list of str, default=None
        Legend entry of each network.

    Attributes
    ----------
    lines_ : list of matplotlib Line2D
        One line per network.
    ax_ : matplotlib Axes
        Axes with the lines.
    figure_ : matplotlib Figure
        Figure containing the axes.

    Examples
    --------
    >>> from sksigmoid import GradientFlowDisplay
    >>> display = GradientFlowDisplay(
    ...     gradient_norms=[[1e-6, 1e-4, 1e-2], [0.1, 0.2, 0.3]],
    ...     names=["sigmoid", "relu"],
    ... )
    >>> display = display.plot()  # doctest: +SKIP
    """

    def __init__(self, *, gradient_norms, names=None):
        self.gradient_norms = gradient_norms
        self.names = names

    def plot(self, ax=None, *, line_kwargs=None):
        """Draw the lines.

        Parameters
        ----------
        ax : matplotlib Axes, default=None
            Axes to draw on; a new figure is created when ``None``.
        line_kwargs : dict, default=None
            Passed to :meth:`matplotlib.axes.Axes.semilogy` for every line.

        Returns
        -------
        display : GradientFlowDisplay
        """
        gradient_norms = _per_layer_norms(self.gradient_norms)
        if self.names and len(self.names) != len(gradient_norms):
            raise ValueError(
                f"Got {len(self.names)} names for {len(gradient_norms)} networks."
            )
        _, ax = prepare_axes(self, ax)
        names = self.names or [None] * len(gradient_norms)
        kwargs = {"marker": "o", **(line_kwargs or {})}
        self.lines_ = [
            ax.semilogy(np.arange(1, len(norms) + 1), norms, label=name, **kwargs)[0]
            for norms, name in zip(gradient_norms, names, strict=True)
        ]
        _layer_ticks(ax, max(len(norms) for norms in gradient_norms))
        ax.set_ylabel("‖∂L/∂W‖ (Frobenius)")
        if self.names:
            ax.legend()
        self.ax_, self.figure_ = ax, ax.figure
        return self

    @classmethod
    def from_diagnostics(cls, diagnostics, *, names=None, ax=None, line_kwargs=None):
        """Plot ``gradient_norms_`` of fitted :class:`~sksigmoid.GradientDiagnostics`.

        Parameters
        ----------
        diagnostics : GradientDiagnostics, list of them, or dict
            Fitted diagnostics; a dict maps legend names to them.
        names : list of str, default=None
            Legend names (default: the class name of each network).
        ax : matplotlib Axes, default=None
        line_kwargs : dict, default=None

        Returns
        -------
        display : GradientFlowDisplay
        """
        from ..diagnostics import GradientDiagnostics

        check_matplotlib_support(f"{cls.__name__}.from_diagnostics")

        def fitted_diagnostics(obj):
            if not isinstance(obj, GradientDiagnostics):
                raise ValueError(
                    f"{cls.__name__}.from_diagnostics draws fitted "
                    f"GradientDiagnostics; got {type(obj).__name__}. For fitted "
                    "networks use from_estimator."
                )
            check_is_fitted(obj)

        names, diagnostics = _named(
            diagnostics,
            names,
            lambda d: type(d.estimator_).__name__,
            "diagnostics",
            check=fitted_diagnostics,
        )
        display = cls(
            gradient_norms=[d.gradient_norms_ for d in diagnostics], names=names
        )
        return display.plot(ax=ax, line_kwargs=line_kwargs)

    @classmethod
    def from_estimator(
        cls, estimator, X, y, *, names=None, ax=None, line_kwargs=None, **params
    ):
        """Measure fitted networks on ``(X, y)`` and plot their gradient norms.

        Parameters
        ----------
        estimator : DeepSigmoidMLP, list of them, or dict
            Fitted networks (classifier or regressor); a dict maps legend names
            to networks.
        X : array-like of shape (n_samples, n_features)
        y : array-like of shape (n_samples,)
        names : list of str, default=None
        ax : matplotlib Axes, default=None
        line_kwargs : dict, default=None
        **params
            Other parameters of :class:`~sksigmoid.GradientDiagnostics`.

        Returns
        -------
        display : GradientFlowDisplay
        """
        from ..diagnostics import GradientDiagnostics

        check_matplotlib_support(f"{cls.__name__}.from_estimator")
        names, estimators = _named(
            estimator, names, lambda e: type(e).__name__, "networks"
        )
        diagnostics = [
            GradientDiagnostics(est, prefit=True, **params).fit(X, y)
            for est in estimators
        ]
        return cls.from_diagnostics(
            diagnostics, names=names, ax=ax, line_kwargs=line_kwargs
        )


class TrainingDynamicsDisplay:
    r"""Per-layer gradient norm and saturation of a network over its epochs.

    Left: :math:`\|\partial L/\partial W_l\|_F` (mean over an epoch's batches)
    of every weight layer on a log axis; right, per hidden layer: the share of
    saturated units, of dead units (ReLU family) or the mean activation
    (``unit_measure``). Build it with :meth:`from_estimator` from a
    DeepSigmoidMLP trained with ``track_gradients=True``.

    Parameters
    ----------
    gradient_norms : ndarray of shape (n_epochs, n_layers)
        Gradient norm of each weight layer per epoch.
    saturation : ndarray of shape (n_epochs, n_hidden_layers), default=None
        Share of saturated (with ``unit_measure="dead"``, dead) units, or
        (``"mean"``) the mean activation, of each hidden layer per epoch;
        ``None`` draws only the gradient norms.
    name : str, default=None
        Title of the gradient-norm panel.
    unit_measure : {"saturated", "dead", "mean"}, default="saturated"
        What the right panel shows (and its label says): the share of
        saturated units (sigmoid-like activations); for the ReLU family, where
        saturation is undefined, the share of dead units (inactive on every
        sample of a batch); or the mean activation of each layer, Glorot &
        Bengio's (2010) measure, which shows a layer driven toward an
        asymptote before its units are within ``SATURATION_EPS`` of it
        (drawn on the activation's range, [0, 1] or [-1, 1], when it lies in
        one).

    Attributes
    ----------
    lines_ : dict of lists of matplotlib Line2D
        ``{"gradient_norm": [...], "saturation": [...]}``, one line per layer.
    ax_ : ndarray of matplotlib Axes
        The gradient-norm axes and, if drawn, the saturation axes.
    figure_ : matplotlib Figure
    """

    def __init__(
        self, *, gradient_norms, saturation=None, name=None, unit_measure="saturated"
    ):
        self.gradient_norms = gradient_norms
        self.saturation = saturation
        self.name = name
        self.unit_measure = unit_measure

    def plot(self, ax=None):
        """Draw the curves.

        Parameters
        ----------
        ax : sequence of matplotlib Axes, default=None
            One Axes (gradient norms) or two (gradient norms, saturation);
            a new figure with the needed axes is created when ``None``.

        Returns
        -------
        display : TrainingDynamicsDisplay
        """
        if self.unit_measure not in _UNIT_LABELS:
            raise ValueError(
                f"unit_measure must be one of {sorted(_UNIT_LABELS)}; got "
                f"{self.unit_measure!r}."
            )
        norms, saturation = _epoch_arrays(self.gradient_norms, self.saturation)
        n_panels = 1 if saturation is None else 2
        plt, ax = prepare_axes(
            self, ax, ncols=n_panels, figsize=(5 * n_panels, 3.8), squeeze=False
        )
        axes = np.ravel(ax)
        if len(axes) != n_panels:
            raise ValueError(f"Expected {n_panels} Axes, got {len(axes)}.")
        epochs = np.arange(1, norms.shape[0] + 1)
        labels = [f"layer {layer}" for layer in range(1, norms.shape[1])] + ["output"]
        # one colour per depth, from the input (dark) to the output (light)
        colors = plt.cm.viridis(np.linspace(0, 0.9, norms.shape[1]))
        self.lines_ = {"gradient_norm": []}
        for values, label, color in zip(norms.T, labels, colors, strict=True):
            line = axes[0].semilogy(epochs, values, label=label, color=color)[0]
            self.lines_["gradient_norm"].append(line)
        axes[0].set_ylabel("‖∂L/∂W‖ (Frobenius)")
        axes[0].legend(fontsize="x-small", ncol=2)
        if saturation is not None:
            self.lines_["saturation"] = [
                axes[1].plot(epochs, values, color=color)[0]
                for values, color in zip(saturation.T, colors[:-1], strict=True)
            ]
            axes[1].set_ylabel(_UNIT_LABELS[self.unit_measure])
            axes[1].set_ylim(*_panel_range(saturation, self.unit_measure))
        for panel in axes:
            panel.set_xlabel("epoch")
        if self.name:
            axes[0].set_title(self.name)
        self.ax_, self.figure_ = axes, axes[0].figure
        return self

    @classmethod
    def from_estimator(cls, estimator, *, name=None, unit_measure=None, ax=None):
        """Plot the ``gradient_history_`` of a trained DeepSigmoidMLP.

        Parameters
        ----------
        estimator : DeepSigmoidMLP or DeepSigmoidMLPRegressor
            Fitted with ``track_gradients=True``.
        name : str, default=None
            Panel title (default: the activation of the network).
        unit_measure : {"saturated", "dead", "mean"}, default=None
            The right panel (see the class). ``None``: the share of saturated
            units, or of dead units for the ReLU family (the history's
            ``unit_measure``).
        ax : sequence of matplotlib Axes, default=None

        Returns
        -------
        display : TrainingDynamicsDisplay
        """
        check_matplotlib_support(f"{cls.__name__}.from_estimator")
        name_of = type(estimator).__name__
        history = getattr(estimator, "gradient_history_", None)
        if history is None:
            if hasattr(estimator, "track_gradients"):  # an MLP, not fitted
                check_is_fitted(estimator)
            raise ValueError(
                f"{name_of} has no gradient_history_: {cls.__name__} draws the "
                "training record of a DeepSigmoidMLP or DeepSigmoidMLPRegressor "
                "fitted with track_gradients=True."
            )
        if not len(history.weight_grad_norms):
            if getattr(estimator, "track_gradients", True) is False:
                raise ValueError(
                    f"{name_of} was fitted with track_gradients=False, so its "
                    "gradient_history_ is empty; refit it with "
                    "track_gradients=True."
                )
            raise ValueError(
                f"{name_of}.gradient_history_ has no epoch to draw: the fit ran "
                f"none (n_iter_={getattr(estimator, 'n_iter_', 0)}, max_iter="
                f"{getattr(estimator, 'max_iter', None)}; max_iter=0 leaves the "
                "network at its initialisation). Fit it with max_iter >= 1."
            )
        gradient_norms, saturation = _history_arrays(history)
        if unit_measure is None:
            recorded = history.get("unit_measure", "saturated_fraction")
            unit_measure = "dead" if recorded == "dead_fraction" else "saturated"
        if unit_measure not in _UNIT_LABELS:
            raise ValueError(
                f"unit_measure must be None or one of {sorted(_UNIT_LABELS)}; "
                f"got {unit_measure!r}."
            )
        if saturation is not None and unit_measure != "saturated":
            field = {"dead": "dead_fraction", "mean": "activation_mean"}
            saturation = np.asarray(history[field[unit_measure]])
        if name is None:
            name = f"activation={estimator.activation!r}"
        display = cls(
            gradient_norms=gradient_norms,
            saturation=saturation,
            name=name,
            unit_measure=unit_measure,
        )
        return display.plot(ax=ax)


_UNIT_LABELS = {
    "saturated": "share of saturated units",
    "dead": "share of dead units (inactive on a batch)",
    "mean": "mean activation",
}


def _panel_range(values, unit_measure):
    """The y-range of the unit panel: a share's [0, 1]; a mean activation's
    bounded range ([0, 1] or [-1, 1]) when it lies in one, else its own."""
    pad = 0.02
    if unit_measure != "mean" or (values.min() >= 0 and values.max() <= 1):
        return -pad, 1 + pad
    if values.min() >= -1 and values.max() <= 1:
        return -1 - 2 * pad, 1 + 2 * pad
    return None, None


def _epoch_arrays(gradient_norms, saturation):
    """The two arrays of :class:`TrainingDynamicsDisplay`, checked against each other."""
    norms = np.asarray(gradient_norms, dtype=float)
    if norms.ndim != 2:
        raise ValueError(
            "gradient_norms must be a 2-D array of shape (n_epochs, n_layers); "
            f"got shape {norms.shape}."
        )
    if not norms.shape[0] or not norms.shape[1]:
        raise ValueError(
            "gradient_norms needs at least one epoch and one layer; got shape "
            f"{norms.shape}."
        )
    if saturation is None:
        return norms, None
    saturation = np.asarray(saturation, dtype=float)
    expected = (norms.shape[0], norms.shape[1] - 1)
    if saturation.shape != expected:
        raise ValueError(
            "saturation must have one row per epoch and one column per hidden "
            f"layer of gradient_norms, shape {expected}; got {saturation.shape}."
        )
    return norms, saturation


def _history_arrays(history):
    """``(gradient_norms, saturation)`` of an MLP's ``gradient_history_``.

    ``saturation`` is None when it was not recorded (L-BFGS iterations).
    """
    norms = np.asarray(history.weight_grad_norms)
    saturation = np.asarray(history.saturated_fraction)
    if saturation.shape[0] != norms.shape[0]:
        saturation = None
    return norms, saturation

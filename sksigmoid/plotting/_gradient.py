"""Displays of gradient flow through a network's layers and over its training."""

from collections.abc import Mapping

import numpy as np
from sklearn.utils._optional_dependencies import check_matplotlib_support

from ._base import prepare_axes

__all__ = ["GradientFlowDisplay", "TrainingDynamicsDisplay"]


def _named(objects, names, default_name):
    """``(names, objects)`` from one object, a sequence or a ``{name: object}`` dict."""
    if isinstance(objects, Mapping):
        return list(objects), list(objects.values())
    if not isinstance(objects, list | tuple):
        objects = [objects]
    if names is None:
        names = [default_name(obj) for obj in objects]
    if len(names) != len(objects):
        raise ValueError(f"Got {len(names)} names for {len(objects)} networks.")
    return list(names), list(objects)


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
        _, ax = prepare_axes(self, ax)
        names = self.names or [None] * len(self.gradient_norms)
        kwargs = {"marker": "o", **(line_kwargs or {})}
        self.lines_ = [
            ax.semilogy(np.arange(1, len(norms) + 1), norms, label=name, **kwargs)[0]
            for norms, name in zip(self.gradient_norms, names, strict=True)
        ]
        _layer_ticks(ax, max(len(norms) for norms in self.gradient_norms))
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
        check_matplotlib_support(f"{cls.__name__}.from_diagnostics")
        names, diagnostics = _named(
            diagnostics, names, lambda d: type(d.estimator_).__name__
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
        names, estimators = _named(estimator, names, lambda e: type(e).__name__)
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
    of every weight layer on a log axis; right: the fraction of saturated units
    of every hidden layer. Build it with :meth:`from_estimator` from a
    DeepSigmoidMLP trained with ``track_gradients=True``.

    Parameters
    ----------
    gradient_norms : ndarray of shape (n_epochs, n_layers)
        Gradient norm of each weight layer per epoch.
    saturation : ndarray of shape (n_epochs, n_hidden_layers), default=None
        Share of saturated units of each hidden layer per epoch (for a
        DeepSigmoidMLP, units with :math:`|f'(z)| < 0.01`, which for the ReLU
        family means inactive units); ``None`` draws only the gradient norms.
    name : str, default=None
        Title of the gradient-norm panel.

    Attributes
    ----------
    lines_ : dict of lists of matplotlib Line2D
        ``{"gradient_norm": [...], "saturation": [...]}``, one line per layer.
    ax_ : ndarray of matplotlib Axes
        The gradient-norm axes and, if drawn, the saturation axes.
    figure_ : matplotlib Figure
    """

    def __init__(self, *, gradient_norms, saturation=None, name=None):
        self.gradient_norms = gradient_norms
        self.saturation = saturation
        self.name = name

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
        n_panels = 1 if self.saturation is None else 2
        plt, ax = prepare_axes(
            self, ax, ncols=n_panels, figsize=(5 * n_panels, 3.8), squeeze=False
        )
        axes = np.ravel(ax)
        if len(axes) != n_panels:
            raise ValueError(f"Expected {n_panels} Axes, got {len(axes)}.")
        norms = np.asarray(self.gradient_norms)
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
        if self.saturation is not None:
            saturation = np.asarray(self.saturation)
            self.lines_["saturation"] = [
                axes[1].plot(epochs, values, color=color)[0]
                for values, color in zip(saturation.T, colors, strict=False)
            ]
            axes[1].set_ylabel("share of saturated units")
            axes[1].set_ylim(-0.02, 1.02)
        for panel in axes:
            panel.set_xlabel("epoch")
        if self.name:
            axes[0].set_title(self.name)
        self.ax_, self.figure_ = axes, axes[0].figure
        return self

    @classmethod
    def from_estimator(cls, estimator, *, name=None, ax=None):
        """Plot the ``gradient_history_`` of a trained DeepSigmoidMLP.

        Parameters
        ----------
        estimator : DeepSigmoidMLP or DeepSigmoidMLPRegressor
            Fitted with ``track_gradients=True``.
        name : str, default=None
            Panel title (default: the activation of the network).
        ax : sequence of matplotlib Axes, default=None

        Returns
        -------
        display : TrainingDynamicsDisplay
        """
        check_matplotlib_support(f"{cls.__name__}.from_estimator")
        history = getattr(estimator, "gradient_history_", None)
        if history is None or not len(history.weight_grad_norms):
            raise ValueError(
                f"{type(estimator).__name__} has no gradient_history_; fit it "
                "with track_gradients=True."
            )
        gradient_norms, saturation = _history_arrays(history)
        if name is None:
            name = f"activation={estimator.activation!r}"
        display = cls(gradient_norms=gradient_norms, saturation=saturation, name=name)
        return display.plot(ax=ax)


def _history_arrays(history):
    """``(gradient_norms, saturation)`` of an MLP's ``gradient_history_``.

    ``saturation`` is None when it was not recorded (L-BFGS iterations).
    """
    norms = np.asarray(history.weight_grad_norms)
    saturation = np.asarray(history.saturated_fraction)
    if saturation.shape[0] != norms.shape[0]:
        saturation = None
    return norms, saturation

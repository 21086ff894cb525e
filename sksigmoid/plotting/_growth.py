"""GrowthCurveDisplay: a fitted curve with its confidence and prediction bands."""

import numpy as np
from sklearn.utils._optional_dependencies import check_matplotlib_support
from sklearn.utils.validation import check_is_fitted

from ._base import prepare_axes

__all__ = ["GrowthCurveDisplay"]


class GrowthCurveDisplay:
    """Fitted growth / dose-response curve with pointwise bands and the data.

    Create it with :meth:`from_estimator`; the constructor takes precomputed
    arrays (scikit-learn's Display convention).

    Parameters
    ----------
    x : ndarray of shape (n_grid,)
        Grid of the curve.
    y_pred : ndarray of shape (n_grid,)
        Fitted curve on the grid.
    confidence : tuple of two ndarrays, default=None
        Lower and upper limits of the confidence band of the curve.
    prediction : tuple of two ndarrays, default=None
        Lower and upper limits of the prediction band (a new observation).
    x_data, y_data : ndarray, default=None
        The observations, drawn as points.
    level : float, default=0.95
        Level of the bands (for the legend).
    log_x : bool, default=False
        Draw x on a log axis (fits with ``x_scale="log"``).
    estimator_name : str, default=None

    Attributes
    ----------
    line_ : matplotlib Line2D
        The fitted curve.
    scatter_ : matplotlib PathCollection or None
    confidence_band_, prediction_band_ : matplotlib PolyCollection or None
    ax_ : matplotlib Axes
    figure_ : matplotlib Figure

    Examples
    --------
    >>> from sksigmoid import SigmoidGrowthRegressor
    >>> from sksigmoid.datasets import load_rat42
    >>> from sksigmoid.plotting import GrowthCurveDisplay
    >>> data = load_rat42()
    >>> reg = SigmoidGrowthRegressor("logistic").fit(data.data, data.target)
    >>> display = GrowthCurveDisplay.from_estimator(reg, data.data, data.target)
    """

    def __init__(
        self,
        *,
        x,
        y_pred,
        confidence=None,
        prediction=None,
        x_data=None,
        y_data=None,
        level=0.95,
        log_x=False,
        estimator_name=None,
    ):
        self.x = x
        self.y_pred = y_pred
        self.confidence = confidence
        self.prediction = prediction
        self.x_data = x_data
        self.y_data = y_data
        self.level = level
        self.log_x = log_x
        self.estimator_name = estimator_name

    def plot(self, ax=None, *, line_kw=None, band_kw=None, scatter_kw=None):
        """Draw the curve, its bands and the data.

        Parameters
        ----------
        ax : matplotlib Axes, default=None
            Axes to draw on; a new figure is created if None.
        line_kw, band_kw, scatter_kw : dict, default=None
            Keyword arguments of ``ax.plot``, ``ax.fill_between`` (both bands)
            and ``ax.scatter``.

        Returns
        -------
        self : GrowthCurveDisplay
        """
        _, ax = prepare_axes(self, ax)
        percent = f"{100 * self.level:g}%"
        self.prediction_band_ = self._band(
            ax, self.prediction, f"{percent} prediction band", 0.15, band_kw
        )
        self.confidence_band_ = self._band(
            ax, self.confidence, f"{percent} confidence band", 0.35, band_kw
        )
        self.line_ = ax.plot(
            self.x,
            self.y_pred,
            **{"label": self.estimator_name or "fit", **(line_kw or {})},
        )[0]
        self.scatter_ = None
        if self.x_data is not None:
            kw = {"color": "black", "s": 15, "zorder": 3, "label": "data"}
            self.scatter_ = ax.scatter(
                self.x_data, self.y_data, **{**kw, **(scatter_kw or {})}
            )
        if self.log_x:
            ax.set_xscale("log")
        ax.legend(loc="best")
        self.ax_, self.figure_ = ax, ax.figure
        return self

    def _band(self, ax, limits, label, alpha, band_kw):
        if limits is None:
            return None
        kw = {"alpha": alpha, "color": "C0", "linewidth": 0, "label": label}
        return ax.fill_between(self.x, *limits, **{**kw, **(band_kw or {})})

    @classmethod
    def from_estimator(
        cls,
        estimator,
        X,
        y,
        *,
        level=0.95,
        bands=("confidence", "prediction"),
        n_points=200,
        ax=None,
        line_kw=None,
        band_kw=None,
        scatter_kw=None,
    ):
        """Draw a fitted :class:`~sksigmoid.SigmoidGrowthRegressor` over its data.

        Parameters
        ----------
        estimator : SigmoidGrowthRegressor
            Fitted, with one feature.
        X : array-like of shape (n_samples, 1)
        y : array-like of shape (n_samples,)
        level : float, default=0.95
        bands : sequence of {"confidence", "prediction"}, default=both
        n_points : int, default=200
            Grid size; the grid spans the range of X (geometric for a log-x
            fit, where zero-dose controls are not drawn).
        ax : matplotlib Axes, default=None
        line_kw, band_kw, scatter_kw : dict, default=None

        Returns
        -------
        display : GrowthCurveDisplay
        """
        check_matplotlib_support(f"{cls.__name__}.from_estimator")
        check_is_fitted(estimator)
        x_data = np.asarray(X, dtype=float).reshape(len(y), -1)
        if x_data.shape[1] != 1:
            raise ValueError("GrowthCurveDisplay draws one-feature fits.")
        x_data = x_data[:, 0]
        log_x = getattr(estimator, "x_scale", "linear") == "log"
        grid = _grid(x_data, n_points, log_x)
        intervals = {
            kind: estimator.predict_interval(grid[:, None], level=level, kind=kind)
            for kind in bands
        }
        shown = x_data > 0 if log_x else np.ones_like(x_data, dtype=bool)
        display = cls(
            x=grid,
            y_pred=estimator.predict(grid[:, None]),
            confidence=intervals.get("confidence"),
            prediction=intervals.get("prediction"),
            x_data=x_data[shown],
            y_data=np.asarray(y, dtype=float)[shown],
            level=level,
            log_x=log_x,
            estimator_name=f"{getattr(estimator, 'model_', 'fit')} fit",
        )
        return display.plot(
            ax=ax, line_kw=line_kw, band_kw=band_kw, scatter_kw=scatter_kw
        )


def _grid(x, n_points, log_x):
    if log_x:
        positive = x[x > 0]
        return np.geomspace(positive.min(), positive.max(), n_points)
    return np.linspace(x.min(), x.max(), n_points)

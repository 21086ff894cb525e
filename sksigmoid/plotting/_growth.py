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
    curves : sequence, default=None
        Several curves (a global fit): their labels; ``y_pred`` and the
        bands' limits are then (n_curves, n_grid) and ``curve_data`` gives
        each observation's label. One colour per curve.
    curve_data : ndarray, default=None

    Attributes
    ----------
    line_ : matplotlib Line2D
        The fitted curve (the first, with several).
    lines_ : list of matplotlib Line2D
        One per curve.
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
        curves=None,
        curve_data=None,
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
        self.curves = curves
        self.curve_data = curve_data

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
        several = self.curves is not None
        curves = list(self.curves) if several else [None]
        self.lines_, scatters, confidence, prediction = [], [], [], []
        for k, curve in enumerate(curves):
            colour = f"C{k}"
            # one legend entry per band kind, not per curve (the colours say which)
            named = "" if k == 0 else None
            pick = (lambda a, k=k: a[k]) if several else (lambda a: a)
            prediction.append(
                self._band(
                    ax,
                    self.prediction,
                    None if named is None else f"{percent} prediction band",
                    0.15,
                    band_kw,
                    colour,
                    pick,
                )
            )
            confidence.append(
                self._band(
                    ax,
                    self.confidence,
                    None if named is None else f"{percent} confidence band",
                    0.35,
                    band_kw,
                    colour,
                    pick,
                )
            )
            label = str(curve) if several else self.estimator_name or "fit"
            line = ax.plot(
                self.x,
                pick(np.asarray(self.y_pred)),
                **{"label": label, "color": colour, **(line_kw or {})},
            )[0]
            self.lines_.append(line)
            if self.x_data is not None:
                shown = (
                    np.asarray(self.curve_data) == curve
                    if several
                    else np.ones(len(self.x_data), dtype=bool)
                )
                kw = {
                    "color": colour if several else "black",
                    "s": 15,
                    "zorder": 3,
                    "label": None if several else "data",
                }
                scatters.append(
                    ax.scatter(
                        np.asarray(self.x_data)[shown],
                        np.asarray(self.y_data)[shown],
                        **{**kw, **(scatter_kw or {})},
                    )
                )
        self.line_ = self.lines_[0]
        self.scatter_ = scatters[0] if scatters else None
        self.scatters_ = scatters
        self.confidence_band_ = confidence[0]
        self.prediction_band_ = prediction[0]
        if self.log_x:
            ax.set_xscale("log")
        ax.legend(loc="best")
        self.ax_, self.figure_ = ax, ax.figure
        return self

    @classmethod
    def _from_global_fit(
        cls, estimator, X, y, level, bands, n_points, ax, line_kw, band_kw, scatter_kw
    ):
        """One curve per label of a global fit (``curve``), each in its colour."""
        from ..growth._global import curve_data

        _, _, dose, codes = curve_data(estimator, X, reset=False)
        labels = estimator.curves_
        log_x = estimator.x_scale == "log"
        grid = _grid(dose, n_points, log_x)
        columns = getattr(X, "columns", None)
        position = estimator._curve_position

        def rows(label):
            if columns is not None:
                frame = {c: grid for c in columns}
                frame[estimator.curve] = np.full(grid.size, label, dtype=object)
                return type(X)(frame, columns=columns)
            out = np.empty((grid.size, 2))
            out[:, 1 - position], out[:, position] = grid, label
            return out

        limits = {kind: ([], []) for kind in bands}
        y_pred = []
        for label in labels:
            Xk = rows(label)
            y_pred.append(estimator.predict(Xk))
            for kind in bands:
                lower, upper = estimator.predict_interval(Xk, level=level, kind=kind)
                limits[kind][0].append(lower)
                limits[kind][1].append(upper)
        shown = dose > 0 if log_x else np.ones_like(dose, dtype=bool)
        stacked = {k: (np.array(lo), np.array(hi)) for k, (lo, hi) in limits.items()}
        display = cls(
            x=grid,
            y_pred=np.array(y_pred),
            confidence=stacked.get("confidence"),
            prediction=stacked.get("prediction"),
            x_data=dose[shown],
            y_data=np.asarray(y, dtype=float)[shown],
            level=level,
            log_x=log_x,
            estimator_name=f"{estimator.model_} global fit",
            curves=list(labels),
            curve_data=labels[codes][shown],
        )
        return display.plot(
            ax=ax, line_kw=line_kw, band_kw=band_kw, scatter_kw=scatter_kw
        )

    def _band(self, ax, limits, label, alpha, band_kw, colour, pick):
        if limits is None:
            return None
        kw = {"alpha": alpha, "color": colour, "linewidth": 0, "label": label}
        lower, upper = (pick(np.asarray(limit)) for limit in limits)
        return ax.fill_between(self.x, lower, upper, **{**kw, **(band_kw or {})})

    @classmethod
    def from_estimator(
        cls,
        estimator,
        X,
        y,
        *,
        level=0.95,
        bands=None,
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
            Fitted, with one feature, or a global fit (``curve``): then one
            curve per label, each in its colour, with its bands.
        X : array-like of shape (n_samples, 1), or (n_samples, 2) with the
            curve column for a global fit
        y : array-like of shape (n_samples,)
        level : float, default=0.95
        bands : sequence of {"confidence", "prediction"}, default=None
            None: both for a least-squares fit; the confidence band of the
            mean only for a binomial or Poisson fit (whose new observations'
            spread depends on their number of subjects).
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
        if bands is None:
            least_squares = getattr(estimator, "family", "gaussian") == "gaussian"
            bands = ("confidence", "prediction") if least_squares else ("confidence",)
        if getattr(estimator, "curve", None) is not None:
            return cls._from_global_fit(
                estimator,
                X,
                y,
                level,
                bands,
                n_points,
                ax,
                line_kw,
                band_kw,
                scatter_kw,
            )
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

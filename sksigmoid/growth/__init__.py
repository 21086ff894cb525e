"""Sigmoidal growth and dose-response curves.

* :data:`MODELS` -- the table of curve models (logistic, richards, gompertz,
  4pl, 5pl, weibull, hill), see :mod:`sksigmoid.growth._models`.
* :class:`SigmoidGrowthRegressor` -- one curve, self-starting, with inference,
  derived quantities and inverse prediction.
* :func:`fit_curves` -- every curve of a plate at once (a pandas table).
"""

from ._models import MODELS, CurveModel
from .plates import fit_curves
from .regressor import Estimate, FlatCurveWarning, SigmoidGrowthRegressor

__all__ = [
    "MODELS",
    "CurveModel",
    "Estimate",
    "FlatCurveWarning",
    "SigmoidGrowthRegressor",
    "fit_curves",
]

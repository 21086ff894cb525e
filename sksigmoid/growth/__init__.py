"""Sigmoidal growth and dose-response curves.

* :data:`MODELS` -- the table of curve models (logistic, richards, gompertz,
  4pl, 5pl, weibull, hill), see :mod:`sksigmoid.growth._models`.
* :class:`SigmoidGrowthRegressor` -- one curve, self-starting, with inference,
  derived quantities and inverse prediction.
* :func:`fit_curves` -- every curve of a plate at once (a pandas table).
* :func:`compare_fits` -- the F and likelihood-ratio tests of nested fits
  (e.g. shared against separate asymptotes), see :mod:`.compare`.
"""

from ._models import MODELS, CurveModel
from .compare import FitComparison, compare_fits
from .plates import fit_curves
from .regressor import Estimate, FlatCurveWarning, SigmoidGrowthRegressor

__all__ = [
    "MODELS",
    "CurveModel",
    "Estimate",
    "FitComparison",
    "FlatCurveWarning",
    "SigmoidGrowthRegressor",
    "compare_fits",
    "fit_curves",
]

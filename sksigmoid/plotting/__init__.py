"""Displays in scikit-learn's convention (``from_estimator``, ``plot``, ``ax_``, ``figure_``).

matplotlib is optional: the Displays import it only when drawing and raise an
ImportError naming the missing package otherwise.
"""

from ._gradient import GradientFlowDisplay, TrainingDynamicsDisplay
from ._growth import GrowthCurveDisplay

__all__ = ["GradientFlowDisplay", "TrainingDynamicsDisplay", "GrowthCurveDisplay"]

"""sksigmoid: the sigmoid function as scikit-learn estimators.

* :class:`SigmoidNeuronClassifier` -- logistic regression as a single sigmoid
  neuron, trained by gradient descent or by maximum likelihood with inference
  (Firth's bias reduction, profile intervals, robust errors);
  :func:`likelihood_ratio_test` compares two nested fits.
* :class:`DeepSigmoidMLP`, :class:`DeepSigmoidMLPRegressor` -- deep perceptrons
  with a selectable activation that record how their gradients vanish.
* :class:`GradientDiagnostics` -- per-layer gradient flow, saturation and dead
  units of a deep perceptron, with a verdict; :class:`GradientFlowDisplay`,
  :class:`TrainingDynamicsDisplay` draw it, and :func:`recurrent_gradient_flow`
  shows why the LSTM keeps gradients alive through time.
* :class:`SigmoidGrowthRegressor` -- self-starting sigmoidal growth and
  dose-response curves with inference, effective doses and inverse prediction.
"""

from . import functions  # noqa: F401 - sksigmoid.functions, the public numeric names
from ._version import __version__
from .diagnostics import GradientDiagnostics
from .growth import SigmoidGrowthRegressor, fit_curves
from .mlp import DeepSigmoidMLP, DeepSigmoidMLPRegressor
from .neuron import SigmoidNeuronClassifier, likelihood_ratio_test
from .plotting import GradientFlowDisplay, GrowthCurveDisplay, TrainingDynamicsDisplay
from .recurrent import recurrent_gradient_flow

__all__ = [
    "__version__",
    "SigmoidNeuronClassifier",
    "likelihood_ratio_test",
    "DeepSigmoidMLP",
    "DeepSigmoidMLPRegressor",
    "GradientDiagnostics",
    "recurrent_gradient_flow",
    "SigmoidGrowthRegressor",
    "fit_curves",
    "GradientFlowDisplay",
    "TrainingDynamicsDisplay",
    "GrowthCurveDisplay",
]

"""sksigmoid: the sigmoid function as scikit-learn estimators.

* :class:`SigmoidNeuronClassifier` -- logistic regression as a single sigmoid
  neuron, trained by gradient descent or by maximum likelihood with inference.
* :class:`DeepSigmoidMLP`, :class:`DeepSigmoidMLPRegressor` -- deep perceptrons
  with a selectable activation that record how their gradients vanish.
"""

from ._version import __version__
from .mlp import DeepSigmoidMLP, DeepSigmoidMLPRegressor
from .neuron import SigmoidNeuronClassifier
from .plotting import GradientFlowDisplay, TrainingDynamicsDisplay
from .recurrent import recurrent_gradient_flow
from .growth import SigmoidGrowthRegressor
from .growth import fit_curves

__all__ = [
    "__version__",
    "SigmoidNeuronClassifier",
    "DeepSigmoidMLP",
    "DeepSigmoidMLPRegressor",
    "recurrent_gradient_flow",
    "SigmoidGrowthRegressor",
    "fit_curves",
    "GradientFlowDisplay",
    "TrainingDynamicsDisplay",
]

"""Warnings and errors specific to sksigmoid."""

from sklearn.exceptions import ConvergenceWarning

__all__ = ["SeparationWarning"]


class SeparationWarning(ConvergenceWarning):
    """The classes are (quasi-)completely separated: no finite maximum-likelihood
    estimate exists.

    Raised by :class:`~sksigmoid.SigmoidNeuronClassifier` for unpenalised fits.
    The coefficients then only reflect where the optimiser stopped, and Wald
    standard errors are reported as ``inf``. Add an L2 penalty (``alpha > 0``)
    or remove the separating features.
    """

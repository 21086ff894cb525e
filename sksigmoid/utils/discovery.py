"""Discovery of the public estimators of sksigmoid."""

import importlib
import inspect
import pkgutil

from sklearn.base import BaseEstimator

__all__ = ["all_estimators"]


def all_estimators():
    """List every public estimator class defined in sksigmoid.

    Walks the package's public modules (those whose name does not start with
    an underscore) and collects the classes deriving from
    :class:`sklearn.base.BaseEstimator` that are defined there and whose name
    does not start with an underscore, so that a new estimator is found by the
    common tests without editing them.

    Returns
    -------
    estimators : list of (name, class) tuples
        Sorted by name.
    """
    import sksigmoid

    found = {}
    for module_info in pkgutil.walk_packages(sksigmoid.__path__, "sksigmoid."):
        parts = module_info.name.split(".")
        if any(part.startswith("_") for part in parts[1:]) or "tests" in parts:
            continue
        if parts[1] in {"demo", "__main__"}:
            continue
        module = importlib.import_module(module_info.name)
        for name, cls in inspect.getmembers(module, inspect.isclass):
            if (
                issubclass(cls, BaseEstimator)
                and not name.startswith("_")
                and cls.__module__.startswith("sksigmoid")
                and not inspect.isabstract(cls)
            ):
                found[name] = cls
    return sorted(found.items())

"""What every Display's ``plot`` starts with (private)."""

from sklearn.utils._optional_dependencies import check_matplotlib_support

__all__ = ["prepare_axes"]


def prepare_axes(display, ax=None, **subplots_kw):
    """matplotlib, and the Axes to draw on.

    Raises an ImportError naming ``display``'s ``plot`` when matplotlib is
    missing; ``ax`` is used as given, or, when ``None``, comes from a new
    figure: ``plt.subplots(**subplots_kw)``.

    Returns
    -------
    plt : module
        ``matplotlib.pyplot``.
    ax : matplotlib Axes (or array of them, as ``plt.subplots`` gives)
    """
    check_matplotlib_support(f"{type(display).__name__}.plot")
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(**subplots_kw)
    return plt, ax

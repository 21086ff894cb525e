"""The story of the sigmoid, told by ``python -m sksigmoid demo``.

Each section is a module of this package exposing ``TITLE`` and
``run(plots_dir=None)``; ``run`` prints its findings and, when ``plots_dir``
is given, saves PNG figures there. Sections run in the order of
:data:`SECTIONS`; later issues append their own.
"""

import importlib

SECTIONS = [
    "neuron",
    "mlp",
    "diagnostics",
    "lstm",
    "growth",
]


def section_module(name):
    """Import the demo section called ``name``."""
    return importlib.import_module(f"{__name__}.{name}")

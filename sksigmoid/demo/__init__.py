"""The story of the sigmoid, told by ``python -m sksigmoid demo``.

Each section is a module of this package exposing ``TITLE`` and
``run(plots_dir=None)``; ``run`` prints its findings and, when ``plots_dir``
is given, saves PNG figures there. Sections run in the order of
:data:`SECTIONS`, numbered by it (the command line prints the numbered
heading and a one-line table of contents with :data:`TYPICAL_SECONDS`, each
section's time on a 2-core laptop).
"""

import importlib

SECTIONS = [
    "neuron",
    "mlp",
    "diagnostics",
    "resurrect",
    "lstm",
    "growth",
    "quantal",
]

# Seconds each section takes on a 2-core machine (the table of contents).
TYPICAL_SECONDS = {
    "neuron": 2,
    "mlp": 2,
    "diagnostics": 4,
    "resurrect": 5,
    "lstm": 0.5,
    "growth": 1,
    "quantal": 1,
}


def section_module(name):
    """Import the demo section called ``name``."""
    return importlib.import_module(f"{__name__}.{name}")

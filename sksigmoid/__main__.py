"""Command line: ``python -m sksigmoid demo [--plots DIR] [--section NAME ...]``."""

import argparse
import sys
import time
from pathlib import Path

from .demo import SECTIONS, TYPICAL_SECONDS, section_module
from .demo._util import heading

MATPLOTLIB_MISSING = (
    "--plots needs matplotlib, which is not installed. Install it with\n"
    '    pip install "sksigmoid[plot]"   (or: pip install matplotlib)\n'
    "or run the demo without --plots."
)


def _matplotlib_available():
    try:
        import matplotlib

        matplotlib.use("Agg")
    except ImportError:
        return False
    return True


def run_demo(plots_dir=None, sections=None):
    """Run the demo sections in order; return the process exit code."""
    if plots_dir is not None:
        if not _matplotlib_available():
            print(MATPLOTLIB_MISSING, file=sys.stderr)
            return 2
        Path(plots_dir).mkdir(parents=True, exist_ok=True)
    names = sections or SECTIONS
    print(table_of_contents(names))
    for name in names:
        start = time.perf_counter()
        module = section_module(name)
        heading(f"{SECTIONS.index(name) + 1}. {module.TITLE}")
        module.run(plots_dir=plots_dir)
        print(f"  [{name}: {time.perf_counter() - start:.1f} s]")
    return 0


def table_of_contents(names):
    """One line: the sections to run, numbered, each with its typical time."""
    entries = [
        f"{SECTIONS.index(n) + 1}. {n} (~{TYPICAL_SECONDS.get(n, 1):g} s)"
        for n in names
    ]
    return "sksigmoid demo: " + " | ".join(entries)


def main(argv=None):
    """Entry point of the ``sksigmoid`` console script."""
    parser = argparse.ArgumentParser(
        prog="sksigmoid",
        description="sksigmoid: the sigmoid as a neuron, a deep net and a growth curve.",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    demo = sub.add_parser("demo", help="tell the library's story on built-in data")
    demo.add_argument(
        "--plots", metavar="DIR", help="also write PNG figures to DIR (matplotlib)"
    )
    demo.add_argument(
        "--section",
        action="append",
        choices=SECTIONS,
        help="run only this section (repeatable); default: all, in order",
    )
    args = parser.parse_args(argv)
    return run_demo(plots_dir=args.plots, sections=args.section)


if __name__ == "__main__":
    sys.exit(main())

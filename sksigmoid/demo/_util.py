"""Helpers shared by the demo sections: headings, tables, figures."""

from pathlib import Path


def heading(title):
    """Print a section heading."""
    print()
    print(title)
    print("=" * len(title))


def table(rows, header, floatfmt="{:.4g}"):
    """Print ``rows`` (a list of tuples) as an aligned text table."""

    def fmt(value):
        if isinstance(value, float):
            return floatfmt.format(value)
        return str(value)

    cells = [[fmt(v) for v in header]] + [[fmt(v) for v in row] for row in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(header))]
    for k, row in enumerate(cells):
        print("  ".join(c.rjust(w) for c, w in zip(row, widths, strict=True)))
        if k == 0:
            print("  ".join("-" * w for w in widths))


def save_figure(fig, plots_dir, name):
    """Save ``fig`` as ``plots_dir/name.png``, close it, and say where it went."""
    import matplotlib.pyplot as plt

    path = Path(plots_dir) / f"{name}.png"
    fig.savefig(path, dpi=110, bbox_inches="tight")
    plt.close(fig)
    print(f"  figure written: {path}")

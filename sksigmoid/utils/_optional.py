"""Optional dependencies, imported only where a feature needs them."""


def import_pandas(what):
    """pandas, or an ImportError saying that ``what`` needs it."""
    try:
        import pandas
    except ImportError as exc:
        raise ImportError(
            f"{what} returns a pandas DataFrame, and pandas is not installed. "
            'Install it with: pip install "sksigmoid[pandas]" (or: pip install '
            "pandas)."
        ) from exc
    return pandas

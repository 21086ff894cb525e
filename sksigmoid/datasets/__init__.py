"""Small data sets for sigmoidal curves, with provenance and licence.

Each loader returns a :class:`sklearn.utils.Bunch` like scikit-learn's:
``data`` (n_samples, 1), ``target``, ``feature_names``, ``target_names``,
``DESCR`` and, with ``as_frame=True``, ``frame`` (a pandas DataFrame; ``data``
and ``target`` are then a DataFrame and a Series).
"""

import csv
from importlib import resources

import numpy as np
from sklearn.utils import Bunch

__all__ = ["load_rat42", "load_rat43", "load_puromycin", "load_bioassay"]


def _read(name):
    """Rows of ``data/<name>.csv`` and the text of ``descr/<name>.rst``."""
    package = resources.files(__name__)
    with package.joinpath("data", f"{name}.csv").open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    descr = package.joinpath("descr", f"{name}.rst").read_text(encoding="utf-8")
    return rows, descr


def _bunch(rows, descr, feature, target, as_frame, extra=()):
    data = np.array([[float(r[feature])] for r in rows])
    y = np.array([float(r[target]) for r in rows])
    bunch = Bunch(
        data=data,
        target=y,
        feature_names=[feature],
        target_names=[target],
        DESCR=descr,
    )
    if as_frame:
        import pandas as pd

        frame = pd.DataFrame({feature: data[:, 0], target: y})
        for column in extra:
            frame[column] = [r[column] for r in rows]
        bunch.update(frame=frame, data=frame[[feature]], target=frame[target])
    return bunch


def load_rat42(*, as_frame=False):
    """NIST StRD Rat42: pasture yield vs growing time (9 samples, public domain).

    Fitted by the ``"logistic"`` model; the certified values are in ``DESCR``.

    Parameters
    ----------
    as_frame : bool, default=False
        Also return a pandas ``frame`` (requires pandas).

    Returns
    -------
    sklearn.utils.Bunch
    """
    rows, descr = _read("rat42")
    return _bunch(rows, descr, "time", "yield", as_frame)


def load_rat43(*, as_frame=False):
    """NIST StRD Rat43: onion bulb dry weight vs growing time (15 samples).

    Fitted by the ``"richards"`` model; the certified values are in
    ``DESCR``. Public domain.

    Parameters
    ----------
    as_frame : bool, default=False

    Returns
    -------
    sklearn.utils.Bunch
    """
    rows, descr = _read("rat43")
    return _bunch(rows, descr, "time", "dry_weight", as_frame)


def load_puromycin(*, state="treated", as_frame=False):
    """Puromycin enzyme kinetics: reaction velocity vs substrate concentration.

    A saturation (binding) curve: Michaelis--Menten, i.e. ``"hill"`` with
    ``n = 1``. See ``DESCR`` for provenance and licence.

    Parameters
    ----------
    state : {"treated", "untreated", "all"}, default="treated"
        The cells' state; ``"all"`` returns both (the ``state`` column of
        ``frame`` tells them apart).
    as_frame : bool, default=False

    Returns
    -------
    sklearn.utils.Bunch
    """
    if state not in ("treated", "untreated", "all"):
        raise ValueError(
            f'state must be "treated", "untreated" or "all"; got {state!r}.'
        )
    rows, descr = _read("puromycin")
    rows = [r for r in rows if state in ("all", r["state"])]
    return _bunch(rows, descr, "concentration", "rate", as_frame, extra=("state",))


def load_bioassay(*, as_frame=False):
    """A quantal bioassay: insects dead out of 50 at seven concentrations.

    *Simulated* (see ``DESCR``): a probit dose-response with 5 % natural
    mortality in the controls, for LD50 estimation by maximum likelihood
    (``SigmoidGrowthRegressor(..., x_scale="log", family="binomial")``).

    Parameters
    ----------
    as_frame : bool, default=False

    Returns
    -------
    sklearn.utils.Bunch
        ``data`` the concentration (mg/L, 0 for the controls), ``target``
        the proportion dead, ``exposed`` the insects per concentration (the
        ``sample_weight`` of a binomial fit) and ``dead`` their count.
    """
    rows, descr = _read("bioassay")
    for row in rows:
        row["proportion_dead"] = float(row["dead"]) / float(row["exposed"])
    bunch = _bunch(
        rows, descr, "concentration", "proportion_dead", as_frame, ("exposed", "dead")
    )
    bunch.exposed = np.array([float(r["exposed"]) for r in rows])
    bunch.dead = np.array([float(r["dead"]) for r in rows])
    if as_frame:
        bunch.frame = bunch.frame.astype({"exposed": int, "dead": int})
    return bunch

"""Demo section: the sigmoid as a growth and dose-response curve."""

import numpy as np

from ..datasets import load_puromycin, load_rat42, load_rat43
from ..growth import MODELS, SigmoidGrowthRegressor, compare_fits, fit_curves
from ._util import save_figure, table

TITLE = (
    "Growth and dose-response curves: self-starting fits, a whole plate, "
    "relative potency"
)

PLATE_ROWS = "ABCDEFGH"


def fit_one(data, model):
    """SigmoidGrowthRegressor of ``model`` on a loader's Bunch (no start given)."""
    return SigmoidGrowthRegressor(model).fit(data.data, data.target)


def summary_rows(reg):
    """Rows (parameter, estimate, std. error, 95 % interval) of ``reg.summary()``."""
    frame = reg.summary()
    return [
        (name, row.estimate, row.std_err, f"[{row.ci_lower:.5g}, {row.ci_upper:.5g}]")
        for name, row in frame.iterrows()
    ]


def derived_rows(reg, level=0.95):
    """Rows (quantity, estimate, std. error, interval) of the growth quantities."""
    rows = []
    for label, method in (
        ("inflection point", reg.inflection_point),
        ("maximum slope", reg.max_slope),
        ("lag time", reg.lag_time),
    ):
        est = method(level=level)
        interval = f"[{est.ci_lower:.4g}, {est.ci_upper:.4g}]"
        rows.append((label, est.estimate, est.std_error, interval))
    return rows


def simulated_plate(random_state=0):
    """A 96-well growth plate read every 20 min for 24 h.

    Rows A-H carry strains of increasing growth rate, column 12 is a blank
    (medium only) and well D7 was contaminated (a slow linear drift), so that
    the table shows all three statuses.
    """
    rng = np.random.default_rng(random_state)
    hours = np.linspace(0, 24, 73)
    wells = [f"{r}{c}" for r in PLATE_ROWS for c in range(1, 13)]
    n = len(wells)
    rate = np.repeat(np.linspace(0.4, 1.1, 8), 12) * rng.uniform(0.95, 1.05, n)
    params = [
        rng.uniform(0.04, 0.06, n),  # bottom: the medium's optical density
        rng.uniform(1.1, 1.3, n),  # top: carrying capacity
        rate,
        rng.uniform(7, 12, n),  # x_mid
    ]
    columns = [p[:, None] for p in params]
    od = MODELS["4pl"].function(hours, *columns).T
    od += rng.normal(0, 0.01, od.shape)
    blank = np.array([w.endswith("12") for w in wells])
    od[:, blank] = 0.05 + rng.normal(0, 0.01, (len(hours), blank.sum()))
    od[:, wells.index("D7")] = 0.05 + 0.004 * hours + rng.normal(0, 0.01, len(hours))
    od[rng.random(od.shape) < 0.01] = np.nan  # a few failed reads
    return hours, od, wells


def plate_table(hours, od, wells):
    """fit_curves on the plate, as a DataFrame indexed by well."""
    import pandas as pd

    return fit_curves(hours, pd.DataFrame(od, columns=wells), "4pl")


def print_summary(title, reg):
    """``title``, then the parameter table of a fitted regressor."""
    print(title)
    table(summary_rows(reg), ("parameter", "estimate", "std. error", "95% CI"))


def show_growth():
    """Rat42 (logistic, with growth quantities) and Rat43 (Richards vs logistic)."""
    rat42 = load_rat42()
    growth = fit_one(rat42, "logistic")
    print_summary("NIST Rat42, pasture yield over time, logistic, no start:", growth)
    print("\nGrowth quantities (delta-method standard errors):")
    table(derived_rows(growth), ("quantity", "estimate", "std. error", "95% CI"))

    rat43 = load_rat43()
    fits = {name: fit_one(rat43, name) for name in ("richards", "logistic")}
    print("\nNIST Rat43, onion bulbs: the asymmetric Richards curve vs the logistic:")
    table(
        [(name, reg.rss_, reg.aicc_) for name, reg in fits.items()],
        ("model", "RSS", "AICc"),
    )
    shape = fits["richards"].params_["shape"], fits["richards"].std_errors_["shape"]
    best = min(fits, key=lambda name: fits[name].aicc_)
    print(
        f"Richards' shape = {shape[0]:.3g} ± {shape[1]:.2g} lowers the RSS; AICc, "
        f"which charges for the extra parameter, prefers the {best} curve."
    )
    return growth, rat42


def show_binding():
    """Puromycin (Hill): summary, EC50 with its interval, an inverse prediction."""
    puromycin = load_puromycin()
    binding = fit_one(puromycin, "hill")
    print_summary(
        "\nPuromycin (treated): reaction rate vs substrate concentration, Hill:",
        binding,
    )
    ec50 = binding.effective_dose(50, level=0.95)
    print(
        f"EC50 = {ec50.estimate:.4g} ppm, 95% CI [{ec50.ci_lower:.4g}, "
        f"{ec50.ci_upper:.4g}]"
    )
    unknown = 150.0
    x = binding.inverse_predict(unknown, level=0.95)
    print(
        f"A sample with rate {unknown:g} counts/min² reads back as "
        f"{x.estimate:.4g} ppm, 95% CI [{x.ci_lower:.4g}, {x.ci_upper:.4g}]"
    )
    return binding, puromycin


def show_plate():
    """A simulated 96-well plate through fit_curves: statuses and row means."""
    hours, od, wells = simulated_plate()
    plate = plate_table(hours, od, wells)
    counts = plate["status"].value_counts()
    failed = ", ".join(plate.index[plate["status"] == "failed"])
    print(
        f"\nA simulated 96-well plate through fit_curves (4pl, {len(hours)} reads, "
        f"1% missing): {counts['fit']} fit, {counts['flat']} flat (the blanks of "
        f"column 12), {counts['failed']} failed ({failed or 'none'}; D7 was made "
        "to drift)."
    )
    fitted = plate[plate["status"] == "fit"]
    by_row = fitted.groupby(fitted.index.str[0])[["max_slope", "lag_time"]].mean()
    table(
        [
            (r, by_row.loc[r, "max_slope"], by_row.loc[r, "lag_time"])
            for r in by_row.index
        ],
        ("row", "max. growth rate [OD/h]", "lag time [h]"),
    )
    return hours, od, plate


def simulated_potency_assay(random_state=2):
    """Two compounds on a log-dose assay: 8 doses three-fold apart in
    triplicate and 3 zero-dose controls each; parallel 4PL curves (bottom 5,
    top 100, rate 1.2), the test compound 3 times as potent (its ED50 a third
    of the reference's 1.0), noise of SD 4.

    Returns X (a DataFrame: ``dose``, ``compound``) and the response.
    """
    import pandas as pd

    rng = np.random.default_rng(random_state)
    doses = np.concatenate([[0.0], 0.01 * 3.0 ** np.arange(8)])
    dose = np.tile(np.repeat(doses, 3), 2)
    compound = np.repeat(["reference", "test"], 3 * doses.size)
    ed50 = np.where(compound == "reference", 1.0, 1.0 / 3)
    t = np.log(dose, where=dose > 0, out=np.full(dose.size, -np.inf))
    y = 5 + 95 / (1 + np.exp(-1.2 * (t - np.log(ed50))))
    y = y + rng.normal(0, 4, dose.size)
    return pd.DataFrame({"dose": dose, "compound": compound}), y


def show_potency():
    """Two compounds in one global 4PL fit: the shared parameters, the F test
    of parallelism and the potency ratio with its delta and Fieller intervals."""
    X, y = simulated_potency_assay()
    options = {"x_scale": "log", "curve": "compound"}
    separate = SigmoidGrowthRegressor("4pl", shared=["bottom", "top"], **options)
    parallel = SigmoidGrowthRegressor(
        "4pl", shared=["bottom", "top", "rate"], **options
    )
    separate.fit(X, y)
    parallel.fit(X, y)
    print(
        "\nRelative potency: a reference and a test compound (true potency ratio "
        "3),\none global 4PL fit in log dose, parallel curves (shared bottom, "
        "top, rate):"
    )
    intervals = parallel.conf_int(level=0.95)
    table(
        [
            (
                name,
                parallel.params_[name][0],
                parallel.std_errors_[name][0],
                f"[{intervals[name][0]:.4g}, {intervals[name][1]:.4g}]",
            )
            for name in parallel.shared
        ],
        ("shared", "estimate", "std. error", "95% CI"),
    )
    test = compare_fits(parallel, separate)
    print(
        f"Parallelism, shared rate vs one rate per compound: F({test.df_num}, "
        f"{test.df_den}) = {test.F:.3g}, p = {test.p_value:.3g}."
    )
    rows = []
    for method in ("delta", "fieller"):
        ratio = parallel.potency_ratio("reference", "test", level=0.95, method=method)
        interval = f"[{ratio.ci_lower:.4g}, {ratio.ci_upper:.4g}]"
        rows.append((method, ratio.estimate, ratio.std_error, interval))
    print("Potency ratio ED50(reference) / ED50(test):")
    table(rows, ("method", "estimate", "std. error", "95% CI"))
    return parallel, X, y


def run(plots_dir=None):
    """Fit Rat42, Rat43, Puromycin, a simulated plate and a simulated potency
    assay; print what they show."""
    growth = show_growth()
    binding = show_binding()
    plate = show_plate()
    potency = show_potency()
    if plots_dir is not None:
        _plot(plots_dir, growth, binding, plate)
        _plot_potency(plots_dir, potency)


def _plot(plots_dir, growth, binding, plate):
    import matplotlib.pyplot as plt

    from ..plotting import GrowthCurveDisplay

    fig, axes = plt.subplots(1, 3, figsize=(15, 4.2))
    for ax, (reg, data), title in zip(
        axes[:2],
        (growth, binding),
        ("Rat42 (logistic)", "Puromycin (Hill)"),
        strict=True,
    ):
        GrowthCurveDisplay.from_estimator(reg, data.data, data.target, ax=ax)
        ax.set_title(title)
        ax.set_xlabel(data.feature_names[0])
        ax.set_ylabel(data.target_names[0])
    hours, od, table_ = plate
    colours = {"fit": "C0", "flat": "0.6", "failed": "C3"}
    for j, status in enumerate(table_["status"]):
        axes[2].plot(hours, od[:, j], color=colours[status], lw=0.6, alpha=0.7)
    for status, colour in colours.items():
        axes[2].plot([], [], color=colour, label=status)
    axes[2].set_title("96-well plate: fit_curves status")
    axes[2].set_xlabel("hours")
    axes[2].set_ylabel("OD")
    axes[2].legend()
    save_figure(fig, plots_dir, "growth_curves")


def _plot_potency(plots_dir, potency):
    import matplotlib.pyplot as plt

    from ..plotting import GrowthCurveDisplay

    reg, X, y = potency
    fig, ax = plt.subplots(figsize=(6, 4.2))
    GrowthCurveDisplay.from_estimator(reg, X, y, bands=("confidence",), ax=ax)
    for k, ed50 in enumerate(reg.effective_dose(50).estimate):
        ax.axvline(ed50, color=f"C{k}", linestyle=":", linewidth=1)
    ratio = reg.potency_ratio("reference", "test", level=None).estimate
    ax.set_title(f"Two compounds, parallel 4PL: potency ratio {ratio:.2f}")
    ax.set_xlabel("dose (log axis)")
    ax.set_ylabel("response")
    save_figure(fig, plots_dir, "potency")

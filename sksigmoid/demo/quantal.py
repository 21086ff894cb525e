"""Demo section: quantal dose-response, the LD50 by maximum likelihood."""

import numpy as np

from ..datasets import load_bioassay
from ..growth import SigmoidGrowthRegressor
from ..neuron import SigmoidNeuronClassifier
from ._util import save_figure, table

TITLE = (
    "Quantal dose-response: the LD50 by maximum likelihood, and the sigmoid "
    "neuron it is"
)

# the two tolerance distributions of a bioassay with natural mortality in the
# controls (Abbott's correction: the lower asymptote free, the upper at 1)
MODELS = {"probit (drc LN.3u)": "probit", "logit (drc LL.3u)": "4pl"}


def fit_bioassay(model, data):
    """A binomial fit of ``model`` on ln(concentration), natural mortality free."""
    return SigmoidGrowthRegressor(
        model, x_scale="log", family="binomial", fixed={"top": 1}
    ).fit(data.data, data.target, sample_weight=data.exposed)


def neuron_ld50(data):
    """The LD50 and its delta-method standard error from a sigmoid neuron
    trained on one row per insect (ln dose, dead or alive), as frequency
    weights: :math:`\\mathrm{LD50} = e^{-b/w}`."""
    treated = data.data[:, 0] > 0
    log_dose = np.log(data.data[treated, 0])
    dead, exposed = data.dead[treated], data.exposed[treated]
    X = np.concatenate([log_dose, log_dose])[:, None]
    y = np.concatenate([np.ones_like(dead), np.zeros_like(dead)])
    weight = np.concatenate([dead, exposed - dead])
    keep = weight > 0
    neuron = SigmoidNeuronClassifier(solver="newton", tol=1e-12)
    neuron.fit(X[keep], y[keep], sample_weight=weight[keep])
    w, b = neuron.coef_[0, 0], neuron.intercept_[0]
    ld50 = np.exp(-b / w)
    gradient = ld50 * np.array([b / w**2, -1 / w])  # d LD50 / d(w, b)
    return ld50, float(np.sqrt(gradient @ neuron.covariance_ @ gradient))


def run(plots_dir=None):
    """Print the LD50s with Fieller intervals, the AIC comparison and the
    neuron's LD50; plot the observed proportions with the fitted curves."""
    data = load_bioassay()
    print(
        "A simulated insecticide bioassay (the true LD50 is 6 mg/L, natural\n"
        "mortality 5 %): dead out of 50 at 0, 1, 2, ..., 32 mg/L. Binomial\n"
        "maximum likelihood on ln(dose), the controls' mortality fitted\n"
        "(Abbott's correction); LD50 with Fieller's 95 % interval:"
    )
    fits = {label: fit_bioassay(model, data) for label, model in MODELS.items()}
    rows = []
    for label, fit in fits.items():
        ld50 = fit.effective_dose(50, level=0.95, method="fieller")
        gof = fit.goodness_of_fit_
        rows.append(
            (
                label,
                fit.aic_,
                f"{fit.params_['bottom']:.3f} ({fit.std_errors_['bottom']:.3f})",
                ld50.estimate,
                f"[{ld50.ci_lower:.3g}, {ld50.ci_upper:.3g}]",
                gof.pearson_p_value,
            )
        )
    table(
        rows,
        ("model", "AIC", "natural mortality", "LD50", "Fieller 95 %", "GOF p"),
        "{:.4g}",
    )
    (probit, logit) = fits.values()
    print(
        f"AIC prefers the {'probit' if probit.aic_ < logit.aic_ else 'logit'} by "
        f"{abs(probit.aic_ - logit.aic_):.2f} (the data were drawn from a probit)."
    )

    treated = data.data[:, 0] > 0
    curve = SigmoidGrowthRegressor("logistic", x_scale="log", family="binomial").fit(
        data.data[treated], data.target[treated], sample_weight=data.exposed[treated]
    )
    ld50 = curve.effective_dose(50, level=0.95)
    neuron = neuron_ld50(data)
    print(
        "\nThe same logistic on the treated groups is a single sigmoid neuron on\n"
        "one row per insect (ln dose -> dead), sample weights as counts:"
    )
    table(
        [
            ("SigmoidGrowthRegressor (grouped)", ld50.estimate, ld50.std_error),
            ("SigmoidNeuronClassifier (per insect)", *neuron),
        ],
        ("fit", "LD50 (mg/L)", "std. error"),
        "{:.10g}",
    )
    print(f"relative difference of the LD50s: {abs(neuron[0] / ld50.estimate - 1):.1e}")
    if plots_dir is not None:
        _plot(data, fits, plots_dir)


def _plot(data, fits, plots_dir):
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6.5, 4.2))
    dose, observed = data.data[:, 0], data.target
    control = dose == 0
    floor = dose[~control].min() / 4  # where the controls are drawn
    grid = np.geomspace(floor, dose.max() * 1.5, 200)
    for (label, fit), colour in zip(fits.items(), ("C0", "C1"), strict=True):
        lower, upper = fit.predict_interval(grid[:, None], level=0.95)
        ax.plot(grid, fit.predict(grid[:, None]), color=colour, label=label)
        ax.fill_between(grid, lower, upper, color=colour, alpha=0.2)
    ax.scatter(
        dose[~control], observed[~control], color="k", zorder=3, label="dead / 50"
    )
    ax.scatter(
        np.full(control.sum(), floor),
        observed[control],
        marker="s",
        color="k",
        zorder=3,
        label="controls (dose 0)",
    )
    ax.set_xscale("log")
    ax.set_xlabel("concentration (mg/L); controls drawn at the left edge")
    ax.set_ylabel("proportion dead")
    ax.set_title("Bioassay: binomial fits with 95 % confidence bands")
    ax.legend(fontsize="small")
    save_figure(fig, plots_dir, "quantal_bioassay")

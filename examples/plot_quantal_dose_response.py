r"""
=============================================================
Quantal dose-response: LD50 by maximum likelihood, and probit
=============================================================

The oldest use of the sigmoid in science: how many of :math:`n` insects die at
each dose. :class:`~sksigmoid.SigmoidGrowthRegressor` with
``family="binomial"`` fits the proportion dead by maximum likelihood (Fisher
scoring in the library's curve-fitting engine), ``sample_weight`` being the
number of insects of each row; ``x_scale="log"`` puts the dose on a log axis,
where a ``"probit"`` curve is Finney's log-normal tolerance distribution.

The data (:func:`~sksigmoid.datasets.load_bioassay`) are *simulated* from a
probit with LD50 = 6 mg/L, slope 1.6 per unit of ln dose and 5 % natural
mortality, so we know what a fit should find. Two dead controls out of 50
make a lower asymptote of 0 impossible: we free it (Abbott's correction, drc's
``LN.3u``/``LL.3u``) with ``fixed={"top": 1}``.

**What we measured** (recomputed on every build, printed below): the probit
and the logit agree on the LD50 within 1 % (5.54 and 5.49 mg/L), both
Fieller intervals cover the true 6 mg/L, the natural mortality is estimated at
2.6 % ± 1.6 % (true 5 %), Pearson's goodness-of-fit test does not reject
either model, and AIC prefers the probit, the model the data were drawn
from, by 1.3 -- a weak preference, as it should be with seven groups.
"""

# %%
# Fit both tolerance distributions
# --------------------------------
import matplotlib.pyplot as plt
import numpy as np

from sksigmoid import SigmoidGrowthRegressor, SigmoidNeuronClassifier
from sksigmoid.datasets import load_bioassay
from sksigmoid.plotting import GrowthCurveDisplay

data = load_bioassay()
fits = {
    model: SigmoidGrowthRegressor(
        model, x_scale="log", family="binomial", fixed={"top": 1}
    ).fit(data.data, data.target, sample_weight=data.exposed)
    for model in ("probit", "4pl")
}
for model, fit in fits.items():
    ld50 = fit.effective_dose(50, level=0.95, method="fieller")
    delta = fit.effective_dose(50, level=0.95)
    print(
        f"{model:>6}: AIC {fit.aic_:.2f}, LD50 {ld50.estimate:.3f} mg/L, "
        f"Fieller [{ld50.ci_lower:.3f}, {ld50.ci_upper:.3f}], "
        f"delta [{delta.ci_lower:.3f}, {delta.ci_upper:.3f}], "
        f"natural mortality {fit.params_['bottom']:.3f} "
        f"({fit.std_errors_['bottom']:.3f}), "
        f"Pearson X2 p = {fit.goodness_of_fit_.pearson_p_value:.2f}"
    )

# %%
# The observed proportions, the curves and their 95 % bands
# ---------------------------------------------------------
# The confidence band of a binomial mean is computed on the logit scale and
# mapped back, so it stays inside [0, 1]. Zero-dose controls are not drawn on
# the log axis.
fig, ax = plt.subplots(figsize=(7, 4.5))
for (model, fit), colour in zip(fits.items(), ("C0", "C1"), strict=True):
    GrowthCurveDisplay.from_estimator(
        fit,
        data.data,
        data.target,
        ax=ax,
        line_kw={"color": colour, "label": f"{model} fit"},
        band_kw={"color": colour},
    )
ax.axvline(6.0, color="grey", linestyle=":", label="true LD50")
ax.set_xlabel("concentration (mg/L)")
ax.set_ylabel("proportion dead")
ax.legend()
plt.show()

# %%
# The same LD50 from a single sigmoid neuron
# ------------------------------------------
# A logistic quantal model on log dose *is* logistic regression: the sigmoid
# neuron of the library's first story, trained on one row per insect (ln dose,
# dead or alive) with the counts as sample weights, gives the same estimate
# and standard error as the grouped binomial fit (here on the treated groups,
# where no natural mortality is needed).
treated = data.data[:, 0] > 0
curve = SigmoidGrowthRegressor("logistic", x_scale="log", family="binomial").fit(
    data.data[treated], data.target[treated], sample_weight=data.exposed[treated]
)
log_dose = np.log(data.data[treated, 0])
dead, alive = data.dead[treated], data.exposed[treated] - data.dead[treated]
X = np.concatenate([log_dose, log_dose])[:, None]
y = np.repeat([1, 0], log_dose.size)
weight = np.concatenate([dead, alive])
neuron = SigmoidNeuronClassifier(tol=1e-12).fit(
    X[weight > 0], y[weight > 0], sample_weight=weight[weight > 0]
)
w, b = neuron.coef_[0, 0], neuron.intercept_[0]
print(f"grouped binomial fit: LD50 = {curve.effective_dose(50).estimate:.10g}")
print(f"sigmoid neuron:       LD50 = {np.exp(-b / w):.10g}")

r"""
======================================================================
Relative potency of two compounds: a global fit with shared asymptotes
======================================================================

A relative-potency assay measures a test compound against a reference
compound on the same plate. Both are fitted at once by a *global fit*: one
four-parameter logistic in :math:`t = \ln x` per compound,

.. math::
    y = \mathrm{bottom} + \frac{\mathrm{top} - \mathrm{bottom}}
        {1 + e^{-\mathrm{rate}_c (t - x_{mid,c})}},
    \qquad \mathrm{ED}_{50,c} = e^{x_{mid,c}},

where the asymptotes are common to both curves and a single residual
variance is estimated from all the data. This is drc's ``drm(curveid=,
pmodels=)`` and GraphPad Prism's global fit. If the two curves are also
*parallel* (one common rate), the test compound acts like a dilution of the
reference, and the potency ratio

.. math::
    \rho = \frac{\mathrm{ED}_{50}(\text{reference})}{\mathrm{ED}_{50}(\text{test})}
         = e^{x_{mid,\text{ref}} - x_{mid,\text{test}}}

is then the same at every effect level. The steps below are those of a
potency assay: check parallelism (an F test and an equivalence test of the
slope ratio), then report the potency ratio with its delta-method and
Fieller intervals.
"""

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from sksigmoid import GrowthCurveDisplay, SigmoidGrowthRegressor
from sksigmoid.growth import compare_fits

# %%
# A simulated assay
# -----------------
# Eight doses three-fold apart, in triplicate, plus three zero-dose controls per
# compound. The test compound is three times as potent as the reference (its
# ED50 is a third of the reference's), and the two curves are parallel. With
# ``x_scale="log"`` a zero dose is a control that the fit gives the curve's
# lower asymptote.
rng = np.random.default_rng(2)
doses = np.concatenate([[0.0], 0.01 * 3.0 ** np.arange(8)])  # 0, 0.01 ... 21.87
dose = np.tile(np.repeat(doses, 3), 2)
compound = np.repeat(["reference", "test"], 3 * doses.size)
true_ed50 = np.where(compound == "reference", 1.0, 1.0 / 3)
log_ratio = np.log(dose, where=dose > 0, out=np.full(dose.size, -np.inf)) - np.log(
    true_ed50
)
response = 5 + 95 / (1 + np.exp(-1.2 * log_ratio)) + rng.normal(0, 4, dose.size)

X = pd.DataFrame({"dose": dose, "compound": compound})
X.head()

# %%
# Global fits: shared asymptotes, then parallel curves
# ----------------------------------------------------
# ``curve="compound"`` names the column of X that says which curve each row
# belongs to; ``shared`` lists the parameters common to every curve, the others
# are fitted per curve. The first fit lets each compound have its own rate; the
# second also shares the rate (parallel curves).
separate = SigmoidGrowthRegressor(
    "4pl", x_scale="log", curve="compound", shared=["bottom", "top"]
).fit(X, response)
parallel = SigmoidGrowthRegressor(
    "4pl", x_scale="log", curve="compound", shared=["bottom", "top", "rate"]
).fit(X, response)
print(parallel.summary().round(3))

# %%
# ``conf_int`` lists a shared parameter once; ``param_names_`` labels the
# parameters of each curve by its name in brackets.
for name, (low, high) in parallel.conf_int().items():
    print(f"{name:>16}: [{low:8.3f}, {high:8.3f}]")

# %%
# Parallelism: the F test of nested fits
# --------------------------------------
# The parallel fit is the separate-rates fit with one constraint, so the two are
# nested. :func:`~sksigmoid.growth.compare_fits` computes the
# extra-sum-of-squares test (drc's ``anova(reduced, full)``)
#
# .. math::
#     F = \frac{(\mathrm{RSS}_r - \mathrm{RSS}_f)/(\nu_r - \nu_f)}
#              {\mathrm{RSS}_f/\nu_f} \sim F_{\nu_r - \nu_f,\,\nu_f},
#
# the likelihood-ratio test :math:`n \ln(\mathrm{RSS}_r/\mathrm{RSS}_f) \sim
# \chi^2_{\nu_r - \nu_f}`, and the AICc of both fits.
test = compare_fits(parallel, separate)
print(
    f"F = {test.F:.3f} on ({test.df_num}, {test.df_den}) df, p = {test.p_value:.3f}; "
    f"LR = {test.lr_statistic:.3f}, p = {test.lr_p_value:.3f}"
)
print(f"AICc: parallel {test.aicc_reduced:.2f}, separate rates {test.aicc_full:.2f}")

# %%
# Parallelism as equivalence (USP <1032>)
# ---------------------------------------
# A large p-value only fails to find a difference: a noisy assay passes the F
# test more easily than a precise one. USP <1032> recommends the opposite
# question, whether the slopes are *equivalent*: the 90% interval of the slope
# ratio :math:`\mathrm{rate}_\text{ref}/\mathrm{rate}_\text{test}` must lie
# inside equivalence margins fixed in advance, here (0.8, 1.25). This is two
# one-sided tests at 5%, computed on the fit in which the rates are free.
similarity = pd.DataFrame(separate.equivalence_test("rate", margins=(0.8, 1.25)))
similarity[["curve_1", "curve_2", "estimate", "ci_lower", "ci_upper", "equivalent"]]

# %%
# Potency ratio: delta method and Fieller
# ---------------------------------------
# From the parallel fit, with :math:`a, b` the two ED50s and :math:`V` the joint
# covariance (the ED50s are correlated through the shared parameters):
#
# * ``method="delta"``: :math:`R = a/b`, :math:`\nabla R = (\nabla a -
#   R\,\nabla b)/b`, :math:`\mathrm{se} = \sqrt{\nabla R^\top V \nabla R}` and
#   :math:`R \pm t_{0.975,\nu}\,\mathrm{se}`;
# * ``method="fieller"``: every :math:`R` with :math:`(a - R b)^2 \le t^2
#   (v_{aa} - 2 R v_{ab} + R^2 v_{bb})`, an interval that is not symmetric
#   about :math:`R` and accounts for the uncertainty of the denominator.
for method in ("delta", "fieller"):
    ratio = parallel.potency_ratio("reference", "test", level=0.95, method=method)
    print(
        f"{method:>7}: potency ratio {ratio.estimate:.3f}, 95% CI "
        f"[{ratio.ci_lower:.3f}, {ratio.ci_upper:.3f}]  (true value 3)"
    )

# %%
# For parallel curves the log potency ratio is the difference of the midpoints,
# :math:`x_{mid,\text{ref}} - x_{mid,\text{test}}`, and its t interval, mapped
# back by :math:`e^{\cdot}`, gives a third, log-symmetric interval, the one of
# parallel-line assays (:meth:`~sksigmoid.SigmoidGrowthRegressor.compare_parameters`
# is drc's ``compParm``).
shift = parallel.compare_parameters("x_mid", kind="difference")
print(
    f"exp(x_mid difference): {np.exp(shift['estimate'][0]):.3f}, 95% CI "
    f"[{np.exp(shift['ci_lower'][0]):.3f}, {np.exp(shift['ci_upper'][0]):.3f}]"
)

# %%
# The two fitted curves
# ---------------------
# :class:`~sksigmoid.GrowthCurveDisplay` draws a global fit with one colour per
# curve, each with its confidence band (the zero-dose controls are not drawn on
# the log axis). The dotted lines mark the two ED50s.
ed50 = parallel.effective_dose(50)
display = GrowthCurveDisplay.from_estimator(
    parallel, X, response, bands=("confidence",)
)
for k, value in enumerate(ed50.estimate):
    display.ax_.axvline(value, color=f"C{k}", linestyle=":", linewidth=1)
display.ax_.set(
    xlabel="dose (log axis)",
    ylabel="response (% of maximum)",
    title=f"Parallel 4PL fit: potency ratio {ed50.estimate[0] / ed50.estimate[1]:.2f}",
)
plt.show()

r"""
=====================================================================
Growth and dose-response curves without starting values, with bands
=====================================================================

:class:`~sksigmoid.SigmoidGrowthRegressor` fits a sigmoidal curve by nonlinear
least squares from its own self-start, then reports Gauss--Newton inference:
standard errors :math:`\hat\sigma^2 (J^\top W J)^{-1}`, pointwise confidence
and prediction bands, effective doses and inverse predictions with
delta-method intervals.

**Growth.** NIST's Rat42 problem (pasture yield, 9 points) is a logistic
:math:`y = \mathrm{top}/(1 + e^{-\mathrm{rate}(t - x_{mid})})`. scipy's
``curve_fit`` with its default start of all ones does not reach the optimum;
the regressor, given nothing, reproduces NIST's certified values to about 10
significant digits.

**Dose response.** A four-parameter logistic in :math:`\ln x` (drc's LL.4,
Prism's "log(agonist) vs. response") fitted to a simulated ELISA-like standard
curve with zero-dose controls, read back at the absorbance of an unknown
sample.
"""

import warnings

import matplotlib.pyplot as plt
import numpy as np
from scipy.optimize import OptimizeWarning, curve_fit

from sksigmoid import GrowthCurveDisplay, SigmoidGrowthRegressor
from sksigmoid.datasets import load_rat42

# %%
# Growth: NIST Rat42, no starting values
# --------------------------------------
rat42 = load_rat42()
growth = SigmoidGrowthRegressor("logistic").fit(rat42.data, rat42.target)
print(growth.summary())
b1, b2, b3 = 72.462237576, 2.6180768402, 0.067359200066  # NIST certified
print(
    f"top {growth.params_['top']:.10g} (NIST {b1}), "
    f"rate*x_mid {growth.params_['rate'] * growth.params_['x_mid']:.10g} (NIST {b2})"
)


def rat42_model(x, b1, b2, b3):
    return b1 / (1 + np.exp(b2 - b3 * x))


with np.errstate(over="ignore"), warnings.catch_warnings():
    warnings.simplefilter("ignore", OptimizeWarning)
    try:
        naive = curve_fit(rat42_model, rat42.data[:, 0], rat42.target)[0]
        print("curve_fit from (1, 1, 1) stops at", naive)
    except RuntimeError as error:
        print("curve_fit from (1, 1, 1) fails:", error)

lag = growth.lag_time(level=0.95)
print(f"lag time {lag.estimate:.2f} [{lag.ci_lower:.2f}, {lag.ci_upper:.2f}]")

# %%
# Dose response: EC50 with its interval and an inverse prediction
# ----------------------------------------------------------------
rng = np.random.default_rng(0)
dose = np.repeat([0.0, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0, 30.0], 3)
log_dose = np.log(dose, where=dose > 0, out=np.full(dose.size, -np.inf))
signal = 0.08 + 1.9 / (1 + np.exp(-1.1 * (log_dose - np.log(0.8))))
signal = signal + rng.normal(0, 0.04, dose.size)

assay = SigmoidGrowthRegressor("4pl", x_scale="log").fit(dose[:, None], signal)
ec50 = assay.effective_dose(50, level=0.95)
unknown = assay.inverse_predict(1.2, level=0.95)
print(f"EC50 = {ec50.estimate:.3f} [{ec50.ci_lower:.3f}, {ec50.ci_upper:.3f}]")
print(
    f"sample at absorbance 1.2: dose {unknown.estimate:.3f} "
    f"[{unknown.ci_lower:.3f}, {unknown.ci_upper:.3f}]"
)

# %%
# Both fits with their 95% confidence and prediction bands
# ---------------------------------------------------------
fig, (ax_growth, ax_dose) = plt.subplots(1, 2, figsize=(11, 4.2))
GrowthCurveDisplay.from_estimator(growth, rat42.data, rat42.target, ax=ax_growth)
ax_growth.axvline(lag.estimate, color="grey", linestyle=":", label="lag time")
ax_growth.set(xlabel="growing time", ylabel="pasture yield", title="NIST Rat42")
ax_growth.legend(loc="lower right")

GrowthCurveDisplay.from_estimator(assay, dose[:, None], signal, ax=ax_dose)
ax_dose.errorbar(
    ec50.estimate,
    assay.predict([[ec50.estimate]])[0],
    xerr=[[ec50.estimate - ec50.ci_lower], [ec50.ci_upper - ec50.estimate]],
    fmt="s",
    color="C3",
    label="EC50, 95% CI",
)
ax_dose.axhline(1.2, color="C2", linestyle="--", linewidth=1)
ax_dose.plot(unknown.estimate, 1.2, "o", color="C2", label="unknown read back")
ax_dose.set(xlabel="dose (log axis)", ylabel="absorbance", title="4PL standard curve")
ax_dose.legend(loc="upper left", fontsize="small")
fig.tight_layout()
plt.show()

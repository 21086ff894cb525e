"""Demo section 1: logistic regression is a single sigmoid neuron."""

import warnings

import numpy as np
from sklearn.datasets import load_breast_cancer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, log_loss
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

from ..exceptions import SeparationWarning
from ..neuron import SigmoidNeuronClassifier
from ._util import save_figure, table

TITLE = "Logistic regression is a single sigmoid neuron"

# A few coefficients of the Firth fit to show: mean concave points is the
# strongest single predictor (the figure's), worst radius and worst concave
# points the 'worst' counterparts.
FIRTH_SHOWN = (
    "mean_radius",
    "mean_texture",
    "mean_concave_points",
    "worst_radius",
    "worst_concave_points",
    "intercept",
)


def _breast_cancer():
    data = load_breast_cancer()
    X_train, X_test, y_train, y_test = train_test_split(
        data.data, data.target, test_size=0.3, stratify=data.target, random_state=0
    )
    scaler = StandardScaler().fit(X_train)
    names = [name.replace(" ", "_") for name in data.feature_names]
    return scaler.transform(X_train), scaler.transform(X_test), y_train, y_test, names


def _compare_with_sklearn(X_train, X_test, y_train, y_test):
    n = len(y_train)
    models = [
        ("sksigmoid newton, alpha=1/n", SigmoidNeuronClassifier(alpha=1.0 / n)),
        (
            "sklearn LogisticRegression(C=1, tol=1e-10)",
            LogisticRegression(tol=1e-10, max_iter=10_000),
        ),
        (
            "sksigmoid gd, alpha=1/n",
            SigmoidNeuronClassifier(
                solver="gd", alpha=1.0 / n, learning_rate=1.0, max_iter=5000
            ),
        ),
    ]
    rows = []
    for name, model in models:
        model.fit(X_train, y_train)
        proba = model.predict_proba(X_test)
        rows.append(
            (name, accuracy_score(y_test, proba.argmax(1)), log_loss(y_test, proba))
        )
    print("Breast cancer, all 30 features (standardised), 30% held out:")
    table(rows, ("model", "test accuracy", "test log-loss"), floatfmt="{:.6f}")
    print("  The same neuron, the same numbers: C = 1/(alpha * n) maps the penalties.")


def _show_separation(X_train, y_train):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", SeparationWarning)
        neuron = SigmoidNeuronClassifier().fit(X_train, y_train)
    fired = [w for w in caught if issubclass(w.category, SeparationWarning)]
    print()
    print("Unpenalised (alpha=0) on all 30 features:")
    if fired:
        print(f"  SeparationWarning: {fired[0].message}")
    print(
        f"  training accuracy {neuron.score(X_train, y_train):.3f}; largest |coef| "
        f"{np.abs(neuron.coef_).max():.3g} -- it only grows with more iterations, "
        "and the standard errors are reported as inf, not as numbers."
    )


def _firth_where_ml_fails():
    """Firth's bias-reduced fit on all the data, where maximum likelihood has
    no estimate: a few coefficients beside the diverging ML ones."""
    data = load_breast_cancer()
    X = StandardScaler().fit_transform(data.data)
    y = data.target
    names = [name.replace(" ", "_") for name in data.feature_names] + ["intercept"]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", SeparationWarning)
        ml = SigmoidNeuronClassifier().fit(X, y)
    warned = any(issubclass(w.category, SeparationWarning) for w in caught)
    firth = SigmoidNeuronClassifier(firth=True).fit(X, y)
    print()
    print(
        f"Firth's bias-reduced fit (firth=True) on all {len(y)} tumours, all 30 "
        "features (standardised):"
    )
    print(
        f"  maximum likelihood: {'SeparationWarning' if warned else 'no warning'}"
        f" -- separation_ lists {len(ml.separation_)} of the {len(names)} "
        f"coefficients (intercept included) as running off to +-inf; after "
        f"{ml.n_iter_[0]} Newton steps its largest |coef| is "
        f"{np.abs(ml.coef_).max():.2g}."
    )

    def with_intercept(values, intercept):
        return dict(zip(names, np.append(values[0], intercept[0]), strict=True))

    coef = with_intercept(firth.coef_, firth.intercept_)
    se = with_intercept(firth.coef_se_, firth.intercept_se_)
    ml_coef = with_intercept(ml.coef_, ml.intercept_)
    # conf_int names the coefficients x0, x1 ... (X is an array), in this order
    wald = dict(zip(names, firth.conf_int(0.95).values(), strict=True))
    rows = [
        (name, coef[name], se[name], *wald[name], ml_coef[name]) for name in FIRTH_SHOWN
    ]
    header = (
        "coefficient",
        "Firth",
        "std_err",
        "95% lower",
        "95% upper",
        "ML (runs off)",
    )
    table(rows, header, floatfmt="{:.3g}")
    print(
        f"  Firth: {firth.n_iter_[0]} Newton steps, penalised log-likelihood "
        f"{firth.penalized_log_likelihood_:.3f}; finite estimates and (Wald) "
        "intervals where maximum likelihood has none."
    )


def _coefficient_table(X_train, y_train, names):
    features = slice(0, 10)
    neuron = SigmoidNeuronClassifier().fit(X_train[:, features], y_train)
    print()
    print("Maximum likelihood on the 10 'mean' features (no separation there):")
    rows = []
    labels = names[features] + ["intercept"]
    coef = np.append(neuron.coef_[0], neuron.intercept_[0])
    se = np.append(neuron.coef_se_[0], neuron.intercept_se_[0])
    from scipy.stats import norm

    for label, b, s in zip(labels, coef, se, strict=True):
        rows.append((label, b, s, b / s, 2 * norm.sf(abs(b / s))))
    table(rows, ("feature", "coef", "std_err", "z", "p_value"), floatfmt="{:.4g}")
    print(
        f"  log-likelihood {neuron.log_likelihood_:.3f}, AIC {neuron.aic_:.2f}, "
        f"BIC {neuron.bic_:.2f}, McFadden pseudo-R2 {neuron.pseudo_r2_:.3f}"
        "  (summary() returns this as a pandas DataFrame)"
    )
    return neuron


def _gradient_descent_vs_newton(X_train, y_train):
    X = X_train[:, :10]
    newton = SigmoidNeuronClassifier().fit(X, y_train)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        gd = SigmoidNeuronClassifier(
            solver="gd", learning_rate=1.0, max_iter=2000, tol=0
        ).fit(X, y_train)
    optimum = newton.loss_curve_[-1]
    print()
    print("The neural way vs the statistical way (same neuron, same data):")
    rows = [
        (f"gd, {k} iterations", gd.loss_curve_[k] - optimum)
        for k in (10, 100, 1000, 2000)
    ]
    rows.append((f"newton, {newton.n_iter_[0]} iterations", 0.0))
    table(rows, ("solver", "loss - optimum"), floatfmt="{:.3e}")
    return newton, gd


def _plot(plots_dir, newton, gd, X_train, y_train, names):
    import matplotlib.pyplot as plt

    fig, (ax_curve, ax_fit) = plt.subplots(1, 2, figsize=(10, 4))
    optimum = newton.loss_curve_[-1]
    ax_curve.semilogy(
        np.array(gd.loss_curve_) - optimum + 1e-16, label="gradient descent"
    )
    ax_curve.semilogy(
        np.array(newton.loss_curve_) - optimum + 1e-16, "o-", label="Newton"
    )
    ax_curve.set(xlabel="iteration + 1", ylabel="loss - optimum", title="Convergence")
    ax_curve.legend()
    j = 7  # mean concave points: the strongest single predictor
    one = SigmoidNeuronClassifier().fit(X_train[:, [j]], y_train)
    grid = np.linspace(X_train[:, j].min(), X_train[:, j].max(), 200)[:, None]
    jitter = np.random.default_rng(0).uniform(-0.03, 0.03, len(y_train))
    ax_fit.scatter(X_train[:, j], y_train + jitter, s=8, alpha=0.4, label="data")
    ax_fit.plot(grid, one.predict_proba(grid)[:, 1], "k", label="g(b0 + b1 x)")
    ax_fit.set(
        xlabel=f"{names[j]} (standardised)",
        ylabel="p(benign)",
        title="One feature, one neuron",
    )
    ax_fit.legend()
    save_figure(fig, plots_dir, "neuron")


def run(plots_dir=None):
    """Fit the neuron on the breast-cancer data and print what it shows."""
    X_train, X_test, y_train, y_test, names = _breast_cancer()
    _compare_with_sklearn(X_train, X_test, y_train, y_test)
    _show_separation(X_train, y_train)
    _firth_where_ml_fails()
    _coefficient_table(X_train, y_train, names)
    newton, gd = _gradient_descent_vs_newton(X_train, y_train)
    if plots_dir is not None:
        _plot(plots_dir, newton, gd, X_train, y_train, names)

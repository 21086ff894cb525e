# ruff: noqa: E402 (the BLAS thread count is set before numpy is imported)
"""Benchmark of SigmoidNeuronClassifier against scikit-learn, statsmodels, firthmodels.

The solver is ``"newton"`` throughout (the default).

Not a timed test: run it by hand and read the table::

    python benchmarks/bench_neuron.py               # BLAS/OpenMP at 1 thread
    python benchmarks/bench_neuron.py --threads 2   # BLAS/OpenMP at 2 threads
    python benchmarks/bench_neuron.py --repeats 5
    python benchmarks/bench_neuron.py --clock cpu   # on a busy machine
    python benchmarks/bench_neuron.py --part 5      # one part (repeatable)

BLAS and OpenMP run one thread: the script sets ``OPENBLAS_NUM_THREADS``,
``OMP_NUM_THREADS`` and ``MKL_NUM_THREADS`` to 1 before numpy is imported
(unless they are already set in the environment), for fair and stable timings
on a loaded machine; ``--threads N`` changes that through threadpoolctl.

Data of parts 1-4: ``make_classification(n_samples=200_000, n_features=50,
random_state=0)``. Everything runs in one process; each timing of parts 1-4
is the median of ``--repeats`` runs.

1. Fit time and training log-loss of ``SigmoidNeuronClassifier(solver="newton")``
   (unpenalised) against ``LogisticRegression(C=np.inf)`` with ``lbfgs``
   (``max_iter=10_000``, enough to converge) and ``newton-cholesky``; the ratio
   ours / theirs and |Delta log-loss| (target: <= 1.0x the faster scikit-learn
   solver at |Delta log-loss| <= 1e-8).
2. The cost of inference, ``summary()``, relative to one Newton step (target:
   <= 1x).
3. If statsmodels is installed: ours (fit + ``summary()``) against
   ``statsmodels`` ``Logit(...).fit()`` + ``.summary()`` (target: <= 0.2x).
4. Big sparse data (issue 13): ``scipy.sparse.random(50_000, 1000,
   density=1e-3, format="csr", random_state=0)`` with random labels, newton
   against our lbfgs and scikit-learn's: newton must end at the optimum (at or
   below lbfgs's log-loss) in at most 3x our lbfgs's time.
5. Inference on small data, as firthmodels' own benchmark table: its data
   (n = 1,000, ~20% events, k = 5, 10, 20, 50 standard normal features,
   coefficients ~ N(0, 0.01/k), intercept logit(0.2), seed 42_000 + k).
   (a) The fit with Wald errors: ``SigmoidNeuronClassifier(firth=True).fit``
   against ``firthmodels.FirthLogisticRegression().fit`` (its defaults,
   gtol = xtol = 1e-4); (b) the fit, the LR test of every coefficient and
   profile-likelihood intervals: ``fit`` then ``summary(ci="profile",
   lrt=True)`` against ``fit``, ``.lrt()`` and ``.conf_int(method="pl")``
   (its defaults, tol = 1e-4). Target: both <= 0.5x firthmodels. Agreement
   with firthmodels run again at tight tolerances (gtol = xtol = 1e-8 and
   ``conf_int(tol=1e-8)``, max_iter=100; 1e-9 already makes some of its LR
   fits fail to converge), expected ~1e-6 or better: max |coefficient
   difference|, max relative difference of the profile endpoints and of the
   LR p-values; the same against its default tolerances in a line below.
   Then ordinary maximum likelihood with Wald errors (``SigmoidNeuronClassifier().fit``)
   against statsmodels ``Logit(...).fit(disp=0)`` with ``.bse`` (max
   |coefficient difference|, max relative SE difference), and our
   ``summary(ci="profile", lrt=True)`` of the ML fit, which statsmodels does
   not have, checked against firthmodels with ``penalty_weight=0`` (maximum
   likelihood) at the tight tolerances. CPU time (``time.process_time``,
   whatever ``--clock``), best of max(``--repeats``, 5) interleaved rounds
   (each round runs every contender once), after one untimed run of each.
   firthmodels and statsmodels are optional: their columns are skipped, with
   a note, when they are not installed. Last, the floor under (a): our
   estimator's input and parameter validation alone (scikit-learn's
   validate_data, targets, classes, weights), one evaluation of a Firth
   iteration at its leanest in numpy (penalised log-likelihood, modified
   score, Cholesky factor), and the floor of firthmodels' own algorithm =
   validation + as many such evaluations as firthmodels makes (counted), in
   (a) and in (b), as multiples of firthmodels' times: above 0.5x, the
   target needs an algorithm with fewer evaluations than firthmodels', not a
   faster implementation of it.

make_classification's default data has ``n_redundant=2`` features that are exact
linear combinations of the informative ones, so X has rank 48 < 50 and the
Hessian is singular. Our Newton solver takes pseudo-inverse steps (the fitted
probabilities are unique); scikit-learn's newton-cholesky falls back to lbfgs
with a warning, and statsmodels' Newton does not converge on it. The warnings
are suppressed here and reported in a note. The statsmodels comparison (part 3)
therefore uses the same data with the redundant columns dropped (full rank),
where both fit the same identifiable model and produce finite standard errors.
"""

import os

for _variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")

import argparse
import contextlib
import time
import warnings

import numpy as np
from scipy import linalg
from sklearn.base import _fit_context
from sklearn.datasets import make_classification
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import LabelEncoder
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import _check_sample_weight, validate_data
from threadpoolctl import threadpool_info, threadpool_limits

from sksigmoid import SigmoidNeuronClassifier
from sksigmoid.neuron import _NeuronObjective, solve_newton_system

# Wall time by default; ``--clock cpu`` uses the process's CPU time, which on
# a machine shared with other jobs measures the work rather than the waiting
# (meaningful with ``--threads 1``; with more threads it adds up all threads,
# spin-waiting included).
CLOCK = {"wall": time.perf_counter, "cpu": time.process_time}
clock = CLOCK["wall"]


def median_time(fit, repeats):
    """Median time of ``fit()`` over ``repeats`` runs, and its last result."""
    times, result = [], None
    for _ in range(repeats):
        start = clock()
        result = fit()
        times.append(clock() - start)
    return float(np.median(times)), result


def mean_log_loss(y, z):
    """Training log-loss from logits, computed the same way for every model."""
    z = np.asarray(z, dtype=np.float64)
    return float(np.mean(np.logaddexp(0, z) - y * z))


def caught(record):
    """Distinct (category, first words) of the recorded warnings."""
    return sorted({f"{w.category.__name__}: {str(w.message)[:70]}" for w in record})


def newton_step_time(X, y, coef, intercept, repeats):
    """Median time of one iteration of our Newton loop, timed directly.

    Timing ``fit(max_iter=1)`` minus set-up mixes in input validation, the
    separation check and the inference, each of which is as large as the step
    itself, so the loop body of ``SigmoidNeuronClassifier._newton`` is timed
    instead: logits, gradient, Hessian, the (pseudo-inverse) solve, the change
    of the logits along the step and the loss at the full step (the line search
    accepts the full step near the optimum).
    """
    objective = _NeuronObjective(
        X, y, np.ones(len(y)), alpha=0.0, l1_ratio=0.0, fit_intercept=True
    )
    w = np.append(coef, intercept)

    def one_step():
        z = objective.logits(w)
        grad = objective.gradient(w, z)
        step = solve_newton_system(objective.hessian(z), grad)
        dz = objective.direction_logits(step)
        return objective.loss(w - step, z - dz)

    return median_time(one_step, repeats)[0], objective, w


def inference_time(clf, objective, w, repeats):
    """Median time of the inference: the fit-time Fisher information and its
    (pseudo-)inverse (``_compute_inference``), plus building ``summary()``.

    ``summary()`` alone only formats precomputed standard errors; the work of
    inference is done at the end of ``fit``, so both are counted.
    """

    def infer():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            clf._compute_inference(objective, w, separated=False)
        return clf.summary()

    total = median_time(infer, repeats)[0]
    summary_only = median_time(clf.summary, repeats)[0]
    return total, summary_only


def full_rank_columns(X):
    """Indices of a maximal set of linearly independent columns (pivoted QR)."""
    _, R, pivots = linalg.qr(X, mode="economic", pivoting=True)
    diag = np.abs(np.diag(R))
    rank = int(np.sum(diag > diag[0] * max(X.shape) * np.finfo(float).eps))
    return np.sort(pivots[:rank])


def part_sklearn(X, y, repeats, notes):
    print("\n1. Fit: SigmoidNeuronClassifier(solver='newton') vs LogisticRegression")
    results = {}
    models = {
        "ours (newton)": lambda: SigmoidNeuronClassifier(solver="newton"),
        "sklearn lbfgs": lambda: LogisticRegression(
            C=np.inf, solver="lbfgs", max_iter=10_000
        ),
        "sklearn newton-cholesky": lambda: LogisticRegression(
            C=np.inf, solver="newton-cholesky", max_iter=10_000
        ),
    }
    for name, make in models.items():
        with warnings.catch_warnings(record=True) as record:
            warnings.simplefilter("always")
            seconds, model = median_time(lambda make=make: make().fit(X, y), repeats)
        loss = mean_log_loss(y, model.decision_function(X))
        results[name] = (seconds, loss, model)
        for message in caught(record):
            notes.append(f"{name}: {message}")

    ours_time, ours_loss, ours = results["ours (newton)"]
    print(f"   {'model':<26}{'time [s]':>10}{'n_iter':>8}{'log-loss':>22}")
    for name, (seconds, loss, model) in results.items():
        n_iter = int(np.max(model.n_iter_))
        print(f"   {name:<26}{seconds:>10.3f}{n_iter:>8}{loss:>22.15f}")
    print(f"   {'ours vs':<26}{'time ratio':>12}{'|Delta log-loss|':>20}")
    for name in ("sklearn lbfgs", "sklearn newton-cholesky"):
        seconds, loss, _ = results[name]
        print(
            f"   {name:<26}{ours_time / seconds:>11.2f}x{abs(ours_loss - loss):>20.2e}"
        )
    fastest = min(
        ("sklearn lbfgs", "sklearn newton-cholesky"), key=lambda k: results[k][0]
    )
    ratio = ours_time / results[fastest][0]
    delta = abs(ours_loss - results[fastest][1])
    print(
        f"   target: <= 1.0x the faster ({fastest}) at |Delta| <= 1e-8 -> "
        f"{ratio:.2f}x, |Delta| = {delta:.1e}: "
        f"{'met' if ratio <= 1.0 and delta <= 1e-8 else 'NOT met'}"
    )
    z = ours.decision_function(X)
    notes.append(
        f"ours: max|logit| = {np.max(np.abs(z)):.1f} (the separation linear "
        f"programme runs only above 37), separated_ = {ours.separated_}"
    )
    return ours, ours_time


def part_summary(X, y, ours, repeats):
    print("\n2. Cost of summary() relative to one Newton step")
    step, objective, w = newton_step_time(
        X, y.astype(np.float64), ours.coef_[0], ours.intercept_[0], repeats
    )
    total, summary_only = inference_time(ours, objective, w, repeats)
    ratio = total / step
    print(f"   one Newton step (timed directly)      {step:8.3f} s")
    print(
        f"   inference at fit end + summary()      {total:8.3f} s  = {ratio:.2f} step"
    )
    print(f"   summary() alone (formats the table)   {summary_only:8.4f} s")
    print(
        f"   target: <= 1 Newton step -> {total / step:.2f}: "
        f"{'met' if total <= step else 'NOT met'}"
    )


def part_statsmodels(X, y, repeats, notes):
    try:
        import statsmodels.api as sm
    except ImportError:
        print("\n3. statsmodels is not installed: comparison skipped.")
        return
    keep = full_rank_columns(X)
    Xf = np.ascontiguousarray(X[:, keep])
    print(
        f"\n3. Fit + summary() vs statsmodels Logit(...).fit() + .summary() on the "
        f"{Xf.shape[1]} linearly independent columns"
    )

    def ours():
        clf = SigmoidNeuronClassifier(solver="newton").fit(Xf, y)
        return clf, clf.summary()

    def theirs():
        result = sm.Logit(y, sm.add_constant(Xf)).fit(disp=0)
        result.summary()
        return result

    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        ours_time, (clf, frame) = median_time(ours, repeats)
        sm_time, result = median_time(theirs, repeats)
    for message in caught(record):
        notes.append(f"part 3: {message}")
    ours_se = frame["std_err"].to_numpy()
    sm_se = np.roll(np.asarray(result.bse), -1)  # statsmodels puts const first
    se_diff = np.max(np.abs(ours_se - sm_se) / sm_se)
    print(f"   ours (newton) + summary()        {ours_time:8.3f} s")
    print(f"   statsmodels Logit + summary()    {sm_time:8.3f} s")
    print(
        f"   ratio {ours_time / sm_time:.2f}x (target <= 0.2x: "
        f"{'met' if ours_time <= 0.2 * sm_time else 'NOT met'}); "
        f"|Delta log-lik| = {abs(clf.log_likelihood_ - result.llf):.1e}, "
        f"max relative SE difference = {se_diff:.1e}"
    )


def part_sparse(repeats, notes):
    import scipy.sparse as sp

    X = sp.random(50_000, 1000, density=1e-3, format="csr", random_state=0)
    y = np.random.default_rng(0).integers(0, 2, 50_000)
    print(
        "\n4. Big sparse data: sparse.random(50_000, 1000, density=1e-3), random labels"
    )
    models = {
        "ours (newton)": lambda: SigmoidNeuronClassifier(solver="newton"),
        "ours (lbfgs)": lambda: SigmoidNeuronClassifier(solver="lbfgs"),
        "sklearn lbfgs": lambda: LogisticRegression(C=np.inf, max_iter=10_000),
    }
    results = {}
    for name, make in models.items():
        with warnings.catch_warnings(record=True) as record:
            warnings.simplefilter("always")
            seconds, model = median_time(lambda make=make: make().fit(X, y), repeats)
        results[name] = (seconds, mean_log_loss(y, model.decision_function(X)))
        for message in caught(record):
            notes.append(f"part 4, {name}: {message}")
    print(f"   {'model':<26}{'time [s]':>10}{'log-loss':>22}")
    for name, (seconds, loss) in results.items():
        print(f"   {name:<26}{seconds:>10.3f}{loss:>22.15f}")
    (newton, newton_loss), (lbfgs, lbfgs_loss) = (
        results["ours (newton)"],
        results["ours (lbfgs)"],
    )
    ratio = newton / lbfgs
    met = ratio <= 3.0 and newton_loss <= lbfgs_loss + 1e-12
    print(
        f"   target: newton <= 3x our lbfgs at a log-loss <= lbfgs's -> "
        f"{ratio:.2f}x, {newton_loss - lbfgs_loss:+.1e}: {'met' if met else 'NOT met'}"
    )


# Part 5: firthmodels' benchmark design (benchmarks/benchmark_logistic.py there)
FIRTH_KS = (5, 10, 20, 50)
FIRTH_N = 1000
FIRTH_EVENT_RATE = 0.2
TIGHT_TOL = 1e-8  # firthmodels' gtol = xtol and conf_int(tol=) of the agreement runs


def firth_data(k):
    """firthmodels' benchmark data: ``n`` standard normal features, small
    coefficients ``N(0, 0.01/k)`` (the linear predictor's variance ~0.01
    whatever k) and the intercept ``logit(0.2)``: ~20% events."""
    rng = np.random.default_rng(42_000 + k)
    X = rng.standard_normal((FIRTH_N, k))
    beta = rng.normal(0.0, 0.1 / np.sqrt(k), size=k)
    logit = np.log(FIRTH_EVENT_RATE / (1 - FIRTH_EVENT_RATE)) + X @ beta
    y = rng.binomial(1, 1.0 / (1.0 + np.exp(-logit)))
    return X, y


def best_cpu_times(contenders, rounds):
    """Best CPU time of each contender over ``rounds`` interleaved rounds,
    after one untimed run of each, and each one's last result."""
    results = {name: run() for name, run in contenders.items()}
    best = dict.fromkeys(contenders, np.inf)
    for _ in range(rounds):
        for name, run in contenders.items():
            start = time.process_time()
            results[name] = run()
            best[name] = min(best[name], time.process_time() - start)
    return best, results


def max_relative(ours, theirs):
    """max |ours - theirs| / |theirs| over the entries both have (firthmodels
    leaves NaN where a constrained fit failed)."""
    ours, theirs = np.asarray(ours, dtype=float), np.asarray(theirs, dtype=float)
    keep = np.isfinite(ours) & np.isfinite(theirs)
    if not keep.any():
        return np.nan
    return float(np.max(np.abs(ours[keep] - theirs[keep]) / np.abs(theirs[keep])))


def profile_workflow(firth):
    """Ours: the fit, then the table with profile intervals and LR tests."""

    def run(X, y):
        clf = SigmoidNeuronClassifier(firth=firth).fit(X, y)
        return clf, clf.summary(ci="profile", lrt=True)

    return run


def firthmodels_workflow(FirthLogisticRegression, tol=None, **params):
    """firthmodels: fit, ``lrt()``, ``conf_int(method="pl")`` (at its
    defaults, or with every tolerance at ``tol``)."""
    if tol is not None:
        params.update(gtol=tol, xtol=tol, max_iter=100)
    ci_params = {} if tol is None else {"tol": tol, "max_iter": 100}

    def run(X, y):
        model = FirthLogisticRegression(**params).fit(X, y)
        model.lrt()
        return model, model.conf_int(method="pl", **ci_params)

    return run


def agreement(clf, frame, model, intervals):
    """max |Delta coef| (intercept included), max relative difference of the
    profile endpoints and of the LR p-values: ours against firthmodels'."""
    theirs = np.append(model.coef_, model.intercept_)
    ours = np.append(clf.coef_[0], clf.intercept_[0])
    return (
        float(np.max(np.abs(ours - theirs))),
        max_relative(frame[["ci_lower", "ci_upper"]].to_numpy(), intervals),
        max_relative(frame["lr_p_value"].to_numpy(), model.lrt_pvalues_),
    )


class _ValidationOnly(SigmoidNeuronClassifier):
    """Our estimator's fit with nothing but its input and parameter
    validation: what any scikit-learn estimator must do before a fit."""

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, sample_weight=None):
        X, y = validate_data(self, X, y, dtype=np.float64, order="C")
        check_classification_targets(y)
        self.classes_ = LabelEncoder().fit(y).classes_
        _check_sample_weight(sample_weight, X)
        return self


def lean_firth_evaluation(X, y):
    """One evaluation of a Firth Newton iteration at its leanest in numpy:
    the penalised log-likelihood, the modified score and the Cholesky factor
    of the information (logistf's and firthmodels' per-iteration work)."""
    from scipy.linalg.blas import dsyrk
    from scipy.linalg.lapack import dpotrf, dtrtrs

    XT = np.ascontiguousarray(np.column_stack([X, np.ones(len(y))]).T)
    b = np.full(XT.shape[0], 0.01)

    def evaluate():
        eta = XT.T @ b
        e = np.exp(-np.abs(eta))
        p = np.where(eta >= 0, 1.0, e) / (1.0 + e)
        Xw = XT * np.sqrt(p * (1.0 - p))
        L, _ = dpotrf(dsyrk(1.0, Xw), lower=0)
        A, _ = dtrtrs(L, Xw, lower=0, trans=1)
        h = np.einsum("ij,ij->j", A, A)
        ll = y @ eta - np.sum(np.maximum(eta, 0.0) + np.log1p(e))
        ll += np.log(np.diag(L)).sum()
        return ll, XT @ (y - p + h * (0.5 - p))

    return evaluate


def firth_floor(k, fm_time, FirthLogisticRegression, rounds):
    """The floor under a Firth fit (a): our validation alone plus as many
    lean evaluations as firthmodels makes (its iterations + 1), and plus
    only two (a start and one step: no Newton method does with fewer)."""
    X, y = firth_data(k)
    evaluate = lean_firth_evaluation(X, y.astype(float))
    times, _ = best_cpu_times(
        {
            "validation": lambda: _ValidationOnly(firth=True).fit(X, y),
            "evaluation": lambda: [evaluate() for _ in range(20)],
        },
        max(rounds, 20),
    )
    validation, evaluation = times["validation"], times["evaluation"] / 20
    return validation, evaluation, *firthmodels_evaluations(X, y), fm_time


def firthmodels_evaluations(X, y):
    """How many times firthmodels evaluates its log-likelihood, score and
    information, in its fit (a) and in its fit, LR tests and profile
    intervals (b), at its defaults."""
    import firthmodels.logistic as module

    original, count = module.compute_logistic_quantities, [0]

    def counted(*args, **kwargs):
        count[0] += 1
        return original(*args, **kwargs)

    module.compute_logistic_quantities = counted
    try:
        model = module.FirthLogisticRegression().fit(X, y)
        fit = count[0]
        model.lrt()
        model.conf_int(method="pl")
    finally:
        module.compute_logistic_quantities = original
    return fit, count[0]


def fmt_ms(seconds):
    return "-" if seconds is None else f"{1e3 * seconds:.1f}"


def fmt_ratio(ours, theirs):
    return "-" if theirs is None else f"{ours / theirs:.2f}x"


def fmt_diff(value):
    return "-" if value is None else f"{value:.1e}"


def part_inference(repeats, notes):
    rounds = max(repeats, 5)
    try:
        from firthmodels import FirthLogisticRegression
    except ImportError:
        FirthLogisticRegression = None
        notes.append("part 5: firthmodels is not installed: its columns are skipped.")
    try:
        import statsmodels.api as sm
    except ImportError:
        sm = None
        notes.append("part 5: statsmodels is not installed: its columns are skipped.")
    print(
        f"\n5. Inference on firthmodels' benchmark data: n = {FIRTH_N:,}, "
        f"~{FIRTH_EVENT_RATE:.0%} events, k standard normal features; best CPU "
        f"time of {rounds} interleaved rounds [ms]"
    )
    print(
        "   (a) fit with Wald errors: SigmoidNeuronClassifier(firth=True).fit vs "
        "FirthLogisticRegression().fit\n"
        '   (b) fit + LR tests + profile intervals: summary(ci="profile", '
        'lrt=True) vs .lrt(), .conf_int(method="pl")\n'
        f"   agreement with firthmodels at tol {TIGHT_TOL:.0e} (its timings: "
        "default tol 1e-4); relative differences of the profile endpoints (CI) "
        "and LR p-values"
    )
    firth_header = ("k", "events", "ours(a)", "fm(a)", "ratio", "ours(b)", "fm(b)")
    firth_header += ("ratio", "|dcoef|", "CI rel", "LR-p rel")
    row_format = "   {:>3} {:>6} {:>8} {:>8} {:>6} {:>8} {:>8} {:>6} {:>9} {:>9} {:>9}"
    print(row_format.format(*firth_header))
    at_defaults, ratios, ml_rows, floors = [], {"a": [], "b": []}, [], []
    fm_b_times = {}
    for k in FIRTH_KS:
        X, y = firth_data(k)
        contenders = {
            "ours a": lambda X=X, y=y: SigmoidNeuronClassifier(firth=True).fit(X, y),
            "ours b": lambda X=X, y=y: profile_workflow(True)(X, y),
            "ours ml": lambda X=X, y=y: SigmoidNeuronClassifier().fit(X, y),
            "ours ml b": lambda X=X, y=y: profile_workflow(False)(X, y),
        }
        if FirthLogisticRegression is not None:
            fm_b = firthmodels_workflow(FirthLogisticRegression)
            contenders["fm a"] = lambda X=X, y=y: FirthLogisticRegression().fit(X, y)
            contenders["fm b"] = lambda X=X, y=y, fm_b=fm_b: fm_b(X, y)
        if sm is not None:

            def statsmodels_fit(X=X, y=y):
                result = sm.Logit(y, sm.add_constant(X)).fit(disp=0)
                result.bse  # noqa: B018 (statsmodels computes it on access)
                return result

            contenders["sm ml"] = statsmodels_fit
        with warnings.catch_warnings(record=True) as record:
            warnings.simplefilter("always")
            times, results = best_cpu_times(contenders, rounds)
            tight = fm_ml = None
            if FirthLogisticRegression is not None:
                tight = firthmodels_workflow(FirthLogisticRegression, TIGHT_TOL)(X, y)
                fm_ml = firthmodels_workflow(
                    FirthLogisticRegression, TIGHT_TOL, penalty_weight=0.0
                )(X, y)
        for message in caught(record):
            notes.append(f"part 5, k = {k}: {message}")

        clf, frame = results["ours b"]
        fm_a, fm_b, diffs = times.get("fm a"), times.get("fm b"), (None,) * 3
        if tight is not None:
            diffs = agreement(clf, frame, *tight)
            at_defaults.append(agreement(clf, frame, *results["fm b"]))
            ratios["a"].append(times["ours a"] / fm_a)
            ratios["b"].append(times["ours b"] / fm_b)
            floors.append((k, *firth_floor(k, fm_a, FirthLogisticRegression, rounds)))
            fm_b_times[k] = fm_b
        print(
            row_format.format(
                k,
                f"{y.mean():.1%}",
                fmt_ms(times["ours a"]),
                fmt_ms(fm_a),
                fmt_ratio(times["ours a"], fm_a),
                fmt_ms(times["ours b"]),
                fmt_ms(fm_b),
                fmt_ratio(times["ours b"], fm_b),
                *(fmt_diff(d) for d in diffs),
            )
        )
        ml_rows.append((k, times, results, fm_ml))

    if at_defaults:
        worst = np.nanmax(np.array(at_defaults), axis=0)
        print(
            "   against firthmodels at its default tolerances (1e-4), max over k: "
            f"|dcoef| {worst[0]:.1e}, CI rel {worst[1]:.1e}, LR-p rel {worst[2]:.1e}"
        )
        for part, values in ratios.items():
            print(
                f"   target ({part}) <= 0.5x firthmodels: worst {max(values):.2f}x: "
                f"{'met' if max(values) <= 0.5 else 'NOT met'}"
            )
        print(
            "\n   The floors, in ms: our input and parameter validation alone "
            "(valid.), one evaluation\n   of a Firth iteration at its leanest in "
            "numpy (eval.: penalised log-likelihood, modified\n   score, Cholesky "
            "factor), and how many firthmodels makes (n, in (a) and (b)); the\n"
            "   floor of the same algorithm = valid. + n eval., as a multiple of "
            "firthmodels' time"
        )
        floor_format = "   {:>3} {:>7} {:>7} {:>5} {:>8} {:>7} {:>5} {:>8} {:>8}"
        print(
            floor_format.format(
                "k",
                "valid.",
                "eval.",
                "n(a)",
                "fm(a)",
                "floor",
                "n(b)",
                "fm(b)",
                "floor",
            )
        )
        for k, validation, evaluation, n_a, n_b, fm_time in floors:
            fm_time_b = fm_b_times[k]
            print(
                floor_format.format(
                    k,
                    f"{1e3 * validation:.3f}",
                    f"{1e3 * evaluation:.3f}",
                    n_a,
                    fmt_ms(fm_time),
                    f"{(validation + n_a * evaluation) / fm_time:.2f}x",
                    n_b,
                    fmt_ms(fm_time_b),
                    f"{(validation + n_b * evaluation) / fm_time_b:.2f}x",
                )
            )

    print(
        "\n   Maximum likelihood: SigmoidNeuronClassifier().fit (Wald errors) vs "
        "statsmodels Logit(...).fit(disp=0) + .bse;\n"
        '   ours(b): fit + summary(ci="profile", lrt=True), checked against '
        f"firthmodels(penalty_weight=0) at tol {TIGHT_TOL:.0e}"
    )
    ml_format = "   {:>3} {:>8} {:>8} {:>6} {:>9} {:>9} {:>8} {:>9} {:>9}"
    ml_header = ("k", "ours", "sm", "ratio", "|dcoef|", "SE rel", "ours(b)")
    print(ml_format.format(*ml_header, "CI rel", "LR-p rel"))
    for k, times, results, fm_ml in ml_rows:
        sm_time, coef_diff, se_diff = times.get("sm ml"), None, None
        clf = results["ours ml"]
        if sm_time is not None:
            result = results["sm ml"]
            # statsmodels puts the constant first
            theirs = np.roll(np.asarray(result.params), -1)
            ours = np.append(clf.coef_[0], clf.intercept_[0])
            coef_diff = float(np.max(np.abs(ours - theirs)))
            ours_se = np.append(clf.coef_se_[0], clf.intercept_se_[0])
            se_diff = max_relative(ours_se, np.roll(np.asarray(result.bse), -1))
        ci_diff = p_diff = None
        if fm_ml is not None:
            _, ci_diff, p_diff = agreement(*results["ours ml b"], *fm_ml)
        print(
            ml_format.format(
                k,
                fmt_ms(times["ours ml"]),
                fmt_ms(sm_time),
                fmt_ratio(times["ours ml"], sm_time),
                fmt_diff(coef_diff),
                fmt_diff(se_diff),
                fmt_ms(times["ours ml b"]),
                fmt_diff(ci_diff),
                fmt_diff(p_diff),
            )
        )


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3, help="runs per timing (>=3)")
    parser.add_argument(
        "--threads", type=int, default=None, help="limit BLAS/OpenMP threads"
    )
    parser.add_argument(
        "--clock", choices=sorted(CLOCK), default="wall", help="wall or CPU time"
    )
    parser.add_argument(
        "--part",
        type=int,
        action="append",
        choices=(1, 2, 3, 4, 5),
        help="only this part (repeatable)",
    )
    args = parser.parse_args(argv)
    repeats = max(args.repeats, 3)
    parts = args.part or (1, 2, 3, 4, 5)
    global clock
    clock = CLOCK[args.clock]

    limit = (
        threadpool_limits(args.threads)
        if args.threads is not None
        else contextlib.nullcontext()
    )
    notes = []
    with limit:
        pools = sorted(
            {(p["internal_api"], p["num_threads"]) for p in threadpool_info()}
        )
        print(f"thread pools {pools}")
        if {1, 2, 3} & set(parts):
            X, y = make_classification(n_samples=200_000, n_features=50, random_state=0)
            print(
                "make_classification(n_samples=200_000, n_features=50, "
                f"random_state=0): X {X.shape}, rank {np.linalg.matrix_rank(X)}; "
                f"median {args.clock} time of {repeats} runs"
            )
        if 1 in parts:
            ours, _ = part_sklearn(X, y, repeats, notes)
        if 2 in parts:
            if 1 not in parts:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    ours = SigmoidNeuronClassifier(solver="newton").fit(X, y)
            part_summary(X, y, ours, repeats)
        if 3 in parts:
            part_statsmodels(X, y, repeats, notes)
        if 4 in parts:
            part_sparse(repeats, notes)
        if 5 in parts:
            part_inference(repeats, notes)

    print("\nNotes (warnings suppressed during the timed runs):")
    if {1, 2, 3} & set(parts):
        print(
            "   - X has exactly collinear (redundant) columns: the Hessian is "
            "singular. Ours takes pseudo-inverse Newton steps and reports infinite "
            "standard errors for the unidentifiable coefficients; sklearn's "
            "newton-cholesky falls back to lbfgs."
        )
    for note in notes:
        print(f"   - {note}")
    if not notes and not {1, 2, 3} & set(parts):
        print("   - none")


if __name__ == "__main__":
    main()

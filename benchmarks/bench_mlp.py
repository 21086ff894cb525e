"""DeepSigmoidMLP against scikit-learn's MLPClassifier and the matmul floor.

Data: ``make_classification(20_000, 64 features, 4 classes)`` as float32.
Network: 6 hidden layers of 128, adam, batch 200, 10 epochs, ``tol=0``, the
same L2 penalty (scikit-learn's ``alpha=1e-4`` is ours ``1e-4 / 200``, see
:mod:`sksigmoid.mlp`). For sigmoid and relu it prints the median fit time of
``--repeat`` runs of

* ``DeepSigmoidMLP`` with ``track_gradients=True`` (the default) and ``False``
  (the ratio of their fastest runs is the overhead of the gradient history,
  but on a shared machine its noise exceeds 5%, so the script also times the
  tracking code inside one fit);
* scikit-learn's ``MLPClassifier`` with identical settings;
* the "matmul floor": only the forward and backward matrix products of the
  same epochs in plain numpy, into preallocated buffers;
* the "numpy step": the whole training (products, activations, loss, L2,
  Adam) in the leanest plain numpy, with none of an estimator's work: what
  numpy itself allows for these epochs;
* PyTorch on CPU, if it happens to be installed;

then the training accuracies and the ratios (targets: <= 0.5x scikit-learn,
<= 1.5x the floor, tracking overhead < 5%), scikit-learn's own ratio to the
floor (no implementation of these products can be faster than the floor, so
0.5x scikit-learn is within reach only where scikit-learn takes >= 2x the
floor), and the numpy step's ratios to the floor and to scikit-learn (a
target the numpy step misses is out of reach of any implementation whose
element-wise work runs through numpy). Last, a budget table: what each target
leaves beyond the floor, against the element-wise parts of a training step
(activation and its derivative, bias add and gradient, loss, Adam, L2) each
timed alone in a tight loop, where its operands stay in cache: a lower bound
of what they cost inside a real step, where the loop's other arrays have
evicted them. Last, the training accuracies at equal settings over seeds 0-2
(issue 17), on its data (40 informative features, 2 clusters per class): each
library's mean and their difference (target: ours at least scikit-learn's,
within a point), and ours with ``alpha=1e-4``, the number scikit-learn is
given, which is 200x its penalty::

    python benchmarks/bench_mlp.py [--repeat 3] [--threads N] [--clock cpu]
                                   [--no-budget] [--no-accuracy]

``--threads`` limits the BLAS threads of every contender alike. ``--clock
cpu`` measures process CPU time instead of wall-clock time: with one BLAS
thread it is the fair measure on a machine shared with other work (it counts
neither waiting for a core nor other processes).
"""

import argparse
import time
import warnings
from contextlib import nullcontext

import numpy as np
from sklearn.datasets import make_classification
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPClassifier

from sksigmoid import DeepSigmoidMLP

N_SAMPLES, N_FEATURES, N_CLASSES = 20_000, 64, 4
HIDDEN = (128,) * 6
BATCH, EPOCHS, SKLEARN_ALPHA = 200, 10, 1e-4
SKLEARN_NAMES = {"sigmoid": "logistic", "relu": "relu"}


def make_data():
    X, y = make_classification(
        N_SAMPLES,
        N_FEATURES,
        n_informative=32,
        n_classes=N_CLASSES,
        random_state=0,
    )
    return X.astype(np.float32), y


def ours(activation, track_gradients, random_state=0, alpha=SKLEARN_ALPHA / BATCH):
    return DeepSigmoidMLP(
        HIDDEN,
        activation,
        solver="adam",
        alpha=alpha,
        batch_size=BATCH,
        learning_rate_init=1e-3,
        max_iter=EPOCHS,
        tol=0.0,
        random_state=random_state,
        track_gradients=track_gradients,
    )


def sklearns(activation, random_state=0):
    return MLPClassifier(
        HIDDEN,
        activation=SKLEARN_NAMES[activation],
        solver="adam",
        alpha=SKLEARN_ALPHA,
        batch_size=BATCH,
        learning_rate_init=1e-3,
        max_iter=EPOCHS,
        tol=0.0,
        random_state=random_state,
    )


CLOCKS = {"wall": time.perf_counter, "cpu": time.process_time}


def timed_fit(estimator, X, y, clock):
    start = clock()
    estimator.fit(X, y)
    return clock() - start, estimator.score(X, y)


def matmul_floor(X, clock):
    """Time of the forward and backward matrix products alone, float32."""
    rng = np.random.default_rng(0)
    sizes = [N_FEATURES, *HIDDEN, N_CLASSES]
    Ws = [
        (rng.standard_normal((a, b)) / np.sqrt(a)).astype(np.float32)
        for a, b in zip(sizes[:-1], sizes[1:], strict=True)
    ]
    # float32 throughout: one float64 operand would turn every product into
    # a slower float64 one (numpy 2 keeps the float64 of np.sqrt's result)
    assert X.dtype == np.float32 and all(W.dtype == np.float32 for W in Ws)
    outs = [np.empty((BATCH, b), dtype=np.float32) for b in sizes[1:]]
    grads = [np.empty_like(W) for W in Ws]
    deltas = [np.empty((BATCH, b), dtype=np.float32) for b in sizes[1:]]
    start = clock()
    for _ in range(EPOCHS):
        for begin in range(0, N_SAMPLES, BATCH):
            A = X[begin : begin + BATCH]
            inputs = [A]
            for W, out in zip(Ws, outs, strict=True):
                inputs.append(np.matmul(inputs[-1], W, out=out))
            delta = inputs[-1]
            for layer in reversed(range(len(Ws))):
                np.matmul(inputs[layer].T, delta, out=grads[layer])
                if layer:
                    delta = np.matmul(delta, Ws[layer].T, out=deltas[layer - 1])
    return clock() - start, None


def numpy_step(activation, X, y, clock):
    """The same training in the leanest plain numpy we know: a floor for the
    whole step, not only its products.

    Adam, batch 200, softmax output, the same L2 term and loss record, one
    buffer per array, every element-wise operation in place, and nothing an
    estimator adds (validation, options, tracking, callbacks). The sigmoid is
    ``1 / (1 + exp(-(U + b)))`` with the bias folded into the negation (4
    passes and numpy's vectorised exp), its slope ``h (1 - h)``; relu is
    ``max(z, 0)`` and ``h > 0``. Returns the seconds and the training accuracy
    (so it is seen to train as well as the estimators do).
    """
    rng = np.random.default_rng(0)
    f32 = np.float32
    sizes = [N_FEATURES, *HIDDEN, N_CLASSES]
    fans = list(zip(sizes[:-1], sizes[1:], strict=True))
    n_weights = sum(a * b for a, b in fans)
    params = np.zeros(n_weights + sum(sizes[1:]), dtype=f32)
    grads, m, v, work = (np.zeros_like(params) for _ in range(4))
    starts = np.cumsum([0] + [a * b for a, b in fans] + sizes[1:])
    shapes = fans + [(b,) for b in sizes[1:]]
    blocks = list(zip(starts[:-1], starts[1:], shapes, strict=True))

    def layer_views(flat):  # (weight matrices, bias vectors) viewing into flat
        views = [flat[i:j].reshape(shape) for i, j, shape in blocks]
        return views[: len(fans)], views[len(fans) :]

    (Ws, bs), (gWs, gbs) = layer_views(params), layer_views(grads)
    for W in Ws:  # he_uniform for relu, glorot_uniform for sigmoid, as "auto"
        fan = W.shape[0] if activation == "relu" else sum(W.shape)
        W[...] = rng.uniform(-1, 1, W.shape) * np.sqrt(6 / fan)
    Y = np.eye(N_CLASSES, dtype=f32)[y]
    Xs, Ys = np.empty_like(X), np.empty_like(Y)
    Zs = [np.empty((BATCH, b), dtype=f32) for b in sizes[1:]]
    Hs = [np.empty((BATCH, b), dtype=f32) for b in HIDDEN]
    slopes = [np.empty((BATCH, b), dtype=f32) for b in HIDDEN]
    deltas = [np.empty((BATCH, b), dtype=f32) for b in sizes[1:]]
    ones, zeros = np.ones(BATCH, dtype=f32), np.zeros((BATCH, HIDDEN[0]), dtype=f32)
    alpha, b1, b2, eps = SKLEARN_ALPHA / BATCH, 0.9, 0.999, 1e-8
    root = np.sqrt(1 - b2)

    def forward(A):
        inputs = [A]
        for W, b, Z, H in zip(Ws, bs, Zs, Hs, strict=False):  # the hidden layers
            np.matmul(inputs[-1], W, out=Z)
            if activation == "sigmoid":
                np.subtract(-b, Z, out=H)
                with np.errstate(over="ignore"):
                    np.exp(H, out=H)
                H += 1
                np.reciprocal(H, out=H)
            else:
                Z += b
                np.maximum(Z, zeros, out=H)
            inputs.append(H)
        np.matmul(inputs[-1], Ws[-1], out=Zs[-1])
        Zs[-1] += bs[-1]
        return inputs

    start, t, losses = clock(), 0, []
    for _ in range(EPOCHS):
        order = rng.permutation(N_SAMPLES)
        np.take(X, order, axis=0, out=Xs)
        np.take(Y, order, axis=0, out=Ys)
        total = 0.0
        for begin in range(0, N_SAMPLES, BATCH):
            Yb = Ys[begin : begin + BATCH]
            inputs = forward(Xs[begin : begin + BATCH])
            logits, delta = Zs[-1], deltas[-1]
            logits -= logits.max(axis=1, keepdims=True)
            np.exp(logits, out=delta)
            sums = delta.sum(axis=1, keepdims=True)
            total += float(np.log(sums).sum() - np.einsum("ik,ik->", Yb, logits))
            delta /= sums
            delta -= Yb
            delta *= 1 / BATCH
            for layer in reversed(range(len(Ws))):
                np.matmul(inputs[layer].T, delta, out=gWs[layer])
                np.matmul(ones, delta, out=gbs[layer])
                if layer:
                    delta = np.matmul(delta, Ws[layer].T, out=deltas[layer - 1])
                    H, slope = Hs[layer - 1], slopes[layer - 1]
                    if activation == "sigmoid":
                        np.subtract(1, H, out=slope)
                        slope *= H
                    else:
                        np.greater(H, 0, out=slope)
                    delta *= slope
            grads[:n_weights] += np.multiply(
                params[:n_weights], alpha, out=work[:n_weights]
            )
            t += 1
            lr = 1e-3 * np.sqrt(1 - b2**t) / (1 - b1**t) * (1 - b1) / root
            m *= b1
            m += grads
            v *= b2
            v += np.multiply(grads, grads, out=work)
            np.sqrt(v, out=work)
            work += float(eps / root)
            np.divide(m, work, out=work)
            work *= float(lr)
            params -= work
        losses.append(total / N_SAMPLES)  # the estimators' loss_curve_
    seconds = clock() - start
    correct = 0
    for begin in range(0, N_SAMPLES, BATCH):
        forward(X[begin : begin + BATCH])
        correct += np.count_nonzero(Zs[-1].argmax(axis=1) == y[begin : begin + BATCH])
    return seconds, float(correct / N_SAMPLES)


def torch_fit(activation, X, y, clock):
    try:
        import torch
    except ImportError:
        return None
    torch.manual_seed(0)
    act = torch.nn.Sigmoid if activation == "sigmoid" else torch.nn.ReLU
    sizes = [N_FEATURES, *HIDDEN]
    layers = []
    for a, b in zip(sizes[:-1], sizes[1:], strict=True):
        layers += [torch.nn.Linear(a, b), act()]
    model = torch.nn.Sequential(*layers, torch.nn.Linear(HIDDEN[-1], N_CLASSES))
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    Xt, yt = torch.from_numpy(X), torch.from_numpy(y.astype(np.int64))
    start = clock()
    for _ in range(EPOCHS):
        order = torch.randperm(N_SAMPLES)
        for begin in range(0, N_SAMPLES, BATCH):
            rows = order[begin : begin + BATCH]
            opt.zero_grad()
            torch.nn.functional.cross_entropy(model(Xt[rows]), yt[rows]).backward()
            opt.step()
    return clock() - start, None


def timed_tracking(activation, X, y, clock):
    """Share of a tracked fit spent computing the gradient history, timed inside.

    The saturation counts and the per-layer gradient norms are all that
    ``track_gradients=True`` adds; timing them inside one fit is immune to the
    machine's drift, which two separate fits are not.
    """
    from sksigmoid import _network, mlp

    spent = [0.0]

    def timed(function):
        def wrapper(*args, **kwargs):
            start = clock()
            try:
                return function(*args, **kwargs)
            finally:
                spent[0] += clock() - start

        return wrapper

    saved = _network.Network._saturated_fractions, mlp._gradient_norms
    _network.Network._saturated_fractions = timed(saved[0])
    mlp._gradient_norms = timed(saved[1])
    try:
        total = timed_fit(ours(activation, True), X, y, clock)[0]
    finally:
        _network.Network._saturated_fractions, mlp._gradient_norms = saved
    return spent[0] / (total - spent[0])


def parts_beyond_products(activation, repeat=200):
    """Seconds per fit of each element-wise part of a training step, alone.

    Each part runs on the benchmark's own shapes, with the library's own
    functions, ``repeat`` times in a tight loop (its operands stay in cache, so
    this is less than the part costs inside a real step); the fastest run
    times the number of mini-batches of a fit. Not counted: Python's own
    overhead, the gradient history, the loop's bookkeeping.
    """
    from sksigmoid._activations import ACTIVATIONS
    from sksigmoid._network import output_loss_and_delta
    from sksigmoid._optim import Adam

    rng = np.random.default_rng(0)
    f32 = np.float32
    act = ACTIVATIONS[activation]
    Z = rng.standard_normal((BATCH, HIDDEN[0]), dtype=f32)
    A, slope, delta = np.empty_like(Z), np.empty_like(Z), np.ones_like(Z)
    bias = np.zeros(HIDDEN[0], dtype=f32)
    ones = np.ones(BATCH, dtype=f32)
    logits = rng.standard_normal((BATCH, N_CLASSES), dtype=f32)
    Y = np.eye(N_CLASSES, dtype=f32)[rng.integers(0, N_CLASSES, BATCH)]
    sizes = [N_FEATURES, *HIDDEN, N_CLASSES]
    n_weights = sum(a * b for a, b in zip(sizes[:-1], sizes[1:], strict=True))
    n_params = n_weights + sum(sizes[1:])
    params, grads = np.zeros(n_params, dtype=f32), np.ones(n_params, dtype=f32)
    adam, work = Adam(), np.empty(n_weights, dtype=f32)
    n_hidden, n_layers = len(HIDDEN), len(HIDDEN) + 1

    def activations():  # forward f(Z), backward delta *= f'(Z), every hidden layer
        for _ in range(n_hidden):
            act.function(Z, A)
            delta[...] *= act.derivative(Z, A, slope)

    def biases():  # Z += b forward, ones @ delta for the bias gradient
        for _ in range(n_layers):
            Z[...] += bias
            np.matmul(ones, delta, out=bias)

    def l2():
        grads[:n_weights] += np.multiply(params[:n_weights], 1e-6, out=work)

    parts = {
        "activation forward + derivative": activations,
        "bias add + bias gradient": biases,
        "loss and output error": lambda: output_loss_and_delta(Y, logits.copy()),
        "adam step": lambda: adam.step([params], [grads]),
        "L2 term": l2,
    }
    n_batches = EPOCHS * N_SAMPLES // BATCH
    seconds = {}
    for name, part in parts.items():
        best = np.inf
        for _ in range(5):
            start = time.perf_counter()
            for _ in range(repeat):
                part()
            best = min(best, (time.perf_counter() - start) / repeat)
        seconds[name] = best * n_batches
    return seconds


def print_budgets(results, repeat=200):
    """What the targets leave for everything beyond the products, and what the
    element-wise parts alone take."""
    print(
        "\nBudgets: the time a target leaves beyond the matmul floor, against "
        "the element-wise\nparts of a training step alone (each in a tight loop, "
        "times the fit's 1000 mini-batches):"
    )
    for activation, (t, *_rest) in results.items():
        parts = parts_beyond_products(activation, repeat)
        total = sum(parts.values())
        print(f"  {activation}:")
        for name, seconds in parts.items():
            print(f"    {name:<34} {seconds:6.3f} s")
        print(f"    {'sum':<34} {total:6.3f} s")
        for target, budget in [
            ("0.5x sklearn", t["sklearn"] / 2 - t["floor"]),
            ("1.5x floor", t["floor"] / 2),
        ]:
            verdict = "fits" if total <= budget else "exceeds it"
            print(
                f"    {target} leaves {budget:6.3f} s beyond the floor: "
                f"the parts alone {verdict} ({total / budget:.2f}x)"
            )


def contenders(activation, X, y, clock):
    """Name -> function returning (seconds, training accuracy)."""
    return {
        "ours": lambda: timed_fit(ours(activation, True), X, y, clock),
        "no-track": lambda: timed_fit(ours(activation, False), X, y, clock),
        "sklearn": lambda: timed_fit(sklearns(activation), X, y, clock),
        "floor": lambda: matmul_floor(X, clock),
        "numpy": lambda: numpy_step(activation, X, y, clock),
        "torch": lambda: torch_fit(activation, X, y, clock),
    }


def medians(runs, repeat):
    """Median time, fastest time and last accuracy of each contender, run round-robin.

    Round-robin, so that a busy moment of the machine hits every contender.
    """
    times = {name: [] for name in runs}
    accuracy = {}
    for _ in range(repeat):
        for name, fn in runs.items():
            result = fn()
            if result is not None:
                times[name].append(result[0])
                accuracy[name] = result[1]
    median = {name: float(np.median(t)) if t else None for name, t in times.items()}
    fastest = {name: min(t) if t else None for name, t in times.items()}
    return median, fastest, accuracy


def thread_limit(threads):
    """A context limiting the BLAS threads to ``threads`` (None: no limit)."""
    if threads is None:
        return nullcontext()
    from threadpoolctl import threadpool_limits

    return threadpool_limits(threads)


def run(repeat=3, threads=None, clock="wall"):
    X, y = make_data()
    results = {}
    with thread_limit(threads), warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        for activation in ["sigmoid", "relu"]:
            runs = contenders(activation, X, y, CLOCKS[clock])
            tracking = timed_tracking(activation, X, y, CLOCKS[clock])
            results[activation] = (*medians(runs, repeat), tracking)
    print(
        f"make_classification({N_SAMPLES}, {N_FEATURES}, {N_CLASSES} classes) "
        f"float32; hidden {HIDDEN}; adam, batch {BATCH}, {EPOCHS} epochs, tol=0; "
        f"median of {repeat}; BLAS threads: {threads or 'default'}; "
        f"{clock} clock (seconds)"
    )
    print_table(
        [
            "ours",
            "no-track",
            "sklearn",
            "floor",
            "numpy",
            "torch",
            "acc ours",
            "acc skl",
            "acc numpy",
        ],
        {
            activation: [
                t["ours"],
                t["no-track"],
                t["sklearn"],
                t["floor"],
                t["numpy"],
                t["torch"],
                f"{acc['ours']:.4f}",
                f"{acc['sklearn']:.4f}",
                f"{acc['numpy']:.4f}",
            ]
            for activation, (t, _, acc, _) in results.items()
        },
    )
    print()
    print_table(
        [
            "/sklearn",
            "/floor",
            "track A/B",
            "timed in",
            "skl/floor",
            "numpy/floor",
            "numpy/skl",
            "ours/numpy",
        ],
        {
            activation: [
                f"{t['ours'] / t['sklearn']:.2f}x",
                f"{t['ours'] / t['floor']:.2f}x",
                f"{100 * (fastest['ours'] / fastest['no-track'] - 1):+.1f}%",
                f"{100 * tracking:.1f}%",
                f"{t['sklearn'] / t['floor']:.2f}x",
                f"{t['numpy'] / t['floor']:.2f}x",
                f"{t['numpy'] / t['sklearn']:.2f}x",
                f"{t['ours'] / t['numpy']:.2f}x",
            ]
            for activation, (t, fastest, _, tracking) in results.items()
        },
    )
    print(
        "/sklearn and /floor: ours (tracked) over scikit-learn and over the matmul "
        "floor (targets 0.5x, 1.5x).\n"
        "track A/B: fastest tracked fit over fastest untracked one (machine noise "
        "included);\ntimed in: time inside the tracking code over the rest of "
        "one tracked fit (target < 5%).\n"
        "numpy: the same training in the leanest plain numpy (numpy_step): the "
        "floor for any\nimplementation whose element-wise work runs through numpy. "
        "Where numpy/floor > 1.5x\nor numpy/skl > 0.5x, that target is out of "
        "numpy's reach on this machine."
    )
    return results


ACCURACY_SEEDS = (0, 1, 2)


def make_issue_data():
    """The data of issue 17: as :func:`make_data`, with 40 informative
    features and 2 clusters per class."""
    X, y = make_classification(
        N_SAMPLES,
        N_FEATURES,
        n_informative=40,
        n_classes=N_CLASSES,
        n_clusters_per_class=2,
        random_state=0,
    )
    return X.astype(np.float32), y


def training_accuracies(activation, X, y, seeds=ACCURACY_SEEDS):
    """Training accuracy per seed of ours and scikit-learn at equal settings.

    Equal settings: the benchmark's network, optimiser and epochs, the same L2
    penalty (ours ``alpha = 1e-4 / 200`` is scikit-learn's ``1e-4``), each
    library's own initialisation and shuffling, ``random_state=seed``. Also
    ours given scikit-learn's number, ``alpha=1e-4``: 200x the penalty.
    """
    fits = {
        "ours": lambda seed: ours(activation, False, seed),
        "sklearn": lambda seed: sklearns(activation, seed),
        "ours alpha=1e-4": lambda seed: ours(activation, False, seed, SKLEARN_ALPHA),
    }
    return {
        name: [make(seed).fit(X, y).score(X, y) for seed in seeds]
        for name, make in fits.items()
    }


def print_accuracies(threads=None, seeds=ACCURACY_SEEDS):
    """Each library's mean training accuracy over ``seeds`` and the difference."""
    X, y = make_issue_data()
    with thread_limit(threads), warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        results = {a: training_accuracies(a, X, y, seeds) for a in ["sigmoid", "relu"]}
    print(
        f"\nTraining accuracy at equal settings (issue 17): make_classification("
        f"{N_SAMPLES}, {N_FEATURES}, 40 informative,\n{N_CLASSES} classes, 2 "
        f"clusters per class) float32, the settings above, mean over seeds "
        f"{', '.join(map(str, seeds))}:"
    )
    print_table(
        ["ours", "sklearn", "ours-skl", "min ours-skl", "ours alpha=1e-4"],
        {
            activation: [
                f"{np.mean(acc['ours']):.4f}",
                f"{np.mean(acc['sklearn']):.4f}",
                f"{np.mean(acc['ours']) - np.mean(acc['sklearn']):+.4f}",
                f"{min(np.subtract(acc['ours'], acc['sklearn'])):+.4f}",
                f"{np.mean(acc['ours alpha=1e-4']):.4f}",
            ]
            for activation, acc in results.items()
        },
    )
    print(
        "ours-skl: difference of the means (target >= -0.01); min: of the "
        "seeds' differences.\nours alpha=1e-4: ours given scikit-learn's "
        "number, 200x its penalty (our alpha is not\ndivided by the batch size; "
        "see sksigmoid.mlp)."
    )
    return results


def print_table(columns, rows):
    """Print ``rows`` (activation -> cells; numbers in seconds, None as '-')."""
    widths = [max(len(c), 8) for c in columns]
    header = f"{'activation':>10} " + " ".join(
        f"{c:>{w}}" for c, w in zip(columns, widths, strict=True)
    )
    print(header)
    print("-" * len(header))
    for activation, cells in rows.items():
        text = [
            "-" if c is None else f"{c:.2f}" if isinstance(c, float) else c
            for c in cells
        ]
        print(
            f"{activation:>10} "
            + " ".join(f"{c:>{w}}" for c, w in zip(text, widths, strict=True))
        )


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--threads", type=int, default=None)
    parser.add_argument("--clock", choices=sorted(CLOCKS), default="wall")
    parser.add_argument(
        "--no-budget", action="store_true", help="skip the per-part budget table"
    )
    parser.add_argument(
        "--no-accuracy",
        action="store_true",
        help="skip the training accuracies at equal settings over seeds 0-2",
    )
    args = parser.parse_args(argv)
    results = run(args.repeat, args.threads, args.clock)
    if not args.no_budget:
        print_budgets(results)
    if not args.no_accuracy:
        print_accuracies(args.threads)


if __name__ == "__main__":
    main()

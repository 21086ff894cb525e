"""Optimisers written once for every estimator of sksigmoid.

Each first-order optimiser updates a list of parameter arrays in place from a
list of gradients of the same shapes::

    opt = make_optimizer("adam", learning_rate=1e-3)
    opt.step(params, grads)          # params[i] -= update(grads[i])

The neuron passes a one-element list (its weight vector), the MLP its
``coefs_ + intercepts_``. :func:`minimize_lbfgs` is the glue to scipy's
L-BFGS-B used by both, and :func:`soft_threshold` the proximal step of the
L1 penalty. :func:`training_divergence` is the one rule by which a training
run counts as diverged, and :class:`DivergenceError` what is raised when its
parameters or loss are no longer finite.
"""

import warnings

import numpy as np
from scipy.optimize import minimize
from sklearn.exceptions import ConvergenceWarning

__all__ = [
    "GradientDescent",
    "Momentum",
    "Adam",
    "OPTIMIZERS",
    "make_optimizer",
    "minimize_lbfgs",
    "soft_threshold",
    "LearningRateSchedule",
    "DivergenceError",
    "training_divergence",
]


class DivergenceError(ValueError, FloatingPointError):
    """The loss or the parameters of a training run are no longer finite.

    A :class:`ValueError`, as scikit-learn's MLP raises for non-finite
    weights, and a :class:`FloatingPointError`, as sksigmoid raised before.
    """


def training_divergence(curve, window, *, start=None, end=None):
    """Why a training run counts as diverged, or None if it does not.

    A run diverged if its loss ends above where it started (``end > start``;
    by default the first and last entries of ``curve``), or if the loss rose
    in each of the last ``window`` epochs (by more than its rounding error in
    total). Neither is convergence, whatever a stopping test on the lack of
    improvement says: a loss that rises every epoch never improves either.

    Parameters
    ----------
    curve : sequence of float
        The loss after each iteration or epoch, the start first if known.
    window : int
        Number of consecutive rises that make a rising trend
        (``n_iter_no_change``).
    start, end : float, default=None
        The loss at the start and at the end, if measured apart from ``curve``.

    Returns
    -------
    str or None
        A phrase for a warning, such as ``"rose from 0.693 to 25.1"``.
    """
    curve = np.asarray(curve, dtype=float)
    start = curve[0] if start is None and curve.size else start
    end = curve[-1] if end is None and curve.size else end
    if start is not None and end is not None and _above(end, start):
        return f"rose from {start:.4g} at the start to {end:.4g} at the end"
    if window >= 1 and curve.size > window:
        recent = curve[-window - 1 :]
        if np.all(np.diff(recent) > 0) and _above(recent[-1], recent[0]):
            return (
                f"rose in each of the last {window} epochs, from {recent[0]:.4g} "
                f"to {recent[-1]:.4g}"
            )
    return None


def _above(a, b):
    """Whether loss ``a`` exceeds ``b`` by more than the rounding error of a loss
    (non-finite ``a`` counts as above)."""
    return not a <= b + 16 * np.finfo(float).eps * abs(b)


class GradientDescent:
    r"""Plain (stochastic) gradient descent, :math:`W \leftarrow W - \alpha\,\partial L/\partial W`.

    Parameters
    ----------
    learning_rate : float, default=0.1
        Step size :math:`\alpha`; may be changed between steps by a schedule.
    """

    def __init__(self, learning_rate=0.1):
        self.learning_rate = learning_rate
        self._scratch = None

    def step(self, params, grads):
        """Update each array of ``params`` in place from ``grads``."""
        scratch = self._buffers(params)
        for param, grad, work in zip(params, grads, scratch, strict=True):
            param -= np.multiply(grad, self.learning_rate, out=work)

    def _buffers(self, params):
        """One preallocated array per parameter for the update's intermediate
        values: a step then allocates nothing (allocating arrays of this size
        costs more than the arithmetic)."""
        shapes = [(p.shape, p.dtype) for p in params]
        scratch = getattr(self, "_scratch", None)  # None in older pickles too
        if scratch is None or scratch[0] != shapes:
            self._scratch = (shapes, [np.empty_like(p) for p in params])
        return self._scratch[1]

    def __getstate__(self):
        # the scratch arrays hold nothing worth pickling
        return {**self.__dict__, "_scratch": None}


class Momentum(GradientDescent):
    r"""Gradient descent with heavy-ball or Nesterov momentum.

    .. math::
        v \leftarrow \mu v - \alpha g, \qquad
        W \leftarrow W + v \quad\text{(heavy ball)}, \qquad
        W \leftarrow W + \mu v - \alpha g \quad\text{(Nesterov)}

    (the Nesterov form of Sutskever et al. 2013, also used by scikit-learn).

    Parameters
    ----------
    learning_rate : float, default=0.1
    momentum : float, default=0.9
        :math:`\mu`, in [0, 1).
    nesterov : bool, default=False
    """

    def __init__(self, learning_rate=0.1, momentum=0.9, nesterov=False):
        super().__init__(learning_rate)
        self.momentum = momentum
        self.nesterov = nesterov
        self.velocities = None

    def step(self, params, grads):
        if self.velocities is None:
            self.velocities = [np.zeros_like(p) for p in params]
        mu, lr = self.momentum, self.learning_rate
        buffers = self._buffers(params)
        for param, grad, velocity, scaled in zip(
            params, grads, self.velocities, buffers, strict=True
        ):
            np.multiply(grad, lr, out=scaled)
            velocity *= mu
            velocity -= scaled
            if self.nesterov:
                param -= scaled
                param += np.multiply(velocity, mu, out=scaled)
            else:
                param += velocity


class Adam(GradientDescent):
    r"""Adam (Kingma & Ba 2015) with bias-corrected moment estimates.

    .. math::
        m \leftarrow \beta_1 m + (1-\beta_1) g,\quad
        v \leftarrow \beta_2 v + (1-\beta_2) g^2,\quad
        W \leftarrow W - \alpha \frac{\sqrt{1-\beta_2^t}}{1-\beta_1^t}
        \frac{m}{\sqrt{v} + \epsilon}

    The moments are kept divided by their weights, :math:`\tilde m = m/(1-\beta_1)`
    (:math:`\tilde m \leftarrow \beta_1\tilde m + g`) and :math:`\tilde v =
    v/(1-\beta_2)`, with the constants moved into the step: the same update
    in ten passes over the parameters instead of twelve.

    Parameters
    ----------
    learning_rate : float, default=1e-3
    beta_1, beta_2 : float, default=0.9, 0.999
    epsilon : float, default=1e-8
    """

    def __init__(self, learning_rate=1e-3, beta_1=0.9, beta_2=0.999, epsilon=1e-8):
        super().__init__(learning_rate)
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.t = 0
        self.ms = None  # m / (1 - beta_1), see the class docstring
        self.vs = None  # v / (1 - beta_2)
        self.scaled_moments = True

    def __setstate__(self, state):
        # pickles made before the moments were scaled hold m and v themselves
        if state.get("ms") is not None and not state.get("scaled_moments", False):
            b1, b2 = state["beta_1"], state["beta_2"]
            state["ms"] = [m / (1 - b1) for m in state["ms"]]
            state["vs"] = [v / (1 - b2) for v in state["vs"]]
        self.__dict__.update(state, scaled_moments=True)

    def step(self, params, grads):
        if self.ms is None:
            self.ms = [np.zeros_like(p) for p in params]
            self.vs = [np.zeros_like(p) for p in params]
        self.t += 1
        b1, b2 = self.beta_1, self.beta_2
        root = np.sqrt(1 - b2)
        # sqrt(v) + eps = root (sqrt(v~) + eps/root); m = (1 - b1) m~.
        # Python floats, so that float32 parameters are updated in float32
        epsilon = float(self.epsilon / root)
        lr = float(self.learning_rate * np.sqrt(1 - b2**self.t) / (1 - b1**self.t))
        lr *= float((1 - b1) / root)
        buffers = self._buffers(params)
        for param, grad, m, v, work in zip(
            params, grads, self.ms, self.vs, buffers, strict=True
        ):
            m *= b1
            m += grad
            v *= b2
            v += np.multiply(grad, grad, out=work)
            np.sqrt(v, out=work)
            work += epsilon
            np.divide(m, work, out=work)
            work *= lr
            param -= work


OPTIMIZERS = {
    "gd": GradientDescent,
    "sgd": GradientDescent,
    "momentum": Momentum,
    "nesterov": lambda **kw: Momentum(nesterov=True, **kw),
    "adam": Adam,
}


def make_optimizer(name, **kwargs):
    """Build the optimiser called ``name`` (a key of :data:`OPTIMIZERS`).

    ``kwargs`` are passed to its constructor (``learning_rate``, ``momentum``,
    ``beta_1`` ...).
    """
    try:
        factory = OPTIMIZERS[name]
    except KeyError:
        raise ValueError(
            f"Unknown optimiser {name!r}; valid ones are {sorted(OPTIMIZERS)}."
        ) from None
    return factory(**kwargs)


def soft_threshold(w, threshold):
    r"""Proximal operator of :math:`\tau\|w\|_1`, applied to ``w`` in place.

    :math:`w \leftarrow \mathrm{sign}(w)\max(|w| - \tau, 0)`.
    """
    np.copysign(np.maximum(np.abs(w) - threshold, 0), w, out=w)
    return w


def minimize_lbfgs(loss_and_grad, w0, *, max_iter, tol, callback=None, warn=True):
    """Minimise a smooth function with scipy's L-BFGS-B, the way scikit-learn does.

    Parameters
    ----------
    loss_and_grad : callable
        ``loss_and_grad(w) -> (loss, gradient)`` for a flat float64 ``w``.
    w0 : ndarray
        Starting point (flattened).
    max_iter : int
    tol : float
        Stops when the projected gradient's largest entry is below ``tol``.
    callback : callable, default=None
        Called as ``callback(w)`` after every iteration.
    warn : bool, default=True
        Issue a :class:`~sklearn.exceptions.ConvergenceWarning` on
        non-convergence; callers that word their own warning pass False.

    Returns
    -------
    w : ndarray of float64
    n_iter : int
    converged : bool
        A :class:`~sklearn.exceptions.ConvergenceWarning` is issued when False
        (and ``warn``).
    """
    result = minimize(
        loss_and_grad,
        np.asarray(w0, dtype=np.float64).ravel(),
        method="L-BFGS-B",
        jac=True,
        callback=callback,
        options={
            "maxiter": max_iter,
            "maxls": 50,
            "gtol": tol,
            "ftol": 64 * np.finfo(float).eps,
        },
    )
    converged = result.status == 0
    if warn and not converged and max_iter > 0:
        warnings.warn(
            f"L-BFGS did not converge within max_iter={max_iter} iterations "
            f"({result.message}); the best point found is kept. Increase "
            "max_iter or scale the data.",
            ConvergenceWarning,
        )
    return result.x, int(result.nit), converged


class LearningRateSchedule:
    r"""Step size of a first-order optimiser over training, as in scikit-learn's MLP.

    * ``"constant"``: :math:`\alpha_t = \alpha_0`;
    * ``"invscaling"``: :math:`\alpha_t = \alpha_0 / (t + 1)^{p}` with :math:`t`
      the number of samples seen;
    * ``"adaptive"``: :math:`\alpha_0` until the training loss (or validation
      score) stalls for ``n_iter_no_change`` epochs, then divided by 5 each
      time (:meth:`reduce`), until below 1e-6.

    Parameters
    ----------
    kind : {"constant", "invscaling", "adaptive"}
    learning_rate_init : float
    power_t : float, default=0.5
    """

    def __init__(self, kind, learning_rate_init, power_t=0.5):
        self.kind = kind
        self.learning_rate_init = float(learning_rate_init)
        self.power_t = float(power_t)
        self.current = self.learning_rate_init

    def rate(self, t):
        """The step size after ``t`` samples."""
        if self.kind == "invscaling":
            return self.learning_rate_init / (t + 1) ** self.power_t
        return self.current

    def reduce(self):
        """On a plateau: divide an adaptive rate by 5; return whether to keep training."""
        if self.kind != "adaptive" or self.current <= 1e-6:
            return False
        self.current /= 5
        return True

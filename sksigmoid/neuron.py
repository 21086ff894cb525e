"""Logistic regression as a single sigmoid neuron."""

import copy
import warnings
from numbers import Integral, Real

import numpy as np
import scipy.sparse as sp
from scipy import linalg, stats
from scipy.linalg import lapack
from scipy.special import logsumexp
from sklearn.base import BaseEstimator, ClassifierMixin, _fit_context
from sklearn.callback import CallbackSupportMixin
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model._base import LinearClassifierMixin
from sklearn.preprocessing import LabelEncoder
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.class_weight import compute_class_weight
from sklearn.utils.extmath import safe_sparse_dot
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import (
    _check_sample_weight,
    check_is_fitted,
    validate_data,
)

from ._logistic_inference import (
    COV_TYPES,
    LikelihoodRatioTest,
    _firth_information,
    average_marginal_effects,
    firth_penalty,
    firth_penalty_gradient,
    firth_penalty_hessian,
    log_likelihood,
    robust_covariance,
)
from ._network import affine_backward, affine_forward, output_delta
from ._numeric import (
    binary_log_loss,
    binary_log_losses_and_gradient,
    log_sigmoid,
    sigmoid,
)
from ._optim import (
    DivergenceError,
    make_optimizer,
    minimize_lbfgs,
    soft_threshold,
    training_divergence,
)
from ._profile_likelihood import drop_one_tests, profile_interval
from ._separation import (
    overlap_certified,
    receding_sides,
    separation_detected,
    separation_direction,
)
from .exceptions import SeparationWarning
from .utils._optional import import_pandas

__all__ = ["SigmoidNeuronClassifier", "likelihood_ratio_test"]

# Beyond this |logit| a fitted probability rounds to exactly 0 or 1 in float64,
# which a finite maximum-likelihood fit almost never produces; only then is the
# (linear-programming, O(n d) variables and constraints) separation test run.
_SEPARATION_SUSPECT_LOGIT = 37.0
# Up to this many entries of X the programme costs ~0.1 s and is always run, so
# that quasi-complete separation is found even when a solver stopped early.
_SEPARATION_ALWAYS_CHECKED_SIZE = 100_000
# With many more rows than this, Newton starts from a fit on about this many
# and steps with their Hessian (subsampled Newton).
_SUBSAMPLE_ROWS = 25_000
# Rows per block of the weighted Gram matrix (a few MB: stays in cache).
_GRAM_BLOCK_ROWS = 4096
# The fits on subsamples that start Newton on big data are penalised as if
# each feature had this many more rows at probability 1/2 (a ridge of the
# curvature of that many of its average non-zero rows): a subsample can
# separate a rare feature, seen in a few of its rows, whose unpenalised
# coefficient would run off to infinity, into a region where Newton's steps
# are useless; features seen in thousands of rows move by a fraction 1/1000.
_START_PSEUDO_ROWS = 1.0
# A Jacobi-scaled (unit-diagonal) Hessian whose estimated reciprocal condition
# number exceeds this is solved by Cholesky (~10x cheaper than the
# eigen-decomposition); closer to singular, the eigen-decomposition decides
# the rank with the cut-off of symmetric_eigen, n * eps, far below this.
_CHOLESKY_RCOND = 1e-10
# Subsampled Newton hands over to exact Newton once a step is not below this
# fraction of the previous one, or the line search has to shorten one: a
# subsample's Hessian that poor (rare features it barely sees) costs more
# iterations than it saves.
_SUBSAMPLED_CONTRACTION = 0.5
# A feature counts as unfitted at the start of lbfgs, gd or sgd when its
# standardised gradient fails the solver's stopping test by this factor.
_UNFITTED = 1e3


class _NeuronObjective:
    r"""Penalised mean log-loss of one sigmoid neuron and its derivatives.

    With :math:`w = (\beta, b)` (the intercept last, when fitted),
    :math:`z = X\beta + b` and weights :math:`s_i` normalised to sum to one,

    .. math::
        L(w) = \sum_i s_i [\log(1+e^{z_i}) - y_i z_i]
               + \alpha\,\tfrac{1-\rho}{2}\|\beta\|_2^2 + \alpha\rho\|\beta\|_1 .

    The smooth part's gradient is back-propagated by the shared network core
    (:func:`~sksigmoid._network.output_delta`, :func:`~sksigmoid._network.affine_backward`);
    the L1 part is handled by proximal steps, never differentiated.
    """

    def __init__(self, X, y, sample_weight, *, alpha, l1_ratio, fit_intercept):
        self.X = X
        self.y = y
        self.total_weight = float(sample_weight.sum())
        self.s = sample_weight / self.total_weight
        self.l2 = alpha * (1.0 - l1_ratio)
        self.l1 = alpha * l1_ratio
        self.fit_intercept = fit_intercept
        self.n_features = X.shape[1]
        # (w, value at w) that a solver left behind, to spare a pass over X
        self.logits_at = self.gradient_at = None
        self.hessian_at = None  # the exact Hessian

    @property
    def n_params(self):
        return self.n_features + int(self.fit_intercept)

    def split(self, w):
        """Coefficients (in the dtype of ``X``) and intercept of ``w``."""
        coef = w[: self.n_features].astype(self.X.dtype, copy=False)
        return coef, (w[-1] if self.fit_intercept else 0.0)

    def logits(self, w):
        """Logits :math:`z = X\beta + b` of ``w`` (the kept ones, if at ``w``)."""
        kept = _kept_at(self.logits_at, w)
        return self._affine(w) if kept is None else kept

    def _affine(self, w):
        coef, intercept = self.split(w)
        return affine_forward(self.X, coef, intercept).astype(np.float64, copy=False)

    def on_batch(self, rows):
        """The objective restricted to ``rows``, as an unbiased estimate of this one.

        A batch holds ``len(rows) / n`` of the samples on average, so its
        normalised weights are scaled up by ``n / len(rows)``.
        """
        batch = copy.copy(self)
        batch.logits_at = batch.gradient_at = batch.hessian_at = None
        batch.X, batch.y = self.X[rows], self.y[rows]
        batch.s = self.s[rows] * (self.X.shape[0] / len(rows))
        return batch

    def with_ridge(self, ridge):
        """This objective with ``ridge`` (per feature) added to its L2 penalty."""
        ridged = copy.copy(self)
        ridged.logits_at = ridged.gradient_at = ridged.hessian_at = None
        ridged.l2 = self.l2 + ridge
        return ridged

    def mean_squares(self):
        r"""Weighted mean square :math:`\sum_i s_i x_{ij}^2` of each feature."""
        X = self.X
        if sp.issparse(X):
            return np.asarray(X.multiply(X).T @ self.s, dtype=np.float64).ravel()
        return np.einsum("i,ij,ij->j", self.s, X, X, dtype=np.float64)

    def direction_logits(self, d):
        """Change of the logits along ``d``: ``X d_beta + d_b``."""
        return self._affine(d)

    def loss(self, w, z):
        """Smooth part of the objective at ``w`` with logits ``z``."""
        return binary_log_loss(self.y, z, self.s) + self._penalty(w)

    def _penalty(self, w):
        beta = w[: self.n_features]
        return 0.5 * self.l2 * beta @ beta

    def gradient(self, w, z):
        """Gradient of :meth:`loss` with respect to ``w`` (the kept one, if at ``w``)."""
        kept = _kept_at(self.gradient_at, w)
        if kept is not None:
            return kept
        return self._fresh_gradient(w, z)

    def _fresh_gradient(self, w, z):
        delta = output_delta(self.y, z, self.s)
        grad_coef, grad_b, _ = affine_backward(self.X, delta, need_input_grad=False)
        return self._penalised(w, grad_coef, grad_b)

    def _penalised(self, w, grad_coef, grad_b):
        """The gradient vector from the log-loss part's, with the L2 term added."""
        grad = np.empty(self.n_params)
        grad[: self.n_features] = grad_coef + self.l2 * w[: self.n_features]
        if self.fit_intercept:
            grad[-1] = grad_b
        return grad

    def full_step(self, w, z, d):
        """:meth:`direction_logits` of ``d``, and the loss and gradient at ``w - d``.

        The loss and gradient at the full step, which the line search takes
        near the optimum, are computed ahead of the search in the same pass
        over ``X``: each block of rows is read from memory once, for both
        products (a pass over a large ``X`` costs more than the arithmetic).
        Sparse ``X`` gets ``None`` for both.

        Returns
        -------
        dz, loss, gradient
        """
        if sp.issparse(self.X):
            return self.direction_logits(d), None, None
        coef, intercept = self.split(d)
        dz = np.empty_like(z)
        grad_coef, grad_b, total = np.zeros(self.n_features), 0.0, 0.0
        # a subsample's weights need not sum to one: those of its mean loss do
        mean_weights = self.s / self.s.sum()
        for start in range(0, self.X.shape[0], _GRAM_BLOCK_ROWS):
            rows = slice(start, start + _GRAM_BLOCK_ROWS)
            block, s = self.X[rows], mean_weights[rows]
            dz[rows] = affine_forward(block, coef, intercept)
            losses, delta = binary_log_losses_and_gradient(
                self.y[rows], z[rows] - dz[rows]
            )
            total += s @ losses
            delta *= s  # the delta of the mean loss, as output_delta gives
            # delta stays float64, as in gradient(): float32 X is upcast per block
            g, g_b, _ = affine_backward(block, delta, need_input_grad=False)
            grad_coef += g
            grad_b += g_b
        w_new = w - d
        loss = total + self._penalty(w_new)
        return dz, loss, self._penalised(w_new, grad_coef, grad_b)

    def loss_and_gradient(self, w):
        z = self.logits(w)
        return self.loss(w, z), self.gradient(w, z)

    def hessian(self, z, l2=None):
        r"""Hessian :math:`\tilde X^\top \mathrm{diag}(s\,g(z)(1-g(z)))\tilde X + \alpha I`.

        :math:`\tilde X` is ``X`` with a column of ones when the intercept is
        fitted; the penalty spares the intercept.
        """
        p = sigmoid(z)
        h = self.s * p * (1.0 - p)
        H = weighted_gram(self.X, h, ones_column=self.fit_intercept)
        p_ = self.n_features
        H[:p_, :p_].flat[:: p_ + 1] += self.l2 if l2 is None else l2
        return H


class _FirthObjective(_NeuronObjective):
    r"""Firth's bias-reduced objective: the mean log-loss penalised by the
    Jeffreys prior,

    .. math::
        L^*(w) = L(w) - \frac{1}{2W}\log\det I(w), \qquad
        I(w) = \tilde X^\top \mathrm{diag}(S_i p_i(1 - p_i))\tilde X,

    so that :math:`-W L^*` is the penalised log-likelihood of R's
    ``logistf``. Its gradient is :math:`-U^*/W` with Firth's modified score
    :math:`U^* = \tilde X^\top[S(y - p) + h(\tfrac12 - p)]`; the Hessian
    Newton's method steps with is the Fisher information's (as ``logistf``),
    so the steps converge linearly at a rate of order :math:`k/n`, each one
    kept only if it lowers :math:`L^*`.
    """

    def loss(self, w, z):
        return super().loss(w, z) - firth_penalty(self, z) / self.total_weight

    def _fresh_gradient(self, w, z):
        penalty = firth_penalty_gradient(self, z)
        return super()._fresh_gradient(w, z) - penalty / self.total_weight

    def fisher_hessian(self, z, l2=None):
        """The Fisher information (normalised): the Hessian logistf steps with
        (from the Cholesky factor the penalty computed at ``z``)."""
        factor = _firth_information(self, z)[2]
        if factor is None:
            return super().hessian(z, l2=0.0)
        return (factor.T @ factor) / self.total_weight

    def hessian(self, z, l2=None, free=None):
        """The exact Hessian of :math:`L^*` (Fisher's plus the penalty's,
        :func:`~sksigmoid._logistic_inference.firth_penalty_hessian`), or its
        block of the coefficients ``free`` (a constrained maximum's): Newton's
        steps converge quadratically; the Fisher information's where that is
        not positive definite (far from the estimate)."""
        fisher = super().hessian(z, l2=0.0)
        penalty = firth_penalty_hessian(self, z)
        if free is not None:
            fisher = fisher[np.ix_(free, free)]
            penalty = None if penalty is None else penalty[np.ix_(free, free)]
        if penalty is None:
            return fisher
        exact = fisher - penalty / self.total_weight
        if (
            well_conditioned_cholesky(exact / np.outer(*2 * [jacobi_scale(exact)]))
            is None
        ):
            return fisher
        return exact

    def full_step(self, w, z, d):
        return self.direction_logits(d), None, None


def _kept_at(kept, w):
    """The value of a ``(w, value)`` pair a solver kept, if it is at ``w``."""
    if kept is not None and np.array_equal(kept[0], w):
        return kept[1]
    return None


def weighted_gram(X, h, *, ones_column=False):
    r"""The weighted Gram matrix :math:`\tilde X^\top \mathrm{diag}(h) \tilde X` for ``h >= 0``.

    :math:`\tilde X` is ``X``, with a last column of ones if ``ones_column``.
    Dense ``X`` adds up :math:`A^\top A` over blocks of rows of
    :math:`A = \sqrt{h}\,\tilde X`, which numpy computes by symmetric rank-k
    updates (half the flops of a general product); the blocks are written into
    one buffer that stays in cache and no copy of ``X`` is made. For float64
    ``X`` the column of ones rides along in the buffer, at no extra pass over
    ``X``. Sparse ``X`` uses a sparse product.
    """
    n_samples, n_features = X.shape
    if sp.issparse(X):
        gram = np.asarray((X.T @ X.multiply(h[:, None])).toarray(), dtype=np.float64)
        return _add_ones_column(gram, X, h) if ones_column else gram
    if ones_column and X.dtype != np.float64:
        # A float32 buffer would sum the intercept entries in float32 too:
        # they are computed apart, in float64.
        return _add_ones_column(weighted_gram(X, h), X, h)
    root_h = np.sqrt(h).astype(X.dtype, copy=False)
    width = n_features + int(ones_column)
    gram = np.zeros((width, width))
    buffer = np.empty((min(_GRAM_BLOCK_ROWS, n_samples), width), dtype=X.dtype)
    for start in range(0, n_samples, _GRAM_BLOCK_ROWS):
        rows = slice(start, start + _GRAM_BLOCK_ROWS)
        block = buffer[: len(root_h[rows])]
        np.multiply(X[rows], root_h[rows, None], out=block[:, :n_features])
        if ones_column:
            block[:, -1] = root_h[rows]
        gram += block.T @ block
    return gram


def _add_ones_column(gram, X, h):
    """Border the weighted Gram matrix of ``X`` with that of a column of ones."""
    col = np.asarray(safe_sparse_dot(X.T, h)).ravel()
    corner = np.array([[h.sum()]])
    return np.block([[gram, col[:, None]], [col[None, :], corner]])


def newton_minimize(
    objective,
    w,
    *,
    max_iter,
    tol,
    on_iteration=None,
    hessian=None,
    contraction=None,
):
    """Newton/IRLS with an Armijo backtracking line search.

    Stops once the Newton step moves no coefficient by more than
    ``tol * max(1, max|w|)``; that last step is still taken, and by the
    quadratic convergence of Newton's method it lands on the optimum to
    about machine precision. A step the line search had to shorten is no
    such sign, however short it became: far from the optimum (a start in a
    saturated region) Newton's steps are damped, and stopping there stopped
    far from the optimum. Once full steps are below ``1e-3 * max(1, max|w|)``
    the Hessian of the previous iterate is reused (it differs from the
    current one by less than the step): the gradient stays exact, so the
    optimum does not change, and the costliest part of an iteration, the
    O(n d^2) Hessian, is saved.

    A step is accepted only if it lowers the loss (by Armijo's rule, or
    within the loss's rounding error near the optimum), so the loss curve
    never rises and the last iterate is the best. If no step along the
    Newton direction lowers the loss, the run counts as converged only when
    the decrease the direction predicts is below the loss's rounding error.

    ``hessian(z)``, if given, replaces ``objective.hessian`` (an
    approximation, as in :func:`subsampled_newton_minimize`). With an
    approximate Hessian the steps shrink only linearly, by about the
    Hessian's relative error per iteration; ``contraction``, if given, stops
    the run (unconverged) once a full step is not below ``contraction`` times
    the previous one, or once the line search had to shorten a step (the
    approximation under-estimates the curvature): the approximation is then
    too poor to be worth its savings.

    Returns
    -------
    w, n_iter, loss_curve, converged
    """
    hessian = objective.hessian if hessian is None else hessian
    z = objective.logits(w)
    loss = objective.loss(w, z)
    curve = [loss]
    H, reuse_hessian, grad, previous = None, False, None, None
    n_iter, converged = max_iter, False
    for iteration in range(1, max_iter + 1):
        if grad is None:
            grad = objective.gradient(w, z)
        if not reuse_hessian:
            H = hessian(z)
        step = solve_newton_system(H, grad)
        dz, full_step_loss, full_step_grad = objective.full_step(w, z, step)
        searched = _line_search(objective, w, z, loss, grad, step, dz, full_step_loss)
        if searched is None:
            # At the optimum, w is optimal to machine precision; elsewhere the
            # direction is useless (a numerically singular Hessian).
            n_iter, converged = iteration - 1, grad @ step <= _resolution(loss)
            break
        t, w, z, loss = searched
        grad = full_step_grad if t == 1.0 else None
        curve.append(loss)
        if on_iteration is not None:
            on_iteration(iteration, loss)
        moved = relative_move(step, w)
        if moved <= tol:
            n_iter, converged = iteration, True
            break
        if contraction is not None:
            if t < 1.0 or (previous is not None and moved > contraction * previous):
                n_iter = iteration
                break
            previous = moved
        reuse_hessian = t == 1.0 and moved <= 1e-3
    objective.logits_at = (w, z)
    objective.gradient_at = None if grad is None else (w, grad)
    return w, n_iter, curve, converged


def _resolution(loss):
    """The rounding error of a loss value: decreases below it are invisible."""
    return 16 * np.finfo(float).eps * abs(loss)


def relative_move(step, w):
    """The largest change of a coefficient, relative to ``max(1, max|w|)``."""
    return np.max(np.abs(step)) / max(1.0, np.max(np.abs(w)))


def subsampled_newton_minimize(
    objective, sample, rows, w, *, max_iter, tol, on_iteration=None
):
    r"""Newton steps with the Hessian of a subsample, certified by an exact one.

    The Hessian of the rows :math:`S` (``m`` of the ``n`` samples), scaled by
    :math:`n/m`, estimates the full one at a fraction ``m/n`` of its cost. The
    gradient stays exact, so the fixed point is still the exact optimum; the
    approximate Hessian only turns Newton's quadratic convergence into a fast
    linear one (each step shrinks the error by about the Hessian's relative
    error, :math:`O(1/\sqrt m)`). Once a step moves less than ``tol``, one
    exact Hessian at the final ``w`` decides: if its Newton step moves less
    than ``tol`` too, ``w`` is the optimum, and that Hessian is kept in
    ``objective.hessian_at`` for the inference; otherwise -- and also when no
    step along a subsample's Newton direction lowers the loss, or when its
    steps shrink by less than ``_SUBSAMPLED_CONTRACTION`` -- exact Newton
    iterations continue from ``w``, starting with that Hessian (a subsample
    that misses a rare feature cannot step along it). Every accepted step
    lowers the loss, so the result is never worse than the start.

    Parameters
    ----------
    objective : _NeuronObjective
    sample : _NeuronObjective
        ``objective.on_batch(rows)``.
    rows : ndarray of int
    w : ndarray
        The start.

    Returns
    -------
    w, n_iter, loss_curve, converged
    """
    w, n_iter, curve, converged = newton_minimize(
        objective,
        w,
        max_iter=max_iter,
        tol=tol,
        on_iteration=on_iteration,
        hessian=lambda z: sample.hessian(z[rows]),
        contraction=_SUBSAMPLED_CONTRACTION,
    )
    if n_iter == max_iter and not converged:
        return w, n_iter, curve, converged
    z = objective.logits(w)
    H = objective.hessian(z)
    if (
        converged
        and relative_move(solve_newton_system(H, objective.gradient(w, z)), w) <= tol
    ):
        objective.hessian_at = (w.copy(), H)
        return w, n_iter, curve, True

    def report(iteration, loss):
        on_iteration(n_iter + iteration, loss)

    certifier = [H]  # the exact Hessian at w: the first step's

    def exact_hessian(z):
        return certifier.pop() if certifier else objective.hessian(z)

    w, more, rest, converged = newton_minimize(
        objective,
        w,
        max_iter=max_iter - n_iter,
        tol=tol,
        on_iteration=None if on_iteration is None else report,
        hessian=exact_hessian,
    )
    return w, n_iter + more, curve + rest[1:], converged


def _line_search(objective, w, z, loss, grad, step, dz, full_step_loss=None):
    """Armijo backtracking from ``w`` (logits ``z``) along ``-step``.

    ``dz`` is the change of the logits along ``step``, ``full_step_loss``
    the loss at ``w - step`` if known. Returns ``(t, w, z, loss)`` after the
    accepted step ``t``, or None if no step decreases the loss.
    """
    slope = grad @ step
    w_new, z_new = w - step, z - dz
    loss_new = (
        objective.loss(w_new, z_new) if full_step_loss is None else full_step_loss
    )
    resolution = _resolution(loss)
    if slope <= resolution and loss_new <= loss + resolution:
        # Near the optimum a step predicts a decrease below the rounding error
        # of the loss, which the Armijo test cannot see: it would backtrack on
        # noise. The full step is taken unless the loss visibly rises.
        return 1.0, w_new, z_new, loss_new
    t = 1.0
    for _ in range(40):
        if loss_new <= loss - 1e-4 * t * slope:
            return t, w_new, z_new, loss_new
        t *= 0.5
        w_new, z_new = w - t * step, z - t * dz
        loss_new = objective.loss(w_new, z_new)
    return None


def symmetric_eigen(H):
    """Eigen-decomposition of a symmetric matrix and its numerical rank.

    Eigenvalues below ``n * eps * max|eigenvalue|`` count as zero, the
    threshold of :func:`numpy.linalg.matrix_rank`.
    """
    eigenvalues, eigenvectors = linalg.eigh(H, check_finite=False)
    cutoff = len(H) * np.finfo(float).eps * max(np.abs(eigenvalues).max(), 1e-300)
    return eigenvalues, eigenvectors, eigenvalues > cutoff


def jacobi_scale(H):
    """Square roots of the diagonal of ``H`` (1 where it is zero).

    ``H / outer(d, d)`` has a unit diagonal: features on very different scales
    (say x1e4 and x1e-4) no longer look like a null space to the rank cut-off
    of :func:`symmetric_eigen`, which is relative to the largest eigenvalue.
    """
    d = np.sqrt(np.maximum(np.diag(H), 0.0))
    return np.where(d > 0, d, 1.0)


def inverse_and_rank(H):
    """The inverse of a positive semi-definite ``H`` and its numerical rank.

    Jacobi-scaled (:func:`jacobi_scale`), so that the rank does not depend on
    the units; by Cholesky when the scaled matrix is clearly positive definite
    (:func:`well_conditioned_cholesky`), else by the eigen-decomposition with
    the cut-off of :func:`symmetric_eigen`. The inverse is None when the rank
    is deficient.
    """
    d = jacobi_scale(H)
    scaled = H / np.outer(d, d)
    factor = well_conditioned_cholesky(scaled) if np.all(np.diag(H) > 0) else None
    if factor is not None:
        inverse, _ = lapack.dpotri(factor)  # in the upper triangle
        inverse = np.triu(inverse) + np.triu(inverse, 1).T
        return inverse / np.outer(d, d), len(H)
    eigenvalues, eigenvectors, keep = symmetric_eigen(scaled)
    if not keep.all():
        return None, int(keep.sum())
    inverse = (eigenvectors / eigenvalues) @ eigenvectors.T
    return inverse / np.outer(d, d), len(H)


def solve_newton_system(H, g):
    """Minimum-norm solution of ``H d = g`` for a positive semi-definite ``H``.

    With collinear features ``H`` is singular and the loss is flat along its
    null space; the pseudo-inverse keeps the step out of that space, so the
    iterates stay finite and the fitted probabilities are the unique optimum.
    The system is solved Jacobi-scaled (:func:`jacobi_scale`), so that only
    true collinearity, not the units of the features, makes it singular.
    Rows of ``H`` with a zero diagonal (features that are zero wherever a
    sample has weight, common in sparse data) are zero throughout, as ``H``
    is semi-definite: the step leaves those coordinates alone and the rest is
    solved on its own, by Cholesky when it is clearly positive definite (see
    :func:`well_conditioned_cholesky`), else by the eigen-decomposition.
    """
    active = np.diag(H) > 0
    if not active.all():
        step = np.zeros_like(g, dtype=np.float64)
        if active.any():
            step[active] = solve_newton_system(H[np.ix_(active, active)], g[active])
        return step
    d = jacobi_scale(H)
    scaled = H / np.outer(d, d)
    factor = well_conditioned_cholesky(scaled)
    if factor is not None:
        x, _ = lapack.dpotrs(factor, g / d)
        return x / d
    eigenvalues, eigenvectors, keep = symmetric_eigen(scaled)
    V = eigenvectors[:, keep]
    return (V @ ((V.T @ (g / d)) / eigenvalues[keep])) / d


def well_conditioned_cholesky(A):
    """The (upper) Cholesky factor of a symmetric ``A`` with a unit diagonal,
    if ``A`` is clearly positive definite, else None.

    Clearly: LAPACK's estimate of the reciprocal condition number exceeds
    ``_CHOLESKY_RCOND``, so the rank cut-off of :func:`symmetric_eigen`
    would keep every eigenvalue and the Cholesky solution is the
    minimum-norm one.
    """
    factor, info = lapack.dpotrf(A, lower=0, clean=0)
    if info != 0:
        return None
    rcond, info = lapack.dpocon(factor, np.abs(A).sum(axis=0).max())
    if info != 0 or not rcond > _CHOLESKY_RCOND:
        return None
    return factor


def start_ridge(objective):
    r"""Ridge for a fit on a subsample that only starts Newton: for each feature
    ``_START_PSEUDO_ROWS`` times the curvature of one of its average non-zero
    rows at probability 1/2, :math:`\tfrac14 \sum_i s_i x_{ij}^2 / k_j` with
    :math:`k_j` its number of non-zero rows of positive weight.

    Like additive smoothing, it weighs in where a feature has few rows: a
    feature seen in one row of one class gets a coefficient of about 1
    instead of infinity, one seen in 20,000 rows moves by 1/20,000. It does
    not depend on the units of the features. A feature absent from the
    subsample gets the ridge of a unit row (its coefficient stays at zero).
    """
    curvature = 0.25 * objective.mean_squares()
    weighted = objective.s > 0
    X = objective.X if weighted.all() else objective.X[weighted]
    rows = np.count_nonzero(X, axis=0)
    unit_row = 0.25 * np.mean(objective.s[weighted])
    per_row = np.where(rows > 0, curvature / np.maximum(rows, 1), unit_row)
    return _START_PSEUDO_ROWS * per_row


class SigmoidNeuronClassifier(
    CallbackSupportMixin, LinearClassifierMixin, ClassifierMixin, BaseEstimator
):
    r"""Logistic regression as a single sigmoid neuron.

    The neuron computes :math:`X = b_0 + b_1 x_1 + \dots + b_m x_m` and outputs
    :math:`p(y=1 \mid x) = g(X) = 1/(1+e^{-X})`. It is trained by minimising
    the penalised mean log-loss

    .. math::
        L(\beta, b) = \frac{1}{\sum_i s_i}\sum_i s_i\,\ell_i
        + \alpha\left(\frac{1-\rho}{2}\|\beta\|_2^2 + \rho\|\beta\|_1\right),
        \qquad \ell_i = \log(1 + e^{z_i}) - y_i z_i,

    with :math:`\rho` = ``l1_ratio`` and :math:`s_i` the sample weights (times the
    class weights). The intercept is never penalised. Either the neural way --
    gradient descent, :math:`W \leftarrow W - \eta\,\partial L/\partial W` -- or
    the statistical way -- Newton's method (iteratively reweighted least
    squares), which for ``alpha=0`` gives the maximum-likelihood estimate with
    standard errors, p-values and confidence intervals (:meth:`summary`).

    Multiclass targets are fitted one-vs-rest: one sigmoid neuron per class,
    each separating its class from the others; :meth:`predict_proba`
    normalises the K sigmoid outputs to sum to one.

    Mapping to scikit-learn: ``LogisticRegression(C=C)`` minimises
    :math:`C\sum_i s_i\ell_i + \frac12\|\beta\|^2`, the same minimiser as ours with
    ``alpha = 1 / (C * sum(sample_weight))`` (``C=np.inf`` is ``alpha=0``).

    Parameters
    ----------
    solver : {"newton", "lbfgs", "gd", "sgd"}, default="newton"
        ``"newton"``: Newton/IRLS with a backtracking line search (exact,
        fast for up to a few hundred features; dense or CSR input; from
        50,000 rows on, dense input starts from a fit on subsamples and is
        stepped with a subsample's Hessian, the optimum certified by an exact
        one). Every step it takes lowers the loss.
        ``"lbfgs"``: scipy's L-BFGS-B. ``"gd"``: full-batch (proximal) gradient
        descent with step ``learning_rate``. ``"sgd"``: shuffled mini-batch
        (proximal) gradient descent, with optional (Nesterov) momentum. gd and
        sgd keep the best iterate they saw; a run whose loss ends above its
        start, or rises for ``n_iter_no_change`` iterations in a row, is
        reported as diverged (a :class:`~sklearn.exceptions.ConvergenceWarning`
        that names the remedy), and non-finite coefficients raise a
        ``ValueError``.
    alpha : float, default=0.0
        Strength of the penalty. ``0`` gives the unpenalised maximum-likelihood
        fit, the only one for which :meth:`summary` applies.
    l1_ratio : float in [0, 1], default=0.0
        Elastic-net mixing :math:`\rho`; ``0`` is a pure L2 penalty. Values
        above 0 need ``solver="gd"`` or ``"sgd"`` (proximal steps).
    fit_intercept : bool, default=True
        Whether to fit the intercept :math:`b_0`.
    tol : float, default=1e-6
        Stopping tolerance. newton: largest change of a coefficient in one
        step, relative to ``max(1, max|w|)`` (the final step is taken, so the
        result is exact to about machine precision). lbfgs: largest absolute
        entry of the projected gradient (scipy also stops when the relative
        decrease of the loss falls below 64 machine epsilons). gd: largest
        coordinate of the gradient mapping :math:`(w_t - w_{t+1})/\eta`. sgd:
        improvement of the training loss over ``n_iter_no_change`` epochs.
        These absolute tests pass at the start for features in tiny units
        (say 1e-8), which lbfgs, gd and sgd would leave unfitted: fit then
        warns, naming the features' scale.
    max_iter : int, default=100
        Maximum number of iterations (newton, lbfgs, gd) or epochs (sgd).
        Gradient descent typically needs thousands.
    learning_rate : float, default=0.1
        Step size :math:`\eta` of gd and sgd.
    batch_size : int, default=32
        Mini-batch size of sgd (capped at the number of samples).
    momentum : float in [0, 1), default=0.0
        Momentum of gd and sgd.
    nesterov : bool, default=False
        Use Nesterov's momentum (when ``momentum > 0``).
    n_iter_no_change : int, default=5
        sgd stops when the epoch loss has not improved by ``tol`` for this many
        epochs; a loss of gd or sgd that rose in each of this many iterations
        counts as diverged.
    shuffle : bool, default=True
        Whether sgd shuffles the samples each epoch.
    class_weight : dict, "balanced" or None, default=None
        Weights of the classes, multiplied into the sample weights.
        ``"balanced"`` uses ``n_samples / (n_classes * np.bincount(y))``.
    warm_start : bool, default=False
        Start from the previous solution when refitting on the same classes.
    random_state : int, RandomState instance or None, default=None
        Seeds the shuffling of sgd.
    verbose : int, default=0
        Print the loss at each iteration when positive.
    firth : bool, default=False
        Firth's bias-reduced logistic regression (binary targets,
        ``alpha=0``, solver ``"newton"`` or ``"lbfgs"``): maximise the
        log-likelihood penalised by :math:`\tfrac12\log\det I(\beta)`
        (the Jeffreys prior), as R's ``logistf``. Estimates are finite also on
        separated data, where maximum likelihood has none; standard errors
        come from :math:`I(\hat\beta)^{-1}`, profile intervals and
        likelihood-ratio tests from the penalised likelihood. newton steps
        with the Fisher information (each step kept only if it raises the
        penalised likelihood; linear convergence at a rate of order
        :math:`k/n`); lbfgs minimises the same objective with its exact
        gradient. Sample weights are frequency weights.
    cov_type : {"nonrobust", "HC0", "HC1", "HC2", "HC3", "cluster"}, default="nonrobust"
        Covariance of the coefficients of an unpenalised binary fit:
        the inverse Fisher information, or a sandwich
        :math:`I^{-1} M I^{-1}` robust to misspecification. HC0 is White's
        (statsmodels' for Logit and GLM); HC1 multiplies it by
        :math:`n/(n - k)`; HC2 and HC3 divide each squared score by
        :math:`1 - h_i` and :math:`(1 - h_i)^2` (:math:`h_i` the leverage of
        the weighted design, as R's ``sandwich::vcovHC``; statsmodels
        returns HC0 for these three in Logit and GLM); ``"cluster"`` sums the
        scores within the groups passed to :meth:`fit` as ``groups`` (CRV1
        with statsmodels' small-sample factor
        :math:`\frac{G}{G-1}\frac{n-1}{n-k}`). Not with ``firth``.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        The class labels.
    coef_ : ndarray of shape (1, n_features) or (n_classes, n_features)
        Weights :math:`b_1 \dots b_m` of the neuron (one row per neuron).
    intercept_ : ndarray of shape (1,) or (n_classes,)
        Intercept :math:`b_0` of each neuron.
    n_iter_ : ndarray of shape (n_neurons,)
        Iterations (epochs for sgd) run for each neuron.
    loss_curve_ : list of float, or list of lists for multiclass
        Objective value at the start and after each iteration (each epoch for
        sgd); one list per neuron when there is more than one. The
        coefficients are at its minimum (the best iterate seen).
    coef_se_ : ndarray of shape (1, n_features)
        Standard errors of ``coef_`` from the inverse observed Fisher
        information :math:`(\tilde X^\top W \tilde X)^{-1}`,
        :math:`W = \mathrm{diag}(s_i p_i(1-p_i))` (sample weights as frequency
        weights). Only for unpenalised binary fits; ``inf`` under separation.
    intercept_se_ : ndarray of shape (1,)
        Standard error of ``intercept_`` (same conditions).
    covariance_ : ndarray of shape (n_params, n_params)
        Estimated covariance of ``(coef, intercept)`` (same conditions).
    log_likelihood_, aic_, bic_, pseudo_r2_ : float
        Log-likelihood, Akaike and Bayesian information criteria and McFadden's
        pseudo-:math:`R^2 = 1 - \ell/\ell_0` of unpenalised binary fits.
    separated_ : bool
        Whether (quasi-)complete separation was detected (unpenalised fits).
    separation_ : dict
        Under separation, the coefficients that maximum likelihood sends to
        infinity and their direction, ``{name: "+inf" | "-inf"}`` (a
        direction along which the likelihood rises without bound, from the
        linear programme of the separation test); empty otherwise.
    penalized_log_likelihood_ : float
        With ``firth``: the penalised log-likelihood at the estimate
        (``log_likelihood_`` is the unpenalised one there).
    n_features_in_ : int
        Number of features seen during fit.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during fit, when ``X`` has string column names.

    See Also
    --------
    sklearn.linear_model.LogisticRegression : scikit-learn's logistic regression.

    Examples
    --------
    >>> from sklearn.datasets import load_breast_cancer
    >>> from sksigmoid import SigmoidNeuronClassifier
    >>> X, y = load_breast_cancer(return_X_y=True)
    >>> X = (X - X.mean(0)) / X.std(0)
    >>> clf = SigmoidNeuronClassifier().fit(X[:, :3], y)
    >>> round(clf.score(X[:, :3], y), 3)
    0.919
    """

    _parameter_constraints = {
        "solver": [StrOptions({"newton", "lbfgs", "gd", "sgd"})],
        "alpha": [Interval(Real, 0, None, closed="left")],
        "l1_ratio": [Interval(Real, 0, 1, closed="both")],
        "fit_intercept": ["boolean"],
        "tol": [Interval(Real, 0, None, closed="left")],
        "max_iter": [Interval(Integral, 0, None, closed="left")],
        "learning_rate": [Interval(Real, 0, None, closed="neither")],
        "batch_size": [Interval(Integral, 1, None, closed="left")],
        "momentum": [Interval(Real, 0, 1, closed="left")],
        "nesterov": ["boolean"],
        "n_iter_no_change": [Interval(Integral, 1, None, closed="left")],
        "shuffle": ["boolean"],
        "class_weight": [dict, StrOptions({"balanced"}), None],
        "warm_start": ["boolean"],
        "random_state": ["random_state"],
        "verbose": ["verbose"],
        "firth": ["boolean"],
        "cov_type": [StrOptions(set(COV_TYPES))],
    }

    def __init__(
        self,
        *,
        solver="newton",
        alpha=0.0,
        l1_ratio=0.0,
        fit_intercept=True,
        tol=1e-6,
        max_iter=100,
        learning_rate=0.1,
        batch_size=32,
        momentum=0.0,
        nesterov=False,
        n_iter_no_change=5,
        shuffle=True,
        class_weight=None,
        warm_start=False,
        random_state=None,
        verbose=0,
        firth=False,
        cov_type="nonrobust",
    ):
        self.solver = solver
        self.alpha = alpha
        self.l1_ratio = l1_ratio
        self.fit_intercept = fit_intercept
        self.tol = tol
        self.max_iter = max_iter
        self.learning_rate = learning_rate
        self.batch_size = batch_size
        self.momentum = momentum
        self.nesterov = nesterov
        self.n_iter_no_change = n_iter_no_change
        self.shuffle = shuffle
        self.class_weight = class_weight
        self.warm_start = warm_start
        self.random_state = random_state
        self.verbose = verbose
        self.firth = firth
        self.cov_type = cov_type

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        return tags

    # ------------------------------------------------------------------ fit

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, sample_weight=None, groups=None):
        """Fit the neuron(s) to the training data.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data; CSR for sparse input.
        y : array-like of shape (n_samples,)
            Target labels: any two (or more) labels, numbers or strings.
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative weights; a weight of k acts like k repeated rows.
        groups : array-like of shape (n_samples,), default=None
            Cluster labels for ``cov_type="cluster"`` (ignored otherwise).
            Inside a Pipeline or GridSearchCV, route it with
            ``set_fit_request(groups=True)`` (scikit-learn's metadata routing).

        Returns
        -------
        self : SigmoidNeuronClassifier
            The fitted estimator.
        """
        self._check_solver_options()
        X, y = validate_data(
            self,
            X,
            y,
            accept_sparse="csr",
            dtype=[np.float64, np.float32],
            order="C",
        )
        check_classification_targets(y)
        encoder = LabelEncoder()
        y_encoded = encoder.fit_transform(y)
        classes = encoder.classes_
        if len(classes) < 2:
            raise ValueError(
                "SigmoidNeuronClassifier needs samples of at least 2 classes in "
                f"the data, but the data contains only one class: {classes[0]!r}."
            )
        self._check_inference_options(len(classes), X.shape[0], groups)
        sample_weight = self._effective_sample_weight(
            sample_weight, X, y_encoded, classes
        )
        w_start = self._starting_weights(X, classes)
        self.classes_ = classes

        n_neurons = 1 if len(classes) == 2 else len(classes)
        targets = (
            [y_encoded.astype(np.float64)]
            if n_neurons == 1
            else [(y_encoded == k).astype(np.float64) for k in range(n_neurons)]
        )
        callback_ctx = self._init_callback_context(max_subtasks=n_neurons)
        callback_ctx.call_on_fit_task_begin(estimator=self, X=X, y=y)

        weights, n_iters, curves, separated, diverged = [], [], [], False, False
        Objective = _FirthObjective if self.firth else _NeuronObjective
        for k, target in enumerate(targets):
            objective = Objective(
                X,
                target,
                sample_weight,
                alpha=self.alpha,
                l1_ratio=self.l1_ratio,
                fit_intercept=self.fit_intercept,
            )
            neuron_ctx = callback_ctx.subcontext(
                task_name=f"neuron {k}", max_subtasks=self.max_iter
            )
            neuron_ctx.call_on_fit_task_begin(estimator=self, X=X, y=y)
            w, n_iter, curve, status = self._train_neuron(
                objective, w_start[k], neuron_ctx
            )
            neuron_ctx.call_on_fit_task_end(estimator=self, X=X, y=y)
            # The final logits serve both the separation check and the inference.
            z = objective.logits(w) if self.alpha == 0 else None
            neuron_separated = (
                self.alpha == 0
                and status != "diverged"
                and self._looks_separated(objective, z)
            )
            separated |= neuron_separated
            diverged |= status == "diverged"
            if status != "converged" and (self.firth or not neuron_separated):
                warnings.warn(
                    self._convergence_message(status, n_iter, curve), ConvergenceWarning
                )
            weights.append(w)
            n_iters.append(n_iter)
            curves.append(curve)

        W = np.array(weights)
        self.coef_ = W[:, : X.shape[1]].astype(X.dtype)
        self.intercept_ = (
            W[:, -1].astype(X.dtype)
            if self.fit_intercept
            else np.zeros(n_neurons, dtype=X.dtype)
        )
        self.n_iter_ = np.array(n_iters, dtype=np.int32)
        self.loss_curve_ = curves[0] if n_neurons == 1 else curves
        self.separated_ = separated
        self.separation_ = {}
        if separated and n_neurons == 1:
            self.separation_ = self._separating_coefficients(objective)
        if separated and not self.firth:
            named = ", ".join(f"{k} -> {v}" for k, v in self.separation_.items())
            warnings.warn(
                "The classes are perfectly or quasi-perfectly separated by the "
                "features: the maximum-likelihood estimate does not exist (the "
                "coefficients grow without bound"
                + (f": {named}" if named else "")
                + "), so standard errors are infinite. Use firth=True (Firth's "
                "bias-reduced estimates are finite), alpha > 0, or drop the "
                "separating features.",
                SeparationWarning,
            )
        self._drop_inference()
        self._diverged = diverged
        if n_neurons == 1 and self.alpha == 0 and not diverged:
            self._compute_inference(
                objective, W[0], separated and not self.firth, z=z, groups=groups
            )
        callback_ctx.call_on_fit_task_end(estimator=self, X=X, y=y)
        return self

    def _check_inference_options(self, n_classes, n_samples, groups):
        """Refuse the combinations of firth, cov_type and groups that have no
        meaning, naming the parameter."""
        if self.firth:
            if n_classes > 2:
                raise ValueError(
                    "firth=True fits a binary target (one penalised likelihood); "
                    f"y has {n_classes} classes."
                )
            if self.alpha > 0:
                raise ValueError(
                    "firth=True is its own penalty (the Jeffreys prior): use "
                    f"alpha=0, not alpha={self.alpha}."
                )
            if self.solver not in ("newton", "lbfgs"):
                raise ValueError(
                    "firth=True needs solver='newton' or 'lbfgs'; got "
                    f"solver={self.solver!r}."
                )
            if self.cov_type != "nonrobust":
                raise ValueError(
                    "firth=True reports the penalised information's covariance; "
                    f"cov_type={self.cov_type!r} is for maximum-likelihood fits."
                )
        if self.cov_type != "nonrobust" and (self.alpha > 0 or n_classes > 2):
            raise ValueError(
                f"cov_type={self.cov_type!r} needs an unpenalised binary fit "
                "(alpha=0, two classes): only there is there a covariance."
            )
        if self.cov_type == "cluster":
            if groups is None:
                raise ValueError(
                    'cov_type="cluster" needs the cluster labels: fit(X, y, '
                    "groups=...) (in a Pipeline or GridSearchCV, route them with "
                    "set_fit_request(groups=True))."
                )
            if np.shape(groups) != (n_samples,):
                raise ValueError(
                    f"groups must have shape ({n_samples},), one label per sample; "
                    f"got {np.shape(groups)}."
                )
            if len(np.unique(np.asarray(groups))) < 2:
                raise ValueError('cov_type="cluster" needs at least two groups.')

    def _separating_coefficients(self, objective):
        """``{name: "+inf" | "-inf"}`` along the separation test's direction."""
        direction = separation_direction(
            objective.X, objective.y, objective.s, objective.fit_intercept
        )
        if direction is None:
            return {}
        names = self._parameter_names()
        top = np.max(np.abs(direction))
        return {
            name: "+inf" if d > 0 else "-inf"
            for name, d in zip(names, direction, strict=True)
            if abs(d) > 1e-6 * top
        }

    def _parameter_names(self):
        names = list(
            getattr(
                self,
                "feature_names_in_",
                [f"x{j}" for j in range(self.n_features_in_)],
            )
        )
        return names + ["intercept"] * bool(self.fit_intercept)

    def _check_solver_options(self):
        if self.l1_ratio > 0 and self.solver in ("newton", "lbfgs"):
            raise ValueError(
                f"l1_ratio={self.l1_ratio} (an L1 / elastic-net penalty) needs "
                f"solver='gd' or 'sgd' (proximal steps); solver={self.solver!r} "
                "supports only the L2 penalty (l1_ratio=0)."
            )

    def _convergence_message(self, status, n_iter, curve):
        """The warning for a neuron whose training ended with ``status``."""
        solver = f"solver={self.solver!r}"
        scale = "scale the features (e.g. with StandardScaler)"
        if status == "diverged":
            reason = training_divergence(curve, self.n_iter_no_change)
            return (
                f"{solver} made no progress: the training loss {reason}, so "
                "the optimisation diverged (or its steps are too noisy to "
                f"descend). The best iterate seen (loss {min(curve):.6g}) is "
                f"kept. Lower learning_rate (now {self.learning_rate:g}), or "
                f"{scale}."
            )
        if status == "stalled":
            direction, alternative = (
                ("the Newton direction", "solver='lbfgs'")
                if self.solver == "newton"
                else ("L-BFGS's search direction", "solver='newton'")
            )
            return (
                f"{solver} stopped after {n_iter} iterations short of the "
                f"optimum: no step along {direction} lowers the loss (the "
                "problem is numerically singular or badly scaled there); the "
                f"best iterate is kept. Use alpha > 0 or {alternative}, or "
                f"{scale}."
            )
        advice = (
            "Increase max_iter or learning_rate"
            if self.solver in ("gd", "sgd")
            else "Increase max_iter"
        )
        return (
            f"{solver} did not converge within max_iter={self.max_iter} "
            f"(tol={self.tol}); the best iterate is kept. {advice}, or {scale}."
        )

    def _effective_sample_weight(self, sample_weight, X, y_encoded, classes):
        sample_weight = _check_sample_weight(
            sample_weight, X, dtype=np.float64, ensure_non_negative=True
        )
        if self.class_weight is not None:
            per_class = compute_class_weight(
                self.class_weight, classes=classes, y=classes[y_encoded]
            )
            if np.any(per_class < 0):
                raise ValueError(
                    f"class_weight must be non-negative; got {self.class_weight!r}."
                )
            sample_weight = sample_weight * per_class[y_encoded]
        if not sample_weight.sum() > 0:
            raise ValueError(
                "The sample weights (times the class weights) sum to zero; at "
                "least one sample needs a positive weight."
            )
        return sample_weight

    def _starting_weights(self, X, classes):
        n_neurons = 1 if len(classes) == 2 else len(classes)
        n_params = X.shape[1] + int(self.fit_intercept)
        w0 = np.zeros((n_neurons, n_params))
        if (
            self.warm_start
            and hasattr(self, "coef_")
            and self.coef_.shape == (n_neurons, X.shape[1])
            and np.array_equal(getattr(self, "classes_", None), classes)
        ):
            w0[:, : X.shape[1]] = self.coef_
            if self.fit_intercept:
                w0[:, -1] = self.intercept_
        return w0

    def _train_neuron(self, objective, w0, ctx):
        """Train one neuron from ``w0``.

        Returns
        -------
        w, n_iter, loss_curve, status
            ``status`` is ``"converged"``, ``"max_iter"``, ``"stalled"`` (no
            step lowers the loss short of the optimum) or ``"diverged"``
            (:func:`~sksigmoid._optim.training_divergence`); ``w`` is the best
            iterate the solver saw.
        """
        solvers = {
            "newton": self._newton,
            "lbfgs": self._lbfgs,
            "gd": self._gradient_descent,
            "sgd": self._sgd,
        }
        w0 = w0.copy()
        if self.solver != "newton":
            self._warn_if_the_units_stop_the_solver(objective, w0)
        if self.solver in ("gd", "sgd"):
            # A step too long for the data overflows: _check_finite says so
            # after every step, in a DivergenceError, instead of numpy.
            with np.errstate(over="ignore", invalid="ignore"):
                return solvers[self.solver](objective, w0, ctx)
        w, n_iter, curve, converged = solvers[self.solver](objective, w0, ctx)
        if converged:
            return w, n_iter, curve, "converged"
        return w, n_iter, curve, "max_iter" if n_iter >= self.max_iter else "stalled"

    def _warn_if_the_units_stop_the_solver(self, objective, w):
        """Warn if the gradient at the start is below the solver's tolerance
        only because of the units of some features.

        lbfgs and gd stop when the largest entry of the gradient is below
        ``tol``; sgd counts an epoch as no improvement when the decrease of the
        loss it makes, about ``learning_rate * n_batches * |gradient|^2``, is
        below ``tol``. The gradient with respect to the coefficient of a
        feature scales with the feature: for a feature in units of 1e-8 it
        passes these tests at the start, and the solver leaves its coefficient
        (nearly) where it started, with the data unfitted. It is fitted if the
        gradient the feature would have standardised (divided by its root mean
        square) passes them too, with ``_UNFITTED`` times the tolerance to
        spare: a start near the optimum (a warm start) is no cause for alarm.
        The gradient at the start is kept for the solver.
        """
        z = objective.logits(w)
        grad = objective.gradient(w, z)
        objective.logits_at, objective.gradient_at = (w.copy(), z), (w.copy(), grad)
        g = grad[: objective.n_features]
        rms = np.sqrt(objective.mean_squares())
        rms[rms == 0] = 1.0  # an all-zero feature has no gradient either
        standardised = g / rms
        if self.solver == "sgd":
            steps = self.learning_rate * -(-objective.X.shape[0] // self.batch_size)
            small = steps * g**2 <= self.tol
            unfitted = steps * standardised**2 > _UNFITTED * self.tol
        else:
            small = np.abs(g) <= self.tol
            unfitted = np.abs(standardised) > _UNFITTED * self.tol
        stuck = small & unfitted
        if stuck.any():
            warnings.warn(
                f"solver={self.solver!r}: for {stuck.sum()} of "
                f"{objective.n_features} features the gradient at the start is "
                f"below tol={self.tol} only because of their units (root mean "
                f"square down to {rms[stuck].min():.2g}): standardised, it would be "
                f"up to {np.max(np.abs(standardised[stuck])):.2g}. The solver "
                "leaves their coefficients (nearly) where they start, with the "
                "data unfitted. Scale the features (e.g. with StandardScaler), "
                "or use solver='newton'.",
                ConvergenceWarning,
            )

    def _report_iteration(self, ctx, iteration, loss):
        """Tell callbacks (and the console, if verbose) that an iteration ended."""
        iter_ctx = ctx.subcontext(task_name="iteration")
        iter_ctx.call_on_fit_task_begin(estimator=self)
        iter_ctx.call_on_fit_task_end(estimator=self)
        if self.verbose:
            print(f"[{self.solver}] iteration {iteration}: loss {loss:.10g}")

    def _newton(self, objective, w, ctx):
        """Newton/IRLS from ``w``; for big data, from a fit on a subsample and
        with that subsample's Hessian until an exact one certifies the optimum."""

        def report(iteration, loss):
            self._report_iteration(ctx, iteration, loss)

        n_samples = objective.X.shape[0]
        # Subsamples save the O(n d^2) dense Hessians. A sparse Hessian costs
        # far less, and an iteration's cost is the O(d^3) solve, the same on a
        # subsample; and a subsample misses rare features, common in sparse data.
        big = (
            n_samples >= 2 * _SUBSAMPLE_ROWS
            and not sp.issparse(objective.X)
            and not self.firth
        )
        if big:
            rows = np.arange(0, n_samples, n_samples // _SUBSAMPLE_ROWS)
            sample = objective.on_batch(rows)
            if not np.any(w):
                w = self._start_on_subsamples(objective, sample, w)
            return subsampled_newton_minimize(
                objective,
                sample,
                rows,
                w,
                max_iter=self.max_iter,
                tol=self.tol,
                on_iteration=report,
            )
        if self.firth:
            return self._firth_newton(objective, w, report)
        return newton_minimize(
            objective, w, max_iter=self.max_iter, tol=self.tol, on_iteration=report
        )

    def _firth_newton(self, objective, w, report):
        """Firth by Fisher scoring (logistf's steps, O(n k^2) each) while its
        steps contract fast, then Newton with the exact penalised Hessian
        (O(n k^3), quadratic) to the end."""
        w, n_iter, curve, converged = newton_minimize(
            objective,
            w,
            max_iter=self.max_iter,
            tol=self.tol,
            on_iteration=report,
            hessian=objective.fisher_hessian,
            contraction=0.25,
        )
        if converged or n_iter >= self.max_iter:
            return w, n_iter, curve, converged

        def later(iteration, loss):
            report(n_iter + iteration, loss)

        w, more, rest, converged = newton_minimize(
            objective,
            w,
            max_iter=self.max_iter - n_iter,
            tol=self.tol,
            on_iteration=later,
        )
        return w, n_iter + more, curve + rest[1:], converged

    def _start_on_subsamples(self, objective, sample, w):
        """Newton on every 8th row of ``sample``, then on ``sample``, from ``w``;
        the result if it lowers the loss of ``objective`` below that at ``w``,
        else ``w``.

        Most Newton iterations from w = 0 only find the neighbourhood of the
        optimum; evenly strided subsamples find it for a fraction of the cost.
        A subsample can separate what the full data do not (a rare feature
        seen in a few of its rows, all of one class), and its unpenalised
        fit would give that feature a coefficient of thousands, far from the
        optimum in a region where the loss is flat: each fit on a subsample is
        therefore penalised by :func:`start_ridge`, which keeps such
        coefficients moderate and barely moves the others. The start is a
        guess, accepted only if it is better than ``w``, the zero vector.
        """
        coarse = sample.on_batch(np.arange(0, sample.X.shape[0], 8))
        guess = w
        for start, tol in ((coarse, 0.1), (sample, 1e-2)):
            guess, *_ = newton_minimize(
                start.with_ridge(start_ridge(start)),
                guess,
                max_iter=min(self.max_iter, 10),
                tol=tol,
            )
        z = objective.logits(guess)
        zero_logits = np.zeros_like(z)  # w = 0: called only from the zero start
        if objective.loss(guess, z) < objective.loss(w, zero_logits):
            objective.logits_at = (guess, z)
            return guess
        return w

    def _lbfgs(self, objective, w, ctx):
        if self.max_iter == 0:
            # scipy's L-BFGS-B still takes one step with maxiter=0 (and reports
            # it to the callback, overflowing the callback context's
            # max_subtasks=0): keep the start, as the other solvers do.
            return w, 0, [objective.loss_and_gradient(w)[0]], False
        curve = []

        def loss_and_gradient(w):
            loss, grad = objective.loss_and_gradient(w)
            curve.append(loss)
            return loss, grad

        evaluations = []

        def on_iteration(w):
            evaluations.append(curve[-1])
            self._report_iteration(ctx, len(evaluations), curve[-1])

        w, n_iter, converged = minimize_lbfgs(
            loss_and_gradient,
            w,
            max_iter=self.max_iter,
            tol=self.tol,
            callback=on_iteration,
            warn=False,  # fit words its own warning, after the separation check
        )
        return w, n_iter, [curve[0], *evaluations], converged

    def _proximal_step(self, objective, w, optimizer):
        r"""Soft-threshold the coefficients after a gradient step (L1 part).

        With momentum :math:`\mu` the velocity at a fixed point is
        :math:`-\eta g / (1 - \mu)`, so the threshold is scaled by
        :math:`1 / (1 - \mu)` too: a threshold of :math:`\eta\,\alpha\rho`
        would make the fixed point the optimum of an L1 penalty :math:`1 - \mu`
        times too weak.
        """
        if objective.l1 > 0:
            beta = w[: objective.n_features]
            step = optimizer.learning_rate / (1.0 - self.momentum)
            soft_threshold(beta, step * objective.l1)

    def _full_loss(self, objective, w):
        beta = w[: objective.n_features]
        return (
            objective.loss(w, objective.logits(w)) + objective.l1 * np.abs(beta).sum()
        )

    def _make_optimizer(self):
        if self.momentum == 0:
            return make_optimizer("gd", learning_rate=self.learning_rate)
        return make_optimizer(
            "nesterov" if self.nesterov else "momentum",
            learning_rate=self.learning_rate,
            momentum=self.momentum,
        )

    def _check_finite(self, w, iteration, loss=0.0):
        """Raise if gradient descent left the finite numbers."""
        if np.isfinite(loss) and np.all(np.isfinite(w)):
            return
        unit = "epoch" if self.solver == "sgd" else "iteration"
        raise DivergenceError(
            f"The coefficients or the loss of solver={self.solver!r} are not "
            f"finite after {unit} {iteration}: the optimisation diverged. Lower "
            f"learning_rate (now {self.learning_rate:g}), or scale the features "
            "(e.g. with StandardScaler)."
        )

    def _first_order_result(self, best, n_iter, curve, status):
        """The best iterate, and ``"diverged"`` as the status if the loss ended
        above its start or rose for ``n_iter_no_change`` iterations in a row."""
        if training_divergence(curve, self.n_iter_no_change) is not None:
            status = "diverged"
        return best[0], n_iter, curve, status

    def _gradient_descent(self, objective, w, ctx):
        r"""Full-batch proximal gradient descent, :math:`w \leftarrow w - \eta\nabla L`.

        Keeps the best iterate (the lowest loss) it saw.
        """
        optimizer = self._make_optimizer()
        curve = [self._full_loss(objective, w)]
        best = (w.copy(), curve[0])
        for iteration in range(1, self.max_iter + 1):
            _, grad = objective.loss_and_gradient(w)
            w_old = w.copy()
            optimizer.step([w], [grad])
            self._proximal_step(objective, w, optimizer)
            self._check_finite(w, iteration)
            curve.append(self._full_loss(objective, w))
            self._check_finite(w, iteration, curve[-1])
            if curve[-1] <= best[1]:
                best = (w.copy(), curve[-1])
            self._report_iteration(ctx, iteration, curve[-1])
            if np.max(np.abs(w - w_old)) <= self.tol * self.learning_rate:
                return self._first_order_result(best, iteration, curve, "converged")
        return self._first_order_result(best, self.max_iter, curve, "max_iter")

    def _sgd(self, objective, w, ctx):
        """Shuffled mini-batch proximal SGD; one loss value per epoch.

        Keeps the best iterate (the lowest epoch-end loss) it saw.
        """
        rng = check_random_state(self.random_state)
        optimizer = self._make_optimizer()
        n_samples = objective.X.shape[0]
        batch_size = min(self.batch_size, n_samples)
        order = np.arange(n_samples)
        curve = [self._full_loss(objective, w)]
        best = (w.copy(), curve[0])
        epochs_without_improvement = 0
        for epoch in range(1, self.max_iter + 1):
            if self.shuffle:
                rng.shuffle(order)
            for start in range(0, n_samples, batch_size):
                batch = order[start : start + batch_size]
                _, grad = objective.on_batch(batch).loss_and_gradient(w)
                optimizer.step([w], [grad])
                self._proximal_step(objective, w, optimizer)
                self._check_finite(w, epoch)
            curve.append(self._full_loss(objective, w))
            self._check_finite(w, epoch, curve[-1])
            self._report_iteration(ctx, epoch, curve[-1])
            if curve[-1] > best[1] - self.tol:
                epochs_without_improvement += 1
            else:
                epochs_without_improvement = 0
            if curve[-1] <= best[1]:
                best = (w.copy(), curve[-1])
            if epochs_without_improvement >= self.n_iter_no_change:
                return self._first_order_result(best, epoch, curve, "converged")
        return self._first_order_result(best, self.max_iter, curve, "max_iter")

    def _looks_separated(self, objective, z):
        """Whether the data look separated, given the fitted logits ``z``."""
        if np.all(((2.0 * objective.y - 1.0) * z)[objective.s > 0] > 0):
            # w itself classifies every sample correctly: proof of complete
            # separation, without the linear programme. Solvers stopped by a
            # gradient tolerance (lbfgs, gd, sgd) can stop there at moderate
            # logits, below the threshold that triggers the programme.
            return True
        small = (
            objective.X.shape[0] * objective.n_params <= _SEPARATION_ALWAYS_CHECKED_SIZE
        )
        if not small and np.max(np.abs(z)) < _SEPARATION_SUSPECT_LOGIT:
            return False
        if overlap_certified(
            objective.X, objective.y, objective.s, z, objective.fit_intercept
        ):
            return False
        return separation_detected(
            objective.X, objective.y, objective.s, objective.fit_intercept
        )

    # ------------------------------------------------------------ inference

    _INFERENCE_ATTRS = (
        "coef_se_",
        "intercept_se_",
        "covariance_",
        "log_likelihood_",
        "aic_",
        "bic_",
        "pseudo_r2_",
        "penalized_log_likelihood_",
        "_n_obs",
        "_objective",
        "_signature",
    )

    def _drop_inference(self):
        for name in self._INFERENCE_ATTRS:
            self.__dict__.pop(name, None)

    def _compute_inference(self, objective, w, separated, z=None, groups=None):
        r"""Inference of an unpenalised (or Firth) binary fit.

        The covariance is the inverse observed Fisher information
        :math:`(\tilde X^\top \mathrm{diag}(s_i p_i (1-p_i)) \tilde X)^{-1}`
        with the raw (frequency) sample weights :math:`s_i`, at ``w`` (whose
        logits ``z`` are computed unless given), or the sandwich of
        ``cov_type``. The objective is kept for the profile intervals and
        likelihood-ratio tests, which refit it.
        """
        total_weight = objective.total_weight
        if z is None:
            z = objective.logits(w)
        n_params = objective.n_params
        covariance = np.full((n_params, n_params), np.inf)
        if not separated:
            fisher = self._unpenalised_hessian(objective, w, z) * total_weight
            inverse, rank = inverse_and_rank(fisher)
            if rank == n_params:
                covariance = inverse
            else:
                warnings.warn(
                    f"The Fisher information has rank {rank} < {n_params}: "
                    "the features (with the intercept) are collinear, so the "
                    "coefficients are not identifiable and their standard "
                    "errors are infinite. Drop redundant features.",
                    UserWarning,
                )
        if (
            not separated
            and self.cov_type != "nonrobust"
            and np.isfinite(covariance).all()
        ):
            robust = robust_covariance(objective, w, self.cov_type, groups)
            covariance = covariance if robust is None else robust
        se = np.sqrt(np.diag(covariance))
        n_features = objective.n_features
        self.covariance_ = covariance
        self.coef_se_ = se[:n_features][None, :]
        self.intercept_se_ = se[n_features:] if objective.fit_intercept else None
        if self.intercept_se_ is None:
            self.intercept_se_ = np.zeros(1)
        log_lik = -total_weight * binary_log_loss(objective.y, z, objective.s)
        self.log_likelihood_ = float(log_lik)
        if self.firth:
            self.penalized_log_likelihood_ = float(log_likelihood(objective, w))
            if not np.isfinite(self.penalized_log_likelihood_):
                raise ValueError(
                    "firth=True needs a non-singular Fisher information, and the "
                    "features (with the intercept) are collinear or constant: "
                    "Firth's penalty log det I is -inf. Drop the redundant features."
                )
        objective.__dict__.pop("_design_cache", None)
        objective.logits_at = objective.gradient_at = objective.hessian_at = None
        self._objective = objective
        self._signature = _data_signature(objective)
        self.aic_ = 2 * n_params - 2 * log_lik
        self.bic_ = n_params * np.log(total_weight) - 2 * log_lik
        null_log_lik = self._null_log_likelihood(objective, total_weight)
        self.pseudo_r2_ = 1.0 - log_lik / null_log_lik if null_log_lik < 0 else 0.0
        self._n_obs = total_weight

    @staticmethod
    def _unpenalised_hessian(objective, w, z):
        """The Hessian without penalty at ``w``: the one the solver kept, if it
        was computed at exactly this ``w`` (without penalty), else a new one."""
        kept = _kept_at(objective.hessian_at, w)
        if kept is not None and objective.l2 == 0:
            return kept
        # the Fisher information (for Firth too: logistf's covariance)
        return _NeuronObjective.hessian(objective, z, l2=0.0)

    @staticmethod
    def _null_log_likelihood(objective, total_weight):
        """Log-likelihood of the intercept-only model (or of p = 1/2 without one)."""
        if not objective.fit_intercept:
            return total_weight * np.log(0.5)
        p = float(objective.s @ objective.y)
        if not 0 < p < 1:
            return 0.0
        # The fitted probability is the weighted share p of the positive class
        # for every sample: the log-likelihood is that of a Bernoulli(p).
        return total_weight * (p * np.log(p) + (1.0 - p) * np.log1p(-p))

    def _inference_level(self, level, alpha):
        """The confidence level from ``level`` (or the deprecated ``alpha``)."""
        if alpha is not None:
            warnings.warn(
                "summary(alpha=...) is deprecated: pass level=1 - alpha (e.g. "
                "level=0.95), as in the growth regressor. alpha will be removed "
                "in a future release.",
                FutureWarning,
                stacklevel=3,
            )
            if not (isinstance(alpha, Real) and 0 < alpha < 1):
                raise ValueError(f"alpha must be in (0, 1), got {alpha!r}.")
            return 1.0 - float(alpha)
        if not (isinstance(level, Real) and 0 < level < 1):
            raise ValueError(f"level must be in (0, 1); got {level!r}.")
        if level <= 0.5:
            warnings.warn(
                f"summary({level}) reads {level} as the old alpha (the first "
                f"argument is now the confidence level): level={1 - level:g} is "
                "used. Pass level= by name.",
                FutureWarning,
                stacklevel=3,
            )
            return 1.0 - float(level)
        return float(level)

    def _check_inference(self, what):
        check_is_fitted(self)
        if not hasattr(self, "coef_se_"):
            raise ValueError(self._why_no_inference().replace("summary()", what))

    @property
    def _estimate(self):
        w = self.coef_[0].astype(np.float64)
        return np.append(w, float(self.intercept_[0])) if self.fit_intercept else w

    @property
    def _loglik_hat(self):
        return self.penalized_log_likelihood_ if self.firth else self.log_likelihood_

    def conf_int(self, level=0.95, method="wald"):
        r"""Confidence intervals of the coefficients and the intercept.

        ``"wald"``: :math:`\hat b_j \pm \Phi^{-1}(1 - \alpha/2)\,se_j` (with
        the standard errors of ``cov_type``). ``"profile"``: the
        profile-likelihood interval :math:`\{b : 2(\hat\ell - \ell_j(b)) \le
        \chi^2_1(\text{level})\}`, :math:`\ell_j(b)` the log-likelihood
        maximised over the other coefficients with :math:`b_j = b` (R's
        ``confint`` on a glm); for ``firth`` fits the penalised likelihood's
        (as ``logistf``). An endpoint that does not exist (separation: the
        profile never falls that far) is :math:`\pm\infty`.

        Parameters
        ----------
        level : float, default=0.95
        method : {"wald", "profile"}, default="wald"

        Returns
        -------
        dict
            ``{name: (lower, upper)}``, with an ``"intercept"`` entry.
        """
        self._check_inference("conf_int()")
        if not (isinstance(level, Real) and 0 < level < 1):
            raise ValueError(f"level must be in (0, 1); got {level!r}.")
        names = self._parameter_names()
        w = self._estimate
        se = self._standard_errors()
        if method == "wald":
            half = stats.norm.ppf(0.5 + level / 2) * se
            return {
                n: (float(v - h), float(v + h))
                for n, v, h in zip(names, w, half, strict=True)
            }
        if method != "profile":
            raise ValueError(f'method must be "wald" or "profile"; got {method!r}.')
        nonrobust = np.sqrt(np.diag(self._fisher_covariance()))
        if not np.isfinite(self._loglik_hat):
            raise ValueError(
                "Profile intervals need a finite (penalised) log-likelihood; the "
                "Fisher information is singular here (collinear or constant "
                "features): drop the redundant features."
            )
        # under separation the likelihood never falls along the directions
        # that separate: those sides of those coefficients are infinite
        infinite = np.zeros((len(names), 2), dtype=bool)
        if self.separated_ and not self.firth:
            objective = self._objective
            infinite = receding_sides(
                objective.X, objective.y, objective.s, objective.fit_intercept
            )
        intervals, unresolved = {}, []
        for j, n in enumerate(names):
            lo, hi = profile_interval(
                self._objective,
                w,
                self._loglik_hat,
                j,
                level,
                nonrobust[j],
                infinite=infinite[j],
            )
            if np.isnan(lo) or np.isnan(hi):
                unresolved.append(n)
            intervals[n] = (float(lo), float(hi))
        if unresolved:
            warnings.warn(
                f"The profile likelihood of {', '.join(unresolved)} could not be "
                "resolved: the constrained maxima depend on where they start (the "
                "likelihood has several peaks, or runs off to infinity along a "
                "direction of near-separation); those endpoints are nan. Use "
                'method="wald", or fewer features.',
                ConvergenceWarning,
                stacklevel=2,
            )
        return intervals

    def _standard_errors(self):
        se = self.coef_se_[0]
        return np.append(se, self.intercept_se_[0]) if self.fit_intercept else se

    def _fisher_covariance(self):
        """The inverse Fisher information at the estimate (the scale of the
        profile's first steps, whatever ``cov_type``)."""
        if self.cov_type == "nonrobust":
            return self.covariance_
        objective = self._objective
        z = objective._affine(self._estimate)
        inverse, _ = inverse_and_rank(
            _NeuronObjective.hessian(objective, z, l2=0.0) * objective.total_weight
        )
        return self.covariance_ if inverse is None else inverse

    def summary(self, level=0.95, *, ci="wald", lrt=False, alpha=None):
        r"""Coefficient table of an unpenalised (or Firth) binary fit.

        For each coefficient :math:`\hat b_j` with standard error :math:`se_j`
        (of ``cov_type``): :math:`z_j = \hat b_j/se_j`, two-sided p-value
        :math:`2\Phi(-|z_j|)` and the interval at ``level`` (Wald, or the
        profile likelihood's, see :meth:`conf_int`).

        Parameters
        ----------
        level : float, default=0.95
            Confidence level of the intervals.
        ci : {"wald", "profile"}, default="wald"
        lrt : bool, default=False
            Add the likelihood-ratio test of each coefficient, dropped in
            turn (``lr_statistic``, ``lr_p_value``; R's
            ``drop1(test="LRT")``, ``logistftest`` for Firth fits).
        alpha : float, default=None
            Deprecated: one minus ``level``.

        Returns
        -------
        pandas.DataFrame
            Indexed by feature name (``x0``, ``x1`` ... when the training data
            had none) with an ``intercept`` row, columns ``coef``, ``std_err``,
            ``z``, ``p_value``, ``ci_lower``, ``ci_upper`` (and the LR
            columns). ``frame.attrs`` holds ``log_likelihood``, ``aic``,
            ``bic``, ``pseudo_r2``, ``n_obs``, ``separated``, ``cov_type``
            and ``firth``.
        """
        level = self._inference_level(level, alpha)
        self._check_inference("summary()")
        if ci not in ("wald", "profile"):
            raise ValueError(f'ci must be "wald" or "profile"; got {ci!r}.')
        pd = import_pandas("summary()")
        names = self._parameter_names()
        coef, se = self._estimate, self._standard_errors()
        finite = np.isfinite(se)
        with np.errstate(divide="ignore", invalid="ignore"):
            z = np.where(finite, coef / se, np.nan)
        p_value = np.where(finite, 2 * stats.norm.sf(np.abs(z)), np.nan)
        intervals = self.conf_int(level, method=ci)
        columns = {
            "coef": coef,
            "std_err": se,
            "z": z,
            "p_value": p_value,
            "ci_lower": [intervals[n][0] for n in names],
            "ci_upper": [intervals[n][1] for n in names],
        }
        if lrt:
            if not np.isfinite(self._loglik_hat):
                raise ValueError(
                    "Likelihood-ratio tests need a finite (penalised) "
                    "log-likelihood; the Fisher information is singular here "
                    "(collinear or constant features): drop the redundant features."
                )
            statistic, lr_p = drop_one_tests(self._objective, coef, self._loglik_hat)
            columns.update(lr_statistic=statistic, lr_p_value=lr_p)
        frame = pd.DataFrame(columns, index=pd.Index(names, name="feature"))
        frame.attrs.update(
            log_likelihood=self.log_likelihood_,
            aic=self.aic_,
            bic=self.bic_,
            pseudo_r2=self.pseudo_r2_,
            n_obs=self._n_obs,
            separated=self.separated_,
            cov_type=self.cov_type,
            firth=self.firth,
        )
        return frame

    def marginal_effects(self, X=None):
        r"""Average marginal effects :math:`\partial P(y=1)/\partial x_j`.

        :math:`\mathrm{AME}_j = \frac1n\sum_i p_i(1 - p_i)\,\beta_j` over
        the training rows (weighted) or the rows ``X`` given, with
        delta-method standard errors from ``covariance_`` (statsmodels'
        ``get_margeff(at="overall", method="dydx")``).

        Returns
        -------
        pandas.DataFrame
            Indexed by feature, columns ``dy_dx``, ``std_err``, ``z``,
            ``p_value``.
        """
        self._check_inference("marginal_effects()")
        pd = import_pandas("marginal_effects()")
        if X is None:
            objective = self._objective
            X_rows, weights = objective.X, objective.s
        else:
            X_rows = validate_data(
                self, X, reset=False, accept_sparse="csr", dtype=np.float64
            )
            weights = np.ones(X_rows.shape[0])
        effects, std = average_marginal_effects(
            self.coef_[0].astype(np.float64),
            float(self.intercept_[0]),
            X_rows,
            weights,
            self.covariance_,
            self.fit_intercept,
        )
        with np.errstate(divide="ignore", invalid="ignore"):
            z = effects / std
        return pd.DataFrame(
            {
                "dy_dx": effects,
                "std_err": std,
                "z": z,
                "p_value": 2 * stats.norm.sf(np.abs(z)),
            },
            index=pd.Index(
                self._parameter_names()[: self.n_features_in_], name="feature"
            ),
        )

    def _why_no_inference(self):
        if getattr(self, "_diverged", False):
            return (
                f"summary() needs the maximum-likelihood fit, but solver="
                f"{self.solver!r} diverged (see the ConvergenceWarning of fit): "
                "the coefficients are its best iterate, not the optimum, and "
                "Wald standard errors there would be invalid. Scale the "
                "features or lower learning_rate, or use solver='newton'."
            )
        if self.alpha > 0:
            return (
                f"summary() needs an unpenalised fit (alpha=0); with alpha={self.alpha}"
                " the estimates are shrunk towards zero, so their sampling "
                "distribution is not centred on the truth and Wald standard "
                "errors, p-values and intervals would be invalid."
            )
        return (
            "summary() applies to binary targets; a multiclass fit is a set of "
            "one-vs-rest neurons, which is not one likelihood model."
        )

    # -------------------------------------------------------------- predict

    def predict_proba(self, X):
        """Probability of each class.

        Binary: :math:`(1 - g(z), g(z))`. Multiclass: the one-vs-rest sigmoid
        outputs normalised to sum to one.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)

        Returns
        -------
        ndarray of shape (n_samples, n_classes)
        """
        return np.exp(self.predict_log_proba(X))

    def predict_log_proba(self, X):
        """Log-probability of each class, computed from the logits.

        Binary: :math:`(\\log g(-z), \\log g(z))` by a stable log-sigmoid, so
        that log-probabilities of confidently classified samples are exact
        rather than ``log`` of a probability rounded to 0. Multiclass:
        :math:`\\log g(z_k) - \\log\\sum_j g(z_j)` by log-sum-exp.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)

        Returns
        -------
        ndarray of shape (n_samples, n_classes)
        """
        check_is_fitted(self)
        z = self.decision_function(X)
        if z.ndim == 1:
            return np.column_stack([log_sigmoid(-z), log_sigmoid(z)])
        log_g = log_sigmoid(z)
        return log_g - logsumexp(log_g, axis=1, keepdims=True)


def _data_signature(objective):
    """Random projections of the training data's columns, y and weights: two
    fits share a column (or y, or the weights) when they share its projection,
    to rounding (what :func:`likelihood_ratio_test` checks nesting with)."""
    rng = np.random.default_rng(20261201)
    v = rng.standard_normal(objective.X.shape[0])
    columns = np.asarray(safe_sparse_dot(objective.X.T, v)).ravel()
    return {
        "n": objective.X.shape[0],
        "columns": columns,
        "y": float(v @ objective.y),
        "s": float(v @ (objective.s * objective.total_weight)),
    }


def likelihood_ratio_test(reduced, full):
    r"""Likelihood-ratio test of two nested fitted neurons on the same data.

    :math:`\Lambda = 2(\ell_{full} - \ell_{reduced})` against
    :math:`\chi^2_{df}`, ``df`` the extra parameters of ``full`` (R's
    ``anova(reduced, full, test="LRT")``). Firth fits are compared by their
    penalised log-likelihoods (as ``logistf``'s ``anova``); both fits must
    then be Firth fits.

    Parameters
    ----------
    reduced, full : SigmoidNeuronClassifier
        Unpenalised binary fits on the same rows, targets and weights; the
        features of ``reduced`` are a subset of those of ``full`` (and an
        intercept only if ``full`` has one).

    Returns
    -------
    LikelihoodRatioTest
        ``(statistic, df, p_value)``.

    Raises
    ------
    ValueError
        When the fits are not nested, not on the same data, or have no
        likelihood (penalised, multiclass, diverged).
    """
    for what, fit in (("reduced", reduced), ("full", full)):
        if not isinstance(fit, SigmoidNeuronClassifier):
            raise ValueError(
                f"{what} must be a fitted SigmoidNeuronClassifier; got {type(fit)}."
            )
        fit._check_inference(f"likelihood_ratio_test ({what} fit)")
    if reduced.firth != full.firth:
        raise ValueError(
            "Compare Firth fits with Firth fits: their log-likelihoods are "
            "penalised, the others' are not."
        )
    a, b = reduced._signature, full._signature
    same = (
        a["n"] == b["n"]
        and np.isclose(a["y"], b["y"], rtol=1e-9, atol=1e-9)
        and np.isclose(a["s"], b["s"], rtol=1e-9, atol=1e-9)
    )
    if not same:
        raise ValueError(
            "The fits were not fitted on the same data (rows, targets, weights)."
        )
    scale = max(np.abs(b["columns"]).max(initial=0.0), 1.0)
    for column in a["columns"]:
        if not np.any(np.abs(b["columns"] - column) <= 1e-9 * scale):
            raise ValueError(
                "The fits are not nested: a feature of the reduced fit is not "
                "among the full fit's."
            )
    if reduced.fit_intercept and not full.fit_intercept:
        raise ValueError(
            "The fits are not nested: the reduced fit has an intercept, the "
            "full fit none."
        )
    df = full._estimate.size - reduced._estimate.size
    if df <= 0:
        raise ValueError(
            f"The fits are not nested: the full fit has {full._estimate.size} "
            f"parameters, the reduced {reduced._estimate.size} (pass "
            "likelihood_ratio_test(reduced, full))."
        )
    statistic = max(2.0 * (full._loglik_hat - reduced._loglik_hat), 0.0)
    return LikelihoodRatioTest(statistic, int(df), float(stats.chi2.sf(statistic, df)))

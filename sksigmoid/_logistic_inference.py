r"""Inference of a binary sigmoid neuron: what statisticians get from R.

Everything here reads a fitted neuron's objective (the mean log-loss of
:class:`~sksigmoid.neuron._NeuronObjective`, or Firth's penalised version) at its estimate :math:`\hat w = (\hat\beta, \hat b)`.
With raw (frequency) sample weights :math:`S_i`, :math:`W = \sum_i S_i`,
:math:`p_i = g(\tilde x_i^\top w)` and the Fisher information
:math:`I(w) = \tilde X^\top \mathrm{diag}(S_i p_i (1 - p_i)) \tilde X`:

- **Firth** (:func:`firth_penalty`, used by the neuron's Firth objective): the log-likelihood penalised by
  :math:`\tfrac12 \log\det I(w)` (the Jeffreys prior); its score is
  :math:`U^*(w) = \tilde X^\top [S (y - p) + h (\tfrac12 - p)]` with
  :math:`h` the diagonal of the hat matrix (R's ``logistf``).
- **Profile likelihood** (:func:`._profile_likelihood.profile_interval`): the
  :math:`\{b : 2(\hat\ell - \ell_j(b)) \le \chi^2_{1}(\text{level})\}`,
  :math:`\ell_j(b)` the (penalised) log-likelihood maximised over the other
  coefficients with :math:`w_j = b`; an endpoint that does not exist (the
  profile never falls that far: separation) is :math:`\pm\infty`.
- **Likelihood-ratio tests** (:func:`._profile_likelihood.drop_one_tests`): :math:`2(\hat\ell -
  \ell_j(0))` against :math:`\chi^2_1` (R's ``drop1(test="LRT")``, and
  ``logistftest``, whose penalty keeps the full model's information).
- **Robust covariance** (:func:`robust_covariance`): the sandwich
  :math:`I^{-1} M I^{-1}` with the meat of White (HC0, statsmodels'), its
  small-sample corrections HC1 (:math:`W/(W - k)`), HC2 and HC3 (scores
  divided by :math:`\sqrt{1 - h_i}` and :math:`1 - h_i`, as R's
  ``sandwich::vcovHC`` on a glm), and clusters (CRV1 with statsmodels'
  correction :math:`\frac{G}{G-1}\frac{W-1}{W-k}`).
- **Average marginal effects** (:func:`average_marginal_effects`):
  :math:`\overline{p(1-p)}\,\beta_j` with delta-method errors
  (statsmodels' ``get_margeff(at="overall")``).
"""

from collections import namedtuple

import numpy as np
import scipy.sparse as sp
from scipy import linalg

from ._numeric import sigmoid

__all__ = [
    "firth_penalty",
    "firth_penalty_gradient",
    "firth_penalty_hessian",
    "robust_covariance",
    "average_marginal_effects",
    "LikelihoodRatioTest",
    "COV_TYPES",
]

COV_TYPES = ("nonrobust", "HC0", "HC1", "HC2", "HC3", "cluster")

LikelihoodRatioTest = namedtuple("LikelihoodRatioTest", ["statistic", "df", "p_value"])
LikelihoodRatioTest.__doc__ = """A likelihood-ratio test of two nested fits:
``statistic`` :math:`= 2(\\ell_{full} - \\ell_{reduced})`, ``df`` the extra
parameters of the full fit, ``p_value`` from :math:`\\chi^2_{df}`."""


def _design_rows(objective):
    r""":math:`\tilde X` (dense or CSR), with the column of ones when fitted."""
    X = objective.X
    if not objective.fit_intercept:
        return X
    cached = getattr(objective, "_design_cache", None)
    if cached is not None and cached[0] is X:
        return cached[1]
    ones = np.ones((X.shape[0], 1), dtype=X.dtype)
    if sp.issparse(X):
        X1 = sp.hstack([X, sp.csr_matrix(ones)], format="csr")
    else:
        X1 = np.hstack([X, ones])
    objective._design_cache = (X, X1)
    return X1


def _hat_diagonal(X1, weights, information):
    r""":math:`h_i = \omega_i \tilde x_i^\top I^{-1} \tilde x_i` (the hat matrix's
    diagonal of the weighted design), or None when ``I`` is singular."""
    try:
        factor = linalg.cho_factor(information, check_finite=False)
    except (linalg.LinAlgError, ValueError):
        return None
    if sp.issparse(X1):
        solved = linalg.cho_solve(factor, X1.T.toarray(), check_finite=False)
        quad = np.asarray(X1.multiply(solved.T).sum(axis=1)).ravel()
    else:
        solved = linalg.cho_solve(factor, X1.T, check_finite=False)
        quad = np.einsum("ij,ji->i", X1, solved)
    return weights * quad


def _firth_information(objective, z):
    """``p``, the normalised Fisher weights and the upper Cholesky factor of
    the raw information :math:`I` at ``z`` (None when singular), cached for
    the last ``z`` (a loss and a gradient at the same point share them)."""
    from .neuron import weighted_gram

    cached = getattr(objective, "_firth_at", None)
    if (
        cached is not None
        and cached[0].shape == z.shape
        and np.array_equal(cached[0], z)
    ):
        return cached[1]
    p = sigmoid(z)
    omega = objective.s * p * (1.0 - p)
    H = weighted_gram(objective.X, omega, ones_column=objective.fit_intercept)
    try:
        factor = linalg.cholesky(H * objective.total_weight, check_finite=False)
        inverse = linalg.solve_triangular(
            factor, np.eye(factor.shape[0]), check_finite=False
        )
    except (linalg.LinAlgError, ValueError):
        factor = inverse = None
    parts = (p, omega, factor, inverse)
    objective._firth_at = (z.copy(), parts)
    return parts


def firth_penalty(objective, z):
    r"""Firth's penalty :math:`\tfrac12\log\det I(w)` at the logits ``z``
    (raw weights; ``-inf`` when :math:`I` is singular)."""
    factor = _firth_information(objective, z)[2]
    if factor is None:
        return -np.inf
    return float(np.log(np.diag(factor)).sum())


def firth_penalty_gradient(objective, z):
    r"""The gradient of Firth's penalty, :math:`\tilde X^\top [h(\tfrac12 -
    p)]` with :math:`h_i = S_i p_i(1 - p_i)\,\tilde x_i^\top I^{-1} \tilde x_i`
    (the hat matrix's diagonal, from the Cholesky factor of :math:`I`)."""
    p, omega, factor, inverse = _firth_information(objective, z)
    X1 = _design_rows(objective)
    if factor is None:
        return np.zeros(X1.shape[1])
    # I = R^T R: x^T I^{-1} x = |x R^{-1}|^2, one product with the small R^{-1}
    A = np.asarray(X1 @ inverse)
    h = omega * objective.total_weight * (A * A).sum(axis=1)
    return np.asarray(X1.T @ (h * (0.5 - p))).ravel()


def firth_penalty_hessian(objective, z):
    r"""The Hessian of Firth's penalty :math:`P = \tfrac12\log\det I(w)`.

    With :math:`\omega_i = S_i p_i(1 - p_i)`, its derivatives
    :math:`\omega'_i = \omega_i(1 - 2p_i)`, :math:`\omega''_i =
    \omega_i((1 - 2p_i)^2 - 2p_i(1 - p_i))`, :math:`M = I^{-1}` and
    :math:`q_i = \tilde x_i^\top M \tilde x_i`,

    .. math::
        \nabla^2 P = \tfrac12 \tilde X^\top \mathrm{diag}(\omega'' q)
        \tilde X - \tfrac12 \sum_{i,j} \omega'_i \omega'_j
        (\tilde x_i^\top M \tilde x_j)^2\, \tilde x_i \tilde x_j^\top .

    The double sum is :math:`B^\top B` with :math:`B = \sum_i (y_i \otimes
    y_i)\,\omega'_i \tilde x_i^\top`, :math:`y_i = L^\top \tilde x_i`,
    :math:`M = L L^\top` with :math:`L = R^{-1}` from the Cholesky factor
    :math:`I = R^\top R` the penalty computed at ``z``: :math:`O(n k^3)`, in
    blocks of rows. None when :math:`I` is singular.
    """
    p, omega, factor, L = _firth_information(objective, z)
    if factor is None:
        return None
    omega = omega * objective.total_weight  # raw weights
    d1 = omega * (1.0 - 2.0 * p)
    d2 = omega * ((1.0 - 2.0 * p) ** 2 - 2.0 * p * (1.0 - p))
    X1 = _design_rows(objective)
    dense = X1.toarray() if sp.issparse(X1) else np.asarray(X1, dtype=np.float64)
    k = factor.shape[0]
    Y = dense @ L  # rows y_i^T = x_i^T L
    q = (Y * Y).sum(axis=1)
    first = 0.5 * (dense * (d2 * q)[:, None]).T @ dense
    B = np.zeros((k * k, k))
    block = max(1, 4_000_000 // (k * k))
    for start in range(0, dense.shape[0], block):
        rows = slice(start, start + block)
        outer = (Y[rows, :, None] * Y[rows, None, :]).reshape(-1, k * k)
        B += outer.T @ (dense[rows] * d1[rows, None])
    return first - 0.5 * B.T @ B


def log_likelihood(objective, w):
    """The (penalised, for Firth) log-likelihood at ``w``: ``-W L(w)``."""
    return -objective.total_weight * objective.loss(w, objective._affine(w))


# --------------------------------------------------------------------------
# robust covariance and marginal effects
# --------------------------------------------------------------------------
def _scores_and_bread(objective, w):
    """Per-row score factors S (y - p), the design, Fisher weights and the
    inverse information (raw weights)."""
    from .neuron import inverse_and_rank, weighted_gram

    z = objective._affine(w)
    p = sigmoid(z)
    S = objective.s * objective.total_weight
    omega = S * p * (1.0 - p)
    information = weighted_gram(objective.X, omega, ones_column=objective.fit_intercept)
    bread, _ = inverse_and_rank(information)
    return objective.y - p, S, omega, information, bread, _design_rows(objective)


def robust_covariance(objective, w, cov_type, groups=None):
    r"""The sandwich covariance :math:`I^{-1} M I^{-1}` of ``cov_type``.

    Sample weights are frequency weights: a row of weight :math:`S_i` is
    :math:`S_i` rows, each with score :math:`(y_i - p_i)\tilde x_i` and
    leverage :math:`h_i/S_i`.

    Returns
    -------
    ndarray of shape (k, k), or None when the information is singular.
    """
    residual, S, omega, information, bread, X1 = _scores_and_bread(objective, w)
    if bread is None:
        return None
    k = information.shape[0]
    total = S.sum()
    if cov_type == "cluster":
        _, index = np.unique(groups, return_inverse=True)
        n_groups = index.max() + 1
        u = S * residual
        sums = sp.csr_matrix(
            (np.ones(index.size), (index, np.arange(index.size))),
            shape=(n_groups, index.size),
        ) @ (X1.multiply(u[:, None]).tocsr() if sp.issparse(X1) else X1 * u[:, None])
        sums = sums.toarray() if sp.issparse(sums) else np.asarray(sums)
        meat = sums.T @ sums
        correction = n_groups / (n_groups - 1.0) * (total - 1.0) / (total - k)
    else:
        per_copy = residual**2
        if cov_type in ("HC2", "HC3"):
            h = _hat_diagonal(X1, omega, information)
            with np.errstate(divide="ignore"):
                leverage = np.where(S > 0, h / np.where(S > 0, S, 1.0), 0.0)
            power = 1.0 if cov_type == "HC2" else 2.0
            per_copy = per_copy / (1.0 - leverage) ** power
        weights = S * per_copy
        if sp.issparse(X1):
            meat = np.asarray((X1.T @ X1.multiply(weights[:, None])).toarray())
        else:
            meat = (X1 * weights[:, None]).T @ X1
        correction = total / (total - k) if cov_type == "HC1" else 1.0
    return correction * (bread @ meat @ bread)


def average_marginal_effects(coef, intercept, X, weights, covariance, fit_intercept):
    r"""Average marginal effects :math:`\mathrm{AME}_j = \overline{p(1-p)}\,\beta_j`
    over the rows of ``X`` (weighted means) and their delta-method standard
    errors, :math:`\nabla_w \mathrm{AME}_j = \overline{p(1-p)(1-2p)\tilde x}
    \,\beta_j + \overline{p(1-p)}\,e_j`.

    Returns
    -------
    effects, std_errors : ndarray of shape (n_features,)
    """
    z = np.asarray(X @ coef).ravel() + intercept
    p = sigmoid(z)
    m = weights / weights.sum()
    slope = float(m @ (p * (1.0 - p)))
    curvature = m * p * (1.0 - p) * (1.0 - 2.0 * p)
    mean_x = np.asarray(X.T @ curvature).ravel()
    if fit_intercept:
        mean_x = np.append(mean_x, curvature.sum())
    k = coef.size
    G = np.outer(coef, mean_x)
    G[np.arange(k), np.arange(k)] += slope
    effects = slope * coef
    std = np.sqrt(np.einsum("ij,jk,ik->i", G, covariance, G))
    return effects, std

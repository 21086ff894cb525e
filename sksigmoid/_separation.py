r"""Separation of the classes of a binary sigmoid neuron (Konis 2007).

The rows :math:`u_i = (2y_i - 1)\tilde x_i` of the samples of positive
weight decide it: the maximum-likelihood estimate exists exactly when no
direction :math:`d \ne 0` has :math:`U d \ge 0, Ud \ne 0` (along one, no
sample's likelihood falls). A fit's own probabilities can prove that none
does (:func:`overlap_certified`); otherwise linear programmes find one
(:func:`separation_direction`) and the sides of each coefficient that such
directions move (:func:`receding_sides`: the infinite ends of profile
intervals).
"""

import numpy as np
import scipy.sparse as sp
from scipy.linalg import lapack
from scipy.optimize import linprog

from ._numeric import sigmoid


def overlap_certified(X, y, sample_weight, z, fit_intercept):
    r"""Whether the fit at logits ``z`` proves that the classes overlap (no
    complete or quasi-complete separation), without the linear programme.

    By Stiemke's theorem, no :math:`\beta` has :math:`U\beta \ge 0,
    U\beta \ne 0` (rows :math:`u_i = (2y_i - 1)\tilde x_i` over the samples
    of positive weight) exactly when some :math:`\lambda > 0` has
    :math:`U^\top\lambda = 0`. At the maximum-likelihood estimate
    :math:`\lambda_i = s_i |y_i - p_i|` is one (its score is
    :math:`U^\top\lambda`); at any other fit (Firth's, a solver's last
    iterate) it is projected onto the null space of :math:`U^\top`,
    :math:`\lambda - U (U^\top U)^{-1} U^\top \lambda`, twice (the second
    correction bounds the rounding of the first). Certified when every entry
    stays positive by more than that bound (the scales of the columns,
    :func:`_signed_rows`, do not change it); otherwise (or for sparse or
    collinear ``X``) the programme decides.
    """
    from .neuron import jacobi_scale, well_conditioned_cholesky

    if sp.issparse(X):
        return False
    U, _ = _signed_rows(X, y, sample_weight, fit_intercept)
    keep = sample_weight > 0
    lam = sample_weight[keep] * np.abs(y[keep] - sigmoid(z[keep]))
    gram = U.T @ U
    d = jacobi_scale(gram)
    factor = well_conditioned_cholesky(gram / np.outer(d, d))
    if factor is None:
        return False

    def projection(v):  # of v onto the column space of U
        return U @ (lapack.dpotrs(factor, (U.T @ v) / d)[0] / d)

    lam = lam - projection(lam)
    # once more: what is left of the projection bounds its rounding
    correction = projection(lam)
    lam = lam - correction
    return bool(lam.min() > 0 and np.abs(correction).max() <= 0.5 * lam.min())


def separation_detected(X, y, sample_weight, fit_intercept):
    """Whether the classes are (quasi-)completely separated (see
    :func:`separation_direction`)."""
    return separation_direction(X, y, sample_weight, fit_intercept) is not None


def _signed_rows(X, y, sample_weight, fit_intercept):
    r"""The rows :math:`u_i = (2y_i - 1)\tilde x_i` of the samples of positive
    weight, each column scaled to a largest entry of 1 (separation does not
    depend on the units; with a box :math:`[-1, 1]` a linear programme's
    optimum does), and those scales."""
    keep = sample_weight > 0
    X, y = X[keep], y[keep]
    sign = 2.0 * y - 1.0
    if sp.issparse(X):
        U = sp.csr_matrix(X.multiply(sign[:, None]))
        if fit_intercept:
            U = sp.hstack([U, sp.csr_matrix(sign[:, None])], format="csr")
        column_max = abs(U).max(axis=0).toarray().ravel()
        column_max = np.where(column_max > 0, column_max, 1.0)
        return sp.csr_matrix(U @ sp.diags(1.0 / column_max)), column_max
    U = X * sign[:, None]
    if fit_intercept:
        U = np.hstack([U, sign[:, None]])
    column_max = np.abs(U).max(axis=0)
    column_max = np.where(column_max > 0, column_max, 1.0)
    return U / column_max, column_max


def receding_sides(X, y, sample_weight, fit_intercept):
    r"""For each coefficient, whether some direction :math:`d` with
    :math:`U d \ge 0` (along which no sample's log-likelihood falls) has
    :math:`d_j < 0`, and whether one has :math:`d_j > 0`.

    Where one does, the profile likelihood of coefficient :math:`j` never
    falls below the likelihood of the fit on that side (follow :math:`d`
    from it): that endpoint of every profile interval is infinite. One
    linear programme per coefficient and side, :math:`\max \pm d_j` over
    :math:`U d \ge 0, d \in [-1, 1]`.

    Returns
    -------
    ndarray of bool, shape (n_params, 2)
        ``[j, 0]``: towards :math:`-\infty`; ``[j, 1]``: towards :math:`+\infty`.
    """
    U, _ = _signed_rows(X, y, sample_weight, fit_intercept)
    k = U.shape[1]
    sides = np.zeros((k, 2), dtype=bool)
    for j in range(k):
        for side, column in ((-1.0, 0), (1.0, 1)):
            c = np.zeros(k)
            c[j] = -side
            result = linprog(
                c, A_ub=-U, b_ub=np.zeros(U.shape[0]), bounds=(-1, 1), method="highs"
            )
            sides[j, column] = result.status == 0 and -result.fun > 1e-7
    return sides


def separation_direction(X, y, sample_weight, fit_intercept):
    r"""Whether the classes are (quasi-)completely separated (Konis 2007).

    Solves the linear programme

    .. math::
        \max_{\beta \in [-1, 1]^d} \sum_i u_i^\top \beta
        \quad\text{s.t.}\quad u_i^\top \beta \ge 0,
        \qquad u_i = (2y_i - 1)\,\tilde x_i ,

    over the samples of positive weight. A positive optimum is a direction
    along which the log-likelihood increases without bound: the maximum-
    likelihood estimate does not exist. The columns of :math:`U` are scaled
    to a largest entry of 1 first (:func:`_signed_rows`), so that the test
    does not depend on the units of the features. Returns that direction
    (the coefficients, intercept last), or None when the classes overlap.
    """
    U, column_max = _signed_rows(X, y, sample_weight, fit_intercept)
    col_sums = np.asarray(U.sum(axis=0)).ravel()
    result = linprog(
        -col_sums,
        A_ub=-U,
        b_ub=np.zeros(U.shape[0]),
        bounds=(-1, 1),
        method="highs",
    )
    if result.status != 0:
        return None
    if -result.fun > 1e-6 * U.shape[0]:
        return result.x / column_max
    return None

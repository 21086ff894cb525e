r"""Global fits: curves that share parameters, as one row of the engine.

A global fit of :math:`C` curves has :math:`p` parameters of each curve's own
(:math:`\theta_c`) and :math:`s` shared by all (:math:`\phi`). Its normal
matrix is *block-arrowhead*,

.. math::
    A = \begin{pmatrix}
        A_1 &        &     & B_1 \\
            & \ddots &     & \vdots \\
            &        & A_C & B_C \\
        B_1^\top & \cdots & B_C^\top & S
    \end{pmatrix},
    \quad A_c = J_c^\top J_c,\ B_c = J_c^\top K_c,\
    S = \sum_c K_c^\top K_c,

with :math:`J_c` and :math:`K_c` the Jacobian of curve :math:`c`'s weighted
residuals in :math:`\theta_c` and :math:`\phi`. A step solves it by the Schur
complement: with :math:`X_c = A_c^{-1} B_c` and :math:`x_c = A_c^{-1} g_c`,

.. math::
    \Big(S - \sum_c B_c^\top X_c\Big)\,\delta_\phi
        = g_\phi - \sum_c B_c^\top x_c, \qquad
    \delta_c = x_c - X_c\,\delta_\phi,

:math:`C` small systems and one of size :math:`s`: the cost grows linearly
with the number of curves. The covariance comes from the same blocks:
:math:`\operatorname{Cov}(\phi) = \hat\sigma^2 \Sigma^{-1}` with
:math:`\Sigma` the Schur complement, :math:`\operatorname{Cov}(\theta_c,
\phi) = -\hat\sigma^2 X_c \Sigma^{-1}` and :math:`\operatorname{Cov}(\theta_c,
\theta_{c'}) = \hat\sigma^2 (\delta_{cc'} A_c^{-1} + X_c \Sigma^{-1}
X_{c'}^\top)`.

:class:`JointBatch` is a :class:`._engine.Batch` whose rows are starts of one
global fit; the engine's iteration (acceptance, damping, stopping) is the
same, only the algebra of the normal matrix differs.
"""

from dataclasses import dataclass

import numpy as np

from ._engine import _EPS, SINGULAR_EIGENVALUE, Batch, solve_each

__all__ = ["Arrowhead", "JointBatch", "JointCovariance", "joint_covariance"]


@dataclass
class Arrowhead:
    """Block-arrowhead normal matrices of n rows.

    ``local`` (n, C, p, p), ``coupling`` (n, C, p, s), ``shared`` (n, s, s).
    """

    local: np.ndarray
    coupling: np.ndarray
    shared: np.ndarray

    def __getitem__(self, key):
        return Arrowhead(self.local[key], self.coupling[key], self.shared[key])

    def __setitem__(self, key, other):
        self.local[key] = other.local
        self.coupling[key] = other.coupling
        self.shared[key] = other.shared


def _diagonal(M):
    """The diagonals of a stack of square matrices (..., q, q) -> (..., q)."""
    return np.diagonal(M, axis1=-2, axis2=-1)


def _solve_positive(M, rhs):
    """Batched ``solve(M, rhs)`` for positive definite ``M`` (..., p, p):
    Gaussian elimination without pivoting, vectorised over the stack (for the
    small blocks of a global fit, several times faster than LAPACK's per-matrix
    calls); NaN where a pivot is not positive."""
    M, rhs = M.copy(), rhs.copy()
    p = M.shape[-1]
    for k in range(p):
        pivot = M[..., k, k]
        pivot = np.where(pivot > 0, pivot, np.nan)
        factor = M[..., k + 1 :, k] / pivot[..., None]
        M[..., k + 1 :, k:] -= factor[..., :, None] * M[..., k, None, k:]
        rhs[..., k + 1 :, :] -= factor[..., :, None] * rhs[..., k, None, :]
        M[..., k, k] = pivot
    x = np.empty_like(rhs)
    for k in range(p - 1, -1, -1):
        rest = (M[..., k, k + 1 :, None] * x[..., k + 1 :, :]).sum(axis=-2)
        x[..., k, :] = (rhs[..., k, :] - rest) / M[..., k, k, None]
    return x


class JointBatch(Batch):
    """The starts of one global fit as rows of the engine (internal units).

    A row's parameters are ``[theta_1, ..., theta_C, phi]``: the free
    parameters of each curve's own (curve after curve), then the free shared
    ones.

    Parameters
    ----------
    curves : callable
        ``curves(params) -> (f, J)`` for rows of full model parameters
        (n, n_params): the curves (n, n_points) and their Jacobian
        (n, n_points, n_params).
    Y, sqrt_w : ndarray of shape (n_curves, n_points)
        Responses and square roots of the weights (0 where missing).
    base : ndarray of shape (n_curves, n_params)
        Every curve's parameters; the fixed ones hold their values.
    local, shared : ndarray of int
        The columns (model parameters) that are free per curve, and free
        and shared.
    lower, upper : ndarray of shape (n_curves, n_params)
        Bounds of every curve's parameters (those of a shared parameter are
        read off the first curve).
    """

    def __init__(self, curves, Y, sqrt_w, base, local, shared, lower, upper):
        self.curves = curves
        self.base = base
        self.local, self.shared = np.asarray(local, int), np.asarray(shared, int)
        self.n_curves, self.n_points = Y.shape
        self.p, self.s = self.local.size, self.shared.size
        self.columns = np.concatenate([self.local, self.shared])
        n_free = self.n_curves * self.p + self.s
        super().__init__(
            evaluate=None,
            Y=Y.reshape(1, -1),
            sqrt_w=sqrt_w.reshape(1, -1),
            free=np.ones(n_free, dtype=bool),
            lower=self.row_params(lower)[None],
            upper=self.row_params(upper)[None],
        )

    # --------------------------------------------------- parameters <-> rows
    def full_params(self, params):
        """Rows (n, n_free) -> every curve's model parameters (n, C, n_params)."""
        n = params.shape[0]
        C, p = self.n_curves, self.p
        full = np.repeat(self.base[None], n, axis=0)
        full[:, :, self.local] = params[:, : C * p].reshape(n, C, p)
        full[:, :, self.shared] = params[:, None, C * p :]
        return full

    def row_params(self, full):
        """Every curve's parameters (C, n_params) -> a row (n_free,)."""
        return np.concatenate([full[:, self.local].ravel(), full[0, self.shared]])

    def residuals_and_jacobian(self, params, data):
        n = params.shape[0]
        C, m = self.n_curves, self.n_points
        full = self.full_params(params).reshape(n * C, -1)
        f, J = self.curves(full)
        J = J[..., self.columns].reshape(n, C, m, self.columns.size)
        f = f.reshape(n, C * m)
        if self.unit_weights:
            return data.Y - f, J
        J *= data.sqrt_w.reshape(-1, C, m, 1)
        return data.sqrt_w * (data.Y - f), J

    def normal_equations(self, r, J, weight):
        n, C, m, q = J.shape
        p = self.p
        # every curve's whole Gram matrix in one product (its blocks are the
        # local one, the coupling and the curve's share of the shared one)
        JT = np.ascontiguousarray(J.transpose(0, 1, 3, 2))
        gram = np.matmul(JT, J)
        A = Arrowhead(
            np.ascontiguousarray(gram[..., :p, :p]),
            np.ascontiguousarray(gram[..., :p, p:]),
            gram[..., p:, p:].sum(axis=1),
        )
        g = np.matmul(JT, r.reshape(n, C, m, 1))[..., 0]
        g_local = g[..., :p].reshape(n, C * p)
        return A, np.concatenate([g_local, g[..., p:].sum(axis=1)], axis=1)

    # ------------------------------------------------ the arrowhead algebra
    def diagonal(self, A):
        n = A.shared.shape[0]
        return np.concatenate(
            [_diagonal(A.local).reshape(n, -1), _diagonal(A.shared)], axis=1
        )

    def finite(self, A):
        return (
            np.isfinite(A.local).all(axis=(1, 2, 3))
            & np.isfinite(A.coupling).all(axis=(1, 2, 3))
            & np.isfinite(A.shared).all(axis=(1, 2))
        )

    def _split(self, v):
        n = v.shape[0]
        C, p = self.n_curves, self.p
        return v[:, : C * p].reshape(n, C, p), v[:, C * p :]

    def matvec(self, A, step):
        loc, sh = self._split(step)
        out_loc = (
            np.matmul(A.local, loc[..., None])[..., 0]
            + np.matmul(A.coupling, sh[:, None, :, None])[..., 0]
        )
        out_sh = (
            np.einsum("ncps,ncp->ns", A.coupling, loc)
            + np.matmul(A.shared, sh[..., None])[..., 0]
        )
        return np.concatenate([out_loc.reshape(step.shape[0], -1), out_sh], axis=1)

    def solve_steps(self, A, g, damping, held, diagonal):
        r"""Solve :math:`(A + \lambda\,\mathrm{diag}(A))\,\delta = g` per row by
        the Schur complement (as :func:`._engine._solve_steps`: the diagonal
        floored at :math:`\epsilon \max_j A_{jj}`, held parameters a zero
        step, NaN where a system cannot be solved)."""
        n = g.shape[0]
        floor = _EPS * diagonal.max(axis=1, keepdims=True)
        add = damping[:, None] * np.maximum(diagonal, floor)
        add_loc, add_sh = self._split(add)
        g_loc, g_sh = self._split(g)
        M_loc, B, M_sh = A.local.copy(), A.coupling.copy(), A.shared.copy()
        p, s = self.p, self.s
        i_p, i_s = np.arange(p), np.arange(s)
        M_loc[..., i_p, i_p] += add_loc
        M_sh[..., i_s, i_s] += add_sh
        if held is not None and held.any():
            h_loc, h_sh = self._split(held)
            k_loc, k_sh = ~h_loc, ~h_sh
            M_loc *= k_loc[..., :, None] & k_loc[..., None, :]
            M_loc[..., i_p, i_p] = np.where(h_loc, 1.0, M_loc[..., i_p, i_p])
            B *= k_loc[..., :, None] & k_sh[:, None, None, :]
            M_sh *= k_sh[:, :, None] & k_sh[:, None, :]
            M_sh[..., i_s, i_s] = np.where(h_sh, 1.0, M_sh[..., i_s, i_s])
            g_loc, g_sh = np.where(k_loc, g_loc, 0.0), np.where(k_sh, g_sh, 0.0)
        solved = _solve_positive(M_loc, np.concatenate([B, g_loc[..., None]], axis=3))
        X, x = solved[..., :s], solved[..., s]
        BT = B.transpose(0, 1, 3, 2)
        schur = M_sh - np.matmul(BT, X).sum(axis=1)
        rhs = g_sh - np.matmul(BT, x[..., None])[..., 0].sum(axis=1)
        d_sh = solve_each(schur, rhs[..., None])[..., 0]
        d_loc = x - np.matmul(X, d_sh[:, None, :, None])[..., 0]
        return np.concatenate([d_loc.reshape(n, -1), d_sh], axis=1)


# --------------------------------------------------------------------------
# covariance of a global fit
# --------------------------------------------------------------------------
@dataclass
class JointCovariance:
    r"""The inverse normal matrix of a global fit, by blocks (internal units).

    Scaled (each column of the Jacobian to unit norm, ``scale``) and
    multiplied by :math:`\hat\sigma^2`: ``local_inverse`` (C, p, p) the
    :math:`A_c^{-1}`, ``X`` (C, p, s), ``schur_inverse`` (s, s).
    """

    local_inverse: np.ndarray
    X: np.ndarray
    schur_inverse: np.ndarray
    scale: np.ndarray  # (C * p + s,) column norms of the Jacobian
    sigma2: float
    singular: bool

    def full(self):
        """The covariance of every free parameter, (C p + s, C p + s)."""
        C, p, s = self.X.shape
        Xs = self.X.reshape(C * p, s)
        top_left = np.zeros((C * p, C * p))
        for c in range(C):  # the block diagonal of the A_c^{-1}
            top_left[c * p : (c + 1) * p, c * p : (c + 1) * p] = self.local_inverse[c]
        top_left += Xs @ self.schur_inverse @ Xs.T
        cross = -Xs @ self.schur_inverse
        cov = np.block([[top_left, cross], [cross.T, self.schur_inverse]])
        if self.singular:
            return np.full_like(cov, np.nan)
        inv_scale = 1.0 / self.scale
        return self.sigma2 * cov * inv_scale[:, None] * inv_scale[None, :]

    def per_curve(self):
        """Each curve's covariance of ``[theta_c, phi]``, (C, p + s, p + s)."""
        C, p, s = self.X.shape
        XS = np.matmul(self.X, self.schur_inverse)  # (C, p, s)
        local = self.local_inverse + np.matmul(XS, self.X.transpose(0, 2, 1))
        cov = np.empty((C, p + s, p + s))
        cov[:, :p, :p] = local
        cov[:, :p, p:] = -XS
        cov[:, p:, :p] = -XS.transpose(0, 2, 1)
        cov[:, p:, p:] = self.schur_inverse
        if self.singular:
            return np.full_like(cov, np.nan)
        inv = 1.0 / np.concatenate(
            [self.scale[: C * p].reshape(C, p), np.tile(self.scale[C * p :], (C, 1))],
            axis=1,
        )
        return self.sigma2 * cov * inv[:, :, None] * inv[:, None, :]


def _pseudo_inverse(M):
    """Inverse of symmetric unit-diagonal matrices (..., q, q) by their
    eigenvalues, the weak ones (singular directions) dropped; with which
    eigenvalues are weak and the eigenvectors."""
    eigenvalues, V = np.linalg.eigh(M)
    weak = eigenvalues < SINGULAR_EIGENVALUE
    inv_ev = np.where(weak, 0.0, 1.0 / np.where(weak, 1.0, eigenvalues))
    inverse = np.matmul(V * inv_ev[..., None, :], np.swapaxes(V, -1, -2))
    return inverse, weak, V


def _weak_directions(weak, V):
    """Parameters weighing at least 0.1 in an eigenvector of a weak eigenvalue."""
    return np.where(weak[..., None, :], np.abs(V), 0.0).max(axis=-1, initial=0.0) >= 0.1


def joint_covariance(J, p, sigma2):
    r"""Covariance of one global fit from its Jacobian, and what the data leave open.

    The rule of :func:`._engine.covariance`, by blocks: the Jacobian's
    columns scaled to unit norm, a parameter is undetermined where its
    column is negligible or it weighs in a weak direction (an eigenvalue below
    :data:`._engine.SINGULAR_EIGENVALUE`) of its curve's block :math:`A_c` or
    of the Schur complement (the shared parameters).

    Parameters
    ----------
    J : ndarray of shape (C, n_points, p + s)
        Weighted Jacobian of each curve in its own and the shared parameters.
    p : int
        Parameters of each curve's own.
    sigma2 : float

    Returns
    -------
    JointCovariance
    undetermined : ndarray of bool, shape (C * p + s,)
    """
    C, m, q = J.shape
    s = q - p
    Jl, Js = J[..., :p], J[..., p:]
    finite = bool(np.isfinite(J).all())
    if not finite:
        J = np.where(np.isfinite(J), J, 0.0)
        Jl, Js = J[..., :p], J[..., p:]
    local_scale = np.sqrt((Jl * Jl).sum(axis=1))  # (C, p)
    shared_scale = np.sqrt((Js * Js).sum(axis=(0, 1)))  # (s,)
    # a column is negligible below the rounding of its curve's largest
    curve_size = np.sqrt((J * J).sum(axis=1)).max(axis=1, initial=0.0)  # (C,)
    neg_local = local_scale <= curve_size[:, None] * (_EPS * max(m, q))
    neg_shared = shared_scale <= curve_size.max(initial=0.0) * (_EPS * max(C * m, q))
    with np.errstate(divide="ignore"):
        inv_l = 1.0 / np.where(neg_local, np.inf, local_scale)
        inv_s = 1.0 / np.where(neg_shared, np.inf, shared_scale)
    Jl, Js = Jl * inv_l[:, None, :], Js * inv_s
    A_l = np.matmul(Jl.transpose(0, 2, 1), Jl)
    B = np.matmul(Jl.transpose(0, 2, 1), Js)
    Ks = Js.reshape(C * m, s)
    S = Ks.T @ Ks
    local_inverse, weak_l, V_l = _pseudo_inverse(A_l)
    X = np.matmul(local_inverse, B)
    schur = S - np.matmul(B.transpose(0, 2, 1), X).sum(axis=0)
    schur_inverse, weak_s, V_s = _pseudo_inverse(schur)
    und_local = neg_local | _weak_directions(weak_l, V_l)
    und_shared = neg_shared | _weak_directions(weak_s, V_s)
    undetermined = np.concatenate([und_local.ravel(), und_shared])
    singular = bool(
        not finite or undetermined.any() or weak_l.any() or weak_s.any() or m * C < q
    )
    if not finite:
        undetermined[:] = True
    scale = np.concatenate([local_scale.ravel(), shared_scale])
    cov = JointCovariance(local_inverse, X, schur_inverse, scale, sigma2, singular)
    return cov, undetermined

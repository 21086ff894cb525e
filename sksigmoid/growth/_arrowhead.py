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
from scipy.linalg import lapack

from ._engine import _EPS, SINGULAR_EIGENVALUE, Batch, solve_each

__all__ = [
    "Arrowhead",
    "JointBatch",
    "JointCovariance",
    "joint_covariance",
    "joint_covariance_of_columns",
]


@dataclass
class Arrowhead:
    """Block-arrowhead normal matrices of n rows, the curves on the last axis.

    ``local`` (n, p, p, C), ``coupling`` (n, p, s, C), ``shared`` (n, s, s):
    every entry of the curves' blocks is a contiguous run over the curves, so
    that the small-block algebra is vectorised over them.
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


def _block_diagonal(M):
    """The diagonals of curves' blocks (n, p, p, C) -> (n, C, p)."""
    return np.diagonal(M, axis1=1, axis2=2)


def _solve_positive(system, p):
    """Solve positive definite systems ``[M | rhs]`` (n, p, p + k, C) in place:
    Gaussian elimination without pivoting, every operation vectorised over
    the curves (the last axis, contiguous); for the small blocks of a global
    fit several times faster than LAPACK's per-matrix calls. Returns the
    solutions (n, p, k, C), NaN where a pivot is not positive."""
    for k in range(p):
        pivot = system[:, k, k]
        positive = pivot > 0
        if not positive.all():
            system[:, k, k] = pivot = np.where(positive, pivot, np.nan)
        if k + 1 < p:
            factor = system[:, k + 1 :, k] / pivot[:, None]
            system[:, k + 1 :, k:] -= factor[:, :, None] * system[:, k, None, k:]
    M, x = system[:, :, :p], system[:, :, p:]
    for k in range(p - 1, -1, -1):  # back substitution, over the rhs in place
        if k + 1 < p:
            x[:, k] -= (M[:, k, k + 1 :, None] * x[:, k + 1 :]).sum(axis=1)
        x[:, k] /= M[:, k, k, None]
    return x


# Curves evaluated at a time: a few tens of kilobytes per temporary array,
# which stay in the cache and are recycled by the allocator (whole-fit
# temporaries of large fits are returned to the system and faulted back in).
_CHUNK_VALUES = 8192
_ALL = slice(None)
# Free parameters of a global fit up to which a step solves the whole damped
# system at once (one LAPACK call per row), not block by block.
_DENSE_STEPS = 40
# Values per column above which a Gram matrix is summed column pair by pair.
_PAIRWISE_GRAM = 32768


def _gram(J):
    """Every curve's Gram matrix of the columns ``J`` (n, q, m, C), (n, q, q,
    C): in one product, or for a large fit column pair by column pair (the
    same sums, in fewer passes through the columns)."""
    n, q, m, C = J.shape
    if m * C < _PAIRWISE_GRAM:
        return np.einsum("namc,nbmc->nabc", J, J)
    gram = np.empty((n, q, q, C))
    for a in range(q):
        for b in range(a, q):
            np.einsum("nmc,nmc->nc", J[:, a], J[:, b], out=gram[:, a, b])
            gram[:, b, a] = gram[:, a, b]
    return gram


class JointBatch(Batch):
    """The starts of one global fit as rows of the engine (internal units).

    A row's parameters are ``[theta_1, ..., theta_C, phi]``: the free
    parameters of each curve's own (curve after curve), then the free shared
    ones. Its residuals run point by point, every curve's at the first point,
    then at the second, ... (n, n_points * C), and its Jacobian is kept by
    columns in the order ``theta``, ``phi``, (n, p + s, n_points, C): the
    curves on the last axis, so that the algebra of the normal equations is
    vectorised over them.

    Parameters
    ----------
    curves : callable
        ``curves(values) -> (f, columns)`` for the model parameters of some
        curves, one (k,) array (or a scalar, the same for all) per parameter:
        the curves (n_points, k) and a list of their derivatives, one
        (n_points, k) array per model parameter (or arrays that broadcast to
        that shape).
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
        C, p = self.n_curves, self.p
        # where each free model parameter is in a row: every p-th of the
        # curves' part, or one of the shared part
        self.places = [(j, slice(k, C * p, p)) for k, j in enumerate(self.local)]
        self.places += [(j, C * p + k) for k, j in enumerate(self.shared)]
        self.fixed_values = list(base.T)
        self.dense = self._dense_places()
        size = max(1, _CHUNK_VALUES // max(self.n_points, 1))
        self.chunks = (
            [slice(c, c + size) for c in range(0, C, size)] if C > size else [_ALL]
        )
        n_free = self.n_curves * self.p + self.s
        super().__init__(
            evaluate=None,
            Y=Y.T.reshape(1, -1),
            sqrt_w=sqrt_w.T.reshape(1, -1),
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

    def model_values(self, row):
        """A row (n_free,) -> every model parameter of the curves: (C,) views
        for those of each curve's own and the fixed ones, a scalar for a
        shared one."""
        values = list(self.fixed_values)
        for j, where in self.places:
            values[j] = row[where]
        return values

    def residuals_and_jacobian(self, params, data):
        n = params.shape[0]
        C, m = self.n_curves, self.n_points
        f = np.empty((n, m, C))
        J = np.empty((n, self.columns.size, m, C))
        sqrt_w = None if self.unit_weights else data.sqrt_w.reshape(n, m, C)
        for i in range(n):
            values = self.model_values(params[i])
            for c in self.chunks:
                some = (
                    values
                    if c is _ALL
                    else [v if v.ndim == 0 else v[c] for v in values]
                )
                f[i, :, c], columns = self.curves(some)
                for k, j in enumerate(self.columns):
                    if sqrt_w is None:
                        J[i, k, :, c] = columns[j]
                    else:
                        np.multiply(columns[j], sqrt_w[i, :, c], out=J[i, k, :, c])
        f = f.reshape(n, m * C)
        if self.unit_weights:
            return data.Y - f, J
        return data.sqrt_w * (data.Y - f), J

    def normal_equations(self, r, J, weight):
        n, q, m, C = J.shape
        p = self.p
        # every curve's whole Gram matrix at once (its blocks are the local
        # one, the coupling and the curve's share of the shared one)
        gram = _gram(J)
        A = Arrowhead(gram[:, :p, :p], gram[:, :p, p:], gram[:, p:, p:].sum(axis=-1))
        g = np.einsum("namc,nmc->nac", J, r.reshape(n, m, C))
        g_local = g[:, :p].transpose(0, 2, 1).reshape(n, C * p)
        return A, np.concatenate([g_local, g[:, p:].sum(axis=-1)], axis=1)

    def _dense_places(self):
        """Where the blocks go in a row's whole normal matrix, flat indices
        (a few curves: :meth:`_dense_steps`), or None."""
        C, p, s = self.n_curves, self.p, self.s
        q = C * p + s
        if q > _DENSE_STEPS:
            return None
        theta = np.arange(C * p).reshape(C, p).T  # (p, C): theta_c's indices
        phi = C * p + np.arange(s)
        local = theta[:, None] * q + theta[None]  # (p, p, C)
        coupling = theta[:, None] * q + phi[None, :, None]  # (p, s, C)
        coupling_T = phi[None, :, None] * q + theta[:, None]  # its mirror image
        shared = phi[:, None] * q + phi[None]
        return local, coupling, coupling_T, shared

    def _dense_steps(self, A, g, add, held):
        """The steps of :meth:`solve_steps` from every row's whole damped
        system, where every row's is positive definite (then so are every
        curve's block and the Schur complement, and the solution is the block
        one to rounding); None otherwise, for the blocks to tell which."""
        n, q = g.shape
        local, coupling, coupling_T, shared = self.dense
        M = np.zeros((n, q * q))
        M[:, local], M[:, coupling] = A.local, A.coupling
        M[:, coupling_T], M[:, shared] = A.coupling, A.shared
        M = M.reshape(n, q, q)
        diag = M.reshape(n, q * q)[:, :: q + 1]
        diag += add
        if held is not None and held.any():
            keep = ~held
            M *= keep[:, :, None] & keep[:, None, :]
            diag[held] = 1.0
            g = np.where(keep, g, 0.0)
        steps = np.empty((n, q))
        for i in range(n):  # Cholesky (LAPACK's dposv): positive definite or not
            _, steps[i], info = lapack.dposv(M[i], g[i])
            if info:
                return None
        return steps if np.isfinite(steps).all() else None

    # ------------------------------------------------ the arrowhead algebra
    def diagonal(self, A):
        n = A.shared.shape[0]
        return np.concatenate(
            [_block_diagonal(A.local).reshape(n, -1), _diagonal(A.shared)], axis=1
        )

    def finite(self, A):
        return (
            np.isfinite(A.local).all(axis=(1, 2, 3))
            & np.isfinite(A.coupling).all(axis=(1, 2, 3))
            & np.isfinite(A.shared).all(axis=(1, 2))
        )

    def _split(self, v):
        """A row vector (n, C p + s) -> its curves' part (n, p, C) (a view) and
        the shared part (n, s)."""
        n = v.shape[0]
        C, p = self.n_curves, self.p
        return v[:, : C * p].reshape(n, C, p).transpose(0, 2, 1), v[:, C * p :]

    def _join(self, loc, sh):
        """Inverse of :meth:`_split`."""
        n = loc.shape[0]
        return np.concatenate([loc.transpose(0, 2, 1).reshape(n, -1), sh], axis=1)

    def matvec(self, A, step):
        loc, sh = self._split(step)
        out_loc = np.einsum("nijc,njc->nic", A.local, loc) + np.einsum(
            "niac,na->nic", A.coupling, sh
        )
        out_sh = (
            np.einsum("niac,nic->na", A.coupling, loc)
            + np.matmul(A.shared, sh[..., None])[..., 0]
        )
        return self._join(out_loc, out_sh)

    def solve_steps(self, A, g, damping, held, diagonal):
        r"""Solve :math:`(A + \lambda\,\mathrm{diag}(A))\,\delta = g` per row by
        the Schur complement, or for a few curves as one system where it is
        positive definite (as :func:`._engine._solve_steps`: the diagonal
        floored at :math:`\epsilon \max_j A_{jj}`, held parameters a zero
        step, NaN where a system cannot be solved)."""
        n = g.shape[0]
        p, s, C = self.p, self.s, self.n_curves
        floor = _EPS * diagonal.max(axis=1, keepdims=True)
        add = damping[:, None] * np.maximum(diagonal, floor)
        if self.dense is not None:
            step = self._dense_steps(A, g, add, held)
            if step is not None:
                return step
        add_loc, add_sh = self._split(add)
        g_loc, g_sh = self._split(g)
        B, M_sh = A.coupling, A.shared.copy()
        holding = held is not None and held.any()
        if holding:
            h_loc, h_sh = self._split(held)
            k_loc, k_sh = ~h_loc, ~h_sh
            B = B * (k_loc[:, :, None] & k_sh[:, None, :, None])
            g_loc = np.where(k_loc, g_loc, 0.0)
            g_sh = np.where(k_sh, g_sh, 0.0)
        system = np.concatenate([A.local, B, g_loc[:, :, None]], axis=2)  # [M|B|g]
        diag_loc = system.reshape(n, p * (p + s + 1), C)[:, :: p + s + 2]
        diag_sh = M_sh.reshape(n, s * s)[:, :: s + 1]
        diag_loc += add_loc
        diag_sh += add_sh
        if holding:  # a held parameter's row and column: those of the identity
            system[:, :, :p] *= k_loc[:, :, None] & k_loc[:, None]
            diag_loc[...] = np.where(h_loc, 1.0, diag_loc)
            M_sh *= k_sh[:, :, None] & k_sh[:, None, :]
            diag_sh[...] = np.where(h_sh, 1.0, diag_sh)
        solved = _solve_positive(system, p)
        BX = np.einsum("niac,nibc->nab", B, solved)  # [B^T X | B^T x]
        schur = M_sh - BX[..., :s]
        rhs = g_sh - BX[..., s]
        d_sh = solve_each(schur, rhs[..., None])[..., 0]
        d_loc = solved[:, :, s] - np.einsum("niac,na->nic", solved[:, :, :s], d_sh)
        return self._join(d_loc, d_sh)


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


# A correlation block (unit diagonal, q x q) with no eigenvalue below the
# inverse of this (the trace of its inverse below it, say) is far from
# singular (SINGULAR_EIGENVALUE) and has a condition number below q times it:
# its inverse by elimination is its pseudo-inverse to within rounding.
_WELL_CONDITIONED = 1e3


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
    return joint_covariance_of_columns(J.transpose(2, 1, 0), p, sigma2)


def joint_covariance_of_columns(J, p, sigma2):
    """:func:`joint_covariance` of a Jacobian by columns, (p + s, n_points, C)
    (that of :class:`JointBatch`): by elimination where every block is clearly
    well conditioned, otherwise by the eigenvalues, which tell which
    parameters are undetermined."""
    fast = _well_conditioned_covariance(J, p, sigma2)
    if fast is not None:
        return fast
    return _eigen_covariance(np.ascontiguousarray(J.transpose(2, 1, 0)), p, sigma2)


def _well_conditioned_covariance(J, p, sigma2):
    """:func:`joint_covariance_of_columns` where every curve's correlation block
    and the Schur complement are clearly well conditioned (no eigenvalue below
    ``1 / _WELL_CONDITIONED``: for a curve's block, positive pivots and the
    trace of its inverse at most :data:`_WELL_CONDITIONED`): no parameter is
    undetermined and the inverses are the pseudo-inverses to rounding. None
    otherwise (a non-finite or negligible column among them)."""
    q, m, C = J.shape
    s = q - p
    if m * C < q or not np.isfinite(J).all():
        return None
    gram = _gram(J[None])[0]  # every curve's, (q, q, C)
    squares = np.diagonal(gram)  # the squared column norms, (C, q)
    local_scale = np.sqrt(squares[:, :p])  # (C, p)
    shared_scale = np.sqrt(squares[:, p:].sum(axis=0))  # (s,)
    curve_size = np.sqrt(squares.max(axis=1, initial=0.0))  # (C,)
    if (local_scale <= curve_size[:, None] * (_EPS * max(m, q))).any() or (
        shared_scale <= curve_size.max(initial=0.0) * (_EPS * max(C * m, q))
    ).any():
        return None  # a negligible column
    inv = np.empty((q, C))
    inv[:p], inv[p:] = local_scale.T, shared_scale[:, None]
    inv = 1.0 / inv
    scaled = gram * inv * inv[:, None]  # the correlation form
    system = np.empty((1, p, 2 * p + s, C))  # [R_c | B_c | I] per curve
    system[0, :, : p + s] = scaled[:p]
    system[0, :, p + s :] = np.eye(p)[:, :, None]
    solved = _solve_positive(system, p)[0]  # [X_c | R_c^-1]
    if not (solved[:, s:].trace() <= _WELL_CONDITIONED).all():
        return None  # NaN (a pivot not positive) included
    schur = scaled[p:, p:].sum(axis=-1) - np.einsum(
        "iac,ibc->ab", scaled[:p, p:], solved[:, :s]
    )
    eigenvalues, V = np.linalg.eigh(schur)
    if not eigenvalues.min(initial=np.inf) * _WELL_CONDITIONED >= 1.0:
        return None
    schur_inverse = np.matmul(V / eigenvalues, V.T)
    scale = np.concatenate([local_scale.ravel(), shared_scale])
    local_inverse = np.ascontiguousarray(solved[:, s:].transpose(2, 0, 1))
    X = np.ascontiguousarray(solved[:, :s].transpose(2, 0, 1))
    cov = JointCovariance(local_inverse, X, schur_inverse, scale, sigma2, False)
    return cov, np.zeros(C * p + s, dtype=bool)


def _eigen_covariance(J, p, sigma2):
    """:func:`joint_covariance` by the eigenvalues of every block, ``J`` (C,
    n_points, p + s)."""
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

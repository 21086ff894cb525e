r"""The one curve-fitting engine: monotone Levenberg--Marquardt over a batch.

Every curve fit of the library runs here: :class:`SigmoidGrowthRegressor`
(one curve, its candidate starts as the batch) and :func:`fit_curves` (every
curve of a plate, each with its starts). A *row* of the batch is one start of
one curve; row ``i`` fits curve ``rows[i]``.

Each iteration solves, for every active row, the damped normal equations

.. math::
    (A + \lambda\,\operatorname{diag} A)\,\delta = g, \qquad
    A = J^\top \Omega J, \quad g = J^\top \Omega r,

with :math:`J` and :math:`r` the weighted Jacobian and residuals
(:math:`\sqrt{w}\,\partial f/\partial\theta`, :math:`\sqrt{w}\,(y - f)`) and
:math:`\Omega` the IRLS weights of a robust loss (identity for least
squares), as one stack of small systems. A step is kept only if it lowers the
row's objective :math:`C = \sum_i \rho(r_i^2)` (the weighted RSS for least
squares), so every row ends at the best point it saw (at the rounding floor,
where :math:`C` can no longer tell points apart, a Gauss--Newton step that
does not raise :math:`C` beyond rounding is kept if it shrinks the gradient); the damping follows
Nielsen's rule. Parameters at a bound with the gradient pushing outwards are
held there (projected Gauss--Newton).

All tests are relative, so that a fit does not depend on units (the caller
also works in the internal units of :mod:`._units`): a row stops when, after a kept,
nearly Gauss--Newton step (damping at most 1), the distance still to go is
less than :math:`\mathrm{tol}` of the residuals, :math:`\|D\delta\|^2 \le
\mathrm{tol}^2 C` with :math:`D^2 = \operatorname{diag} A` (the distance
estimated from the ratio of the last two steps, see :func:`_remaining`), or
when the objective can no longer change (actual and predicted reduction at
rounding, and no Gauss--Newton step that shrinks the gradient). Rounding is
that of the residuals: :math:`r = y - f` is good to :math:`\epsilon |y|`, so
the objective to about :math:`16 \epsilon \sqrt{C \sum_i w_i y_i^2}`.
A row whose objective falls by less than :math:`\mathrm{tol}\,C` over ten
iterations while its steps do not shrink, or by less than :math:`10^{-4} C`
while a parameter ten times the data's scale moves by a tenth of its size,
stops as ``NO_PROGRESS``: an
optimum at infinity (an asymptote, a shape running off), where no number of
iterations gets.

The normal matrix is a dense stack, one per row, in :class:`Batch`; a row
whose curves share parameters (a global fit, :mod:`._arrowhead`) has a
block-arrowhead matrix solved by a Schur complement, and overrides only the
batch's algebra (:meth:`Batch.normal_equations`, :meth:`Batch.diagonal`,
:meth:`Batch.solve_steps`, :meth:`Batch.matvec`): the iteration is the same.
"""

from dataclasses import dataclass

import numpy as np

__all__ = [
    "Batch",
    "levenberg_marquardt",
    "best_per_curve",
    "covariance",
    "CONVERGED",
    "STALLED",
    "NO_PROGRESS",
    "MAX_NFEV",
    "BROKEN",
    "PRUNED",
    "NO_GROWTH",
]

# Row statuses.
CONVERGED = 1  # a stopping test passed
STALLED = 2  # no step lowers the objective (its minimum, to rounding)
NO_PROGRESS = 3  # the objective no longer falls but the parameters move
MAX_NFEV = 0  # out of evaluations
BROKEN = -1  # no finite objective at the start
PRUNED = -2  # stopped on the optimum another start of its curve converged to
NO_GROWTH = 4  # stopped early: explains no more than a constant (curve_done)

_INITIAL_DAMPING = 1e-3
_MAX_DAMPING = 1e16
_EPS = np.finfo(float).eps
_RESOLUTION = 16 * _EPS  # a relative change lost in rounding
_PROGRESS_WINDOW = 10
# Less than this relative fall of the objective over a window, while a
# parameter already _FAR from the data's scale (internal units: the data span
# about 1) moves by a tenth of its size, is a run towards infinity: what is
# left to gain is below the RSS's own sampling error by orders of magnitude.
_CREEP = 1e-4
_FAR = 10.0
# Once a curve has a converged start, its other starts within this relative
# distance of it in objective stop: they are converging to the same optimum.
_SAME_OPTIMUM = 1e-8


# --------------------------------------------------------------------------
# robust losses rho(z), z = r^2 / f_scale^2 (scipy.optimize.least_squares')
# --------------------------------------------------------------------------
def _rho(loss, z):
    """The loss and its derivative ``rho'(z)`` (the IRLS weight)."""
    if loss == "soft_l1":
        root = np.sqrt(1 + z)
        return 2 * (root - 1), 1 / root
    if loss == "huber":
        root = np.sqrt(np.maximum(z, 1.0))
        return np.where(z <= 1, z, 2 * root - 1), np.where(z <= 1, 1.0, 1 / root)
    if loss == "cauchy":
        return np.log1p(z), 1 / (1 + z)
    raise ValueError(f"Unknown loss {loss!r}.")  # pragma: no cover - validated


@dataclass
class Batch:
    """Weighted least squares (or a robust loss) of many curves, internal units.

    Parameters
    ----------
    evaluate : callable
        ``evaluate(params) -> (f, J)``: the curve of every row of ``params``
        (n_rows, n_params) at the points, (n_rows, n_points), and its
        Jacobian (n_rows, n_points, n_params).
    Y : ndarray of shape (n_curves, n_points)
        Responses (0 where missing).
    sqrt_w : ndarray of shape (n_curves, n_points)
        Square roots of the weights (0 where missing).
    free : ndarray of bool, shape (n_params,)
    lower, upper : ndarray of shape (n_curves, n_params)
        Bounds (``-inf``/``inf`` where none).
    loss : str, default="linear"
    f_scale : ndarray of shape (n_curves,), default=None
        Residual scale of a robust loss.
    """

    evaluate: object
    Y: np.ndarray
    sqrt_w: np.ndarray
    free: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    loss: str = "linear"
    f_scale: np.ndarray = None

    def __post_init__(self):
        # what rounding of the residuals is relative to: r = y - f is good to
        # eps |y|, so C to about eps sqrt(C sum w y^2), not to eps C
        self.size = (self.sqrt_w * self.sqrt_w * self.Y * self.Y).sum(axis=1)
        self.all_free = bool(self.free.all())
        self.unit_weights = bool((self.sqrt_w == 1.0).all())
        self.bounded = bool(
            np.isfinite(self.lower[:, self.free]).any()
            or np.isfinite(self.upper[:, self.free]).any()
        )

    def data(self, rows):
        """What the rows ``rows`` fit: their curves' y, sqrt(w), size and f_scale."""
        if rows.size == self.Y.shape[0] and np.array_equal(rows, np.arange(rows.size)):
            rows = slice(None)  # every curve once, in order: views, not copies
        f_scale = None if self.f_scale is None else self.f_scale[rows][:, None]
        return _Rows(self.Y[rows], self.sqrt_w[rows], self.size[rows], f_scale)

    def residuals_and_jacobian(self, params, data):
        r""":math:`\sqrt{w}(y - f)` and :math:`\sqrt{w}\,\partial f/\partial\theta`
        over the free parameters; non-finite values are left for the caller."""
        f, J = self.evaluate(params)
        if not self.all_free:
            J = J[..., self.free]
        if self.unit_weights:
            return data.Y - f, J
        J *= data.sqrt_w[..., None]
        return data.sqrt_w * (data.Y - f), J

    def evaluate_rows(self, params, data):
        """Objective, residuals, Jacobian and IRLS weights of every row at
        ``params`` (a likelihood batch, :mod:`._family`, overrides it)."""
        r, J = self.residuals_and_jacobian(params, data)
        objective, weight = self.objective(r, data)
        return objective, r, J, weight

    def resolution(self, objective, data):
        """The change of each row's objective lost in rounding (module docstring)."""
        return _RESOLUTION * np.maximum(objective, np.sqrt(objective * data.size))

    def objective(self, r, data):
        """Per row: the objective and the IRLS weights (None for least squares)."""
        if self.loss == "linear":
            return (r * r).sum(axis=1), None
        c = data.f_scale
        rho, weight = _rho(self.loss, (r / c) ** 2)
        return (c * c * rho).sum(axis=1), weight

    def normal_equations(self, r, J, weight):
        """``A = J^T Omega J`` (n, q, q) and ``g = J^T Omega r`` (n, q)."""
        if weight is not None:
            r = weight * r
            A = np.matmul(J.transpose(0, 2, 1), weight[..., None] * J)
        else:
            A = np.matmul(J.transpose(0, 2, 1), J)
        g = np.matmul(J.transpose(0, 2, 1), r[..., None])[..., 0]
        return A, g

    # The normal matrix's algebra: a dense (n, q, q) stack here; a batch whose
    # rows couple curves through shared parameters (._arrowhead) overrides it.
    def diagonal(self, A):
        """The diagonal of every row's ``A``, (n, q) (a view)."""
        n, q = A.shape[:2]
        return A.reshape(n, q * q)[:, :: q + 1]

    def solve_steps(self, A, g, damping, held, diagonal):
        return _solve_steps(A, g, damping, held, diagonal)

    def matvec(self, A, step):
        """``A @ step`` per row."""
        return np.matmul(A, step[..., None])[..., 0]

    def finite(self, A):
        """Rows whose ``A`` is finite."""
        return np.isfinite(A).all(axis=(1, 2))


class _Rows:
    """The data of some rows, indexed once."""

    def __init__(self, Y, sqrt_w, size, f_scale):
        self.Y, self.sqrt_w, self.size, self.f_scale = Y, sqrt_w, size, f_scale

    def __getitem__(self, keep):
        f_scale = None if self.f_scale is None else self.f_scale[keep]
        return _Rows(self.Y[keep], self.sqrt_w[keep], self.size[keep], f_scale)


def _evaluate(batch, full, theta, data):
    """Objective, residuals, Jacobian, A and g at ``theta`` (free parameters)."""
    if batch.all_free:
        params = theta
    else:
        params = full.copy()
        params[:, batch.free] = theta
    objective, r, J, weight = batch.evaluate_rows(params, data)
    objective = np.where(np.isfinite(objective), objective, np.inf)
    A, g = batch.normal_equations(r, J, weight)
    return objective, r, J, A, g


def _held_at_bounds(theta, g, lower, upper):
    """Parameters at a bound whose gradient step would leave it."""
    return ((theta <= lower) & (g < 0)) | ((theta >= upper) & (g > 0))


def _solve_steps(A, g, damping, held, diagonal):
    r"""Solve :math:`(A + \lambda\,\mathrm{diag}(A))\,\delta = g` per row.

    ``diagonal`` is a view of A's diagonal (n, q). It is floored at
    :math:`\epsilon \max_j A_{jj}` in the damping, so that a parameter the
    data do not move (a zero column of J) gets a zero step rather than a
    singular system; ``held`` parameters get a zero step. NaN steps for
    systems that cannot be solved.
    """
    n, q = g.shape
    M = A.copy()
    floor = _EPS * diagonal.max(axis=1, keepdims=True)
    M.reshape(n, q * q)[:, :: q + 1] += damping[:, None] * np.maximum(diagonal, floor)
    rhs = g
    if held is not None and held.any():
        keep = ~held
        M *= keep[:, :, None] & keep[:, None, :]
        M.reshape(n, q * q)[:, :: q + 1][held] = 1.0
        rhs = np.where(keep, g, 0.0)
    return solve_each(M, rhs[..., None])[..., 0]


def solve_each(M, rhs):
    """``solve(M, rhs)`` for a stack of systems, (n, q, q) and (n, q, k): one
    batched call, or system by system (NaN where one cannot be solved) when
    some are singular."""
    try:
        return np.linalg.solve(M, rhs)
    except np.linalg.LinAlgError:
        out = np.full(rhs.shape, np.nan)
        for c in range(M.shape[0]):
            try:
                out[c] = np.linalg.solve(M[c], rhs[c])
            except np.linalg.LinAlgError:
                pass
        return out


def _remaining(step, previous, consecutive):
    r"""Squared distance still to go after a kept step, from the steps' ratio.

    With steps shrinking by :math:`q = \|D\delta_k\| / \|D\delta_{k-1}\|`
    per iteration, the distance left is about :math:`\|D\delta_k\|\,q/(1 -
    q)`: tiny after a quadratic (Gauss--Newton) step, of the order of the step
    under linear convergence (a large-residual fit). Without a previous
    Gauss--Newton step to compare, the step itself (numpy errors are off in
    the iterations).
    """
    q = np.sqrt(step / previous)
    estimate = step * (q / (1 - q)) ** 2
    return np.where(consecutive & (q < 1), estimate, step)


def _gradient_size(diagonal, g):
    r""":math:`\max_j |g_j| / \sqrt{A_{jj}}` per row (0 for a zero column)."""
    size = np.abs(g) / np.sqrt(diagonal)
    return np.where(np.isnan(size), 0.0, size).max(axis=1)


def levenberg_marquardt(
    batch, params, rows, *, tol, max_nfev, curve_done=None, check_at=None
):
    """Minimise every row's objective from ``params`` (n_rows, n_params).

    Parameters
    ----------
    batch : Batch
    params : ndarray of shape (n_rows, n_params)
        Starts (fixed parameters hold their values).
    rows : ndarray of int, shape (n_rows,)
        The curve of each row.
    tol : float
        Relative tolerance of the stopping tests (module docstring).
    max_nfev : int
        Most trial steps per row.
    curve_done : callable, optional
        ``curve_done(objective, rows) -> bool mask``: rows to stop at
        iteration ``check_at`` (e.g. curves explaining no more than a
        constant).
    check_at : int, optional

    Returns
    -------
    dict
        ``params`` (n_rows, n_params), ``objective`` (n_rows,), ``r``
        (n_rows, n_points) and ``J`` (n_rows, n_points, n_free) at them,
        ``n_iter`` (n_rows,) and ``status`` (n_rows,) of the module's codes.
    """
    n = len(rows)
    full = np.array(params, dtype=float)
    free = batch.free
    lower, upper = batch.lower[rows][:, free], batch.upper[rows][:, free]
    theta = np.clip(full[:, free], lower, upper)
    data = batch.data(rows)
    with np.errstate(all="ignore"):
        objective, r, J, A, g = _evaluate(batch, full, theta, data)
    out = {
        "params": full,
        "objective": objective,
        "r": r,
        "J": J,
        "n_iter": np.zeros(n, dtype=int),
        "status": np.where(np.isfinite(objective) & batch.finite(A), MAX_NFEV, BROKEN),
    }
    if theta.shape[1] == 0:  # every parameter fixed: nothing to move
        out["status"][out["status"] == MAX_NFEV] = CONVERGED
    go = np.flatnonzero(out["status"] == MAX_NFEV)
    state = _State(go, theta, lower, upper, full, rows, data, objective, r, J, A, g)
    with np.errstate(all="ignore"):  # trial steps may probe extreme parameters
        _iterations(batch, state, out, rows, tol, max_nfev, curve_done, check_at)
    return out


def _iterations(batch, state, out, rows, tol, max_nfev, curve_done, check_at):
    """The iterations of :func:`levenberg_marquardt` (numpy errors ignored)."""
    free = batch.free
    n_curves = int(rows.max()) + 1 if rows.size else 0
    best = np.full(n_curves, np.inf)  # a curve's lowest converged objective
    several = n_curves < rows.size  # some curve has several starts: prune
    pruning = False
    for iteration in range(1, max_nfev + 1):
        if state.size == 0:
            break
        status = _iterate(batch, state, tol)
        if iteration % _PROGRESS_WINDOW == 0:
            # the objective stalls while the steps do not shrink: running off
            # (a slow, linear convergence has steps shrinking geometrically)
            active = status == MAX_NFEV
            status[active & _running_off(state, tol)] = NO_PROGRESS
            state.checkpoint = state.objective.copy()
            state.checkpoint_step = state.last_step.copy()
            state.checkpoint_theta = state.theta.copy()
        if curve_done is not None and iteration == check_at:
            active = status == MAX_NFEV
            stop = curve_done(state.objective, state.rows)
            status[active & stop] = NO_GROWTH
        finished = status != MAX_NFEV
        some = bool(finished.any())
        if several and (some or pruning):
            _prune(state, status, best)
            pruning = True
            finished = status != MAX_NFEV
            some = bool(finished.any())
        if iteration == max_nfev:
            finished[:], some = True, True
        if some:
            state.store(out, finished, status, iteration, free)


class _State:
    """The active rows of the iteration, compacted: every array is over them."""

    def __init__(
        self, idx, theta, lower, upper, full, rows, data, objective, r, J, A, g
    ):
        self.idx = idx
        if idx.size == rows.size:
            # every row, in order: the arrays themselves, not copies (a large
            # global fit's Jacobian and data); the rows' entries of ``out``
            # they share are all rewritten by store
            self.theta, self.lower, self.upper = theta, lower, upper
            self.full, self.rows, self.data = full, rows, data
            self.objective, self.r, self.J, self.A, self.g = objective, r, J, A, g
        else:
            self.theta, self.lower, self.upper = theta[idx], lower[idx], upper[idx]
            self.full, self.rows, self.data = full[idx], rows[idx], data[idx]
            self.objective, self.r, self.J = objective[idx], r[idx], J[idx]
            self.A, self.g = A[idx], g[idx]
        m = idx.size
        self.damping = np.full(m, _INITIAL_DAMPING)
        self.nu = np.full(m, 2.0)
        self.checkpoint = self.objective.copy()
        self.last_step = np.full(m, np.inf)  # squared size of the last kept step
        self.checkpoint_step = np.full(m, np.inf)
        self.checkpoint_theta = self.theta.copy()
        self.last_gauss_newton = np.zeros(m, dtype=bool)  # kept with damping <= 1

    _ARRAYS = (
        "idx theta lower upper full rows objective r J A g damping nu checkpoint "
        "last_step checkpoint_step checkpoint_theta last_gauss_newton"
    ).split()

    @property
    def size(self):
        return self.idx.size

    def store(self, out, finished, status, iteration, free):
        """Write the finished rows to ``out`` and drop them from the state."""
        k = self.idx[finished]
        params = self.full[finished]
        params[:, free] = self.theta[finished]
        out["params"][k] = params
        out["n_iter"][k] = iteration
        out["status"][k] = status[finished]
        if k.size == out["objective"].size:  # every row at once: no copies
            out["objective"], out["r"], out["J"] = self.objective, self.r, self.J
        else:
            out["objective"][k] = self.objective[finished]
            out["r"][k], out["J"][k] = self.r[finished], self.J[finished]
        keep = ~finished
        if not keep.any():  # the iteration is over: only the size is read
            self.idx = self.idx[keep]
            return
        for name in self._ARRAYS:
            setattr(self, name, getattr(self, name)[keep])
        self.data = self.data[keep]


def _running_off(state, tol):
    """Rows whose objective has stalled over the last window while they still
    move: the steps do not shrink (progress below ``tol``), or a parameter
    far out moved by a tenth of its size for less than ``_CREEP`` of the
    objective (an optimum at infinity, approached ever more slowly)."""
    progress = state.checkpoint - state.objective
    steady = (progress <= tol * state.objective) & (
        state.last_step >= 1e-2 * state.checkpoint_step
    )
    size = np.abs(state.checkpoint_theta).max(axis=1, initial=0.0)
    moved = np.abs(state.theta - state.checkpoint_theta).max(axis=1, initial=0.0)
    creeping = (progress <= _CREEP * state.objective) & (moved >= 0.1 * size)
    return steady | (creeping & (size >= _FAR))


def _iterate(batch, state, tol):
    """One damped step of every active row; returns each row's status
    (``MAX_NFEV`` for rows to go on)."""
    A, g, objective, damping = state.A, state.g, state.objective, state.damping
    n = g.shape[0]
    diagonal = batch.diagonal(A)
    held = None
    if batch.bounded:
        held = _held_at_bounds(state.theta, g, state.lower, state.upper)
    step = batch.solve_steps(A, g, damping, held, diagonal)
    trial = state.theta + step
    step_size = (step * step * diagonal).sum(axis=1)  # ||D step||^2
    if batch.bounded:
        trial = np.minimum(np.maximum(trial, state.lower), state.upper)
        step = trial - state.theta
        step_size = (step * step * diagonal).sum(axis=1)
        predicted = (step * (2 * g - batch.matvec(A, step))).sum(axis=1)
    else:
        # 2 g.d - d.A.d with (A + damping D^2) d = g: g.d + damping ||D d||^2
        predicted = (step * g).sum(axis=1) + damping * step_size
    t_obj, t_r, t_J, t_A, t_g = _evaluate(batch, state.full, trial, state.data)
    reduction = objective - t_obj
    accepted = reduction > 0  # t_obj is inf where not finite
    resolution = batch.resolution(objective, state.data)
    # At the rounding floor the objective can no longer tell points apart (a
    # parameter 1e-7 standard errors away changes it by 1e-15): there a
    # Gauss-Newton step is kept if the objective does not rise beyond
    # rounding and the gradient shrinks, as far as the gradient can tell.
    unchanged = (predicted <= resolution) & (np.abs(reduction) <= resolution)
    converged = None
    if unchanged.any():
        floor_step = unchanged & ~accepted & (damping <= 1.0)
        if floor_step.any():
            floor_step &= _gradient_size(batch.diagonal(t_A), t_g) < _gradient_size(
                diagonal, g
            )
            accepted = accepted | floor_step
        converged = unchanged & ~accepted
    gauss_newton = accepted & (damping <= 1.0)
    if gauss_newton.any():
        remaining = _remaining(step_size, state.last_step, state.last_gauss_newton)
        near = gauss_newton & (remaining <= tol * tol * objective)
        converged = near if converged is None else converged | near
    state.last_step = np.where(accepted, step_size, state.last_step)
    state.last_gauss_newton = gauss_newton
    # Nielsen: damping * max(1/3, 1 - (2 rho - 1)^3) if kept (rho > 0, so the
    # factor is at most 2), damping * nu if not
    gain = np.minimum(np.maximum(2 * (reduction / predicted) - 1, -1.0), 1.0)
    shrink = np.maximum(1 / 3, 1 - gain * gain * gain)  # nan where rho is
    state.damping = damping * np.where(
        accepted, np.where(shrink > 0, shrink, 1.0), state.nu
    )
    state.nu = np.where(accepted, 2.0, 2 * state.nu)
    if accepted.all():
        state.theta, state.objective = trial, t_obj
        state.r, state.J, state.A, state.g = t_r, t_J, t_A, t_g
    elif accepted.any():
        state.theta[accepted] = trial[accepted]
        state.objective[accepted] = t_obj[accepted]
        state.r[accepted], state.J[accepted] = t_r[accepted], t_J[accepted]
        state.A[accepted], state.g[accepted] = t_A[accepted], t_g[accepted]
    status = (
        np.full(n, MAX_NFEV)
        if converged is None
        else np.where(converged, CONVERGED, MAX_NFEV)
    )
    stalled = state.damping > _MAX_DAMPING
    if stalled.any():
        status[(status == MAX_NFEV) & stalled] = STALLED
    return status


def _prune(state, status, best):
    """Stop the other starts of a curve that are converging to the optimum
    one of its starts has converged to: those within 1e-8 of it in objective.

    A start still above it goes on, however long: it may be on its way to a
    better optimum (one at infinity is approached slowly), and a start pruned
    for being behind would be an optimum missed. ``best`` (per curve) holds
    the lowest converged objective; updated.
    """
    finished = (status == CONVERGED) | (status == STALLED)
    if finished.any():
        np.minimum.at(best, state.rows[finished], state.objective[finished])
    c = state.rows
    seen = np.isfinite(best[c])
    if not seen.any():
        return
    going = (status == MAX_NFEV) & seen
    same = np.abs(state.objective - best[c]) <= _SAME_OPTIMUM * best[c]
    status[going & same] = PRUNED


# An objective that ranks a row after every finite one, before a broken one.
LAST_RESORT = np.finfo(float).max


def best_per_curve(rows, objective, n_curves, status=None):
    """For each curve, the row of smallest objective (-1 where it has none).

    Ties go to the first row, so the order of the starts decides them. With
    ``status``, pruned rows count only for a curve that has no other: a row
    pruned beside a converged one is at best level with it (to 1e-8).
    """
    obj = np.where(np.isnan(objective), np.inf, objective)
    if status is not None:
        obj = np.where(status == PRUNED, LAST_RESORT, obj)
    if n_curves == 1:
        return np.array([np.argmin(obj)]) if obj.size else np.full(1, -1)
    order = np.lexsort((np.arange(rows.size), obj, rows))
    first = np.ones(order.size, dtype=bool)
    first[1:] = rows[order][1:] != rows[order][:-1]
    best = np.full(n_curves, -1)
    best[rows[order[first]]] = order[first]
    return best


# --------------------------------------------------------------------------
# covariance and the one rule for undetermined parameters
# --------------------------------------------------------------------------
# A correlation matrix of the estimates (the information matrix J^T W J scaled
# to unit diagonal) with an eigenvalue below this is singular: some parameter,
# or combination of them, is not determined by the data.
SINGULAR_EIGENVALUE = 1e-13


def covariance(J, sigma2):
    r""":math:`\hat\sigma^2 (J^\top J)^{-1}` per row, and what the data leave open.

    Through the eigenvalues of the estimates' correlation matrix
    :math:`D^{-1} J^\top J D^{-1}`, :math:`D = \operatorname{diag}(\lVert
    J_{:,j} \rVert)` (a :math:`q \times q` matrix per row, however many
    points).
    Singular: an eigenvalue below :data:`SINGULAR_EIGENVALUE`, or a negligible
    column (one below the rounding of the largest: a parameter that no longer
    moves the curve, such as the rate of a step, which the correlation test
    cannot see). The undetermined parameters of a singular row are the
    negligible ones and those that weigh at least 0.1 in an eigenvector of a
    small eigenvalue.

    Parameters
    ----------
    J : ndarray of shape (n_rows, n_points, q)
    sigma2 : ndarray of shape (n_rows,)

    Returns
    -------
    cov : ndarray of shape (n_rows, q, q)
        NaN for singular rows.
    undetermined : ndarray of bool, shape (n_rows, q)
        Which parameters a singular row leaves undetermined (all False for a
        regular one).
    """
    n, m, q = J.shape
    if q == 0 or n == 0:
        return np.full((n, q, q), np.nan), np.zeros((n, q), dtype=bool)
    if m < q:  # fewer points than parameters
        return np.full((n, q, q), np.nan), np.ones((n, q), dtype=bool)
    finite = np.isfinite(J).all(axis=(1, 2))
    if not finite.all():
        cov, undetermined = np.full((n, q, q), np.nan), np.ones((n, q), dtype=bool)
        if finite.any():
            cov[finite], undetermined[finite] = covariance(J[finite], sigma2[finite])
        return cov, undetermined
    scale = np.sqrt((J * J).sum(axis=1))  # (n, q)
    negligible = scale <= scale.max(axis=1, keepdims=True) * (_EPS * max(m, q))
    with np.errstate(divide="ignore"):  # a zero column: scaled to 0
        inverse_scale = 1.0 / np.where(negligible, np.inf, scale)
    scaled = J * inverse_scale[:, None, :]
    # the correlation form's eigenvalues (the squared singular values of the
    # scaled J, resolved to ~1e-16 of the largest: enough for the threshold)
    eigenvalues, V = np.linalg.eigh(np.matmul(scaled.transpose(0, 2, 1), scaled))
    weak = eigenvalues < SINGULAR_EIGENVALUE
    singular = weak.any(axis=1) | negligible.any(axis=1)
    undetermined = np.zeros((n, q), dtype=bool)
    if singular.any():
        weight = np.where(weak[:, None, :], np.abs(V), 0.0).max(axis=2)
        undetermined[singular] = (negligible | (weight >= 0.1))[singular]
    with np.errstate(all="ignore"):  # singular rows: replaced by nan below
        V_scaled = V * (inverse_scale[:, :, None] / np.sqrt(eigenvalues)[:, None, :])
        cov = sigma2[:, None, None] * np.matmul(V_scaled, V_scaled.transpose(0, 2, 1))
    cov[singular] = np.nan
    return cov, undetermined

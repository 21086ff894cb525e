r"""Profile likelihoods of a binary sigmoid neuron: constrained maxima,
profile intervals and drop-one likelihood-ratio tests.

The profile of coefficient :math:`j` is :math:`\ell_j(b) = \max_{w : w_j =
b} \ell(w)`, with :math:`\ell` the log-likelihood of a maximum-likelihood
fit, or the penalised one of a Firth fit. The first is concave: a
constrained maximum, once converged, is the maximum. The second need not
be: its constrained problem can have several maxima, on branches that
cross (on separated data, or with one or two events), and the profile is
the highest of them. So a Firth profile is the best of several starts --
the estimate, the Wald approximation of the constrained maximum, and the
maximum followed from the estimate by continuation -- and an endpoint is
accepted only when they agree, or when the branch it lies on is reached
from the estimate and none is higher. A maximum-likelihood profile of
separated data is infinite on the sides :func:`.neuron.receding_sides`
certifies.
"""

import numpy as np
from scipy import optimize, stats

# Two constrained maxima closer than this (relative to the log-likelihood)
# are the same maximum; the profile equation is solved to this too.
_SAME = 1e-9
# The largest change of a logit in one step of a constrained maximum.
_MAX_LOGIT_STEP = 100.0
# Equal steps of the continuation that checks an endpoint from the estimate.
_PATH_STEPS = 6


def _fisher(objective, z):
    """The Fisher information (normalised) at ``z``: the Hessian of the
    log-loss, and the one Firth's steps use (logistf)."""
    hessian = getattr(objective, "fisher_hessian", None) or objective.hessian
    return hessian(z, l2=0.0)


def _concave(objective):
    """Whether the objective is a log-likelihood (concave), not Firth's."""
    return not hasattr(objective, "fisher_hessian")


def _tolerance(value):
    return _SAME * max(1.0, abs(value))


def constrained_maximum(objective, w0, j, value, *, tol=1e-10, max_iter=200):
    r"""Maximise the (penalised) log-likelihood over every coefficient but
    ``w_j = value``, each step kept only if it raises the objective.

    The steps are Fisher scoring's, shortened so that no logit moves by
    more than :data:`_MAX_LOGIT_STEP`; for Firth's objective, once they stop
    contracting fast (the Fisher information is a poor model of a penalised
    likelihood far in its tails), Newton's with the exact Hessian, as in
    the fit.

    Returns
    -------
    w : ndarray
    log_likelihood : float
    converged : bool
    """
    from .neuron import solve_newton_system

    w = np.array(w0, dtype=float)
    w[j] = value
    free = np.ones(w.size, dtype=bool)
    free[j] = False
    z = objective._affine(w)
    loss = objective.loss(w, z)
    resolution = 16 * np.finfo(float).eps
    hessian, previous = _fisher_block, np.inf
    for _ in range(max_iter):
        grad = objective.gradient(w, z)[free]
        H = hessian(objective, z, free)
        step = np.zeros_like(w)
        with np.errstate(all="ignore"):
            step[free] = solve_newton_system(H, grad)
            flat = (np.diag(H) <= 0) & (grad != 0)
            if flat.any() or not np.isfinite(step).all():
                # an information that underflows to zero (saturation): the
                # gradient's direction, its length set by the logits below
                step[free] = grad
            # the log-likelihood's predicted rise: below ~1e-13 of it, the
            # maximum is reached as far as any test of it can tell
            rise = 0.5 * objective.total_weight * float(grad @ step[free])
            longest = np.max(np.abs(objective.direction_logits(step)))
        if not np.isfinite(rise):
            return w, -objective.total_weight * loss, False
        if rise <= 1e-13 * max(1.0, objective.total_weight * abs(loss)):
            return w, -objective.total_weight * loss, True
        # where the probabilities saturate, the information is nearly zero
        # and its steps astronomically long: no logit moves by more than
        # _MAX_LOGIT_STEP in one (a bound in the logits: free of units)
        t = t_full = min(1.0, _MAX_LOGIT_STEP / longest) if longest > 0 else 1.0
        while True:
            trial = w - t * step
            z_trial = objective._affine(trial)
            loss_trial = objective.loss(trial, z_trial)
            if loss_trial <= loss + resolution * abs(loss):
                break
            t *= 0.5
            if t < 1e-10 * t_full:
                return w, -objective.total_weight * loss, False
        moved = np.max(np.abs(t * step)) / max(1.0, np.max(np.abs(trial)))
        w, z, loss = trial, z_trial, loss_trial
        if t == 1.0 and moved <= tol:
            return w, -objective.total_weight * loss, True
        if not _concave(objective) and (t < 1.0 or moved > 0.25 * previous):
            hessian = _exact_block
        previous = moved
    return w, -objective.total_weight * loss, False


def _fisher_block(objective, z, free):
    """The Fisher information's block of the ``free`` coefficients."""
    return _fisher(objective, z)[np.ix_(free, free)]


def _exact_block(objective, z, free):
    """The exact Hessian of Firth's objective in the ``free`` coefficients
    (the Fisher information's where that block is not positive definite)."""
    return objective.hessian(z, free=free)


def profile_maximum(objective, starts, j, value):
    """The profile at ``w_j = value``: the best constrained maximum from
    ``starts`` (all of them for Firth; for a concave log-likelihood the first
    that converges, which is the maximum).

    Returns
    -------
    w, log_likelihood, converged
    agree : bool
        Whether every start that converged reached that same maximum.
    """
    concave = _concave(objective)
    found = []
    for start in starts:
        found.append(constrained_maximum(objective, start, j, value))
        if concave and found[-1][2]:
            break
    w, ll, converged = max(found, key=lambda f: f[1] if np.isfinite(f[1]) else -np.inf)
    agree = all(abs(f[1] - ll) <= _tolerance(ll) for f in found if f[2])
    return w, ll, converged, agree


def path_maximum(objective, w_from, j, value, n_steps=_PATH_STEPS):
    """The constrained maximum at ``w_j = value`` followed from ``w_from``
    (the estimate, or a constrained maximum) in ``n_steps`` equal steps of
    ``w_j``, each started at the last one's.

    Returns
    -------
    w, log_likelihood, converged
    lowest : float
        The lowest log-likelihood met on the way (the profile is at least
        that high all along).
    """
    w, lowest, converged = np.array(w_from, dtype=float), np.inf, True
    start = w_from[j]
    for t in np.linspace(0.0, 1.0, n_steps + 1)[1:]:
        w, ll, ok = constrained_maximum(objective, w, j, start + t * (value - start))
        converged &= ok
        lowest = min(lowest, ll)
    return w, ll, converged, lowest


def _starts(objective, w_hat, j, value):
    r"""Starts of a constrained maximum at ``w_j = value``: the estimate, and
    for a log-likelihood zero (where the probabilities saturate the
    estimate's start cannot move; zero never does), for Firth's the Wald
    approximation of the constrained maximum, :math:`\hat w + (b - \hat
    w_j) V_{\cdot j} / V_{jj}` (near the maximum of the branch the estimate
    lies on; from the inverse information :math:`V` at the estimate)."""
    if _concave(objective):
        return [w_hat, np.zeros_like(w_hat)]
    cached = getattr(objective, "_inverse_at", None)
    if cached is None or not np.array_equal(cached[0], w_hat):
        V = _inverse_information(objective, objective._affine(w_hat))
        objective._inverse_at = cached = (np.array(w_hat, dtype=float), V)
    V = cached[1]
    if V is None or not V[j, j] > 0:
        return [w_hat, np.zeros_like(w_hat)]
    return [w_hat, w_hat + (value - w_hat[j]) * V[:, j] / V[j, j]]


def _inverse_information(objective, z):
    """:math:`I^{-1}` (raw weights) at ``z``: from the Cholesky factor a Firth
    objective computed there, else by :func:`.neuron.inverse_and_rank`."""
    from ._logistic_inference import _firth_information
    from .neuron import inverse_and_rank

    if not _concave(objective):
        inverse = _firth_information(objective, z)[3]
        return None if inverse is None else inverse @ inverse.T
    V, _ = inverse_and_rank(objective.total_weight * _fisher(objective, z))
    return V


def _venzon_moolgavkar(objective, w_hat, j, target, side, *, max_iter=100):
    r"""An endpoint of a profile-likelihood interval by Venzon and
    Moolgavkar's (1988) iteration: Newton on the system
    :math:`\ell(w) = \ell^*`, :math:`\partial\ell/\partial w_{-j} = 0`.

    With the score :math:`U` and :math:`V` the inverse Fisher information,
    each step is :math:`\delta = V(U + \lambda e_j)` with :math:`\lambda =
    \pm\sqrt{2(\ell - \ell^* + \tfrac12 U^\top V U)/V_{jj}}` (the optimum of
    the quadratic model on the level set), signed by the side, and halved
    while it does not bring the log-likelihood nearer :math:`\ell^*`.
    Returns the point reached (its ``w_j`` is the endpoint), or None when it
    does not converge (the caller then brackets it).
    """
    W = objective.total_weight
    w = np.array(w_hat, dtype=float)
    free = np.arange(w.size) != j
    tolerance = 1e-11 * max(1.0, abs(target))
    for _ in range(max_iter):
        z = objective._affine(w)
        ll = -W * objective.loss(w, z)
        U = -W * objective.gradient(w, z)
        V = _inverse_information(objective, z)
        if V is None or not np.isfinite(ll):
            return None
        if abs(ll - target) <= tolerance and np.all(
            np.abs(U[free]) * np.sqrt(np.diag(V)[free]) <= 1e-9
        ):
            return w
        VU = V @ U
        radicand = 2.0 * (ll - target + 0.5 * U @ VU) / V[j, j]
        step = VU + side * np.sqrt(max(radicand, 0.0)) * V[:, j]
        V_free = V[np.ix_(free, free)]
        gap = abs(ll - target) + 0.5 * U[free] @ V_free @ U[free]
        for _ in range(30):
            trial = w + step
            z_trial = objective._affine(trial)
            ll_trial = -W * objective.loss(trial, z_trial)
            if np.isfinite(ll_trial):
                U_trial = -W * objective.gradient(trial, z_trial)
                # merit: distance to the level set plus the free score's size
                merit = abs(ll_trial - target) + 0.5 * (
                    U_trial[free] @ V_free @ U_trial[free]
                )
                if merit < gap or merit <= tolerance:
                    break
            step = 0.5 * step
        else:
            return None
        w = trial
        if abs(w[j] - w_hat[j]) > 1e8 * (1.0 + abs(w_hat[j])):
            return None
    return None


def _on_the_profile(objective, w_hat, j, w_end, target):
    """Whether Venzon--Moolgavkar's ``w_end`` (a stationary point on the level
    set) is on the profile: its ``w_j`` the crossing.

    For a log-likelihood: a constrained maximum there, from ``w_end`` (a
    maximum already, if the iteration was right) or :func:`_starts`,
    converges at the level (a stationarity test can be fooled where the
    probabilities saturate). For Firth's: no start gets higher, and where the
    starts disagree (several branches), the branch followed from the
    estimate ends at the level without dipping below it.
    """
    end = w_end[j]
    starts = [w_end, *_starts(objective, w_hat, j, end)]
    if not _concave(objective):
        starts = [w_end, starts[-1]]  # and the Wald start (another branch?)
    _, ll, converged, agree = profile_maximum(objective, starts, j, end)
    tol = _tolerance(target)
    if _concave(objective):
        return converged and abs(ll - target) <= tol
    if ll > target + tol:
        return False  # a higher branch: the level set point is not the profile
    if converged and agree and abs(ll - target) <= tol:
        return True
    _, ll, _, lowest = path_maximum(objective, w_hat, j, end)
    return abs(ll - target) <= tol and lowest >= target - tol


def _crossing(objective, w_hat, j, target, side, scale):
    r"""The profile's first crossing of ``target`` on ``side``, by continuation
    outward from the estimate, then Brent's method between the last two
    points; :math:`\pm\infty` where the profile levels off above the target
    (separation), nan if it cannot be resolved.

    Each value of the profile is the best constrained maximum from the last
    point's and from :func:`_starts` (followed from the last point in smaller
    steps where none converges): within the last step, the same function of
    ``b``, as Brent's method needs. A concave log-likelihood has one maximum,
    and the steps start at ``scale`` and grow by half; Firth's can have
    several, on branches a long step could jump between, and they start at a
    quarter of it and grow by a fifth.
    """
    step, growth = (scale, 1.5) if _concave(objective) else (0.25 * scale, 1.2)
    inner, w_inner, previous = w_hat[j], np.array(w_hat, dtype=float), np.inf

    def excess(b, w_from):
        w, ll, converged, _ = profile_maximum(
            objective, [w_from, *_starts(objective, w_hat, j, b)], j, b
        )
        if not converged:
            # too far a jump (the probabilities saturate): in smaller ones
            w_path, ll_path, _, _ = path_maximum(objective, w_from, j, b)
            if ll_path > ll:
                w, ll = w_path, ll_path
        return ll - target, w

    for _ in range(200):
        outer = inner + side * step
        f, w = excess(outer, w_inner)
        if f < 0:
            lo, hi = sorted((inner, outer))
            try:
                return optimize.brentq(
                    lambda b, w_from=w_inner: excess(b, w_from)[0],
                    lo,
                    hi,
                    xtol=1e-12 * max(1.0, abs(outer)),
                    rtol=1e-15,
                )
            except ValueError:
                return np.nan  # the starts disagree at the step's ends
        far = abs(outer - w_hat[j]) > 20 * scale
        if far and abs(previous - f) <= _tolerance(target):
            return side * np.inf  # the profile has levelled off above the target
        previous, inner, w_inner = f, outer, w
        step *= growth
    return side * np.inf


def profile_interval(objective, w_hat, loglik_hat, j, level, se, infinite=None):
    r"""The profile-likelihood interval of coefficient ``j`` at ``level``.

    The endpoints solve :math:`\ell_j(b) = \hat\ell - \chi^2_1(\text{level})/2`
    by Venzon and Moolgavkar's iteration (:func:`_venzon_moolgavkar`),
    accepted when :func:`_on_the_profile` confirms it; otherwise by
    continuation and Brent's method (:func:`_crossing`). Where
    :math:`\ell_j` does not fall that far however far ``b`` goes (its limit
    is above the threshold: separation), the endpoint is :math:`\pm\infty`;
    ``infinite`` (two bools, lower and upper) names the sides known to be
    (:func:`.neuron.receding_sides`), which are not searched.
    """
    drop = 0.5 * stats.chi2.ppf(level, 1)
    target = loglik_hat - drop
    scale = se if np.isfinite(se) and se > 0 else max(1.0, abs(w_hat[j]))
    ends = []
    known_infinite = (False, False) if infinite is None else infinite
    for side, known in zip((-1.0, 1.0), known_infinite, strict=True):
        if known:
            ends.append(side * np.inf)
            continue
        w_end = _venzon_moolgavkar(objective, w_hat, j, target, side)
        if (
            w_end is not None
            and side * (w_end[j] - w_hat[j]) > 0
            and _on_the_profile(objective, w_hat, j, w_end, target)
        ):
            ends.append(w_end[j])
        else:
            ends.append(_crossing(objective, w_hat, j, target, side, scale))
    return ends[0], ends[1]


def drop_one_tests(objective, w_hat, loglik_hat):
    r"""Per coefficient: :math:`2(\hat\ell - \ell_j(0))` and its
    :math:`\chi^2_1` p-value (the profile at zero from :func:`_starts`; for
    Firth, where they disagree, also followed from the estimate)."""
    statistic = np.empty(w_hat.size)
    for j in range(w_hat.size):
        _, ll, _, agree = profile_maximum(
            objective, _starts(objective, w_hat, j, 0.0), j, 0.0
        )
        if not agree:
            ll = max(ll, path_maximum(objective, w_hat, j, 0.0)[1])
        statistic[j] = max(2.0 * (loglik_hat - ll), 0.0)
    return statistic, stats.chi2.sf(statistic, 1)

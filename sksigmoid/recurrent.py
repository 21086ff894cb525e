r"""Recurrent cells and the flow of gradients back through time.

Two cells are unrolled over an input sequence :math:`x_1, \dots, x_T`:

* the simple recurrent network (``"rnn"``),
  :math:`h_t = \phi(U^\top h_{t-1} + W^\top x_t + b)`;
* the LSTM (``"lstm"``), with gates :math:`i_t, f_t, o_t = \sigma(\cdot)`,
  candidate :math:`g_t = \phi(\cdot)` (each gate an affine map of
  :math:`(x_t, h_{t-1})`) and

  .. math::
      C_t = f_t \odot C_{t-1} + i_t \odot g_t, \qquad
      h_t = o_t \odot \phi(C_t),

  with :math:`\phi = \tanh` in the canonical cell (Gers, Schmidhuber &
  Cummins, 2000). ``forget_gate=False`` gives the original cell of Hochreiter
  & Schmidhuber (1997), :math:`C_t = C_{t-1} + i_t \odot g_t`, whose "constant
  error carousel" passes :math:`C_{t-1}` on with weight exactly 1. The option
  ``cell_state_activation="sigmoid"`` gives the variant written in the seed,
  :math:`C_t = \sigma(f_t \odot C_{t-1} + i_t \odot g_t)`, which squashes the
  additive update and so multiplies the cell path by :math:`\sigma' \le 1/4`
  at every step.

The state of a cell is the vector :math:`s_t` (:math:`h_t` for the RNN,
:math:`(h_t, C_t)` for the LSTM). Backpropagation through time multiplies the
one-step Jacobians :math:`J_t = \partial s_t / \partial s_{t-1}` from the end:

.. math::
    G_T = I, \qquad G_k = \frac{\partial s_T}{\partial s_k} = G_{k+1} J_{k+1},

which is reverse-mode differentiation carrying every output direction at once.

For the RNN, :math:`\|J_t\|_2 = \|\mathrm{diag}(\phi'(z_t))\,U^\top\|_2 \le
\gamma\,\sigma_{\max}(U)` with :math:`\gamma = \sup_z |\phi'(z)|`, hence the
bound of Pascanu, Mikolov & Bengio (2013),
:math:`\|\partial h_T/\partial h_k\|_2 \le (\gamma\,\sigma_{\max}(U))^{T-k}`:
the gradient must vanish geometrically when :math:`\sigma_{\max}(U) < 1/\gamma`.

Floating-point limits are handled, not left to numpy's RuntimeWarning: a state
that overflows raises a :class:`FloatingPointError` naming the step, and the
products :math:`G_k` are carried as a matrix of largest entry near 1 times a
power of two, so that norms beyond the largest float64 come out as ``inf``
(and below the smallest as 0), never as ``nan`` or a failed SVD.
"""

from dataclasses import dataclass
from numbers import Integral, Real

import numpy as np
from scipy.optimize import brentq
from scipy.special import ndtr
from sklearn.utils import Bunch, check_random_state
from sklearn.utils._param_validation import Interval, StrOptions, validate_params

from ._activations import ACTIVATIONS

__all__ = [
    "RNNCell",
    "LSTMCell",
    "run_cell",
    "backpropagate_state_jacobians",
    "recurrent_gradient_flow",
]


def _silu_max_slope():
    r"""Largest :math:`\mathrm{silu}'(z) = \sigma(z)(1 + z(1 - \sigma(z)))`.

    :math:`\mathrm{silu}''(z) = \sigma'(z)(2 - z \tanh(z/2))` vanishes where
    :math:`z \tanh(z/2) = 2` (:math:`z \approx 2.3994`); the smallest value,
    at :math:`-z`, is one minus the largest (:math:`f'(-z) = 1 - f'(z)`).
    """
    z = brentq(lambda z: z * np.tanh(z / 2) - 2, 1.0, 4.0, xtol=1e-15)
    s = 1 / (1 + np.exp(-z))
    return float(s * (1 + z * (1 - s)))


#: :math:`\gamma = \sup_z |f'(z)|` of every activation of the shared table,
#: the factor of Pascanu, Mikolov & Bengio's (2013) bound. GELU's
#: :math:`\Phi(z) + z\varphi(z)` peaks at :math:`z = \sqrt 2` and its minimum,
#: at :math:`-\sqrt 2`, is one minus that peak; softplus's :math:`\sigma(z)`
#: approaches 1 without reaching it.
MAX_SLOPE = {
    "sigmoid": 0.25,
    "tanh": 1.0,
    "relu": 1.0,
    "leaky_relu": 1.0,
    "elu": 1.0,
    "gelu": float(ndtr(np.sqrt(2)) + np.sqrt(2) * np.exp(-1) / np.sqrt(2 * np.pi)),
    "silu": _silu_max_slope(),
    "softplus": 1.0,
    "softsign": 1.0,
    "hard_sigmoid": 1 / 6,
    "identity": 1.0,
}


def _apply(name, Z):
    """:math:`f(Z)` for the activation ``name`` of the shared table."""
    return ACTIVATIONS[name].function(Z, np.empty_like(Z))


def _slope(name, Z, A):
    """:math:`f'(Z)` given ``Z`` and ``A = f(Z)``, from the shared table."""
    return ACTIVATIONS[name].derivative(Z, A, np.empty_like(Z))


@dataclass
class RNNCell:
    r"""Simple recurrent cell :math:`h_t = \phi(U^\top h_{t-1} + W^\top x_t + b)`.

    Parameters
    ----------
    W : ndarray of shape (input_size, hidden_size)
        Input weights.
    U : ndarray of shape (hidden_size, hidden_size)
        Recurrent weights.
    b : ndarray of shape (hidden_size,)
        Bias.
    activation : {"sigmoid", "tanh"}
        :math:`\phi`.
    """

    W: np.ndarray
    U: np.ndarray
    b: np.ndarray
    activation: str = "tanh"

    @property
    def state_size(self):
        """Length of the state vector :math:`s_t = h_t`."""
        return self.U.shape[0]

    def step(self, x, state):
        """One step: the new state and what its Jacobian needs."""
        z = self.U.T @ state + self.W.T @ x + self.b
        h = _apply(self.activation, z)
        return h, (z, h)

    def state_jacobian(self, cache):
        r"""One-step Jacobian of the state.

        .. math::
            \partial h_t/\partial h_{t-1} = \mathrm{diag}(\phi'(z_t))\,U^\top,
            \qquad z_t = U^\top h_{t-1} + W^\top x_t + b
        """
        return _slope(self.activation, *cache)[:, None] * self.U.T


@dataclass
class LSTMCell:
    r"""LSTM cell; weights of the blocks stacked as ``[i, f, o, g]``.

    Without a forget gate the blocks are ``[i, o, g]``.

    Parameters
    ----------
    W : ndarray of shape (input_size, n_blocks * hidden_size)
        Input weights of the gates ``i, f, o`` and of the candidate ``g``;
        ``n_blocks`` is 4, or 3 without a forget gate.
    U : ndarray of shape (hidden_size, n_blocks * hidden_size)
        Recurrent weights, same block order.
    b : ndarray of shape (n_blocks * hidden_size,)
        Biases (the forget gate's block holds the forget bias).
    activation : {"tanh", "sigmoid"}, default="tanh"
        :math:`\phi` of the candidate :math:`g_t` and of the output
        :math:`h_t = o_t \odot \phi(C_t)`.
    cell_state_activation : {None, "sigmoid"}, default=None
        ``None`` is the canonical additive update; ``"sigmoid"`` wraps it,
        :math:`C_t = \sigma(f_t \odot C_{t-1} + i_t \odot g_t)`.
    forget_gate : bool, default=True
        ``True`` is the cell of Gers et al. (2000); ``False`` the original cell
        of Hochreiter & Schmidhuber (1997), :math:`C_t = C_{t-1} + i_t \odot g_t`
        (:math:`f_t \equiv 1`, and no ``f`` block in the weights).
    """

    W: np.ndarray
    U: np.ndarray
    b: np.ndarray
    activation: str = "tanh"
    cell_state_activation: str | None = None
    forget_gate: bool = True

    @property
    def hidden_size(self):
        """Number of units :math:`n`."""
        return self.U.shape[0]

    @property
    def state_size(self):
        """Length of the state vector :math:`s_t = (h_t, C_t)`, i.e. :math:`2n`."""
        return 2 * self.hidden_size

    @property
    def blocks(self):
        """Names of the weight blocks in order: ``"ifog"``, or ``"iog"``."""
        return "ifog" if self.forget_gate else "iog"

    def step(self, x, state):
        """One step: the new state ``(h, C)`` and what its Jacobian needs."""
        n = self.hidden_size
        h_prev, C_prev = state[:n], state[n:]
        a = self.U.T @ h_prev + self.W.T @ x + self.b
        gates = _apply("sigmoid", a[:-n])
        g = _apply(self.activation, a[-n:])
        if self.forget_gate:
            i, f, o = gates.reshape(3, n)
            u = f * C_prev + i * g
        else:
            (i, o), f = gates.reshape(2, n), np.ones(n)
            u = C_prev + i * g
        C = _apply(self.cell_state_activation or "identity", u)
        phi_C = _apply(self.activation, C)
        cache = Bunch(
            a=a, gates=gates, i=i, f=f, o=o, g=g, u=u, C=C, phi_C=phi_C, C_prev=C_prev
        )
        return np.concatenate([o * phi_C, C]), cache

    def cell_path_jacobian(self, c):
        r"""Diagonal of :math:`\partial C_t/\partial C_{t-1}` at fixed :math:`h_{t-1}`.

        :math:`c'_t \odot f_t`: the forget gate :math:`f_t` in the canonical
        cell, exactly 1 without a forget gate (the constant error carousel),
        times :math:`c'_t = \sigma'(u_t)` in the σ-wrapped variant.
        """
        dC_du = _slope(self.cell_state_activation or "identity", c.u, c.C)
        return dC_du * c.f

    def state_jacobian(self, c):
        r"""One-step Jacobian :math:`\partial (h_t, C_t)/\partial (h_{t-1}, C_{t-1})`.

        With :math:`u_t = f_t \odot C_{t-1} + i_t \odot g_t`, :math:`c'_t` the
        derivative of the cell-state activation (1 in the canonical cell) and
        :math:`U_i, U_f, U_o, U_g` the recurrent blocks:

        .. math::
            \frac{\partial C_t}{\partial h_{t-1}} = \mathrm{diag}(c'_t)\left[
                \mathrm{diag}(C_{t-1} \sigma'_f) U_f^\top
                + \mathrm{diag}(g_t \sigma'_i) U_i^\top
                + \mathrm{diag}(i_t \phi'_g) U_g^\top\right], \quad
            \frac{\partial C_t}{\partial C_{t-1}} = \mathrm{diag}(c'_t f_t),

            \frac{\partial h_t}{\partial \cdot} =
                \mathrm{diag}(\phi(C_t)\sigma'_o)\frac{\partial a_o}{\partial \cdot}
                + \mathrm{diag}(o_t \phi'(C_t)) \frac{\partial C_t}{\partial \cdot}.

        Without a forget gate :math:`f_t \equiv 1` and the :math:`U_f` term is
        absent.
        """
        n = self.hidden_size
        blocks = np.split(self.U, len(self.blocks), axis=1)
        U = {name: block.T for name, block in zip(self.blocks, blocks, strict=True)}
        gate_slopes = _slope("sigmoid", c.a[:-n], c.gates).reshape(-1, n)
        d = dict(zip(self.blocks[:-1], gate_slopes, strict=True))
        dg = _slope(self.activation, c.a[-n:], c.g)
        dC_du = _slope(self.cell_state_activation or "identity", c.u, c.C)
        terms = [(c.g * d["i"])[:, None] * U["i"], (c.i * dg)[:, None] * U["g"]]
        if self.forget_gate:
            terms.insert(0, (c.C_prev * d["f"])[:, None] * U["f"])
        dC_dh = dC_du[:, None] * sum(terms)
        dC_dC = np.diag(self.cell_path_jacobian(c))
        through_C = c.o * _slope(self.activation, c.C, c.phi_C)
        dh_dh = (c.phi_C * d["o"])[:, None] * U["o"] + through_C[:, None] * dC_dh
        dh_dC = through_C[:, None] * dC_dC
        return np.block([[dh_dh, dh_dC], [dC_dh, dC_dC]])


def run_cell(cell, X, state):
    """Unroll ``cell`` over the rows of ``X`` from ``state``.

    Returns
    -------
    states : ndarray of shape (n_steps + 1, state_size)
        :math:`s_0, \\dots, s_T`.
    caches : list
        Per step, what :meth:`state_jacobian` needs.

    Raises
    ------
    FloatingPointError
        When a state is not finite (it overflowed float64), naming the step.
    """
    states, caches = [state], []
    with np.errstate(over="ignore", invalid="ignore"):
        for x in X:
            state, cache = cell.step(x, state)
            states.append(state)
            caches.append(cache)
    states = np.array(states)
    finite = np.isfinite(states).all(axis=1)
    if not finite.all():
        step = int(np.argmin(finite))
        raise FloatingPointError(
            f"The state of the {type(cell).__name__} (activation="
            f"{cell.activation!r}) overflows float64 at step {step} of "
            f"{len(X)}: an unbounded activation with recurrent weights of "
            "spectral radius above 1 grows geometrically. Use a bounded "
            "activation (tanh, sigmoid), a smaller weight_scale, or fewer steps."
        )
    return states, caches


def backpropagate_state_jacobians(cell, caches):
    r"""BPTT of the identity: :math:`G_k = \partial s_T / \partial s_k` for every k.

    Returns
    -------
    ndarray of shape (n_steps + 1, state_size, state_size)
        ``G[k]``, with ``G[T]`` the identity; entries beyond the largest
        float64 are ``±inf`` (see :func:`_scaled_products`).
    """
    mantissas, exponents = _scaled_products(cell, caches)
    with np.errstate(over="ignore", under="ignore"):
        return np.ldexp(mantissas, exponents[:, None, None])


def _scaled_products(cell, caches):
    r""":math:`G_k = M_k 2^{e_k}`, with :math:`\max |M_k|` in :math:`[1/2, 1)`.

    Scaling by a power of two is exact, so :math:`M_k 2^{e_k}` equals the plain
    product wherever that is representable, and the exponent carries it
    beyond: the plain product overflows to ``inf`` (then ``inf - inf`` gives
    ``nan``) after a few hundred steps of a chaotic RNN.

    Returns
    -------
    mantissas : ndarray of shape (n_steps + 1, state_size, state_size)
    exponents : ndarray of int of shape (n_steps + 1,)
    """
    M, exponent = np.eye(cell.state_size), 0
    mantissas, exponents = [M], [0]
    for cache in reversed(caches):
        M = M @ cell.state_jacobian(cache)
        largest = np.max(np.abs(M))
        if largest > 0:
            _, shift = np.frexp(largest)
            M = np.ldexp(M, -shift)
            exponent += int(shift)
        mantissas.append(M)
        exponents.append(exponent)
    return np.array(mantissas[::-1]), np.array(exponents[::-1])


def _init_cell(
    cell,
    *,
    activation,
    hidden_size,
    input_size,
    forget_bias,
    weight_scale,
    cell_state_activation,
    forget_gate,
    rng,
):
    """A random cell; without a forget gate the ``f`` block is drawn, then dropped.

    Drawing it keeps the random stream, hence the ``i, o, g`` weights and the
    inputs, those of the forget-gate cell of the same seed.
    """
    n_blocks = 4 if cell == "lstm" else 1
    W = rng.standard_normal((input_size, n_blocks * hidden_size)) / np.sqrt(input_size)
    U = rng.standard_normal((hidden_size, n_blocks * hidden_size))
    U *= weight_scale / np.sqrt(hidden_size)
    b = np.zeros(n_blocks * hidden_size)
    if cell == "rnn":
        return RNNCell(W, U, b, activation)
    if not forget_gate:
        keep = np.r_[0:hidden_size, 2 * hidden_size : 4 * hidden_size]
        W, U, b = W[:, keep], U[:, keep], b[keep]
        return LSTMCell(W, U, b, activation, cell_state_activation, forget_gate=False)
    b[hidden_size : 2 * hidden_size] = forget_bias
    return LSTMCell(W, U, b, activation, cell_state_activation)


@validate_params(
    {
        "cell": [StrOptions({"rnn", "lstm"})],
        "activation": [StrOptions(set(ACTIVATIONS))],
        "hidden_size": [Interval(Integral, 1, None, closed="left")],
        "n_steps": [Interval(Integral, 1, None, closed="left")],
        "forget_bias": [Interval(Real, None, None, closed="neither")],
        "input_size": [Interval(Integral, 1, None, closed="left")],
        "weight_scale": [Interval(Real, 0, None, closed="left")],
        "cell_state_activation": [None, StrOptions({"sigmoid"})],
        "forget_gate": ["boolean"],
        "random_state": ["random_state"],
    },
    prefer_skip_nested_validation=True,
)
def recurrent_gradient_flow(
    cell,
    *,
    activation="tanh",
    hidden_size=32,
    n_steps=100,
    forget_bias=1.0,
    input_size=8,
    weight_scale=1.0,
    cell_state_activation=None,
    forget_gate=True,
    random_state=None,
):
    r"""How strongly the last state of a random recurrent cell depends on earlier ones.

    A randomly initialised cell is run over a random input sequence
    :math:`x_t \sim \mathcal N(0, I)`, :math:`t = 1, \dots, T`, from
    :math:`h_0 = C_0 = 0`, and backpropagation through time gives, for each
    :math:`k = 0, \dots, T`, the spectral norms (largest singular values)

    .. math::
        \left\| \frac{\partial h_T}{\partial h_k} \right\|_2, \qquad
        \left\| \frac{\partial C_T}{\partial C_k} \right\|_2 \ \text{(LSTM)},

    the largest factor by which any perturbation of :math:`h_k` (resp.
    :math:`C_k`) can reach :math:`h_T` (resp. :math:`C_T`). For the LSTM these
    are blocks of the full state Jacobian :math:`\partial (h_T, C_T)/\partial
    (h_k, C_k)`: every path counts (perturbing :math:`h_k` holds :math:`C_k`
    fixed and vice versa), not only the cell's own "carousel"
    :math:`\prod_t f_t`, which is reported beside them as ``direct_path_norm``.

    For the RNN the result also holds the bound of Pascanu, Mikolov & Bengio
    (2013). Each one-step Jacobian is :math:`\mathrm{diag}(\phi'(z_t))\,U^\top`,
    so with :math:`\gamma = \sup_z |\phi'(z)|`

    .. math::
        \left\| \frac{\partial h_T}{\partial h_k} \right\|_2
        \le \prod_{t=k+1}^{T} \|\mathrm{diag}(\phi'(z_t))\|_2 \|U\|_2
        \le \bigl(\gamma\,\sigma_{\max}(U)\bigr)^{T-k},

    whatever the inputs and biases: when :math:`\sigma_{\max}(U) < 1/\gamma`
    the gradient must vanish geometrically. The condition is sufficient, not
    necessary: above the threshold the bound says nothing (the tanh RNN of
    ``weight_scale=1`` has :math:`\gamma\sigma_{\max} \approx 2` and its norm
    still vanishes). :math:`\gamma` is :math:`1/4` for the
    sigmoid, :math:`1/6` for the hard sigmoid, :math:`1.0998` for SiLU,
    :math:`1.1289` for GELU and 1 for tanh, softsign, softplus (a supremum
    not reached), ReLU, leaky ReLU, ELU and the identity
    (``sksigmoid.recurrent.MAX_SLOPE``).

    The bound does not carry over to the LSTM, whose bound fields are
    ``None``: its one-step Jacobian contains the block
    :math:`\partial C_t/\partial C_{t-1} = \mathrm{diag}(c'_t f_t)`, which
    involves neither :math:`U` nor :math:`\phi'`, and a matrix's norm is at
    least any block's, so :math:`\|J_t\|_2 \ge \max_j c'_{t,j} f_{t,j}`
    whatever :math:`U` — in the canonical cell the largest forget gate, close
    to 1 with a positive forget bias and exactly 1 without a forget gate. No
    bound :math:`(\gamma\,\sigma_{\max}(U))^{T-k}` holds; the cell path
    escapes it by design. What that path itself carries is ``direct_path_norm``,

    .. math::
        \Bigl\| \prod_{t=k+1}^{T} \mathrm{diag}(c'_t f_t) \Bigr\|_2
        = \max_j \prod_{t=k+1}^{T} c'_{t,j} f_{t,j},

    the product of the cell-to-cell Jacobians at fixed :math:`h`
    (:math:`c'_t \equiv 1` in the canonical cell): :math:`\max_j \prod_t
    f_{t,j}` with a forget gate, exactly 1 for every :math:`k` without one —
    the constant error carousel. ``cell_norm`` adds every path through
    :math:`h` (the gates' feedback), which can shrink or amplify it.

    Weights are drawn as :math:`W \sim \mathcal N(0, 1/d)` (inputs of
    dimension :math:`d`) and :math:`U \sim \mathcal N(0, s^2/n)`, so that the
    recurrent matrix of each block has spectral radius close to the
    ``weight_scale`` :math:`s` (and largest singular value
    :math:`\sigma_{\max}(U)`, which the bound uses, close to :math:`2s`);
    biases are 0 except the LSTM forget gate's.

    Parameters
    ----------
    cell : {"rnn", "lstm"}
        The recurrent cell.
    activation : {"tanh", "sigmoid"}, default="tanh"
        :math:`\phi`: the RNN's activation; for the LSTM, the activation of the
        candidate :math:`g_t` and of the output :math:`o_t \odot \phi(C_t)`.
    hidden_size : int, default=32
        Number of units :math:`n`.
    n_steps : int, default=100
        Sequence length :math:`T`.
    forget_bias : float, default=1.0
        Initial bias of the LSTM's forget gate; ignored for the RNN and for the
        LSTM without a forget gate.
    input_size : int, default=8
        Dimension :math:`d` of the inputs.
    weight_scale : float, default=1.0
        Scale :math:`s` of the recurrent weights.
    cell_state_activation : {None, "sigmoid"}, default=None
        ``"sigmoid"`` uses :math:`C_t = \sigma(f_t \odot C_{t-1} + i_t \odot g_t)`
        instead of the canonical additive update (LSTM only).
    forget_gate : bool, default=True
        ``True``: the LSTM of Gers et al. (2000),
        :math:`C_t = f_t \odot C_{t-1} + i_t \odot g_t`. ``False``: the cell of
        Hochreiter & Schmidhuber (1997) without forget gate,
        :math:`C_t = C_{t-1} + i_t \odot g_t`, whose cell path has Jacobian
        exactly :math:`I` at fixed :math:`h`. Its ``i, o, g`` weights and its
        inputs are those of the forget-gate cell of the same ``random_state``
        (the ``f`` block is drawn and dropped), so the two compare like for
        like. LSTM only.
    random_state : int, RandomState instance or None, default=None
        Seeds the weights and the input sequence.

    Returns
    -------
    result : :class:`~sklearn.utils.Bunch`
        With attributes

        step : ndarray of shape (n_steps + 1,)
            :math:`k = 0, \dots, T`.
        lag : ndarray of shape (n_steps + 1,)
            :math:`T - k`.
        hidden_norm : ndarray of shape (n_steps + 1,)
            :math:`\|\partial h_T/\partial h_k\|_2`.
        cell_norm : ndarray of shape (n_steps + 1,) or None
            :math:`\|\partial C_T/\partial C_k\|_2` (LSTM), else ``None``.
        direct_path_norm : ndarray of shape (n_steps + 1,) or None
            :math:`\max_j \prod_{t=k+1}^T c'_{t,j} f_{t,j}`, the norm of the
            cell path alone, aligned with ``cell_norm`` (LSTM), else ``None``.
        recurrent_spectral_norm : float or None
            :math:`\sigma_{\max}(U)` (RNN), else ``None``.
        gamma : float or None
            :math:`\gamma = \sup_z |\phi'(z)|` (RNN), else ``None``.
        vanishing_bound : float or None
            :math:`1/\gamma`, the spectral norm of :math:`U` below which the
            gradient must vanish (RNN), else ``None``.
        bound : ndarray of shape (n_steps + 1,) or None
            :math:`(\gamma\,\sigma_{\max}(U))^{T-k}`, aligned with
            ``hidden_norm``, which never exceeds it (RNN), else ``None``;
            ``inf`` / 0 beyond the float64 range.
        vanishing_guaranteed : bool or None
            Whether :math:`\gamma\,\sigma_{\max}(U) < 1` (RNN), else ``None``.
        model : RNNCell or LSTMCell
            The random cell.
        inputs : ndarray of shape (n_steps, input_size)
            The sequence.
        states : ndarray of shape (n_steps + 1, state_size)
            :math:`s_0, \dots, s_T` (for the LSTM, :math:`(h_t, C_t)` concatenated).

    Examples
    --------
    >>> from sksigmoid import recurrent_gradient_flow
    >>> rnn = recurrent_gradient_flow("rnn", activation="sigmoid", random_state=0)
    >>> bool(rnn.hidden_norm[0] < 1e-30)
    True
    >>> bool(rnn.vanishing_guaranteed), bool((rnn.hidden_norm <= rnn.bound).all())
    (True, True)
    >>> carousel = recurrent_gradient_flow("lstm", forget_gate=False, random_state=0)
    >>> float(carousel.direct_path_norm.min()), float(carousel.direct_path_norm.max())
    (1.0, 1.0)
    """
    rng = check_random_state(random_state)
    model = _init_cell(
        cell,
        activation=activation,
        hidden_size=hidden_size,
        input_size=input_size,
        forget_bias=float(forget_bias),
        weight_scale=float(weight_scale),
        cell_state_activation=cell_state_activation,
        forget_gate=bool(forget_gate),
        rng=rng,
    )
    inputs = rng.standard_normal((n_steps, input_size))
    states, caches = run_cell(model, inputs, np.zeros(model.state_size))
    M, exponents = _scaled_products(model, caches)
    n = hidden_size
    lag = n_steps - np.arange(n_steps + 1)
    result = Bunch(
        step=np.arange(n_steps + 1),
        lag=lag,
        hidden_norm=_spectral_norms(M[:, :n, :n], exponents),
        cell_norm=None,
        direct_path_norm=None,
        recurrent_spectral_norm=None,
        gamma=None,
        vanishing_bound=None,
        bound=None,
        vanishing_guaranteed=None,
        model=model,
        inputs=inputs,
        states=states,
    )
    if cell == "lstm":
        result.cell_norm = _spectral_norms(M[:, n:, n:], exponents)
        result.direct_path_norm = _direct_path_norms(model, caches)
    else:
        result.update(_pascanu_bound(model, lag))
    return result


def _pascanu_bound(model, lag):
    r"""Pascanu et al.'s bound :math:`(\gamma\,\sigma_{\max}(U))^{T-k}` of an RNN."""
    sigma_max = float(np.linalg.norm(model.U, ord=2))
    gamma = MAX_SLOPE[model.activation]
    rate = gamma * sigma_max
    with np.errstate(over="ignore", under="ignore"):
        bound = np.power(rate, lag.astype(float))
    return {
        "recurrent_spectral_norm": sigma_max,
        "gamma": gamma,
        "vanishing_bound": 1 / gamma,
        "bound": bound,
        "vanishing_guaranteed": bool(rate < 1),
    }


def _direct_path_norms(model, caches):
    r""":math:`\max_j |\prod_{t=k+1}^T (c'_t f_t)_j|` for every :math:`k`.

    The spectral norm of the product of the diagonal cell-to-cell Jacobians
    :math:`\partial C_t/\partial C_{t-1}` at fixed :math:`h_{t-1}`; 1 at
    :math:`k = T` (the empty product), exactly 1 everywhere without a forget
    gate in the canonical cell.
    """
    diagonals = np.array([model.cell_path_jacobian(cache) for cache in caches])
    products = np.ones((len(caches) + 1, model.hidden_size))
    with np.errstate(under="ignore"):
        products[:-1] = np.cumprod(diagonals[::-1], axis=0)[::-1]
    return np.max(np.abs(products), axis=1)


def _spectral_norms(mantissas, exponents):
    """Largest singular value of each matrix ``mantissas[k] * 2**exponents[k]``.

    ``inf`` beyond the largest float64, 0 below the smallest.
    """
    norms = np.linalg.norm(mantissas, ord=2, axis=(1, 2))
    with np.errstate(over="ignore", under="ignore"):
        return np.ldexp(norms, exponents)

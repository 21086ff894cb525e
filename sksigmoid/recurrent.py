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

  with :math:`\phi = \tanh` in the canonical cell. The option
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

Floating-point limits are handled, not left to numpy's RuntimeWarning: a state
that overflows raises a :class:`FloatingPointError` naming the step, and the
products :math:`G_k` are carried as a matrix of largest entry near 1 times a
power of two, so that norms beyond the largest float64 come out as ``inf``
(and below the smallest as 0), never as ``nan`` or a failed SVD.
"""

from dataclasses import dataclass
from numbers import Integral, Real

import numpy as np
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
    r"""LSTM cell; weights of the four blocks stacked as ``[i, f, o, g]``.

    Parameters
    ----------
    W : ndarray of shape (input_size, 4 * hidden_size)
        Input weights of the gates ``i, f, o`` and of the candidate ``g``.
    U : ndarray of shape (hidden_size, 4 * hidden_size)
        Recurrent weights, same block order.
    b : ndarray of shape (4 * hidden_size,)
        Biases (the forget gate's block holds the forget bias).
    activation : {"tanh", "sigmoid"}, default="tanh"
        :math:`\phi` of the candidate :math:`g_t` and of the output
        :math:`h_t = o_t \odot \phi(C_t)`.
    cell_state_activation : {None, "sigmoid"}, default=None
        ``None`` is the canonical additive update; ``"sigmoid"`` wraps it,
        :math:`C_t = \sigma(f_t \odot C_{t-1} + i_t \odot g_t)`.
    """

    W: np.ndarray
    U: np.ndarray
    b: np.ndarray
    activation: str = "tanh"
    cell_state_activation: str | None = None

    @property
    def hidden_size(self):
        """Number of units :math:`n`."""
        return self.U.shape[0]

    @property
    def state_size(self):
        """Length of the state vector :math:`s_t = (h_t, C_t)`, i.e. :math:`2n`."""
        return 2 * self.hidden_size

    def step(self, x, state):
        """One step: the new state ``(h, C)`` and what its Jacobian needs."""
        n = self.hidden_size
        h_prev, C_prev = state[:n], state[n:]
        a = self.U.T @ h_prev + self.W.T @ x + self.b
        gates = _apply("sigmoid", a[: 3 * n])
        i, f, o = gates.reshape(3, n)
        g = _apply(self.activation, a[3 * n :])
        u = f * C_prev + i * g
        C = _apply(self.cell_state_activation or "identity", u)
        phi_C = _apply(self.activation, C)
        cache = Bunch(
            a=a, gates=gates, i=i, f=f, o=o, g=g, u=u, C=C, phi_C=phi_C, C_prev=C_prev
        )
        return np.concatenate([o * phi_C, C]), cache

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
        """
        n = self.hidden_size
        U_i, U_f, U_o, U_g = (block.T for block in np.split(self.U, 4, axis=1))
        di, df, do = _slope("sigmoid", c.a[: 3 * n], c.gates).reshape(3, n)
        dg = _slope(self.activation, c.a[3 * n :], c.g)
        dC_du = _slope(self.cell_state_activation or "identity", c.u, c.C)
        dC_dh = dC_du[:, None] * (
            (c.C_prev * df)[:, None] * U_f
            + (c.g * di)[:, None] * U_i
            + (c.i * dg)[:, None] * U_g
        )
        dC_dC = np.diag(dC_du * c.f)
        through_C = c.o * _slope(self.activation, c.C, c.phi_C)
        dh_dh = (c.phi_C * do)[:, None] * U_o + through_C[:, None] * dC_dh
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
    rng,
):
    n_blocks = 4 if cell == "lstm" else 1
    W = rng.standard_normal((input_size, n_blocks * hidden_size)) / np.sqrt(input_size)
    U = rng.standard_normal((hidden_size, n_blocks * hidden_size))
    U *= weight_scale / np.sqrt(hidden_size)
    b = np.zeros(n_blocks * hidden_size)
    if cell == "rnn":
        return RNNCell(W, U, b, activation)
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
    :math:`\prod_t f_t`.

    Weights are drawn as :math:`W \sim \mathcal N(0, 1/d)` (inputs of
    dimension :math:`d`) and :math:`U \sim \mathcal N(0, s^2/n)`, so that the
    recurrent matrix of each block has spectral radius close to the
    ``weight_scale`` :math:`s`; biases are 0 except the LSTM forget gate's.

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
        Initial bias of the LSTM's forget gate (ignored for the RNN).
    input_size : int, default=8
        Dimension :math:`d` of the inputs.
    weight_scale : float, default=1.0
        Scale :math:`s` of the recurrent weights.
    cell_state_activation : {None, "sigmoid"}, default=None
        ``"sigmoid"`` uses :math:`C_t = \sigma(f_t \odot C_{t-1} + i_t \odot g_t)`
        instead of the canonical additive update (LSTM only).
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
        rng=rng,
    )
    inputs = rng.standard_normal((n_steps, input_size))
    states, caches = run_cell(model, inputs, np.zeros(model.state_size))
    M, exponents = _scaled_products(model, caches)
    n = hidden_size
    cell_norm = _spectral_norms(M[:, n:, n:], exponents) if cell == "lstm" else None
    return Bunch(
        step=np.arange(n_steps + 1),
        lag=n_steps - np.arange(n_steps + 1),
        hidden_norm=_spectral_norms(M[:, :n, :n], exponents),
        cell_norm=cell_norm,
        model=model,
        inputs=inputs,
        states=states,
    )


def _spectral_norms(mantissas, exponents):
    """Largest singular value of each matrix ``mantissas[k] * 2**exponents[k]``.

    ``inf`` beyond the largest float64, 0 below the smallest.
    """
    norms = np.linalg.norm(mantissas, ord=2, axis=(1, 2))
    with np.errstate(over="ignore", under="ignore"):
        return np.ldexp(norms, exponents)

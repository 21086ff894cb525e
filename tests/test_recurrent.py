"""Backpropagation through time of the recurrent cells, against finite differences."""

import warnings

import numpy as np
import pytest

from sksigmoid._activations import ACTIVATIONS
from sksigmoid.recurrent import (
    MAX_SLOPE,
    backpropagate_state_jacobians,
    recurrent_gradient_flow,
    run_cell,
)

CONFIGS = [
    {"cell": "rnn", "activation": "tanh"},
    {"cell": "rnn", "activation": "sigmoid"},
    {"cell": "lstm", "forget_bias": 0.0},
    {"cell": "lstm", "forget_bias": 1.0, "activation": "sigmoid"},
    {"cell": "lstm", "cell_state_activation": "sigmoid"},
    {"cell": "lstm", "forget_gate": False},
    {"cell": "lstm", "forget_gate": False, "activation": "sigmoid"},
    {"cell": "lstm", "forget_gate": False, "cell_state_activation": "sigmoid"},
]


def finite_difference_jacobian(model, inputs, state, eps=1e-6):
    """Central differences of the final state with respect to ``state``."""
    columns = []
    for j in range(state.size):
        step = np.zeros_like(state)
        step[j] = eps
        plus = run_cell(model, inputs, state + step)[0][-1]
        minus = run_cell(model, inputs, state - step)[0][-1]
        columns.append((plus - minus) / (2 * eps))
    return np.column_stack(columns)


def flow(**params):
    return recurrent_gradient_flow(
        hidden_size=3, n_steps=7, input_size=2, random_state=0, **params
    )


@pytest.mark.parametrize("params", CONFIGS)
def test_one_step_jacobian_matches_finite_differences(params):
    result = flow(**params)
    for t in range(len(result.inputs)):
        _, caches = run_cell(result.model, result.inputs[t : t + 1], result.states[t])
        numeric = finite_difference_jacobian(
            result.model, result.inputs[t : t + 1], result.states[t]
        )
        np.testing.assert_allclose(
            result.model.state_jacobian(caches[0]), numeric, rtol=1e-7, atol=1e-10
        )


# Central differences of the whole unrolled map have an absolute error near
# 1e-10 (rounding of O(1) states divided by eps), hence the absolute floor for
# the products, whose entries shrink with the lag.
@pytest.mark.parametrize("params", CONFIGS)
def test_bptt_jacobians_match_finite_differences(params):
    result = flow(**params)
    _, caches = run_cell(result.model, result.inputs, result.states[0])
    G = backpropagate_state_jacobians(result.model, caches)
    for k in range(len(result.inputs) + 1):
        numeric = finite_difference_jacobian(
            result.model, result.inputs[k:], result.states[k]
        )
        np.testing.assert_allclose(G[k], numeric, rtol=1e-6, atol=1e-9)


@pytest.mark.parametrize("params", CONFIGS)
def test_norms_are_spectral_norms_of_the_jacobian_blocks(params):
    result = flow(**params)
    n = 3
    for k in (0, 3, 7):
        numeric = finite_difference_jacobian(
            result.model, result.inputs[k:], result.states[k]
        )
        assert result.hidden_norm[k] == pytest.approx(
            np.linalg.norm(numeric[:n, :n], 2), rel=1e-6, abs=1e-9
        )
        if params["cell"] == "lstm":
            assert result.cell_norm[k] == pytest.approx(
                np.linalg.norm(numeric[n:, n:], 2), rel=1e-6, abs=1e-9
            )
    assert result.hidden_norm[-1] == pytest.approx(1.0)


def test_result_layout():
    result = flow(cell="rnn")
    np.testing.assert_array_equal(result.step, np.arange(8))
    np.testing.assert_array_equal(result.lag, 7 - np.arange(8))
    assert result.cell_norm is None
    assert result.states.shape == (8, 3)
    assert flow(cell="lstm").states.shape == (8, 6)


def test_same_seed_same_result():
    a = flow(cell="lstm")
    b = flow(cell="lstm")
    np.testing.assert_array_equal(a.hidden_norm, b.hidden_norm)


def test_sigmoid_rnn_vanishes_faster_than_lstm_with_forget_bias():
    sigmoid_rnn = recurrent_gradient_flow("rnn", activation="sigmoid", random_state=0)
    lstm = recurrent_gradient_flow("lstm", forget_bias=3.0, random_state=0)
    assert sigmoid_rnn.hidden_norm[0] < 1e-30
    assert lstm.cell_norm[0] > 1e-2


@pytest.mark.parametrize(
    "params", [{"cell": "gru"}, {"cell": "rnn", "activation": "swish"}, {"n_steps": 0}]
)
def test_invalid_parameters_raise(params):
    params = {"cell": "rnn", **params}
    with pytest.raises(ValueError):
        recurrent_gradient_flow(**params)


def test_without_recurrent_weights_only_the_last_step_matters():
    result = recurrent_gradient_flow("rnn", weight_scale=0.0, n_steps=5, random_state=0)
    np.testing.assert_array_equal(result.hidden_norm[:-1], 0.0)
    assert result.hidden_norm[-1] == 1.0


@pytest.mark.parametrize(
    "params",
    [
        {"cell": "rnn", "activation": "relu", "weight_scale": 10.0, "n_steps": 400},
        {"cell": "rnn", "activation": "identity", "weight_scale": 3.0, "n_steps": 1000},
    ],
)
def test_a_state_that_overflows_raises_a_clear_error(params):
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        with pytest.raises(FloatingPointError, match=r"state .*overflows.* step \d+"):
            recurrent_gradient_flow(random_state=0, **params)


def test_jacobian_products_beyond_float64_are_inf_not_an_error():
    """A chaotic tanh RNN: bounded states, Jacobian products beyond 1e308."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        result = recurrent_gradient_flow(
            "rnn", weight_scale=10.0, n_steps=2000, random_state=0
        )
    assert not np.any(np.isnan(result.hidden_norm))
    assert result.hidden_norm[0] == np.inf
    recent = np.isfinite(result.hidden_norm)
    assert recent[-100:].all()
    # the representable norms are those of the plain products
    _, caches = run_cell(result.model, result.inputs, result.states[0])
    G = np.eye(result.model.state_size)
    for k in range(len(caches) - 1, len(caches) - 101, -1):
        G = G @ result.model.state_jacobian(caches[k])
        assert result.hidden_norm[k] == pytest.approx(np.linalg.norm(G, 2), rel=1e-9)


def test_backpropagated_products_overflow_to_inf_without_nan():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # today's code
        result = recurrent_gradient_flow(
            "rnn", weight_scale=10.0, n_steps=2000, random_state=0
        )
    _, caches = run_cell(result.model, result.inputs, result.states[0])
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        G = backpropagate_state_jacobians(result.model, caches)
    assert not np.isnan(G).any()


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


# Pascanu, Mikolov & Bengio's (2013) bound ----------------------------------


def test_max_slope_is_the_supremum_of_each_derivative():
    assert set(MAX_SLOPE) == set(ACTIVATIONS)
    z = np.linspace(-40, 40, 800_001)  # step 1e-4
    for name, activation in ACTIVATIONS.items():
        A = activation.function(z, np.empty_like(z))
        slopes = np.abs(activation.derivative(z, A, np.empty_like(z)))
        assert slopes.max() <= MAX_SLOPE[name] * (1 + 1e-15), name
        assert slopes.max() == pytest.approx(MAX_SLOPE[name], rel=1e-8), name
    assert MAX_SLOPE["sigmoid"] == 0.25
    assert MAX_SLOPE["tanh"] == 1.0


@pytest.mark.parametrize("activation", ["sigmoid", "tanh"])
@pytest.mark.parametrize("weight_scale", [0.25, 1.0, 2.5])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_rnn_norms_never_exceed_the_pascanu_bound(activation, weight_scale, seed):
    result = recurrent_gradient_flow(
        "rnn",
        activation=activation,
        hidden_size=16,
        n_steps=60,
        weight_scale=weight_scale,
        random_state=seed,
    )
    assert np.all(result.hidden_norm <= result.bound * (1 + 1e-10))


@pytest.mark.parametrize("activation", sorted(ACTIVATIONS))
def test_the_bound_holds_for_every_activation(activation):
    result = recurrent_gradient_flow(
        "rnn", activation=activation, n_steps=30, weight_scale=0.5, random_state=0
    )
    assert np.all(result.hidden_norm <= result.bound * (1 + 1e-10))


def test_the_bound_is_attained_one_step_back_by_the_identity():
    """h_t = U^T h_{t-1} + ...: the one-step Jacobian is U^T, of norm σ_max(U)."""
    result = recurrent_gradient_flow(
        "rnn", activation="identity", weight_scale=0.5, n_steps=10, random_state=0
    )
    assert result.hidden_norm[-2] == pytest.approx(result.bound[-2], rel=1e-12)


@pytest.mark.parametrize(
    ("activation", "weight_scale", "gamma", "guaranteed"),
    [
        ("sigmoid", 1.0, 0.25, True),
        ("tanh", 1.0, 1.0, False),
        ("tanh", 0.25, 1.0, True),
        ("hard_sigmoid", 2.0, 1 / 6, True),
    ],
)
def test_bound_fields_against_numpy(activation, weight_scale, gamma, guaranteed):
    result = recurrent_gradient_flow(
        "rnn",
        activation=activation,
        weight_scale=weight_scale,
        n_steps=50,
        random_state=3,
    )
    sigma_max = np.linalg.svd(result.model.U, compute_uv=False)[0]
    assert result.recurrent_spectral_norm == pytest.approx(sigma_max, rel=1e-12)
    assert result.gamma == gamma
    assert result.vanishing_bound == pytest.approx(1 / gamma, rel=1e-15)
    expected = np.array([(gamma * sigma_max) ** (50 - k) for k in range(51)])
    np.testing.assert_allclose(result.bound, expected, rtol=1e-12)
    assert result.vanishing_guaranteed is guaranteed
    assert result.vanishing_guaranteed is bool(gamma * sigma_max < 1)


def test_bound_beyond_float64_is_inf_or_zero():
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        chaotic = recurrent_gradient_flow(
            "rnn", weight_scale=10.0, n_steps=2000, random_state=0
        )
        quiet = recurrent_gradient_flow(
            "rnn", activation="sigmoid", weight_scale=0.1, n_steps=2000, random_state=0
        )
    assert chaotic.bound[0] == np.inf and chaotic.bound[-1] == 1.0
    assert quiet.bound[0] == 0.0 and quiet.hidden_norm[0] == 0.0


def test_bound_fields_are_none_for_the_lstm_and_carousel_for_the_rnn():
    lstm, rnn = flow(cell="lstm"), flow(cell="rnn")
    for field in (
        "recurrent_spectral_norm",
        "gamma",
        "vanishing_bound",
        "bound",
        "vanishing_guaranteed",
    ):
        assert lstm[field] is None
        assert rnn[field] is not None
    assert rnn.direct_path_norm is None
    assert lstm.direct_path_norm.shape == lstm.cell_norm.shape == (8,)


# The LSTM without forget gate (Hochreiter & Schmidhuber, 1997) ---------------


def test_lstm_without_forget_gate_follows_its_equations():
    """C_t = C_{t-1} + i_t g_t and h_t = o_t tanh(C_t), recomputed from weights."""
    result = flow(cell="lstm", forget_gate=False)
    model, n = result.model, 3
    assert not model.forget_gate
    assert model.W.shape == (2, 9) and model.U.shape == (3, 9) and model.b.shape == (9,)
    for t, x in enumerate(result.inputs, start=1):
        h_prev, C_prev = result.states[t - 1, :n], result.states[t - 1, n:]
        a = model.U.T @ h_prev + model.W.T @ x + model.b
        i, o, g = sigmoid(a[:n]), sigmoid(a[n : 2 * n]), np.tanh(a[2 * n :])
        C = C_prev + i * g
        np.testing.assert_allclose(result.states[t, n:], C, rtol=1e-14, atol=1e-15)
        np.testing.assert_allclose(
            result.states[t, :n], o * np.tanh(C), rtol=1e-14, atol=1e-15
        )


def test_lstm_without_forget_gate_shares_weights_and_inputs_with_the_default():
    full = flow(cell="lstm")
    carousel = flow(cell="lstm", forget_gate=False)
    n = 3
    keep = np.r_[0:n, 2 * n : 4 * n]  # the blocks i, o, g of [i, f, o, g]
    np.testing.assert_array_equal(carousel.model.W, full.model.W[:, keep])
    np.testing.assert_array_equal(carousel.model.U, full.model.U[:, keep])
    np.testing.assert_array_equal(carousel.model.b, 0.0)
    np.testing.assert_array_equal(carousel.inputs, full.inputs)


def test_forget_bias_is_ignored_without_a_forget_gate():
    a = flow(cell="lstm", forget_gate=False, forget_bias=0.0)
    b = flow(cell="lstm", forget_gate=False, forget_bias=5.0)
    np.testing.assert_array_equal(a.states, b.states)
    np.testing.assert_array_equal(a.cell_norm, b.cell_norm)


@pytest.mark.parametrize("activation", ["tanh", "sigmoid"])
def test_direct_path_is_exactly_the_identity_without_a_forget_gate(activation):
    result = recurrent_gradient_flow(
        "lstm", forget_gate=False, activation=activation, random_state=0
    )
    np.testing.assert_array_equal(result.direct_path_norm, 1.0)
    # the gates' feedback through h makes the full Jacobian something else
    assert not np.allclose(result.cell_norm, 1.0)


@pytest.mark.parametrize("forget_bias", [0.0, 1.0, 3.0])
def test_direct_path_is_the_product_of_the_forget_gates(forget_bias):
    result = recurrent_gradient_flow(
        "lstm", forget_bias=forget_bias, hidden_size=5, n_steps=40, random_state=1
    )
    model, n = result.model, 5
    h, x = result.states[:-1, :n], result.inputs
    U_f, W_f, b_f = model.U[:, n : 2 * n], model.W[:, n : 2 * n], model.b[n : 2 * n]
    forget = sigmoid(h @ U_f + x @ W_f + b_f)  # f_t for t = 1..T, by rows
    expected = [np.prod(forget[k:], axis=0).max() for k in range(41)]
    np.testing.assert_allclose(result.direct_path_norm, expected, rtol=1e-12)


@pytest.mark.parametrize("params", [p for p in CONFIGS if p["cell"] == "lstm"])
def test_direct_path_is_the_product_of_the_cell_to_cell_blocks(params):
    """The C→C blocks of the one-step Jacobians, multiplied: any LSTM variant."""
    result = flow(**params)
    n = 3
    _, caches = run_cell(result.model, result.inputs, result.states[0])
    product = np.eye(n)
    for k in range(len(caches) - 1, -1, -1):
        product = product @ result.model.state_jacobian(caches[k])[n:, n:]
        assert result.direct_path_norm[k] == pytest.approx(
            np.linalg.norm(product, 2), rel=1e-12
        )
    # one step back, the full cell Jacobian is that block
    assert result.cell_norm[-2] == pytest.approx(result.direct_path_norm[-2], rel=1e-12)
    assert result.direct_path_norm[-1] == 1.0


def test_forget_gate_true_is_the_default():
    a = flow(cell="lstm")
    b = flow(cell="lstm", forget_gate=True)
    assert a.model.forget_gate and a.model.W.shape == (2, 12)
    for field in ("hidden_norm", "cell_norm", "direct_path_norm", "states"):
        np.testing.assert_array_equal(a[field], b[field])


@pytest.mark.parametrize("value", [1, 0, "yes", None, 1.0])
def test_forget_gate_must_be_a_bool(value):
    with pytest.raises(ValueError, match="forget_gate"):
        recurrent_gradient_flow("lstm", forget_gate=value)


@pytest.mark.parametrize("forget_gate", [True, False])
def test_random_state_reproduces_every_field(forget_gate):
    a = flow(cell="lstm", forget_gate=forget_gate)
    b = flow(cell="lstm", forget_gate=forget_gate)
    for field in ("hidden_norm", "cell_norm", "direct_path_norm", "states"):
        np.testing.assert_array_equal(a[field], b[field])
    other = recurrent_gradient_flow(
        "lstm", hidden_size=3, n_steps=7, input_size=2, random_state=1
    )
    assert not np.array_equal(a.states, other.states)


# Values measured before forget_gate and the bound existed (seed 0, 32 units,
# 100 steps): the defaults must not move.
@pytest.mark.parametrize(
    ("params", "field", "value"),
    [
        (
            {"cell": "rnn", "activation": "sigmoid"},
            "hidden_norm",
            8.954081696306515e-68,
        ),
        ({"cell": "rnn", "activation": "tanh"}, "hidden_norm", 8.381318314722052e-20),
        ({"cell": "lstm"}, "hidden_norm", 3.498911330581994e-09),
        ({"cell": "lstm"}, "cell_norm", 2.3016740864014214e-08),
        ({"cell": "lstm", "forget_bias": 3.0}, "cell_norm", 4.885170664927969),
        (
            {"cell": "lstm", "cell_state_activation": "sigmoid"},
            "cell_norm",
            9.532757804524465e-71,
        ),
    ],
)
def test_default_measurements_are_unchanged(params, field, value):
    result = recurrent_gradient_flow(random_state=0, **params)
    assert result[field][0] == pytest.approx(value, rel=1e-8)

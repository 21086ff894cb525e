"""Backpropagation through time of the recurrent cells, against finite differences."""

import warnings

import numpy as np
import pytest

from sksigmoid.recurrent import (
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

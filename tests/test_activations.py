"""Activations and initialisers: values, derivatives, dtypes, validation."""

import numpy as np
import pytest

from sksigmoid import _activations
from sksigmoid._activations import (
    ACTIVATIONS,
    RELU_FAMILY,
    get_activation,
    validate_activation_pair,
)
from sksigmoid._init import (
    INITIALIZERS,
    get_initializer,
    initial_weights,
    resolve_init,
)
from sksigmoid._numeric import constant_array

# Points away from every kink (0 for the ReLU family, +-3 for hard_sigmoid).
Z = np.linspace(-5.0, 5.0, 41).reshape(-1, 1) + np.array([0.0137, -0.0291])

REFERENCE = {
    "sigmoid": lambda z: 1 / (1 + np.exp(-z)),
    "tanh": np.tanh,
    "relu": lambda z: np.maximum(z, 0),
    "leaky_relu": lambda z: np.where(z > 0, z, 0.01 * z),
    "elu": lambda z: np.where(z > 0, z, np.exp(z) - 1),
    "gelu": lambda z: 0.5 * z * (1 + np.vectorize(__import__("math").erf)(z / 2**0.5)),
    "silu": lambda z: z / (1 + np.exp(-z)),
    "softplus": lambda z: np.log1p(np.exp(z)),
    "softsign": lambda z: z / (1 + np.abs(z)),
    "hard_sigmoid": lambda z: np.clip(z / 6 + 0.5, 0, 1),
    "identity": lambda z: z,
}


def apply(activation, Z):
    A = activation.function(Z, np.empty_like(Z))
    return A, activation.derivative(Z, A, np.empty_like(Z))


def test_the_table_has_the_activations_of_the_issue():
    assert set(ACTIVATIONS) == set(REFERENCE)


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_function_matches_its_textbook_formula(name):
    A, _ = apply(ACTIVATIONS[name], Z)
    np.testing.assert_allclose(A, REFERENCE[name](Z), rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_derivative_matches_central_differences(name):
    h = 1e-6
    _, slope = apply(ACTIVATIONS[name], Z)
    f = REFERENCE[name]
    numeric = (f(Z + h) - f(Z - h)) / (2 * h)
    np.testing.assert_allclose(slope, numeric, rtol=1e-7, atol=1e-8)


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_float32_in_float32_out_without_warnings_at_extremes(name):
    Z32 = np.array([[-1e4, -100.0, -1.0, 0.5, 100.0, 1e4]], dtype=np.float32)
    A, slope = apply(ACTIVATIONS[name], Z32)  # RuntimeWarnings are errors here
    assert A.dtype == slope.dtype == np.float32
    assert np.all(np.isfinite(A)) and np.all(np.isfinite(slope))
    A64, _ = apply(ACTIVATIONS[name], Z32.astype(np.float64))
    np.testing.assert_allclose(A, A64, rtol=1e-6, atol=1e-30)


def test_sigmoid_derivative_is_at_most_a_quarter_and_vanishes_in_the_tails():
    z = np.array([[-30.0, -5.0, 0.0, 5.0, 30.0]])
    _, slope = apply(ACTIVATIONS["sigmoid"], z)
    assert slope.max() == pytest.approx(0.25)
    assert slope[0, 0] < 1e-12 and slope[0, -1] < 1e-12


def test_user_pair_is_accepted_and_wrapped():
    act = validate_activation_pair((np.arctan, lambda z: 1 / (1 + z * z)))
    A, slope = apply(act, Z)
    np.testing.assert_allclose(A, np.arctan(Z))
    np.testing.assert_allclose(slope, 1 / (1 + Z * Z))
    assert not act.from_output


@pytest.mark.parametrize(
    "pair, match",
    [
        ((np.tanh, lambda z: (1 - np.tanh(z) ** 2).sum(axis=1)), "element-wise"),
        ((np.tanh, lambda z: np.cosh(z)), "does not match"),
        ((np.tanh, lambda z: np.full_like(z, np.nan)), "non-finite"),
        ((np.tanh,), "pair"),
        ((np.tanh, 3), "pair"),
    ],
)
def test_invalid_user_pairs_are_rejected(pair, match):
    with pytest.raises(ValueError, match=match):
        get_activation(pair)


def test_unknown_activation_lists_the_valid_ones():
    with pytest.raises(ValueError, match="valid ones are .*'hard_sigmoid'.*'tanh'"):
        get_activation("swish")


@pytest.mark.parametrize("name", sorted(INITIALIZERS))
def test_initializers_have_the_documented_variance(name):
    fan_in, fan_out = 400, 300
    W = get_initializer(name)(fan_in, fan_out, np.random.RandomState(0))
    expected = {
        "standard": 1 / (3 * fan_in),
        "glorot_uniform": 2 / (fan_in + fan_out),
        "glorot_normal": 2 / (fan_in + fan_out),
        "he_uniform": 2 / fan_in,
        "he_normal": 2 / fan_in,
        "lecun_normal": 1 / fan_in,
    }[name]
    assert W.shape == (fan_in, fan_out)
    assert W.var() == pytest.approx(expected, rel=0.02)
    assert abs(W.mean()) < 0.02 * np.sqrt(expected)


def test_auto_init_is_he_for_the_relu_family_and_glorot_otherwise():
    for name in ACTIVATIONS:
        expected = "he_uniform" if name in RELU_FAMILY else "glorot_uniform"
        assert resolve_init("auto", name) == expected
    assert resolve_init("lecun_normal", "relu") == "lecun_normal"


def test_initial_weights_cast_and_check_callables():
    init = get_initializer("glorot_uniform")
    W32 = initial_weights(init, [3, 4, 2], np.random.RandomState(0), np.float32)
    W64 = initial_weights(init, [3, 4, 2], np.random.RandomState(0), np.float64)
    assert [W.dtype for W in W32] == [np.float32, np.float32]
    np.testing.assert_allclose(W32[1], W64[1], rtol=1e-7)
    with pytest.raises(ValueError, match=r"expected \(3, 4\)"):
        initial_weights(lambda i, o, rng: np.zeros((o, i)), [3, 4], None, float)
    with pytest.raises(ValueError, match="valid ones are .*'auto'.*'he_normal'"):
        get_initializer("xavier")


@pytest.mark.parametrize(
    "name", ["sigmoid", "tanh", "softsign", "hard_sigmoid", "relu"]
)
def test_saturation_read_off_the_derivatives_equals_the_definition(name):
    from sksigmoid._activations import (
        ACTIVATIONS,
        saturated_fraction,
        saturated_fractions_from_slopes,
    )

    # softsign nears its asymptotes slowly: |a| > 0.99 needs |z| > 99
    scale = 300.0 if name == "softsign" else 4.0
    Z = np.random.default_rng(0).normal(scale=scale, size=(500, 40))
    act = ACTIVATIONS[name]
    A = act.function(Z, np.empty_like(Z))
    slopes = act.derivative(Z, A, np.empty_like(Z))
    fractions = saturated_fractions_from_slopes(slopes.ravel(), [slopes.size], name)
    from_slopes = None if fractions is None else fractions[0]
    if name == "hard_sigmoid":
        assert from_slopes is None  # f' = 1/6 up to the asymptotes: no shortcut
        return
    assert from_slopes == saturated_fraction(A, name)
    if name == "relu":
        assert from_slopes == 0.0
    else:
        assert 0.2 < from_slopes < 0.8  # the test exercises both sides


@pytest.mark.parametrize("name", ["sigmoid", "tanh", "hard_sigmoid", "relu"])
def test_saturation_of_blocks_in_one_pass_equals_each_block_alone(name):
    # the network counts every hidden layer's derivatives, kept in one buffer,
    # with one comparison: each block's fraction must be the definition's
    # (saturated_fraction of that block's activations)
    from sksigmoid._activations import (
        saturated_fraction,
        saturated_fractions_from_slopes,
    )

    rng = np.random.default_rng(1)
    act = ACTIVATIONS[name]
    Zs = [rng.normal(scale=s, size=n) for s, n in [(1, 300), (4, 0), (8, 500)]]
    As = [act.function(Z, np.empty_like(Z)) for Z in Zs]
    flat = np.concatenate(
        [act.derivative(Z, A, np.empty_like(Z)) for Z, A in zip(Zs, As, strict=True)]
    )
    together = saturated_fractions_from_slopes(
        flat, [Z.size for Z in Zs], name, out=np.empty(flat.shape, dtype=bool)
    )
    if name == "hard_sigmoid":
        assert together is None  # f' = 1/6 up to the asymptotes: no shortcut
        return
    assert together == [saturated_fraction(A, name) for A in As]
    if name in ("sigmoid", "tanh"):
        assert together[0] < together[2]  # wider pre-activations saturate more


@pytest.mark.parametrize("name", ["relu", "elu"])
def test_zero_array_path_equals_the_scalar_one_and_stays_zero(name, monkeypatch):
    # max/min against a cached zero array for mini-batches, the scalar 0 above
    # _ZEROS_KEPT_UP_TO: the same values either way, NaN and inf included
    activation = ACTIVATIONS[name]
    Z = np.random.default_rng(0).normal(0, 3, (50, 8)).astype(np.float32)
    Z[0, :3] = [np.nan, -np.inf, np.inf]
    A = activation.function(Z, np.empty_like(Z))
    D = activation.derivative(Z, A, np.empty_like(Z))
    monkeypatch.setattr(_activations, "_ZEROS_KEPT_UP_TO", 0)
    np.testing.assert_array_equal(A, activation.function(Z, np.empty_like(Z)))
    np.testing.assert_array_equal(D, activation.derivative(Z, A, np.empty_like(Z)))
    cached = constant_array(Z.shape, Z.dtype, 0)
    assert not cached.flags.writeable and not cached.any()

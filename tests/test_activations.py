"""Activations and initialisers: values, derivatives, dtypes, validation."""

import numpy as np
import pytest
from scipy.special import expit

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


# The hidden sigmoid: float32 uses 1/2 + 1/2 tanh(z/2), other dtypes
# 1/(1 + exp(-z)) (see _activations._sigmoid). Against expit in float64 it is
# within RTOL * sigma + ATOL for z >= -20 and RTOL * sigma + TAIL_ATOL below
# (where sigma < 2.1e-9). float32's ATOL, 6.1e-8, is about one float32 spacing
# below 1 (2**-24 = 5.96e-8): the tanh form keeps that absolute, not a
# relative, precision in the negative tail (float32 expit's own error, at
# z > 0, reaches 8.9e-8).
SIGMOID_TOLERANCES = {
    # dtype: (RTOL, ATOL, TAIL_ATOL)
    np.float32: (1.5e-7, 6.1e-8, 2.1e-9),
    np.float64: (1e-15, 0.0, 0.0),
}


def half_tanh_form(z):
    """The identity the float32 sigmoid relies on, written out."""
    return 0.5 + 0.5 * np.tanh(z / 2)


def sigmoid_grid(dtype):
    z = np.linspace(-60, 60, 1_200_001).astype(dtype)
    return z, expit(z.astype(np.float64))


@pytest.mark.parametrize("dtype", sorted(SIGMOID_TOLERANCES, key=str))
def test_hidden_sigmoid_agrees_with_expit_within_the_stated_tolerances(dtype):
    rtol, atol, tail_atol = SIGMOID_TOLERANCES[dtype]
    z, exact = sigmoid_grid(dtype)
    A, slope = apply(ACTIVATIONS["sigmoid"], z)
    assert A.dtype == slope.dtype == dtype
    bound = rtol * exact + np.where(z >= -20, atol, tail_atol)
    assert np.all(np.abs(A - exact) <= bound)
    # a (1 - a) from the activation: within the same bound of its value at the
    # exact sigmoid (its derivative in a, 1 - 2a, is at most 1), plus rounding
    exact_slope = exact * (1 - exact)
    rounding = np.finfo(dtype).eps * exact_slope
    assert np.all(np.abs(slope - exact_slope) <= bound + rounding)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_half_tanh_form_agrees_with_expit(dtype):
    """Relative tolerance where z >= -20, absolute below (sigma < 2.1e-9)."""
    z, exact = sigmoid_grid(dtype)
    error = np.abs(half_tanh_form(z) - exact)
    body = z >= -20
    if dtype == np.float64:  # relative error 2.2e-8 at z = -20, 3e-16 for z >= 0
        assert np.all(error[body] <= 5e-8 * exact[body])
        assert np.all(error[~body] <= 1e-16)
    else:  # float32: relative 1.2e-7 for z >= 0 and 4e-6 for z >= -5 ...
        assert np.all(error[z >= 0] <= 1.5e-7 * exact[z >= 0])
        assert np.all(error[z >= -5] <= 5e-6 * exact[z >= -5])
        assert np.all(error[body] <= 6.1e-8)  # ... absolute 6e-8 down to -20
        assert np.all(error[~body] <= 2.1e-9)  # exactly 0 below -20
        assert np.all(half_tanh_form(z)[~body] == 0)


def test_float32_hidden_sigmoid_is_the_half_tanh_form():
    z, _ = sigmoid_grid(np.float32)
    A, _ = apply(ACTIVATIONS["sigmoid"], z)
    np.testing.assert_array_equal(A, half_tanh_form(z))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_hidden_sigmoid_is_monotone_and_in_the_unit_interval(dtype):
    z, _ = sigmoid_grid(dtype)
    A, slope = apply(ACTIVATIONS["sigmoid"], z)
    assert np.all(np.diff(A) >= 0)
    assert np.all((A >= 0) & (A <= 1)) and np.all((slope >= 0) & (slope <= 0.25))
    # Consecutive floats around the steepest part and the tails. numpy's
    # float32 tanh is 1 ulp off at -1.5 (sigma(-3) is 3e-8 above sigma of the
    # next float32 up, the only such step among all float32 with
    # 2**-26 <= |z| <= 32), hence the tolerance of one float32 spacing.
    ulp = 2.0**-24 if dtype == np.float32 else 0.0
    itype = np.int32 if dtype == np.float32 else np.int64
    for centre in [-30.0, -17.3, -3.0, -0.4, 0.0, 0.4, 3.0, 17.3, 30.0]:
        bits = np.asarray(np.abs(centre) or 1e-3, dtype=dtype).view(itype)
        side = (bits + np.arange(-2000, 2000, dtype=itype)).view(dtype)
        window = np.sort(side if centre >= 0 else -side)
        A_window, _ = apply(ACTIVATIONS["sigmoid"], window)
        assert np.all(np.diff(A_window) >= -ulp)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_hidden_sigmoid_is_0_or_1_at_extreme_inputs_without_warnings(dtype):
    big = np.finfo(dtype).max
    z = np.array([-np.inf, -big, -1e30, -1e4, -800, 800, 1e4, 1e30, big, np.inf])
    z = z.astype(dtype)
    A, slope = apply(ACTIVATIONS["sigmoid"], z)  # RuntimeWarnings are errors here
    np.testing.assert_array_equal(A, (z > 0).astype(dtype))
    np.testing.assert_array_equal(slope, np.zeros_like(z))
    # in place (the input buffer is the output), as the training loop may do
    np.testing.assert_array_equal(ACTIVATIONS["sigmoid"].function(z, z), A)


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

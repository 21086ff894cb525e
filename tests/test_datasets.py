"""Tests of the bundled data sets and their loaders."""

import numpy as np
import pytest

from sksigmoid import SigmoidGrowthRegressor
from sksigmoid.datasets import load_bioassay, load_puromycin, load_rat42, load_rat43


@pytest.mark.parametrize(
    "loader, n_samples, feature, target",
    [
        (load_rat42, 9, "time", "yield"),
        (load_rat43, 15, "time", "dry_weight"),
        (load_puromycin, 12, "concentration", "rate"),
    ],
)
def test_loaders_return_sklearn_bunches(loader, n_samples, feature, target):
    data = loader()
    assert data.data.shape == (n_samples, 1)
    assert data.target.shape == (n_samples,)
    assert data.feature_names == [feature] and data.target_names == [target]
    assert "licence" in data.DESCR and "Source" in data.DESCR
    assert "frame" not in data


@pytest.mark.parametrize(
    "loader", [load_rat42, load_rat43, load_puromycin, load_bioassay]
)
def test_as_frame(loader):
    pytest.importorskip("pandas")
    data = loader(as_frame=True)
    np.testing.assert_array_equal(data.frame.iloc[:, 0], loader().data[:, 0])
    np.testing.assert_array_equal(data.target.to_numpy(), loader().target)
    assert list(data.data.columns) == data.feature_names


def test_rat42_values_match_nist_table():
    data = load_rat42()
    np.testing.assert_array_equal(data.data[:, 0], [9, 14, 21, 28, 42, 57, 63, 70, 79])
    assert data.target[[0, -1]].tolist() == [8.93, 67.08]


def test_puromycin_states_and_michaelis_menten_reference_fit():
    assert load_puromycin(state="untreated").data.shape == (11, 1)
    assert load_puromycin(state="all").data.shape == (23, 1)
    data = load_puromycin()
    reg = SigmoidGrowthRegressor("hill", fixed={"n": 1.0}).fit(data.data, data.target)
    # R: nls(rate ~ Vm * conc / (K + conc), Puromycin, subset = state == "treated")
    assert reg.params_["top"] == pytest.approx(212.7, abs=0.05)
    assert reg.params_["K"] == pytest.approx(0.06412, abs=5e-6)
    assert reg.std_errors_["top"] == pytest.approx(6.947, abs=5e-4)
    assert reg.std_errors_["K"] == pytest.approx(0.008281, abs=5e-7)
    assert reg.sigma_ == pytest.approx(10.93, abs=5e-3)
    with pytest.raises(ValueError, match="state must be"):
        load_puromycin(state="both")


def test_bioassay_counts_and_the_simulated_truth_inside_the_intervals():
    data = load_bioassay()
    np.testing.assert_array_equal(data.data[:, 0], [0, 1, 2, 4, 8, 16, 32])
    np.testing.assert_array_equal(data.target, data.dead / data.exposed)
    assert data.exposed.tolist() == [50] * 7
    assert "simulated" in data.DESCR.lower()
    frame = load_bioassay(as_frame=True).frame
    assert frame["dead"].tolist() == data.dead.astype(int).tolist()
    fit = SigmoidGrowthRegressor(
        "probit", x_scale="log", family="binomial", fixed={"top": 1}
    ).fit(data.data, data.target, sample_weight=data.exposed)
    # drawn with LD50 = 6 mg/L, slope 1.6 per ln unit, natural mortality 0.05
    ld50 = fit.effective_dose(50, level=0.95, method="fieller")
    assert ld50.ci_lower < 6.0 < ld50.ci_upper
    for name, true in (("rate", 1.6), ("bottom", 0.05)):
        low, high = fit.conf_int()[name]
        assert low < true < high

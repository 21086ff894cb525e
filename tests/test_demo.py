"""The command line demo: every section runs and writes its figures."""

import subprocess
import sys

import pytest

from sksigmoid import __main__ as cli
from sksigmoid.demo import SECTIONS

pytest.importorskip("matplotlib")


@pytest.mark.parametrize("section", SECTIONS)
def test_demo_section_runs_and_writes_figures(section, tmp_path, capsys):
    assert cli.main(["demo", "--section", section, "--plots", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert f"[{section}:" in out
    assert list(tmp_path.glob("*.png")), f"section {section} wrote no figure"


def test_neuron_section_reports_separation_and_agreement(capsys):
    cli.main(["demo", "--section", "neuron"])
    out = capsys.readouterr().out
    assert "SeparationWarning" in out
    assert "maximum-likelihood estimate does not exist" in out
    assert "std_err" in out


def test_plots_without_matplotlib_say_how_to_install(monkeypatch, tmp_path, capsys):
    monkeypatch.setattr(cli, "_matplotlib_available", lambda: False)
    assert cli.main(["demo", "--plots", str(tmp_path / "figs")]) == 2
    err = capsys.readouterr().err
    assert 'pip install "sksigmoid[plot]"' in err


def test_unknown_section_is_a_clear_usage_error(capsys):
    with pytest.raises(SystemExit) as excinfo:
        cli.main(["demo", "--section", "nonsense"])
    assert excinfo.value.code == 2
    assert "invalid choice: 'nonsense'" in capsys.readouterr().err


def test_python_dash_m_entry_point():
    result = subprocess.run(
        [sys.executable, "-m", "sksigmoid", "--help"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "demo" in result.stdout

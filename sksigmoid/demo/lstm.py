"""Demo section: why the LSTM, built from sigmoid gates, keeps gradients alive."""

from ..recurrent import recurrent_gradient_flow
from ._util import save_figure, table

TITLE = "The LSTM's way out: gradient flow through 100 time steps"

# label -> parameters of recurrent_gradient_flow
CELLS = {
    "sigmoid RNN": {"cell": "rnn", "activation": "sigmoid"},
    "tanh RNN": {"cell": "rnn", "activation": "tanh"},
    "LSTM, forget bias 0": {"cell": "lstm", "forget_bias": 0.0},
    "LSTM, forget bias 1": {"cell": "lstm", "forget_bias": 1.0},
    "LSTM, forget bias 3": {"cell": "lstm", "forget_bias": 3.0},
    "LSTM, no forget gate": {"cell": "lstm", "forget_gate": False},
    "seed's σ-wrapped C_t": {"cell": "lstm", "cell_state_activation": "sigmoid"},
}
LAGS = (1, 10, 50, 100)


def measure_cells(n_steps=100, random_state=0):
    """``recurrent_gradient_flow`` of every cell of :data:`CELLS`, same seed."""
    return {
        label: recurrent_gradient_flow(
            n_steps=n_steps, random_state=random_state, **params
        )
        for label, params in CELLS.items()
    }


def norms_table(results, lags=LAGS):
    """Rows (cell, norm at each lag) of ‖∂h_T/∂h_k‖₂ and, for LSTMs, ‖∂C_T/∂C_k‖₂."""
    rows = []
    for label, result in results.items():
        T = len(result.step) - 1
        rows.append(
            (label, "h", *(f"{result.hidden_norm[T - lag]:.2e}" for lag in lags))
        )
        if result.cell_norm is not None:
            rows.append(
                ("", "C", *(f"{result.cell_norm[T - lag]:.2e}" for lag in lags))
            )
    return rows


def bound_lines(results):
    """Pascanu et al.'s bound beside the RNNs' norms, and the LSTMs' cell path.

    One line per RNN: the bound (γ·σ_max(U))^T against the measured
    ‖∂h_T/∂h_0‖₂; one line setting the direct cell path max_j ∏_t f_tj beside
    the full ‖∂C_T/∂C_0‖₂, for the LSTM without and with a forget gate
    (forget bias 1).
    """
    lines = []
    for label, result in results.items():
        if result.bound is None:
            continue
        verdict = "must vanish" if result.vanishing_guaranteed else "says nothing"
        lines.append(
            f"{label}: bound ({result.gamma:g} × {result.recurrent_spectral_norm:.2f})"
            f"^{result.lag[0]} = {result.bound[0]:.1e} ≥ measured "
            f"{result.hidden_norm[0]:.1e}: {verdict}"
        )
    pairs = ", ".join(
        f"{label.removeprefix('LSTM, ')} {results[label].direct_path_norm[0]:.2g}"
        f" vs {results[label].cell_norm[0]:.2g}"
        for label in ("LSTM, no forget gate", "LSTM, forget bias 1")
    )
    lines.append(f"‖∂C_T/∂C_0‖₂ of the cell path alone vs in full: {pairs}")
    return lines


def plot_gradient_flow(results, ax):
    """Norms against the lag T − k on a log axis (solid: h, dashed: C)."""
    for label, result in results.items():
        (line,) = ax.semilogy(result.lag, result.hidden_norm, label=label)
        if result.cell_norm is not None:
            ax.semilogy(result.lag, result.cell_norm, "--", color=line.get_color())
    ax.set_xlabel("lag T − k (time steps)")
    ax.set_ylabel("‖∂h_T/∂h_k‖₂ (solid), ‖∂C_T/∂C_k‖₂ (dashed)")
    ax.legend(fontsize="small")


def run(plots_dir=None):
    """Print the norms at lags 1, 10, 50, 100 and optionally draw them."""
    results = measure_cells()
    print("Spectral norm of the Jacobian of the last state with respect to the")
    print("state k steps back (32 units, random weights and inputs, seed 0):")
    table(norms_table(results), ("cell", "state", *(f"T-{lag}" for lag in LAGS)))
    print("Pascanu et al.'s bound (γ·σ_max(U))^T; the LSTM's carousel:")
    for line in bound_lines(results):
        print(f"  {line}")
    if plots_dir is not None:
        import matplotlib.pyplot as plt

        fig, ax = plt.subplots(figsize=(7, 4.5))
        plot_gradient_flow(results, ax)
        save_figure(fig, plots_dir, "lstm_gradient_flow")

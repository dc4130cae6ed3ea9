"""Efficiency and resolution figures (fasttrack.plots)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import awkward as ak
import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from fasttrack import detector, generate, metrics, plots, truthtrack
from fasttrack.events import Events

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def sample() -> tuple[Events, ak.Array]:
    ev = generate.generate(detector.telescope(), 200, seed=5)
    return ev, truthtrack.find(ev)


@pytest.fixture(scope="module")
def perf(sample: tuple[Events, ak.Array]) -> metrics.TrackingPerformance:
    return metrics.evaluate(*sample)


def pixels(fig: Figure) -> np.ndarray:
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    return np.asarray(canvas.buffer_rgba()).copy()


def assert_png(path: Path) -> None:
    data = path.read_bytes()
    assert data.startswith(PNG_MAGIC) and len(data) > 1000


def test_figures_are_saved_as_png(perf: metrics.TrackingPerformance, tmp_path: Path) -> None:
    figures = {
        "eff_pt": plots.plot_efficiency(perf),
        "eff_layers": plots.plot_efficiency(perf, "n_layers"),
        "res_x": plots.plot_resolution(perf, "x_ref_mm"),
        "pull_tx": plots.plot_pulls(perf, "tx"),
    }
    for name, fig in figures.items():
        assert isinstance(fig, Figure)
        out = plots.save_figure(fig, tmp_path / "sub" / f"{name}.png")
        assert out == tmp_path / "sub" / f"{name}.png"
        assert_png(out)


def test_efficiency_plot_shows_the_efficiency(perf: metrics.TrackingPerformance) -> None:
    fig = plots.plot_efficiency(perf, "eta", bins=8)
    ax = fig.axes[0]
    _, eff, lo, hi = perf.efficiency_vs("eta", 8)
    ok = np.isfinite(eff)
    line, _, (_, ybars) = ax.containers[0].lines  # data, caps, (x bars, y bars)
    np.testing.assert_array_equal(line.get_ydata(), eff[ok])
    segments = np.array(ybars.get_segments())  # per bin: [(x, eff - lo), (x, eff + hi)]
    np.testing.assert_allclose(segments[:, 0, 1], (eff - lo)[ok])
    np.testing.assert_allclose(segments[:, 1, 1], (eff + hi)[ok])
    assert ax.get_xlabel() == r"$\eta$" and ax.get_ylabel() == "efficiency"
    assert plots.plot_efficiency(perf).axes[0].get_xlabel() == r"$p_\mathrm{T}$ [GeV]"


def test_a_wrong_input_changes_the_figures(sample: tuple[Events, ak.Array], perf: metrics.TrackingPerformance) -> None:
    ev, tracks = sample
    lost = metrics.evaluate(ev, tracks[:, 1:])  # planted bug: one track per event missing
    shifted = metrics.evaluate(ev, ak.with_field(tracks, tracks.x_ref_mm + 0.02, "x_ref_mm"))
    assert lost.efficiency < perf.efficiency
    same = pixels(plots.plot_efficiency(perf, "eta", bins=8))
    np.testing.assert_array_equal(same, pixels(plots.plot_efficiency(perf, "eta", bins=8)))
    assert not np.array_equal(same, pixels(plots.plot_efficiency(lost, "eta", bins=8)))
    y_good = plots.plot_efficiency(perf, "eta", bins=8).axes[0].containers[0].lines[0].get_ydata()
    y_lost = plots.plot_efficiency(lost, "eta", bins=8).axes[0].containers[0].lines[0].get_ydata()
    assert np.all(np.asarray(y_lost) <= y_good) and np.any(np.asarray(y_lost) < y_good)
    res = pixels(plots.plot_resolution(perf, "x_ref_mm"))
    np.testing.assert_array_equal(res, pixels(plots.plot_resolution(perf, "x_ref_mm")))
    assert not np.array_equal(res, pixels(plots.plot_resolution(shifted, "x_ref_mm")))
    pull = pixels(plots.plot_pulls(perf, "x_ref_mm"))
    assert not np.array_equal(pull, pixels(plots.plot_pulls(shifted, "x_ref_mm")))


def test_resolution_legend_and_labels(perf: metrics.TrackingPerformance) -> None:
    fig = plots.plot_resolution(perf, "x_ref_mm")
    ax = fig.axes[0]
    assert ax.get_xlabel() == r"$\Delta$$x_\mathrm{ref}$ [mm]"
    legend = ax.get_legend()
    assert legend is not None
    text = legend.get_texts()[0].get_text()
    w = perf.resolution["x_ref_mm"].width68
    assert f"68% half-width = {w:.3g} mm" in text
    counts, _ = np.histogram(perf.residuals["x_ref_mm"], bins=50)
    (step,) = ax.patches  # the stepfilled histogram is one polygon, its top the bin counts
    assert step.get_xy()[:, 1].max() == counts.max()
    pulls = plots.plot_pulls(perf, "tx").axes[0]
    labels = [t.get_text() for t in pulls.get_legend().get_texts()]
    assert labels[1] == r"$\mathcal{N}(0, 1)$"
    assert f"std = {perf.resolution['tx'].pull_std:.3g}" in labels[0]


def test_draw_into_given_axes(perf: metrics.TrackingPerformance, tmp_path: Path) -> None:
    fig = Figure(figsize=(8, 3))
    left, right = fig.subplots(1, 2)
    assert plots.plot_efficiency(perf, "eta", ax=left, label="a") is fig
    assert plots.plot_efficiency(perf, "eta", ax=left, label="b") is fig
    assert plots.plot_resolution(perf, "tx", ax=right) is fig
    assert [t.get_text() for t in left.get_legend().get_texts()] == ["a", "b"]
    assert_png(plots.save_figure(fig, tmp_path / "both.png"))


def test_errors_and_empty_samples(sample: tuple[Events, ak.Array], tmp_path: Path) -> None:
    ev, tracks = sample
    no_errors = metrics.evaluate(ev, ak.without_field(tracks, "tx_err"))
    with pytest.raises(ValueError, match="no pulls for 'tx'"):
        plots.plot_pulls(no_errors, "tx")
    with pytest.raises(ValueError, match="no residuals for 'qoverpt'"):
        plots.plot_resolution(no_errors, "qoverpt")
    empty = metrics.evaluate(ev[:0], tracks[:0])
    assert_png(plots.save_figure(plots.plot_efficiency(empty), tmp_path / "e.png"))
    assert_png(plots.save_figure(plots.plot_resolution(empty, "x_ref_mm"), tmp_path / "r.png"))
    assert_png(plots.save_figure(plots.plot_pulls(empty, "tx"), tmp_path / "p.png"))


def test_import_leaves_the_backend_alone(tmp_path: Path) -> None:
    code = (
        "import sys, matplotlib\n"
        "from fasttrack import detector, generate, metrics, plots, truthtrack\n"
        "ev = generate.generate(detector.telescope(), 5, seed=1)\n"
        "plots.save_figure(plots.plot_efficiency(metrics.evaluate(ev, truthtrack.find(ev))),"
        f" {str(tmp_path / 'x.png')!r})\n"
        "assert 'matplotlib.pyplot' not in sys.modules\n"
        "print(matplotlib.get_backend())\n"
    )
    env = {**os.environ, "MPLBACKEND": "svg"}
    out = subprocess.run(
        [sys.executable, "-W", "error", "-c", code], env=env, check=True, capture_output=True, text=True
    )
    assert out.stdout.strip() == "svg"
    assert_png(tmp_path / "x.png")

"""The track fit (:mod:`fasttrack.fit`): kernels against naive references, fixed point
against the HLS C-simulation word for word (both type families), and its physics: pulls
of unit width on ideal hit association, and the χ² cut's effect on fakes.

Measured with ``NUMBA_NUM_THREADS=1 .venv/bin/python examples/fit_study.py`` (seed 7;
telescope 2000, barrel 3000, velo 40 events; fixed point; ``pull`` = std of the pulls,
``res`` = residual std over the truth fit's on the same selection):

==================  ==========================  ===========================  ==============
sample              pull width (bias/σ)         res / truth (w68 / truth)    eff / fake
==================  ==========================  ===========================  ==============
telescope, truth    tx 1.013, x_ref 1.008       1.00 (1.00)                  1 / 0
telescope retina    1.072, 1.059 (< 0.01)       1.17, 1.12 (1.11, 1.14)      99.4 % / 0.9 %
telescope Hough     1.053, 1.062 (−0.035)       1.06, 1.07 (1.04, 1.12)      99.7 % / 0.9 %
barrel, truth       0.998 0.994 1.000 0.994     1.02 1.01 1.00 1.00          1 / 0
barrel retina χ²≤5  1.000 1.001 1.002 0.992     1.03 1.03 2.26 1.42          97.9 % / 0.1 %
                    (bias < 0.03)               (w68 1.02–1.03)              (was 97.0 / 9.5)
barrel Hough χ²≤5   0.985 0.988 1.000 0.988     1.02 1.02 1.67 1.24          97.2 % / 0.0 %
                    (q/pT bias −0.022 σ)        (w68 1.02–1.03)              (was 96.8 / 3.3)
velo, truth         u v tx ty 1.54–1.72         1.32–1.40 (1.24–1.41)        (xfail below)
==================  ==========================  ===========================  ==============

(barrel: q/pT, φ_T, z0, cotθ; efficiency above 3 GeV; "χ²≤5" is chi2/ndof <= 5.)
The velo fails the targets: with no field the fit cannot know a track's momentum (p from
0.4 GeV), and one covariance per layer pattern (the population's mean scattering) is
right for neither the soft tail nor the stiff tracks.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import awkward as ak
import numpy as np
import pytest

from fasttrack import algorithms, detector, generate, metrics, truthtrack
from fasttrack.events import Events
from fasttrack.fit import Chain, FitConfig, codegen, fit_inputs, fit_tracks, kernels, pattern_index

PRESETS = ("telescope", "barrel", "velo")
N_SMALL = {"telescope": 30, "barrel": 40, "velo": 2}
HLS = Path(__file__).resolve().parents[1] / "hls"


@pytest.fixture(scope="module")
def configs() -> dict[str, FitConfig]:
    return {name: FitConfig.for_detector(detector.preset(name)) for name in PRESETS}


def _small(name: str) -> Events:
    return generate.generate(detector.preset(name), N_SMALL[name], seed=11, progress=False)


def _rows(cfg: FitConfig, ev: Events, tracks: ak.Array) -> tuple:
    inp = fit_inputs(ev, tracks, cfg)
    rows = inp.rows(np.ones(len(inp.hit_track), dtype=bool), cfg.min_hits)
    ok, _, mask = rows[0], rows[1], rows[2]
    pat = pattern_index(cfg, ok, mask, cfg.qoverpt_bin(inp.seed_hw * cfg.param_lsb[0]))
    return inp, rows, ok, pat


# --- kernels against naive references -----------------------------------------------------
@pytest.mark.parametrize("name", PRESETS)
def test_float_kernel_is_generalised_least_squares(configs: dict[str, FitConfig], name: str) -> None:
    """The float kernel equals a from-scratch GLS solve (numpy) per track, to rounding."""
    cfg = configs[name]
    ev = _small(name)
    inp, (ok, _, _, off, row_layer, row_meas, y, _, _use, _first), ok, pat = _rows(cfg, ev, truthtrack.find(ev))
    bins = cfg.qoverpt_bin(inp.seed_hw * cfg.param_lsb[0])
    seed = inp.seed_hw * cfg.param_lsb[0]  # the bins follow the quantised seed: use it here too
    params, chi2, _, _ = kernels.fit_float(cfg, off, row_layer, row_meas, y, pat, seed)
    checked = 0
    for t in np.flatnonzero(ok)[:40]:
        r0, r1 = off[t], off[t + 1]
        lays = row_layer[r0 : r1 : cfg.n_meas]
        p, c2 = kernels.naive_float(cfg, lays, y[r0:r1].reshape(-1, cfg.n_meas), float(seed[t]), int(bins[t]))
        np.testing.assert_allclose(params[t], p, rtol=1e-8, atol=1e-12)
        assert chi2[t] == pytest.approx(c2, rel=1e-6, abs=1e-9)
        checked += 1
    assert checked >= 20


@pytest.mark.parametrize("name", PRESETS)
def test_fixed_kernel_equals_python_integers(configs: dict[str, FitConfig], name: str) -> None:
    """The numba fixed-point kernel equals the step list done in Python integers, bit for bit."""
    cfg = configs[name]
    ev = _small(name)
    tracks = algorithms.default_finder(algorithms.serving(ev.detector)[0], ev.detector).run(ev, "fixed").tracks
    inp, (ok, _, _, off, row_layer, row_meas, _, y_hw, _, _), ok, pat = _rows(cfg, ev, tracks)
    p_hw, chi2_hw, worst, worst_d = kernels.fit_fixed(cfg, off, row_layer, row_meas, y_hw, pat, inp.seed_hw)
    idx = np.flatnonzero(ok)[:40]
    assert len(idx) >= 20
    for t in idx:
        r0, r1 = off[t], off[t + 1]
        got = kernels.naive_fixed(cfg, row_layer[r0 : r1 : cfg.n_meas], y_hw[r0:r1], int(inp.seed_hw[t]), int(pat[t]))
        assert (list(p_hw[t]), chi2_hw[t], worst[t], worst_d[t]) == got


@pytest.mark.parametrize("name", PRESETS)
def test_fixed_follows_float(configs: dict[str, FitConfig], name: str) -> None:
    """Quantisation costs a small fraction of each parameter's error; no constant saturates."""
    cfg = configs[name]
    ev = _small(name)
    tt = truthtrack.find(ev)
    fl, fx = fit_tracks(ev, tt, cfg, "float"), fit_tracks(ev, tt, cfg, "fixed")
    same = ak.to_numpy(ak.flatten(fl.fit_pattern == fx.fit_pattern))
    assert same.mean() > 0.95
    for p in cfg.param_names:
        d = ak.to_numpy(ak.flatten(fl[p] - fx[p]))[same]
        err = ak.to_numpy(ak.flatten(fl[f"{p}_err"]))[same]
        assert np.nanmax(np.abs(d) / err) < 0.05, p
    assert cfg.tables.n_saturated == 0


# --- HLS C-simulation -----------------------------------------------------------------------
def _csim(cfg: FitConfig, vectors: Path, folder: Path, types: str) -> subprocess.CompletedProcess[str]:
    codegen.write_files(cfg, folder)
    flags = ["-std=c++17", "-O1", "-Wall", "-Wextra", "-Werror", "-I", str(folder), "-I", str(HLS / "include")]
    flags += ["-I", str(HLS / "fit")]
    if types == "ap":
        flags += ["-isystem", str(HLS / "third_party" / "ap_types")]
    else:
        flags += ["-DFT_USE_AC", "-isystem", str(HLS / "third_party" / "ac_types" / "include")]
    exe = folder / f"fit_tb_{types}"
    src = [str(HLS / "fit" / "fit.cpp"), str(HLS / "fit" / "fit_tb.cpp")]
    subprocess.run([shutil.which("g++") or "g++", *flags, *src, "-o", str(exe)], check=True, capture_output=True)
    return subprocess.run([str(exe), str(vectors)], capture_output=True, text=True)


needs_gxx = pytest.mark.skipif(shutil.which("g++") is None, reason="C-simulation needs g++")
CSIM_EVENTS = {"telescope": 100, "barrel": 100, "velo": 3}


def _csim_case(name: str, n_events: int, folder: Path, types: str) -> tuple[subprocess.CompletedProcess[str], Path]:
    det = detector.preset(name)
    cfg = FitConfig.for_detector(det)  # its own tables: the vectors' patterns only
    ev = generate.generate(det, n_events, seed=2026, progress=False)
    tracks = algorithms.default_finder(algorithms.serving(det)[-1], det).run(ev, "fixed").tracks
    vec = codegen.write_vectors(cfg, ev, tracks, folder / "fit_vectors.txt")
    return _csim(cfg, vec, folder, types), vec


@needs_gxx
@pytest.mark.parametrize("types", ["ap", "ac"])
@pytest.mark.parametrize("name", PRESETS)
def test_csim_is_bit_exact(name: str, types: str, tmp_path: Path) -> None:
    r, _ = _csim_case(name, CSIM_EVENTS[name], tmp_path, types)
    assert r.returncode == 0 and "bit_exact=1" in r.stdout, r.stdout + r.stderr[-2000:]
    assert "tracks=0 " not in r.stdout


@needs_gxx
def test_csim_fails_on_a_planted_bug(tmp_path: Path) -> None:
    """An altered expected word, and a missing expected line, make the testbench fail."""
    r, vec = _csim_case("telescope", 20, tmp_path, "ap")
    assert r.returncode == 0
    lines = vec.read_text().splitlines(keepends=True)
    i = next(k for k, ln in enumerate(lines) if ln.startswith("R "))
    words = lines[i].split()
    words[1] = str(int(words[1]) + 1)
    bad = tmp_path / "bad.txt"
    bad.write_text("".join([*lines[:i], " ".join(words) + "\n", *lines[i + 1 :]]))
    exe = tmp_path / "fit_tb_ap"
    r = subprocess.run([str(exe), str(bad)], capture_output=True, text=True)
    assert r.returncode == 1 and "mismatches=1" in r.stdout
    bad.write_text("".join(lines[:i] + lines[i + 1 :]))
    r = subprocess.run([str(exe), str(bad)], capture_output=True, text=True)
    assert r.returncode == 1 and "bit_exact=0" in r.stdout


@pytest.mark.slow
@needs_gxx
@pytest.mark.parametrize("types", ["ap", "ac"])
@pytest.mark.parametrize("name", PRESETS)
def test_csim_is_bit_exact_on_500_events(name: str, types: str, tmp_path: Path) -> None:
    r, _ = _csim_case(name, 500, tmp_path, types)
    assert r.returncode == 0 and "bit_exact=1" in r.stdout, r.stdout + r.stderr[-2000:]


# --- physics --------------------------------------------------------------------------------
PULL_EVENTS = {"telescope": 600, "barrel": 900, "velo": 12}


@pytest.mark.parametrize(
    "name",
    [
        "telescope",
        "barrel",
        pytest.param(
            "velo",
            marks=pytest.mark.xfail(
                reason="no momentum measurement: a constant covariance cannot be every track's", strict=True
            ),
        ),
    ],
)
def test_fixed_fit_pulls_on_ideal_association(configs: dict[str, FitConfig], name: str) -> None:
    """On the truth tracks' hits (ideal association) the fixed fit's pulls have unit width
    and no bias, and its resolution is within 20 % of the truth fit's (1500+ tracks:
    statistical error of a width 0.02, a fifth of the margin)."""
    cfg = configs[name]
    ev = generate.generate(detector.preset(name), PULL_EVENTS[name], seed=7, progress=False)
    tt = truthtrack.find(ev)
    ref = metrics.evaluate(ev, tt, params=cfg.param_names)
    perf = metrics.evaluate(ev, fit_tracks(ev, tt, cfg, "fixed"), params=cfg.param_names)
    assert perf.n_particles > 1500
    for p, r in perf.resolution.items():
        assert 0.9 <= r.pull_std <= 1.1, (p, r)
        assert abs(r.pull_mean) < 0.1 and abs(r.mean) < 0.1 * r.std, (p, r)
        assert r.std < 1.2 * ref.resolution[p].std, (p, r, ref.resolution[p])


@pytest.mark.parametrize("algo", ["retina", "hough"])
def test_fit_and_chi2_cut_remove_barrel_fakes(configs: dict[str, FitConfig], algo: str) -> None:
    """Fitted hits and a χ² cut take the barrel's fake rate at pile-up 200 from 3 % (Hough)
    and 9.5 % (retina) to below 1 % without losing efficiency above 3 GeV (measured on
    3000 events: retina 97.0 % / 9.5 % -> 97.9 % / 0.1 %, Hough 96.8 % / 3.3 % -> 97.2 % / 0.0 %
    at chi2/ndof <= 5: ``examples/fit_study.py barrel``)."""
    cfg = configs["barrel"]
    det = detector.barrel()
    ev = generate.generate(det, 800, seed=7, progress=False)
    chain = Chain(algorithms.default_finder(algorithms.get(algo), det), cfg, max_chi2_ndof=5.0)
    out, fitted = chain.run(ev, "fixed")
    before = metrics.evaluate(ev, out.tracks, pt_min_gev=3.0)
    after = metrics.evaluate(ev, fitted, pt_min_gev=3.0)
    assert after.fake_rate < 0.01 < before.fake_rate
    assert after.efficiency > before.efficiency - 0.01


def test_chain_fields_and_unfitted_tracks(configs: dict[str, FitConfig]) -> None:
    cfg = configs["telescope"]
    ev = _small("telescope")
    tracks = ak.Array([[{"hit_ids": [0, 1]}, {"hit_ids": list(range(8))}]] + [[] for _ in range(len(ev) - 1)])
    out = fit_tracks(ev, tracks, cfg, "fixed")
    assert out.fit_ok.tolist()[0] == [False, True]
    assert np.isnan(out.tx[0][0]) and out.ndof[0][0] == 0
    assert {"tx_hw", "chi2_hw", "cov", "n_dropped"} <= set(out.fields)
    with pytest.raises(ValueError, match="mode"):
        fit_tracks(ev, tracks, cfg, "double")  # type: ignore[arg-type]


def test_header_names_its_constants(configs: dict[str, FitConfig]) -> None:
    text = codegen.header(configs["barrel"])
    assert f'CONFIG_HASH[] = "{codegen.config_hash(configs["barrel"])}"' in text
    assert "constexpr int HELIX = 1;" in text and "constexpr int N_PASSES = 2;" in text
    assert codegen.header(configs["barrel"]) == text  # deterministic

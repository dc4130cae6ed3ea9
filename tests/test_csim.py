"""C-simulation of the HLS kernels against the fixed-point golden model, word for word.

Kernel × preset × type family (ap_int and ac_int), 500 generated events each plus an
overflow sample; the testbench must fail on an altered expected word and on a missing
track; it also runs clean under AddressSanitizer and UBSan.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from fasttrack import algorithms, detector, generate
from fasttrack.hough import HoughConfig
from fasttrack.hw import csim
from fasttrack.hw.vectors import read_vectors
from fasttrack.retina import RetinaConfig

pytestmark = pytest.mark.skipif(shutil.which("g++") is None, reason="C-simulation needs g++")

KERNELS = ("retina", "hough")
PRESETS = ("telescope", "barrel")
N_EVENTS = 500
# mixes that overflow the hit capacities (max_hits) of the default configs
OVERFLOW_MIX = {"telescope": {"particles_per_vertex": 30.0}, "barrel": {"pileup": 600.0}}


def _config(kernel: str, preset: str) -> RetinaConfig | HoughConfig:
    det = detector.preset(preset)
    return RetinaConfig.for_detector(det) if kernel == "retina" else HoughConfig.for_detector(det)


def _vectors(kernel: str, preset: str, out: Path, n: int, seed: int, **mix: float) -> Path:
    cfg = _config(kernel, preset)
    ev = generate.generate(detector.preset(preset), n, seed=seed, **mix)
    algorithms.get(kernel).require_hardware("vectors").write_vectors(cfg, ev, out)
    return out


@pytest.mark.parametrize("types", ["ap", "ac"])
@pytest.mark.parametrize("preset", PRESETS)
@pytest.mark.parametrize("kernel", KERNELS)
def test_csim_is_bit_exact(kernel: str, preset: str, types: str) -> None:
    r = csim.run_csim(kernel, preset, n_events=N_EVENTS, seed=2026, types=types)  # type: ignore[arg-type]
    assert r.events == N_EVENTS
    assert r.tracks > 0, "a run without any track proves nothing"
    assert r.mismatches == 0 and r.bit_exact, r.output[-2000:]


@pytest.mark.parametrize("types", ["ap", "ac"])
@pytest.mark.parametrize("preset", PRESETS)
@pytest.mark.parametrize("kernel", KERNELS)
def test_csim_is_bit_exact_on_overflow_events(kernel: str, preset: str, types: str, tmp_path: Path) -> None:
    vec = _vectors(kernel, preset, tmp_path / "vec", 100, 7, **OVERFLOW_MIX[preset])
    tracks = read_vectors(vec / f"{kernel}_tracks.txt")
    dropped = [v[3] for v in tracks.event_values]  # E event n n_hits_dropped ...
    assert sum(d > 0 for d in dropped) >= 10, "the sample must overflow the hit capacity"
    r = csim.run_csim(kernel, preset, n_events=100, vector_dir=vec, types=types)  # type: ignore[arg-type]
    assert r.bit_exact and r.mismatches == 0, r.output[-2000:]


def _altered(src: Path, dst: Path, kernel: str, how: str) -> None:
    shutil.copytree(src, dst)
    path = dst / f"{kernel}_tracks.txt"
    lines = path.read_text().splitlines()
    k = next(i for i, line in enumerate(lines) if line.startswith("T "))
    if how == "flip":
        tok = lines[k].split()
        tok[3] = str(int(tok[3]) ^ 1)  # one bit of one expected word
        lines[k] = " ".join(tok)
    else:  # drop one expected track and keep the E line consistent
        e = max(i for i in range(k) if lines[i].startswith("E "))
        tok = lines[e].split()
        tok[2] = str(int(tok[2]) - 1)
        lines[e] = " ".join(tok)
        del lines[k]
    path.write_text("\n".join(lines) + "\n")


@pytest.mark.parametrize("how", ["flip", "drop"])
@pytest.mark.parametrize("kernel", KERNELS)
def test_testbench_fails_on_a_wrong_expectation(kernel: str, how: str, tmp_path: Path) -> None:
    good = _vectors(kernel, "barrel", tmp_path / "good", 40, 3)
    exe, _, _ = csim.build_testbench(kernel, _config(kernel, "barrel"))  # type: ignore[arg-type]
    code, out, _ = csim.run_testbench(exe, good)
    assert code == 0, out
    _altered(good, tmp_path / how, kernel, how)
    code, out, _ = csim.run_testbench(exe, tmp_path / how)
    assert code != 0, f"the testbench passed with a {how}ped expected word:\n{out}"
    assert csim.SUMMARY.search(out) is None or "bit_exact=0" in out


@pytest.mark.parametrize("kernel", KERNELS)
def test_csim_runs_clean_under_sanitizers(kernel: str) -> None:
    r = csim.run_csim(kernel, "barrel", n_events=60, seed=5, sanitize=True)  # type: ignore[arg-type]
    assert r.bit_exact, r.output[-2000:]
    assert "runtime error" not in r.output and "AddressSanitizer" not in r.output


def test_csim_refuses_a_vector_file_of_another_config(tmp_path: Path) -> None:
    """Vectors of the same shape but another config (another threshold): refused by hash."""
    import dataclasses

    cfg = _config("retina", "telescope")
    other = dataclasses.replace(cfg, threshold=cfg.threshold + 0.5)  # type: ignore[arg-type]
    ev = generate.generate(detector.preset("telescope"), 5, seed=1)
    algorithms.get("retina").require_hardware("vectors").write_vectors(other, ev, tmp_path / "vec")
    exe, _, _ = csim.build_testbench("retina", cfg)
    code, out, _ = csim.run_testbench(exe, tmp_path / "vec")
    assert code != 0 and "hash" in out.lower(), out

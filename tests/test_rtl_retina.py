"""The retina RTL: lint, bit-exact co-simulation against the golden model, cycle model,
targets, and a scoreboard that can fail.

Each simulator build is cached per config under build/cosim/ (a fresh clone builds the
telescope and barrel models once, about 2–3 minutes each on 2 cores).
"""

from __future__ import annotations

import copy
import subprocess

import awkward as ak
import numpy as np
import pytest

from fasttrack import detector, generate
from fasttrack.events import Events
from fasttrack.hw import cosim, sources
from fasttrack.hw import retina as retina_hw
from fasttrack.hw.codegen import write_files
from fasttrack.retina import RetinaConfig


def _busy_stream(n_normal: int, n_busy: int, seed: int) -> Events:
    """Telescope events at the default mix followed by busy ones (10x the particles):
    more hits than MAX_HITS and more maxima than MAX_TRACKS, so overflow is exercised."""
    det = detector.telescope()
    normal = generate.generate(det, n_normal, seed=seed)
    busy = generate.generate(det, n_busy, seed=seed + 1, particles_per_vertex=40.0)
    return Events.from_hits(det, ak.concatenate([normal.hits, busy.hits]))


@pytest.fixture(scope="module")
def telescope_run() -> cosim.CosimResult:
    """1000 events at the telescope's default mix: bit-exactness, throughput, latency."""
    return cosim.run_cosim("retina", "telescope", n_events=1000, seed=11)


@pytest.fixture(scope="module")
def telescope_busy_run() -> tuple[cosim.CosimResult, Events]:
    """Default-mix events with busy ones among them: the capacities overflow."""
    ev = _busy_stream(100, 40, seed=12)
    return cosim.run_cosim("retina", "telescope", events=ev, seed=12), ev


def test_rtl_lints_clean_with_verilator_wall(tmp_path):
    for preset in ("telescope", "barrel"):
        cfg = RetinaConfig.for_rtl(detector.preset(preset))
        write_files(retina_hw.files(cfg), tmp_path / preset)
        srcs = [str(p) for p in cosim.rtl_sources("retina", boundary=True)]
        env = cosim.tool_env()
        proc = subprocess.run(
            [
                "verilator",
                "--lint-only",
                "-Wall",
                "-I" + str(sources.hdl_dir() / "common"),
                str(tmp_path / preset / "retina_pkg.sv"),
                *srcs,
                "--top-module",
                "retina_axis",  # the AXI4-Stream boundary and the core under it
            ],
            capture_output=True,
            text=True,
            env=env,
        )
        assert proc.returncode == 0 and proc.stderr == "", proc.stderr


def test_telescope_1000_events_bit_exact_under_backpressure(telescope_run):
    r = telescope_run
    assert r.events == 1000
    assert r.mismatches == 0 and r.missing == 0 and r.extra == 0, r.errors
    assert r.bit_exact and r.checked_words > 2 * 3000  # tracks and end words of both runs
    assert r.passed, r.failures  # X/Z, protocol, inputs consumed, cycle model


def test_telescope_overflow_events_bit_exact(telescope_busy_run):
    r, ev = telescope_busy_run
    assert r.bit_exact, r.errors
    assert r.passed, r.failures  # X/Z, protocol, inputs consumed, cycle model
    assert r.model_exact
    from fasttrack.retina import Retina

    res = Retina(RetinaConfig.for_rtl(detector.telescope())).run(ev, "fixed")
    assert int(res.hit_overflow.sum()) >= 20 and int(res.track_overflow.sum()) >= 10


def test_telescope_meets_40mhz_and_latency_targets(telescope_run):
    r = telescope_run
    assert r.model_exact  # every event's first-in and last-out cycle as the model predicts
    assert r.cycles_per_event <= 6.25 and r.instances_for_40mhz == 1
    assert r.event_rate_mhz >= 40.0
    assert r.latency_cycles_max <= 100


def test_cycle_model_matches_the_default_mix_alone():
    det = detector.telescope()
    cfg = RetinaConfig.for_rtl(det)
    est = retina_hw.cycle_estimate(cfg, generate.generate(det, 2000, seed=5))
    assert 3.0 < est.cycles_per_event <= 6.25
    assert est.instances_for_40mhz == 1


@pytest.mark.longcosim  # the full-size barrel build: 4 min of CI; run with make test-longcosim
def test_barrel_pileup200_bit_exact_and_model():
    r = cosim.run_cosim("retina", "barrel", n_events=200, seed=3)
    assert r.events == 200 and r.bit_exact, r.errors
    assert r.passed, r.failures  # X/Z, protocol, inputs consumed, cycle model
    assert r.model_exact
    assert r.instances_for_40mhz >= 1 and np.isfinite(r.cycles_per_event)


# ------------------------------------------------------------------------------------------
# a tiny config: capacities that saturate, both simulators, and the failing scoreboard
# ------------------------------------------------------------------------------------------
def _tiny():
    return RetinaConfig.for_rtl(
        detector.telescope(), n_a=6, n_b=12, sigma=4.0, max_hits=12, max_tracks=2, drop_count_bits=2
    )


@pytest.mark.parametrize("sim", ["verilator", "icarus"])
def test_tiny_config_saturating_counters_bit_exact(sim: cosim.Simulator):
    if not cosim.simulator_available(sim):
        pytest.skip(f"{sim} is not installed (.ci/run installs iverilog)")
    cfg = _tiny()
    ev = _busy_stream(60, 20, seed=2)
    r = cosim.run_cosim("retina", "telescope", events=ev, config=cfg, sim=sim, seed=2)
    assert r.bit_exact, r.errors
    assert r.passed, r.failures  # X/Z, protocol, inputs consumed, cycle model
    assert r.model_exact
    from fasttrack.retina import Retina

    res = Retina(cfg).run(ev, "fixed")
    assert int((res.n_hits_dropped == 3).sum()) >= 5  # the 2-bit counter saturated


@pytest.fixture(scope="module")
def tiny_plan(tmp_path_factory):
    cfg = _tiny()
    ev = _busy_stream(30, 5, seed=4)
    vdir = tmp_path_factory.mktemp("tiny_vectors")
    retina_hw.write_vectors(cfg, ev, vdir)
    plan = retina_hw.stream_plan(cfg, vdir)
    plan.update(clock_period_ns=4.0, max_idle_cycles=500, seed=1, gap_prob=0.1, backpressure_prob=0.2)
    return cfg, plan


def test_scoreboard_passes_the_true_plan(tiny_plan):
    cfg, plan = tiny_plan
    res = cosim.run_plan_files("retina", cfg, plan, name="true_plan")
    assert res["passed"] and res["mismatches"] == 0 and res["received_words"] == res["expected_words"]


def test_scoreboard_fails_on_an_altered_expected_word(tiny_plan):
    cfg, plan = tiny_plan
    bad = copy.deepcopy(plan)
    ev = next(e for e in bad["events"] if len(e["expected"]) > 1)
    ev["expected"][0] ^= 1 << 20  # one bit of the first track word
    res = cosim.run_plan_files("retina", cfg, bad, name="altered_word")
    assert not res["passed"] and res["mismatches"] == 1


def test_scoreboard_fails_on_a_missing_track(tiny_plan):
    cfg, plan = tiny_plan
    bad = copy.deepcopy(plan)
    ev = next(e for e in bad["events"] if len(e["expected"]) > 1)
    ev["expected"].insert(0, ev["expected"][0])  # the golden model has one track more than the RTL sends
    res = cosim.run_plan_files("retina", cfg, bad, name="missing_track")
    assert not res["passed"] and (res["missing"] + res["mismatches"]) >= 1
    assert res["missing"] == 1  # the stream ends one word short


def test_icarus_elaborates_the_retina(tmp_path):
    """Icarus 11 compiles and elaborates the retina RTL of a small grid (the co-simulation
    tests run it)."""
    import shutil

    if shutil.which("iverilog") is None:
        pytest.skip("iverilog is not installed (.ci/run installs it)")
    write_files(retina_hw.files(_tiny()), tmp_path)
    srcs = [str(p) for p in cosim.rtl_sources("retina")]
    proc = subprocess.run(
        [
            "iverilog",
            "-g2012",
            "-I",
            str(sources.hdl_dir() / "common"),
            "-s",
            "retina_top",
            "-o",
            str(tmp_path / "a.vvp"),
            str(tmp_path / "retina_pkg.sv"),
            *srcs,
        ],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stderr

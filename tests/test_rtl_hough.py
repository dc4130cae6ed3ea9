"""The Hough RTL: lint, bit-exact co-simulation against the golden model (overflow events
included), cycle model, throughput targets, and a scoreboard that can fail.

Each simulator build is cached per config under build/cosim/ (the Hough design keeps its
cells in memories: a build takes well under a minute here).
"""

from __future__ import annotations

import copy
import re
import subprocess
from pathlib import Path
from typing import Any

import awkward as ak
import numpy as np
import pytest

from fasttrack import detector, generate, metrics
from fasttrack.events import Events
from fasttrack.hough import Hough, HoughConfig
from fasttrack.hw import cosim, sources
from fasttrack.hw import hough as hough_hw
from fasttrack.hw.codegen import write_files
from rtl_configs import hough_stress_config

LATENCY_BUDGET = 250  # 1 us at 250 MHz, first stub in to last word out


def _busy_stream(n_normal: int, n_busy: int, seed: int) -> Events:
    """Telescope events at the default mix, then busy ones (40x the particles) spread among
    them: more hits than MAX_HITS, so the dropped-hit rule is exercised."""
    det = detector.telescope()
    normal = generate.generate(det, n_normal, seed=seed)
    busy = generate.generate(det, n_busy, seed=seed + 1, particles_per_vertex=40.0)
    step = max(1, n_normal // max(n_busy, 1))
    parts = []
    for k in range(n_busy):
        parts += [normal.hits[k * step : (k + 1) * step], busy.hits[k : k + 1]]
    parts.append(normal.hits[n_busy * step :])
    return Events.from_hits(det, ak.concatenate(parts))


@pytest.fixture(scope="module")
def barrel_run() -> cosim.CosimResult:
    """500 barrel events at pile-up 200 (the preset's mix)."""
    return cosim.run_cosim("hough", "barrel", n_events=500, seed=21)


@pytest.fixture(scope="module")
def telescope_run() -> tuple[cosim.CosimResult, Events]:
    """1000 telescope events, 100 of them busy (hits beyond MAX_HITS)."""
    ev = _busy_stream(900, 100, seed=22)
    return cosim.run_cosim("hough", "telescope", events=ev, seed=22), ev


@pytest.fixture(scope="module")
def stress_run() -> tuple[HoughConfig, cosim.CosimResult, Events]:
    """Every capacity overflows (rule "sharing"), 250 events, 50 of them busy."""
    cfg = hough_stress_config()
    ev = _busy_stream(200, 50, seed=23)
    return cfg, cosim.run_cosim("hough", "telescope", events=ev, config=cfg, seed=23), ev


# ------------------------------------------------------------------------------------------
def test_rtl_lints_clean_with_verilator_wall(tmp_path: Path) -> None:
    cfgs = {p: HoughConfig.for_rtl(detector.preset(p)) for p in ("barrel", "telescope")}
    cfgs |= {"stress_sharing": hough_stress_config(), "stress_none": hough_stress_config("none")}
    for name, cfg in cfgs.items():
        write_files(hough_hw.files(cfg), tmp_path / name)
        proc = subprocess.run(
            [
                "verilator",
                "--lint-only",
                "-Wall",
                "-I" + str(sources.hdl_dir() / "common"),
                str(tmp_path / name / "hough_pkg.sv"),
                *[str(p) for p in cosim.rtl_sources("hough", boundary=True)],
                "--top-module",
                "hough_axis",  # the AXI4-Stream boundary and the core under it
            ],
            capture_output=True,
            text=True,
            env=cosim.tool_env(),
        )
        assert proc.returncode == 0 and proc.stderr == "", f"{name}: {proc.stderr}"


def test_rtl_rejects_the_localmax_rule_at_elaboration(tmp_path: Path) -> None:
    cfg = HoughConfig.for_rtl(detector.barrel(), duplicate_rule="localmax")
    write_files(hough_hw.files(cfg), tmp_path)
    proc = subprocess.run(
        [
            "verilator",
            "--lint-only",
            "-I" + str(sources.hdl_dir() / "common"),
            str(tmp_path / "hough_pkg.sv"),
            *[str(p) for p in cosim.rtl_sources("hough")],
            "--top-module",
            "hough_top",
        ],
        capture_output=True,
        text=True,
        env=cosim.tool_env(),
    )
    assert proc.returncode != 0 and "local maximum" in proc.stderr


def test_barrel_pileup200_500_events_bit_exact_under_backpressure(barrel_run: cosim.CosimResult) -> None:
    r = barrel_run
    assert r.events == 500 and r.gap_prob > 0 and r.backpressure_prob > 0
    assert r.mismatches == 0 and r.missing == 0 and r.extra == 0, r.errors
    assert r.bit_exact and r.checked_words > 2 * 500
    assert r.passed, r.failures  # X/Z, protocol, inputs consumed, cycle model


def test_barrel_meets_40mhz_with_18_instances_and_latency(barrel_run: cosim.CosimResult) -> None:
    r = barrel_run
    assert r.model_exact  # every event's first-in and last-out cycle as the model predicts
    assert r.cycles_per_event <= 112.5 and r.instances_for_40mhz <= 18
    assert r.latency_cycles_max <= LATENCY_BUDGET  # simulated clocks (deterministic), not wall time


@pytest.mark.longcosim  # the full-size telescope build: 6 min of CI; run with make test-longcosim
def test_telescope_1000_events_with_dropped_hits_bit_exact(telescope_run: tuple[cosim.CosimResult, Events]) -> None:
    r, ev = telescope_run
    assert r.events == 1000 and r.bit_exact, r.errors
    assert r.passed, r.failures  # X/Z, protocol, inputs consumed, cycle model
    assert r.model_exact
    res = Hough(HoughConfig.for_rtl(detector.telescope())).run(ev, "fixed")
    assert int(res.hit_overflow.sum()) >= 90


def test_every_capacity_overflows_bit_exact(stress_run: tuple[HoughConfig, cosim.CosimResult, Events]) -> None:
    cfg, r, ev = stress_run
    assert r.bit_exact, r.errors
    assert r.passed, r.failures  # X/Z, protocol, inputs consumed, cycle model
    assert r.model_exact
    res = Hough(cfg).run(ev, "fixed")
    assert int((res.n_hits_dropped > 0).sum()) >= 40  # MAX_HITS
    assert int((res.n_hits_dropped == 31).sum()) >= 5  # the 5-bit counter saturated
    assert int((res.n_list_overflows > 0).sum()) >= 40  # MAX_HITS_PER_CELL
    assert int((res.n_fills_capped > 0).sum()) >= 40  # MAX_BINS_PER_COLUMN
    assert int((res.n_candidates > cfg.max_tracks).sum()) >= 20  # MAX_TRACKS


def test_refill_replay_by_hand() -> None:
    """The mini-Hough refill's clocks (LIST with the mini-Hough), worked out by hand from
    hough_top.sv: the first cell is loaded at LIST_LATENCY (6), its tokens follow, a cell is
    complete REFILL_STAGES (5) clocks after its last token; the store writes one passing
    sub-cell per clock; a cell is loaded only with one of the REFILL_QUEUE (8) credits. The
    co-simulations check the same replay on every event."""
    assert (hough_hw.LIST_LATENCY, hough_hw.REFILL_STAGES, hough_hw.REFILL_QUEUE) == (6, 5, 8)
    assert hough_hw.refill_clocks([], []) == 1  # the lister's answer in the first clock
    # load 6, token 7, complete 12, no passing sub-cell: empty at 13
    assert hough_hw.refill_clocks([1], [0]) == 14
    # ... one passing sub-cell: FIFO head at 13, taken at 13, written at 14
    assert hough_hw.refill_clocks([1], [1]) == 15
    # tokens 7, 8, 9; the second cell loaded at 9, its token at 10, complete 15
    assert hough_hw.refill_clocks([3, 1], [0, 0]) == 17
    # eight cells of four sub-cells: the store takes cell k at 13 + 4k, the last at 41
    assert hough_hw.refill_clocks([1] * 8, [4] * 8) == 46
    # a ninth waits for the first credit back (taken at 13, usable at 14); the store is
    # still the bottleneck: cell 8 taken at 45, written at 46..49
    assert hough_hw.refill_clocks([1] * 9, [4] * 9) == 50
    # the slot walk is: 2 + 1 + 4 clocks of tokens from 7, the last at 13, complete 18
    assert hough_hw.refill_clocks([2, 1, 4], [0, 0, 0]) == 20


def test_cycle_model_alone_on_the_barrel() -> None:
    det = detector.barrel()
    est = hough_hw.cycle_estimate(HoughConfig.for_rtl(det), generate.generate(det, 300, seed=5))
    assert 40.0 < est.cycles_per_event <= 112.5
    assert est.instances_for_40mhz <= 18


def test_latency_within_1us_over_2000_barrel_events_by_the_exact_cycle_model() -> None:
    """The co-simulations check that the cycle model predicts every event's first-in and
    last-out cycle exactly; on 2000 barrel events at pile-up 200 streamed back to back its
    latency stays within 1 us at 250 MHz."""
    det = detector.barrel()
    est = hough_hw.cycle_estimate(HoughConfig.for_rtl(det), generate.generate(det, 2000, seed=1))
    assert est.latency_cycles_max <= LATENCY_BUDGET, est
    assert est.instances_for_40mhz <= 18


def test_barrel_rtl_hit_buffer_changes_only_the_events_beyond_it() -> None:
    """The barrel RTL buffers 96 hits (the physics default 128): an event with at most 96
    hits gives the same tracks and counters, a longer one drops and counts its excess;
    at pile-up 200 the efficiency and fake rate do not move (the closing note's 2000-event
    figures; 600 events here)."""
    det = detector.barrel()
    rtl, phys = HoughConfig.for_rtl(det), HoughConfig.for_detector(det)
    assert (rtl.max_hits, phys.max_hits) == (96, 128)
    ev = generate.generate(det, 600, seed=2)  # two of its events have more than 96 hits
    a, b = Hough(rtl).run(ev, "fixed"), Hough(phys).run(ev, "fixed")
    n = ev.n_hits
    short, long_ = n <= 96, n > 96
    assert long_.any() and short.sum() > 550  # both kinds of event present
    assert ak.to_list(a.tracks[short]) == ak.to_list(b.tracks[short])
    assert np.array_equal(a.n_hits_dropped[short], b.n_hits_dropped[short])
    assert np.array_equal(a.n_hits_dropped, np.maximum(n - 96, 0))  # excess counted, none silently
    pa, pb = (metrics.evaluate(ev, o.tracks, pt_min_gev=3.0) for o in (a, b))
    assert abs(pa.efficiency - pb.efficiency) <= 0.002 and abs(pa.fake_rate - pb.fake_rate) <= 0.002


def test_micro_architecture_reaches_the_rtl_through_the_package(tmp_path: Path) -> None:
    """MINI_LANES and CMP_LANES: one Python source (the cycle model's), the package, no
    copy in the RTL."""
    write_files(hough_hw.files(HoughConfig.for_rtl(detector.barrel())), tmp_path)
    pkg = (tmp_path / "hough_pkg.sv").read_text()
    found = dict(re.findall(r"localparam int (MINI_LANES|CMP_LANES) = (\d+);", pkg))
    assert found == {"MINI_LANES": str(hough_hw.MINI_LANES), "CMP_LANES": str(hough_hw.CMP_LANES)}
    rtl = (sources.hdl_dir() / "hough" / "hough_top.sv").read_text()
    assert not re.search(r"localparam int (MINI_LANES|CMP_LANES)\b", rtl)


def test_icarus_bit_exact() -> None:
    if not cosim.simulator_available("icarus"):
        pytest.skip("icarus is not installed (.ci/run installs iverilog)")
    cfg = hough_stress_config("none")  # duplicate rule "none" (Verilator runs "sharing")
    ev = _busy_stream(16, 4, seed=24)
    r = cosim.run_cosim("hough", "telescope", events=ev, config=cfg, sim="icarus", seed=24)
    assert r.bit_exact, r.errors
    assert r.passed, r.failures  # X/Z, protocol, inputs consumed, cycle model
    assert r.model_exact


def test_max_candidates_bound_is_the_hls_one() -> None:
    cfg = HoughConfig.for_rtl(detector.barrel())
    assert cfg.max_hits == 96  # the barrel RTL buffer (HoughConfig.for_rtl)
    assert hough_hw.max_candidates(cfg) == min(32 * 64, 96 * 32 * 2 // 5) * 4


# ------------------------------------------------------------------------------------------
# the scoreboard can fail
# ------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def small_plan(tmp_path_factory: pytest.TempPathFactory) -> tuple[HoughConfig, dict[str, Any]]:
    cfg = hough_stress_config()  # the stress run's build
    ev = _busy_stream(30, 5, seed=25)
    vdir = tmp_path_factory.mktemp("hough_vectors")
    hough_hw.write_vectors(cfg, ev, vdir)
    plan = hough_hw.stream_plan(cfg, vdir)
    plan.update(clock_period_ns=4.0, max_idle_cycles=2000, seed=1, gap_prob=0.1, backpressure_prob=0.2)
    return cfg, plan


def test_scoreboard_passes_the_true_plan(small_plan: tuple[HoughConfig, dict[str, Any]]) -> None:
    cfg, plan = small_plan
    res = cosim.run_plan_files("hough", cfg, plan, name="true_plan")
    assert res["passed"] and res["mismatches"] == 0 and res["received_words"] == res["expected_words"]


def test_scoreboard_fails_on_an_altered_expected_word(small_plan: tuple[HoughConfig, dict[str, Any]]) -> None:
    cfg, plan = small_plan
    bad = copy.deepcopy(plan)
    ev = next(e for e in bad["events"] if len(e["expected"]) > 1)
    ev["expected"][1] ^= 1 << 10  # one bit of the first candidate's first hit-id word
    res = cosim.run_plan_files("hough", cfg, bad, name="altered_word")
    assert not res["passed"] and res["mismatches"] == 1


def test_scoreboard_fails_on_a_missing_candidate(small_plan: tuple[HoughConfig, dict[str, Any]]) -> None:
    cfg, plan = small_plan
    bad = copy.deepcopy(plan)
    ev = next(e for e in bad["events"] if len(e["expected"]) > 1)
    n_words = 1 + hough_hw.track_layout(cfg).unpack(ev["expected"][0])["n_hits"]  # track word and its hit ids
    ev["expected"][:0] = ev["expected"][:n_words]  # the golden model has one candidate more than the RTL sends
    res = cosim.run_plan_files("hough", cfg, bad, name="missing_candidate")
    assert not res["passed"] and res["missing"] == n_words

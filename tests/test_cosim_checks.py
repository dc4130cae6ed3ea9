"""The co-simulation's checks beyond the words (issue 16, point 4): X/Z on the ports the
harness reads, the valid/ready protocol of the output, inputs left unconsumed, and the
cycle model; each passes on the RTL as it is and fails on a planted fault.

Small configs and short event counts: the retina config of tests/test_rtl_retina.py
(6 x 12 cells) and the Hough stress config of tests/test_rtl_hough.py. The faults run on
Icarus (four-state, compiles in seconds), the fault-free runs on both simulators; Verilator
draws the initial state of every register and memory reset does not set from a seed
(``--x-initial unique``, ``+verilator+rand+reset+2``).
"""

from __future__ import annotations

import copy
import dataclasses
import re
import subprocess
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from fasttrack import detector, generate
from fasttrack.algorithms import get
from fasttrack.events import Events
from fasttrack.hw import build, cosim, coverage, rtlsim, sources
from fasttrack.hw import retina as retina_hw
from fasttrack.hw.codegen import write_files
from fasttrack.hw.words import WordLayout
from fasttrack.retina import RetinaConfig
from rtl_configs import hough_stress_config


def _tiny_retina() -> RetinaConfig:
    """The small retina config of tests/test_rtl_retina.py (its builds are shared)."""
    return RetinaConfig.for_rtl(
        detector.telescope(), n_a=6, n_b=12, sigma=4.0, max_hits=12, max_tracks=2, drop_count_bits=2
    )


def _need(sim: rtlsim.Simulator) -> None:
    if not rtlsim.simulator_available(sim):
        pytest.skip(f"{sim} is not installed (.ci/run installs iverilog)")


def _mix(algorithm: str, cfg: Any, n: int, seed: int) -> coverage.MixedEvents:
    """``n`` telescope events, half of them directed corner cases (ties, overflows, borders)."""
    return coverage.mix_directed(
        algorithm, cfg, generate.generate(detector.telescope(), n, seed=seed), seed=seed, share=0.5
    )


def _plan(algorithm: str, cfg: Any, events: Events, folder: Path, **run: Any) -> dict[str, Any]:
    hw = get(algorithm).require_hardware("a test")
    hw.write_vectors(cfg, events, folder)
    plan = hw.stream_plan(cfg, folder)
    plan.update({"clock_period_ns": 4.0, "max_idle_cycles": hw.max_idle_cycles(cfg), "seed": 1, **run})
    return plan


def _assert_clean(r: cosim.CosimResult) -> None:
    assert r.passed, r.failures
    assert r.bit_exact and r.model_exact and r.inputs_consumed, r.errors
    assert (r.x_errors, r.protocol_errors, r.mismatches, r.missing, r.extra) == (0, 0, 0, 0, 0), r.errors
    assert r.failures == [] and "result" in r.table() and "PASS" in r.table()


# ------------------------------------------------------------------------------------------
# the RTL as it is passes every check, on both simulators
# ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("algorithm", ["retina", "hough"])
def test_icarus_four_state_run_has_no_x_and_passes_every_check(algorithm: str) -> None:
    """Icarus keeps X and Z: from the first cycle after reset no X/Z on out_valid, in_ready
    or a valid output word, on a mix with every corner case the small configs allow."""
    _need("icarus")
    cfg = _tiny_retina() if algorithm == "retina" else hough_stress_config("none")
    mix = _mix(algorithm, cfg, 12, seed=31)
    r = cosim.run_cosim(algorithm, "telescope", events=mix, config=cfg, sim="icarus", seed=31, backpressure_prob=0.4)
    _assert_clean(r)
    assert r.sim_seeds == [None, None]


@pytest.mark.parametrize(("algorithm", "seed"), [("retina", 41), ("retina", 42), ("hough", 43), ("hough", 44)])
def test_verilator_random_initial_state_passes_every_check(algorithm: str, seed: int) -> None:
    """Verilator with --x-assign/--x-initial unique: each run starts from other random
    contents of every register and memory reset leaves alone (the Hough cells, the retina
    readout), and each seed gives the same words and cycles."""
    _need("verilator")
    assert {"--x-assign", "--x-initial"} <= set(rtlsim.VERILATOR_ARGS)
    assert rtlsim.VERILATOR_ARGS[rtlsim.VERILATOR_ARGS.index("--x-initial") + 1] == "unique"
    cfg = _tiny_retina() if algorithm == "retina" else hough_stress_config("sharing")
    mix = _mix(algorithm, cfg, 16, seed=seed)
    r = cosim.run_cosim(algorithm, "telescope", events=mix, config=cfg, seed=seed, backpressure_prob=0.4)
    _assert_clean(r)
    s1, s2 = r.sim_seeds
    assert s1 is not None and s2 is not None and s1 != s2
    assert s1 == cosim.sim_seed_for(seed, "check")


# ------------------------------------------------------------------------------------------
# planted faults
# ------------------------------------------------------------------------------------------
FAULT_NONE, FAULT_X, FAULT_FLIP, FAULT_TLAST = 0, 1, 2, 3


def _fault_model(algorithm: str, cfg: Any, plan: dict[str, Any], fault: int, bit: int) -> rtlsim.Model:
    """``algorithm``'s RTL under sim/ft_fault_wrap.sv with one planted fault, on Icarus."""
    hw = get(algorithm).require_hardware("a test")
    out_bits = plan["out_tdata_bits"]
    return rtlsim.build_model(
        "ft_fault_wrap",
        [*cosim.rtl_sources(algorithm, boundary=True), sources.sim_dir() / "ft_fault_wrap.sv"],
        sim="icarus",
        kind="cosim",
        name=f"fault{fault}_{algorithm}_{cfg.name}",
        parameters={
            "N_LANES": plan["n_lanes"],
            "IN_BITS": plan["lane_tdata_bits"],
            "OUT_BITS": out_bits,
            "FAULT": fault,
            "BIT": bit,
        },
        defines={"FT_FAULT_DUT": f"{algorithm}_axis"},
        generated=hw.files(cfg),
        key_extra=(cfg.config_hash(),),
    )


@pytest.mark.parametrize("fault", [FAULT_NONE, FAULT_X, FAULT_FLIP, FAULT_TLAST])
def test_the_fault_wrapper_lints_clean(fault: int, tmp_path: Path) -> None:
    _need("verilator")
    cfg = _tiny_retina()
    write_files(retina_hw.files(cfg), tmp_path)
    widths = (retina_hw.lane_layout(cfg).tdata_bits, retina_hw.track_layout(cfg).tdata_bits)
    proc = subprocess.run(
        [
            "verilator",
            "--lint-only",
            "-Wall",
            "-I" + str(sources.hdl_dir() / "common"),
            str(tmp_path / "retina_pkg.sv"),
            *[str(p) for p in cosim.rtl_sources("retina", boundary=True)],
            str(sources.sim_dir() / "ft_fault_wrap.sv"),
            "--top-module",
            "ft_fault_wrap",
            *(f"-GN_LANES={cfg.n_layers}", f"-GIN_BITS={widths[0]}", f"-GOUT_BITS={widths[1]}"),
            *(f"-GFAULT={fault}", f"-GBIT={widths[1] - 1}"),
        ],
        capture_output=True,
        text=True,
        env=rtlsim.tool_env(),
    )
    assert proc.returncode == 0 and proc.stderr == "", proc.stderr


@pytest.fixture(scope="module")
def retina_plan(tmp_path_factory: pytest.TempPathFactory) -> tuple[RetinaConfig, dict[str, Any]]:
    """8 events of the small retina config, directed ones among them; back-pressure half the time."""
    _need("icarus")
    cfg = _tiny_retina()
    mix = _mix("retina", cfg, 8, seed=32)
    plan = _plan("retina", cfg, mix.events, tmp_path_factory.mktemp("retina_vectors"), gap_prob=0.1)
    plan["backpressure_prob"] = 0.5
    return cfg, plan


def _top_bit(plan: dict[str, Any]) -> int:
    """The output word's top bit (the event tag's, 0 in a short run)."""
    layout = WordLayout.from_fields(plan["out_fields"])
    assert layout.fields[-1].name == "event"
    return layout.bits - 1


def test_the_fault_wrapper_without_a_fault_passes(retina_plan: tuple[RetinaConfig, dict[str, Any]]) -> None:
    cfg, plan = retina_plan
    model = _fault_model("retina", cfg, plan, FAULT_NONE, _top_bit(plan))
    res = cosim.run_plan_files("retina", cfg, plan, name="fault_none", model=model)
    assert res["passed"] and res["failures"] == [] and res["received_words"] == res["expected_words"], res["errors"]
    assert res["sim_seed"] is None  # Icarus


def test_an_x_on_an_output_bit_fails_the_run(retina_plan: tuple[RetinaConfig, dict[str, Any]]) -> None:
    cfg, plan = retina_plan
    bit = _top_bit(plan)
    model = _fault_model("retina", cfg, plan, FAULT_X, bit)
    res = cosim.run_plan_files("retina", cfg, plan, name="fault_x", model=model)
    assert not res["passed"]
    assert res["x_errors"] == 1 and res["protocol_errors"] == 0 and res["bit_exact"], res["errors"]
    assert len(res["failures"]) == 1 and res["failures"][0].startswith("X/Z"), res["failures"]
    msg = res["errors"][0]
    assert msg.startswith("cycle ") and f"X/Z on m_axis_tdata bits [{bit}] while m_axis_tvalid is 1" in msg, msg


def test_a_word_changing_under_backpressure_fails_the_run(retina_plan: tuple[RetinaConfig, dict[str, Any]]) -> None:
    cfg, plan = retina_plan
    bit = _top_bit(plan)
    model = _fault_model("retina", cfg, plan, FAULT_FLIP, bit)
    res = cosim.run_plan_files("retina", cfg, plan, name="fault_flip", model=model)
    assert not res["passed"]
    # the word changes once (flipped) and again (back): two errors; the word taken is right
    assert res["protocol_errors"] == 2 and res["x_errors"] == 0 and res["bit_exact"], res["errors"]
    assert len(res["failures"]) == 1 and res["failures"][0].startswith("protocol"), res["failures"]
    first, back = res["errors"][:2]
    assert "m_axis_tdata changed under back-pressure" in first and "m_axis_tdata changed under back-pressure" in back
    c0 = int(first.split()[1].rstrip(":"))
    assert f"at cycle {c0 - 1})" in first and back.startswith(f"cycle {c0 + 1}:")  # stalled the cycle before
    before, after = map(int, re.search(r"'event': \((\d+), (\d+)\)", first).groups())  # type: ignore[union-attr]
    assert after - before == 1 << (bit - WordLayout.from_fields(plan["out_fields"]).lsb("event"))


def test_a_tlast_that_disagrees_with_the_word_fails_the_run(retina_plan: tuple[RetinaConfig, dict[str, Any]]) -> None:
    """The AXI4-Stream boundary: TLAST must repeat the word's last bit."""
    cfg, plan = retina_plan
    model = _fault_model("retina", cfg, plan, FAULT_TLAST, _top_bit(plan))
    res = cosim.run_plan_files("retina", cfg, plan, name="fault_tlast", model=model)
    assert not res["passed"] and res["bit_exact"] and res["x_errors"] == 0, res["errors"]
    assert res["protocol_errors"] == 1 and res["failures"][0].startswith("protocol"), res["failures"]
    m = re.search(r"m_axis_tlast = (\d) but the word's last bit is (\d)", res["errors"][0])
    assert m is not None and m.group(1) != m.group(2), res["errors"]


def test_an_unconsumed_input_word_fails_the_run(retina_plan: tuple[RetinaConfig, dict[str, Any]]) -> None:
    """Two more words on lane 0 after the last event: the design takes the first (lane 0's
    part of a next event) and then waits for the other lanes, so the second stays."""
    cfg, plan = retina_plan
    bad = copy.deepcopy(plan)
    lane0 = bad["events"][-1]["lanes"][0]
    lane0 += [lane0[-1], lane0[-1]]
    res = cosim.run_plan_files("retina", cfg, bad, "icarus", name="unconsumed")
    assert not res["passed"] and not res["inputs_consumed"]
    assert res["bit_exact"] and res["x_errors"] == 0 and res["protocol_errors"] == 0, res["errors"]
    assert res["unconsumed_words"] == 1 and res["failures"] == [
        "inputs: 1 lane words not consumed by the end of the run"
    ], res["failures"]
    assert res["errors"][0].startswith("lane 0: 1 of "), res["errors"]


def _tie_swapped_rtl() -> Path:
    """A copy of retina_top.sv with the tie rule swapped (>= toward earlier neighbours, >
    toward later ones), in the build folder (hdl/ is not touched)."""
    src = (sources.hdl_dir() / "retina" / "retina_top.sv").read_text()
    old = "assign ge_later[C * 4 + k - 5] = v >= acc[(C + DI * NB + DJ) * AB +: AB];"
    assert src.count(old) == 1, "the retina's later-neighbour comparison moved: update this test"
    folder = build.build_dir("cosim") / "planted_tie_swapped"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "retina_top.sv"
    text = src.replace(old, old.replace(">=", ">"))  # now "gt_later": earlier ones read !(e > v) = v >= e
    if not path.exists() or path.read_text() != text:
        path.write_text(text)
    return path


def test_a_changed_tie_rule_fails_the_run(tmp_path: Path) -> None:
    """The retina's maxima: > toward earlier neighbours, >= toward later ones. An RTL copy
    with the rule swapped gives other maxima on plateaus: the co-simulation sees it on the
    directed tie events (and the true RTL passes them)."""
    _need("icarus")
    cfg, det = _tiny_retina(), detector.telescope()
    d = coverage.directed_events("retina", cfg, det)
    targets = np.array(d.targets)
    chosen = d.events[np.isin(targets, ["plain", "one_hit", "tie", "border_a", "track_overflow"])]
    tie = coverage.classify("retina", cfg, chosen)["tie"]
    assert tie.sum() == 1 and len(chosen) >= 4  # the tie event among others
    plan = _plan("retina", cfg, chosen, tmp_path, gap_prob=0.1, backpressure_prob=0.3)
    good = cosim.run_plan_files("retina", cfg, plan, "icarus", name="tie_true_rule")
    assert good["passed"], good["errors"]
    srcs = [p for p in cosim.rtl_sources("retina", boundary=True) if p.name != "retina_top.sv"] + [_tie_swapped_rtl()]
    model = rtlsim.build_model(
        "retina_axis",
        srcs,
        sim="icarus",
        kind="cosim",
        name=f"tie_swapped_retina_{cfg.name}",
        generated=retina_hw.files(cfg),
        key_extra=(cfg.config_hash(),),
    )
    res = cosim.run_plan_files("retina", cfg, plan, name="tie_swapped", model=model)
    assert not res["passed"] and not res["bit_exact"] and res["mismatches"] >= 1, res
    tie_number = int(chosen.event_number[np.flatnonzero(tie)[0]])
    assert all(e.startswith(f"event {tie_number}: ") for e in res["errors"]), res["errors"]  # only the tie event
    assert res["failures"][0].startswith("output words differ from the golden model"), res["failures"]
    assert any("cell_b" in e or "cell_a" in e for e in res["errors"]), res["errors"]  # another cell is the maximum
    assert res["x_errors"] == 0 and res["protocol_errors"] == 0 and res["inputs_consumed"]


def test_cycles_that_disagree_with_the_model_fail_the_run(monkeypatch: pytest.MonkeyPatch) -> None:
    """The cycle model is part of the verdict: one event predicted a clock late fails the
    co-simulation even though every word is right."""
    _need("icarus")
    cfg = _tiny_retina()
    hw = cosim._hardware("retina", cfg)

    def late(c: Any, ev: Events) -> tuple[np.ndarray, np.ndarray]:
        first, out = hw.schedule(c, ev)
        out = out.copy()
        out[-1] += 1
        return first, out

    monkeypatch.setattr(cosim, "_hardware", lambda a, c: dataclasses.replace(hw, schedule=late))
    ev = generate.generate(detector.telescope(), 4, seed=34)
    r = cosim.run_cosim("retina", "telescope", events=ev, config=cfg, sim="icarus", seed=34)
    assert r.bit_exact and r.x_errors == 0 and r.protocol_errors == 0 and r.inputs_consumed
    assert not r.model_exact and not r.passed
    assert len(r.failures) == 1 and r.failures[0].startswith("cycle model: 1 of 4 events"), r.failures
    assert "FAIL: cycle model" in r.table()


def test_fasttrack_cosim_exits_nonzero_with_the_reason(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """`fasttrack cosim` exits 1 on a failed check, with the reason, even when the words are right."""
    from fasttrack import cli

    def fake(algorithm: str, preset: str, n_events: int, **kw: Any) -> cosim.CosimResult:
        missing = dataclasses.MISSING
        required = [f for f in dataclasses.fields(cosim.CosimResult) if f.default is f.default_factory is missing]
        fields: dict[str, Any] = {f.name: "x" if f.type == "str" else True if f.type == "bool" else 1 for f in required}
        fields |= {"clock_mhz": 250.0, "cycles_per_event": 5.0, "cycles_per_second": 1e4}
        why = "check run: X/Z: 1 times X or Z on m_axis_tvalid, m_axis_tdata/tlast (while valid) or s_axis_tready"
        return cosim.CosimResult(**fields, passed=False, failures=[why], x_errors=1)

    monkeypatch.setattr(cosim, "run_cosim", fake)
    code = cli.main(["cosim", "retina", "--preset", "telescope", "--events", "4"])
    out = capsys.readouterr()
    assert code == 1
    assert "FAIL: check run: X/Z" in out.out and "X/Z: 1 times" in out.err


def test_verilator_initial_state_is_drawn_from_the_seed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A register and a memory that nothing sets: Verilator (built with --x-initial unique)
    gives them values drawn from the run's seed, the same for the same seed; Icarus X."""
    monkeypatch.setenv("FASTTRACK_BUILD_DIR", str(tmp_path / "build"))
    (tmp_path / "xprobe.sv").write_text(
        "module xprobe (input wire logic clk, output logic [31:0] q, output logic [31:0] m);\n"
        "  logic [31:0] r;\n  logic [31:0] mem [0:3];\n"
        "  always_ff @(posedge clk) r <= r;\n  always_ff @(posedge clk) mem[0] <= 32'd0;\n"
        "  assign q = r;\n  assign m = mem[1];\nendmodule\n"
    )
    (tmp_path / "tb_xprobe.py").write_text(
        "import json, os\nimport cocotb\nfrom cocotb.triggers import Timer\n\n\n@cocotb.test()\n"
        "async def check(dut):\n    await Timer(1, 'ns')\n"
        "    with open(os.environ['FT_RESULT'], 'w') as f:\n"
        "        json.dump({'q': str(dut.q.value), 'm': str(dut.m.value)}, f)\n"
    )
    got: dict[tuple[str, str], tuple[str, str]] = {}
    for sim in ("verilator", "icarus"):
        if not rtlsim.simulator_available(sim):
            continue
        model = rtlsim.build_model("xprobe", [tmp_path / "xprobe.sv"], sim=sim, kind="probe")
        for run, seed in (("a", 1), ("b", 2), ("c", 2)):
            r = rtlsim.run_test(model, "tb_xprobe", tmp_path, run, seed=seed)
            got[sim, run] = (r["q"], r["m"])
            assert r["sim_seed"] == (seed if sim == "verilator" else None)
    if ("verilator", "a") in got:
        a, b, c = (got["verilator", x] for x in "abc")
        assert set("".join(a + b)) <= {"0", "1"} and a != b and b == c
        assert a[0] not in ("0" * 32, "1" * 32) and a[1] not in ("0" * 32, "1" * 32)  # random, not zeros
    if ("icarus", "a") in got:
        assert got["icarus", "a"] == ("X" * 32, "X" * 32)

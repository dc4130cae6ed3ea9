"""The ``fasttrack`` command.

Subcommands::

    fasttrack info [--preset P ... | --detector FILE] [--json]  detector summaries
    fasttrack generate INPUTS -n N -o FILE             events to parquet
    fasttrack demo [INPUTS] [--out DIR] [--json]       the whole chain on built-in defaults
    fasttrack evaluate ALGORITHM INPUTS [-n N]         efficiency etc., float and fixed
    fasttrack codegen ALGORITHM INPUTS -o DIR          C++ header, SV package, .mem files
    fasttrack vectors ALGORITHM INPUTS -n N -o DIR     test vectors with intermediate stages
    fasttrack csim ALGORITHM INPUTS -n N               C-simulation of the HLS kernel, bit-exact check
    fasttrack cosim ALGORITHM INPUTS -n N              RTL co-simulation: bit-exact, cycles, latency
    fasttrack synth ALGORITHM INPUTS                   RTL resource estimate (yosys), share of a U50
    fasttrack timing ALGORITHM INPUTS                  logic depth per RTL module, estimated Fmax (yosys)
    fasttrack formal [fifo|frac_div|retina|hough|all]  formal proofs of the RTL stream properties (SymbiYosys)
    fasttrack scan SPEC.toml [--out DIR] [--scheduler ADDR|--serial]  parameter scan on Dask
    fasttrack report [--algorithm A] [INPUTS] --out DIR HTML physics + firmware report

INPUTS are the shared options of :mod:`fasttrack.inputs`: ``--preset P`` or ``--detector
FILE`` (TOML/JSON), ``--config FILE`` (config overrides, TOML/JSON) and ``--events FILE``
(parquet, ROOT or a TrackML/ACTS CSV folder). ``fasttrack evaluate --events FILE`` streams
the file in chunks (:mod:`fasttrack.streaming`), on Dask with ``--scheduler``.
ALGORITHM is a name from the registry (:mod:`fasttrack.algorithms`): ``retina``, ``hough``.
Run ``fasttrack <command> --help`` for the options of each.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from . import __version__
from .hw import commands, formal
from .hw.commands import add_algorithm
from .inputs import _events_value, add_inputs, positive, resolve, writable_dir, writable_file


def _add_mix_overrides(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("event mix overrides (default: the preset's mix; see `fasttrack info`)")
    g.add_argument("--pileup", type=float, help="mean number of interactions per event (Poisson)")
    g.add_argument("--particles-per-vertex", type=float, help="mean particles per interaction (Poisson)")
    g.add_argument("--pt-min", type=float, dest="pt_min_gev", help="minimum generated pT (GeV)")
    g.add_argument("--pt-max", type=float, dest="pt_max_gev", help="maximum generated pT (GeV)")
    g.add_argument("--min-layers", type=int, help="distinct layers for a particle to be reconstructable")


def _mix_changes(args: argparse.Namespace) -> dict[str, Any]:
    names = {
        "pileup": "pileup",
        "particles_per_vertex": "particles_per_vertex",
        "pt_min_gev": "pt_min_gev",
        "pt_max_gev": "pt_max_gev",
        "min_layers": "min_layers",
    }
    return {field: getattr(args, attr) for attr, field in names.items() if getattr(args, attr, None) is not None}


def build_parser() -> argparse.ArgumentParser:
    from .detector import PRESETS

    presets = sorted(PRESETS)
    parser = argparse.ArgumentParser(
        prog="fasttrack",
        description="Trigger-level track finding (artificial retina, Hough transform): event "
        "generation, reference algorithms, physics metrics.",
        epilog="Examples:\n  fasttrack info\n  fasttrack generate --preset barrel -n 1000 --seed 1 -o b.parquet\n"
        "  fasttrack demo --out build/demo",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"fasttrack {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser(
        "info",
        help="summarise detector presets (layers, field, event mix, track model)",
        description="Print each preset's layers, field, default event mix and linear track model.",
    )
    p.add_argument("--preset", action="append", choices=presets, help="preset to show (repeatable; default: all)")
    p.add_argument("--detector", type=Path, action="append", metavar="FILE", help="a detector file (TOML/JSON) to show")
    p.add_argument("--json", action="store_true", help="print the detectors as JSON instead")

    p = sub.add_parser(
        "generate",
        help="generate events and write them to parquet",
        description="Generate events in a preset detector or your own (--detector FILE) and write them "
        "(hits, truth particles, detector metadata) to one parquet file; read back with "
        "fasttrack.events.Events.load(FILE). Large samples are generated and written in chunks.",
    )
    add_inputs(p, config=False, events=False)
    p.add_argument("-n", "--events", type=int, default=1000, help="number of events (default 1000)")
    p.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    p.add_argument("--first-event", type=int, default=0, help="number of the first event (default 0)")
    p.add_argument("-o", "--output", type=Path, required=True, help="output parquet file")
    _add_mix_overrides(p)

    p = sub.add_parser(
        "demo",
        help="run the whole chain on built-in defaults and write a summary",
        description="Generate events for each preset, run every available algorithm, "
        "measure efficiency, fake and duplicate rates and resolutions, print a "
        "summary table and write summary.json and PNG figures to --out.",
    )
    p.add_argument("--out", type=Path, default=Path("build/demo"), help="output folder (default build/demo)")
    p.add_argument("--preset", action="append", choices=presets, help="preset to run (repeatable; default: all)")
    g = p.add_argument_group("your own inputs (instead of the presets)")
    g.add_argument("--detector", type=Path, metavar="FILE", help="your detector, TOML or JSON")
    g.add_argument("--config", type=Path, metavar="FILE", help="config overrides (TOML/JSON), for every algorithm")
    g.add_argument(
        "--events", dest="events_file", type=_events_value, metavar="FILE", help="events: parquet, ROOT or CSV folder"
    )
    p.add_argument(
        "-n",
        "--n-events",
        dest="events",
        type=int,
        help="events per preset (default: telescope 2000, barrel 500, velo 50; 500 for a detector file)",
    )
    p.add_argument("--seed", type=int, default=2026, help="random seed (default 2026)")
    p.add_argument("--json", action="store_true", help="print the summary JSON instead of the table")
    p.add_argument("--no-plots", action="store_true", help="skip the figures")

    p = sub.add_parser(
        "evaluate",
        help="physics performance of an algorithm, float and fixed",
        description="Run the algorithm in float and fixed point with its default config for the detector "
        "(with the fields of --config FILE overridden) on generated events or on --events FILE, and print "
        "efficiency, fake and duplicate rates, resolution in cells and how often both modes find the same "
        "cells. A file is read in chunks of --chunk-events with a progress bar (memory follows the chunk), "
        "serially or on Dask (--scheduler); the results do not depend on the chunking.",
        epilog="Examples:\n  fasttrack evaluate retina --preset telescope -n 2000\n"
        "  fasttrack evaluate hough --detector examples/detector_barrel10.toml -n 200\n"
        "  fasttrack evaluate retina --events big.parquet --chunk-events 200000 --scheduler local",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_algorithm(p, hardware=False)
    add_inputs(p, n_default=2000)
    p.add_argument("--seed", type=int, default=7, help="random seed (default 7)")
    p.add_argument("--pt-min-eff", type=float, help="count only particles above this pT (GeV) in the efficiency")
    p.add_argument("--json", action="store_true", help="print JSON instead of text")
    g = p.add_argument_group("large files (--events FILE)")
    g.add_argument("--chunk-events", type=int, default=100_000, help="events per chunk (default 100000)")
    g.add_argument("--mode", choices=["both", "float", "fixed"], default="both", help="which modes (default both)")
    where = g.add_mutually_exclusive_group()
    where.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="run the chunks on Dask: a scheduler address (tcp://host:8786) or 'local' for a LocalCluster "
        "(default: a LocalCluster for files above 2 million events, else this process)",
    )
    where.add_argument("--serial", action="store_true", help="no Dask, whatever the size")
    g.add_argument("--workers", type=int, default=2, help="worker processes of the local cluster (default 2)")

    commands.add_parsers(sub, presets, _add_mix_overrides)
    formal.add_parser(sub)
    _add_scan_report_parsers(sub, presets)
    return parser


def cmd_info(args: argparse.Namespace) -> int:
    from . import detector, io, trackmodel

    dets = [io.load_detector(f) for f in args.detector or []]
    if args.preset or not dets:
        dets = [detector.preset(n) for n in (args.preset or sorted(detector.PRESETS))] + dets
    if args.json:
        print(json.dumps({d.name: d.to_dict() for d in dets}, indent=2))
        return 0
    for d in dets:
        print(d.summary())
        m = trackmodel.for_detector(d)
        print(f"  track model {m.name}: parameters {m.param_names}, measures {m.measurement_names}")
        print()
    return 0


#: above this many events ``fasttrack generate`` writes the file in chunks of this size
GENERATE_CHUNK_EVENTS = 100_000


def cmd_generate(args: argparse.Namespace) -> int:
    from . import generate

    positive(args.events, "--events", minimum=0)
    det = resolve(args, "generate").detector
    writable_file(args.output, "the events file")
    t0 = time.perf_counter()
    if args.events > GENERATE_CHUNK_EVENTS:  # a large sample goes to the file chunk by chunk
        path = generate.generate_file(
            det,
            args.events,
            args.output,
            seed=args.seed,
            first_event=args.first_event,
            chunk_events=GENERATE_CHUNK_EVENTS,
            progress=True,
            **_mix_changes(args),
        )
        print(
            f"wrote {args.events} {det.name} events to {path} in {time.perf_counter() - t0:.2f} s "
            f"({GENERATE_CHUNK_EVENTS} events per row group)"
        )
        return 0
    ev = generate.generate(
        det,
        args.events,
        seed=args.seed,
        first_event=args.first_event,
        progress=True,
        chunk_size=1000,
        **_mix_changes(args),
    )
    dt = time.perf_counter() - t0
    path = ev.save(args.output)
    s = ev.stats()
    print(
        f"wrote {len(ev)} {det.name} events to {path} in {dt:.2f} s "
        f"({s['hits_per_event']:.1f} hits/event, {s.get('particles_per_event', 0):.1f} particles/event)"
    )
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from . import io
    from .demo import run_demo

    if isinstance(args.events_file, int):  # legacy --events N
        args.events, args.events_file = args.events_file, None
    positive(args.events, "-n/--events")
    writable_dir(args.out, "the demo output to")
    detectors = None
    events = None
    if args.detector is not None or args.events_file is not None:
        if args.preset and len(args.preset) > 1:
            raise ValueError("--detector/--events take at most one --preset")
        args.preset = args.preset[0] if args.preset else None
        inputs = resolve(args, "demo")
        detectors = [inputs.detector]
        if inputs.events_file is not None:
            events = io.read_events(inputs.events_file, inputs.detector)
    overrides = None
    if args.config is not None:
        from .overrides import read_mapping

        overrides = read_mapping(args.config, "config file")
    summary = run_demo(
        out_dir=args.out,
        presets=args.preset if detectors is None else None,
        n_events=args.events,
        seed=args.seed,
        plots=not args.no_plots,
        verbose=not args.json,
        detectors=detectors,
        events=events,
        config=overrides,
        config_source=str(args.config) if args.config else "",
    )
    if args.json:
        print(json.dumps(summary, indent=2))
    return 0


def cmd_evaluate(args: argparse.Namespace) -> int:
    from .study import format_study, study

    positive(args.events, "-n/--events")
    positive(args.chunk_events, "--chunk-events")
    inputs = resolve(args, "evaluate", args.algorithm)
    cfg = inputs.config(args.algorithm)
    if inputs.events_file is not None:
        from .streaming import evaluate_file

        s = evaluate_file(
            inputs.events_file,
            args.algorithm,
            cfg,
            detector=inputs.detector,
            chunk_events=args.chunk_events,
            pt_min_gev=args.pt_min_eff,
            modes=("float", "fixed") if args.mode == "both" else (args.mode,),
            scheduler=args.scheduler,
            n_workers=args.workers,
            auto_dask=not args.serial,
            progress=True,  # on stderr, so --json output stays clean
        )
    else:
        ev = inputs.events(seed=args.seed)
        s = study(args.algorithm, ev, cfg, pt_min_gev=args.pt_min_eff)
    print(json.dumps(s, indent=2) if args.json else format_study(s))
    return 0


# --- scan and report (fasttrack.scan, fasttrack.report) ------------------------------------
def _add_scan_report_parsers(sub: Any, presets: list[str]) -> None:
    p = sub.add_parser(
        "scan",
        help="parameter scan (grid or random) of a config on Dask",
        description="Evaluate every point of a TOML scan spec with the fixed-point golden model "
        "(efficiency, fake and duplicate rates, 68 % resolutions; on request cycles per event and "
        "resources) and write results.parquet, results.csv and a Pareto plot to --out. Points "
        "already in --out are skipped; the exit status is 1 when no point succeeded. "
        "Spec format: `python -m pydoc fasttrack.scan`.",
        epilog="Example:\n  fasttrack scan examples/scan_telescope.toml --out build/scan_telescope",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("spec", type=Path, help="the scan spec (TOML)")
    p.add_argument("--out", type=Path, help="results folder (default build/scan/<spec name>)")
    where = p.add_mutually_exclusive_group()
    where.add_argument("--scheduler", metavar="ADDRESS", help="run on an existing Dask scheduler (tcp://host:8786)")
    where.add_argument("--serial", action="store_true", help="no Dask: evaluate in this process, one by one")
    p.add_argument("--workers", type=int, default=2, help="worker processes of the local cluster (default 2)")
    p.add_argument("--retry-failed", action="store_true", help="evaluate again the points stored with an error")
    p.add_argument("--no-plots", action="store_true", help="skip the Pareto plot")

    p = sub.add_parser(
        "report",
        help="one HTML page of physics and firmware results with PNG figures",
        description="Run the fixed and float models of one config on generated events and write "
        "report.html with figures (efficiency curves, resolutions, response map or accumulator), "
        "plus co-simulation, synthesis and scan results when given. The config is the preset's "
        "default for --algorithm, with the fields of --config FILE (TOML or JSON, a flat table "
        "field = value, as a scan spec's [config]) overridden.",
        epilog="Example:\n  fasttrack report --algorithm retina --preset telescope --cosim-json c.json "
        "--out build/report",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    from . import algorithms

    p.add_argument(
        "--algorithm",
        choices=list(algorithms.names()),
        help="which algorithm (default: the kernel of --cosim-json/--synth-json, else retina)",
    )
    add_inputs(
        p,
        n_help="number of events (default: as fasttrack demo)",
        preset_help="detector preset (default: that of the JSON files, else telescope)",
    )
    p.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    p.add_argument("--pt-min-eff", type=float, help="efficiency for particles above this pT (GeV)")
    p.add_argument("--cosim-json", type=Path, metavar="FILE", help="result of `fasttrack cosim ... --json FILE`")
    p.add_argument("--synth-json", type=Path, metavar="FILE", help="result of `fasttrack synth ... --json FILE`")
    p.add_argument("--timing-json", type=Path, metavar="FILE", help="result of `fasttrack timing ... --json FILE`")
    p.add_argument("--scan", type=Path, metavar="FILE", help="results.parquet of a scan: Pareto plot and table")
    p.add_argument("--out", type=Path, default=Path("build/report"), help="output folder (default build/report)")
    _add_mix_overrides(p)


def cmd_scan(args: argparse.Namespace) -> int:
    """Run the scan; exit status 1 (the errors on stderr) when no point of the spec succeeded."""
    from .scan import format_failures, format_result, load_spec, run_scan

    spec = load_spec(args.spec)
    out = args.out or Path("build/scan") / args.spec.stem
    result = run_scan(
        spec,
        out,
        scheduler=args.scheduler,
        serial=args.serial,
        n_workers=args.workers,
        retry_failed=args.retry_failed,
        plots=not args.no_plots,
    )
    print(format_result(result, out))
    if result.n_failed == result.n_points:
        print(f"fasttrack scan: error: no point succeeded; {format_failures(result)}", file=sys.stderr)
        return 1
    if result.n_failed:
        print(format_failures(result))
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    from . import io
    from .report import write_report

    positive(args.events, "-n/--events")
    writable_dir(args.out, "the report to")
    det = events = None
    if args.detector is not None or args.events_file is not None:
        inputs = resolve(args, "report")
        det = inputs.detector
        if inputs.events_file is not None:
            events = io.read_events(inputs.events_file, det)
    elif isinstance(args.events_file, int):
        args.events = args.events_file
    path = write_report(
        args.out,
        algorithm=args.algorithm,
        preset=args.preset,
        config=args.config,
        detector=det,
        events=events,
        n_events=args.events,
        seed=args.seed,
        pt_min_gev=args.pt_min_eff,
        mix=_mix_changes(args),
        cosim_json=args.cosim_json,
        synth_json=args.synth_json,
        timing_json=args.timing_json,
        scan=args.scan,
    )
    print(f"wrote {path}")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        handler = {
            "info": cmd_info,
            "generate": cmd_generate,
            "demo": cmd_demo,
            "evaluate": cmd_evaluate,
            "csim": lambda a: commands.cmd_csim(a, _mix_changes(a)),
            "codegen": commands.cmd_codegen,
            "vectors": lambda a: commands.cmd_vectors(a, _mix_changes(a)),
            "scan": cmd_scan,
            "report": cmd_report,
            "cosim": commands.cmd_cosim,
            "synth": commands.cmd_synth,
            "timing": commands.cmd_timing,
            "formal": formal.cmd_formal,
        }[args.command]
        return handler(args)
    except (ValueError, RuntimeError, OSError) as err:
        print(f"fasttrack {args.command}: error: {err}", file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

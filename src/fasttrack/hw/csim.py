"""C-simulation of the HLS kernels: build with g++, run on test vectors, report bit-exactness.

The testbench of a kernel (``hls/tb/<kernel>_tb.cpp``) reads a folder of vector files
(:mod:`fasttrack.vectors`), runs the kernel on every event, compares every output word and
every intermediate-stage dump, and prints one summary line::

    <kernel> csim: events=<N> tracks=<T> mismatches=<M> bit_exact=<0|1>

exiting non-zero on any mismatch. This module generates the config's headers
(:mod:`fasttrack.codegen`), compiles kernel and testbench into a build folder outside the
source tree (``build/csim/`` of the repository, or ``$FASTTRACK_BUILD_DIR/csim``), cached
by a hash of the sources, the generated headers and the flags, and runs it.

Example
-------
>>> from fasttrack.hw.csim import run_csim
>>> r = run_csim("hough", "barrel", n_events=5, seed=1)
>>> r.bit_exact, r.events, r.mismatches
(True, 5, 0)
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Literal

from .. import codegen, detector, generate, vectors
from ..hough import HoughConfig
from ..retina import RetinaConfig

__all__ = ["CsimResult", "build_testbench", "repo_root", "run_csim", "run_testbench"]

Kernel = Literal["retina", "hough"]
Types = Literal["ap", "ac"]
SUMMARY = re.compile(r"^(\w+) csim: events=(\d+) tracks=(\d+) mismatches=(\d+) bit_exact=([01])$", re.M)


def repo_root() -> Path:
    """The source checkout holding ``hls/`` (C-simulation needs the kernel sources)."""
    root = Path(__file__).resolve().parents[3]
    if not (root / "hls" / "include" / "ft_types.h").exists():
        raise RuntimeError(f"C-simulation needs the fasttrack source tree (hls/); not found under {root}")
    return root


def build_dir() -> Path:
    base = Path(os.environ.get("FASTTRACK_BUILD_DIR", repo_root() / "build"))
    return base / "csim"


def _config(kernel: Kernel, preset: str) -> RetinaConfig | HoughConfig:
    det = detector.preset(preset)
    if kernel == "retina":
        return RetinaConfig.for_detector(det)
    if kernel == "hough":
        return HoughConfig.for_detector(det)
    raise ValueError(f"unknown kernel {kernel!r}; choose 'retina' or 'hough'")


def _flags(types: Types, sanitize: bool) -> list[str]:
    root = repo_root()
    flags = ["-std=c++17", "-Wall", "-Wextra", "-Werror", "-I", str(root / "hls" / "include")]
    if types == "ap":
        flags += ["-isystem", str(root / "hls" / "third_party" / "ap_types")]
    elif types == "ac":
        flags += [
            "-DFT_USE_AC",
            "-isystem",
            str(root / "hls" / "third_party" / "ac_types" / "include"),
            "-isystem",
            str(root / "hls" / "third_party" / "ap_types"),
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


def build_testbench(
    kernel: Kernel, cfg: RetinaConfig | HoughConfig, *, types: Types = "ap", sanitize: bool = False
) -> tuple[Path, float, bool]:
    """Compile ``kernel``'s testbench for ``cfg``; returns (executable, seconds, was cached)."""
    cxx = shutil.which(os.environ.get("CXX", "g++"))
    if cxx is None:
        raise RuntimeError("C-simulation needs g++ (or $CXX) on PATH")
    root = repo_root()
    sources = [root / "hls" / kernel / f"{kernel}.cpp", root / "hls" / "tb" / f"{kernel}_tb.cpp"]
    headers = sorted((root / "hls" / kernel).glob("*.h")) + sorted((root / "hls" / "include").glob("*.h"))
    files = codegen.retina_files(cfg) if kernel == "retina" else codegen.hough_files(cfg)  # type: ignore[arg-type]
    flags = _flags(types, sanitize)
    key = hashlib.sha256()
    for p in sources + headers:
        key.update(p.name.encode() + p.read_bytes())
    for name in sorted(files):
        key.update(name.encode() + files[name].encode())
    key.update(" ".join(flags).encode())
    out = build_dir() / f"{kernel}-{cfg.name}-{types}{'-asan' if sanitize else ''}-{key.hexdigest()[:16]}"
    exe = out / f"{kernel}_tb"
    if exe.exists():
        return exe, 0.0, True
    gen = out / "gen"
    codegen._write(files, gen)
    cmd = [cxx, *flags, "-I", str(gen), "-I", str(root / "hls" / kernel), *map(str, sources), "-o", str(exe) + ".tmp"]
    t0 = time.perf_counter()
    res = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if res.returncode != 0:
        raise RuntimeError(f"building the {kernel} testbench failed:\n{' '.join(cmd)}\n{res.stderr[-4000:]}")
    os.replace(str(exe) + ".tmp", exe)
    return exe, time.perf_counter() - t0, False


@dataclass(frozen=True)
class CsimResult:
    """The outcome of one C-simulation run (``to_dict`` for JSON)."""

    kernel: str
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


def run_testbench(exe: Path, vector_dir: Path) -> tuple[int, str, float]:
    """Run a built testbench on a vector folder: (exit code, combined output, seconds)."""
    t0 = time.perf_counter()
    res = subprocess.run([str(exe), str(vector_dir)], capture_output=True, text=True, check=False)
    return res.returncode, res.stdout + res.stderr, time.perf_counter() - t0


def run_csim(
    kernel: Kernel,
    preset: str,
    *,
    n_events: int = 100,
    seed: int = 1,
    types: Types = "ap",
    sanitize: bool = False,
    vector_dir: Path | None = None,
    **mix_changes: Any,
) -> CsimResult:
    """Generate events, write vectors, build (cached) and run ``kernel``'s C-simulation."""
    cfg = _config(kernel, preset)
    exe, build_s, cached = build_testbench(kernel, cfg, types=types, sanitize=sanitize)
    if vector_dir is None:
        vector_dir = build_dir() / "vectors" / f"{kernel}-{preset}-{cfg.config_hash()}-n{n_events}-s{seed}"
        ev = generate.generate(detector.preset(preset), n_events, seed=seed, **mix_changes)
        write = vectors.write_retina_vectors if kernel == "retina" else vectors.write_hough_vectors
        write(cfg, ev, vector_dir)  # type: ignore[arg-type]
    code, output, run_s = run_testbench(exe, vector_dir)
    m = SUMMARY.search(output)
    if m is None:
        raise RuntimeError(f"{kernel} testbench printed no summary line (exit {code}):\n{output[-4000:]}")
    events, tracks, mism, exact = int(m[2]), int(m[3]), int(m[4]), m[5] == "1"
    if (code == 0) != (exact and mism == 0):
        raise RuntimeError(f"{kernel} testbench exit code {code} contradicts its summary {m[0]!r}")
    return CsimResult(
        kernel,
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

"""Deprecated: code generation moved to :mod:`fasttrack.hw.codegen` (rendering) and each
algorithm's hardware module (``fasttrack.algorithms.get(name).hardware.files``)."""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

from ._moved import forwarder

_forward = forwarder(
    "fasttrack.codegen",
    {
        "retina_files": "fasttrack.hw.retina:files",
        "hough_files": "fasttrack.hw.hough:files",
        "mem_lines": "fasttrack.hw.codegen:mem_lines",
    },
)


def _write(algorithm: str, cfg: Any, out_dir: str | Path) -> list[Path]:
    from .algorithms import get
    from .hw.codegen import write_files

    warnings.warn(
        f"fasttrack.codegen.write_{algorithm} is deprecated; use fasttrack.hw.codegen.write_files("
        f"fasttrack.algorithms.get({algorithm!r}).hardware.files(cfg), out_dir)",
        DeprecationWarning,
        stacklevel=3,
    )
    return write_files(get(algorithm).require_hardware("codegen").files(cfg), out_dir)


def __getattr__(name: str) -> Any:
    if name in ("write_retina", "write_hough"):
        algorithm = name.removeprefix("write_")
        return lambda cfg, out_dir: _write(algorithm, cfg, out_dir)
    return _forward(name)

"""Where the hardware sources live: ``hdl/`` (RTL), ``hls/`` (HLS kernels and testbenches)
and ``sim/`` (the cocotb harness).

One documented setting decides, in this order:

1. ``$FASTTRACK_SOURCE_DIR``: a folder holding ``hdl/``, ``hls/`` and ``sim/`` (a checkout
   of the repository, or a copy a firmware developer edits);
2. the copy shipped inside the installed package (``fasttrack/hw/share/``, written by the
   wheel build from the repository's top-level folders);
3. the source checkout the package is imported from (an editable install: the repository
   root, three folders above ``src/fasttrack/hw``).

Example
-------
>>> from fasttrack.hw import sources
>>> (sources.hdl_dir() / "common" / "ft_fifo.sv").exists()
True
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["ENV", "checkout_root", "hdl_dir", "hls_dir", "root", "sim_dir"]

ENV = "FASTTRACK_SOURCE_DIR"
_PACKAGED = Path(__file__).resolve().parent / "share"
_MARKER = Path("hls") / "include" / "ft_types.h"  # a file every complete source tree has


def _complete(folder: Path) -> bool:
    return all((folder / sub).is_dir() for sub in ("hdl", "hls", "sim")) and (folder / _MARKER).is_file()


def checkout_root() -> Path | None:
    """The repository checkout this package is imported from, if it is one (else None)."""
    top = Path(__file__).resolve().parents[3]
    return top if _complete(top) and (top / "pyproject.toml").is_file() else None


def root() -> Path:
    """The folder holding ``hdl/``, ``hls/`` and ``sim/`` (see the module docstring)."""
    env = os.environ.get(ENV)
    if env:
        folder = Path(env).expanduser().resolve()
        if not _complete(folder):
            raise RuntimeError(f"${ENV} = {env!r} does not hold hdl/, hls/ and sim/ (with {_MARKER})")
        return folder
    if _complete(_PACKAGED):
        return _PACKAGED
    top = checkout_root()
    if top is None:
        raise RuntimeError(
            "the hardware sources (hdl/, hls/, sim/) were not found: this installation has no "
            f"fasttrack/hw/share/ and is not a source checkout; set ${ENV} to a fasttrack checkout"
        )
    return top


def hdl_dir() -> Path:
    """The RTL: ``hdl/common`` and one folder per algorithm."""
    return root() / "hdl"


def hls_dir() -> Path:
    """The HLS kernels: ``hls/include``, ``hls/<algorithm>``, ``hls/tb`` and the vendor type headers."""
    return root() / "hls"


def sim_dir() -> Path:
    """The cocotb harness (``sim/ft_harness.py``) and per-module testbenches."""
    return root() / "sim"

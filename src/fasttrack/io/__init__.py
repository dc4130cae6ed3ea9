"""Reading events and detectors from the files users have.

============================  =====================================  ==========================
input                         reader                                 module
============================  =====================================  ==========================
parquet (fasttrack, plain)    :func:`read_parquet`, :func:`iter_parquet`  :mod:`fasttrack.io.parquet`
ROOT TTrees (uproot)          :func:`read_root`                      :mod:`fasttrack.io.root`
TrackML / ACTS CSV folder     :func:`read_csv`                       :mod:`fasttrack.io.csv`
detector TOML / JSON          :func:`load_detector`                  :mod:`fasttrack.io.detector_file`
============================  =====================================  ==========================

:func:`read_events` picks the reader from the path (a folder is CSV, ``.root`` is ROOT,
anything else parquet) and passes the reader's options on. Every reader builds flat
columns and validates them through :meth:`fasttrack.events.Events.from_hits`, so a bad
value is reported the same way whatever the format.

Example
-------
>>> from fasttrack import io
>>> det = io.load_detector("examples/detector_acts_telescope.toml")
>>> ev = io.read_events("tests/data/acts_telescope", det)
>>> io.detect_format("tests/data/acts_telescope"), len(ev)
('csv', 3)
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from ..detector import Detector
from ..events import Events
from .csv import read_csv
from .detector_file import load_detector
from .parquet import count_events, file_detector, iter_parquet, read_parquet
from .root import read_root

__all__ = [
    "Format",
    "count_events",
    "detect_format",
    "file_detector",
    "iter_parquet",
    "load_detector",
    "read_csv",
    "read_events",
    "read_parquet",
    "read_root",
]

Format = Literal["parquet", "root", "csv"]


def detect_format(path: str | Path) -> Format:
    """``"csv"`` for a folder, ``"root"`` for ``*.root``, else ``"parquet"``."""
    path = Path(path)
    if not path.exists():
        raise ValueError(f"events file {str(path)!r} does not exist")
    if path.is_dir():
        return "csv"
    return "root" if path.suffix.lower() == ".root" else "parquet"


def read_events(
    path: str | Path, detector: Detector | None = None, *, format: Format | None = None, **options: Any
) -> Events:
    """Events from a parquet file, a ROOT file or a TrackML/ACTS CSV folder.

    ``detector`` is required except for parquet files written by fasttrack (they carry
    theirs); ``options`` go to the format's reader.
    """
    fmt = format or detect_format(path)
    if fmt == "parquet":
        if options:
            raise ValueError(f"parquet input takes no reader options, got {sorted(options)}")
        return read_parquet(path, detector)
    if detector is None:
        raise ValueError(f"{path}: a {fmt} input needs the detector (--detector FILE or --preset P)")
    if fmt == "root":
        return read_root(path, detector, **options)
    if fmt == "csv":
        return read_csv(path, detector, **options)
    raise ValueError(f"unknown events format {fmt!r}; choose parquet, root or csv")

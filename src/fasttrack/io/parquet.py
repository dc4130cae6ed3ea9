"""Parquet input: the files of :meth:`Events.save` (``fasttrack generate``) and plain hit tables.

:func:`read_parquet` delegates to :meth:`~fasttrack.events.Events.load` (a file with the
fasttrack metadata) or :meth:`~fasttrack.events.Events.from_hits` (a flat hit table, which
needs ``detector``). :func:`iter_parquet` reads a file of :meth:`Events.save` in chunks of
events (its row groups, through :meth:`pyarrow.parquet.ParquetFile.iter_batches`), so that
memory follows the chunk and not the file: what :func:`fasttrack.streaming.evaluate_file`
streams.

Example
-------
>>> from fasttrack import detector, generate
>>> from fasttrack.io.parquet import iter_parquet, count_events
>>> path = generate.generate(detector.telescope(), 25, seed=1).save("build/doctest/io_parquet.parquet")
>>> count_events(path), [len(ev) for ev in iter_parquet(path, chunk_events=10)]
(25, [10, 10, 5])
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import awkward as ak
import pyarrow as pa
import pyarrow.parquet as pq

from ..detector import Detector
from ..events import FORMAT_VERSION, Events

__all__ = ["count_events", "file_detector", "iter_parquet", "read_parquet"]

_META_KEY = b"fasttrack"


def _exists(path: Path) -> Path:
    if not path.exists():
        raise ValueError(f"events file {str(path)!r} does not exist")
    return path


def file_metadata(path: str | Path) -> dict[str, Any] | None:
    """The fasttrack metadata of a parquet file (None for a plain table)."""
    path = _exists(Path(path))
    try:
        meta = pq.read_schema(path).metadata or {}
    except Exception as err:  # pyarrow raises several kinds on a file that is not parquet
        raise ValueError(f"{path}: not a parquet file ({err})") from None
    raw = meta.get(_META_KEY)
    if raw is None:
        return None
    d = json.loads(raw)
    if d.get("format_version") != FORMAT_VERSION:
        raise ValueError(f"{path}: format version {d.get('format_version')} is not {FORMAT_VERSION}")
    return dict(d)


def file_detector(path: str | Path) -> Detector | None:
    """The detector stored in a parquet file written by :meth:`Events.save` (None if plain)."""
    meta = file_metadata(path)
    return Detector.from_dict(meta["detector"]) if meta is not None else None


def read_parquet(path: str | Path, detector: Detector | None = None) -> Events:
    """All events of a parquet file (see the module docstring)."""
    path = _exists(Path(path))
    if file_metadata(path) is None and detector is None:
        raise ValueError(
            f"{path} has no fasttrack metadata (it was not written by fasttrack generate / Events.save): "
            "give the detector (--detector FILE or --preset P) to read it as plain hits"
        )
    return Events.load(path, detector=detector)


def count_events(path: str | Path) -> int:
    """Number of events (rows) of a file written by :meth:`Events.save`, from its footer."""
    return int(pq.ParquetFile(_exists(Path(path))).metadata.num_rows)


def iter_parquet(
    path: str | Path,
    detector: Detector | None = None,
    *,
    chunk_events: int = 100_000,
    start: int = 0,
    stop: int | None = None,
) -> Iterator[Events]:
    """Events ``start .. stop`` of a file written by :meth:`Events.save`, ``chunk_events`` at a time.

    Only one chunk is in memory at once (plus pyarrow's read buffer of one row group). A
    plain hit table (no fasttrack metadata) is read whole by :func:`read_parquet` and cut.
    """
    if chunk_events < 1:
        raise ValueError(f"chunk_events must be >= 1, got {chunk_events}")
    path = _exists(Path(path))
    meta = file_metadata(path)
    if meta is None:
        ev = read_parquet(path, detector)
        stop = len(ev) if stop is None else min(stop, len(ev))
        for i in range(start, stop, chunk_events):
            yield ev[i : min(i + chunk_events, stop)]
        return
    det = detector or Detector.from_dict(meta["detector"])
    # pre_buffer=False: with pyarrow's pre-buffering, iter_batches keeps what it read and
    # memory grew with the file (about 60 MB per 10^6 telescope events); without, it stays flat
    pf = pq.ParquetFile(path, pre_buffer=False)
    n = pf.metadata.num_rows
    stop = n if stop is None else min(stop, n)
    # whole row groups around [start, stop), then cut batches to the chunk size
    groups, row0, first_row = [], 0, None
    for g in range(pf.metadata.num_row_groups):
        rows = pf.metadata.row_group(g).num_rows
        if row0 + rows > start and row0 < stop:
            groups.append(g)
            first_row = row0 if first_row is None else first_row
        row0 += rows
    if not groups:
        return
    pos = int(first_row or 0)  # absolute index of the next row the reader returns
    emitted = start  # absolute index of the next event to hand out
    pending: list[pa.RecordBatch] = []
    n_pending = 0

    def emit(batches: list[pa.RecordBatch]) -> Events:
        nonlocal emitted
        arr = ak.from_arrow(pa.Table.from_batches(batches))
        ev = Events.from_stored(det, arr, meta, source=str(path), first_row=emitted)
        emitted += len(arr)
        return ev

    for batch in pf.iter_batches(batch_size=chunk_events, row_groups=groups):
        lo, hi = max(0, start - pos), min(batch.num_rows, stop - pos)
        pos += batch.num_rows
        if hi > lo:
            pending.append(batch.slice(lo, hi - lo))
            n_pending += hi - lo
            while n_pending >= chunk_events:
                table = pa.Table.from_batches(pending)
                yield emit(table.slice(0, chunk_events).to_batches())
                rest = table.slice(chunk_events)
                pending, n_pending = rest.to_batches(), rest.num_rows
        if pos >= stop:
            break
    if n_pending:
        yield emit(pending)

"""Flat tables of user input (hits, particles): their forms, column lengths and field names.

A *flat table* is one row per hit (or per particle) with an ``event`` column. Users give it
as a dict of 1D arrays, a numpy structured array, a pyarrow table or a parquet file;
:func:`as_columns` turns each into a dict of numpy columns and checks that the columns
have one length. :func:`check_field_names` refuses names that are neither known nor
declared, suggesting the closest known name (a misspelt ``partcle_id`` would otherwise be
kept as an extra and its truth silently lost).

Example
-------
>>> cols = as_columns({"event": [0, 0], "layer": [1, 2]}, "hits")
>>> sorted(cols)
['event', 'layer']
>>> check_field_names(["event", "layr"], ["event", "layer", "x"], "hits")  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
ValueError: hits: unknown field 'layr' (did you mean 'layer'?); known fields: ...
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

__all__ = ["as_columns", "check_field_names", "int64_column", "is_flat_table", "lookup_pairs"]


def is_flat_table(obj: Any) -> bool:
    """True for the flat forms :func:`as_columns` reads (not a path, not awkward)."""
    return isinstance(obj, (Mapping, pa.Table)) or (isinstance(obj, np.ndarray) and obj.dtype.names is not None)


def as_columns(table: Any, what: str) -> dict[str, np.ndarray]:
    """The numpy columns of a flat table; ``ValueError`` when their lengths differ.

    ``table``: a dict of 1D array-likes, a numpy structured array, a pyarrow table, or a
    path to a parquet file of a flat table. ``what`` names the table in errors.
    """
    if isinstance(table, (str, Path)):
        path = Path(table)
        if not path.exists():
            raise ValueError(f"{what} file {str(path)!r} does not exist")
        table = pq.read_table(path)
    if isinstance(table, pa.Table):
        return {n: table.column(n).to_numpy(zero_copy_only=False) for n in table.column_names}
    if isinstance(table, np.ndarray) and table.dtype.names is not None:
        return {n: np.asarray(table[n]) for n in table.dtype.names}
    if not isinstance(table, Mapping):
        raise ValueError(f"{what} of type {type(table).__name__} is not a flat table")
    cols: dict[str, np.ndarray] = {}
    for name, values in table.items():
        col = np.asarray(values)
        if col.ndim != 1:
            raise ValueError(f"{what}: column {name!r} must be 1D (one value per row), got shape {col.shape}")
        cols[str(name)] = col
    lengths = {n: len(c) for n, c in cols.items()}
    if len(set(lengths.values())) > 1:
        # name the odd columns: those whose length differs from the most common one
        values = list(lengths.values())
        common = max(set(values), key=values.count)
        odd = [n for n, v in lengths.items() if v != common]
        listing = ", ".join(f"{n!r}: {v}" for n, v in lengths.items())
        raise ValueError(
            f"{what}: columns have different lengths ({listing}); column(s) {odd} differ from the "
            f"{common} rows of the others: every column needs one value per row"
        )
    return cols


def check_field_names(names: Iterable[str], known: Iterable[str], what: str, *, hint: str = "") -> None:
    """``ValueError`` for the first name not in ``known``, with the closest known name."""
    known = list(known)
    for name in names:
        if name in known:
            continue
        close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
        mean = f" (did you mean {close[0]!r}?)" if close else ""
        raise ValueError(
            f"{what}: unknown field {name!r}{mean}; known fields: {known}; "
            f"declare extra fields to keep with extra_fields=[...]{hint}"
        )


def int64_column(values: np.ndarray, name: str, what: str) -> np.ndarray:
    """An integer column as int64 (``ValueError`` for another dtype or uint64 beyond int64)."""
    if values.dtype.kind not in "iu":
        raise ValueError(f"{what}: field {name!r} must be integer, got dtype {values.dtype}")
    if values.dtype == np.uint64 and len(values) and int(values.max()) > np.iinfo(np.int64).max:
        i = int(np.argmax(values > np.iinfo(np.int64).max))
        raise ValueError(f"{what}: row {i}: field {name!r} = {int(values[i])} does not fit in int64")
    return values.astype(np.int64)


def lookup_pairs(ev_a: np.ndarray, id_a: np.ndarray, ev_b: np.ndarray, id_b: np.ndarray) -> np.ndarray:
    """Index into ``a`` of each ``(ev_b, id_b)`` pair, −1 where ``a`` has no such pair.

    ``ev`` are event indices, ``id`` any int64 values (64-bit particle ids such as
    TrackML's are fine: they are ranked before being combined with the event index).
    """
    if len(id_b) == 0:
        return np.zeros(0, dtype=np.int64)
    if len(id_a) == 0:
        return np.full(len(id_b), -1, dtype=np.int64)
    ids, rank = np.unique(np.concatenate([id_a, id_b]).astype(np.int64), return_inverse=True)
    stride = len(ids)
    ka = ev_a.astype(np.int64) * stride + rank[: len(id_a)]
    kb = ev_b.astype(np.int64) * stride + rank[len(id_a) :]
    order = np.argsort(ka, kind="stable")
    sk = ka[order]
    pos = np.minimum(np.searchsorted(sk, kb), len(sk) - 1)
    return np.where(sk[pos] == kb, order[pos], -1)

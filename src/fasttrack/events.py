"""The event model: hits and truth particles per event as awkward arrays.

:class:`Events` holds, for ``N`` events,

* ``event_number``: ``N`` int64 labels, one per event (see *Event numbers* below);
* ``hits``: ``N * var * {hit_id: int32, layer: int32, particle_id: int64, <coordinates>}``
  where the coordinates are the detector's :attr:`~fasttrack.detector.Detector.hit_fields`
  (``x`` | ``x, y`` | ``phi, z, bend_qoverpt``) as float64 in mm / rad / (1/GeV).
  ``particle_id`` is 0 for noise, −1 when the hit carries no truth, else the id of a
  particle of the event (:mod:`fasttrack.truth`);
* ``particles``: ``N * var * {particle_id, charge, pt_gev, eta, phi, p_gev, tx, ty,
  vx_mm, vy_mm, vz_mm, vertex, n_hits, n_layers, reconstructable, <model params>}``
  (or ``None`` for hits without truth). The model parameters are those of
  :mod:`fasttrack.trackmodel` (``tx`` and ``x_ref_mm``; ``u_mm, v_mm``; ``qoverpt,
  phi_t, z0_mm, cot_theta``). User particles may carry a subset: see :mod:`fasttrack.truth`
  for which fields are required, optional or derived, their units, and what
  ``reconstructable`` means.

Event numbers
-------------
An event number is a label, not an index: any int64, sparse, unordered, negative or
beyond 10^18. It is kept through sub-sampling (``events[idx]``), :meth:`Events.save` /
:meth:`Events.load`, the finders' outputs (``output.event_number``,
``output.track_table()``), the per-particle table of :func:`fasttrack.metrics.evaluate`,
test vectors (their ``E`` lines) and error messages, which all name events by their
number. Memory follows the number of hits: a sample's size never depends on how large
its event numbers are.

* Generated events are numbered ``first_event, first_event + 1, ...``
  (:func:`fasttrack.generate.generate`); ``Events.first_event`` is kept for them and is
  the number of the first event.
* A flat table (one row per hit with an ``event`` column) gives one event per distinct
  number in the hits and the particles, **in increasing order of the number**; the hits
  of an event keep their order in the table.
* ``event_numbers=[...]`` lists the events explicitly, in the order given: events
  without hits can be declared that way (a hit or particle whose number is not listed is
  an error). ``n_events=N`` is short for ``event_numbers=range(N)``.
* An awkward array of events is numbered ``0 .. N-1`` unless ``event_numbers`` is given.

User input
----------
:meth:`Events.from_hits` reads hits, and optionally their truth particles and the
particle-id convention of the tool that wrote them. Missing or unknown fields (a
misspelt ``partcle_id`` is named with the closest known name; declare fields to keep with
``extra_fields``), wrong dtypes, NaN/inf, unknown layers, coordinates outside their layer,
duplicate hit ids, columns of different lengths, hits of particles absent from the
particles table: each raises ``ValueError`` naming the event (number), hit or particle,
field and value. Nothing is dropped.

Example
-------
>>> import awkward as ak
>>> from fasttrack import detector
>>> from fasttrack.events import Events
>>> ev = Events.from_hits(detector.telescope(), ak.Array([[{"layer": 0, "x": 1.0}], []]))
>>> ev.n_hits.tolist()
[1, 0]
>>> hits = {"event": [1_000_000_007, 42, 42], "layer": [0, 0, 1], "x": [1.0, 2.0, 2.1],
...         "particle_id": [0, 5, 5]}
>>> parts = {"event": [42], "particle_id": [5], "pt_gev": [3.2]}
>>> ev = Events.from_hits(detector.telescope(), hits, particles=parts)
>>> ev.event_number.tolist(), ev.n_hits.tolist()
([42, 1000000007], [2, 1])
>>> ev.particles.n_layers.tolist()
[[2], []]
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import awkward as ak
import numpy as np
import pyarrow.parquet as pq

from .detector import CylinderLayer, Detector, PlaneLayer
from .tables import as_columns, check_field_names, int64_column, is_flat_table
from .truth import (
    FASTTRACK,
    TRACKML,
    ParticleIdConvention,
    check_particle_columns,
    derive_particle_fields,
    map_particle_ids,
)

__all__ = ["FASTTRACK", "FORMAT_VERSION", "TRACKML", "Events", "ParticleIdConvention", "build_events"]

FORMAT_VERSION = 1
_META_KEY = b"fasttrack"
ID_FIELDS = ("hit_id", "layer", "particle_id")


def _labels(values: Any, what: str) -> np.ndarray:
    """Event numbers as a read-only int64 array (``ValueError`` if not integers)."""
    arr = np.asarray(values)
    if arr.ndim != 1:
        raise ValueError(f"{what} must be 1D (one number per event), got shape {arr.shape}")
    if arr.size == 0:
        arr = arr.astype(np.int64)
    out = np.array(int64_column(arr, "event", what), dtype=np.int64)
    out.flags.writeable = False
    return out


def _positions(labels: np.ndarray, values: np.ndarray, what: str, row: str) -> np.ndarray:
    """Index in ``labels`` of each value; ``ValueError`` naming the first row not listed."""
    if len(values) == 0:
        return np.zeros(0, dtype=np.int64)
    if len(labels) == 0:
        raise ValueError(f"{what}: {row} 0 has event {int(values[0])}, which is not among the events ([])")
    sorter = np.argsort(labels, kind="stable")
    pos = np.minimum(np.searchsorted(labels, values, sorter=sorter), len(labels) - 1)
    idx = sorter[pos]
    bad = labels[idx] != values
    if bad.any():
        i = int(np.argmax(bad))
        shown = labels.tolist() if len(labels) <= 10 else f"{len(labels)} numbers"
        raise ValueError(
            f"{what}: {row} {i} has event {int(values[i])}, which is not among the events listed "
            f"(event_numbers / n_events: {shown})"
        )
    return idx.astype(np.int64)


def _offsets(counts: np.ndarray) -> np.ndarray:
    off = np.zeros(len(counts) + 1, dtype=np.int64)
    np.cumsum(counts, out=off[1:])
    return off


@dataclass(frozen=True, eq=False)
class Events:
    """A sample of events in one detector (see the module docstring for the fields).

    ``event_number`` (int64 labels, one per event) defaults to ``first_event + arange(N)``;
    ``first_event`` is kept for generated samples and is the number of the first event.
    """

    detector: Detector
    hits: ak.Array
    particles: ak.Array | None = None
    seed: int | None = None
    first_event: int = 0
    event_number: np.ndarray = None  # type: ignore[assignment]  # filled in __post_init__

    def __post_init__(self) -> None:
        n = len(self.hits)
        if self.event_number is None:
            labels = _labels(int(self.first_event) + np.arange(n, dtype=np.int64), "event_number")
        else:
            labels = _labels(self.event_number, "event_number")
            if len(labels) != n:
                raise ValueError(f"event_number has {len(labels)} entries for {n} events")
        if self.particles is not None and len(self.particles) != n:
            raise ValueError(f"particles hold {len(self.particles)} events but the hits {n}")
        object.__setattr__(self, "event_number", labels)
        object.__setattr__(self, "first_event", int(labels[0]) if n else int(self.first_event))

    # --- container protocol ---------------------------------------------------------------
    def __len__(self) -> int:
        return len(self.hits)

    def __getitem__(self, idx: int | slice | np.ndarray) -> Events:
        """A sub-sample (an int gives a one-event sample); events keep their numbers."""
        if isinstance(idx, (int, np.integer)):
            n = len(self)
            i = int(idx) + n if idx < 0 else int(idx)
            if not 0 <= i < n:
                raise IndexError(f"event {idx} out of range for {n} events")
            idx = slice(i, i + 1)
        if not isinstance(idx, slice):
            idx = np.asarray(idx)
        parts = self.particles[idx] if self.particles is not None else None
        return Events(self.detector, self.hits[idx], parts, self.seed, event_number=self.event_number[idx])

    def index_of(self, event_number: int | Iterable[int]) -> np.ndarray:
        """Positions in the sample of the given event numbers (``ValueError`` if absent)."""
        values = np.atleast_1d(np.asarray(event_number, dtype=np.int64))
        return _positions(self.event_number, values, "index_of", "entry")

    def select(self, event_numbers: int | Iterable[int]) -> Events:
        """The events with these numbers, in the order given."""
        return self[self.index_of(event_numbers)]

    def __repr__(self) -> str:
        truth = "with truth" if self.particles is not None else "no truth"
        return f"<Events {self.detector.name}: {len(self)} events, {int(self.n_hits.sum())} hits, {truth}>"

    @property
    def n_hits(self) -> np.ndarray:
        """Hits per event."""
        return np.asarray(ak.num(self.hits, axis=1))

    @property
    def n_particles(self) -> np.ndarray:
        """Particles per event (zeros without truth)."""
        if self.particles is None:
            return np.zeros(len(self), dtype=np.int64)
        return np.asarray(ak.num(self.particles, axis=1))

    def flat_hits(self) -> tuple[np.ndarray, dict[str, np.ndarray]]:
        """(offsets, flat columns) of the hits, for numba kernels."""
        cols = {f: np.asarray(ak.flatten(self.hits[f], axis=1)) for f in self.hits.fields}
        return _offsets(self.n_hits), cols

    def stats(self) -> dict[str, float]:
        """Mean hits, particles, reconstructable particles and noise hits per event."""
        out = {"events": float(len(self)), "hits_per_event": float(self.n_hits.mean()) if len(self) else 0.0}
        if len(self) and self.particles is not None:
            out["particles_per_event"] = float(self.n_particles.mean())
            out["reconstructable_per_event"] = float(ak.mean(ak.sum(self.particles.reconstructable, axis=1)))
            out["noise_hits_per_event"] = float(ak.mean(ak.sum(self.hits.particle_id == 0, axis=1)))
        return out

    # --- user input -----------------------------------------------------------------------
    @classmethod
    def from_hits(
        cls,
        detector: Detector,
        hits: Any,
        *,
        particles: Any = None,
        n_events: int | None = None,
        event_numbers: Iterable[int] | np.ndarray | None = None,
        pid_convention: ParticleIdConvention | None = None,
        extra_fields: Iterable[str] = (),
    ) -> Events:
        """Validated events from user hits, with their truth particles when given.

        Parameters
        ----------
        detector: the detector the hits belong to.
        hits: one of

            * a flat table, one row per hit, with an ``event`` column (any int64 event
              numbers): a dict of 1D arrays, a numpy structured array or a pyarrow table;
            * an awkward array ``N * var * {layer, <coordinates>[, hit_id][, particle_id]}``;
            * a path to a parquet file holding either form (or written by :meth:`save`,
              whose particles and event numbers are then read too).

            Fields: ``layer`` and the detector's coordinates (required), ``hit_id``
            (default 0, 1, ... per event), ``particle_id`` (default −1, no truth).
        particles: the truth particles (:mod:`fasttrack.truth`): a flat table with an
            ``event`` column (or a parquet path), or an awkward array aligned with the
            events. Requires ``particle_id`` on the hits; every particle id a hit carries
            must be a particle of its event.
        n_events, event_numbers: the events, see *Event numbers* in the module docstring
            (default: the numbers found in the hits and particles, in increasing order).
        pid_convention: how the hits mark noise and missing truth (default
            :data:`~fasttrack.truth.FASTTRACK`: 0 noise, −1 no truth); ids are mapped to
            fasttrack's convention.
        extra_fields: further hit or particle fields to keep untouched (any other unknown
            field is an error).

        Any invalid value raises ``ValueError`` naming the event number, the hit or
        particle, the field and the value.
        """
        extra = tuple(extra_fields)
        source = "hits"
        if isinstance(hits, (str, Path)):
            path = Path(hits)
            if not path.exists():
                raise ValueError(f"hits file {str(path)!r} does not exist")
            table = pq.read_table(path)
            source = str(path)
            if "hits" in table.column_names:
                arr = ak.from_arrow(table)
                if event_numbers is None and n_events is None and "event_number" in arr.fields:
                    event_numbers = np.asarray(arr["event_number"])
                if particles is None and "particles" in arr.fields:
                    particles = arr["particles"]
                hits = arr["hits"]
            else:
                hits = table
        if n_events is not None and event_numbers is not None:
            raise ValueError("give n_events or event_numbers, not both")
        if n_events is not None and n_events < 0:
            raise ValueError(f"n_events must be >= 0, got {n_events}")
        if is_flat_table(hits):
            return cls._from_flat(
                detector, as_columns(hits, source), particles, n_events, event_numbers, pid_convention, extra, source
            )
        if isinstance(hits, ak.Array):
            n = len(hits)
            if event_numbers is not None:
                labels = _labels(event_numbers, "event_numbers")
                if len(labels) != n:
                    raise ValueError(f"event_numbers has {len(labels)} entries for {n} events of hits")
            else:
                if n_events is not None and n_events != n:
                    raise ValueError(f"n_events={n_events} but the hits hold {n} events")
                labels = _labels(np.arange(n), "event_numbers")
            counts, cols = _awkward_columns(hits, source, labels)
            return cls._build(detector, labels, counts, cols, particles, pid_convention, extra, source)
        raise ValueError(
            f"hits of type {type(hits).__name__} not understood: give an awkward array of per-event "
            "records, a dict/structured array/pyarrow table with an 'event' column, or a parquet path"
        )

    @classmethod
    def _from_flat(
        cls,
        detector: Detector,
        cols: dict[str, np.ndarray],
        particles: Any,
        n_events: int | None,
        event_numbers: Any,
        convention: ParticleIdConvention | None,
        extra: tuple[str, ...],
        source: str,
    ) -> Events:
        if "event" not in cols:
            close = [k for k in cols if k.lower() in ("evt", "event_id", "eventid", "event_number", "events", "ev")]
            hint = f" (found {close[0]!r}: rename it to 'event')" if close else ""
            raise ValueError(f"flat hits need an 'event' column giving each hit's event number{hint}")
        event = int64_column(cols.pop("event"), "event", source)
        p_event = None
        if particles is not None and not isinstance(particles, ak.Array):
            particles = as_columns(particles, "particles")
            if "event" not in particles:
                raise ValueError("flat particles need an 'event' column giving each particle's event number")
            p_event = int64_column(particles["event"], "event", "particles")
        if event_numbers is not None:
            labels = _labels(event_numbers, "event_numbers")
        elif n_events is not None:
            labels = _labels(np.arange(n_events), "event_numbers")
            if len(event) and (event.min() < 0 or event.max() >= n_events):
                i = int(np.argmax((event < 0) | (event >= n_events)))
                raise ValueError(
                    f"n_events={n_events} but the hits reach event {int(event[i])} (hit {i}): "
                    "give event_numbers=[...] for numbers that are not 0..n_events-1"
                )
        else:
            found = [event] if p_event is None else [event, p_event]
            labels = _labels(np.unique(np.concatenate(found)), "event numbers")
        if len(np.unique(labels)) != len(labels):
            _, first, counts = np.unique(labels, return_index=True, return_counts=True)
            raise ValueError(f"event_numbers lists event {int(labels[first[np.argmax(counts > 1)]])} twice")
        idx = _positions(labels, event, source, "hit")
        if len(idx) and np.any(np.diff(idx) < 0):
            order = np.argsort(idx, kind="stable")  # group by event, keep hit order within
            idx = idx[order]
            cols = {k: v[order] for k, v in cols.items()}
        counts = np.bincount(idx, minlength=len(labels)).astype(np.int64)
        return cls._build(detector, labels, counts, cols, particles, convention, extra, source)

    @classmethod
    def _build(
        cls,
        detector: Detector,
        labels: np.ndarray,
        counts: np.ndarray,
        cols: dict[str, np.ndarray],
        particles: Any,
        convention: ParticleIdConvention | None,
        extra: tuple[str, ...],
        source: str,
    ) -> Events:
        """Events from hit columns grouped by event (``counts``) and optional particles."""
        n = len(labels)
        out = _check_hit_columns(detector, counts, cols, source=source, event_number=labels, extra_fields=extra)
        offsets = _offsets(counts)
        hit_event = np.repeat(np.arange(n), counts)
        has_pid = "particle_id" in cols
        parts_ak = None
        if particles is not None:
            if not has_pid:
                raise ValueError(f"{source}: particles are given but the hits carry no 'particle_id' to refer to them")
            p_counts, p_cols = _particle_columns(particles, labels)
            p_off = _offsets(p_counts)
            p_cols = check_particle_columns(p_cols, labels, p_off, extra_fields=extra)
            p_event = np.repeat(np.arange(n), p_counts)
            hit_pid, part_pid, src = map_particle_ids(
                out["particle_id"],
                hit_event,
                p_cols["particle_id"],
                p_event,
                convention,
                event_number=labels,
                hit_offsets=offsets,
                part_offsets=p_off,
            )
            assert part_pid is not None
            p_cols["particle_id"] = part_pid
            if src is not None:
                p_cols["source_particle_id"] = src
            out["particle_id"] = hit_pid
            p_cols = derive_particle_fields(
                detector,
                p_cols,
                p_event,
                hit_event,
                hit_pid,
                out["layer"],
                event_number=labels,
                part_offsets=p_off,
            )
            parts_ak = ak.unflatten(ak.zip(p_cols), p_counts)
        elif has_pid:
            out["particle_id"], _, _ = map_particle_ids(
                out["particle_id"], hit_event, None, None, convention, event_number=labels, hit_offsets=offsets
            )
        return cls(detector, ak.unflatten(ak.zip(out), counts), parts_ak, None, event_number=labels)

    # --- parquet --------------------------------------------------------------------------
    def save(self, path: str | Path) -> Path:
        """Write to parquet: one row per event, columns ``event_number`` and list columns
        ``hits`` and ``particles``.

        The detector (JSON), seed and format version are stored in the file's metadata.
        """
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        pq.write_table(self.to_arrow(), path)
        return path

    def to_arrow(self) -> Any:
        """The rows :meth:`save` writes, as a :class:`pyarrow.Table` carrying the detector,
        seed and format version in its schema metadata."""
        content = {"event_number": self.event_number, "hits": self.hits}
        if self.particles is not None:
            content["particles"] = self.particles
        table = ak.to_arrow_table(ak.zip(content, depth_limit=1), extensionarray=False)
        meta = dict(table.schema.metadata or {})
        meta[_META_KEY] = json.dumps(
            {
                "format_version": FORMAT_VERSION,
                "detector": self.detector.to_dict(),
                "seed": self.seed,
                "first_event": self.first_event,
            }
        ).encode()
        return table.replace_schema_metadata(meta)

    @classmethod
    def load(cls, path: str | Path, detector: Detector | None = None) -> Events:
        """Read a file written by :meth:`save` (validated against its detector), or with
        ``detector`` a plain parquet file of hits (as :meth:`from_hits`)."""
        path = Path(path)
        if not path.exists():
            raise ValueError(f"events file {str(path)!r} does not exist")
        table = pq.read_table(path)
        raw = (table.schema.metadata or {}).get(_META_KEY)
        if raw is None:
            if detector is None:
                raise ValueError(
                    f"events file {str(path)!r} has no fasttrack detector metadata (it was not written by "
                    "Events.save or `fasttrack generate`): give the detector, as Events.load(path, "
                    "detector=det) or Events.from_hits(det, path) in Python, or --detector FILE / "
                    "--preset NAME on the command line"
                )
            return cls.from_hits(detector, path)
        meta = json.loads(raw)
        if meta.get("format_version") != FORMAT_VERSION:
            raise ValueError(f"{path}: format version {meta.get('format_version')} is not {FORMAT_VERSION}")
        det = detector or Detector.from_dict(meta["detector"])
        return cls.from_stored(det, ak.from_arrow(table), meta, source=str(path))

    @classmethod
    def from_stored(
        cls, detector: Detector, arr: ak.Array, meta: dict[str, Any], *, source: str, first_row: int = 0
    ) -> Events:
        """Events from rows of a file written by :meth:`save` (``arr``: its columns as awkward,
        ``meta``: its fasttrack metadata; ``first_row``: the file row of ``arr[0]``, which
        numbers the events of files without an ``event_number`` column)."""
        labels = (
            np.asarray(arr["event_number"], dtype=np.int64)
            if "event_number" in arr.fields
            else int(meta.get("first_event", 0)) + first_row + np.arange(len(arr), dtype=np.int64)
        )
        extras = [f for f in (arr["hits"].fields or []) if f not in (*ID_FIELDS, *detector.hit_fields)]
        hits = validate_hits(detector, arr["hits"], source=source, event_number=labels, extra_fields=extras)
        parts = arr["particles"] if "particles" in arr.fields else None
        if parts is not None and "particle_id" in (parts.fields or []):
            parts = ak.with_field(parts, ak.values_astype(parts.particle_id, np.int64), "particle_id")
        return cls(detector, hits, parts, meta.get("seed"), event_number=labels)


# ------------------------------------------------------------------------------------------
# validation
# ------------------------------------------------------------------------------------------
def _dtype_error(
    source: str, name: str, col: np.ndarray, offsets: np.ndarray, labels: np.ndarray, want: str
) -> ValueError:
    """The error for a column of the wrong dtype, naming its first hit and value."""
    where = f"field {name!r}"
    if len(col):
        _, ev, j = _first_bad(np.ones(len(col), dtype=bool), offsets, labels)
        where = f"event {ev}, hit {j}: field {name!r} = {col[0].item()!r}"
    return ValueError(f"{source}: {where} must be {want}, got dtype {col.dtype}")


def _first_bad(mask: np.ndarray, offsets: np.ndarray, labels: np.ndarray) -> tuple[int, int, int]:
    """(flat index, event number, index within event) of the first True in mask."""
    i = int(np.argmax(mask))
    ev = int(np.searchsorted(offsets, i, side="right") - 1)
    return i, int(labels[ev]), i - int(offsets[ev])


def _awkward_columns(
    hits: Any, source: str, labels: np.ndarray | None = None, row: str = "hit"
) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """(rows per event, flat numpy columns) of an awkward array of per-event records
    (``labels``: the event numbers named in errors, default 0..N-1)."""
    if not isinstance(hits, ak.Array):
        raise ValueError(f"{source}: expected an awkward array, got {type(hits).__name__}")
    per_event = hits.type.content
    unknown = ak.types.UnknownType
    if isinstance(per_event, unknown) or (
        isinstance(per_event, ak.types.ListType) and isinstance(per_event.content, unknown)
    ):
        # no entry at all, so no type either (e.g. ak.Array([[], []]) or ak.Array([])): empty events
        return np.zeros(len(hits), np.int64), {}
    if hits.ndim != 2 or not hits.fields:
        raise ValueError(
            f"{source}: expected events of {row} records (type N * var * {{field, ...}}), got type {hits.type}"
        )
    counts = np.asarray(ak.num(hits, axis=1), dtype=np.int64)
    offsets = _offsets(counts)
    labels = np.arange(len(counts), dtype=np.int64) if labels is None else labels
    cols: dict[str, np.ndarray] = {}
    for name in hits.fields:
        flat = ak.flatten(hits[name], axis=1)
        try:
            col = ak.to_numpy(flat)
        except (ValueError, TypeError) as err:
            raise ValueError(f"{source}: field {name!r} is not a flat numeric column ({flat.type})") from err
        if np.ma.isMaskedArray(col):
            mask = np.ma.getmaskarray(col)
            if mask.any():  # an option type without any None (e.g. nullable parquet) is fine
                _, ev, j = _first_bad(mask, offsets, labels)
                raise ValueError(f"{source}: event {ev}, {row} {j}: field {name!r} is missing (None)")
            col = np.ma.getdata(col)
        cols[name] = col
    return counts, cols


def _particle_columns(particles: Any, labels: np.ndarray) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """(particles per event, flat columns grouped by event) of an awkward array aligned
    with the events or of flat columns with an ``event`` column."""
    n = len(labels)
    if isinstance(particles, ak.Array):
        if len(particles) != n:
            raise ValueError(f"particles hold {len(particles)} events but the hits {n}")
        counts, cols = _awkward_columns(particles, "particles", labels, "particle")
        if not cols:
            cols = {"particle_id": np.zeros(0, np.int64)}
        return counts, cols
    cols = as_columns(particles, "particles")
    if "event" not in cols:
        raise ValueError("flat particles need an 'event' column giving each particle's event number")
    event = int64_column(cols.pop("event"), "event", "particles")
    idx = _positions(labels, event, "particles", "particle")
    order = np.argsort(idx, kind="stable")
    cols = {k: v[order] for k, v in cols.items()}
    return np.bincount(idx, minlength=n).astype(np.int64), cols


def validate_hits(
    detector: Detector,
    hits: ak.Array,
    *,
    source: str = "hits",
    event_number: np.ndarray | None = None,
    extra_fields: Iterable[str] = (),
) -> ak.Array:
    """Check user hits against ``detector`` and return them with canonical dtypes.

    ``particle_id`` is checked for dtype only (no convention mapping: that is
    :meth:`Events.from_hits`). Raises ``ValueError`` naming the event (number, from
    ``event_number``; default 0..N-1), the hit, the field and the value for the first
    problem found.
    """
    labels = np.arange(len(hits), dtype=np.int64) if event_number is None else np.asarray(event_number)
    counts, cols = _awkward_columns(hits, source, labels)
    out = _check_hit_columns(
        detector, counts, cols, source=source, event_number=labels, extra_fields=tuple(extra_fields)
    )
    return ak.unflatten(ak.zip(out), counts)


def _check_hit_columns(
    detector: Detector,
    counts: np.ndarray,
    cols: dict[str, np.ndarray],
    *,
    source: str,
    event_number: np.ndarray,
    extra_fields: tuple[str, ...],
) -> dict[str, np.ndarray]:
    """The hits' flat columns checked and in canonical dtypes and order (extras last)."""
    labels = event_number
    offsets = _offsets(counts)
    if not cols:  # events without any hit
        cols = {"layer": np.zeros(0, np.int32), **{f: np.zeros(0) for f in detector.hit_fields}}
    required = ("layer", *detector.hit_fields)
    missing = [f for f in required if f not in cols]
    if missing:
        raise ValueError(
            f"{source}: missing field(s) {missing} for detector {detector.name!r} "
            f"(hits need {list(required)}; optional: hit_id, particle_id)"
        )
    known = [*ID_FIELDS, *detector.hit_fields, *extra_fields]
    check_field_names(cols, known, source, hint=f" (detector {detector.name!r} measures {list(detector.hit_fields)})")
    out: dict[str, np.ndarray] = {}
    for name, dtype in (("layer", np.int32), ("hit_id", np.int32), ("particle_id", np.int64)):
        if name in cols:
            col = cols[name]
            if col.dtype.kind not in "iu":
                raise _dtype_error(source, name, col, offsets, labels, "integer")
            info = np.iinfo(dtype)
            bad = col > info.max
            if col.dtype.kind == "i":
                bad |= col < info.min
            if bad.any():  # would wrap around in the cast below
                i, ev, j = _first_bad(bad, offsets, labels)
                raise ValueError(
                    f"{source}: event {ev}, hit {j}: field {name!r} = {col[i]} does not fit in {np.dtype(dtype)}"
                )
            out[name] = col.astype(dtype)
    for name in detector.hit_fields:
        col = cols[name]
        if col.dtype.kind not in "iuf":
            raise _dtype_error(source, name, col, offsets, labels, "numeric (float)")
        col = col.astype(np.float64)
        bad = ~np.isfinite(col)
        if bad.any():
            i, ev, j = _first_bad(bad, offsets, labels)
            raise ValueError(f"{source}: event {ev}, hit {j}: field {name!r} = {col[i]} is not finite")
        out[name] = col
    layer = out["layer"]
    bad = (layer < 0) | (layer >= detector.n_layers)
    if bad.any():
        i, ev, j = _first_bad(bad, offsets, labels)
        raise ValueError(
            f"{source}: event {ev}, hit {j}: field 'layer' = {layer[i]} is not a layer of "
            f"{detector.name!r} (0..{detector.n_layers - 1})"
        )
    _check_ranges(detector, out, offsets, labels, source)
    if "hit_id" not in out:
        out["hit_id"] = (np.arange(len(layer)) - np.repeat(offsets[:-1], counts)).astype(np.int32)
    else:
        ids = out["hit_id"]
        ev_of = np.repeat(np.arange(len(counts)), counts)
        order = np.lexsort((ids, ev_of))
        dup = (np.diff(ids[order]) == 0) & (np.diff(ev_of[order]) == 0)
        if dup.any():
            k = int(order[int(np.argmax(dup)) + 1])
            ev = int(ev_of[k])
            raise ValueError(
                f"{source}: event {int(labels[ev])}, hit {k - int(offsets[ev])}: field 'hit_id' = "
                f"{ids[k]} is used twice in the event"
            )
        if (ids < 0).any():
            i, ev, j = _first_bad(ids < 0, offsets, labels)
            raise ValueError(f"{source}: event {ev}, hit {j}: field 'hit_id' = {ids[i]} is negative")
    if "particle_id" not in out:
        out["particle_id"] = np.full(len(layer), -1, dtype=np.int64)
    ordered = {k: out[k] for k in ("hit_id", "layer", "particle_id", *detector.hit_fields)}
    for name in cols:  # keep declared extras (e.g. the user's own measurements) untouched
        if name not in ordered:
            ordered[name] = cols[name]
    return ordered


def _check_ranges(
    det: Detector, cols: dict[str, np.ndarray], offsets: np.ndarray, labels: np.ndarray, source: str
) -> None:
    layer = cols["layer"]
    tol = 1e-9
    for fname in det.hit_fields:
        if fname == "bend_qoverpt":
            continue
        lo = np.empty(det.n_layers)
        hi = np.empty(det.n_layers)
        for li, lay in enumerate(det.layers):
            if isinstance(lay, PlaneLayer):
                lo[li], hi[li] = (lay.x_min_mm, lay.x_max_mm) if fname == "x" else (lay.y_min_mm, lay.y_max_mm)
            else:
                assert isinstance(lay, CylinderLayer)
                lo[li], hi[li] = (lay.phi_min, lay.phi_max) if fname == "phi" else (lay.z_min_mm, lay.z_max_mm)
                if fname == "phi":
                    # the φ strips cover the range (n_strips_phi rounds up): the last strip's
                    # centre, a valid measurement, may lie up to half a pitch beyond phi_max
                    hi[li] = max(hi[li], lay.phi_min + (lay.n_strips_phi - 0.5) * lay.pitch_phi)
        v = cols[fname]
        bad = (v < lo[layer] - tol) | (v > hi[layer] + tol)
        if bad.any():
            i, ev, j = _first_bad(bad, offsets, labels)
            unit = "rad" if fname == "phi" else "mm"
            raise ValueError(
                f"{source}: event {ev}, hit {j}: field {fname!r} = {v[i]:g} is outside layer "
                f"{layer[i]} ({fname} in [{lo[layer[i]]:g}, {hi[layer[i]]:g}] {unit})"
            )
    if det.kind == "plane" and det.measures_y:
        hole = np.array([lay.hole_half_mm for lay in det.layers])  # type: ignore[union-attr]
        x, y = cols["x"], cols["y"]
        bad = (np.abs(x) < hole[layer]) & (np.abs(y) < hole[layer])
        if bad.any():
            i, ev, j = _first_bad(bad, offsets, labels)
            raise ValueError(
                f"{source}: event {ev}, hit {j}: (x, y) = ({x[i]:g}, {y[i]:g}) mm lies in the "
                f"beam hole of layer {layer[i]} (|x|, |y| < {hole[layer[i]]:g} mm)"
            )


# ------------------------------------------------------------------------------------------
# construction from the generator's flat arrays
# ------------------------------------------------------------------------------------------
def build_events(
    detector: Detector,
    hits: dict[str, np.ndarray],
    n_hits: np.ndarray,
    particles: dict[str, np.ndarray],
    n_particles: np.ndarray,
    *,
    min_layers: int,
    seed: int | None = None,
    first_event: int = 0,
) -> Events:
    """Assemble :class:`Events` from flat per-hit and per-particle arrays and counts."""
    from .trackmodel import truth_parameters

    n_hits = np.asarray(n_hits, dtype=np.int64)
    n_particles = np.asarray(n_particles, dtype=np.int64)
    hit_start = np.repeat(np.cumsum(n_hits) - n_hits, n_hits)
    part_start = np.repeat(np.cumsum(n_particles) - n_particles, n_particles)
    hit_cols: dict[str, np.ndarray] = {
        "hit_id": (np.arange(int(n_hits.sum())) - hit_start).astype(np.int32),
        "layer": hits["layer"].astype(np.int32),
        "particle_id": hits["particle_id"].astype(np.int64),
    }
    for f in detector.hit_fields:
        hit_cols[f] = hits[f].astype(np.float64)
    pid = (np.arange(int(n_particles.sum())) - part_start + 1).astype(np.int64)
    p_cols: dict[str, np.ndarray] = {"particle_id": pid}
    for k, v in particles.items():
        if k in ("n_hits", "n_layers", "vertex"):
            p_cols[k] = v.astype(np.int32)
        elif k == "charge":
            p_cols[k] = v.astype(np.int8)
        else:
            p_cols[k] = v.astype(np.float64)
    p_cols["reconstructable"] = particles["n_layers"] >= min_layers
    for k, v in truth_parameters(detector, {k: np.asarray(v) for k, v in particles.items()}).items():
        p_cols[k] = v.astype(np.float64)
    hits_ak = ak.unflatten(ak.zip(hit_cols), n_hits)
    parts_ak = ak.unflatten(ak.zip(p_cols), n_particles)
    return Events(detector, hits_ak, parts_ak, seed, first_event)


def describe_field_units() -> dict[str, str]:
    """Units of the standard hit and particle fields (for documentation and plots)."""
    return {
        "x": "mm",
        "y": "mm",
        "z": "mm",
        "phi": "rad",
        "bend_qoverpt": "1/GeV",
        "pt_gev": "GeV",
        "p_gev": "GeV",
        "eta": "",
        "tx": "",
        "ty": "",
        "vx_mm": "mm",
        "vy_mm": "mm",
        "vz_mm": "mm",
        "qoverpt": "1/GeV",
        "phi_t": "rad",
        "x_ref_mm": "mm",
        "u_mm": "mm",
        "v_mm": "mm",
        "z0_mm": "mm",
        "cot_theta": "",
        "charge": "e",
    }

"""The event model: hits and truth particles per event as awkward arrays.

:class:`Events` holds, for ``N`` events,

* ``hits``: ``N * var * {hit_id: int32, layer: int32, particle_id: int32, <coordinates>}``
  where the coordinates are the detector's :attr:`~fasttrack.detector.Detector.hit_fields`
  (``x`` | ``x, y`` | ``phi, z, bend_qoverpt``) as float64 in mm / rad / (1/GeV).
  ``particle_id`` is 0 for noise and −1 when the hits carry no truth.
* ``particles``: ``N * var * {particle_id, charge, pt_gev, eta, phi, p_gev, tx, ty,
  vx_mm, vy_mm, vz_mm, vertex, n_hits, n_layers, reconstructable, <model params>}``
  (or ``None`` for user hits without truth). The model parameters are those of
  :mod:`fasttrack.trackmodel` (``tx`` and ``x_ref_mm``; ``u_mm, v_mm``; ``qoverpt,
  phi_t, z0_mm, cot_theta``).

User hits are validated by :meth:`Events.from_hits`: missing fields, wrong dtypes,
NaN/inf, unknown layers, coordinates outside their layer and duplicate hit ids raise
``ValueError`` naming the event, hit, field and value. Nothing is dropped.

Example
-------
>>> import awkward as ak
>>> from fasttrack import detector
>>> from fasttrack.events import Events
>>> ev = Events.from_hits(detector.telescope(), ak.Array([[{"layer": 0, "x": 1.0}], []]))
>>> ev.n_hits.tolist()
[1, 0]
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import awkward as ak
import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from .detector import CylinderLayer, Detector, PlaneLayer

__all__ = ["FORMAT_VERSION", "Events", "build_events"]

FORMAT_VERSION = 1
_META_KEY = b"fasttrack"
ID_FIELDS = ("hit_id", "layer", "particle_id")


@dataclass(frozen=True, eq=False)
class Events:
    """A sample of events in one detector (see the module docstring for the fields)."""

    detector: Detector
    hits: ak.Array
    particles: ak.Array | None = None
    seed: int | None = None
    first_event: int = 0

    # --- container protocol ---------------------------------------------------------------
    def __len__(self) -> int:
        return len(self.hits)

    def __getitem__(self, idx: int | slice | np.ndarray) -> Events:
        """A sub-sample (an int gives a one-event sample)."""
        if isinstance(idx, (int, np.integer)):
            n = len(self)
            i = int(idx) + n if idx < 0 else int(idx)
            if not 0 <= i < n:
                raise IndexError(f"event {idx} out of range for {n} events")
            idx = slice(i, i + 1)
        parts = self.particles[idx] if self.particles is not None else None
        first = (
            self.first_event + idx.indices(len(self))[0]
            if isinstance(idx, slice) and (idx.step in (None, 1))
            else self.first_event
        )
        return Events(self.detector, self.hits[idx], parts, self.seed, first)

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
        counts = self.n_hits
        offsets = np.zeros(len(counts) + 1, dtype=np.int64)
        np.cumsum(counts, out=offsets[1:])
        cols = {f: np.asarray(ak.flatten(self.hits[f], axis=1)) for f in self.hits.fields}
        return offsets, cols

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
    def from_hits(cls, detector: Detector, hits: Any, *, n_events: int | None = None) -> Events:
        """Validated events from user hits (no truth particles).

        ``hits`` may be

        * an awkward array ``N * var * {layer, <coordinates>[, hit_id][, particle_id]}``;
        * a flat table with an ``event`` column: a dict of 1D arrays, a numpy structured
          array, or a pyarrow table; events are numbered ``0 .. n_events-1``
          (``n_events`` defaults to ``max(event) + 1``, so give it for trailing empty events);
        * a path to a parquet file holding either form (or one written by :meth:`save`).

        Missing ``hit_id`` is filled with 0, 1, ... per event; missing ``particle_id``
        with −1 (no truth). Any invalid value raises ``ValueError``.
        """
        if isinstance(hits, (str, Path)):
            path = Path(hits)
            if not path.exists():
                raise ValueError(f"hits file {str(path)!r} does not exist")
            table = pq.read_table(path)
            if "hits" in table.column_names:
                arr = ak.from_arrow(table)
                return cls._from_awkward(detector, arr["hits"], f"{path}")
            hits = table
        if isinstance(hits, pa.Table):
            hits = {name: hits.column(name).to_numpy(zero_copy_only=False) for name in hits.column_names}
        if isinstance(hits, np.ndarray) and hits.dtype.names is not None:
            hits = {name: hits[name] for name in hits.dtype.names}
        if isinstance(hits, Mapping):
            return cls._from_flat(detector, dict(hits), n_events)
        if isinstance(hits, ak.Array):
            return cls._from_awkward(detector, hits, "hits")
        raise ValueError(
            f"hits of type {type(hits).__name__} not understood: give an awkward array of per-event "
            "records, a dict/structured array/pyarrow table with an 'event' column, or a parquet path"
        )

    @classmethod
    def _from_flat(cls, detector: Detector, cols: dict[str, Any], n_events: int | None) -> Events:
        if "event" not in cols:
            raise ValueError("flat hits need an 'event' column giving each hit's event number")
        event = _as_int_column(np.asarray(cols.pop("event")), "event", None)
        if len(event) and event.min() < 0:
            bad = int(np.argmax(event < 0))
            raise ValueError(f"hit {bad}: field 'event' = {int(event[bad])} is negative")
        n = int(event.max()) + 1 if len(event) else 0
        if n_events is not None:
            if n_events < n:
                raise ValueError(f"n_events={n_events} but the hits reach event {n - 1}")
            n = n_events
        if len(event) and np.any(np.diff(event) < 0):
            order = np.argsort(event, kind="stable")  # group by event, keep hit order within
            event = event[order]
            cols = {k: np.asarray(v)[order] for k, v in cols.items()}
        counts = np.bincount(event, minlength=n).astype(np.int64)
        arr = (
            ak.unflatten(ak.zip({k: np.asarray(v) for k, v in cols.items()}), counts)
            if cols
            else ak.Array([[] for _ in range(n)])
        )
        return cls._from_awkward(detector, arr, "hits")

    @classmethod
    def _from_awkward(cls, detector: Detector, arr: ak.Array, source: str) -> Events:
        hits = validate_hits(detector, arr, source=source)
        return cls(detector, hits, None)

    # --- parquet --------------------------------------------------------------------------
    def save(self, path: str | Path) -> Path:
        """Write to parquet: one row per event, list columns ``hits`` and ``particles``.

        The detector (JSON), seed and format version are stored in the file's metadata.
        """
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        content = {"hits": self.hits}
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
        pq.write_table(table.replace_schema_metadata(meta), path)
        return path

    @classmethod
    def load(cls, path: str | Path, detector: Detector | None = None) -> Events:
        """Read a file written by :meth:`save` (validated against its detector)."""
        path = Path(path)
        if not path.exists():
            raise ValueError(f"events file {str(path)!r} does not exist")
        table = pq.read_table(path)
        raw = (table.schema.metadata or {}).get(_META_KEY)
        if raw is None:
            if detector is None:
                raise ValueError(f"{path} has no fasttrack metadata: pass detector= to read plain hits")
            return cls.from_hits(detector, path)
        meta = json.loads(raw)
        if meta.get("format_version") != FORMAT_VERSION:
            raise ValueError(f"{path}: format version {meta.get('format_version')} is not {FORMAT_VERSION}")
        det = detector or Detector.from_dict(meta["detector"])
        arr = ak.from_arrow(table)
        hits = validate_hits(det, arr["hits"], source=str(path))
        parts = arr["particles"] if "particles" in arr.fields else None
        return cls(det, hits, parts, meta.get("seed"), int(meta.get("first_event", 0)))


# ------------------------------------------------------------------------------------------
# validation
# ------------------------------------------------------------------------------------------
def _as_int_column(values: np.ndarray, name: str, source: str | None) -> np.ndarray:
    where = f"{source}: " if source else ""
    if values.dtype.kind not in "iu":
        raise ValueError(f"{where}field {name!r} must be integer, got dtype {values.dtype}")
    return values.astype(np.int64)


def _dtype_error(source: str, name: str, col: np.ndarray, offsets: np.ndarray, want: str) -> ValueError:
    """The error for a column of the wrong dtype, naming its first hit and value."""
    where = f"field {name!r}"
    if len(col):
        _, ev, j = _first_bad(np.ones(len(col), dtype=bool), offsets)
        where = f"event {ev}, hit {j}: field {name!r} = {col[0].item()!r}"
    return ValueError(f"{source}: {where} must be {want}, got dtype {col.dtype}")


def _first_bad(mask: np.ndarray, offsets: np.ndarray) -> tuple[int, int, int]:
    """(flat index, event, index within event) of the first True in mask."""
    i = int(np.argmax(mask))
    ev = int(np.searchsorted(offsets, i, side="right") - 1)
    return i, ev, i - int(offsets[ev])


def validate_hits(detector: Detector, hits: ak.Array, *, source: str = "hits") -> ak.Array:
    """Check user hits against ``detector`` and return them with canonical dtypes.

    Raises ``ValueError`` naming the event, the hit, the field and the value for the first
    problem found.
    """
    if not isinstance(hits, ak.Array):
        raise ValueError(f"{source}: expected an awkward array, got {type(hits).__name__}")
    per_event = hits.type.content
    unknown = ak.types.UnknownType
    if isinstance(per_event, unknown) or (
        isinstance(per_event, ak.types.ListType) and isinstance(per_event.content, unknown)
    ):
        # no hit at all, so no type either (e.g. ak.Array([[], []]) or ak.Array([])): empty events
        empty = {"layer": np.zeros(0, np.int32), **{f: np.zeros(0) for f in detector.hit_fields}}
        hits = ak.unflatten(ak.zip(empty), np.zeros(len(hits), np.int64))
    if hits.ndim != 2 or not hits.fields:
        raise ValueError(
            f"{source}: expected events of hit records (type N * var * {{layer, ...}}), got type {hits.type}"
        )
    required = ("layer", *detector.hit_fields)
    missing = [f for f in required if f not in hits.fields]
    if missing:
        raise ValueError(
            f"{source}: missing field(s) {missing} for detector {detector.name!r} "
            f"(hits need {list(required)}; optional: hit_id, particle_id)"
        )
    counts = np.asarray(ak.num(hits, axis=1), dtype=np.int64)
    offsets = np.zeros(len(counts) + 1, dtype=np.int64)
    np.cumsum(counts, out=offsets[1:])
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
                _, ev, j = _first_bad(mask, offsets)
                raise ValueError(f"{source}: event {ev}, hit {j}: field {name!r} is missing (None)")
            col = np.ma.getdata(col)
        cols[name] = col
    out: dict[str, np.ndarray] = {}
    for name in ("layer", "hit_id", "particle_id"):
        if name in cols:
            col = cols[name]
            if col.dtype.kind not in "iu":
                raise _dtype_error(source, name, col, offsets, "integer")
            bad = col > np.iinfo(np.int32).max
            if col.dtype.kind == "i":
                bad |= col < np.iinfo(np.int32).min
            if bad.any():  # would wrap around in the int32 cast below
                i, ev, j = _first_bad(bad, offsets)
                raise ValueError(f"{source}: event {ev}, hit {j}: field {name!r} = {col[i]} does not fit in int32")
            out[name] = col.astype(np.int32)
    for name in detector.hit_fields:
        col = cols[name]
        if col.dtype.kind not in "iuf":
            raise _dtype_error(source, name, col, offsets, "numeric (float)")
        col = col.astype(np.float64)
        bad = ~np.isfinite(col)
        if bad.any():
            i, ev, j = _first_bad(bad, offsets)
            raise ValueError(f"{source}: event {ev}, hit {j}: field {name!r} = {col[i]} is not finite")
        out[name] = col
    extra = [f for f in hits.fields if f not in out]
    layer = out["layer"]
    bad = (layer < 0) | (layer >= detector.n_layers)
    if bad.any():
        i, ev, j = _first_bad(bad, offsets)
        raise ValueError(
            f"{source}: event {ev}, hit {j}: field 'layer' = {layer[i]} is not a layer of "
            f"{detector.name!r} (0..{detector.n_layers - 1})"
        )
    _check_ranges(detector, out, offsets, source)
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
                f"{source}: event {ev}, hit {k - int(offsets[ev])}: field 'hit_id' = "
                f"{ids[k]} is used twice in the event"
            )
        if (ids < 0).any():
            i, ev, j = _first_bad(ids < 0, offsets)
            raise ValueError(f"{source}: event {ev}, hit {j}: field 'hit_id' = {ids[i]} is negative")
    if "particle_id" not in out:
        out["particle_id"] = np.full(len(layer), -1, dtype=np.int32)
    ordered = {k: out[k] for k in ("hit_id", "layer", "particle_id", *detector.hit_fields)}
    for name in extra:  # keep user extras (e.g. their own truth) untouched
        ordered[name] = cols[name]
    return ak.unflatten(ak.zip(ordered), counts)


def _check_ranges(det: Detector, cols: dict[str, np.ndarray], offsets: np.ndarray, source: str) -> None:
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
            i, ev, j = _first_bad(bad, offsets)
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
            i, ev, j = _first_bad(bad, offsets)
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
        "particle_id": hits["particle_id"].astype(np.int32),
    }
    for f in detector.hit_fields:
        hit_cols[f] = hits[f].astype(np.float64)
    pid = (np.arange(int(n_particles.sum())) - part_start + 1).astype(np.int32)
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

"""TrackML / ACTS CSV input: one set of files per event in a folder.

Files of event ``N`` are named ``event<N zero-padded to 9>-<stem>.csv``; the event number
is taken from the name. Two layouts are read:

* **TrackML** (the Kaggle challenge, ``acts`` ``CsvPlanarClusterWriter``):
  ``-hits.csv`` (``hit_id, x, y, z, volume_id, layer_id[, module_id]``, measured
  global positions), ``-truth.csv`` (``hit_id, particle_id, ...``; 0 marks noise) and
  ``-particles.csv`` (``particle_id, vx, vy, vz, px, py, pz, q[, nhits]``);
* **ACTS** (the Examples framework's ``CsvSimHitWriter``, ``CsvMeasurementWriter`` and
  ``CsvParticleWriter``, as ``pyacts`` writes them): ``-hits.csv`` holds the simulated hits
  (``particle_id`` or its parts ``particle_id_pv, _sv, _part, _gen, _subpart``,
  ``geometry_id, tx, ty, tz, ...``, true positions); ``-measurements.csv`` with
  ``-measurement-simhit-map.csv`` the digitised measurements (``measurement_id,
  geometry_id, ..., global_x, global_y, global_z``) and which simulated hit made each;
  ``-particles_simulated.csv`` (else ``-particles.csv``) the particles.

Coordinates: with measurements (``coordinates="auto"`` when the measurement files exist,
or ``"measurements"``) each measurement is one hit at its measured global position, its
truth the particle of its simulated hit; otherwise (``"hits"``) each row of ``-hits.csv`` is
one hit at its position (true positions for ACTS simulated hits). Plane detectors take
``x`` (and ``y``) of the position, cylinder detectors ``phi = atan2(y, x)`` and ``z``; a
cylinder detector's ``bend_qoverpt`` is set to 0, since these files carry no bend.

Layers: each (volume, layer) of the files becomes a layer of the detector through
``layer_map`` (``{(volume_id, layer_id): layer}``), or, by default, a derived map: the
detector layer closest in z (planes) or r (cylinders) to the group's mean position, which
must lie within ``tolerance_mm``. Units: ``length_unit_mm`` and ``momentum_unit_gev``
(ACTS and TrackML write mm and GeV, the defaults).

Particle ids: ACTS' five-part barcodes (or TrackML's 64-bit ids) are numbered 1, 2, ... per
event in the order of the particles file (0 stays noise), so they fit fasttrack's ids.

Example
-------
>>> from fasttrack import detector
>>> from fasttrack.io.csv import read_csv
>>> from fasttrack.io.detector_file import load_detector
>>> det = load_detector("examples/detector_acts_telescope.toml")
>>> ev = read_csv("tests/data/acts_telescope", det)
>>> len(ev), int(ev.n_hits.sum()) > 0
(3, True)
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv

from ..detector import CylinderLayer, Detector
from ..events import Events
from ._common import Columns, events_from_columns, kinematics, scale_units

__all__ = ["decode_geometry_id", "derive_layer_map", "event_files", "read_csv"]

EVENT_FILE = re.compile(r"^event(\d+)-(.+)\.csv$")
_BARCODE_PARTS = ("particle_id_pv", "particle_id_sv", "particle_id_part", "particle_id_gen", "particle_id_subpart")


def decode_geometry_id(geometry_id: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(volume, layer) of ACTS ``GeometryIdentifier`` values (volume bits 56-63, layer 36-47)."""
    g = np.asarray(geometry_id).astype(np.uint64)
    return (g >> np.uint64(56)).astype(np.int64), ((g >> np.uint64(36)) & np.uint64(0xFFF)).astype(np.int64)


def event_files(folder: str | Path) -> dict[int, dict[str, Path]]:
    """``{event number: {stem: path}}`` of the ``event<N>-<stem>.csv`` files in ``folder``."""
    folder = Path(folder)
    if not folder.is_dir():
        raise ValueError(f"CSV events folder {str(folder)!r} does not exist or is not a folder")
    out: dict[int, dict[str, Path]] = {}
    for p in sorted(folder.iterdir()):
        m = EVENT_FILE.match(p.name)
        if m:
            out.setdefault(int(m[1]), {})[m[2]] = p
    if not out:
        raise ValueError(f"{folder}: no event files (named like event000000001-hits.csv)")
    return out


def _read(path: Path) -> Columns:
    try:
        table = pacsv.read_csv(path)
    except pa.ArrowInvalid as err:
        if "Empty CSV file" in str(err):
            return {}
        raise ValueError(f"{path}: not a readable CSV file ({err})") from None
    return {n: table.column(n).to_numpy(zero_copy_only=False) for n in table.column_names}


def _need(cols: Columns, names: tuple[str, ...], path: Path) -> None:
    missing = [n for n in names if n not in cols]
    if missing:
        raise ValueError(f"{path}: missing column(s) {missing}; columns: {list(cols)}")


def _barcodes(cols: Columns, path: Path) -> np.ndarray:
    """One key per particle: ``particle_id`` or the 5 barcode parts, as rows of an int array."""
    if all(p in cols for p in _BARCODE_PARTS):
        return np.stack([np.asarray(cols[p], dtype=np.int64) for p in _BARCODE_PARTS], axis=1)
    if "particle_id" in cols:
        return np.asarray(cols["particle_id"]).astype(np.uint64).astype(np.int64)[:, None]
    raise ValueError(f"{path}: no particle_id column (nor its parts {list(_BARCODE_PARTS)}); columns: {list(cols)}")


def _dense_ids(keys: np.ndarray, particle_keys: np.ndarray | None, path: Path) -> np.ndarray:
    """Per-event particle numbers 1..n for ``keys`` (rows), in the order of ``particle_keys``;
    an all-zero key (TrackML noise) becomes 0."""
    noise = np.asarray(~np.asarray(keys).any(axis=1), dtype=bool)
    if particle_keys is None:
        uniq = np.unique(keys[~noise], axis=0)
    else:
        uniq = particle_keys
    lookup = {tuple(r): i + 1 for i, r in enumerate(uniq.tolist())}
    out = np.zeros(len(keys), dtype=np.int64)
    for i, r in enumerate(keys.tolist()):
        if noise[i]:
            continue
        j = lookup.get(tuple(r))
        if j is None:
            raise ValueError(f"{path}: row {i} carries particle {tuple(r)}, which is not in the particles file")
        out[i] = j
    return out


def derive_layer_map(
    detector: Detector, groups: Mapping[tuple[int, int], float], *, tolerance_mm: float = 5.0, source: str = "CSV"
) -> dict[tuple[int, int], int]:
    """``{(volume, layer): detector layer}`` from each group's mean z (planes) or r (cylinders)."""
    pos = detector.positions_mm()
    what = "z" if detector.kind == "plane" else "r"
    out: dict[tuple[int, int], int] = {}
    for key, v in sorted(groups.items()):
        i = int(np.argmin(np.abs(pos - v)))
        if abs(pos[i] - v) > tolerance_mm:
            raise ValueError(
                f"{source}: volume {key[0]} layer {key[1]} lies at {what} = {v:g} mm, {abs(pos[i] - v):g} mm from the "
                f"closest layer of {detector.name!r} (layer {i} at {what} = {pos[i]:g} mm; tolerance {tolerance_mm:g} "
                f"mm): give layer_map={{({key[0]}, {key[1]}): layer, ...}} or a detector with a layer there"
            )
        out[key] = i
    return out


def _coordinates(det: Detector, x: np.ndarray, y: np.ndarray, z: np.ndarray) -> Columns:
    if det.kind == "plane":
        return {"x": x, "y": y} if det.measures_y else {"x": x}
    assert isinstance(det.layers[0], CylinderLayer)
    return {"phi": np.arctan2(y, x), "z": z, "bend_qoverpt": np.zeros(len(x))}


def read_csv(
    folder: str | Path,
    detector: Detector,
    *,
    layer_map: Mapping[tuple[int, int], int] | None = None,
    coordinates: Literal["auto", "measurements", "hits"] = "auto",
    events: Any = None,
    tolerance_mm: float = 5.0,
    length_unit_mm: float = 1.0,
    momentum_unit_gev: float = 1.0,
    truth: bool = True,
) -> Events:
    """Events from a folder of TrackML or ACTS CSV files (see the module docstring).

    ``events``: the event numbers to read (default all); ``truth=False`` ignores the truth
    and particle files.
    """
    folder = Path(folder)
    files = event_files(folder)
    numbers = sorted(files) if events is None else [int(e) for e in events]
    for e in numbers:
        if e not in files:
            raise ValueError(f"{folder}: no files of event {e}")
    if coordinates not in ("auto", "measurements", "hits"):
        raise ValueError(f"coordinates must be 'auto', 'measurements' or 'hits', got {coordinates!r}")
    per_event = []
    sums: dict[tuple[int, int], float] = {}
    counts: dict[tuple[int, int], int] = {}
    for e in numbers:
        r = _read_event(files[e], detector, coordinates, truth, folder, e)
        h = scale_units(r["hits"], length_unit_mm=length_unit_mm, momentum_unit_gev=momentum_unit_gev, what=str(folder))
        r["hits"] = h
        radial = np.hypot(h["x"], h["y"]) if detector.kind == "cylinder" else h["z"]
        for vol, lay in set(zip(h["volume"].tolist(), h["layer"].tolist(), strict=True)):
            sel = (h["volume"] == vol) & (h["layer"] == lay)
            sums[(vol, lay)] = sums.get((vol, lay), 0.0) + float(radial[sel].sum())
            counts[(vol, lay)] = counts.get((vol, lay), 0) + int(sel.sum())
        per_event.append(r)
    if layer_map is None:
        means = {k: sums[k] / counts[k] for k in sums}
        lmap = derive_layer_map(detector, means, tolerance_mm=tolerance_mm, source=str(folder))
    else:
        lmap = {(int(k[0]), int(k[1])): int(v) for k, v in layer_map.items()}
        bad = {k: v for k, v in lmap.items() if not 0 <= v < detector.n_layers}
        if bad:
            raise ValueError(f"layer_map {bad} names layers outside 0..{detector.n_layers - 1} of {detector.name!r}")
    hit_cols: dict[str, list[np.ndarray]] = {}
    part_cols: dict[str, list[np.ndarray]] = {}
    for e, r in zip(numbers, per_event, strict=True):
        h = r["hits"]
        n = len(h["layer"])
        layer = np.full(n, -1, dtype=np.int64)
        for (vol, lay), target in lmap.items():
            layer[(h["volume"] == vol) & (h["layer"] == lay)] = target
        if (layer < 0).any():
            i = int(np.argmax(layer < 0))
            raise ValueError(
                f"{r['source']}: row {i}: volume {h['volume'][i]} layer {h['layer'][i]} is not in layer_map {lmap}"
            )
        cols = {"event": np.full(n, e, dtype=np.int64), "layer": layer, "hit_id": h["hit_id"]}
        cols |= _coordinates(detector, h["x"], h["y"], h["z"])
        if "particle_id" in h:
            cols["particle_id"] = h["particle_id"]
        for k, v in cols.items():
            hit_cols.setdefault(k, []).append(v)
        if r.get("particles") is not None:
            p = scale_units(r["particles"], length_unit_mm=length_unit_mm, momentum_unit_gev=momentum_unit_gev,
                            what=str(folder))  # fmt: skip
            p["event"] = np.full(len(p["particle_id"]), e, dtype=np.int64)
            for k, v in p.items():
                part_cols.setdefault(k, []).append(v)
    hits = {k: np.concatenate(v) for k, v in hit_cols.items()}
    parts = {k: np.concatenate(v) for k, v in part_cols.items()} if part_cols else None
    return events_from_columns(detector, hits, parts, source=str(folder), event_numbers=np.array(numbers))


def _particles(path: Path) -> tuple[np.ndarray, Columns]:
    """(barcode keys, particle columns with ids 1..n) of a particles file."""
    cols = _read(path)
    if not cols:
        return np.zeros((0, 1), dtype=np.int64), {"particle_id": np.zeros(0, dtype=np.int64)}
    keys = _barcodes(cols, path)
    _need(cols, ("vx", "vy", "vz", "px", "py", "pz", "q"), path)
    px, py, pz = (np.asarray(cols[k], dtype=np.float64) for k in ("px", "py", "pz"))
    out: Columns = {"particle_id": np.arange(1, len(keys) + 1, dtype=np.int64)}
    out["charge"] = np.rint(np.asarray(cols["q"], dtype=np.float64)).astype(np.int8)
    out |= kinematics(px, py, pz)
    for k in ("vx", "vy", "vz"):
        out[f"{k}_mm"] = np.asarray(cols[k], dtype=np.float64)
    return keys, out


def _read_event(
    stems: dict[str, Path], det: Detector, coordinates: str, truth: bool, folder: Path, event: int
) -> dict[str, Any]:
    """One event's hits ({volume, layer, x, y, z, hit_id[, particle_id]}) and particles."""
    if "hits" not in stems:
        raise ValueError(
            f"{folder}: event {event} has no hits file (event{event:09d}-hits.csv); files: {sorted(stems)}"
        )
    hits_path = stems["hits"]
    raw = _read(hits_path)
    acts = "geometry_id" in raw or "tx" in raw
    particles = None
    keys = None
    if truth:
        p_path = stems.get("particles_simulated") or stems.get("particles") or stems.get("particles_initial")
        if p_path is not None:
            keys, particles = _particles(p_path)
    use_meas = coordinates == "measurements" or (
        coordinates == "auto" and acts and "measurements" in stems and "measurement-simhit-map" in stems
    )
    if coordinates == "measurements" and not ("measurements" in stems and "measurement-simhit-map" in stems):
        raise ValueError(f"{folder}: event {event} has no -measurements.csv and -measurement-simhit-map.csv")
    out: Columns = {}
    source = hits_path
    if acts:
        if raw:
            _need(raw, ("geometry_id", "tx", "ty", "tz"), hits_path)
        sim_keys = _barcodes(raw, hits_path) if raw else np.zeros((0, 1), dtype=np.int64)
        if use_meas:
            source = stems["measurements"]
            meas = _read(stems["measurements"])
            if meas:
                _need(meas, ("measurement_id", "geometry_id", "global_x", "global_y", "global_z"), source)
            link = _read(stems["measurement-simhit-map"])
            n = len(meas.get("measurement_id", ()))
            geo = np.asarray(meas.get("geometry_id", np.zeros(0)), dtype=np.uint64)
            out["x"], out["y"], out["z"] = (
                np.asarray(meas.get(f"global_{c}", np.zeros(0)), dtype=np.float64) for c in "xyz"
            )
            out["hit_id"] = np.asarray(meas.get("measurement_id", np.zeros(0)), dtype=np.int64)
            if truth and keys is not None and n:
                _need(link, ("measurement_id", "hit_id"), stems["measurement-simhit-map"])
                # a measurement made by several simulated hits takes the first one's particle
                mid = np.asarray(link["measurement_id"], dtype=np.int64)
                order = np.lexsort((np.arange(len(mid)), mid))
                first = order[np.r_[True, np.diff(mid[order]) != 0]]
                sim_of = dict(zip(mid[first].tolist(), np.asarray(link["hit_id"])[first].tolist(), strict=True))
                missing = [m for m in out["hit_id"].tolist() if m not in sim_of]
                if missing:
                    raise ValueError(
                        f"{stems['measurement-simhit-map']}: measurement {missing[0]} has no simulated hit"
                    )
                rows = np.array([sim_of[m] for m in out["hit_id"].tolist()], dtype=np.int64)
                out["particle_id"] = _dense_ids(sim_keys[rows], keys, hits_path)
        else:
            geo = np.asarray(raw.get("geometry_id", np.zeros(0)), dtype=np.uint64)
            out["x"], out["y"], out["z"] = (np.asarray(raw.get(f"t{c}", np.zeros(0)), dtype=np.float64) for c in "xyz")
            out["hit_id"] = np.arange(len(geo), dtype=np.int64)
            if truth and keys is not None:
                out["particle_id"] = _dense_ids(sim_keys, keys, hits_path)
        out["volume"], out["layer"] = decode_geometry_id(geo)
    else:
        if raw:
            _need(raw, ("hit_id", "x", "y", "z", "volume_id", "layer_id"), hits_path)
        out["hit_id"] = np.asarray(raw.get("hit_id", np.zeros(0)), dtype=np.int64)
        out["x"], out["y"], out["z"] = (np.asarray(raw.get(c, np.zeros(0)), dtype=np.float64) for c in "xyz")
        out["volume"] = np.asarray(raw.get("volume_id", np.zeros(0)), dtype=np.int64)
        out["layer"] = np.asarray(raw.get("layer_id", np.zeros(0)), dtype=np.int64)
        if truth and "truth" in stems:
            t = _read(stems["truth"])
            if t:
                _need(t, ("hit_id", "particle_id"), stems["truth"])
            pid_of = dict(zip(np.asarray(t.get("hit_id", ())).tolist(), _barcodes(t, stems["truth"]).tolist(),
                              strict=True)) if t else {}  # fmt: skip
            missing = [h for h in out["hit_id"].tolist() if h not in pid_of]
            if missing:
                raise ValueError(f"{stems['truth']}: hit {missing[0]} of {hits_path.name} has no truth row")
            hk = np.array([pid_of[h] for h in out["hit_id"].tolist()], dtype=np.int64).reshape(len(out["hit_id"]), -1)
            out["particle_id"] = _dense_ids(hk, keys, stems["truth"])
        elif truth and particles is not None:
            raise ValueError(f"{folder}: event {event} has a particles file but no -truth.csv linking hits to them")
    return {"hits": out, "particles": particles, "source": source}

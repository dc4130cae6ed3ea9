"""ROOT input through uproot: hits (and truth particles) from TTrees (or RNTuples).

Two layouts are read, told apart by the branches' types:

* **flat**: one tree entry per hit, with an event-number branch (``event`` by default) and
  one scalar branch per field;
* **jagged**: one tree entry per event, each field a variable-length branch
  (``std::vector<float>`` or ``float[n]``); the event number is the ``event`` branch when the
  tree has one (a scalar per entry), else the entry number.

The hit fields are ``layer`` and the detector's coordinates (``x`` | ``x, y`` | ``phi, z,
bend_qoverpt``), optionally ``hit_id`` and ``particle_id``; ``branches`` maps a fasttrack
field to a branch name where they differ (``{"x": "hit_x", "layer": "plane"}``). The truth
particles come from a second tree (``particles_tree``, default ``particles`` when the file
has one; same two layouts) with the fields of :mod:`fasttrack.truth` (``particle_id``,
``charge``, ``pt_gev``, ...), or, when it carries ``px, py, pz`` (GeV) instead, with
``pt_gev, p_gev, eta, phi, tx, ty`` derived from them. Units: ``length_unit_mm`` and
``momentum_unit_gev`` convert files in cm or MeV.

Example
-------
>>> import numpy as np, uproot
>>> from pathlib import Path
>>> from fasttrack import detector
>>> Path("build/doctest").mkdir(parents=True, exist_ok=True)
>>> from fasttrack.io.root import read_root
>>> with uproot.recreate("build/doctest/hits.root") as f:
...     _ = f.mktree("hits", {"event": "int64", "layer": "int32", "x": "float64"})
...     f["hits"].extend({"event": np.array([5, 5, 9]), "layer": np.array([0, 1, 0], np.int32),
...                       "x": np.array([1.0, 1.5, -3.0])})
>>> ev = read_root("build/doctest/hits.root", detector.telescope())
>>> int(ev.n_hits.sum())
3
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import awkward as ak
import numpy as np

from ..detector import Detector
from ..events import Events
from ._common import Columns, closest, events_from_columns, kinematics, scale_units

__all__ = ["read_root", "read_tree_columns"]

_OPTIONAL_HIT_FIELDS = ("hit_id", "particle_id")
_PARTICLE_FIELDS = (
    "particle_id", "charge", "pt_gev", "p_gev", "eta", "phi", "tx", "ty", "vx_mm", "vy_mm", "vz_mm", "vertex",
    "reconstructable", "px", "py", "pz", "q",
)  # fmt: skip


def _open(path: Path) -> Any:
    import uproot

    if not path.exists():
        raise ValueError(f"ROOT file {str(path)!r} does not exist")
    try:
        return uproot.open(path)
    except Exception as err:  # uproot raises several kinds on a file that is not ROOT
        raise ValueError(f"{path}: not a ROOT file ({err})") from None


def _trees(f: Any) -> list[str]:
    kinds = ("TTree", "ROOT::RNTuple")
    return sorted({k.split(";")[0] for k, cls in f.classnames().items() if cls.startswith(kinds)})


def read_tree_columns(
    f: Any,
    path: Path,
    tree: str,
    fields: Mapping[str, str],
    optional: Mapping[str, str],
    event_branch: str,
    *,
    entry_start: int | None = None,
    entry_stop: int | None = None,
) -> Columns:
    """Flat columns (one row per hit or particle, with ``event``) of ``tree``: ``fields``
    (fasttrack name -> branch) are required, ``optional`` read when present."""
    names = _trees(f)
    if tree not in names:
        raise ValueError(f"{path}: no tree {tree!r}{closest(tree, names)}; the file holds {names or 'no tree'}")
    t = f[tree]
    have = list(t.keys())
    missing = [(k, b) for k, b in fields.items() if b not in have]
    if missing:
        k, b = missing[0]
        raise ValueError(
            f"{path}: tree {tree!r} has no branch {b!r} for field {k!r}{closest(b, have)}; branches: {have} "
            "(name the branch with branches={field: branch})"
        )
    want = {**fields, **{k: b for k, b in optional.items() if b in have}}
    if event_branch in have:
        want["event"] = event_branch
    arrays = t.arrays(list(dict.fromkeys(want.values())), entry_start=entry_start, entry_stop=entry_stop, library="ak")
    first = next(iter(fields.values()))
    jagged = arrays[first].ndim == 2
    out: Columns = {}
    if jagged:
        counts = np.asarray(ak.num(arrays[first], axis=1), dtype=np.int64)
        if "event" in want:
            ev = arrays[want["event"]]
            if ev.ndim != 1:
                raise ValueError(f"{path}: tree {tree!r}: event branch {event_branch!r} must hold one number per entry")
            labels = np.asarray(ev, dtype=np.int64)
        else:
            labels = np.arange(len(counts), dtype=np.int64) + int(entry_start or 0)
        out["event"] = np.repeat(labels, counts)
        for k, b in want.items():
            if k == "event":
                continue
            col = arrays[b]
            if col.ndim != 2 or not np.array_equal(np.asarray(ak.num(col, axis=1)), counts):
                raise ValueError(
                    f"{path}: tree {tree!r}: branch {b!r} ({k}) lacks one value per {first!r} value in each entry"
                )
            out[k] = np.asarray(ak.flatten(col))
    else:
        if "event" not in want:
            raise ValueError(
                f"{path}: tree {tree!r} has one entry per row (flat branches) but no event branch {event_branch!r}; "
                f"name it with event_branch=...; branches: {have}"
            )
        for k, b in want.items():
            col = arrays[b]
            if col.ndim != 1:
                raise ValueError(f"{path}: tree {tree!r}: branch {b!r} ({k}) is jagged but {first!r} is flat")
            out[k] = np.asarray(col)
        out["event"] = out["event"].astype(np.int64)
    return out


def _particles(cols: Columns, path: Path) -> Columns:
    out = dict(cols)
    if "q" in out and "charge" not in out:
        out["charge"] = out.pop("q")
    if {"px", "py", "pz"} <= set(out):
        px, py, pz = (np.asarray(out.pop(k), dtype=np.float64) for k in ("px", "py", "pz"))
        for k, v in kinematics(px, py, pz).items():
            out.setdefault(k, v)
    if "charge" in out:
        out["charge"] = np.asarray(out["charge"]).astype(np.int8)
    return out


def read_root(
    path: str | Path,
    detector: Detector,
    *,
    tree: str = "hits",
    branches: Mapping[str, str] | None = None,
    event_branch: str = "event",
    particles_tree: str | None = None,
    particle_branches: Mapping[str, str] | None = None,
    pid_convention: Any = None,
    length_unit_mm: float = 1.0,
    momentum_unit_gev: float = 1.0,
    entry_start: int | None = None,
    entry_stop: int | None = None,
) -> Events:
    """Events from the TTree ``tree`` of a ROOT file (see the module docstring).

    ``branches`` / ``particle_branches`` map fasttrack field names to branch names;
    ``particles_tree`` names the truth tree (default: ``particles`` when the file has one;
    ``""`` for none). ``entry_start``/``entry_stop`` select entries of the hits tree.
    """
    path = Path(path)
    f = _open(path)
    m = dict(branches or {})
    required = {k: m.get(k, k) for k in ("layer", *detector.hit_fields)}
    optional = {k: m.get(k, k) for k in _OPTIONAL_HIT_FIELDS}
    unknown = set(m) - set(required) - set(optional)
    if unknown:
        k = sorted(unknown)[0]
        allowed = [*required, *optional]
        raise ValueError(f"branches: unknown field {k!r}{closest(k, allowed)}; fields: {allowed}")
    hits = read_tree_columns(
        f, path, tree, required, optional, event_branch, entry_start=entry_start, entry_stop=entry_stop
    )
    hits = scale_units(hits, length_unit_mm=length_unit_mm, momentum_unit_gev=momentum_unit_gev, what=str(path))
    if particles_tree is None:
        particles_tree = "particles" if "particles" in _trees(f) else ""
    parts = None
    if particles_tree:
        pm = dict(particle_branches or {})
        p_req = {"particle_id": pm.pop("particle_id", "particle_id")}
        p_opt = {k: pm.pop(k, k) for k in _PARTICLE_FIELDS if k != "particle_id"}
        if pm:
            k = sorted(pm)[0]
            raise ValueError(f"particle_branches: unknown field {k!r}{closest(k, list(_PARTICLE_FIELDS))}")
        parts = read_tree_columns(f, path, particles_tree, p_req, p_opt, event_branch)
        if entry_start is not None or entry_stop is not None:  # keep the particles of the events read
            keep = np.isin(parts["event"], np.unique(hits["event"]))
            parts = {k: v[keep] for k, v in parts.items()}
        parts = _particles(
            scale_units(parts, length_unit_mm=length_unit_mm, momentum_unit_gev=momentum_unit_gev, what=str(path)),
            path,
        )
    return events_from_columns(detector, hits, parts, source=str(path), pid_convention=pid_convention)

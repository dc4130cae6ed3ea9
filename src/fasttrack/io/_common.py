"""Pieces the readers share: building :class:`~fasttrack.events.Events` from flat columns.

Every reader of :mod:`fasttrack.io` turns its format into *flat column dicts* -- the hits as
``{"event": int64, "layer": int, <coordinates>, ["hit_id"], ["particle_id"]}`` and, when the
file has truth, the particles as ``{"event": int64, "particle_id": int64, <fields>}`` (one
row per hit or particle) -- and hands them to :func:`events_from_columns`, which calls
:meth:`fasttrack.events.Events.from_hits` (the one place where user hits are validated).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from ..detector import Detector
from ..events import Events

__all__ = ["Columns", "events_from_columns"]

Columns = dict[str, np.ndarray]


def check_lengths(cols: Mapping[str, np.ndarray], what: str) -> None:
    """All columns of one table must have the same length (the error names the odd one)."""
    lengths = {k: len(v) for k, v in cols.items()}
    if len(set(lengths.values())) > 1:
        first = next(iter(lengths))
        odd = next(k for k, n in lengths.items() if n != lengths[first])
        raise ValueError(f"{what}: column {odd!r} has {lengths[odd]} rows but {first!r} has {lengths[first]}")


def events_from_columns(
    detector: Detector,
    hits: Columns,
    particles: Columns | None = None,
    *,
    source: str,
    pid_convention: Any = None,
    event_numbers: np.ndarray | None = None,
) -> Events:
    """Validated :class:`Events` from flat hit (and particle) columns read from ``source``.

    Errors of :meth:`Events.from_hits` are re-raised with ``source`` (the file) in front.
    """
    check_lengths(hits, f"{source}: hits")
    if particles is not None:
        check_lengths(particles, f"{source}: particles")
    kwargs: dict[str, Any] = {"particles": particles, "pid_convention": pid_convention}
    if event_numbers is not None:
        kwargs["event_numbers"] = np.asarray(event_numbers, dtype=np.int64)
    try:
        return Events.from_hits(detector, dict(hits), **kwargs)
    except ValueError as err:
        msg = str(err)
        raise ValueError(msg if msg.startswith(source) else f"{source}: {msg}") from None


# fields in mm and GeV that a unit factor scales (hits and particles)
LENGTH_FIELDS = ("x", "y", "z", "vx_mm", "vy_mm", "vz_mm", "x_ref_mm", "u_mm", "v_mm", "z0_mm")
MOMENTUM_FIELDS = ("pt_gev", "p_gev", "px", "py", "pz")


def scale_units(cols: Columns, *, length_unit_mm: float, momentum_unit_gev: float, what: str) -> Columns:
    """Columns with lengths multiplied by ``length_unit_mm`` and momenta by ``momentum_unit_gev``
    (a file in cm has ``length_unit_mm=10``, one in MeV ``momentum_unit_gev=1e-3``); ``bend_qoverpt``
    (1/GeV) is divided by the momentum factor."""
    for name, v in (("length_unit_mm", length_unit_mm), ("momentum_unit_gev", momentum_unit_gev)):
        if not (np.isfinite(v) and v > 0):
            raise ValueError(f"{what}: {name} must be a positive number, got {v}")
    out = dict(cols)
    for k in out:
        if length_unit_mm != 1.0 and k in LENGTH_FIELDS:
            out[k] = np.asarray(out[k], dtype=np.float64) * length_unit_mm
        elif momentum_unit_gev != 1.0 and k in MOMENTUM_FIELDS:
            out[k] = np.asarray(out[k], dtype=np.float64) * momentum_unit_gev
        elif momentum_unit_gev != 1.0 and k in ("bend_qoverpt", "qoverpt"):
            out[k] = np.asarray(out[k], dtype=np.float64) / momentum_unit_gev
    return out


def kinematics(px: np.ndarray, py: np.ndarray, pz: np.ndarray) -> Columns:
    """pt_gev, p_gev, eta, phi, tx, ty of momenta (GeV); slopes are inf for pz = 0."""
    pt = np.hypot(px, py)
    p = np.sqrt(pt * pt + pz * pz)
    with np.errstate(divide="ignore", invalid="ignore"):
        eta = np.arcsinh(np.where(pt > 0, pz / np.where(pt > 0, pt, 1.0), np.sign(pz) * np.inf))
        tx = np.where(pz != 0, px / np.where(pz != 0, pz, 1.0), np.inf)
        ty = np.where(pz != 0, py / np.where(pz != 0, pz, 1.0), np.inf)
    return {"pt_gev": pt, "p_gev": p, "eta": eta, "phi": np.arctan2(py, px), "tx": tx, "ty": ty}


def closest(name: str, allowed: list[str]) -> str:
    import difflib

    close = difflib.get_close_matches(name, allowed, n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""

"""A user's detector described in a TOML or JSON file.

The file holds one table::

    name = "barrel10"                 # required
    bz_tesla = 2.0                    # solenoid field (T), default 0
    reference_r_mm = 1500.0           # cylinders: reference radius of the r-phi model
    # reference_z_mm = 350.0          # planes: reference plane of the straight-line model
    description = "ten-layer barrel"

    [mix]                             # optional: EventMix fields for `fasttrack generate`
    pt_min_gev = 1.0

    [layer_defaults]                  # optional: fields every layer shares
    kind = "cylinder"                 # "cylinder" or "plane" (else told by r_mm / z_mm)
    pitch_rphi_mm = 0.1

    [[layers]]                        # one table per layer, innermost / most upstream first
    r_mm = 500.0
    [[layers]]
    r_mm = 750.0

Layer fields are those of :class:`~fasttrack.detector.CylinderLayer` and
:class:`~fasttrack.detector.PlaneLayer`, mix fields those of
:class:`~fasttrack.detector.EventMix` (units in the names: mm, rad, T, GeV). An unknown
key is an error naming it (with the closest known one); ``mix.min_layers`` defaults to
``min(4, number of layers)``; the JSON of
:meth:`Detector.to_dict` / ``fasttrack info --json`` (one detector) is read as well.
``examples/detector_barrel10.toml`` and ``examples/detector_telescope_tilted.json`` are
complete examples.

Example
-------
>>> from fasttrack.io.detector_file import load_detector
>>> det = load_detector("examples/detector_barrel10.toml")
>>> det.n_layers, det.kind, det.bz_tesla
(10, 'cylinder', 2.0)
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..detector import CylinderLayer, Detector, EventMix, PlaneLayer
from ..overrides import as_table, fail, fail_unknown, read_mapping

__all__ = ["detector_from_mapping", "load_detector"]

_TOP = ("name", "bz_tesla", "reference_r_mm", "reference_z_mm", "description", "mix", "layer_defaults", "layers")
_KINDS = {"plane": PlaneLayer, "cylinder": CylinderLayer}


def _init_fields(cls: type) -> list[str]:
    return [f.name for f in dataclasses.fields(cls) if f.init]


def _layer(source: str, where: str, d: Mapping[str, Any]) -> PlaneLayer | CylinderLayer:
    d = dict(d)
    kind = d.pop("kind", None)
    if kind is None:
        kind = "cylinder" if "r_mm" in d else "plane" if "z_mm" in d else None
    if kind not in _KINDS:
        fail(source, f"{where}.kind", f"must be 'plane' or 'cylinder' (or give z_mm / r_mm), got {kind!r}")
    cls = _KINDS[kind]
    allowed = _init_fields(cls)
    for k in d:
        if k not in allowed:
            fail_unknown(source, f"{where} ({kind})", k, allowed)
    try:
        return cls(**d)
    except (TypeError, ValueError) as err:
        fail(source, where, f"is not a valid {kind} layer: {err}")


def detector_from_mapping(d: Mapping[str, Any], source: str = "<detector>") -> Detector:
    """A :class:`Detector` from the table of a detector file (see the module docstring)."""
    as_table(source, "detector", d)
    for k in d:
        if k not in _TOP:
            fail_unknown(source, "detector", k, _TOP)
    if "name" not in d or not isinstance(d["name"], str):
        fail(source, "name", "is required (a string)")
    layers_in = d.get("layers")
    if not isinstance(layers_in, list) or not layers_in:
        fail(source, "layers", "must be a non-empty list of layer tables ([[layers]] in TOML)")
    defaults = dict(as_table(source, "layer_defaults", d.get("layer_defaults", {})))
    layers = tuple(
        _layer(source, f"layers[{i}]", {**defaults, **as_table(source, f"layers[{i}]", ld)})
        for i, ld in enumerate(layers_in)
    )
    mix_in = dict(as_table(source, "mix", d.get("mix", {})))
    allowed_mix = _init_fields(EventMix)
    for k in mix_in:
        if k not in allowed_mix:
            fail_unknown(source, "mix", k, allowed_mix)
    mix_in.setdefault("min_layers", min(EventMix.min_layers, len(layers)))  # a 3-layer detector works as given
    try:
        mix = EventMix(**mix_in)
        return Detector(
            name=d["name"],
            layers=layers,
            bz_tesla=float(d.get("bz_tesla", 0.0)),
            mix=mix,
            reference_z_mm=float(d.get("reference_z_mm", 0.0)),
            reference_r_mm=float(d.get("reference_r_mm", 0.0)),
            description=str(d.get("description", "")),
        )
    except (TypeError, ValueError) as err:
        fail(source, "detector", f"is not valid: {err}")


def load_detector(path: str | Path) -> Detector:
    """The detector described by a TOML (``.toml``) or JSON file (see the module docstring)."""
    path = Path(path)
    return detector_from_mapping(read_mapping(path, "detector file"), f"detector file {path}")

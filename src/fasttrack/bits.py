"""What every algorithm config shares: widths, quantisation of hits and bends, the hash.

:class:`HardwareConfig` is mixed into :class:`~fasttrack.retina.RetinaConfig` and
:class:`~fasttrack.hough.HoughConfig`; it expects the fields ``coord_lsb``,
``bend_window_hw``, ``bend_lsb``, ``bend_bits``, ``description``, the grid's
``a_min``, ``a_max``, ``n_a``, ``b_min``, ``n_b`` and a property ``delta_b``.
"""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import asdict
from typing import Any

import numpy as np

from .detector import Detector

__all__ = ["HardwareConfig", "bits_signed", "bits_unsigned", "extent_hw"]


def bits_unsigned(v: int) -> int:
    """Smallest width holding the unsigned value ``v``."""
    return max(1, int(v).bit_length())


def bits_signed(lo: int, hi: int) -> int:
    """Smallest two's-complement width holding ``[lo, hi]``."""
    w = 1
    while not (-(1 << (w - 1)) <= lo and hi <= (1 << (w - 1)) - 1):
        w += 1
    return w


def extent_hw(det: Detector, lsb: float) -> tuple[int, int]:
    """The layers' measured extent (x, y or φ) in LSBs of ``lsb``, rounded like hits are."""
    lo, hi = math.inf, -math.inf
    for lay in det.layers:
        if lay.kind == "plane":
            lo = min(lo, lay.x_min_mm, lay.y_min_mm if det.measures_y else lay.x_min_mm)  # type: ignore[union-attr]
            hi = max(hi, lay.x_max_mm, lay.y_max_mm if det.measures_y else lay.x_max_mm)  # type: ignore[union-attr]
        else:
            lo, hi = min(lo, lay.phi_min), max(hi, lay.phi_max)  # type: ignore[union-attr]
    return math.floor(lo / lsb + 0.5), math.floor(hi / lsb + 0.5)


class HardwareConfig:
    """Methods shared by the algorithm configs (frozen dataclasses)."""

    coord_lsb: float
    bend_window_hw: int
    bend_lsb: float
    bend_bits: int

    a_min: float
    a_max: float
    n_a: int
    b_min: float
    n_b: int

    @property
    def delta_b(self) -> float:  # pragma: no cover - provided by the config
        raise NotImplementedError

    # the grid over (a, b): cells (columns) along a, cells (bins) along b
    @property
    def delta_a(self) -> float:
        """Cell width along a."""
        return (self.a_max - self.a_min) / self.n_a

    def a_edges(self) -> np.ndarray:
        """The n_a + 1 cell edges along a."""
        return self.a_min + np.arange(self.n_a + 1) * self.delta_a

    def a_centres(self) -> np.ndarray:
        """The n_a cell centres along a."""
        return self.a_min + (np.arange(self.n_a) + 0.5) * self.delta_a

    def b_centres(self) -> np.ndarray:
        """The n_b cell centres along b."""
        return self.b_min + (np.arange(self.n_b) + 0.5) * self.delta_b

    @property
    def bend_filter(self) -> bool:
        """True when stubs are filtered on their bend (``bend_window_hw >= 0``)."""
        return self.bend_window_hw >= 0

    def quantize_coord(self, values: np.ndarray) -> np.ndarray:
        """Measurement units -> coordinate LSBs: ``floor(v / lsb + ½)`` as int64."""
        return np.floor(np.asarray(values, dtype=np.float64) / self.coord_lsb + 0.5).astype(np.int64)

    def quantize_bend_unclipped(self, v: float) -> int:
        return int(math.floor(v / self.bend_lsb + 0.5))

    def quantize_bend(self, values: np.ndarray) -> np.ndarray:
        """Bend estimates (1/GeV) -> LSBs, saturated to ``bend_bits`` signed (zeros when off)."""
        if not self.bend_filter:
            return np.zeros(np.shape(values), dtype=np.int64)
        raw = np.floor(np.asarray(values, dtype=np.float64) / self.bend_lsb + 0.5)
        lim = (1 << (self.bend_bits - 1)) - 1
        return np.clip(raw, -lim - 1, lim).astype(np.int64)

    def bend_inputs(self, cols: dict[str, np.ndarray], n_hits: int, what: str) -> np.ndarray:
        """The hits' bend estimates (1/GeV) the bend filter compares, zeros when it is off.

        With the filter on, hits without a ``bend_qoverpt`` field, or whose bends are all
        exactly zero (hits that carry no bend measurement, which the filter would cut from
        every cell with |q/pT| beyond its window), are refused with what to change.
        """
        if not self.bend_filter:
            return np.zeros(n_hits)
        name = getattr(self, "name", "")
        if "bend_qoverpt" not in cols:
            raise ValueError(
                f"{what} {name!r} filters on the stub bend; the hits lack 'bend_qoverpt'. If they carry no "
                "bend, declare it (CylinderLayer(bend_qoverpt_sigma=None)) or set bend_window_hw=-1"
            )
        bend = np.asarray(cols["bend_qoverpt"], dtype=np.float64)
        if n_hits > 0 and not np.any(bend):
            window = self.bend_window_hw * self.bend_lsb
            raise ValueError(
                f"{what} {name!r} filters on the stub bend (|bend - q/pT| <= {window:g} /GeV), but every one of "
                f"the {n_hits} hits has bend_qoverpt = 0: they carry no bend measurement, and the filter would cut "
                f"them from every cell with |q/pT| > {window:g} /GeV. Declare the missing bend on the detector "
                "(CylinderLayer(bend_qoverpt_sigma=None): the defaults then switch the filter off) or set "
                "bend_window_hw=-1"
            )
        return bend

    def a_bend_hw(self) -> np.ndarray:
        """q/pT of the cell (column) centres along a, in bend LSBs: the bend-filter table."""
        if not self.bend_filter:
            return np.zeros(len(self.a_centres()), dtype=np.int64)
        return np.floor(self.a_centres() / self.bend_lsb + 0.5).astype(np.int64)

    def to_dict(self) -> dict[str, Any]:
        """Every field but ``description`` (JSON-ready); ``phi_wrap`` only when on, so the
        configs made before it existed keep their hash (and their generated files)."""
        d = asdict(self)  # type: ignore[call-overload]
        d.pop("description", None)
        if d.get("phi_wrap") is False:
            del d["phi_wrap"]
        return d

    def config_hash(self) -> str:
        """SHA-256 (first 16 hex digits) of the canonical JSON of every field."""
        text = json.dumps(self.to_dict(), sort_keys=True, default=float)
        return hashlib.sha256(text.encode()).hexdigest()[:16]

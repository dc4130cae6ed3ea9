"""Hough-transform configuration: the array, the line tables, capacities, filters.

Everything hardware needs is here or derived here (:class:`HoughTables`); HLS and RTL get
it through :mod:`fasttrack.hw.codegen`.

Array
    ``n_a`` columns over the first track parameter ``a`` (q/pT, or the slope) and ``n_b``
    bins over the second ``b`` (φ_T, or the intercept). A hit on layer ``l`` with
    measurement ``m`` is the line ``b(a) = m − s_l(a)`` in the array, with
    ``s_l(a) = h_a·a + c`` of the linear model (``h_b = 1``), or for the exact helix
    ``s_l(a) = −asin(k·r_l·a) + asin(k·r_T·a)``.

Integer (hardware) quantities:

* coordinate ``hw_m = floor(m / coord_lsb + ½)`` (signed ``coord_bits``);
* the line's shift at each column edge ``e = 0..n_a``: ``shift_hw[l][e] =
  floor(s_l(a_e)/coord_lsb + ½)`` (the column-edge table);
* bins are ``2^bin_shift`` LSBs wide starting at ``b_min_hw = b_min/coord_lsb``: in
  column ``i`` the hit covers ``b`` from ``hw_m − shift_hw[l][i]`` to
  ``hw_m − shift_hw[l][i+1]``; the bins filled are ``floor((b − b_min_hw) >> bin_shift)``
  between those two ends, clipped to the array, **at most ``max_bins_per_column``
  starting from the lowest bin** (later bins are not filled and are counted);
* float mode does the same arithmetic in floats (``floor((b − b_min)/Δb)``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Literal

import numpy as np

from .. import azimuth, derive
from ..bits import HardwareConfig, bits_signed, bits_unsigned, extent_hw
from ..configcheck import check_field_types, check_known_fields, check_memory, worker_threads
from ..detector import Detector
from ..trackmodel import LinearTrackModel
from . import presets

__all__ = ["DuplicateRule", "HoughConfig", "HoughTables"]

DuplicateRule = Literal["none", "localmax", "sharing"]


@dataclass(frozen=True)
class HoughConfig(HardwareConfig):
    """A Hough transform: array, line model, widths, thresholds, capacities, filters.

    Build one with :meth:`for_detector` and change fields with :func:`dataclasses.replace`;
    every field is validated on construction.

    Parameters
    ----------
    name: a label (the preset).
    param_names: names of (a, b), units in the names.
    measurement_name: the hit field measured (``"x"`` or ``"phi"``).
    slopes: ``h_a`` of each layer's linear model ``m = h_a·a + b + c``.
    offsets: ``c`` of each layer.
    a_min, a_max, n_a: the columns.
    b_min, n_b: the bins (``b_max`` follows from the bin width ``2^bin_shift·coord_lsb``).
    coord_lsb, coord_bits, bin_shift: hit coordinate LSB, signed width, log2 of the bin
        width in LSBs.
    max_bins_per_column: the firmware cap on bins one hit fills in one column.
    min_layers: a cell is a candidate with hits on at least this many distinct layers.
    max_hits_per_cell: a cell's hit list keeps the first hits in input order; later hits
        still set their layer bit but are not listed, and are counted.
    max_hits: hits per event the hardware buffers (the first, in input order).
    max_tracks: candidates per event the output holds (raster order after duplicate
        removal); later ones are counted and flagged.
    duplicate_rule: ``"none"``; ``"localmax"`` (a candidate must have the most layers
        among its 8 neighbours, ties broken as the retina's: strictly more than earlier
        cells in raster order, at least as many as later ones); or ``"sharing"`` (see
        ``dup_min_shared`` and :mod:`fasttrack.hough.reference`).
    dup_min_shared, dup_max_new: with ``"sharing"``, a candidate is a duplicate of a
        better-ranked kept candidate when it shares at least ``dup_min_shared`` listed hits
        with it and has at most ``dup_max_new`` listed hits that the kept one lacks.
    mini_hough: split each candidate cell 2×2, refill it with its hits, and output the
        sub-cells that reach ``min_layers`` instead of the cell.
    helix_radii_mm, helix_ref_radius_mm, helix_k_per_mm_gev: exact-helix line shifts
        (r-φ only), as in the retina.
    bend_window_hw, bend_lsb, bend_bits: the bend filter (r-φ): a stub fills column ``i``
        only if ``|hw_bend − a_bend_hw[i]| ≤ bend_window_hw`` with the column centre's q/pT
        in bend LSBs; ``-1`` switches it off.
    drop_count_bits: width of the dropped-hit counter of the end-of-event word; the count
        saturates at ``2^drop_count_bits − 1``.
    hit_id_bits: width of the hit id in hit words.
    extent_hw: the layers' measured extent in LSBs, checked against ``coord_bits``.
    phi_wrap: full azimuth (r-φ only): the bins span one turn in φ_T and wrap around
        (:mod:`fasttrack.azimuth`); needs ``n_b·2^bin_shift·coord_lsb = 2π``.
    """

    name: str
    param_names: tuple[str, str]
    measurement_name: str
    slopes: tuple[float, ...]
    offsets: tuple[float, ...]
    a_min: float
    a_max: float
    n_a: int
    b_min: float
    n_b: int
    coord_lsb: float
    coord_bits: int
    bin_shift: int
    max_bins_per_column: int = 2
    min_layers: int = 5
    max_hits_per_cell: int = 32
    max_hits: int = 256
    max_tracks: int = 64
    duplicate_rule: DuplicateRule = "none"
    dup_min_shared: int = 3
    dup_max_new: int = 1
    mini_hough: bool = False
    helix_radii_mm: tuple[float, ...] = ()
    helix_ref_radius_mm: float = 0.0
    helix_k_per_mm_gev: float = 0.0
    bend_window_hw: int = -1
    bend_lsb: float = 0.0
    bend_bits: int = 0
    hit_id_bits: int = 8
    drop_count_bits: int = 16
    extent_hw: tuple[int, int] | None = None
    phi_wrap: bool = False
    description: str = field(default="", compare=False)

    def _fail(self, fieldname: str, msg: str) -> None:
        raise ValueError(f"HoughConfig({self.name!r}).{fieldname} {msg}")

    def __post_init__(self) -> None:
        err = self._fail
        check_field_types(self, err)
        n_layers = len(self.slopes)
        if n_layers == 0:
            err("slopes", "needs one value per layer (got none)")
        if len(self.offsets) != n_layers:
            err("offsets", f"needs one value per layer ({n_layers}, as slopes); got {len(self.offsets)}")
        if not n_layers <= 32:
            err("slopes", f"has {n_layers} layers; layer masks hold at most 32")
        if not (math.isfinite(self.a_min) and math.isfinite(self.a_max) and self.a_max > self.a_min):
            err("a_max", f"must exceed a_min (got {self.a_min}, {self.a_max})")
        if self.n_a < 1:
            err("n_a", f"must be >= 1 (got {self.n_a})")
        if self.n_b < 1:
            err("n_b", f"must be >= 1 (got {self.n_b})")
        if not self.coord_lsb > 0:
            err("coord_lsb", "must be > 0")
        if not 0 <= self.bin_shift <= 30:
            err("bin_shift", "must be in 0..30")
        if not math.isfinite(self.b_min):
            err("b_min", f"must be finite (got {self.b_min})")
        if abs(self.b_min / self.coord_lsb - round(self.b_min / self.coord_lsb)) > 1e-6:
            err(
                "b_min",
                f"= {self.b_min} must be a multiple of coord_lsb ({self.coord_lsb}); "
                f"e.g. {round(self.b_min / self.coord_lsb) * self.coord_lsb!r}",
            )
        if self.max_bins_per_column < 1:
            err("max_bins_per_column", "must be >= 1")
        if not 1 <= self.min_layers <= n_layers:
            err("min_layers", f"must be in 1..{n_layers}")
        for cap in ("max_hits_per_cell", "max_hits", "max_tracks"):
            if getattr(self, cap) < 1:
                err(cap, f"must be >= 1 (got {getattr(self, cap)})")
        # per event and thread: layer masks, hit counts, layer counts and the hit lists
        check_memory(
            err,
            "n_a",
            8.0 * self.n_a * self.n_b * (3 + self.max_hits_per_cell) * worker_threads(),
            f"{self.n_a} x {self.n_b} cells, each with a layer mask, two counters and a list of "
            f"{self.max_hits_per_cell} hits, 8 bytes each, for every thread",
        )
        if self.duplicate_rule not in ("none", "localmax", "sharing"):
            err("duplicate_rule", f"must be 'none', 'localmax' or 'sharing', got {self.duplicate_rule!r}")
        if self.dup_min_shared < 1:
            err("dup_min_shared", "must be >= 1")
        if self.dup_max_new < 0:
            err("dup_max_new", "must be >= 0")
        if self.mini_hough and self.bin_shift < 1:
            err("bin_shift", "must be >= 1 with the mini-Hough (half bins need a whole LSB count)")
        if self.helix_radii_mm:
            if len(self.helix_radii_mm) != n_layers:
                err("helix_radii_mm", f"needs one radius per layer ({n_layers})")
            top = (
                abs(self.helix_k_per_mm_gev)
                * max(abs(self.a_min), abs(self.a_max))
                * max(max(self.helix_radii_mm), self.helix_ref_radius_mm)
            )
            if not 0.0 < top < 1.0:
                err("helix_k_per_mm_gev", f"gives k·r·q/pT = {top:.3g} at the array's edge; narrow a_min/a_max")
        if self.bend_window_hw >= 0:
            if not self.bend_lsb > 0:
                err("bend_lsb", "must be > 0 when the bend filter is on")
            top_b = max(abs(math.floor(a / self.bend_lsb + 0.5)) for a in (self.a_min, self.a_max))
            need = bits_signed(-top_b, top_b)
            if not need <= self.bend_bits <= 32:
                err(
                    "bend_bits",
                    f"= {self.bend_bits} cannot hold the columns' q/pT ({top_b} LSBs); "
                    f"the smallest width that works is {need}",
                )
        lo, hi = self._coord_range_hw()
        need_c = bits_signed(lo, hi)
        if not need_c <= self.coord_bits <= 62:
            err(
                "coord_bits",
                f"= {self.coord_bits} cannot hold the coordinates and line ends ({lo}..{hi} LSBs); "
                f"the smallest width that works is {need_c}",
            )
        if not 1 <= self.drop_count_bits <= 32:
            self._fail("drop_count_bits", f"must be in 1..32, got {self.drop_count_bits}")
        need_id = bits_unsigned(self.max_hits - 1)
        if not need_id <= self.hit_id_bits <= 32:
            err(
                "hit_id_bits",
                f"= {self.hit_id_bits} cannot number {self.max_hits} hits; the smallest width that works is {need_id}",
            )
        if self.phi_wrap:
            why = azimuth.config_problem((self.measurement_name,), self.b_min, self.b_max, self.coord_lsb)
            if why:
                err("phi_wrap", why)

    # ------------------------------------------------------------------------------------
    @property
    def n_layers(self) -> int:
        return len(self.slopes)

    @property
    def bin_width_hw(self) -> int:
        return 1 << self.bin_shift

    @property
    def delta_b(self) -> float:
        return self.bin_width_hw * self.coord_lsb

    @property
    def b_max(self) -> float:
        return self.b_min + self.n_b * self.delta_b

    @property
    def b_min_hw(self) -> int:
        return round(self.b_min / self.coord_lsb)

    def shifts(self, a: np.ndarray) -> np.ndarray:
        """``s_l(a)`` for every layer, shape (n_layers, len(a)): the line is ``b = m − s_l(a)``."""
        a = np.asarray(a, dtype=np.float64)[None, :]
        if self.helix_radii_mm:
            k = self.helix_k_per_mm_gev
            r = np.asarray(self.helix_radii_mm)[:, None]
            return -np.arcsin(k * r * a) + np.arcsin(k * self.helix_ref_radius_mm * a)
        return np.asarray(self.slopes)[:, None] * a + np.asarray(self.offsets)[:, None]

    def _coord_range_hw(self) -> tuple[int, int]:
        sh = self.quantize_coord(self.shifts(self.a_edges()))
        lo = min(self.b_min_hw, self.b_min_hw + (self.n_b << self.bin_shift))
        hi = self.b_min_hw + (self.n_b << self.bin_shift)
        if self.extent_hw is not None:
            lo, hi = min(lo, self.extent_hw[0]), max(hi, self.extent_hw[1])
        # b = m − s: the subtraction must not overflow either
        ext_lo = lo - int(sh.max())
        ext_hi = hi - int(sh.min())
        return min(lo, ext_lo), max(hi, ext_hi)

    @cached_property
    def tables(self) -> HoughTables:
        return HoughTables.build(self)

    @classmethod
    def for_detector(cls, det: Detector, **overrides: Any) -> HoughConfig:
        """Defaults derived from the detector's geometry, resolution, field and event mix
        (:mod:`fasttrack.derive`; the presets keep their tuned values,
        :func:`fasttrack.hough.presets.default_fields`); ``overrides`` replace fields,
        widths are derived unless given. An unknown name is a TypeError; a bend filter on
        a detector without a bend measurement a ValueError; overrides that leave the
        acceptance uncovered, make the array far coarser than the default's or let lines
        cross more bins per column than ``max_bins_per_column`` raise a
        :class:`~fasttrack.configcheck.ConfigWarning` saying what to change.

        ``b_max`` may be given as the retina takes it: with ``b_min``, ``n_b`` and
        ``bin_shift`` (given or default) it sets ``coord_lsb`` so that the ``n_b`` bins of
        ``2^bin_shift`` LSBs span ``[b_min, b_max]`` (``b_min`` rounded to a whole LSB).
        """
        check_known_fields(cls, overrides, ("b_max",))
        fields = cls._with_b_max({**presets.default_fields(det), **overrides}, overrides)
        try:
            b_max = fields["b_min"] + fields["n_b"] * fields["coord_lsb"] * (1 << fields["bin_shift"])
        except TypeError:  # ill-typed fields: _derive's checks name them
            b_max = math.nan
        fields = derive.settle_wrap(fields, overrides, (str(fields["measurement_name"]),), float(b_max))
        cfg = cls._derive(det, fields)
        derive.require_bend("HoughConfig", cfg, det)
        derive.warn_hough(cfg, det, overrides)
        return cfg

    @classmethod
    def for_rtl(cls, det: Detector, **overrides: Any) -> HoughConfig:
        """The config the RTL processor (``hdl/hough``) is built for on a detector
        (:func:`fasttrack.hough.presets.rtl_fields` over the defaults)."""
        # the hardware compares without the wrap (azimuth.NO_HARDWARE_WRAP): a full-azimuth
        # detector's RTL config is one turn with a seam, and its figures are measured so
        return cls._derive(
            det, {**presets.default_fields(det), "phi_wrap": False, **presets.rtl_fields(det), **overrides}
        )

    @staticmethod
    def _with_b_max(fields: dict[str, Any], overrides: dict[str, Any]) -> dict[str, Any]:
        """``b_max`` -> ``coord_lsb`` (see :meth:`for_detector`)."""
        if "b_max" not in fields:
            return fields
        if "coord_lsb" in overrides:
            raise ValueError(
                "HoughConfig.for_detector: give b_max or coord_lsb, not both (the bins are 2^bin_shift LSBs wide, "
                "so b_max, b_min, n_b and bin_shift set coord_lsb)"
            )
        out = dict(fields)
        for fname in ("n_b", "bin_shift"):
            v = out[fname]
            if not (isinstance(v, (int, np.integer)) and not isinstance(v, bool)):
                raise ValueError(f"HoughConfig.for_detector: {fname} must be an integer, got {type(v).__name__} {v!r}")
        b_max, b_min = float(out.pop("b_max")), float(out["b_min"])
        n_lsb = int(out["n_b"]) << int(out["bin_shift"])
        if not (math.isfinite(b_max) and math.isfinite(b_min) and b_max > b_min):
            raise ValueError(f"HoughConfig.for_detector: b_max = {b_max} must exceed b_min = {b_min}")
        lsb = (b_max - b_min) / n_lsb
        out["coord_lsb"] = lsb
        out["b_min"] = round(b_min / lsb) * lsb
        return out

    @classmethod
    def _derive(cls, det: Detector, fields: dict[str, Any]) -> HoughConfig:
        """A config from field values; the layers' extent and the widths derived unless given."""
        base = dict(fields)
        lsb = base["coord_lsb"]
        if not (isinstance(lsb, (int, float)) and not isinstance(lsb, bool) and math.isfinite(lsb) and lsb > 0):
            raise ValueError(f"HoughConfig({det.name!r}).coord_lsb must be a finite number > 0, got {lsb!r}")
        lsb = float(lsb)
        base.setdefault("extent_hw", extent_hw(det, lsb))
        if "coord_bits" not in base:
            probe = cls(**dict(base, coord_bits=62, hit_id_bits=32))
            base["coord_bits"] = bits_signed(*probe._coord_range_hw())
        if "hit_id_bits" not in base:
            base["hit_id_bits"] = bits_unsigned(int(base["max_hits"]) - 1)
        return cls(**base)

    @classmethod
    def from_model(cls, name: str, model: LinearTrackModel, **kw: Any) -> HoughConfig:
        """A config from a 1D linear model whose second parameter enters with slope 1."""
        if model.n_meas != 1:
            raise ValueError(f"the Hough transform needs a 1D measurement; model {model.name!r} has {model.n_meas}")
        if not np.allclose(model.H[:, 0, 1], 1.0):
            raise ValueError(f"model {model.name!r}: the Hough's bins need m = h_a·a + b + c (h_b = 1)")
        return cls(
            name=name,
            param_names=model.param_names,
            measurement_name=model.measurement_names[0],
            slopes=tuple(float(v) for v in model.H[:, 0, 0]),
            offsets=tuple(float(v) for v in model.c[:, 0]),
            **kw,
        )


@dataclass(frozen=True, eq=False)
class HoughTables:
    """Integer tables derived from a config: the column-edge shifts (n_layers, n_a + 1)."""

    shift_hw: np.ndarray
    a_bend_hw: np.ndarray

    @classmethod
    def build(cls, cfg: HoughConfig) -> HoughTables:
        return cls(cfg.quantize_coord(cfg.shifts(cfg.a_edges())), cfg.a_bend_hw())

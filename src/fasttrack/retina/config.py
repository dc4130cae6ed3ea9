"""Retina configuration: the grid, receptors, weights, widths and capacities.

Everything hardware needs is here or derived here (:class:`RetinaTables`), and nowhere
else: the C++ header, SV package and memory files are generated from it
(:mod:`fasttrack.hw.codegen`).

Grid
    ``n_a × n_b`` cells over the track parameters ``(a, b)`` of the detector's linear
    model (:mod:`fasttrack.trackmodel`); cell ``(i, j)`` has centre
    ``a_i = a_min + (i + ½)·Δa``, ``b_j = b_min + (j + ½)·Δb``. Its *receptor* on layer
    ``l`` is the expected measurement ``H_l·(a_i, b_j) + c_l``.

Integer (hardware) quantities, each with its LSB:

* hit coordinate ``hw_m = floor(m / coord_lsb + ½)`` (signed, ``coord_bits``); receptors
  are quantised the same way (the receptor tables);
* distance ``d = hw_m − hw_receptor``; a hit reaches a cell (the *switch*, the region of
  interest) when ``|d| ≤ roi_hw[l]`` (1D) or ``dx² + dy² ≤ roi_hw[l]²`` (2D);
* weight ``w = lut[l][min(|d| >> lut_shift[l], lut_size − 1)]`` (1D) or indexed by
  ``min((dx² + dy²) >> lut_shift[l], lut_size − 1)`` (2D); the table holds
  ``floor(exp(−δ²/2σ_l²)·2^weight_bits + ½)`` (capped at ``2^weight_bits − 1``) with δ
  the centre of the index's bin of distances;
* accumulator: unsigned ``acc_bits``, saturating add (order-independent because weights
  are non-negative);
* threshold ``threshold_hw = floor(threshold·2^weight_bits + ½)``; a candidate needs
  ``acc ≥ threshold_hw``.

Float mode uses the same grid, the same region of interest in measurement units
(``roi[l] = roi_hw[l]·coord_lsb``), ``w = exp(−d²/2σ²)`` and ``R ≥ threshold``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np

from .. import azimuth, derive
from ..bits import HardwareConfig, bits_signed, bits_unsigned, extent_hw
from ..configcheck import check_field_types, check_known_fields, check_memory, worker_threads
from ..detector import Detector
from ..trackmodel import LinearTrackModel, for_detector
from . import presets

__all__ = ["RetinaConfig", "RetinaTables"]


@dataclass(frozen=True)
class RetinaConfig(HardwareConfig):
    """A retina: grid, receptor model, weights, bit widths, threshold and capacities.

    Build one with :meth:`for_detector` (good defaults per preset) and change fields with
    :func:`dataclasses.replace`; every field is validated on construction.

    Parameters
    ----------
    name: a label (the preset), carried into generated files.
    param_names: names of the two track parameters (a, b), units in the names.
    measurement_names: the hit fields measured (``("x",)``, ``("phi",)``, ``("x", "y")``).
    H, c: the linear model per layer (nested tuples: ``H[l][m] = (h_a, h_b)``, ``c[l][m]``).
    a_min, a_max, n_a, b_min, b_max, n_b: the grid.
    sigma: receptor width σ per layer (measurement units).
    coord_lsb: LSB of hit coordinates and receptors (measurement units, one for all
        measurements: 2D layers need equal x and y LSBs for d²).
    coord_bits: signed width of coordinates and receptors.
    roi_hw: region-of-interest cut per layer, in coordinate LSBs.
    weight_bits: unsigned width of a weight (LUT entries).
    lut_size: entries per layer's weight LUT (a power of two).
    lut_shift: right shift of |d| (1D) or d² (2D) to the LUT index, per layer.
    acc_bits: unsigned width of the accumulators (saturating).
    threshold: candidate threshold in units of a full weight (≈ number of hits).
    centroid_frac_bits: fractional bits of the centroid offsets.
    assoc_weight: a hit is associated with a track when its weight in the track's cell
        is at least this (fraction of a full weight).
    max_hits: hits per event the hardware buffers; later hits are dropped, counted and
        flagged.
    max_tracks: tracks per event the output holds; maxima beyond it (in raster order)
        are dropped and flagged.
    drop_count_bits: width of the dropped-hit counter of the end-of-event word; the count
        saturates at ``2^drop_count_bits − 1``.
    hit_id_bits: width of the hit id carried by hit words.
    extent_hw: the layers' measured extent in LSBs (min, max), so ``coord_bits`` is
        checked against the hits as well as the receptors; ``None``: receptors only.
    helix_radii_mm, helix_ref_radius_mm, helix_k_per_mm_gev: when given (r-φ models
        only), receptors follow the exact helix from the origin,
        ``φ_l = φ_T − asin(k·r_l·q/pT) + asin(k·r_T·q/pT)`` with ``k = 0.3·B/2·1e-3``,
        instead of the linear small-angle form (which is off by up to ~4 mrad at 2 GeV on
        the outer barrel layers). Hardware only sees the receptor tables either way.
    bend_window_hw, bend_lsb, bend_bits: the bend filter (r-φ models, ``a = q/pT``): a
        stub reaches only cells whose q/pT lies within ``bend_window_hw`` LSBs of its
        bend estimate, ``|hw_bend − a_bend_hw[i]| ≤ bend_window_hw`` with
        ``hw_bend = floor(bend/bend_lsb + ½)`` saturated to ``bend_bits`` (signed) and
        ``a_bend_hw[i] = floor(a_i/bend_lsb + ½)``; float mode compares
        ``|bend − a_i| ≤ bend_window_hw·bend_lsb``. ``-1``: no filter.
    phi_wrap: full azimuth (r-φ only): the grid spans one turn in φ_T and wraps around
        (:mod:`fasttrack.azimuth`); needs ``b_max − b_min = 2π`` and ``2π/coord_lsb`` whole.
    """

    name: str
    param_names: tuple[str, str]
    measurement_names: tuple[str, ...]
    H: tuple[tuple[tuple[float, float], ...], ...]
    c: tuple[tuple[float, ...], ...]
    a_min: float
    a_max: float
    n_a: int
    b_min: float
    b_max: float
    n_b: int
    sigma: tuple[float, ...]
    coord_lsb: float
    coord_bits: int
    roi_hw: tuple[int, ...]
    weight_bits: int = 8
    lut_size: int = 64
    lut_shift: tuple[int, ...] = ()
    acc_bits: int = 12
    threshold: float = 4.0
    centroid_frac_bits: int = 6
    assoc_weight: float = 0.1
    max_hits: int = 256
    max_tracks: int = 32
    hit_id_bits: int = 8
    drop_count_bits: int = 16
    extent_hw: tuple[int, int] | None = None
    helix_radii_mm: tuple[float, ...] = ()
    helix_ref_radius_mm: float = 0.0
    helix_k_per_mm_gev: float = 0.0
    bend_window_hw: int = -1
    bend_lsb: float = 0.0
    bend_bits: int = 0
    phi_wrap: bool = False
    description: str = field(default="", compare=False)

    # ------------------------------------------------------------------------------------
    def __post_init__(self) -> None:
        n_layers = len(self.H)
        n_meas = len(self.measurement_names)
        err = self._fail
        check_field_types(self, err)
        if n_layers == 0:
            err("H", "needs one row per layer")
        if n_meas not in (1, 2):
            err("measurement_names", "must name 1 or 2 measurements")
        for l, rows in enumerate(self.H):
            if len(rows) != n_meas or any(len(r) != 2 for r in rows):
                err("H", f"layer {l} must have {n_meas} rows of 2 coefficients")
            if n_meas == 1 and rows[0][0] == 0.0 and rows[0][1] == 0.0:
                err("H", f"layer {l} does not depend on the parameters")
            if n_meas == 2 and (rows[0][1] != 0.0 or rows[1][0] != 0.0 or rows[0][0] == 0.0 or rows[1][1] == 0.0):
                err("H", f"2D layer {l} must be separable: x depends on a only, y on b only")
        if len(self.c) != n_layers or any(len(r) != n_meas for r in self.c):
            err("c", f"needs {n_layers} rows of {n_meas} offsets")
        for nm, lo, hi, n in (("a", self.a_min, self.a_max, self.n_a), ("b", self.b_min, self.b_max, self.n_b)):
            if not (math.isfinite(lo) and math.isfinite(hi) and hi > lo):
                err(f"{nm}_max", f"must exceed {nm}_min (got {nm}_min={lo}, {nm}_max={hi})")
            if n < 3:
                err(f"n_{nm}", f"needs at least 3 cells (got {n})")
        # before any table is built: receptors (float and integer, with the temporaries that
        # build them) and one response map per thread
        check_memory(
            err,
            "n_a",
            8.0 * self.n_a * self.n_b * (4 * n_layers * n_meas + 2 * worker_threads()),
            f"{self.n_a} x {self.n_b} cells: receptor tables of {n_layers} layers x {n_meas} measurements "
            f"and a response map per thread, 8 bytes an entry",
        )
        if len(self.sigma) != n_layers or any(not (s > 0 and math.isfinite(s)) for s in self.sigma):
            err("sigma", f"needs {n_layers} positive values")
        if not self.coord_lsb > 0:
            err("coord_lsb", "must be > 0")
        if len(self.roi_hw) != n_layers or any(r < 0 for r in self.roi_hw):
            err("roi_hw", f"needs {n_layers} non-negative cuts (coordinate LSBs)")
        if not 1 <= self.weight_bits <= 16:
            err("weight_bits", "must be in 1..16")
        if self.lut_size < 2 or self.lut_size & (self.lut_size - 1):
            err("lut_size", f"must be a power of two >= 2 (got {self.lut_size})")
        if len(self.lut_shift) != n_layers or any(not 0 <= s <= 40 for s in self.lut_shift):
            err("lut_shift", f"needs {n_layers} shifts in 0..40")
        if not 0 <= self.centroid_frac_bits <= 16:
            err("centroid_frac_bits", "must be in 0..16")
        if not 0.0 < self.threshold:
            err("threshold", "must be > 0")
        if not 0.0 <= self.assoc_weight <= 1.0:
            err("assoc_weight", "must be in [0, 1]")
        if self.helix_radii_mm:
            if n_meas != 1 or len(self.helix_radii_mm) != n_layers:
                err("helix_radii_mm", f"needs one radius per layer ({n_layers}) and a 1D model")
            top = (
                abs(self.helix_k_per_mm_gev)
                * max(abs(self.a_min), abs(self.a_max))
                * max(max(self.helix_radii_mm), self.helix_ref_radius_mm)
            )
            if not 0.0 < top < 1.0:
                err(
                    "helix_k_per_mm_gev",
                    f"with the grid's q/pT range gives k·r·q/pT = {top:.3g}: "
                    "tracks that curl before the outer layer; narrow a_min/a_max",
                )
        if self.max_hits < 1:
            err("max_hits", f"must be >= 1 (got {self.max_hits})")
        if self.max_tracks < 1:
            err("max_tracks", f"must be >= 1 (got {self.max_tracks})")
        for wname in ("coord_bits", "acc_bits", "hit_id_bits"):
            if getattr(self, wname) > 62:  # the reference computes in int64 (acc + weight must not wrap)
                err(wname, f"must be <= 62 (got {getattr(self, wname)})")
        if self.threshold_hw < 1:  # else an empty map has maxima (the edge rule assumes acc >= 1)
            err(
                "threshold",
                f"= {self.threshold} rounds to {self.threshold_hw} weight LSBs; it must be at least "
                f"2^-(weight_bits+1) = {0.5 / self.weight_one!r} so that threshold_hw >= 1",
            )
        # widths must hold their values: say the smallest that works
        need = bits_signed(*self._coord_range_hw())
        if self.coord_bits < need:
            err(
                "coord_bits",
                f"= {self.coord_bits} cannot hold the receptors and layer extents "
                f"({self._coord_range_hw()} LSBs); the smallest width that works is {need}",
            )
        need_acc = max(bits_unsigned(self.threshold_hw), self.weight_bits)
        if self.acc_bits < need_acc:
            err(
                "acc_bits",
                f"= {self.acc_bits} cannot hold the threshold ({self.threshold_hw}) and a weight; "
                f"the smallest width that works is {need_acc}",
            )
        if not 1 <= self.drop_count_bits <= 32:
            self._fail("drop_count_bits", f"must be in 1..32, got {self.drop_count_bits}")
        need_id = bits_unsigned(self.max_hits - 1)
        if self.hit_id_bits < need_id:
            err(
                "hit_id_bits",
                f"= {self.hit_id_bits} cannot number {self.max_hits} hits; the smallest width that works is {need_id}",
            )
        if self.bend_filter:  # without these, quantize_bend divides by 0 or shifts by a negative count
            if n_meas != 1:
                err("bend_window_hw", "the bend filter needs a 1D r-φ model (a = q/pT); set -1 to switch it off")
            if not (math.isfinite(self.bend_lsb) and self.bend_lsb > 0):
                err("bend_lsb", f"must be > 0 with the bend filter on (got {self.bend_lsb})")
            a_bend = self.a_bend_hw()
            need_bend = bits_signed(int(a_bend.min()), int(a_bend.max()))
            if not need_bend <= self.bend_bits <= 62:
                err(
                    "bend_bits",
                    f"= {self.bend_bits} cannot hold the cells' q/pT "
                    f"({int(a_bend.min())}, {int(a_bend.max())} LSBs); the smallest width that works "
                    f"is {need_bend} (at most 62)",
                )

        if self.phi_wrap:
            why = azimuth.config_problem(self.measurement_names, self.b_min, self.b_max, self.coord_lsb)
            if why:
                err("phi_wrap", why)

    def _fail(self, fieldname: str, msg: str) -> None:
        raise ValueError(f"RetinaConfig({self.name!r}).{fieldname} {msg}")

    # ------------------------------------------------------------------------------------
    @property
    def n_layers(self) -> int:
        return len(self.H)

    @property
    def n_meas(self) -> int:
        return len(self.measurement_names)

    @property
    def n_cells(self) -> int:
        return self.n_a * self.n_b

    @property
    def delta_b(self) -> float:
        return (self.b_max - self.b_min) / self.n_b

    @property
    def weight_one(self) -> int:
        """The raw value of a full weight (2^weight_bits; the LUT caps at one less)."""
        return 1 << self.weight_bits

    @property
    def threshold_hw(self) -> int:
        return int(math.floor(self.threshold * self.weight_one + 0.5))

    @property
    def assoc_hw(self) -> int:
        """Association level in weight LSBs, capped at the largest LUT entry (2^W − 1)."""
        return min(int(math.floor(self.assoc_weight * self.weight_one + 0.5)), self.weight_one - 1)

    @property
    def acc_max(self) -> int:
        return (1 << self.acc_bits) - 1

    @property
    def roi(self) -> np.ndarray:
        """Region-of-interest cut per layer in measurement units (float mode)."""
        return np.array(self.roi_hw, dtype=np.float64) * self.coord_lsb

    def H_array(self) -> np.ndarray:
        return np.array(self.H, dtype=np.float64).reshape(self.n_layers, self.n_meas, 2)

    def c_array(self) -> np.ndarray:
        return np.array(self.c, dtype=np.float64).reshape(self.n_layers, self.n_meas)

    def linear_receptors(self) -> np.ndarray:
        """Receptors of the linear model ``H·(a, b) + c``, shape (n_layers, n_meas, n_a, n_b)."""
        H, c = self.H_array(), self.c_array()
        a = self.a_centres()[:, None]
        b = self.b_centres()[None, :]
        return H[:, :, 0, None, None] * a + H[:, :, 1, None, None] * b + c[:, :, None, None]

    def receptors(self) -> np.ndarray:
        """Float receptors, shape (n_layers, n_meas, n_a, n_b) (exact helix when configured)."""
        if not self.helix_radii_mm:
            return self.linear_receptors()
        k = self.helix_k_per_mm_gev
        a = self.a_centres()[:, None]
        b = self.b_centres()[None, :]
        r = np.asarray(self.helix_radii_mm)[:, None, None]
        rec = b - np.arcsin(k * r * a) + np.arcsin(k * self.helix_ref_radius_mm * a)
        return rec[:, None, :, :]

    def model_deviation(self) -> np.ndarray:
        """Per layer, the largest |receptor − linear model| (measurement units): how far the
        sparse search must look beyond the linear prediction."""
        if not self.helix_radii_mm:
            return np.zeros(self.n_layers)
        d = np.abs(self.receptors() - self.linear_receptors())
        return d.reshape(self.n_layers, -1).max(axis=1)

    def _coord_range_hw(self) -> tuple[int, int]:
        rec = self.quantize_coord(self.receptors())
        lo, hi = int(rec.min()), int(rec.max())
        if self.extent_hw is not None:
            lo, hi = min(lo, self.extent_hw[0]), max(hi, self.extent_hw[1])
        return lo, hi

    @cached_property
    def tables(self) -> RetinaTables:
        return RetinaTables.build(self)

    @classmethod
    def for_detector(cls, det: Detector, **overrides: Any) -> RetinaConfig:
        """Defaults derived from the detector's geometry, resolution, field and event mix
        (:mod:`fasttrack.derive`; the presets keep their tuned values,
        :func:`fasttrack.retina.presets.default_fields`).

        ``overrides`` replace any field (``n_a``, ``sigma`` as a float for all layers,
        ``threshold``, ...) or give ``roi_sigmas`` (the region of interest in σ); widths,
        the region of interest and the LUT shifts that depend on them are re-derived
        unless given. An unknown name is a TypeError; a bend filter on a detector without
        a bend measurement a ValueError. Overrides that leave the detector's acceptance
        uncovered or make the cells far coarser than the default's raise a
        :class:`~fasttrack.configcheck.ConfigWarning` saying what to change.

        >>> from fasttrack import detector
        >>> det = detector.Detector(
        ...     name="ring", bz_tesla=2.0, reference_r_mm=600.0,
        ...     layers=tuple(detector.CylinderLayer(r_mm=r) for r in (300, 500, 700, 900)),
        ...     mix=detector.EventMix(pt_min_gev=2.0, min_layers=4))
        >>> cfg = RetinaConfig.for_detector(det)
        >>> cfg.b_min == -cfg.b_max, cfg.bend_filter  # full azimuth, no bend measured
        (True, False)
        """
        check_known_fields(cls, overrides, ("roi_sigmas",))
        fields = {**presets.default_fields(det), **overrides}
        fields = derive.settle_wrap(fields, overrides, for_detector(det).measurement_names, float(fields["b_max"]))
        cfg = cls._derive(det, fields)
        derive.require_bend("RetinaConfig", cfg, det)
        derive.warn_retina(cfg, det, overrides)
        return cfg

    @classmethod
    def for_rtl(cls, det: Detector, **overrides: Any) -> RetinaConfig:
        """The config the RTL processor (``hdl/retina``) is built for on a detector
        (:func:`fasttrack.retina.presets.rtl_fields` over the defaults)."""
        # the hardware compares without the wrap (azimuth.NO_HARDWARE_WRAP): a full-azimuth
        # detector's RTL config is one turn with a seam, and its figures are measured so
        return cls._derive(
            det, {**presets.default_fields(det), "phi_wrap": False, **presets.rtl_fields(det), **overrides}
        )

    @classmethod
    def _derive(cls, det: Detector, fields: dict[str, Any]) -> RetinaConfig:
        """A config from field values, σ as one float or per layer, ``roi_sigmas``; the
        region of interest, LUT shifts and widths derived unless given."""
        model = for_detector(det)
        base = dict(fields)
        n_layers = det.n_layers
        sigma = base.pop("sigma")
        sigma_t = tuple(sigma) if isinstance(sigma, (tuple, list)) else (sigma,) * n_layers
        roi_sigmas = base.pop("roi_sigmas")
        lsb = base["coord_lsb"]
        # the numbers the derivation divides by, checked before it does
        for fname, values in (("sigma", sigma_t), ("roi_sigmas", (roi_sigmas,)), ("coord_lsb", (lsb,))):
            if not all(
                isinstance(v, (int, float, np.floating, np.integer)) and not isinstance(v, bool) for v in values
            ):
                raise ValueError(f"RetinaConfig({det.name!r}).{fname} must be a number, got {values!r}")
            if not all(math.isfinite(v) and (v > 0 or (fname == "roi_sigmas" and v == 0)) for v in values):
                raise ValueError(f"RetinaConfig({det.name!r}).{fname} must be a finite number > 0, got {values!r}")
        sigma_t = tuple(float(s) for s in sigma_t)
        roi_sigmas = float(roi_sigmas)
        lsb = float(lsb)
        two_d = model.n_meas == 2
        roi_hw = base.pop("roi_hw", tuple(int(math.floor(roi_sigmas * s / lsb)) for s in sigma_t))
        lut_shift = base.pop("lut_shift", tuple(lut_shift_for(r, base["lut_size"], two_d) for r in roi_hw))
        extent = extent_hw(det, lsb)
        cfg_kw = dict(base, sigma=sigma_t, roi_hw=tuple(roi_hw), lut_shift=tuple(lut_shift), extent_hw=extent)
        # derived widths (smallest that hold the values), unless given
        if "coord_bits" not in cfg_kw:
            probe = cls.from_model(det.name, model, **{**cfg_kw, "coord_bits": 62, "acc_bits": 62, "hit_id_bits": 62})
            cfg_kw["coord_bits"] = bits_signed(*probe._coord_range_hw())
        if "acc_bits" not in cfg_kw:
            thr_hw = math.floor(float(cfg_kw["threshold"]) * (1 << int(cfg_kw["weight_bits"])) + 0.5)
            # room for every layer's full weight twice over, so typical tracks do not saturate
            full = 2 * n_layers * ((1 << int(cfg_kw["weight_bits"])) - 1)
            cfg_kw["acc_bits"] = bits_unsigned(max(thr_hw, full))
        if "hit_id_bits" not in cfg_kw:
            cfg_kw["hit_id_bits"] = bits_unsigned(int(cfg_kw["max_hits"]) - 1)
        return cls.from_model(det.name, model, **cfg_kw)

    @classmethod
    def from_model(cls, name: str, model: LinearTrackModel, **kw: Any) -> RetinaConfig:
        """A config from a linear model plus grid and hardware fields."""
        H = tuple(tuple((float(h[0]), float(h[1])) for h in layer) for layer in model.H)
        c = tuple(tuple(float(v) for v in layer) for layer in model.c)
        return cls(name=name, param_names=model.param_names, measurement_names=model.measurement_names, H=H, c=c, **kw)


@dataclass(frozen=True, eq=False)
class RetinaTables:
    """Integer tables derived from a config (what codegen writes to memory files).

    Attributes
    ----------
    receptors_hw: int64 (n_layers, n_meas, n_a, n_b) receptor coordinates in LSBs.
    lut: int64 (n_layers, lut_size) weights.
    """

    receptors_hw: np.ndarray
    lut: np.ndarray

    @classmethod
    def build(cls, cfg: RetinaConfig) -> RetinaTables:
        rec = cfg.quantize_coord(cfg.receptors())
        lut = np.zeros((cfg.n_layers, cfg.lut_size), dtype=np.int64)
        k = np.arange(cfg.lut_size, dtype=np.float64)
        for l in range(cfg.n_layers):
            step = float(1 << cfg.lut_shift[l])
            centre = k * step + (step - 1.0) / 2.0  # centre of the bin of |d| or d² (in LSB units)
            if cfg.n_meas == 1:
                d2 = (centre * cfg.coord_lsb) ** 2
            else:
                d2 = centre * cfg.coord_lsb**2
            w = np.floor(np.exp(-d2 / (2.0 * cfg.sigma[l] ** 2)) * cfg.weight_one + 0.5)
            lut[l] = np.minimum(w, cfg.weight_one - 1).astype(np.int64)
        return cls(rec, lut)


def lut_shift_for(roi_hw: int, lut_size: int, two_d: bool) -> int:
    """Smallest shift so that the whole region of interest maps into the LUT."""
    top = roi_hw * roi_hw if two_d else roi_hw
    s = 0
    while (top >> s) >= lut_size:
        s += 1
    return s

"""Detector geometry: layers, presets and the magnetic field.

A :class:`Detector` is an ordered tuple of layers plus a solenoid field ``bz_tesla``.
Two layer kinds exist:

* :class:`PlaneLayer` — a plane perpendicular to the beam at ``z_mm`` measuring ``x``
  (strips) or ``x`` and ``y`` (pixels);
* :class:`CylinderLayer` — a cylinder of radius ``r_mm`` around the beam measuring
  ``phi`` (strips of pitch ``pitch_rphi_mm`` along r·φ) and ``z``.

Units: lengths in mm, momenta in GeV, angles in rad, field in T.

Three presets are provided, each with the source of its numbers in its docstring:
:func:`telescope`, :func:`barrel` and :func:`velo`. Build your own with
``Detector(name=..., layers=(...), bz_tesla=...)``.

Example
-------
>>> from fasttrack import detector
>>> det = detector.telescope()
>>> det.n_layers, det.kind
(8, 'plane')
"""

from __future__ import annotations

import itertools
import json
import math
import os
from dataclasses import asdict, dataclass, field, fields, replace
from typing import Any, Literal

import numpy as np

__all__ = [
    "PRESETS",
    "CylinderLayer",
    "Detector",
    "EventMix",
    "PlaneLayer",
    "barrel",
    "preset",
    "telescope",
    "velo",
]

# k = 0.3·B/2·1e-3 per mm per GeV: φ(r) = φ0 − asin(k·B·(q/pT)·r) (DESIGN.md)
CURVATURE_PER_TESLA_GEV_MM = 0.3e-3  # 1/R[mm] = 0.3e-3 · B[T] / pT[GeV]


def _check(cond: bool, msg: str) -> None:
    if not cond:
        raise ValueError(msg)


def _check_finite(obj: Any) -> None:
    """Every number of a layer or mix must be finite (NaN/inf would pass the range checks)."""
    for f in fields(obj):
        v = getattr(obj, f.name)
        if isinstance(v, (int, float)) and not isinstance(v, bool):
            _check(math.isfinite(v), f"{type(obj).__name__}.{f.name} must be finite, got {v}")


@dataclass(frozen=True)
class PlaneLayer:
    """A plane at ``z_mm`` measuring x (``measures="x"``) or x and y (``"xy"``).

    Parameters
    ----------
    z_mm: position along the beam.
    measures: ``"x"`` for strips along y (1D), ``"xy"`` for pixels (2D).
    pitch_x_mm, pitch_y_mm: readout pitch; the measurement is the centre of the
        strip/pixel hit (binary readout, resolution pitch/√12 before smearing).
    x_min_mm, x_max_mm, y_min_mm, y_max_mm: active area.
    hole_half_mm: half side of a square hole around the beam (0: none), e.g. the
        VELO's clearance.
    smear_mm: extra Gaussian spread added to the true position before digitisation
        (charge sharing, alignment); 0 gives pure binary resolution.
    x_over_x0: material in radiation lengths at normal incidence.
    efficiency: probability that a crossing particle leaves a hit.
    noise_per_event: mean number of noise hits (Poisson) per event on this layer.
    """

    z_mm: float
    measures: Literal["x", "xy"] = "x"
    pitch_x_mm: float = 0.1
    pitch_y_mm: float = 0.1
    x_min_mm: float = -50.0
    x_max_mm: float = 50.0
    y_min_mm: float = -50.0
    y_max_mm: float = 50.0
    hole_half_mm: float = 0.0
    smear_mm: float = 0.0
    x_over_x0: float = 0.0
    efficiency: float = 1.0
    noise_per_event: float = 0.0
    kind: Literal["plane"] = field(default="plane", init=False)

    def __post_init__(self) -> None:
        _check_finite(self)
        _check(self.measures in ("x", "xy"), f"PlaneLayer.measures must be 'x' or 'xy', got {self.measures!r}")
        _check(self.pitch_x_mm > 0 and self.pitch_y_mm > 0, "PlaneLayer pitches must be > 0 mm")
        _check(self.x_max_mm > self.x_min_mm, f"PlaneLayer at z={self.z_mm}: x_max_mm must exceed x_min_mm")
        _check(self.y_max_mm > self.y_min_mm, f"PlaneLayer at z={self.z_mm}: y_max_mm must exceed y_min_mm")
        _check(self.hole_half_mm >= 0, "PlaneLayer.hole_half_mm must be >= 0")
        _check(self.smear_mm >= 0, "PlaneLayer.smear_mm must be >= 0")
        _check(self.x_over_x0 >= 0, "PlaneLayer.x_over_x0 must be >= 0")
        _check(0.0 <= self.efficiency <= 1.0, f"PlaneLayer.efficiency must be in [0, 1], got {self.efficiency}")
        _check(self.noise_per_event >= 0, "PlaneLayer.noise_per_event must be >= 0")

    @property
    def n_strips_x(self) -> int:
        """Number of readout channels along x."""
        return round((self.x_max_mm - self.x_min_mm) / self.pitch_x_mm)

    @property
    def n_strips_y(self) -> int:
        """Number of readout channels along y (1 for strip planes)."""
        if self.measures == "x":
            return 1
        return round((self.y_max_mm - self.y_min_mm) / self.pitch_y_mm)

    @property
    def resolution_x_mm(self) -> float:
        """Single-hit resolution along x: pitch/√12 ⊕ smear."""
        return math.hypot(self.pitch_x_mm / math.sqrt(12.0), self.smear_mm)

    @property
    def resolution_y_mm(self) -> float:
        """Single-hit resolution along y (pixels only)."""
        return math.hypot(self.pitch_y_mm / math.sqrt(12.0), self.smear_mm)


@dataclass(frozen=True)
class CylinderLayer:
    """A barrel cylinder of radius ``r_mm`` measuring φ (and z).

    Parameters
    ----------
    r_mm: radius.
    pitch_rphi_mm: strip pitch along r·φ; the φ pitch is ``pitch_rphi_mm / r_mm``.
    pitch_z_mm: readout granularity along z (macro-pixel or strip length).
    phi_min, phi_max: active φ range (one sector of the barrel), rad.
    z_min_mm, z_max_mm: active z range.
    smear_rphi_mm: extra Gaussian spread along r·φ before digitisation.
    bend_qoverpt_sigma: resolution (1/GeV) of the stub's bend-based q/pT estimate, or
        ``None`` (the default) when the hits carry no bend measurement: then the hits
        have no ``bend_qoverpt`` field and the algorithms' bend filter is off. ``0.0``
        declares a perfect bend measurement. All layers of a detector must agree on
        whether they measure the bend.
    stub_qoverpt_max: front-end stub cut: stubs whose bend estimate has
        |q/pT| above this value (1/GeV) are rejected on the module (0: no cut; needs a
        bend measurement).
    x_over_x0, efficiency, noise_per_event: as for :class:`PlaneLayer`.
    """

    r_mm: float
    pitch_rphi_mm: float = 0.09
    pitch_z_mm: float = 1.5
    phi_min: float = -math.pi
    phi_max: float = math.pi
    z_min_mm: float = -1200.0
    z_max_mm: float = 1200.0
    smear_rphi_mm: float = 0.0
    bend_qoverpt_sigma: float | None = None
    stub_qoverpt_max: float = 0.0
    x_over_x0: float = 0.0
    efficiency: float = 1.0
    noise_per_event: float = 0.0
    kind: Literal["cylinder"] = field(default="cylinder", init=False)

    def __post_init__(self) -> None:
        _check_finite(self)
        _check(self.r_mm > 0, f"CylinderLayer.r_mm must be > 0, got {self.r_mm}")
        _check(self.pitch_rphi_mm > 0 and self.pitch_z_mm > 0, "CylinderLayer pitches must be > 0 mm")
        _check(self.phi_max > self.phi_min, f"CylinderLayer r={self.r_mm}: phi_max must exceed phi_min")
        _check(self.phi_max - self.phi_min <= 2 * math.pi + 1e-12, "CylinderLayer φ range exceeds 2π")
        _check(self.z_max_mm > self.z_min_mm, f"CylinderLayer r={self.r_mm}: z_max_mm must exceed z_min_mm")
        _check(self.smear_rphi_mm >= 0, "CylinderLayer.smear_rphi_mm must be >= 0")
        if self.bend_qoverpt_sigma is not None:
            _check(
                isinstance(self.bend_qoverpt_sigma, (int, float)) and not isinstance(self.bend_qoverpt_sigma, bool),
                f"CylinderLayer.bend_qoverpt_sigma must be a number or None, got {self.bend_qoverpt_sigma!r}",
            )
            _check(
                self.bend_qoverpt_sigma >= 0, "CylinderLayer.bend_qoverpt_sigma must be >= 0 (None: no bend measured)"
            )
        _check(self.stub_qoverpt_max >= 0, "CylinderLayer.stub_qoverpt_max must be >= 0")
        _check(
            self.stub_qoverpt_max == 0 or self.bend_qoverpt_sigma is not None,
            f"CylinderLayer r={self.r_mm}: stub_qoverpt_max cuts on the bend, but bend_qoverpt_sigma is None "
            "(no bend measured); set bend_qoverpt_sigma or stub_qoverpt_max=0",
        )
        _check(self.x_over_x0 >= 0, "CylinderLayer.x_over_x0 must be >= 0")
        _check(0.0 <= self.efficiency <= 1.0, f"CylinderLayer.efficiency must be in [0, 1], got {self.efficiency}")
        _check(self.noise_per_event >= 0, "CylinderLayer.noise_per_event must be >= 0")

    @property
    def measures_bend(self) -> bool:
        """True when the stubs carry a bend-based q/pT estimate (``bend_qoverpt_sigma`` set)."""
        return self.bend_qoverpt_sigma is not None

    @property
    def pitch_phi(self) -> float:
        """Strip pitch in φ (rad)."""
        return self.pitch_rphi_mm / self.r_mm

    @property
    def n_strips_phi(self) -> int:
        """Number of φ strips covering the active φ range."""
        return math.ceil((self.phi_max - self.phi_min) / self.pitch_phi - 1e-9)

    @property
    def resolution_phi(self) -> float:
        """Single-stub φ resolution (rad)."""
        return math.hypot(self.pitch_rphi_mm / math.sqrt(12.0), self.smear_rphi_mm) / self.r_mm


Layer = PlaneLayer | CylinderLayer


@dataclass(frozen=True)
class EventMix:
    """The default event content of a preset (what :func:`fasttrack.generate.generate` uses).

    Particles come from ``n_vertices`` primary vertices (Poisson mean ``pileup``; a fixed
    single vertex when ``pileup`` is 0), each with a Poisson number of particles of mean
    ``particles_per_vertex`` inside the generated (η, φ) window.

    Parameters
    ----------
    pileup: mean number of interactions per event (Poisson); 0 means exactly one vertex.
    particles_per_vertex: mean number of generated particles per vertex (Poisson).
    pt_min_gev, pt_max_gev: generated pT range.
    pt_spectrum: ``"flat"`` (uniform in pT), ``"inverse"`` (uniform in 1/pT, a
        particle gun that is flat in curvature) or ``"tsallis"`` (falling minimum-bias
        spectrum, parameters ``tsallis_n`` and ``tsallis_t_gev``).
    eta_min, eta_max: pseudorapidity window; for plane detectors with
        ``direction="slopes"`` the window is in slope instead (see below).
    phi_min, phi_max: azimuth window of the momentum at the vertex, rad.
    direction: ``"eta_phi"`` draws (η, φ); ``"slopes"`` draws the slopes tx=px/pz and
        ty=py/pz uniformly in [slope_min, slope_max] (a test-beam gun).
    slope_min, slope_max: slope window for ``direction="slopes"``.
    beam_x_mm, beam_y_mm, beam_z_mm: mean vertex position.
    beam_sigma_x_mm, beam_sigma_y_mm, beam_sigma_z_mm: Gaussian vertex spread.
    charge: +1, -1, or 0 for a random sign.
    mass_gev: particle mass (for β in the Highland formula); pions by default.
    min_layers: a particle is *reconstructable* with hits on at least this many distinct
        layers.
    vertex_per_particle: each particle starts from its own point of the beam spot
        (independent beam particles, as in a test beam) instead of sharing its vertex.
    """

    pileup: float = 0.0
    particles_per_vertex: float = 1.0
    pt_min_gev: float = 1.0
    pt_max_gev: float = 100.0
    pt_spectrum: Literal["flat", "inverse", "tsallis"] = "inverse"
    tsallis_n: float = 6.6
    tsallis_t_gev: float = 0.145
    eta_min: float = -1.0
    eta_max: float = 1.0
    phi_min: float = -math.pi
    phi_max: float = math.pi
    direction: Literal["eta_phi", "slopes"] = "eta_phi"
    slope_min: float = -0.05
    slope_max: float = 0.05
    beam_x_mm: float = 0.0
    beam_y_mm: float = 0.0
    beam_z_mm: float = 0.0
    beam_sigma_x_mm: float = 0.0
    beam_sigma_y_mm: float = 0.0
    beam_sigma_z_mm: float = 0.0
    charge: int = 0
    mass_gev: float = 0.13957
    min_layers: int = 4
    vertex_per_particle: bool = False

    def __post_init__(self) -> None:
        _check_finite(self)
        _check(self.pileup >= 0, f"EventMix.pileup must be >= 0, got {self.pileup}")
        _check(self.particles_per_vertex >= 0, "EventMix.particles_per_vertex must be >= 0")
        _check(0 < self.pt_min_gev <= self.pt_max_gev, "EventMix needs 0 < pt_min_gev <= pt_max_gev")
        _check(self.pt_spectrum in ("flat", "inverse", "tsallis"), f"unknown pt_spectrum {self.pt_spectrum!r}")
        _check(self.tsallis_n > 2 and self.tsallis_t_gev > 0, "EventMix needs tsallis_n > 2 and tsallis_t_gev > 0")
        _check(self.eta_min <= self.eta_max, "EventMix needs eta_min <= eta_max")
        _check(self.phi_min <= self.phi_max, "EventMix needs phi_min <= phi_max")
        _check(self.direction in ("eta_phi", "slopes"), f"unknown direction {self.direction!r}")
        _check(self.slope_min <= self.slope_max, "EventMix needs slope_min <= slope_max")
        for name in ("beam_sigma_x_mm", "beam_sigma_y_mm", "beam_sigma_z_mm"):
            _check(getattr(self, name) >= 0, f"EventMix.{name} must be >= 0")
        _check(self.charge in (-1, 0, 1), "EventMix.charge must be -1, 0 (random) or +1")
        _check(self.mass_gev >= 0, "EventMix.mass_gev must be >= 0")
        _check(self.min_layers >= 1, "EventMix.min_layers must be >= 1")


@dataclass(frozen=True)
class Detector:
    """A tracking detector: an ordered tuple of layers of one kind and a solenoid field.

    Layers are numbered by their position in ``layers`` (layer id 0, 1, ...). Plane
    detectors must list planes in increasing z, barrel detectors in increasing r.

    Parameters
    ----------
    name: a short name (presets: ``telescope``, ``barrel``, ``velo``).
    layers: the layers.
    bz_tesla: solenoid field along z.
    mix: the default event content for :func:`fasttrack.generate.generate`.
    reference_z_mm: reference plane of the straight-line model (planes only).
    reference_r_mm: reference radius r_T of the r-φ model (cylinders only).
    description: free text.
    """

    name: str
    layers: tuple[Layer, ...]
    bz_tesla: float = 0.0
    mix: EventMix = field(default_factory=EventMix)
    reference_z_mm: float = 0.0
    reference_r_mm: float = 0.0
    description: str = ""

    def __post_init__(self) -> None:
        _check(len(self.layers) > 0, "Detector needs at least one layer")
        kinds = {lay.kind for lay in self.layers}
        _check(len(kinds) == 1, f"Detector {self.name!r} mixes layer kinds {sorted(kinds)}; use one kind")
        if self.kind == "plane":
            zs = [lay.z_mm for lay in self.layers]  # type: ignore[union-attr]
            _check(
                all(b > a for a, b in itertools.pairwise(zs)),
                f"Detector {self.name!r}: planes must be listed in strictly increasing z, got {zs}",
            )
            measures = {lay.measures for lay in self.layers}  # type: ignore[union-attr]
            _check(len(measures) == 1, f"Detector {self.name!r}: all planes must measure the same ('x' or 'xy')")
        else:
            rs = [lay.r_mm for lay in self.layers]  # type: ignore[union-attr]
            _check(
                all(b > a for a, b in itertools.pairwise(rs)),
                f"Detector {self.name!r}: cylinders must be listed in strictly increasing r, got {rs}",
            )
            bends = [lay.measures_bend for lay in self.layers]  # type: ignore[union-attr]
            _check(
                all(bends) or not any(bends),
                f"Detector {self.name!r}: layers {[i for i, b in enumerate(bends) if not b]} have "
                "bend_qoverpt_sigma=None (no bend measured) and the others not; the hits of a detector either all "
                "carry a bend or none does",
            )
        _check(math.isfinite(self.bz_tesla), "Detector.bz_tesla must be finite")
        _check(
            self.mix.min_layers <= len(self.layers),
            f"EventMix.min_layers={self.mix.min_layers} exceeds the {len(self.layers)} layers of {self.name!r}",
        )

    # --- summary properties -------------------------------------------------------------
    @property
    def kind(self) -> Literal["plane", "cylinder"]:
        """``"plane"`` or ``"cylinder"``."""
        return self.layers[0].kind

    @property
    def n_layers(self) -> int:
        return len(self.layers)

    @property
    def measures_y(self) -> bool:
        """True for pixel planes (2D measurement)."""
        return self.kind == "plane" and self.layers[0].measures == "xy"  # type: ignore[union-attr]

    @property
    def measures_bend(self) -> bool:
        """True when the hits carry a bend-based q/pT estimate ``bend_qoverpt`` (cylinder
        layers with ``bend_qoverpt_sigma`` set); the algorithms' bend filter needs it."""
        return self.kind == "cylinder" and self.layers[0].measures_bend  # type: ignore[union-attr]

    @property
    def hit_fields(self) -> tuple[str, ...]:
        """The measured coordinate fields of this detector's hits (besides the ids);
        ``bend_qoverpt`` only when the layers measure the bend."""
        if self.kind == "cylinder":
            return ("phi", "z", "bend_qoverpt") if self.measures_bend else ("phi", "z")
        return ("x", "y") if self.measures_y else ("x",)

    @property
    def curvature_per_gev(self) -> float:
        """k in 1/mm per (q/pT in 1/GeV): transverse curvature 1/R = k·|q/pT|."""
        return CURVATURE_PER_TESLA_GEV_MM * self.bz_tesla

    def positions_mm(self) -> np.ndarray:
        """z of each plane or r of each cylinder, as float64."""
        if self.kind == "plane":
            return np.array([lay.z_mm for lay in self.layers], dtype=np.float64)  # type: ignore[union-attr]
        return np.array([lay.r_mm for lay in self.layers], dtype=np.float64)  # type: ignore[union-attr]

    def layer_table(self) -> dict[str, np.ndarray]:
        """All per-layer numbers as float64 arrays keyed by name (what numba kernels take);
        an unset optional number (``bend_qoverpt_sigma=None``) is NaN."""
        names = [f.name for f in fields(self.layers[0]) if f.name not in ("kind", "measures")]

        def num(v: Any) -> float:
            return math.nan if v is None else float(v)

        table = {n: np.array([num(getattr(lay, n)) for lay in self.layers]) for n in names}
        return table

    def with_mix(self, **changes: Any) -> Detector:
        """A copy with some :class:`EventMix` fields changed."""
        return replace(self, mix=replace(self.mix, **changes))

    def summary(self) -> str:
        """A human-readable table of the layers."""
        lines = [f"detector {self.name}: {self.n_layers} {self.kind} layers, Bz = {self.bz_tesla:g} T"]
        if self.description:
            lines.append(f"  {self.description}")
        if self.kind == "plane":
            lines.append("  id      z/mm  meas  pitch/um  channels   x/X0    eff  noise/evt")
            for i, lay in enumerate(self.layers):
                assert isinstance(lay, PlaneLayer)
                ch = lay.n_strips_x * lay.n_strips_y
                lines.append(
                    f"  {i:2d} {lay.z_mm:9.1f}  {lay.measures:>4s} {lay.pitch_x_mm * 1e3:9.1f} "
                    f"{ch:9d} {lay.x_over_x0:6.4f} {lay.efficiency:6.3f} {lay.noise_per_event:8.2f}"
                )
        else:
            lines.append("  id      r/mm  pitch/um  phi strips  z pitch/mm   x/X0    eff  noise/evt")
            for i, lay in enumerate(self.layers):
                assert isinstance(lay, CylinderLayer)
                lines.append(
                    f"  {i:2d} {lay.r_mm:9.1f} {lay.pitch_rphi_mm * 1e3:9.1f} {lay.n_strips_phi:11d} "
                    f"{lay.pitch_z_mm:11.1f} {lay.x_over_x0:6.4f} {lay.efficiency:6.3f} "
                    f"{lay.noise_per_event:8.2f}"
                )
        m = self.mix
        lines.append(
            f"  mix: pileup {m.pileup:g}, {m.particles_per_vertex:g} particles/vertex, "
            f"pT {m.pt_min_gev:g}-{m.pt_max_gev:g} GeV ({m.pt_spectrum}), "
            f"reconstructable with >= {m.min_layers} layers"
        )
        return "\n".join(lines)

    # --- serialisation (stored in parquet metadata) -------------------------------------
    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        return d

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), sort_keys=True)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Detector:
        layers: list[Layer] = []
        for ld in d["layers"]:
            ld = dict(ld)
            kind = ld.pop("kind")
            layers.append(PlaneLayer(**ld) if kind == "plane" else CylinderLayer(**ld))
        return cls(
            name=d["name"],
            layers=tuple(layers),
            bz_tesla=d["bz_tesla"],
            mix=EventMix(**d["mix"]),
            reference_z_mm=d.get("reference_z_mm", 0.0),
            reference_r_mm=d.get("reference_r_mm", 0.0),
            description=d.get("description", ""),
        )

    @classmethod
    def from_json(cls, text: str) -> Detector:
        return cls.from_dict(json.loads(text))

    @classmethod
    def from_file(cls, path: str | os.PathLike[str]) -> Detector:
        """A detector described in a TOML (``.toml``) or JSON file (:mod:`fasttrack.io.detector_file`)."""
        from .io.detector_file import load_detector

        return load_detector(os.fspath(path))

    @classmethod
    def from_toml(cls, text: str) -> Detector:
        """A detector from the text of a TOML detector file (:mod:`fasttrack.io.detector_file`)."""
        import tomllib

        from .io.detector_file import detector_from_mapping

        return detector_from_mapping(tomllib.loads(text), "TOML detector")


# ------------------------------------------------------------------------------------------
# presets
# ------------------------------------------------------------------------------------------
def telescope() -> Detector:
    """Silicon strip telescope like the one used to demonstrate the artificial retina.

    Sources and choices:

    * 8 single-sided strip planes, 512 strips of 183 µm (93.7 mm wide): the INFN
      retina test-beam telescope (Abba et al., "Testbeam demonstration of a high-speed
      track reconstruction system", and the issue statement).
    * Plane spacing 100 mm (z = 0 … 700 mm): chosen here; the retina only needs the
      planes' z, which the generated tables carry.
    * 300 µm of silicon per plane, x/X0 = 0.32 %; efficiency 99 %.
    * Event mix: Poisson mean 3 particles per event, each from its own point of a broad
      beam spot 100 mm upstream of the first plane (σx = σy = 20 mm: independent beam
      particles illuminating the sensors), slopes uniform in ±0.03, 120 GeV pions
      (SPS H8-like), 0.5 noise hits per plane per event; reconstructable with hits on
      >= 6 of the 8 planes.
    """
    half = 512 * 0.183 / 2.0
    layers = tuple(
        PlaneLayer(
            z_mm=100.0 * i,
            measures="x",
            pitch_x_mm=0.183,
            x_min_mm=-half,
            x_max_mm=half,
            y_min_mm=-half,
            y_max_mm=half,
            x_over_x0=0.0032,
            efficiency=0.99,
            noise_per_event=0.5,
        )
        for i in range(8)
    )
    mix = EventMix(
        pileup=0.0,
        particles_per_vertex=3.0,
        pt_min_gev=120.0,
        pt_max_gev=120.0,
        pt_spectrum="flat",
        direction="slopes",
        slope_min=-0.03,
        slope_max=0.03,
        beam_z_mm=-100.0,
        beam_sigma_x_mm=20.0,
        beam_sigma_y_mm=20.0,
        charge=1,
        min_layers=6,
        vertex_per_particle=True,
    )
    return Detector(
        name="telescope",
        layers=layers,
        bz_tesla=0.0,
        mix=mix,
        reference_z_mm=350.0,
        description="8-plane silicon strip telescope, 512 x 183 um strips, no field",
    )


# CMS Phase-2 outer tracker barrel: layer radii (TDR CERN-LHCC-2017-009, Table 2.1 /
# the TMTT papers use 6 barrel layers at about these radii).
BARREL_RADII_MM = (230.0, 360.0, 510.0, 680.0, 880.0, 1080.0)
BARREL_SECTOR_HALF_WIDTH = math.pi / 18.0  # 18 φ sectors, as in CMS TMTT


def barrel() -> Detector:
    """CMS Phase-2 outer-tracker barrel, one φ sector, 3.8 T.

    Sources and choices:

    * Radii 230, 360, 510, 680, 880, 1080 mm, 3.8 T: CMS Phase-2 Tracker TDR
      (CERN-LHCC-2017-009); the TMTT track finder (Aggleton et al., JINST 12 (2017)
      P12019) works with these six barrel layers.
    * Strip pitch 90 µm along r·φ (PS modules 100 µm, 2S modules 90 µm: one pitch
      kept for simplicity); z granularity 1.5 mm (PS macro-pixels, layers 0–2) and
      50 mm (2S strips, layers 3–5); |z| < 1200 mm.
    * One φ sector: 2π/18 (TMTT), here ±10° plus 2° of overlap on each side.
    * Material: x/X0 ≈ 2 % per layer (TDR material budget, order of magnitude).
    * Stubs carry a bend-based q/pT estimate with σ = 0.1 /GeV (a bend resolution of
      about half a strip, order of the real stub's) and the front end keeps stubs with
      |q/pT| < 0.5 /GeV, i.e. pT > 2 GeV (the Phase-2 stub pT cut).
    * 3 fake stubs per layer per sector per event (uniform): a rough stand-in for
      combinatorial stubs and secondaries, which this generator does not simulate.
    * Event mix: pile-up 200 (HL-LHC), minimum-bias charged particles in |η| < 2.4
      (the inner layer, r = 230 mm with |z| < 1.2 m, reaches |η| ≈ 2.3) with a Tsallis
      pT spectrum (CMS 7 TeV fit: n = 6.6, T = 0.145 GeV) and dN/dη ≈ 6 per
      interaction; only particles with pT > 1.2 GeV are generated (below that
      practically no stub survives the bend cut, 1.2 GeV being 3σ beyond it). The mean
      number per interaction in the (η, φ) window follows from these numbers: see
      :func:`barrel_particles_per_vertex`. Result: about 55 stubs per sector per event
      (36 from particles, 18 fake), 1.9 particles per sector with stubs on >= 5 layers.
    """
    sector = BARREL_SECTOR_HALF_WIDTH + math.radians(2.0)
    layers = tuple(
        CylinderLayer(
            r_mm=r,
            pitch_rphi_mm=0.09,
            pitch_z_mm=1.5 if i < 3 else 50.0,
            phi_min=-sector,
            phi_max=sector,
            z_min_mm=-1200.0,
            z_max_mm=1200.0,
            bend_qoverpt_sigma=0.1,
            stub_qoverpt_max=0.5,
            x_over_x0=0.02,
            efficiency=0.99,
            noise_per_event=3.0,
        )
        for i, r in enumerate(BARREL_RADII_MM)
    )
    # generate over a φ window wider than the sector by the largest bend a 1.5 GeV track
    # picks up by the outermost layer, so sector edges are populated realistically
    pt_min_gen = 1.2
    k = CURVATURE_PER_TESLA_GEV_MM * 3.8
    bend = math.asin(min(1.0, 0.5 * k * BARREL_RADII_MM[-1] / pt_min_gen))
    phi_half = sector + bend
    eta_max = 2.4  # the inner barrel layers (r = 230 mm, |z| < 1.2 m) reach |η| ≈ 2.3
    mix = EventMix(
        pileup=200.0,
        pt_min_gev=pt_min_gen,
        pt_max_gev=100.0,
        pt_spectrum="tsallis",
        eta_min=-eta_max,
        eta_max=eta_max,
        phi_min=-phi_half,
        phi_max=phi_half,
        beam_sigma_x_mm=0.01,
        beam_sigma_y_mm=0.01,
        beam_sigma_z_mm=50.0,
        particles_per_vertex=barrel_particles_per_vertex(pt_min_gen, 2 * eta_max, 2 * phi_half),
        min_layers=5,
    )
    return Detector(
        name="barrel",
        layers=layers,
        bz_tesla=3.8,
        mix=mix,
        reference_r_mm=672.4,
        description="CMS Phase-2 outer-tracker barrel, one phi sector, 3.8 T, PU 200",
    )


def tsallis_fraction_above(pt_cut_gev: float, n: float = 6.6, t_gev: float = 0.145) -> float:
    """Fraction of the Tsallis spectrum dN/dpT ∝ pT·(1 + pT/(nT))^−n above ``pt_cut_gev``."""
    # ∫_c^∞ pT (1+pT/a)^-n dpT = a² [u^(2-n)/(n-2) − u^(1-n)/(n-1)], u = 1 + c/a, a = nT
    a = n * t_gev

    def tail(c: float) -> float:
        u = 1.0 + c / a
        return a * a * (u ** (2 - n) / (n - 2) - u ** (1 - n) / (n - 1))

    return tail(pt_cut_gev) / tail(0.0)


def barrel_particles_per_vertex(pt_min_gev: float, delta_eta: float, delta_phi: float, dn_deta: float = 6.0) -> float:
    """Mean charged particles per pp interaction above ``pt_min_gev`` in an (η, φ) window."""
    return dn_deta * delta_eta * delta_phi / (2 * math.pi) * tsallis_fraction_above(pt_min_gev)


# LHCb VELO Upgrade I station positions (VELO Upgrade TDR, CERN-LHCC-2013-021; 26 stations)
VELO_Z_MM = (
    -287.5,
    -262.5,
    -237.5,
    -212.5,
    -187.5,
    -137.5,
    -87.5,
    -62.5,
    -37.5,
    -12.5,
    12.5,
    37.5,
    62.5,
    87.5,
    112.5,
    137.5,
    162.5,
    187.5,
    212.5,
    262.5,
    312.5,
    362.5,
    412.5,
    437.5,
    687.5,
    737.5,
)


def velo() -> Detector:
    """LHCb-VELO-like pixel detector (Upgrade I, Run 3), no field.

    Sources and choices:

    * 26 pixel stations along z from −287.5 to +737.5 mm, 55 µm × 55 µm pixels
      (VeloPix), active area about ±42.5 mm with a 5.1 mm clearance around the beam
      (VELO Upgrade TDR, CERN-LHCC-2013-021). Both halves of a station are merged into
      one plane here.
    * x/X0 ≈ 0.8 % per station (sensor, ASIC, cooling substrate, order of magnitude).
    * Run 3 conditions: ν ≈ 7.6 visible interactions per crossing at
      L = 2×10³³ cm⁻²s⁻¹ (LHCb Upgrade I TDRs); luminous region σz ≈ 50 mm,
      σx,y ≈ 40 µm. Per interaction dN/dη ≈ 6 charged particles in the forward
      acceptance 2 < η < 5 (18 per interaction), Tsallis pT spectrum above 0.1 GeV.
    * 1 noise hit per station per event (the VeloPix noise is far below; this keeps the
      noise path exercised).
    """
    layers = tuple(
        PlaneLayer(
            z_mm=z,
            measures="xy",
            pitch_x_mm=0.055,
            pitch_y_mm=0.055,
            x_min_mm=-42.57,
            x_max_mm=42.57,
            y_min_mm=-42.57,
            y_max_mm=42.57,
            hole_half_mm=5.1,
            x_over_x0=0.008,
            efficiency=0.99,
            noise_per_event=1.0,
        )
        for z in VELO_Z_MM
    )
    mix = EventMix(
        pileup=7.6,
        particles_per_vertex=18.0,
        pt_min_gev=0.1,
        pt_max_gev=20.0,
        pt_spectrum="tsallis",
        eta_min=2.0,
        eta_max=5.0,
        beam_sigma_x_mm=0.04,
        beam_sigma_y_mm=0.04,
        beam_sigma_z_mm=50.0,
        min_layers=3,
    )
    return Detector(
        name="velo",
        layers=layers,
        bz_tesla=0.0,
        mix=mix,
        reference_z_mm=300.0,
        description="LHCb VELO-like pixel planes, 55 um pixels, no field, Run 3 pile-up",
    )


PRESETS = {"telescope": telescope, "barrel": barrel, "velo": velo}


def preset(name: str) -> Detector:
    """The preset detector called ``name`` (``telescope``, ``barrel`` or ``velo``)."""
    try:
        return PRESETS[name]()
    except KeyError:
        raise ValueError(f"unknown detector preset {name!r}; choose one of {sorted(PRESETS)}") from None

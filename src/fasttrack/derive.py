r"""Config defaults derived from a detector: its layers, resolution, field and event mix.

:meth:`RetinaConfig.for_detector <fasttrack.retina.RetinaConfig.for_detector>` and
:meth:`HoughConfig.for_detector <fasttrack.hough.HoughConfig.for_detector>` take their
defaults from here, so a detector of one's own works without tuning. The three presets
(``telescope``, ``barrel``, ``velo``) keep their tuned values on top of the derivation
(:func:`tuned_preset`): their golden outputs, test vectors and hardware builds depend on
those exact figures, and tuning beat these formulas where it was done (the barrel's
sector and bend window, the VELO's grid and threshold against its pile-up); a detector that is
not geometrically a preset gets the derived values.

What is derived, step by step (:func:`figures` computes the detector's numbers):

**1. Acceptance.** ``N_SAMPLES`` tracks are drawn from the event mix with the mix's
ranges (uniform in 1/pT between the mix's pT limits, uniform in η and φ or in the
slopes, the vertex uniform within ±3σ of the beam spot) and followed to every layer as
the generator does (straight lines; helices in the field, which stop where
``k·r·|q/pT| ≥ 1``, ``k = 0.3·B/2·10⁻³`` per mm per GeV); a layer counts when the track
crosses its active area (and, for stubs with a front-end cut, passes it). A track with at
least ``mix.min_layers`` layers is *accepted*; the parameter range is the box around the
accepted tracks' model parameters (:mod:`fasttrack.trackmodel`), widened on each side by
``2σ_p + 1 %`` of its width (σ_p the parameter resolution below). A barrel whose layers and
mix cover the full azimuth gets φ_T ∈ [−π, π) and ``phi_wrap=True`` (:mod:`fasttrack.azimuth`:
one turn, no seam), with a coordinate LSB that divides the turn (step 5).

**2. Resolution.** The hits' covariance about a track at the mix's lowest momentum
``p_min`` (pT_min, times cosh of the smallest |η| of the window for planes):

.. math::

    C_{lm} = δ_{lm}\,σ_l^2 + \sum_{j} θ_j^2\, d_{lj}\, d_{mj} + V_{lm},
    \qquad σ_l = \mathrm{pitch}/\sqrt{12} ⊕ \mathrm{smear},\quad
    θ_j = \frac{13.6\,\mathrm{MeV}}{β p_{min}} \sqrt{x_j/X_0}\,(1 + 0.038 \ln x_j/X_0),

with ``d_lj`` the lever arm from scatterer ``j`` (a layer between the vertex and layer
``l``) to layer ``l`` (``Δz`` for planes; ``Δr/r_l`` in φ for cylinders) and ``V`` what the
model cannot absorb (the beam spot: ``σ_xy²/(r_l r_m)`` in φ for the barrel's tracks from
the origin; ``σ_x² + (t·σ_z)²`` in x for the VELO's origin-pointing model, t the RMS slope).
The parameter covariance is the generalised least-squares one,
``Σ_p = (Hᵀ C⁻¹ H)⁻¹``, and a hit's *spread* about the fitted track on layer ``l`` is
``s_l = sqrt((C − H Σ_p Hᵀ)_ll)``, at least ``σ_l``.

**3. Retina grid.** The receptor moves by ``L_a·Δa`` per cell along a and ``L_b·Δb``
along b on the layer with the longest lever arm (``L`` the largest ``|∂m_l/∂a|`` over
layers and the range, the exact helix for cylinders). Both steps are ``STEP_SIGMAS = 1.5``
receptor widths, and the width is

.. math::

    σ = \max\big(\mathrm{SIGMA\_SPREAD}·\max_l s_l,\
        \sqrt{E_a E_b / (\mathrm{STEP\_SIGMAS}^2·\mathrm{RETINA\_CELLS})}\big)

with ``E_a = L_a·(a_max − a_min)``, ``E_b = L_b·(b_max − b_min)``: matched to the hits'
spread (``SIGMA_SPREAD = 2``), unless the grid would then exceed ``RETINA_CELLS = 65 536``
cells; the fine position comes from the centroid either way. ``n_a = ⌈E_a/(1.5σ)⌉``,
``n_b = ⌈E_b/(1.5σ)⌉``. The budget is what keeps ghosts (hits of crossing tracks that
line up) rare: with 10⁴ cells a tilted-beam telescope (tests/custom_detectors.py) had
8 % fakes, with 65 536 2 %. On the presets this gives 122 × 538 cells with σ = 0.12 mm
(telescope) and 155 × 158 with σ = 1.8 mrad (barrel), finer than their tuned 48 × 192
(0.3 mm) and 80 × 128 (2 mrad), which the hardware is sized for. Pixel planes (two
measurements) take σ constant in (u, v), i.e. ``σ_l = σ·|H_l|/L`` per layer, floored by
``SIGMA_SPREAD·s_l``. Region of interest 3σ, 10-bit weights in 256-entry tables.

Threshold: tracks with exactly ``mix.min_layers`` hits (on random layers), each hit off
the track by its spread ``s_l``, seen from the best cell centre near them (the track
uniformly within a cell, the best of its 3 × 3 neighbourhood), give responses
``Σ exp(−d²/2σ²)``; the threshold is ``THRESHOLD_MARGIN = 1`` times the 1 % quantile
(``THRESHOLD_QUANTILE``) of that sampled response, rounded down to 0.1 (with the tuned
grids the telescope gets 4.4 against its tuned 4.5, the barrel 3.7 against 3.8).
Association: a hit at ``d = √2·0.75σ + 3·max s_l`` from the cell's receptor still counts,
i.e. ``assoc_weight = exp(−d²/2σ²)`` (in [0.05, 0.5]), so that tracks keep their own
hits and few others.

**4. Hough array.** A bin is ``Δb = max(BIN_SPREAD·max_l s_l, sqrt(E_a E_b/HOUGH_CELLS))``
wide (``BIN_SPREAD = 4``: a track's hits share a bin; ``HOUGH_CELLS = 16 384``), rounded so
that ``n_b`` bins of ``2^bin_shift`` LSBs span the range exactly, and the columns are
narrow enough that a line moves at most one bin across a column,
``n_a = ⌈E_a/Δb⌉``, so the default cap of 2 bins per column never cuts a line. At least
``mix.min_layers`` layers, duplicates removed by 3 shared hits, mini-Hough on.

**5. Coordinates.** Planes: LSB = 1/32 of the finest pitch (strip centres fall on whole
LSBs); cylinders: the power of two at or below a quarter of the finest φ pitch, or on a
full azimuth 2π/2^k at or below it (a k-bit word is then one turn, as the wrap needs).

**6. Capacities.** Per event: ``N_p = max(pileup, 1)·particles_per_vertex`` particles
(one vertex without pile-up), each leaving on average ``h`` hits (the sampled tracks'
crossings times the layers' efficiency), plus ``Σ noise_per_event``: ``μ = N_p·h + noise``
hits, of variance ``v = N_p·E[h²] + noise`` (compound Poisson). ``max_hits`` is the power
of two at or above ``μ + 5√v + 4``; ``max_tracks`` the
one at or above ``2μ_t + 5√μ_t + 4`` (retina) or ``4μ_t + 5√μ_t + 8`` (Hough, which
outputs candidates before its fit), with ``μ_t = N_p ×`` the accepted fraction; a Hough
cell lists ``2·n_layers`` hits (a power of two, at least 8).

**7. Bend filter.** Only when the layers measure a bend (``bend_qoverpt_sigma`` not None):
LSB the power of two at or below ``max(σ_bend, Δa)/8``, window
``⌈(3σ_bend + Δa/2)/LSB⌉ + 1`` LSBs. Without a bend measurement the filter is off.

Warnings (:class:`~fasttrack.configcheck.ConfigWarning`, from ``for_detector`` when a
field is overridden, or :func:`check_retina` / :func:`check_hough` on any config): a
range that misses the default's (the acceptance) by more than 2 % of its width; cells or
bins more than ``COARSE_FACTOR = 4`` times the default's (matched to the resolution);
retina receptors that move more than 3σ per cell; Hough lines that cross more bins per
column than ``max_bins_per_column`` fills.

Example
-------
>>> import math
>>> from fasttrack import derive, detector
>>> det = detector.Detector(
...     name="ring",
...     layers=tuple(detector.CylinderLayer(r_mm=r, x_over_x0=0.01) for r in (300, 500, 700, 900)),
...     bz_tesla=2.0, reference_r_mm=600.0,
...     mix=detector.EventMix(pt_min_gev=2.0, min_layers=4))
>>> f = derive.figures(det)
>>> f.full_azimuth, round(f.b_range[1], 4) == round(math.pi, 4)
(True, True)
>>> derive.retina_fields(det)["threshold"]  # of 4 layers, all required
2.9
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from types import MappingProxyType
from typing import Any

import numpy as np

from . import azimuth
from .bits import bits_signed
from .configcheck import ConfigWarning
from .detector import PRESETS, CylinderLayer, Detector, PlaneLayer
from .trackmodel import LinearTrackModel, for_detector

__all__ = [
    "BIN_SPREAD",
    "COARSE_FACTOR",
    "HOUGH_CELLS",
    "N_SAMPLES",
    "RETINA_CELLS",
    "SIGMA_SPREAD",
    "STEP_SIGMAS",
    "THRESHOLD_MARGIN",
    "THRESHOLD_QUANTILE",
    "DetectorFigures",
    "check_hough",
    "check_retina",
    "figures",
    "hough_fields",
    "require_bend",
    "retina_fields",
    "tuned_preset",
    "warn_hough",
    "warn_retina",
]

N_SAMPLES = 20_000  # tracks sampled from the mix for the acceptance and the occupancy
STEP_SIGMAS = 1.5  # retina: receptor step per cell, in receptor widths σ
SIGMA_SPREAD = 2.0  # retina: σ at least this many times the hits' spread about the track
RETINA_CELLS = 65_536  # retina: cell budget beyond which σ (and the cells) grow
BIN_SPREAD = 4.0  # Hough: bin at least this many times the hits' spread
HOUGH_CELLS = 16_384  # Hough: cell budget beyond which the bins grow
THRESHOLD_QUANTILE = 0.01  # retina: the threshold passes this quantile of tracks with min_layers hits
THRESHOLD_MARGIN = 1.0  # ... times this
COARSE_FACTOR = 4.0  # warn when cells are this many times coarser than the default's
RANGE_TOLERANCE = 0.02  # warn when a range misses the default's by this fraction of its width
TWO_PI = 2.0 * math.pi


# ------------------------------------------------------------------------------------------
# the detector's figures
# ------------------------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class DetectorFigures:
    """What the defaults are derived from (see the module docstring).

    Attributes
    ----------
    model: the detector's linear track model.
    a_range, b_range: the parameter range covering the acceptance, margins included.
    accepted_a, accepted_b: the accepted tracks' extent, without margins.
    full_azimuth: a barrel whose layers and mix cover 2π (``b_range`` = [−π, π]).
    p_min_gev: the momentum the resolution is computed at.
    intrinsic: per layer, pitch/√12 ⊕ smear (measurement units).
    spread: per layer, the hits' spread about the fitted track at ``p_min_gev``.
    sigma_a, sigma_b: the parameter resolution at ``p_min_gev``.
    lever_a, lever_b: the largest |∂m/∂a|, |∂m/∂b| over layers and the range.
    mix_accepted: False when no track of the event mix crosses ``mix.min_layers`` layers
        (the ranges then span the layers' extent; ``for_detector`` warns).
    hits_per_event: expected hits per event (particles and noise).
    hits_variance: its variance (compound Poisson: particles × mean square hits + noise).
    tracks_per_event: expected accepted particles per event.
    accepted_fraction: fraction of the sampled tracks that are accepted.
    """

    model: LinearTrackModel
    a_range: tuple[float, float]
    b_range: tuple[float, float]
    accepted_a: tuple[float, float]
    accepted_b: tuple[float, float]
    full_azimuth: bool
    p_min_gev: float
    intrinsic: np.ndarray
    spread: np.ndarray
    sigma_a: float
    sigma_b: float
    lever_a: float
    lever_b: float
    mix_accepted: bool
    hits_per_event: float
    hits_variance: float
    tracks_per_event: float
    accepted_fraction: float

    @property
    def extent_a(self) -> float:
        """``E_a``: how far the receptors move over the a range (measurement units)."""
        return self.lever_a * (self.a_range[1] - self.a_range[0])

    @property
    def extent_b(self) -> float:
        """``E_b``: how far the receptors move over the b range (measurement units)."""
        return self.lever_b * (self.b_range[1] - self.b_range[0])


def _k(det: Detector) -> float:
    """k of φ = φ0 − asin(k·r·q/pT) (per mm per GeV)."""
    return 0.5 * det.curvature_per_gev


def _covers_2pi(lo: float, hi: float) -> bool:
    return hi - lo >= TWO_PI - 1e-9


def _wrap(phi: np.ndarray) -> np.ndarray:
    return (phi + math.pi) % TWO_PI - math.pi


def _sample(det: Detector, model: LinearTrackModel) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Tracks drawn over the mix's ranges: (a, b, layers crossed (n, n_layers) bool, |slope|)."""
    mix = det.mix
    rng = np.random.default_rng(20240615)
    n = N_SAMPLES
    inv_pt = rng.uniform(1.0 / mix.pt_max_gev, 1.0 / mix.pt_min_gev, n)
    q = np.full(n, float(mix.charge)) if mix.charge else rng.choice([-1.0, 1.0], n)
    vx = mix.beam_x_mm + rng.uniform(-3.0, 3.0, n) * mix.beam_sigma_x_mm
    vy = mix.beam_y_mm + rng.uniform(-3.0, 3.0, n) * mix.beam_sigma_y_mm
    vz = mix.beam_z_mm + rng.uniform(-3.0, 3.0, n) * mix.beam_sigma_z_mm
    crossed = np.zeros((n, det.n_layers), dtype=bool)
    if det.kind == "cylinder":
        k = _k(det)
        a = q * inv_pt
        eta = rng.uniform(mix.eta_min, mix.eta_max, n)
        phi0 = rng.uniform(mix.phi_min, mix.phi_max, n)
        for i, lay in enumerate(det.layers):
            assert isinstance(lay, CylinderLayer)
            s = k * lay.r_mm * a
            reach = np.abs(s) < 1.0
            s = np.clip(s, -1.0, 1.0)
            phi_l = phi0 - np.arcsin(s)
            # transverse path to radius r: 2R·asin(r/2R) = asin(s)/(k·a), r when straight
            with np.errstate(divide="ignore", invalid="ignore"):
                path = np.where(np.abs(a) > 1e-12, np.arcsin(s) / (k * a), lay.r_mm)
            z_l = vz + np.sinh(eta) * path
            in_phi = (
                np.ones(n, dtype=bool)
                if _covers_2pi(lay.phi_min, lay.phi_max)
                else ((phi_l - lay.phi_min) % TWO_PI) <= (lay.phi_max - lay.phi_min)
            )
            ok = reach & in_phi & (z_l >= lay.z_min_mm) & (z_l <= lay.z_max_mm)
            if lay.stub_qoverpt_max > 0.0:
                ok &= np.abs(a) <= lay.stub_qoverpt_max + 2.0 * (lay.bend_qoverpt_sigma or 0.0)
            crossed[:, i] = ok
        b = _wrap(phi0 - np.arcsin(np.clip(k * det.reference_r_mm * a, -1.0, 1.0)))
        return a, b, crossed, np.zeros(n)
    if mix.direction == "slopes":
        tx = rng.uniform(mix.slope_min, mix.slope_max, n)
        ty = rng.uniform(mix.slope_min, mix.slope_max, n)
        forward = np.ones(n, dtype=bool)
    else:
        eta = rng.uniform(mix.eta_min, mix.eta_max, n)
        phi = rng.uniform(mix.phi_min, mix.phi_max, n)
        sh = np.sinh(eta)
        sh = np.where(np.abs(sh) < 1e-3, np.copysign(1e-3, sh), sh)
        tx, ty = np.cos(phi) / sh, np.sin(phi) / sh
        forward = eta > 0
    for i, lay in enumerate(det.layers):
        assert isinstance(lay, PlaneLayer)
        dz = lay.z_mm - vz
        x, y = vx + tx * dz, vy + ty * dz
        in_hole = (np.abs(x) < lay.hole_half_mm) & (np.abs(y) < lay.hole_half_mm)
        crossed[:, i] = (
            np.where(forward, dz > 0, dz < 0)
            & (x >= lay.x_min_mm)
            & (x <= lay.x_max_mm)
            & (y >= lay.y_min_mm)
            & (y <= lay.y_max_mm)
            & ~in_hole
        )
    zref = det.reference_z_mm
    x_ref, y_ref = vx + tx * (zref - vz), vy + ty * (zref - vz)
    if model.n_meas == 2:
        return x_ref, y_ref, crossed, np.hypot(tx, ty)
    return tx, x_ref, crossed, np.abs(tx)


def _highland(p_gev: float, mass_gev: float, x_over_x0: float) -> float:
    if x_over_x0 <= 0.0:
        return 0.0
    beta = p_gev / math.hypot(p_gev, mass_gev)
    return 13.6e-3 / (beta * p_gev) * math.sqrt(x_over_x0) * max(0.0, 1.0 + 0.038 * math.log(x_over_x0 / beta**2))


def _resolution(
    det: Detector, model: LinearTrackModel, p_min: float, slope_rms: float
) -> tuple[np.ndarray, np.ndarray, float, float]:
    """(intrinsic, spread per layer, σ_a, σ_b) from the covariance of the module docstring."""
    mix = det.mix
    n = det.n_layers
    pos = det.positions_mm()
    intrinsic = model.sigma[:, 0].astype(np.float64)
    theta = np.array([_highland(p_min, mix.mass_gev, lay.x_over_x0) for lay in det.layers])
    cov = np.diag(intrinsic**2)
    if det.kind == "cylinder":
        origin = 0.0
        dist = pos - origin
        scale = 1.0 / pos  # r·δφ → δφ
        sxy2 = 0.5 * (mix.beam_sigma_x_mm**2 + mix.beam_sigma_y_mm**2)
        cov += sxy2 * np.outer(scale, scale)
    else:
        dist = pos - mix.beam_z_mm
        scale = np.ones(n)
        if model.n_meas == 2:  # origin-pointing model: the vertex is not a parameter
            cov += mix.beam_sigma_x_mm**2 + (slope_rms * mix.beam_sigma_z_mm) ** 2
    for j in range(n):
        if theta[j] == 0.0:
            continue
        # lever arm from scatterer j to each layer l behind it (same side of the vertex, farther)
        behind = (np.sign(dist) == np.sign(dist[j])) & (np.abs(dist) > abs(dist[j]))
        d = np.where(behind, np.abs(dist - dist[j]), 0.0) * scale
        cov += theta[j] ** 2 * np.outer(d, d)
    H = model.H[:, 0, :] if model.n_meas == 1 else model.H[:, 0, :1]
    try:
        ci = np.linalg.inv(cov)
        cov_p = np.linalg.inv(H.T @ ci @ H)
    except np.linalg.LinAlgError:
        raise ValueError(f"detector {det.name!r}: its layers do not constrain the track parameters") from None
    resid = np.diag(cov - H @ cov_p @ H.T)
    spread = np.maximum(np.sqrt(np.clip(resid, 0.0, None)), intrinsic)
    sig = np.sqrt(np.clip(np.diag(cov_p), 0.0, None))
    sigma_a = float(sig[0])
    sigma_b = float(sig[1]) if len(sig) > 1 else sigma_a
    return intrinsic, spread, sigma_a, sigma_b


def _lever_a(det: Detector, model: LinearTrackModel, a_range: tuple[float, float]) -> float:
    """Largest |∂m_l/∂a| over layers and the a range (exact helix for cylinders)."""
    if det.kind != "cylinder":
        return float(np.max(np.abs(model.H[:, 0, 0])))
    k = _k(det)
    a = np.linspace(a_range[0], a_range[1], 257)
    r = det.positions_mm()[:, None]

    def slope(rr: np.ndarray | float) -> np.ndarray:
        return k * rr / np.sqrt(np.clip(1.0 - (k * rr * a) ** 2, 1e-12, None))

    return float(np.max(np.abs(slope(r) - slope(det.reference_r_mm))))


@lru_cache(maxsize=64)
def figures(det: Detector) -> DetectorFigures:
    """The acceptance, resolution and occupancy of ``det`` (module docstring, steps 1, 2, 6)."""
    model = for_detector(det)
    mix = det.mix
    a, b, crossed, slope = _sample(det, model)
    n_cross = crossed.sum(axis=1)
    acc = n_cross >= mix.min_layers
    if acc.any():
        acc_a = (float(a[acc].min()), float(a[acc].max()))
        acc_b = (float(b[acc].min()), float(b[acc].max()))
    else:  # the mix misses the layers: fall back to the layers' extent (and say so)
        acc_a, acc_b = _geometric_box(det, model)
    if det.kind == "cylinder" or mix.direction == "slopes":
        p_min = mix.pt_min_gev
    else:
        eta_lo = 0.0 if mix.eta_min <= 0.0 <= mix.eta_max else min(abs(mix.eta_min), abs(mix.eta_max))
        p_min = mix.pt_min_gev * math.cosh(eta_lo)
    slope_rms = float(np.sqrt(np.mean(slope[acc] ** 2))) if acc.any() else 0.0
    intrinsic, spread, sigma_a, sigma_b = _resolution(det, model, p_min, slope_rms)

    def widen(lo: float, hi: float, sig: float) -> tuple[float, float]:
        m = 2.0 * sig + 0.01 * (hi - lo)
        return lo - m, hi + m

    a_range = widen(*acc_a, sigma_a)
    full = (
        det.kind == "cylinder"
        and all(_covers_2pi(lay.phi_min, lay.phi_max) for lay in det.layers)  # type: ignore[union-attr]
        and _covers_2pi(mix.phi_min, mix.phi_max)
    )
    b_range = (-math.pi, math.pi) if full else widen(*acc_b, sigma_b)
    if det.kind == "cylinder":  # the exact helix needs k·r·|q/pT| < 1 on every layer
        top = 0.99 / (_k(det) * max(float(det.positions_mm().max()), det.reference_r_mm))
        a_range = (max(a_range[0], -top), min(a_range[1], top))
    lever_a = _lever_a(det, model, a_range)
    lever_b = float(np.max(np.abs(model.H[:, -1, 1])))
    eff = np.array([lay.efficiency for lay in det.layers])
    n_part = (mix.pileup if mix.pileup > 0 else 1.0) * mix.particles_per_vertex
    hits_per_particle = float(np.mean(crossed @ eff))
    hits_sq_per_particle = float(np.mean((crossed @ eff) ** 2))
    noise = float(sum(lay.noise_per_event for lay in det.layers))
    return DetectorFigures(
        model=model,
        a_range=a_range,
        b_range=b_range,
        accepted_a=acc_a,
        accepted_b=acc_b,
        full_azimuth=full,
        p_min_gev=p_min,
        intrinsic=intrinsic,
        spread=spread,
        sigma_a=sigma_a,
        sigma_b=sigma_b,
        lever_a=lever_a,
        lever_b=lever_b,
        mix_accepted=bool(acc.any()),
        hits_per_event=n_part * hits_per_particle + noise,
        hits_variance=n_part * hits_sq_per_particle + noise,
        tracks_per_event=n_part * float(acc.mean()),
        accepted_fraction=float(acc.mean()),
    )


def _geometric_box(det: Detector, model: LinearTrackModel) -> tuple[tuple[float, float], tuple[float, float]]:
    """The parameter box of the tracks the layers could see, ignoring the event mix:
    lines from the first to the last plane's extent; for cylinders |q/pT| <= 1/pT_min
    over the layers' φ range."""
    if det.kind == "cylinder":
        top = 1.0 / det.mix.pt_min_gev
        lo = min(lay.phi_min for lay in det.layers)  # type: ignore[union-attr]
        hi = max(lay.phi_max for lay in det.layers)  # type: ignore[union-attr]
        return (-top, top), (max(lo, -math.pi), min(hi, math.pi))
    first, last = det.layers[0], det.layers[-1]
    assert isinstance(first, PlaneLayer) and isinstance(last, PlaneLayer)
    dz = last.z_mm - first.z_mm if det.n_layers > 1 else 1.0
    if model.n_meas == 2:  # (u, v): positions at the reference plane, from the layers' extent
        zs = np.abs(det.positions_mm()) / abs(det.reference_z_mm)
        scale = float(1.0 / zs.min()) if zs.min() > 0 else 1.0
        return (first.x_min_mm * scale, first.x_max_mm * scale), (first.y_min_mm * scale, first.y_max_mm * scale)
    t = max(last.x_max_mm - first.x_min_mm, first.x_max_mm - last.x_min_mm) / dz
    lo = min(lay.x_min_mm for lay in det.layers)  # type: ignore[union-attr]
    hi = max(lay.x_max_mm for lay in det.layers)  # type: ignore[union-attr]
    return (-t, t), (lo, hi)


# ------------------------------------------------------------------------------------------
# field values
# ------------------------------------------------------------------------------------------
def _pow2_at_least(x: float, floor: int = 1) -> int:
    return max(floor, 1 << max(0, math.ceil(math.log2(max(x, 1.0)))))


def _coord_lsb(det: Detector, full_azimuth: bool = False) -> float:
    if det.kind == "cylinder":
        pitch = min(lay.pitch_phi for lay in det.layers)  # type: ignore[union-attr]
        if full_azimuth:  # a whole number of LSBs per turn: 2π/2^k
            return TWO_PI / 2.0 ** math.ceil(math.log2(TWO_PI / (pitch / 4.0)))
        return 2.0 ** math.floor(math.log2(pitch / 4.0))
    pitches = [lay.pitch_x_mm for lay in det.layers]  # type: ignore[union-attr]
    if det.measures_y:
        pitches += [lay.pitch_y_mm for lay in det.layers]  # type: ignore[union-attr]
    return min(pitches) / 32.0


def _capacities(f: DetectorFigures, track_factor: float, track_extra: float) -> tuple[int, int]:
    mu, mu_t = f.hits_per_event, f.tracks_per_event
    max_hits = _pow2_at_least(mu + 5.0 * math.sqrt(f.hits_variance) + 4.0, 16)
    max_tracks = _pow2_at_least(track_factor * mu_t + 5.0 * math.sqrt(mu_t) + track_extra, 8)
    return max_hits, max_tracks


def _model_fields(det: Detector, a_range: tuple[float, float], delta_a: float) -> dict[str, Any]:
    """Exact-helix receptors and the bend filter (cylinders), for a grid of columns Δa wide."""
    if det.kind != "cylinder":
        return {}
    out: dict[str, Any] = dict(
        helix_radii_mm=tuple(float(r) for r in det.positions_mm()),
        helix_ref_radius_mm=det.reference_r_mm,
        helix_k_per_mm_gev=_k(det),
    )
    if det.measures_bend:
        sig = max(float(lay.bend_qoverpt_sigma or 0.0) for lay in det.layers)  # type: ignore[union-attr]
        lsb = 2.0 ** math.floor(math.log2(max(sig, delta_a) / 8.0))
        top = math.ceil(max(abs(a_range[0]), abs(a_range[1])) / lsb) + 1
        out |= dict(
            bend_window_hw=math.ceil((3.0 * sig + 0.5 * delta_a) / lsb) + 1,
            bend_lsb=lsb,
            bend_bits=bits_signed(-top, top),
        )
    return out


def _description(det: Detector, f: DetectorFigures, what: str) -> str:
    m = f.model
    return (
        f"{det.name}: {what} in ({m.param_names[0]}, {m.param_names[1]}) derived from the geometry "
        f"(fasttrack.derive): resolution at p = {f.p_min_gev:.3g} GeV: {m.param_names[0]} {f.sigma_a:.3g}, "
        f"{m.param_names[1]} {f.sigma_b:.3g}; {f.hits_per_event:.0f} hits/event expected"
    )


def _threshold(det: Detector, f: DetectorFigures, delta_a: float, delta_b: float, sigma: np.ndarray) -> float:
    """The response that ``THRESHOLD_QUANTILE`` of tracks with exactly ``mix.min_layers``
    hits (random layers) exceed at their nearest cell centre, sampled, times
    ``THRESHOLD_MARGIN``, rounded down to 0.1."""
    rng = np.random.default_rng(7)
    n = 4000
    H = f.model.H  # (n_layers, n_meas, 2)
    m = det.mix.min_layers
    da = rng.uniform(-0.5, 0.5, n) * delta_a
    db = rng.uniform(-0.5, 0.5, n) * delta_b
    layers = np.argsort(rng.uniform(size=(n, det.n_layers)), axis=1)[:, :m]
    noise = [rng.normal(size=(n, m)) * f.spread[layers] for _ in range(f.model.n_meas)]
    best = np.zeros(n)
    for i in (-1, 0, 1):  # the retina's maximum is the best cell of the neighbourhood
        for j in (-1, 0, 1):
            d2 = np.zeros((n, m))
            for k in range(f.model.n_meas):
                off = H[layers, k, 0] * (da[:, None] + i * delta_a) + H[layers, k, 1] * (db[:, None] + j * delta_b)
                d2 += (off + noise[k]) ** 2
            best = np.maximum(best, np.exp(-d2 / (2.0 * sigma[layers] ** 2)).sum(axis=1))
    q = float(np.quantile(best, THRESHOLD_QUANTILE)) * THRESHOLD_MARGIN
    return max(0.1, math.floor(10.0 * q) / 10.0)


def retina_fields(det: Detector) -> dict[str, Any]:
    """The retina's field values derived from ``det`` (module docstring, steps 3, 5-7);
    :func:`fasttrack.retina.presets.default_fields` puts the presets' tuned values on top."""
    f = figures(det)
    two_d = f.model.n_meas == 2
    ea, eb = f.extent_a, f.extent_b
    sigma = max(SIGMA_SPREAD * float(f.spread.max()), math.sqrt(ea * eb / (STEP_SIGMAS**2 * RETINA_CELLS)))
    n_a = max(3, math.ceil(ea / (STEP_SIGMAS * sigma)))
    n_b = max(3, math.ceil(eb / (STEP_SIGMAS * sigma)))
    sigma_out: float | tuple[float, ...] = sigma
    if two_d:  # σ constant in (u, v): proportional to the layer's lever arm, floored by its spread
        lever = np.abs(f.model.H[:, 0, 0]) / f.lever_a
        sigma_out = tuple(float(max(sigma * lv, SIGMA_SPREAD * s)) for lv, s in zip(lever, f.spread, strict=True))
    max_hits, max_tracks = _capacities(f, 2.0, 4.0)
    delta_a = (f.a_range[1] - f.a_range[0]) / n_a
    delta_b = (f.b_range[1] - f.b_range[0]) / n_b
    sig_l = np.asarray(sigma_out if two_d else (sigma,) * det.n_layers, dtype=np.float64)
    threshold = _threshold(det, f, delta_a, delta_b, sig_l)
    # association: a hit on the track, ±3 spreads, seen from a cell centre up to half a step
    # away in a and in b (√2·0.75σ on the layer that moves most)
    d_assoc = math.sqrt(2.0) * 0.5 * STEP_SIGMAS * sigma + 3.0 * float(f.spread.max())
    assoc = min(0.5, max(0.05, math.floor(100.0 * math.exp(-(d_assoc**2) / (2.0 * sigma**2))) / 100.0))
    return dict(
        a_min=f.a_range[0],
        a_max=f.a_range[1],
        n_a=n_a,
        b_min=f.b_range[0],
        b_max=f.b_range[1],
        n_b=n_b,
        sigma=sigma_out,
        coord_lsb=_coord_lsb(det, f.full_azimuth),
        phi_wrap=f.full_azimuth,
        roi_sigmas=3.0,
        weight_bits=10,
        lut_size=256,
        threshold=threshold,
        centroid_frac_bits=6,
        assoc_weight=assoc,
        max_hits=max_hits,
        max_tracks=max_tracks,
        description=_description(det, f, f"retina {n_a} x {n_b}"),
        **_model_fields(det, f.a_range, delta_a),
    )


def hough_fields(det: Detector) -> dict[str, Any]:
    """The Hough transform's field values derived from ``det`` (module docstring, steps
    4-7); :func:`fasttrack.hough.presets.default_fields` puts the presets' tuned values on top."""
    f = figures(det)
    model = f.model
    if model.n_meas != 1:
        raise ValueError(f"no Hough defaults for track model {model.name!r} (the Hough needs a 1D measurement)")
    ea, eb = f.extent_a, f.extent_b
    b_lo, b_hi = f.b_range
    width = b_hi - b_lo
    bin_target = max(BIN_SPREAD * float(f.spread.max()), math.sqrt(ea * eb / HOUGH_CELLS))
    n_b = max(4, math.ceil(width / bin_target))
    lsb_target = _coord_lsb(det)
    bin_shift = max(1, math.ceil(math.log2(width / (n_b * lsb_target))))
    lsb = width / (n_b << bin_shift)
    delta_b = lsb * (1 << bin_shift)
    n_a = max(2, math.ceil(ea / delta_b))
    max_hits, max_tracks = _capacities(f, 4.0, 8.0)
    min_layers = det.mix.min_layers
    return dict(
        name=det.name,
        param_names=model.param_names,
        measurement_name=model.measurement_names[0],
        slopes=tuple(float(v) for v in model.H[:, 0, 0]),
        offsets=tuple(float(v) for v in model.c[:, 0]),
        a_min=f.a_range[0],
        a_max=f.a_range[1],
        n_a=n_a,
        b_min=round(b_lo / lsb) * lsb,
        n_b=n_b,
        coord_lsb=lsb,
        bin_shift=bin_shift,
        max_bins_per_column=2,
        min_layers=min_layers,
        max_hits_per_cell=_pow2_at_least(2 * det.n_layers, 8),
        max_hits=max_hits,
        max_tracks=max_tracks,
        duplicate_rule="sharing",
        dup_min_shared=min(3, min_layers),
        mini_hough=True,
        phi_wrap=f.full_azimuth,
        description=_description(det, f, f"Hough {n_a} x {n_b}"),
        **_model_fields(det, f.a_range, (f.a_range[1] - f.a_range[0]) / n_a),
    )


def tuned_preset(det: Detector) -> str | None:
    """The preset whose tuned config values ``det`` takes: the one it equals in geometry
    (layers, field, reference position; the event mix may differ), else None."""
    for name, make in PRESETS.items():
        p = make()
        if (
            det.layers == p.layers
            and det.bz_tesla == p.bz_tesla
            and det.reference_z_mm == p.reference_z_mm
            and det.reference_r_mm == p.reference_r_mm
        ):
            return name
    return None


# ------------------------------------------------------------------------------------------
# warnings
# ------------------------------------------------------------------------------------------
def _range_messages(
    cls: str, cfg: Any, axis: str, lo: float, hi: float, ref_lo: float, ref_hi: float, det: Detector, unit: str
) -> list[str]:
    tol = RANGE_TOLERANCE * (ref_hi - ref_lo)
    if lo <= ref_lo + tol and hi >= ref_hi - tol:
        return []
    name = cfg.param_names[0 if axis == "a" else 1]
    return [
        f"{cls}({cfg.name!r}): {axis} = {name} covers [{lo:.4g}, {hi:.4g}]{unit}, which misses part of "
        f"the acceptance of detector {det.name!r} ([{ref_lo:.4g}, {ref_hi:.4g}], the default range): tracks "
        f"outside are lost; set {axis}_min <= {ref_lo:.4g} and {axis}_max >= {ref_hi:.4g}"
        + (" (or keep the default)" if axis == "a" else "")
    ]


def _coarse_messages(
    cls: str, cfg: Any, axis: str, cell: float, ref_cell: float, width: float, f: DetectorFigures
) -> list[str]:
    if not cell > COARSE_FACTOR * ref_cell:
        return []
    name = cfg.param_names[0 if axis == "a" else 1]
    res = f.sigma_a if axis == "a" else f.sigma_b
    need = math.ceil(width / ref_cell)
    return [
        f"{cls}({cfg.name!r}): cells along {axis} = {name} are {cell:.3g} wide, {cell / ref_cell:.1f}x the "
        f"{ref_cell:.3g} of the default (the {name} resolution is {res:.3g} at p = {f.p_min_gev:.3g} GeV): "
        f"tracks merge and fakes grow; set n_{axis} >= {need} over this range"
    ]


def check_retina(cfg: Any, det: Detector) -> list[str]:
    """What is ill-suited in a :class:`~fasttrack.retina.RetinaConfig` for ``det`` (an empty
    list when nothing is): ranges that miss the default's, cells far coarser than the
    default's, receptors that move more than 3σ per cell."""
    from .retina import presets  # the default (tuned on presets) the config is checked against

    ref = presets.default_fields(det)
    f = figures(det)
    out = _range_messages("RetinaConfig", cfg, "a", cfg.a_min, cfg.a_max, ref["a_min"], ref["a_max"], det, "")
    out += _range_messages("RetinaConfig", cfg, "b", cfg.b_min, cfg.b_max, ref["b_min"], ref["b_max"], det, "")
    out += _coarse_messages(
        "RetinaConfig", cfg, "a", cfg.delta_a, (ref["a_max"] - ref["a_min"]) / ref["n_a"], cfg.a_max - cfg.a_min, f
    )
    out += _coarse_messages(
        "RetinaConfig", cfg, "b", cfg.delta_b, (ref["b_max"] - ref["b_min"]) / ref["n_b"], cfg.b_max - cfg.b_min, f
    )
    H = cfg.H_array()
    for m in range(cfg.n_meas):
        step = np.maximum(np.abs(H[:, m, 0]) * cfg.delta_a, np.abs(H[:, m, 1]) * cfg.delta_b)
        ratio = step / np.asarray(cfg.sigma)
        worst = int(np.argmax(ratio))
        if ratio[worst] > 2.0 * STEP_SIGMAS:
            out.append(
                f"RetinaConfig({cfg.name!r}): on layer {worst} the receptors move {step[worst]:.3g} per cell, "
                f"{ratio[worst]:.1f} sigma (sigma = {cfg.sigma[worst]:.3g}): a track between cells loses its "
                f"weights; raise n_a/n_b or sigma so that a cell moves at most {STEP_SIGMAS:g} sigma"
            )
    return out


def check_hough(cfg: Any, det: Detector) -> list[str]:
    """What is ill-suited in a :class:`~fasttrack.hough.HoughConfig` for ``det`` (an empty
    list when nothing is): ranges that miss the default's, columns or bins far coarser than
    the default's, lines that cross more bins per column than the cap fills."""
    from .hough import presets  # the default (tuned on presets) the config is checked against

    ref = presets.default_fields(det)
    f = figures(det)
    ref_db = ref["coord_lsb"] * (1 << ref["bin_shift"])
    ref_bmax = ref["b_min"] + ref["n_b"] * ref_db
    out = _range_messages("HoughConfig", cfg, "a", cfg.a_min, cfg.a_max, ref["a_min"], ref["a_max"], det, "")
    out += _range_messages("HoughConfig", cfg, "b", cfg.b_min, cfg.b_max, ref["b_min"], ref_bmax, det, "")
    out += _coarse_messages(
        "HoughConfig", cfg, "a", cfg.delta_a, (ref["a_max"] - ref["a_min"]) / ref["n_a"], cfg.a_max - cfg.a_min, f
    )
    out += _coarse_messages("HoughConfig", cfg, "b", cfg.delta_b, ref_db, cfg.b_max - cfg.b_min, f)
    shift = cfg.tables.shift_hw
    crossing = int(np.max(np.abs(np.diff(shift, axis=1)))) if shift.shape[1] > 1 else 0
    bins = crossing // cfg.bin_width_hw + 2  # a line moving c LSBs across a column touches up to c/w + 2 bins
    if bins > cfg.max_bins_per_column and crossing > cfg.bin_width_hw:
        need_a = math.ceil(cfg.n_a * crossing / cfg.bin_width_hw)
        out.append(
            f"HoughConfig({cfg.name!r}): lines move up to {crossing * cfg.coord_lsb:.3g} across a column, "
            f"{crossing / cfg.bin_width_hw:.1f} bins, and may touch {bins} bins, but max_bins_per_column = "
            f"{cfg.max_bins_per_column} fills: hits are cut; set n_a >= {need_a} or max_bins_per_column = {bins}"
        )
    return out


RANGE_FIELDS = ("a_min", "a_max", "b_min", "b_max")


def settle_wrap(
    fields: dict[str, Any], overrides: Mapping[str, Any], measurement_names: tuple[str, ...], b_max: float
) -> dict[str, Any]:
    """The fields with the derived ``phi_wrap`` kept only where the final grid can wrap
    (:func:`fasttrack.azimuth.config_problem`): overriding the b range or the LSB of a
    full-azimuth default asks for a sector, so the wrap goes off; a ``phi_wrap`` given
    explicitly is kept (and checked by the config)."""
    if "phi_wrap" in overrides or not fields.get("phi_wrap"):
        return fields
    try:
        problem = azimuth.config_problem(measurement_names, float(fields["b_min"]), b_max, float(fields["coord_lsb"]))
    except (TypeError, ValueError, ZeroDivisionError):  # ill-typed fields: the config's own checks name them
        return fields
    if problem is None:
        return fields
    return {**fields, "phi_wrap": False}


def require_bend(cls: str, cfg: Any, det: Detector) -> None:
    """Refuse a bend filter on a detector whose hits carry no bend (it would cut them)."""
    if cfg.bend_filter and not det.measures_bend:
        raise ValueError(
            f"{cls}({cfg.name!r}).bend_window_hw = {cfg.bend_window_hw} turns the bend filter on, but the "
            f"layers of detector {det.name!r} measure no bend (bend_qoverpt_sigma=None): the filter would cut "
            "hits without a bend; set bend_qoverpt_sigma on the layers or bend_window_hw=-1"
        )


def _warn(messages: list[str]) -> None:
    for msg in messages:
        warnings.warn(msg, ConfigWarning, stacklevel=4)


def _mix_messages(cls: str, det: Detector, overrides: Mapping[str, Any]) -> list[str]:
    if figures(det).mix_accepted or all(k in overrides for k in RANGE_FIELDS):
        return []
    return [
        f"{cls}.for_detector({det.name!r}): no track of the detector's event mix crosses mix.min_layers = "
        f"{det.mix.min_layers} active layers, so the default ranges span the layers' extent instead of the "
        "acceptance; check the mix's (eta, phi or slope) window and beam spot, or give a_min, a_max, b_min, b_max"
    ]


def warn_retina(cfg: Any, det: Detector, overrides: Mapping[str, Any] = MappingProxyType({})) -> None:
    """:func:`check_retina` as :class:`~fasttrack.configcheck.ConfigWarning` s when fields
    were overridden, and a warning when the event mix misses the layers."""
    _warn(_mix_messages("RetinaConfig", det, overrides) + (check_retina(cfg, det) if overrides else []))


def warn_hough(cfg: Any, det: Detector, overrides: Mapping[str, Any] = MappingProxyType({})) -> None:
    """:func:`check_hough` as :class:`~fasttrack.configcheck.ConfigWarning` s when fields
    were overridden, and a warning when the event mix misses the layers."""
    _warn(_mix_messages("HoughConfig", det, overrides) + (check_hough(cfg, det) if overrides else []))

"""Default retina configurations, as field values: derived from the detector, with the
presets' tuned values on top.

This module only chooses values (it does not build configs, so it needs nothing of
:mod:`fasttrack.retina.config`); :meth:`RetinaConfig.for_detector` and
:meth:`RetinaConfig.for_rtl` turn them into validated configs and derive the widths.

Any detector gets the values :func:`fasttrack.derive.retina_fields` derives from its
geometry, resolution, field and event mix. A detector that is geometrically one of the
presets (:func:`fasttrack.derive.tuned_preset`) then takes the preset's tuned values
(:func:`tuned_fields`), which its golden outputs, test vectors and RTL builds are pinned
to. For the tuned presets:

The grid spacing is chosen so that a step of one cell moves the receptors by about one
σ on the layers with the longest lever arm; σ is set by what smears hits around the
model (strip resolution and scattering for the telescope, scattering and the
small-angle model for the barrel, the luminous region's length for the VELO's
origin-pointing model); the region of interest is 3σ.

VELO: the preset's model (``velo-uv``, :mod:`fasttrack.trackmodel`) points every track at
the origin, while its tracks come from a luminous region of σz = 50 mm: the vertex z is
a third track parameter that no grid over two parameters holds. A track from z_v misses
the receptors of its best cell by about t·z_v (slope t up to 0.27), so the default finds
77 % of the reconstructable particles with |z_v| < 10 mm, 30 % of those beyond 50 mm and
52 % of all (fake rate 6 %; 1000 events, tests/test_velo_retina.py); with every vertex at
z = 0 it finds 75 %, and 95 % with 9 times the cells and a σ of 0.25 mm at z_ref. The loss
budget of the former default (30 %, issue 19), each cause removed in turn on 200 events: the
luminous region 31 points when removed first, 45 when removed last; the ±45 mm of the grid
at z_ref, which leaves the particles below η ≈ 2.6 outside (16 % of them), 15 points once
the vertex is known and 1 point before; a threshold of 5 hits against particles
reconstructable with 3 layers, 2 to 17 points; cells and σ too coarse for the dense core
at high η, 18 points at z_v = 0 and 2 with the luminous region; capacities none. Reaching
97 % needs the vertex z as a third grid dimension and a hit-sharing cleaning stage after
the retina, which the hardware does not have.
"""

from __future__ import annotations

import math
from typing import Any

from .. import derive
from .._moved import forwarder
from ..detector import Detector
from ..trackmodel import for_detector

__all__ = ["default_fields", "rtl_fields", "tuned_fields"]


def default_fields(det: Detector) -> dict[str, Any]:
    """The default field values of a retina for a detector: grid, σ (a float for all
    layers, or one per layer), ``roi_sigmas`` (the region of interest in σ), weights,
    threshold, capacities; derived from the detector (:func:`fasttrack.derive.retina_fields`),
    with a preset's tuned values on top (:func:`tuned_fields`). Widths are derived by the config."""
    return {**derive.retina_fields(det), **tuned_fields(det)}


def tuned_fields(det: Detector) -> dict[str, Any]:
    """The tuned values of the preset ``det`` is geometrically (empty for other detectors)."""
    if derive.tuned_preset(det) is None:
        return {}
    model = for_detector(det)
    if model.name == "telescope-x":
        lay0 = det.layers[0]
        base: dict[str, Any] = dict(
            a_min=-0.032,
            a_max=0.032,
            n_a=48,
            b_min=-48.0,
            b_max=48.0,
            n_b=192,
            sigma=0.3,
            coord_lsb=lay0.pitch_x_mm / 32.0,  # type: ignore[union-attr]
            roi_sigmas=3.0,
            weight_bits=12,
            lut_size=256,
            threshold=4.5,
            centroid_frac_bits=6,
            assoc_weight=0.5,
            max_hits=128,
            max_tracks=16,
            description="telescope: (slope tx, x at z_ref = 350 mm), coordinate LSB = pitch/32",
        )
    elif model.name == "barrel-rphi":
        half = max(lay.phi_max for lay in det.layers) - math.radians(2.0)  # type: ignore[union-attr]
        base = dict(
            a_min=-0.5,
            a_max=0.5,
            n_a=80,
            b_min=-half,
            b_max=half,
            n_b=128,
            sigma=0.002,
            coord_lsb=2.0**-16,
            roi_sigmas=3.0,
            weight_bits=10,
            lut_size=256,
            threshold=3.8,
            centroid_frac_bits=6,
            assoc_weight=0.1,
            max_hits=128,
            max_tracks=32,
            description="barrel r-phi: (q/pT in 1/GeV, phi_T at r_T) in one sector, phi LSB = 2^-16 rad, "
            "exact-helix receptors",
            helix_radii_mm=tuple(float(r) for r in det.positions_mm()),
            helix_ref_radius_mm=det.reference_r_mm,
            helix_k_per_mm_gev=0.5 * det.curvature_per_gev,
            # bend filter: ±0.25/GeV = 2.5σ of the stub bend resolution, LSB 2^-7 /GeV
            bend_window_hw=32,
            bend_lsb=2.0**-7,
            bend_bits=8,
        )
    elif model.name == "velo-uv":
        lay0 = det.layers[0]
        # The origin-pointing (u, v) model has two parameters where a track from the
        # luminous region has three (direction and vertex z, σz = 50 mm): a track from z_v
        # misses its cell's receptors by about t·z_v, up to several mm, so no 2D grid finds
        # much more than half of the reconstructable particles (module docstring, "VELO").
        # Within that limit: σ grows with |z| (constant in (u, v), the model error grows with
        # the lever arm) from the 0.1 mm floor, 0.4 mm at z_ref; 65 536 cells
        # (derive.RETINA_CELLS) so that a cell moves the receptors by about one σ; the
        # threshold below three full hits, since a particle with three layers is
        # reconstructable; hits associated at 30 % of a full weight.
        sigma_u = 0.4
        base = dict(
            a_min=-45.0,
            a_max=45.0,
            n_a=256,
            b_min=-45.0,
            b_max=45.0,
            n_b=256,
            sigma=tuple(max(0.1, sigma_u * abs(z) / det.reference_z_mm) for z in det.positions_mm()),
            coord_lsb=lay0.pitch_x_mm / 16.0,  # type: ignore[union-attr]
            roi_sigmas=3.0,
            weight_bits=12,
            lut_size=1024,
            threshold=2.5,
            centroid_frac_bits=6,
            assoc_weight=0.3,
            max_hits=4096,
            max_tracks=256,
            description="velo: (u, v) = track x, y at z_ref = 300 mm for tracks from the origin, LSB = pitch/16",
        )
    else:  # pragma: no cover - for_detector only returns the three models
        raise ValueError(f"no retina defaults for track model {model.name!r}")
    return base


def rtl_fields(det: Detector) -> dict[str, Any]:
    """The field values of the retina the RTL processor is built for on a detector preset,
    over :func:`default_fields`.

    The RTL has one engine per cell and one lane per layer, so its size grows with
    cells × layers; where the physics default does not fit an FPGA, this is a coarser
    grid with weights and coordinates as narrow as the physics allows (the closing notes
    of the RTL issue give its efficiency beside the default's). Other detectors use
    their default config.
    """
    model = for_detector(det)
    if model.name == "telescope-x":
        lay0 = det.layers[0]
        base: dict[str, Any] = dict(
            n_a=8,
            n_b=48,
            sigma=1.0,
            coord_lsb=lay0.pitch_x_mm / 2.0,  # type: ignore[union-attr]
            weight_bits=6,
            lut_size=32,
            threshold=4.0,
            description="telescope, RTL: 8 x 48 cells (slope tx, x at z_ref), coordinate LSB = pitch/2",
        )
        return base
    if model.name == "barrel-rphi":
        # 20 x 32 cells over the default ranges (the default's 80 x 128 is 16x the engines);
        # 6-bit weights in 32 entries: a third of the engine's LUTs (yosys: 355 against 1,209
        # per engine) for 0.8 points of efficiency at pT >= 3 GeV
        base = dict(
            n_a=20,
            n_b=32,
            sigma=0.007,
            weight_bits=6,
            lut_size=32,
            description="barrel r-phi, RTL: 20 x 32 cells (q/pT, phi_T) in one sector, phi LSB = 2^-16 rad, "
            "6-bit weights, exact-helix receptors, bend filter",
        )
        return base
    return {}


# deprecated names, forwarded for one release
__getattr__ = forwarder(
    __name__,
    {
        "default_config": "fasttrack.retina.config:RetinaConfig.for_detector",
        "rtl_config": "fasttrack.retina.config:RetinaConfig.for_rtl",
    },
)

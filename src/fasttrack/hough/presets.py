"""Default Hough configurations: derived from the detector, with the presets' tuned
values on top.

Any detector gets the values :func:`fasttrack.derive.hough_fields` derives from its
geometry, resolution, field and event mix; a detector that is geometrically one of the
presets (:func:`fasttrack.derive.tuned_preset`) then takes the preset's tuned values
(:func:`tuned_fields`), which its golden outputs, test vectors and RTL builds are pinned to.

``barrel`` follows the CMS TMTT Hough transform (Aggleton et al., JINST 12 (2017)
P12019) at this model's level of detail: a 32 × 64 array in (q/pT, φ_T) with
|q/pT| < 1/3 GeV⁻¹ (pT > 3 GeV), φ_T at r_T = 672.4 mm over one of 18 φ sectors, at least
5 of the 6 layers, at most 2 bins filled per column, at most 32 stubs per cell, and the
bend filter; then the 2×2 mini-Hough and duplicate removal by shared stubs (3 or more).
``telescope`` is a straight-line Hough in (slope tx, intercept x at
z_ref) with bins about as wide as a line moves across one column.
"""

from __future__ import annotations

from typing import Any

from .. import derive
from .._moved import forwarder
from ..detector import BARREL_SECTOR_HALF_WIDTH, Detector
from ..trackmodel import for_detector

__all__ = ["default_fields", "rtl_fields", "tuned_fields"]


def default_fields(det: Detector) -> dict[str, Any]:
    """The default field values of a Hough transform for a detector: derived from it
    (:func:`fasttrack.derive.hough_fields`), with a preset's tuned values on top
    (:func:`tuned_fields`). Widths and the layers' extent are derived by
    :meth:`HoughConfig.for_detector`."""
    return {**derive.hough_fields(det), **tuned_fields(det)}


def tuned_fields(det: Detector) -> dict[str, Any]:
    """The tuned values of the preset ``det`` is geometrically (empty for other detectors)."""
    if derive.tuned_preset(det) is None:
        return {}
    model = for_detector(det)
    if model.name == "barrel-rphi":
        n_b, bin_shift = 64, 8
        lsb = 2 * BARREL_SECTOR_HALF_WIDTH / n_b / (1 << bin_shift)  # 64 bins of 2^8 LSBs span the sector
        base: dict[str, Any] = dict(
            name=det.name,
            param_names=model.param_names,
            measurement_name="phi",
            slopes=tuple(float(v) for v in model.H[:, 0, 0]),
            offsets=tuple(float(v) for v in model.c[:, 0]),
            a_min=-1.0 / 3.0,
            a_max=1.0 / 3.0,
            n_a=32,
            b_min=-(n_b // 2) * (1 << bin_shift) * lsb,
            n_b=n_b,
            coord_lsb=lsb,
            bin_shift=bin_shift,
            max_bins_per_column=2,
            min_layers=5,
            max_hits_per_cell=32,
            max_hits=128,
            max_tracks=64,
            duplicate_rule="sharing",
            dup_min_shared=3,
            mini_hough=True,
            helix_radii_mm=tuple(float(r) for r in det.positions_mm()),
            helix_ref_radius_mm=det.reference_r_mm,
            helix_k_per_mm_gev=0.5 * det.curvature_per_gev,
            bend_window_hw=32,
            bend_lsb=2.0**-7,
            bend_bits=8,
            description="CMS TMTT-like r-phi Hough: 32 x 64 in (q/pT, phi_T at r_T = 672.4 mm), one sector",
        )
    elif model.name == "telescope-x":
        lay0 = det.layers[0]
        lsb = lay0.pitch_x_mm / 32.0  # type: ignore[union-attr]
        n_b, bin_shift = 160, 7
        base = dict(
            name=det.name,
            param_names=model.param_names,
            measurement_name="x",
            slopes=tuple(float(v) for v in model.H[:, 0, 0]),  # z_l − z_ref
            offsets=tuple(float(v) for v in model.c[:, 0]),
            a_min=-0.032,
            a_max=0.032,
            n_a=32,
            b_min=-(n_b // 2) * (1 << bin_shift) * lsb,
            n_b=n_b,
            coord_lsb=lsb,
            bin_shift=bin_shift,
            max_bins_per_column=2,
            min_layers=det.mix.min_layers,
            max_hits_per_cell=16,
            max_hits=128,
            max_tracks=64,
            duplicate_rule="sharing",
            dup_min_shared=3,
            mini_hough=True,
            description="straight-line Hough in (slope tx, x at z_ref = 350 mm)",
        )
    else:
        raise ValueError(f"no Hough defaults for track model {model.name!r} (the Hough needs a 1D measurement)")
    return base


def rtl_fields(det: Detector) -> dict[str, Any]:
    """The field values of the Hough transform the RTL processor (``hdl/hough``) is built
    for on a preset, over :func:`default_fields`.

    The RTL keeps the cells in memories (one per column and fill bank), so the default
    arrays fit as they are. On ``barrel`` the event buffer holds 96 hits instead of 128:
    a cell's hit list is a set over arrival slots, one bit per buffered hit, so the list
    memories, their update and read port shrink by a quarter (yosys: about 4.8 k LUTs of
    an instance, which brings 18 instances within a U50). At pile-up 200 an event has 54
    hits on average and 101 at most in 2000 events; 0.2 % of events exceed 96, and the
    efficiency and fake rate (pT >= 3 GeV, 2000 events, seed 1) equal those of 128.
    Hits beyond the buffer are counted and flagged as for any capacity. Other presets
    use the defaults. The RTL implements the duplicate rules ``"none"`` and ``"sharing"``
    (not ``"localmax"``).
    """
    if for_detector(det).name == "barrel-rphi":
        return {"max_hits": 96}
    return {}


# deprecated names, forwarded for one release
__getattr__ = forwarder(
    __name__,
    {
        "default_config": "fasttrack.hough.config:HoughConfig.for_detector",
        "rtl_config": "fasttrack.hough.config:HoughConfig.for_rtl",
    },
)

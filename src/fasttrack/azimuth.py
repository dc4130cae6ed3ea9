"""The full-azimuth rule of the barrel (r-φ) algorithms: φ wraps around, one rule everywhere.

A retina or Hough config with ``phi_wrap=True`` covers the whole azimuth without a seam.
Its grid along the second parameter ``b = φ_T`` spans exactly one turn, ``[b_min,
b_min + 2π)``, and is *cyclic*: cell ``n_b − 1`` neighbours cell 0. The rule, the same in
float and in fixed point:

* **Hits** are reduced into one turn on input: float ``φ ← ((φ + π) mod 2π) − π``; fixed
  ``hw_φ ← mod_centred(floor(φ/coord_lsb + ½), TURN_HW)`` with ``TURN_HW = 2π/coord_lsb``
  LSBs per turn (:func:`turn_hw`; the config must make it a whole number).
* **Distances** (retina receptors, association) are taken modulo the turn: float
  ``d = ((φ_hit − φ_rec + π) mod 2π) − π`` (:func:`wrap_diff`), fixed
  ``d = mod_centred(hw_hit − hw_rec, TURN_HW)`` (:func:`fasttrack.fixed.mod_centred`).
  With ``TURN_HW = 2^w`` that is the ``w``-bit two's-complement difference: a ``w``-bit
  coordinate word is a full turn and the wrap costs no logic.
* **Hough bins**: a line's bins along b are counted from ``b_min`` without clipping and
  taken modulo ``n_b`` (``n_b · 2^bin_shift = TURN_HW``, so that is the same as reducing
  the coordinate); the cap of ``max_bins_per_column`` still counts from the lowest bin.
  The mini-Hough refills a cell from the turn of the line that overlaps it.
* **Neighbours** along b are cyclic for the retina's local maxima and centroid and for the
  Hough's ``"localmax"`` rule; the tie rule is by offset (a neighbour at ``dj = −1`` is
  "earlier"), so a plateau across the seam still gives exactly one maximum.
* **Output**: a track's ``φ_T`` is reported in ``(−π, π]`` (:func:`wrap_pi`).

Configs without ``phi_wrap`` (the presets' one-sector configs) keep their semantics bit
for bit: none of the code paths above is taken, and the field stays out of their hash.
The HLS kernels and the RTL have no wrap: their hardware descriptions
(:mod:`fasttrack.hw.retina`, :mod:`fasttrack.hw.hough`) refuse a ``phi_wrap`` config.

Example
-------
>>> import math
>>> from fasttrack import azimuth
>>> azimuth.turn_hw(2 * math.pi / 2**19)
524288
>>> round(float(azimuth.wrap_pi(3 * math.pi / 2)), 6)  # 270° is −90°
-1.570796
>>> azimuth.config_problem(("phi",), -math.pi, math.pi, 2.0**-16) is not None  # 2π/2^-16 is no whole number
True
"""

from __future__ import annotations

import math

import numba as nb
import numpy as np

from .fixed import mod_centred

__all__ = [
    "NO_HARDWARE_WRAP",
    "TWO_PI",
    "config_problem",
    "mod_centred",
    "reduce_hits",
    "refuse_hardware",
    "turn_hw",
    "wrap_diff",
    "wrap_pi",
]

TWO_PI = 2.0 * math.pi
_TURN_TOL = 1e-9  # relative: a grid spans a turn when its width is 2π to this
_LSB_TOL = 1e-6  # LSBs: 2π/coord_lsb must be a whole number to this


@nb.njit(cache=True, inline="always")
def wrap_diff(d: float) -> float:
    """An angle difference reduced into ``[−π, π)``."""
    return d - TWO_PI * math.floor(d / TWO_PI + 0.5)


def wrap_pi(phi: np.ndarray | float) -> np.ndarray:
    """Angles reduced into ``(−π, π]`` (how tracks report φ); those inside are kept as
    they are, bit for bit."""
    x = np.asarray(phi, dtype=np.float64)
    return x - TWO_PI * np.ceil((x - np.pi) / TWO_PI)


def turn_hw(coord_lsb: float) -> int:
    """LSBs in a full turn, ``round(2π / coord_lsb)`` (check it with :func:`config_problem`)."""
    return round(TWO_PI / coord_lsb)


def reduce_hits(meas: np.ndarray, coord_hw: np.ndarray, coord_lsb: float) -> tuple[np.ndarray, np.ndarray]:
    """Hits reduced into one turn: float φ into ``[−π, π)`` (those inside kept bit for bit),
    LSBs into ``[−T/2, T/2)``."""
    t = turn_hw(coord_lsb)
    h = t >> 1
    return meas - TWO_PI * np.floor((meas + np.pi) / TWO_PI), (coord_hw + h) % t - h


def config_problem(measurement_names: tuple[str, ...], b_min: float, b_max: float, coord_lsb: float) -> str | None:
    """Why a grid cannot wrap in φ (None when it can): the rule needs a φ measurement, a
    b range of exactly one turn and a coordinate LSB that divides the turn."""
    if tuple(measurement_names) != ("phi",):
        return f"needs the barrel's r-φ model (measurement 'phi'); this config measures {tuple(measurement_names)}"
    width = b_max - b_min
    if not abs(width - TWO_PI) <= _TURN_TOL * TWO_PI:
        return (
            f"needs the grid along b to span one turn: b_max − b_min = 2π; got {width!r} "
            f"(b_min={b_min!r}, b_max={b_max!r}); e.g. b_min=-math.pi, b_max=math.pi"
        )
    turns = TWO_PI / coord_lsb
    if not abs(turns - round(turns)) <= _LSB_TOL:
        w = max(1, math.ceil(math.log2(turns)))
        return (
            f"needs coord_lsb to divide the turn (2π/coord_lsb a whole number of LSBs); 2π/{coord_lsb!r} = "
            f"{turns:.6f}; e.g. coord_lsb = 2π/2^{w} = {TWO_PI / 2**w!r} (a {w}-bit word is then a full turn)"
        )
    return None


#: why the hardware descriptions refuse a ``phi_wrap`` config (HLS kernels, RTL, vectors)
NO_HARDWARE_WRAP = (
    "phi_wrap=True (full azimuth) is not built in hardware: the HLS kernels and the RTL compare "
    "coordinates without the modular wrap (and have no cyclic neighbours), so they would silently "
    "mismatch the golden model at the seam; run the full-azimuth config in Python (float or fixed), "
    "or use one-sector configs for hardware"
)


def refuse_hardware(cfg: object, algorithm: str, what: str) -> None:
    """Raise a ValueError naming ``what`` when ``cfg`` wraps in φ (see :data:`NO_HARDWARE_WRAP`)."""
    if getattr(cfg, "phi_wrap", False):
        raise ValueError(f"no {algorithm} {what} for config {getattr(cfg, 'name', '?')!r}: {NO_HARDWARE_WRAP}")

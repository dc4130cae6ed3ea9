"""Numba kernels of the retina: sparse accumulation, local maxima, centroid, association.

Each hit visits only the cells of its region of interest: for each index of the outer
parameter, the range of the inner parameter whose receptors can lie within the cut is
computed from the linear model (widened by a cell and an LSB), and the exact cut is then
applied cell by cell; so the result equals a dense cells × hits loop with the same cut
(the benchmark checks this against a dense numpy implementation).

The association likewise weighs, per track and layer, only the hits whose first
measurement lies within the cut of the track's receptor (the event's hits sorted once by
layer and measurement), and keeps the dense scan's rule: the largest weight, the first
hit in input order on ties.

The float and fixed kernels share the structure; only the arithmetic differs (see
:mod:`fasttrack.retina.config` for the integer semantics).

The kernels take four bundles (named tuples, which numba passes like C structs), built
in one place, :class:`fasttrack.retina.Retina`: :class:`Hits` (the sample),
:class:`Tables` (per-layer and per-cell arrays of the config), :class:`Params` (its
scalars) and :class:`Buffers` (the outputs, filled in place). Each holds the float and
the fixed-point form of a quantity side by side (``meas`` / ``coord_hw``); a kernel
reads the one of its mode.

With ``Params.phi_wrap`` (full azimuth, :mod:`fasttrack.azimuth`) distances are taken
modulo the turn, the search along b runs over cell indices modulo ``n_b`` and the
neighbours of the maxima and the centroid are cyclic along b; without it those paths are
not taken, so the one-sector configs compute exactly as before.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numba as nb
import numpy as np

from .._blocks import block_events, n_blocks
from ..azimuth import TWO_PI, wrap_diff
from ..fixed import div_trunc, mod_centred


class Hits(NamedTuple):
    """The hits of a sample, flat in input order; event ``e`` owns ``offsets[e]:offsets[e + 1]``."""

    offsets: np.ndarray  # int64 (n_events + 1,)
    layer: np.ndarray  # int64 (n_hits,) layer index
    meas: np.ndarray  # float64 (n_hits, n_meas) measurements (mm or rad): float mode
    coord_hw: np.ndarray  # int64 (n_hits, n_meas) the same in coordinate LSBs: fixed mode
    bend: np.ndarray  # float64 (n_hits,) q/pT from the stub bend (1/GeV); 0 without the bend filter
    bend_hw: np.ndarray  # int64 (n_hits,) the same in bend LSBs
    hit_id: np.ndarray  # int64 (n_hits,) not read by the kernels: maps the tracks' hits back


class Tables(NamedTuple):
    """Per-layer and per-cell arrays of one config (the firmware's ROMs and their float twins)."""

    # the linear model m = H·(a, b) + c per layer: the search for the cells within reach
    H: np.ndarray  # float64 (n_layers, n_meas, 2)
    c: np.ndarray  # float64 (n_layers, n_meas)
    model_dev: np.ndarray  # float64 (n_layers,) max |receptor − linear model|: widens the search
    inner_a: np.ndarray  # bool (n_layers,) a is the inner loop (its step moves the receptor most)
    a_c: np.ndarray  # float64 (n_a,) cell centres along a
    b_c: np.ndarray  # float64 (n_b,) cell centres along b
    a_bend: np.ndarray  # float64 (n_a,) q/pT of each column for the bend filter (1/GeV)
    a_bend_hw: np.ndarray  # int64 (n_a,) the same in bend LSBs
    rec: np.ndarray  # float64 (n_layers, n_meas, n_a, n_b) receptors (measurement units)
    rec_hw: np.ndarray  # int64 (n_layers, n_meas, n_a, n_b) the same in coordinate LSBs
    roi: np.ndarray  # float64 (n_layers,) region-of-interest cut (measurement units)
    roi_hw: np.ndarray  # int64 (n_layers,) the same in coordinate LSBs
    sigma: np.ndarray  # float64 (n_layers,) receptor width (measurement units)
    lut: np.ndarray  # int64 (n_layers, lut_size) weight at LUT index d >> lut_shift (2D: d² >> lut_shift)
    lut_shift: np.ndarray  # int64 (n_layers,)


class Params(NamedTuple):
    """Scalars of one config."""

    max_hits: int  # hits processed per event; the rest are dropped
    max_tracks: int  # track slots per event
    coord_lsb: float  # measurement units per coordinate LSB
    bend_window: float  # bend filter |bend − a_bend| ≤ window (1/GeV); < 0: off
    bend_window_hw: np.int64  # the same in bend LSBs
    threshold: float  # least response of a maximum (float mode)
    threshold_hw: np.int64  # the same in accumulator units (fixed)
    acc_max: np.int64  # accumulator saturation, 2^acc_bits − 1
    centroid_frac_bits: int  # fraction bits F of the fixed centroid offsets
    assoc_weight: float  # least weight of an associated hit (float mode)
    assoc_hw: np.int64  # the same as a LUT weight (fixed)
    phi_wrap: bool  # full azimuth: b is cyclic, distances modulo the turn
    turn_hw: np.int64  # LSBs per turn (phi_wrap), else 0


class Buffers(NamedTuple):
    """Outputs of :func:`run_float` / :func:`run_fixed`; event ``e``'s tracks in slots
    ``e·max_tracks ...`` (the first ``ev_stats[e, 3]`` of them are written)."""

    ev_stats: np.ndarray  # int64 (n_events, 4): hits dropped, hits unreached, maxima, tracks written
    cell_a: np.ndarray  # int64 (n_events·max_tracks,) cell index i along a
    cell_b: np.ndarray  # int64 (n_events·max_tracks,) cell index j along b
    off_a: np.ndarray  # centroid offset in cells: float64, or int64 in units of 2^-F (fixed)
    off_b: np.ndarray  # the same along b
    quality: np.ndarray  # the response at the maximum: float64, or the int64 accumulator (fixed)
    keep_maps: bool  # write every event's map into ``maps``
    maps: np.ndarray  # (n_events or 0, n_a, n_b) float64 / int64


@nb.njit(cache=True, inline="always")
def _index_range(lo: float, hi: float, vmin: float, delta: float, n: int) -> tuple[int, int]:
    """Cell indices whose centres may lie in [lo, hi], widened by one cell each side."""
    if lo > hi:
        lo, hi = hi, lo
    i0 = int(math.ceil((lo - vmin) / delta - 0.5)) - 1
    i1 = int(math.floor((hi - vmin) / delta - 0.5)) + 1
    return max(i0, 0), min(i1, n - 1)


@nb.njit(cache=True, inline="always")
def _index_span_cyclic(lo: float, hi: float, vmin: float, delta: float, n: int) -> tuple[int, int]:
    """As :func:`_index_range` on a cyclic axis: unclipped indices (take them modulo ``n``),
    at most ``n`` of them so that no cell is visited twice."""
    if lo > hi:
        lo, hi = hi, lo
    i0 = int(math.ceil((lo - vmin) / delta - 0.5)) - 1
    i1 = int(math.floor((hi - vmin) / delta - 0.5)) + 1
    return i0, min(i1, i0 + n - 1)


@nb.njit(cache=True)
def _bend_range(bend: float | np.int64, a_bend: np.ndarray, win: float | np.int64) -> tuple[int, int]:
    """Cells along a whose q/pT lies within ``win`` of the stub's bend estimate (the bend
    filter; ``win < 0``: all). ``a_bend`` increases with the index, so the cells form one
    contiguous range (empty when the first index exceeds the second)."""
    n = a_bend.shape[0]
    if win < 0:
        return 0, n - 1
    # the same comparison as the association and the hardware: |bend − a_i| ≤ win
    ia = 0
    while ia < n and a_bend[ia] < bend and abs(bend - a_bend[ia]) > win:
        ia += 1
    ib = n - 1
    while ib >= 0 and a_bend[ib] > bend and abs(bend - a_bend[ib]) > win:
        ib -= 1
    return ia, ib


# ------------------------------------------------------------------------------------------
# accumulation
# ------------------------------------------------------------------------------------------
@nb.njit(cache=True)
def _accumulate_hit_float_cyclic(
    l: int, x: float, ia: int, ib: int, widen: float, cut: float, inv2s2: float, tab: Tables, acc: np.ndarray
) -> bool:
    """One φ hit (layer ``l``, columns ``ia..ib`` after the bend filter) on a full-azimuth
    grid: distances modulo 2π, cells along b modulo ``n_b``; returns whether it reached one."""
    H, c, rec, a_c, b_c = tab.H, tab.c, tab.rec, tab.a_c, tab.b_c
    n_a, n_b = acc.shape
    da, db = a_c[1] - a_c[0], b_c[1] - b_c[0]
    a0, b0 = a_c[0] - 0.5 * da, b_c[0] - 0.5 * db
    ha, hb, cc = H[l, 0, 0], H[l, 0, 1], c[l, 0]
    reached = False
    if tab.inner_a[l]:
        for j in range(n_b):
            v = wrap_diff(x - cc - hb * b_c[j])  # the bend part ha·a, less than a half turn
            i0, i1 = _index_range((v - widen) / ha, (v + widen) / ha, a0, da, n_a)
            for i in range(max(i0, ia), min(i1, ib) + 1):
                d = wrap_diff(x - rec[l, 0, i, j])
                if abs(d) <= cut:
                    acc[i, j] += math.exp(-d * d * inv2s2)
                    reached = True
    else:
        for i in range(ia, ib + 1):
            v = x - cc - ha * a_c[i]
            j0, j1 = _index_span_cyclic((v - widen) / hb, (v + widen) / hb, b0, db, n_b)
            for jj in range(j0, j1 + 1):
                j = jj % n_b
                d = wrap_diff(x - rec[l, 0, i, j])
                if abs(d) <= cut:
                    acc[i, j] += math.exp(-d * d * inv2s2)
                    reached = True
    return reached


@nb.njit(cache=True)
def _accumulate_hit_fixed_cyclic(
    l: int,
    xh: np.int64,
    ia: int,
    ib: int,
    widen: float,
    cut: np.int64,
    tab: Tables,
    par: Params,
    acc: np.ndarray,
) -> bool:
    """The fixed-point twin of :func:`_accumulate_hit_float_cyclic` (hit ``xh`` in LSBs,
    reduced into the turn): ``d = mod_centred(xh − receptor, TURN_HW)``."""
    H, c, rec, a_c, b_c = tab.H, tab.c, tab.rec_hw, tab.a_c, tab.b_c
    lut, sh = tab.lut, tab.lut_shift[l]
    lsb, acc_max, turn = par.coord_lsb, par.acc_max, par.turn_hw
    lut_top = lut.shape[1] - 1
    n_a, n_b = acc.shape
    da, db = a_c[1] - a_c[0], b_c[1] - b_c[0]
    a0, b0 = a_c[0] - 0.5 * da, b_c[0] - 0.5 * db
    ha, hb, cc = H[l, 0, 0], H[l, 0, 1], c[l, 0]
    x = xh * lsb
    reached = False
    if tab.inner_a[l]:
        for j in range(n_b):
            v = wrap_diff(x - cc - hb * b_c[j])
            i0, i1 = _index_range((v - widen) / ha, (v + widen) / ha, a0, da, n_a)
            for i in range(max(i0, ia), min(i1, ib) + 1):
                d = abs(mod_centred(xh - rec[l, 0, i, j], turn))
                if d <= cut:
                    acc[i, j] = min(acc[i, j] + lut[l, min(d >> sh, lut_top)], acc_max)
                    reached = True
    else:
        for i in range(ia, ib + 1):
            v = x - cc - ha * a_c[i]
            j0, j1 = _index_span_cyclic((v - widen) / hb, (v + widen) / hb, b0, db, n_b)
            for jj in range(j0, j1 + 1):
                j = jj % n_b
                d = abs(mod_centred(xh - rec[l, 0, i, j], turn))
                if d <= cut:
                    acc[i, j] = min(acc[i, j] + lut[l, min(d >> sh, lut_top)], acc_max)
                    reached = True
    return reached


@nb.njit(cache=True)
def _accumulate_event_float(
    layer: np.ndarray, meas: np.ndarray, bend: np.ndarray, n_use: int, tab: Tables, par: Params, acc: np.ndarray
) -> int:
    """Float response of one event (its hits ``layer``, ``meas``, ``bend``) into ``acc``
    (n_a, n_b); returns the hits reaching no cell."""
    H, c, rec, roi, sigma, inner_a, dev = tab.H, tab.c, tab.rec, tab.roi, tab.sigma, tab.inner_a, tab.model_dev
    a_c, b_c, a_bend = tab.a_c, tab.b_c, tab.a_bend
    lsb, bend_win, cyc = par.coord_lsb, par.bend_window, par.phi_wrap
    n_a, n_b = acc.shape
    n_meas = H.shape[1]
    da, db = a_c[1] - a_c[0], b_c[1] - b_c[0]
    a0, b0 = a_c[0] - 0.5 * da, b_c[0] - 0.5 * db
    unreached = 0
    for h in range(n_use):
        l = layer[h]
        cut = roi[l]
        widen = cut + lsb + dev[l]
        inv2s2 = 1.0 / (2.0 * sigma[l] * sigma[l])
        reached = False
        x = meas[h, 0]
        if n_meas == 1:
            ha, hb, cc = H[l, 0, 0], H[l, 0, 1], c[l, 0]
            ia, ib = _bend_range(bend[h], a_bend, bend_win)
            if cyc:
                reached = _accumulate_hit_float_cyclic(l, x, ia, ib, widen, cut, inv2s2, tab, acc)
            elif inner_a[l]:
                for j in range(n_b):
                    v = x - cc - hb * b_c[j]
                    i0, i1 = _index_range((v - widen) / ha, (v + widen) / ha, a0, da, n_a)
                    for i in range(max(i0, ia), min(i1, ib) + 1):
                        d = x - rec[l, 0, i, j]
                        if abs(d) <= cut:
                            acc[i, j] += math.exp(-d * d * inv2s2)
                            reached = True
            else:
                for i in range(ia, ib + 1):
                    v = x - cc - ha * a_c[i]
                    j0, j1 = _index_range((v - widen) / hb, (v + widen) / hb, b0, db, n_b)
                    for j in range(j0, j1 + 1):
                        d = x - rec[l, 0, i, j]
                        if abs(d) <= cut:
                            acc[i, j] += math.exp(-d * d * inv2s2)
                            reached = True
        else:
            y = meas[h, 1]
            i0, i1 = _index_range((x - c[l, 0] - widen) / H[l, 0, 0], (x - c[l, 0] + widen) / H[l, 0, 0], a0, da, n_a)
            j0, j1 = _index_range((y - c[l, 1] - widen) / H[l, 1, 1], (y - c[l, 1] + widen) / H[l, 1, 1], b0, db, n_b)
            cut2 = cut * cut
            for i in range(i0, i1 + 1):
                for j in range(j0, j1 + 1):
                    dx = x - rec[l, 0, i, j]
                    dy = y - rec[l, 1, i, j]
                    d2 = dx * dx + dy * dy
                    if d2 <= cut2:
                        acc[i, j] += math.exp(-d2 * inv2s2)
                        reached = True
        if not reached:
            unreached += 1
    return unreached


@nb.njit(cache=True)
def _accumulate_event_fixed(
    layer: np.ndarray, hw: np.ndarray, bend_hw: np.ndarray, n_use: int, tab: Tables, par: Params, acc: np.ndarray
) -> int:
    """Integer response of one event (its hits ``layer``, ``hw``: coordinates in LSBs,
    ``bend_hw``) into ``acc`` (n_a, n_b) int64; returns the hits reaching no cell."""
    H, c, rec, roi_hw, inner_a, dev = tab.H, tab.c, tab.rec_hw, tab.roi_hw, tab.inner_a, tab.model_dev
    lut, lut_shift, a_c, b_c, a_bend_hw = tab.lut, tab.lut_shift, tab.a_c, tab.b_c, tab.a_bend_hw
    lsb, bend_win_hw, acc_max, cyc = par.coord_lsb, par.bend_window_hw, par.acc_max, par.phi_wrap
    n_a, n_b = acc.shape
    n_meas = H.shape[1]
    lut_top = lut.shape[1] - 1
    da, db = a_c[1] - a_c[0], b_c[1] - b_c[0]
    a0, b0 = a_c[0] - 0.5 * da, b_c[0] - 0.5 * db
    unreached = 0
    for h in range(n_use):
        l = layer[h]
        cut = roi_hw[l]
        sh = lut_shift[l]
        # the range search runs in floats on the model; the exact cut is on integers
        widen = (cut + 2) * lsb + dev[l]
        reached = False
        xh = hw[h, 0]
        x = xh * lsb
        if n_meas == 1:
            ha, hb, cc = H[l, 0, 0], H[l, 0, 1], c[l, 0]
            ia, ib = _bend_range(bend_hw[h], a_bend_hw, bend_win_hw)
            if cyc:
                reached = _accumulate_hit_fixed_cyclic(l, xh, ia, ib, widen, cut, tab, par, acc)
            elif inner_a[l]:
                for j in range(n_b):
                    v = x - cc - hb * b_c[j]
                    i0, i1 = _index_range((v - widen) / ha, (v + widen) / ha, a0, da, n_a)
                    for i in range(max(i0, ia), min(i1, ib) + 1):
                        d = abs(xh - rec[l, 0, i, j])
                        if d <= cut:
                            idx = min(d >> sh, lut_top)
                            acc[i, j] = min(acc[i, j] + lut[l, idx], acc_max)
                            reached = True
            else:
                for i in range(ia, ib + 1):
                    v = x - cc - ha * a_c[i]
                    j0, j1 = _index_range((v - widen) / hb, (v + widen) / hb, b0, db, n_b)
                    for j in range(j0, j1 + 1):
                        d = abs(xh - rec[l, 0, i, j])
                        if d <= cut:
                            idx = min(d >> sh, lut_top)
                            acc[i, j] = min(acc[i, j] + lut[l, idx], acc_max)
                            reached = True
        else:
            yh = hw[h, 1]
            y = yh * lsb
            i0, i1 = _index_range((x - c[l, 0] - widen) / H[l, 0, 0], (x - c[l, 0] + widen) / H[l, 0, 0], a0, da, n_a)
            j0, j1 = _index_range((y - c[l, 1] - widen) / H[l, 1, 1], (y - c[l, 1] + widen) / H[l, 1, 1], b0, db, n_b)
            cut2 = cut * cut
            for i in range(i0, i1 + 1):
                for j in range(j0, j1 + 1):
                    dx = xh - rec[l, 0, i, j]
                    dy = yh - rec[l, 1, i, j]
                    d2 = dx * dx + dy * dy
                    if d2 <= cut2:
                        idx = min(d2 >> sh, lut_top)
                        acc[i, j] = min(acc[i, j] + lut[l, idx], acc_max)
                        reached = True
        if not reached:
            unreached += 1
    return unreached


FLOAT_TIE_TOL = 1e-9  # relative: float responses this close are ties (summation rounding)


# ------------------------------------------------------------------------------------------
# maxima and centroid (generic over float64 / int64 maps)
# ------------------------------------------------------------------------------------------
@nb.njit(cache=True)
def _is_local_max(
    acc: np.ndarray, i: int, j: int, thr: float | np.int64, rel_tol: float = 0.0, cyclic_b: bool = False
) -> bool:
    """Threshold plus the tie rule: > neighbours earlier in raster order, >= later ones.

    ``cyclic_b`` (full azimuth): the neighbours along b wrap around (cell ``n_b − 1`` is
    next to cell 0); "earlier" goes by the offset (``di < 0``, or ``di = 0, dj < 0``), so
    each pair of neighbours is ordered the same way from both sides.

    ``rel_tol`` (float mode only) treats values within ``rel_tol·v`` as equal: sums of the
    same weights in another order differ by rounding, and an exact tie (e.g. a track at
    tx = 0 between two symmetric cells) must be broken by the rule, not by rounding.
    """
    n_a, n_b = acc.shape
    v = acc[i, j]
    if v < thr:
        return False
    eps = v * rel_tol
    for di in range(-1, 2):
        for dj in range(-1, 2):
            if di == 0 and dj == 0:
                continue
            ii, jj = i + di, j + dj
            if cyclic_b:
                jj %= n_b
            if ii < 0 or ii >= n_a or jj < 0 or jj >= n_b:
                continue  # outside the grid counts as 0, and v >= thr > 0
            u = acc[ii, jj]
            earlier = di < 0 or (di == 0 and dj < 0)
            if earlier:
                if not v > u + eps:
                    return False
            elif not v >= u - eps:
                return False
    return True


@nb.njit(cache=True)
def _axis_sums(acc: np.ndarray, i: int, j: int, along_a: bool, cyclic_b: bool = False) -> tuple:
    """(Σ k·(R_k − m), Σ (R_k − m)) over the 3 cells k = −1, 0, 1 through (i, j) along one
    axis, m = their minimum (the pedestal); cells outside the grid are 0 (along a cyclic b
    there is no outside)."""
    n_a, n_b = acc.shape
    v0 = acc[i, j] * 0
    r_m = v0
    r_p = v0
    if along_a:
        if i > 0:
            r_m = acc[i - 1, j]
        if i < n_a - 1:
            r_p = acc[i + 1, j]
    elif cyclic_b:
        r_m = acc[i, (j - 1) % n_b]
        r_p = acc[i, (j + 1) % n_b]
    else:
        if j > 0:
            r_m = acc[i, j - 1]
        if j < n_b - 1:
            r_p = acc[i, j + 1]
    r_0 = acc[i, j]
    m = min(r_m, r_0, r_p)
    return (r_p - m) - (r_m - m), (r_m - m) + (r_0 - m) + (r_p - m)


@nb.njit(cache=True, inline="always")
def _count_at_least(row: np.ndarray, thr: float | np.int64) -> int:
    """Cells of ``row`` at least ``thr`` (no early exit, so the loop vectorises)."""
    n = 0
    for j in range(row.shape[0]):
        n += row[j] >= thr
    return n


@nb.njit(cache=True)
def _find_tracks(
    acc: np.ndarray,
    thr: float | np.int64,
    max_tracks: int,
    frac_bits: int,
    fixed: bool,
    t_i: np.ndarray,
    t_j: np.ndarray,
    t_off_a: np.ndarray,
    t_off_b: np.ndarray,
    t_q: np.ndarray,
    cyclic_b: bool = False,
) -> int:
    """Scan the map in raster order; write up to ``max_tracks``; return the number of maxima."""
    n_a, n_b = acc.shape
    rel_tol = 0.0 if fixed else FLOAT_TIE_TOL
    n_max = 0
    for i in range(n_a):
        if _count_at_least(acc[i], thr) == 0:
            continue  # most rows have no cell at the threshold: a branch-free count skips them
        for j in range(n_b):
            # almost every cell fails the threshold: test it before the neighbours
            if acc[i, j] < thr or not _is_local_max(acc, i, j, thr, rel_tol, cyclic_b):
                continue
            if n_max < max_tracks:
                num_a, den_a = _axis_sums(acc, i, j, True, cyclic_b)
                num_b, den_b = _axis_sums(acc, i, j, False, cyclic_b)
                t_i[n_max], t_j[n_max] = i, j
                t_q[n_max] = acc[i, j]
                if fixed:
                    t_off_a[n_max] = div_trunc(int(num_a) << frac_bits, int(den_a)) if den_a > 0 else 0
                    t_off_b[n_max] = div_trunc(int(num_b) << frac_bits, int(den_b)) if den_b > 0 else 0
                else:
                    t_off_a[n_max] = num_a / den_a if den_a > 0 else 0.0
                    t_off_b[n_max] = num_b / den_b if den_b > 0 else 0.0
            n_max += 1
    return n_max


# ------------------------------------------------------------------------------------------
# per-sample drivers, parallel over events
# ------------------------------------------------------------------------------------------
@nb.njit(cache=True)
def _store_event(
    e: int,
    n_hits: int,
    n_use: int,
    unreached: int,
    acc: np.ndarray,
    thr: float | np.int64,
    fixed: bool,
    par: Params,
    out: Buffers,
) -> None:
    """Maxima of event ``e``'s map into its track slots, and its counters (both modes)."""
    max_tracks = par.max_tracks
    s = e * max_tracks
    n_max = _find_tracks(
        acc,
        thr,
        max_tracks,
        par.centroid_frac_bits,
        fixed,
        out.cell_a[s : s + max_tracks],
        out.cell_b[s : s + max_tracks],
        out.off_a[s : s + max_tracks],
        out.off_b[s : s + max_tracks],
        out.quality[s : s + max_tracks],
        par.phi_wrap,
    )
    out.ev_stats[e, 0] = n_hits - n_use  # hits dropped by the capacity
    out.ev_stats[e, 1] = unreached
    out.ev_stats[e, 2] = n_max
    out.ev_stats[e, 3] = min(n_max, max_tracks)
    if out.keep_maps:
        out.maps[e] = acc


@nb.njit(parallel=True, cache=True)
def run_float(hits: Hits, tab: Tables, par: Params, out: Buffers) -> None:
    """Every event in float arithmetic (``hits.meas``, ``hits.bend``) into ``out``."""
    # The outputs are written by _store_event, which takes the bundle. In a prange body
    # numba's parfor pass drops writes to an array it cannot trace back to an argument:
    # one indexed through the bundle (out.maps[e] = ...) or unpacked with others as a
    # tuple (a, b, c, d = out.a, ...) is such a case (numba#5872, #7135). Reads are safe.
    offsets, layer, meas, bend = hits.offsets, hits.layer, hits.meas, hits.bend
    max_hits, thr = par.max_hits, par.threshold
    n_ev = offsets.shape[0] - 1
    n_a, n_b = tab.a_c.shape[0], tab.b_c.shape[0]
    n_blk = n_blocks(n_ev)
    for blk in nb.prange(n_blk):
        acc = np.empty((n_a, n_b))  # one map per block of events, not per event
        e0, e1 = block_events(blk, n_blk, n_ev)
        for e in range(e0, e1):
            h0, h1 = offsets[e], offsets[e + 1]
            n_use = min(h1 - h0, max_hits)
            acc[:] = 0.0
            unreached = _accumulate_event_float(layer[h0:h1], meas[h0:h1], bend[h0:h1], n_use, tab, par, acc)
            _store_event(e, h1 - h0, n_use, unreached, acc, thr, False, par, out)


@nb.njit(parallel=True, cache=True)
def run_fixed(hits: Hits, tab: Tables, par: Params, out: Buffers) -> None:
    """Every event in integer arithmetic (``hits.coord_hw``, ``hits.bend_hw``) into ``out``."""
    # outputs written by _store_event only (see run_float)
    offsets, layer, hw, bend_hw = hits.offsets, hits.layer, hits.coord_hw, hits.bend_hw
    max_hits, thr = par.max_hits, par.threshold_hw
    n_ev = offsets.shape[0] - 1
    n_a, n_b = tab.a_c.shape[0], tab.b_c.shape[0]
    n_blk = n_blocks(n_ev)
    for blk in nb.prange(n_blk):
        acc = np.empty((n_a, n_b), dtype=np.int64)  # one map per block of events (see run_float)
        e0, e1 = block_events(blk, n_blk, n_ev)
        for e in range(e0, e1):
            h0, h1 = offsets[e], offsets[e + 1]
            n_use = min(h1 - h0, max_hits)
            acc[:] = 0
            unreached = _accumulate_event_fixed(layer[h0:h1], hw[h0:h1], bend_hw[h0:h1], n_use, tab, par, acc)
            _store_event(e, h1 - h0, n_use, unreached, acc, thr, True, par, out)


ASSOC_MARGIN = 1e-9  # relative: widens the float search window beyond any rounding of the cut


@nb.njit(cache=True, inline="always")
def _assoc_weight(hits: Hits, tab: Tables, par: Params, fixed: bool, g: int, i: int, j: int) -> float:
    """The association weight of hit ``g`` (flat index) in cell (i, j): the LUT weight
    (fixed) or the Gaussian (float) if the hit passes the bend filter and the cut and the
    weight reaches the association level, else −1."""
    l = hits.layer[g]
    n_meas = tab.rec.shape[1]
    w = -1.0
    if fixed:
        if par.bend_window_hw >= 0 and abs(hits.bend_hw[g] - tab.a_bend_hw[i]) > par.bend_window_hw:
            return -1.0
        rec_hw, roi_hw, lut, sh = tab.rec_hw, tab.roi_hw[l], tab.lut, tab.lut_shift[l]
        lut_top = lut.shape[1] - 1
        if n_meas == 1:
            d = hits.coord_hw[g, 0] - rec_hw[l, 0, i, j]
            if par.phi_wrap:
                d = mod_centred(d, par.turn_hw)
            d = abs(d)
            if d <= roi_hw:
                w = float(lut[l, min(d >> sh, lut_top)])
        else:
            dx = hits.coord_hw[g, 0] - rec_hw[l, 0, i, j]
            dy = hits.coord_hw[g, 1] - rec_hw[l, 1, i, j]
            d2 = dx * dx + dy * dy
            if d2 <= roi_hw * roi_hw:
                w = float(lut[l, min(d2 >> sh, lut_top)])
        if w < par.assoc_hw:
            w = -1.0
    else:
        if par.bend_window >= 0 and abs(hits.bend[g] - tab.a_bend[i]) > par.bend_window:
            return -1.0
        d2f = 0.0
        for m in range(n_meas):
            dm = hits.meas[g, m] - tab.rec[l, m, i, j]
            if par.phi_wrap:
                dm = wrap_diff(dm)
            d2f += dm * dm
        roi, sigma = tab.roi[l], tab.sigma[l]
        if d2f <= roi * roi:
            w = math.exp(-d2f / (2.0 * sigma * sigma))
            if w < par.assoc_weight:
                w = -1.0
    return w


@nb.njit(cache=True)
def _sort_hits(
    x: np.ndarray, layer: np.ndarray, n_layers: int, order: np.ndarray, xs: np.ndarray, lay_off: np.ndarray
) -> None:
    """The hits (event-local) by layer, then by ``x``: ``order`` the hit indices, ``xs``
    their ``x``; layer ``l`` holds positions ``lay_off[l]:lay_off[l + 1]``. (The order of
    equal ``x`` does not matter: the association breaks ties by hit index.)"""
    lay_off[:] = 0
    for h in range(x.shape[0]):
        lay_off[layer[h] + 1] += 1
    for l in range(n_layers):
        lay_off[l + 1] += lay_off[l]
    fill = lay_off[:-1].copy()
    for h in range(x.shape[0]):  # by layer first (a counting sort), then each layer by x
        order[fill[layer[h]]] = h
        fill[layer[h]] += 1
    for l in range(n_layers):
        p0, p1 = lay_off[l], lay_off[l + 1]
        hs = order[p0:p1]
        by_x = np.argsort(x[hs])
        order[p0:p1] = hs[by_x]
        xs[p0:p1] = x[order[p0:p1]]


@nb.njit(cache=True, inline="always")
def _first_at_least(xs: np.ndarray, p0: int, p1: int, v: float) -> int:
    """The first position in ``p0:p1`` (sorted) whose value is at least ``v`` (``p1`` if none)."""
    lo, hi = p0, p1
    while lo < hi:
        mid = (lo + hi) >> 1
        if xs[mid] < v:
            lo = mid + 1
        else:
            hi = mid
    return lo


@nb.njit(cache=True, inline="always")
def _best_on_layer(
    hits: Hits,
    tab: Tables,
    par: Params,
    fixed: bool,
    h0: int,
    order: np.ndarray,
    xs: np.ndarray,
    p0: int,
    p1: int,
    l: int,
    i: int,
    j: int,
) -> int:
    """The hit of largest association weight on layer ``l`` (positions ``p0:p1`` of
    ``order``, ``xs``: sorted by the first measurement) in cell (i, j), the first in input
    order on ties; −1 for none. Only the hits whose first measurement lies within the cut
    of the receptor (or a turn away, with ``phi_wrap``) can pass, so only those are weighed."""
    if p0 == p1:
        return -1
    if fixed:
        r = float(tab.rec_hw[l, 0, i, j])
        half = float(tab.roi_hw[l])  # |dx| <= the cut, exactly (integers)
        turn = float(par.turn_hw)
    else:
        r = tab.rec[l, 0, i, j]
        half = tab.roi[l] + ASSOC_MARGIN * (tab.roi[l] + abs(r) + 1.0)
        turn = TWO_PI
    k0, k1 = 0, 0
    if par.phi_wrap:  # the windows a turn apart that meet the layer's hits
        k0 = int(math.floor((xs[p0] - r - half) / turn)) - 1
        k1 = int(math.ceil((xs[p1 - 1] - r + half) / turn)) + 1
    best_w, best_h = -1.0, -1
    for k in range(k0, k1 + 1):
        lo = r - half + k * turn if par.phi_wrap else r - half
        hi = r + half + k * turn if par.phi_wrap else r + half
        s = _first_at_least(xs, p0, p1, lo)
        while s < p1 and xs[s] <= hi:
            h = order[s]
            w = _assoc_weight(hits, tab, par, fixed, h0 + h, i, j)
            # the input-order scan's rule: the larger weight, the earlier hit on ties
            if w > best_w or (w == best_w and best_h >= 0 and h < best_h):
                best_w, best_h = w, h
            s += 1
    return best_h


@nb.njit(parallel=True, cache=True)
def associate(
    hits: Hits,
    tab: Tables,
    par: Params,
    fixed: bool,
    trk_off: np.ndarray,
    t_i: np.ndarray,
    t_j: np.ndarray,
    best: np.ndarray,
) -> None:
    """Per track and layer, the processed hit of largest weight in the track's cell (the
    first in input order on ties), kept when that weight reaches the association level.

    The tracks of event ``e`` are ``trk_off[e]:trk_off[e + 1]``, in cells ``(t_i, t_j)``;
    ``best[t, l]`` receives track ``t``'s hit on layer ``l`` (index within the event), or
    −1. The event's hits are sorted by layer and first measurement once, so a track weighs
    only the hits near its receptors instead of every hit.
    """
    # writes go to best, a plain argument (see run_float on bundles in prange)
    offsets, layer, max_hits = hits.offsets, hits.layer, par.max_hits
    n_ev = offsets.shape[0] - 1
    n_layers = tab.rec.shape[0]
    for e in nb.prange(n_ev):
        t0, t1 = trk_off[e], trk_off[e + 1]
        if t0 == t1:
            continue
        h0 = offsets[e]
        n_use = min(offsets[e + 1] - h0, max_hits)
        x = np.empty(n_use)
        for h in range(n_use):  # float64 holds the integer coordinates exactly
            x[h] = hits.coord_hw[h0 + h, 0] if fixed else hits.meas[h0 + h, 0]
        order = np.empty(n_use, dtype=np.int64)
        xs = np.empty(n_use)
        lay_off = np.empty(n_layers + 1, dtype=np.int64)
        _sort_hits(x, layer[h0 : h0 + n_use], n_layers, order, xs, lay_off)
        for t in range(t0, t1):
            for l in range(n_layers):
                p0, p1 = lay_off[l], lay_off[l + 1]
                best[t, l] = _best_on_layer(hits, tab, par, fixed, h0, order, xs, p0, p1, l, t_i[t], t_j[t])

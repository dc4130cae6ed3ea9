"""Numba kernels of the retina: sparse accumulation, local maxima, centroid, association.

Each hit visits only the cells of its region of interest: for each index of the outer
parameter, the range of the inner parameter whose receptors can lie within the cut is
computed from the linear model (widened by a cell and an LSB), and the exact cut is then
applied cell by cell; so the result equals a dense cells × hits loop with the same cut
(the benchmark checks this against a dense numpy implementation).

The float and fixed kernels share the structure; only the arithmetic differs (see
:mod:`fasttrack.retina.config` for the integer semantics).
"""

from __future__ import annotations

import math

import numba as nb
import numpy as np

from ..fixed import div_trunc


@nb.njit(cache=True, inline="always")
def _index_range(lo: float, hi: float, vmin: float, delta: float, n: int) -> tuple[int, int]:
    """Cell indices whose centres may lie in [lo, hi], widened by one cell each side."""
    if lo > hi:
        lo, hi = hi, lo
    i0 = int(math.ceil((lo - vmin) / delta - 0.5)) - 1
    i1 = int(math.floor((hi - vmin) / delta - 0.5)) + 1
    return max(i0, 0), min(i1, n - 1)


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
def _accumulate_event_float(
    layer: np.ndarray,
    meas: np.ndarray,
    n_use: int,
    H: np.ndarray,
    c: np.ndarray,
    rec: np.ndarray,
    roi: np.ndarray,
    sigma: np.ndarray,
    inner_a: np.ndarray,
    lsb: float,
    dev: np.ndarray,
    a_c: np.ndarray,
    b_c: np.ndarray,
    bend: np.ndarray,
    a_bend: np.ndarray,
    bend_win: float,
    acc: np.ndarray,
) -> int:
    """Float response of one event into ``acc`` (n_a, n_b); returns hits reaching no cell."""
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
            if inner_a[l]:
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
    layer: np.ndarray,
    hw: np.ndarray,
    n_use: int,
    H: np.ndarray,
    c: np.ndarray,
    rec: np.ndarray,
    roi_hw: np.ndarray,
    lut: np.ndarray,
    lut_shift: np.ndarray,
    inner_a: np.ndarray,
    lsb: float,
    dev: np.ndarray,
    a_c: np.ndarray,
    b_c: np.ndarray,
    bend_hw: np.ndarray,
    a_bend_hw: np.ndarray,
    bend_win_hw: np.int64,
    acc_max: np.int64,
    acc: np.ndarray,
) -> int:
    """Integer response of one event into ``acc`` (n_a, n_b) int64; returns unreached hits."""
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
            if inner_a[l]:
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
def _is_local_max(acc: np.ndarray, i: int, j: int, thr: float | np.int64, rel_tol: float = 0.0) -> bool:
    """Threshold plus the tie rule: > neighbours earlier in raster order, >= later ones.

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
def _axis_sums(acc: np.ndarray, i: int, j: int, along_a: bool) -> tuple:
    """(Σ k·(R_k − m), Σ (R_k − m)) over the 3 cells k = −1, 0, 1 through (i, j) along one
    axis, m = their minimum (the pedestal); cells outside the grid are 0."""
    n_a, n_b = acc.shape
    v0 = acc[i, j] * 0
    r_m = v0
    r_p = v0
    if along_a:
        if i > 0:
            r_m = acc[i - 1, j]
        if i < n_a - 1:
            r_p = acc[i + 1, j]
    else:
        if j > 0:
            r_m = acc[i, j - 1]
        if j < n_b - 1:
            r_p = acc[i, j + 1]
    r_0 = acc[i, j]
    m = min(r_m, r_0, r_p)
    return (r_p - m) - (r_m - m), (r_m - m) + (r_0 - m) + (r_p - m)


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
) -> int:
    """Scan the map in raster order; write up to ``max_tracks``; return the number of maxima."""
    n_a, n_b = acc.shape
    n_max = 0
    for i in range(n_a):
        for j in range(n_b):
            if not _is_local_max(acc, i, j, thr, 0.0 if fixed else FLOAT_TIE_TOL):
                continue
            if n_max < max_tracks:
                num_a, den_a = _axis_sums(acc, i, j, True)
                num_b, den_b = _axis_sums(acc, i, j, False)
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
@nb.njit(parallel=True, cache=True)
def run_float(
    offsets: np.ndarray,
    layer: np.ndarray,
    meas: np.ndarray,
    max_hits: int,
    H: np.ndarray,
    c: np.ndarray,
    rec: np.ndarray,
    roi: np.ndarray,
    sigma: np.ndarray,
    inner_a: np.ndarray,
    lsb: float,
    dev: np.ndarray,
    a_c: np.ndarray,
    b_c: np.ndarray,
    bend: np.ndarray,
    a_bend: np.ndarray,
    bend_win: float,
    thr: float,
    max_tracks: int,
    ev_stats: np.ndarray,
    t_i: np.ndarray,
    t_j: np.ndarray,
    t_off_a: np.ndarray,
    t_off_b: np.ndarray,
    t_q: np.ndarray,
    keep_maps: bool,
    maps: np.ndarray,
) -> None:
    n_ev = offsets.shape[0] - 1
    n_a, n_b = a_c.shape[0], b_c.shape[0]
    for e in nb.prange(n_ev):
        h0, h1 = offsets[e], offsets[e + 1]
        n_use = min(h1 - h0, max_hits)
        acc = np.zeros((n_a, n_b))
        unreached = _accumulate_event_float(
            layer[h0:h1],
            meas[h0:h1],
            n_use,
            H,
            c,
            rec,
            roi,
            sigma,
            inner_a,
            lsb,
            dev,
            a_c,
            b_c,
            bend[h0:h1],
            a_bend,
            bend_win,
            acc,
        )
        s = e * max_tracks
        n_max = _find_tracks(
            acc,
            thr,
            max_tracks,
            0,
            False,
            t_i[s : s + max_tracks],
            t_j[s : s + max_tracks],
            t_off_a[s : s + max_tracks],
            t_off_b[s : s + max_tracks],
            t_q[s : s + max_tracks],
        )
        ev_stats[e, 0] = (h1 - h0) - n_use  # hits dropped by the capacity
        ev_stats[e, 1] = unreached
        ev_stats[e, 2] = n_max
        ev_stats[e, 3] = min(n_max, max_tracks)
        if keep_maps:
            maps[e] = acc


@nb.njit(parallel=True, cache=True)
def run_fixed(
    offsets: np.ndarray,
    layer: np.ndarray,
    hw: np.ndarray,
    max_hits: int,
    H: np.ndarray,
    c: np.ndarray,
    rec: np.ndarray,
    roi_hw: np.ndarray,
    lut: np.ndarray,
    lut_shift: np.ndarray,
    inner_a: np.ndarray,
    lsb: float,
    dev: np.ndarray,
    a_c: np.ndarray,
    b_c: np.ndarray,
    bend_hw: np.ndarray,
    a_bend_hw: np.ndarray,
    bend_win_hw: np.int64,
    acc_max: np.int64,
    thr: np.int64,
    max_tracks: int,
    frac_bits: int,
    ev_stats: np.ndarray,
    t_i: np.ndarray,
    t_j: np.ndarray,
    t_off_a: np.ndarray,
    t_off_b: np.ndarray,
    t_q: np.ndarray,
    keep_maps: bool,
    maps: np.ndarray,
) -> None:
    n_ev = offsets.shape[0] - 1
    n_a, n_b = a_c.shape[0], b_c.shape[0]
    for e in nb.prange(n_ev):
        h0, h1 = offsets[e], offsets[e + 1]
        n_use = min(h1 - h0, max_hits)
        acc = np.zeros((n_a, n_b), dtype=np.int64)
        unreached = _accumulate_event_fixed(
            layer[h0:h1],
            hw[h0:h1],
            n_use,
            H,
            c,
            rec,
            roi_hw,
            lut,
            lut_shift,
            inner_a,
            lsb,
            dev,
            a_c,
            b_c,
            bend_hw[h0:h1],
            a_bend_hw,
            bend_win_hw,
            acc_max,
            acc,
        )
        s = e * max_tracks
        n_max = _find_tracks(
            acc,
            thr,
            max_tracks,
            frac_bits,
            True,
            t_i[s : s + max_tracks],
            t_j[s : s + max_tracks],
            t_off_a[s : s + max_tracks],
            t_off_b[s : s + max_tracks],
            t_q[s : s + max_tracks],
        )
        ev_stats[e, 0] = (h1 - h0) - n_use
        ev_stats[e, 1] = unreached
        ev_stats[e, 2] = n_max
        ev_stats[e, 3] = min(n_max, max_tracks)
        if keep_maps:
            maps[e] = acc


@nb.njit(parallel=True, cache=True)
def associate(
    offsets: np.ndarray,
    layer: np.ndarray,
    meas: np.ndarray,
    hw: np.ndarray,
    max_hits: int,
    fixed: bool,
    rec_f: np.ndarray,
    rec_hw: np.ndarray,
    roi: np.ndarray,
    roi_hw: np.ndarray,
    sigma: np.ndarray,
    lut: np.ndarray,
    lut_shift: np.ndarray,
    assoc_f: float,
    assoc_hw: np.int64,
    trk_off: np.ndarray,
    t_i: np.ndarray,
    t_j: np.ndarray,
    bend: np.ndarray,
    a_bend: np.ndarray,
    bend_win: float,
    bend_hw: np.ndarray,
    a_bend_hw: np.ndarray,
    bend_win_hw: np.int64,
    count_only: bool,
    a_off: np.ndarray,
    out_hit: np.ndarray,
) -> None:
    """Per track and layer, the processed hit of largest weight in the track's cell (the
    first in input order on ties), kept when that weight reaches the association level.

    Pass 1 (``count_only``) writes counts per track into ``a_off[t + 1]``; pass 2 writes
    hit indices (within the event, in layer order) into ``out_hit[a_off[t]:a_off[t+1]]``.
    """
    n_ev = offsets.shape[0] - 1
    n_meas = rec_f.shape[1]
    n_layers = rec_f.shape[0]
    lut_top = lut.shape[1] - 1
    for e in nb.prange(n_ev):
        h0, h1 = offsets[e], offsets[e + 1]
        n_use = min(h1 - h0, max_hits)
        best_w = np.zeros(n_layers)
        best_h = np.zeros(n_layers, dtype=np.int64)
        for t in range(trk_off[e], trk_off[e + 1]):
            i, j = t_i[t], t_j[t]
            best_w[:] = -1.0
            best_h[:] = -1
            for h in range(n_use):
                l = layer[h0 + h]
                w = -1.0
                if fixed:
                    if bend_win_hw >= 0 and abs(bend_hw[h0 + h] - a_bend_hw[i]) > bend_win_hw:
                        continue
                elif bend_win >= 0 and abs(bend[h0 + h] - a_bend[i]) > bend_win:
                    continue
                if fixed:
                    if n_meas == 1:
                        d = abs(hw[h0 + h, 0] - rec_hw[l, 0, i, j])
                        if d <= roi_hw[l]:
                            w = float(lut[l, min(d >> lut_shift[l], lut_top)])
                    else:
                        dx = hw[h0 + h, 0] - rec_hw[l, 0, i, j]
                        dy = hw[h0 + h, 1] - rec_hw[l, 1, i, j]
                        d2 = dx * dx + dy * dy
                        if d2 <= roi_hw[l] * roi_hw[l]:
                            w = float(lut[l, min(d2 >> lut_shift[l], lut_top)])
                    if w < assoc_hw:
                        w = -1.0
                else:
                    d2f = 0.0
                    for m in range(n_meas):
                        dm = meas[h0 + h, m] - rec_f[l, m, i, j]
                        d2f += dm * dm
                    if d2f <= roi[l] * roi[l]:
                        w = math.exp(-d2f / (2.0 * sigma[l] * sigma[l]))
                        if w < assoc_f:
                            w = -1.0
                if w > best_w[l]:
                    best_w[l] = w
                    best_h[l] = h
            k = 0
            for l in range(n_layers):
                if best_h[l] >= 0:
                    if not count_only:
                        out_hit[a_off[t] + k] = best_h[l]
                    k += 1
            if count_only:
                a_off[t + 1] = k

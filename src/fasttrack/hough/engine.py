"""Numba kernels of the Hough transform: filling, candidates, duplicate removal, mini-Hough.

Each hit visits every column once and fills only the bins its line crosses there (at
most ``max_bins_per_column``): ``n_a`` steps per hit, never the whole array. The float and
fixed kernels share everything but the arithmetic of the bin range.
"""

from __future__ import annotations

import math

import numba as nb
import numpy as np


@nb.njit(cache=True, inline="always")
def _popcount(x: np.int64) -> int:
    n = 0
    while x:
        x &= x - 1
        n += 1
    return n


@nb.njit(cache=True)
def _bin_range_fixed(hw: np.int64, s0: np.int64, s1: np.int64, b_min_hw: np.int64, bin_shift: int) -> tuple:
    """Bins crossed by the line between the column edges (fixed): ``(b − b_min) >> shift``."""
    e0 = hw - s0 - b_min_hw
    e1 = hw - s1 - b_min_hw
    lo = min(e0, e1) >> bin_shift  # arithmetic shift: floor division by 2^shift
    hi = max(e0, e1) >> bin_shift
    return lo, hi


@nb.njit(cache=True)
def _bin_range_float(m: float, s0: float, s1: float, b_min: float, db: float) -> tuple:
    e0 = (m - s0 - b_min) / db
    e1 = (m - s1 - b_min) / db
    return int(math.floor(min(e0, e1))), int(math.floor(max(e0, e1)))


@nb.njit(cache=True)
def _fill_event(
    layer: np.ndarray,
    hw: np.ndarray,
    meas: np.ndarray,
    bend_hw: np.ndarray,
    bend: np.ndarray,
    n_use: int,
    fixed: bool,
    shift_hw: np.ndarray,
    shift_f: np.ndarray,
    b_min_hw: np.int64,
    bin_shift: int,
    b_min: float,
    db: float,
    cap: int,
    a_bend_hw: np.ndarray,
    a_bend: np.ndarray,
    bend_win_hw: np.int64,
    bend_win: float,
    max_list: int,
    mask: np.ndarray,
    count: np.ndarray,
    lists: np.ndarray,
    stats: np.ndarray,
) -> None:
    """Fill one event's layer masks and hit lists. ``stats``: [fills capped, list overflows,
    hits that filled no cell]."""
    n_a, n_b = mask.shape
    for h in range(n_use):
        l = layer[h]
        filled = False
        for i in range(n_a):
            if fixed:
                if bend_win_hw >= 0 and abs(bend_hw[h] - a_bend_hw[i]) > bend_win_hw:
                    continue
                lo, hi = _bin_range_fixed(hw[h], shift_hw[l, i], shift_hw[l, i + 1], b_min_hw, bin_shift)
            else:
                if bend_win >= 0 and abs(bend[h] - a_bend[i]) > bend_win:
                    continue
                lo, hi = _bin_range_float(meas[h], shift_f[l, i], shift_f[l, i + 1], b_min, db)
            lo = max(lo, 0)
            hi = min(hi, n_b - 1)
            if lo > hi:
                continue
            last = min(hi, lo + cap - 1)
            stats[0] += hi - last  # bins beyond the firmware cap
            for j in range(lo, last + 1):
                mask[i, j] |= np.int64(1) << l
                k = count[i, j]
                if k < max_list:
                    lists[i, j, k] = h
                else:
                    stats[1] += 1
                count[i, j] = k + 1
                filled = True
        if not filled:
            stats[2] += 1


@nb.njit(cache=True)
def _is_localmax(nl: np.ndarray, i: int, j: int) -> bool:
    """Layer count at least as large as the later neighbours, larger than the earlier ones."""
    n_a, n_b = nl.shape
    v = nl[i, j]
    for di in range(-1, 2):
        for dj in range(-1, 2):
            if di == 0 and dj == 0:
                continue
            ii, jj = i + di, j + dj
            if ii < 0 or ii >= n_a or jj < 0 or jj >= n_b:
                continue
            u = nl[ii, jj]
            if di < 0 or (di == 0 and dj < 0):
                if not v > u:
                    return False
            elif not v >= u:
                return False
    return True


@nb.njit(cache=True)
def _mini_fill(
    cell_hits: np.ndarray,
    n_hits: int,
    layer: np.ndarray,
    hw: np.ndarray,
    meas: np.ndarray,
    fixed: bool,
    sub_shift_hw: np.ndarray,
    sub_shift_f: np.ndarray,
    i: int,
    j: int,
    b_min_hw: np.int64,
    bin_shift: int,
    b_min: float,
    db: float,
    cap: int,
    sub_mask: np.ndarray,
    sub_count: np.ndarray,
    sub_lists: np.ndarray,
) -> None:
    """Refill cell (i, j) split 2×2 with its listed hits: sub-columns 2i, 2i+1 (edges from
    the sub-column table) and half-width bins 2j, 2j+1; the same cap per sub-column."""
    sub_mask[:, :] = 0
    sub_count[:, :] = 0
    for k in range(n_hits):
        h = cell_hits[k]
        l = layer[h]
        for si in range(2):
            c = 2 * i + si
            if fixed:
                lo, hi = _bin_range_fixed(hw[h], sub_shift_hw[l, c], sub_shift_hw[l, c + 1], b_min_hw, bin_shift - 1)
            else:
                lo, hi = _bin_range_float(meas[h], sub_shift_f[l, c], sub_shift_f[l, c + 1], b_min, db / 2.0)
            lo = max(lo, 2 * j)
            hi = min(hi, 2 * j + 1)
            last = min(hi, lo + cap - 1)
            for sj in range(lo - 2 * j, last - 2 * j + 1):
                sub_mask[si, sj] |= np.int64(1) << l
                sub_lists[si, sj, sub_count[si, sj]] = h
                sub_count[si, sj] += 1


@nb.njit(cache=True)
def _shared(a: np.ndarray, na: int, b: np.ndarray, nb_: int) -> int:
    """Number of hits two candidates' lists have in common (lists in input order)."""
    n = 0
    for x in range(na):
        for y in range(nb_):
            if a[x] == b[y]:
                n += 1
                break
    return n


@nb.njit(cache=True)
def _sharing_keep(
    c_nl: np.ndarray, c_nh: np.ndarray, c_hits: np.ndarray, n: int, min_shared: int, max_new: int, keep: np.ndarray
) -> None:
    """Duplicate removal by shared hits: visit candidates by rank (more layers first, then
    fewer listed hits, then raster order); a candidate is a duplicate of a kept one when it
    shares at least ``min_shared`` listed hits with it and has at most ``max_new`` listed
    hits that the kept one lacks."""
    key = np.empty(n, dtype=np.int64)
    for c in range(n):
        key[c] = (-c_nl[c] * 65536 + c_nh[c]) * 1048576 + c  # candidates are in raster order
    order = np.argsort(key)
    keep[:n] = False
    for r in range(n):
        c = order[r]
        ok = True
        for r2 in range(r):
            k = order[r2]
            sh = _shared(c_hits[c], c_nh[c], c_hits[k], c_nh[k])
            if keep[k] and sh >= min_shared and c_nh[c] - sh <= max_new:
                ok = False
                break
        keep[c] = ok


@nb.njit(parallel=True, cache=True)
def run(
    offsets: np.ndarray,
    layer: np.ndarray,
    hw: np.ndarray,
    meas: np.ndarray,
    bend_hw: np.ndarray,
    bend: np.ndarray,
    max_hits: int,
    fixed: bool,
    shift_hw: np.ndarray,
    shift_f: np.ndarray,
    sub_shift_hw: np.ndarray,
    sub_shift_f: np.ndarray,
    b_min_hw: np.int64,
    bin_shift: int,
    b_min: float,
    db: float,
    cap: int,
    a_bend_hw: np.ndarray,
    a_bend: np.ndarray,
    bend_win_hw: np.int64,
    bend_win: float,
    max_list: int,
    n_a: int,
    n_b: int,
    min_layers: int,
    rule: int,
    min_shared: int,
    max_new: int,
    mini: bool,
    max_tracks: int,
    ev_stats: np.ndarray,
    t_i: np.ndarray,
    t_j: np.ndarray,
    t_sub: np.ndarray,
    t_mask: np.ndarray,
    t_nhits: np.ndarray,
    t_hits: np.ndarray,
    keep_maps: bool,
    maps: np.ndarray,
    mask_maps: np.ndarray,
    count_maps: np.ndarray,
) -> None:
    """All events. ``rule``: 0 none, 1 localmax, 2 sharing. Per event: ev_stats = [hits
    dropped, fills capped, list overflows, hits filling nothing, candidates after duplicate
    removal and before the output capacity]; tracks in slots ``e·max_tracks ...``;
    ``t_hits`` holds each track's hit list (event-local indices)."""
    n_ev = offsets.shape[0] - 1
    n_slots = n_a * n_b * (4 if mini else 1)
    for e in nb.prange(n_ev):
        h0, h1 = offsets[e], offsets[e + 1]
        n_use = min(h1 - h0, max_hits)
        mask = np.zeros((n_a, n_b), dtype=np.int64)
        count = np.zeros((n_a, n_b), dtype=np.int64)
        # lists and candidate buffers are read only below their counts: no need to zero them
        lists = np.empty((n_a, n_b, max_list), dtype=np.int64)
        st = np.zeros(3, dtype=np.int64)
        _fill_event(
            layer[h0:h1],
            hw[h0:h1],
            meas[h0:h1],
            bend_hw[h0:h1],
            bend[h0:h1],
            n_use,
            fixed,
            shift_hw,
            shift_f,
            b_min_hw,
            bin_shift,
            b_min,
            db,
            cap,
            a_bend_hw,
            a_bend,
            bend_win_hw,
            bend_win,
            max_list,
            mask,
            count,
            lists,
            st,
        )
        nl = np.zeros((n_a, n_b), dtype=np.int64)
        for i in range(n_a):
            for j in range(n_b):
                nl[i, j] = _popcount(mask[i, j])
        if keep_maps:
            maps[e] = nl
            mask_maps[e] = mask
            count_maps[e] = count
        # candidates of this event, raster order
        c_i = np.empty(n_slots, dtype=np.int64)
        c_j = np.empty(n_slots, dtype=np.int64)
        c_sub = np.empty(n_slots, dtype=np.int64)
        c_mask = np.empty(n_slots, dtype=np.int64)
        c_nh = np.empty(n_slots, dtype=np.int64)
        c_nl = np.empty(n_slots, dtype=np.int64)
        c_hits = np.empty((n_slots, max_list), dtype=np.int64)
        n_c = 0
        sub_mask = np.zeros((2, 2), dtype=np.int64)
        sub_count = np.zeros((2, 2), dtype=np.int64)
        sub_lists = np.empty((2, 2, max_list), dtype=np.int64)
        for i in range(n_a):
            for j in range(n_b):
                if nl[i, j] < min_layers:
                    continue
                if rule == 1 and not _is_localmax(nl, i, j):
                    continue
                n_list = min(count[i, j], max_list)
                if mini:
                    _mini_fill(
                        lists[i, j],
                        n_list,
                        layer[h0:h1],
                        hw[h0:h1],
                        meas[h0:h1],
                        fixed,
                        sub_shift_hw,
                        sub_shift_f,
                        i,
                        j,
                        b_min_hw,
                        bin_shift,
                        b_min,
                        db,
                        cap,
                        sub_mask,
                        sub_count,
                        sub_lists,
                    )
                    for si in range(2):
                        for sj in range(2):
                            pc = _popcount(sub_mask[si, sj])
                            if pc < min_layers:
                                continue
                            ns = sub_count[si, sj]
                            c_i[n_c], c_j[n_c], c_sub[n_c], c_mask[n_c] = i, j, 2 * si + sj, sub_mask[si, sj]
                            c_nh[n_c], c_nl[n_c] = ns, pc
                            c_hits[n_c, :ns] = sub_lists[si, sj, :ns]
                            n_c += 1
                else:
                    c_i[n_c], c_j[n_c], c_sub[n_c], c_mask[n_c] = i, j, -1, mask[i, j]
                    c_nh[n_c], c_nl[n_c] = n_list, nl[i, j]
                    c_hits[n_c, :n_list] = lists[i, j, :n_list]
                    n_c += 1
        keep = np.ones(n_slots, dtype=np.bool_)
        if rule == 2:
            _sharing_keep(c_nl, c_nh, c_hits, n_c, min_shared, max_new, keep)
        s = e * max_tracks
        n_out = 0
        for c in range(n_c):
            if not keep[c]:
                continue
            if n_out < max_tracks:
                t = s + n_out
                t_i[t], t_j[t], t_sub[t], t_mask[t] = c_i[c], c_j[c], c_sub[c], c_mask[c]
                t_nhits[t] = c_nh[c]
                t_hits[t, : c_nh[c]] = c_hits[c, : c_nh[c]]
            n_out += 1
        ev_stats[e, 0] = (h1 - h0) - n_use
        ev_stats[e, 1] = st[0]
        ev_stats[e, 2] = st[1]
        ev_stats[e, 3] = st[2]
        ev_stats[e, 4] = n_out

"""Numba kernels of the Hough transform: filling, candidates, duplicate removal, mini-Hough.

Each hit visits every column once and fills only the bins its line crosses there (at
most ``max_bins_per_column``): ``n_a`` steps per hit, never the whole array. The float and
fixed kernels share everything but the arithmetic of the bin range.

The kernels take four bundles (named tuples, which numba passes like C structs), built
in one place, :class:`fasttrack.hough.Hough`: :class:`Hits` (the sample),
:class:`Tables` (per-layer, per-column arrays of the config), :class:`Params` (its
scalars) and :class:`Buffers` (the outputs, filled in place). Each holds the float and
the fixed-point form of a quantity side by side (``meas`` / ``coord_hw``); the kernels
read the one of their mode (``fixed``).

With ``Params.phi_wrap`` (full azimuth, :mod:`fasttrack.azimuth`) the bins along b are
cyclic: a line's bins are counted from ``b_min`` unclipped and taken modulo ``n_b``, the
mini-Hough refills a cell from the turn of the line that overlaps it, and the
``"localmax"`` neighbours wrap around. Without it those paths are not taken, so the
one-sector configs compute exactly as before.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numba as nb
import numpy as np

from .._blocks import block_events, n_blocks

# duplicate rules as the kernels see them (Params.duplicate_rule)
RULE_NONE, RULE_LOCALMAX, RULE_SHARING = 0, 1, 2
DUPLICATE_RULES = {"none": RULE_NONE, "localmax": RULE_LOCALMAX, "sharing": RULE_SHARING}


class Hits(NamedTuple):
    """The hits of a sample, flat in input order; event ``e`` owns ``offsets[e]:offsets[e + 1]``."""

    offsets: np.ndarray  # int64 (n_events + 1,)
    layer: np.ndarray  # int64 (n_hits,) layer index
    meas: np.ndarray  # float64 (n_hits,) the measurement (mm or rad): float mode
    coord_hw: np.ndarray  # int64 (n_hits,) the same in coordinate LSBs: fixed mode
    bend: np.ndarray  # float64 (n_hits,) q/pT from the stub bend (1/GeV); 0 without the bend filter
    bend_hw: np.ndarray  # int64 (n_hits,) the same in bend LSBs
    hit_id: np.ndarray  # int64 (n_hits,) not read by the kernels: maps the tracks' hits back


class Tables(NamedTuple):
    """Per-layer, per-column arrays of one config (the firmware's ROMs and their float twins).

    A hit's line in layer ``l`` crosses column edge ``k`` at ``b = m − shift[l, k]``.
    """

    shift: np.ndarray  # float64 (n_layers, n_a + 1) at the column edges (measurement units)
    shift_hw: np.ndarray  # int64 (n_layers, n_a + 1) the same in coordinate LSBs
    sub_shift: np.ndarray  # float64 (n_layers, 2·n_a + 1) at the half-column edges (mini-Hough)
    sub_shift_hw: np.ndarray  # int64 (n_layers, 2·n_a + 1) the same in coordinate LSBs
    a_bend: np.ndarray  # float64 (n_a,) q/pT of each column for the bend filter (1/GeV)
    a_bend_hw: np.ndarray  # int64 (n_a,) the same in bend LSBs


class Params(NamedTuple):
    """Scalars of one config."""

    max_hits: int  # hits processed per event; the rest are dropped
    n_a: int  # columns
    n_b: int  # bins per column
    b_min: float  # lower edge of bin 0 (measurement units)
    b_min_hw: np.int64  # the same in coordinate LSBs
    delta_b: float  # bin width (measurement units)
    bin_shift: int  # bin width 2^bin_shift coordinate LSBs
    max_bins_per_column: int  # bins one hit may fill in a column (from the lowest)
    bend_window: float  # bend filter |bend − a_bend| ≤ window (1/GeV); < 0: off
    bend_window_hw: np.int64  # the same in bend LSBs
    max_hits_per_cell: int  # hit-list length per cell
    min_layers: int  # layers a candidate needs
    duplicate_rule: int  # RULE_NONE, RULE_LOCALMAX or RULE_SHARING
    dup_min_shared: int  # rule "sharing": listed hits in common that make a duplicate ...
    dup_max_new: int  # ... when it has at most this many listed hits the kept one lacks
    mini_hough: bool  # split candidate cells 2×2 and refill them
    max_tracks: int  # track slots per event
    phi_wrap: bool  # full azimuth: bins modulo n_b (n_b bins are one turn)


class Buffers(NamedTuple):
    """Outputs of :func:`run`; event ``e``'s tracks in slots ``e·max_tracks ...`` (the first
    ``min(ev_stats[e, 4], max_tracks)`` of them are written)."""

    # int64 (n_events, 5): hits dropped, fills capped, list overflows, hits filling nothing,
    # candidates after duplicate removal (before the output capacity)
    ev_stats: np.ndarray
    column: np.ndarray  # int64 (n_events·max_tracks,) cell index i along a
    bin: np.ndarray  # int64 (n_events·max_tracks,) cell index j along b
    sub: np.ndarray  # int64 (n_events·max_tracks,) mini-Hough sub-cell 2·(column half) + (bin half); −1 without
    layer_mask: np.ndarray  # int64 (n_events·max_tracks,) layers that filled the (sub-)cell, bit l
    n_hits: np.ndarray  # int64 (n_events·max_tracks,) listed hits
    hits: np.ndarray  # int64 (n_events·max_tracks, max_hits_per_cell) listed hits, event-local indices
    keep_maps: bool  # write every event's arrays into the three below
    maps: np.ndarray  # int64 (n_events or 0, n_a, n_b) layers per cell
    masks: np.ndarray  # int64 (n_events or 0, n_a, n_b) layer masks
    hit_counts: np.ndarray  # int64 (n_events or 0, n_a, n_b) hits that filled each cell, listed or not


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


@nb.njit(cache=True, inline="always")
def _half_bins_in_cell(lo: int, hi: int, j: int, n_b: int, phi_wrap: bool) -> tuple:
    """A refilled hit's half bins ``lo..hi`` on the turn of the line that reaches cell row
    ``j`` (half bins modulo 2·n_b when φ wraps), clipped to the cell's half bins 2j, 2j+1."""
    if phi_wrap:
        period = 2 * n_b
        k = (2 * j + 1 - lo) // period
        lo += k * period
        hi += k * period
    return max(lo, 2 * j), min(hi, 2 * j + 1)


@nb.njit(cache=True)
def _fill_event(
    hits: Hits,
    h0: int,
    n_use: int,
    fixed: bool,
    tab: Tables,
    par: Params,
    mask: np.ndarray,
    count: np.ndarray,
    lists: np.ndarray,
    stats: np.ndarray,
) -> None:
    """Fill the layer masks and hit lists of the event whose hits start at ``h0``; lists
    hold event-local hit indices. ``stats``: [fills capped, list overflows, hits that
    filled no cell]."""
    layer, hw, meas = hits.layer[h0:], hits.coord_hw[h0:], hits.meas[h0:]
    bend_hw, bend = hits.bend_hw[h0:], hits.bend[h0:]
    shift_hw, shift_f, a_bend_hw, a_bend = tab.shift_hw, tab.shift, tab.a_bend_hw, tab.a_bend
    b_min_hw, bin_shift, b_min, db = par.b_min_hw, par.bin_shift, par.b_min, par.delta_b
    cap, max_list = par.max_bins_per_column, par.max_hits_per_cell
    bend_win_hw, bend_win, cyc = par.bend_window_hw, par.bend_window, par.phi_wrap
    n_a, n_b = mask.shape
    span = min(cap, n_b)  # a cyclic column has n_b bins: never fill one twice
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
            if cyc:
                last = min(hi, lo + span - 1)
            else:
                lo = max(lo, 0)
                hi = min(hi, n_b - 1)
                if lo > hi:
                    continue
                last = min(hi, lo + cap - 1)
            stats[0] += hi - last  # bins beyond the firmware cap
            for jb in range(lo, last + 1):
                j = jb % n_b if cyc else jb
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
def _is_localmax(nl: np.ndarray, i: int, j: int, cyclic_b: bool) -> bool:
    """Layer count at least as large as the later neighbours, larger than the earlier ones
    (``cyclic_b``: bins wrap around; "earlier" goes by the offset, as the retina's)."""
    n_a, n_b = nl.shape
    v = nl[i, j]
    for di in range(-1, 2):
        for dj in range(-1, 2):
            if di == 0 and dj == 0:
                continue
            ii, jj = i + di, j + dj
            if cyclic_b:
                jj %= n_b
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
    hits: Hits,
    h0: int,
    fixed: bool,
    tab: Tables,
    par: Params,
    i: int,
    j: int,
    sub_mask: np.ndarray,
    sub_count: np.ndarray,
    sub_lists: np.ndarray,
) -> None:
    """Refill cell (i, j) split 2×2 with its listed hits (event-local indices, the event's
    hits starting at ``h0``): sub-columns 2i, 2i+1 (edges from the sub-column table) and
    half-width bins 2j, 2j+1; the same cap per sub-column."""
    layer, hw, meas = hits.layer[h0:], hits.coord_hw[h0:], hits.meas[h0:]
    sub_shift_hw, sub_shift_f = tab.sub_shift_hw, tab.sub_shift
    b_min_hw, bin_shift, b_min, db, cap = par.b_min_hw, par.bin_shift, par.b_min, par.delta_b, par.max_bins_per_column
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
            lo, hi = _half_bins_in_cell(lo, hi, j, par.n_b, par.phi_wrap)
            last = min(hi, lo + cap - 1)
            for sj in range(lo - 2 * j, last - 2 * j + 1):
                sub_mask[si, sj] |= np.int64(1) << l
                sub_lists[si, sj, sub_count[si, sj]] = h
                sub_count[si, sj] += 1


@nb.njit(cache=True)
def _mini_fill_cells(
    cell_i: np.ndarray,
    cell_j: np.ndarray,
    count: np.ndarray,
    lists: np.ndarray,
    hits: Hits,
    h0: int,
    fixed: bool,
    tab: Tables,
    par: Params,
    sub_mask: np.ndarray,
    sub_count: np.ndarray,
    sub_lists: np.ndarray,
) -> None:
    """:func:`_mini_fill` of cells ``(cell_i[k], cell_j[k])`` of one event into ``sub_mask[k]``,
    ``sub_count[k]``, ``sub_lists[k]``. For callers in Python (the cycle model): one call
    per event, as each call from Python types every field of the bundles (a few µs)."""
    for k in range(cell_i.shape[0]):
        i, j = cell_i[k], cell_j[k]
        n_list = min(count[i, j], par.max_hits_per_cell)
        _mini_fill(lists[i, j], n_list, hits, h0, fixed, tab, par, i, j, sub_mask[k], sub_count[k], sub_lists[k])


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


class _Work(NamedTuple):
    """Work arrays of one block of events (:mod:`fasttrack._blocks`), reused event after
    event; only ``mask`` and ``fills`` need zeroing, the rest is read below its counts."""

    mask: np.ndarray  # int64 (n_a, n_b) layer masks
    fills: np.ndarray  # int64 (n_a, n_b) hits that filled each cell
    lists: np.ndarray  # int64 (n_a, n_b, max_list) hit lists
    nl: np.ndarray  # int64 (n_a, n_b) layers per cell
    c_i: np.ndarray  # int64 (n_slots,) the candidates, raster order: cell along a
    c_j: np.ndarray  # ... along b
    c_sub: np.ndarray  # mini-Hough sub-cell, or −1
    c_mask: np.ndarray  # layer mask
    c_nh: np.ndarray  # listed hits
    c_nl: np.ndarray  # layers
    c_hits: np.ndarray  # int64 (n_slots, max_list) listed hits
    keep: np.ndarray  # bool (n_slots,) survives the duplicate removal
    sub_mask: np.ndarray  # int64 (2, 2) the mini-Hough's refill of one cell
    sub_count: np.ndarray  # int64 (2, 2)
    sub_lists: np.ndarray  # int64 (2, 2, max_list)
    stats: np.ndarray  # int64 (3,) fills capped, list overflows, hits filling nothing


@nb.njit(cache=True)
def _new_work(par: Params) -> _Work:
    n_a, n_b, max_list = par.n_a, par.n_b, par.max_hits_per_cell
    n_slots = n_a * n_b * (4 if par.mini_hough else 1)
    i64 = np.int64
    return _Work(
        np.empty((n_a, n_b), dtype=i64),
        np.empty((n_a, n_b), dtype=i64),
        np.empty((n_a, n_b, max_list), dtype=i64),
        np.empty((n_a, n_b), dtype=i64),
        np.empty(n_slots, dtype=i64),
        np.empty(n_slots, dtype=i64),
        np.empty(n_slots, dtype=i64),
        np.empty(n_slots, dtype=i64),
        np.empty(n_slots, dtype=i64),
        np.empty(n_slots, dtype=i64),
        np.empty((n_slots, max_list), dtype=i64),
        np.empty(n_slots, dtype=np.bool_),
        np.empty((2, 2), dtype=i64),
        np.empty((2, 2), dtype=i64),
        np.empty((2, 2, max_list), dtype=i64),
        np.empty(3, dtype=i64),
    )


@nb.njit(cache=True)
def _candidates(hits: Hits, h0: int, fixed: bool, tab: Tables, par: Params, w: _Work) -> int:
    """The event's candidates (before duplicate removal) into ``w.c_*``, raster order;
    returns their number."""
    n_a, n_b, max_list, min_layers = par.n_a, par.n_b, par.max_hits_per_cell, par.min_layers
    mask, count, lists, nl = w.mask, w.fills, w.lists, w.nl
    localmax = par.duplicate_rule == RULE_LOCALMAX
    n_c = 0
    for i in range(n_a):
        for j in range(n_b):
            if nl[i, j] < min_layers:
                continue
            if localmax and not _is_localmax(nl, i, j, par.phi_wrap):
                continue
            n_list = min(count[i, j], max_list)
            if par.mini_hough:
                _mini_fill(lists[i, j], n_list, hits, h0, fixed, tab, par, i, j, w.sub_mask, w.sub_count, w.sub_lists)
                for si in range(2):
                    for sj in range(2):
                        pc = _popcount(w.sub_mask[si, sj])
                        if pc < min_layers:
                            continue
                        ns = w.sub_count[si, sj]
                        w.c_i[n_c], w.c_j[n_c], w.c_sub[n_c], w.c_mask[n_c] = i, j, 2 * si + sj, w.sub_mask[si, sj]
                        w.c_nh[n_c], w.c_nl[n_c] = ns, pc
                        w.c_hits[n_c, :ns] = w.sub_lists[si, sj, :ns]
                        n_c += 1
            else:
                w.c_i[n_c], w.c_j[n_c], w.c_sub[n_c], w.c_mask[n_c] = i, j, -1, mask[i, j]
                w.c_nh[n_c], w.c_nl[n_c] = n_list, nl[i, j]
                w.c_hits[n_c, :n_list] = lists[i, j, :n_list]
                n_c += 1
    return n_c


@nb.njit(cache=True)
def _emit(
    w: _Work,
    n_c: int,
    s: int,
    max_tracks: int,
    t_i: np.ndarray,
    t_j: np.ndarray,
    t_sub: np.ndarray,
    t_mask: np.ndarray,
    t_nhits: np.ndarray,
    t_hits: np.ndarray,
) -> int:
    """The kept candidates into the event's track slots ``s ...`` (at most ``max_tracks``);
    returns how many were kept."""
    n_out = 0
    for c in range(n_c):
        if not w.keep[c]:
            continue
        if n_out < max_tracks:
            t = s + n_out
            t_i[t], t_j[t], t_sub[t], t_mask[t] = w.c_i[c], w.c_j[c], w.c_sub[c], w.c_mask[c]
            nh = w.c_nh[c]
            t_nhits[t] = nh
            t_hits[t, :nh] = w.c_hits[c, :nh]
        n_out += 1
    return n_out


@nb.njit(parallel=True, cache=True)
def run(hits: Hits, tab: Tables, par: Params, fixed: bool, out: Buffers) -> None:
    """All events into ``out`` (see :class:`Buffers`), in integer arithmetic on
    ``coord_hw``, ``bend_hw`` (``fixed``) or in float on ``meas``, ``bend``."""
    offsets, max_hits, n_a, n_b = hits.offsets, par.max_hits, par.n_a, par.n_b
    min_shared, max_new, max_tracks = par.dup_min_shared, par.dup_max_new, par.max_tracks
    # The outputs, one field per statement. In a prange body numba's parfor pass drops
    # writes to an array it cannot trace back to an argument: one indexed through the
    # bundle (out.maps[e] = ...) or unpacked with others as a tuple (a, b, c, d = out.a,
    # ...) is such a case (numba#5872, #7135); `maps = out.maps` is traced.
    ev_stats = out.ev_stats
    t_i = out.column
    t_j = out.bin
    t_sub = out.sub
    t_mask = out.layer_mask
    t_nhits = out.n_hits
    t_hits = out.hits
    maps = out.maps
    mask_maps = out.masks
    count_maps = out.hit_counts
    keep_maps = out.keep_maps
    n_ev = offsets.shape[0] - 1
    n_blk = n_blocks(n_ev)
    for blk in nb.prange(n_blk):
        w = _new_work(par)
        mask, count, nl, keep, st = w.mask, w.fills, w.nl, w.keep, w.stats
        e0, e1 = block_events(blk, n_blk, n_ev)
        for e in range(e0, e1):
            h0, h1 = offsets[e], offsets[e + 1]
            n_use = min(h1 - h0, max_hits)
            mask[:] = 0
            count[:] = 0
            st[:] = 0
            _fill_event(hits, h0, n_use, fixed, tab, par, mask, count, w.lists, st)
            for i in range(n_a):
                for j in range(n_b):
                    nl[i, j] = _popcount(mask[i, j])
            if keep_maps:
                maps[e] = nl
                mask_maps[e] = mask
                count_maps[e] = count
            n_c = _candidates(hits, h0, fixed, tab, par, w)
            if par.duplicate_rule == RULE_SHARING:
                _sharing_keep(w.c_nl, w.c_nh, w.c_hits, n_c, min_shared, max_new, keep)
            else:
                keep[:n_c] = True
            n_out = _emit(w, n_c, e * max_tracks, max_tracks, t_i, t_j, t_sub, t_mask, t_nhits, t_hits)
            ev_stats[e, 0] = (h1 - h0) - n_use
            ev_stats[e, 1] = st[0]
            ev_stats[e, 2] = st[1]
            ev_stats[e, 3] = st[2]
            ev_stats[e, 4] = n_out

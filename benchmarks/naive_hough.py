"""A naive numpy Hough transform: the baseline of the Hough benchmarks, and a cross-check.

It implements the semantics of :mod:`fasttrack.hough.reference` (integer details in
:mod:`fasttrack.hough.config`) the obvious way, independently of the numba kernels of
:mod:`fasttrack.hough.engine`: per event, the line ends at both edges of *every* column
for *all* hits at once (arrays hits × columns), the bin ranges, the clip to the array, the
cap and the bend filter on those arrays; the (hit, column, bin) fills expanded from them
and scattered into the layer masks, with each fill's place in its cell's hit list from a
stable sort; the candidates and the local maxima from shifted copies of the layer-count
map; the mini-Hough of all candidate cells at once (arrays candidates × listed hits × the
two sub-columns); duplicate removal by shared hits with Python sets. No numba: what it
shares with the reference is only the config (array, ``cfg.tables.shift_hw``,
``cfg.shifts``, ``cfg.quantize_*``, capacities), the single source of truth for both.

The mini-Hough's details, which the reference's docstring leaves to the engine: the
sub-columns' edges are the column edges and centres (``cfg.a_edges()`` and
``cfg.a_centres()`` interleaved, their shifts quantised like the column-edge table), the
half bins are ``2^(bin_shift − 1)`` LSBs (float: ``Δb/2``) from the same ``b_min``, a hit's
range in a sub-column is clipped to the cell's two half bins and then capped at
``max_bins_per_column`` from the lowest one (fills the cap leaves out are not counted).

Example
-------
>>> from fasttrack import detector, generate
>>> from fasttrack.hough import HoughConfig
>>> det = detector.telescope()
>>> cfg = HoughConfig.for_detector(det)
>>> out = naive_run(cfg, generate.generate(det, 3, seed=1, progress=False), "fixed")
>>> out.maps.shape == (3, cfg.n_a, cfg.n_b), out.maps.dtype.name
(True, 'int64')
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

from fasttrack.events import Events
from fasttrack.hough import HoughConfig

__all__ = ["NaiveOutput", "edge_shifts", "naive_run"]

Mode = Literal["float", "fixed"]

# neighbour offsets (di, dj) of a cell, and whether the neighbour is earlier in raster order
_NEIGHBOURS = [(di, dj, di < 0 or (di == 0 and dj < 0)) for di in (-1, 0, 1) for dj in (-1, 0, 1) if (di, dj) != (0, 0)]


@dataclass(frozen=True, eq=False)
class NaiveOutput:
    """What :func:`naive_run` produced; track arrays are flat over events (``n_tracks`` each).

    Attributes
    ----------
    maps, masks, hit_counts: (N, n_a, n_b) layer counts, layer masks, and the number of
        hits that filled each cell (listed or not).
    n_tracks: candidates written per event (at most ``max_tracks``).
    column, bin, sub, layer_mask: the candidates, raster order within an event (``sub`` −1
        without the mini-Hough).
    a, b: their parameters, the (sub-)cell centre.
    n_hit_ids, hit_ids: each candidate's number of listed hits, and the hit ids (flat).
    n_hits_dropped, n_fills_capped, n_list_overflows, n_hits_unfilled, n_candidates:
        per-event counters.
    """

    maps: np.ndarray
    masks: np.ndarray
    hit_counts: np.ndarray
    n_tracks: np.ndarray
    column: np.ndarray
    bin: np.ndarray
    sub: np.ndarray
    layer_mask: np.ndarray
    a: np.ndarray
    b: np.ndarray
    n_hit_ids: np.ndarray
    hit_ids: np.ndarray
    n_hits_dropped: np.ndarray
    n_fills_capped: np.ndarray
    n_list_overflows: np.ndarray
    n_hits_unfilled: np.ndarray
    n_candidates: np.ndarray


def edge_shifts(cfg: HoughConfig, fixed: bool, *, sub: bool = False) -> np.ndarray:
    """``s_l`` at the edges of every column (n_layers, n_a + 1), or of every half column
    (n_layers, 2·n_a + 1) with ``sub``; in LSBs (fixed) or the measurement's unit (float)."""
    if not sub:
        return cfg.tables.shift_hw if fixed else cfg.shifts(cfg.a_edges())
    a = np.empty(2 * cfg.n_a + 1)
    a[0::2], a[1::2] = cfg.a_edges(), cfg.a_centres()
    s = cfg.shifts(a)
    return cfg.quantize_coord(s) if fixed else s


def _bins(
    cfg: HoughConfig, coord: np.ndarray, s_left: np.ndarray, s_right: np.ndarray, fixed: bool, half: bool
) -> tuple[np.ndarray, np.ndarray]:
    """Lowest and highest bin (or half bin) the lines ``b = m − s`` cross between two edges
    (not clipped); ``coord`` broadcasts against the shifts."""
    if fixed:
        width = cfg.bin_width_hw // 2 if half else cfg.bin_width_hw
        e0 = (coord - s_left - cfg.b_min_hw) // width  # floor division: bins from b_min
        e1 = (coord - s_right - cfg.b_min_hw) // width
    else:
        width_f = cfg.delta_b / 2 if half else cfg.delta_b
        e0 = np.floor((coord - s_left - cfg.b_min) / width_f).astype(np.int64)
        e1 = np.floor((coord - s_right - cfg.b_min) / width_f).astype(np.int64)
    return np.minimum(e0, e1), np.maximum(e0, e1)


def _layer_count(mask: np.ndarray, n_layers: int) -> np.ndarray:
    return sum((mask >> l) & 1 for l in range(n_layers))


def _fill(
    cfg: HoughConfig, layer: np.ndarray, coord: np.ndarray, bend: np.ndarray, fixed: bool
) -> tuple[np.ndarray, np.ndarray, np.ndarray, tuple[int, int, int]]:
    """One event's used hits into the array: masks (n_a, n_b), hit counts (n_a, n_b), hit
    lists (n_a, n_b, max_hits_per_cell) of event-local hit indices, and the counters
    (fills capped, list overflows, hits filling no cell)."""
    n_a, n_b, ml = cfg.n_a, cfg.n_b, cfg.max_hits_per_cell
    n = len(layer)
    shift = edge_shifts(cfg, fixed)
    lo, hi = _bins(cfg, coord[:, None], shift[layer, :-1], shift[layer, 1:], fixed, half=False)  # (n, n_a)
    lo, hi = np.maximum(lo, 0), np.minimum(hi, n_b - 1)
    last = np.minimum(hi, lo + cfg.max_bins_per_column - 1)  # the cap, from the lowest bin
    ok = lo <= hi
    if cfg.bend_filter:
        if fixed:
            ok &= np.abs(bend[:, None] - cfg.tables.a_bend_hw[None, :]) <= cfg.bend_window_hw
        else:
            ok &= np.abs(bend[:, None] - cfg.a_centres()[None, :]) <= cfg.bend_window_hw * cfg.bend_lsb
    capped = int(np.sum(np.where(ok, hi - last, 0)))
    # the fills (hit, column, bin), hit-major: input order within every cell
    n_bins = np.where(ok, last - lo + 1, 0)
    fh, fi = np.nonzero(n_bins)
    reps = n_bins[fh, fi]
    first = np.cumsum(reps) - reps
    fj = np.repeat(lo[fh, fi] - first, reps) + np.arange(int(reps.sum()))
    fh, fi = np.repeat(fh, reps), np.repeat(fi, reps)
    cell = fi * n_b + fj
    masks = np.zeros(n_a * n_b, dtype=np.int64)
    np.bitwise_or.at(masks, cell, np.left_shift(1, layer[fh]))
    counts = np.bincount(cell, minlength=n_a * n_b).astype(np.int64)
    # each fill's place in its cell's list: a stable sort keeps input order within a cell
    order = np.argsort(cell, kind="stable")
    by_cell = cell[order]
    place = np.empty(len(cell), dtype=np.int64)
    place[order] = np.arange(len(cell)) - np.searchsorted(by_cell, by_cell, side="left")
    lists = np.full((n_a * n_b, ml), -1, dtype=np.int64)
    listed = place < ml
    lists[cell[listed], place[listed]] = fh[listed]
    stats = (capped, int(np.count_nonzero(~listed)), n - len(np.unique(fh)))
    return masks.reshape(n_a, n_b), counts.reshape(n_a, n_b), lists.reshape(n_a, n_b, ml), stats


def _is_localmax(nl: np.ndarray) -> np.ndarray:
    n_a, n_b = nl.shape
    pad = np.zeros((n_a + 2, n_b + 2), dtype=nl.dtype)
    pad[1:-1, 1:-1] = nl
    ok = np.ones(nl.shape, dtype=bool)
    for di, dj, earlier in _NEIGHBOURS:
        u = pad[1 + di : 1 + di + n_a, 1 + dj : 1 + dj + n_b]
        ok &= (nl > u) if earlier else (nl >= u)
    return ok


Candidate = tuple[int, int, int, int, list[int]]  # column, bin, sub, layer mask, listed hits


def _mini_hough(
    cfg: HoughConfig,
    layer: np.ndarray,
    coord: np.ndarray,
    fixed: bool,
    ci: np.ndarray,
    cj: np.ndarray,
    lists: np.ndarray,
    n_list: np.ndarray,
) -> list[Candidate]:
    """Split the candidate cells (ci, cj) 2×2 and refill them with their listed hits; the
    sub-cells reaching ``min_layers``, in raster order then sub-cell order."""
    sub_shift = edge_shifts(cfg, fixed, sub=True)
    ml = lists.shape[1]
    valid = np.arange(ml)[None, :] < n_list[:, None]  # (cands, ml)
    h = np.where(valid, lists, 0)
    lay = layer[h]  # (cands, ml)
    sc = 2 * ci[:, None] + np.arange(2)[None, :]  # sub-columns (cands, 2)
    lo, hi = _bins(
        cfg,
        coord[h][:, :, None],
        sub_shift[lay[:, :, None], sc[:, None, :]],
        sub_shift[lay[:, :, None], sc[:, None, :] + 1],
        fixed,
        half=True,
    )  # (cands, ml, 2)
    lo = np.maximum(lo, 2 * cj[:, None, None])  # clip to the cell's two half bins
    hi = np.minimum(hi, 2 * cj[:, None, None] + 1)
    last = np.minimum(hi, lo + cfg.max_bins_per_column - 1)
    half_bin = 2 * cj[:, None, None, None] + np.arange(2)[None, None, None, :]
    fills = (lo[..., None] <= half_bin) & (half_bin <= last[..., None]) & valid[:, :, None, None]  # (c, ml, si, sj)
    bits = np.where(fills, np.left_shift(1, lay)[:, :, None, None], 0)
    sub_masks = np.bitwise_or.reduce(bits, axis=1)  # (cands, 2, 2)
    out: list[Candidate] = []
    for c in range(len(ci)):
        for si in range(2):
            for sj in range(2):
                m = int(sub_masks[c, si, sj])
                if m.bit_count() >= cfg.min_layers:
                    out.append((int(ci[c]), int(cj[c]), 2 * si + sj, m, [int(x) for x in h[c][fills[c, :, si, sj]]]))
    return out


def _sharing(cands: list[Candidate], min_shared: int, max_new: int) -> list[Candidate]:
    """Visit by rank (more layers, then fewer listed hits, then raster order); drop one that
    shares at least ``min_shared`` listed hits with a kept one and has at most ``max_new``
    hits that one lacks. Survivors in raster order."""
    rank = sorted(range(len(cands)), key=lambda c: (-cands[c][3].bit_count(), len(cands[c][4]), c))
    kept: list[int] = []
    for c in rank:
        hits = set(cands[c][4])
        if not any(
            len(hits.intersection(cands[k][4])) >= min_shared and len(hits.difference(cands[k][4])) <= max_new
            for k in kept
        ):
            kept.append(c)
    return [cands[c] for c in sorted(kept)]


def naive_run(cfg: HoughConfig, events: Events, mode: Mode = "fixed") -> NaiveOutput:
    """Run the naive Hough transform on every event (see the module docstring)."""
    if mode not in ("float", "fixed"):
        raise ValueError(f"mode must be 'float' or 'fixed', got {mode!r}")
    fixed = mode == "fixed"
    offsets, cols = events.flat_hits()
    layer_all = cols["layer"].astype(np.int64)
    coord_all = cols[cfg.measurement_name].astype(np.float64)
    bend_all = cols["bend_qoverpt"].astype(np.float64) if cfg.bend_filter else np.zeros(len(layer_all))
    if fixed:
        coord_all = cfg.quantize_coord(coord_all)
        bend_all = cfg.quantize_bend(bend_all)
    hit_id_all = cols["hit_id"].astype(np.int64)
    n_ev = len(offsets) - 1
    maps = np.zeros((n_ev, cfg.n_a, cfg.n_b), dtype=np.int64)
    masks = np.zeros_like(maps)
    hit_counts = np.zeros_like(maps)
    counters = np.zeros((n_ev, 5), dtype=np.int64)  # dropped, capped, list overflows, unfilled, candidates
    tracks: list[Candidate] = []
    track_event: list[int] = []
    for e in range(n_ev):
        h0, h1 = int(offsets[e]), int(offsets[e + 1])
        n_use = min(h1 - h0, cfg.max_hits)  # capacity: the first max_hits hits, input order
        layer, coord = layer_all[h0 : h0 + n_use], coord_all[h0 : h0 + n_use]
        mask, count, lists, stats = _fill(cfg, layer, coord, bend_all[h0 : h0 + n_use], fixed)
        nl = _layer_count(mask, cfg.n_layers)
        maps[e], masks[e], hit_counts[e] = nl, mask, count
        cand = nl >= cfg.min_layers
        if cfg.duplicate_rule == "localmax":
            cand &= _is_localmax(nl)
        ci, cj = np.nonzero(cand)  # row-major = raster order
        n_list = np.minimum(count[ci, cj], cfg.max_hits_per_cell)
        if cfg.mini_hough:
            cands = _mini_hough(cfg, layer, coord, fixed, ci, cj, lists[ci, cj], n_list)
        else:
            cands = [
                (int(i), int(j), -1, int(mask[i, j]), [int(x) for x in lists[i, j, :k]])
                for i, j, k in zip(ci, cj, n_list, strict=True)
            ]
        if cfg.duplicate_rule == "sharing":
            cands = _sharing(cands, cfg.dup_min_shared, cfg.dup_max_new)
        counters[e] = (h1 - h0 - n_use, *stats, len(cands))
        kept = cands[: cfg.max_tracks]
        ids = hit_id_all[h0 : h0 + n_use]
        tracks += [(i, j, s, m, [int(ids[h]) for h in hl]) for i, j, s, m, hl in kept]
        track_event += [e] * len(kept)
    column = np.array([t[0] for t in tracks], dtype=np.int64)
    bin_ = np.array([t[1] for t in tracks], dtype=np.int64)
    sub = np.array([t[2] for t in tracks], dtype=np.int64)
    # the cell's centre, or with the mini-Hough the sub-cell's, in half-cell units
    half = sub >= 0
    a = np.where(half, cfg.a_min + (2 * column + sub // 2 + 0.5) * (cfg.delta_a / 2), cfg.a_centres()[column])
    b = np.where(half, cfg.b_min + (2 * bin_ + sub % 2 + 0.5) * (cfg.delta_b / 2), cfg.b_centres()[bin_])
    return NaiveOutput(
        maps=maps,
        masks=masks,
        hit_counts=hit_counts,
        n_tracks=np.bincount(np.asarray(track_event, dtype=np.int64), minlength=n_ev),
        column=column,
        bin=bin_,
        sub=sub,
        layer_mask=np.array([t[3] for t in tracks], dtype=np.int64),
        a=a,
        b=b,
        n_hit_ids=np.array([len(t[4]) for t in tracks], dtype=np.int64),
        hit_ids=np.array([x for t in tracks for x in t[4]], dtype=np.int64),
        n_hits_dropped=counters[:, 0],
        n_fills_capped=counters[:, 1],
        n_list_overflows=counters[:, 2],
        n_hits_unfilled=counters[:, 3],
        n_candidates=counters[:, 4],
    )

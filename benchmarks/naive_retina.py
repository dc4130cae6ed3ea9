"""A naive dense numpy retina: the baseline of the retina benchmarks, and a cross-check.

It implements the semantics of :mod:`fasttrack.retina.reference` (integer details in
:mod:`fasttrack.retina.config`) the obvious way, independently of the numba kernels of
:mod:`fasttrack.retina.engine`: per event and per layer, the distances of *all* the
layer's hits to *all* cells' receptors at once (arrays hits × cells), the region-of-interest
cut and the weights on those arrays, a sum over hits; then the local maxima of the whole
map from shifted copies of it, and the centroids of the first ``max_tracks`` maxima.
No region-of-interest search, no numba: what it shares with the reference is only the
config (grid, receptors and LUT tables, widths), the single source of truth for both.

Example
-------
>>> from fasttrack import detector, generate
>>> from fasttrack.retina import RetinaConfig
>>> det = detector.barrel()
>>> cfg = RetinaConfig.for_detector(det)
>>> out = naive_run(cfg, generate.generate(det, 3, seed=1), "fixed")
>>> out.maps.shape == (3, cfg.n_a, cfg.n_b), out.maps.dtype.name
(True, 'int64')
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

from fasttrack.events import Events
from fasttrack.retina import RetinaConfig
from fasttrack.retina.engine import FLOAT_TIE_TOL  # the relative tolerance of float ties (a constant, not code)

__all__ = ["NaiveOutput", "naive_run"]

Mode = Literal["float", "fixed"]

# neighbour offsets (di, dj) of a cell, and whether the neighbour is earlier in raster order
_NEIGHBOURS = [(di, dj, di < 0 or (di == 0 and dj < 0)) for di in (-1, 0, 1) for dj in (-1, 0, 1) if (di, dj) != (0, 0)]


@dataclass(frozen=True, eq=False)
class NaiveOutput:
    """What :func:`naive_run` produced; track arrays are flat over events (``n_tracks`` each).

    Attributes
    ----------
    maps: (N, n_a, n_b) responses, float64 or int64 accumulators (fixed).
    n_tracks: tracks written per event (at most ``max_tracks``).
    cell_a, cell_b: the tracks' cells, raster order within an event.
    off_a, off_b: centroid offsets in cells (float) or raw, in 2^-F cells (fixed).
    quality: the response at the track's cell.
    n_maxima, n_hits_dropped, n_hits_unreached: per event counters.
    """

    maps: np.ndarray
    n_tracks: np.ndarray
    cell_a: np.ndarray
    cell_b: np.ndarray
    off_a: np.ndarray
    off_b: np.ndarray
    quality: np.ndarray
    n_maxima: np.ndarray
    n_hits_dropped: np.ndarray
    n_hits_unreached: np.ndarray


def _response(
    cfg: RetinaConfig, layer: np.ndarray, meas: np.ndarray, bend: np.ndarray, fixed: bool
) -> tuple[np.ndarray, int]:
    """Dense response of one event's processed hits (n_cells,), and the number of hits reaching no cell.

    ``bend``: the hits' bend estimates (float mode: q/pT in 1/GeV; fixed: in bend LSBs),
    used only when the config has the bend filter on.
    """
    n_cells = cfg.n_cells
    if cfg.bend_filter:  # the q/pT (a) of each cell's row, and the window, in the mode's units
        cell_bend = np.repeat(cfg.a_bend_hw() if fixed else cfg.a_centres(), cfg.n_b)
        window = cfg.bend_window_hw if fixed else cfg.bend_window_hw * cfg.bend_lsb
    if fixed:
        rec = cfg.tables.receptors_hw.reshape(cfg.n_layers, cfg.n_meas, n_cells)
        acc = np.zeros(n_cells, dtype=np.int64)
    else:
        rec = cfg.receptors().reshape(cfg.n_layers, cfg.n_meas, n_cells)
        acc = np.zeros(n_cells, dtype=np.float64)
    lut = cfg.tables.lut
    unreached = 0
    for l in range(cfg.n_layers):
        on_layer = layer == l
        m = meas[on_layer]  # (hits, n_meas)
        if len(m) == 0:
            continue
        d = m[:, :, None] - rec[l][None, :, :]  # (hits, n_meas, cells)
        cut = cfg.roi_hw[l] if fixed else cfg.roi[l]
        if cfg.n_meas == 1:
            dist = np.abs(d[:, 0, :])  # (hits, cells); the 1D LUT is indexed by |d|
            inside = dist <= cut
        else:
            dist = d[:, 0, :] * d[:, 0, :] + d[:, 1, :] * d[:, 1, :]  # the 2D LUT is indexed by d²
            inside = dist <= cut * cut
        if cfg.bend_filter:
            inside &= np.abs(bend[on_layer][:, None] - cell_bend[None, :]) <= window
        if fixed:
            w = lut[l][np.minimum(dist >> cfg.lut_shift[l], cfg.lut_size - 1)]
        else:
            w = np.exp(-(dist * dist if cfg.n_meas == 1 else dist) / (2.0 * cfg.sigma[l] ** 2))
        acc += np.where(inside, w, 0).sum(axis=0)
        unreached += int(np.count_nonzero(~inside.any(axis=1)))
    if fixed:
        acc = np.minimum(acc, cfg.acc_max)  # weights are non-negative: saturating adds = one final clip
    return acc, unreached


def _maxima(cfg: RetinaConfig, acc: np.ndarray, fixed: bool) -> np.ndarray:
    """Boolean (n_a, n_b): threshold plus the raster-order tie rule, outside the grid = 0."""
    n_a, n_b = acc.shape
    pad = np.zeros((n_a + 2, n_b + 2), dtype=acc.dtype)
    pad[1:-1, 1:-1] = acc
    is_max = acc >= (cfg.threshold_hw if fixed else cfg.threshold)
    eps = 0 if fixed else acc * FLOAT_TIE_TOL
    for di, dj, earlier in _NEIGHBOURS:
        u = pad[1 + di : 1 + di + n_a, 1 + dj : 1 + dj + n_b]
        is_max &= (acc > u + eps) if earlier else (acc >= u - eps)
    return is_max


def _centroid(
    cfg: RetinaConfig, acc: np.ndarray, i: np.ndarray, j: np.ndarray, fixed: bool, along_a: bool
) -> np.ndarray:
    """Pedestal-subtracted 3-cell centroid offsets along one axis at cells (i, j)."""
    n_a, n_b = acc.shape
    pad = np.zeros((n_a + 2, n_b + 2), dtype=acc.dtype)
    pad[1:-1, 1:-1] = acc
    pi, pj = i + 1, j + 1
    if along_a:
        r_m, r_0, r_p = pad[pi - 1, pj], pad[pi, pj], pad[pi + 1, pj]
    else:
        r_m, r_0, r_p = pad[pi, pj - 1], pad[pi, pj], pad[pi, pj + 1]
    m = np.minimum(np.minimum(r_m, r_0), r_p)
    num = (r_p - m) - (r_m - m)
    den = (r_m - m) + (r_0 - m) + (r_p - m)
    ok = den > 0
    safe = np.where(ok, den, 1)
    if fixed:
        shifted = num << cfg.centroid_frac_bits
        q = np.abs(shifted) // safe  # truncation toward zero, like C++ '/'
        return np.where(ok, np.where(shifted < 0, -q, q), 0)
    return np.where(ok, num / safe, 0.0)


def naive_run(cfg: RetinaConfig, events: Events, mode: Mode = "fixed") -> NaiveOutput:
    """Run the dense retina on every event (see the module docstring)."""
    if mode not in ("float", "fixed"):
        raise ValueError(f"mode must be 'float' or 'fixed', got {mode!r}")
    fixed = mode == "fixed"
    offsets, cols = events.flat_hits()
    layer_all = cols["layer"].astype(np.int64)
    meas_all = np.stack([cols[m].astype(np.float64) for m in cfg.measurement_names], axis=1).reshape(-1, cfg.n_meas)
    bend_all = cols["bend_qoverpt"].astype(np.float64) if cfg.bend_filter else np.zeros(len(layer_all))
    if fixed:
        meas_all = cfg.quantize_coord(meas_all)
        bend_all = cfg.quantize_bend(bend_all)
    n_ev = len(offsets) - 1
    maps = np.zeros((n_ev, cfg.n_a, cfg.n_b), dtype=np.int64 if fixed else np.float64)
    counters = np.zeros((n_ev, 4), dtype=np.int64)  # dropped, unreached, maxima, tracks
    tracks: list[tuple[np.ndarray, ...]] = []
    for e in range(n_ev):
        h0, h1 = int(offsets[e]), int(offsets[e + 1])
        n_use = min(h1 - h0, cfg.max_hits)  # capacity: the first max_hits hits, input order
        acc, unreached = _response(
            cfg, layer_all[h0 : h0 + n_use], meas_all[h0 : h0 + n_use], bend_all[h0 : h0 + n_use], fixed
        )
        acc = acc.reshape(cfg.n_a, cfg.n_b)
        maps[e] = acc
        i, j = np.nonzero(_maxima(cfg, acc, fixed))  # row-major = raster order
        counters[e] = (h1 - h0 - n_use, unreached, len(i), min(len(i), cfg.max_tracks))
        i, j = i[: cfg.max_tracks], j[: cfg.max_tracks]
        tracks.append(
            (i, j, _centroid(cfg, acc, i, j, fixed, True), _centroid(cfg, acc, i, j, fixed, False), acc[i, j])
        )
    cat = [np.concatenate([t[k] for t in tracks]) if tracks else np.zeros(0) for k in range(5)]
    return NaiveOutput(
        maps=maps,
        n_tracks=counters[:, 3],
        cell_a=cat[0].astype(np.int64),
        cell_b=cat[1].astype(np.int64),
        off_a=cat[2],
        off_b=cat[3],
        quality=cat[4],
        n_maxima=counters[:, 2],
        n_hits_dropped=counters[:, 0],
        n_hits_unreached=counters[:, 1],
    )

"""The Hough-transform reference: float model and bit-exact fixed-point golden model.

Semantics (both modes; integer details in :mod:`fasttrack.hough.config`):

1. **Capacity.** Only the first ``max_hits`` hits of an event (input order) are used;
   the rest are counted in ``n_hits_dropped`` (saturating at
   ``2^drop_count_bits − 1``, the end-of-event word's counter).
2. **Filling.** Each hit, in each column its bend allows (bend filter), fills the bins
   its line crosses between the column's edges, at most ``max_bins_per_column`` from the
   lowest one (``n_fills_capped`` counts the bins left out). A cell records the layers
   that filled it (bit mask) and lists its first ``max_hits_per_cell`` hits in input
   order; later hits still set their layer bit and are counted in ``n_list_overflows``.
   Hits that fill no cell are counted in ``n_hits_unfilled``.
3. **Candidates.** Cells with hits on at least ``min_layers`` distinct layers, in raster
   order (``i·n_b + j``). With ``duplicate_rule="localmax"`` a candidate must also have
   more layers than its neighbours earlier in raster order and at least as many as the
   later ones (outside the array: none). With ``duplicate_rule="sharing"`` candidates are
   ranked (more layers first, then fewer listed hits, then raster order) and one is
   dropped when it shares at least ``dup_min_shared`` listed hits with a better-ranked
   candidate that was kept and has at most ``dup_max_new`` listed hits that one lacks
   (it brings nothing new); survivors stay in raster order. (Applied after the
   mini-Hough when that is on.)
4. **Mini-Hough** (optional). Each candidate cell is split 2×2 and refilled with its
   listed hits; each sub-cell reaching ``min_layers`` becomes the candidate instead, with
   the hits that filled it (``sub`` = 2·(column half) + (bin half); −1 without). The
   refill uses the line shifts at the half-column edges (the ``SUB_SHIFT`` table) and
   half-width bins (``bin_shift − 1``), clips to the cell's two half bins, applies the
   same ``max_bins_per_column`` cap per half column (those capped fills are not counted),
   and does not re-apply the bend filter. Only listed hits take part, so a cell whose
   list overflowed can lose layers in the refill.
5. **Output capacity.** At most ``max_tracks`` candidates per event; ``n_candidates``
   counts them all and ``track_overflow`` flags the events that lost some.

6. **Full azimuth** (``phi_wrap``, :mod:`fasttrack.azimuth`): hits are reduced into one
   turn; the ``n_b`` bins are one turn, so a line's bins (counted from ``b_min``, not
   clipped) are taken modulo ``n_b`` and the cap counts from its lowest bin; the
   mini-Hough refills a cell from the turn of the line that reaches it; ``"localmax"``
   neighbours wrap around; φ_T is reported in (−π, π].

A candidate's parameters are the centre of its region: the (sub-)cells next to it that its
listed hits fill on the same layers (:mod:`fasttrack.hough.params`, which says why: the
cell the duplicate removal keeps is the first of equal ones, so its centre is biased).
They are computed from the output (cell, sub-cell, listed hits) and change none of it.

Example
-------
>>> from fasttrack import detector, generate
>>> from fasttrack.hough import Hough, HoughConfig
>>> det = detector.barrel()
>>> hough = Hough(HoughConfig.for_detector(det))
>>> out = hough.run(generate.generate(det, 5, seed=1), mode="fixed")
>>> sorted(out.tracks.fields)[:3]
['cell_a', 'cell_b', 'hit_ids']
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Any

import awkward as ak
import numpy as np

from .. import azimuth
from ..events import Events
from ..finder import Mode, OverflowFlags, ReferenceFinder
from . import engine
from .config import HoughConfig
from .params import region_centres

__all__ = ["TRACK_RECORD", "Hough", "HoughOutput"]


# Hough candidates are records of this name: the deprecated field names `column` and `bin`
# (now `cell_a` and `cell_b`, as the retina's) still read, with a warning, for one release
TRACK_RECORD = "fasttrack.hough_track"
_RENAMED = {"column": "cell_a", "bin": "cell_b"}


def _renamed(self: Any, old: str) -> Any:
    warnings.warn(f"Hough track field {old!r} is deprecated; use {_RENAMED[old]!r}", DeprecationWarning, stacklevel=3)
    return self[_RENAMED[old]]


class _TrackRecord(ak.Record):  # type: ignore[misc]
    column = property(lambda self: _renamed(self, "column"))
    bin = property(lambda self: _renamed(self, "bin"))


class _TrackArray(ak.Array):  # type: ignore[misc]
    column = property(lambda self: _renamed(self, "column"))
    bin = property(lambda self: _renamed(self, "bin"))


ak.behavior[TRACK_RECORD] = _TrackRecord
ak.behavior["*", TRACK_RECORD] = _TrackArray


@dataclass(frozen=True, eq=False)
class HoughOutput(OverflowFlags):
    """One run: ``tracks`` ``N * var * {cell_a, cell_b, sub, <a>, <b>, layer_mask, n_layers,
    hit_ids}`` (``cell_a`` is the column, ``cell_b`` the bin; ``column`` and ``bin`` still
    work, deprecated) and per-event counters; with ``keep_maps``, ``maps`` (layer counts),
    ``masks`` (layer masks) and ``hit_counts`` (hits that filled each cell, listed or not),
    each (N, n_a, n_b)."""

    mode: Mode
    tracks: ak.Array
    n_hits_dropped: np.ndarray
    n_fills_capped: np.ndarray
    n_list_overflows: np.ndarray
    n_hits_unfilled: np.ndarray
    n_candidates: np.ndarray
    maps: np.ndarray | None = None
    masks: np.ndarray | None = None
    hit_counts: np.ndarray | None = None
    event_number: np.ndarray | None = None  # the events' numbers (labels)


class Hough(ReferenceFinder):
    """The Hough transform for one :class:`HoughConfig` (``run``, ``find``, ``accumulate``)."""

    def __init__(self, config: HoughConfig) -> None:
        self.config = cfg = config
        # the kernels' arguments that depend on the config alone, built once
        sub_edges = cfg.a_min + np.arange(2 * cfg.n_a + 1) * (cfg.delta_a / 2.0)
        sub_shift = np.ascontiguousarray(cfg.shifts(sub_edges))
        self._tables = engine.Tables(
            shift=np.ascontiguousarray(cfg.shifts(cfg.a_edges())),
            shift_hw=np.ascontiguousarray(cfg.tables.shift_hw),
            sub_shift=sub_shift,
            sub_shift_hw=np.ascontiguousarray(cfg.quantize_coord(sub_shift)),
            a_bend=cfg.a_centres(),
            a_bend_hw=np.ascontiguousarray(cfg.tables.a_bend_hw),
        )
        self._params = engine.Params(
            max_hits=cfg.max_hits,
            n_a=cfg.n_a,
            n_b=cfg.n_b,
            b_min=float(cfg.b_min),
            b_min_hw=np.int64(cfg.b_min_hw),
            delta_b=float(cfg.delta_b),
            bin_shift=cfg.bin_shift,
            max_bins_per_column=cfg.max_bins_per_column,
            bend_window=float(cfg.bend_window_hw * cfg.bend_lsb) if cfg.bend_filter else -1.0,
            bend_window_hw=np.int64(cfg.bend_window_hw),
            max_hits_per_cell=cfg.max_hits_per_cell,
            min_layers=cfg.min_layers,
            duplicate_rule=engine.DUPLICATE_RULES[cfg.duplicate_rule],
            dup_min_shared=cfg.dup_min_shared,
            dup_max_new=cfg.dup_max_new,
            mini_hough=cfg.mini_hough,
            max_tracks=cfg.max_tracks,
            phi_wrap=cfg.phi_wrap,
        )

    def _inputs(self, events: Events) -> engine.Hits:
        """The events' hits as the kernels read them, in both number formats."""
        cfg = self.config
        name = cfg.measurement_name
        if name not in events.hits.fields:
            raise ValueError(f"hough {cfg.name!r} measures {name!r}; the events lack it")
        if events.detector.n_layers != cfg.n_layers:
            raise ValueError(
                f"hough {cfg.name!r} has {cfg.n_layers} layers; detector "
                f"{events.detector.name!r} has {events.detector.n_layers}"
            )
        offsets, cols = events.flat_hits()
        meas = cols[name].astype(np.float64)
        bend = cfg.bend_inputs(cols, len(meas), "hough")
        coord_hw = cfg.quantize_coord(meas)
        if cfg.phi_wrap:  # full azimuth: every hit's φ into one turn
            meas, coord_hw = azimuth.reduce_hits(meas, coord_hw, cfg.coord_lsb)
        return engine.Hits(
            offsets=offsets,
            layer=cols["layer"].astype(np.int64),
            meas=meas,
            coord_hw=coord_hw,
            bend=bend,
            bend_hw=cfg.quantize_bend(bend),
            hit_id=cols["hit_id"].astype(np.int64),
        )

    def _buffers(self, n_ev: int, keep_maps: bool) -> engine.Buffers:
        """Zeroed outputs for ``n_ev`` events."""
        cfg = self.config
        n_slots = n_ev * cfg.max_tracks
        maps = np.zeros((n_ev if keep_maps else 0, cfg.n_a, cfg.n_b), dtype=np.int64)
        return engine.Buffers(
            ev_stats=np.zeros((n_ev, 5), dtype=np.int64),
            column=np.zeros(n_slots, dtype=np.int64),
            bin=np.zeros(n_slots, dtype=np.int64),
            sub=np.zeros(n_slots, dtype=np.int64),
            layer_mask=np.zeros(n_slots, dtype=np.int64),
            n_hits=np.zeros(n_slots, dtype=np.int64),
            hits=np.zeros((n_slots, cfg.max_hits_per_cell), dtype=np.int64),
            keep_maps=keep_maps,
            maps=maps,
            masks=np.zeros_like(maps),
            hit_counts=np.zeros_like(maps),
        )

    def run(self, events: Events, mode: Mode = "fixed", *, keep_maps: bool = False) -> HoughOutput:
        """Run on every event (parallel over events); see the module docstring."""
        if mode not in ("float", "fixed"):
            raise ValueError(f"mode must be 'float' or 'fixed', got {mode!r}")
        cfg = self.config
        hits = self._inputs(events)
        offsets = hits.offsets
        n_ev = len(offsets) - 1
        mt, ml = cfg.max_tracks, cfg.max_hits_per_cell
        buf = self._buffers(n_ev, keep_maps)
        engine.run(hits, self._tables, self._params, mode == "fixed", buf)
        ev_stats = buf.ev_stats
        n_tracks = np.minimum(ev_stats[:, 4], mt)
        sel = (np.arange(mt)[None, :] < n_tracks[:, None]).ravel()
        t_i, t_j, t_sub, t_mask = buf.column[sel], buf.bin[sel], buf.sub[sel], buf.layer_mask[sel]
        t_nh, t_hits = buf.n_hits[sel], buf.hits[sel]
        # hit lists: event-local indices -> hit ids
        track_event = np.repeat(np.arange(n_ev), n_tracks)
        in_list = np.arange(ml)[None, :] < t_nh[:, None]
        local = t_hits[in_list]
        hit_ids = ak.unflatten(hits.hit_id[local + np.repeat(offsets[:-1][track_event], t_nh)].astype(np.int32), t_nh)
        # parameters: the centre of the candidate's region (fasttrack.hough.params)
        a_cells, b_cells, _ = region_centres(
            hits, self._tables, self._params, mode == "fixed", offsets[:-1][track_event], t_i, t_j, t_sub, t_nh, t_hits
        )
        n_layers = np.bitwise_count(t_mask).astype(np.int32)
        a_name, b_name = cfg.param_names
        b_val = cfg.b_min + b_cells * cfg.delta_b
        if cfg.phi_wrap:
            b_val = azimuth.wrap_pi(b_val)
        fields = {
            "cell_a": t_i.astype(np.int32),
            "cell_b": t_j.astype(np.int32),
            "sub": t_sub.astype(np.int8),
            a_name: cfg.a_min + a_cells * cfg.delta_a,
            b_name: b_val,
            "layer_mask": t_mask.astype(np.int64),
            "n_layers": n_layers,
            "hit_ids": hit_ids,
        }
        tracks = ak.unflatten(ak.zip(fields, depth_limit=1, with_name=TRACK_RECORD), n_tracks)
        return HoughOutput(
            mode,
            tracks,
            np.minimum(ev_stats[:, 0], (1 << cfg.drop_count_bits) - 1),  # the saturating counter
            ev_stats[:, 1].copy(),
            ev_stats[:, 2].copy(),
            ev_stats[:, 3].copy(),
            ev_stats[:, 4].copy(),
            buf.maps if keep_maps else None,
            buf.masks if keep_maps else None,
            buf.hit_counts if keep_maps else None,
            events.event_number,
        )

    def accumulate(self, events: Events, index: int = 0, mode: Mode = "fixed") -> np.ndarray:
        """The layer-count map (n_a, n_b) of one event (:meth:`event_map`)."""
        return self.event_map(events, index, mode)

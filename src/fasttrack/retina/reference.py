"""The retina reference: float model for physics, fixed-point model as the golden reference.

Semantics (both modes; integer details in :mod:`fasttrack.retina.config`):

1. **Capacity.** Only the first ``max_hits`` hits of an event, in input order (the
   event's readout order, which is also the order of the test vectors), are processed;
   the others are dropped, counted in ``n_hits_dropped`` (saturating at
   ``2^drop_count_bits − 1``, the end-of-event word's counter) and flagged in
   ``hit_overflow``.
2. **Switch and accumulation.** A hit reaches the cells whose receptor on its layer lies
   within the region of interest (and, with the bend filter on, whose q/pT lies within
   the bend window of the stub's estimate) and adds its weight there; accumulators saturate at
   ``2^acc_bits − 1`` (fixed). Hits that reach no cell are counted in ``n_hits_unreached``.
3. **Maxima.** A cell is a candidate when ``R ≥ threshold`` and ``R`` is strictly greater
   than its neighbours earlier in raster order (cell ``(i, j)`` has raster number
   ``i·n_b + j``) and greater or equal to the later ones; cells outside the grid count
   as 0. (A two-cell plateau gives one maximum; exotic plateau shapes can give more.)
   In float mode, responses equal to a relative 1e-9 are ties: exact ties happen (a
   track at tx = 0 between two symmetric cells) and summation rounding must not break them.
4. **Capacity of the output.** Candidates are emitted in raster order; beyond
   ``max_tracks`` they are dropped, counted (``n_candidates`` holds the total) and flagged in
   ``track_overflow``.
5. **Centroid.** Per axis, over the three cells through the maximum along that axis
   (outside cells 0), with their minimum ``m`` subtracted as a pedestal:
   ``off_a = ((R₊ − m) − (R₋ − m)) / ((R₋ − m) + (R₀ − m) + (R₊ − m))`` in cells, 0 when
   the denominator is 0; fixed: the same in integers with the numerator shifted left by
   ``F = centroid_frac_bits`` and divided truncating toward zero like C++ ``/``. The
   track parameters are ``a = a_min + (i + ½ + off_a)·Δa`` (fixed: ``off_a_hw/2^F``).
   (Measured on the telescope, this halves the tx resolution of the full 3×3 weighted
   centroid, whose wide pedestal from short-lever layers pulls offsets toward 0.)
6. **Full azimuth** (``phi_wrap``, :mod:`fasttrack.azimuth`): hits are reduced into one
   turn, distances are taken modulo 2π (fixed: modulo the turn's LSBs), the grid's
   neighbours along φ_T wrap around (maxima, centroid), and φ_T is reported in (−π, π].
7. **Association.** A track's ``hit_ids`` hold, for each layer, the processed hit of
   largest weight in the track's cell (the first in input order on ties), if that weight
   is at least ``assoc_weight`` (fixed: the LUT weight ≥ ``assoc_hw``); in layer order.
   One hit per layer, as a track crosses each layer once.

Example
-------
>>> from fasttrack import detector, generate
>>> from fasttrack.retina import Retina, RetinaConfig
>>> det = detector.telescope()
>>> retina = Retina(RetinaConfig.for_detector(det))
>>> out = retina.run(generate.generate(det, 20, seed=1), mode="fixed")
>>> sorted(out.tracks.fields)[:4]
['cell_a', 'cell_b', 'hit_ids', 'off_a']
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import awkward as ak
import numpy as np

from .. import azimuth
from ..events import Events
from ..finder import Mode, OverflowFlags, ReferenceFinder
from . import engine
from .config import RetinaConfig

__all__ = ["Retina", "RetinaOutput"]


@dataclass(frozen=True, eq=False)
class RetinaOutput(OverflowFlags):
    """What one run of the retina produced.

    Attributes
    ----------
    tracks: ``N * var * {cell_a, cell_b, <a>, <b>, off_a, off_b, quality, hit_ids}``; in
        fixed mode also ``off_a_hw``, ``off_b_hw`` (raw centroid offsets) and
        ``quality`` is the raw accumulator value.
    n_hits_dropped, n_hits_unreached, n_candidates: per event, int64 (``n_candidates``:
        local maxima above threshold, before the output capacity).
    hit_overflow, track_overflow: per event, bool.
    maps: the response maps (N, n_a, n_b) when requested, else None.
    """

    mode: Mode
    tracks: ak.Array
    n_hits_dropped: np.ndarray
    n_hits_unreached: np.ndarray
    n_candidates: np.ndarray
    maps: np.ndarray | None = None
    event_number: np.ndarray | None = None  # the events' numbers (labels)

    @property
    def n_maxima(self) -> np.ndarray:
        """Deprecated name of :attr:`n_candidates`."""
        warnings.warn("RetinaOutput.n_maxima is deprecated; use n_candidates", DeprecationWarning, stacklevel=2)
        return self.n_candidates


class Retina(ReferenceFinder):
    """The artificial retina for one :class:`RetinaConfig`.

    ``find(events, mode)`` returns tracks; ``run`` returns them with the per-event
    counters and flags (and the maps with ``keep_maps=True``); ``response(event)`` gives
    one event's float map.
    """

    def __init__(self, config: RetinaConfig) -> None:
        self.config = cfg = config
        # the kernels' arguments that depend on the config alone, built once
        H = cfg.H_array()
        # inner parameter per layer: the one whose cell step moves the receptor most
        sa = np.abs(H[:, 0, 0]) * cfg.delta_a
        sb = np.abs(H[:, 0, 1]) * cfg.delta_b
        a_c = cfg.a_centres()
        self._tables = engine.Tables(
            H=H,
            c=cfg.c_array(),
            model_dev=np.ascontiguousarray(cfg.model_deviation()),
            inner_a=sa >= sb,
            a_c=a_c,
            b_c=cfg.b_centres(),
            a_bend=a_c,  # a is q/pT where the bend filter applies
            a_bend_hw=cfg.a_bend_hw(),
            rec=np.ascontiguousarray(cfg.receptors()),
            rec_hw=np.ascontiguousarray(cfg.tables.receptors_hw),
            roi=cfg.roi,
            roi_hw=np.array(cfg.roi_hw, dtype=np.int64),
            sigma=np.array(cfg.sigma),
            lut=np.ascontiguousarray(cfg.tables.lut),
            lut_shift=np.array(cfg.lut_shift, dtype=np.int64),
        )
        self._params = engine.Params(
            max_hits=cfg.max_hits,
            max_tracks=cfg.max_tracks,
            coord_lsb=float(cfg.coord_lsb),
            bend_window=float(cfg.bend_window_hw * cfg.bend_lsb) if cfg.bend_filter else -1.0,
            bend_window_hw=np.int64(cfg.bend_window_hw),
            threshold=float(cfg.threshold),
            threshold_hw=np.int64(cfg.threshold_hw),
            acc_max=np.int64(cfg.acc_max),
            centroid_frac_bits=cfg.centroid_frac_bits,
            assoc_weight=float(cfg.assoc_weight),
            assoc_hw=np.int64(cfg.assoc_hw),
            phi_wrap=cfg.phi_wrap,
            turn_hw=np.int64(azimuth.turn_hw(cfg.coord_lsb) if cfg.phi_wrap else 0),
        )

    # ------------------------------------------------------------------------------------
    def _inputs(self, events: Events) -> engine.Hits:
        """The events' hits as the kernels read them, in both number formats."""
        cfg = self.config
        missing = [m for m in cfg.measurement_names if m not in events.hits.fields]
        if missing:
            raise ValueError(f"retina {cfg.name!r} measures {cfg.measurement_names}; the events lack {missing}")
        if events.detector.n_layers != cfg.n_layers:
            raise ValueError(
                f"retina {cfg.name!r} has {cfg.n_layers} layers; detector "
                f"{events.detector.name!r} has {events.detector.n_layers}"
            )
        offsets, cols = events.flat_hits()
        layer = cols["layer"].astype(np.int64)
        meas = np.ascontiguousarray(np.stack([cols[m].astype(np.float64) for m in cfg.measurement_names], axis=1))
        if meas.shape[0] == 0:
            meas = np.zeros((0, cfg.n_meas))
        bend = cfg.bend_inputs(cols, len(layer), "retina")
        coord_hw = cfg.quantize_coord(meas)
        if cfg.phi_wrap:  # full azimuth: every hit's φ into one turn
            meas, coord_hw = azimuth.reduce_hits(meas, coord_hw, cfg.coord_lsb)
        return engine.Hits(
            offsets=offsets,
            layer=layer,
            meas=np.ascontiguousarray(meas),
            coord_hw=np.ascontiguousarray(coord_hw),
            bend=bend,
            bend_hw=np.ascontiguousarray(cfg.quantize_bend(bend)),
            hit_id=cols["hit_id"].astype(np.int64),
        )

    def _buffers(self, n_ev: int, fixed: bool, keep_maps: bool) -> engine.Buffers:
        """Zeroed outputs for ``n_ev`` events (centroids, qualities and maps int64 in fixed mode)."""
        cfg = self.config
        n_slots = n_ev * cfg.max_tracks
        num = np.int64 if fixed else np.float64
        return engine.Buffers(
            ev_stats=np.zeros((n_ev, 4), dtype=np.int64),
            cell_a=np.zeros(n_slots, dtype=np.int64),
            cell_b=np.zeros(n_slots, dtype=np.int64),
            off_a=np.zeros(n_slots, dtype=num),
            off_b=np.zeros(n_slots, dtype=num),
            quality=np.zeros(n_slots, dtype=num),
            keep_maps=keep_maps,
            maps=np.zeros((n_ev if keep_maps else 0, cfg.n_a, cfg.n_b), dtype=num),
        )

    def run(self, events: Events, mode: Mode = "fixed", *, keep_maps: bool = False) -> RetinaOutput:
        """Run on every event (parallel over events); see the module docstring."""
        if mode not in ("float", "fixed"):
            raise ValueError(f"mode must be 'float' or 'fixed', got {mode!r}")
        cfg = self.config
        hits = self._inputs(events)
        offsets = hits.offsets
        n_ev = len(offsets) - 1
        mt = cfg.max_tracks
        fixed = mode == "fixed"
        buf = self._buffers(n_ev, fixed, keep_maps)
        (engine.run_fixed if fixed else engine.run_float)(hits, self._tables, self._params, buf)
        ev_stats = buf.ev_stats
        n_tracks = ev_stats[:, 3]
        sel = (np.arange(mt)[None, :] < n_tracks[:, None]).ravel()
        t_i, t_j = buf.cell_a[sel], buf.cell_b[sel]
        t_off_a, t_off_b, t_q = buf.off_a[sel], buf.off_b[sel], buf.quality[sel]
        trk_off = np.zeros(n_ev + 1, dtype=np.int64)
        np.cumsum(n_tracks, out=trk_off[1:])
        # association: each track's hit per layer (or -1), read row by row in layer order
        best = np.empty((len(t_i), cfg.n_layers), dtype=np.int32)
        engine.associate(hits, self._tables, self._params, fixed, trk_off, t_i, t_j, best)
        found = best >= 0
        n_assoc = found.sum(axis=1)
        # local hit index -> hit_id of that event
        track_event = np.repeat(np.arange(n_ev), n_tracks)
        hit_global = best[found] + np.repeat(offsets[:-1][track_event], n_assoc)
        hit_ids = ak.unflatten(hits.hit_id[hit_global].astype(np.int32), n_assoc)
        scale = float(1 << cfg.centroid_frac_bits)
        off_a = t_off_a / scale if fixed else t_off_a
        off_b = t_off_b / scale if fixed else t_off_b
        a_name, b_name = cfg.param_names
        b_val = cfg.b_min + (t_j + 0.5 + off_b) * cfg.delta_b
        if cfg.phi_wrap:  # a centroid across the seam lands beyond the grid's ends
            b_val = azimuth.wrap_pi(b_val)
        fields = {
            "cell_a": t_i.astype(np.int32),
            "cell_b": t_j.astype(np.int32),
            a_name: cfg.a_min + (t_i + 0.5 + off_a) * cfg.delta_a,
            b_name: b_val,
            "off_a": np.asarray(off_a, dtype=np.float64),
            "off_b": np.asarray(off_b, dtype=np.float64),
        }
        if fixed:
            fields |= {"off_a_hw": t_off_a.astype(np.int32), "off_b_hw": t_off_b.astype(np.int32)}
        fields |= {"quality": t_q, "hit_ids": hit_ids}
        tracks = ak.unflatten(ak.zip(fields, depth_limit=1), n_tracks)
        return RetinaOutput(
            mode,
            tracks,
            np.minimum(ev_stats[:, 0], (1 << cfg.drop_count_bits) - 1),  # the saturating counter
            ev_stats[:, 1].copy(),
            ev_stats[:, 2].copy(),
            buf.maps if keep_maps else None,
            events.event_number,
        )

    def response(self, events: Events, index: int = 0, mode: Mode = "float") -> np.ndarray:
        """The response map (n_a, n_b) of one event (float, or the fixed accumulators;
        :meth:`event_map`)."""
        return self.event_map(events, index, mode)

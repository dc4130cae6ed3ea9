"""Analytic cycle model of the RTL retina (``hdl/retina/retina_top.sv``).

The RTL takes one word per clock on each layer lane and holds a lane that has delivered
its event's last word until every lane has; the event then moves to the readout
register (the *snapshot*) if that is free. The readout issues one track per clock (at
most ``MAX_TRACKS``) and then the end-of-event word, into a pipeline of
``CENTROID_FRAC_BITS + 1`` divider stages and the output FIFO. With inputs always
available and no output back-pressure, for event ``e`` (cycles are rising edges after
reset, the first at 1)::

    c_in(e)  = max over layers of max(hits on the layer, 1)     accumulation clocks
    n_tr(e)  = min(local maxima, MAX_TRACKS)                    tracks output
    A(e)     = S(e-1) + 1          (A(0) = 1)                   accumulation may start
    S(e)     = max(A(e) + c_in(e) - 1, R(e-1))                  snapshot
    F(e)     = A(e) if c_in(e) > 1 else S(e)                    first word accepted
    R(e)     = S(e) + n_tr(e) + 1                               end word issued
    out(e)   = R(e) + PIPE         PIPE = CENTROID_FRAC_BITS + 2 end word leaves
    latency(e) = out(e) - F(e)

The co-simulation measures ``A`` and ``out`` for every event and the tests require the
model to predict them exactly (slack 0 cycles).

Example
-------
>>> from fasttrack import detector, generate
>>> from fasttrack.retina import RetinaConfig
>>> det = detector.telescope()
>>> cfg = RetinaConfig.for_detector(det, n_a=24, n_b=12, sigma=2.0)
>>> est = retina_cycle_model(cfg, generate.generate(det, 200, seed=1))
>>> est.cycles_per_event < 10, est.instances_for_40mhz
(True, 1)
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from ..events import Events
from ..hough import Hough, HoughConfig
from ..hough import engine as hough_engine
from ..retina import Retina, RetinaConfig
from .words import HOUGH_CMP_LANES, HOUGH_MINI_LANES

__all__ = [
    "HOUGH_CMP_LANES",
    "HOUGH_MINI_LANES",
    "LHC_BX_MHZ",
    "CycleEstimate",
    "hough_cycle_model",
    "hough_event_loads",
    "hough_schedule",
    "retina_cycle_model",
    "retina_schedule",
    "sustained_cycles_per_event",
]

LHC_BX_MHZ = 40.0  # LHC bunch-crossing rate


@dataclass(frozen=True)
class CycleEstimate:
    """Throughput and latency of one instance at ``clock_mhz``."""

    events: int
    clock_mhz: float
    cycles_per_event: float  # sustained, back to back
    latency_cycles_mean: float
    latency_cycles_max: int

    @property
    def event_rate_mhz(self) -> float:
        return self.clock_mhz / self.cycles_per_event if self.cycles_per_event > 0 else math.inf

    @property
    def instances_for_40mhz(self) -> int:
        """Time-multiplexed instances (round-robin over events) reaching the LHC rate."""
        return max(1, math.ceil(LHC_BX_MHZ / self.event_rate_mhz - 1e-12))

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["event_rate_mhz"] = self.event_rate_mhz
        d["instances_for_40mhz"] = self.instances_for_40mhz
        return d


def sustained_cycles_per_event(out_cycles: np.ndarray) -> float:
    """Clocks between the first and the last event's end word, per event."""
    out_cycles = np.asarray(out_cycles, dtype=np.float64)
    if len(out_cycles) < 2:
        return float("nan")
    return float((out_cycles[-1] - out_cycles[0]) / (len(out_cycles) - 1))


def retina_event_loads(cfg: RetinaConfig, events: Events) -> tuple[np.ndarray, np.ndarray]:
    """Per event: accumulation clocks ``c_in`` and tracks output ``n_tr``."""
    offsets, cols = events.flat_hits()
    layer = np.asarray(cols["layer"], dtype=np.int64)
    n_ev = len(events)
    c_in = np.ones(n_ev, dtype=np.int64)
    for e in range(n_ev):
        lay = layer[offsets[e] : offsets[e + 1]]
        if len(lay):
            c_in[e] = max(1, int(np.bincount(lay, minlength=cfg.n_layers).max()))
    res = Retina(cfg).run(events, "fixed")
    n_tr = np.minimum(np.asarray(res.n_maxima, dtype=np.int64), cfg.max_tracks)
    return c_in, n_tr


def retina_schedule(cfg: RetinaConfig, c_in: np.ndarray, n_tr: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(first-word cycle A, end-word-out cycle) per event, from the recurrences above."""
    pipe = cfg.centroid_frac_bits + 2
    n = len(c_in)
    first = np.zeros(n, dtype=np.int64)
    out = np.zeros(n, dtype=np.int64)
    s_prev, r_prev = 0, 0
    for e in range(n):
        a = s_prev + 1
        s = max(a + int(c_in[e]) - 1, r_prev)
        r = s + int(n_tr[e]) + 1
        # a one-clock event is complete at once: its words wait for the snapshot
        first[e], out[e] = (a if c_in[e] > 1 else s), r + pipe
        s_prev, r_prev = s, r
    return first, out


def estimate_from_schedule(first: np.ndarray, out: np.ndarray, clock_mhz: float) -> CycleEstimate:
    """Throughput and latency from each event's first-in and last-out cycle."""
    lat = out - first
    return CycleEstimate(
        events=len(out),
        clock_mhz=clock_mhz,
        cycles_per_event=sustained_cycles_per_event(out),
        latency_cycles_mean=float(lat.mean()) if len(lat) else float("nan"),
        latency_cycles_max=int(lat.max()) if len(lat) else 0,
    )


def retina_cycle_model(cfg: RetinaConfig, events: Events, *, clock_mhz: float = 250.0) -> CycleEstimate:
    """Throughput and latency of the RTL retina on ``events`` streamed back to back."""
    c_in, n_tr = retina_event_loads(cfg, events)
    first, out = retina_schedule(cfg, c_in, n_tr)
    return estimate_from_schedule(first, out, clock_mhz)


# ---------------------------------------------------------------------------------------
# Hough transform (hdl/hough/hough_top.sv)
# ---------------------------------------------------------------------------------------
# micro-architecture of hdl/hough/hough_top.sv: HOUGH_MINI_LANES and HOUGH_CMP_LANES
# (fasttrack.hw.words, which the generated package carries as MINI_LANES and CMP_LANES)


def _hough_readout_cycles(
    hough: Hough, hits: hough_engine.Hits, h0: int, mask: np.ndarray, count: np.ndarray, lists: np.ndarray
) -> int:
    """Clocks of the readout FSM for one event (its hits from ``h0``; its filled cells
    ``mask``, ``count``, ``lists``) from LIST to the end word, no back-pressure.

    Without the mini-Hough, LIST stores one candidate cell per clock and one more clock
    finds none left. With it, LIST loads the first cell (one clock); each cell c is refilled
    in ``m(c)`` clocks (its listed hits over ``HOUGH_MINI_LANES`` lanes: the most any lane
    holds, at least 1) and handed, in its last clock, to the store queue while the next
    cell is listed; the queue writes one passing sub-cell per clock, and a cell can be
    handed over only once the queue empties in that clock, so cell c ends
    ``max(m(c), p(c-1), 1)`` clocks after cell c-1 (``p``: passing sub-cells); after the
    last cell the queue drains in ``max(p(last), 1)`` clocks. Rule "sharing": one clock
    per rank key present and one that finds none, and per candidate in rank order
    ``q // HOUGH_CMP_LANES + 1`` clocks when kept candidate ``q`` is the first it
    duplicates, else ``max(1, ceil(kept / HOUGH_CMP_LANES))``. Emission: one clock per
    candidate visited and per hit-id word, the clock that stops, the end word.
    """
    cfg = hough.config
    ml, nl_min = cfg.max_hits_per_cell, cfg.min_layers
    lanes, cmp_lanes = HOUGH_MINI_LANES, HOUGH_CMP_LANES
    pc = np.vectorize(lambda m: int(m).bit_count())(mask) if mask.size else mask
    cell_i, cell_j = np.nonzero(pc >= nl_min)  # raster order
    cells = [(int(i), int(j)) for i, j in zip(cell_i, cell_j, strict=True)]
    cyc = 1 if cfg.mini_hough else len(cells) + 1
    cands: list[tuple[int, int, frozenset[int]]] = []  # (layers, listed hits, hit set)
    if cfg.mini_hough:  # the golden model's 2×2 refill of every cell, in one call
        sub_mask = np.zeros((len(cells), 2, 2), dtype=np.int64)
        sub_count = np.zeros((len(cells), 2, 2), dtype=np.int64)
        sub_lists = np.empty((len(cells), 2, 2, ml), dtype=np.int64)
        hough_engine._mini_fill_cells(
            cell_i, cell_j, count, lists, hits, h0, True, hough._tables, hough._params, sub_mask, sub_count, sub_lists
        )
    p_prev = 0
    for k, (i, j) in enumerate(cells):
        n_list = min(int(count[i, j]), ml)
        if cfg.mini_hough:
            slots = np.asarray(lists[i, j, :n_list], dtype=np.int64)
            m = int(np.bincount(slots % lanes, minlength=lanes).max()) if n_list else 0
            n_pass = 0
            for si in range(2):
                for sj in range(2):
                    n_l = int(sub_mask[k, si, sj]).bit_count()
                    if n_l >= nl_min:
                        ns = int(sub_count[k, si, sj])
                        cands.append((n_l, ns, frozenset(int(h) for h in sub_lists[k, si, sj, :ns])))
                        n_pass += 1
            cyc += max(m, p_prev, 1)  # MINI, handed to the store queue in its last clock
            p_prev = n_pass
        else:
            cands.append((int(pc[i, j]), n_list, frozenset(int(h) for h in lists[i, j, :n_list])))
    if cfg.mini_hough and cells:
        cyc += max(p_prev, 1)  # DRAIN: the last cell's sub-cells
    keep = [True] * len(cands)
    if cfg.duplicate_rule == "sharing":
        keys = sorted({(-nl, nh) for nl, nh, _ in cands})
        cyc += len(keys) + 1  # VPICK: one clock per rank key present, one that finds none
        order = sorted(range(len(cands)), key=lambda c: (-cands[c][0], cands[c][1], c))
        kept: list[int] = []
        for c in order:
            nh, hit_set = cands[c][1], cands[c][2]
            dup_at = -1
            for q, k in enumerate(kept):
                sh = len(hit_set & cands[k][2])
                if sh >= cfg.dup_min_shared and nh - sh <= cfg.dup_max_new:
                    dup_at = q
                    break
            cyc += max(1, -(-len(kept) // cmp_lanes)) if dup_at < 0 else dup_at // cmp_lanes + 1  # VCMP
            keep[c] = dup_at < 0
            if dup_at < 0:
                kept.append(c)
    n_out = 0
    for c, (_nl, nh, _h) in enumerate(cands):  # ECAND / EHITS
        if n_out == cfg.max_tracks:
            break
        if keep[c]:
            cyc += 1 + nh
            n_out += 1
        else:
            cyc += 1
    return cyc + 2  # the ECAND clock that stops, the end word


def hough_event_loads(cfg: HoughConfig, events: Events) -> tuple[np.ndarray, np.ndarray]:
    """Per event: input words (hits + the end word) and readout clocks."""
    h = Hough(cfg)
    hits = h._inputs(events)
    offsets = hits.offsets
    n_ev = len(offsets) - 1
    words = np.diff(offsets).astype(np.int64) + 1
    readout = np.zeros(n_ev, dtype=np.int64)
    n_a, n_b, ml = cfg.n_a, cfg.n_b, cfg.max_hits_per_cell
    for e in range(n_ev):
        h0, h1 = int(offsets[e]), int(offsets[e + 1])
        n_use = min(h1 - h0, cfg.max_hits)
        mask = np.zeros((n_a, n_b), dtype=np.int64)
        count = np.zeros((n_a, n_b), dtype=np.int64)
        lists = np.empty((n_a, n_b, ml), dtype=np.int64)
        st = np.zeros(3, dtype=np.int64)
        # the fixed-point fill of the golden model: the RTL's cells
        hough_engine._fill_event(hits, h0, n_use, True, h._tables, h._params, mask, count, lists, st)
        readout[e] = _hough_readout_cycles(h, hits, h0, mask, count, lists)
    return words, readout


def hough_schedule(cfg: HoughConfig, events: Events) -> tuple[np.ndarray, np.ndarray]:
    """(first word accepted, end word out) per event, back to back without back-pressure.

    Event ``e`` has ``W(e)`` input words (hits and the end word) and a readout of
    ``R(e)`` clocks (:func:`hough_event_loads`); two banks, so::

        A(e) = max(A(e-1) + W(e-1), D(e-2) + 1)      A(0) = 1   first word accepted
        S(e) = max(A(e) + W(e), D(e-1)) + 1                     readout enters LIST
        D(e) = S(e) + R(e)                                      end word issued
        out(e) = D(e) + 1                                       end word taken
    """
    words, readout = hough_event_loads(cfg, events)
    n = len(words)
    first = np.zeros(n, dtype=np.int64)
    out = np.zeros(n, dtype=np.int64)
    d = [0, 0]  # D(e-2), D(e-1)
    a_prev, w_prev = 1, 0
    for e in range(n):
        a = max(a_prev + w_prev, d[0] + 1)
        s = max(a + int(words[e]), d[1]) + 1
        de = s + int(readout[e])
        first[e], out[e] = a, de + 1
        d = [d[1], de]
        a_prev, w_prev = a, int(words[e])
    return first, out


def hough_cycle_model(cfg: HoughConfig, events: Events, *, clock_mhz: float = 250.0) -> CycleEstimate:
    """Throughput and latency of the RTL Hough transform on ``events`` streamed back to back."""
    first, out = hough_schedule(cfg, events)
    return estimate_from_schedule(first, out, clock_mhz)

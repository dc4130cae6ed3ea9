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
from ..retina import Retina, RetinaConfig

__all__ = ["LHC_BX_MHZ", "CycleEstimate", "retina_cycle_model", "retina_schedule", "sustained_cycles_per_event"]

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


def retina_cycle_model(cfg: RetinaConfig, events: Events, *, clock_mhz: float = 250.0) -> CycleEstimate:
    """Throughput and latency of the RTL retina on ``events`` streamed back to back."""
    c_in, n_tr = retina_event_loads(cfg, events)
    first, out = retina_schedule(cfg, c_in, n_tr)
    lat = out - first
    return CycleEstimate(
        events=len(events),
        clock_mhz=clock_mhz,
        cycles_per_event=sustained_cycles_per_event(out),
        latency_cycles_mean=float(lat.mean()) if len(lat) else float("nan"),
        latency_cycles_max=int(lat.max()) if len(lat) else 0,
    )

"""Throughput and latency from a cycle schedule: what every RTL cycle model reports.

An algorithm's hardware module states, per event streamed back to back without
back-pressure, the clock its first input word is accepted and the clock its end-of-event
word leaves (:attr:`fasttrack.algorithms.Hardware.schedule`; the co-simulation measures the
same two numbers and requires them to be equal). This module turns such a schedule into
the figures the project quotes: sustained cycles per event, the event rate at a clock,
latency and the instances needed for the LHC's 40 MHz.

Example
-------
>>> import numpy as np
>>> est = estimate_from_schedule(np.array([1, 6, 11]), np.array([9, 14, 19]), 250.0)
>>> est.cycles_per_event, est.event_rate_mhz, est.instances_for_40mhz, est.latency_cycles_max
(5.0, 50.0, 1, 8)
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from .platform import CLOCK_MHZ, LHC_BX_MHZ, instances_for

__all__ = ["LHC_BX_MHZ", "CycleEstimate", "cycle_estimate", "estimate_from_schedule", "sustained_cycles_per_event"]


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
        return instances_for(self.cycles_per_event, self.clock_mhz, LHC_BX_MHZ)

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


def estimate_from_schedule(first: np.ndarray, out: np.ndarray, clock_mhz: float = CLOCK_MHZ) -> CycleEstimate:
    """Throughput and latency from each event's first-in and last-out cycle."""
    lat = np.asarray(out) - np.asarray(first)
    return CycleEstimate(
        events=len(out),
        clock_mhz=clock_mhz,
        cycles_per_event=sustained_cycles_per_event(out),
        latency_cycles_mean=float(lat.mean()) if len(lat) else float("nan"),
        latency_cycles_max=int(lat.max()) if len(lat) else 0,
    )


def cycle_estimate(algorithm: str, config: Any, events: Any, *, clock_mhz: float = CLOCK_MHZ) -> CycleEstimate:
    """Throughput and latency of ``algorithm``'s RTL for ``config`` on ``events``."""
    from ..algorithms import get

    hw = get(algorithm).require_hardware("a cycle model")
    return estimate_from_schedule(*hw.schedule(config, events), clock_mhz)

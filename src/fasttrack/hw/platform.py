"""The platform the hardware is built for: the clock, the target card and the LHC rate.

One place for the facts every hardware figure is quoted against; C-simulation, the
co-simulation, synthesis, the cycle model, scans, the report and the Vitis HLS scripts
(through the generated ``platform.tcl``) all read them here.

* ``CLOCK_MHZ``: the design clock, 250 MHz (a 4 ns period) on UltraScale+. An event rate
  is only as real as the logic depth that supports this clock (``fasttrack timing``).
* ``LHC_BX_MHZ``: the LHC bunch-crossing rate, 40 MHz: a trigger sees one event per 25 ns.
* ``U50``: the Alveo U50 (XCU50-FSVH2104-2-E, Xilinx DS1000 / UG1371): its part number and
  the resources an estimate is set against.

Example
-------
>>> from fasttrack.hw.platform import CLOCK_MHZ, LHC_BX_MHZ, U50, instances_for
>>> CLOCK_MHZ, LHC_BX_MHZ, U50.part
(250.0, 40.0, 'xcu50-fsvh2104-2-e')
>>> instances_for(cycles_per_event=13.6)  # 250 MHz / 13.6 = 18.4 MHz per instance
3
"""

from __future__ import annotations

import math
from dataclasses import dataclass

__all__ = ["CLOCK_MHZ", "LHC_BX_MHZ", "U50", "Device", "clock_period_ns", "instances_for"]

CLOCK_MHZ = 250.0
LHC_BX_MHZ = 40.0


@dataclass(frozen=True)
class Device:
    """An FPGA card: its part and the resources an estimate is set against."""

    name: str
    part: str
    lut: int
    ff: int
    dsp: int
    bram36: int  # RAMB36 blocks (a RAMB18 is half of one)
    uram: int

    def resources(self) -> dict[str, int]:
        """Resource name -> amount (the keys of :class:`fasttrack.hw.synth.SynthReport` shares)."""
        return {"lut": self.lut, "ff": self.ff, "dsp": self.dsp, "bram36": self.bram36, "uram": self.uram}


U50 = Device(name="Alveo U50", part="xcu50-fsvh2104-2-e", lut=872_000, ff=1_743_000, dsp=5_952, bram36=1_344, uram=640)


def clock_period_ns(clock_mhz: float = CLOCK_MHZ) -> float:
    """The clock period in ns (4.0 at 250 MHz)."""
    if not (math.isfinite(clock_mhz) and clock_mhz > 0):
        raise ValueError(f"the clock must be a positive frequency in MHz, got {clock_mhz!r}")
    return 1e3 / clock_mhz


def instances_for(cycles_per_event: float, clock_mhz: float = CLOCK_MHZ, rate_mhz: float = LHC_BX_MHZ) -> int:
    """Time-multiplexed instances (round-robin over events) that together reach ``rate_mhz``."""
    if not cycles_per_event > 0:
        return 1
    per_instance = clock_mhz / cycles_per_event
    return max(1, math.ceil(rate_mhz / per_instance - 1e-12))

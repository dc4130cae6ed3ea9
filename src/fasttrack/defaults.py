"""Per-preset defaults of a quoted result: the sample size and the efficiency's pT cut.

``fasttrack demo``, ``fasttrack report`` and scans quote efficiencies on the same terms
unless told otherwise:

* ``SAMPLE_EVENTS``: events generated per preset (``fasttrack demo``, ``fasttrack report``).
* ``EFFICIENCY_PT_MIN_GEV``: the efficiency counts reconstructable particles above this pT
  (GeV); a preset without an entry has no cut. The barrel's Hough covers pT > 3 GeV (TMTT)
  and the stub front end passes pT > 2 GeV.

Example
-------
>>> from fasttrack.defaults import EFFICIENCY_PT_MIN_GEV, SAMPLE_EVENTS
>>> SAMPLE_EVENTS["barrel"], EFFICIENCY_PT_MIN_GEV.get("barrel"), EFFICIENCY_PT_MIN_GEV.get("telescope")
(500, 3.0, None)
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

__all__ = ["EFFICIENCY_PT_MIN_GEV", "SAMPLE_EVENTS"]

#: preset -> number of events of the default sample (also the demo's order of presets)
SAMPLE_EVENTS: Mapping[str, int] = MappingProxyType({"telescope": 2000, "barrel": 500, "velo": 50})
#: preset -> pT cut (GeV) of the quoted efficiency; no entry: no cut
EFFICIENCY_PT_MIN_GEV: Mapping[str, float] = MappingProxyType({"barrel": 3.0})

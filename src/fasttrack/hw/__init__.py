"""The hardware room: everything between a config and the HLS and RTL forms.

* :mod:`.platform` -- the clock, the Alveo U50 and the LHC rate every figure is quoted at;
* :mod:`.codegen`, :mod:`.words`, :mod:`.vectors` -- generated headers/packages/memory
  files, stream word layouts, the test-vector format;
* :mod:`.retina`, :mod:`.hough` -- each algorithm's hardware description (constants,
  stream words, vectors, the co-simulation's stream plan, the RTL's cycle model), reached
  through the algorithm registry (:mod:`fasttrack.algorithms`);
* :mod:`.cyclemodel` -- throughput and latency from a cycle schedule;
* :mod:`.csim`, :mod:`.cosim`, :mod:`.synth` -- C-simulation, RTL co-simulation, yosys
  resource estimates; :mod:`.commands` -- their command-line front ends;
* :mod:`.timing`, :mod:`.paths`, :mod:`.crosscheck` -- logic depth and an Fmax estimate per
  RTL module, and its second opinion from nextpnr on a Lattice ECP5;
* :mod:`.formal` -- formal proofs (SymbiYosys, yices) of the RTL blocks' stream properties;
* :mod:`.coverage` -- corner-case categories decided from the golden model, directed
  events that exercise them, and the co-simulation's default event mix;
* :mod:`.build`, :mod:`.sources` -- cached, locked build folders with logs and progress;
  where ``hdl/``, ``hls/`` and ``sim/`` are.
"""

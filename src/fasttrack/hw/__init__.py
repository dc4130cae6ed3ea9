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
* :mod:`.build`, :mod:`.sources` -- cached, locked build folders with logs and progress;
  where ``hdl/``, ``hls/`` and ``sim/`` are.
"""

"""fasttrack: trigger-level track finding, the artificial retina and the Hough transform.

Three forms that agree bit for bit: a Python/numba reference (float for physics, fixed
point as the golden model), HLS C++ kernels and SystemVerilog RTL.

Shortest path to a result::

    from fasttrack import detector, generate, metrics, truthtrack
    events = generate.generate(detector.telescope(), 1000, seed=1)
    tracks = truthtrack.find(events)
    print(metrics.evaluate(events, tracks).table())
"""

__version__ = "0.1.0"

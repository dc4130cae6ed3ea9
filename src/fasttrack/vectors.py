"""Deprecated: test vectors moved to :mod:`fasttrack.hw.vectors` (the format, the reader)
and each algorithm's hardware module (``fasttrack.algorithms.get(name).hardware.write_vectors``)."""

from ._moved import forwarder

__getattr__ = forwarder(
    "fasttrack.vectors",
    {
        "FORMAT": "fasttrack.hw.vectors:FORMAT",
        "VectorFile": "fasttrack.hw.vectors:VectorFile",
        "read_vectors": "fasttrack.hw.vectors:read_vectors",
        "write_retina_vectors": "fasttrack.hw.retina:write_vectors",
        "write_hough_vectors": "fasttrack.hw.hough:write_vectors",
        "RETINA_STAGES": "fasttrack.hw.retina:STAGES",
        "HOUGH_STAGES": "fasttrack.hw.hough:STAGES",
    },
)

"""Deprecated: moved to :mod:`fasttrack.bits`."""

from ._moved import forwarder

__getattr__ = forwarder(
    "fasttrack.hwconfig",
    {name: f"fasttrack.bits:{name}" for name in ("HardwareConfig", "bits_signed", "bits_unsigned", "extent_hw")},
)

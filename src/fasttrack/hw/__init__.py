"""Drivers for the hardware forms: C-simulation of the HLS kernels (:mod:`.csim`)."""

"""Three detectors unlike the presets, for the derived defaults (tests/test_derive.py).

* :func:`long_barrel`: ten cylinders from 500 to 3000 mm over the full azimuth in 2 T,
  no bend measurement, about 100 hits per event (8 particles and 20 noise hits);
* :func:`tilted_telescope`: eight unevenly spaced strip planes (60 µm pitch) crossed by a
  beam tilted by 0.07 to 0.13 rad from their normal (in x and y), from 200 mm upstream;
* :func:`short_barrel`: a sector of four cylinders (250 to 850 mm) in 1 T with stubs that
  measure the bend (σ = 0.05 /GeV), pile-up 20.
"""

from __future__ import annotations

import math

import numpy as np

from fasttrack.detector import CylinderLayer, Detector, EventMix, PlaneLayer

#: the pT cut of the quoted efficiency (GeV) per detector; None: all reconstructable particles
PT_CUT_GEV: dict[str, float | None] = {"long_barrel": 3.0, "tilted_telescope": None, "short_barrel": 3.0}


def long_barrel() -> Detector:
    layers = tuple(
        CylinderLayer(
            r_mm=float(r),
            pitch_rphi_mm=0.1,
            pitch_z_mm=2.0,
            z_min_mm=-3000.0,
            z_max_mm=3000.0,
            x_over_x0=0.01,
            efficiency=0.99,
            noise_per_event=2.0,
        )
        for r in np.linspace(500.0, 3000.0, 10)
    )
    mix = EventMix(
        particles_per_vertex=8.0,
        pt_min_gev=2.0,
        pt_max_gev=100.0,
        eta_min=-1.0,
        eta_max=1.0,
        beam_sigma_z_mm=50.0,
        min_layers=8,
    )
    return Detector(name="long_barrel", layers=layers, bz_tesla=2.0, mix=mix, reference_r_mm=1500.0)


def tilted_telescope() -> Detector:
    layers = tuple(
        PlaneLayer(
            z_mm=z,
            pitch_x_mm=0.06,
            x_min_mm=-80.0,
            x_max_mm=80.0,
            y_min_mm=-80.0,
            y_max_mm=80.0,
            x_over_x0=0.005,
            efficiency=0.98,
            noise_per_event=1.0,
        )
        for z in (0.0, 30.0, 90.0, 180.0, 300.0, 450.0, 600.0, 800.0)
    )
    mix = EventMix(
        particles_per_vertex=3.0,
        pt_min_gev=20.0,
        pt_max_gev=60.0,
        pt_spectrum="flat",
        direction="slopes",
        slope_min=0.07,
        slope_max=0.13,
        beam_x_mm=-50.0,
        beam_y_mm=-50.0,
        beam_z_mm=-200.0,
        beam_sigma_x_mm=10.0,
        beam_sigma_y_mm=10.0,
        charge=1,
        min_layers=6,
        vertex_per_particle=True,
    )
    return Detector(name="tilted_telescope", layers=layers, mix=mix, reference_z_mm=400.0)


def short_barrel() -> Detector:
    half = 0.4
    layers = tuple(
        CylinderLayer(
            r_mm=r,
            pitch_rphi_mm=0.08,
            pitch_z_mm=1.0,
            phi_min=-half,
            phi_max=half,
            z_min_mm=-1000.0,
            z_max_mm=1000.0,
            bend_qoverpt_sigma=0.05,
            x_over_x0=0.015,
            efficiency=0.99,
            noise_per_event=1.0,
        )
        for r in (250.0, 450.0, 650.0, 850.0)
    )
    mix = EventMix(
        pileup=20.0,
        particles_per_vertex=0.5,
        pt_min_gev=1.5,
        pt_max_gev=50.0,
        eta_min=-1.0,
        eta_max=1.0,
        phi_min=-half - 0.1,
        phi_max=half + 0.1,
        beam_sigma_z_mm=50.0,
        min_layers=4,
    )
    return Detector(name="short_barrel", layers=layers, bz_tesla=1.0, mix=mix, reference_r_mm=550.0)


DETECTORS = {"long_barrel": long_barrel, "tilted_telescope": tilted_telescope, "short_barrel": short_barrel}

#: |φ_T| beyond this (rad) is the seam of a full-azimuth barrel, quoted apart until φ wraps
SEAM_HALF_WIDTH = 0.05
SEAM_PHI = math.pi - SEAM_HALF_WIDTH

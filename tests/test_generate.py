"""Event generator: propagation against analytic formulas, statistics, determinism, arguments.

Statistical checks compare with the expected value within five standard deviations of the
estimator (computed from the sample size), so a correct generator fails them with
probability below 1e-6 per check; seeds are fixed, so the suite is reproducible anyway.
"""

from __future__ import annotations

import math
import os
import subprocess
import sys
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Literal

import awkward as ak
import numpy as np
import pytest

from fasttrack import detector, generate, trackmodel
from fasttrack.detector import CylinderLayer, Detector, EventMix, PlaneLayer
from fasttrack.events import Events

N_SIGMA = 5.0
BARREL_RADII = detector.BARREL_RADII_MM


# --- helpers ------------------------------------------------------------------------------
def ideal_barrel(pitch_rphi_mm: float = 0.005, pitch_z_mm: float = 0.01, **layer: float) -> Detector:
    """Six barrel radii in 3.8 T, no material, no smearing, no noise, full φ, fine pitch,
    a perfect bend measurement."""
    layer = {"bend_qoverpt_sigma": 0.0, **layer}
    layers = tuple(
        CylinderLayer(r_mm=r, pitch_rphi_mm=pitch_rphi_mm, pitch_z_mm=pitch_z_mm, **layer) for r in BARREL_RADII
    )
    mix = EventMix(
        pileup=0.0,
        particles_per_vertex=1.0,
        pt_min_gev=2.0,
        pt_max_gev=50.0,
        pt_spectrum="inverse",
        eta_min=-0.8,
        eta_max=0.8,
        phi_min=-1.0,
        phi_max=1.0,
        min_layers=1,
    )
    return Detector(name="ideal-barrel", layers=layers, bz_tesla=3.8, mix=mix, reference_r_mm=600.0)


def ideal_planes(
    zs: tuple[float, ...],
    *,
    measures: Literal["x", "xy"] = "x",
    pitch_mm: float = 0.183,
    half_mm: float = 200.0,
    mix: EventMix | None = None,
    **layer: float,
) -> Detector:
    """Planes with no material, smearing or noise (unless given), a slope gun from z = -500."""
    layers = tuple(
        PlaneLayer(
            z_mm=z,
            measures=measures,
            pitch_x_mm=pitch_mm,
            pitch_y_mm=pitch_mm,
            x_min_mm=-half_mm,
            x_max_mm=half_mm,
            y_min_mm=-half_mm,
            y_max_mm=half_mm,
            **layer,
        )
        for z in zs
    )
    if mix is None:
        mix = EventMix(
            particles_per_vertex=3.0,
            pt_min_gev=120.0,
            pt_max_gev=120.0,
            pt_spectrum="flat",
            direction="slopes",
            slope_min=-0.03,
            slope_max=0.03,
            beam_z_mm=-500.0,
            beam_sigma_x_mm=5.0,
            beam_sigma_y_mm=5.0,
            charge=1,
            min_layers=1,
        )
    return Detector(name="ideal-planes", layers=layers, mix=mix, reference_z_mm=float(zs[0]))


def flat_hits(ev: Events) -> dict[str, np.ndarray]:
    """Hit columns as flat numpy arrays plus ``event`` (index of each hit's event)."""
    cols = {f: ak.to_numpy(ak.flatten(ev.hits[f], axis=1)) for f in ev.hits.fields}
    cols["event"] = np.repeat(np.arange(len(ev)), ev.n_hits)
    return cols


def particle_of_hits(ev: Events, field: str) -> np.ndarray:
    """Truth ``field`` of the particle behind each hit (hits of particles only)."""
    hits = ev.hits[ev.hits.particle_id > 0]
    assert ev.particles is not None
    # particle_id is 1-based and particles are stored in id order: index = id - 1
    values = ev.particles[field][hits.particle_id - 1]
    return ak.to_numpy(ak.flatten(values, axis=1))


def within(value: float, expected: float, sigma: float, what: str) -> None:
    assert abs(value - expected) < N_SIGMA * sigma, (
        f"{what}: {value:.6g} vs expected {expected:.6g} (sigma {sigma:.3g}, {N_SIGMA} sigma allowed)"
    )


# --- propagation against analytic formulas -------------------------------------------------
def test_helix_crosses_each_barrel_layer_at_the_expected_phi() -> None:
    det = ideal_barrel()
    ev = generate.generate(det, 3000, seed=7, progress=False)
    assert ev.particles is not None
    n_particles = int(ev.n_particles.sum())
    assert n_particles > 2500
    # every particle (pT >= 2 GeV, |eta| < 0.8) crosses all six layers and leaves a stub
    np.testing.assert_array_equal(ak.flatten(ev.particles.n_layers), 6)
    assert int(ev.n_hits.sum()) == 6 * n_particles
    hits = ev.hits[ev.hits.particle_id > 0]
    r = np.asarray(BARREL_RADII)[ak.to_numpy(ak.flatten(hits.layer))]
    phi = ak.to_numpy(ak.flatten(hits.phi))
    qopt = particle_of_hits(ev, "charge") / particle_of_hits(ev, "pt_gev")
    phi0 = particle_of_hits(ev, "phi")
    assert set(np.unique(particle_of_hits(ev, "charge"))) == {-1, 1}
    expected_phi = trackmodel.helix_phi_at_radius(phi0, qopt, r, det.bz_tesla)
    half_pitch = det.layers[0].pitch_rphi_mm / r / 2  # type: ignore[union-attr]
    dphi = phi - expected_phi
    assert np.all(np.abs(dphi) <= half_pitch * (1 + 1e-9)), np.max(np.abs(dphi) / half_pitch)
    # and the digitisation error covers the strip: not a trivially loose bound
    assert np.max(np.abs(dphi) / half_pitch) > 0.95
    # z along the helix: z = vz + cot(theta) * s, s the transverse arc length 2R asin(r / 2R)
    radius_of_curvature = 1.0 / (0.3e-3 * det.bz_tesla * np.abs(qopt))
    s = 2 * radius_of_curvature * np.arcsin(r / (2 * radius_of_curvature))
    z_expected = particle_of_hits(ev, "vz_mm") + np.sinh(particle_of_hits(ev, "eta")) * s
    z = ak.to_numpy(ak.flatten(hits.z))
    assert np.all(np.abs(z - z_expected) <= 0.01 / 2 * (1 + 1e-9))
    # without bend smearing the stub carries the true q/pT (no material: pT is conserved)
    np.testing.assert_allclose(ak.to_numpy(ak.flatten(hits.bend_qoverpt)), qopt, rtol=1e-12)


def test_loopers_stop_at_the_radius_they_cannot_reach() -> None:
    # pT = 0.5 GeV in 3.8 T: 2R = 877 mm, so layers at 880 and 1080 mm are never reached
    det = ideal_barrel()
    ev = generate.generate(det, 300, seed=3, pt_min_gev=0.5, pt_max_gev=0.5)
    assert ev.particles is not None and int(ev.n_particles.sum()) > 100
    np.testing.assert_array_equal(ak.flatten(ev.particles.n_layers), 4)
    assert set(np.unique(ak.flatten(ev.hits.layer))) == {0, 1, 2, 3}


@pytest.mark.parametrize(("measures", "pitch_mm"), [("x", 0.183), ("x", 0.001), ("xy", 0.055)])
def test_straight_lines_in_planes(measures: Literal["x", "xy"], pitch_mm: float) -> None:
    zs = (0.0, 100.0, 200.0, 300.0, 400.0, 500.0, 600.0, 700.0)
    half = 30.0  # some particles leave the planes' area
    det = ideal_planes(zs, measures=measures, pitch_mm=pitch_mm, half_mm=half)
    ev = generate.generate(det, 1000, seed=11)
    hits = ev.hits[ev.hits.particle_id > 0]
    z = np.asarray(zs)[ak.to_numpy(ak.flatten(hits.layer))]
    vz = particle_of_hits(ev, "vz_mm")
    x_expected = particle_of_hits(ev, "vx_mm") + particle_of_hits(ev, "tx") * (z - vz)
    dx = ak.to_numpy(ak.flatten(hits.x)) - x_expected
    assert np.all(np.abs(dx) <= pitch_mm / 2 * (1 + 1e-9))
    assert np.max(np.abs(dx)) > 0.9 * pitch_mm / 2
    if measures == "xy":
        y_expected = particle_of_hits(ev, "vy_mm") + particle_of_hits(ev, "ty") * (z - vz)
        assert np.all(np.abs(ak.to_numpy(ak.flatten(hits.y)) - y_expected) <= pitch_mm / 2 * (1 + 1e-9))
    # particles whose straight line stays on every plane have a hit on every plane
    assert ev.particles is not None
    p = ak.flatten(ev.particles)
    x_last = p.vx_mm + p.tx * (zs[-1] - p.vz_mm)
    y_last = p.vy_mm + p.ty * (zs[-1] - p.vz_mm)
    x_first = p.vx_mm + p.tx * (zs[0] - p.vz_mm)
    y_first = p.vy_mm + p.ty * (zs[0] - p.vz_mm)
    # a straight line is farthest out on the first or the last plane
    inside = (np.abs(x_last) < half) & (np.abs(x_first) < half) & (np.abs(y_last) < half) & (np.abs(y_first) < half)
    assert 0.5 * len(p) < ak.sum(inside) < len(p)
    np.testing.assert_array_equal(p.n_hits[inside], len(zs))
    np.testing.assert_array_equal(p.n_hits[~inside] < len(zs), True)


def test_straight_lines_in_the_velo() -> None:
    base = detector.velo()
    layers = tuple(replace(lay, x_over_x0=0.0, efficiency=1.0, noise_per_event=0.0) for lay in base.layers)
    det = replace(base, layers=layers)
    ev = generate.generate(det, 20, seed=5, pileup=1.0)
    hits = ev.hits[ev.hits.particle_id > 0]
    z = det.positions_mm()[ak.to_numpy(ak.flatten(hits.layer))]
    vz = particle_of_hits(ev, "vz_mm")
    for coord, vtx, slope in (("x", "vx_mm", "tx"), ("y", "vy_mm", "ty")):
        expected = particle_of_hits(ev, vtx) + particle_of_hits(ev, slope) * (z - vz)
        measured = ak.to_numpy(ak.flatten(hits[coord]))
        assert np.all(np.abs(measured - expected) <= 0.055 / 2 * (1 + 1e-9))
    # no hit lies in the beam hole (pixel centres inside it do not exist)
    x = ak.to_numpy(ak.flatten(ev.hits.x))
    y = ak.to_numpy(ak.flatten(ev.hits.y))
    assert not np.any((np.abs(x) < 5.1) & (np.abs(y) < 5.1))


# --- statistics ---------------------------------------------------------------------------
def test_pileup_mean_and_variance() -> None:
    # N = sum over Poisson(mu) vertices of Poisson(nu) particles:
    # mean mu nu, variance mu nu (1 + nu)
    mu, nu, n = 20.0, 1.0, 4000
    det = ideal_planes((0.0, 100.0))
    ev = generate.generate(det, n, seed=21, pileup=mu, particles_per_vertex=nu, progress=False)
    counts = ev.n_particles.astype(float)
    mean, var = mu * nu, mu * nu * (1 + nu)
    within(counts.mean(), mean, math.sqrt(var / n), "particles per event")
    # standard error of the sample variance from the sample's fourth central moment
    m4 = np.mean((counts - counts.mean()) ** 4)
    within(
        counts.var(ddof=1),
        var,
        math.sqrt((m4 - counts.var() ** 2) / n),
        "variance of particles per event",
    )
    assert ev.particles is not None
    vertex = ak.to_numpy(ak.flatten(ev.particles.vertex))
    assert vertex.min() == 0 and vertex.max() > 20


def test_no_pileup_means_one_vertex_with_poisson_particles() -> None:
    nu, n = 3.0, 4000
    det = ideal_planes((0.0, 100.0))
    ev = generate.generate(det, n, seed=22, particles_per_vertex=nu, progress=False)
    assert ev.particles is not None
    np.testing.assert_array_equal(ak.flatten(ev.particles.vertex), 0)
    counts = ev.n_particles.astype(float)
    within(counts.mean(), nu, math.sqrt(nu / n), "particles per event")
    within(counts.var(ddof=1), nu, math.sqrt((nu + 3 * nu**2 - nu**2) / n), "variance")
    # all particles of an event share the vertex position
    assert ak.all(ak.max(ev.particles.vx_mm, axis=1) == ak.min(ev.particles.vx_mm, axis=1))


@pytest.mark.parametrize("name", ["telescope", "barrel", "velo"])
def test_noise_hits_per_layer(name: str) -> None:
    base = detector.preset(name)
    n = {"telescope": 4000, "barrel": 1000, "velo": 400}[name]
    ev = generate.generate(base, n, seed=31, pileup=0.0, particles_per_vertex=0.0, progress=False)
    assert int(ev.n_particles.sum()) == 0
    h = flat_hits(ev)
    np.testing.assert_array_equal(h["particle_id"], 0)
    per_layer = np.bincount(h["layer"], minlength=base.n_layers) / n
    for i, lay in enumerate(base.layers):
        within(
            per_layer[i],
            lay.noise_per_event,
            math.sqrt(lay.noise_per_event / n),
            f"noise on layer {i}",
        )
    # noise sits on channel centres inside the active area (and outside the velo's hole)
    Events.from_hits(base, ev.hits)  # full validation of the generated hits
    if base.kind == "plane":
        lay0 = base.layers[0]
        assert isinstance(lay0, PlaneLayer)
        frac = (h["x"] - lay0.x_min_mm) / lay0.pitch_x_mm - 0.5
        np.testing.assert_allclose(frac, np.round(frac), atol=1e-6)
    else:
        bend = h["bend_qoverpt"]
        cut = base.layers[0].stub_qoverpt_max  # type: ignore[union-attr]
        assert np.all(np.abs(bend) <= cut)
        within(bend.mean(), 0.0, cut / math.sqrt(3 * len(bend)), "mean bend of noise stubs")


def test_noise_is_uniform_over_channels() -> None:
    det = detector.telescope()
    n = 4000
    ev = generate.generate(det, n, seed=32, particles_per_vertex=0.0, progress=False)
    lay0 = det.layers[0]
    assert isinstance(lay0, PlaneLayer)
    h = flat_hits(ev)
    channel = np.round((h["x"] - lay0.x_min_mm) / lay0.pitch_x_mm - 0.5).astype(int)
    counts = np.bincount(channel, minlength=lay0.n_strips_x)
    assert len(counts) == lay0.n_strips_x
    expected = len(channel) / lay0.n_strips_x
    chi2 = float(np.sum((counts - expected) ** 2 / expected))
    dof = lay0.n_strips_x - 1
    within(chi2, dof, math.sqrt(2 * dof), "chi2 of noise channel occupancy")


@pytest.mark.parametrize("kind", ["plane", "cylinder"])
def test_inefficiency(kind: str) -> None:
    eff, n = 0.9, 3000
    if kind == "plane":
        det = ideal_planes((0.0, 100.0, 200.0, 300.0), half_mm=100.0, efficiency=eff)
    else:
        det = ideal_barrel(pitch_rphi_mm=0.09, pitch_z_mm=1.5, efficiency=eff)
    ev = generate.generate(det, n, seed=41, progress=False)
    assert ev.particles is not None
    n_crossings = int(ev.n_particles.sum()) * det.n_layers  # every particle crosses every layer
    n_hits = int(ev.n_hits.sum())
    within(n_hits / n_crossings, eff, math.sqrt(eff * (1 - eff) / n_crossings), "hit efficiency")
    # per layer too
    per_layer = np.bincount(flat_hits(ev)["layer"], minlength=det.n_layers)
    n_part = int(ev.n_particles.sum())
    for i in range(det.n_layers):
        within(
            per_layer[i] / n_part,
            eff,
            math.sqrt(eff * (1 - eff) / n_part),
            f"efficiency of layer {i}",
        )
    # n_hits per particle follows Binomial(n_layers, eff)
    n_hits_p = ak.to_numpy(ak.flatten(ev.particles.n_hits))
    p_all = eff**det.n_layers
    within(
        np.mean(n_hits_p == det.n_layers),
        p_all,
        math.sqrt(p_all * (1 - p_all) / n_part),
        "all layers hit",
    )


def test_scattering_width_follows_highland() -> None:
    """Pixel planes at z = 0, 100 (thin), 200 (thick scatterer), 300: the kink at plane 2
    measured from the hits has the Highland width in each projection."""
    p_gev, x_over_x0, n = 2.0, 0.05, 2000
    mix = EventMix(
        particles_per_vertex=10.0,
        pt_min_gev=p_gev,
        pt_max_gev=p_gev,
        pt_spectrum="flat",
        direction="slopes",
        slope_min=-1e-3,
        slope_max=1e-3,
        beam_z_mm=-100.0,
        beam_sigma_x_mm=1.0,
        beam_sigma_y_mm=1.0,
        charge=-1,
        min_layers=4,
    )
    zs = (0.0, 100.0, 200.0, 300.0)
    pitch = 0.002
    layers = tuple(
        PlaneLayer(
            z_mm=z,
            measures="xy",
            pitch_x_mm=pitch,
            pitch_y_mm=pitch,
            x_min_mm=-50.0,
            x_max_mm=50.0,
            y_min_mm=-50.0,
            y_max_mm=50.0,
            x_over_x0=x_over_x0 if i == 2 else 0.0,
        )
        for i, z in enumerate(zs)
    )
    det = Detector(name="scatter", layers=layers, mix=mix, reference_z_mm=100.0)
    ev = generate.generate(det, n, seed=51)
    assert ev.particles is not None
    np.testing.assert_array_equal(ak.flatten(ev.particles.n_hits), 4)
    h = flat_hits(ev)
    order = np.lexsort((h["layer"], h["particle_id"], h["event"]))
    beta = p_gev / math.hypot(p_gev, mix.mass_gev)
    theta0 = float(generate.highland_theta0(p_gev, x_over_x0, beta))
    n_tracks = len(order) // 4
    assert n_tracks > 15000
    for coord in ("x", "y"):
        m = h[coord][order].reshape(-1, 4)
        kink = (m[:, 3] - m[:, 2]) / (zs[3] - zs[2]) - (m[:, 2] - m[:, 1]) / (zs[2] - zs[1])
        # upstream planes see no material: their slope is the generated one
        if coord == "x":
            np.testing.assert_allclose((m[:, 1] - m[:, 0]) / 100.0, ak.flatten(ev.particles.tx), atol=2 * pitch / 100.0)
        # binary resolution of the three measurements, removed in quadrature (tiny)
        sigma_digi = pitch / math.sqrt(12) * math.sqrt(6) / 100.0
        width = math.sqrt(np.var(kink, ddof=1) - sigma_digi**2)
        within(width, theta0, theta0 / math.sqrt(2 * (n_tracks - 1)), f"scattering width in {coord}")
        within(kink.mean(), 0.0, theta0 / math.sqrt(n_tracks), f"mean kink in {coord}")
        p1 = 0.6826894921370859  # Gaussian shape: fraction within one sigma
        within(
            np.mean(np.abs(kink) < theta0),
            p1,
            math.sqrt(p1 * (1 - p1) / n_tracks),
            f"Gaussian core {coord}",
        )
    # the two projections are independent
    mx, my = (h[c][order].reshape(-1, 4) for c in ("x", "y"))
    kx = mx[:, 3] - 2 * mx[:, 2] + mx[:, 1]
    ky = my[:, 3] - 2 * my[:, 2] + my[:, 1]
    within(float(np.corrcoef(kx, ky)[0, 1]), 0.0, 1 / math.sqrt(n_tracks), "x-y kink correlation")


def test_highland_formula() -> None:
    # PDG eq. 34.15: 13.6 MeV / (beta c p) z sqrt(x/X0) (1 + 0.038 ln(x z^2 / (X0 beta^2)))
    assert generate.highland_theta0(1.0, 0.01) == pytest.approx(13.6e-3 * 0.1 * (1 + 0.038 * math.log(0.01)))
    got = generate.highland_theta0(np.array([1.0, 10.0]), 0.04, beta=0.5, charge=2.0)
    expected = 13.6e-3 / (0.5 * np.array([1.0, 10.0])) * 2 * 0.2 * (1 + 0.038 * math.log(0.04 * 4 / 0.25))
    np.testing.assert_allclose(got, expected, rtol=1e-14)


# --- structure of generated events --------------------------------------------------------
def test_reconstructable_and_counts_match_the_hits(preset_sample: Events) -> None:
    ev = preset_sample
    assert ev.particles is not None
    p = ak.flatten(ev.particles)
    h = flat_hits(ev)
    # n_hits / n_layers of each particle recomputed from its hits
    offsets = np.concatenate([[0], np.cumsum(ev.n_particles)])
    has_particle = h["particle_id"] > 0
    index = offsets[h["event"][has_particle]] + h["particle_id"][has_particle] - 1
    np.testing.assert_array_equal(np.bincount(index, minlength=len(p)), p.n_hits)
    pairs = np.unique(np.stack([index, h["layer"][has_particle]]), axis=1)
    np.testing.assert_array_equal(np.bincount(pairs[0], minlength=len(p)), p.n_layers)
    np.testing.assert_array_equal(p.reconstructable, p.n_layers >= ev.detector.mix.min_layers)
    assert ak.sum(p.reconstructable) > 0


def test_particle_ids_point_to_existing_particles(preset_sample: Events) -> None:
    ev = preset_sample
    assert ev.particles is not None
    # particles are numbered 1..n in each event
    expected_ids = ak.local_index(ev.particles.particle_id, axis=1) + 1
    assert ak.all(ev.particles.particle_id == expected_ids)
    # hits reference 0 (noise) or one of their event's particles
    assert ak.all(ev.hits.particle_id >= 0)
    assert ak.all(ak.max(ev.hits.particle_id, axis=1, mask_identity=False) <= ev.n_particles)
    assert ak.any(ev.hits.particle_id == 0) and ak.any(ev.hits.particle_id > 0)


def test_hit_ids_follow_readout_order(preset_sample: Events) -> None:
    ev = preset_sample
    assert ak.all(ev.hits.hit_id == ak.local_index(ev.hits.hit_id, axis=1))
    # readout order: by layer, then by channel (x, then y | phi, then z)
    first, second = ("phi", "z") if ev.detector.kind == "cylinder" else ("x", "y" if ev.detector.measures_y else "x")
    for i in range(len(ev)):
        e = ev.hits[i]
        key = np.lexsort((ak.to_numpy(e[second]), ak.to_numpy(e[first]), ak.to_numpy(e.layer)))
        np.testing.assert_array_equal(key, np.arange(len(e)))


def test_generated_hits_pass_validation(preset_sample: Events, events_equal: Callable[..., None]) -> None:
    ev = preset_sample
    again = Events.from_hits(ev.detector, ev.hits)
    events_equal(Events(ev.detector, ev.hits, None, None), again)


def test_barrel_stubs_are_strip_centres_passing_the_front_end_cut(
    preset_samples: dict[str, Events],
) -> None:
    ev = preset_samples["barrel"]
    h = flat_hits(ev)
    for i, lay in enumerate(ev.detector.layers):
        assert isinstance(lay, CylinderLayer)
        on = h["layer"] == i
        assert np.all(np.abs(h["bend_qoverpt"][on]) <= lay.stub_qoverpt_max)
        strip = (h["phi"][on] - lay.phi_min) / lay.pitch_phi - 0.5
        np.testing.assert_allclose(strip, np.round(strip), atol=1e-6)
        assert np.all((strip > -0.5) & (strip < lay.n_strips_phi - 0.5))
        cell = (h["z"][on] - lay.z_min_mm) / lay.pitch_z_mm - 0.5
        np.testing.assert_allclose(cell, np.round(cell), atol=1e-6)


def test_generation_of_zero_events() -> None:
    for name in ("telescope", "barrel", "velo"):
        det = detector.preset(name)
        ev = generate.generate(det, 0, seed=1)
        assert len(ev) == 0 and ev.particles is not None and len(ev.particles) == 0
        assert set(ev.hits.fields) == {"hit_id", "layer", "particle_id", *det.hit_fields}
        assert ev.hits.type.content == generate.generate(det, 1, seed=1).hits.type.content


def test_explicit_mix_and_overrides() -> None:
    det = detector.telescope()
    mix = replace(det.mix, particles_per_vertex=0.0)
    ev = generate.generate(det, 50, seed=3, mix=mix)
    assert int(ev.n_particles.sum()) == 0
    ev = generate.generate(det, 50, seed=3, mix=mix, particles_per_vertex=2.0, min_layers=3)
    assert int(ev.n_particles.sum()) > 0
    assert ev.particles is not None
    p = ak.flatten(ev.particles)
    np.testing.assert_array_equal(p.reconstructable, p.n_layers >= 3)
    np.testing.assert_array_equal(p.p_gev, 120.0)
    np.testing.assert_array_equal(p.charge, 1)


# --- determinism --------------------------------------------------------------------------
@pytest.mark.parametrize(("name", "n"), [("telescope", 100), ("barrel", 20), ("velo", 6)])
def test_same_seed_same_events(name: str, n: int, events_equal: Callable[..., None]) -> None:
    det = detector.preset(name)
    a = generate.generate(det, n, seed=1234)
    b = generate.generate(det, n, seed=1234)
    events_equal(a, b)
    c = generate.generate(det, n, seed=1235)
    assert not np.array_equal(
        ak.to_numpy(ak.flatten(a.hits[det.hit_fields[0]])),
        ak.to_numpy(ak.flatten(c.hits[det.hit_fields[0]])),
    )


@pytest.mark.parametrize(("name", "n"), [("telescope", 100), ("barrel", 20), ("velo", 8)])
def test_chunking_and_splitting_do_not_change_events(name: str, n: int, events_equal: Callable[..., None]) -> None:
    det = detector.preset(name)
    whole = generate.generate(det, n, seed=99, chunk_size=1000)
    events_equal(whole, generate.generate(det, n, seed=99, chunk_size=7, progress=False))
    half = n // 2
    first = generate.generate(det, half, seed=99)
    second = generate.generate(det, n - half, seed=99, first_event=half)
    assert second.first_event == half
    joined = Events(
        det,
        ak.concatenate([first.hits, second.hits]),
        ak.concatenate([first.particles, second.particles]),
        99,
        0,
    )
    events_equal(whole, joined)
    # an event depends only on (seed, event number)
    events_equal(whole[half + 1], generate.generate(det, 1, seed=99, first_event=half + 1))


def test_big_seeds_are_allowed() -> None:
    det = detector.telescope()
    a = generate.generate(det, 5, seed=2**63 - 1)
    assert a.seed == 2**63 - 1 and len(a) == 5
    assert a.hits.tolist() == generate.generate(det, 5, seed=2**63 - 1).hits.tolist()
    # seeds that differ only above bit 32 still give different events
    b = generate.generate(det, 5, seed=1)
    c = generate.generate(det, 5, seed=1 + 2**32)
    assert b.hits.tolist() != c.hits.tolist()


# --- arguments ----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"n_events": -1}, ValueError, "n_events must be >= 0, got -1"),
        ({"chunk_size": 0}, ValueError, "chunk_size must be >= 1, got 0"),
        ({"seed": -1}, ValueError, r"seed must be in \[0, 2\*\*63\), got -1"),
        ({"seed": 2**63}, ValueError, r"seed must be in \[0, 2\*\*63\)"),
        ({"first_event": -5}, ValueError, "first_event must be >= 0, got -5"),
        ({"min_layers": 9}, ValueError, "min_layers=9 exceeds the detector's 8 layers"),
        ({"pileup": -1.0}, ValueError, "pileup must be >= 0"),
        ({"pt_spectrum": "steep"}, ValueError, "unknown pt_spectrum 'steep'"),
        ({"not_a_field": 1}, TypeError, "not_a_field"),
    ],
)
def test_bad_arguments(kwargs: dict[str, object], error: type[Exception], message: str) -> None:
    args: dict[str, object] = {"n_events": 3, "seed": 1, **kwargs}
    with pytest.raises(error, match=message):
        generate.generate(detector.telescope(), **args)  # type: ignore[arg-type]


def test_layers_the_generator_cannot_digitise() -> None:
    too_fine = ideal_planes((0.0, 1.0), pitch_mm=1e-4, half_mm=200.0)  # 4e6 strips
    with pytest.raises(ValueError, match=r"layer 0 of 'ideal-planes' has 4000000 x 4000000 channels"):
        generate.generate(too_fine, 1, seed=1)
    all_hole = ideal_planes((0.0, 1.0), measures="xy", pitch_mm=1.0, half_mm=5.0, hole_half_mm=6.0, noise_per_event=1.0)
    with pytest.raises(ValueError, match=r"beam hole .* covers every channel"):
        generate.generate(all_hole, 1, seed=1)


def test_thread_count_does_not_change_events(tmp_path: Path, events_equal: Callable[..., None]) -> None:
    """A single-threaded process generates the same events as this (multi-threaded) one."""
    path = tmp_path / "one_thread.parquet"
    code = (
        "import sys\n"
        "from fasttrack import detector, generate\n"
        "generate.generate(detector.barrel(), 40, seed=5, chunk_size=13).save(sys.argv[1])\n"
    )
    env = {**os.environ, "NUMBA_NUM_THREADS": "1", "FASTTRACK_NO_PROGRESS": "1"}
    subprocess.run([sys.executable, "-c", code, str(path)], env=env, check=True, timeout=300)
    events_equal(Events.load(path), generate.generate(detector.barrel(), 40, seed=5))


def test_generate_file_writes_the_same_events_chunk_by_chunk(tmp_path: Path) -> None:
    """A sample written chunk by chunk (one row group each) is the sample generate() makes."""
    import pyarrow.parquet as pq

    det = detector.telescope()
    path = generate.generate_file(det, 70, tmp_path / "g.parquet", seed=4, first_event=11, chunk_events=30,
                                  pileup=2.0)  # fmt: skip
    assert pq.ParquetFile(path).metadata.num_row_groups == 3
    a, b = Events.load(path), generate.generate(det, 70, seed=4, first_event=11, pileup=2.0)
    assert a.first_event == 11 and a.seed == 4 and np.array_equal(a.event_number, b.event_number)
    assert ak.to_list(a.hits) == ak.to_list(b.hits) and ak.to_list(a.particles) == ak.to_list(b.particles)
    with pytest.raises(ValueError, match="chunk_events must be >= 1"):
        generate.generate_file(det, 5, tmp_path / "h.parquet", seed=1, chunk_events=0)

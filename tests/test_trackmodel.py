"""Linear track models: per-detector constants, agreement with generated hits, the fit."""

from __future__ import annotations

import math
from dataclasses import replace

import awkward as ak
import numpy as np
import pytest

from fasttrack import detector, generate, trackmodel
from fasttrack.detector import CylinderLayer, Detector, EventMix, PlaneLayer
from fasttrack.events import Events


def ideal(det: Detector, **layer_changes: float) -> Detector:
    """``det`` without material, smearing or noise, and a point-like beam spot in x and y."""
    changes: dict[str, float] = {"x_over_x0": 0.0, "noise_per_event": 0.0, "efficiency": 1.0}
    changes.update(layer_changes)
    layers = tuple(replace(lay, **changes) for lay in det.layers)
    mix = replace(det.mix, beam_sigma_x_mm=0.0, beam_sigma_y_mm=0.0)
    return replace(det, layers=layers, mix=mix)


def particle_hits(ev: Events, *fields: str) -> tuple[np.ndarray, ...]:
    """Flat (layer, measurements..., truth fields...) of the hits left by particles."""
    hits = ev.hits[ev.hits.particle_id > 0]
    assert ev.particles is not None
    parts = ev.particles[hits.particle_id - 1]
    out = [ak.to_numpy(ak.flatten(hits.layer))]
    for f in fields:
        src = hits if f in hits.fields else parts
        out.append(ak.to_numpy(ak.flatten(src[f])))
    return tuple(out)


# --- models of the presets ----------------------------------------------------------------
def test_telescope_model() -> None:
    det = detector.telescope()
    m = trackmodel.for_detector(det)
    assert (m.name, m.param_names, m.measurement_names, m.n_meas) == (
        "telescope-x",
        ("tx", "x_ref_mm"),
        ("x",),
        1,
    )
    assert m.H.shape == (8, 1, 2) and m.c.shape == (8, 1) and m.sigma.shape == (8, 1)
    # the slope first, the position (coefficient 1) second, as the barrel's (q/pT, phi_T)
    np.testing.assert_array_equal(m.H[:, 0, 0], det.positions_mm() - det.reference_z_mm)
    np.testing.assert_array_equal(m.H[:, 0, 1], 1.0)
    np.testing.assert_array_equal(m.c, 0.0)
    np.testing.assert_allclose(m.sigma, 0.183 / math.sqrt(12))
    # x_l = tx (z_l - z_ref) + x_ref
    assert m.expected(7, 0.01, 1.0)[0] == pytest.approx(1.0 + 0.01 * (700.0 - 350.0))
    got = m.expected(np.array([0, 7]), np.array([0.0, -0.02]), np.array([1.0, 2.0]))
    np.testing.assert_allclose(got[:, 0], [1.0, 2.0 - 0.02 * 350.0])


def test_barrel_model() -> None:
    det = detector.barrel()
    m = trackmodel.for_detector(det)
    assert (m.name, m.param_names, m.measurement_names) == (
        "barrel-rphi",
        ("qoverpt", "phi_t"),
        ("phi",),
    )
    k = 0.3 * 3.8 / 2 * 1e-3
    r = det.positions_mm()
    np.testing.assert_allclose(m.H[:, 0, 0], -k * (r - det.reference_r_mm), rtol=1e-14)
    np.testing.assert_array_equal(m.H[:, 0, 1], 1.0)
    np.testing.assert_allclose(m.sigma[:, 0], 0.09 / math.sqrt(12) / r)
    # phi_l = phi_T - k q/pT (r_l - r_T): at r_T the model returns phi_T
    assert m.expected(0, 0.5, 0.1)[0] == pytest.approx(0.1 - k * 0.5 * (230.0 - det.reference_r_mm))


def test_velo_model() -> None:
    det = detector.velo()
    m = trackmodel.for_detector(det)
    assert (m.name, m.param_names, m.measurement_names, m.n_meas) == (
        "velo-uv",
        ("u_mm", "v_mm"),
        ("x", "y"),
        2,
    )
    assert m.H.shape == (26, 2, 2)
    z = det.positions_mm()
    np.testing.assert_array_equal(m.H[:, 0, 0], z / det.reference_z_mm)
    np.testing.assert_array_equal(m.H[:, 1, 1], z / det.reference_z_mm)
    np.testing.assert_array_equal(m.H[:, 0, 1], 0.0)
    np.testing.assert_array_equal(m.H[:, 1, 0], 0.0)
    np.testing.assert_allclose(m.expected(25, 3.0, -6.0), [3.0 * 737.5 / 300.0, -6.0 * 737.5 / 300.0])


@pytest.mark.parametrize("name", ["telescope", "barrel"])
def test_both_algorithms_order_a_detectors_parameters_as_its_model(name: str) -> None:
    """The 1D models put the parameter entering with coefficient 1 second (the Hough bins
    over it), and the retina's and the Hough's configs of a detector, default and RTL, take
    the model's order: the same (a, b) axes in both algorithms."""
    from fasttrack.hough import HoughConfig
    from fasttrack.retina import RetinaConfig

    det = detector.preset(name)
    m = trackmodel.for_detector(det)
    np.testing.assert_array_equal(m.H[:, 0, 1], 1.0)
    assert not np.allclose(m.H[:, 0, 0], m.H[0, 0, 0])  # a's coefficient varies with the layer
    configs = [
        RetinaConfig.for_detector(det),
        RetinaConfig.for_rtl(det),
        HoughConfig.for_detector(det),
        HoughConfig.for_rtl(det),
    ]
    assert {c.param_names for c in configs} == {m.param_names}


@pytest.mark.parametrize(
    ("det", "message"),
    [
        (
            Detector(
                name="nofield",
                layers=(CylinderLayer(r_mm=10.0),),
                reference_r_mm=10.0,
                mix=EventMix(min_layers=1),
            ),
            r"detector 'nofield': the r-φ model needs a field \(bz_tesla != 0\)",
        ),
        (
            Detector(
                name="noref",
                layers=(CylinderLayer(r_mm=10.0),),
                bz_tesla=2.0,
                mix=EventMix(min_layers=1),
            ),
            r"detector 'noref': set reference_r_mm \(r_T\)",
        ),
        (
            Detector(
                name="bent",
                layers=(PlaneLayer(z_mm=0.0),),
                bz_tesla=1.0,
                mix=EventMix(min_layers=1),
            ),
            r"detector 'bent': plane detectors use straight-line models \(bz_tesla = 0\)",
        ),
        (
            Detector(name="uv", layers=(PlaneLayer(z_mm=5.0, measures="xy"),), mix=EventMix(min_layers=1)),
            r"detector 'uv': the u-v model needs reference_z_mm != 0",
        ),
    ],
)
def test_models_that_do_not_apply(det: Detector, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        trackmodel.for_detector(det)


def test_helix_phi_at_radius() -> None:
    # positive charge in +Bz turns clockwise: phi decreases with r; 2R = r gives phi0 - pi/2
    pt, bz = 2.0, 3.8
    two_r = 2 * pt / (0.3e-3 * bz)
    got = trackmodel.helix_phi_at_radius(np.array([0.3, 0.3]), np.array([1 / pt, -1 / pt]), two_r, bz)
    np.testing.assert_allclose(got, [0.3 - math.pi / 2, 0.3 + math.pi / 2])
    assert trackmodel.helix_phi_at_radius(0.1, 0.0, 500.0, bz) == 0.1


# --- expected() on truth parameters reproduces generated hits ------------------------------
def test_telescope_expected_reproduces_hits() -> None:
    det = ideal(detector.telescope())
    m = trackmodel.for_detector(det)
    ev = generate.generate(det, 300, seed=17)
    layer, x, tx, x_ref = particle_hits(ev, "x", "tx", "x_ref_mm")
    assert len(layer) > 5000
    dx = x - m.expected(layer, tx, x_ref)[:, 0]
    assert np.all(np.abs(dx) <= 0.183 / 2 * (1 + 1e-9))


def test_velo_expected_reproduces_hits() -> None:
    det = ideal(detector.velo())
    det = replace(det, mix=replace(det.mix, beam_sigma_z_mm=0.0))  # tracks from the origin
    m = trackmodel.for_detector(det)
    ev = generate.generate(det, 10, seed=18, pileup=1.0)
    layer, x, y, u, v = particle_hits(ev, "x", "y", "u_mm", "v_mm")
    assert len(layer) > 1000
    d = np.stack([x, y], axis=1) - m.expected(layer, u, v)
    assert np.all(np.abs(d) <= 0.055 / 2 * (1 + 1e-9))


def test_barrel_expected_within_small_angle_bound() -> None:
    det = ideal(detector.barrel(), bend_qoverpt_sigma=0.0)
    m = trackmodel.for_detector(det)
    ev = generate.generate(det, 30, seed=19)
    layer, phi, qopt, phi_t = particle_hits(ev, "phi", "qoverpt", "phi_t")
    assert len(layer) > 500
    r = det.positions_mm()[layer]
    # exact: phi(r) = phi0 - asin(s r), s = k q/pT; the model is linear in r around r_T, so
    # |phi - model| <= |(asin(s r) - s r) - (asin(s r_T) - s r_T)| + digitisation (pitch / 2)
    s = 0.5 * det.curvature_per_gev * qopt
    cubic = np.abs((np.arcsin(s * r) - s * r) - (np.arcsin(s * det.reference_r_mm) - s * det.reference_r_mm))
    half_pitch = 0.09 / r / 2
    dphi = phi - m.expected(layer, qopt, phi_t)[:, 0]
    assert np.all(np.abs(dphi) <= cubic + half_pitch * (1 + 1e-9))
    # stubs pass the front-end cut |q/pT| < 0.5 /GeV, which bounds the small-angle error
    assert np.all(np.abs(qopt) <= 0.5)
    s_max = 0.5 * det.curvature_per_gev * 0.5
    radii = det.positions_mm()
    worst = np.abs(
        (np.arcsin(s_max * radii) - s_max * radii)
        - (np.arcsin(s_max * det.reference_r_mm) - s_max * det.reference_r_mm)
    )
    assert np.max(cubic) <= np.max(worst) < 5e-3


# --- fit ----------------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["telescope", "barrel", "velo"])
def test_fit_recovers_noiseless_parameters(name: str) -> None:
    det = detector.preset(name)
    m = trackmodel.for_detector(det)
    rng = np.random.default_rng(5)
    n_groups = 200
    scale = {"telescope": (0.02, 10.0), "barrel": (0.5, 0.2), "velo": (5.0, 5.0)}[name]
    truth = rng.uniform(-1.0, 1.0, (n_groups, 2)) * scale
    # each group: a random subset of at least 3 layers
    layers, offsets = [], [0]
    for _ in range(n_groups):
        k = int(rng.integers(3, det.n_layers + 1))
        layers.append(np.sort(rng.choice(det.n_layers, k, replace=False)))
        offsets.append(offsets[-1] + k)
    layer = np.concatenate(layers)
    group = np.repeat(np.arange(n_groups), np.diff(offsets))
    meas = m.expected(layer, truth[group, 0], truth[group, 1])
    params, errors, chi2 = trackmodel.fit_groups(m, np.array(offsets), layer, meas)
    np.testing.assert_allclose(params, truth, rtol=1e-9, atol=1e-12 * np.max(np.abs(truth)))
    assert np.all(chi2 < 1e-12)
    # errors: square roots of the diagonal of (H^T W H)^-1
    for g in range(0, n_groups, 37):
        rows = layer[offsets[g] : offsets[g + 1]]
        h = m.H[rows].reshape(-1, 2)
        w = 1.0 / m.sigma[rows].reshape(-1) ** 2
        cov = np.linalg.inv(h.T @ (w[:, None] * h))
        np.testing.assert_allclose(errors[g], np.sqrt(np.diag(cov)), rtol=1e-9)


def test_fit_of_underconstrained_groups_is_nan() -> None:
    m = trackmodel.for_detector(detector.telescope())
    params, errors, chi2 = trackmodel.fit_groups(
        m, np.array([0, 1, 1, 3]), np.array([2, 4, 4]), np.array([[1.0], [2.0], [2.0]])
    )
    assert np.all(np.isnan(params[:2])) and np.all(np.isnan(errors[:2])) and np.all(np.isnan(chi2[:2]))
    assert np.all(np.isnan(params[2]))  # two hits on the same layer: no slope
    empty = trackmodel.fit_groups(m, np.array([0]), np.zeros(0, np.int64), np.zeros((0, 1)))
    assert empty[0].shape == (0, 2)


def test_fit_pulls_of_generated_tracks() -> None:
    """Fitting binary-resolution telescope hits: pulls of (tx, x_ref) have unit width."""
    det = ideal(detector.telescope())
    m = trackmodel.for_detector(det)
    ev = generate.generate(det, 2000, seed=23, beam_sigma_x_mm=2.0)
    h = ev.hits[ev.hits.particle_id > 0]
    assert ev.particles is not None
    # group hits by particle: sort by (event, particle, layer)
    event = np.repeat(np.arange(len(ev)), ak.num(h, axis=1))
    pid = ak.to_numpy(ak.flatten(h.particle_id))
    layer = ak.to_numpy(ak.flatten(h.layer))
    x = ak.to_numpy(ak.flatten(h.x))
    order = np.lexsort((layer, pid, event))
    key = event[order] * 1000 + pid[order]
    starts = np.flatnonzero(np.r_[True, np.diff(key) != 0])
    offsets = np.r_[starts, len(order)]
    params, errors, chi2 = trackmodel.fit_groups(m, offsets, layer[order], x[order, None])
    p_offsets = np.r_[0, np.cumsum(ev.n_particles)]
    first = order[starts]
    index = p_offsets[event[first]] + pid[first] - 1
    flat = ak.flatten(ev.particles)
    assert m.param_names == ("tx", "x_ref_mm")  # the fit's columns are the model's parameters
    truth = np.stack([ak.to_numpy(flat.tx)[index], ak.to_numpy(flat.x_ref_mm)[index]], axis=1)
    n_hits = np.diff(offsets)
    good = n_hits == 8
    assert good.sum() > 3000
    pulls = (params[good] - truth[good]) / errors[good]
    n = len(pulls)
    for j in range(2):
        p = pulls[:, j]
        assert abs(p.mean()) < 5 / math.sqrt(n)
        m4 = np.mean((p - p.mean()) ** 4)
        assert abs(p.var() - 1.0) < 5 * math.sqrt((m4 - p.var() ** 2) / n), p.var()
    # chi2 / ndf of uniform (binary) residuals: mean ndf = 6
    c = chi2[good]
    assert abs(c.mean() - 6.0) < 5 * c.std() / math.sqrt(n)

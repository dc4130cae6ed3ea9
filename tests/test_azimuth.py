"""Full azimuth (fasttrack.azimuth, ``phi_wrap``): the barrel algorithms cover 2π without a seam.

The rule (module docstring of :mod:`fasttrack.azimuth`) is checked

* on its pieces: the modular compare is the low bits of a two's-complement difference for
  a power-of-two turn, the angle helpers keep values inside their range bit for bit, the
  configs refuse a wrap that cannot close, the hardware refuses a wrap it does not build;
* against an independent dense implementation (numpy, every hit × every cell or column),
  written from the docstrings and sharing nothing with the engines;
* by symmetry: turning every hit of a sample by a whole number of cells (half a turn, so
  tracks at the seam go to the middle and back) moves every output by exactly that many
  cells, in fixed point bit for bit;
* by reduction: away from the seam the wrap config computes exactly what the same config
  without the wrap computes;
* on the seam itself: a track at φ ≈ π is found once, in float and fixed mode, by both
  algorithms, where the same grid without the wrap loses or splits some (the checker can
  fail);
* and (slow) on the physics: efficiency in 36 bins of φ within 0.5 points of the mean.

The full-azimuth barrel is the barrel preset's six layers with ``phi_min = −π``,
``phi_max = π`` and particles over the full φ (a gun of ``particles_per_vertex``
particles per event, 1/pT flat above 2.5 GeV, |η| < 1). The configs pin every field that
sizes the grid (another branch changes ``for_detector``'s defaults), so the figures here
stay reproducible.
"""

from __future__ import annotations

import dataclasses
import math
import warnings
from collections import Counter
from dataclasses import dataclass
from typing import Any

import awkward as ak
import numpy as np
import pytest

from fasttrack import azimuth, detector, fixed, generate, metrics
from fasttrack.configcheck import ConfigWarning
from fasttrack.detector import Detector
from fasttrack.events import Events
from fasttrack.hough import Hough, HoughConfig
from fasttrack.hw import hough as hw_hough
from fasttrack.hw import retina as hw_retina
from fasttrack.retina import Retina, RetinaConfig

MODES = ("float", "fixed")
PT_MIN_GEV = 3.0  # the efficiency's selection: the Hough's q/pT range is |q/pT| < 1/3


# ------------------------------------------------------------------------------------------
# the full-azimuth barrel and its configs
# ------------------------------------------------------------------------------------------
def full_barrel(*, noise: bool = True, **mix: Any) -> Detector:
    """The barrel preset's layers over the full 2π, particles over the full φ."""
    b = detector.barrel()
    layers = tuple(
        dataclasses.replace(lay, phi_min=-math.pi, phi_max=math.pi, **({} if noise else {"noise_per_event": 0.0}))
        for lay in b.layers
    )
    base = dict(
        pileup=0.0,
        particles_per_vertex=10.0,
        pt_min_gev=2.5,
        pt_max_gev=100.0,
        pt_spectrum="inverse",
        eta_min=-1.0,
        eta_max=1.0,
        phi_min=-math.pi,
        phi_max=math.pi,
    )
    return dataclasses.replace(
        b,
        name="barrel-2pi",
        layers=layers,
        mix=dataclasses.replace(b.mix, **{**base, **mix}),
        description="the barrel preset's six layers over the full azimuth",
    )


RETINA_LSB = 2.0 * math.pi / 2**19  # a 19-bit coordinate word is one turn


def retina_2pi(det: Detector, **changes: Any) -> RetinaConfig:
    """The barrel retina over one turn: 80 × 2048 cells (Δφ_T = 2π/2048 = 256 LSBs ≈ 1.5 σ)."""
    fields: dict[str, Any] = dict(
        a_min=-0.5,
        a_max=0.5,
        n_a=80,
        b_min=-math.pi,
        b_max=math.pi,
        n_b=2048,
        sigma=0.002,
        coord_lsb=RETINA_LSB,
        threshold=3.8,
        max_hits=256,
        max_tracks=64,
        phi_wrap=True,
    )
    with warnings.catch_warnings():  # pinned on purpose: narrower than the derived defaults (pT >= 3 GeV)
        warnings.simplefilter("ignore", ConfigWarning)
        return RetinaConfig.for_detector(det, **{**fields, **changes})


def hough_2pi(det: Detector, **changes: Any) -> HoughConfig:
    """The TMTT-like Hough over one turn: 32 × 1152 (18 sectors of 64 bins, 2^8 LSBs each)."""
    fields: dict[str, Any] = dict(
        a_min=-1.0 / 3.0,
        a_max=1.0 / 3.0,
        n_a=32,
        b_min=-math.pi,
        b_max=math.pi,
        n_b=1152,
        bin_shift=8,
        max_hits=256,
        max_tracks=64,
        phi_wrap=True,
    )
    with warnings.catch_warnings():  # pinned on purpose: narrower than the derived defaults (pT >= 3 GeV)
        warnings.simplefilter("ignore", ConfigWarning)
        return HoughConfig.for_detector(det, **{**fields, **changes})


def finders(det: Detector, **changes: Any) -> dict[str, Any]:
    return {"retina": Retina(retina_2pi(det, **changes)), "hough": Hough(hough_2pi(det, **changes))}


@pytest.fixture(scope="module")
def det2pi() -> Detector:
    return full_barrel()


@pytest.fixture(scope="module")
def sample2pi(det2pi: Detector) -> Events:
    """Particles over the full φ with noise: 30 events of about 10 particles."""
    return generate.generate(det2pi, 30, seed=11, progress=False)


def rotated(events: Events, dphi: float) -> Events:
    """The sample with every hit's φ turned by ``dphi`` (not reduced: the finders do that)."""
    hits = ak.with_field(events.hits, events.hits.phi + dphi, "phi")
    return dataclasses.replace(events, hits=hits)


# ------------------------------------------------------------------------------------------
# the pieces of the rule
# ------------------------------------------------------------------------------------------
def test_mod_centred_is_the_low_bits_of_a_power_of_two_turn() -> None:
    rng = np.random.default_rng(1)
    xs = rng.integers(-(2**40), 2**40, 2000)
    for w in (3, 19, 30):
        for x in xs:
            assert fixed.mod_centred(int(x), 1 << w) == fixed.wrap(int(x), w, True)
    t = 1152 << 8  # not a power of two: the Hough's turn
    got = np.array([fixed.mod_centred(int(x), t) for x in xs])
    assert got.min() >= -t // 2 and got.max() < t // 2
    assert np.all((got - xs) % t == 0)
    assert fixed.mod_centred(t // 2, t) == -t // 2 and fixed.mod_centred(-t // 2, t) == -t // 2


def test_angle_helpers_keep_values_inside_their_range_bit_for_bit() -> None:
    x = np.random.default_rng(2).uniform(-math.pi, math.pi, 10000)
    assert np.array_equal(azimuth.wrap_pi(x), x)
    assert all(azimuth.wrap_diff(float(v)) == v for v in x[:500])
    big = np.concatenate([x + 2 * math.pi, x - 6 * math.pi, [math.pi, -math.pi, 3 * math.pi]])
    w = azimuth.wrap_pi(big)
    assert np.all((w > -math.pi) & (w <= math.pi))
    np.testing.assert_allclose(np.cos(w), np.cos(big), atol=1e-12)
    assert float(azimuth.wrap_pi(-math.pi)) == math.pi  # the half-open end: −π reports as π
    assert azimuth.wrap_diff(math.pi) == -math.pi  # differences: [−π, π)
    meas, hw = azimuth.reduce_hits(np.array([math.pi, -math.pi, 0.5]), np.array([2**18, -(2**18), 7]), RETINA_LSB)
    assert meas.tolist() == [-math.pi, -math.pi, 0.5] and hw.tolist() == [-(2**18), -(2**18), 7]


def test_configs_refuse_a_wrap_that_cannot_close(det2pi: Detector) -> None:
    retina_2pi(det2pi)  # the working one
    with pytest.raises(ValueError, match=r"RetinaConfig\('barrel-2pi'\)\.phi_wrap needs the grid along b to span one"):
        retina_2pi(det2pi, b_max=3.0)
    with pytest.raises(ValueError, match=r"phi_wrap needs coord_lsb to divide the turn.*2π/2\^19"):
        retina_2pi(det2pi, coord_lsb=2.0**-16)
    with pytest.raises(ValueError, match=r"phi_wrap needs the barrel's r-φ model"):
        RetinaConfig.for_detector(detector.telescope(), phi_wrap=True)
    hough_2pi(det2pi)
    with pytest.raises(ValueError, match=r"HoughConfig\('barrel-2pi'\)\.phi_wrap needs the grid along b to span one"):
        hough_2pi(det2pi, b_max=3.0)
    with pytest.raises(ValueError, match=r"phi_wrap needs the barrel's r-φ model"):
        HoughConfig.for_detector(detector.telescope(), phi_wrap=True)
    # a sector config cannot switch it on either (the preset's ±12° is no turn)
    with pytest.raises(ValueError, match="span one turn"):
        HoughConfig.for_detector(detector.barrel(), phi_wrap=True)


def test_the_wrap_stays_out_of_the_hash_of_every_existing_config(det2pi: Detector) -> None:
    for name in ("barrel", "telescope"):
        for cfg in (RetinaConfig.for_detector(detector.preset(name)), HoughConfig.for_detector(detector.preset(name))):
            assert not cfg.phi_wrap and "phi_wrap" not in cfg.to_dict()
    for cfg in (retina_2pi(det2pi), hough_2pi(det2pi)):
        off = dataclasses.replace(cfg, phi_wrap=False)
        assert cfg.to_dict()["phi_wrap"] is True and cfg.config_hash() != off.config_hash() and cfg != off
        assert type(cfg)(**cfg.to_dict()) == cfg  # round trip


def test_hardware_refuses_full_azimuth_configs(det2pi: Detector, sample2pi: Events, tmp_path: Any) -> None:
    for hw, cfg in ((hw_retina, retina_2pi(det2pi)), (hw_hough, hough_2pi(det2pi))):
        assert hw.rtl_unsupported(cfg) == azimuth.NO_HARDWARE_WRAP
        with pytest.raises(ValueError, match="HLS/RTL files for config 'barrel-2pi': phi_wrap=True"):
            hw.files(cfg)
        with pytest.raises(ValueError, match="test vectors for config 'barrel-2pi': phi_wrap=True"):
            hw.write_vectors(cfg, sample2pi[:2], tmp_path)
        # the same grid without the wrap is buildable as far as the wrap goes
        assert hw.rtl_unsupported(dataclasses.replace(cfg, phi_wrap=False)) is None
    # the presets' hardware configs: one sector, no wrap, nothing refused
    bar = detector.barrel()
    assert hw_retina.rtl_unsupported(RetinaConfig.for_rtl(bar)) is None
    assert hw_hough.rtl_unsupported(HoughConfig.for_rtl(bar)) is None


# ------------------------------------------------------------------------------------------
# independent dense implementations of the rule
# ------------------------------------------------------------------------------------------
def dense_retina_map(cfg: RetinaConfig, phi: np.ndarray, layer: np.ndarray, bend: np.ndarray, fixed_mode: bool):
    """One event's response over every cell, straight from the config docstrings plus the wrap."""
    rec = cfg.receptors()[:, 0]  # (n_layers, n_a, n_b)
    a_c = cfg.a_centres()
    if fixed_mode:
        turn = round(2 * math.pi / cfg.coord_lsb)
        hw = np.floor(phi / cfg.coord_lsb + 0.5).astype(np.int64)
        hw = (hw + turn // 2) % turn - turn // 2
        rec_hw = np.floor(rec / cfg.coord_lsb + 0.5).astype(np.int64)
        lut = cfg.tables.lut
        acc = np.zeros((cfg.n_a, cfg.n_b), dtype=np.int64)
        bend_hw = cfg.quantize_bend(bend)
        a_bend_hw = np.floor(a_c / cfg.bend_lsb + 0.5).astype(np.int64)
        for x, l, bh in zip(hw, layer, bend_hw, strict=True):
            d = np.abs((x - rec_hw[l] + turn // 2) % turn - turn // 2)
            ok = (d <= cfg.roi_hw[l]) & (np.abs(bh - a_bend_hw) <= cfg.bend_window_hw)[:, None]
            w = lut[l][np.minimum(d >> cfg.lut_shift[l], cfg.lut_size - 1)]
            acc = np.minimum(acc + np.where(ok, w, 0), cfg.acc_max)  # weights >= 0: order-free
        return acc
    acc_f = np.zeros((cfg.n_a, cfg.n_b))
    for x, l, b in zip(phi, layer, bend, strict=True):
        d = (x - rec[l] + math.pi) % (2 * math.pi) - math.pi
        ok = (np.abs(d) <= cfg.roi[l]) & (np.abs(b - a_c) <= cfg.bend_window_hw * cfg.bend_lsb)[:, None]
        acc_f += np.where(ok, np.exp(-(d**2) / (2 * cfg.sigma[l] ** 2)), 0.0)
    return acc_f


@pytest.mark.parametrize("mode", MODES)
def test_retina_maps_equal_a_dense_modular_implementation(det2pi: Detector, mode: str) -> None:
    # a sample crowded at the seam, turned so that the seam also crosses the middle of tracks
    ev = generate.generate(full_barrel(phi_min=math.pi - 0.3, phi_max=math.pi + 0.3), 6, seed=5, progress=False)
    cfg = retina_2pi(det2pi)
    out = Retina(cfg).run(ev, mode, keep_maps=True)
    assert out.maps is not None
    n_seam = n_ends = 0
    for e in range(len(ev)):
        h = ev.hits[e]
        phi = ak.to_numpy(h.phi)
        n_seam += int(np.any(phi > 3.0) and np.any(phi < -3.0))
        want = dense_retina_map(
            cfg, phi, ak.to_numpy(h.layer).astype(np.int64), ak.to_numpy(h.bend_qoverpt), mode == "fixed"
        )
        if mode == "fixed":
            np.testing.assert_array_equal(out.maps[e], want)
        else:
            np.testing.assert_allclose(out.maps[e], want, rtol=1e-12, atol=1e-12)
        n_ends += int(want[:, 0].any() and want[:, -1].any())
    assert n_seam >= 4 and n_ends >= 3  # events with hits on both sides of ±π, reaching both ends
    # the checker can fail: the same grid without the wrap misses the other side
    plain = Retina(dataclasses.replace(cfg, phi_wrap=False)).run(ev[:1], mode, keep_maps=True)
    assert plain.maps is not None and not np.allclose(plain.maps[0], out.maps[0])


def dense_hough_masks(cfg: HoughConfig, hw: np.ndarray, layer: np.ndarray, bend: np.ndarray) -> np.ndarray:
    """Fixed-point layer masks of one event, every hit × every column, bins modulo n_b."""
    turn = cfg.n_b << cfg.bin_shift
    x = (hw + turn // 2) % turn - turn // 2
    sh = cfg.tables.shift_hw
    ok_bend = np.abs(cfg.quantize_bend(bend)[:, None] - cfg.tables.a_bend_hw[None, :]) <= cfg.bend_window_hw
    mask = np.zeros((cfg.n_a, cfg.n_b), dtype=np.int64)
    for h in range(len(x)):
        for i in range(cfg.n_a):
            if not ok_bend[h, i]:
                continue
            e0, e1 = x[h] - sh[layer[h], i] - cfg.b_min_hw, x[h] - sh[layer[h], i + 1] - cfg.b_min_hw
            lo, hi = min(e0, e1) >> cfg.bin_shift, max(e0, e1) >> cfg.bin_shift
            for j in range(lo, min(hi, lo + cfg.max_bins_per_column - 1) + 1):
                mask[i, j % cfg.n_b] |= 1 << int(layer[h])
    return mask


def test_hough_masks_equal_a_dense_modular_implementation(det2pi: Detector) -> None:
    ev = generate.generate(full_barrel(phi_min=math.pi - 0.3, phi_max=math.pi + 0.3), 6, seed=5, progress=False)
    cfg = hough_2pi(det2pi)
    out = Hough(cfg).run(ev, "fixed", keep_maps=True)
    assert out.masks is not None
    n_ends = 0
    for e in range(len(ev)):
        h = ev.hits[e]
        want = dense_hough_masks(
            cfg,
            cfg.quantize_coord(ak.to_numpy(h.phi)),
            ak.to_numpy(h.layer).astype(np.int64),
            ak.to_numpy(h.bend_qoverpt),
        )
        np.testing.assert_array_equal(out.masks[e], want)
        n_ends += int(want[:, 0].any() and want[:, -1].any())
    assert n_ends >= 3
    plain = Hough(dataclasses.replace(cfg, phi_wrap=False)).run(ev[:1], "fixed", keep_maps=True)
    assert plain.masks is not None and not np.array_equal(plain.masks[0], out.masks[0])


# ------------------------------------------------------------------------------------------
# symmetry and reduction
# ------------------------------------------------------------------------------------------
def _track_keys(tracks: ak.Array, n_b: int, shift: int, fields: tuple[str, ...]) -> list[Counter[tuple[Any, ...]]]:
    """Per event, the multiset of tracks with cell_b moved by ``shift`` (mod n_b)."""
    out = []
    for t in tracks:
        keys = []
        for k in range(len(t)):
            rest = tuple(tuple(t[f][k]) if f == "hit_ids" else t[f][k] for f in fields)
            keys.append((int(t.cell_a[k]), (int(t.cell_b[k]) + shift) % n_b, *rest))
        out.append(Counter(keys))
    return out


@pytest.mark.parametrize("algorithm", ["retina", "hough", "hough-localmax"])
def test_turning_the_sample_by_half_a_turn_moves_every_track_exactly(
    det2pi: Detector, sample2pi: Events, algorithm: str
) -> None:
    """Tracks at the seam go to the middle of the grid and back: the same tracks, moved by
    n_b/2 cells, the same centroids, qualities and hits (fixed point: bit for bit)."""
    if algorithm == "retina":
        cfg: Any = retina_2pi(det2pi)
        fields: tuple[str, ...] = ("off_a_hw", "off_b_hw", "quality", "hit_ids")
        finder: Any = Retina(cfg)
    else:
        # "sharing" ranks ties by raster order, which a turn reorders: the rotation-free rules
        rule = "localmax" if algorithm == "hough-localmax" else "none"
        cfg = hough_2pi(det2pi, duplicate_rule=rule)
        fields = ("sub", "layer_mask", "hit_ids")
        finder = Hough(cfg)
    half = cfg.n_b // 2
    assert half * cfg.delta_b == pytest.approx(math.pi, rel=1e-15)
    turned = rotated(sample2pi, math.pi)
    a = finder.run(sample2pi, "fixed")
    b = finder.run(turned, "fixed")
    assert not a.track_overflow.any()
    assert _track_keys(a.tracks, cfg.n_b, half, fields) == _track_keys(b.tracks, cfg.n_b, 0, fields)
    np.testing.assert_array_equal(a.n_candidates, b.n_candidates)
    n_at_seam = sum(int(np.sum((t.cell_b < 3) | (t.cell_b >= cfg.n_b - 3))) for t in a.tracks)
    n_all = int(ak.sum(ak.num(a.tracks)))
    assert n_all > 200 and n_at_seam >= 1, (n_all, n_at_seam)
    # float: the same cells (responses differ by summation rounding only)
    fa, fb = finder.run(sample2pi, "float"), finder.run(turned, "float")
    assert _track_keys(fa.tracks, cfg.n_b, half, ("hit_ids",)) == _track_keys(fb.tracks, cfg.n_b, 0, ("hit_ids",))


@pytest.mark.parametrize("mode", MODES)
def test_away_from_the_seam_the_wrap_changes_nothing(mode: str) -> None:
    """Particles within |φ| < 2.5: the wrap config gives exactly the outputs of the same grid
    without the wrap (so the wrap adds a rule at the seam and nothing else)."""
    det = full_barrel(phi_min=-2.5, phi_max=2.5)
    ev = generate.generate(det, 20, seed=3, progress=False)
    ev = dataclasses.replace(ev, hits=ev.hits[np.abs(ev.hits.phi) < 2.8])  # noise near the seam out too
    for name, f in finders(det).items():
        g = type(f)(dataclasses.replace(f.config, phi_wrap=False))
        a, b = f.run(ev, mode, keep_maps=True), g.run(ev, mode, keep_maps=True)
        assert ak.to_list(a.tracks) == ak.to_list(b.tracks), name
        assert a.maps is not None and b.maps is not None
        np.testing.assert_array_equal(a.maps, b.maps)
        assert int(ak.sum(ak.num(a.tracks))) > 100


# ------------------------------------------------------------------------------------------
# the seam: a track at φ ≈ π is found once
# ------------------------------------------------------------------------------------------
SEAM_SAMPLES: dict[int, Events] = {}


def seam_sample(charge: int) -> Events:
    """One particle of ``charge`` per event, pT 3.5-5 GeV, aimed so that its
    φ_T at r_T lies within 0.04 rad of π: its inner hits lie beyond π (charge +1; below −π
    for −1) and its outer hits before, so they straddle the seam. No noise."""
    if charge not in SEAM_SAMPLES:
        bend = math.asin(0.5 * 0.3e-3 * 3.8 * 672.4 / 4.0)  # φ0 − φ_T at r_T for 4 GeV
        centre = math.pi + charge * bend
        det = full_barrel(
            noise=False,
            particles_per_vertex=1.0,
            phi_min=centre - 0.02,
            phi_max=centre + 0.02,
            pt_min_gev=3.5,
            pt_max_gev=5.0,
            charge=charge,
        )
        ev = generate.generate(det, 150, seed=21, progress=False)
        # events of exactly one particle: two alike tracks in one event may share a cell
        SEAM_SAMPLES[charge] = ev[np.flatnonzero(ak.to_numpy(ak.num(ev.particles)) == 1)]
    return SEAM_SAMPLES[charge]


def seam_counts(events: Events, tracks: ak.Array) -> tuple[int, int, int, int]:
    """(selected particles, found, found more than once, fake tracks)."""
    perf = metrics.evaluate(events, tracks, pt_min_gev=PT_MIN_GEV)
    n_tracks = perf.particles["n_tracks"]
    return perf.n_particles, int(np.sum(n_tracks >= 1)), int(np.sum(n_tracks >= 2)), perf.n_fake_tracks


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("charge", [1, -1])
@pytest.mark.parametrize("algorithm", ["retina", "hough"])
def test_a_track_at_the_seam_is_found_once(algorithm: str, charge: int, mode: str) -> None:
    sample = seam_sample(charge)
    f = finders(sample.detector)[algorithm]
    phi = sample.hits.phi
    straddle = int(np.sum(ak.any(phi > 0, axis=1) & ak.any(phi < 0, axis=1)))
    assert straddle >= 0.8 * len(sample) > 40  # events whose hits lie on both sides of ±π
    tracks = f.find(sample, mode)
    n_sel, found, twice, fakes = seam_counts(sample, tracks)
    assert n_sel >= 40
    assert (found, twice, fakes) == (n_sel, 0, 0)
    b = ak.to_numpy(ak.flatten(tracks.phi_t))
    assert np.all((b > -math.pi) & (b <= math.pi))
    assert np.any(b > 3.0) and np.any(b < -3.0)  # tracks reported on both sides of the seam
    # the checker can fail: the same grid without the wrap loses or splits some of them
    plain = type(f)(dataclasses.replace(f.config, phi_wrap=False)).find(sample, mode)
    n_sel0, found0, twice0, _ = seam_counts(sample, plain)
    assert found0 < n_sel0 or twice0 > 0, (n_sel0, found0, twice0)


def test_parameter_matching_and_residuals_wrap_at_the_seam() -> None:
    """A track at φ_T = −π + 0.003 matches its particle at π − 0.001, residual 0.004."""
    sample = seam_sample(1)
    # the truth itself is reported in (−π, π]
    pt = ak.to_numpy(ak.flatten(sample.particles.phi_t))
    assert np.all((pt > -math.pi) & (pt <= math.pi)) and np.any(pt > 3.1) and np.any(pt < -3.1)
    e = 3
    counts = ak.to_numpy(ak.num(sample.particles))
    flat = ak.to_numpy(ak.flatten(sample.particles.phi_t)).copy()
    flat[int(counts[:e].sum())] = math.pi - 0.001
    parts = ak.with_field(sample.particles, ak.unflatten(flat, counts), "phi_t")
    sample = dataclasses.replace(sample, particles=parts)
    p = sample.particles[e][0]
    tracks: list[list[dict[str, Any]]] = [[] for _ in range(len(sample))]
    tracks[e] = [{"qoverpt": float(p.qoverpt), "phi_t": -math.pi + 0.003}]
    tr = ak.Array(tracks)
    win = {"phi_t": 0.01, "qoverpt": 0.1}
    assert metrics.match_tracks_by_params(sample, tr, win)[e].tolist() == [int(p.particle_id)]
    perf = metrics.evaluate(sample, tr, match="params", windows=win, params=["phi_t"])
    assert perf.residuals["phi_t"][0] == pytest.approx(0.004, abs=1e-12)
    # the checker can fail: a track on the same side but 0.02 away does not match
    tracks[e] = [{"qoverpt": float(p.qoverpt), "phi_t": -math.pi + 0.02}]
    assert metrics.match_tracks_by_params(sample, ak.Array(tracks), win)[e].tolist() == [0]


def test_generator_loses_no_hit_at_the_seam_of_a_full_ring() -> None:
    """Smeared hits of a full ring wrap around ±π instead of falling off the strip range."""
    det = full_barrel(noise=False, particles_per_vertex=5.0, phi_min=math.pi - 0.3, phi_max=math.pi + 0.3)
    layers = tuple(
        dataclasses.replace(lay, efficiency=1.0, smear_rphi_mm=2.0, stub_qoverpt_max=0.0) for lay in det.layers
    )
    det = dataclasses.replace(det, layers=layers, mix=dataclasses.replace(det.mix, eta_min=-0.4, eta_max=0.4))
    ev = generate.generate(det, 50, seed=4, progress=False)
    n_particles = int(ak.sum(ak.num(ev.particles)))
    assert int(ak.sum(ak.num(ev.hits))) == 6 * n_particles > 1000  # every particle hits all six layers
    phi = ak.to_numpy(ak.flatten(ev.hits.phi))
    assert np.all(phi >= -math.pi) and np.sum(np.abs(phi) > math.pi - 0.01) > 10


# ------------------------------------------------------------------------------------------
# the physics: efficiency flat in φ
# ------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class PhiFlatness:
    """Efficiency of selected particles in bins of their φ, with binomial errors."""

    n: np.ndarray
    k: np.ndarray
    mean: float
    n_total: int

    @property
    def eff(self) -> np.ndarray:
        return self.k / self.n

    @property
    def err(self) -> np.ndarray:
        return np.sqrt(self.eff * (1 - self.eff) / self.n)

    @property
    def mean_err(self) -> float:
        return math.sqrt(self.mean * (1 - self.mean) / self.n_total)

    @property
    def max_dev(self) -> float:
        return float(np.max(np.abs(self.eff - self.mean)))

    def summary(self) -> str:
        i = int(np.argmax(np.abs(self.eff - self.mean)))
        return (
            f"mean {100 * self.mean:.2f} ± {100 * self.mean_err:.2f} % over {self.n_total} particles; "
            f"{len(self.n)} bins of {int(self.n.min())}-{int(self.n.max())} particles, binomial error "
            f"<= {100 * self.err.max():.2f} points; largest deviation {100 * self.max_dev:.2f} points "
            f"(bin {i}: {100 * self.eff[i]:.2f} ± {100 * self.err[i]:.2f} %); seam bins 0 and "
            f"{len(self.n) - 1}: {100 * self.eff[0]:.2f}, {100 * self.eff[-1]:.2f} %"
        )

    def table(self) -> str:
        edges = np.linspace(-180, 180, len(self.n) + 1)
        return "\n".join(
            f"  φ {edges[b]:+5.0f}..{edges[b + 1]:+5.0f}°  {int(self.k[b]):6d}/{int(self.n[b]):6d}  "
            f"{100 * self.eff[b]:6.2f} ± {100 * self.err[b]:.2f} %"
            for b in range(len(self.n))
        )


def phi_flatness(events: Events, tracks: ak.Array, n_bins: int = 36) -> PhiFlatness:
    perf = metrics.evaluate(events, tracks, pt_min_gev=PT_MIN_GEV)
    phi, found = perf.particles["phi"], perf.particles["matched"]
    b = np.clip(np.floor((phi + math.pi) / (2 * math.pi) * n_bins).astype(np.int64), 0, n_bins - 1)
    return PhiFlatness(
        np.bincount(b, minlength=n_bins), np.bincount(b, found, minlength=n_bins), perf.efficiency, perf.n_particles
    )


@pytest.mark.slow
def test_efficiency_is_flat_in_phi_within_half_a_point() -> None:
    """36 bins of φ, every one within 0.5 points of the mean, measured on enough particles
    (about 330k above 3 GeV, 9k per bin) that each bin's binomial error is at most 0.15
    points; both algorithms, both modes (2.5 min on 2 idle cores).

    Measured (seed 7, 20000 events): largest deviation from the mean 0.31 points (retina
    fixed, mean 98.73 %), 0.28 (retina float, 98.65 %), 0.13 (Hough fixed, 99.31 %), 0.13
    (Hough float, 99.23 %); bins' binomial errors at most 0.13 points. The same grids
    without the wrap lose 11 to 15 points in the two bins at the seam (5000 events)."""
    det = full_barrel(particles_per_vertex=20.0)
    ev = generate.generate(det, 20000, seed=7, progress=False)
    for name, f in finders(det).items():
        for mode in MODES:
            fl = phi_flatness(ev, f.find(ev, mode))
            print(f"{name} {mode}: {fl.summary()}")
            assert fl.err.max() <= 0.0015, (name, mode, fl.summary())
            assert fl.max_dev < 0.005, (name, mode, fl.summary(), fl.table())
            assert fl.mean > 0.98, (name, mode, fl.summary())

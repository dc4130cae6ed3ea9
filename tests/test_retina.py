"""The retina reference (fasttrack.retina): accumulation, maxima, centroid, capacities, physics.

The fixed-point retina is the golden model that HLS and RTL must match bit for bit, so its
semantics are pinned here against an independent implementation written from the spec
(docs: DESIGN.md "Artificial retina", :mod:`fasttrack.retina.reference` and
:mod:`fasttrack.retina.config`):

* ``dense_*``: every cell × every hit in numpy, no region-of-interest search;
* ``maxima_py`` / ``centroid_py`` / ``golden_tracks``: plain Python over a zero-padded map
  (outside the grid is literally 0), C++ division truncating toward zero;
* hand-made maps and hand-built events whose expected values are worked out in comments.

Each checker is shown to fail on a planted bug (a perturbed LUT, a flipped bit, floor
division, a reversed tie rule), so a pass means something.
"""

from __future__ import annotations

import dataclasses
import warnings
from collections.abc import Callable, Sequence
from typing import Any

import awkward as ak
import numpy as np
import pytest

from fasttrack import detector, generate, metrics
from fasttrack.configcheck import ConfigWarning
from fasttrack.detector import Detector, EventMix, PlaneLayer
from fasttrack.events import Events
from fasttrack.retina import Retina, RetinaConfig, RetinaOutput, engine

MODES = ("fixed", "float")
DENSE_EVENTS = {"telescope": 150, "barrel": 60, "velo": 6}  # events compared with the dense model
FLOAT_TIE_REL = 1e-9  # documented: float responses within a relative 1e-9 are ties


# ------------------------------------------------------------------------------------------
# small detectors and configs whose numbers can be followed by hand
# ------------------------------------------------------------------------------------------
def tiny_telescope() -> Detector:
    """4 strip planes at z = 0, 100, 200, 300 mm, |x| <= 10 mm, reference plane z = 150 mm."""
    layers = tuple(
        PlaneLayer(
            z_mm=100.0 * k, measures="x", pitch_x_mm=0.1, x_min_mm=-10.0, x_max_mm=10.0, y_min_mm=-10.0, y_max_mm=10.0
        )
        for k in range(4)
    )
    return Detector(name="tiny", layers=layers, mix=EventMix(min_layers=3), reference_z_mm=150.0)


def tiny_config(det: Detector | None = None, **kw: Any) -> RetinaConfig:
    """4 × 8 cells: a = tx in [-0.02, 0.02] (Δa = 0.01), b = x_ref in [-4, 4] mm (Δb = 1).

    Coordinates in 0.1 mm LSBs, σ = 0.5 mm, ROI 15 LSBs, 16-entry LUTs indexed by |d|
    (shift 0), 8-bit weights, threshold 2 hits. (The model is (tx, x_ref): cell (i, j)
    here is cell (j, i) of the former (x_ref, tx) grid, and the hand cases are transposed.)
    """
    base: dict[str, Any] = dict(
        a_min=-0.02,
        a_max=0.02,
        n_a=4,
        b_min=-4.0,
        b_max=4.0,
        n_b=8,
        sigma=0.5,
        coord_lsb=0.1,
        roi_hw=(15, 15, 15, 15),
        lut_size=16,
        weight_bits=8,
        threshold=2.0,
        centroid_frac_bits=6,
        assoc_weight=0.5,
        max_hits=16,
        max_tracks=4,
    )
    base.update(kw)
    with warnings.catch_warnings():  # hand-sized grids, far narrower than the tiny detector's acceptance
        warnings.simplefilter("ignore", ConfigWarning)
        return RetinaConfig.for_detector(det or tiny_telescope(), **base)


def tiny_velo() -> Detector:
    """3 pixel planes at z = 100, 200, 300 mm (reference z = 200), |x|, |y| <= 10 mm, no hole."""
    layers = tuple(
        PlaneLayer(
            z_mm=z,
            measures="xy",
            pitch_x_mm=0.1,
            pitch_y_mm=0.1,
            x_min_mm=-10.0,
            x_max_mm=10.0,
            y_min_mm=-10.0,
            y_max_mm=10.0,
        )
        for z in (100.0, 200.0, 300.0)
    )
    return Detector(name="tinyvelo", layers=layers, mix=EventMix(min_layers=3), reference_z_mm=200.0)


def tiny_velo_config(**kw: Any) -> RetinaConfig:
    """8 × 8 cells over u, v in [-4, 4] mm; 0.1 mm LSBs; ROI 10 LSBs so d² <= 100; LUT by d² >> 3."""
    base: dict[str, Any] = dict(
        a_min=-4.0,
        a_max=4.0,
        n_a=8,
        b_min=-4.0,
        b_max=4.0,
        n_b=8,
        sigma=0.5,
        coord_lsb=0.1,
        roi_hw=(10, 10, 10),
        lut_size=16,
        weight_bits=8,
        threshold=1.0,
        max_hits=16,
        max_tracks=8,
    )
    base.update(kw)
    with warnings.catch_warnings():  # hand-sized grids, far narrower than the tiny detector's acceptance
        warnings.simplefilter("ignore", ConfigWarning)
        return RetinaConfig.for_detector(tiny_velo(), **base)


def events(det: Detector, hits: Sequence[Sequence[dict[str, Any]]]) -> Events:
    return Events.from_hits(det, ak.Array([list(ev) for ev in hits]) if hits else ak.Array([]))


def at_receptor(cfg: RetinaConfig, layer: int, i: int, j: int) -> float:
    """An x that quantizes exactly onto the receptor of cell (i, j) on a 1D layer."""
    return float(cfg.tables.receptors_hw[layer, 0, i, j]) * cfg.coord_lsb


# ------------------------------------------------------------------------------------------
# the independent implementation
# ------------------------------------------------------------------------------------------
@dataclasses.dataclass(frozen=True)
class Hits:
    """One event's (or a sample's) hits as flat arrays, input order."""

    layer: np.ndarray
    meas: np.ndarray  # (n, n_meas) measurement units
    hit_id: np.ndarray
    bend: np.ndarray  # stub q/pT estimate (0 where the detector has none)

    def __getitem__(self, sl: slice) -> Hits:
        return Hits(self.layer[sl], self.meas[sl], self.hit_id[sl], self.bend[sl])

    def __len__(self) -> int:
        return len(self.layer)


def flat_inputs(cfg: RetinaConfig, ev: Events) -> tuple[np.ndarray, Hits]:
    """(offsets, hits) of a sample."""
    counts = np.asarray(ak.num(ev.hits, axis=1), dtype=np.int64)
    offsets = np.concatenate([[0], np.cumsum(counts)])
    layer = np.asarray(ak.flatten(ev.hits.layer), dtype=np.int64)
    meas = (
        np.stack([np.asarray(ak.flatten(ev.hits[m]), dtype=np.float64) for m in cfg.measurement_names], axis=1)
        if len(layer)
        else np.zeros((0, cfg.n_meas))
    )
    bend = (
        np.asarray(ak.flatten(ev.hits.bend_qoverpt), dtype=np.float64)
        if "bend_qoverpt" in ev.hits.fields
        else np.zeros(len(layer))
    )
    return offsets, Hits(layer, meas, np.asarray(ak.flatten(ev.hits.hit_id), dtype=np.int64), bend)


def quantize(cfg: RetinaConfig, meas: np.ndarray) -> np.ndarray:
    """hw = floor(m / LSB + ½), the documented rounding of hit coordinates."""
    return np.floor(meas / cfg.coord_lsb + 0.5).astype(np.int64)


def bend_ok(cfg: RetinaConfig, bend: np.ndarray, fixed: bool) -> np.ndarray:
    """(k, n_a): may a stub reach column i? (the bend filter; all True when it is off)

    fixed: |hw_bend − a_bend_hw[i]| <= window, hw_bend = floor(bend/LSB + ½) saturated to
    bend_bits signed, a_bend_hw[i] = floor(a_i/LSB + ½); float: |bend − a_i| <= window·LSB.
    """
    if cfg.bend_window_hw < 0:
        return np.ones((len(bend), cfg.n_a), dtype=bool)
    a = cfg.a_min + (np.arange(cfg.n_a) + 0.5) * (cfg.a_max - cfg.a_min) / cfg.n_a
    if not fixed:
        return np.abs(bend[:, None] - a[None, :]) <= cfg.bend_window_hw * cfg.bend_lsb
    top = 2 ** (cfg.bend_bits - 1)
    hw = np.clip(np.floor(bend / cfg.bend_lsb + 0.5), -top, top - 1).astype(np.int64)
    a_hw = np.floor(a / cfg.bend_lsb + 0.5).astype(np.int64)
    return np.abs(hw[:, None] - a_hw[None, :]) <= cfg.bend_window_hw


def _distances(cfg: RetinaConfig, l: int, hits: Hits) -> tuple[np.ndarray, np.ndarray]:
    """(|d| or d², reached) of hits on layer l to every cell, (k, n_a, n_b), integers."""
    d = quantize(cfg, hits.meas)[:, :, None, None] - cfg.tables.receptors_hw[l][None]
    roi = cfg.roi_hw[l]
    dist = np.abs(d[:, 0]) if cfg.n_meas == 1 else d[:, 0] ** 2 + d[:, 1] ** 2
    ok = dist <= (roi if cfg.n_meas == 1 else roi * roi)
    return dist, ok & bend_ok(cfg, hits.bend, True)[:, :, None]


def dense_fixed(cfg: RetinaConfig, hits: Hits, lut: np.ndarray | None = None) -> tuple[np.ndarray, int]:
    """Accumulators (n_a, n_b) of one event's processed hits and the hits reaching no cell.

    Every cell × every hit: w = lut[l][min(dist >> shift, size − 1)] where the hit reaches
    the cell; the saturating sum equals min(plain sum, acc_max) because weights are >= 0.
    """
    lut = cfg.tables.lut if lut is None else lut
    total = np.zeros((cfg.n_a, cfg.n_b), dtype=np.int64)
    reached = np.zeros(len(hits), dtype=bool)
    for l in np.unique(hits.layer):
        sel = hits.layer == l
        dist, ok = _distances(cfg, int(l), hits[sel])  # type: ignore[index]
        idx = np.minimum(dist >> cfg.lut_shift[l], cfg.lut_size - 1)
        total += np.where(ok, lut[l][idx], 0).sum(axis=0)
        reached[sel] = ok.any(axis=(1, 2))
    return np.minimum(total, cfg.acc_max), int((~reached).sum())


def dense_float(cfg: RetinaConfig, hits: Hits, sigma: Sequence[float] | None = None) -> tuple[np.ndarray, int]:
    """Float response: Σ exp(−d²/2σ²) over hits within the ROI (in measurement units)."""
    sigma = cfg.sigma if sigma is None else sigma
    rec = cfg.receptors()
    total = np.zeros((cfg.n_a, cfg.n_b))
    reached = np.zeros(len(hits), dtype=bool)
    for l in np.unique(hits.layer):
        sel = hits.layer == l
        d = hits.meas[sel][:, :, None, None] - rec[l][None]
        d2 = (d * d).sum(axis=1)
        roi = cfg.roi_hw[l] * cfg.coord_lsb
        ok = (d2 <= roi * roi) & bend_ok(cfg, hits.bend[sel], False)[:, :, None]
        total += np.where(ok, np.exp(-d2 / (2.0 * sigma[l] ** 2)), 0.0).sum(axis=0)
        reached[sel] = ok.any(axis=(1, 2))
    return total, int((~reached).sum())


def c_div(num: int, den: int) -> int:
    """C++ integer ``/``: the quotient truncated toward zero."""
    q = abs(num) // abs(den)
    return q if (num >= 0) == (den >= 0) else -q


def floor_div(num: int, den: int) -> int:  # a planted bug: Python's // rounds toward -inf
    return num // den


def maxima_py(acc: np.ndarray, thr: float, rel_tol: float = 0.0, earlier_strict: bool = True) -> list[tuple[int, int]]:
    """Local maxima in raster order, straight from the spec: outside the grid is 0; a cell
    must be > its earlier neighbours and >= its later ones (``earlier_strict=False``
    swaps the two sides: a planted bug)."""
    n_a, n_b = acc.shape
    pad = np.zeros((n_a + 2, n_b + 2), dtype=acc.dtype)
    pad[1:-1, 1:-1] = acc
    out = []
    for i, j in np.argwhere(acc >= thr).tolist():  # C order = raster order
        v = acc[i, j]
        eps = v * rel_tol
        ok = True
        for di in (-1, 0, 1):
            for dj in (-1, 0, 1):
                if di == dj == 0:
                    continue
                u = pad[i + 1 + di, j + 1 + dj]
                earlier = di < 0 or (di == 0 and dj < 0)  # raster number (i+di)·n_b + j+dj < i·n_b + j
                strict = earlier if earlier_strict else not earlier
                ok &= bool(v > u + eps) if strict else bool(v >= u - eps)
        if ok:
            out.append((i, j))
    return out


def centroid_py(
    acc: np.ndarray, i: int, j: int, frac_bits: int | None, div: Callable[[int, int], int] = c_div
) -> tuple[float, float]:
    """Per axis over the 3 cells through (i, j) (outside 0), minimum subtracted;
    fixed (``frac_bits`` given): (num << F) / den with ``div``; float: num / den."""
    n_a, n_b = acc.shape

    def get(ii: int, jj: int) -> Any:
        return acc[ii, jj] if 0 <= ii < n_a and 0 <= jj < n_b else 0

    offs = []
    for r_m, r_0, r_p in ((get(i - 1, j), get(i, j), get(i + 1, j)), (get(i, j - 1), get(i, j), get(i, j + 1))):
        m = min(r_m, r_0, r_p)
        num, den = (r_p - m) - (r_m - m), (r_m - m) + (r_0 - m) + (r_p - m)
        if frac_bits is None:
            offs.append(num / den if den > 0 else 0.0)
        else:
            offs.append(div(int(num) << frac_bits, int(den)) if den > 0 else 0)
    return offs[0], offs[1]


def golden_tracks(
    cfg: RetinaConfig, acc: np.ndarray, fixed: bool, div: Callable[[int, int], int] = c_div
) -> tuple[list[tuple[Any, ...]], int]:
    """(tracks (i, j, off_a, off_b, quality) of the first max_tracks maxima, number of maxima)."""
    thr = cfg.threshold_hw if fixed else cfg.threshold
    found = maxima_py(acc, thr, 0.0 if fixed else FLOAT_TIE_REL)
    out = []
    for i, j in found[: cfg.max_tracks]:
        oa, ob = centroid_py(acc, i, j, cfg.centroid_frac_bits if fixed else None, div)
        out.append((i, j, oa, ob, acc[i, j]))
    return out, len(found)


def weights_in_cell(cfg: RetinaConfig, rec: np.ndarray, hits: Hits, i: int, j: int, fixed: bool) -> np.ndarray:
    """Weight of each hit in cell (i, j): LUT (fixed) or exp (float); −1 where the hit does
    not reach the cell. ``rec``: the receptor table (fixed) or the float receptors."""
    layer = hits.layer
    roi = np.asarray(cfg.roi_hw, dtype=np.int64)[layer]
    col = bend_ok(cfg, hits.bend, fixed)[:, i]
    if fixed:
        d = quantize(cfg, hits.meas) - rec[layer, :, i, j]
        dist = np.abs(d[:, 0]) if cfg.n_meas == 1 else d[:, 0] ** 2 + d[:, 1] ** 2
        ok = col & (dist <= (roi if cfg.n_meas == 1 else roi * roi))
        idx = np.minimum(dist >> np.asarray(cfg.lut_shift, dtype=np.int64)[layer], cfg.lut_size - 1)
        return np.where(ok, cfg.tables.lut[layer, idx], -1).astype(np.float64)
    d2 = ((hits.meas - rec[layer, :, i, j]) ** 2).sum(axis=1)
    ok = col & (d2 <= (roi * cfg.coord_lsb) ** 2)
    return np.where(ok, np.exp(-d2 / (2.0 * np.asarray(cfg.sigma)[layer] ** 2)), -1.0)


def associated(cfg: RetinaConfig, rec: np.ndarray, hits: Hits, i: int, j: int, fixed: bool) -> list[int]:
    """hit_ids of a track in cell (i, j), as documented: per layer (in layer order) the
    processed hit of largest weight, the first in input order on ties, if that weight
    reaches the association level."""
    w = weights_in_cell(cfg, rec, hits, i, j, fixed)
    level = cfg.assoc_hw if fixed else cfg.assoc_weight
    ids = []
    for l in range(cfg.n_layers):
        cand = np.flatnonzero((hits.layer == l) & (w >= level))
        if len(cand):
            ids.append(int(hits.hit_id[cand[np.argmax(w[cand])]]))  # argmax: the first of equal maxima
    return ids


def check_against_golden(
    cfg: RetinaConfig,
    ev: Events,
    out: RetinaOutput,
    *,
    maps_only: bool = False,
    lut: np.ndarray | None = None,
    div: Callable[[int, int], int] = c_div,
) -> None:
    """Every event of ``out`` (a run with keep_maps) against the independent implementation."""
    fixed = out.mode == "fixed"
    assert out.maps is not None
    offsets, all_hits = flat_inputs(cfg, ev)
    rec = cfg.tables.receptors_hw if fixed else cfg.receptors()
    for e in range(len(ev)):
        h0, h1 = int(offsets[e]), int(offsets[e + 1])
        n_use = min(h1 - h0, cfg.max_hits)
        hits = all_hits[h0 : h0 + n_use]
        if fixed:
            acc, unreached = dense_fixed(cfg, hits, lut)
            np.testing.assert_array_equal(out.maps[e], acc, err_msg=f"event {e}: accumulators", strict=True)
        else:
            acc, unreached = dense_float(cfg, hits)
            np.testing.assert_allclose(out.maps[e], acc, rtol=1e-12, atol=0.0, err_msg=f"event {e}: response")
        assert out.n_hits_unreached[e] == unreached, f"event {e}: unreached hits"
        assert out.n_hits_dropped[e] == (h1 - h0) - n_use, f"event {e}: dropped hits"
        if maps_only:
            continue
        want, n_max = golden_tracks(cfg, out.maps[e], fixed, div)
        t = out.tracks[e]
        off_a = ak.to_list(t.off_a_hw if fixed else t.off_a)
        off_b = ak.to_list(t.off_b_hw if fixed else t.off_b)
        got = list(zip(ak.to_list(t.cell_a), ak.to_list(t.cell_b), off_a, off_b, ak.to_list(t.quality), strict=True))
        if fixed:
            assert got == want, f"event {e}: tracks"
        else:
            assert [g[:2] for g in got] == [w[:2] for w in want], f"event {e}: track cells"
            np.testing.assert_allclose(
                np.array([g[2:] for g in got]).reshape(-1, 3),
                np.array([w[2:] for w in want]).reshape(-1, 3),
                rtol=1e-12,
                atol=1e-15,
            )
        assert out.n_candidates[e] == n_max, f"event {e}: maxima count"
        for k, (i, j, *_rest) in enumerate(want):
            assert ak.to_list(t.hit_ids[k]) == associated(cfg, rec, hits, i, j, fixed), f"event {e} track {k}: hit_ids"


# ------------------------------------------------------------------------------------------
# accumulation and everything after it, on generated events of each preset
# ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("mode", MODES)
def test_reference_equals_independent_dense_model(preset_sample: Events, mode: str) -> None:
    """Maps (exact in fixed, 1e-12 relative in float), unreached counts, maxima, centroids,
    qualities and hit association of every event: 1D (telescope, barrel) and 2D (velo)."""
    cfg = RetinaConfig.for_detector(preset_sample.detector)
    ev = preset_sample[: DENSE_EVENTS[preset_sample.detector.name]]
    out = Retina(cfg).run(ev, mode, keep_maps=True)  # type: ignore[arg-type]
    assert out.maps is not None and out.maps.dtype == (np.int64 if mode == "fixed" else np.float64)
    assert int(ak.sum(ak.num(out.tracks, axis=1))) > 0, "the sample must produce tracks to compare"
    check_against_golden(cfg, ev, out)


def test_dense_checker_detects_a_perturbed_lut_entry(preset_samples: dict[str, Events]) -> None:
    ev = preset_samples["telescope"][:40]
    cfg = RetinaConfig.for_detector(ev.detector)
    out = Retina(cfg).run(ev, "fixed", keep_maps=True)
    check_against_golden(cfg, ev, out, maps_only=True)
    # the weight of a hit 10 LSBs from a receptor, off by one on one layer
    planted = cfg.tables.lut.copy()
    planted[0, 10] -= 1
    with pytest.raises(AssertionError, match="accumulators"):
        check_against_golden(cfg, ev, out, maps_only=True, lut=planted)


def test_dense_checker_detects_a_flipped_bit_and_a_float_error(preset_samples: dict[str, Events]) -> None:
    ev = preset_samples["velo"][:3]
    cfg = RetinaConfig.for_detector(ev.detector)
    out = Retina(cfg).run(ev, "fixed", keep_maps=True)
    assert out.maps is not None
    out.maps[1, 30, 30] ^= 1 << 3
    with pytest.raises(AssertionError, match="event 1: accumulators"):
        check_against_golden(cfg, ev, out, maps_only=True)
    # float: a σ off by 1e-9 relative is beyond the 1e-12 tolerance
    offsets, hits = flat_inputs(cfg, ev)
    resp = Retina(cfg).response(ev, 0, "float")
    first = hits[0 : int(offsets[1])]
    np.testing.assert_allclose(resp, dense_float(cfg, first)[0], rtol=1e-12, atol=0)
    wrong = dense_float(cfg, first, sigma=[s * (1 + 1e-9) for s in cfg.sigma])[0]
    with pytest.raises(AssertionError):
        np.testing.assert_allclose(resp, wrong, rtol=1e-12, atol=0)


def test_track_checker_detects_floor_division(preset_samples: dict[str, Events]) -> None:
    """Floor instead of truncation toward zero changes negative offsets with a remainder."""
    ev = preset_samples["telescope"][:60]
    cfg = RetinaConfig.for_detector(ev.detector)
    out = Retina(cfg).run(ev, "fixed", keep_maps=True)
    check_against_golden(cfg, ev, out)
    with pytest.raises(AssertionError, match="tracks"):
        check_against_golden(cfg, ev, out, div=floor_div)


def test_hand_1d_weights_roi_and_lut_index() -> None:
    """One hit, followed by hand: |d| = |hw − receptor|, cut |d| <= ROI, weight lut[|d| >> shift]."""
    cfg = tiny_config(roi_hw=(15, 15, 15, 12), lut_shift=(0, 0, 1, 0))
    rec = cfg.tables.receptors_hw
    lut = cfg.tables.lut
    det = tiny_telescope()
    x_hw = int(rec[2, 0, 1, 4]) + 5  # layer 2, 5 LSBs from the receptor of cell (1, 4)
    acc = Retina(cfg).response(events(det, [[{"layer": 2, "x": x_hw * 0.1}]]), 0, "fixed")
    assert acc[1, 4] == lut[2, 5 >> 1]  # shift 1 on layer 2
    for i in range(cfg.n_a):
        for j in range(cfg.n_b):
            d = abs(x_hw - int(rec[2, 0, i, j]))
            assert acc[i, j] == (lut[2, min(d >> 1, 15)] if d <= 15 else 0), (i, j, d)
    # layer 3: ROI 12 — a hit 12 LSBs away reaches the cell, 13 does not
    for dist, want in ((12, lut[3, 12]), (13, 0), (-12, lut[3, 12]), (-13, 0)):
        xh = int(rec[3, 0, 2, 2]) + dist
        got = Retina(cfg).response(events(det, [[{"layer": 3, "x": xh * 0.1}]]), 0, "fixed")
        assert got[2, 2] == want, dist
    # an index beyond the LUT is clamped to its last entry (a 4-entry LUT, shift 0, |d| = 9)
    small = tiny_config(lut_size=4, lut_shift=(0, 0, 0, 0))
    xh = int(small.tables.receptors_hw[0, 0, 3, 3]) + 9
    got = Retina(small).response(events(det, [[{"layer": 0, "x": xh * 0.1}]]), 0, "fixed")
    assert got[3, 3] == small.tables.lut[0, 3] > 0


def test_hand_2d_distance_is_dx2_plus_dy2() -> None:
    """On the reference plane (layer 1, z = z_ref) receptors are the cell centres (u, v);
    the cut is the disc dx² + dy² <= ROI² and the LUT index d² >> 3."""
    cfg = tiny_velo_config()
    assert cfg.lut_shift == (3, 3, 3)  # 100 >> 3 = 12 < 16 entries; >> 2 would be 25
    lut = cfg.tables.lut
    assert tuple(cfg.tables.receptors_hw[1, :, 4, 5]) == (5, 15)  # u = 0.5 mm, v = 1.5 mm
    ev = events(tiny_velo(), [[{"layer": 1, "x": 1.2, "y": 1.2}], [{"layer": 1, "x": 1.3, "y": 1.2}]])
    acc = Retina(cfg).run(ev, "fixed", keep_maps=True).maps
    assert acc is not None
    # hit (12, 12): cell (4, 4) at (5, 5): d = (7, 7), d² = 98 <= 100, index 98 >> 3 = 12
    assert acc[0, 4, 4] == lut[1, 12]
    assert acc[0, 5, 5] == lut[1, 18 >> 3]  # (15, 15): d = (−3, −3)
    assert acc[0, 4, 5] == lut[1, 58 >> 3]  # (5, 15): d = (7, −3)
    assert acc[0, 3, 4] == 0  # (−5, 5): d = (17, 7)
    # hit (13, 12): cell (4, 4): d = (8, 7), d² = 113 > 100 though |dx|, |dy| <= 10
    assert acc[1, 4, 4] == 0
    assert acc[1, 5, 4] == lut[1, (4 + 49) >> 3]  # (15, 5): d = (−2, 7)
    assert acc[1, 4, 5] == lut[1, (64 + 9) >> 3]  # (5, 15): d = (8, −3)
    assert acc[1, 5, 5] == lut[1, (4 + 9) >> 3]  # (15, 15): d = (−2, −3)
    assert int((acc[0] > 0).sum()) == 4 and int((acc[1] > 0).sum()) == 3
    flt = Retina(cfg).response(ev, 0, "float")
    assert flt[4, 4] == pytest.approx(np.exp(-(0.7**2 + 0.7**2) / (2 * 0.25)), rel=1e-12)


@pytest.mark.parametrize("mode", MODES)
def test_bend_filter_window_is_inclusive(mode: str) -> None:
    """Barrel preset: a stub reaches column i only when |hw_bend − a_bend_hw[i]| <= window
    (float: |bend − a_i| <= window·LSB); every column in the window gets some cell."""
    det = detector.barrel()
    cfg = RetinaConfig.for_detector(det)
    assert cfg.bend_window_hw > 0
    a_hw = cfg.a_bend_hw()
    a = cfg.a_centres()
    i0 = cfg.n_a // 2 + 3
    win = cfg.bend_window_hw
    # column i0 just inside and just outside the window (fixed: in LSBs; float: ±0.01 LSB)
    edges = (win, win + 1) if mode == "fixed" else (win - 0.01, win + 0.01)
    base = float(a_hw[i0]) * cfg.bend_lsb if mode == "fixed" else float(a[i0])
    bends = [base - edge * cfg.bend_lsb for edge in edges]  # the window, centred on the stub, ends at i0
    stubs = [[{"layer": 3, "phi": 0.01, "z": 0.0, "bend_qoverpt": bend}] for bend in bends]
    out = Retina(cfg).run(events(det, stubs), mode, keep_maps=True)  # type: ignore[arg-type]
    assert out.maps is not None
    for e, bend in enumerate(bends):
        if mode == "fixed":
            want = np.abs(int(np.floor(bend / cfg.bend_lsb + 0.5)) - a_hw) <= win
        else:
            want = np.abs(bend - a) <= win * cfg.bend_lsb
        columns = out.maps[e].any(axis=1)
        np.testing.assert_array_equal(columns, want, err_msg=f"edge {edges[e]}")
        assert columns[i0] == (e == 0)
        assert want.sum() >= 2 * win * cfg.bend_lsb / cfg.delta_a - 2  # the window spans many columns


def test_saturation_at_acc_max() -> None:
    """4-bit weights (a full weight is 15), threshold 16, 5-bit accumulators (acc_max 31)."""
    cfg = tiny_config(weight_bits=4, threshold=1.0, acc_bits=5)
    assert (cfg.acc_max, cfg.threshold_hw, int(cfg.tables.lut[0, 0])) == (31, 16, 15)
    det = tiny_telescope()
    on_cell = [{"layer": l, "x": at_receptor(cfg, l, 2, 3), "hit_id": l} for l in range(4)]
    twice = [dict(on_cell[0], hit_id=0), dict(on_cell[0], hit_id=1)]
    out = Retina(cfg).run(events(det, [on_cell, on_cell[:2], twice]), "fixed", keep_maps=True)
    assert out.maps is not None
    assert out.maps[0, 2, 3] == 31  # 4 × 15 = 60 saturates at exactly acc_max
    assert out.maps[1, 2, 3] == 30  # 2 × 15 does not
    assert out.maps[2, 2, 3] == 30  # the same hit twice on one layer counts twice
    assert out.maps.max() <= 31
    raw, _ = dense_fixed(dataclasses.replace(cfg, acc_bits=12), flat_inputs(cfg, events(det, [on_cell]))[1])
    assert raw[2, 3] == 60 and (raw > 31).sum() >= 1
    np.testing.assert_array_equal(out.maps[0], np.minimum(raw, 31))
    assert out.tracks[0].quality.tolist()[0] == 31


# ------------------------------------------------------------------------------------------
# maxima: the tie rule on hand-made maps
# ------------------------------------------------------------------------------------------
def is_max(acc: np.ndarray, i: int, j: int, thr: int) -> bool:
    return bool(engine._is_local_max(acc, i, j, np.int64(thr)))


def find(
    acc: np.ndarray, thr: float, max_tracks: int = 16, frac_bits: int = 6, fixed: bool = True
) -> tuple[list[tuple[Any, ...]], int]:
    dt = np.int64 if fixed else np.float64
    t_i, t_j = np.zeros(max_tracks, np.int64), np.zeros(max_tracks, np.int64)
    t_a, t_b, t_q = np.zeros(max_tracks, dt), np.zeros(max_tracks, dt), np.zeros(max_tracks, dt)
    n = engine._find_tracks(
        acc, np.int64(thr) if fixed else float(thr), max_tracks, frac_bits, fixed, t_i, t_j, t_a, t_b, t_q
    )
    k = min(n, max_tracks)
    return list(
        zip(t_i[:k].tolist(), t_j[:k].tolist(), t_a[:k].tolist(), t_b[:k].tolist(), t_q[:k].tolist(), strict=True)
    ), n


NEIGHBOURS = [(di, dj) for di in (-1, 0, 1) for dj in (-1, 0, 1) if (di, dj) != (0, 0)]


@pytest.mark.parametrize(("di", "dj"), NEIGHBOURS)
def test_tie_with_one_neighbour(di: int, dj: int) -> None:
    """Equal to an earlier neighbour (raster number i·n_b + j smaller): not a maximum;
    equal to a later one: a maximum; a larger neighbour on either side: not; the plateau
    of the two gives exactly one maximum, the earlier cell."""
    acc = np.zeros((5, 6), dtype=np.int64)
    acc[2, 3] = 50
    acc[2 + di, 3 + dj] = 50
    earlier = (2 + di) * 6 + (3 + dj) < 2 * 6 + 3
    assert is_max(acc, 2, 3, 10) == (not earlier)
    assert is_max(acc, 2 + di, 3 + dj, 10) == earlier
    tracks, n = find(acc, 10)
    assert n == 1
    first = min((2, 3), (2 + di, 3 + dj))  # raster order = lexicographic (i, j)
    assert tracks[0][:2] == first
    assert maxima_py(acc, 10) == [first]
    acc[2 + di, 3 + dj] = 51
    assert not is_max(acc, 2, 3, 10)
    acc[2 + di, 3 + dj] = 49
    assert is_max(acc, 2, 3, 10)


def test_tie_rule_checker_can_fail() -> None:
    acc = np.zeros((5, 6), dtype=np.int64)
    acc[2, 3] = acc[2, 4] = 50
    assert [t[:2] for t in find(acc, 10)[0]] == maxima_py(acc, 10) == [(2, 3)]
    assert maxima_py(acc, 10, earlier_strict=False) == [(2, 4)]  # the reversed rule picks the other cell


def test_plateau_shapes_and_anti_diagonal() -> None:
    acc = np.zeros((6, 6), dtype=np.int64)
    acc[2, 3] = acc[3, 2] = 40  # anti-diagonal pair: (2, 3) is earlier in raster order
    assert [t[:2] for t in find(acc, 1)[0]] == [(2, 3)]
    acc[:] = 0
    acc[1:3, 1:3] = 40  # a 2 × 2 plateau: one maximum, its first cell
    assert [t[:2] for t in find(acc, 1)[0]] == [(1, 1)]
    acc[:] = 0
    acc[3, 1:5] = 40  # a row of four
    assert [t[:2] for t in find(acc, 1)[0]] == [(3, 1)]


def test_edges_and_corners_count_outside_as_zero() -> None:
    acc = np.zeros((4, 5), dtype=np.int64)
    for i, j in ((0, 0), (0, 4), (3, 0), (3, 4), (0, 2), (2, 4)):
        acc[:] = 0
        acc[i, j] = 7
        tracks, n = find(acc, 7)
        assert n == 1 and tracks[0][:2] == (i, j)
    acc[:] = 1  # a flat map: only the first cell is a maximum (outside is 0 < 1)
    tracks, n = find(acc, 1)
    assert n == 1 and tracks[0][:2] == (0, 0)
    assert maxima_py(acc, 1) == [(0, 0)]


def test_threshold_boundary_is_inclusive() -> None:
    acc = np.zeros((3, 3), dtype=np.int64)
    acc[1, 1] = 1152
    assert is_max(acc, 1, 1, 1152)
    assert not is_max(acc, 1, 1, 1153)
    # through the whole retina: one hit on a receptor gives 15 (4-bit weights) in cell (2, 4),
    # the largest value of the map; threshold 15/16 (threshold_hw 15) takes it, 1.0 (16) does not
    ev = events(tiny_telescope(), [[{"layer": 0, "x": at_receptor(tiny_config(), 0, 2, 4)}]])
    for threshold, thr_hw, taken in ((15 / 16, 15, True), (1.0, 16, False)):
        cfg = tiny_config(weight_bits=4, threshold=threshold, acc_bits=5)
        assert cfg.threshold_hw == thr_hw
        out = Retina(cfg).run(ev, "fixed", keep_maps=True)
        assert out.maps is not None and out.maps[0, 2, 4] == out.maps.max() == 15
        cells = list(zip(out.tracks[0].cell_a.tolist(), out.tracks[0].cell_b.tolist(), strict=True))
        assert ((2, 4) in cells) == taken
        assert (out.n_candidates[0] > 0) == taken


def test_float_ties_within_relative_tolerance() -> None:
    """Float: sums of the same weights in another order tie (relative 1e-9)."""
    assert engine.FLOAT_TIE_TOL == FLOAT_TIE_REL
    acc = np.zeros((4, 4))
    acc[1, 1], acc[1, 2] = 3.0, 3.0 * (1 + 1e-12)
    tracks, n = find(acc, 1.0, fixed=False)
    assert n == 1 and tracks[0][:2] == (1, 1)
    acc[1, 2] = 3.0 * (1 + 1e-6)  # a real difference
    tracks, n = find(acc, 1.0, fixed=False)
    assert n == 1 and tracks[0][:2] == (1, 2)
    acc[1, 1] = 0.5  # threshold >=
    acc[1, 2] = 1.0
    assert find(acc, 1.0, fixed=False)[1] == 1 and find(acc, 1.0 + 1e-6, fixed=False)[1] == 0


# ------------------------------------------------------------------------------------------
# centroid
# ------------------------------------------------------------------------------------------
def map_with(
    center: tuple[int, int], shape: tuple[int, int], a_row: tuple[int, int, int], b_row: tuple[int, int, int]
) -> np.ndarray:
    """A map with R(i−1, j), R(i, j), R(i+1, j) = a_row and R(i, j−1), ., R(i, j+1) = b_row."""
    acc = np.zeros(shape, dtype=np.int64)
    i, j = center
    assert a_row[1] == b_row[1]
    for k, v in zip((-1, 0, 1), a_row, strict=True):
        if 0 <= i + k < shape[0]:
            acc[i + k, j] = v
    for k, v in zip((-1, 0, 1), b_row, strict=True):
        if 0 <= j + k < shape[1]:
            acc[i, j + k] = v
    return acc


@pytest.mark.parametrize(
    ("center", "a_row", "b_row", "frac_bits", "want_a", "want_b"),
    [
        # a: m = 3, num = 0 − 7 = −7, den = 7 + 17 + 0 = 24: −448/24 = −18.67 -> −18 (floor: −19)
        # b: m = 5, num = 10 − 0 = 10, den = 0 + 15 + 10 = 25: 640/25 = 25.6 -> 25
        ((2, 2), (10, 20, 3), (5, 20, 15), 6, -18, 25),
        # F = 0: −7/24 -> 0 (floor: −1); 10/25 -> 0
        ((2, 2), (10, 20, 3), (5, 20, 15), 0, 0, 0),
        # F = 1: a: m = 0, num = −7·2 = −14, den = 7 + 8 + 0 = 15 -> 0 (floor −1);
        # b: m = 1, num = (8−1) − (1−1) = 7 -> 14, den = 0 + 7 + 7 = 14 -> 1
        ((2, 2), (7, 8, 0), (1, 8, 8), 1, 0, 1),
        # exactly divisible negative: a: m = 0, num = −3 << 3 = −24, den = 3 + 5 + 0 = 8 -> −3
        ((2, 2), (3, 5, 0), (0, 5, 0), 3, -3, 0),
        # symmetric neighbours: num = 0 -> 0
        ((2, 2), (9, 12, 9), (4, 12, 4), 6, 0, 0),
        # first row, first column: outside is 0 = the pedestal; a: num = 10, den = 20 + 10 = 30:
        # 640/30 = 21.3 -> 21; b: num = 4, den = 24: 256/24 = 10.67 -> 10
        ((0, 0), (0, 20, 10), (0, 20, 4), 6, 21, 10),
        # last row, last column: a: num = −10, den = 30: −21.3 -> −21 (floor −22); b: −4·64/24 -> −10
        ((4, 5), (10, 20, 0), (4, 20, 0), 6, -21, -10),
    ],
)
def test_centroid_hand_cases(
    center: tuple[int, int],
    a_row: tuple[int, int, int],
    b_row: tuple[int, int, int],
    frac_bits: int,
    want_a: int,
    want_b: int,
) -> None:
    acc = map_with(center, (5, 6), a_row, b_row)
    tracks, n = find(acc, 1, frac_bits=frac_bits)
    assert n == 1
    i, j, off_a, off_b, q = tracks[0]
    assert (i, j, q) == (*center, a_row[1])
    assert (off_a, off_b) == (want_a, want_b)
    assert centroid_py(acc, i, j, frac_bits) == (want_a, want_b)
    # float mode: the same sums divided in floating point
    ftracks, _ = find(acc.astype(np.float64), 1.0, fixed=False)
    fa, fb = centroid_py(acc, i, j, None)
    assert ftracks[0][2:4] == (pytest.approx(fa, rel=1e-15), pytest.approx(fb, rel=1e-15))


def test_centroid_truncates_like_cpp_not_floor() -> None:
    acc = map_with((2, 2), (5, 6), (10, 20, 3), (5, 20, 15))
    assert centroid_py(acc, 2, 2, 6, div=floor_div) != centroid_py(acc, 2, 2, 6)
    assert c_div(-7, 2) == -3 and floor_div(-7, 2) == -4 and c_div(7, -2) == -3 and c_div(-8, 2) == -4


def test_centroid_zero_denominator_gives_zero() -> None:
    """Only reachable with threshold 0 (a config forbids it): a flat map's first cell."""
    num, den = engine._axis_sums(np.full((3, 3), 5, dtype=np.int64), 1, 1, True)
    assert (num, den) == (0, 0)
    tracks, n = find(np.zeros((3, 4), dtype=np.int64), 0)
    assert n == 1 and tracks[0] == (0, 0, 0, 0, 0)
    tracks, n = find(np.zeros((3, 4)), 0.0, fixed=False)
    assert n == 1 and tracks[0] == (0, 0, 0.0, 0.0, 0.0)


# ------------------------------------------------------------------------------------------
# capacities, unreached hits, empty input, find(), association
# ------------------------------------------------------------------------------------------
def three_tracks(cfg: RetinaConfig) -> list[list[dict[str, Any]]]:
    """Hits of tracks through cells (2, 0), (2, 4), (2, 7) (tx cell 2, x_ref cells 0, 4, 7):
    an edge, the middle, the other edge."""
    return [[{"layer": l, "x": at_receptor(cfg, l, 2, j)} for l in range(4)] for j in (0, 4, 7)]


@pytest.mark.parametrize("mode", MODES)
def test_hit_capacity_keeps_the_first_max_hits(mode: str) -> None:
    cfg = tiny_config(max_hits=5)
    assert cfg.hit_id_bits == 3
    det = tiny_telescope()
    t0, t1, t2 = three_tracks(cfg)
    hits = [dict(h, hit_id=k) for k, h in enumerate(t1 + t0 + t2)]  # 12 hits: processed t1 + one of t0
    ev = events(det, [hits, hits[:5], hits[:4]])
    out = Retina(cfg).run(ev, mode, keep_maps=True)  # type: ignore[arg-type]
    assert out.n_hits_dropped.tolist() == [7, 0, 0]
    assert out.hit_overflow.tolist() == [True, False, False]
    assert out.maps is not None
    np.testing.assert_array_equal(out.maps[0], out.maps[1])  # only the first 5 hits count
    assert not np.array_equal(out.maps[0], out.maps[2])
    check_against_golden(cfg, ev, out)
    cells = list(zip(out.tracks[0].cell_a.tolist(), out.tracks[0].cell_b.tolist(), strict=True))
    assert (2, 4) in cells and (2, 7) not in cells
    used = set(ak.flatten(out.tracks[0].hit_ids).tolist())
    assert used and max(used) < 5, "dropped hits must not be associated"


@pytest.mark.parametrize("mode", MODES)
def test_track_capacity_keeps_the_first_maxima_in_raster_order(mode: str) -> None:
    cfg = tiny_config(max_tracks=2)
    det = tiny_telescope()
    t0, t1, t2 = three_tracks(cfg)
    ev = events(det, [t2 + t0 + t1, t0 + t1])
    out = Retina(cfg).run(ev, mode, keep_maps=True)  # type: ignore[arg-type]
    assert out.maps is not None
    found = maxima_py(
        out.maps[0], cfg.threshold_hw if mode == "fixed" else cfg.threshold, 0.0 if mode == "fixed" else FLOAT_TIE_REL
    )
    assert len(found) >= 3 and {(2, 0), (2, 4), (2, 7)} <= set(found)
    assert out.n_candidates.tolist()[0] == len(found)
    assert list(zip(out.tracks[0].cell_a.tolist(), out.tracks[0].cell_b.tolist(), strict=True)) == found[:2]
    assert out.track_overflow.tolist() == [True, False]
    assert len(out.tracks[1]) == out.n_candidates[1] == 2
    check_against_golden(cfg, ev, out)


@pytest.mark.parametrize("mode", MODES)
def test_unreached_hits_are_counted(mode: str) -> None:
    cfg = tiny_config()
    # layer 0 receptors span b − 150·a = [−5.75, 5.75] mm; the ROI is 1.5 mm
    far = [{"layer": 0, "x": 9.9}, {"layer": 0, "x": -8.0}, {"layer": 3, "x": 0.0}, {"layer": 0, "x": 7.5}]
    ev = events(tiny_telescope(), [far, far[2:3], far[:1], []])
    out = Retina(cfg).run(ev, mode, keep_maps=True)  # type: ignore[arg-type]
    assert out.n_hits_unreached.tolist() == [3, 0, 1, 0]
    assert out.maps is not None and out.maps[2].sum() == 0
    check_against_golden(cfg, ev, out, maps_only=True)


@pytest.mark.parametrize("mode", MODES)
def test_empty_and_zero_events(mode: str) -> None:
    cfg = tiny_config()
    det = tiny_telescope()
    retina = Retina(cfg)
    out = retina.run(events(det, [[], [], []]), mode, keep_maps=True)  # type: ignore[arg-type]
    assert ak.num(out.tracks, axis=1).tolist() == [0, 0, 0]
    assert out.n_candidates.tolist() == out.n_hits_dropped.tolist() == out.n_hits_unreached.tolist() == [0, 0, 0]
    assert out.maps is not None and out.maps.shape == (3, 4, 8) and not out.maps.any()
    zero = retina.run(events(det, []), mode, keep_maps=True)  # type: ignore[arg-type]
    assert len(zero.tracks) == 0 and zero.n_candidates.shape == (0,)
    assert zero.maps is not None and zero.maps.shape == (0, 4, 8)
    assert len(retina.find(events(det, []), mode)) == 0  # type: ignore[arg-type]
    no_maps = retina.run(events(det, [[]]), mode)  # type: ignore[arg-type]
    assert no_maps.maps is None


def test_find_returns_tracks_aligned_with_events(preset_samples: dict[str, Events]) -> None:
    ev = preset_samples["barrel"]
    retina = Retina(RetinaConfig.for_detector(ev.detector))
    for mode in MODES:
        tracks = retina.find(ev, mode)  # type: ignore[arg-type]
        assert len(tracks) == len(ev)
        assert ak.to_list(tracks) == ak.to_list(retina.run(ev, mode).tracks)  # type: ignore[arg-type]
        assert ak.to_list(retina.find(ev[7:9], mode)) == ak.to_list(tracks[7:9])  # type: ignore[arg-type]
    fields = set(retina.find(ev[:1], "fixed").fields)
    assert {
        "cell_a",
        "cell_b",
        "qoverpt",
        "phi_t",
        "off_a",
        "off_b",
        "off_a_hw",
        "off_b_hw",
        "quality",
        "hit_ids",
    } <= fields
    assert "off_a_hw" not in retina.find(ev[:1], "float").fields


@pytest.mark.parametrize("mode", MODES)
def test_association_by_hand(mode: str) -> None:
    """Track in cell (2, 4): per layer the best hit if its weight reaches assoc_weight = 0.5."""
    cfg = tiny_config()
    t = [{"layer": l, "x": at_receptor(cfg, l, 2, 4), "hit_id": 10 + l} for l in range(4)]
    lut = cfg.tables.lut[1]
    far = int(np.flatnonzero(lut < cfg.assoc_hw)[0])  # first |d| whose weight is below the level
    near = int(np.flatnonzero(lut >= cfg.assoc_hw)[-1])
    rec1 = int(cfg.tables.receptors_hw[1, 0, 2, 4])
    extra = [
        {"layer": 1, "x": (rec1 + near) * 0.1, "hit_id": 20},  # worse than hit 11 on layer 1
        {"layer": 2, "x": t[2]["x"], "hit_id": 21},  # ties hit 12: the first in input order wins
    ]
    hits = [extra[0], t[0], t[1], t[2], extra[1]]  # layer 3 only far below
    hits.append({"layer": 3, "x": (int(cfg.tables.receptors_hw[3, 0, 2, 4]) + far) * 0.1, "hit_id": 30})
    ev = events(tiny_telescope(), [hits])
    out = Retina(cfg).run(ev, mode, keep_maps=True)  # type: ignore[arg-type]
    cells = list(zip(out.tracks[0].cell_a.tolist(), out.tracks[0].cell_b.tolist(), strict=True))
    k = cells.index((2, 4))
    assert out.tracks[0].hit_ids[k].tolist() == [10, 11, 12]  # layer order; 30 below the level
    check_against_golden(cfg, ev, out)


# ------------------------------------------------------------------------------------------
# physics floors (telescope preset, default config and mix)
# ------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def telescope_physics() -> tuple[RetinaConfig, Events, dict[str, RetinaOutput]]:
    det = detector.telescope()
    ev = generate.generate(det, 3000, seed=20260, progress=False)
    cfg = RetinaConfig.for_detector(det)
    retina = Retina(cfg)
    return cfg, ev, {mode: retina.run(ev, mode) for mode in MODES}  # type: ignore[arg-type]


@pytest.mark.parametrize("mode", MODES)
def test_telescope_physics_floors(
    telescope_physics: tuple[RetinaConfig, Events, dict[str, RetinaOutput]], mode: str
) -> None:
    cfg, ev, outs = telescope_physics
    perf = metrics.evaluate(ev, outs[mode].tracks)
    assert perf.n_particles > 5000
    assert perf.efficiency >= 0.99, perf.table()
    assert perf.fake_rate <= 0.02, perf.table()
    res = perf.resolution
    assert cfg.param_names == ("tx", "x_ref_mm")
    assert res["tx"].width68 < 0.3 * cfg.delta_a, perf.table()
    assert res["x_ref_mm"].width68 < 0.3 * cfg.delta_b, perf.table()
    assert abs(res["tx"].mean) < 0.05 * cfg.delta_a and abs(res["x_ref_mm"].mean) < 0.05 * cfg.delta_b


def test_fixed_and_float_find_the_same_cells(
    telescope_physics: tuple[RetinaConfig, Events, dict[str, RetinaOutput]],
) -> None:
    _, _ev, outs = telescope_physics
    fx, fl = outs["fixed"].tracks, outs["float"].tracks
    same = [
        set(zip(a.cell_a.tolist(), a.cell_b.tolist(), strict=True))
        == set(zip(b.cell_a.tolist(), b.cell_b.tolist(), strict=True))
        for a, b in zip(fx, fl, strict=True)
    ]
    assert np.mean(same) >= 0.99
    assert not outs["fixed"].hit_overflow.any() and not outs["fixed"].track_overflow.any()


@pytest.mark.parametrize("algo", ["retina", "hough"])
def test_dropped_hit_counter_saturates_at_its_width(algo: str) -> None:
    """The end-of-event word's counter has drop_count_bits: 2 bits count at most 3."""
    from fasttrack.hough import Hough, HoughConfig

    det = detector.telescope()
    ev = generate.generate(det, 20, seed=3, particles_per_vertex=6.0)
    if algo == "retina":
        cfg: Any = dataclasses.replace(RetinaConfig.for_detector(det), max_hits=10, drop_count_bits=2)
        out: Any = Retina(cfg).run(ev, "fixed")
    else:
        cfg = dataclasses.replace(HoughConfig.for_detector(det), max_hits=10, drop_count_bits=2)
        out = Hough(cfg).run(ev, "fixed")
    true_drops = np.maximum(ev.n_hits - 10, 0)
    assert (true_drops > 3).any()
    np.testing.assert_array_equal(out.n_hits_dropped, np.minimum(true_drops, 3))
    np.testing.assert_array_equal(out.hit_overflow, true_drops > 0)

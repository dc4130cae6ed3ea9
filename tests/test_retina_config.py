"""RetinaConfig (fasttrack.retina.config) and the preset defaults (fasttrack.retina.presets).

Every validation error names its field (and, for a bit width, the smallest width that
works); derived integers (threshold, association level, LUT, receptor tables, LUT shifts)
are recomputed here from their documented definitions; the hash covers every field.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import math
import re
from typing import Any

import numpy as np
import pytest

from fasttrack import detector
from fasttrack.retina import RetinaConfig
from fasttrack.retina.config import lut_shift_for

PRESETS = ("telescope", "barrel", "velo")


@pytest.fixture(scope="module")
def configs() -> dict[str, RetinaConfig]:
    return {name: RetinaConfig.for_detector(detector.preset(name)) for name in PRESETS}


def smallest_signed(lo: int, hi: int) -> int:
    """Smallest two's-complement width holding [lo, hi] (written out, not the config's helper)."""
    return next(w for w in range(1, 64) if -(2 ** (w - 1)) <= lo and hi <= 2 ** (w - 1) - 1)


def raises_on(cfg: RetinaConfig, field: str, match: str, **changes: Any) -> str:
    """The change raises ValueError naming ``field``; returns the message."""
    with pytest.raises(ValueError, match=rf"RetinaConfig\('{cfg.name}'\)\.{field} ") as exc:
        dataclasses.replace(cfg, **changes)
    msg = str(exc.value)
    assert re.search(match, msg), f"{msg!r} does not match {match!r}"
    return msg


# ------------------------------------------------------------------------------------------
# validation: one case per check, each naming its field
# ------------------------------------------------------------------------------------------
def tel() -> RetinaConfig:
    return RetinaConfig.for_detector(detector.telescope())


TELESCOPE_ERRORS: list[tuple[str, str, dict[str, Any]]] = [
    ("H", "needs one row per layer", dict(H=(), c=())),
    ("measurement_names", "1 or 2 measurements", dict(measurement_names=())),
    ("measurement_names", "1 or 2 measurements", dict(measurement_names=("x", "y", "z"))),
    ("H", "layer 0 must have 1 rows of 2", dict(H=(((1.0, 0.0), (0.0, 1.0)), *tel().H[1:]))),
    ("H", "layer 2 must have 1 rows of 2", dict(H=(*tel().H[:2], ((1.0,),), *tel().H[3:]))),
    ("H", "layer 1 does not depend", dict(H=(tel().H[0], ((0.0, 0.0),), *tel().H[2:]))),
    ("c", "needs 8 rows of 1", dict(c=tel().c[:-1])),
    ("c", "needs 8 rows of 1", dict(c=((0.0, 0.0), *tel().c[1:]))),
    ("a_max", "must exceed a_min", dict(a_max=-0.032)),  # = a_min (tx)
    ("a_max", "must exceed a_min", dict(a_min=math.inf)),
    ("b_max", "must exceed b_min", dict(b_max=math.nan)),
    ("n_a", "at least 3 cells", dict(n_a=2)),
    ("n_b", "at least 3 cells", dict(n_b=0)),
    ("sigma", "8 positive values", dict(sigma=(0.3,) * 7)),
    ("sigma", "8 positive values", dict(sigma=(0.3,) * 7 + (0.0,))),
    ("sigma", "8 positive values", dict(sigma=(0.3,) * 7 + (math.inf,))),
    ("coord_lsb", "> 0", dict(coord_lsb=0.0)),
    ("coord_lsb", "> 0", dict(coord_lsb=-0.1)),
    ("roi_hw", "8 non-negative", dict(roi_hw=(10,) * 9)),
    ("roi_hw", "8 non-negative", dict(roi_hw=(10,) * 7 + (-1,))),
    ("weight_bits", "1..16", dict(weight_bits=0)),
    ("weight_bits", "1..16", dict(weight_bits=17)),
    ("lut_size", "power of two", dict(lut_size=100)),
    ("lut_size", "power of two", dict(lut_size=1)),
    ("lut_shift", "8 shifts in 0..40", dict(lut_shift=(0,) * 7)),
    ("lut_shift", "8 shifts in 0..40", dict(lut_shift=(0,) * 7 + (41,))),
    ("lut_shift", "8 shifts in 0..40", dict(lut_shift=(-1,) + (0,) * 7)),
    ("centroid_frac_bits", "0..16", dict(centroid_frac_bits=-1)),
    ("centroid_frac_bits", "0..16", dict(centroid_frac_bits=17)),
    ("threshold", "> 0", dict(threshold=0.0)),
    ("threshold", "> 0", dict(threshold=-1.0)),
    ("threshold", "threshold_hw >= 1", dict(threshold=0.4 / 4096)),  # rounds to 0 LSBs
    ("assoc_weight", r"\[0, 1\]", dict(assoc_weight=-0.01)),
    ("assoc_weight", r"\[0, 1\]", dict(assoc_weight=1.01)),
    ("max_hits", ">= 1", dict(max_hits=0)),
    ("max_tracks", ">= 1", dict(max_tracks=0)),
    ("coord_bits", "<= 62", dict(coord_bits=63)),
    ("acc_bits", "<= 62", dict(acc_bits=64)),
    ("hit_id_bits", "<= 62", dict(hit_id_bits=63)),
    ("helix_radii_mm", "one radius per layer", dict(helix_radii_mm=(100.0,) * 7, helix_k_per_mm_gev=1e-4)),
]


@pytest.mark.parametrize(
    ("field", "match", "changes"), TELESCOPE_ERRORS, ids=[f"{f}-{i}" for i, (f, _, _) in enumerate(TELESCOPE_ERRORS)]
)
def test_validation_names_the_field(field: str, match: str, changes: dict[str, Any]) -> None:
    raises_on(tel(), field, match, **changes)


def test_validation_of_2d_and_rphi_fields(configs: dict[str, RetinaConfig]) -> None:
    velo, barrel = configs["velo"], configs["barrel"]
    raises_on(velo, "H", "separable", H=(((1.0, 0.5), (0.0, 1.0)), *velo.H[1:]))
    raises_on(velo, "H", "separable", H=(((1.0, 0.0), (0.0, 0.0)), *velo.H[1:]))
    raises_on(velo, "bend_window_hw", "1D r-φ model", bend_window_hw=3, bend_lsb=0.1, bend_bits=8)
    raises_on(barrel, "helix_k_per_mm_gev", "curl", helix_k_per_mm_gev=1.0)
    raises_on(barrel, "helix_radii_mm", "one radius per layer", helix_radii_mm=barrel.helix_radii_mm[:-1])
    raises_on(barrel, "bend_lsb", "> 0", bend_lsb=0.0)
    raises_on(barrel, "bend_lsb", "> 0", bend_lsb=math.nan)
    # the bend table must fit bend_bits: say the smallest width that works
    a_hw = np.floor(barrel.a_centres() / barrel.bend_lsb + 0.5).astype(int)
    need = smallest_signed(int(a_hw.min()), int(a_hw.max()))
    msg = raises_on(barrel, "bend_bits", "smallest width", bend_bits=need - 1)
    assert msg.endswith(f"the smallest width that works is {need} (at most 62)")
    dataclasses.replace(barrel, bend_bits=need)
    dataclasses.replace(barrel, bend_bits=0, bend_lsb=0.0, bend_window_hw=-1)  # filter off: fields unused


def test_coord_bits_error_names_the_smallest_width(configs: dict[str, RetinaConfig]) -> None:
    for cfg in configs.values():
        rec = np.floor(cfg.receptors() / cfg.coord_lsb + 0.5).astype(int)
        lo, hi = int(rec.min()), int(rec.max())
        assert cfg.extent_hw is not None
        lo, hi = min(lo, cfg.extent_hw[0]), max(hi, cfg.extent_hw[1])
        need = smallest_signed(lo, hi)
        assert cfg.coord_bits == need, cfg.name  # the presets pick the smallest
        msg = raises_on(cfg, "coord_bits", "smallest width", coord_bits=need - 1)
        assert msg.endswith(f"the smallest width that works is {need}")
        assert f"({lo}, {hi}) LSBs" in msg
    # the layers' extent counts as well as the receptors: 2^15 LSBs needs 17 bits
    cfg = configs["telescope"]
    assert cfg.coord_bits == 15
    raises_on(cfg, "coord_bits", "smallest width that works is 17$", extent_hw=(0, 2**15))
    raises_on(cfg, "coord_bits", "smallest width that works is 16$", extent_hw=(-(2**15), 0))
    dataclasses.replace(cfg, extent_hw=(0, 2**15), coord_bits=17)
    assert dataclasses.replace(cfg, extent_hw=None).coord_bits == 15


@pytest.mark.parametrize(
    ("weight_bits", "threshold", "need"),
    [
        (12, 4.5, 15),  # threshold_hw = 18432 needs 15 bits
        (12, 0.25, 12),  # threshold_hw = 1024 needs 11 bits; a weight needs 12
        (8, 7.99, 11),  # 2045
        (8, 8.0, 12),  # 2048
    ],
)
def test_acc_bits_error_names_the_smallest_width(weight_bits: int, threshold: float, need: int) -> None:
    base = RetinaConfig.for_detector(detector.telescope(), weight_bits=weight_bits, threshold=threshold)
    msg = raises_on(base, "acc_bits", "smallest width", acc_bits=need - 1)
    assert msg.endswith(f"the smallest width that works is {need}")
    assert dataclasses.replace(base, acc_bits=need).acc_max == 2**need - 1


@pytest.mark.parametrize(("max_hits", "need"), [(1, 1), (2, 1), (3, 2), (128, 7), (129, 8), (4096, 12)])
def test_hit_id_bits_error_names_the_smallest_width(max_hits: int, need: int) -> None:
    base = RetinaConfig.for_detector(detector.telescope(), max_hits=max_hits)
    assert base.hit_id_bits == need  # derived: hit ids 0 .. max_hits − 1
    if need > 1:
        msg = raises_on(base, "hit_id_bits", "smallest width", hit_id_bits=need - 1)
        assert msg.endswith(f"the smallest width that works is {need}")
        assert f"cannot number {max_hits} hits" in msg


# ------------------------------------------------------------------------------------------
# derived values
# ------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("weight_bits", "value", "hw"),
    [
        (12, 4.5, 18432),
        (8, 1.5 / 256, 2),
        (8, 2.5 / 256, 3),
        (8, 2.49 / 256, 2),
        (4, 1.0, 16),
        (10, 3.8, 3891),
    ],
)
def test_threshold_hw_rounds_half_up(weight_bits: int, value: float, hw: int) -> None:
    """threshold_hw = floor(threshold·2^weight_bits + ½) (3.8·1024 = 3891.2)."""
    cfg = RetinaConfig.for_detector(detector.telescope(), weight_bits=weight_bits, threshold=value)
    assert cfg.threshold_hw == hw
    assert cfg.weight_one == 2**weight_bits


# (8, 1.0): a full weight is capped at the top LUT entry, 2^W - 1
@pytest.mark.parametrize(("weight_bits", "value", "hw"), [(12, 0.5, 2048), (8, 0.1, 26), (8, 0.0, 0), (8, 1.0, 255)])
def test_assoc_hw(weight_bits: int, value: float, hw: int) -> None:
    cfg = RetinaConfig.for_detector(detector.telescope(), weight_bits=weight_bits, assoc_weight=value)
    assert cfg.assoc_hw == hw


def expected_lut(cfg: RetinaConfig) -> np.ndarray:
    """The documented LUT: floor(exp(−δ²/2σ²)·2^W + ½) capped at 2^W − 1, δ the centre of the
    index's bin of |d| (1D) or d² (2D) in LSBs: k·2^s + (2^s − 1)/2."""
    out = np.zeros((cfg.n_layers, cfg.lut_size), dtype=np.int64)
    for l in range(cfg.n_layers):
        step = 2 ** cfg.lut_shift[l]
        for k in range(cfg.lut_size):
            centre = k * step + (step - 1) / 2
            d2 = (centre * cfg.coord_lsb) ** 2 if cfg.n_meas == 1 else centre * cfg.coord_lsb**2
            out[l, k] = min(
                math.floor(math.exp(-d2 / (2 * cfg.sigma[l] ** 2)) * 2**cfg.weight_bits + 0.5), 2**cfg.weight_bits - 1
            )
    return out


@pytest.mark.parametrize("name", PRESETS)
def test_lut_contents(configs: dict[str, RetinaConfig], name: str) -> None:
    cfg = configs[name]
    lut = cfg.tables.lut
    assert lut.shape == (cfg.n_layers, cfg.lut_size) and lut.dtype == np.int64
    np.testing.assert_array_equal(lut, expected_lut(cfg), strict=True)
    np.testing.assert_array_equal(lut[:, 0], lut.max(axis=1))  # index 0 holds the largest weight
    assert (np.diff(lut, axis=1) <= 0).all(), "weights must not increase with the distance"
    assert lut.min() >= 0 and lut.max() <= 2**cfg.weight_bits - 1
    for l in range(cfg.n_layers):
        if cfg.n_meas == 1 and cfg.lut_shift[l] <= 1:  # δ = 0 or ½ LSB: a full weight, capped
            assert lut[l, 0] == 2**cfg.weight_bits - 1
        # the weight at the ROI edge is about exp(−roi_sigmas²/2) of a full weight
        r = cfg.roi_hw[l]
        idx = min((r if cfg.n_meas == 1 else r * r) >> cfg.lut_shift[l], cfg.lut_size - 1)
        edge = math.exp(-((r * cfg.coord_lsb) ** 2) / (2 * cfg.sigma[l] ** 2)) * 2**cfg.weight_bits
        assert abs(lut[l, idx] - edge) <= 0.02 * 2**cfg.weight_bits


def test_lut_follows_sigma_and_weight_bits() -> None:
    cfg = RetinaConfig.for_detector(detector.telescope(), sigma=0.2, weight_bits=6, lut_size=64)
    np.testing.assert_array_equal(cfg.tables.lut, expected_lut(cfg))
    assert cfg.tables.lut[0, 0] == 63
    planted = expected_lut(cfg)
    planted[3, 5] += 1
    assert not np.array_equal(cfg.tables.lut, planted)


@pytest.mark.parametrize("name", PRESETS)
def test_lut_shift_covers_the_roi(configs: dict[str, RetinaConfig], name: str) -> None:
    """The smallest shift that maps the whole ROI into the LUT (|d| or d² at the cut)."""
    cfg = configs[name]
    for l in range(cfg.n_layers):
        top = cfg.roi_hw[l] if cfg.n_meas == 1 else cfg.roi_hw[l] ** 2
        s = cfg.lut_shift[l]
        assert top >> s <= cfg.lut_size - 1
        assert s == 0 or top >> (s - 1) > cfg.lut_size - 1
        assert s == lut_shift_for(cfg.roi_hw[l], cfg.lut_size, cfg.n_meas == 2)


@pytest.mark.parametrize(
    ("roi", "size", "two_d", "shift"),
    [
        (0, 64, False, 0),
        (63, 64, False, 0),
        (64, 64, False, 1),
        (127, 64, False, 1),
        (128, 64, False, 2),
        (7, 64, True, 0),
        (8, 64, True, 1),
        (10, 16, True, 3),
        (163, 64, True, 9),
    ],
)
def test_lut_shift_for(roi: int, size: int, two_d: bool, shift: int) -> None:
    assert lut_shift_for(roi, size, two_d) == shift


def model_receptors(cfg: RetinaConfig, det: detector.Detector) -> np.ndarray:
    """Receptors from the detector geometry, written out per model (not through H and c)."""
    a = cfg.a_min + (np.arange(cfg.n_a) + 0.5) * (cfg.a_max - cfg.a_min) / cfg.n_a
    b = cfg.b_min + (np.arange(cfg.n_b) + 0.5) * (cfg.b_max - cfg.b_min) / cfg.n_b
    A, B = np.meshgrid(a, b, indexing="ij")
    pos = det.positions_mm()
    if det.kind == "cylinder":  # exact helix from the origin
        k = 0.5 * 0.3e-3 * det.bz_tesla
        return np.stack([[B - np.arcsin(k * r * A) + np.arcsin(k * det.reference_r_mm * A)] for r in pos])
    if det.measures_y:  # straight from the origin: x = u·z/z_ref, y = v·z/z_ref
        return np.stack([[A * z / det.reference_z_mm, B * z / det.reference_z_mm] for z in pos])
    return np.stack([[A * (z - det.reference_z_mm) + B] for z in pos])  # x = tx·(z − z_ref) + x_ref


@pytest.mark.parametrize("name", PRESETS)
def test_receptor_tables(configs: dict[str, RetinaConfig], name: str) -> None:
    cfg = configs[name]
    det = detector.preset(name)
    rec = cfg.receptors()
    assert rec.shape == (cfg.n_layers, cfg.n_meas, cfg.n_a, cfg.n_b)
    scale = np.abs(rec).max()
    np.testing.assert_allclose(rec, model_receptors(cfg, det), rtol=0, atol=1e-12 * scale)
    hw = cfg.tables.receptors_hw
    assert hw.dtype == np.int64
    np.testing.assert_array_equal(hw, np.floor(rec / cfg.coord_lsb + 0.5).astype(np.int64), strict=True)
    assert hw.min() >= -(2 ** (cfg.coord_bits - 1)) and hw.max() <= 2 ** (cfg.coord_bits - 1) - 1


def test_quantize_coord_rounds_half_up() -> None:
    cfg = RetinaConfig.for_detector(detector.telescope(), coord_lsb=0.5)
    got = cfg.quantize_coord(np.array([0.0, 0.25, 0.2499, -0.25, -0.2501, 1.0, -1.0]))
    assert got.tolist() == [0, 1, 0, 0, -1, 2, -2]


# ------------------------------------------------------------------------------------------
# hash, dict round trip
# ------------------------------------------------------------------------------------------
def test_config_hash_is_the_documented_digest(configs: dict[str, RetinaConfig]) -> None:
    for name, cfg in configs.items():
        h = cfg.config_hash()
        assert re.fullmatch(r"[0-9a-f]{16}", h)
        assert h == RetinaConfig.for_detector(detector.preset(name)).config_hash()  # stable
        text = json.dumps(cfg.to_dict(), sort_keys=True, default=float)
        assert h == hashlib.sha256(text.encode()).hexdigest()[:16]
    assert len({c.config_hash() for c in configs.values()}) == len(configs)


def test_config_round_trips_through_its_dict(configs: dict[str, RetinaConfig]) -> None:
    for cfg in configs.values():
        d = cfg.to_dict()
        assert "description" not in d
        back = RetinaConfig(**d)
        assert back == cfg and back.config_hash() == cfg.config_hash()
        json.dumps(d)  # JSON-safe


def changed_value(cfg: RetinaConfig, name: str) -> Any:
    """A valid different value for field ``name``."""
    v = getattr(cfg, name)
    first = {  # tuples per layer: change layer 0
        "H": (((v[0][0][0] * 1.001, v[0][0][1]),),) if name == "H" else None,
        "c": ((0.0001,),),
        "sigma": (v[0] * 1.01,) if name == "sigma" else None,
        "roi_hw": (v[0] - 1,) if name == "roi_hw" else None,
        "lut_shift": (v[0] + 1,) if name == "lut_shift" else None,
        "helix_radii_mm": (v[0] + 1.0,) if name == "helix_radii_mm" else None,
    }
    if name in first:
        return first[name] + v[1:]
    other: dict[str, Any] = {
        "name": "other",
        "param_names": ("p_a", "p_b"),
        "measurement_names": ("phi2",),
        "extent_hw": None,
        "lut_size": 2 * cfg.lut_size,
        "weight_bits": cfg.weight_bits - 1,
        "max_hits": cfg.max_hits - 1,
    }
    if name in other:
        return other[name]
    if isinstance(v, float):
        return v + abs(v) * 1e-9 if v else 1.0
    assert isinstance(v, int), name
    return v + 1


def test_config_hash_changes_with_every_field(configs: dict[str, RetinaConfig]) -> None:
    cfg = configs["barrel"]  # the preset that sets every field
    h = cfg.config_hash()
    fields = [f.name for f in dataclasses.fields(cfg)]
    for name in fields:
        if name == "description":
            other = dataclasses.replace(cfg, description="something else")
            assert other.config_hash() == h and other == cfg  # free text: neither hash nor equality
            continue
        if name == "phi_wrap":  # on, it needs a grid of one turn: tests/test_azimuth.py checks its hash
            continue
        other = dataclasses.replace(cfg, **{name: changed_value(cfg, name)})
        assert other != cfg
        assert other.config_hash() != h, f"the hash ignores {name}"
    assert {"n_a", "coord_bits", "roi_hw", "lut_shift", "bend_window_hw", "max_tracks"} <= set(fields)


# ------------------------------------------------------------------------------------------
# presets and overrides
# ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", PRESETS)
def test_for_detector_builds_each_preset(configs: dict[str, RetinaConfig], name: str) -> None:
    cfg = configs[name]
    det = detector.preset(name)
    from fasttrack.trackmodel import for_detector

    model = for_detector(det)
    assert cfg.name == name
    assert cfg.n_layers == det.n_layers and cfg.n_meas == model.n_meas
    assert cfg.param_names == model.param_names and cfg.measurement_names == model.measurement_names
    np.testing.assert_array_equal(cfg.H_array(), model.H)
    assert cfg.hit_id_bits == max(1, (cfg.max_hits - 1).bit_length())
    # derived accumulator width: the threshold and twice a full weight per layer
    assert cfg.acc_bits == max(cfg.threshold_hw, 2 * cfg.n_layers * (cfg.weight_one - 1)).bit_length()
    assert cfg.roi_hw == tuple(math.floor(3.0 * s / cfg.coord_lsb) for s in cfg.sigma)
    assert cfg.tables.receptors_hw.shape == (cfg.n_layers, cfg.n_meas, cfg.n_a, cfg.n_b)
    assert cfg.description


@pytest.mark.filterwarnings("ignore::fasttrack.configcheck.ConfigWarning")  # deliberately odd grids
def test_overrides() -> None:
    det = detector.telescope()
    base = RetinaConfig.for_detector(det)
    cfg = RetinaConfig.for_detector(det, n_a=10, n_b=20, threshold=3.0, max_tracks=5)
    assert (cfg.n_a, cfg.n_b, cfg.threshold, cfg.max_tracks) == (10, 20, 3.0, 5)
    assert cfg.tables.receptors_hw.shape[2:] == (10, 20)
    # σ: one value for all layers or one per layer; the ROI follows (roi_sigmas·σ in LSBs)
    one = RetinaConfig.for_detector(det, sigma=0.5)
    assert one.sigma == (0.5,) * 8 and one.roi_hw == (math.floor(1.5 / one.coord_lsb),) * 8
    per = RetinaConfig.for_detector(det, sigma=[0.1 * (k + 1) for k in range(8)], roi_sigmas=2.0)
    assert per.sigma[3] == pytest.approx(0.4) and per.roi_hw[3] == math.floor(2.0 * per.sigma[3] / per.coord_lsb)
    # explicit ROI and shifts are kept
    roi = RetinaConfig.for_detector(det, roi_hw=(50,) * 8, lut_shift=(2,) * 8)
    assert roi.roi_hw == (50,) * 8 and roi.lut_shift == (2,) * 8
    # derived widths follow the fields they depend on unless given
    assert RetinaConfig.for_detector(det, max_hits=1000).hit_id_bits == 10
    assert RetinaConfig.for_detector(det, hit_id_bits=12).hit_id_bits == 12
    assert RetinaConfig.for_detector(det, weight_bits=8).acc_bits == (2 * 8 * 255).bit_length()
    assert RetinaConfig.for_detector(det, acc_bits=20).acc_bits == 20
    assert RetinaConfig.for_detector(det, coord_bits=20).coord_bits == 20
    assert RetinaConfig.for_detector(det, coord_lsb=base.coord_lsb * 4).coord_bits == base.coord_bits - 2
    with pytest.raises(ValueError, match=r"\.coord_bits .* smallest width that works is 15"):
        RetinaConfig.for_detector(det, coord_bits=14)
    with pytest.raises(TypeError):
        RetinaConfig.for_detector(det, n_cells_a=3)  # a typo is not silently ignored


def test_config_is_frozen(configs: dict[str, RetinaConfig]) -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        configs["telescope"].n_a = 3  # type: ignore[misc]

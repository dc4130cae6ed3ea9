"""HoughConfig (fasttrack.hough.config) and the preset defaults (fasttrack.hough.presets).

Every validation error names its field (and, for a bit width, the smallest width that
works); derived values (bin width, b range, b_min in LSBs, the column-edge shift table, the
columns' bend values) are recomputed here from their documented definitions and the
detector geometry (the exact helix through :func:`fasttrack.trackmodel.helix_phi_at_radius`);
the hash covers every field.
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

from fasttrack import detector, trackmodel
from fasttrack.detector import BARREL_SECTOR_HALF_WIDTH
from fasttrack.hough import HoughConfig

PRESETS = ("barrel", "telescope")


@pytest.fixture(scope="module")
def configs() -> dict[str, HoughConfig]:
    return {name: HoughConfig.for_detector(detector.preset(name)) for name in PRESETS}


def tel() -> HoughConfig:
    return HoughConfig.for_detector(detector.telescope())


def bar() -> HoughConfig:
    return HoughConfig.for_detector(detector.barrel())


def smallest_signed(lo: int, hi: int) -> int:
    """Smallest two's-complement width holding [lo, hi] (written out, not the config's helper)."""
    return next(w for w in range(1, 64) if -(2 ** (w - 1)) <= lo and hi <= 2 ** (w - 1) - 1)


def raises_on(cfg: HoughConfig, field: str, match: str, **changes: Any) -> str:
    """The change raises ValueError naming ``field`` first; returns the message."""
    with pytest.raises(ValueError, match=rf"^HoughConfig\('{cfg.name}'\)\.{field} ") as exc:
        dataclasses.replace(cfg, **changes)
    msg = str(exc.value)
    assert re.search(match, msg), f"{msg!r} does not match {match!r}"
    return msg


def geometry_shifts(cfg: HoughConfig, det: detector.Detector, a: np.ndarray) -> np.ndarray:
    """s_l(a) = m − b from the detector, (n_layers, len(a)): barrel, the exact helix from
    the origin, φ(r_l) − φ(r_T); telescope, x(z_l) − x(z_ref) = (z_l − z_ref)·tx."""
    pos = det.positions_mm()
    if det.kind == "cylinder":
        at = trackmodel.helix_phi_at_radius
        return np.stack([at(0.0, a, r, det.bz_tesla) - at(0.0, a, det.reference_r_mm, det.bz_tesla) for r in pos])
    return np.stack([(z - det.reference_z_mm) * a for z in pos])


def coord_range(cfg: HoughConfig) -> tuple[int, int]:
    """What coord_bits must hold, as its error message says: the coordinates (the b range
    of the array and the layers' extent) and the line ends b = m − s over the shift table."""
    lo = min(cfg.b_min_hw, cfg.extent_hw[0] if cfg.extent_hw else cfg.b_min_hw)
    hi = cfg.b_min_hw + cfg.n_b * 2**cfg.bin_shift
    hi = max(hi, cfg.extent_hw[1] if cfg.extent_hw else hi)
    s = cfg.tables.shift_hw
    return min(lo, lo - int(s.max())), max(hi, hi - int(s.min()))


# ------------------------------------------------------------------------------------------
# validation: one case per check, each naming its field
# ------------------------------------------------------------------------------------------
TELESCOPE_ERRORS: list[tuple[str, str, dict[str, Any]]] = [
    ("slopes", "one value per layer", dict(slopes=(), offsets=())),
    ("offsets", r"one value per layer \(8, as slopes\); got 7", dict(offsets=(0.0,) * 7)),
    ("offsets", r"got 9", dict(offsets=(0.0,) * 9)),
    ("slopes", "has 33 layers; layer masks hold at most 32", dict(slopes=(1.0,) * 33, offsets=(0.0,) * 33)),
    ("a_max", "must exceed a_min", dict(a_max=-0.032)),
    ("a_max", "must exceed a_min", dict(a_max=-0.04)),
    ("a_max", "must exceed a_min", dict(a_min=math.nan)),
    ("a_max", "must exceed a_min", dict(a_max=math.inf)),
    ("n_a", r">= 1 \(got 0\)", dict(n_a=0)),
    ("n_b", r">= 1 \(got 0\)", dict(n_b=0)),
    ("n_b", r">= 1 \(got -3\)", dict(n_b=-3)),
    ("coord_lsb", "> 0", dict(coord_lsb=0.0)),
    ("coord_lsb", "> 0", dict(coord_lsb=-0.01)),
    ("coord_lsb", "> 0", dict(coord_lsb=math.nan)),
    ("bin_shift", "0..30", dict(bin_shift=-1)),
    ("bin_shift", "0..30", dict(bin_shift=31)),
    ("b_min", "finite", dict(b_min=math.nan)),
    ("b_min", "finite", dict(b_min=-math.inf)),
    ("max_bins_per_column", ">= 1", dict(max_bins_per_column=0)),
    ("min_layers", r"1\.\.8", dict(min_layers=0)),
    ("min_layers", r"1\.\.8", dict(min_layers=9)),
    ("max_hits_per_cell", r">= 1 \(got 0\)", dict(max_hits_per_cell=0)),
    ("max_hits", r">= 1 \(got 0\)", dict(max_hits=0)),
    ("max_tracks", r">= 1 \(got 0\)", dict(max_tracks=0)),
    ("duplicate_rule", "must be 'none', 'localmax' or 'sharing', got 'best'", dict(duplicate_rule="best")),
    ("dup_min_shared", ">= 1", dict(dup_min_shared=0)),
    ("bin_shift", ">= 1 with the mini-Hough", dict(bin_shift=0, n_b=160 * 128)),
    ("coord_bits", "<= 62|smallest width", dict(coord_bits=63)),
    ("hit_id_bits", "smallest width", dict(hit_id_bits=33)),
]


@pytest.mark.parametrize(
    ("field", "match", "changes"), TELESCOPE_ERRORS, ids=[f"{f}-{i}" for i, (f, _, _) in enumerate(TELESCOPE_ERRORS)]
)
def test_validation_names_the_field(field: str, match: str, changes: dict[str, Any]) -> None:
    raises_on(tel(), field, match, **changes)


def test_b_min_must_be_a_multiple_of_the_lsb_and_the_message_offers_one() -> None:
    cfg = tel()
    bad = cfg.b_min + 0.3 * cfg.coord_lsb
    msg = raises_on(cfg, "b_min", "must be a multiple of coord_lsb", b_min=bad)
    suggested = float(re.search(r"e\.g\. (\S+)$", msg).group(1))  # type: ignore[union-attr]
    assert suggested == pytest.approx(cfg.b_min, abs=1e-12)
    dataclasses.replace(cfg, b_min=suggested)  # the suggestion is accepted
    dataclasses.replace(cfg, b_min=cfg.b_min + 5 * cfg.coord_lsb)  # any multiple is
    # the mini-Hough's half bins need bin_shift >= 1; without it, bin_shift 0 is fine
    dataclasses.replace(cfg, bin_shift=0, n_b=160 * 128, mini_hough=False)


def test_validation_of_the_rphi_fields() -> None:
    cfg = bar()
    raises_on(cfg, "helix_radii_mm", "one radius per layer", helix_radii_mm=cfg.helix_radii_mm[:-1])
    # k·r·q/pT must stay below 1 at the array's edge (the asin); 1 T·m·GeV scales it far beyond
    msg = raises_on(cfg, "helix_k_per_mm_gev", "narrow a_min/a_max", helix_k_per_mm_gev=1.0)
    assert "k·r·q/pT = 360" in msg  # 1 × 1/3 × 1080 mm
    raises_on(cfg, "helix_k_per_mm_gev", "narrow", a_min=-3.0, a_max=3.0, helix_k_per_mm_gev=0.5e-3)
    raises_on(cfg, "bend_lsb", "> 0 when the bend filter is on", bend_lsb=0.0)
    raises_on(cfg, "bend_lsb", "> 0", bend_lsb=math.nan)
    dataclasses.replace(cfg, bend_window_hw=-1, bend_lsb=0.0, bend_bits=0)  # filter off: fields unused
    dataclasses.replace(cfg, bend_window_hw=0)  # a window of 0 LSBs is a valid filter


def test_bend_bits_error_names_the_smallest_width() -> None:
    """The bend field must hold the columns' q/pT in bend LSBs, up to the array's edges
    (|q/pT| = 1/3 /GeV = 42.7 LSBs of 2^-7 -> 43: 7 bits)."""
    cfg = bar()
    top = max(abs(math.floor(a / cfg.bend_lsb + 0.5)) for a in (cfg.a_min, cfg.a_max))
    assert top == 43
    need = smallest_signed(-top, top)
    assert need == 7 and cfg.bend_bits == 8
    msg = raises_on(cfg, "bend_bits", "cannot hold the columns' q/pT", bend_bits=need - 1)
    assert msg.endswith(f"({top} LSBs); the smallest width that works is {need}")
    raises_on(cfg, "bend_bits", f"smallest width that works is {need}$", bend_bits=33)
    dataclasses.replace(cfg, bend_bits=need)
    finer = dataclasses.replace(cfg, bend_lsb=2.0**-9, bend_bits=9)  # 171 LSBs: 9 bits
    raises_on(finer, "bend_bits", "smallest width that works is 9$", bend_bits=8)


@pytest.mark.parametrize("name", PRESETS)
def test_coord_bits_error_names_the_smallest_width(configs: dict[str, HoughConfig], name: str) -> None:
    cfg = configs[name]
    lo, hi = coord_range(cfg)
    need = smallest_signed(lo, hi)
    assert cfg.coord_bits == need == 15  # the presets pick the smallest
    msg = raises_on(cfg, "coord_bits", "smallest width", coord_bits=need - 1)
    assert msg.endswith(f"({lo}..{hi} LSBs); the smallest width that works is {need}")
    dataclasses.replace(cfg, coord_bits=need + 3)
    # a wider extent needs more bits: 2^15 LSBs of extent + the largest shift
    wide = dataclasses.replace(cfg, extent_hw=(0, 2**15), coord_bits=17)
    raises_on(wide, "coord_bits", "smallest width that works is 17$", coord_bits=16)
    assert coord_range(wide)[1] == 2**15 - int(cfg.tables.shift_hw.min())


def test_coord_bits_by_hand_on_a_small_config() -> None:
    """slopes ±150, ±50 mm over tx in ±0.016: shifts up to ±24 LSBs of 0.1 mm; b from −32
    to +32 LSBs, extent ±100 -> line ends −124..124: 8 bits."""
    base: dict[str, Any] = dict(
        name="tiny",
        param_names=("tx", "x_ref_mm"),
        measurement_name="x",
        slopes=(-150.0, -50.0, 50.0, 150.0),
        offsets=(0.0,) * 4,
        a_min=-0.016,
        a_max=0.016,
        n_a=4,
        b_min=-3.2,
        n_b=8,
        coord_lsb=0.1,
        coord_bits=8,
        bin_shift=3,
        min_layers=3,
        max_hits=16,
        hit_id_bits=4,
        extent_hw=(-100, 100),
    )
    cfg = HoughConfig(**base)
    assert coord_range(cfg) == (-124, 124)
    with pytest.raises(ValueError, match=r"\.coord_bits = 7 cannot hold .* \(-124\.\.124 LSBs\); .* is 8$"):
        HoughConfig(**dict(base, coord_bits=7))
    # without an extent the array's b range counts: −32..32, ends −56..56: 7 bits
    assert HoughConfig(**dict(base, extent_hw=None, coord_bits=7)).coord_bits == 7
    with pytest.raises(ValueError, match=r"\(-56\.\.56 LSBs\); the smallest width that works is 7$"):
        HoughConfig(**dict(base, extent_hw=None, coord_bits=6))
    with pytest.raises(
        ValueError, match=r"\.hit_id_bits = 3 cannot number 16 hits; the smallest width that works is 4"
    ):
        HoughConfig(**dict(base, hit_id_bits=3))


@pytest.mark.parametrize(("max_hits", "need"), [(1, 1), (2, 1), (3, 2), (128, 7), (129, 8), (4096, 12)])
def test_hit_id_bits_error_names_the_smallest_width(max_hits: int, need: int) -> None:
    base = HoughConfig.for_detector(detector.telescope(), max_hits=max_hits)
    assert base.hit_id_bits == need  # derived: hit ids 0 .. max_hits − 1
    if need > 1:
        msg = raises_on(base, "hit_id_bits", "smallest width", hit_id_bits=need - 1)
        assert msg.endswith(f"cannot number {max_hits} hits; the smallest width that works is {need}")


# ------------------------------------------------------------------------------------------
# derived values
# ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", PRESETS)
def test_derived_bins_and_columns(configs: dict[str, HoughConfig], name: str) -> None:
    cfg = configs[name]
    assert cfg.bin_width_hw == 2**cfg.bin_shift
    assert cfg.delta_b == 2**cfg.bin_shift * cfg.coord_lsb
    assert cfg.b_max == pytest.approx(cfg.b_min + cfg.n_b * 2**cfg.bin_shift * cfg.coord_lsb, rel=1e-15)
    assert cfg.b_min_hw == round(cfg.b_min / cfg.coord_lsb) and isinstance(cfg.b_min_hw, int)
    assert cfg.b_min_hw * cfg.coord_lsb == pytest.approx(cfg.b_min, rel=1e-12)
    assert cfg.delta_a == pytest.approx((cfg.a_max - cfg.a_min) / cfg.n_a, rel=1e-15)
    np.testing.assert_allclose(cfg.a_edges(), np.linspace(cfg.a_min, cfg.a_max, cfg.n_a + 1), rtol=0, atol=1e-15)
    np.testing.assert_allclose(cfg.a_centres(), 0.5 * (cfg.a_edges()[1:] + cfg.a_edges()[:-1]), rtol=0, atol=1e-15)
    b_edges = np.linspace(cfg.b_min, cfg.b_max, cfg.n_b + 1)
    np.testing.assert_allclose(cfg.b_centres(), 0.5 * (b_edges[1:] + b_edges[:-1]), rtol=0, atol=1e-12)
    assert cfg.n_layers == detector.preset(name).n_layers


def test_preset_arrays(configs: dict[str, HoughConfig]) -> None:
    """barrel: 64 bins of 2^8 LSBs span the sector, ±π/18; telescope: 160 bins of 2^7 LSBs
    of pitch/32, ±58.56 mm."""
    b, t = configs["barrel"], configs["telescope"]
    assert (b.n_a, b.n_b, b.bin_shift) == (32, 64, 8)
    assert b.b_min == pytest.approx(-BARREL_SECTOR_HALF_WIDTH, rel=1e-14)
    assert b.b_max == pytest.approx(BARREL_SECTOR_HALF_WIDTH, rel=1e-14)
    assert b.b_min_hw == -32 * 256 and b.coord_lsb == pytest.approx(2 * math.pi / 18 / 64 / 256, rel=1e-15)
    assert (b.a_min, b.a_max) == (-1 / 3, 1 / 3)
    assert (t.n_a, t.n_b, t.bin_shift, t.b_min_hw) == (32, 160, 7, -80 * 128)
    assert t.coord_lsb == pytest.approx(0.183 / 32, rel=1e-15)
    assert (t.b_min, t.b_max) == (pytest.approx(-58.56, rel=1e-12), pytest.approx(58.56, rel=1e-12))


@pytest.mark.parametrize("name", PRESETS)
def test_shift_table_is_the_quantized_geometry(configs: dict[str, HoughConfig], name: str) -> None:
    """shift_hw[l][e] = floor(s_l(a_e)/LSB + ½), s_l from the detector (exact helix for the
    barrel, checked against trackmodel.helix_phi_at_radius)."""
    cfg = configs[name]
    det = detector.preset(name)
    edges = cfg.a_edges()
    s = geometry_shifts(cfg, det, edges)
    np.testing.assert_allclose(cfg.shifts(edges), s, rtol=1e-12, atol=1e-15)
    sh = cfg.tables.shift_hw
    assert sh.shape == (cfg.n_layers, cfg.n_a + 1) and sh.dtype == np.int64
    np.testing.assert_array_equal(sh, np.floor(s / cfg.coord_lsb + 0.5).astype(np.int64), strict=True)
    np.testing.assert_array_equal(sh, cfg.quantize_coord(cfg.shifts(edges)))
    # the line b = m − s passes through the track: a track's hit on layer l is m = b + s_l(a)
    a = np.array([0.3 * cfg.a_min, 0.0, 0.7 * cfg.a_max])
    if det.kind == "cylinder":
        phi0 = 0.02
        b = trackmodel.helix_phi_at_radius(phi0, a, det.reference_r_mm, det.bz_tesla)
        m = np.stack([trackmodel.helix_phi_at_radius(phi0, a, r, det.bz_tesla) for r in det.positions_mm()])
        np.testing.assert_allclose(m - b[None, :], cfg.shifts(a), rtol=1e-12, atol=1e-15)
        assert sh[:, cfg.n_a // 2].tolist() == [0] * cfg.n_layers  # a = 0 at the middle edge: straight
        # the reference layer of the small-angle model would have no shift; the exact helix
        # has none at r = r_T either: layers closer to r_T shift less
        order = np.argsort(np.abs(det.positions_mm() - det.reference_r_mm))
        assert np.all(np.diff(np.abs(sh[order, 0])) >= 0)
    else:
        assert sh[:, 0].tolist() == [round((z - 350.0) * -0.032 / cfg.coord_lsb) for z in det.positions_mm()]


def test_barrel_without_helix_radii_uses_the_linear_model(configs: dict[str, HoughConfig]) -> None:
    cfg = configs["barrel"]
    det = detector.barrel()
    lin = dataclasses.replace(cfg, helix_radii_mm=(), helix_ref_radius_mm=0.0, helix_k_per_mm_gev=0.0)
    edges = cfg.a_edges()
    k = 0.5 * 0.3e-3 * det.bz_tesla
    want = np.stack([-k * (r - det.reference_r_mm) * edges for r in det.positions_mm()])
    np.testing.assert_allclose(lin.shifts(edges), want, rtol=1e-12, atol=1e-18)
    np.testing.assert_array_equal(lin.tables.shift_hw, np.floor(want / cfg.coord_lsb + 0.5).astype(np.int64))
    # the small-angle form differs from the exact helix by up to a few LSBs at the edges
    diff = np.abs(lin.tables.shift_hw - cfg.tables.shift_hw)
    assert 0 < diff.max() < 2**cfg.bin_shift
    assert lin.config_hash() != cfg.config_hash()


def test_bend_tables_and_quantization(configs: dict[str, HoughConfig]) -> None:
    cfg = configs["barrel"]
    want = np.floor(cfg.a_centres() / cfg.bend_lsb + 0.5).astype(np.int64)
    np.testing.assert_array_equal(cfg.tables.a_bend_hw, want, strict=True)
    np.testing.assert_array_equal(cfg.a_bend_hw(), want)
    assert cfg.tables.a_bend_hw[0] == -41 and cfg.tables.a_bend_hw[-1] == 41
    lsb = cfg.bend_lsb
    got = cfg.quantize_bend(np.array([0.0, 0.5 * lsb, 0.49 * lsb, -0.5 * lsb, -0.51 * lsb, 127 * lsb, 1e3, -1e3]))
    assert got.tolist() == [0, 1, 0, 0, -1, 127, 127, -128]  # half up, saturated to 8 bits
    tel_cfg = configs["telescope"]
    assert not tel_cfg.bend_filter and tel_cfg.tables.a_bend_hw.tolist() == [0] * tel_cfg.n_a
    assert tel_cfg.quantize_bend(np.array([0.3, -2.0])).tolist() == [0, 0]


@pytest.mark.filterwarnings("ignore::fasttrack.configcheck.ConfigWarning")  # deliberately odd grids
def test_quantize_coord_rounds_half_up() -> None:
    cfg = HoughConfig.for_detector(detector.telescope(), coord_lsb=0.5, b_min=-40.0)
    got = cfg.quantize_coord(np.array([0.0, 0.25, 0.2499, -0.25, -0.2501, 1.0, -1.0]))
    assert got.tolist() == [0, 1, 0, 0, -1, 2, -2]


# ------------------------------------------------------------------------------------------
# hash, dict round trip
# ------------------------------------------------------------------------------------------
def test_config_hash_is_the_documented_digest(configs: dict[str, HoughConfig]) -> None:
    for name, cfg in configs.items():
        h = cfg.config_hash()
        assert re.fullmatch(r"[0-9a-f]{16}", h)
        assert h == HoughConfig.for_detector(detector.preset(name)).config_hash()  # stable
        text = json.dumps(cfg.to_dict(), sort_keys=True, default=float)
        assert h == hashlib.sha256(text.encode()).hexdigest()[:16]
    assert len({c.config_hash() for c in configs.values()}) == len(configs)


def test_config_round_trips_through_its_dict(configs: dict[str, HoughConfig]) -> None:
    for cfg in configs.values():
        d = cfg.to_dict()
        assert "description" not in d
        back = HoughConfig(**d)
        assert back == cfg and back.config_hash() == cfg.config_hash()
        np.testing.assert_array_equal(back.tables.shift_hw, cfg.tables.shift_hw)
        json.dumps(d)  # JSON-safe


def changed_value(cfg: HoughConfig, name: str) -> Any:
    """A valid different value for field ``name`` of the barrel preset."""
    v = getattr(cfg, name)
    per_layer = {"slopes", "offsets", "helix_radii_mm"}
    if name in per_layer:
        return (v[0] + 1e-6 * (abs(v[0]) or 1.0), *v[1:])
    other: dict[str, Any] = {
        "name": "other",
        "param_names": ("p_a", "p_b"),
        "measurement_name": "phi2",
        "extent_hw": None,
        "duplicate_rule": "localmax",
        "mini_hough": False,
        "b_min": cfg.b_min + cfg.coord_lsb,
        "coord_lsb": cfg.coord_lsb * (1 + 1e-11),  # b_min stays a multiple (to 1e-6 LSB)
        "a_min": cfg.a_min * (1 - 1e-9),
        "max_hits": cfg.max_hits - 1,
        "bin_shift": cfg.bin_shift - 1,
        "hit_id_bits": cfg.hit_id_bits + 1,
        "min_layers": cfg.min_layers - 1,
    }
    if name in other:
        return other[name]
    if isinstance(v, float):
        return v * (1 + 1e-9) if v else 1.0
    assert isinstance(v, int) and not isinstance(v, bool), name
    return v + 1


def test_config_hash_changes_with_every_field(configs: dict[str, HoughConfig]) -> None:
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
        assert other != cfg, name
        assert other.config_hash() != h, f"the hash ignores {name}"
    assert {"n_a", "coord_bits", "bin_shift", "max_bins_per_column", "bend_window_hw", "dup_min_shared"} <= set(fields)


# ------------------------------------------------------------------------------------------
# presets and overrides
# ------------------------------------------------------------------------------------------
def test_for_detector_barrel(configs: dict[str, HoughConfig]) -> None:
    """CMS TMTT-like: 32 × 64 in (q/pT, φ_T at r_T), >= 5 of 6 layers, 2 bins per column,
    32 stubs per cell, bend filter, mini-Hough, duplicate removal by 3 shared stubs."""
    cfg = configs["barrel"]
    det = detector.barrel()
    model = trackmodel.for_detector(det)
    assert cfg.name == "barrel" and cfg.param_names == ("qoverpt", "phi_t") and cfg.measurement_name == "phi"
    np.testing.assert_array_equal(cfg.slopes, model.H[:, 0, 0])
    assert cfg.offsets == (0.0,) * 6
    assert (cfg.min_layers, cfg.max_bins_per_column, cfg.max_hits_per_cell, cfg.max_hits, cfg.max_tracks) == (
        5,
        2,
        32,
        128,
        64,
    )
    assert (cfg.duplicate_rule, cfg.dup_min_shared, cfg.mini_hough) == ("sharing", 3, True)
    assert cfg.helix_radii_mm == tuple(det.positions_mm()) and cfg.helix_ref_radius_mm == 672.4
    assert cfg.helix_k_per_mm_gev == pytest.approx(0.5 * 0.3e-3 * 3.8, rel=1e-15)
    assert (cfg.bend_window_hw, cfg.bend_lsb, cfg.bend_bits) == (32, 2.0**-7, 8) and cfg.bend_filter
    assert cfg.hit_id_bits == 7
    lay = det.layers[0]
    assert cfg.extent_hw == (
        math.floor(lay.phi_min / cfg.coord_lsb + 0.5),  # type: ignore[union-attr]
        math.floor(lay.phi_max / cfg.coord_lsb + 0.5),  # type: ignore[union-attr]
    )
    assert cfg.description


def test_for_detector_telescope(configs: dict[str, HoughConfig]) -> None:
    cfg = configs["telescope"]
    det = detector.telescope()
    assert cfg.name == "telescope" and cfg.param_names == ("tx", "x_ref_mm") and cfg.measurement_name == "x"
    assert cfg.slopes == tuple(z - 350.0 for z in det.positions_mm()) and cfg.offsets == (0.0,) * 8
    assert (cfg.a_min, cfg.a_max, cfg.min_layers) == (-0.032, 0.032, det.mix.min_layers)
    assert (cfg.max_hits_per_cell, cfg.duplicate_rule, cfg.mini_hough, cfg.bend_filter) == (16, "sharing", True, False)
    assert not cfg.helix_radii_mm and cfg.hit_id_bits == 7
    # bins about as wide as a line moves across one column at the outer planes: ±350 mm × Δtx
    move = 350.0 * cfg.delta_a
    assert 0.9 * cfg.delta_b < move <= cfg.delta_b
    half = 512 * 0.183 / 2
    assert cfg.extent_hw == (math.floor(-half / cfg.coord_lsb + 0.5), math.floor(half / cfg.coord_lsb + 0.5))


def test_velo_is_refused_with_a_clear_error() -> None:
    with pytest.raises(
        ValueError, match=r"no Hough defaults for track model 'velo-uv' \(the Hough needs a 1D measurement\)"
    ):
        HoughConfig.for_detector(detector.velo())
    with pytest.raises(ValueError, match=r"needs a 1D measurement; model 'velo-uv' has 2"):
        HoughConfig.from_model("velo", trackmodel.for_detector(detector.velo()))


def test_from_model() -> None:
    """A 1D model whose b enters with slope 1 builds: the barrel's (q/pT, φ_T) and the
    telescope's (tx, x_ref), each equal to its preset (the presets take their names, slopes
    and offsets from the model); the telescope's model in the order (x_ref, tx) has
    h_b = z − z_ref and is refused."""
    keep: dict[str, Any] = {}
    for name in PRESETS:
        det = detector.preset(name)
        base = HoughConfig.for_detector(det)
        keep = {
            f.name: getattr(base, f.name)
            for f in dataclasses.fields(base)
            if f.name not in ("name", "param_names", "measurement_name", "slopes", "offsets", "description")
        }
        cfg = HoughConfig.from_model(name, trackmodel.for_detector(det), **keep)
        assert cfg == base, name
    model = trackmodel.for_detector(detector.telescope())
    assert model.param_names == ("tx", "x_ref_mm")
    swapped = dataclasses.replace(model, param_names=("x_ref_mm", "tx"), H=model.H[:, :, ::-1].copy())
    with pytest.raises(ValueError, match=r"model 'telescope-x': the Hough's bins need m = h_a·a \+ b \+ c \(h_b = 1\)"):
        HoughConfig.from_model("telescope", swapped, **keep)


@pytest.mark.filterwarnings("ignore::fasttrack.configcheck.ConfigWarning")  # deliberately odd grids
def test_overrides() -> None:
    det = detector.barrel()
    base = HoughConfig.for_detector(det)
    cfg = HoughConfig.for_detector(det, n_a=16, n_b=32, min_layers=4, max_tracks=5, duplicate_rule="localmax")
    assert (cfg.n_a, cfg.n_b, cfg.min_layers, cfg.max_tracks, cfg.duplicate_rule) == (16, 32, 4, 5, "localmax")
    assert cfg.tables.shift_hw.shape == (6, 17) and cfg.tables.a_bend_hw.shape == (16,)
    # derived widths follow the fields they depend on unless given
    assert HoughConfig.for_detector(det, max_hits=1000).hit_id_bits == 10
    assert HoughConfig.for_detector(det, hit_id_bits=12).hit_id_bits == 12
    assert HoughConfig.for_detector(det, coord_bits=20).coord_bits == 20
    # an override of the LSB keeps b_min (a physical value) and rederives the extent and widths
    coarse = HoughConfig.for_detector(det, coord_lsb=base.coord_lsb * 4)
    assert coarse.b_min == base.b_min and coarse.b_min_hw == base.b_min_hw // 4
    assert coarse.extent_hw == (round(base.extent_hw[0] / 4), round(base.extent_hw[1] / 4))  # type: ignore[index]
    assert coarse.coord_bits == smallest_signed(*coord_range(coarse))
    with pytest.raises(ValueError, match=r"\.b_min = .* must be a multiple of coord_lsb"):
        HoughConfig.for_detector(det, coord_lsb=base.coord_lsb * 3)  # −8192 LSBs is not a multiple of 3
    assert HoughConfig.for_detector(det, extent_hw=None).extent_hw is None
    with pytest.raises(ValueError, match=r"\.coord_bits .* smallest width that works is 15"):
        HoughConfig.for_detector(det, coord_bits=14)
    with pytest.raises(TypeError):
        HoughConfig.for_detector(det, n_columns=3)  # a typo is not silently ignored


def test_config_is_frozen(configs: dict[str, HoughConfig]) -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        configs["telescope"].n_a = 3  # type: ignore[misc]

"""Detector geometry: presets as documented, validation of layers/detectors, JSON round trip."""

from __future__ import annotations

import math
from dataclasses import replace
from typing import Any

import numpy as np
import pytest

from fasttrack import detector
from fasttrack.detector import CylinderLayer, Detector, EventMix, PlaneLayer


# --- presets ------------------------------------------------------------------------------
def test_telescope_preset() -> None:
    det = detector.telescope()
    assert (det.name, det.kind, det.n_layers, det.bz_tesla) == ("telescope", "plane", 8, 0.0)
    assert det.hit_fields == ("x",)
    assert not det.measures_y
    for lay in det.layers:
        assert isinstance(lay, PlaneLayer)
        assert lay.measures == "x"
        assert lay.pitch_x_mm == pytest.approx(0.183)
        assert lay.n_strips_x == 512
        assert lay.n_strips_y == 1
        assert lay.x_max_mm - lay.x_min_mm == pytest.approx(512 * 0.183)
        assert lay.resolution_x_mm == pytest.approx(0.183 / math.sqrt(12))
    np.testing.assert_array_equal(det.positions_mm(), 100.0 * np.arange(8))
    assert det.mix.min_layers <= det.n_layers


def test_barrel_preset() -> None:
    det = detector.barrel()
    assert (det.name, det.kind, det.n_layers, det.bz_tesla) == ("barrel", "cylinder", 6, 3.8)
    assert det.hit_fields == ("phi", "z", "bend_qoverpt")
    np.testing.assert_array_equal(det.positions_mm(), [230.0, 360.0, 510.0, 680.0, 880.0, 1080.0])
    assert det.positions_mm()[0] == 230.0 and det.positions_mm()[-1] == 1080.0
    assert det.curvature_per_gev == pytest.approx(0.3e-3 * 3.8)
    assert det.positions_mm()[0] < det.reference_r_mm < det.positions_mm()[-1]
    for i, lay in enumerate(det.layers):
        assert isinstance(lay, CylinderLayer)
        assert lay.pitch_rphi_mm == pytest.approx(0.09)
        assert lay.pitch_phi == pytest.approx(0.09 / lay.r_mm)
        assert lay.pitch_z_mm == (1.5 if i < 3 else 50.0)
        # the strips cover the sector
        assert lay.n_strips_phi * lay.pitch_phi >= lay.phi_max - lay.phi_min
        assert (lay.n_strips_phi - 1) * lay.pitch_phi < lay.phi_max - lay.phi_min
    assert det.mix.pileup == 200.0


def test_velo_preset() -> None:
    det = detector.velo()
    assert (det.name, det.kind, det.n_layers, det.bz_tesla) == ("velo", "plane", 26, 0.0)
    assert det.measures_y
    assert det.hit_fields == ("x", "y")
    z = det.positions_mm()
    assert z[0] == -287.5 and z[-1] == 737.5
    assert np.all(np.diff(z) > 0)
    for lay in det.layers:
        assert isinstance(lay, PlaneLayer)
        assert lay.measures == "xy"
        assert lay.pitch_x_mm == pytest.approx(0.055) and lay.pitch_y_mm == pytest.approx(0.055)
        assert lay.hole_half_mm == pytest.approx(5.1)
        assert lay.n_strips_x == lay.n_strips_y == round(2 * 42.57 / 0.055)


@pytest.mark.parametrize("name", ["telescope", "barrel", "velo"])
def test_preset_by_name_and_summary(name: str) -> None:
    det = detector.preset(name)
    assert det == detector.PRESETS[name]()
    assert det.name == name
    text = det.summary()
    assert text.startswith(f"detector {name}: {det.n_layers} {det.kind} layers")
    assert len(text.splitlines()) == det.n_layers + 4  # header, description, column titles, mix
    table = det.layer_table()
    for column in table.values():
        assert column.shape == (det.n_layers,) and column.dtype == np.float64
    np.testing.assert_array_equal(table["z_mm" if det.kind == "plane" else "r_mm"], det.positions_mm())


def test_unknown_preset() -> None:
    with pytest.raises(ValueError, match=r"unknown detector preset 'nope'.*\['barrel', 'telescope', 'velo'\]"):
        detector.preset("nope")


# --- JSON round trip ----------------------------------------------------------------------
def _custom() -> Detector:
    layers = tuple(
        PlaneLayer(z_mm=z, pitch_x_mm=0.01, x_over_x0=0.001 * i, efficiency=0.95, noise_per_event=0.25)
        for i, z in enumerate((-10.0, 5.5, 30.0, 77.7))
    )
    return Detector(
        name="custom",
        layers=layers,
        mix=EventMix(min_layers=3, charge=-1),
        reference_z_mm=12.5,
        description="four planes",
    )


@pytest.mark.parametrize("make", [detector.telescope, detector.barrel, detector.velo, _custom])
def test_json_round_trip(make: Any) -> None:
    det = make()
    text = det.to_json()
    back = Detector.from_json(text)
    assert back == det
    assert back.to_json() == text
    assert Detector.from_dict(det.to_dict()) == det
    assert all(type(a) is type(b) for a, b in zip(back.layers, det.layers, strict=True))


def test_custom_detector_from_layers() -> None:
    det = _custom()
    assert det.n_layers == 4 and det.kind == "plane"
    np.testing.assert_array_equal(det.positions_mm(), [-10.0, 5.5, 30.0, 77.7])
    assert det.layers[0].n_strips_x == 10000
    cyl = Detector(
        name="rings",
        layers=(CylinderLayer(r_mm=50.0), CylinderLayer(r_mm=100.0)),
        bz_tesla=2.0,
        mix=EventMix(min_layers=2),
        reference_r_mm=75.0,
    )
    # without bend_qoverpt_sigma the stubs carry no bend: no bend field
    assert cyl.kind == "cylinder" and cyl.hit_fields == ("phi", "z") and not cyl.measures_bend
    assert cyl.curvature_per_gev == pytest.approx(0.6e-3)


def test_with_mix_changes_only_the_mix() -> None:
    det = detector.telescope()
    other = det.with_mix(pileup=5.0, min_layers=4)
    assert other.mix.pileup == 5.0 and other.mix.min_layers == 4
    assert other.layers == det.layers and det.mix.pileup == 0.0
    with pytest.raises(ValueError, match="pileup must be >= 0"):
        det.with_mix(pileup=-1.0)


def test_tsallis_fraction_and_particles_per_vertex() -> None:
    assert detector.tsallis_fraction_above(0.0) == pytest.approx(1.0)
    # compare with a numerical integral of pT (1 + pT/(nT))^-n
    n, t = 6.6, 0.145
    pt = np.linspace(0.0, 400.0, 2_000_001)
    dens = pt * (1.0 + pt / (n * t)) ** -n
    cum = np.concatenate([[0.0], np.cumsum(0.5 * (dens[1:] + dens[:-1]) * np.diff(pt))])
    for cut in (0.5, 1.2, 3.0):
        expected = 1.0 - np.interp(cut, pt, cum) / cum[-1]
        assert detector.tsallis_fraction_above(cut) == pytest.approx(expected, rel=1e-3)
    ppv = detector.barrel_particles_per_vertex(1.2, 4.8, 1.0)
    assert ppv == pytest.approx(6.0 * 4.8 / (2 * math.pi) * detector.tsallis_fraction_above(1.2))


# --- validation ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"measures": "z"}, r"measures must be 'x' or 'xy', got 'z'"),
        ({"pitch_x_mm": 0.0}, "pitches must be > 0"),
        ({"pitch_y_mm": -1.0}, "pitches must be > 0"),
        ({"x_min_mm": 5.0, "x_max_mm": 5.0}, r"z=0.0: x_max_mm must exceed x_min_mm"),
        ({"y_min_mm": 5.0, "y_max_mm": -5.0}, "y_max_mm must exceed y_min_mm"),
        ({"hole_half_mm": -0.1}, "hole_half_mm must be >= 0"),
        ({"smear_mm": -0.1}, "smear_mm must be >= 0"),
        ({"x_over_x0": -0.1}, "x_over_x0 must be >= 0"),
        ({"efficiency": 1.5}, r"efficiency must be in \[0, 1\], got 1.5"),
        ({"efficiency": -0.01}, r"efficiency must be in \[0, 1\]"),
        ({"noise_per_event": -1.0}, "noise_per_event must be >= 0"),
        ({"z_mm": math.nan}, "PlaneLayer.z_mm must be finite, got nan"),
        ({"x_max_mm": math.inf}, "PlaneLayer.x_max_mm must be finite, got inf"),
    ],
)
def test_invalid_plane_layer(kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        PlaneLayer(**{"z_mm": 0.0, **kwargs})


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"r_mm": 0.0}, "r_mm must be > 0, got 0.0"),
        ({"r_mm": -5.0}, "r_mm must be > 0, got -5.0"),
        ({"pitch_rphi_mm": 0.0}, "pitches must be > 0"),
        ({"pitch_z_mm": -1.0}, "pitches must be > 0"),
        ({"phi_min": 0.5, "phi_max": 0.5}, r"r=100.0: phi_max must exceed phi_min"),
        ({"phi_min": -4.0, "phi_max": 4.0}, "φ range exceeds 2π"),
        ({"z_min_mm": 1.0, "z_max_mm": 0.0}, "z_max_mm must exceed z_min_mm"),
        ({"smear_rphi_mm": -1.0}, "smear_rphi_mm must be >= 0"),
        ({"bend_qoverpt_sigma": -1.0}, "bend_qoverpt_sigma must be >= 0"),
        ({"stub_qoverpt_max": -1.0}, "stub_qoverpt_max must be >= 0"),
        ({"x_over_x0": -1.0}, "x_over_x0 must be >= 0"),
        ({"efficiency": 2.0}, r"efficiency must be in \[0, 1\], got 2.0"),
        ({"noise_per_event": -2.0}, "noise_per_event must be >= 0"),
        ({"z_max_mm": math.inf}, "CylinderLayer.z_max_mm must be finite"),
    ],
)
def test_invalid_cylinder_layer(kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        CylinderLayer(**{"r_mm": 100.0, **kwargs})


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"pileup": -1.0}, "pileup must be >= 0, got -1.0"),
        ({"particles_per_vertex": -1.0}, "particles_per_vertex must be >= 0"),
        ({"pt_min_gev": 0.0}, "0 < pt_min_gev <= pt_max_gev"),
        ({"pt_min_gev": 5.0, "pt_max_gev": 2.0}, "0 < pt_min_gev <= pt_max_gev"),
        ({"pt_spectrum": "exp"}, "unknown pt_spectrum 'exp'"),
        ({"tsallis_n": 2.0}, "tsallis_n > 2"),
        ({"eta_min": 1.0, "eta_max": 0.0}, "eta_min <= eta_max"),
        ({"phi_min": 1.0, "phi_max": 0.0}, "phi_min <= phi_max"),
        ({"direction": "up"}, "unknown direction 'up'"),
        ({"slope_min": 0.1, "slope_max": 0.0}, "slope_min <= slope_max"),
        ({"beam_sigma_z_mm": -1.0}, "beam_sigma_z_mm must be >= 0"),
        ({"charge": 2}, "charge must be -1, 0"),
        ({"mass_gev": -0.1}, "mass_gev must be >= 0"),
        ({"min_layers": 0}, "min_layers must be >= 1"),
        ({"pt_max_gev": math.inf}, "EventMix.pt_max_gev must be finite"),
    ],
)
def test_invalid_event_mix(kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        EventMix(**kwargs)


@pytest.mark.parametrize(
    ("layers", "extra", "message"),
    [
        ((), {}, "needs at least one layer"),
        (
            (PlaneLayer(z_mm=0.0), CylinderLayer(r_mm=10.0)),
            {},
            r"mixes layer kinds \['cylinder', 'plane'\]",
        ),
        (
            (PlaneLayer(z_mm=10.0), PlaneLayer(z_mm=0.0)),
            {},
            r"strictly increasing z, got \[10.0, 0.0\]",
        ),
        ((PlaneLayer(z_mm=0.0), PlaneLayer(z_mm=0.0)), {}, "strictly increasing z"),
        ((PlaneLayer(z_mm=0.0), PlaneLayer(z_mm=1.0, measures="xy")), {}, "must measure the same"),
        (
            (CylinderLayer(r_mm=20.0), CylinderLayer(r_mm=10.0)),
            {},
            r"strictly increasing r, got \[20.0, 10.0\]",
        ),
        ((PlaneLayer(z_mm=0.0),), {"bz_tesla": math.nan}, "bz_tesla must be finite"),
        (
            (PlaneLayer(z_mm=0.0),),
            {"mix": EventMix(min_layers=2)},
            "min_layers=2 exceeds the 1 layers of 'bad'",
        ),
    ],
)
def test_invalid_detector(layers: tuple[Any, ...], extra: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        Detector(name="bad", layers=layers, **extra)


def test_layers_are_frozen() -> None:
    det = detector.telescope()
    with pytest.raises(AttributeError):
        det.layers[0].z_mm = 1.0  # type: ignore[misc]
    moved = replace(det.layers[0], z_mm=-5.0)
    assert moved.z_mm == -5.0 and det.layers[0].z_mm == 0.0

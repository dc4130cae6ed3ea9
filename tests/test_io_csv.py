"""TrackML / ACTS CSV input: a committed ACTS fixture, hand-made TrackML files, and a live
pyacts fast simulation (Fatras) in its own virtual environment."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import awkward as ak
import numpy as np
import pytest

from fasttrack import detector, io
from fasttrack.io.csv import decode_geometry_id, derive_layer_map, read_csv

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "tests" / "data" / "acts_telescope"
ACTS_DET = ROOT / "examples" / "detector_acts_telescope.toml"
ACTS_VENV = ROOT / "build" / "pyacts-venv"  # made by `make acts-venv` (the Makefile pins pyacts)


def _csv(path: Path, header: str, rows: list[str]) -> None:
    path.write_text("\n".join([header, *rows]) + "\n")


def test_geometry_id_decoding() -> None:
    # volume 1, layer 2, sensitive 1: a surface of ACTS' telescope
    vol, lay = decode_geometry_id(np.array([72057731476881664], dtype=np.uint64))
    assert (vol.tolist(), lay.tolist()) == ([1], [2])


def test_acts_fixture_measurements_are_read() -> None:
    det = io.load_detector(ACTS_DET)
    ev = read_csv(FIXTURE, det)
    assert len(ev) == 3
    hits = ak.flatten(ev.hits)
    meas = sum(1 for _ in FIXTURE.glob("event*-measurements.csv"))
    assert meas == 3
    # one hit per measurement, each at its measured global position
    import pyarrow.csv as pacsv

    m0 = pacsv.read_csv(FIXTURE / "event000000000-measurements.csv")
    assert ev.n_hits[0] == m0.num_rows
    assert np.allclose(np.asarray(ev.hits[0].x), m0.column("global_x").to_numpy())
    assert np.allclose(np.asarray(ev.hits[0].y), m0.column("global_y").to_numpy())
    # the layers follow z: layer l at z = 100 (l + 1) mm
    z = m0.column("global_z").to_numpy()
    assert np.array_equal(np.asarray(ev.hits[0].layer), np.rint(z / 100).astype(int) - 1)
    # truth: three muons per event, every hit belongs to one
    assert set(np.asarray(hits.particle_id).tolist()) <= {1, 2, 3}


def test_acts_fixture_simulated_hits_are_the_true_positions() -> None:
    det = io.load_detector(ACTS_DET)
    truth_pos = read_csv(FIXTURE, det, coordinates="hits")
    meas = read_csv(FIXTURE, det, coordinates="measurements")
    assert np.array_equal(truth_pos.n_hits, meas.n_hits)  # no merged or lost measurement here
    dx = np.asarray(ak.flatten(meas.hits.x)) - np.asarray(ak.flatten(truth_pos.hits.x))
    assert 0.01 < np.std(dx) < 0.1  # the 50 um smearing of the digitisation


def test_acts_fixture_truth_particles() -> None:
    ev = read_csv(FIXTURE, io.load_detector(ACTS_DET))
    assert ev.particles is not None and ak.num(ev.particles, axis=1).tolist() == [3, 3, 3]
    p = ev.particles[0]
    assert np.allclose(np.asarray(p.p_gev), 10.0, rtol=1e-3)
    assert np.all((np.asarray(p.eta) > 3.0) & (np.asarray(p.eta) < 4.0))


def test_layer_map_derivation_and_errors() -> None:
    det = io.load_detector(ACTS_DET)
    assert derive_layer_map(det, {(1, 2): 100.0, (1, 16): 800.2}) == {(1, 2): 0, (1, 16): 7}
    with pytest.raises(ValueError, match=r"volume 1 layer 4 lies at z = 150 mm, 50 mm from the closest layer"):
        derive_layer_map(det, {(1, 4): 150.0})
    with pytest.raises(ValueError, match="is not in layer_map"):
        read_csv(FIXTURE, det, layer_map={(1, 2): 0})
    with pytest.raises(ValueError, match=r"names layers outside 0\.\.7"):
        read_csv(FIXTURE, det, layer_map={(1, 2): 9})


def test_wrong_detector_is_refused_naming_the_layer() -> None:
    with pytest.raises(ValueError, match="volume 1 layer 2 lies at z = 100 mm"):
        read_csv(FIXTURE, detector.velo())


def _trackml(folder: Path, event: int, with_truth: bool = True) -> None:
    stem = folder / f"event{event:09d}"
    _csv(
        stem.with_name(stem.name + "-hits.csv"),
        "hit_id,x,y,z,volume_id,layer_id,module_id",
        ["1,1.0,0.5,0.0,7,2,1", "2,1.1,0.5,100.0,7,4,1", "3,1.2,0.5,200.0,7,6,1", "4,-3.0,2.0,0.0,7,2,3"],
    )
    if with_truth:
        _csv(
            stem.with_name(stem.name + "-truth.csv"),
            "hit_id,particle_id,tx,ty,tz,tpx,tpy,tpz,weight",
            [
                "1,4503668346847232,1,0.5,0,0,0,1,0.3",
                "2,4503668346847232,1.1,0.5,100,0,0,1,0.3",
                "3,4503668346847232,1.2,0.5,200,0,0,1,0.3",
                "4,0,0,0,0,0,0,0,0",
            ],
        )
        _csv(
            stem.with_name(stem.name + "-particles.csv"),
            "particle_id,vx,vy,vz,px,py,pz,q,nhits",
            ["4503668346847232,0,0,-100,0.1,0.0,100,1,3"],
        )


def test_trackml_layout_event_numbers_from_names_and_units(tmp_path: Path) -> None:
    for e in (21, 1000004):
        _trackml(tmp_path, e)
    det = detector.telescope()
    ev = read_csv(tmp_path, det, layer_map={(7, 2): 0, (7, 4): 1, (7, 6): 2}, length_unit_mm=10.0)
    assert ev.n_hits[-1] == 4 and int(ev.n_hits.sum()) == 8
    last = ev.hits[-1]
    assert np.allclose(np.asarray(last.x), [10.0, 11.0, 12.0, -30.0])  # cm -> mm
    assert np.asarray(last.particle_id).tolist() == [1, 1, 1, 0]  # 0 stays noise
    assert np.asarray(last.hit_id).tolist() == [1, 2, 3, 4]
    if hasattr(ev, "event_number"):
        assert ev.event_number.tolist()[-2:] == [21, 1000004]


def test_trackml_derived_layer_map(tmp_path: Path) -> None:
    _trackml(tmp_path, 3)
    ev = read_csv(tmp_path, detector.telescope())  # planes at z = 0, 100, 200 mm
    assert np.asarray(ev.hits[-1].layer).tolist() == [0, 1, 2, 0]


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        ("no_truth_row", "hit 4 of event000000003-hits.csv has no truth row"),
        ("missing_column", "missing column(s) ['layer_id']"),
        ("unknown_particle", "carries particle (77,), which is not in the particles file"),
        ("empty_folder", "no event files"),
        ("no_hits", "has no hits file"),
    ],
)
def test_csv_errors_name_the_file(tmp_path: Path, damage: str, message: str) -> None:
    _trackml(tmp_path, 3)
    hits = tmp_path / "event000000003-hits.csv"
    truth = tmp_path / "event000000003-truth.csv"
    if damage == "no_truth_row":
        truth.write_text("\n".join(truth.read_text().splitlines()[:-1]) + "\n")
    elif damage == "missing_column":
        hits.write_text(hits.read_text().replace("layer_id", "layer"))
    elif damage == "unknown_particle":
        truth.write_text(truth.read_text().replace("4503668346847232,1.2", "77,1.2"))
    elif damage == "empty_folder":
        for p in tmp_path.iterdir():
            p.unlink()
    elif damage == "no_hits":
        hits.unlink()
    with pytest.raises(ValueError) as err:
        read_csv(tmp_path, detector.telescope())
    assert message in str(err.value)


# --- live: ACTS' fast simulation through pyacts -----------------------------------------------
def _pyacts_python() -> Path:
    """The python of the virtual environment holding pyacts (``make acts-venv`` builds it:
    pyacts is installed once by the project's Makefile, never downloaded by a test)."""
    py = ACTS_VENV / "bin" / "python"
    ok = py.exists() and subprocess.run([str(py), "-c", "import acts.examples"], capture_output=True).returncode == 0
    if not ok:
        pytest.fail(f"no pyacts environment at {ACTS_VENV}: run `make acts-venv` first")
    return py


@pytest.mark.acts
def test_pyacts_fatras_events_are_read(tmp_path: Path) -> None:
    if sys.platform != "linux":
        pytest.skip("pyacts wheels are built for Linux")
    py = _pyacts_python()
    out = tmp_path / "acts"
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
    res = subprocess.run(
        [str(py), str(ROOT / "tests" / "acts_fatras_sim.py"), str(out), "5", "7"],
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
    )
    assert res.returncode == 0, res.stdout[-2000:] + res.stderr[-2000:]
    det = io.load_detector(ACTS_DET)
    ev = io.read_events(out, det)
    assert len(ev) == 5
    n_meas = sum(len((out / f"event{e:09d}-measurements.csv").read_text().splitlines()) - 1 for e in range(5))
    assert int(ev.n_hits.sum()) == n_meas > 0
    # straight muons from the origin: x/z is the same on every plane, within the smearing
    hits = ak.flatten(ev.hits)
    z = 100.0 * (np.asarray(hits.layer) + 1)
    pid = np.asarray(hits.particle_id)
    ev_idx = np.repeat(np.arange(len(ev)), ev.n_hits)
    for e, p in {(int(a), int(b)) for a, b in zip(ev_idx, pid, strict=True) if b > 0}:
        sel = (ev_idx == e) & (pid == p)
        slope = np.asarray(hits.x)[sel] / z[sel]
        assert np.ptp(slope) < 0.01

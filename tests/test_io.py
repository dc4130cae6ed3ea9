"""fasttrack.io: detector files, parquet (whole and chunked), ROOT (uproot) and format dispatch."""

from __future__ import annotations

import json
from pathlib import Path

import awkward as ak
import numpy as np
import pytest

from fasttrack import detector, generate, io
from fasttrack.detector import Detector

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


# --- detector files -----------------------------------------------------------------------
@pytest.mark.parametrize("name", ["detector_barrel10.toml", "detector_telescope5.json", "detector_acts_telescope.toml"])
def test_example_detector_files_load_and_round_trip(name: str) -> None:
    det = io.load_detector(EXAMPLES / name)
    assert Detector.from_file(EXAMPLES / name) == det
    assert Detector.from_dict(json.loads(det.to_json())) == det


def test_detector_toml_fields_and_defaults() -> None:
    det = io.load_detector(EXAMPLES / "detector_barrel10.toml")
    assert det.n_layers == 10 and det.kind == "cylinder" and det.bz_tesla == 2.0
    assert det.positions_mm()[0] == 500.0 and det.positions_mm()[-1] == 3000.0
    assert all(lay.pitch_rphi_mm == 0.1 for lay in det.layers)  # from [layer_defaults]
    assert det.mix.min_layers == 8


def test_detector_json_of_info_is_read(tmp_path: Path) -> None:
    f = tmp_path / "b.json"
    f.write_text(detector.barrel().to_json())
    assert io.load_detector(f) == detector.barrel()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            'name = "x"\nbz_tesla = 1\n[[layers]]\nr_mm = 100\nptch_rphi_mm = 0.1\n',
            "'ptch_rphi_mm' (did you mean 'pitch_rphi_mm'?)",
        ),
        ('name = "x"\nbz_tela = 1\n[[layers]]\nr_mm = 100\n', "unknown key 'bz_tela' (did you mean 'bz_tesla'?)"),
        ('name = "x"\n', "layers must be a non-empty list"),
        ("bz_tesla = 1\n[[layers]]\nr_mm = 100\n", "name is required"),
        ('name = "x"\n[[layers]]\npitch_x_mm = 1\n', "kind must be 'plane' or 'cylinder'"),
        ('name = "x"\n[[layers]]\nr_mm = -5\n', "r_mm must be > 0"),
        ('name = "x"\n[mix]\nptmin = 3\n[[layers]]\nz_mm = 1\n', "mix has unknown key 'ptmin'"),
        ('name = "x"\n[[layers]]\nz_mm = 10\n[[layers]]\nz_mm = 5\n', "strictly increasing z"),
        ("name = \n", "not valid TOML"),
    ],
)
def test_detector_file_errors_name_file_and_key(tmp_path: Path, text: str, message: str) -> None:
    f = tmp_path / "det.toml"
    f.write_text(text)
    with pytest.raises(ValueError, match=r"detector file .*det\.toml") as err:
        io.load_detector(f)
    assert message in str(err.value)


def test_detector_from_toml_text() -> None:
    det = Detector.from_toml('name = "t"\nreference_z_mm = 10\n[[layers]]\nz_mm = 0\n[[layers]]\nz_mm = 20\n')
    assert det.kind == "plane" and det.n_layers == 2


# --- parquet ------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def telescope_file(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, object]:
    ev = generate.generate(detector.telescope(), 53, seed=11)
    return ev.save(tmp_path_factory.mktemp("pq") / "t.parquet"), ev


@pytest.mark.parametrize("chunk", [1, 7, 53, 1000])
def test_iter_parquet_chunks_cover_the_file_exactly(telescope_file: tuple[Path, object], chunk: int) -> None:
    path, ev = telescope_file
    chunks = list(io.iter_parquet(path, chunk_events=chunk))
    assert [len(c) for c in chunks] == [min(chunk, 53 - i) for i in range(0, 53, chunk)]
    assert ak.array_equal(ak.concatenate([c.hits for c in chunks]), ev.hits)  # type: ignore[attr-defined]
    assert ak.array_equal(ak.concatenate([c.particles for c in chunks]), ev.particles)  # type: ignore[attr-defined]
    assert [c.first_event for c in chunks] == list(range(0, 53, chunk))


def test_iter_parquet_start_stop(telescope_file: tuple[Path, object]) -> None:
    path, ev = telescope_file
    part = list(io.iter_parquet(path, chunk_events=4, start=10, stop=21))
    assert sum(len(c) for c in part) == 11
    assert ak.array_equal(ak.concatenate([c.hits for c in part]), ev.hits[10:21])  # type: ignore[attr-defined]


def test_read_events_parquet_and_errors(telescope_file: tuple[Path, object], tmp_path: Path) -> None:
    path, _ = telescope_file
    assert len(io.read_events(path)) == 53
    assert io.count_events(path) == 53
    assert io.file_detector(path) == detector.telescope()
    plain = tmp_path / "plain.parquet"
    import pyarrow as pa
    import pyarrow.parquet as pq

    pq.write_table(pa.table({"event": [0, 0, 1], "layer": [0, 1, 0], "x": [1.0, 2.0, 3.0]}), plain)
    with pytest.raises(ValueError, match=r"plain\.parquet has no fasttrack metadata"):
        io.read_events(plain)
    assert io.read_events(plain, detector.telescope()).n_hits.tolist() == [2, 1]
    with pytest.raises(ValueError, match="does not exist"):
        io.read_events(tmp_path / "nope.parquet")
    bad = tmp_path / "bad.parquet"
    bad.write_text("not parquet")
    with pytest.raises(ValueError, match=r"bad\.parquet: not a parquet file"):
        io.read_events(bad)
    with pytest.raises(ValueError, match="chunk_events must be >= 1"):
        next(io.iter_parquet(path, chunk_events=0))


# --- ROOT ---------------------------------------------------------------------------------
uproot = pytest.importorskip("uproot")


def _write(path: Path, trees: dict[str, dict[str, object]]) -> Path:
    """TTrees (uproot writes a plain dict as an RNTuple)."""
    with uproot.recreate(path) as out:
        for name, cols in trees.items():
            out.mktree(
                name, {k: (ak.type(v) if isinstance(v, ak.Array) else np.asarray(v).dtype) for k, v in cols.items()}
            )
            out[name].extend(cols)
    return path


def _flat_hits() -> dict[str, np.ndarray]:
    return {
        "event": np.array([7, 7, 7, 12, 12], dtype=np.int64),
        "layer": np.array([0, 1, 2, 0, 3], dtype=np.int32),
        "x": np.array([1.0, 1.1, 1.2, -5.0, -4.0]),
        "particle_id": np.array([1, 1, 0, 2, 2], dtype=np.int32),
    }


def test_root_flat_tree(tmp_path: Path) -> None:
    f = _write(tmp_path / "flat.root", {"hits": _flat_hits()})
    ev = io.read_events(f, detector.telescope())
    assert ev.n_hits.tolist()[-1] == 2 and int(ev.n_hits.sum()) == 5
    flat = ak.flatten(ev.hits)
    assert np.allclose(np.asarray(flat.x), _flat_hits()["x"])
    assert np.asarray(flat.particle_id).tolist() == [1, 1, 0, 2, 2]


def test_root_jagged_tree_with_renamed_branches_and_units(tmp_path: Path) -> None:
    f = _write(
        tmp_path / "jagged.root",
        {"T": {"evt": np.array([3, 4]), "plane": ak.Array([[0, 1], [5]]), "xcm": ak.Array([[0.1, 0.2], [-0.3]])}},
    )
    ev = io.read_root(
        f,
        detector.telescope(),
        tree="T",
        branches={"layer": "plane", "x": "xcm"},
        event_branch="evt",
        length_unit_mm=10,
    )
    assert ev.n_hits.tolist()[-2:] == [2, 1]
    assert np.allclose(np.asarray(ak.flatten(ev.hits.x)), [1.0, 2.0, -3.0])
    assert np.asarray(ak.flatten(ev.hits.layer)).tolist() == [0, 1, 5]


def test_root_jagged_without_event_branch_numbers_entries(tmp_path: Path) -> None:
    f = _write(tmp_path / "j.root", {"hits": {"layer": ak.Array([[0], [1, 2]]), "x": ak.Array([[0.5], [1.5, 2.5]])}})
    ev = io.read_root(f, detector.telescope())
    assert ev.n_hits.tolist() == [1, 2]


def test_root_particles_tree_gives_truth(tmp_path: Path) -> None:
    parts = {
        "event": np.array([7, 12], dtype=np.int64),
        "particle_id": np.array([1, 2], dtype=np.int64),
        "px": np.array([0.1, 0.0]),
        "py": np.array([0.0, 0.2]),
        "pz": np.array([100.0, 100.0]),
        "q": np.array([1, -1], dtype=np.int32),
    }
    f = _write(tmp_path / "truth.root", {"hits": _flat_hits(), "particles": parts})
    ev = io.read_events(f, detector.telescope())
    assert ev.particles is not None
    assert np.allclose(np.asarray(ak.flatten(ev.particles.tx)), [0.001, 0.0])
    assert np.asarray(ak.flatten(ev.particles.charge)).tolist() == [1, -1]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"tree": "hitz"}, "no tree 'hitz' (did you mean 'hits'?)"),
        ({"branches": {"x": "xx"}}, "no branch 'xx' for field 'x'"),
        ({"branches": {"xpos": "x"}}, "unknown field 'xpos'"),
        ({"event_branch": "evt"}, "no event branch 'evt'"),
    ],
)
def test_root_errors_name_tree_and_branch(tmp_path: Path, kwargs: dict[str, object], message: str) -> None:
    f = _write(tmp_path / "e.root", {"hits": _flat_hits()})
    with pytest.raises(ValueError) as err:
        io.read_root(f, detector.telescope(), **kwargs)  # type: ignore[arg-type]
    assert message in str(err.value)


def test_root_bad_values_are_reported_with_the_file(tmp_path: Path) -> None:
    hits = _flat_hits()
    hits["layer"][1] = 99
    f = _write(tmp_path / "v.root", {"hits": hits})
    with pytest.raises(ValueError, match=r"v\.root: .*'layer' = 99"):
        io.read_root(f, detector.telescope())


def test_read_events_needs_a_detector_for_root_and_csv(tmp_path: Path) -> None:
    f = _write(tmp_path / "x.root", {"hits": _flat_hits()})
    with pytest.raises(ValueError, match="needs the detector"):
        io.read_events(f)
    assert io.detect_format(f) == "root" and io.detect_format(tmp_path) == "csv"


def test_root_rntuple_is_read_too(tmp_path: Path) -> None:
    f = tmp_path / "nt.root"
    with uproot.recreate(f) as out:
        out["hits"] = _flat_hits()  # uproot writes a dict as an RNTuple
    assert int(io.read_root(f, detector.telescope()).n_hits.sum()) == 5

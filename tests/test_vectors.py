"""Test vectors (fasttrack.hw.vectors) and the `fasttrack codegen` / `fasttrack vectors` commands.

The stage files are what the C++ and cocotb testbenches compare against, so each is read
back and compared with the golden model's own output (Retina.run in fixed mode) and with
the events' hits, exactly.
"""

from __future__ import annotations

from pathlib import Path

import awkward as ak
import numpy as np
import pytest

from fasttrack import cli, detector, generate
from fasttrack.events import Events
from fasttrack.hough import HoughConfig
from fasttrack.hw import hough as hough_hw
from fasttrack.hw import retina as retina_hw
from fasttrack.hw.retina import write_vectors as write_retina_vectors
from fasttrack.hw.vectors import VectorFile, read_vectors
from fasttrack.retina import Retina, RetinaConfig


def check_vectors(cfg: RetinaConfig, ev: Events, paths: dict[str, Path]) -> dict[str, VectorFile]:
    """Every stage file against the events and the golden model; returns the parsed files."""
    assert set(paths) == set(retina_hw.STAGES)
    h = cfg.config_hash()
    files = {stage: read_vectors(p, expect_hash=h) for stage, p in paths.items()}
    out = Retina(cfg).run(ev, "fixed", keep_maps=True)
    assert out.maps is not None
    n_ev = len(ev)
    for stage, vf in files.items():
        assert vf.header["fasttrack-vectors"] == ["1"] and vf.header["kind"] == ["retina"]
        assert vf.header["stage"] == [stage]
        assert vf.header["config"] == [cfg.name, h]
        assert vf.header["events"] == [str(n_ev)] and vf.header["first_event"] == [str(ev.first_event)]
        assert [v[0] for v in vf.event_values] == ev.event_number.tolist()
        assert [v[1] for v in vf.event_values] == [len(r) for r in vf.records]
    # hits: every hit in input order, including those beyond MAX_HITS
    hits = files["hits"]
    assert [v[1] for v in hits.event_values] == ev.n_hits.tolist()
    flat = [rec for recs in hits.records for rec in recs]
    assert all(tag == "H" for tag, _ in flat)
    bend = cfg.bend_window_hw >= 0
    width = 2 + cfg.n_meas + int(bend)  # layer, coordinates, [bend], hit_id
    got = np.array([nums for _, nums in flat], dtype=np.int64).reshape(len(flat), width)
    layer = np.asarray(ak.flatten(ev.hits.layer))
    np.testing.assert_array_equal(got[:, 0], layer)
    for k, m in enumerate(cfg.measurement_names):
        coord = np.asarray(ak.flatten(ev.hits[m]))
        np.testing.assert_array_equal(got[:, 1 + k], np.floor(coord / cfg.coord_lsb + 0.5).astype(np.int64))
    if bend:
        b = np.floor(np.asarray(ak.flatten(ev.hits.bend_qoverpt)) / cfg.bend_lsb + 0.5)
        top = 2 ** (cfg.bend_bits - 1)
        np.testing.assert_array_equal(got[:, 1 + cfg.n_meas], np.clip(b, -top, top - 1).astype(np.int64))
    # the hit word's id field wraps at HIT_ID_BITS (only dropped hits' ids are that large here)
    np.testing.assert_array_equal(got[:, -1], np.asarray(ak.flatten(ev.hits.hit_id)) & ((1 << cfg.hit_id_bits) - 1))
    # accumulator: the map, absent cells 0, raster order
    acc = files["accumulator"]
    for e in range(n_ev):
        cells = [nums[0] for _, nums in acc.records[e]]
        assert cells == sorted(cells) and all(tag == "A" for tag, _ in acc.records[e])
        dense = np.zeros(cfg.n_cells, dtype=np.int64)
        for _, (cell, value) in acc.records[e]:
            assert value != 0
            dense[cell] = value
        np.testing.assert_array_equal(dense.reshape(cfg.n_a, cfg.n_b), out.maps[e], err_msg=f"event {e}")
    # maxima: all of them (before the output capacity), raster order, the map's values
    mx = files["maxima"]
    for e in range(n_ev):
        m = [nums for tag, nums in mx.records[e] if tag == "M"]
        assert len(m) == len(mx.records[e]) == out.n_candidates[e]
        assert [(i, j) for i, j, _ in m] == sorted((i, j) for i, j, _ in m)
        assert all(out.maps[e][i, j] == a >= cfg.threshold_hw for i, j, a in m)
        t = out.tracks[e]
        assert [(i, j) for i, j, _ in m[: cfg.max_tracks]] == list(
            zip(t.cell_a.tolist(), t.cell_b.tolist(), strict=True)
        )
    # tracks: exactly the golden model's
    trk = files["tracks"]
    for e in range(n_ev):
        t = out.tracks[e]
        assert trk.event_values[e][1:] == [len(t), int(out.n_hits_dropped[e]), int(out.n_candidates[e])]
        want = [
            ("T", (i, j, a, b, q))
            for i, j, a, b, q in zip(
                t.cell_a.tolist(),
                t.cell_b.tolist(),
                t.off_a_hw.tolist(),
                t.off_b_hw.tolist(),
                t.quality.tolist(),
                strict=True,
            )
        ]
        assert trk.records[e] == want, f"event {e}"
    return files


@pytest.mark.parametrize("name", ["telescope", "barrel", "velo"])
def test_round_trip(preset_samples: dict[str, Events], tmp_path: Path, name: str) -> None:
    ev = preset_samples[name][: {"telescope": 60, "barrel": 30, "velo": 3}[name]]
    cfg = RetinaConfig.for_detector(ev.detector)
    paths = write_retina_vectors(cfg, ev, tmp_path)
    assert {p.name for p in paths.values()} == {f"retina_{s}.txt" for s in retina_hw.STAGES}
    files = check_vectors(cfg, ev, paths)
    assert sum(len(r) for r in files["tracks"].records) > 0, "the sample must hold tracks"
    assert files["hits"].header["seed"] == [str(ev.seed)] and files["hits"].header["detector"] == [name]


def test_checker_detects_a_changed_record(preset_samples: dict[str, Events], tmp_path: Path) -> None:
    ev = preset_samples["telescope"][:20]
    cfg = RetinaConfig.for_detector(ev.detector)
    paths = write_retina_vectors(cfg, ev, tmp_path)
    check_vectors(cfg, ev, paths)
    text = paths["tracks"].read_text().splitlines()
    k = next(n for n, line in enumerate(text) if line.startswith("T "))
    f = text[k].split()
    f[3] = str(int(f[3]) + 1)  # one LSB on one centroid offset
    text[k] = " ".join(f)
    paths["tracks"].write_text("\n".join(text) + "\n")
    with pytest.raises(AssertionError):
        check_vectors(cfg, ev, paths)


def test_overflow_event(tmp_path: Path) -> None:
    """Hits beyond MAX_HITS are in the hits file (the hardware drops them) and counted in the
    tracks file; the accumulators hold only the first MAX_HITS hits."""
    det = detector.telescope()
    ev = generate.generate(det, 6, seed=11, particles_per_vertex=40, progress=False)
    cfg = RetinaConfig.for_detector(det)
    assert (ev.n_hits > cfg.max_hits).any()
    files = check_vectors(cfg, ev, write_retina_vectors(cfg, ev, tmp_path))
    dropped = [v[2] for v in files["tracks"].event_values]  # E event n n_hits_dropped n_candidates
    assert dropped == np.maximum(ev.n_hits - cfg.max_hits, 0).tolist()
    assert max(dropped) > 0
    # a config with a small capacity: the same rule
    small = RetinaConfig.for_detector(det, max_hits=20, max_tracks=1)
    sample = generate.generate(det, 20, seed=12, progress=False)
    files = check_vectors(small, sample, write_retina_vectors(small, sample, tmp_path / "small"))
    assert any(v[2] > 0 for v in files["tracks"].event_values)
    assert any(v[3] > v[1] for v in files["tracks"].event_values), "some event must overflow the tracks"


def test_empty_and_first_event_numbering(tmp_path: Path) -> None:
    det = detector.telescope()
    cfg = RetinaConfig.for_detector(det)
    ev = Events.from_hits(det, ak.Array([[], [{"layer": 2, "x": 1.0}], []]))
    files = check_vectors(cfg, ev, write_retina_vectors(cfg, ev, tmp_path / "empty"))
    assert [v[:2] for v in files["hits"].event_values] == [[0, 0], [1, 1], [2, 0]]
    later = generate.generate(det, 4, seed=3, first_event=100, progress=False)
    files = check_vectors(cfg, later, write_retina_vectors(cfg, later, tmp_path / "later"))
    assert [v[0] for v in files["tracks"].event_values] == [100, 101, 102, 103]
    # any int64 labels, sparse and unordered, are the E lines' numbers
    labels = [2**62 + 5, -7, 1_000_000_000, 3]
    sparse = Events(det, later.hits, later.particles, event_number=labels)
    files = check_vectors(cfg, sparse, write_retina_vectors(cfg, sparse, tmp_path / "sparse"))
    assert [v[0] for v in files["tracks"].event_values] == labels
    hcfg = HoughConfig.for_detector(det)
    paths = hough_hw.write_vectors(hcfg, sparse, tmp_path / "hough_sparse")
    for path in paths.values():
        assert [v[0] for v in read_vectors(path).event_values] == labels
    none = Events.from_hits(det, ak.Array([]))
    files = check_vectors(cfg, none, write_retina_vectors(cfg, none, tmp_path / "none"))
    assert files["tracks"].records == []


# ------------------------------------------------------------------------------------------
# the reader refuses what it cannot trust
# ------------------------------------------------------------------------------------------
HEAD = "# fasttrack-vectors 1\n# kind retina\n# stage hits\n# config telescope 0123456789abcdef\n"


@pytest.mark.parametrize(
    ("body", "match"),
    [
        ("H 0 1 2\nE 0 1\nH 0 1 2\n", r":5: record before the first E line"),
        ("E 0 1\nH 0 1 2\nH 0 3 4\n", r":7: more records than the E line announced"),
        ("E 0 2\nH 0 1 2\nE 1 0\n", r":7: event starts with 1 records of the previous one missing"),
        ("E 0 0\nE 1 3\nH 0 1 2\n", r":6: the last event misses 2 records"),
        ("E 0 1\nH 0 x 2\n", r":6: non-integer field in 'H 0 x 2'"),
        ("E 0 1\nH 0 1.5 2\n", r":6: non-integer field"),
        ("E 0\n", r":5: an E line needs <event> <n>"),
        ("E 0 -1\n", r":5: an E line needs <event> <n> with n >= 0"),
    ],
)
def test_malformed_files_raise_with_the_line_number(tmp_path: Path, body: str, match: str) -> None:
    p = tmp_path / "bad.txt"
    p.write_text(HEAD + body)
    with pytest.raises(ValueError, match=match):
        read_vectors(p)


def test_header_checks(tmp_path: Path) -> None:
    p = tmp_path / "v.txt"
    p.write_text(HEAD + "E 0 1\nH 0 1 2\n\nE 1 0\n")
    vf = read_vectors(p, expect_hash="0123456789abcdef")
    assert vf.config_hash == "0123456789abcdef" and vf.event_values == [[0, 1], [1, 0]]
    assert vf.records == [[("H", (0, 1, 2))], []]
    with pytest.raises(ValueError, match="config hash 0123456789abcdef differs from the expected ffff"):
        read_vectors(p, expect_hash="ffff")
    p.write_text(HEAD.replace("fasttrack-vectors 1", "fasttrack-vectors 2") + "E 0 0\n")
    with pytest.raises(ValueError, match="not a fasttrack vector file of format 1"):
        read_vectors(p)
    p.write_text("# fasttrack-vectors 1\nE 0 0\n")
    assert read_vectors(p).event_values == [[0, 0]]
    with pytest.raises(ValueError, match="lacks '# config <name> <hash>'"):
        read_vectors(p, expect_hash="0123456789abcdef")


def test_hash_of_another_config_is_refused(preset_samples: dict[str, Events], tmp_path: Path) -> None:
    ev = preset_samples["telescope"][:3]
    cfg = RetinaConfig.for_detector(ev.detector)
    paths = write_retina_vectors(cfg, ev, tmp_path)
    other = RetinaConfig.for_detector(ev.detector, threshold=cfg.threshold + 0.25)
    with pytest.raises(ValueError, match="differs from the expected"):
        read_vectors(paths["tracks"], expect_hash=other.config_hash())


# ------------------------------------------------------------------------------------------
# the commands
# ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("command", [["codegen"], ["vectors"]])
def test_help(command: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        cli.main([*command, "--help"])
    assert exc.value.code == 0
    assert "retina" in capsys.readouterr().out


def test_cli_codegen(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["codegen", "retina", "--preset", "telescope", "-o", str(tmp_path)]) == 0
    cfg = RetinaConfig.for_detector(detector.telescope())
    assert f"hash {cfg.config_hash()}" in capsys.readouterr().out
    want = retina_hw.files(cfg)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(want)
    for name, text in want.items():
        assert (tmp_path / name).read_text() == text


@pytest.mark.parametrize("algorithm", ["retina", "hough"])
def test_cli_codegen_rtl_writes_the_config_the_rtl_is_built_for(
    algorithm: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from fasttrack import algorithms

    assert cli.main(["codegen", algorithm, "--preset", "barrel", "--rtl", "-o", str(tmp_path)]) == 0
    cfg = algorithms.get(algorithm).config(detector.barrel(), rtl=True)
    default = (HoughConfig if algorithm == "hough" else RetinaConfig).for_detector(detector.barrel())
    assert cfg.config_hash() != default.config_hash()  # the barrel RTL configs differ from the defaults
    assert f"hash {cfg.config_hash()}" in capsys.readouterr().out
    files = hough_hw.files(cfg) if algorithm == "hough" else retina_hw.files(cfg)
    for name, text in files.items():
        assert (tmp_path / name).read_text() == text


def test_cli_vectors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["vectors", "retina", "--preset", "telescope", "-n", "20", "-o", str(tmp_path)]) == 0
    det = detector.telescope()
    cfg = RetinaConfig.for_detector(det)
    printed = capsys.readouterr().out
    assert f"hash {cfg.config_hash()}" in printed and "20 events" in printed
    ev = generate.generate(det, 20, seed=1, progress=False)  # the command's default seed
    paths = {s: tmp_path / f"retina_{s}.txt" for s in retina_hw.STAGES}
    files = check_vectors(cfg, ev, paths)
    assert files["tracks"].header["seed"] == ["1"]
    # mix overrides reach the generator
    assert (
        cli.main(
            [
                "vectors",
                "retina",
                "--preset",
                "telescope",
                "-n",
                "3",
                "--seed",
                "4",
                "--particles-per-vertex",
                "40",
                "-o",
                str(tmp_path / "busy"),
            ]
        )
        == 0
    )
    busy = read_vectors(tmp_path / "busy" / "retina_tracks.txt", expect_hash=cfg.config_hash())
    assert max(v[2] for v in busy.event_values) > 0


def test_cli_vectors_rejects_bad_input(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["vectors", "retina", "--preset", "telescope", "-n", "-1", "-o", str(tmp_path)]) == 2
    assert "-n/--events must be >= 0, got -1" in capsys.readouterr().err
    assert (
        cli.main(["vectors", "retina", "--preset", "telescope", "-n", "2", "--min-layers", "99", "-o", str(tmp_path)])
        == 2
    )
    assert "min_layers" in capsys.readouterr().err

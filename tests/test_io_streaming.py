"""fasttrack.streaming: chunked evaluation identical to one pass, serially and on Dask."""

from __future__ import annotations

from pathlib import Path

import awkward as ak
import numpy as np
import pytest

from fasttrack import detector, generate
from fasttrack.streaming import Residuals, evaluate_file, same_candidates_count
from fasttrack.study import same_candidates_fraction, study

COUNTS = (
    "n_events",
    "n_tracks",
    "n_particles",
    "n_matched_particles",
    "n_fake_tracks",
    "n_duplicate_tracks",
    "n_tracks_outside",
    "efficiency",
    "fake_rate",
    "duplicate_rate",
    "duplicates_per_matched_particle",
    "hit_overflow_events",
    "track_overflow_events",
)


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, object]:
    ev = generate.generate(detector.telescope(), 240, seed=5)
    return ev.save(tmp_path_factory.mktemp("stream") / "t.parquet"), ev


def _same(a: dict, b: dict, *, exact_moments: bool) -> None:
    assert a["events"] == b["events"]
    assert a["same_candidates_fraction"] == b["same_candidates_fraction"]
    for mode in ("float", "fixed"):
        for k in COUNTS:
            assert a[mode][k] == b[mode][k], (mode, k)
        for p, r in a[mode]["resolution"].items():
            q = b[mode]["resolution"][p]
            assert r["n"] == q["n"] and r["width68"] == q["width68"], (mode, p)
            if exact_moments:
                assert (r["mean"], r["std"]) == (q["mean"], q["std"])
            else:
                assert r["mean"] == pytest.approx(q["mean"], rel=1e-12, abs=1e-15)
                assert r["std"] == pytest.approx(q["std"], rel=1e-12)


def test_chunked_equals_one_pass(sample: tuple[Path, object]) -> None:
    path, _ = sample
    one = evaluate_file(path, "retina", chunk_events=10_000, progress=False)
    for chunk in (13, 37, 100):
        many = evaluate_file(path, "retina", chunk_events=chunk, progress=False)
        assert many["chunks"] == -(-240 // chunk)
        _same(many, one, exact_moments=False)


def test_streaming_agrees_with_study(sample: tuple[Path, object]) -> None:
    path, ev = sample
    s = study("retina", ev)  # type: ignore[arg-type]
    f = evaluate_file(path, "retina", chunk_events=50, progress=False)
    assert f["same_candidates_fraction"] == s["same_candidates_fraction"]
    for mode in ("float", "fixed"):
        for k in COUNTS:
            if k in s[mode]:
                assert f[mode][k] == s[mode][k], (mode, k)
        for p, r in s[mode]["resolution"].items():
            q = f[mode]["resolution"][p]
            assert q["n"] == r["n"]
            assert q["mean"] == pytest.approx(r["mean"], rel=1e-9, abs=1e-15)
            assert q["std"] == pytest.approx(r["std"], rel=1e-9)
            # the histogram's 68 % width is close to the exact quantiles' (bins of 1/2000 cell)
            assert q["width68"] == pytest.approx(r["width68"], rel=0.01)


def test_same_candidates_count_matches_study_and_can_fail(sample: tuple[Path, object]) -> None:
    from fasttrack import algorithms

    _, ev = sample
    a = algorithms.get("retina")
    finder = a.finder(a.default_config(ev.detector))  # type: ignore[attr-defined]
    fl, fx = finder.run(ev, "float").tracks, finder.run(ev, "fixed").tracks
    n = same_candidates_count(fl, fx, a.candidate_keys)
    assert n == round(same_candidates_fraction(fl, fx, a.candidate_keys) * len(fl))
    assert same_candidates_count(fx, fx, a.candidate_keys) == len(fx)
    assert same_candidates_count(fx, fx[::-1], a.candidate_keys) < len(fx)  # shuffled events differ


def test_residual_histogram_quantiles() -> None:
    rng = np.random.default_rng(1)
    r = rng.normal(0, 0.3, 20_000)
    h = Residuals(cell=1.0)
    h.add_values(r[:7000])
    h.add_values(r[7000:])
    lo, hi = np.quantile(r, [0.158655253931457, 0.841344746068543])
    assert h.width68() == pytest.approx(0.5 * (hi - lo), abs=1e-3)
    assert h.resolution("x").std == pytest.approx(r.std(), rel=1e-12)
    far = Residuals(cell=1.0)
    far.add_values(np.array([100.0, -100.0, 0.0]))
    assert far.n_outside_range == 2


def test_dask_local_cluster_equals_serial(sample: tuple[Path, object]) -> None:
    pytest.importorskip("dask.distributed")
    path, _ = sample
    serial = evaluate_file(path, "retina", chunk_events=60, progress=False)
    dask = evaluate_file(path, "retina", chunk_events=60, scheduler="local", n_workers=2, progress=False)
    assert dask["scheduler"] == "local"
    _same(dask, serial, exact_moments=True)


def test_bad_arguments(sample: tuple[Path, object], tmp_path: Path) -> None:
    path, _ = sample
    with pytest.raises(ValueError, match="chunk_events must be >= 1"):
        evaluate_file(path, "retina", chunk_events=0)
    with pytest.raises(ValueError, match="mode 'double'"):
        evaluate_file(path, "retina", modes=("double",))
    with pytest.raises(ValueError, match="does not run on the velo"):
        evaluate_file(path, "hough", detector=detector.velo())


def _same_by_sets(a: ak.Array, b: ak.Array) -> float:
    """The definition, one event at a time."""
    same = sum(
        set(zip(ta["cell_a"].tolist(), ta["cell_b"].tolist(), strict=True))
        == set(zip(tb["cell_a"].tolist(), tb["cell_b"].tolist(), strict=True))
        for ta, tb in zip(a, b, strict=True)
    )
    return same / len(a)


def test_same_candidates_fraction_equals_the_set_definition() -> None:
    """Random track lists with repeats, empty events and permutations: the vectorised
    comparison equals comparing the two sets event by event."""
    rng = np.random.default_rng(1)
    for _ in range(200):
        n = int(rng.integers(1, 30))

        def tracks(n: int = n) -> ak.Array:
            c = rng.integers(0, 4, n)
            cells = ak.zip({"cell_a": rng.integers(0, 3, c.sum()), "cell_b": rng.integers(0, 3, c.sum())})
            return ak.unflatten(cells, c)

        x, y = tracks(), tracks()
        assert same_candidates_fraction(x, y) == _same_by_sets(x, y)
        assert same_candidates_fraction(x, x[:, ::-1]) == 1.0
    with pytest.raises(ValueError, match="3 events against 2"):
        same_candidates_fraction(ak.Array([[], [], []]), ak.Array([[], []]))

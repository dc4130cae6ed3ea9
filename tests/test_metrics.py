"""Truth matching and tracking performance (fasttrack.metrics)."""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from typing import Any

import awkward as ak
import numpy as np
import pytest

from fasttrack import detector, generate, metrics, truthtrack
from fasttrack.events import Events

DET = detector.telescope()
PARTICLE_FIELDS = {
    "particle_id": np.int32,
    "pt_gev": np.float64,
    "eta": np.float64,
    "phi": np.float64,
    "n_layers": np.int32,
    "reconstructable": bool,
    "x_ref_mm": np.float64,
    "tx": np.float64,
}


def particle(
    pid: int, *, pt: float = 2.0, x_ref: float = 0.0, tx: float = 0.0, reco: bool = True, **extra: float
) -> dict[str, Any]:
    return {
        "particle_id": pid,
        "pt_gev": pt,
        "eta": 1.0,
        "phi": 0.0,
        "n_layers": 8,
        "reconstructable": reco,
        "x_ref_mm": x_ref,
        "tx": tx,
        **extra,
    }


def make_events(hit_pids: Sequence[Sequence[int]], particles: Sequence[Sequence[dict[str, Any]]]) -> Events:
    """Events whose hits carry the given particle ids (hit_id = position in the event).

    Built from flat typed columns so that empty events keep their record types.
    """
    n_hits = np.array([len(h) for h in hit_pids], dtype=np.int64)
    pid = np.array([p for h in hit_pids for p in h], dtype=np.int32)
    local = np.arange(len(pid)) - np.repeat(np.cumsum(n_hits) - n_hits, n_hits)
    hits = ak.unflatten(
        ak.zip(
            {
                "hit_id": local.astype(np.int32),
                "layer": (local % DET.n_layers).astype(np.int32),
                "particle_id": pid,
                "x": np.zeros(len(pid)),
            }
        ),
        n_hits,
    )
    flat = [p for ps in particles for p in ps]
    names = dict.fromkeys(list(PARTICLE_FIELDS) + [k for p in flat for k in p])
    cols = {k: np.array([p[k] for p in flat], dtype=PARTICLE_FIELDS.get(k, np.float64)) for k in names}
    parts = ak.unflatten(ak.zip(cols), np.array([len(ps) for ps in particles], dtype=np.int64))
    return Events(DET, hits, parts)


def tracks_of(per_event: Sequence[Sequence[dict[str, Any]]]) -> ak.Array:
    return ak.Array([list(ev) for ev in per_event])


# --- perfect reconstruction ---------------------------------------------------------------
def test_perfect_reconstruction() -> None:
    ev = make_events(
        [[1] * 8 + [2] * 8 + [0, 0], [1] * 8],
        [[particle(1, x_ref=1.5, tx=0.01), particle(2, x_ref=-3.0, tx=-0.02)], [particle(1, x_ref=7.0, tx=0.0)]],
    )
    tracks = tracks_of(
        [
            [
                {"hit_ids": list(range(8)), "x_ref_mm": 1.5, "tx": 0.01, "x_ref_mm_err": 0.1, "tx_err": 1e-3},
                {"hit_ids": list(range(8, 16)), "x_ref_mm": -3.0, "tx": -0.02, "x_ref_mm_err": 0.1, "tx_err": 1e-3},
            ],
            [{"hit_ids": list(range(8)), "x_ref_mm": 7.0, "tx": 0.0, "x_ref_mm_err": 0.1, "tx_err": 1e-3}],
        ]
    )
    assert metrics.match_tracks_by_hits(ev, tracks).tolist() == [[1, 2], [1]]
    perf = metrics.evaluate(ev, tracks)
    assert (perf.n_events, perf.n_tracks, perf.n_particles, perf.n_matched_particles) == (2, 3, 3, 3)
    assert perf.efficiency == 1.0
    assert perf.fake_rate == 0.0
    assert perf.duplicate_rate == 0.0
    assert perf.duplicates_per_matched_particle == 0.0
    assert list(perf.resolution) == ["tx", "x_ref_mm"]  # the track model's order: (slope, position)
    for name, res in perf.resolution.items():
        assert (res.n, res.mean, res.std, res.width68) == (3, 0.0, 0.0, 0.0), name
        assert (res.pull_n, res.pull_mean, res.pull_std) == (3, 0.0, 0.0), name
        np.testing.assert_array_equal(perf.residuals[name], np.zeros(3))
    np.testing.assert_array_equal(perf.particles["matched"], [True, True, True])
    np.testing.assert_array_equal(perf.particles["event"], [0, 0, 1])
    lo, hi = perf.efficiency_interval
    assert hi == 1.0 and 0.5 < lo < 1.0


def test_residuals_follow_the_track_parameters() -> None:
    """A planted parameter offset shows up exactly in the residuals and pulls."""
    ev = make_events([[1] * 8, [1] * 8], [[particle(1, x_ref=1.0)], [particle(1, x_ref=2.0)]])
    tracks = tracks_of(
        [
            [{"hit_ids": list(range(8)), "x_ref_mm": 1.25, "x_ref_mm_err": 0.5}],
            [{"hit_ids": list(range(8)), "x_ref_mm": 1.75, "x_ref_mm_err": 0.25}],
        ]
    )
    perf = metrics.evaluate(ev, tracks)
    np.testing.assert_allclose(perf.residuals["x_ref_mm"], [0.25, -0.25])
    np.testing.assert_allclose(perf.pulls["x_ref_mm"], [0.5, -1.0])
    res = perf.resolution["x_ref_mm"]
    assert res.mean == pytest.approx(0.0) and res.std == pytest.approx(0.25)
    assert "tx" not in perf.resolution  # the tracks carry no tx


# --- ghosts, clones, the 70 % boundary ----------------------------------------------------
def test_ghost_tracks_are_fakes() -> None:
    ev = make_events([[1] * 10 + [2] * 10 + [0] * 5], [[particle(1), particle(2)]])
    half_noise = list(range(5)) + list(range(20, 25))  # 5 of p1 + 5 noise: 50 %
    mixed = [0, 1, 2, 3, 10, 11, 12, 13, 20, 21]  # 4 p1 + 4 p2 + 2 noise
    tracks = tracks_of([[{"hit_ids": half_noise}, {"hit_ids": mixed}, {"hit_ids": []}]])
    assert metrics.match_tracks_by_hits(ev, tracks).tolist() == [[0, 0, 0]]
    perf = metrics.evaluate(ev, tracks)
    assert (perf.n_tracks, perf.n_fake_tracks, perf.n_duplicate_tracks) == (3, 3, 0)
    assert perf.fake_rate == 1.0
    # a fake holding a particle's hits does not make the particle found
    assert perf.n_matched_particles == 0 and perf.efficiency == 0.0
    assert math.isnan(perf.duplicates_per_matched_particle)


def test_clone_tracks_are_duplicates_and_the_best_track_has_most_hits() -> None:
    ev = make_events([[1] * 10 + [0] * 2], [[particle(1, x_ref=0.0)]])
    tracks = tracks_of(
        [
            [
                {"hit_ids": list(range(8)), "x_ref_mm": 0.5},  # first, 8 hits
                {"hit_ids": list(range(10)), "x_ref_mm": 0.1},  # best: all 10 hits
                {"hit_ids": [*range(2, 10), 10, 11], "x_ref_mm": 0.9},  # 8 of 10 hits + 2 noise
            ]
        ]
    )
    assert metrics.match_tracks_by_hits(ev, tracks).tolist() == [[1, 1, 1]]
    perf = metrics.evaluate(ev, tracks)
    assert perf.efficiency == 1.0
    assert (perf.n_fake_tracks, perf.n_duplicate_tracks) == (0, 2)
    assert perf.duplicate_rate == pytest.approx(2 / 3)
    assert perf.duplicates_per_matched_particle == 2.0
    np.testing.assert_allclose(perf.residuals["x_ref_mm"], [0.1])
    np.testing.assert_array_equal(perf.particles["n_tracks"], [3])


def test_equal_hit_counts_pick_the_first_track() -> None:
    ev = make_events([[1] * 8], [[particle(1)]])
    tracks = tracks_of([[{"hit_ids": [0, 1, 2, 3], "x_ref_mm": 0.3}, {"hit_ids": [4, 5, 6, 7], "x_ref_mm": 0.7}]])
    perf = metrics.evaluate(ev, tracks)
    np.testing.assert_allclose(perf.residuals["x_ref_mm"], [0.3])


@pytest.mark.parametrize(("n_own", "matched"), [(7, True), (6, False)])
@pytest.mark.parametrize("other", [0, 2])  # the remaining hits: noise or another particle
def test_seventy_percent_boundary(n_own: int, matched: bool, other: int) -> None:
    ev = make_events([[1] * 10 + [other] * 10], [[particle(1), particle(2)]])
    hit_ids = list(range(n_own)) + list(range(10, 10 + 10 - n_own))
    tracks = tracks_of([[{"hit_ids": hit_ids}]])
    assert metrics.match_tracks_by_hits(ev, tracks).tolist() == [[1 if matched else 0]]
    perf = metrics.evaluate(ev, tracks)
    assert perf.n_fake_tracks == (0 if matched else 1)
    assert perf.n_matched_particles == (1 if matched else 0)


def test_min_fraction_is_a_parameter_and_must_exceed_one_half() -> None:
    ev = make_events([[1] * 7 + [0] * 3], [[particle(1)]])
    tracks = tracks_of([[{"hit_ids": list(range(10))}]])
    assert metrics.match_tracks_by_hits(ev, tracks, min_fraction=0.8).tolist() == [[0]]
    assert metrics.match_tracks_by_hits(ev, tracks, min_fraction=0.6).tolist() == [[1]]
    for bad in (0.5, 0.2, 1.1):
        with pytest.raises(ValueError, match="min_fraction"):
            metrics.match_tracks_by_hits(ev, tracks, min_fraction=bad)


def test_unknown_hit_id_names_event_and_track() -> None:
    ev = make_events([[1] * 8, [1] * 8], [[particle(1)], [particle(1)]])
    tracks = tracks_of([[{"hit_ids": [0, 1]}], [{"hit_ids": [0, 1]}, {"hit_ids": [2, 99]}]])
    with pytest.raises(ValueError, match=r"event 1, track 1: hit_id 99 is not a hit"):
        metrics.match_tracks_by_hits(ev, tracks)
    with pytest.raises(ValueError, match=r"event 0, track 0: hit_id -1"):
        metrics.evaluate(ev, tracks_of([[{"hit_ids": [-1]}], []]))


def test_hit_listed_twice_is_an_error() -> None:
    ev = make_events([[1] * 8], [[particle(1)]])
    with pytest.raises(ValueError, match=r"event 0, track 0: hit_id 3 is listed twice"):
        metrics.match_tracks_by_hits(ev, tracks_of([[{"hit_ids": [1, 3, 2, 3]}]]))


def test_bad_track_input() -> None:
    ev = make_events([[1] * 8, []], [[particle(1)], []])
    with pytest.raises(ValueError, match="tracks hold 1 events but the sample has 2"):
        metrics.evaluate(ev, tracks_of([[{"hit_ids": [0]}]]))
    with pytest.raises(ValueError, match="no field 'hit_ids'"):
        metrics.evaluate(ev, tracks_of([[{"x_ref_mm": 0.0}], []]))
    with pytest.raises(ValueError, match="match must be"):
        metrics.evaluate(ev, tracks_of([[], []]), match="chi2")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="no truth particles"):
        metrics.evaluate(Events(DET, ev.hits, None), tracks_of([[], []]))
    with pytest.raises(ValueError, match="particle_id 5, which is not a particle"):
        metrics.evaluate(make_events([[5] * 8], [[particle(1)]]), tracks_of([[{"hit_ids": list(range(8))}]]))


# --- selection ----------------------------------------------------------------------------
def test_pt_min_and_unreconstructable_particles() -> None:
    ev = make_events(
        [[1] * 8 + [2] * 8 + [3] * 3], [[particle(1, pt=1.0), particle(2, pt=3.0), particle(3, pt=5.0, reco=False)]]
    )
    tracks = tracks_of([[{"hit_ids": list(range(8))}, {"hit_ids": [16, 17, 18]}, {"hit_ids": [16, 17]}]])
    perf = metrics.evaluate(ev, tracks)
    assert (perf.n_particles, perf.n_matched_particles, perf.efficiency) == (2, 1, 0.5)
    # tracks on the unreconstructable particle are matched, not fakes; its clone is a duplicate
    assert (perf.n_fake_tracks, perf.n_tracks_outside, perf.n_duplicate_tracks) == (0, 2, 1)
    assert perf.duplicate_rate == pytest.approx(1 / 3)
    assert perf.duplicates_per_matched_particle == 0.0  # selected particles only
    high = metrics.evaluate(ev, tracks, pt_min_gev=2.0)
    assert (high.n_particles, high.n_matched_particles, high.efficiency) == (1, 0, 0.0)
    assert (high.n_fake_tracks, high.n_tracks_outside, high.n_duplicate_tracks) == (0, 3, 1)
    np.testing.assert_array_equal(high.particles["pt_gev"], [3.0])


# --- parameter matching -------------------------------------------------------------------
def test_parameter_matching_windows() -> None:
    ev = make_events([[]], [[particle(1, x_ref=0.0, tx=0.0), particle(2, x_ref=1.0, tx=0.0)]])
    windows = {"x_ref_mm": 0.6, "tx": 0.01}
    cases = [  # (x_ref, tx, expected particle)
        (0.1, 0.0, 1),
        (0.55, 0.0, 2),  # both inside, p2 nearer
        (0.5, 0.0, 1),  # equidistant: the first particle
        (0.45, 0.009, 1),  # D²(p1) = 0.75² + 0.9² = 1.37 < D²(p2) = 0.917² + 0.9² = 1.65
        (3.0, 0.0, 0),  # outside every window
        (0.0, 0.01, 0),  # |Δtx| == window is outside (strict)
        (0.0, -0.0099, 1),
        (math.nan, 0.0, 0),  # NaN matches nothing
    ]
    tracks = tracks_of([[{"x_ref_mm": x, "tx": t} for x, t, _ in cases]])
    got = metrics.match_tracks_by_params(ev, tracks, windows).tolist()
    assert got == [[p for _, _, p in cases]]
    perf = metrics.evaluate(ev, tracks, match="params", windows=windows)
    assert perf.match == "params" and perf.min_fraction is None
    assert (perf.n_tracks, perf.n_fake_tracks, perf.n_matched_particles) == (8, 3, 2)
    assert perf.n_duplicate_tracks == 3  # 5 matched tracks on 2 particles
    # best track = smallest D²: (0.0, -0.0099) is further than (0.1, 0) for p1
    np.testing.assert_allclose(perf.residuals["x_ref_mm"], [0.1, -0.45])
    # a narrower window on x leaves only the tracks within 0.44 mm of a particle
    narrow = metrics.match_tracks_by_params(ev, tracks, {"x_ref_mm": 0.44, "tx": 0.01})
    assert narrow.tolist() == [[1, 0, 0, 0, 0, 0, 1, 0]]


def test_parameter_matching_wraps_angles() -> None:
    ev = make_events([[]], [[particle(1, phi_t=3.1)]])
    tracks = tracks_of([[{"phi_t": -3.1}, {"phi_t": 2.9}]])
    assert metrics.match_tracks_by_params(ev, tracks, {"phi_t": 0.1}).tolist() == [[1, 0]]
    perf = metrics.evaluate(ev, tracks, match="params", windows={"phi_t": 0.1}, params=["phi_t"])
    np.testing.assert_allclose(perf.residuals["phi_t"], [2 * math.pi - 6.2])


def test_parameter_matching_input_errors() -> None:
    ev = make_events([[]], [[particle(1)]])
    tracks = tracks_of([[{"x_ref_mm": 0.0}]])
    with pytest.raises(ValueError, match="needs windows"):
        metrics.evaluate(ev, tracks, match="params")
    with pytest.raises(ValueError, match="window for 'x_ref_mm' must be finite and > 0"):
        metrics.match_tracks_by_params(ev, tracks, {"x_ref_mm": 0.0})
    with pytest.raises(ValueError, match="tracks have no field 'tx'"):
        metrics.match_tracks_by_params(ev, tracks, {"x_ref_mm": 1.0, "tx": 0.1})


# --- empty samples ------------------------------------------------------------------------
def _assert_empty_rates(perf: metrics.TrackingPerformance) -> None:
    assert perf.n_tracks == 0
    assert math.isnan(perf.fake_rate) and math.isnan(perf.duplicate_rate)
    json.loads(perf.to_json(include_arrays=True))
    assert "efficiency" in perf.table()


@pytest.mark.parametrize("empty_tracks", ["typed", "untyped"])
def test_empty_samples(empty_tracks: str) -> None:
    # no events at all
    ev0 = make_events([], [])
    perf = metrics.evaluate(ev0, ak.Array([]))
    _assert_empty_rates(perf)
    assert perf.n_events == 0 and perf.n_particles == 0 and math.isnan(perf.efficiency)
    edges, eff, lo, hi = perf.efficiency_vs("pt_gev", 4)
    assert len(edges) == 5 and np.isnan(eff).all() and np.isnan(lo).all() and np.isnan(hi).all()
    # events without hits or particles
    ev = make_events([[], [], []], [[], [], []])
    tracks = (
        tracks_of([[], [], []])
        if empty_tracks == "untyped"
        else tracks_of([[{"hit_ids": [0], "x_ref_mm": 0.0}], [], []])[:, :0]
    )
    assert len(tracks.fields) == (0 if empty_tracks == "untyped" else 2)
    for match, kw in (("hits", {}), ("params", {"windows": {"x_ref_mm": 1.0}})):
        perf = metrics.evaluate(ev, tracks, match=match, **kw)  # type: ignore[arg-type]
        _assert_empty_rates(perf)
        assert perf.n_events == 3 and math.isnan(perf.efficiency)
        assert perf.to_dict()["efficiency"] is None
    assert metrics.match_tracks_by_hits(ev, tracks).tolist() == [[], [], []]
    # particles but no tracks: efficiency 0, rates NaN
    ev = make_events([[1] * 8, []], [[particle(1)], []])
    perf = metrics.evaluate(ev, tracks_of([[], []]))
    _assert_empty_rates(perf)
    assert (perf.n_particles, perf.efficiency) == (1, 0.0)


# --- statistics and output ----------------------------------------------------------------
def test_wilson_interval() -> None:
    lo, hi = metrics.wilson_interval(np.array([7, 0, 10, 0]), np.array([10, 10, 10, 0]))
    # k=7, n=10, z=1: centre (0.7 + 0.05)/1.1, half sqrt(0.7·0.3/10 + 1/400)/1.1
    half = math.sqrt(0.021 + 0.0025)
    np.testing.assert_allclose([lo[0], hi[0]], [(0.75 - half) / 1.1, (0.75 + half) / 1.1])
    assert (lo[1], hi[2]) == (0.0, 1.0)
    assert 0.0 < hi[1] < 0.1 and 0.9 < lo[2] < 1.0
    assert np.isnan(lo[3]) and np.isnan(hi[3])
    lo2, hi2 = metrics.wilson_interval(7, 10, z=2.0)  # 95.45 %: centre 0.9/1.4
    half = 2.0 * math.sqrt(0.021 + 0.01)
    np.testing.assert_allclose([lo2, hi2], [(0.9 - half) / 1.4, (0.9 + half) / 1.4])


def test_resolution_statistics() -> None:
    grid = metrics.ParameterResolution.from_arrays("x", np.arange(101.0), np.arange(101.0) / 50)
    assert (grid.n, grid.mean, grid.pull_n) == (101, 50.0, 101)
    assert grid.pull_mean == pytest.approx(1.0)
    assert grid.std == pytest.approx(np.arange(101.0).std())
    # linear quantiles of 0..100 at 15.87 % and 84.13 %
    assert grid.width68 == pytest.approx(84.1344746 - 50.0)
    gauss = np.random.default_rng(1).normal(0.0, 2.0, 100_000)
    gauss[:2000] = 1e3  # 2 % far tails: the std explodes, the 68 % width hardly moves
    res = metrics.ParameterResolution.from_arrays("x", np.append(gauss, [np.nan, np.inf]))
    assert res.n == 100_000 and res.pull_n == 0 and math.isnan(res.pull_mean)
    assert res.std > 100 and res.width68 == pytest.approx(2.0, rel=0.05)


def test_efficiency_vs() -> None:
    ev = make_events(
        [[1] * 8 + [3] * 8], [[particle(1, pt=1.0), particle(2, pt=1.5), particle(3, pt=3.0), particle(4, pt=4.0)]]
    )
    tracks = tracks_of([[{"hit_ids": list(range(8))}, {"hit_ids": list(range(8, 16))}]])
    perf = metrics.evaluate(ev, tracks)
    edges, eff, lo_err, hi_err = perf.efficiency_vs("pt_gev", [0.0, 2.0, 5.0, 10.0])
    np.testing.assert_array_equal(edges, [0.0, 2.0, 5.0, 10.0])
    np.testing.assert_array_equal(eff[:2], [0.5, 0.5])
    assert np.isnan(eff[2])
    lo, hi = metrics.wilson_interval(1, 2)
    np.testing.assert_allclose([lo_err[0], hi_err[0]], [0.5 - lo, hi - 0.5])
    edges, eff, _, _ = perf.efficiency_vs("pt_gev", 3)
    np.testing.assert_allclose(edges, [1.0, 2.0, 3.0, 4.0])
    np.testing.assert_array_equal(eff, [0.5, np.nan, 0.5])
    with pytest.raises(ValueError, match="no per-particle variable 'charge'"):
        perf.efficiency_vs("charge")
    with pytest.raises(ValueError, match="increasing"):
        perf.efficiency_vs("eta", [1.0, 0.0])


def test_to_dict_is_strict_json_and_table_is_aligned() -> None:
    ev = make_events([[1] * 8, [2] * 8], [[particle(1)], [particle(2)]])
    tracks = tracks_of([[{"hit_ids": list(range(8)), "x_ref_mm": 0.5, "tx": math.nan}], []])
    perf = metrics.evaluate(ev, tracks)
    d = json.loads(perf.to_json(include_arrays=True))
    assert d["n_matched_particles"] == 1 and d["efficiency"] == 0.5
    assert d["resolution"]["x_ref_mm"]["mean"] == 0.5
    assert d["resolution"]["tx"]["n"] == 0 and d["resolution"]["tx"]["mean"] is None
    assert d["residuals"]["tx"] == [None]
    assert d["particles"]["matched"] == [True, False]
    assert set(perf.to_dict()) <= set(d) and "residuals" not in perf.to_dict()
    table = perf.table()
    assert str(perf) == table
    summary = [line for line in table.splitlines()[1:] if line.startswith("  ") and not line.startswith("    ")][:-1]
    starts = {len(line) - len(line[2:].split("  ", 1)[1].lstrip()) for line in summary}
    assert len(starts) == 1, table  # values in one column
    assert "x_ref_mm" in table and "0.5000" in table


# --- generated samples --------------------------------------------------------------------
def group_by_truth(ev: Events) -> ak.Array:
    """Tracks = the hits of each particle with hits, noise left out (built here, independently)."""
    hits = ev.hits[ev.hits.particle_id > 0]
    hits = hits[ak.argsort(hits.particle_id, axis=1, stable=True)]
    runs = ak.flatten(ak.run_lengths(hits.particle_id), axis=1)
    grouped = ak.unflatten(hits, runs, axis=1)
    return ak.zip({"hit_ids": grouped.hit_id, "particle_id": ak.firsts(grouped.particle_id, axis=2)}, depth_limit=2)


@pytest.fixture(scope="module")
def telescope_sample() -> Events:
    return generate.generate(DET, 300, seed=11)


def test_tracks_from_the_truth_give_full_efficiency(telescope_sample: Events) -> None:
    ev = telescope_sample
    tracks = group_by_truth(ev)
    np.testing.assert_array_equal(ak.flatten(metrics.match_tracks_by_hits(ev, tracks)), ak.flatten(tracks.particle_id))
    perf = metrics.evaluate(ev, tracks)
    n_reco = int(ak.sum(ev.particles.reconstructable))
    assert n_reco > 500 and perf.n_particles == n_reco
    assert perf.efficiency == 1.0
    assert (perf.fake_rate, perf.duplicate_rate) == (0.0, 0.0)
    assert perf.n_tracks == int(ak.sum(ev.particles.n_hits > 0))
    assert perf.n_tracks_outside == perf.n_tracks - n_reco


def test_truth_tracking_resolution_and_pulls(telescope_sample: Events) -> None:
    """fasttrack.truthtrack (ideal tracks + fit): full efficiency and unit pulls."""
    ev = telescope_sample
    perf = metrics.evaluate(ev, truthtrack.find(ev))
    assert perf.efficiency == 1.0 and perf.fake_rate == 0.0
    for name in ("x_ref_mm", "tx"):
        res = perf.resolution[name]
        assert res.n == perf.n_particles and res.pull_n == perf.n_particles
        assert abs(res.pull_mean) < 0.2 and 0.8 < res.pull_std < 1.2, (name, res)
    assert 0.005 < perf.resolution["x_ref_mm"].width68 < 0.05  # mm: 183 um / sqrt(12 * 8)


def test_a_lost_track_lowers_the_efficiency(telescope_sample: Events) -> None:
    ev = telescope_sample
    tracks = group_by_truth(ev)
    lost = tracks[:, 1:]  # planted bug: the first track of every event goes missing
    perf = metrics.evaluate(ev, lost)
    dropped = tracks.particle_id[:, :1] - 1  # generated particles are numbered 1, 2, ...
    n_lost = int(ak.sum(ev.particles.reconstructable[dropped]))
    assert n_lost > 0
    assert perf.n_matched_particles == perf.n_particles - n_lost
    assert perf.efficiency < 1.0


def test_parameter_matching_on_a_generated_sample(telescope_sample: Events) -> None:
    ev = telescope_sample
    ideal = truthtrack.find(ev)
    by_hits = metrics.evaluate(ev, ideal)
    windows = {p: 5 * by_hits.resolution[p].width68 for p in ("x_ref_mm", "tx")}
    perf = metrics.evaluate(ev, ideal, match="params", windows=windows)
    assert perf.efficiency > 0.97 and perf.fake_rate < 0.03
    narrow = metrics.evaluate(ev, ideal, match="params", windows={p: w / 10 for p, w in windows.items()})
    assert narrow.efficiency < perf.efficiency - 0.2


@pytest.mark.parametrize("name", ["barrel", "velo"])
def test_ideal_tracks_in_other_detectors(name: str) -> None:
    ev = generate.generate(detector.preset(name), 4, seed=2)
    perf = metrics.evaluate(ev, group_by_truth(ev))
    assert perf.n_particles > 0 and perf.efficiency == 1.0 and perf.fake_rate == 0.0

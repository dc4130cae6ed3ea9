"""Retina throughput: the numba reference beside a naive dense numpy retina, per preset and mode.

Each group ``retina-<preset>-<mode>`` holds two benchmarks on the same events:
``test_retina_naive_baseline`` (the baseline, :mod:`benchmarks.naive_retina`: every hit
against every cell, numpy) and ``test_retina_numba`` (``Retina(cfg).run``, the reference,
parallel over events). Every timed result is checked against the other implementation:
fixed mode bit for bit (maps, track cells, raw centroid offsets, quality, counters); float
mode the track cells and counters exactly, the maps and quality to a relative 1e-12 and
the offsets to 1e-9 (sums in another order round differently).

``make bench`` times them; under ``make test`` (``--benchmark-disable``) each runs once
as a test. Compare the two rows of a group with ``--benchmark-group-by=group``; events/s
is in each benchmark's ``extra_info``.

Two plain tests check the cross-check itself: the implementations also agree at the
limits (hits and maxima beyond capacity, saturated accumulators), and a planted bug (an
accumulator off by one LSB, a lost track, an offset off by one LSB) makes it fail.
"""

from __future__ import annotations

import dataclasses
import functools
import time
from collections.abc import Callable
from typing import Any, Literal, TypeVar

import awkward as ak
import numpy as np
import pytest

from fasttrack import detector, generate
from fasttrack.events import Events
from fasttrack.retina import Retina, RetinaConfig, RetinaOutput

from .naive_retina import NaiveOutput, naive_run

# events per timed call: the naive retina takes about 0.2-2.5 s for these (one core)
N_EVENTS = {"telescope": 200, "barrel": 200, "velo": 10}
Mode = Literal["float", "fixed"]
MODES: tuple[Mode, ...] = ("float", "fixed")
SEED = 2024
CASES: list[tuple[str, Mode]] = [(name, mode) for name in N_EVENTS for mode in MODES]

T = TypeVar("T")


@functools.cache
def _case(name: str) -> tuple[RetinaConfig, Events]:
    det = detector.preset(name)
    return RetinaConfig.for_detector(det), generate.generate(det, N_EVENTS[name], seed=SEED, progress=False)


@functools.cache
def _retina(cfg: RetinaConfig) -> Retina:
    return Retina(cfg)


# the naive result of each case, kept from its benchmark (or computed) for the numba benchmark to check against
_NAIVE: dict[tuple[str, Mode], NaiveOutput] = {}


def _naive_expected(name: str, mode: Mode) -> NaiveOutput:
    if (name, mode) not in _NAIVE:
        cfg, events = _case(name)
        _NAIVE[name, mode] = naive_run(cfg, events, mode)
    return _NAIVE[name, mode]


def _flat(tracks: ak.Array, field: str) -> np.ndarray:
    return np.asarray(ak.flatten(tracks[field], axis=1))


def assert_same(out: RetinaOutput, naive: NaiveOutput) -> None:
    """The numba reference's output equals the naive one (bit for bit in fixed mode)."""
    assert out.maps is not None, "run the reference with keep_maps=True"
    eq = np.testing.assert_array_equal
    eq(out.n_hits_dropped, naive.n_hits_dropped, err_msg="hits dropped")
    eq(out.n_hits_unreached, naive.n_hits_unreached, err_msg="hits reaching no cell")
    eq(out.n_candidates, naive.n_maxima, err_msg="maxima")
    eq(np.asarray(ak.num(out.tracks, axis=1)), naive.n_tracks, err_msg="tracks per event")
    eq(_flat(out.tracks, "cell_a"), naive.cell_a, err_msg="cell_a")
    eq(_flat(out.tracks, "cell_b"), naive.cell_b, err_msg="cell_b")
    if out.mode == "fixed":
        eq(out.maps, naive.maps, err_msg="accumulators")
        eq(_flat(out.tracks, "off_a_hw"), naive.off_a, err_msg="off_a_hw")
        eq(_flat(out.tracks, "off_b_hw"), naive.off_b, err_msg="off_b_hw")
        eq(_flat(out.tracks, "quality"), naive.quality, err_msg="quality")
    else:
        close = np.testing.assert_allclose
        close(out.maps, naive.maps, rtol=1e-12, atol=0, err_msg="response maps")
        close(_flat(out.tracks, "quality"), naive.quality, rtol=1e-12, atol=0, err_msg="quality")
        close(_flat(out.tracks, "off_a"), naive.off_a, rtol=0, atol=1e-9, err_msg="off_a")
        close(_flat(out.tracks, "off_b"), naive.off_b, rtol=0, atol=1e-9, err_msg="off_b")


def _timed(benchmark: Any, fn: Callable[[], T], n_events: int) -> T:
    """Benchmark ``fn`` and record events/s (from the stats, or the single run under --benchmark-disable)."""
    durations: list[float] = []

    def run() -> T:
        t0 = time.perf_counter()
        result = fn()
        durations.append(time.perf_counter() - t0)
        return result

    result = benchmark(run)
    stats = getattr(benchmark, "stats", None)
    seconds = stats.stats.mean if stats is not None else float(np.mean(durations))
    benchmark.extra_info["events"] = n_events
    benchmark.extra_info["events_per_s"] = n_events / seconds
    return result


# the baseline first, so its (timed) result is at hand when the reference's benchmark checks against it
@pytest.mark.parametrize(("name", "mode"), CASES, ids=[f"{n}-{m}" for n, m in CASES])
def test_retina_naive_baseline(benchmark: Any, name: str, mode: Mode) -> None:
    cfg, events = _case(name)
    benchmark.group = f"retina-{name}-{mode}"
    naive = _timed(benchmark, lambda: naive_run(cfg, events, mode), len(events))
    _NAIVE[name, mode] = naive
    benchmark.extra_info["implementation"] = "naive dense numpy, cells x hits (baseline)"
    assert_same(_retina(cfg).run(events, mode, keep_maps=True), naive)


@pytest.mark.parametrize(("name", "mode"), CASES, ids=[f"{n}-{m}" for n, m in CASES])
def test_retina_numba(benchmark: Any, name: str, mode: Mode) -> None:
    cfg, events = _case(name)
    retina = _retina(cfg)
    for _ in range(2):  # warm up: numba compiles or loads its cache, threads start
        retina.run(events, mode, keep_maps=True)
    benchmark.group = f"retina-{name}-{mode}"
    out = _timed(benchmark, lambda: retina.run(events, mode, keep_maps=True), len(events))
    benchmark.extra_info["implementation"] = "numba reference, Retina.run (baseline: naive dense numpy)"
    benchmark.extra_info["hits_per_event"] = float(events.n_hits.mean())
    benchmark.extra_info["tracks_per_event"] = float(np.mean(ak.num(out.tracks, axis=1)))
    assert out.mode == mode and len(out.n_candidates) == len(events)
    assert_same(out, _naive_expected(name, mode))


# ------------------------------------------------------------------------------------------
# plain tests of the cross-check itself (cheap; not benchmarks)
# ------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("name", "n_events", "changes"),
    [
        ("telescope", 50, dict(max_hits=12)),  # hits dropped
        ("telescope", 50, dict(max_tracks=1)),  # maxima dropped
        ("barrel", 30, dict(max_hits=30)),
        ("barrel", 30, dict(max_tracks=1)),
        ("velo", 2, dict(acc_bits="narrowest")),  # the accumulators saturate: plateaus of maxima
    ],
    ids=["telescope-max_hits", "telescope-max_tracks", "barrel-max_hits", "barrel-max_tracks", "velo-saturation"],
)
@pytest.mark.parametrize("mode", MODES)
def test_naive_equals_reference_at_limits(name: str, n_events: int, changes: dict[str, Any], mode: Mode) -> None:
    cfg, events = _case(name)
    if changes.get("acc_bits") == "narrowest":  # the smallest width the config accepts
        changes = changes | dict(acc_bits=max(cfg.threshold_hw.bit_length(), cfg.weight_bits))
    cfg = dataclasses.replace(cfg, **changes)
    events = events[:n_events]
    out = Retina(cfg).run(events, mode, keep_maps=True)
    naive = naive_run(cfg, events, mode)
    assert_same(out, naive)
    if "max_hits" in changes:
        assert out.hit_overflow.any()
    if "max_tracks" in changes:
        assert out.track_overflow.any()
    if mode == "fixed" and "acc_bits" in changes:
        assert np.any(out.maps == cfg.acc_max)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("plant", ["map-lsb", "lost-track", "offset-lsb"])
def test_cross_check_catches_planted_bugs(mode: Mode, plant: str) -> None:
    cfg, events = _case("telescope")
    events = events[:20]
    out = Retina(cfg).run(events, mode, keep_maps=True)
    naive = naive_run(cfg, events, mode)
    assert_same(out, naive)
    assert len(naive.cell_a) > 0
    if plant == "map-lsb":
        maps = naive.maps.copy()
        maps[0, 0, 0] += 1 if mode == "fixed" else 1e-6
        bad = dataclasses.replace(naive, maps=maps)
    elif plant == "lost-track":
        n_tracks = naive.n_tracks.copy()
        e = int(np.flatnonzero(n_tracks)[0])
        n_tracks[e] -= 1
        k = int(naive.n_tracks[:e].sum())
        bad = dataclasses.replace(
            naive,
            n_tracks=n_tracks,
            **{f: np.delete(getattr(naive, f), k) for f in ("cell_a", "cell_b", "off_a", "off_b", "quality")},
        )
    else:
        off_a = naive.off_a.copy()
        off_a[0] += 1 if mode == "fixed" else 1e-6
        bad = dataclasses.replace(naive, off_a=off_a)
    with pytest.raises(AssertionError):
        assert_same(out, bad)

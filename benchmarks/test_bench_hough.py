"""Hough throughput: the numba reference beside a naive numpy Hough, per preset and mode.

Each group ``hough-<preset>-<mode>`` holds two benchmarks on the same events:
``test_hough_naive_baseline`` (the baseline, :mod:`benchmarks.naive_hough`: all hits ×
all columns at once, numpy) and ``test_hough_numba`` (``Hough(cfg).run``, the reference,
parallel over events). Every timed result is checked against the other implementation,
exactly in both modes: the layer-count maps, layer masks and per-cell hit counts, the
candidates (column, bin, sub-cell, layer mask, hit ids) and the per-event counters (the
parameters, the centres of the candidates' regions, are checked by tests/test_hough.py).
Float mode is exact too: both evaluate the same formulas in the same order on the same
doubles. The Hough has no ``velo`` config (it needs a 1D measurement).

``make bench`` times them; under ``make test`` (``--benchmark-disable``) each runs once
as a test. Compare the two rows of a group with ``--benchmark-group-by=group``; events/s
is in each benchmark's ``extra_info``.

Plain tests check the cross-check itself: the implementations also agree at the limits
(caps, list, hit and output capacities, the other duplicate rules, no mini-Hough), and
planted bugs (a shift-table entry off by one LSB, a lost candidate, a lost listed hit)
make it fail.
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
from fasttrack.hough import Hough, HoughConfig, HoughOutput

from . import naive_hough
from .naive_hough import NaiveOutput, naive_run

# events per timed call: the naive Hough takes about 0.6-1.2 s for these (one core)
N_EVENTS = {"barrel": 2000, "telescope": 1500}
Mode = Literal["float", "fixed"]
MODES: tuple[Mode, ...] = ("float", "fixed")
SEED = 2024
CASES: list[tuple[str, Mode]] = [(name, mode) for name in N_EVENTS for mode in MODES]

T = TypeVar("T")


@functools.cache
def _case(name: str) -> tuple[HoughConfig, Events]:
    det = detector.preset(name)
    return HoughConfig.for_detector(det), generate.generate(det, N_EVENTS[name], seed=SEED, progress=False)


@functools.cache
def _hough(cfg: HoughConfig) -> Hough:
    return Hough(cfg)


# the naive result of each case, kept from its benchmark (or computed) for the numba benchmark to check against
_NAIVE: dict[tuple[str, Mode], NaiveOutput] = {}


def _naive_expected(name: str, mode: Mode) -> NaiveOutput:
    if (name, mode) not in _NAIVE:
        cfg, events = _case(name)
        _NAIVE[name, mode] = naive_run(cfg, events, mode)
    return _NAIVE[name, mode]


def _flat(tracks: ak.Array, field: str) -> np.ndarray:
    return np.asarray(ak.flatten(tracks[field], axis=1))


def assert_same(out: HoughOutput, naive: NaiveOutput, cfg: HoughConfig) -> None:
    """The numba reference's output equals the naive one, exactly (both modes)."""
    assert out.maps is not None and out.masks is not None and out.hit_counts is not None, (
        "run the reference with keep_maps=True"
    )
    eq = np.testing.assert_array_equal
    for counter in ("n_hits_dropped", "n_fills_capped", "n_list_overflows", "n_hits_unfilled", "n_candidates"):
        eq(getattr(out, counter), getattr(naive, counter), err_msg=counter)
    eq(out.maps, naive.maps, err_msg="layer-count maps")
    eq(out.masks, naive.masks, err_msg="layer masks")
    eq(out.hit_counts, naive.hit_counts, err_msg="hits per cell")
    eq(np.asarray(ak.num(out.tracks, axis=1)), naive.n_tracks, err_msg="candidates per event")
    for field, naive_field in (("cell_a", "column"), ("cell_b", "bin"), ("sub", "sub"), ("layer_mask", "layer_mask")):
        eq(_flat(out.tracks, field), getattr(naive, naive_field), err_msg=field)
    eq(_flat(out.tracks, "n_layers"), [int(m).bit_count() for m in naive.layer_mask], err_msg="n_layers")
    # parameters: the reference reports the centre of each candidate's region
    # (fasttrack.hough.params), computed from the output compared above; the naive baseline
    # keeps the (sub-)cell centre, so they are not compared here. tests/test_hough.py checks
    # the region centres against its own golden model (configs without the φ wrap).
    eq(np.asarray(ak.flatten(ak.num(out.tracks.hit_ids, axis=2))), naive.n_hit_ids, err_msg="listed hits")
    eq(np.asarray(ak.flatten(out.tracks.hit_ids, axis=None)), naive.hit_ids, err_msg="hit ids")


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
def test_hough_naive_baseline(benchmark: Any, name: str, mode: Mode) -> None:
    cfg, events = _case(name)
    benchmark.group = f"hough-{name}-{mode}"
    naive = _timed(benchmark, lambda: naive_run(cfg, events, mode), len(events))
    _NAIVE[name, mode] = naive
    benchmark.extra_info["implementation"] = "naive numpy, hits x columns (baseline)"
    assert_same(_hough(cfg).run(events, mode, keep_maps=True), naive, cfg)


@pytest.mark.parametrize(("name", "mode"), CASES, ids=[f"{n}-{m}" for n, m in CASES])
def test_hough_numba(benchmark: Any, name: str, mode: Mode) -> None:
    cfg, events = _case(name)
    hough = _hough(cfg)
    for _ in range(2):  # warm up: numba compiles or loads its cache, threads start
        hough.run(events, mode, keep_maps=True)
    benchmark.group = f"hough-{name}-{mode}"
    out = _timed(benchmark, lambda: hough.run(events, mode, keep_maps=True), len(events))
    benchmark.extra_info["implementation"] = "numba reference, Hough.run (baseline: naive numpy)"
    benchmark.extra_info["hits_per_event"] = float(events.n_hits.mean())
    benchmark.extra_info["tracks_per_event"] = float(np.mean(ak.num(out.tracks, axis=1)))
    assert out.mode == mode and len(out.n_candidates) == len(events)
    assert len(_flat(out.tracks, "cell_a")) > 0, "no candidates: the comparison would be vacuous"
    assert_same(out, _naive_expected(name, mode), cfg)


# ------------------------------------------------------------------------------------------
# plain tests of the cross-check itself (cheap; not benchmarks)
# ------------------------------------------------------------------------------------------
# config changes (a dict value: per preset), and the counter or flag they must drive
LIMITS: dict[str, tuple[dict[str, Any], str | None]] = {
    "cap": (dict(max_bins_per_column=1), "n_fills_capped"),
    "cell-list": (dict(min_layers=3, max_hits_per_cell=3), "n_list_overflows"),
    "max_hits": (dict(max_hits={"barrel": 40, "telescope": 20}), "n_hits_dropped"),
    "max_tracks": (dict(max_tracks=1), "track_overflow"),
    "localmax": (dict(duplicate_rule="localmax", mini_hough=False), None),
    "localmax-mini": (dict(duplicate_rule="localmax"), None),
    "no-dup-removal": (dict(duplicate_rule="none", mini_hough=False), None),
    "sharing-1": (dict(dup_min_shared=1, mini_hough=False), None),
}


@pytest.mark.parametrize("limit", list(LIMITS))
@pytest.mark.parametrize("name", list(N_EVENTS))
@pytest.mark.parametrize("mode", MODES)
def test_naive_equals_reference_at_limits(name: str, limit: str, mode: Mode) -> None:
    changes, counter = LIMITS[limit]
    cfg, events = _case(name)
    cfg = dataclasses.replace(cfg, **{k: v[name] if isinstance(v, dict) else v for k, v in changes.items()})
    events = events[:60]
    out = Hough(cfg).run(events, mode, keep_maps=True)
    assert_same(out, naive_run(cfg, events, mode), cfg)
    assert len(_flat(out.tracks, "cell_a")) > 0
    if counter is not None:
        assert np.any(getattr(out, counter)), f"{limit}: {counter} never reached"


def _bumped_entry(cfg: HoughConfig, events: Events, fixed: bool) -> tuple[int, int, int]:
    """The interior column-edge entry (layer, edge) and the bump (+1 or −1 LSB) that moves
    the most of these events' line ends into the next bin, so that the planted bug is live.
    (Telescope hits sit on strip centres: in fixed mode only some entries can move an end.)"""
    _, cols = events.flat_hits()
    layer = cols["layer"].astype(np.int64)
    coord = cols[cfg.measurement_name].astype(np.float64)
    shift = naive_hough.edge_shifts(cfg, fixed)
    best = (0, 0, 0, 0)  # ends moved, layer, edge, bump
    for bump in (1, -1):
        if fixed:
            ends = cfg.quantize_coord(coord)[:, None] - shift[layer] - cfg.b_min_hw
            moved = ends // cfg.bin_width_hw != (ends - bump) // cfg.bin_width_hw
        else:
            ends = coord[:, None] - shift[layer] - cfg.b_min
            moved = np.floor(ends / cfg.delta_b) != np.floor((ends - bump * cfg.coord_lsb) / cfg.delta_b)
        per_entry = np.zeros(shift.shape, dtype=np.int64)
        np.add.at(per_entry, layer, moved)
        per_entry[:, [0, -1]] = 0  # interior edges: each bounds two columns
        l, e = np.unravel_index(np.argmax(per_entry), per_entry.shape)
        best = max(best, (int(per_entry[l, e]), int(l), int(e), bump))
    assert best[0] > 0, "no table entry off by one LSB would change these events"
    return best[1:]


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("plant", ["shift-entry", "lost-candidate", "lost-hit"])
def test_cross_check_catches_planted_bugs(monkeypatch: pytest.MonkeyPatch, mode: Mode, plant: str) -> None:
    cfg, events = _case("telescope")
    events = events[:30]
    out = Hough(cfg).run(events, mode, keep_maps=True)
    naive = naive_run(cfg, events, mode)
    assert_same(out, naive, cfg)
    assert len(naive.column) > 0
    if plant == "shift-entry":  # one entry of the column-edge table off by one LSB, in the naive Hough
        fixed = mode == "fixed"
        l, e, bump = _bumped_entry(cfg, events, fixed)
        right = naive_hough.edge_shifts

        def bumped(cfg_: HoughConfig, fixed_: bool, *, sub: bool = False) -> np.ndarray:
            table = np.array(right(cfg_, fixed_, sub=sub))
            if not sub:
                table[l, e] += bump if fixed_ else bump * cfg_.coord_lsb
            return table

        monkeypatch.setattr(naive_hough, "edge_shifts", bumped)
        bad = naive_run(cfg, events, mode)
        assert not np.array_equal(bad.hit_counts, naive.hit_counts), "the planted bug changed nothing"
    elif plant == "lost-candidate":
        n_tracks = naive.n_tracks.copy()
        ev = int(np.flatnonzero(n_tracks)[0])
        n_tracks[ev] -= 1
        k = int(naive.n_tracks[:ev].sum())  # the event's first candidate
        h = int(naive.n_hit_ids[:k].sum())
        per_track = ("column", "bin", "sub", "layer_mask", "a", "b", "n_hit_ids")
        bad = dataclasses.replace(
            naive,
            n_tracks=n_tracks,
            hit_ids=np.delete(naive.hit_ids, np.arange(h, h + naive.n_hit_ids[k])),
            **{f: np.delete(getattr(naive, f), k) for f in per_track},
        )
    else:  # the first candidate's last listed hit lost
        n_hit_ids = naive.n_hit_ids.copy()
        n_hit_ids[0] -= 1
        bad = dataclasses.replace(naive, n_hit_ids=n_hit_ids, hit_ids=np.delete(naive.hit_ids, naive.n_hit_ids[0] - 1))
    with pytest.raises(AssertionError):
        assert_same(out, bad, cfg)

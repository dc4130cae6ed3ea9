"""Physics studies of an algorithm on generated events: float vs fixed, per preset.

:func:`study` runs an algorithm of the registry (:mod:`fasttrack.algorithms`) in both
modes on the same events and returns the tracking performance of each
(:mod:`fasttrack.metrics`) and the fraction of events in which both modes find exactly the
same candidates (the algorithm's ``candidate_keys``), plus the algorithm's further study
variants (the Hough without duplicate removal). ``fasttrack evaluate`` prints it.

Example
-------
>>> from fasttrack import detector, generate
>>> from fasttrack.study import study
>>> ev = generate.generate(detector.telescope(), 50, seed=1)
>>> s = study("retina", ev)
>>> sorted(s)
['algorithm', 'config', 'config_hash', 'events', 'fixed', 'float', 'same_candidates_fraction']
"""

from __future__ import annotations

import time
import warnings
from collections.abc import Callable, Sequence
from functools import partial
from typing import Any

import awkward as ak
import numpy as np

from . import metrics
from .algorithms import MODES, get
from .events import Events

__all__ = ["format_study", "same_candidates_fraction", "study"]

#: at most this many overflowing events are listed by number in a study
MAX_LISTED = 100


def same_candidates_fraction(a: ak.Array, b: ak.Array, keys: Sequence[str] = ("cell_a", "cell_b")) -> float:
    """Fraction of events whose two track lists hold the same set of ``keys`` tuples.

    Vectorised (sets compared as sorted unique rows per event): a Python loop over events
    took most of the time of a 10⁷-event evaluation.

    >>> t = ak.Array([[{"cell_a": 1, "cell_b": 2}, {"cell_a": 1, "cell_b": 2}], [], [{"cell_a": 0, "cell_b": 5}]])
    >>> u = ak.Array([[{"cell_a": 1, "cell_b": 2}], [], [{"cell_a": 0, "cell_b": 4}]])
    >>> same_candidates_fraction(t, u)
    0.6666666666666666
    """
    n = len(a)
    if n != len(b):
        raise ValueError(f"same_candidates_fraction: {n} events against {len(b)}")
    if n == 0:
        return float("nan")
    ua, ca = _unique_rows(a, keys)
    ub, cb = _unique_rows(b, keys)
    same = ca == cb
    # where the counts agree, the sorted rows of both sides line up event by event
    ea, eb = same[np.repeat(np.arange(n), ca)], same[np.repeat(np.arange(n), cb)]
    differs = np.zeros(int(ca[same].sum()), dtype=bool)
    for col_a, col_b in zip(ua, ub, strict=True):
        differs |= col_a[ea] != col_b[eb]
    bad = np.repeat(np.arange(n), np.where(same, ca, 0))[differs]
    same[bad] = False
    return int(same.sum()) / n


def _unique_rows(tracks: ak.Array, keys: Sequence[str]) -> tuple[list[np.ndarray], np.ndarray]:
    """Per event, the distinct ``keys`` tuples in sorted order (flat columns) and their counts."""
    counts = np.asarray(ak.num(tracks, axis=1), dtype=np.int64)
    event = np.repeat(np.arange(len(counts)), counts)
    cols = [np.asarray(ak.flatten(tracks[k], axis=None), dtype=np.int64) for k in keys]
    order = np.lexsort([*cols[::-1], event])
    event, cols = event[order], [c[order] for c in cols]
    keep = np.ones(len(event), dtype=bool)
    if len(event) > 1:
        dup = event[1:] == event[:-1]
        for c in cols:
            dup &= c[1:] == c[:-1]
        keep[1:] = ~dup
    return [c[keep] for c in cols], np.bincount(event[keep], minlength=len(counts)).astype(np.int64)


def _performance(
    events: Events, run: Callable[[], Any], cells: dict[str, float], pt_min_gev: float | None
) -> tuple[dict[str, Any], ak.Array]:
    t0 = time.perf_counter()
    res = run()
    dt = time.perf_counter() - t0
    d = metrics.evaluate(events, res.tracks, pt_min_gev=pt_min_gev).to_dict()
    d["resolution_in_cells"] = {
        p: (
            d["resolution"][p]["width68"] / w
            if d["resolution"].get(p) and d["resolution"][p]["width68"] is not None
            else None
        )
        for p, w in cells.items()
    }
    d["seconds"] = dt
    d["hit_overflow_events"] = int(res.hit_overflow.sum())
    d["track_overflow_events"] = int(res.track_overflow.sum())
    # which events overflowed, by their numbers (the first MAX_LISTED, in sample order)
    d["overflow_event_numbers"] = res.overflow_event_numbers[:MAX_LISTED].tolist()
    return d, res.tracks


def study(algorithm: str, events: Events, config: Any = None, *, pt_min_gev: float | None = None) -> dict[str, Any]:
    """Float and fixed performance of ``algorithm`` on ``events`` (default config of their
    detector, or ``config``), and fixed-point for each of its study variants."""
    algo = get(algorithm)
    cfg = config if config is not None else algo.default_config(events.detector)
    finder = algo.finder(cfg)
    cells = {cfg.param_names[0]: cfg.delta_a, cfg.param_names[1]: cfg.delta_b}
    out: dict[str, Any] = {
        "algorithm": algo.name,
        "config": cfg.name,
        "config_hash": cfg.config_hash(),
        "events": len(events),
    }
    tracks = {}
    for mode in MODES:
        out[mode], tracks[mode] = _performance(events, partial(finder.run, events, mode), cells, pt_min_gev)
    out["same_candidates_fraction"] = same_candidates_fraction(tracks["float"], tracks["fixed"], algo.candidate_keys)
    for label, variant in algo.study_variants(cfg).items():
        out[label], _ = _performance(events, partial(algo.finder(variant).run, events, "fixed"), cells, pt_min_gev)
    return out


def _deprecated_study(algorithm: str) -> Callable[..., dict[str, Any]]:
    def run(events: Events, config: Any = None, *, pt_min_gev: float | None = None) -> dict[str, Any]:
        warnings.warn(
            f"fasttrack.study.{algorithm}_study is deprecated; use fasttrack.study.study({algorithm!r}, ...)",
            DeprecationWarning,
            stacklevel=2,
        )
        return study(algorithm, events, config, pt_min_gev=pt_min_gev)

    run.__doc__ = f"Deprecated: ``study({algorithm!r}, events, config, pt_min_gev=...)``."
    return run


retina_study = _deprecated_study("retina")
hough_study = _deprecated_study("hough")


def _listed(numbers: list[int], n: int = 5) -> str:
    return ", ".join(str(v) for v in numbers[:n]) + (", ..." if len(numbers) > n else "")


def format_study(s: dict[str, Any]) -> str:
    """A short text report of a study."""
    lines = [f"{s['algorithm']} {s['config']} (hash {s['config_hash']}), {s['events']} events"]
    for mode, d in s.items():
        if not (isinstance(d, dict) and "efficiency" in d):
            continue
        res = ", ".join(f"{p} {v:.3f}" for p, v in d["resolution_in_cells"].items() if v is not None)
        eff = "n/a" if d["efficiency"] is None else f"{d['efficiency']:.4f}"
        lines.append(
            f"  {mode}: efficiency {eff} ({d['n_matched_particles']}/{d['n_particles']}), "
            f"fake rate {d['fake_rate']:.4f}, duplicates per matched particle "
            f"{d['duplicates_per_matched_particle']:.3f}, resolution (68 %, cells) {res}; "
            f"overflow events: hits {d['hit_overflow_events']}, tracks {d['track_overflow_events']}"
            + (f" (event numbers {_listed(d['overflow_event_numbers'])})" if d.get("overflow_event_numbers") else "")
        )
    lines.append(f"  same candidates float vs fixed: {s['same_candidates_fraction']:.4f} of events")
    return "\n".join(lines)

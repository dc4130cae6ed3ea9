"""Physics studies of an algorithm on generated events: float vs fixed, per preset.

:func:`retina_study` and :func:`hough_study` run an algorithm in both modes on the same
events and return the tracking performance of each (:mod:`fasttrack.metrics`) and the
fraction of events in which both modes find exactly the same candidates; the Hough study
also measures the configuration without duplicate removal. ``fasttrack evaluate`` prints
them.

Example
-------
>>> from fasttrack import detector, generate
>>> from fasttrack.study import retina_study
>>> ev = generate.generate(detector.telescope(), 50, seed=1)
>>> s = retina_study(ev)
>>> sorted(s)
['algorithm', 'config', 'config_hash', 'events', 'fixed', 'float', 'same_candidates_fraction']
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable, Sequence
from functools import partial
from typing import Any

import awkward as ak
import numpy as np

from . import metrics
from .events import Events
from .hough import Hough, HoughConfig
from .retina import Retina, RetinaConfig


def same_candidates_fraction(a: ak.Array, b: ak.Array, keys: Sequence[str] = ("cell_a", "cell_b")) -> float:
    """Fraction of events whose two track lists hold the same set of ``keys`` tuples."""
    if len(a) == 0:
        return float("nan")
    same = 0
    for ta, tb in zip(a, b, strict=True):
        sa = set(zip(*(np.asarray(ta[k]).tolist() for k in keys), strict=True))
        sb = set(zip(*(np.asarray(tb[k]).tolist() for k in keys), strict=True))
        same += sa == sb
    return same / len(a)


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
    return d, res.tracks


def retina_study(
    events: Events, config: RetinaConfig | None = None, *, pt_min_gev: float | None = None
) -> dict[str, Any]:
    """Float and fixed performance of a retina on ``events`` (default config of their detector)."""
    cfg = config or RetinaConfig.for_detector(events.detector)
    retina = Retina(cfg)
    cells = {cfg.param_names[0]: cfg.delta_a, cfg.param_names[1]: cfg.delta_b}
    out: dict[str, Any] = {
        "algorithm": "retina",
        "config": cfg.name,
        "config_hash": cfg.config_hash(),
        "events": len(events),
    }
    tracks = {}
    for mode in ("float", "fixed"):
        out[mode], tracks[mode] = _performance(events, partial(retina.run, events, mode), cells, pt_min_gev)
    out["same_candidates_fraction"] = same_candidates_fraction(tracks["float"], tracks["fixed"])
    return out


def hough_study(
    events: Events, config: HoughConfig | None = None, *, pt_min_gev: float | None = None
) -> dict[str, Any]:
    """Float and fixed performance of a Hough transform, and fixed without duplicate removal."""
    cfg = config or HoughConfig.for_detector(events.detector)
    cells = {cfg.param_names[0]: cfg.delta_a, cfg.param_names[1]: cfg.delta_b}
    out: dict[str, Any] = {
        "algorithm": "hough",
        "config": cfg.name,
        "config_hash": cfg.config_hash(),
        "events": len(events),
    }
    hough = Hough(cfg)
    tracks = {}
    for mode in ("float", "fixed"):
        out[mode], tracks[mode] = _performance(events, partial(hough.run, events, mode), cells, pt_min_gev)
    keys = ("column", "bin", "sub")
    out["same_candidates_fraction"] = same_candidates_fraction(tracks["float"], tracks["fixed"], keys)
    if cfg.duplicate_rule != "none":
        plain = Hough(dataclasses.replace(cfg, duplicate_rule="none"))
        out["fixed_without_duplicate_removal"], _ = _performance(
            events, partial(plain.run, events, "fixed"), cells, pt_min_gev
        )
    return out


def format_study(s: dict[str, Any]) -> str:
    """A short text report of a study."""
    lines = [f"{s['algorithm']} {s['config']} (hash {s['config_hash']}), {s['events']} events"]
    for mode in ("float", "fixed", "fixed_without_duplicate_removal"):
        if mode not in s:
            continue
        d = s[mode]
        res = ", ".join(f"{p} {v:.3f}" for p, v in d["resolution_in_cells"].items() if v is not None)
        eff = "n/a" if d["efficiency"] is None else f"{d['efficiency']:.4f}"
        lines.append(
            f"  {mode}: efficiency {eff} ({d['n_matched_particles']}/{d['n_particles']}), "
            f"fake rate {d['fake_rate']:.4f}, duplicates per matched particle "
            f"{d['duplicates_per_matched_particle']:.3f}, resolution (68 %, cells) {res}; "
            f"overflow events: hits {d['hit_overflow_events']}, tracks {d['track_overflow_events']}"
        )
    lines.append(f"  same candidates float vs fixed: {s['same_candidates_fraction']:.4f} of events")
    return "\n".join(lines)

"""Physics studies of an algorithm on generated events: float vs fixed, per preset.

:func:`retina_study` runs the retina in both modes on the same events and returns the
tracking performance of each (:mod:`fasttrack.metrics`) and the fraction of events in
which both modes find exactly the same candidate cells. ``fasttrack evaluate`` prints it.

Example
-------
>>> from fasttrack import detector, generate
>>> from fasttrack.study import retina_study
>>> ev = generate.generate(detector.telescope(), 50, seed=1)
>>> s = retina_study(ev)
>>> sorted(s)
['config', 'config_hash', 'events', 'fixed', 'float', 'same_cells_fraction']
"""

from __future__ import annotations

import time
from typing import Any

import awkward as ak
import numpy as np

from . import metrics
from .events import Events
from .retina import Retina, RetinaConfig


def same_cells_fraction(a: ak.Array, b: ak.Array) -> float:
    """Fraction of events whose two track lists hold the same set of (cell_a, cell_b)."""
    if len(a) == 0:
        return float("nan")
    same = 0
    for ta, tb in zip(a, b, strict=True):
        sa = set(zip(np.asarray(ta.cell_a).tolist(), np.asarray(ta.cell_b).tolist(), strict=True))
        sb = set(zip(np.asarray(tb.cell_a).tolist(), np.asarray(tb.cell_b).tolist(), strict=True))
        same += sa == sb
    return same / len(a)


def retina_study(
    events: Events, config: RetinaConfig | None = None, *, pt_min_gev: float | None = None
) -> dict[str, Any]:
    """Float and fixed performance of a retina on ``events`` (default config of their detector)."""
    cfg = config or RetinaConfig.for_detector(events.detector)
    retina = Retina(cfg)
    out: dict[str, Any] = {"config": cfg.name, "config_hash": cfg.config_hash(), "events": len(events)}
    tracks = {}
    for mode in ("float", "fixed"):
        t0 = time.perf_counter()
        res = retina.run(events, mode)  # type: ignore[arg-type]
        dt = time.perf_counter() - t0
        perf = metrics.evaluate(events, res.tracks, pt_min_gev=pt_min_gev)
        d = perf.to_dict()
        cells = {cfg.param_names[0]: cfg.delta_a, cfg.param_names[1]: cfg.delta_b}
        d["resolution_in_cells"] = {
            p: (
                d["resolution"][p]["width68"] / cells[p]
                if d["resolution"].get(p) and d["resolution"][p]["width68"] is not None
                else None
            )
            for p in cfg.param_names
        }
        d["seconds"] = dt
        d["hit_overflow_events"] = int(res.hit_overflow.sum())
        d["track_overflow_events"] = int(res.track_overflow.sum())
        d["hits_unreached_per_event"] = float(res.n_hits_unreached.mean()) if len(events) else 0.0
        out[mode] = d
        tracks[mode] = res.tracks
    out["same_cells_fraction"] = same_cells_fraction(tracks["float"], tracks["fixed"])
    return out


def format_study(s: dict[str, Any]) -> str:
    """A short text report of :func:`retina_study`."""
    lines = [f"retina {s['config']} (hash {s['config_hash']}), {s['events']} events"]
    for mode in ("float", "fixed"):
        d = s[mode]
        res = ", ".join(f"{p} {v:.3f}" for p, v in d["resolution_in_cells"].items() if v is not None)
        lines.append(
            f"  {mode:5s}: efficiency {d['efficiency']:.4f} ({d['n_matched_particles']}/{d['n_particles']}), "
            f"fake rate {d['fake_rate']:.4f}, duplicate rate {d['duplicate_rate']:.4f}, "
            f"resolution (68 %, cells) {res}; overflow events: hits {d['hit_overflow_events']}, "
            f"tracks {d['track_overflow_events']}"
        )
    lines.append(f"  same candidate cells float vs fixed: {s['same_cells_fraction']:.4f} of events")
    return "\n".join(lines)
